/**
 * The scheduled-task scenarios (sim/scenarios/schedule-*.yml), each run with the real packaged schedule runner on
 * EventBridge Scheduler ticks from the packaged AWS::Scheduler::Schedule: every expectation and invariant holds, and
 * each checks the runs of its schedule (no duplicate run for one tick; where it applies, no overlap and every failure
 * reported once).
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
  .filter((name) => /^schedule-.+\.yml$/.test(name))
  .sort();

const reports = new Map<string, SimulationReport>();

async function run(file: string): Promise<SimulationReport> {
  const cached = reports.get(file);
  if (cached) return cached;
  const report = await runScenario(loadScenarioFile(join(SCENARIOS_DIR, file), `sim/scenarios/${file}`));
  reports.set(file, report);
  return report;
}

describe('the scheduled-task scenarios', () => {
  it('are all there', () => {
    expect(FILES).toEqual(
      expect.arrayContaining([
        'schedule-success.yml',
        'schedule-exit-code.yml',
        'schedule-forbid.yml',
        'schedule-replace.yml',
        'schedule-capacity-fallback.yml',
        'schedule-timeout.yml',
        'schedule-missed.yml',
        'schedule-duplicated-tick.yml',
        'schedule-lost-stopped-event.yml',
        'schedule-replace-late-tick.yml',
        'schedule-forbid-late-tick.yml',
        'schedule-capacity-retry-superseded.yml',
        'schedule-fargate-spot-fallback.yml',
        'schedule-fargate-spot-both-short.yml',
      ]),
    );
  });

  it.each(FILES)(
    '%s: every expectation and invariant holds',
    async (file) => {
      const report = await run(file);
      const failed = report.expectations.filter((e) => !e.passed).map((e) => `sim/scenarios/${file}:${e.line ?? '-'} ${e.description}: ${e.detail}`);
      expect(failed, `${file} failed:\n  ${failed.join('\n  ')}`).toEqual([]);
      expect(report.passed).toBe(true);
      const runs = report.expectations.filter((e) => e.type === 'scheduledRuns');
      expect(runs.length, `${file} checks its scheduled runs`).toBeGreaterThan(0);
      expect(runs.some((e) => e.description.includes('per tick') || e.description.includes('exactly 1 tasks')), `${file} checks one run per tick`).toBe(true);
      expect(report.invocations.byFunction['schedule-runner']?.invocations ?? 0).toBeGreaterThan(0);
    },
    PACKAGING_TIMEOUT_MS,
  );

  it(
    'fargate-spot-fallback: the run on FARGATE is reported as a fallback, not as a failure',
    async () => {
      const report = await run('schedule-fargate-spot-fallback.yml');
      const tick = report.timeline.find((t) => t.kind === 'schedule-runner' && t.text.startsWith('tick rebuild'));
      expect(tick?.text).toMatch(/started on the fallback strategy \(FARGATE\): /);
      expect(report.notifications).toEqual([]);
    },
    PACKAGING_TIMEOUT_MS,
  );

  it(
    'success: a tick costs the runner 2 ECS calls (ListTasks, RunTask); the rest is the reconcile pass',
    async () => {
      const report = await run('schedule-success.yml');
      expect(report.apiCalls.byOperation['ecs:RunTask']).toBe(2);
      const ticks = report.timeline.filter((t) => t.kind === 'schedule-runner' && t.text.startsWith('tick '));
      expect(ticks).toHaveLength(2);
      // Reconcile: ListTasks RUNNING and STOPPED each minute, DescribeTasks when there are tasks.
      const minutes = report.virtual.durationSeconds / 60;
      expect(report.apiCalls.byOperation['ecs:ListTasks']).toBeLessThanOrEqual(2 * Math.ceil(minutes) + 2);
      console.info(`schedule-success: ${JSON.stringify(report.apiCalls.byOperation)} over ${minutes} minutes, 2 ticks`);
    },
    PACKAGING_TIMEOUT_MS,
  );
});
