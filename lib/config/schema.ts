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
  name: asgName.describe('Name of an EC2 Auto Scaling group providing container instances to this cluster (an ASG belongs to one cluster only).'),
  /** The terminate lifecycle hook ecs-ops owns on this ASG; other hooks are never completed by ecs-ops. */
  lifecycleHook: lifecycleHookName.default('ecs-ops-drain').describe('Name of the terminate lifecycle hook ecs-ops completes once the instance has no tasks left. ecs-ops never completes hooks it does not own.'),
  /** Drain container instances of this ASG before they terminate. */
  drain: z.boolean().default(true).describe('Drain container instances of this ASG before they terminate (false: only alert on this ASG).'),
});

const ClusterSchema = z.strictObject({
  name: clusterName.describe('Name of the ECS cluster.'),
  asgs: z.array(AsgSchema).default([]).describe('The EC2 Auto Scaling groups of this cluster whose instances ecs-ops drains and alerts on (none for Fargate-only clusters).'),
});

const channelCommon = {
  name: channelName.describe('Name of the channel, used by schedules\' and the digest\'s `channels` to pick it.'),
  /** Which severities this channel receives. */
  severities: z.array(severity).min(1).default([...SEVERITIES]).describe('The severities this channel receives (info, warning, critical; all by default).'),
  /** Only notifications about these clusters (all clusters when omitted). */
  clusters: z.array(clusterName).optional().describe('Only notifications about these clusters (all clusters when omitted).'),
};

const SlackChannelSchema = z.strictObject({
  ...channelCommon,
  type: z.literal('slack').describe('`slack`: post to a Slack incoming webhook.'),
  /** SSM SecureString parameter holding the incoming-webhook URL. The URL itself never goes in this file. */
  webhookParameter: ssmParameterName.describe('Name of the SSM SecureString parameter holding the Slack incoming-webhook URL (the URL itself never goes in this file).'),
  /** Customer-managed KMS key of that parameter, if it is not encrypted with the AWS-managed aws/ssm key. */
  kmsKeyArn: kmsKeyArn.optional().describe('ARN of the customer-managed KMS key of the webhook parameter, when it is not encrypted with the AWS-managed aws/ssm key.'),
});

const SnsChannelSchema = z.strictObject({
  ...channelCommon,
  type: z.literal('sns').describe('`sns`: publish to an SNS topic (message attributes kind, severity, cluster for subscription filters).'),
  topicArn: snsTopicArn.describe('ARN of the SNS topic notifications are published to.'),
  /** Customer-managed KMS key of the topic, if it is encrypted with one (publishing then needs that key). */
  kmsKeyArn: kmsKeyArn.optional().describe('ARN of the customer-managed KMS key of the topic, when it is encrypted with one (publishing then needs that key).'),
});

export const ChannelSchema = z.discriminatedUnion('type', [SlackChannelSchema, SnsChannelSchema]);

const NotificationsSchema = z.strictObject({
  channels: z.array(ChannelSchema).min(1).describe('Where notifications go: Slack webhooks and SNS topics (at least one).'),
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
  // ECS's managed draining passed drain.deadline with tasks still on the instance (lib/drain decide rule 14).
  'drain-overdue',
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
  // Fargate Spot interruptions of a service's tasks (lib/summary/fargate-spot.ts): one per service per dedupe window.
  'fargate-spot-interruption',
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
  dedupeWindow: durationSeconds.pipe(z.number().int().min(60).max(7 * 86400)).default(900).describe('The same alert (same kind, cluster, service or ASG and reason) is posted once per this window.'),
  /** Alert kinds never posted. */
  ignore: z.array(z.enum(ALERT_KINDS)).default([]).describe('Alert kinds never posted.'),
  /** Per-kind severity overrides. */
  severity: z.partialRecord(z.enum(ALERT_KINDS), severity).default({}).describe('Per-kind severity overrides (kind: info, warning or critical), which decide the channels that receive it.'),
});

