/**
 * `npm run bench [-- NAME ...] [--update]`: runs every bench/*.bench.ts (or those named on the command line), prints a
 * table and writes each result with the machine it ran on to bench/results/local/<name>.json (untracked), or with
 * --update to the tracked bench/results/<name>.json. Benchmarks are measurements, not pass/fail tests; each result
 * states its target so a reader can compare. An unknown name or flag is refused (exit 2) before anything runs.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exitOnBadArgs } from '../sim/dev-args.js';
import { BENCH_USAGE, parseBenchArgs } from './args.js';

export interface BenchMetric {
  name: string;
  value: number;
  unit: string;
  /** What the project aims for, in words (e.g. ">= 1,000,000 per second"). */
  target?: string;
  /** Whether the value meets the target, where the target is checkable. */
  meetsTarget?: boolean;
}

export interface BenchResult {
  metrics: BenchMetric[];
  notes?: string[];
}

export type Bench = () => Promise<BenchResult> | BenchResult;

const here = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => basename(f, '.bench.ts'))
  .sort();
const { names, update } = exitOnBadArgs('bench', BENCH_USAGE, parseBenchArgs(process.argv.slice(2), available));
// Tracked results change only when asked: a local run must not rewrite the figures the repository quotes.
const resultsDir = update ? join(here, 'results') : join(here, 'results', 'local');

mkdirSync(resultsDir, { recursive: true });
const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) };
let missed = 0;
for (const name of names) {
  const module = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as { default: Bench };
  const result = await module.default();
  writeFileSync(join(resultsDir, `${name}.json`), `${JSON.stringify({ bench: name, at: new Date().toISOString(), machine, ...result }, null, 2)}\n`);
  process.stdout.write(`\n${name}\n`);
  for (const m of result.metrics) {
    const verdict = m.meetsTarget === undefined ? '' : m.meetsTarget ? '  ok' : '  MISSED';
    if (m.meetsTarget === false) missed++;
    process.stdout.write(`  ${m.name}: ${m.value.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${m.unit}${m.target ? ` (target ${m.target})` : ''}${verdict}\n`);
  }
  for (const note of result.notes ?? []) process.stdout.write(`  note: ${note}\n`);
}
process.stdout.write(`\n${names.length} benchmark file(s); results in ${relative(process.cwd(), resultsDir) || '.'}/${update ? '' : ' (untracked; --update writes bench/results/)'}\n`);
if (missed > 0) process.stdout.write(`${missed} metric(s) missed their target\n`);
