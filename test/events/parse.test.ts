import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  EventParseError,
  formatPath,
  knownEventKind,
  parseEvent,
  parseKnownEvent,
  spotInterruptionEventSchema,
  type AsgLifecycleEvent,
  type EcsTaskStateChangeEvent,
} from '../../lib/events/index.js';
import { deletePath, fixture, setPath } from './support.js';

describe('parseKnownEvent', () => {
  it('fails clearly on an unknown detail-type, naming detail-type and source', () => {
    const input = fixture('ecs-task-state-change-stopped');
    input['detail-type'] = 'ECS Task Definition State Change';
    const result = parseKnownEvent(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(EventParseError);
    expect(result.error.message).toBe(
      'unknown event type: detail-type "ECS Task Definition State Change" from source "aws.ecs" is not an event ecs-ops consumes (event d005c784-98bd-b9c9-043f-c924cd120f54)',
    );
    expect(result.error.detailType).toBe('ECS Task Definition State Change');
    expect(result.error.eventId).toBe('d005c784-98bd-b9c9-043f-c924cd120f54');
    expect(result.error.issues.map((issue) => issue.path)).toEqual(['detail-type']);
  });

  it('routes by source too: a known detail-type from another source is unknown', () => {
    const input = fixture('ec2-spot-interruption-warning-concrete');
    input.source = 'aws.autoscaling';
    const result = parseKnownEvent(input);
    expect(result.ok ? '' : result.error.message).toContain('detail-type "EC2 Spot Instance Interruption Warning" from source "aws.autoscaling"');
    expect(knownEventKind('aws.ec2', 'EC2 Spot Instance Interruption Warning')).toBe('spot-interruption');
    expect(knownEventKind('aws.autoscaling', 'EC2 Spot Instance Interruption Warning')).toBeUndefined();
  });

  it.each([null, 'event', 42, [], {}])('fails on %j, naming source and detail-type', (input) => {
    const result = parseKnownEvent(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues.map((issue) => issue.path)).toEqual(['source', 'detail-type']);
    expect(result.error.eventId).toBeUndefined();
  });

  it('returns the schema errors of a routed event', () => {
    const input = fixture('asg-terminate-lifecycle-to-warmpool');
    deletePath(input, 'detail.LifecycleActionToken');
    const result = parseKnownEvent(input);
    expect(result.ok ? '' : result.error.message).toBe(
      'invalid "EC2 Instance-terminate Lifecycle Action" event 12345678-1234-1234-1234-123456789012: detail.LifecycleActionToken: expected string, received undefined',
    );
  });

  it('narrows the event by kind', () => {
    const result = parseKnownEvent(fixture('asg-terminate-lifecycle-to-warmpool'));
    if (!result.ok) throw result.error;
    const known = result.event;
    switch (known.kind) {
      case 'asg-lifecycle':
        expectTypeOf(known.event).toEqualTypeOf<AsgLifecycleEvent>();
        expect(known.event.detail.Destination).toBe('WarmPool');
        break;
      case 'ecs-task-state-change':
        expectTypeOf(known.event).toEqualTypeOf<EcsTaskStateChangeEvent>();
        break;
      default:
        throw new Error(`routed to ${known.kind}`);
    }
  });
});

describe('parseEvent errors', () => {
  it('lists every failing path in one message', () => {
    const input = fixture('ecs-task-state-change-stopped');
    deletePath(input, 'detail.taskArn');
    setPath(input, 'detail.containers[0].exitCode', '0');
    setPath(input, 'detail.containers[0].lastStatus', null);
    setPath(input, 'id', 7);
    const result = parseKnownEvent(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.eventId).toBeUndefined(); // not readable: not a string
    expect(result.error.issues).toEqual([
      { path: 'id', message: 'expected string, received number' },
      { path: 'detail.taskArn', message: 'expected string, received undefined' },
      { path: 'detail.containers[0].lastStatus', message: 'expected string, received null' },
      { path: 'detail.containers[0].exitCode', message: 'expected number, received string' },
    ]);
    expect(result.error.message).toBe(
      'invalid "ECS Task State Change" event: id: expected string, received number; detail.taskArn: expected string, received undefined; ' +
        'detail.containers[0].lastStatus: expected string, received null; detail.containers[0].exitCode: expected number, received string',
    );
  });

  it('describes a non-object input', () => {
    const result = parseEvent(spotInterruptionEventSchema, 'x');
    expect(result.ok ? '' : result.error.message).toBe('invalid event: expected object, received string');
  });

  it('cuts long received strings', () => {
    const input = fixture('ec2-spot-interruption-warning-concrete');
    input.source = 'x'.repeat(500);
    const result = parseEvent(spotInterruptionEventSchema, input);
    expect(result.ok ? '' : result.error.message).toContain(`received "${'x'.repeat(80)}…"`);
  });

  it('formats paths the way EventBridge users write them', () => {
    expect(formatPath(['detail', 'containers', 0, 'exitCode'])).toBe('detail.containers[0].exitCode');
    expect(formatPath(['detail-type'])).toBe('detail-type');
    expect(formatPath(['detail', 'instance-id'])).toBe('detail.instance-id');
    expect(formatPath(['detail', 'Details', 'Availability Zone'])).toBe('detail.Details["Availability Zone"]');
    expect(formatPath(['detail', 'attributes', 3, 'name'])).toBe('detail.attributes[3].name');
    expect(formatPath([])).toBe('');
  });
});
