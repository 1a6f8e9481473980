/**
 * What every `ecs-ops` subcommand module provides, the I/O it gets (injected, so commands are testable), and the
 * contract every command keeps:
 *
 * - Exit codes (ExitCode): 0 ok; 1 findings (violations, a failed run, a task that could not be placed); 2 bad input
 *   (usage, a missing or invalid config or file; nothing was done); 3 an AWS, credential, region or endpoint error.
 * - Options every command takes (parseCommandArgs adds them): `--output text|json` (`--json` is its alias), `--debug`
 *   (stack traces and AWS request ids on errors), `-h/--help`. Commands that call AWS also take `--region` and
 *   `--profile` (pass `{ aws: true }`): they are handed to the SDK's own resolution (./aws.ts), never reimplemented.
 * - Errors go through one funnel (main.ts): a command throws UsageError (bad arguments: one line and
 *   "run ecs-ops COMMAND --help", exit 2), InputError (bad file or value: one line, exit 2), or lets an AWS SDK
 *   error propagate (one line with a hint, exit 3). Anything else is a bug: one line, exit 1; the stack only with
 *   --debug. A command that has its own result to report (findings) returns its exit code instead of throwing.
 * - Text output goes to stdout, diagnostics to stderr; with `--output json` stdout holds exactly one JSON document.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { resolveAwsTarget, type AwsTarget } from './aws.js';

export { AwsSetupError } from './aws.js';

/** 0 ok; 1 findings (e.g. an audit found violations) or a failure while working; 2 bad input; 3 AWS error. */
export const ExitCode = { ok: 0, findings: 1, badInput: 2, awsError: 3 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  /** The environment: AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, credentials, ECS_OPS_CONFIG... (process.env from a shell). */
  env: Readonly<Record<string, string | undefined>>;
  /** Relative paths given on the command line are resolved against this directory. */
  cwd: string;
  /** Ends long-running commands (`sim serve`) when aborted; from a shell: SIGINT/SIGTERM. */
  signal?: AbortSignal;
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

/** Bad command-line input: one line and a pointer to the command's help, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(
    message: string,
    /** The command whose help to point to (the top-level help when undefined). */
    readonly command?: Command,
  ) {
    super(message);
  }
}

/** Bad input found after parsing (a file's content, an option's value): one line, exit code 2, nothing done. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

export const OUTPUT_FORMATS = ['text', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Options every command takes. */
const COMMON_OPTIONS = {
  output: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Options of the commands that call AWS. */
const AWS_OPTIONS = {
  region: { type: 'string' },
  profile: { type: 'string' },
} as const;

/** The usage lines of the common options, for the commands' help texts. */
export const COMMON_OPTIONS_HELP = `  -o, --output FORMAT  text (default) or json; --json is the same as --output json
      --debug          On an error, print its stack trace (and the AWS request id)
  -h, --help           Show this help`;

export const AWS_OPTIONS_HELP = `      --region REGION  The AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, else the profile's region)
      --profile NAME   The AWS profile of ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE)`;

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `node:util` parseArgs in strict mode over the command's options plus the common ones (and the AWS ones with
 * `{ aws: true }`), with its errors (unknown option, missing value, ...) turned into UsageError. `output` is the
 * format asked for; `aws()` resolves where AWS calls go (call it only when about to call AWS: it fails without a region).
 */
export function parseCommandArgs<const O extends Options>(command: Command, args: string[], options: O, features: { aws?: boolean } = {}) {
  const all = { ...options, ...COMMON_OPTIONS, ...(features.aws === true ? AWS_OPTIONS : {}) };
  let parsed;
  try {
    parsed = parseArgs({ args, options: all, allowPositionals: true, strict: true });
  } catch (error) {
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(oneLine(error.message), command);
    }
    throw error;
  }
  const values = parsed.values as typeof parsed.values & { output?: string; json?: boolean; debug?: boolean; help?: boolean; region?: string; profile?: string };
  const output = outputFormat(command, values.output, values.json);
  return {
    values,
    positionals: parsed.positionals,
    output,
    aws: (io: CliIo): Promise<AwsTarget> => resolveAwsTarget(io.env, { region: values.region, profile: values.profile }),
  };
}

function outputFormat(command: Command, given: string | undefined, json: boolean | undefined): OutputFormat {
  if (given === undefined) return json === true ? 'json' : 'text';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(given)) throw new UsageError(`--output must be text or json, got "${given}"`, command);
  if (json === true && given !== 'json') throw new UsageError(`--json contradicts --output ${given}`, command);
  return given as OutputFormat;
}

/** parseArgs's unknown-option message carries a second sentence on passing values that start with "-": drop it. */
function oneLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/\. To specify a positional argument .*$/, '').trim();
}

/** Writes one JSON document on stdout. */
export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
