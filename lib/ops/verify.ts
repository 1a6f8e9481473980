/**
 * `ecs-ops verify`, decided purely: what the account must hold for a config to work once deployed, compared with
 * what was read from the account (VerifyFacts, gathered read-only by ./verify-aws.ts). Rules:
 *
 *  1. Every cluster of `clusters` exists (DescribeClusters, ACTIVE). Missing → error: every drain, audit and schedule
 *     against it fails.
 *  2. Every ASG of a cluster exists. Missing → error.
 *  3. An ASG with `drain: true` carries the configured hook on `autoscaling:EC2_INSTANCE_TERMINATING`. Missing, or on
 *     another transition → error with the exact `aws autoscaling put-lifecycle-hook` command that creates it.
 *  4. The hook's heartbeat timeout T leaves room for the drain reconcile pass (every I = 60 s) to heartbeat with a
 *     spare pass (T ≥ 4·I, lib/drain/decide.ts rule 7) → else warning; its global timeout min(100·T, 48 h) reaches
 *     the config's `drain.deadline` → else warning (the ASG ends the wait before ecs-ops would). Both with the fixing
 *     command.
 *  5. The hook's default result is CONTINUE. ABANDON → warning: on a terminate hook it still terminates, but also
 *     cancels the other hooks' waits (https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks-overview.html).
 *  6. Whether ECS's managed draining also covers the ASG is reported (info), as given in the facts.
 *  7. Every Slack channel's webhook parameter exists and is a SecureString. Missing → error; another type → error
 *     (the webhook URL is a secret).
 *  8. Every SNS channel's topic exists. Missing → error.
 *  9. Every schedule's task definition exists (family, family:revision or ARN). Missing → error.
 * 10. Every role that task definition has and the schedule does not override is covered by the config (the runner
 *     may pass only the roles the config names, lib/schedule/pass-role.ts) → else error naming the field to set.
 * 11. Every placement policy selects at least one existing service in its clusters → else warning (it audits nothing).
 */
import type { EcsOpsConfig } from '../config/schema.js';
import { selects, type PlacementPolicy } from '../placement/policy/select.js';
import { RECONCILE_INTERVAL_MS as DRAIN_RECONCILE_INTERVAL_MS } from '../drain/gather.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  /** What was checked: `cluster`, `asg`, `hook`, `managed-draining`, `parameter`, `topic`, `task-definition`, `pass-role`, `placement-policy`. */
  check: string;
  /** The config path it is about, e.g. `clusters[0].asgs[1]`. */
  path: string;
  message: string;
  /** A command or config change that fixes it. */
  fix?: string;
}

export interface LifecycleHookFact {
  name: string;
  transition: string;
  heartbeatTimeout: number | undefined;
  defaultResult: string | undefined;
  globalTimeout: number | undefined;
}

export interface AsgFact {
  hooks: LifecycleHookFact[];
  /** Whether ECS's managed draining covers this ASG (a sentence), when it could be told. */
  managedDraining?: string;
}

export interface TaskDefinitionFact {
  arn: string;
  taskRoleArn: string | undefined;
  executionRoleArn: string | undefined;
}

export interface ServiceFact {
  serviceName: string;
  tags: Readonly<Record<string, string>>;
}

/** What was read from the account; a key whose value is `undefined` was looked for and not found. */
export interface VerifyFacts {
  region: string;
  clusters: ReadonlyMap<string, boolean>;
  asgs: ReadonlyMap<string, AsgFact | undefined>;
  /** Parameter name → its type (`SecureString`, `String`, ...). */
  parameters: ReadonlyMap<string, string | undefined>;
  topics: ReadonlyMap<string, boolean>;
  taskDefinitions: ReadonlyMap<string, TaskDefinitionFact | undefined>;
  /** Services of each existing cluster a placement policy may select. */
  services: ReadonlyMap<string, readonly ServiceFact[]>;
}

/** What the account must be asked about for this config (the gathering side's to-do list). */
export interface VerifyQuestions {
  clusters: string[];
  asgs: string[];
  parameters: string[];
  topics: string[];
  taskDefinitions: string[];
  /** Clusters whose services placement policies select from. */
  serviceClusters: string[];
}

