/**
 * `ecs-ops config check [FILE]` and `ecs-ops config schema`.
 */
import { resolve } from 'node:path';
import { ConfigLoadError, formatConfigErrors, loadConfigFile, type EcsOpsConfig } from '../../config/index.js';
import { configWarnings, formatConfigWarnings } from '../../config/warnings.js';
import { renderConfigJsonSchema } from '../../config/json-schema.js';
import { COMMON_OPTIONS_HELP, ExitCode, parseCommandArgs, UsageError, writeJson, type CliIo, type Command } from '../command.js';

export const DEFAULT_CONFIG_FILE = 'ecs-ops.config.yml';

/** FILE given on the command line, else $ECS_OPS_CONFIG, else ecs-ops.config.yml. */
export function configFileName(io: CliIo, given: string | undefined): { name: string; defaulted: boolean } {
  if (given !== undefined) return { name: given, defaulted: false };
  const fromEnv = io.env.ECS_OPS_CONFIG;
  if (fromEnv !== undefined && fromEnv !== '') return { name: fromEnv, defaulted: true };
  return { name: DEFAULT_CONFIG_FILE, defaulted: true };
}

function count(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}

export function configSummary(config: EcsOpsConfig): string {
  return [
    count(config.clusters.length, 'cluster'),
    count(config.notifications.channels.length, 'channel'),
    count(config.schedules.length, 'schedule'),
    count(config.placement.policies.length, 'placement policy', 'placement policies'),
  ].join(', ');
}

const USAGE = `Usage:
  ecs-ops config check [FILE] [--output text|json]   Validate a config file; print a summary, or every error as
                                                     FILE:LINE:COLUMN
  ecs-ops config schema                              Print the JSON Schema of the config file (for editors)

FILE defaults to $ECS_OPS_CONFIG, else ${DEFAULT_CONFIG_FILE} in the current directory.

Warnings (valid config that fails at run time in some accounts, e.g. a schedule leaving
its roles to the task definition: iam:PassRole) go to stderr; the exit code stays 0.

Options:
${COMMON_OPTIONS_HELP}

JSON output of config check: {"file", "valid", "summary": {"clusters", "channels", "schedules", "placementPolicies"},
"warnings": [...]} or {"file", "valid": false, "errors": [...]}, errors and warnings as FILE:LINE:COLUMN lines.
config schema prints JSON whatever --output says.

Exit codes: 0 valid, 2 invalid or missing file.
`;

export const configCommand: Command = {
  name: 'config',
  overview: [
    ['config check [FILE]', 'Validate a config file (default: $ECS_OPS_CONFIG or ecs-ops.config.yml)'],
    ['config schema', 'Print the JSON Schema of the config file'],
  ],
  usage: USAGE,
  run(args, io) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'check':
        return check(rest, io);
      case 'schema':
        return schema(rest, io);
      case undefined:
        throw new UsageError('missing subcommand: check or schema', configCommand);
      default:
        throw new UsageError(`unknown subcommand "config ${sub}"`, configCommand);
    }
  },
};

function check(args: string[], io: CliIo): number {
  const { values, positionals, output } = parseCommandArgs(configCommand, args, {});
  if (values.help) {
    io.stdout.write(USAGE);
    return ExitCode.ok;
  }
  if (positionals.length > 1) throw new UsageError(`config check takes one FILE, got ${positionals.length}`, configCommand);
  const { name, defaulted } = configFileName(io, positionals[0]);
  try {
    const { config, text } = loadConfigFile(resolve(io.cwd, name));
    // Valid, but known to fail at run time in some accounts: said here, before deploying (exit code still 0).
    const warnings = formatConfigWarnings(configWarnings(config), text, name);
    if (output === 'json') {
      const summary = { clusters: config.clusters.length, channels: config.notifications.channels.length, schedules: config.schedules.length, placementPolicies: config.placement.policies.length };
      writeJson(io, { file: name, valid: true, summary, warnings });
    } else io.stdout.write(`${name}: OK (${configSummary(config)})\n`);
    for (const line of warnings) io.stderr.write(`${line}\n`);
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof ConfigLoadError)) throw error;
    const errors = formatConfigErrors(error.errors, name);
    if (output === 'json') writeJson(io, { file: name, valid: false, errors });
    io.stderr.write(`${errors.join('\n')}\n`);
    const unread = error.errors.length === 1 && error.errors[0]?.line === undefined;
    if (unread && defaulted) {
      io.stderr.write(`Pass a FILE or set ECS_OPS_CONFIG; start from ecs-ops.config.example.yml.\n`);
    } else if (!unread) {
      io.stderr.write(`${name}: ${count(error.errors.length, 'error')}\n`);
    }
    return ExitCode.badInput;
  }
}

function schema(args: string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs(configCommand, args, {});
  if (values.help) {
    io.stdout.write(USAGE);
    return ExitCode.ok;
  }
  if (positionals.length > 0) throw new UsageError('config schema takes no arguments', configCommand);
  io.stdout.write(renderConfigJsonSchema());
  return ExitCode.ok;
}
