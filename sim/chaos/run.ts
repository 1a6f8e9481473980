/**
 * Many chaos runs in parallel worker processes (the handlers mostly wait on the network and on compressed backoff, so
 * more workers than cores pays off): seeds `seed`, `seed + 1`, … `seed + runs - 1`, each a generated scenario
 * (./generate.ts) checked against every invariant. Packages every distinct config first, so workers never package.
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
  /** How much faster handlers' real-time waits pass (./time-scale.ts). */
  timeScale: number;
  onResult?: (result: ChaosRunResult, done: number) => void;
}

export interface ChaosSummary {
  results: ChaosRunResult[];
  failed: ChaosRunResult[];
  wallMs: number;
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

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
  const workers: ChildProcess[] = [];
  await new Promise<void>((resolve, reject) => {
    let running = 0;
    const next = (child: ChildProcess) => {
      const seed = queue.shift();
      if (seed === undefined) {
        child.kill();
        if (--running === 0) resolve();
        return;
      }
      child.send({ seed, timeScale: options.timeScale });
    };
    const count = Math.max(1, Math.min(options.workers, seeds.length));
    for (let i = 0; i < count; i++) {
      const child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      workers.push(child);
      running++;
      child.on('message', (message: ChaosRunResult | { ready: true }) => {
        if ('ready' in message) {
          next(child);
          return;
        }
        results.push(message);
        options.onResult?.(message, results.length);
        next(child);
      });
      child.on('exit', (code) => {
        if (code !== 0 && code !== null && queue.length > 0) reject(new Error(`chaos worker exited with code ${code}`));
      });
    }
  }).finally(() => {
    for (const w of workers) if (w.exitCode === null) w.kill();
  });
  results.sort((a, b) => a.seed - b.seed);
  return { results, failed: results.filter((r) => !r.passed), wallMs: Date.now() - start };
}