const DrainSchema = z.strictObject({
  /** After this long, the lifecycle action is completed even with tasks still on the instance, and an alert is sent. */
  deadline: durationSeconds.pipe(z.number().int().min(60).max(48 * 3600)).default(3600).describe('After this long, the lifecycle action is completed even with tasks still on the instance, and an alert is sent.'),
  /** Standalone (non-service) tasks: wait for them until the deadline, or stop them once service tasks are gone. */
  standaloneTasks: z.enum(['wait', 'stop']).default('wait').describe('Standalone (non-service) tasks: `wait` for them until the deadline, or `stop` them once the service tasks are gone.'),
  /** Drain at once on an EC2 Spot interruption warning. */
  spotInterruption: z.boolean().default(true).describe('Drain at once on an EC2 Spot interruption warning (two minutes before the instance is reclaimed).'),
  /** What to do on an EC2 rebalance recommendation. */
  rebalanceRecommendation: z.enum(['ignore', 'drain']).default('ignore').describe('What to do on an EC2 rebalance recommendation: `ignore` it or `drain` the instance.'),
  /** Post a message when a drain starts (completions, forced completions and blocked drains are always posted). */
  notifyStart: z.boolean().default(false).describe('Post a message when a drain starts (completions, forced completions and blocked drains are always posted).'),
  /**
   * ASGs ECS drains itself (managed instance draining): `observe` (ecs-ops never drains them, releases its own hook at
   * once and reports blocked and overdue drains) or `complete-at-deadline` (also completes ECS's hook at `deadline`,
   * which goes beyond what AWS documents: see docs/capacity-providers.md).
   */
  managedDraining: z.enum(['observe', 'complete-at-deadline']).default('observe').describe("ASGs ECS drains itself (managed instance draining): `observe` (ecs-ops never drains them, releases its own hook at once and reports blocked and overdue drains) or `complete-at-deadline` (also completes ECS's hook at `deadline`, beyond what AWS documents: see docs/capacity-providers.md)."),
});

const serviceSelector = z.strictObject({
  clusters: z.array(clusterName).optional().describe('Services of these clusters (all configured clusters when omitted).'),
  /** Service names; an item written `/regex/` is a regular expression over the name. */
  services: z.array(z.string().min(1)).optional().describe('Service names; an item written `/regex/` is a regular expression over the name.'),
  /** Services carrying all these tags. */
  tags: z.record(z.string(), z.string()).optional().describe('Services carrying all these tags (key: value).'),
});

const PlacementRulesSchema = z.strictObject({
  azBalance: z
    .strictObject({ maxSkew: z.number().int().min(1).describe('Largest allowed difference between the task counts of two Availability Zones.') })
    .optional().describe('Spread each service\'s tasks evenly across Availability Zones.'),
  /** A cluster query language expression every task's container instance must satisfy. */
  instanceMatch: z.string().min(1).max(2000).optional().describe('A cluster query language expression every task\'s container instance must satisfy (e.g. attribute:ecs.instance-type =~ m7g.*).'),
  spot: z
    .strictObject({
      maxShare: z.number().min(0).max(1).optional().describe('Largest share (0 to 1) of a service\'s tasks that may run on Spot capacity.'),
      minOnDemandTasks: z.number().int().min(0).optional().describe('Smallest number of a service\'s tasks that must run on on-demand capacity.'),
      /** Capacity providers whose tasks count as Spot (FARGATE_SPOT always does). */
      capacityProviders: z.array(z.string().min(1)).default([]).describe('Capacity providers whose tasks count as Spot (FARGATE_SPOT always does).'),
      /** Container instance attribute whose value `spot` marks a Spot instance (e.g. ECS_INSTANCE_ATTRIBUTES={"lifecycle":"spot"}). */
      attribute: z.string().min(1).default('lifecycle').describe('Container instance attribute whose value `spot` marks a Spot instance (e.g. ECS_INSTANCE_ATTRIBUTES={"lifecycle":"spot"}).'),
    })
    .refine((spot) => spot.maxShare !== undefined || spot.minOnDemandTasks !== undefined, 'set maxShare, minOnDemandTasks or both')
    .optional().describe('Limit how much of a service runs on Spot (set maxShare, minOnDemandTasks or both).'),
  maxPerInstance: z.number().int().min(1).optional().describe('Most tasks of one service on one container instance.'),
});

const PlacementPolicySchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).describe('Name of the policy (1-64 letters, digits, "_" or "-"), in reports and notifications.'),
  select: serviceSelector.describe('The services the policy applies to (all conditions must hold).'),
  mode: z.enum(['audit', 'enforce']).default('audit').describe('`audit` reports violations; `enforce` also re-places misplaced tasks one safe step at a time.'),
  rules: PlacementRulesSchema.describe('Where the selected services\' tasks may run.'),
});

