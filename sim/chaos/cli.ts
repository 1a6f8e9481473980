/**
 * `npm run chaos [-- --runs N] [--seed S] [--workers W] [--run-timeout SECONDS]`: N seeded chaos runs
 * (default 200, seeds S…S+N-1, default S = 1) in W worker processes (default: 2 per core); a run still going after
 * --run-timeout (default 600 s) is killed and fails. Prints one line per run, then each failing
 * seed with what failed, its scenario file and the command that replays it. Exit code 1 when a run failed.
 * With `--runs 1` the run happens in this process and its full text report is printed.
 */
import { availableParallelism } from 'node:os';
import { renderTextReport } from '../scenario/index.js';
import { runChaosSeed } from './one.js';
import { replayCommand, runChaos } from './run.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`chaos: --${name} takes a positive integer, got ${String(process.argv[i + 1])}\n`);
    process.exit(2);
  }
  return value;
}

const runs = option('runs', 200);
const seed = option('seed', 1);
const workers = option('workers', 2 * availableParallelism());
const runTimeoutMs = option('run-timeout', 600) * 1000;

if (runs === 1) {
  const result = await runChaosSeed(seed, { keepReport: true });
  if (result.report) process.stdout.write(`${renderTextReport(result.report)}\n`);
  process.stdout.write(`\nscenario: ${result.scenarioFile} (also: ecs-ops simulate ${result.scenarioFile})\n`);
  for (const f of result.failures) process.stdout.write(`FAILED ${f}\n`);
  process.exit(result.passed ? 0 : 1);
}

process.stdout.write(`chaos: ${runs} runs from seed ${seed}, ${workers} workers\n`);
const summary = await runChaos({
  runs,
  seed,
  workers,
  runTimeoutMs,
  onResult: (r, done) => {
    process.stdout.write(`[${done}/${runs}] seed ${r.seed} ${r.passed ? 'ok' : 'FAILED'} ${(r.wallMs / 1000).toFixed(1)}s  ${r.ingredients.join(', ')}  (${r.invocations} invocations, ${r.apiCalls} AWS calls, ${r.faultsInjected} API faults, ${r.eventsDropped} events dropped, ${r.eventsDuplicated} duplicated)\n`);
    if (!r.passed) process.stdout.write(`${r.failures.map((x) => `    - ${x}`).join('\n')}\n    replay: ${replayCommand(r.seed)}\n`);
  },
});
const minutes = (summary.wallMs / 60_000).toFixed(1);
process.stdout.write(`\nchaos: ${summary.results.length - summary.failed.length}/${summary.results.length} runs passed in ${minutes} min\n`);
for (const f of summary.failed) {
  process.stdout.write(`\nseed ${f.seed} FAILED (${f.ingredients.join(', ')}):\n${f.failures.map((x) => `  - ${x}`).join('\n')}\n  scenario: ${f.scenarioFile}\n  replay:   ${replayCommand(f.seed)}\n`);
}
process.exit(summary.failed.length === 0 ? 0 : 1);
