/**
 * The `ecs-ops` command. `main(argv, io)` is the testable core; run as a script (bin/ecs-ops, `npm run ecs-ops`),
 * this module calls it with the process's I/O and exits with its code.
 *
 * Subcommands are modules exporting a `Command` (see ./command.ts), listed in COMMANDS below.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ExitCode, UsageError, type CliIo, type Command } from './command.js';
import { auditCommand } from './commands/audit.js';
import { configCommand } from './commands/config.js';
import { cqlCommand } from './commands/cql.js';
import { digestCommand } from './commands/digest.js';
import { placeCommand } from './commands/place.js';
import { runCommand } from './commands/run.js';
import { simulateCommand } from './commands/simulate.js';
import { verifyCommand } from './commands/verify.js';

/** Every subcommand, in the order `ecs-ops --help` lists them. */
export const COMMANDS: readonly Command[] = [configCommand, placeCommand, cqlCommand, simulateCommand, digestCommand, runCommand, auditCommand, verifyCommand];

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
    `  ${'-h, --help'.padEnd(width)}Show this help`,
    '',
    'Exit codes: 0 ok, 1 findings or failure, 2 bad input (usage, invalid or missing config).',
    '',
  ].join('\n');
}

function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}

/** Splits global options from the command word and its arguments. */
function splitArgv(argv: string[]): { help: boolean; command?: string; rest: string[]; badOption?: string } {
  const { tokens } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: false, tokens: true });
  let help = false;
  for (const token of tokens) {
    if (token.kind === 'positional') return { help, command: token.value, rest: argv.slice(token.index + 1) };
    if (token.kind === 'option') {
      if (token.name === 'help') help = true;
      else return { help, rest: [], badOption: token.rawName };
    }
  }
  return { help, rest: [] };
}

function reportUsageError(error: UsageError, io: CliIo): number {
  io.stderr.write(`ecs-ops: ${error.message}\n\n`);
  io.stderr.write(error.command ? error.command.usage : usage());
  return ExitCode.badInput;
}

/** Runs `ecs-ops` with `argv` (the arguments after the program name) and returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const { help, command: name, rest, badOption } = splitArgv(argv);
    if (badOption !== undefined) throw new UsageError(`unknown option ${badOption}`);
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
      const command = findCommand(topic);
      if (!command) throw new UsageError(`unknown command "${topic}"`);
      io.stdout.write(command.usage);
      return ExitCode.ok;
    }
    const command = findCommand(name);
    if (!command) throw new UsageError(`unknown command "${name}"`);
    if (help || rest[0] === '--help' || rest[0] === '-h') {
      io.stdout.write(command.usage);
      return ExitCode.ok;
    }
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) return reportUsageError(error, io);
    io.stderr.write(`ecs-ops: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.findings;
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
  const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
  // Pipes can be asynchronous (macOS): let pending output reach the reader before exiting.
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  process.exit(code);
}
