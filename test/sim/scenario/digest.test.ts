/**
 * The scaling digest scenarios (sim/scenarios/digest-*.yml), run with the real packaged digest function on its
 * EventBridge Scheduler schedule: every expectation holds, and the digest the Slack sink received names each event of
 * the morning with its cause, in order.
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
  .filter((name) => /^digest-.+\.yml$/.test(name))
  .sort();

const reports = new Map<string, SimulationReport>();

async function run(file: string): Promise<SimulationReport> {
  const cached = reports.get(file);
  if (cached) return cached;
  const report = await runScenario(loadScenarioFile(join(SCENARIOS_DIR, file), `sim/scenarios/${file}`));
  reports.set(file, report);
  return report;
}

describe('the digest scenarios', () => {
  it('are there', () => {
    expect(FILES).toContain('digest-morning.yml');
  });

  it.each(FILES)(
    '%s: every expectation and invariant holds',
    async (file) => {
      const report = await run(file);
      const failed = report.expectations.filter((e) => !e.passed).map((e) => `sim/scenarios/${file}:${e.line ?? '-'} ${e.description}: ${e.detail}`);
      expect(failed, `${file} failed:\n  ${failed.join('\n  ')}`).toEqual([]);
      expect(report.passed).toBe(true);
    },
    PACKAGING_TIMEOUT_MS,
  );

  it(
    'morning: the 10:00 digest names the scale-out, the deployment, the scheduled scale-in and the failed launch, with their causes, in order',
    async () => {
      const report = await run('digest-morning.yml');
      const digests = report.notifications.filter((n) => n.kind === 'scaling-digest' && n.via === 'slack' && n.delivered);
      expect(digests.map((d) => d.at)).toEqual(['2026-01-01T08:00:00Z', '2026-01-01T10:00:00Z']);
      const text = digests[1]?.text ?? '';
      const lines = text.split('\n');
      const index = (needle: string): number => {
        const i = lines.findIndex((l) => l.includes(needle));
        expect(i, `"${needle}" in the digest:\n${text}`).toBeGreaterThanOrEqual(0);
        return i;
      };
      // web: its line, then its changes in time order, each with its cause.
      const web = index('web  `');
      const scaleOut = index('08:10 ↑ +8 ~6 → 14 · target tracking, policy web-cpu-target-tracking');
      const deployment = index('08:40 deployment ecs-svc/');
      const scaleIn = index('09:30 ↓ −10 14 → 4 · scheduled action web-quiet-hours');
      expect([web, scaleOut, deployment, scaleIn]).toEqual([...[web, scaleOut, deployment, scaleIn]].sort((a, b) => a - b));
      expect(lines[deployment]).toContain('(web:2) completed');
      // The capacity group: its scale-out, then the launch that failed for lack of capacity in us-east-1b.
      const asg = index('prod-ecs-ondemand  `');
      const asgOut = index('08:30 ↑ +2 4 → 6 · target tracking, policy ECSManagedAutoScalingPolicy-5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9');
      const failed = index('08:30 ✖ failed launch: insufficient m5.xlarge capacity in us-east-1b');
      expect([asg, asgOut, failed]).toEqual([asg, asgOut, failed].sort((a, b) => a - b));
      // The busiest first: web (3 events) before the quiet api, folded into one line.
      expect(web).toBeLessThan(index('Steady (1): api (3)'));
      // The window is "since the previous digest".
      expect(digests[1]?.title).toContain('Scaling digest · prod · 08:00–10:00 UTC');
      expect(digests[0]?.title).toContain('Scaling digest · prod · Dec 31, 10:00–Jan 1, 08:00 UTC');
    },
    PACKAGING_TIMEOUT_MS,
  );
});
