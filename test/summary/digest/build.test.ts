import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDigest, drainRecords } from '../../../lib/summary/digest/build.js';
import type { AasActivityInput } from '../../../lib/summary/digest/model.js';
import {
  ECS_MANAGED_ALARM,
  INSUFFICIENT,
  VCPU_QUOTA,
  WINDOW,
  asgFailedLaunch,
  asgLaunch,
  asgTerminate,
  atMax,
  min,
  scheduled,
  service,
  snapshot,
  stepScaling,
  targetTracking,
} from './fixtures.js';

describe('buildDigest: services', () => {
  it('reconstructs each change’s previous count from the activity before it, the first from the one before the window', () => {
    const digest = buildDigest(
      snapshot({
        services: [service('web', 10, 10)],
        aasActivities: [
          targetTracking('web', min(-600), 6, false), // yesterday: the baseline
          targetTracking('web', min(10), 16, true),
          targetTracking('web', min(40), 8, false),
          targetTracking('web', min(300), 10, true), // after the window
        ],
      }),
    );
    const web = digest.services.find((s) => s.service === 'web');
    expect(web?.changes.map((c) => [c.from, c.to, c.direction, c.size, c.cause.kind])).toEqual([
      [6, 16, 'out', 10, 'target-tracking'],
      [16, 8, 'in', 8, 'target-tracking'],
    ]);
    // The end of the window is 8 although the service is at 10 now: the activity after the window is rolled back.
    expect(web?.desired).toEqual({ start: 6, end: 8, min: 6, max: 16 });
    expect(web?.points).toEqual([
      [WINDOW.start, 6],
      [min(10), 16],
      [min(40), 8],
      [WINDOW.end, 8],
    ]);
    expect(digest.empty).toBe(false);
  });

  it('without earlier history, takes the running count before the first change from the service events, marked estimated', () => {
    const events = [
      { id: '1', createdAt: min(61), message: '(service web) has started 8 tasks: (task 04dfb8c773cc47a1b0442dc1cabc497a).' },
      { id: '2', createdAt: min(2), message: '(service web) has reached a steady state.' },
    ];
    const web = buildDigest(snapshot({ services: [service('web', 12, 12, { events })], aasActivities: [targetTracking('web', min(60), 12, true)] })).services[0];
    expect(web?.changes).toMatchObject([{ from: 4, to: 12, direction: 'out', size: 8, fromEstimated: true }]);
    expect(web?.desired).toEqual({ start: 4, end: 12, min: 4, max: 12 });
  });

  it('leaves the first previous count unknown without earlier history or service events, and skips activities that changed nothing', () => {
    const digest = buildDigest(
      snapshot({
        services: [service('api', 4, 4)],
        aasActivities: [scheduled('api', min(60), 12, 'api-morning'), scheduled('api', min(70), 12, 'api-morning-again'), stepScaling('api', min(200), 4)],
      }),
    );
    const api = digest.services[0];
    expect(api?.changes.map((c) => [c.from, c.to, c.direction])).toEqual([
      [undefined, 12, 'set'],
      [12, 4, 'in'],
    ]);
    expect(api?.changes[0]?.cause).toMatchObject({ kind: 'scheduled', action: 'api-morning' });
    expect(api?.changes[1]?.cause).toMatchObject({ kind: 'alarm', alarm: 'api-cpu-gt-75' });
    expect(api?.desired).toEqual({ start: undefined, end: 4, min: 4, max: 12 });
  });

  it('reports attempts blocked at the maximum, folds quiet services and ranks the busiest first', () => {
    const digest = buildDigest(
      snapshot({
        services: [service('quiet-a', 2, 2), service('busy', 20, 20), service('one', 3, 3), service('quiet-b', 1, 1)],
        aasActivities: [
          targetTracking('busy', min(-10), 4, true),
          targetTracking('busy', min(5), 10, true),
          targetTracking('busy', min(20), 20, true),
          atMax('busy', min(30), 20),
          targetTracking('one', min(-10), 2, true),
          targetTracking('one', min(100), 3, true),
        ],
      }),
    );
    expect(digest.services.map((s) => s.service)).toEqual(['busy', 'one']);
    expect(digest.quiet).toEqual([
      { service: 'quiet-a', desired: 2 },
      { service: 'quiet-b', desired: 1 },
    ]);
    expect(digest.services[0]?.blocked).toEqual([{ at: min(30), reason: 'already at its maximum (20)', cause: expect.objectContaining({ kind: 'alarm' }) as unknown }]);
    // With a folding threshold of 1 change, `one` joins the quiet line.
    expect(buildDigest(snapshot({ services: [service('one', 3, 3)], aasActivities: [targetTracking('one', min(-10), 2, true), targetTracking('one', min(100), 3, true)] }), { quietChanges: 1 }).quiet).toEqual([
      { service: 'one', desired: 3 },
    ]);
  });

  it('rolls the running count back through the service events', () => {
    const events = [
      { id: '1', createdAt: min(11), message: '(service web) has started 10 tasks: (task 04dfb8c773cc47a1b0442dc1cabc497a).' },
      { id: '2', createdAt: min(41), message: '(service web) has stopped 8 running tasks: (task 218dcf0765ba4c97a2eeb1f06a0e913b).' },
      { id: '3', createdAt: min(42), message: '(service web) has reached a steady state.' },
      { id: '4', createdAt: min(250), message: '(service web) has started 2 tasks: (task 239bccf79b8841c2afc9009496987dc0).' },
    ];
    const digest = buildDigest(snapshot({ services: [service('web', 10, 10, { events })], aasActivities: [targetTracking('web', min(10), 16, true)] }));
    expect(digest.services[0]?.running).toEqual({ start: 6, end: 8, min: 6, max: 16, approximate: false });
  });

  it('summarises deployments: a failed one rolled back by the circuit breaker, and the rollback', () => {
    const digest = buildDigest(
      snapshot({
        services: [
          service('web', 6, 6, {
            deployments: [
              {
                id: 'ecs-svc/7246342417563559064',
                status: 'PRIMARY',
                taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
                desiredCount: 6,
                runningCount: 6,
                failedTasks: 0,
                createdAt: min(14),
                updatedAt: min(20),
                rolloutState: 'COMPLETED',
                rolloutStateReason: 'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1111111111111111111.',
              },
            ],
            events: [
              { id: 'a', createdAt: min(13), message: '(service web) (deployment ecs-svc/4125071934000886933) deployment failed: tasks failed to start.' },
              { id: 'b', createdAt: min(20), message: '(service web) (deployment ecs-svc/7246342417563559064) deployment completed.' },
            ],
          }),
        ],
      }),
    );
    expect(digest.services[0]?.deployments).toEqual([
      { id: 'ecs-svc/4125071934000886933', endedAt: min(13), outcome: 'rolled-back', reason: 'tasks failed to start' },
      {
        id: 'ecs-svc/7246342417563559064',
        taskDefinition: 'web:1',
        startedAt: min(14),
        endedAt: min(20),
        outcome: 'completed',
        reason: 'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1111111111111111111.',
      },
    ]);
    expect(digest.empty).toBe(false);
  });

  it('an empty window is empty', () => {
    const digest = buildDigest(snapshot({ services: [service('web', 6, 6)], aasActivities: [targetTracking('web', min(-100), 6, true)], asgs: [{ name: 'prod-ecs', desired: 4, min: 2, max: 8, instances: 4 }] }));
    expect(digest.empty).toBe(true);
    expect(digest.services).toEqual([]);
    expect(digest.quiet).toEqual([{ service: 'web', desired: 6 }]);
  });
});

