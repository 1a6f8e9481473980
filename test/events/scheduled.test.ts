import { describe, expect, it } from 'vitest';
import {
  EventParseError,
  parseEvent,
  parseSchedulerInvocation,
  scheduledRuleEventSchema,
  schedulerEventSchema,
} from '../../lib/events/index.js';
import { deletePath, fixture, setPath } from './support.js';

function thrown(fn: () => unknown): EventParseError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EventParseError) return error;
    throw error;
  }
  throw new Error('expected an EventParseError');
}

describe('scheduled events', () => {
  it('normalizes the Scheduler default payload, whose detail is the string "{}"', () => {
    const input = fixture('scheduler-default-invocation');
    expect(input.detail).toBe('{}');
    const result = parseEvent(schedulerEventSchema, input);
    if (!result.ok) throw result.error;
    expect(result.event.detail).toEqual({});
    expect(result.event.source).toBe('aws.scheduler');
  });

  it('also accepts a Scheduler detail that is already an object', () => {
    const input = fixture('scheduler-default-invocation');
    input.detail = { a: 1 };
    const result = parseEvent(schedulerEventSchema, input);
    expect(result.ok && result.event.detail).toEqual({ a: 1 });
  });

  it('rejects a Scheduler detail string that is not a JSON object', () => {
    const input = fixture('scheduler-default-invocation');
    input.detail = 'not json';
    const result = parseEvent(schedulerEventSchema, input);
    expect(result.ok ? '' : result.error.message).toContain('detail: expected object, received string');
  });

  it('reads the scheduled rule event', () => {
    const result = parseEvent(scheduledRuleEventSchema, fixture('scheduled-event'));
    if (!result.ok) throw result.error;
    expect(result.event.detail).toEqual({});
    expect(result.event.time).toBe('2015-10-08T16:53:06Z');
  });

  it('requires time on scheduled events (it is the scheduled time)', () => {
    const input = fixture('scheduled-event');
    deletePath(input, 'time');
    const result = parseEvent(scheduledRuleEventSchema, input);
    expect(result.ok ? '' : result.error.message).toContain('time: expected string, received undefined');
  });
});

describe('parseSchedulerInvocation', () => {
  it('normalizes the Scheduler default payload: name and group from the schedule ARN, time from time', () => {
    expect(parseSchedulerInvocation(fixture('scheduler-default-invocation'))).toEqual({
      kind: 'scheduler-default',
      schedule: 'aaaaa',
      scheduleGroup: 'default',
      scheduledTime: '2025-02-20T16:03:00Z',
    });
  });

  it('normalizes the scheduled rule event: rule name from the rule ARN', () => {
    expect(parseSchedulerInvocation(fixture('scheduled-event'))).toEqual({
      kind: 'scheduled-rule',
      schedule: 'my-scheduled-rule',
      scheduledTime: '2015-10-08T16:53:06Z',
    });
    const onCustomBus = fixture('scheduled-event');
    onCustomBus.resources = ['arn:aws:events:us-east-1:123456789012:rule/my-bus/nightly'];
    expect(parseSchedulerInvocation(onCustomBus).schedule).toBe('nightly');
  });

  it('leaves the schedule unnamed when resources has no ARN', () => {
    const input = fixture('scheduler-default-invocation');
    input.resources = [];
    expect(parseSchedulerInvocation(input)).toEqual({ kind: 'scheduler-default', scheduledTime: '2025-02-20T16:03:00Z' });
  });

  it('passes ecs-ops input through', () => {
    expect(parseSchedulerInvocation({ schedule: 'nightly-report', scheduledTime: '2025-02-20T16:03:00Z', extra: true })).toEqual({
      kind: 'ecs-ops',
      schedule: 'nightly-report',
      scheduledTime: '2025-02-20T16:03:00Z',
    });
    expect(parseSchedulerInvocation({ schedule: 's', scheduledTime: '2025-02-20T16:03:00.123+01:00' }).scheduledTime).toBe('2025-02-20T16:03:00.123+01:00');
  });

  it('rejects ecs-ops input with an unreplaced context attribute or no schedule, naming the field', () => {
    expect(thrown(() => parseSchedulerInvocation({ schedule: 'x', scheduledTime: '<aws.scheduler.scheduled-time>' })).message).toBe(
      'invalid schedule invocation: scheduledTime: expected datetime format, received "<aws.scheduler.scheduled-time>"',
    );
    const error = thrown(() => parseSchedulerInvocation({ scheduledTime: '2025-02-20T16:03:00Z' }));
    expect(error.issues).toEqual([{ path: 'schedule', message: 'expected string, received undefined' }]);
  });

  it('words a too-short field itself (zod/mini has no locale to fall back on)', () => {
    const error = thrown(() => parseSchedulerInvocation({ schedule: '', scheduledTime: '2025-02-20T16:03:00Z' }));
    expect(error.issues).toEqual([{ path: 'schedule', message: 'expected string of at least 1 characters, received ""' }]);
  });

  it('rejects events from other sources and broken scheduled events', () => {
    expect(thrown(() => parseSchedulerInvocation(fixture('app-autoscaling-scaled-to-max'))).message).toContain(
      'source: expected "aws.scheduler" or "aws.events", received "aws.application-autoscaling"',
    );
    const noTime = fixture('scheduler-default-invocation');
    deletePath(noTime, 'time');
    expect(thrown(() => parseSchedulerInvocation(noTime)).message).toContain('time: expected string, received undefined');
    const wrongType = fixture('scheduled-event');
    setPath(wrongType, 'detail-type', 'Something Else');
    expect(thrown(() => parseSchedulerInvocation(wrongType)).message).toContain('detail-type: expected "Scheduled Event", received "Something Else"');
  });

  it('rejects non-objects', () => {
    expect(thrown(() => parseSchedulerInvocation('nightly')).message).toBe('invalid schedule invocation: expected object, received string');
    expect(thrown(() => parseSchedulerInvocation(null)).issues).toEqual([{ path: '', message: 'expected object, received null' }]);
  });
});
