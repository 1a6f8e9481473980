/**
 * `ecs-ops simulate` through the CLI's main(): exit codes (0 pass, 1 an expectation fails, 2 bad scenario or
 * arguments), the report formats, and determinism (same seed → the same report, byte for byte, wall time aside).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SimulationReport } from '../../../sim/scenario/report.js';
import { PACKAGING_TIMEOUT_MS, removeTempDirs, runCli, scenarioText, SMALL_EXPECT, SMALL_TIMELINE, tempDir, writeScenario } from './support.js';

afterAll(removeTempDirs);

/** The report without its wall time: everything else, to the millisecond and the last DynamoDB call, is the same. */
function withoutWallTime(json: string): unknown {
  const report = JSON.parse(json) as Partial<SimulationReport>;
  expect(report.wallTimeMs).toEqual(expect.any(Number));
  delete report.wallTimeMs;
  return report;
}

describe('ecs-ops simulate', () => {
  it(
    'exits 1 when an expectation fails, naming it',
    async () => {
      const file = writeScenario('failing.yml', scenarioText({ name: 'failing', timeline: SMALL_TIMELINE, until: '12m', expect: `${SMALL_EXPECT}\n  - noTasksKilled: true` }));
      const result = await runCli(['simulate', file]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('✓ notifications to ops containing "web: tasks cannot be placed (RESOURCE:MEMORY)": exactly 1: 1 matching');
      expect(result.stdout).toMatch(/✗ no task killed by an instance termination: \d+ killed \(.+\) \(line \d+\)/);
      expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('FAILED: 1 of 9 checks');
    },
    PACKAGING_TIMEOUT_MS,
  );

  it(
    'gives the same JSON report for the same seed (wall time aside); --out writes report.json',
    async () => {
      const file = writeScenario('small.yml', scenarioText({ timeline: SMALL_TIMELINE, until: '12m', expect: SMALL_EXPECT }));
      const first = await runCli(['simulate', file, '--report', 'json', '--seed', '3']);
      expect(first.code).toBe(0);
      const out = tempDir();
      const second = await runCli(['simulate', file, '--seed', '3', '--report', 'json', '--out', out]);
      expect(second.code).toBe(0);
      expect(second.stdout).toBe(`${join(out, 'report.json')}\n`);
      expect(second.stderr).toContain('small: all 8 checks passed');
      const again = readFileSync(join(out, 'report.json'), 'utf8');
      expect(withoutWallTime(again)).toEqual(withoutWallTime(first.stdout));
      // Byte for byte: the same text once the wall time is blanked (handlers' timestamps to the millisecond, every
      // API call count including DynamoDB's, notification bodies).
      const blank = (text: string) => text.replace(/"wallTimeMs": ?\d+/, '"wallTimeMs":0').trim();
      expect(blank(JSON.stringify(JSON.parse(again)))).toBe(blank(JSON.stringify(JSON.parse(first.stdout))));
      const report = JSON.parse(first.stdout) as SimulationReport;
      expect(Object.keys(report.apiCalls.byOperation).some((op) => op.startsWith('dynamodb:'))).toBe(true);
      expect(report).toMatchObject({ seed: 3, passed: true, virtual: { start: '2026-01-01T08:00:00Z', end: '2026-01-01T08:12:00Z', durationSeconds: 720 } });
      expect(report.timeline.find((t) => t.kind === 'action')?.text).toBe('set prod/web desired count 6 → 20');
    },
    PACKAGING_TIMEOUT_MS,
  );

  it('exits 2 with file:line:column errors for a bad scenario, before packaging anything', async () => {
    const text = scenarioText({ timeline: '  - at: 1m\n    scaleAsg: { asg: prod-ecs-ondemand, desird: 5 }', expect: '  - noDeadLetters: true' });
    const file = writeScenario('bad.yml', text);
    const line = text.split('\n').findIndex((l) => l.includes('desird')) + 1;
    const result = await runCli(['simulate', 'bad.yml'], join(file, '..'));
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `bad.yml:${line}:15 timeline[0].scaleAsg.desired: missing required key "desired" (expected a number)\nbad.yml:${line}:41 timeline[0].scaleAsg.desird: unknown key "desird" (did you mean "desired"?)\nbad.yml: 2 errors\n`,
    });
  });

  it('exits 2, pointing at the declaration, when the simulated AWS refuses the fleet (before packaging)', async () => {
    const text = scenarioText({ timeline: SMALL_TIMELINE, expect: SMALL_EXPECT }).replace('    - family: worker\n', '    - family: worker\n      networkMode: awsvpc\n');
    const file = writeScenario('refused.yml', text);
    const line = text.split('\n').findIndex((l) => l.includes('- name: worker')) + 1;
    const result = await runCli(['simulate', 'refused.yml'], join(file, '..'));
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `refused.yml:${line}:11 fleet.clusters[0].services[2]: the simulated AWS refused it: Network Configuration must be provided when networkMode 'awsvpc' is specified.\n`,
    });
  });

  it('exits 2 on a missing file and on bad arguments', async () => {
    const missing = await runCli(['simulate', 'nowhere.yml'], tempDir());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^nowhere\.yml: scenario file not found: /);
    expect((await runCli(['simulate'])).stderr).toBe('ecs-ops simulate: missing scenario FILE; run ecs-ops simulate --help\n');
    expect((await runCli(['simulate', 'x.yml', '--report', 'pdf'])).code).toBe(2);
    expect((await runCli(['simulate', 'x.yml', '--seed', '-1'])).code).toBe(2);
    const help = await runCli(['help', 'simulate']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--report FORMAT');
    expect((await runCli(['--help'])).stdout).toContain('simulate FILE');
  });
});