describe('buildDigest: ASGs and ecs-ops', () => {
  it('takes each desired capacity change once, with its cause, and lists failed launches with their reason', () => {
    const digest = buildDigest(
      snapshot({
        asgs: [{ name: 'prod-ecs', desired: 6, min: 2, max: 8, instances: 5 }],
        asgActivities: [
          asgLaunch('prod-ecs', min(12), 4, 6, ECS_MANAGED_ALARM, 'i-0aaaaaaaaaaaaaaa1'),
          asgLaunch('prod-ecs', min(12), 4, 6, ECS_MANAGED_ALARM, 'i-0aaaaaaaaaaaaaaa2'),
          asgFailedLaunch('prod-ecs', min(13), INSUFFICIENT),
          asgFailedLaunch('prod-ecs', min(15), VCPU_QUOTA, 'us-east-1c'),
          asgTerminate('prod-ecs', min(200), 6, 5, 'i-0bbbbbbbbbbbbbbb1', 4 * 60_000 + 12_000, 'a user request explicitly set group desired capacity'),
        ],
      }),
    );
    const asg = digest.asgs[0];
    expect(asg?.changes.map((c) => [c.from, c.to, c.cause.kind])).toEqual([
      [4, 6, 'target-tracking'],
      [6, 5, 'manual'],
    ]);
    expect(asg?.launched).toBe(2);
    expect(asg?.terminated).toBe(1);
    expect(asg?.failedLaunches.map((f) => [f.reason, f.az, f.instanceType])).toEqual([
      ['insufficient-capacity', 'us-east-1b', 'm5.large'],
      ['quota', 'us-east-1c', undefined],
    ]);
    expect(asg?.desired).toEqual({ start: 4, end: 6, min: 4, max: 6 });
  });

  it('reads ecs-ops’s drains back from the terminate activities of the ASGs it drains', () => {
    const activities = [
      asgTerminate('prod-ecs', min(100), 6, 5, 'i-0ccccccccccccccc1', 4 * 60_000 + 12_000),
      asgTerminate('prod-ecs', min(230), 5, 4, 'i-0ccccccccccccccc2', undefined),
      asgTerminate('other-asg', min(100), 3, 2, 'i-0ddddddddddddddd1', 60_000),
    ];
    const records = drainRecords(activities, ['prod-ecs'], false, WINDOW, WINDOW.end);
    expect(records.map((r) => [r.subject, r.outcome, r.durationMs])).toEqual([
      ['i-0ccccccccccccccc1', 'completed', 252_000],
      ['i-0ccccccccccccccc2', 'in-progress', 600_000],
    ]);
    expect(records[0]?.detail).toBe('drained i-0ccccccccccccccc1 (prod-ecs, scale-in): terminated 4m 12s after it was chosen');
  });
});

