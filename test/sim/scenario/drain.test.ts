/**
 * The auto-drain scenarios (sim/scenarios/drain-*.yml), each run with the real packaged drain function: every
 * expectation and invariant holds. A failing scenario names its failing expectations (file:line, what, what was found).
 * The scale-in scenario's report also gives the drain function's AWS calls by operation.
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
  .filter((name) => /^drain-.+\.yml$/.test(name))
  .sort();

const reports = new Map<string, SimulationReport>();

async function run(file: string): Promise<SimulationReport> {
  const cached = reports.get(file);
  if (cached) return cached;
  const report = await runScenario(loadScenarioFile(join(SCENARIOS_DIR, file), `sim/scenarios/${file}`));
  reports.set(file, report);
  return report;
}

/** `sim/scenarios/drain-x.yml:42 <description>: <detail>` for each failed expectation or invariant. */
function failures(file: string, report: SimulationReport): string[] {
  return report.expectations.filter((e) => !e.passed).map((e) => `sim/scenarios/${file}:${e.line ?? '-'} ${e.description}: ${e.detail}`);
}

describe('the drain scenarios', () => {
  it('are all there', () => {
    expect(FILES).toEqual(
      expect.arrayContaining([
        'drain-blocked-service.yml',
        'drain-duplicated-events.yml',
        'drain-empty-instance.yml',
        'drain-foreign-hook.yml',
        'drain-long.yml',
        'drain-lost-instance-event.yml',
        'drain-lost-lifecycle-event.yml',
        'drain-no-capacity.yml',
        'drain-not-registered.yml',
        'drain-notification-outage.yml',
        'drain-scale-in.yml',
        'drain-spot-lifecycle-first.yml',
        'drain-spot.yml',
        'drain-standalone-task-stop.yml',
        'drain-standalone-task.yml',
        'drain-throttling.yml',
      ]),
    );
  });

  const check = async (file: string) => {
    const report = await run(file);
    const failed = failures(file, report);
    expect(failed, `${file} failed:\n  ${failed.join('\n  ')}`).toEqual([]);
    expect(report.passed).toBe(true);
    // Every drain scenario checks what auto-drain promises: nothing left waiting past the deadline, no task killed
    // unless the deadline forced it, and the hold after empty.
    const types = new Set(report.expectations.map((e) => e.type));
    for (const type of ['noLifecycleActionPastDeadline', 'tasksKilledOnlyWhenForced', 'lifecycleActionsCompleted']) expect(types, `${file} checks ${type}`).toContain(type);
    expect(report.invocations.byFunction.drain?.invocations ?? 0, `${file}: the package has a drain function and it ran`).toBeGreaterThan(0);
  };
  it.each(FILES)('%s: every expectation and invariant holds', check, PACKAGING_TIMEOUT_MS);

  it(
    'throttling: one call in five throttled, absorbed by the SDK retries on the virtual clock, in seconds, the same every run',
    async () => {
      const report = await run('drain-throttling.yml');
      expect(report.apiCalls.injectedFaults).toBeGreaterThan(20);
      // Every service the drain function calls was throttled at least once.
      const throttled = new Set(Object.keys(report.apiCalls.failed).map((op) => op.split(':')[0]));
      for (const service of ['ecs', 'autoscaling']) expect(throttled, `${service} throttled`).toContain(service);
      // Backoff and rate limiting wait on the virtual clock: seconds of real time, not minutes.
      expect(report.wallTimeMs).toBeLessThan(30_000);
      const again = await runScenario(loadScenarioFile(join(SCENARIOS_DIR, 'drain-throttling.yml'), 'sim/scenarios/drain-throttling.yml'));
      expect({ ...again, wallTimeMs: 0 }).toEqual({ ...report, wallTimeMs: 0 });
    },
    PACKAGING_TIMEOUT_MS,
  );

  it(
    'scale-in: the drain function’s AWS calls by operation',
    async () => {
      const report = await run('drain-scale-in.yml');
      // Only the drain function ran: the call log is its calls.
      expect(report.invocations.byFunction.alerts?.invocations ?? 0).toBe(0);
      const calls = report.apiCalls.byOperation;
      console.info(`drain-scale-in.yml, the drain function's AWS calls by operation:\n${Object.entries(calls).map(([op, n]) => `  ${op.padEnd(42)} ${n}`).join('\n')}`);

      // The writes: once per instance - one DRAINING, one drain-started attribute write, one heartbeat with the drain,
      // one completion and its mark (a second attribute write). No task is stopped (service tasks are moved by ECS).
      expect(calls['ecs:UpdateContainerInstancesState']).toBe(3);
      expect(calls['ecs:PutAttributes']).toBe(6);
      expect(calls['autoscaling:RecordLifecycleActionHeartbeat']).toBe(3);
      expect(calls['autoscaling:CompleteLifecycleAction']).toBe(3);
      expect(calls['ecs:StopTask']).toBeUndefined();
      // Hook settings are cached per warm Lambda; each look at whether ECS drains the ASG (one DescribeClusters: on a
      // cold event path, and each pass with an instance waiting) lists the ASG's hooks once more.
      expect(calls['autoscaling:DescribeLifecycleHooks']).toBe(1 + (calls['ecs:DescribeClusters'] ?? 0));
      // The reconcile pass: one DescribeAutoScalingGroups per pass (20 minutes), nothing more once no instance waits.
      expect(calls['autoscaling:DescribeAutoScalingGroups']).toBeLessThanOrEqual(20);
      // The event path is a constant number of calls per event: on average at most a dozen per invocation.
      const total = Object.values(calls).reduce((a, b) => a + b, 0);
      expect(total).toBeLessThanOrEqual(12 * (report.invocations.byFunction.drain?.invocations ?? 0));
      // Only what the drain function's IAM statements allow (lib/deploy/values.ts), plus notification delivery.
      const allowed = new Set([
        'autoscaling:CompleteLifecycleAction',
        'autoscaling:RecordLifecycleActionHeartbeat',
        'autoscaling:DescribeAutoScalingInstances',
        'autoscaling:DescribeAutoScalingGroups',
        'autoscaling:DescribeLifecycleHooks',
        'ecs:ListContainerInstances',
        'ecs:DescribeContainerInstances',
        'ecs:UpdateContainerInstancesState',
        'ecs:PutAttributes',
        'ecs:ListTasks',
        'ecs:DescribeTasks',
        'ecs:DescribeServices',
        // Whether ECS drains the ASG itself (managed draining): the cluster's capacity providers, then those providers.
        'ecs:DescribeClusters',
        'ecs:DescribeCapacityProviders',
        'ssm:GetParameter',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ]);
      expect(Object.keys(calls).filter((op) => !allowed.has(op))).toEqual([]);
    },
    PACKAGING_TIMEOUT_MS,
  );
});