const PlacementSchema = z.strictObject({
  /** Global switch: when true, enforce-mode policies plan and report but stop nothing. */
  dryRun: z.boolean().default(true).describe('Global switch: when true, enforce-mode policies plan and report but stop nothing.'),
  auditEvery: durationSeconds.pipe(z.number().int().min(60)).default(900).describe('How often the whole-cluster placement audit runs.'),
  policies: z.array(PlacementPolicySchema).default([]).describe('Placement policies: which services, where their tasks may run, audit or enforce.'),
  /** Tasks younger than this (since they started) are never stopped. */
  minTaskAge: durationSeconds.pipe(z.number().int().min(0)).default(600).describe('Tasks younger than this (since they started) are never stopped.'),
  /** At most this many stops per cluster in one pass (and at most one per service). */
  maxStopsPerCluster: z.number().int().min(1).max(100).default(2).describe('At most this many task stops per cluster in one pass (and at most one per service).'),
  /** After ecs-ops stopped a task of a service, no other stop for that service for this long. */
  cooldown: durationSeconds.pipe(z.number().int().min(0)).default(600).describe('After ecs-ops stopped a task of a service, no other stop for that service for this long.'),
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
      capacityProvider: z.string().min(1).describe('Name of the capacity provider (FARGATE, FARGATE_SPOT or one of the cluster).'),
      weight: z.number().int().min(0).max(1000).default(1).describe('Relative share of the tasks placed with this capacity provider.'),
      base: z.number().int().min(0).max(100000).default(0).describe('Tasks placed with this capacity provider before the weights apply.'),
    }),
  )
  .min(1)
  .max(20);

