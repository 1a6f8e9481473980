/**
 * `ecs-ops audit --cluster NAME [--config FILE] [--output text|json] [--region R] [--profile P]`: the placement policy audit the placement function runs, from
 * a laptop with the user's credentials (or against the simulator with AWS_ENDPOINT_URL), read-only: it reports the
 * violations and what an enforce pass would stop, and never stops anything.
 */
import { resolve } from 'node:path';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ConfigLoadError, formatConfigErrors, loadConfigFile, type EcsOpsConfig } from '../../config/index.js';
import { auditedClusters, runPass, type PassResult } from '../../placement/policy/index.js';
import type { AwsClientConfig } from '../aws.js';
import { AWS_OPTIONS_HELP, COMMON_OPTIONS_HELP, ExitCode, parseCommandArgs, UsageError, writeJson, type CliIo, type Command } from '../command.js';
import { configFileName } from './config.js';

const USAGE = `Usage:
  ecs-ops audit --cluster NAME [--config FILE] [--output text|json] [--region REGION] [--profile NAME]

Audits where the cluster's service tasks run against the placement policies of the config: every rule (azBalance,
instanceMatch, spot, maxPerInstance) of every policy selecting a service, with what is wrong, where and by how much,
and the stops an enforce pass would make (each replacement predicted by the placement engine). Read-only: it only
calls ECS List*/Describe* APIs, whatever the policies' mode and dryRun say.

Options:
      --cluster NAME   A cluster declared in the config
      --config FILE    The config (default: $ECS_OPS_CONFIG, else ecs-ops.config.yml)
${AWS_OPTIONS_HELP}
${COMMON_OPTIONS_HELP}

JSON output: cluster, counts, violations, planned stops (wouldStop), skipped violations.
Credentials come from the usual AWS chain (--profile, AWS_PROFILE, AWS_ACCESS_KEY_ID, SSO, ...); AWS_ENDPOINT_URL
points it at the simulator (ecs-ops sim serve).

Exit codes: 0 no violation, 1 violations found, 2 bad input (arguments, config, unknown cluster), 3 AWS error
(credentials, region, a refused call).
`;

const OPTIONS = {
  cluster: { type: 'string' },
  config: { type: 'string' },
} as const;

/** The ECS client of a run, from where the command's options and environment point (tests inject one). */
export type EcsClientFactory = (target: AwsClientConfig) => ECSClient;

export const defaultEcsClient: EcsClientFactory = (target) => new ECSClient({ ...target, maxAttempts: 8, retryMode: 'adaptive' });

export function createAuditCommand(ecsClient: EcsClientFactory = defaultEcsClient): Command {
  const command: Command = {
    name: 'audit',
    overview: [['audit --cluster NAME [--config FILE]', 'Audit task placement against the placement policies (read-only)']],
    usage: USAGE,
    run: (args, io) => run(command, ecsClient, args, io),
  };
  return command;
}

export const auditCommand = createAuditCommand();

function render(result: PassResult, ms: number): string {
  const { plan } = result;
  const n = (count: number, what: string): string => `${count} ${what}${count === 1 ? '' : 's'}`;
  const lines = [`${result.cluster}: ${n(result.services, 'service')}, ${n(result.instances, 'container instance')}, ${n(result.tasks, 'task')} audited in ${(ms / 1000).toFixed(1)}s`];
  if (plan.violations.length === 0) {
    lines.push('No placement policy violation.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(`${plan.violations.length} violation${plan.violations.length === 1 ? '' : 's'}:`);
  for (const v of plan.violations) lines.push(`  ${v.service}  ${v.rule} (policy ${v.policy}, ${v.mode}): ${v.message}`);
  if (plan.stops.length > 0) {
    lines.push('An enforce pass would stop:');
    for (const s of plan.stops) {
      lines.push(`  ${s.service}  task ${s.taskArn.split('/').pop() ?? s.taskArn} on ${s.from.ec2InstanceId ?? '?'} (${s.from.availabilityZone ?? '?'}) → replacement on ${s.to.ec2InstanceId ?? '?'} (${s.to.availabilityZone ?? '?'}); ${s.rule} ${s.before} → ${s.after}, ${s.needed} stop${s.needed === 1 ? '' : 's'} needed in all`);
    }
  }
  const skipped = plan.skipped.filter((s) => s.reason !== 'audit-mode');
  if (skipped.length > 0) {
    lines.push('Not acted on:');
    for (const s of skipped) lines.push(`  ${s.violation.service}  ${s.violation.rule}: ${s.reason} — ${s.detail}`);
  }
  return `${lines.join('\n')}\n`;
}

async function run(command: Command, ecsClient: EcsClientFactory, args: string[], io: CliIo): Promise<number> {
  const { values, positionals, output, aws } = parseCommandArgs(command, args, OPTIONS, { aws: true });
  if (values.help) {
    io.stdout.write(USAGE);
    return ExitCode.ok;
  }
  if (positionals.length > 0) throw new UsageError(`audit takes no positional arguments, got "${positionals.join(' ')}"`, command);
  if (values.cluster === undefined || values.cluster === '') throw new UsageError('missing --cluster NAME', command);
  const { name } = configFileName(io, values.config);
  let config: EcsOpsConfig;
  try {
    config = loadConfigFile(resolve(io.cwd, name)).config;
  } catch (error) {
    if (!(error instanceof ConfigLoadError)) throw error;
    io.stderr.write(`${formatConfigErrors(error.errors, name).join('\n')}\n`);
    return ExitCode.badInput;
  }
  const cluster = values.cluster;
  if (!config.clusters.some((c) => c.name === cluster)) {
    io.stderr.write(`${name}: cluster "${cluster}" is not declared under clusters (declared: ${config.clusters.map((c) => c.name).join(', ')})\n`);
    return ExitCode.badInput;
  }
  if (!auditedClusters(config).includes(cluster)) {
    io.stderr.write(`${name}: no placement policy applies to cluster "${cluster}"\n`);
    return ExitCode.badInput;
  }
  const target = await aws(io);
  const started = Date.now();
  // AWS errors (credentials, denied calls) propagate to the CLI's funnel: one line, exit 3.
  const result: PassResult = await runPass(
    { cluster },
    { config, ecs: ecsClient(target.clientConfig('ECS')), readOnly: true, logger: { info: () => undefined, warn: () => undefined, error: () => undefined }, metrics: { count: () => undefined } },
    Date.now() + 60_000,
  );
  const ms = Date.now() - started;
  if (output === 'json') {
    const { plan } = result;
    writeJson(io, { cluster, services: result.services, instances: result.instances, tasks: result.tasks, durationMs: ms, violations: plan.violations, wouldStop: plan.stops, skipped: plan.skipped.map((s) => ({ service: s.violation.service, policy: s.violation.policy, rule: s.violation.rule, reason: s.reason, detail: s.detail })) });
  } else {
    io.stdout.write(render(result, ms));
  }
  return result.plan.violations.length > 0 ? ExitCode.findings : ExitCode.ok;
}
