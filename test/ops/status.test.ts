import { describe, expect, it } from 'vitest';
import { decideStatus, stackIsHealthy, type StatusFacts } from '../../lib/ops/status.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const HOUR = 3_600_000;

function healthy(): StatusFacts {
  return {
    region: 'eu-west-1',
    stackName: 'ecs-ops-prod',
    stack: { status: 'UPDATE_COMPLETE', lastUpdatedAt: NOW - HOUR, outputs: { EcsOpsVersion: '0.1.0' } },
    functions: [{ key: 'Drain', name: 'ecs-ops-prod-drain', invocations: 60, errors: 0 }],
    failureQueue: { url: 'https://sqs/q', visible: 0, inFlight: 0 },
    reconcilePasses: [{ service: 'ecs-ops-drain', lastCompletedAt: NOW - 60_000 }],
    alarmsInAlarm: [],
    drains: [{ asg: 'prod-ecs', instanceId: 'i-1' }],
    windowMs: HOUR,
    now: NOW,
  };
}

describe('decideStatus', () => {
  it('is healthy with a complete stack, an empty queue, no errors, no alarm and a recent pass (a drain is not a problem)', () => {
    expect(decideStatus(healthy(), { reconcileStalledAfter: 600 })).toEqual({ healthy: true, problems: [] });
  });

  it('reports a missing stack and nothing else', () => {
    const decision = decideStatus({ ...healthy(), stack: undefined }, { reconcileStalledAfter: 600 });
    expect(decision.healthy).toBe(false);
    expect(decision.problems).toEqual([{ check: 'stack', message: 'stack ecs-ops-prod does not exist in eu-west-1 (deploy it, or pass --stage/--region)' }]);
  });

  it.each([
    ['CREATE_COMPLETE', true],
    ['UPDATE_COMPLETE', true],
    ['IMPORT_COMPLETE', true],
    ['UPDATE_IN_PROGRESS', false],
    ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', false],
    ['ROLLBACK_COMPLETE', false],
    ['UPDATE_ROLLBACK_COMPLETE', false],
    ['UPDATE_ROLLBACK_FAILED', false],
    ['DELETE_COMPLETE', false],
  ])('stack status %s healthy: %s', (status, ok) => {
    expect(stackIsHealthy(status)).toBe(ok);
    const base = healthy();
    const decision = decideStatus({ ...base, stack: { ...base.stack!, status, statusReason: 'Resource failed' } }, { reconcileStalledAfter: 600 });
    expect(decision.healthy).toBe(ok);
    if (!ok) expect(decision.problems).toEqual([{ check: 'stack', message: `stack ecs-ops-prod is ${status}: Resource failed` }]);
  });

  it('reports each alarm in ALARM, the failure queue depth and function errors', () => {
    const decision = decideStatus(
      {
        ...healthy(),
        alarmsInAlarm: [{ name: 'ecs-ops-prod-FailureQueueNotEmptyAlarm-X', reason: 'Threshold Crossed' }],
        failureQueue: { url: 'u', visible: 2, inFlight: 1 },
        functions: [
          { key: 'Drain', name: 'ecs-ops-prod-drain', invocations: 60, errors: 1 },
          { key: 'Alerts', name: 'ecs-ops-prod-alerts', invocations: 0, errors: 0 },
        ],
      },
      { reconcileStalledAfter: 600 },
    );
    expect(decision.problems).toEqual([
      { check: 'alarm', message: 'alarm ecs-ops-prod-FailureQueueNotEmptyAlarm-X is in ALARM: Threshold Crossed' },
      { check: 'failure-queue', message: 'the failure queue holds 3 events a function gave up on (2 visible, 1 in flight)' },
      { check: 'errors', message: 'ecs-ops-prod-drain had 1 error in 60 invocations in the last 60 min' },
    ]);
  });

  it('a pass is stalled only past its threshold, and missing from the window is stalled', () => {
    const at = (ago: number) => ({ ...healthy(), reconcilePasses: [{ service: 'ecs-ops-drain', lastCompletedAt: ago < 0 ? undefined : NOW - ago }] });
    expect(decideStatus(at(600_000), { reconcileStalledAfter: 600 }).healthy).toBe(true);
    expect(decideStatus(at(660_000), { reconcileStalledAfter: 600 }).problems).toEqual([{ check: 'reconcile', message: 'the ecs-ops-drain reconcile pass last completed 11 min ago (threshold 10 min)' }]);
    expect(decideStatus(at(660_000), { reconcileStalledAfter: 900 }).healthy).toBe(true);
    expect(decideStatus(at(-1), { reconcileStalledAfter: 600 }).problems).toEqual([{ check: 'reconcile', message: 'the ecs-ops-drain reconcile pass has not completed in the last 60 min (threshold 10 min)' }]);
  });
});
