/**
 * The simulator's fleet-feature scenarios (sim/scenarios/world-*.yml: task scale-in protection, the ECS agent
 * disconnecting and registering again, ASG instance scale-in protection, Fargate capacity shortage, ECS managed instance draining, scaling and termination protection), each run with the
 * real packaged functions: every expectation and invariant holds. A failing scenario names its failing expectations.
 * The drain-side ones (drain-slow-stop.yml, drain-warm-pool.yml) run with the drain scenarios (drain.test.ts).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../sim/scenario/load.js';
import { runScenario } from '../../../sim/scenario/run.js';
import { repoRoot } from '../../support/fixtures.js';
import { PACKAGING_TIMEOUT_MS } from './support.js';

const SCENARIOS_DIR = join(repoRoot, 'sim/scenarios');
const FILES = readdirSync(SCENARIOS_DIR)
  .filter((name) => /^world-.+\.yml$/.test(name))
  .sort();

describe('the fleet-feature scenarios', () => {
  it('are all there', () => {
    expect(FILES).toEqual(['world-agent-disconnect.yml', 'world-fargate-shortage.yml', 'world-fargate-spot.yml', 'world-instance-protection.yml', 'world-managed-draining.yml', 'world-managed-scaling.yml', 'world-managed-termination-protection.yml', 'world-task-protection.yml']);
  });

  it.each(FILES)(
    '%s: every expectation and invariant holds',
    async (file) => {
      const report = await runScenario(loadScenarioFile(join(SCENARIOS_DIR, file), `sim/scenarios/${file}`));
      const failed = report.expectations.filter((e) => !e.passed).map((e) => `sim/scenarios/${file}:${e.line ?? '-'} ${e.description}: ${e.detail}`);
      expect(failed, `${file} failed:\n  ${failed.join('\n  ')}`).toEqual([]);
      expect(report.passed).toBe(true);
    },
    PACKAGING_TIMEOUT_MS,
  );

  it(
    'the report names each dropped or duplicated event by id and detail-type',
    async () => {
      const report = await runScenario(loadScenarioFile(join(SCENARIOS_DIR, 'drain-duplicated-events.yml'), 'sim/scenarios/drain-duplicated-events.yml'));
      const faults = report.events.faults ?? [];
      expect(faults.filter((f) => f.kind === 'duplicated').length).toBe(report.events.duplicated + faults.filter((f) => f.by === 'action').length);
      expect(faults.length).toBeGreaterThan(0);
      for (const f of faults) {
        expect(f.eventId).toMatch(/^[0-9a-f-]{36}$/);
        expect(f.detailType).not.toBe('');
      }
    },
    PACKAGING_TIMEOUT_MS,
  );
});
