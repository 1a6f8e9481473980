/**
 * What ecs-ops reports about capacity providers (issue #15, docs/capacity-providers.md): Fargate Spot interruptions
 * per service (cp-fargate-spot.yml), instances kept protected from scale-in with only daemon tasks
 * (cp-daemon-only-protected.yml). Each scenario runs with the real packaged functions: every expectation and
 * invariant holds. A failing scenario names its failing expectations.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../sim/scenario/load.js';
import { runScenario } from '../../../sim/scenario/run.js';
import { repoRoot } from '../../support/fixtures.js';
import { PACKAGING_TIMEOUT_MS } from './support.js';

const SCENARIOS_DIR = join(repoRoot, 'sim/scenarios');
const FILES = ['cp-daemon-only-protected.yml', 'cp-fargate-spot.yml'];

describe('the capacity-provider report scenarios', () => {
  it('are all there', () => {
    expect(FILES.filter((file) => !existsSync(join(SCENARIOS_DIR, file)))).toEqual([]);
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
});
