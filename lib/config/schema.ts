import * as z from 'zod';
import { SEVERITIES } from '../notify/types.js';
import { parseSchedule, ScheduleExpressionError } from '../schedule/expression.js';
import { compileQuery, QuerySyntaxError } from '../placement/query/index.js';

/**
 * The ecs-ops config file (`ecs-ops.config.yml`). Every capability reads its own section; sections for capabilities
 * still being built are validated now so a config written today keeps working.
 * Durations are written as `90s`, `15m`, `2h`, `1d` (or a bare number of seconds) and parsed to seconds.
 */

/** A duration string (after trimming): digits and an optional unit. */
export const DURATION_PATTERN = /^(\d+)\s*(s|m|h|d)?$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

export const durationSeconds = z
  .union([z.number().int().nonnegative(), z.string()])
  .transform((value, ctx) => {
    if (typeof value === 'number') return value;
    const match = DURATION_PATTERN.exec(value.trim());
    if (!match) {
      ctx.addIssue({ code: 'custom', message: `invalid duration "${value}": write a number with a unit s, m, h or d, e.g. 90s, 15m, 2h` });
      return z.NEVER;
    }
    const unit = (match[2] ?? 's') as keyof typeof UNIT_SECONDS;
    return Number(match[1]) * UNIT_SECONDS[unit];
  });

/** ECS cluster names: up to 255 letters, numbers, underscores and hyphens. */
export const clusterName = z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'cluster names are 1-255 letters, digits, "_" or "-"');
/** EC2 Auto Scaling group names: 1-255 characters, no colon (names containing ":" are ARNs). */
export const asgName = z.string().min(1).max(255).regex(/^[^:]+$/, 'ASG names contain no ":"');
const lifecycleHookName = z.string().regex(/^[A-Za-z0-9\-_/]{1,255}$/, 'lifecycle hook names are 1-255 letters, digits, "-", "_" or "/"');
const ssmParameterName = z
  .string()
  .max(2048)
  .regex(/^(\/[A-Za-z0-9_.-]+)+$|^[A-Za-z0-9_.-]+$/, 'SSM parameter names use letters, digits, "_", ".", "-"; a hierarchical name starts with "/" (e.g. /ecs-ops/slack/ops)')
  .refine((name) => !/^\/?(aws|ssm)/i.test(name), 'SSM parameter names cannot start with "aws" or "ssm"');
const snsTopicArn = z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, 'expected an SNS topic ARN like arn:aws:sns:us-east-1:123456789012:ecs-ops-alerts');
const kmsKeyArn = z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, 'expected a KMS key ARN');
const iamRoleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]+$/, 'expected an IAM role ARN');
const severity = z.enum(SEVERITIES);
const channelName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'channel names are 1-64 letters, digits, "_" or "-"');

const AsgSchema = z.strictObject({
  name: asgName,
  /** The terminate lifecycle hook ecs-ops owns on this ASG; other hooks are never completed by ecs-ops. */
  lifecycleHook: lifecycleHookName.default('ecs-ops-drain'),
  /** Drain container instances of this ASG before they terminate. */
  drain: z.boolean().default(true),
});

const ClusterSchema = z.strictObject({
  name: clusterName,
  asgs: z.array(AsgSchema).default([]),
});

const channelCommon = {
  name: channelName,
  /** Which severities this channel receives. */
  severities: z.array(severity).min(1).default([...SEVERITIES]),
  /** Only notifications about these clusters (all clusters when omitted). */
  clusters: z.array(clusterName).optional(),
};

const SlackChannelSchema = z.strictObject({
  ...channelCommon,
  type: z.literal('slack'),
  /** SSM SecureString parameter holding the incoming-webhook URL. The URL itself never goes in this file. */
  webhookParameter: ssmParameterName,
  /** Customer-managed KMS key of that parameter, if it is not encrypted with the AWS-managed aws/ssm key. */
  kmsKeyArn: kmsKeyArn.optional(),
});

const SnsChannelSchema = z.strictObject({
  ...channelCommon,
  type: z.literal('sns'),
  topicArn: snsTopicArn,
  /** Customer-managed KMS key of the topic, if it is encrypted with one (publishing then needs that key). */
  kmsKeyArn: kmsKeyArn.optional(),
});

export const ChannelSchema = z.discriminatedUnion('type', [SlackChannelSchema, SnsChannelSchema]);

const NotificationsSchema = z.strictObject({
  channels: z.array(ChannelSchema).min(1),
});

