/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named on the command line), prints a table and writes each
 * result to bench/results/<name>.json with the machine it ran on. Benchmarks are measurements, not pass/fail tests;
 * each result states its target so a reader can compare.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
const wanted = new Set(process.argv.slice(2));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.size === 0 || wanted.has(basename(f, '.bench.ts')))
  .sort();

mkdirSync(join(here, 'results'), { recursive: true });
const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) };
let missed = 0;
for (const file of files) {
  const name = basename(file, '.bench.ts');
  const module = (await import(pathToFileURL(join(here, file)).href)) as { default: Bench };
  const result = await module.default();
  writeFileSync(join(here, 'results', `${name}.json`), `${JSON.stringify({ bench: name, at: new Date().toISOString(), machine, ...result }, null, 2)}\n`);
  process.stdout.write(`\n${name}\n`);
  for (const m of result.metrics) {
    const verdict = m.meetsTarget === undefined ? '' : m.meetsTarget ? '  ok' : '  MISSED';
    if (m.meetsTarget === false) missed++;
    process.stdout.write(`  ${m.name}: ${m.value.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${m.unit}${m.target ? ` (target ${m.target})` : ''}${verdict}\n`);
  }
  for (const note of result.notes ?? []) process.stdout.write(`  note: ${note}\n`);
}
process.stdout.write(`\n${files.length} benchmark file(s); results in bench/results/\n`);
if (missed > 0) process.stdout.write(`${missed} metric(s) missed their target\n`);
