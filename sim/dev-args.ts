/**
 * Argument parsing for the dev scripts (`npm run chaos`, `npm run bench`): node's parseArgs in strict mode, so an
 * unknown flag (`--run 3`), a missing value or positional junk is refused instead of silently ignored. A parse gives
 * either `help`, the parsed options, or a one-line error; `exitOnBadArgs` turns that into the scripts' behaviour
 * (usage on stdout and exit 0 for --help; the error and the usage on stderr and exit 2 otherwise).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type DevArgs<T> = { kind: 'help' } | { kind: 'run'; options: T } | { kind: 'error'; message: string };

type ParsedValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** A bad argument found while reading the values (thrown by a `read` callback, reported as the one-line error). */
export class BadArgument extends Error {}

/**
 * Parses `argv` against `options` (every script also takes `--help`); `read` turns the values and positionals into
 * the script's options and throws BadArgument for a malformed value.
 */
export function parseDevArgs<T>(
  argv: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
  allowPositionals: boolean,
  read: (values: ParsedValues, positionals: string[]) => T,
): DevArgs<T> {
  let parsed: { values: ParsedValues; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (error) {
    // Node's messages go on with advice about `--`; their first sentence names the argument and what is wrong.
    return { kind: 'error', message: firstSentence((error as Error).message) };
  }
  if (parsed.values.help === true) return { kind: 'help' };
  try {
    return { kind: 'run', options: read(parsed.values, parsed.positionals) };
  } catch (error) {
    if (error instanceof BadArgument) return { kind: 'error', message: error.message };
    throw error;
  }
}

function firstSentence(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/\. .*$/, '').replace(/\.$/, '');
}

/** The value of a `--name N` option: a positive integer in plain decimal, or `fallback` when the option is absent. */
export function positiveInteger(values: ParsedValues, name: string, fallback: number): number {
  const given = values[name];
  if (given === undefined) return fallback;
  if (typeof given !== 'string' || !/^[1-9][0-9]*$/.test(given) || !Number.isSafeInteger(Number(given))) {
    throw new BadArgument(`--${name} takes a positive integer, got '${String(given)}'`);
  }
  return Number(given);
}

/** Prints usage and exits 0 for --help; prints the error and the usage to stderr and exits 2 for bad arguments. */
export function exitOnBadArgs<T>(script: string, usage: string, args: DevArgs<T>): T {
  if (args.kind === 'help') {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  if (args.kind === 'error') {
    process.stderr.write(`${script}: ${args.message}\n${usage}\n`);
    process.exit(2);
  }
  return args.options;
}
