/**
 * Many chaos runs in parallel worker processes (one or two per core): seeds `seed`, `seed + 1`, … `seed + runs - 1`,
 * each a generated scenario (./generate.ts) checked against every invariant. Packages every distinct config first, so
 * workers never package.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { packageConfigText, parseScenario } from '../scenario/index.js';
import { chaosScenario } from './generate.js';
import { CHAOS_DIR, type ChaosRunResult } from './one.js';

export interface ChaosOptions {
  runs: number;
  seed: number;
  workers: number;
  /** A run still going after this long (real time) is killed and counted as failed. */
  runTimeoutMs: number;
  onResult?: (result: ChaosRunResult, done: number) => void;
}

export interface ChaosSummary {
  results: ChaosRunResult[];
  failed: ChaosRunResult[];
  wallMs: number;
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

function failedRun(seed: number, why: string, wallMs: number): ChaosRunResult {
  const generated = chaosScenario(seed);
  return { seed, ingredients: generated.ingredients, passed: false, failures: [why], wallMs, scenarioFile: `${CHAOS_DIR}/chaos-${seed}.yml`, invocations: 0, apiCalls: 0, faultsInjected: 0, eventsDropped: 0, eventsDuplicated: 0 };
}

/** The command that replays one seed. */
export const replayCommand = (seed: number): string => `npm run chaos -- --seed ${seed} --runs 1`;

export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
  const start = Date.now();
  const seeds = Array.from({ length: options.runs }, (_, i) => options.seed + i);
  const configs = new Set<string>();
  for (const seed of seeds) {
    const parsed = parseScenario(chaosScenario(seed).yaml, `chaos-${seed}.yml`, { baseDir: CHAOS_DIR });
    if (parsed.ok) configs.add(parsed.scenario.configText);
  }
  for (const text of configs) await packageConfigText(text, {});

  const results: ChaosRunResult[] = [];
  const queue = [...seeds];
  const live = new Set<ChildProcess>();
  await new Promise<void>((resolve) => {
    /** Records a result; `child` (when still usable) takes the next seed. */
    const finish = (result: ChaosRunResult, child?: ChildProcess) => {
      results.push(result);
      options.onResult?.(result, results.length);
      if (results.length === seeds.length) resolve();
      else if (child) next(child);
    };
    const next = (child: ChildProcess) => {
      const seed = queue.shift();
      if (seed === undefined) {
        child.removeAllListeners('message');
        child.removeAllListeners('exit');
        child.kill();
        live.delete(child);
        return;
      }
      const started = Date.now();
      // A run that never ends (a handler waiting forever) is a failure of that seed, not a stuck suite.
      const timer = setTimeout(() => {
        child.removeAllListeners('message');
        child.removeAllListeners('exit');
        child.kill('SIGKILL');
        live.delete(child);
        if (queue.length > 0) spawnWorker();
        finish(failedRun(seed, `the run did not finish within ${options.runTimeoutMs / 1000} s (killed)`, Date.now() - started));
      }, options.runTimeoutMs);
      child.removeAllListeners('message');
      child.removeAllListeners('exit');
      child.on('message', (message: ChaosRunResult) => {
        clearTimeout(timer);
        finish(message, child);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        live.delete(child);
        if (queue.length > 0) spawnWorker();
        finish(failedRun(seed, `the worker running it exited (${signal ?? `code ${String(code)}`})`, Date.now() - started));
      });
      child.send({ seed });
    };
    // A fresh worker; it takes its first seed once it says it is ready.
    const spawnWorker = (): ChildProcess => {
      const child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      live.add(child);
      child.once('message', () => { next(child); });
      return child;
    };
    const count = Math.max(1, Math.min(options.workers, seeds.length));
    if (seeds.length === 0) resolve();
    for (let i = 0; i < count; i++) spawnWorker();
  }).finally(() => {
    for (const w of live) if (w.exitCode === null) w.kill();
  });
  results.sort((a, b) => a.seed - b.seed);
  return { results, failed: results.filter((r) => !r.passed), wallMs: Date.now() - start };
}