/** ECS `Service Action` event names ecs-ops can alert on (WARN and ERROR events of the ECS catalogue). */
export const SERVICE_ACTION_ALERTS = [
  'SERVICE_TASK_PLACEMENT_FAILURE',
  'SERVICE_TASK_START_IMPAIRED',
  'SERVICE_TASK_CONFIGURATION_FAILURE',
  'SERVICE_DAEMON_PLACEMENT_CONSTRAINT_VIOLATED',
  'SERVICE_DISCOVERY_INSTANCE_UNHEALTHY',
  'VPC_LATTICE_TARGET_UNHEALTHY',
  'ECS_OPERATION_THROTTLED',
  'SERVICE_DISCOVERY_OPERATION_THROTTLED',
  'SERVICE_HEALTH_UNKNOWN',
] as const;

/** Alert kinds, as they appear in notifications (SNS attribute `kind`) and in `alerts.ignore` / `alerts.severity`. */
export const ALERT_KINDS = [
  'service-task-placement-failure',
  'service-task-start-impaired',
  'service-task-configuration-failure',
  'service-daemon-placement-constraint-violated',
  'service-discovery-instance-unhealthy',
  'vpc-lattice-target-unhealthy',
  'ecs-operation-throttled',
  'service-discovery-operation-throttled',
  'service-health-unknown',
  'deployment-failed',
  'deployment-rollback',
  'asg-launch-failed',
  'asg-terminate-failed',
  // Auto-drain notifications (lib/drain): ignorable and re-ranked like the others.
  'drain-started',
  'drain-completed',
  'drain-forced',
  'drain-blocked',
  // Scheduled tasks (lib/schedule): a run failed (exit code, failed to start, no capacity, stopped), ran past its
  // timeout, missed its starting deadline, was skipped (concurrency: forbid) or replaced, or succeeded (notify.onSuccess).
  'schedule-failed',
  'schedule-timeout',
  'schedule-missed',
  'schedule-skipped',
  'schedule-replaced',
  'schedule-succeeded',
  // Placement policy notifications (lib/placement/policy): one per service per dedupe window.
  'placement-violation',
  'placement-stop',
] as const;
/** The kinds raised by real-time alerts (lib/summary/alerts.ts). */
export type AlertKind = Exclude<(typeof ALERT_KINDS)[number], DrainAlertKind | ScheduleAlertKind | PlacementAlertKind>;
/** The kinds of placement policy notifications (lib/placement/policy/notifications.ts). */
export type PlacementAlertKind = Extract<(typeof ALERT_KINDS)[number], `placement-${string}`>;
/** The kinds of auto-drain notifications (lib/drain/notifications.ts). */
export type DrainAlertKind = Extract<(typeof ALERT_KINDS)[number], `drain-${string}`>;
/** The kinds of scheduled-task notifications (lib/schedule/notifications.ts). */
export type ScheduleAlertKind = Extract<(typeof ALERT_KINDS)[number], `schedule-${string}`>;

const AlertsSchema = z.strictObject({
  /** The same alert (same kind, cluster, service/ASG and reason) is posted once per window. */
  dedupeWindow: durationSeconds.pipe(z.number().int().min(60).max(7 * 86400)).default(900),
  /** Alert kinds never posted. */
  ignore: z.array(z.enum(ALERT_KINDS)).default([]),
  /** Per-kind severity overrides. */
  severity: z.partialRecord(z.enum(ALERT_KINDS), severity).default({}),
});

const DrainSchema = z.strictObject({
  /** After this long, the lifecycle action is completed even with tasks still on the instance, and an alert is sent. */
  deadline: durationSeconds.pipe(z.number().int().min(60).max(48 * 3600)).default(3600),
  /** Standalone (non-service) tasks: wait for them until the deadline, or stop them once service tasks are gone. */
  standaloneTasks: z.enum(['wait', 'stop']).default('wait'),
  /** Drain at once on an EC2 Spot interruption warning. */
  spotInterruption: z.boolean().default(true),
  /** What to do on an EC2 rebalance recommendation. */
  rebalanceRecommendation: z.enum(['ignore', 'drain']).default('ignore'),
  /** Post a message when a drain starts (completions, forced completions and blocked drains are always posted). */
  notifyStart: z.boolean().default(false),
});

