/**
 * `ecs-ops digest --cluster NAME --since DURATION [--asg NAME]... [--config FILE] [--table NAME] [--output text|json]`: the scaling digest of a
 * cluster for the last DURATION, read from AWS with the caller's credentials and printed in the terminal — the same
 * gather, build and render as the scheduled digest.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ConfigLoadError, formatConfigErrors, loadConfigFile, type EcsOpsConfig } from '../../config/index.js';
import { DURATION_PATTERN } from '../../config/schema.js';
import { buildDigest, digestOptions, digestSettings, gatherDigestSnapshots, renderDigestText, type DigestOptions } from '../../summary/digest/index.js';
import { journalOpsSource } from '../../summary/journal.js';
import { AWS_OPTIONS_HELP, COMMON_OPTIONS_HELP, ExitCode, parseCommandArgs, UsageError, writeJson, type CliIo, type Command } from '../command.js';
import { DEFAULT_CONFIG_FILE } from './config.js';

/** Application Auto Scaling keeps six weeks of activities. */
const MAX_SINCE_SECONDS = 42 * 86_400;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

const USAGE = `Usage:
  ecs-ops digest --cluster NAME --since DURATION [--asg NAME]... [--config FILE] [--table NAME] [--output text|json]

Prints what scaled in the cluster over the last DURATION, when and why: each service's task count (start → end, low,
high, a sparkline), each change with its cause (target tracking or step scaling alarm and policy, scheduled action,
manual change), deployments and their outcome, the capacity ASGs with failed launches, and ecs-ops's drains — the same
digest the scheduled function posts. Reads Application Auto Scaling, EC2 Auto Scaling and ECS with your credentials.

Options:
  -c, --cluster NAME      The ECS cluster
  -s, --since DURATION    How far back: 90m, 6h, 1d (at most 42d, the history Application Auto Scaling keeps)
      --asg NAME          A capacity ASG of the cluster (repeatable); default: the cluster's ASGs in the config
      --config FILE       The ecs-ops config (ASGs, drain settings, time zone); default: $ECS_OPS_CONFIG or
                          ${DEFAULT_CONFIG_FILE} when present, else none
      --table NAME        The deployed ecs-ops DynamoDB table (the IdempotencyTable resource): adds the placement
                          stops and scheduled runs ecs-ops recorded there (kept 8 days); without it they are left out
${AWS_OPTIONS_HELP}
${COMMON_OPTIONS_HELP}

Exit codes: 0 ok, 2 bad arguments or config, 3 AWS error (credentials, region, a refused call).
`;

export const digestCommand: Command = {
  name: 'digest',
  overview: [['digest -c NAME -s DURATION', 'Print what scaled in a cluster, when and why']],
  usage: USAGE,
  run,
};

export function parseSince(text: string): number {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) throw new UsageError(`invalid --since "${text}": write a number with a unit s, m, h or d, e.g. 90m, 6h, 1d`, digestCommand);
  const seconds = Number(match[1]) * (UNIT_SECONDS[match[2] ?? 's'] ?? 1);
  if (seconds < 60) throw new UsageError(`--since ${text} is shorter than a minute`, digestCommand);
  if (seconds > MAX_SINCE_SECONDS) throw new UsageError(`--since ${text} is longer than the 42 days of history Application Auto Scaling keeps`, digestCommand);
  return seconds;
}

function loadOptionalConfig(io: CliIo, given: string | undefined): EcsOpsConfig | undefined | number {
  const fromEnv = io.env.ECS_OPS_CONFIG;
  const name = given ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : existsSync(resolve(io.cwd, DEFAULT_CONFIG_FILE)) ? DEFAULT_CONFIG_FILE : undefined);
  if (name === undefined) return undefined;
  try {
    return loadConfigFile(resolve(io.cwd, name)).config;
  } catch (error) {
    if (!(error instanceof ConfigLoadError)) throw error;
    io.stderr.write(`${formatConfigErrors(error.errors, name).join('\n')}\n`);
    return ExitCode.badInput;
  }
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals, output, aws } = parseCommandArgs(digestCommand, args, {
    cluster: { type: 'string', short: 'c' },
    since: { type: 'string', short: 's' },
    asg: { type: 'string', multiple: true },
    config: { type: 'string' },
    table: { type: 'string' },
  }, { aws: true });
  if (values.help) {
    io.stdout.write(USAGE);
    return ExitCode.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ''}"`, digestCommand);
  if (values.cluster === undefined) throw new UsageError('missing --cluster NAME', digestCommand);
  if (values.since === undefined) throw new UsageError('missing --since DURATION', digestCommand);
  const since = parseSince(values.since);
  const loaded = loadOptionalConfig(io, values.config);
  if (typeof loaded === 'number') return loaded;
  const config = loaded;
  const clusterConfig = config?.clusters.find((c) => c.name === values.cluster);
  const asgs = values.asg ?? clusterConfig?.asgs.map((a) => a.name) ?? [];
  const options: DigestOptions = config ? digestOptions(config) : {};
  const timeZone = config ? digestSettings(config).timezone : 'UTC';

  if (values.table === '') throw new UsageError('--table needs a table name', digestCommand);
  const target = await aws(io);
  const { region } = target;
  const clientConfig = (serviceId: string) => ({ ...target.clientConfig(serviceId), maxAttempts: 8, retryMode: 'adaptive' });
  const now = Date.now();
  const window = { start: now - since * 1000, end: now };
  const logger = { warn: (message: string, extra: Record<string, unknown>) => io.stderr.write(`warning: ${message} ${JSON.stringify(extra)}\n`), error: (message: string, extra: Record<string, unknown>) => io.stderr.write(`error: ${message} ${JSON.stringify(extra)}\n`) };
  const opsSources = values.table !== undefined ? [journalOpsSource(new DynamoDBClient(clientConfig('DynamoDB')), values.table, logger)] : [];
  const [snapshot] = await gatherDigestSnapshots(
    { ecs: new ECSClient(clientConfig('ECS')), autoscaling: new AutoScalingClient(clientConfig('Auto Scaling')), aas: new ApplicationAutoScalingClient(clientConfig('Application Auto Scaling')), now: () => now, region, opsSources },
    [{ name: values.cluster, asgs }],
    window,
  );
  if (!snapshot) return ExitCode.findings;
  const digest = buildDigest(snapshot, options);
  if (output === 'json') writeJson(io, { ...digest, window: { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() } });
  else {
    io.stdout.write(renderDigestText(digest, { timeZone }));
    if (values.table === undefined) io.stdout.write('(placement stops and scheduled runs are not included: pass --table NAME, the ecs-ops DynamoDB table)\n');
  }
  return ExitCode.ok;
}
