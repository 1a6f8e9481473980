/**
 * Deadline and blocked-notice timing with plain data: reconcile passes scheduled every minute, each invocation reading
 * the clock a little after its scheduled instant (delivery latency, cold starts), a drain started either by a pass
 * (lost lifecycle event) or by an event between passes. The drain start is what the I/O records: the snapshot's
 * instant, `eventInstant` (the event's or the pass's time). The forced completion must come on the first pass
 * scheduled at or after start + deadline, the blocked notice on the first pass at or after start + 2 intervals: never
 * a pass late.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, type DrainConfig } from '../../lib/drain/decide.js';
import { eventInstant } from '../../lib/drain/gather.js';
import type { DrainAction, DrainSnapshot, DrainTask } from '../../lib/drain/model.js';

const SEC = 1000;
const I = 60 * SEC; // the reconcile interval
const P0 = Date.UTC(2026, 0, 1, 8, 0, 0); // the first pass's scheduled instant
const CLUSTER = 'prod';
const ASG = 'web-asg';
const HOOK = 'ecs-ops-drain';

const stuck: DrainTask[] = [{ taskArn: `arn:aws:ecs:us-east-1:123456789012:task/${CLUSTER}/web-1`, group: 'service:web', lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }];

function pass(now: number, drainStartedAt: number, deadlineSeconds: number): DrainAction[] {
  const snapshot: DrainSnapshot = {
    now,
    reconcileIntervalMs: I,
    managedHooks: [{ asg: ASG, hook: HOOK }],
    // min = max = 100: the service can never move its task, so it is reported as blocking.
    services: { [`${CLUSTER}/web`]: { cluster: CLUSTER, serviceName: 'web', minimumHealthyPercent: 100, maximumPercent: 100, desiredCount: 1, runningCount: 1, schedulingStrategy: 'REPLICA', unableToPlace: false } },
    instances: [
      {
        ec2InstanceId: 'i-0aaa',
        trigger: 'reconcile',
        // 2 h heartbeat timeout: the global timeout (48 h) never comes first here.
        asg: { name: ASG, lifecycleState: 'Terminating:Wait', hook: { asg: ASG, hook: HOOK, heartbeatTimeoutSeconds: 7200, defaultResult: 'CONTINUE', globalTimeoutSeconds: 48 * 3600 } },
        container: { cluster: CLUSTER, containerInstanceArn: `arn:aws:ecs:us-east-1:123456789012:container-instance/${CLUSTER}/ci`, status: 'DRAINING', agentConnected: true, drainStartedAt, tasksAtStart: 1, tasks: stuck },
      },
    ],
  };
  const config: DrainConfig = { deadline: deadlineSeconds, standaloneTasks: 'wait', spotInterruption: true, rebalanceRecommendation: 'ignore', notifyStart: false, managedDraining: 'observe' };
  return decide(snapshot, config);
}

/**
 * Runs passes k = 1, 2, … (scheduled at P0 + k·I, each read `jitter(k)` ms late) until the forced completion; the
 * first pass with a blocked notice, if one came before (the deadline pass does nothing else).
 */
function firstPasses(drainStartedAt: number, deadlineSeconds: number, jitter: (k: number) => number): { forced: number; blocked: number | undefined } {
  let forced: number | undefined;
  let blocked: number | undefined;
  for (let k = 1; forced === undefined && k < 10_000; k++) {
    const scheduled = P0 + k * I;
    const actions = pass(eventInstant(scheduled + jitter(k), scheduled, I), drainStartedAt, deadlineSeconds);
    if (blocked === undefined && actions.some((a) => a.type === 'notify' && a.notification.kind === 'drain-blocked')) blocked = scheduled;
    if (actions.some((a) => a.type === 'complete' && a.reason === 'deadline')) forced = scheduled;
  }
  if (forced === undefined) throw new Error('never forced');
  return { forced, blocked };
}

/** The first pass scheduled at or after `t`. */
const firstPassAtOrAfter = (t: number): number => P0 + Math.ceil((t - P0) / I) * I;

describe('deadline timing over reconcile passes', () => {
  it('a drain started by the pass at P is forced by the pass at P + deadline, though that pass reads the clock earlier in its minute', () => {
    // Before: the start was the clock after the drain's calls (P + 900 ms + a few ms) and each pass decided at its own
    // clock (P + 3600 s + 5 ms): one pass late.
    // Pass 0 ran cold (read 900 ms late); every later pass reads 5 ms late. The start is recorded at pass 0's instant.
    const start = eventInstant(P0 + 900, P0, I);
    expect(start).toBe(P0);
    const { forced, blocked } = firstPasses(start, 3600, () => 5);
    expect(forced).toBe(P0 + 3600 * SEC);
    expect(blocked).toBe(P0 + 2 * I);
  });

  it('property: with deadline D, forced completion is on the first pass at or after start + D, the blocked notice at or after start + 2 intervals', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 60, max: 3 * 3600 }),
        // Started by pass 0 (its instant, however late it ran) or by an event (`time` in whole seconds) in the first minute.
        fc.oneof(fc.constant({ byPass: true, offset: 0 }), fc.record({ byPass: fc.constant(false), offset: fc.integer({ min: 0, max: 59 }).map((s) => s * SEC) })),
        fc.integer({ min: 0, max: I / 2 - 1 }),
        fc.array(fc.integer({ min: 0, max: I / 2 - 1 }), { minLength: 1, maxLength: 16 }),
        (deadline, started, startJitter, jitters) => {
          // The event's time, or pass 0's scheduled instant; handled `startJitter` ms later.
          const start = eventInstant(P0 + started.offset + startJitter, P0 + started.offset, I);
          expect(start).toBe(P0 + started.offset);
          const { forced, blocked } = firstPasses(start, deadline, (k) => jitters[k % jitters.length] ?? 0);
          expect(forced).toBe(firstPassAtOrAfter(start + deadline * SEC));
          const blockedPass = firstPassAtOrAfter(start + 2 * I);
          expect(blocked).toBe(blockedPass < forced ? blockedPass : undefined);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('eventInstant: the event or scheduled time within half an interval of it, else the clock (a late retry), or no time', () => {
    expect(eventInstant(P0 + 29_999, P0, I)).toBe(P0);
    expect(eventInstant(P0 + 30_000, P0, I)).toBe(P0 + 30_000);
    expect(eventInstant(P0 + 2 * I, P0, I)).toBe(P0 + 2 * I);
    // A clock behind the event's time (skew): the clock.
    expect(eventInstant(P0 - 10, P0, I)).toBe(P0 - 10);
    expect(eventInstant(P0 + 5, undefined, I)).toBe(P0 + 5);
    expect(eventInstant(P0 + 5, Number.NaN, I)).toBe(P0 + 5);
  });
});
