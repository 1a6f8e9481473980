/**
 * The `ecs-ops` command. `main(argv, io)` is the testable core; run as a script (bin/ecs-ops, `npm run ecs-ops`),
 * this module calls it with the process's I/O and exits with its code.
 *
 * Subcommands are modules exporting a `Command` (see ./command.ts), listed in COMMANDS below.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import packageJson from '../../package.json' with { type: 'json' };
import { ExitCode, UsageError, type CliIo, type Command } from './command.js';
import { reportError } from './errors.js';
import { auditCommand } from './commands/audit.js';
import { configCommand } from './commands/config.js';
import { cqlCommand } from './commands/cql.js';
import { digestCommand } from './commands/digest.js';
import { placeCommand } from './commands/place.js';
import { runCommand } from './commands/run.js';
import { simCommand } from './commands/sim.js';
import { simulateCommand } from './commands/simulate.js';
import { verifyCommand } from './commands/verify.js';

/** The package's version (inlined in the bundle). */
export const VERSION = packageJson.version;

/** Every subcommand, in the order `ecs-ops --help` lists them. */
export const COMMANDS: readonly Command[] = [configCommand, placeCommand, cqlCommand, simulateCommand, simCommand, digestCommand, runCommand, auditCommand, verifyCommand];

export function usage(commands: readonly Command[] = COMMANDS): string {
  const rows: (readonly [string, string])[] = [...commands.flatMap((c) => c.overview), ['help [COMMAND]', 'Show help for a command']];
  const width = Math.max(...rows.map(([synopsis]) => synopsis.length)) + 3;
  return [
    'Usage: ecs-ops <command> [options]',
    '',
    'Operations toolkit for Amazon ECS.',
    '',
    'Commands:',
    ...rows.map(([synopsis, description]) => `  ${synopsis.padEnd(width)}${description}`),
    '',
    'Options:',
    `  ${'-h, --help'.padEnd(width)}Show this help (ecs-ops COMMAND --help: the command's)`,
    `  ${'-V, --version'.padEnd(width)}Print the version`,
    `  ${'--debug'.padEnd(width)}Print stack traces on errors`,
    '',
    'Every command takes --output text|json (--json), --debug and --help; those calling AWS take --region and --profile.',
    '',
    'Exit codes: 0 ok, 1 findings (violations, a failed run), 2 bad input (usage, invalid or missing config or file),',
    '3 AWS error (credentials, region, endpoint, a refused call).',
    '',
  ].join('\n');
}

function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}

/** Splits global options (before the command word) from the command word and its arguments. */
function splitArgv(argv: string[]): { help: boolean; version: boolean; command?: string; rest: string[]; badOption?: string } {
  const { tokens } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'V' }, debug: { type: 'boolean' } }, allowPositionals: true, strict: false, tokens: true });
  let help = false;
  let version = false;
  for (const token of tokens) {
    if (token.kind === 'positional') return { help, version, command: token.value, rest: argv.slice(token.index + 1) };
    if (token.kind === 'option') {
      if (token.name === 'help') help = true;
      else if (token.name === 'version') version = true;
      else if (token.name !== 'debug') return { help, version, rest: [], badOption: token.rawName };
    }
  }
  return { help, version, rest: [] };
}

/** `--debug` anywhere before `--` (the funnel needs it even when the command's own parsing failed). */
function wantsDebug(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--debug');
}

/** Runs `ecs-ops` with `argv` (the arguments after the program name) and returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let command: Command | undefined;
  try {
    const { help, version, command: name, rest, badOption } = splitArgv(argv);
    if (badOption !== undefined) throw new UsageError(`unknown option ${badOption}`);
    if (version && name === undefined) {
      io.stdout.write(`${VERSION}\n`);
      return ExitCode.ok;
    }
    if (name === undefined) {
      if (help) {
        io.stdout.write(usage());
        return ExitCode.ok;
      }
      throw new UsageError('missing command');
    }
    if (name === 'help') {
      const topic = rest[0];
      if (topic === undefined) {
        io.stdout.write(usage());
        return ExitCode.ok;
      }
      const helped = findCommand(topic);
      if (!helped) throw new UsageError(`unknown command "${topic}"`);
      io.stdout.write(helped.usage);
      return ExitCode.ok;
    }
    command = findCommand(name);
    if (!command) throw new UsageError(`unknown command "${name}"`);
    if (help || rest[0] === '--help' || rest[0] === '-h') {
      io.stdout.write(command.usage);
      return ExitCode.ok;
    }
    return await command.run(rest, io);
  } catch (error) {
    return reportError(error, command, wantsDebug(argv), io);
  }
}

/** True when this module is the script node was started with (not when imported by tests or other modules). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => { resolve(); }));
}

if (isEntryPoint()) {
  // An interrupt ends long-running commands (sim serve) cleanly; a second one ends the process at once.
  const interrupted = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted.abort();
      process.once(signal, () => process.exit(130));
    });
  }
  const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: interrupted.signal });
  // Pipes can be asynchronous (macOS): let pending output reach the reader before exiting.
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  process.exit(code);
}