const serviceSelector = z.strictObject({
  clusters: z.array(clusterName).optional(),
  /** Service names; an item written `/regex/` is a regular expression over the name. */
  services: z.array(z.string().min(1)).optional(),
  /** Services carrying all these tags. */
  tags: z.record(z.string(), z.string()).optional(),
});

const PlacementRulesSchema = z.strictObject({
  azBalance: z.strictObject({ maxSkew: z.number().int().min(1) }).optional(),
  /** A cluster query language expression every task's container instance must satisfy. */
  instanceMatch: z.string().min(1).max(2000).optional(),
  spot: z
    .strictObject({
      maxShare: z.number().min(0).max(1).optional(),
      minOnDemandTasks: z.number().int().min(0).optional(),
      /** Capacity providers whose tasks count as Spot (FARGATE_SPOT always does). */
      capacityProviders: z.array(z.string().min(1)).default([]),
      /** Container instance attribute whose value `spot` marks a Spot instance (e.g. ECS_INSTANCE_ATTRIBUTES={"lifecycle":"spot"}). */
      attribute: z.string().min(1).default('lifecycle'),
    })
    .refine((spot) => spot.maxShare !== undefined || spot.minOnDemandTasks !== undefined, 'set maxShare, minOnDemandTasks or both')
    .optional(),
  maxPerInstance: z.number().int().min(1).optional(),
});

const PlacementPolicySchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  select: serviceSelector,
  mode: z.enum(['audit', 'enforce']).default('audit'),
  rules: PlacementRulesSchema,
});

const PlacementSchema = z.strictObject({
  /** Global switch: when true, enforce-mode policies plan and report but stop nothing. */
  dryRun: z.boolean().default(true),
  auditEvery: durationSeconds.pipe(z.number().int().min(60)).default(900),
  policies: z.array(PlacementPolicySchema).default([]),
  /** Tasks younger than this (since they started) are never stopped. */
  minTaskAge: durationSeconds.pipe(z.number().int().min(0)).default(600),
  /** At most this many stops per cluster in one pass (and at most one per service). */
  maxStopsPerCluster: z.number().int().min(1).max(100).default(2),
  /** After ecs-ops stopped a task of a service, no other stop for that service for this long. */
  cooldown: durationSeconds.pipe(z.number().int().min(0)).default(600),
});

