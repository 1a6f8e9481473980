import { describe, expect, it } from 'vitest';
import { EventBus, runUntil, type BusTarget, type EventEnvelope, type EventFaults } from '../../../sim/runtime/delivery.js';
import type { PackagedRule, PackagedSchedule, RuleTarget } from '../../../sim/runtime/template.js';
import { VirtualClock } from '../../../sim/world/clock.js';

const T0 = Date.parse('2026-03-27T12:00:00Z');
const MINUTE = 60_000;

interface Call {
  event: unknown;
  attempt: number;
  at: number;
  source: string | undefined;
}

type FakeTarget = BusTarget & { calls: Call[] };

/** A target whose behaviour decides per call: throw to fail the invocation. */
function fake(clock: VirtualClock, logicalId: string, behaviour: (call: Call) => void = () => undefined, config: Partial<BusTarget> = {}): FakeTarget {
  const calls: Call[] = [];
  return {
    logicalId,
    maximumRetryAttempts: 2,
    maximumEventAgeSeconds: 21_600,
    onFailure: 'FailureQueue',
    ...config,
    calls,
    invoke: (event, info) => {
      const call = { event, attempt: info.attempt, at: clock.now(), source: info.source };
      calls.push(call);
      try {
        behaviour(call);
        return Promise.resolve({ result: 'ok', requestId: `req-${calls.length}` });
      } catch (error) {
        return Promise.resolve({ error: { name: (error as Error).name, message: (error as Error).message }, requestId: `req-${calls.length}` });
      }
    },
  };
}

function rule(logicalId: string, pattern: Record<string, unknown>, targets: (string | Partial<RuleTarget> & { function: string })[], state = 'ENABLED'): PackagedRule {
  const targetDetails = targets.map((t) => (typeof t === 'string' ? { id: t, function: t, input: undefined, inputPath: undefined } : { id: t.function, input: undefined, inputPath: undefined, ...t }));
  return { logicalId, name: `rule-${logicalId}`, arn: `arn:aws:events:us-east-1:123456789012:rule/rule-${logicalId}`, pattern, state, targets: targetDetails.map((t) => t.function), targetDetails };
}

let counter = 0;
function event(detailType: string, detail: Record<string, unknown> = {}, id = `evt-${++counter}`): EventEnvelope {
  return { version: '0', id, 'detail-type': detailType, source: 'aws.ecs', account: '123456789012', time: '2026-03-27T12:00:00Z', region: 'us-east-1', resources: [], detail };
}

const serviceAction = { source: ['aws.ecs'], 'detail-type': ['ECS Service Action'] };

