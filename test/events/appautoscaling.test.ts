import { describe, expect, it } from 'vitest';
import { appAutoScalingActivityEventSchema, parseEvent } from '../../lib/events/index.js';
import { deletePath, fixture, setPath } from './support.js';

describe('Application Auto Scaling scaled to max', () => {
  it('reads the target and its capacities', () => {
    const result = parseEvent(appAutoScalingActivityEventSchema, fixture('app-autoscaling-scaled-to-max'));
    if (!result.ok) throw result.error;
    expect(result.event.detail).toMatchObject({
      serviceNamespace: 'dynamodb',
      resourceId: 'table/my-table',
      newDesiredCapacity: 8,
      maxCapacity: 8,
      scaledToMax: true,
      direction: 'scale-out',
    });
    expect(result.event.resources).toEqual([]);
  });

  it.each([
    ['detail.resourceId', 'expected string, received undefined'],
    ['detail.serviceNamespace', 'expected string, received undefined'],
    ['detail.scalableDimension', 'expected string, received undefined'],
    ['detail.newDesiredCapacity', 'expected number, received undefined'],
    ['detail.maxCapacity', 'expected number, received undefined'],
  ])('fails without %s', (path, message) => {
    const input = fixture('app-autoscaling-scaled-to-max');
    deletePath(input, path);
    const result = parseEvent(appAutoScalingActivityEventSchema, input);
    expect(result.ok ? '' : result.error.message).toContain(`${path}: ${message}`);
  });

  it('fails on a mistyped scaledToMax', () => {
    const input = fixture('app-autoscaling-scaled-to-max');
    setPath(input, 'detail.scaledToMax', 'true');
    const result = parseEvent(appAutoScalingActivityEventSchema, input);
    expect(result.ok ? '' : result.error.message).toContain('detail.scaledToMax: expected boolean, received string');
  });
});
