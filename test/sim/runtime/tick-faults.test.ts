/** Scheduler tick faults of the simulated bus: a tick delivered late, a tick delivered twice. */
import { describe, expect, it } from 'vitest';
import { EventBus, runUntil, type BusTarget } from '../../../sim/runtime/delivery.js';
import type { PackagedSchedule } from '../../../sim/runtime/template.js';
import { VirtualClock } from '../../../sim/world/clock.js';

const T0 = Date.parse('2026-01-01T07:59:00Z');
const MINUTE = 60_000;

function target(clock: VirtualClock): BusTarget & { calls: { at: number; event: unknown }[] } {
  const calls: { at: number; event: unknown }[] = [];
  return {
    logicalId: 'Fn',
    maximumRetryAttempts: 2,
    maximumEventAgeSeconds: 3600,
    calls,
    invoke: (event) => {
      calls.push({ at: clock.now(), event });
      return Promise.resolve({ result: 'ok' });
    },
  };
}

function schedule(name: string): PackagedSchedule {
  return {
    kind: 'scheduler',
    logicalId: `S${name}`,
    name,
    groupName: 'g',
    roleArn: undefined,
    arn: `arn:aws:scheduler:us-east-1:123456789012:schedule/g/${name}`,
    expression: 'cron(0/10 * * * ? *)',
    timezone: 'UTC',
    target: 'Fn',
    input: JSON.stringify({ schedule: name, scheduledTime: '<aws.scheduler.scheduled-time>' }),
    retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeSeconds: 3600 },
    state: 'ENABLED',
    flexibleWindowMinutes: undefined,
    startMs: undefined,
    endMs: undefined,
  };
}

describe('EventBus tick faults', () => {
  it('delivers the next tick of the named schedule late, with its scheduled time unchanged; later ticks are on time', async () => {
    const clock = new VirtualClock(T0);
    const fn = target(clock);
    const bus = new EventBus({ clock, targets: [fn], rules: [], schedules: [schedule('a'), schedule('b')] });
    bus.faultNextTick({ schedule: 'b', delayMs: 5 * MINUTE });
    bus.startSchedules();
    await runUntil(clock, bus, T0 + 12 * MINUTE);
    expect(fn.calls.map((c) => [new Date(c.at).toISOString(), c.event])).toEqual([
      ['2026-01-01T08:00:00.000Z', { schedule: 'a', scheduledTime: '2026-01-01T08:00:00Z' }],
      ['2026-01-01T08:05:00.000Z', { schedule: 'b', scheduledTime: '2026-01-01T08:00:00Z' }],
      ['2026-01-01T08:10:00.000Z', { schedule: 'a', scheduledTime: '2026-01-01T08:10:00Z' }],
      ['2026-01-01T08:10:00.000Z', { schedule: 'b', scheduledTime: '2026-01-01T08:10:00Z' }],
    ]);
  });

  it('delivers the next tick of any schedule twice, one second apart, as a duplicate', async () => {
    const clock = new VirtualClock(T0);
    const fn = target(clock);
    const bus = new EventBus({ clock, targets: [fn], rules: [], schedules: [schedule('a')] });
    bus.faultNextTick({ duplicate: true });
    bus.startSchedules();
    await runUntil(clock, bus, T0 + 12 * MINUTE);
    expect(fn.calls.map((c) => (c.at - T0) / 1000)).toEqual([60, 61, 660]);
    expect(fn.calls[0]?.event).toEqual(fn.calls[1]?.event);
    expect(bus.deliveries.filter((d) => d.duplicate)).toHaveLength(1);
  });
});