/** A recurring EventBridge Scheduler expression, parsed (lib/schedule/expression.ts) so mistakes name the field. */
const scheduleExpression = z.string().superRefine((expression, ctx) => {
  if (!/^\s*(cron|rate)\(/.test(expression)) {
    ctx.addIssue({ code: 'custom', message: 'expected cron(minutes hours day-of-month month day-of-week year) or rate(N unit), as EventBridge Scheduler accepts' });
    return;
  }
  try {
    parseSchedule(expression);
  } catch (error) {
    if (!(error instanceof ScheduleExpressionError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
  }
});

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'unknown IANA time zone');

const capacityProviderStrategy = z
  .array(
    z.strictObject({
      capacityProvider: z.string().min(1),
      weight: z.number().int().min(0).max(1000).default(1),
      base: z.number().int().min(0).max(100000).default(0),
    }),
  )
  .min(1)
  .max(20);

const ScheduleSchema = z.strictObject({
  // Also the Scheduler schedule's name and part of the tasks' startedBy (`ecs-ops/<name>`), which allows no ".".
  name: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, 'schedule names are 1-64 letters, digits, "_" or "-" (they become the tasks\' startedBy ecs-ops/<name>)'),
  schedule: scheduleExpression,
  timezone: timeZone.default('UTC'),
  cluster: clusterName,
  /** A family (latest ACTIVE revision), `family:revision`, or a task definition ARN. */
  taskDefinition: z.string().min(1),
  count: z.number().int().min(1).max(10).default(1),
  launchType: z.enum(['EC2', 'FARGATE', 'EXTERNAL']).optional(),
  capacityProviderStrategy: capacityProviderStrategy.optional(),
  /** Tried when the first strategy fails for lack of capacity. */
  fallbackCapacityProviderStrategy: capacityProviderStrategy.optional(),
  networkConfiguration: z
    .strictObject({
      subnets: z.array(z.string().regex(/^subnet-[0-9a-f]+$/)).min(1).max(16),
      securityGroups: z.array(z.string().regex(/^sg-[0-9a-f]+$/)).max(5).default([]),
      assignPublicIp: z.boolean().default(false),
    })
    .optional(),
  overrides: z
    .strictObject({
      cpu: z.string().optional(),
      memory: z.string().optional(),
      containers: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            command: z.array(z.string()).optional(),
            environment: z.record(z.string(), z.string()).optional(),
          }),
        )
        .default([]),
    })
    .optional(),
  /** Roles the runner may pass to RunTask (iam:PassRole is granted for these only). */
  taskRoleArn: iamRoleArn.optional(),
  executionRoleArn: iamRoleArn.optional(),
  tags: z.record(z.string(), z.string()).default({}),
  concurrency: z.enum(['allow', 'forbid', 'replace']).default('forbid'),
  /** A tick delivered later than this after its scheduled time is not run but reported as missed (`90s`, `10m`, …). */
  startingDeadlineSeconds: durationSeconds.pipe(z.number().int().min(1).max(86400)).optional(),
  /** Runs longer than this are stopped by the reconcile pass (every minute) and reported. */
  timeoutSeconds: durationSeconds.pipe(z.number().int().min(60, 'timeoutSeconds must be at least 60 (the reconcile pass runs every minute)').max(14 * 86400)).optional(),
  retries: z
    .strictObject({
      attempts: z.number().int().min(0).max(10).default(0),
      /** Wait before the first retry; doubled for each further one, up to maxBackoffSeconds. */
      backoffSeconds: durationSeconds.pipe(z.number().int().min(1).max(1800)).default(60),
      /** Retried failed runs are found among ECS's stopped tasks, which ECS keeps for about an hour: at most 30m. */
      maxBackoffSeconds: durationSeconds.pipe(z.number().int().min(1).max(1800)).default(600),
      /**
       * Which failures are retried: `capacity` (RunTask failures[] for lack of capacity, after the fallback strategy),
       * `nonZeroExit` (an essential container exited non-zero; only `exitCodes` if given), `failedToStart`
       * (TaskFailedToStart, e.g. an image pull error), `timeout` (stopped past timeoutSeconds).
       */
      on: z.array(z.enum(['capacity', 'nonZeroExit', 'failedToStart', 'timeout'])).default(['capacity']),
      exitCodes: z.array(z.number().int().min(1).max(255)).min(1).optional(),
    })
    .default({ attempts: 0, backoffSeconds: 60, maxBackoffSeconds: 600, on: ['capacity'] }),
  suspend: z.boolean().default(false),
  notify: z
    .strictObject({
      onFailure: z.boolean().default(true),
      onSuccess: z.boolean().default(false),
      /** Only these channels (by name); default: every channel whose severities and clusters take the notification. */
      channels: z.array(channelName).min(1).optional(),
    })
    .default({ onFailure: true, onSuccess: false }),
});

const SummarySchema = z.strictObject({
  digest: z
    .strictObject({
      schedule: scheduleExpression.default('cron(0 8 * * ? *)'),
      timezone: timeZone.default('UTC'),
      /** What to post when nothing scaled in the window. */
      emptyWindow: z.enum(['skip', 'post']).default('skip'),
      /** Clusters digested (all configured clusters when omitted): one digest per cluster. */
      clusters: z.array(clusterName).min(1).optional(),
      /** Channels the digest goes to, by name (when omitted: every channel that takes `info` for the cluster). */
      channels: z.array(channelName).min(1).optional(),
      /** Services with at most this many changes and no deployment, blocked attempt or problem fold into one line. */
      quietChanges: z.number().int().min(0).max(100).default(0),
    })
    .optional(),
});

/** CloudWatch alarms in the stack (lib/deploy/alarms.ts); see docs/operations.md. */
const AlarmsSchema = z.strictObject({
  /** SNS topic the alarms notify (ALARM and OK); without it the alarms only change state. */
  topicArn: snsTopicArn.optional(),
  /** How long a reconcile pass (every minute) may not complete before its alarm fires: 3 to 60 minutes. */
  reconcileStalledAfter: durationSeconds
    .default(600)
    .refine((s) => s >= 180 && s <= 3600 && s % 60 === 0, 'reconcileStalledAfter is whole minutes from 3m to 60m (the pass runs every minute)'),
});

