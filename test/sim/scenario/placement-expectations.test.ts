/** The placement expectations (sim/scenario/placement-expectations.ts) on hand-made run records: they pass and fail. */
import { describe, expect, it } from 'vitest';
import { evaluateExpectation, type RunRecord } from '../../../sim/scenario/expectations.js';
import type { PlacementReport } from '../../../sim/scenario/report.js';

const T0 = Date.parse('2026-01-01T08:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const KEY = 'prod/web|spread|azBalance';

function record(placement: PlacementReport): RunRecord {
  return {
    scenario: { name: 't', description: undefined, file: undefined },
    seed: 1,
    region: 'us-east-1',
    virtual: { start: at(0), end: at(10), durationSeconds: 600 },
    wallTimeMs: 0,
    fleet: { availabilityZones: [], services: [], asgs: [] },
    events: { emitted: 0, byDetailType: {}, injected: 0, deliveries: 0, dropped: 0, duplicated: 0 },
    invocations: { total: 0, errors: 0, byFunction: {} },
    apiCalls: { total: 0, byOperation: {}, failed: {}, injectedFaults: 0 },
    lifecycleActions: [],
    drains: [],
    tasksKilled: { count: 0, byService: {}, tasks: [] },
    services: [],
    notifications: [],
    deadLetters: [],
    iam: { denials: [], byPrincipal: {}, decisions: { evaluated: 0, cached: 0 }, unusedGrants: {} },
    timeline: [],
    samples: [],
    counters: {},
    placement,
  };
}

const stop = (minutes: number, fields: Partial<PlacementReport['stops'][number]> = {}): PlacementReport['stops'][number] => ({
  at: at(minutes),
  cluster: 'prod',
  service: 'web',
  task: 'arn:aws:ecs:us-east-1:123456789012:task/prod/abc',
  reason: 'ecs-ops placement azBalance (policy spread): …',
  deploymentInProgress: false,
  daemon: false,
  running: 6,
  minimumHealthy: 3,
  ...fields,
});

function samples(amounts: number[]): PlacementReport['samples'] {
  return amounts.map((a, i) => {
    const byKey: Record<string, number> = {};
    if (a > 0) byKey[KEY] = a;
    return { at: at(i), amounts: byKey, messages: a > 0 ? [`web: skew off by ${a}`] : [] };
  });
}

describe('placement expectations', () => {
  it('placementStops counts by service and rule', () => {
    const run = record({ samples: [], stops: [stop(3), stop(5, { reason: 'ecs-ops placement spot (policy s): …' })] });
    expect(evaluateExpectation({ type: 'placementStops', params: { rule: 'azBalance', count: 1 } }, run).passed).toBe(true);
    expect(evaluateExpectation({ type: 'placementStops', params: { count: 1 } }, run).passed).toBe(false);
    expect(evaluateExpectation({ type: 'placementStops', params: { service: 'api', max: 0 } }, run).passed).toBe(true);
  });

  it('placementCompliant / placementViolated read the samples', () => {
    const run = record({ samples: samples([2, 2, 1, 0, 0, 0]), stops: [] });
    expect(evaluateExpectation({ type: 'placementCompliant', params: { by: 3 * 60_000 } }, run).passed).toBe(true);
    expect(evaluateExpectation({ type: 'placementCompliant', params: { by: 2 * 60_000 } }, run)).toMatchObject({ passed: false, detail: expect.stringContaining('skew off by 1') as unknown });
    expect(evaluateExpectation({ type: 'placementViolated', params: { service: 'web' } }, run).passed).toBe(false);
    expect(evaluateExpectation({ type: 'placementViolated', params: { rule: 'azBalance' } }, record({ samples: samples([0, 2]), stops: [] })).passed).toBe(true);
  });

  it('placementViolationsNeverIncrease fails on growth after `after`', () => {
    expect(evaluateExpectation({ type: 'placementViolationsNeverIncrease', params: { after: 60_000 } }, record({ samples: samples([0, 3, 2, 2, 1]), stops: [] })).passed).toBe(true);
    expect(evaluateExpectation({ type: 'placementViolationsNeverIncrease', params: {} }, record({ samples: samples([0, 3, 2, 2, 1]), stops: [] })).passed).toBe(false);
  });

  it('placementStopsSafe fails on a stop during a deployment, of a DAEMON task or below the minimum', () => {
    expect(evaluateExpectation({ type: 'placementStopsSafe', params: true }, record({ samples: [], stops: [stop(1)] })).passed).toBe(true);
    for (const bad of [{ deploymentInProgress: true }, { daemon: true }, { running: 3, minimumHealthy: 3 }]) {
      expect(evaluateExpectation({ type: 'placementStopsSafe', params: true }, record({ samples: [], stops: [stop(1, bad)] })).passed).toBe(false);
    }
  });
});
