/**
 * The short chaos suite (the long one, 200 runs, is `npm run chaos` in CI): a few seeded random scenarios — scale-ins,
 * Spot interruptions, deployments, standalone jobs and whatever capabilities add to sim/chaos/generate.ts — under
 * 20% throttling, 5% 5xx, latency, and 10% of events duplicated and dropped, reordered within 5 s, in worker
 * processes. Every invariant holds on every run; a failure names the seed, what failed and the replay command.
 * CHAOS_SEED and CHAOS_RUNS override the seeds.
 */
import { describe, expect, it } from 'vitest';
import { chaosScenario, INGREDIENTS } from '../../sim/chaos/generate.js';
import { replayCommand, runChaos } from '../../sim/chaos/run.js';
import { parseScenario } from '../../sim/scenario/index.js';

const SEED = Number(process.env.CHAOS_SEED ?? 20_260_101);
const RUNS = Number(process.env.CHAOS_RUNS ?? 3);

describe('chaos scenarios', () => {
  it('are valid scenarios, the same for the same seed, mixing every ingredient over a few seeds', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const generated = chaosScenario(seed);
      expect(chaosScenario(seed).yaml).toBe(generated.yaml);
      const parsed = parseScenario(generated.yaml, `chaos-${seed}.yml`);
      expect(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed.errors)).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.scenario.faults.api?.['*']).toMatchObject({ throttleRate: 0.2, serverErrorRate: 0.05 });
      expect(parsed.scenario.faults.events).toMatchObject({ duplicateRate: 0.1, dropRate: 0.1, reorderWindowMs: 5000 });
      for (const name of generated.ingredients) seen.add(name);
      const types = parsed.scenario.expectations.map((e) => e.expectation.type);
      if (generated.ingredients.includes('placement')) {
        expect(parsed.scenario.config.placement.dryRun).toBe(false);
        expect(types).toEqual(expect.arrayContaining(['placementStopsSafe', 'placementViolationsNeverIncrease']));
      }
      if (generated.ingredients.includes('scheduled-run')) {
        expect(parsed.scenario.config.schedules.map((s) => s.name)).toContain('sync');
        expect(types).toContain('scheduledRuns');
      }
      if (generated.ingredients.includes('late-ticks')) {
        expect(parsed.scenario.config.schedules.find((s) => s.name === 'refresh')?.concurrency).toMatch(/^(replace|forbid)$/);
        expect(parsed.scenario.timeline.some((e) => e.action.type === 'delayNextTick')).toBe(true);
        expect(parsed.scenario.expectations.map((e) => e.expectation)).toContainEqual(expect.objectContaining({ type: 'scheduledRuns', params: expect.objectContaining({ schedule: 'refresh', tickOrder: true }) as unknown }));
      }
    }
    expect([...seen].sort()).toEqual(INGREDIENTS.map((i) => i.name).sort());
  });

  it(`hold every invariant under faults (${RUNS} runs from seed ${SEED})`, async () => {
    const summary = await runChaos({ runs: RUNS, seed: SEED, workers: RUNS, runTimeoutMs: 200_000 });
    const report = summary.failed.map((f) => `seed ${f.seed} (${f.ingredients.join(', ')}):\n    ${f.failures.join('\n    ')}\n    replay: ${replayCommand(f.seed)}`);
    expect(report, report.join('\n')).toEqual([]);
    expect(summary.results).toHaveLength(RUNS);
    // The faults really happened.
    expect(summary.results.reduce((n, r) => n + r.faultsInjected, 0)).toBeGreaterThan(0);
    expect(summary.results.every((r) => r.invocations > 0)).toBe(true);
  }, 240_000);
});