const ConfigObjectSchema = z.strictObject({
  version: z.literal(1),
  clusters: z.array(ClusterSchema).min(1),
  notifications: NotificationsSchema,
  alerts: AlertsSchema.default({ dedupeWindow: 900, ignore: [], severity: {} }),
  drain: DrainSchema.default({
    deadline: 3600,
    standaloneTasks: 'wait',
    spotInterruption: true,
    rebalanceRecommendation: 'ignore',
    notifyStart: false,
  }),
  placement: PlacementSchema.default({ dryRun: true, auditEvery: 900, policies: [], minTaskAge: 600, maxStopsPerCluster: 2, cooldown: 600 }),
  schedules: z.array(ScheduleSchema).default([]),
  summary: SummarySchema.default({}),
  alarms: AlarmsSchema.default({ reconcileStalledAfter: 600 }),
});

/** Why a `select.services` item is invalid: a `/regex/` that does not compile (undefined when valid). */
export function serviceSelectorProblem(selector: string): string | undefined {
  if (!(selector.length >= 2 && selector.startsWith('/') && selector.endsWith('/'))) return undefined;
  try {
    new RegExp(selector.slice(1, -1), 'u');
    return undefined;
  } catch (error) {
    return `invalid regular expression ${selector}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Why an `instanceMatch` expression is invalid, with the position in the expression (undefined when valid). */
export function instanceMatchProblem(expression: string): string | undefined {
  try {
    compileQuery(expression);
    return undefined;
  } catch (error) {
    if (error instanceof QuerySyntaxError) return `invalid cluster query expression, ${error.message}\n${error.excerpt()}`;
    return `invalid cluster query expression: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function duplicates(values: string[]): Set<string> {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return dup;
}

/** Cross-references the per-field schemas cannot see: unique names and references to declared clusters. */
export const ConfigSchema = ConfigObjectSchema.superRefine((config, ctx) => {
  const clusterNames = new Set(config.clusters.map((c) => c.name));
  const unique = (items: { name: string }[], path: (string | number)[], what: string): void => {
    const dup = duplicates(items.map((i) => i.name));
    items.forEach((item, index) => {
      if (dup.has(item.name)) ctx.addIssue({ code: 'custom', path: [...path, index, 'name'], message: `duplicate ${what} name "${item.name}"` });
    });
  };
  const knownCluster = (name: string, path: (string | number)[]): void => {
    if (!clusterNames.has(name)) ctx.addIssue({ code: 'custom', path, message: `cluster "${name}" is not declared under clusters` });
  };

  unique(config.clusters, ['clusters'], 'cluster');
  unique(config.notifications.channels, ['notifications', 'channels'], 'channel');
  unique(config.schedules, ['schedules'], 'schedule');
  unique(config.placement.policies, ['placement', 'policies'], 'policy');

  const asgOwners = new Map<string, string>();
  config.clusters.forEach((cluster, ci) => {
    cluster.asgs.forEach((asg, ai) => {
      const owner = asgOwners.get(asg.name);
      if (owner !== undefined) ctx.addIssue({ code: 'custom', path: ['clusters', ci, 'asgs', ai, 'name'], message: `ASG "${asg.name}" is already listed under cluster "${owner}"` });
      asgOwners.set(asg.name, cluster.name);
    });
  });
  config.notifications.channels.forEach((channel, i) => {
    channel.clusters?.forEach((name, j) => { knownCluster(name, ['notifications', 'channels', i, 'clusters', j]); });
  });
  config.schedules.forEach((schedule, i) => {
    knownCluster(schedule.cluster, ['schedules', i, 'cluster']);
    if (schedule.launchType && schedule.capacityProviderStrategy) {
      ctx.addIssue({ code: 'custom', path: ['schedules', i, 'capacityProviderStrategy'], message: 'launchType and capacityProviderStrategy cannot both be set (RunTask refuses it)' });
    }
    scheduleChecks(schedule, ['schedules', i], config.notifications.channels.map((c) => c.name), ctx);
  });
  config.placement.policies.forEach((policy, i) => {
    policy.select.clusters?.forEach((name, j) => { knownCluster(name, ['placement', 'policies', i, 'select', 'clusters', j]); });
    policy.select.services?.forEach((selector, j) => {
      const problem = serviceSelectorProblem(selector);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['placement', 'policies', i, 'select', 'services', j], message: problem });
    });
    const expression = policy.rules.instanceMatch;
    if (expression !== undefined) {
      const problem = instanceMatchProblem(expression);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['placement', 'policies', i, 'rules', 'instanceMatch'], message: problem });
    }
  });
  const digest = config.summary.digest;
  digest?.clusters?.forEach((name, i) => { knownCluster(name, ['summary', 'digest', 'clusters', i]); });
  const channelNames = new Set(config.notifications.channels.map((c) => c.name));
  digest?.channels?.forEach((name, i) => {
    if (!channelNames.has(name)) ctx.addIssue({ code: 'custom', path: ['summary', 'digest', 'channels', i], message: `channel "${name}" is not declared under notifications.channels` });
  });
});