describe('buildDigest properties', () => {
  it('consecutive changes chain (each from is the previous to), and the range covers every point', () => {
    const arb = fc.array(fc.record({ minute: fc.integer({ min: -300, max: 300 }), to: fc.integer({ min: 0, max: 50 }), high: fc.boolean() }), { maxLength: 30 });
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 50 }), (sets, current) => {
        const activities: AasActivityInput[] = sets.map((s, i) => targetTracking('web', min(s.minute) + i, s.to, s.high));
        // quietChanges -1: nothing is folded, so the service is always listed.
        const s = buildDigest(snapshot({ services: [service('web', current, current)], aasActivities: activities }), { quietChanges: -1 }).services[0];
        expect(s).toBeDefined();
        if (!s) return;
        s.changes.forEach((c, i) => {
          if (i > 0) expect(c.from).toBe(s.changes[i - 1]?.to);
          expect(c.to).not.toBe(c.from);
          expect(c.at).toBeGreaterThanOrEqual(WINDOW.start);
          expect(c.at).toBeLessThan(WINDOW.end);
        });
        for (const [, v] of s.points) {
          expect(v).toBeGreaterThanOrEqual(s.desired.min);
          expect(v).toBeLessThanOrEqual(s.desired.max);
        }
      }),
    );
  });
});
