/**
 * `ecs-ops verify [--config FILE] [--json]`: a read-only live pre-flight of the config against the account (the
 * rules are in lib/ops/verify.ts, the calls in lib/ops/verify-aws.ts).
 */
import { resolve } from 'node:path';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ConfigLoadError, formatConfigErrors, loadConfigFile, type EcsOpsConfig } from '../../config/index.js';
import { awsErrorLine, liveClientConfig, regionOf } from '../../ops/aws-env.js';
import { decideVerify, verifyQuestions, type Finding } from '../../ops/verify.js';
import { gatherVerifyFacts, type VerifyClients } from '../../ops/verify-aws.js';
import { ExitCode, parseCommandArgs, UsageError, type CliIo, type Command } from '../command.js';
import { configFileName } from './config.js';

/** AWS or credential error (the CLI-wide code for it). */
const AWS_ERROR_EXIT = 3;

const USAGE = `Usage:
  ecs-ops verify [--config FILE] [--json]

Checks the config against the account, read-only, before deploying: the clusters exist; each ASG exists and carries
the configured terminate lifecycle hook with a heartbeat timeout and default result that work with ecs-ops (printing
the aws autoscaling put-lifecycle-hook command that fixes it); whether ECS's managed draining also covers the ASG;
the Slack webhook parameters exist and are SecureString; the SNS topics exist; each schedule's task definition exists
and its roles are named in the config (iam:PassRole); each placement policy selects at least one service.

Options:
  --config FILE    The config (default: $ECS_OPS_CONFIG, else ecs-ops.config.yml)
  --json           Print the findings as JSON
  -h, --help       Show this help

Credentials and region come from the usual AWS environment (AWS_PROFILE, AWS_REGION, ...); AWS_ENDPOINT_URL points it
at the simulator.

Exit codes: 0 nothing to fix, 1 errors or warnings found, 2 bad input (arguments, config), 3 AWS or credential error
(no region, credentials refused, access denied).
`;

const OPTIONS = {
  config: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type VerifyClientsFactory = (env: Readonly<Record<string, string | undefined>>, region: string) => VerifyClients;

export const defaultVerifyClients: VerifyClientsFactory = (env, region) => ({
  ecs: new ECSClient(liveClientConfig(env, region, 'ECS')),
  autoscaling: new AutoScalingClient(liveClientConfig(env, region, 'AUTO_SCALING')),
  ssm: new SSMClient(liveClientConfig(env, region, 'SSM')),
  sns: new SNSClient(liveClientConfig(env, region, 'SNS')),
});

export function createVerifyCommand(clients: VerifyClientsFactory = defaultVerifyClients): Command {
  const command: Command = {
    name: 'verify',
    overview: [['verify [--config FILE] [--json]', 'Check the config against the account before deploying (read-only)']],
    usage: USAGE,
    run: (args, io) => run(command, clients, args, io),
  };
  return command;
}

export const verifyCommand = createVerifyCommand();

const MARK: Record<Finding['severity'], string> = { error: 'ERROR', warning: 'WARN ', info: 'info ' };

function render(findings: readonly Finding[], configName: string, region: string): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const lines = findings.map((f) => `${MARK[f.severity]} ${f.path}: ${f.message}${f.fix !== undefined ? `\n      fix: ${f.fix}` : ''}`);
  lines.push(
    errors + warnings === 0
      ? `${configName} verified against ${region}: nothing to fix.`
      : `${configName} verified against ${region}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.`,
  );
  return `${lines.join('\n')}\n`;
}

async function run(command: Command, clients: VerifyClientsFactory, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(command, args, OPTIONS);
  if (values.help) {
    io.stdout.write(USAGE);
    return ExitCode.ok;
  }
  if (positionals.length > 0) throw new UsageError(`verify takes no positional arguments, got "${positionals.join(' ')}"`, command);
  const { name } = configFileName(io, values.config);
  let config: EcsOpsConfig;
  try {
    config = loadConfigFile(resolve(io.cwd, name)).config;
  } catch (error) {
    if (!(error instanceof ConfigLoadError)) throw error;
    io.stderr.write(`${formatConfigErrors(error.errors, name).join('\n')}\n`);
    return ExitCode.badInput;
  }
  const region = regionOf(io.env);
  if (region === undefined) {
    io.stderr.write('ecs-ops verify: no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION) to the region you deploy to\n');
    return AWS_ERROR_EXIT;
  }
  let findings: Finding[];
  try {
    const facts = await gatherVerifyFacts(clients(io.env, region), verifyQuestions(config), region);
    findings = decideVerify(config, facts);
  } catch (error) {
    io.stderr.write(`ecs-ops verify: ${awsErrorLine(error)}\n`);
    return AWS_ERROR_EXIT;
  }
  if (values.json === true) io.stdout.write(`${JSON.stringify({ config: name, region, findings }, null, 2)}\n`);
  else io.stdout.write(render(findings, name, region));
  return findings.some((f) => f.severity !== 'info') ? ExitCode.findings : ExitCode.ok;
}