describe('EventBus: matching', () => {
  it('delivers an event to the targets of every enabled rule that matches, and to nothing else', async () => {
    const clock = new VirtualClock(T0);
    const alerts = fake(clock, 'Alerts');
    const drain = fake(clock, 'Drain');
    const bus = new EventBus({
      clock,
      targets: [alerts, drain],
      rules: [
        rule('A', serviceAction, ['Alerts']),
        rule('B', { source: ['aws.ecs'], detail: { eventName: [{ prefix: 'SERVICE_TASK' }] } }, ['Alerts', 'Drain']),
        rule('C', serviceAction, ['Drain'], 'DISABLED'),
      ],
    });
    const placement = event('ECS Service Action', { eventName: 'SERVICE_TASK_PLACEMENT_FAILURE' });
    expect(bus.put(placement).matched).toEqual([
      { rule: 'rule-A', function: 'Alerts' },
      { rule: 'rule-B', function: 'Alerts' },
      { rule: 'rule-B', function: 'Drain' },
    ]);
    expect(bus.put(event('ECS Task State Change', { lastStatus: 'STOPPED' })).matched).toEqual([]);
    expect(alerts.calls).toHaveLength(0); // queued, not run: the world is synchronous
    await bus.drain();
    expect(alerts.calls.map((c) => [c.source, (c.event as EventEnvelope).id])).toEqual([['rule-A', placement.id], ['rule-B', placement.id]]);
    expect(drain.calls).toHaveLength(1);
    expect(bus.idle).toBe(true);
  });

  it('sends a target its Input or the InputPath part of the event', async () => {
    const clock = new VirtualClock(T0);
    const target = fake(clock, 'Fn');
    const bus = new EventBus({
      clock,
      targets: [target],
      rules: [rule('A', serviceAction, [{ function: 'Fn', input: '{"constant":true}' }]), rule('B', serviceAction, [{ function: 'Fn', inputPath: '$.detail' }])],
    });
    bus.put(event('ECS Service Action', { eventName: 'X' }));
    await bus.drain();
    expect(target.calls.map((c) => c.event)).toEqual([{ constant: true }, { eventName: 'X' }]);
  });

  it('refuses events that are not EventBridge envelopes and rules that target unknown functions', () => {
    const clock = new VirtualClock(T0);
    const bus = new EventBus({ clock, targets: [fake(clock, 'Fn')], rules: [] });
    expect(() => bus.put({ detail: {} } as unknown as EventEnvelope)).toThrow(/not an EventBridge event/);
    expect(() => new EventBus({ clock, targets: [], rules: [rule('A', serviceAction, ['Missing'])] })).toThrow(/targets Missing, which is not loaded/);
  });

  it('drains what handlers cause: events put during an invocation run in the same drain', async () => {
    const clock = new VirtualClock(T0);
    const world: { bus?: EventBus } = {};
    const first = fake(clock, 'First', () => world.bus?.put(event('Second Thing')));
    const second = fake(clock, 'Second');
    const bus = new EventBus({ clock, targets: [first, second], rules: [rule('A', { 'detail-type': ['First Thing'] }, ['First']), rule('B', { 'detail-type': ['Second Thing'] }, ['Second'])] });
    world.bus = bus;
    bus.put(event('First Thing'));
    await bus.drain();
    expect(second.calls).toHaveLength(1);
  });

  it('gives each delivery and each attempt its own copy of the event', async () => {
    const clock = new VirtualClock(T0);
    let failures = 1;
    const target = fake(clock, 'Fn', (call) => {
      (call.event as { detail: { touched?: number } }).detail.touched = call.attempt;
      if (failures-- > 0) throw new Error('once');
    });
    const bus = new EventBus({ clock, targets: [target], rules: [rule('A', serviceAction, ['Fn'])] });
    const original = event('ECS Service Action', {});
    bus.put(original);
    original.detail = { changedByTheWorld: true };
    await runUntil(clock, bus, T0 + 5 * MINUTE);
    expect(target.calls.map((c) => c.event)).toEqual([
      expect.objectContaining({ detail: { touched: 1 } }),
      expect.objectContaining({ detail: { touched: 2 } }),
    ]);
  });
});

