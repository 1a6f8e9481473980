/**
 * What every `ecs-ops` subcommand module provides, and the I/O it gets (injected, so commands are testable).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** 0 ok; 1 findings (e.g. an audit found violations) or a failure while working; 2 bad input (usage, invalid config). */
export const ExitCode = { ok: 0, findings: 1, badInput: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  /** Relative paths given on the command line are resolved against this directory. */
  cwd: string;
}

export interface Command {
  /** The word after `ecs-ops`. */
  name: string;
  /** Lines for the overview in `ecs-ops --help`: [synopsis, description]. */
  overview: readonly (readonly [string, string])[];
  /** Full help, printed by `ecs-ops help NAME` and `ecs-ops NAME --help`. */
  usage: string;
  /** Runs with the arguments after the command name; returns the exit code. Throw UsageError for bad arguments. */
  run(args: string[], io: CliIo): number | Promise<number>;
}

/** Bad command-line input: reported with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(
    message: string,
    /** The command whose usage to show (the top-level usage when undefined). */
    readonly command?: Command,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `node:util` parseArgs in strict mode, with its errors (unknown option, missing value, ...) turned into UsageError.
 */
export function parseCommandArgs<const O extends Options>(command: Command, args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(error.message, command);
    }
    throw error;
  }
}
