/**
 * `ecs-ops status [--stage S] [--config FILE] [--output text|json] [--region R] [--profile P]`: what is deployed and
 * whether it is healthy (the rules are in lib/ops/status.ts, the calls in lib/ops/status-aws.ts).
 */
import { resolve } from 'node:path';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ConfigLoadError, formatConfigErrors, loadConfigFile, type EcsOpsConfig } from '../../config/index.js';
import { decideStatus, type StatusDecision, type StatusFacts } from '../../ops/status.js';
import { gatherStatusFacts, type StatusClients } from '../../ops/status-aws.js';
import type { AwsTarget } from '../aws.js';
import { AWS_OPTIONS_HELP, COMMON_OPTIONS_HELP, ExitCode, parseCommandArgs, UsageError, writeJson, type CliIo, type Command } from '../command.js';

/** serverless.yml's default stage (`${opt:stage, 'prod'}`) and its stack name (`<service>-<stage>`, service ecs-ops). */
const DEFAULT_STAGE = 'prod';
const stackNameOf = (stage: string): string => `ecs-ops-${stage}`;
/** The config's default `alarms.reconcileStalledAfter` (lib/config/schema.ts), used without --config. */
const DEFAULT_RECONCILE_STALLED_AFTER = 600;
/** How far back the metrics look: the last hour (and the longest reconcileStalledAfter the config allows). */
const WINDOW_MS = 60 * 60 * 1000;

const USAGE = `Usage:
  ecs-ops status [--stage STAGE] [--config FILE] [--output text|json] [--region REGION] [--profile NAME]

Shows a deployed stage and whether it is healthy, read-only: the stack ecs-ops-STAGE (status, last update, version,
stage, region), each function's invocations and errors in the last hour, the failure queue's depth, when each
reconcile pass (drain, schedule-runner) last completed, the stack's alarms in ALARM, and with --config the drains in
progress (instances of the configured ASGs in Terminating:Wait).

Unhealthy (exit 1): the stack missing or not *_COMPLETE (or rolled back), an alarm in ALARM, a message in the failure
queue, a function error in the last hour, a reconcile pass older than alarms.reconcileStalledAfter (from --config,
else 10 minutes).

Options:
      --stage STAGE    The deployed stage (default: prod, as npm run deploy)
      --config FILE    The config: its ASGs (drains in progress) and alarms.reconcileStalledAfter (optional)
${AWS_OPTIONS_HELP}
${COMMON_OPTIONS_HELP}

JSON output: stage, region, stack, functions, failureQueue, reconcilePasses, alarmsInAlarm, drains, healthy, problems.
The calls it makes (and the IAM they need) are listed in docs/operations.md.

Exit codes: 0 healthy, 1 unhealthy, 2 bad input (arguments, config), 3 AWS or credential error (no region,
credentials refused, access denied).
`;

const OPTIONS = {
  stage: { type: 'string' },
  config: { type: 'string' },
} as const;

export type StatusClientsFactory = (target: AwsTarget) => StatusClients;

const RETRIES = { maxAttempts: 4, retryMode: 'adaptive' } as const;

export const defaultStatusClients: StatusClientsFactory = (target) => ({
  cloudformation: new CloudFormationClient({ ...target.clientConfig('CloudFormation'), ...RETRIES }),
  cloudwatch: new CloudWatchClient({ ...target.clientConfig('CloudWatch'), ...RETRIES }),
  sqs: new SQSClient({ ...target.clientConfig('SQS'), ...RETRIES }),
  autoscaling: new AutoScalingClient({ ...target.clientConfig('Auto Scaling'), ...RETRIES }),
});

export function createStatusCommand(clients: StatusClientsFactory = defaultStatusClients, now: () => number = Date.now): Command {
  const command: Command = {
    name: 'status',
    usage: USAGE,
    run: (args, io) => run(command, clients, now, args, io),
  };
  return command;
}

export const statusCommand = createStatusCommand();

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
const ago = (now: number, ms: number): string => {
  const minutes = Math.round((now - ms) / 60_000);
  return minutes < 1 ? 'less than a minute ago' : `${minutes} min ago`;
};