const TERMINATING = 'autoscaling:EC2_INSTANCE_TERMINATING';
const MAX_HEARTBEAT_SECONDS = 7200;
const MAX_GLOBAL_TIMEOUT_SECONDS = 172_800;
const DRAIN_RECONCILE_INTERVAL_SECONDS = DRAIN_RECONCILE_INTERVAL_MS / 1000;
const MIN_HEARTBEAT_SECONDS = 4 * DRAIN_RECONCILE_INTERVAL_SECONDS;
const DEFAULT_HEARTBEAT_SECONDS = 900;

export function verifyQuestions(config: EcsOpsConfig): VerifyQuestions {
  const unique = (items: string[]): string[] => [...new Set(items)];
  return {
    clusters: unique(config.clusters.map((c) => c.name)),
    asgs: unique(config.clusters.flatMap((c) => c.asgs.map((a) => a.name))),
    parameters: unique(config.notifications.channels.flatMap((c) => (c.type === 'slack' ? [c.webhookParameter] : []))),
    topics: unique(config.notifications.channels.flatMap((c) => (c.type === 'sns' ? [c.topicArn] : []))),
    taskDefinitions: unique(config.schedules.map((s) => s.taskDefinition)),
    serviceClusters: config.placement.policies.length === 0 ? [] : unique(config.clusters.map((c) => c.name)),
  };
}

/** The heartbeat timeout to suggest: the usual 15 minutes, longer when 100 heartbeats would not reach the deadline. */
export function suggestedHeartbeatSeconds(deadlineSeconds: number): number {
  return Math.min(MAX_HEARTBEAT_SECONDS, Math.max(DEFAULT_HEARTBEAT_SECONDS, Math.ceil(deadlineSeconds / 100)));
}

/** The exact AWS CLI command that creates (or replaces) ecs-ops's terminate hook on an ASG. */
export function putLifecycleHookCommand(asg: string, hook: string, heartbeatSeconds: number, region: string): string {
  return [
    'aws autoscaling put-lifecycle-hook',
    `--auto-scaling-group-name ${shellWord(asg)}`,
    `--lifecycle-hook-name ${shellWord(hook)}`,
    `--lifecycle-transition ${TERMINATING}`,
    `--heartbeat-timeout ${heartbeatSeconds}`,
    '--default-result CONTINUE',
    `--region ${region}`,
  ].join(' ');
}