describe('EventBus: Lambda asynchronous retries on the virtual clock', () => {
  it('retries a failing invocation after 1 minute, then 2 more minutes', async () => {
    const clock = new VirtualClock(T0);
    const target = fake(clock, 'Fn', (call) => {
      if (call.attempt < 3) throw new Error(`boom ${call.attempt}`);
    });
    const bus = new EventBus({ clock, targets: [target], rules: [rule('A', serviceAction, ['Fn'])] });
    bus.put(event('ECS Service Action'));
    await bus.drain();
    expect(target.calls).toHaveLength(1);
    expect(bus.waiting).toBe(1);

    // Nothing happens in real time or before the virtual minute is up.
    clock.advanceBy(MINUTE - 1);
    await bus.drain();
    expect(target.calls).toHaveLength(1);
    clock.advanceBy(1);
    await bus.drain();
    expect(target.calls).toHaveLength(2);

    await runUntil(clock, bus, T0 + 10 * MINUTE);
    expect(target.calls.map((c) => [c.attempt, c.at - T0])).toEqual([
      [1, 0],
      [2, MINUTE],
      [3, 3 * MINUTE],
    ]);
    expect(bus.attempts.map((a) => a.ok)).toEqual([false, false, true]);
    expect(bus.deadLetters).toEqual([]);
    expect(bus.idle).toBe(true);
  });

  it('records a dead letter after three failed attempts', async () => {
    const clock = new VirtualClock(T0);
    const target = fake(clock, 'Fn', () => {
      throw new TypeError('always');
    }, { arn: 'arn:aws:lambda:us-east-1:123456789012:function:svc-fn' });
    const bus = new EventBus({ clock, targets: [target], rules: [rule('A', serviceAction, ['Fn'])] });
    const e = event('ECS Service Action', { eventName: 'X' });
    bus.put(e);
    await runUntil(clock, bus, T0 + 60 * MINUTE);
    expect(target.calls.map((c) => c.at - T0)).toEqual([0, MINUTE, 3 * MINUTE]);
    expect(bus.deadLetters).toHaveLength(1);
    const [dead] = bus.deadLetters;
    expect(dead).toMatchObject({
      function: 'Fn',
      eventId: e.id,
      rule: 'rule-A',
      event: e,
      error: { name: 'TypeError', message: 'always' },
      attempts: 3,
      condition: 'RetriesExhausted',
      destination: 'FailureQueue',
      atMs: T0 + 3 * MINUTE,
    });
    expect(dead!.message).toEqual({
      version: '1.0',
      timestamp: new Date(T0 + 3 * MINUTE).toISOString(),
      requestContext: { requestId: 'req-3', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:svc-fn:$LATEST', condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: e,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'TypeError', errorMessage: 'always' },
    });
  });

  it('honours MaximumRetryAttempts 0 and a handler that rejects instead of reporting', async () => {
    const clock = new VirtualClock(T0);
    const target: BusTarget = { logicalId: 'Fn', maximumRetryAttempts: 0, maximumEventAgeSeconds: 60, invoke: () => Promise.reject(new Error('crashed')) };
    const bus = new EventBus({ clock, targets: [target], rules: [rule('A', serviceAction, ['Fn'])] });
    bus.put(event('ECS Service Action'));
    await bus.drain();
    expect(bus.deadLetters).toMatchObject([{ attempts: 1, condition: 'RetriesExhausted', error: { message: 'crashed' }, destination: undefined }]);
    expect(bus.waiting).toBe(0);
  });

  it('discards an event older than MaximumEventAgeInSeconds instead of retrying it', async () => {
    const clock = new VirtualClock(T0);
    const target = fake(clock, 'Fn', () => {
      throw new Error('down');
    }, { maximumEventAgeSeconds: 100 });
    const bus = new EventBus({ clock, targets: [target], rules: [rule('A', serviceAction, ['Fn'])] });
    bus.put(event('ECS Service Action'));
    await runUntil(clock, bus, T0 + 60 * MINUTE);
    // Attempt 2 at +60 s is within 100 s; attempt 3 would be at +180 s.
    expect(target.calls.map((c) => c.at - T0)).toEqual([0, MINUTE]);
    expect(bus.deadLetters).toMatchObject([{ condition: 'EventAgeExceeded', attempts: 2, atMs: T0 + 3 * MINUTE, error: { message: 'down' } }]);
    expect(bus.deadLetters[0]!.message.requestContext).toMatchObject({ condition: 'EventAgeExceeded', approximateInvokeCount: 2 });
  });

  it('uses configurable retry delays', async () => {
    const clock = new VirtualClock(T0);
    const target = fake(clock, 'Fn', () => {
      throw new Error('down');
    });
    const bus = new EventBus({ clock, targets: [target], rules: [rule('A', serviceAction, ['Fn'])], retryDelaysMs: [1000, 5000] });
    bus.put(event('ECS Service Action'));
    await runUntil(clock, bus, T0 + MINUTE);
    expect(target.calls.map((c) => c.at - T0)).toEqual([0, 1000, 6000]);
  });
});

describe('EventBus: seeded event faults', () => {
  /** Puts 40 events at once and runs everything; returns the order in which the target saw event ids. */
  async function run(faults: EventFaults, seed: number) {
    const clock = new VirtualClock(T0);
    const target = fake(clock, 'Fn');
    const bus = new EventBus({ clock, targets: [target], rules: [rule('A', serviceAction, ['Fn'])], faults, seed });
    const ids = Array.from({ length: 40 }, (_, i) => `e${String(i).padStart(2, '0')}`);
    for (const id of ids) bus.put(event('ECS Service Action', {}, id));
    await runUntil(clock, bus, T0 + 60 * MINUTE);
    return { ids, seen: target.calls.map((c) => (c.event as EventEnvelope).id), times: target.calls.map((c) => c.at - T0), bus };
  }

  it('delivers some events twice, the duplicate a little later, reproducibly', async () => {
    const a = await run({ duplicateRate: 0.3 }, 7);
    const b = await run({ duplicateRate: 0.3 }, 7);
    const duplicated = a.bus.deliveries.filter((d) => d.duplicate);
    expect(duplicated.length).toBeGreaterThan(3);
    expect(duplicated.length).toBeLessThan(25);
    expect(a.seen).toHaveLength(40 + duplicated.length);
    for (const d of duplicated) {
      expect(a.seen.filter((id) => id === d.eventId)).toHaveLength(2);
      expect(d.dueAtMs - d.putAtMs).toBeGreaterThan(0);
      expect(d.dueAtMs - d.putAtMs).toBeLessThanOrEqual(5000);
    }
    expect(b.seen).toEqual(a.seen);
    expect(b.times).toEqual(a.times);
    const other = await run({ duplicateRate: 0.3 }, 8);
    expect(other.seen).not.toEqual(a.seen);
  });

  it('drops some events, records them and never delivers them, reproducibly', async () => {
    const a = await run({ dropRate: 0.25 }, 11);
    const b = await run({ dropRate: 0.25 }, 11);
    const dropped = a.bus.dropped.map((d) => d.eventId);
    expect(dropped.length).toBeGreaterThan(2);
    expect(dropped.length).toBeLessThan(25);
    expect(a.seen).toEqual(a.ids.filter((id) => !dropped.includes(id)));
    expect(a.bus.dropped[0]).toMatchObject({ rule: 'rule-A', function: 'Fn', atMs: T0 });
    expect(b.bus.dropped).toEqual(a.bus.dropped);
  });

  it('reorders events within the window, reproducibly', async () => {
    const a = await run({ reorderWindowMs: 10_000 }, 3);
    const b = await run({ reorderWindowMs: 10_000 }, 3);
    expect(a.seen).not.toEqual(a.ids);
    expect([...a.seen].sort()).toEqual(a.ids);
    expect(Math.max(...a.times)).toBeLessThan(10_000);
    expect(a.times).toEqual([...a.times].sort((x, y) => x - y));
    expect(b.seen).toEqual(a.seen);
  });

  it('delays every delivery by delayMs', async () => {
    const a = await run({ delayMs: 2500 }, 1);
    expect(a.seen).toEqual(a.ids);
    expect(new Set(a.times)).toEqual(new Set([2500]));
  });

  it('draws nothing when no fault is configured', async () => {
    const a = await run({}, 1);
    const b = await run({}, 99);
    expect(a.seen).toEqual(a.ids);
    expect(b.seen).toEqual(a.ids);
  });

  it('rejects rates outside 0..1', () => {
    const clock = new VirtualClock(T0);
    expect(() => new EventBus({ clock, targets: [], rules: [], faults: { dropRate: 1.5 } })).toThrow(/dropRate must be between 0 and 1/);
  });
});

describe('EventBus: schedules', () => {
  function schedule(overrides: Partial<PackagedSchedule>): PackagedSchedule {
    return {
      kind: 'scheduler',
      logicalId: 'NightlyReportSchedule',
      name: 'ecs-ops-prod-nightly-report',
      groupName: 'default',
      roleArn: undefined,
      arn: 'arn:aws:scheduler:us-east-1:123456789012:schedule/default/ecs-ops-prod-nightly-report',
      expression: 'cron(0 3 * * ? *)',
      timezone: 'Europe/Paris',
      target: 'Fn',
      input: undefined,
      retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 },
      state: 'ENABLED',
      flexibleWindowMinutes: undefined,
      startMs: undefined,
      endMs: undefined,
      ...overrides,
    };
  }

  it('fires a Scheduler cron schedule in its time zone with the scheduled time substituted into the input', async () => {
    const clock = new VirtualClock(T0);
    const target = fake(clock, 'Fn');
    const input = JSON.stringify({ schedule: 'nightly-report', scheduledTime: '<aws.scheduler.scheduled-time>', arn: '<aws.scheduler.schedule-arn>' });
    const bus = new EventBus({ clock, targets: [target], rules: [], schedules: [schedule({ input })] });
    const stop = bus.startSchedules();
    await runUntil(clock, bus, Date.parse('2026-03-31T00:00:00Z'));
    // 03:00 Paris: CET (UTC+1) until 29 March, CEST (UTC+2) from then on.
    expect(target.calls.map((c) => c.event)).toEqual([
      { schedule: 'nightly-report', scheduledTime: '2026-03-28T02:00:00Z', arn: schedule({}).arn },
      { schedule: 'nightly-report', scheduledTime: '2026-03-29T01:00:00Z', arn: schedule({}).arn },
      { schedule: 'nightly-report', scheduledTime: '2026-03-30T01:00:00Z', arn: schedule({}).arn },
    ]);
    expect(target.calls.map((c) => new Date(c.at).toISOString())).toEqual(['2026-03-28T02:00:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T01:00:00.000Z']);
    expect(target.calls[0]!.source).toBe('ecs-ops-prod-nightly-report');
    stop();
    await runUntil(clock, bus, Date.parse('2026-04-05T00:00:00Z'));
    expect(target.calls).toHaveLength(3);
  });

  it('sends the default Scheduler payload without input, and a Scheduled Event for a scheduled rule', async () => {
    const clock = new VirtualClock(T0);
    const target = fake(clock, 'Fn');
    const bus = new EventBus({
      clock,
      targets: [target],
      rules: [],
      schedules: [
        schedule({ expression: 'rate(6 hours)', timezone: 'UTC' }),
        schedule({ kind: 'rule', logicalId: 'DigestRule', name: 'ecs-ops-prod-digest', arn: 'arn:aws:events:us-east-1:123456789012:rule/ecs-ops-prod-digest', expression: 'rate(1 day)', timezone: 'UTC', retryPolicy: undefined, groupName: undefined }),
        schedule({ logicalId: 'Off', expression: 'rate(1 minute)', state: 'DISABLED' }),
      ],
    });
    bus.startSchedules();
    await runUntil(clock, bus, T0 + 24 * 60 * MINUTE);
    const events = target.calls.map((c) => c.event as EventEnvelope);
    // Scheduler starts a rate schedule now; a scheduled rule one period after it is created.
    expect(events.map((e) => [e.source, e.time])).toEqual([
      ['aws.scheduler', '2026-03-27T12:00:00Z'],
      ['aws.scheduler', '2026-03-27T18:00:00Z'],
      ['aws.scheduler', '2026-03-28T00:00:00Z'],
      ['aws.scheduler', '2026-03-28T06:00:00Z'],
      // Same time: timers fire in the order they were set, and the rule's was set at start.
      ['aws.events', '2026-03-28T12:00:00Z'],
      ['aws.scheduler', '2026-03-28T12:00:00Z'],
    ]);
    expect(events[0]).toMatchObject({ version: '0', 'detail-type': 'Scheduled Event', account: '123456789012', region: 'us-east-1', resources: [schedule({}).arn], detail: '{}' });
    expect(events[4]).toMatchObject({ 'detail-type': 'Scheduled Event', resources: ['arn:aws:events:us-east-1:123456789012:rule/ecs-ops-prod-digest'], detail: {} });
    expect(new Set(events.map((e) => e.id)).size).toBe(6);
  });

  it('honours StartDate, EndDate and the flexible time window', async () => {
    const clock = new VirtualClock(T0);
    const target = fake(clock, 'Fn');
    const bus = new EventBus({
      clock,
      targets: [target],
      rules: [],
      schedules: [schedule({ expression: 'rate(1 hour)', timezone: 'UTC', startMs: T0 + 30 * MINUTE, endMs: T0 + 150 * MINUTE, flexibleWindowMinutes: 10 })],
    });
    bus.startSchedules();
    await runUntil(clock, bus, T0 + 24 * 60 * MINUTE);
    const scheduled = target.calls.map((c) => (c.event as EventEnvelope).time);
    expect(scheduled).toEqual(['2026-03-27T12:30:00Z', '2026-03-27T13:30:00Z', '2026-03-27T14:30:00Z']);
    for (const [i, call] of target.calls.entries()) {
      const offset = call.at - (T0 + 30 * MINUTE + i * 60 * MINUTE);
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(10 * MINUTE);
    }
  });

  it('rejects an invalid schedule expression when schedules start', () => {
    const clock = new VirtualClock(T0);
    const bus = new EventBus({ clock, targets: [fake(clock, 'Fn')], rules: [], schedules: [schedule({ expression: 'cron(0 3 * * * *)' })] });
    expect(() => bus.startSchedules()).toThrow(/exactly one of day-of-month and day-of-week must be \?/);
  });
});