/** Checks of one schedule beyond its fields' own schemas (lib/config/schema.ts `ConfigSchema`). */
function scheduleChecks(schedule: z.output<typeof ScheduleSchema>, path: (string | number)[], channels: string[], ctx: z.RefinementCtx): void {
  const issue = (where: (string | number)[], message: string): void => {
    ctx.addIssue({ code: 'custom', path: [...path, ...where], message });
  };
  schedule.notify.channels?.forEach((name, j) => {
    if (!channels.includes(name)) issue(['notify', 'channels', j], `channel "${name}" is not declared under notifications.channels`);
  });
  if (schedule.retries.exitCodes !== undefined && !schedule.retries.on.includes('nonZeroExit')) {
    issue(['retries', 'exitCodes'], 'exitCodes only apply with nonZeroExit in retries.on');
  }
  if (schedule.retries.maxBackoffSeconds < schedule.retries.backoffSeconds) issue(['retries', 'maxBackoffSeconds'], 'maxBackoffSeconds is below backoffSeconds');
  if (schedule.launchType === 'FARGATE' && schedule.networkConfiguration === undefined) {
    issue(['networkConfiguration'], 'Fargate tasks use awsvpc networking: give networkConfiguration (subnets, securityGroups)');
  }
  const fargate = schedule.launchType === 'FARGATE' || [...(schedule.capacityProviderStrategy ?? [])].some((s) => s.capacityProvider.startsWith('FARGATE'));
  const cpu = schedule.overrides?.cpu;
  const memory = schedule.overrides?.memory;
  if (fargate && cpu !== undefined && memory !== undefined) {
    const why = fargateSizeProblem(cpu, memory);
    if (why !== undefined) issue(['overrides', 'memory'], why);
  }
}

/** Fargate's valid task sizes (CPU units → memory MiB), for task-level overrides. */
const FARGATE_SIZES: Record<string, { min: number; max: number; step: number }> = {
  '256': { min: 512, max: 2048, step: 512 },
  '512': { min: 1024, max: 4096, step: 1024 },
  '1024': { min: 2048, max: 8192, step: 1024 },
  '2048': { min: 4096, max: 16384, step: 1024 },
  '4096': { min: 8192, max: 30720, step: 1024 },
  '8192': { min: 16384, max: 61440, step: 4096 },
  '16384': { min: 32768, max: 122880, step: 8192 },
};

/** Why Fargate would refuse a task size, or undefined. cpu in units (`1024`) or vCPU (`1 vCPU`); memory MiB or `2 GB`. */
export function fargateSizeProblem(cpuText: string, memoryText: string): string | undefined {
  const vcpu = /^\s*(\d+(?:\.\d+)?)\s*vcpu\s*$/i.exec(cpuText);
  const cpu = vcpu ? String(Math.round(Number(vcpu[1]) * 1024)) : cpuText.trim();
  const gb = /^\s*(\d+(?:\.\d+)?)\s*gb\s*$/i.exec(memoryText);
  const memory = gb ? Math.round(Number(gb[1]) * 1024) : Number(memoryText.trim());
  const size = FARGATE_SIZES[cpu];
  if (size === undefined) return `Fargate task CPU must be one of ${Object.keys(FARGATE_SIZES).join(', ')} units, not "${cpuText}"`;
  // 256 units: 512 MiB, 1 GB or 2 GB; the others: min to max in steps.
  const valid = cpu === '256' ? [512, 1024, 2048].includes(memory) : memory >= size.min && memory <= size.max && (memory - size.min) % size.step === 0;
  if (!Number.isFinite(memory) || !valid) {
    return `Fargate with ${cpu} CPU units takes ${size.min}-${size.max} MiB of memory in steps of ${size.step}, not "${memoryText}"`;
  }
  return undefined;
}

export type EcsOpsConfig = z.output<typeof ConfigSchema>;
export type ScheduleConfig = z.output<typeof ScheduleSchema>;
export type EcsOpsConfigInput = z.input<typeof ConfigSchema>;
export type Channel = z.output<typeof ChannelSchema>;
export type SlackChannel = Extract<Channel, { type: 'slack' }>;
export type SnsChannel = Extract<Channel, { type: 'sns' }>;
