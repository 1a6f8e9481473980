/**
 * `ecs-ops verify [--config FILE] [--output text|json] [--region R] [--profile P]`: a read-only live pre-flight of the config against the account (the
 * rules are in lib/ops/verify.ts, the calls in lib/ops/verify-aws.ts).
 */
import { resolve } from 'node:path';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ConfigLoadError, formatConfigErrors, loadConfigFile, type EcsOpsConfig } from '../../config/index.js';
import { decideVerify, verifyQuestions, type Finding } from '../../ops/verify.js';
import { gatherVerifyFacts, type VerifyClients } from '../../ops/verify-aws.js';
import type { AwsTarget } from '../aws.js';
import { AWS_OPTIONS_HELP, COMMON_OPTIONS_HELP, ExitCode, parseCommandArgs, UsageError, writeJson, type CliIo, type Command } from '../command.js';
import { configFileName } from './config.js';

const USAGE = `Usage:
  ecs-ops verify [--config FILE] [--output text|json] [--region REGION] [--profile NAME]

Checks the config against the account, read-only, before deploying: the clusters exist; each ASG exists and carries
the configured terminate lifecycle hook with a heartbeat timeout and default result that work with ecs-ops (printing
the aws autoscaling put-lifecycle-hook command that fixes it); whether ECS's managed draining also covers the ASG;
the Slack webhook parameters exist and are SecureString; the SNS topics exist; each schedule's task definition exists
and its roles are named in the config (iam:PassRole); each placement policy selects at least one service.

Options:
      --config FILE    The config (default: $ECS_OPS_CONFIG, else ecs-ops.config.yml)
${AWS_OPTIONS_HELP}
${COMMON_OPTIONS_HELP}

JSON output: config, region, findings (severity, check, path, message, fix).
Credentials come from the usual AWS chain (--profile, AWS_PROFILE, AWS_ACCESS_KEY_ID, SSO, ...); AWS_ENDPOINT_URL
points it at the simulator (ecs-ops sim serve). The calls it makes are listed in docs/operations.md.

Exit codes: 0 nothing to fix, 1 errors or warnings found, 2 bad input (arguments, config), 3 AWS or credential error
(no region, credentials refused, access denied).
`;

const OPTIONS = {
  config: { type: 'string' },
} as const;

export type VerifyClientsFactory = (target: AwsTarget) => VerifyClients;

const RETRIES = { maxAttempts: 4, retryMode: 'adaptive' } as const;

export const defaultVerifyClients: VerifyClientsFactory = (target) => ({
  ecs: new ECSClient({ ...target.clientConfig('ECS'), ...RETRIES }),
  autoscaling: new AutoScalingClient({ ...target.clientConfig('Auto Scaling'), ...RETRIES }),
  ssm: new SSMClient({ ...target.clientConfig('SSM'), ...RETRIES }),
  sns: new SNSClient({ ...target.clientConfig('SNS'), ...RETRIES }),
});

export function createVerifyCommand(clients: VerifyClientsFactory = defaultVerifyClients): Command {
  const command: Command = {
    name: 'verify',
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
  const { values, positionals, output, aws } = parseCommandArgs(command, args, OPTIONS, { aws: true });
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
  const target = await aws(io);
  // AWS errors (no region, refused credentials, a denied call) propagate to the CLI's funnel: one line, exit 3.
  const facts = await gatherVerifyFacts(clients(target), verifyQuestions(config), target.region);
  const findings: Finding[] = decideVerify(config, facts);
  if (output === 'json') writeJson(io, { config: name, region: target.region, findings });
  else io.stdout.write(render(findings, name, target.region));
  return findings.some((f) => f.severity !== 'info') ? ExitCode.findings : ExitCode.ok;
}
