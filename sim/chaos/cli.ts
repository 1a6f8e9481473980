/**
 * `npm run chaos [-- --runs N] [--seed S] [--workers W] [--run-timeout SECONDS]`: N seeded chaos runs
 * (default 200, seeds S…S+N-1, default S = 1) in W worker processes (default: 2 per core); a run still going after
 * --run-timeout (default 600 s) is killed and fails. Prints one line per run, then each failing
 * seed with what failed, its scenario file and the command that replays it. Exit code 1 when a run failed.
 * With `--runs 1` the run happens in this process and its full text report is printed. `--help` prints the usage;
 * an unknown flag, a malformed value or a positional argument is refused (exit 2) before anything runs.
 */
import { exitOnBadArgs } from '../dev-args.js';
import { CHAOS_USAGE, parseChaosArgs } from './args.js';

const { runs, seed, workers, runTimeoutMs } = exitOnBadArgs('chaos', CHAOS_USAGE, parseChaosArgs(process.argv.slice(2)));
// The simulator loads only once the arguments are known good: --help and a typo answer at once.
const { renderTextReport } = await import('../scenario/index.js');
const { runChaosSeed } = await import('./one.js');
const { replayCommand, runChaos } = await import('./run.js');

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