function render(stage: string, facts: StatusFacts, decision: StatusDecision): string {
  const lines: string[] = [];
  const stack = facts.stack;
  if (stack === undefined) {
    lines.push(`${facts.stackName} (stage ${stage}) in ${facts.region}: not deployed`);
  } else {
    lines.push(
      `${facts.stackName} in ${facts.region}: ${stack.status}, last update ${iso(stack.lastUpdatedAt) ?? 'unknown'}, version ${stack.outputs.EcsOpsVersion ?? 'unknown'}, stage ${stack.outputs.EcsOpsStage ?? stage}`,
    );
    lines.push(`functions (last ${Math.round(facts.windowMs / 60_000)} min):`);
    if (facts.functions.length === 0) lines.push('  none in the stack outputs');
    for (const fn of facts.functions) lines.push(`  ${fn.name.padEnd(36)} ${fn.invocations} invocation${fn.invocations === 1 ? '' : 's'}, ${fn.errors} error${fn.errors === 1 ? '' : 's'}`);
    lines.push(facts.failureQueue === undefined ? 'failure queue: not in the stack outputs' : `failure queue: ${facts.failureQueue.visible} visible, ${facts.failureQueue.inFlight} in flight`);
    if (facts.reconcilePasses.length > 0) {
      lines.push('reconcile passes:');
      for (const pass of facts.reconcilePasses) {
        lines.push(`  ${pass.service.padEnd(36)} ${pass.lastCompletedAt === undefined ? 'no pass in the window' : `last completed ${ago(facts.now, pass.lastCompletedAt)} (${iso(pass.lastCompletedAt)})`}`);
      }
    }
    lines.push(`alarms in ALARM: ${facts.alarmsInAlarm.length === 0 ? 'none' : facts.alarmsInAlarm.map((a) => a.name).join(', ')}`);
  }
  if (facts.drains !== undefined) {
    lines.push(`drains in progress: ${facts.drains.length === 0 ? 'none' : facts.drains.map((d) => `${d.instanceId} (${d.asg})`).join(', ')}`);
  }
  if (decision.healthy) lines.push('healthy');
  else {
    lines.push(`unhealthy: ${decision.problems.length} problem${decision.problems.length === 1 ? '' : 's'}`);
    for (const problem of decision.problems) lines.push(`  ${problem.message}`);
  }
  return `${lines.join('\n')}\n`;
}

async function run(command: Command, clients: StatusClientsFactory, now: () => number, args: string[], io: CliIo): Promise<number> {
  const { values, positionals, output, aws } = parseCommandArgs(command, args, OPTIONS, { aws: true });
  if (values.help) {
    io.stdout.write(USAGE);
    return ExitCode.ok;
  }
  if (positionals.length > 0) throw new UsageError(`status takes no positional arguments, got "${positionals.join(' ')}"`, command);
  const stage = values.stage ?? DEFAULT_STAGE;
  // Stage names as osls allows them (they become part of resource names).
  if (!/^[A-Za-z0-9-]+$/.test(stage)) throw new UsageError(`--stage must be letters, digits and hyphens, got "${stage}"`, command);
  let config: EcsOpsConfig | undefined;
  if (values.config !== undefined) {
    try {
      config = loadConfigFile(resolve(io.cwd, values.config)).config;
    } catch (error) {
      if (!(error instanceof ConfigLoadError)) throw error;
      io.stderr.write(`${formatConfigErrors(error.errors, values.config).join('\n')}\n`);
      return ExitCode.badInput;
    }
  }
  const target = await aws(io);
  // AWS errors (no region, refused credentials, a denied call) propagate to the CLI's funnel: one line, exit 3.
  const facts = await gatherStatusFacts(clients(target), {
    region: target.region,
    stackName: stackNameOf(stage),
    asgs: config === undefined ? undefined : [...new Set(config.clusters.flatMap((c) => c.asgs.map((a) => a.name)))],
    now: now(),
    windowMs: WINDOW_MS,
  });
  const decision = decideStatus(facts, { reconcileStalledAfter: config?.alarms.reconcileStalledAfter ?? DEFAULT_RECONCILE_STALLED_AFTER });
  if (output === 'json') {
    writeJson(io, {
      stage,
      region: facts.region,
      stack:
        facts.stack === undefined
          ? null
          : { name: facts.stackName, status: facts.stack.status, statusReason: facts.stack.statusReason ?? null, lastUpdated: iso(facts.stack.lastUpdatedAt) ?? null, version: facts.stack.outputs.EcsOpsVersion ?? null, outputs: facts.stack.outputs },
      windowMinutes: Math.round(facts.windowMs / 60_000),
      functions: facts.functions,
      failureQueue: facts.failureQueue ?? null,
      reconcilePasses: facts.reconcilePasses.map((p) => ({ service: p.service, lastCompleted: iso(p.lastCompletedAt) ?? null })),
      alarmsInAlarm: facts.alarmsInAlarm,
      drains: facts.drains ?? null,
      healthy: decision.healthy,
      problems: decision.problems,
    });
  } else io.stdout.write(render(stage, facts, decision));
  return decision.healthy ? ExitCode.ok : ExitCode.findings;
}
