/**
 * The placement policy scenarios (sim/scenarios/placement-*.yml), each run with the real packaged placement function:
 * every expectation and invariant holds, and each checks the placement invariants (no stop during a deployment or
 * below the minimum healthy count, and, where tasks are stopped, violations never grow).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../sim/scenario/load.js';
import type { SimulationReport } from '../../../sim/scenario/report.js';
import { runScenario } from '../../../sim/scenario/run.js';
import { repoRoot } from '../../support/fixtures.js';
import { PACKAGING_TIMEOUT_MS } from './support.js';

const SCENARIOS_DIR = join(repoRoot, 'sim/scenarios');
const FILES = readdirSync(SCENARIOS_DIR)
  .filter((name) => /^placement-.+\.yml$/.test(name))
  .sort();

/** The SDK's adaptive backoff under throttling waits in real time inside the handler: about a minute. */
const SLOW = new Set(['placement-throttling.yml']);
const SLOW_TIMEOUT_MS = 5 * 60_000;

const reports = new Map<string, SimulationReport>();

async function run(file: string): Promise<SimulationReport> {
  const cached = reports.get(file);
  if (cached) return cached;
  const report = await runScenario(loadScenarioFile(join(SCENARIOS_DIR, file), `sim/scenarios/${file}`));
  reports.set(file, report);
  return report;
}

describe('the placement scenarios', () => {
  it('are all there', () => {
    expect(FILES).toEqual(
      expect.arrayContaining([
        'placement-az-audit.yml',
        'placement-az-enforce.yml',
        'placement-az-rebalancing.yml',
        'placement-az-rebalancing-live.yml',
        'placement-deployment.yml',
        'placement-instance-type.yml',
        'placement-max-per-instance.yml',
        'placement-minimum-healthy.yml',
        'placement-spot.yml',
        'placement-throttling.yml',
      ]),
    );
  });

  const check = async (file: string) => {
    const report = await run(file);
    const failed = report.expectations.filter((e) => !e.passed).map((e) => `sim/scenarios/${file}:${e.line ?? '-'} ${e.description}: ${e.detail}`);
    expect(failed, `${file} failed:\n  ${failed.join('\n  ')}`).toEqual([]);
    expect(report.passed).toBe(true);
    const types = new Set(report.expectations.map((e) => e.type));
    for (const type of ['placementStops', 'placementStopsSafe', 'serviceHealthy']) expect(types, `${file} checks ${type}`).toContain(type);
    const stops = report.placement?.stops.length ?? 0;
    if (stops > 0) expect(types, `${file} stops tasks: it checks that violations never grow`).toContain('placementViolationsNeverIncrease');
    expect(report.invocations.byFunction.placement?.invocations ?? 0, `${file}: the package has a placement function and it ran`).toBeGreaterThan(0);
    // Only what the placement function's IAM statements allow, plus notification delivery (and the drain function's
    // calls in the scenarios where an instance is replaced: DRAINING, its attributes, and whether ECS drains the ASG).
    const placementOps = new Set(['ecs:ListServices', 'ecs:DescribeServices', 'ecs:ListContainerInstances', 'ecs:DescribeContainerInstances', 'ecs:ListTasks', 'ecs:DescribeTasks', 'ecs:DescribeTaskDefinition', 'ecs:StopTask']);
    const ecsOps = Object.keys(report.apiCalls.byOperation).filter((op) => op.startsWith('ecs:') && !placementOps.has(op));
    expect(ecsOps.every((op) => ['ecs:UpdateContainerInstancesState', 'ecs:PutAttributes', 'ecs:DescribeClusters', 'ecs:DescribeCapacityProviders'].includes(op)), ecsOps.join(', ')).toBe(true);
  };
  it.each(FILES.filter((f) => !SLOW.has(f)))('%s: every expectation and invariant holds', check, PACKAGING_TIMEOUT_MS);
  it.each(FILES.filter((f) => SLOW.has(f)))('%s (slow: real-time SDK backoff): every expectation and invariant holds', check, SLOW_TIMEOUT_MS);

  it(
    'audit mode reports and stops nothing; enforce mode fixes the same imbalance',
    async () => {
      const audit = await run('placement-az-audit.yml');
      const enforce = await run('placement-az-enforce.yml');
      expect(audit.apiCalls.byOperation['ecs:StopTask']).toBeUndefined();
      expect(audit.placement?.samples.at(-1)?.messages).toEqual(['web: 3 tasks in us-east-1a, 3 in us-east-1b, 0 in us-east-1c; allowed skew 1']);
      expect(enforce.placement?.samples.at(-1)?.messages).toEqual([]);
      // Every stop carries the marker and the rule in its stoppedReason.
      for (const stop of enforce.placement?.stops ?? []) expect(stop.reason).toMatch(/^ecs-ops placement azBalance \(policy spread\): web: /);
    },
    PACKAGING_TIMEOUT_MS,
  );
});