function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:@-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function duration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export function decideVerify(config: EcsOpsConfig, facts: VerifyFacts): Finding[] {
  const findings: Finding[] = [];
  const deadline = config.drain.deadline;
  config.clusters.forEach((cluster, ci) => {
    const clusterPath = `clusters[${ci}]`;
    if (facts.clusters.get(cluster.name) !== true) {
      findings.push({ severity: 'error', check: 'cluster', path: clusterPath, message: `cluster ${cluster.name} does not exist in ${facts.region}` });
    }
    cluster.asgs.forEach((asg, ai) => {
      const path = `${clusterPath}.asgs[${ai}]`;
      const fact = facts.asgs.get(asg.name);
      if (fact === undefined) {
        findings.push({ severity: 'error', check: 'asg', path, message: `Auto Scaling group ${asg.name} does not exist in ${facts.region}` });
        return;
      }
      if (!asg.drain) return;
      const suggested = suggestedHeartbeatSeconds(deadline);
      const fix = putLifecycleHookCommand(asg.name, asg.lifecycleHook, suggested, facts.region);
      const hook = fact.hooks.find((h) => h.name === asg.lifecycleHook);
      if (hook === undefined) {
        findings.push({ severity: 'error', check: 'hook', path, message: `${asg.name} has no lifecycle hook ${asg.lifecycleHook}: its instances terminate without being drained`, fix });
      } else if (hook.transition !== TERMINATING) {
        findings.push({ severity: 'error', check: 'hook', path, message: `${asg.name}'s hook ${asg.lifecycleHook} is on ${hook.transition}, not ${TERMINATING}: instances terminate without being drained`, fix });
      } else {
        const heartbeat = hook.heartbeatTimeout ?? 3600;
        if (heartbeat < MIN_HEARTBEAT_SECONDS) {
          findings.push({
            severity: 'warning',
            check: 'hook',
            path,
            message: `${asg.name}'s hook ${asg.lifecycleHook} times out after ${duration(heartbeat)} without a heartbeat: the drain reconcile pass (every ${duration(DRAIN_RECONCILE_INTERVAL_SECONDS)}) needs at least ${duration(MIN_HEARTBEAT_SECONDS)} to heartbeat with a spare pass`,
            fix,
          });
        }
        const global = Math.min(hook.globalTimeout ?? 100 * heartbeat, MAX_GLOBAL_TIMEOUT_SECONDS);
        if (global < deadline) {
          findings.push({
            severity: 'warning',
            check: 'hook',
            path,
            message: `${asg.name}'s hook ${asg.lifecycleHook} ends every wait after ${duration(global)} (global timeout, 100 × heartbeat timeout), before drain.deadline (${duration(deadline)}): the ASG terminates instances ecs-ops is still draining`,
            fix,
          });
        }
        if (hook.defaultResult !== undefined && hook.defaultResult !== 'CONTINUE') {
          findings.push({
            severity: 'warning',
            check: 'hook',
            path,
            message: `${asg.name}'s hook ${asg.lifecycleHook} defaults to ${hook.defaultResult}: on a timeout it cancels the other lifecycle hooks' waits too; CONTINUE lets them finish`,
            fix,
          });
        }
      }
      if (fact.managedDraining !== undefined) findings.push({ severity: 'info', check: 'managed-draining', path, message: `${asg.name}: ${fact.managedDraining}` });
    });
  });

  config.notifications.channels.forEach((channel, i) => {
    const path = `notifications.channels[${i}]`;
    if (channel.type === 'slack') {
      const type = facts.parameters.get(channel.webhookParameter);
      if (type === undefined) {
        findings.push({
          severity: 'error',
          check: 'parameter',
          path,
          message: `SSM parameter ${channel.webhookParameter} (channel ${channel.name}'s Slack webhook) does not exist in ${facts.region}`,
          fix: `aws ssm put-parameter --name ${shellWord(channel.webhookParameter)} --type SecureString --value 'https://hooks.slack.com/services/...' --region ${facts.region}`,
        });
      } else if (type !== 'SecureString') {
        findings.push({
          severity: 'error',
          check: 'parameter',
          path,
          message: `SSM parameter ${channel.webhookParameter} (channel ${channel.name}'s Slack webhook) is a ${type}, not a SecureString: the webhook URL is a secret`,
          fix: `aws ssm put-parameter --name ${shellWord(channel.webhookParameter)} --type SecureString --overwrite --value 'https://hooks.slack.com/services/...' --region ${facts.region}`,
        });
      }
    } else if (facts.topics.get(channel.topicArn) !== true) {
      findings.push({ severity: 'error', check: 'topic', path, message: `SNS topic ${channel.topicArn} (channel ${channel.name}) does not exist` });
    }
  });

  config.schedules.forEach((schedule, i) => {
    const path = `schedules[${i}]`;
    const definition = facts.taskDefinitions.get(schedule.taskDefinition);
    if (definition === undefined) {
      findings.push({ severity: 'error', check: 'task-definition', path, message: `schedule ${schedule.name}: task definition ${schedule.taskDefinition} does not exist in ${facts.region} (or has no ACTIVE revision)` });
      return;
    }
    for (const field of ['executionRoleArn', 'taskRoleArn'] as const) {
      const role = definition[field];
      if (role === undefined || schedule[field] !== undefined) continue;
      findings.push({
        severity: 'error',
        check: 'pass-role',
        path: `${path}.${field}`,
        message: `schedule ${schedule.name}: task definition ${definition.arn} has ${field === 'taskRoleArn' ? 'task role' : 'execution role'} ${role}, which the config does not name: RunTask would be refused iam:PassRole`,
        fix: `set ${path}.${field}: ${role} and deploy again`,
      });
    }
  });

  config.placement.policies.forEach((policy: PlacementPolicy, i) => {
    const clusters = config.clusters.map((c) => c.name).filter((name) => facts.clusters.get(name) === true);
    const selected = clusters.some((cluster) => (facts.services.get(cluster) ?? []).some((service) => selects(policy, cluster, service)));
    if (!selected) {
      findings.push({ severity: 'warning', check: 'placement-policy', path: `placement.policies[${i}]`, message: `placement policy ${policy.name} selects no existing service: it audits nothing` });
    }
  });
  return findings;
}