const ScheduleSchema = z.strictObject({
  // Also the Scheduler schedule's name and part of the tasks' startedBy (`ecs-ops/<name>`), which allows no ".".
  name: z
    .string()
    .regex(/^[0-9A-Za-z_-]{1,64}$/, 'schedule names are 1-64 letters, digits, "_" or "-" (they become the tasks\' startedBy ecs-ops/<name>)').describe('Name of the schedule (1-64 letters, digits, "_" or "-"); its tasks are started by ecs-ops/<name>.'),
  schedule: scheduleExpression.describe('When it runs: an EventBridge Scheduler expression, cron(minutes hours day-of-month month day-of-week year) or rate(N unit).'),
  timezone: timeZone.default('UTC').describe('IANA time zone of the cron expression (e.g. Europe/Paris).'),
  cluster: clusterName.describe('The cluster the task runs in (one of `clusters`).'),
  /** A family (latest ACTIVE revision), `family:revision`, or a task definition ARN. */
  taskDefinition: z.string().min(1).describe('The task definition: a family (latest ACTIVE revision), family:revision, or a task definition ARN.'),
  count: z.number().int().min(1).max(10).default(1).describe('How many copies of the task each run starts (1-10).'),
  launchType: z.enum(['EC2', 'FARGATE', 'EXTERNAL']).optional().describe('Launch type (EC2, FARGATE or EXTERNAL); omit to use a capacity provider strategy or the cluster\'s default.'),
  capacityProviderStrategy: capacityProviderStrategy.optional().describe('Capacity provider strategy of the run (instead of launchType).'),
  /** Tried when the first strategy fails for lack of capacity. */
  fallbackCapacityProviderStrategy: capacityProviderStrategy.optional().describe('Strategy tried when the first fails for lack of capacity.'),
  networkConfiguration: z
    .strictObject({
      subnets: z.array(z.string().regex(/^subnet-[0-9a-f]+$/)).min(1).max(16).describe('Subnet IDs of the task (1-16).'),
      securityGroups: z.array(z.string().regex(/^sg-[0-9a-f]+$/)).max(5).default([]).describe('Security group IDs of the task (up to 5).'),
      assignPublicIp: z.boolean().default(false).describe('Give the task a public IP address.'),
    })
    .optional().describe('The awsvpc network configuration (required for Fargate and awsvpc task definitions).'),
  overrides: z
    .strictObject({
      cpu: z.string().optional().describe('Task-level CPU override, in CPU units (e.g. "512").'),
      memory: z.string().optional().describe('Task-level memory override, in MiB (e.g. "1024").'),
      containers: z
        .array(
          z.strictObject({
            name: z.string().min(1).describe('Name of the container in the task definition.'),
            command: z.array(z.string()).optional().describe('Command replacing the container\'s command.'),
            environment: z.record(z.string(), z.string()).optional().describe('Environment variables added to the container (name: value).'),
          }),
        )
        .default([]).describe('Per-container overrides.'),
    })
    .optional().describe('Overrides of the task definition for each run (RunTask overrides).'),
  /** Roles the runner may pass to RunTask (iam:PassRole is granted for these only). */
  taskRoleArn: iamRoleArn.optional().describe('Task role override (the runner may pass this role only).'),
  executionRoleArn: iamRoleArn.optional().describe('Task execution role override (the runner may pass this role only).'),
  tags: z.record(z.string(), z.string()).default({}).describe('Tags put on the tasks (key: value).'),
  concurrency: z.enum(['allow', 'forbid', 'replace']).default('forbid').describe('When a tick comes while a run is still going: `forbid` skips the tick, `replace` stops the running one, `allow` runs both.'),
  /** A tick delivered later than this after its scheduled time is not run but reported as missed (`90s`, `10m`, …). */
  startingDeadlineSeconds: durationSeconds.pipe(z.number().int().min(1).max(86400)).optional().describe('A tick delivered later than this after its scheduled time is not run but reported as missed.'),
  /** Runs longer than this are stopped by the reconcile pass (every minute) and reported. */
  timeoutSeconds: durationSeconds
    .pipe(z.number().int().min(60, 'timeoutSeconds must be at least 60 (the reconcile pass runs every minute)').max(14 * 86400))
    .optional().describe('Runs longer than this are stopped by the reconcile pass (every minute) and reported.'),
  retries: z
    .strictObject({
      attempts: z.number().int().min(0).max(10).default(0).describe('How many times a failed run is retried (0-10).'),
      /** Wait before the first retry; doubled for each further one, up to maxBackoffSeconds. */
      backoffSeconds: durationSeconds
        .pipe(z.number().int().min(1).max(1800))
        .default(60).describe('Wait before the first retry; doubled for each further one, up to maxBackoffSeconds.'),
      /** Retried failed runs are found among ECS's stopped tasks, which ECS keeps for about an hour: at most 30m. */
      maxBackoffSeconds: durationSeconds
        .pipe(z.number().int().min(1).max(1800))
        .default(600).describe('Longest wait between retries (ECS keeps stopped tasks for about an hour).'),
      /**
       * Which failures are retried: `capacity` (RunTask failures[] for lack of capacity, after the fallback strategy),
       * `nonZeroExit` (an essential container exited non-zero; only `exitCodes` if given), `failedToStart`
       * (TaskFailedToStart, e.g. an image pull error), `timeout` (stopped past timeoutSeconds).
       */
      on: z
        .array(z.enum(['capacity', 'nonZeroExit', 'failedToStart', 'timeout']))
        .default(['capacity']).describe('Which failures are retried: capacity (no capacity, after the fallback strategy), nonZeroExit (an essential container exited non-zero), failedToStart (e.g. an image pull error), timeout.'),
      exitCodes: z.array(z.number().int().min(1).max(255)).min(1).optional().describe('With nonZeroExit: only these exit codes are retried.'),
    })
    .default({ attempts: 0, backoffSeconds: 60, maxBackoffSeconds: 600, on: ['capacity'] }).describe('Retries of failed runs.'),
  suspend: z.boolean().default(false).describe('Keep the schedule but run nothing (its Scheduler schedule is disabled).'),
  notify: z
    .strictObject({
      onFailure: z.boolean().default(true).describe('Notify when a run fails, times out, is missed, skipped or replaced.'),
      onSuccess: z.boolean().default(false).describe('Notify when a run succeeds.'),
      /** Only these channels (by name); default: every channel whose severities and clusters take the notification. */
      channels: z
        .array(channelName)
        .min(1)
        .optional().describe('Only these channels (by name); default: every channel whose severities and clusters take the notification.'),
    })
    .default({ onFailure: true, onSuccess: false }).describe('Which results of this schedule are notified, and where.'),
});

