/** The command line of `npm run chaos` (sim/chaos/cli.ts). */
import { availableParallelism } from 'node:os';
import { parseDevArgs, positiveInteger, type DevArgs } from '../dev-args.js';

export const CHAOS_USAGE = `usage: npm run chaos -- [--runs N] [--seed S] [--workers W] [--run-timeout SECONDS]
  --runs N                 seeded runs, seeds S…S+N-1 (default 200); --runs 1 runs in this process and prints its report
  --seed S                 the first seed (default 1)
  --workers W              worker processes (default 2 per core)
  --run-timeout SECONDS    a run still going after this long is killed and fails (default 600)
  --help                   this text`;

export interface ChaosArgs {
  runs: number;
  seed: number;
  workers: number;
  runTimeoutMs: number;
}

export function parseChaosArgs(argv: readonly string[], cores: number = availableParallelism()): DevArgs<ChaosArgs> {
  const value = { type: 'string' } as const;
  return parseDevArgs(argv, { runs: value, seed: value, workers: value, 'run-timeout': value }, false, (values) => ({
    runs: positiveInteger(values, 'runs', 200),
    seed: positiveInteger(values, 'seed', 1),
    workers: positiveInteger(values, 'workers', 2 * cores),
    runTimeoutMs: positiveInteger(values, 'run-timeout', 600) * 1000,
  }));
}
