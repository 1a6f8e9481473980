/**
 * `ecs-ops simulate FILE`: runs a scenario of the simulator (sim/scenario) and reports it as text, JSON or HTML.
 *
 * The simulator is development tooling: it is loaded with a dynamic import when this command runs, so the rest of the
 * CLI (and anything bundled from lib/) never depends on sim/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { formatPath } from '../../config/errors.js';
import { COMMON_OPTIONS_HELP, ExitCode, parseCommandArgs, UsageError, type CliIo, type Command } from '../command.js';

const REPORTS = ['text', 'json', 'html'] as const;
type ReportFormat = (typeof REPORTS)[number];
const DEFAULT_HTML_DIR = 'sim-report';
/** Progress lines start after this much real time, at most one a second. */
const PROGRESS_AFTER_MS = 2000;

const USAGE = `Usage:
  ecs-ops simulate FILE [--seed N] [--report text|json|html] [--out DIR] [--verbose] [--output text|json]

Runs a scenario (see sim/scenarios/README.md): packages the scenario's ecs-ops config with osls (cached), runs the
packaged functions against a simulated ECS fleet on a virtual clock, applies the scenario's timeline and checks its
expectations.

Options:
  --seed N          Use this seed instead of the scenario's
  --report FORMAT   text: the report on stdout (default)
                    json: the report as JSON on stdout, or DIR/report.json with --out
                    html: DIR/report.html (a self-contained page), its path on stdout
  --out DIR         Where the json and html reports go (html default: ./${DEFAULT_HTML_DIR}/)
  --verbose         Also print what the functions log
${COMMON_OPTIONS_HELP}
                    (--output json is --report json)

Exit codes: 0 every expectation holds, 1 an expectation failed (or the run did), 2 bad scenario or arguments
(errors as FILE:LINE:COLUMN).
`;

export const simulateCommand: Command = {
  name: 'simulate',
  overview: [['simulate FILE', 'Run a simulator scenario against the packaged functions; report as text, JSON or HTML']],
  usage: USAGE,
  run: (args, io) => simulate(args, io),
};

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

async function simulate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals, output } = parseCommandArgs(simulateCommand, args, {
    seed: { type: 'string' },
    report: { type: 'string' },
    out: { type: 'string' },
    verbose: { type: 'boolean' },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return ExitCode.ok;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing scenario FILE' : `simulate takes one FILE, got ${positionals.length}`, simulateCommand);
  const format = (values.report ?? output) as ReportFormat;
  if (!REPORTS.includes(format)) throw new UsageError(`--report must be one of ${REPORTS.join(', ')}, got "${values.report ?? ''}"`, simulateCommand);
  if (output === 'json' && format !== 'json') throw new UsageError(`--output json contradicts --report ${format}`, simulateCommand);
  let seed: number | undefined;
  if (values.seed !== undefined) {
    if (!/^\d+$/.test(values.seed) || Number(values.seed) > 2 ** 32 - 1) throw new UsageError(`--seed must be a whole number between 0 and ${2 ** 32 - 1}, got "${values.seed}"`, simulateCommand);
    seed = Number(values.seed);
  }
  const file = positionals[0] ?? '';

  const sim = await import('../../../sim/scenario/index.js');
  let scenario;
  try {
    scenario = sim.loadScenarioFile(resolve(io.cwd, file), file);
  } catch (error) {
    if (!(error instanceof sim.ScenarioLoadError)) throw error;
    io.stderr.write(`${sim.formatScenarioErrors(error.errors).join('\n')}\n`);
    if (error.errors.some((e) => e.line !== undefined)) io.stderr.write(`${file}: ${error.errors.length} error${error.errors.length === 1 ? '' : 's'}\n`);
    return ExitCode.badInput;
  }

  const started = Date.now();
  let lastProgress = 0;
  let report;
  try {
    report = await sim.runScenario(scenario, {
      ...(seed === undefined ? {} : { seed }),
      verbose: values.verbose ?? false,
      onLog: (line) => io.stderr.write(`ecs-ops simulate: ${line}\n`),
      onProgress: (p) => {
        const now = Date.now();
        if (now - started < PROGRESS_AFTER_MS || now - lastProgress < 1000) return;
        lastProgress = now;
        const percent = Math.round(((p.atMs - p.startMs) / Math.max(1, p.untilMs - p.startMs)) * 100);
        io.stderr.write(`ecs-ops simulate: ${clock(p.atMs)} of ${clock(p.untilMs)} (${percent}%), ${p.invocations} invocations, ${((now - started) / 1000).toFixed(0)} s\n`);
      },
    });
  } catch (error) {
    if (error instanceof sim.FleetBuildError) {
      const position = scenario.source?.locate(error.path);
      const where = position === undefined ? file : `${file}:${position.line}:${position.column}`;
      io.stderr.write(`${where} ${formatPath(error.path)}: the simulated AWS refused it: ${error.message}\n`);
      return ExitCode.badInput;
    }
    throw error;
  }

  const code = report.passed ? ExitCode.ok : ExitCode.findings;
  switch (format) {
    case 'text':
      io.stdout.write(sim.renderTextReport(report));
      break;
    case 'json': {
      const json = `${JSON.stringify(report, null, 2)}\n`;
      if (values.out === undefined) io.stdout.write(json);
      else {
        const path = writeReport(io, values.out, 'report.json', json);
        io.stdout.write(`${path}\n`);
      }
      break;
    }
    case 'html': {
      const path = writeReport(io, values.out ?? DEFAULT_HTML_DIR, 'report.html', sim.renderHtmlReport(report));
      io.stdout.write(`${path}\n`);
      break;
    }
  }
  if (format !== 'text') {
    const failures = report.expectations.filter((e) => !e.passed);
    io.stderr.write(
      failures.length === 0
        ? `ecs-ops simulate: ${scenario.name}: all ${report.expectations.length} checks passed\n`
        : `ecs-ops simulate: ${scenario.name}: ${failures.length} of ${report.expectations.length} checks failed:\n${failures.map((f) => `  ✗ ${f.description}: ${f.detail}\n`).join('')}`,
    );
  }
  return code;
}

/** Writes `name` into `dir` (created); returns the path as the user would type it. */
function writeReport(io: CliIo, dir: string, name: string, content: string): string {
  const absolute = resolve(io.cwd, dir);
  mkdirSync(absolute, { recursive: true });
  const path = join(absolute, name);
  writeFileSync(path, content);
  const shown = relative(io.cwd, path);
  return shown.startsWith('..') ? path : shown;
}