const SummarySchema = z.strictObject({
  digest: z
    .strictObject({
      schedule: scheduleExpression.default('cron(0 8 * * ? *)').describe('When the digest is posted: an EventBridge Scheduler cron or rate expression; it covers the time since the previous one.'),
      timezone: timeZone.default('UTC').describe('IANA time zone of the cron expression.'),
      /** What to post when nothing scaled in the window. */
      emptyWindow: z.enum(['skip', 'post']).default('skip').describe('When nothing scaled in the window: `skip` posting or `post` a short "nothing scaled" message.'),
      /** Clusters digested (all configured clusters when omitted): one digest per cluster. */
      clusters: z.array(clusterName).min(1).optional().describe('Clusters digested (all configured clusters when omitted): one digest per cluster.'),
      /** Channels the digest goes to, by name (when omitted: every channel that takes `info` for the cluster). */
      channels: z.array(channelName).min(1).optional().describe('Channels the digest goes to, by name (when omitted: every channel that takes info for the cluster).'),
      /** Services with at most this many changes and no deployment, blocked attempt or problem fold into one line. */
      quietChanges: z.number().int().min(0).max(100).default(0).describe('Services with at most this many changes and no deployment, blocked attempt or problem fold into one line.'),
    })
    .optional().describe('A periodic scaling digest per cluster: what scaled, when and why.'),
});

/** CloudWatch alarms in the stack (lib/deploy/alarms.ts); see docs/operations.md. */
const AlarmsSchema = z.strictObject({
  /** SNS topic the alarms notify (ALARM and OK); without it the alarms only change state. */
  topicArn: snsTopicArn.optional().describe('SNS topic the alarms notify (ALARM and OK); without it the alarms only change state.'),
  /** How long a reconcile pass (every minute) may not complete before its alarm fires: 3 to 60 minutes. */
  reconcileStalledAfter: durationSeconds
    .default(600)
    .refine((s) => s >= 180 && s <= 3600 && s % 60 === 0, 'reconcileStalledAfter is whole minutes from 3m to 60m (the pass runs every minute)')
    .describe('How long a reconcile pass (every minute) may not complete before its alarm fires: whole minutes from 3m to 60m.'),
});

const ConfigObjectSchema = z.strictObject({
  version: z.literal(1).describe('Format of this file. Always 1 for now; a future incompatible format will bump it.'),
  // Where the clusters are: npm run package/deploy use it before AWS_REGION or the profile's region (lib/deploy/region.ts).
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'expected an AWS region code such as eu-west-1')
    .optional()
    .describe('The AWS region of the configured clusters, where ecs-ops is deployed (e.g. eu-west-1). Optional: without it, `npm run deploy` takes --region, AWS_REGION, AWS_DEFAULT_REGION or the AWS profile\'s region; with it, a different --region is refused.'),
  clusters: z.array(ClusterSchema).min(1).describe('The ECS clusters ecs-ops looks after (at least one); other sections may refer only to these.'),
  notifications: NotificationsSchema.describe('Where notifications go.'),
  alerts: AlertsSchema.default({ dedupeWindow: 900, ignore: [], severity: {} }).describe('Real-time alerts on ECS service actions, failed deployments and failed ASG activities.'),
  drain: DrainSchema.default({
    deadline: 3600,
    standaloneTasks: 'wait',
    spotInterruption: true,
    rebalanceRecommendation: 'ignore',
    notifyStart: false,
    managedDraining: 'observe',
  }).describe('Auto-drain: container instances are drained before their EC2 instance terminates.'),
  placement: PlacementSchema.default({ dryRun: true, auditEvery: 900, policies: [], minTaskAge: 600, maxStopsPerCluster: 2, cooldown: 600 }).describe('Placement policies: where services\' tasks may run, audited and optionally enforced.'),
  schedules: z.array(ScheduleSchema).default([]).describe('Scheduled ECS tasks with guardrails (concurrency, capacity fallback, retries, deadlines, timeouts).'),
  summary: SummarySchema.default({}).describe('Summaries of scaling activity.'),
  alarms: AlarmsSchema.default({ reconcileStalledAfter: 600 }).describe('CloudWatch alarms in the stack: failure queue, function errors, stalled reconcile passes (see docs/operations.md).'),
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
