/**
 * One chaos run in this process: generate the scenario of a seed, validate it, run it (handlers' waits run on the
 * simulator's virtual clock, so throttling costs no real time), and summarise what failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatScenarioErrors, parseScenario, runScenario, type SimulationReport } from '../scenario/index.js';
import { chaosScenario } from './generate.js';

export const CHAOS_DIR = join(tmpdir(), 'ecs-ops-chaos');

export interface ChaosRunResult {
  seed: number;
  ingredients: string[];
  passed: boolean;
  /** `<expectation>: <detail>` for each expectation or invariant that did not hold, or the error that stopped the run. */
  failures: string[];
  wallMs: number;
  /** Where the generated scenario was written (to replay it with `ecs-ops simulate`). */
  scenarioFile: string;
  invocations: number;
  apiCalls: number;
  faultsInjected: number;
  eventsDropped: number;
  eventsDuplicated: number;
}

export async function runChaosSeed(seed: number, options: { keepReport?: boolean } = {}): Promise<ChaosRunResult & { report?: SimulationReport }> {
  const generated = chaosScenario(seed);
  mkdirSync(CHAOS_DIR, { recursive: true });
  const scenarioFile = join(CHAOS_DIR, `chaos-${seed}.yml`);
  writeFileSync(scenarioFile, generated.yaml);
  const start = Date.now();
  const base = { seed, ingredients: generated.ingredients, scenarioFile, invocations: 0, apiCalls: 0, faultsInjected: 0, eventsDropped: 0, eventsDuplicated: 0 };
  const parsed = parseScenario(generated.yaml, scenarioFile, { baseDir: CHAOS_DIR });
  if (!parsed.ok) return { ...base, passed: false, failures: formatScenarioErrors(parsed.errors), wallMs: Date.now() - start };
  try {
    const report = await runScenario(parsed.scenario);
    const failures = report.expectations.filter((e) => !e.passed).map((e) => `${e.invariant ? 'invariant ' : ''}${e.description}: ${e.detail}`);
    return {
      ...base,
      passed: report.passed,
      failures,
      wallMs: Date.now() - start,
      invocations: report.invocations.total,
      apiCalls: report.apiCalls.total,
      faultsInjected: report.apiCalls.injectedFaults,
      eventsDropped: report.events.dropped,
      eventsDuplicated: report.events.duplicated,
      ...(options.keepReport ? { report } : {}),
    };
  } catch (error) {
    return { ...base, passed: false, failures: [`the run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`], wallMs: Date.now() - start };
  }
}
