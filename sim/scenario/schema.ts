/**
 * The scenario file (`sim/scenarios/*.yml`): the fleet the world starts with, the ecs-ops config to package and run,
 * faults, a timeline of actions on the virtual clock, and the expectations checked at the end. Documented with an
 * example per action and per expectation in sim/scenarios/README.md.
 *
 * Every object is strict (a typo is an error, with a "did you mean"); cross-references (ASG, cluster, service and task
 * definition names, Availability Zones, time order) are checked here too, so that every mistake is reported as
 * file:line:column by the generic YAML loader (lib/config/load.ts `parseYamlWithSchema`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { ConfigSchema, asgName, clusterName } from '../../lib/config/schema.js';
import { validateFaults } from '../server/faults.js';
import { INSTANCE_TYPE_NAMES } from './build-world.js';
import { REPO_ROOT } from './package.js';
import { parseDurationMs, parseIsoMs } from './time.js';

export const DEFAULT_START = '2026-01-01T08:00:00Z';
export const DEFAULT_REGION = 'us-east-1';
/** Where `emit: { fixture: NAME }` finds `NAME.json`. */
export const FIXTURE_EVENTS_DIR = join(REPO_ROOT, 'test', 'fixtures', 'events');

// ---------------------------------------------------------------------------------------------------------------------
// Building blocks

/** A duration (`90s`, `5m`, `1h30m`, `500ms`, or a number of seconds) → milliseconds. */
export const duration = z.union([z.number().nonnegative(), z.string()]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? Math.round(value * 1000) : parseDurationMs(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `invalid duration "${String(value)}": write e.g. 90s, 5m, 1h30m, 500ms or a number of seconds` });
    return z.NEVER;
  }
  return ms;
});

/** A point in time: an offset from the start (a duration) or an ISO 8601 time with a zone. */
export type TimeRef = { offsetMs: number } | { isoMs: number };

const timeRef = z.union([z.number().nonnegative(), z.string()]).transform((value, ctx): TimeRef => {
  if (typeof value === 'number') return { offsetMs: Math.round(value * 1000) };
  const offset = parseDurationMs(value);
  if (offset !== undefined) return { offsetMs: offset };
  const iso = parseIsoMs(value);
  if (iso !== undefined) return { isoMs: iso };
  ctx.addIssue({
    code: 'custom',
    message: `invalid time "${value}": write an offset from the start (90s, 5m, 1h30m, or seconds) or an ISO time like 2026-01-01T08:05:00Z`,
  });
  return z.NEVER;
});

const isoTime = z.string().refine((value) => parseIsoMs(value) !== undefined, 'expected an ISO 8601 time with a zone, like 2026-01-01T08:00:00Z');
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected a region like us-east-1');
const availabilityZone = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, 'expected an Availability Zone like us-east-1a');
const family = z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'task definition families are 1-255 letters, digits, "_" or "-"');
const serviceName = z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'service names are 1-255 letters, digits, "_" or "-"');
/** `family` (latest revision registered) or `family:revision`. */
const taskDefinitionRef = z.string().regex(/^[A-Za-z0-9_-]{1,255}(:\d+)?$/, 'expected a task definition family or family:revision, e.g. web or web:2');
/** An instance of an ASG: its index in launch order among the instances not terminated (0 = oldest), or its id. */
const instanceRef = z.union([z.number().int().nonnegative(), z.string().regex(/^i-[0-9a-f]{8,17}$/, 'expected an instance index (0, 1, …) or an id like i-0abc…')]);
const count = z.number().int().nonnegative();

// ---------------------------------------------------------------------------------------------------------------------
// Fleet

/** ContainerDefinition.stopTimeout: SIGTERM → SIGKILL (default: the agent's 30 s); whole seconds up to 120 s. */
const stopTimeout = duration.pipe(
  z
    .number()
    .min(1000, 'stopTimeout must be at least 1s')
    .max(120_000, 'stopTimeout must be at most 120s')
    .refine((ms) => ms % 1000 === 0, 'stopTimeout is whole seconds'),
);

const ContainerSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'container names are 1-255 letters, digits, "_" or "-"'),
  image: z.string().min(1).optional(),
  /** CPU units (1024 = one vCPU). */
  cpu: count.optional(),
  /** Hard memory limit, MiB. */
  memory: z.number().int().positive().optional(),
  /** Soft memory limit, MiB. */
  memoryReservation: z.number().int().positive().optional(),
  essential: z.boolean().optional(),
  portMappings: z
    .array(z.strictObject({ containerPort: z.number().int().min(1).max(65535), hostPort: z.number().int().min(0).max(65535).optional(), protocol: z.enum(['tcp', 'udp']).optional() }))
    .optional(),
  stopTimeout: stopTimeout.optional(),
});

const TaskSimulationSchema = z.strictObject({
  /** PROVISIONING → RUNNING (default 10s). */
  startDelay: duration.optional(),
  /** Stop requested → STOPPED (default 5s). */
  stopDelay: duration.optional(),
  /** Tasks exit on their own this long after RUNNING (default: they run until stopped). */
  runFor: duration.optional(),
  /** Exit code of the essential container (default 0). */
  exitCode: z.number().int().optional(),
  /** Tasks never start: they stop with TaskFailedToStart and this reason (e.g. CannotPullContainerError: …). */
  failToStart: z.string().min(1).optional(),
  /** The containers ignore SIGTERM: a stop takes each container's stopTimeout, then SIGKILL (exit code 137). */
  ignoreSigterm: z.boolean().optional(),
});

const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'expected an IAM role ARN, e.g. arn:aws:iam::123456789012:role/ecs-task-execution');

const TaskDefinitionSchema = z.strictObject({
  family,
  /** With `containers`: task-level CPU units; without: the CPU of the one container `family` runs. */
  cpu: count.optional(),
  /** With `containers`: task-level memory (MiB); without: the one container's memory. */
  memory: z.number().int().positive().optional(),
  networkMode: z.enum(['bridge', 'host', 'awsvpc', 'none']).optional(),
  requiresCompatibilities: z.array(z.enum(['EC2', 'FARGATE', 'EXTERNAL'])).optional(),
  /** Default: one container named after the family, with `cpu` and `memory`. */
  containers: z.array(ContainerSchema).min(1).optional(),
  placementConstraints: z.array(z.strictObject({ type: z.literal('memberOf'), expression: z.string().min(1) })).optional(),
  /** The IAM roles RunTask passes to ECS for this task definition (iam:PassRole is authorized for each). */
  taskRoleArn: roleArn.optional(),
  executionRoleArn: roleArn.optional(),
  /** Without `containers`: the stopTimeout of the one container (with them, set it per container). */
  stopTimeout: stopTimeout.optional(),
  simulation: TaskSimulationSchema.optional(),
});

const LifecycleHookSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9\-_/]{1,255}$/, 'lifecycle hook names are 1-255 letters, digits, "-", "_" or "/"'),
  /** `terminating` (autoscaling:EC2_INSTANCE_TERMINATING) or `launching`. */
  transition: z.enum(['terminating', 'launching', 'autoscaling:EC2_INSTANCE_TERMINATING', 'autoscaling:EC2_INSTANCE_LAUNCHING']),
  /** Default 1h; between 30s and 2h. */
  heartbeatTimeout: duration.pipe(z.number().min(30_000, 'heartbeatTimeout must be at least 30s').max(7_200_000, 'heartbeatTimeout must be at most 2h')).optional(),
  defaultResult: z.enum(['CONTINUE', 'ABANDON']).optional(),
});

const toggle = z.enum(['ENABLED', 'DISABLED']);
const capacityProviderName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,255}$/, 'capacity provider names are 1-255 letters, digits, "_" or "-"')
  .refine((name) => !/^(aws|ecs|fargate)/i.test(name), 'a capacity provider name cannot start with "aws", "ecs" or "fargate" (CreateCapacityProvider)');

/**
 * An ASG capacity provider with ECS's managed features, as CreateCapacityProvider takes them. Absent settings take
 * AWS's defaults: managed draining ENABLED (ECS adds its terminate hook ecs-managed-draining-termination-hook to the
 * group), managed termination protection and managed scaling DISABLED (a `managedScaling` block is ENABLED unless it
 * says otherwise).
 */
const CapacityProviderSchema = z.strictObject({
  name: capacityProviderName,
  managedScaling: z
    .strictObject({
      status: toggle.default('ENABLED'),
      /** Percent of the group's capacity the tasks should use (1-100, default 100). */
      targetCapacity: z.number().int().min(1).max(100).optional(),
      minimumScalingStepSize: z.number().int().min(1).max(10000).optional(),
      maximumScalingStepSize: z.number().int().min(1).max(10000).optional(),
      /** Default 300s; 0-10000 s. */
      instanceWarmupPeriod: duration.pipe(z.number().max(10_000_000, 'instanceWarmupPeriod must be at most 10000s')).optional(),
    })
    .optional(),
  /** ECS protects instances running non-daemon tasks from scale-in (needs managedScaling and protectFromScaleIn: true). */
  managedTerminationProtection: toggle.optional(),
  /** ECS drains instances the group terminates, through its own hook (default ENABLED, like AWS). */
  managedDraining: toggle.optional(),
});

const AsgSchema = z.strictObject({
  name: asgName,
  instanceType: z.string().min(1),
  availabilityZones: z.array(availabilityZone).min(1),
  minSize: count.default(0),
  /** Default: the larger of desiredCapacity and 10. */
  maxSize: count.optional(),
  desiredCapacity: count,
  spot: z.boolean().default(false),
  /** An ASG capacity provider of the cluster with every ECS-managed feature DISABLED (see `capacityProvider`). */
  capacityProviderName: z.string().regex(/^[A-Za-z0-9_.-]{1,255}$/).optional(),
  /** An ASG capacity provider of the cluster with ECS's managed scaling, termination protection and draining (not with capacityProviderName). */
  capacityProvider: CapacityProviderSchema.optional(),
  /** Launch requested → EC2 running (default 60s). */
  launchDelay: duration.optional(),
  /** EC2 running → registered with ECS (default 30s). */
  registrationDelay: duration.optional(),
  /** Terminating:Proceed → Terminated (default 5s). */
  terminationDelay: duration.optional(),
  lifecycleHooks: z.array(LifecycleHookSchema).default([]),
  /** ECS_ENABLE_SPOT_INSTANCE_DRAINING on the instances (the ECS agent drains on a Spot interruption warning). */
  spotInstanceDraining: z.boolean().optional(),
  /** Custom ECS attributes of the container instances (ECS_INSTANCE_ATTRIBUTES), e.g. { lifecycle: spot }. */
  attributes: z.record(z.string(), z.string()).optional(),
  /** NewInstancesProtectedFromScaleIn: every instance launched is protected from scale-in (SetInstanceProtection changes it). */
  protectFromScaleIn: z.boolean().optional(),
  /** A warm pool (PutWarmPool), ready (Warmed:<poolState>) at the start. */
  warmPool: z
    .strictObject({
      minSize: count.default(0),
      /** Default: the group's maxSize (the pool holds maxSize − desired, at least minSize). */
      maxGroupPreparedCapacity: count.optional(),
      poolState: z.enum(['Stopped', 'Running', 'Hibernated']).default('Stopped'),
      /** InstanceReusePolicy.ReuseOnScaleIn: scale-in returns instances to the pool (through Warmed:Pending:Wait). */
      reuseOnScaleIn: z.boolean().default(false),
    })
    .optional(),
});

const ServiceSchema = z.strictObject({
  name: serviceName,
  taskDefinition: taskDefinitionRef,
  /** Tasks wanted (REPLICA); not allowed for DAEMON. */
  desiredCount: count.optional(),
  schedulingStrategy: z.enum(['REPLICA', 'DAEMON']).default('REPLICA'),
  launchType: z.enum(['EC2', 'FARGATE']).optional(),
  capacityProviderStrategy: z.array(z.strictObject({ capacityProvider: z.string().min(1), weight: count.optional(), base: count.optional() })).min(1).optional(),
  placementStrategy: z
    .array(z.strictObject({ type: z.enum(['spread', 'binpack', 'random']), field: z.string().min(1).optional() }))
    .optional(),
  placementConstraints: z.array(z.strictObject({ type: z.enum(['memberOf', 'distinctInstance']), expression: z.string().min(1).optional() })).optional(),
  deploymentConfiguration: z
    .strictObject({
      minimumHealthyPercent: z.number().int().min(0).max(100).optional(),
      maximumPercent: z.number().int().min(100).optional(),
      deploymentCircuitBreaker: z.strictObject({ enable: z.boolean(), rollback: z.boolean() }).optional(),
    })
    .optional(),
  /** awsvpc tasks: subnets (any ids; ones the world does not know are spread over the cluster's AZs). */
  networkConfiguration: z
    .strictObject({ subnets: z.array(z.string().min(1)).min(1), securityGroups: z.array(z.string().min(1)).optional(), assignPublicIp: z.boolean().optional() })
    .optional(),
  /** An Application Auto Scaling scalable target: `setDesiredCount` is clamped to it. */
  scalableTarget: z.strictObject({ minCapacity: count, maxCapacity: count }).optional(),
  /** ECS's own Availability Zone rebalancing setting, as DescribeServices reports it (the world does not rebalance). */
  availabilityZoneRebalancing: z.enum(['ENABLED', 'DISABLED']).optional(),
});

const StrategyItemSchema = z.strictObject({ capacityProvider: z.string().min(1), weight: z.number().int().min(0).max(1000).optional(), base: z.number().int().min(0).max(100000).optional() });

const ClusterSchema = z.strictObject({
  name: clusterName,
  /** Fargate capacity providers associated with the cluster besides its ASGs' providers (PutClusterCapacityProviders). */
  capacityProviders: z.array(z.enum(['FARGATE', 'FARGATE_SPOT'])).optional(),
  /** The cluster's default capacity provider strategy (services and RunTask without a launch type or strategy use it). */
  defaultCapacityProviderStrategy: z.array(StrategyItemSchema).min(1).max(20).optional(),
  asgs: z.array(AsgSchema).default([]),
  services: z.array(ServiceSchema).default([]),
});

const FleetSchema = z.strictObject({
  /** Registered in this order: listing a family twice registers revisions 1 and 2. */
  taskDefinitions: z.array(TaskDefinitionSchema).default([]),
  clusters: z.array(ClusterSchema).min(1),
});

// ---------------------------------------------------------------------------------------------------------------------
// Faults

const FaultRuleSchema = z.strictObject({
  throttleRate: z.number().min(0).max(1).optional(),
  throttleCode: z.string().min(1).optional(),
  serverErrorRate: z.number().min(0).max(1).optional(),
  serverErrorStatus: z.union([z.literal(500), z.literal(503)]).optional(),
  latencyMs: z.union([z.number().nonnegative(), z.tuple([z.number().nonnegative(), z.number().nonnegative()])]).optional(),
});

/** Keys `*`, `<service>:*` or `<service>:<Operation>` (as sim/server's FaultConfig). */
const ApiFaultsSchema = z.record(z.string(), FaultRuleSchema).superRefine((faults, ctx) => {
  try {
    validateFaults(faults);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

const EventFaultsSchema = z.strictObject({
  /** Probability that a delivery is made twice. */
  duplicateRate: z.number().min(0).max(1).optional(),
  /** Probability that a delivery never happens. */
  dropRate: z.number().min(0).max(1).optional(),
  /** Each delivery is delayed by a random 0 to this much, so events can overtake each other. */
  reorderWindow: duration.optional(),
  /** Fixed delay added to every delivery. */
  delay: duration.optional(),
});

const FaultsSchema = z.strictObject({
  api: ApiFaultsSchema.optional(),
  events: EventFaultsSchema.optional(),
});

// ---------------------------------------------------------------------------------------------------------------------
// Timeline actions

export const ACTION_SCHEMAS = {
  /** SetDesiredCapacity on an ASG; with `alarm`, as that alarm's scaling policy would (the activities' Cause says so). */
  scaleAsg: z.strictObject({ asg: asgName, desired: count, alarm: z.strictObject({ name: z.string().min(1), policy: z.string().min(1) }).optional() }),
  /** TerminateInstanceInAutoScalingGroup. */
  terminateInstance: z.strictObject({ asg: asgName.optional(), instance: instanceRef, decrement: z.boolean().default(false) }),
  /** EC2 Spot Instance Interruption Warning; the instance is reclaimed 2 minutes later. */
  interruptSpot: z.strictObject({ asg: asgName, count: z.number().int().positive().optional(), instance: instanceRef.optional() }),
  /** EC2 Instance Rebalance Recommendation. */
  rebalanceRecommendation: z.strictObject({ asg: asgName, count: z.number().int().positive().optional(), instance: instanceRef.optional() }),
  /** The service's desired count, as Application Auto Scaling sets it (a scaling activity with this cause). */
  setDesiredCount: z.strictObject({ cluster: clusterName, service: serviceName, desired: count, cause: z.string().min(1).optional() }),
  /** UpdateService with another task definition: a rolling deployment. */
  deploy: z.strictObject({ cluster: clusterName, service: serviceName, taskDefinition: taskDefinitionRef }),
  /** RunTask: standalone tasks; `instance` pins them to one instance of an ASG (memberOf `ec2InstanceId == i-…`). */
  runTask: z.strictObject({
    cluster: clusterName,
    taskDefinition: taskDefinitionRef,
    /** 1-10, as RunTask (default 1). */
    count: z.number().int().min(1).max(10).default(1),
    startedBy: z.string().min(1).max(128).optional(),
    /** Default `family:<family>`. */
    group: z.string().min(1).max(255).optional(),
    /** The ASG instance: `index` among its instances not terminated, in launch order (0 = oldest), or an id `i-0…`. */
    instance: z.strictObject({ asg: asgName, index: instanceRef }).optional(),
  }),
  /** Launches of the ASG in this AZ fail with InsufficientInstanceCapacity while enabled. */
  insufficientCapacity: z.strictObject({ asg: asgName, az: availabilityZone, enabled: z.boolean().default(true) }),
  /** Task scale-in protection (UpdateTaskProtection) on the service's first `count` tasks (or off, `enabled: false`). */
  protectTasks: z.strictObject({
    cluster: clusterName,
    service: serviceName,
    count: z.number().int().min(1).max(10).default(1),
    enabled: z.boolean().default(true),
    /** 1m-48h, whole minutes (default 2h). */
    expiresIn: duration
      .pipe(z.number().min(60_000, 'expiresIn must be at least 1m').max(2880 * 60_000, 'expiresIn must be at most 48h').refine((ms) => ms % 60_000 === 0, 'expiresIn is whole minutes'))
      .optional(),
  }),
  /** SetInstanceProtection (ProtectedFromScaleIn) on those instances of the ASG (default: every instance it has now). */
  setInstanceProtection: z.strictObject({ asg: asgName, instances: z.array(instanceRef).min(1).optional(), protected: z.boolean() }),
  /** The ECS agent on that instance disconnects: its tasks keep running, nothing is placed there, stops wait; `for`: it reconnects that much later. */
  agentDisconnect: z.strictObject({ asg: asgName, instance: instanceRef, for: duration.optional() }),
  /** The ECS agent on that instance reconnects (stops asked meanwhile go ahead). */
  agentReconnect: z.strictObject({ asg: asgName, instance: instanceRef }),
  /** The ECS agent registers that EC2 instance again: a new container instance ARN, the old one INACTIVE. */
  reregisterInstance: z.strictObject({ asg: asgName, instance: instanceRef }),
  /**
   * Fargate Spot reclaims the first `count` RUNNING FARGATE_SPOT tasks of the cluster (of `service`, in `az`, if given):
   * the two-minute warning (task state change, stopCode SpotInterruption, SIGTERM), then the tasks stop.
   */
  interruptFargateSpot: z.strictObject({ cluster: clusterName, service: serviceName.optional(), count: z.number().int().positive().default(1), az: availabilityZone.optional() }),
  /** Fargate (or Fargate Spot) capacity runs out (`available: false`: tasks fail with RESOURCE:FARGATE) or comes back. */
  fargateCapacity: z.strictObject({ provider: z.enum(['FARGATE', 'FARGATE_SPOT']).default('FARGATE'), available: z.boolean() }),
  /**
   * The next world event that a rule matches (of this detail-type, and whose detail has these fields, if given) is
   * never delivered.
   */
  dropNextEvent: z.strictObject({ detailType: z.string().min(1).optional(), detail: z.record(z.string(), z.unknown()).optional() }),
  /** The next world event that a rule matches (same filters as dropNextEvent) is delivered twice (1 s apart). */
  duplicateNextEvent: z.strictObject({ detailType: z.string().min(1).optional(), detail: z.record(z.string(), z.unknown()).optional() }),
  /**
   * The next world event that a rule matches (same filters as dropNextEvent) is delivered `by` late, so events emitted
   * together arrive in another order (EventBridge does not order deliveries: "events might be delivered out of order",
   * EventBridge user guide, event delivery).
   */
  delayNextEvent: z.strictObject({ detailType: z.string().min(1).optional(), detail: z.record(z.string(), z.unknown()).optional(), by: duration }),
  /** The next tick of a schedule (Scheduler schedule or rule name; any when omitted) arrives `by` late. */
  delayNextTick: z.strictObject({ schedule: z.string().min(1).optional(), by: duration }),
  /** The next tick of a schedule (any when omitted) is delivered twice, 1 s apart (the same invocation). */
  duplicateNextTick: z.strictObject({ schedule: z.string().min(1).optional() }),
  /** The Slack sink answers the next `times` posts with this reply (e.g. 429 with Retry-After, 500, 404 no_service). */
  slackRespond: z.strictObject({
    status: z.number().int().min(100).max(599),
    body: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    times: z.number().int().positive().default(1),
  }),
  /** Replaces the API faults (an empty mapping removes them). */
  setApiFaults: ApiFaultsSchema,
  /** Puts a raw event on the bus: `fixture` (test/fixtures/events/NAME.json, deep-merged with `patch`) or `event`. */
  emit: z.strictObject({
    fixture: z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected the name of a file in test/fixtures/events, without .json').optional(),
    event: z.record(z.string(), z.unknown()).optional(),
    patch: z.record(z.string(), z.unknown()).optional(),
  }),
  /** Moves the cursor for the entries without `at` that follow. */
  advance: z.strictObject({ by: duration }),
  /** A line in the report. */
  note: z.union([z.string().min(1), z.strictObject({ text: z.string().min(1) })]),
} as const;

export type ActionName = keyof typeof ACTION_SCHEMAS;
export const ACTION_NAMES = Object.keys(ACTION_SCHEMAS) as ActionName[];

const TimelineEntrySchema = z.strictObject({
  /** Offset from the start or ISO time; default: the previous entry's time (moved by `advance`). */
  at: timeRef.optional(),
  ...Object.fromEntries(Object.entries(ACTION_SCHEMAS).map(([name, schema]) => [name, schema.optional()])),
} as { at: z.ZodOptional<typeof timeRef> } & { [K in ActionName]: z.ZodOptional<(typeof ACTION_SCHEMAS)[K]> });

// ---------------------------------------------------------------------------------------------------------------------
// Expectations

const counted = {
  count: count.optional(),
  min: count.optional(),
  max: count.optional(),
};

export const EXPECTATION_SCHEMAS = {
  /** Notifications received (Slack posts accepted by the sink, SNS publications), filtered. Default: at least one. */
  notification: z.strictObject({
    /** The config's channel name (Slack: the sink name given in notifications.slackParameters). */
    channel: z.string().min(1).optional(),
    via: z.enum(['slack', 'sns']).optional(),
    /** The alert kind (e.g. deployment-failed), from the function's result. */
    kind: z.string().min(1).optional(),
    /** Text the message contains (Slack `text` and blocks, SNS subject and message). */
    contains: z.string().min(1).optional(),
    /** The function that sent it (short name, function name or logical id). */
    function: z.string().min(1).optional(),
    /** About this cluster / ASG: the SNS `cluster` attribute, or the name in the title or text. */
    cluster: clusterName.optional(),
    asg: asgName.optional(),
    ...counted,
  }),
  noTasksKilled: z.literal(true),
  /** Tasks killed because their instance terminated under them. */
  tasksKilled: z.strictObject(counted),
  /** Every terminate lifecycle action was completed by CompleteLifecycleAction (CONTINUE), soon after it was empty. */
  lifecycleActionsCompleted: z.strictObject({
    all: z.literal(true),
    hook: z.string().min(1).optional(),
    asg: asgName.optional(),
    maxHoldAfterEmpty: duration.optional(),
    /** How many terminate lifecycle actions (of that hook) there were. */
    count: count.optional(),
  }),
  /**
   * One drain, one completion, one report: every terminate lifecycle action of the hook (on an instance registered with
   * ECS) got at most `lateCompletions` (default 0) CompleteLifecycleAction calls after it had ended, and no instance was named by more than one delivered
   * drain-started, nor by more than one drain-completed or drain-forced notification, per channel.
   */
  drainsOnce: z.strictObject({ hook: z.string().min(1), lateCompletions: count.optional() }),
  /** Every terminate lifecycle action (of that hook) got `min`-`max` RecordLifecycleActionHeartbeat calls. */
  heartbeats: z.strictObject({ hook: z.string().min(1).optional(), asg: asgName.optional(), min: count.optional(), max: count.optional() }),
  /** No terminate lifecycle action (of that hook) waited longer than `deadline` after it started (nor still waits). */
  noLifecycleActionPastDeadline: z.strictObject({ deadline: duration, hook: z.string().min(1).optional(), asg: asgName.optional() }),
  /**
   * Every instance that got a terminate lifecycle action or a Spot interruption warning (of that trigger) was set to
   * DRAINING within `within` of it, before it terminated. Instances never registered with ECS are left out.
   */
  drainStarted: z.strictObject({ within: duration, trigger: z.enum(['lifecycle-action', 'spot-interruption']).optional() }),
  /**
   * Tasks were killed by an instance termination only where the drain deadline forced it: the instance's lifecycle
   * action was completed by CompleteLifecycleAction with tasks still on it, and a delivered `drain-forced` notification
   * names the instance and lists each of those tasks (by task id).
   */
  tasksKilledOnlyWhenForced: z.literal(true),
  /** The service never fell below ceil(minimumHealthyPercent × desired) running tasks. */
  serviceHealthy: z.strictObject({ cluster: clusterName, service: serviceName }),
  noDeadLetters: z.literal(true),
  /** Invocations of a function (short name like `alerts`, function name or logical id); `errors`: most failed ones. */
  invocations: z.strictObject({ function: z.string().min(1), min: count.optional(), max: count.optional(), errors: count.optional() }),
  /** AWS API calls to `service:Operation` (e.g. `ecs:DescribeTasks`, `sns:Publish`), every attempt counted. */
  apiCalls: z.strictObject({
    operation: z.string().regex(/^[A-Za-z]+:[A-Za-z]+$/, 'expected service:Operation, e.g. ecs:DescribeTasks'),
    /**
     * Only the calls of this function (short name, function name or logical id), about this cluster (ECS `cluster`),
     * ASG (`AutoScalingGroupName(s)`) or lifecycle hook (`LifecycleHookName`). With any of these, the calls counted are
     * those that reached the simulated AWS (an attempt refused by an injected fault is not).
     */
    function: z.string().min(1).optional(),
    cluster: clusterName.optional(),
    asg: asgName.optional(),
    hook: z.string().min(1).optional(),
    min: count.optional(),
    max: count.optional(),
  }),
  /**
   * The tasks the schedule runner started for a schedule (`count`/`min`/`max`), and its invariants: `noOverlap` (no
   * two of its runs running at once, from RUNNING to the stop request), `perTick` (at most that many tasks for one
   * tick and attempt: a repeated tick never starts a second run), `failuresReportedOnce` (every task that did not
   * succeed is named by exactly one delivered notification per channel that names it, and by at least one),
   * `failed` (how many did not succeed).
   */
  scheduledRuns: z.strictObject({
    schedule: z.string().min(1),
    ...counted,
    noOverlap: z.literal(true).optional(),
    perTick: z.number().int().min(1).optional(),
    failuresReportedOnce: z.literal(true).optional(),
    failed: z.strictObject(counted).optional(),
    /** No run stopped for a tick at or before its own (replace), no first attempt started after a later tick's run. */
    tickOrder: z.literal(true).optional(),
    /** Every task started ran on this capacity provider (task `capacityProviderName`), e.g. FARGATE after a FARGATE_SPOT shortage. */
    capacityProvider: z.string().min(1).optional(),
  }),
  /**
   * RUNNING tasks asked to stop (by anyone: the service scheduler, a drain, ecs-ops, an exit), of that cluster/service,
   * whose stop reason contains `reason`, that were protected from scale-in (`protected`) or not, or that a container
   * held until its stopTimeout and SIGKILL (`killedAtStopTimeout`); `minStopTime`: each took at least that long to STOPPED.
   */
  taskStops: z.strictObject({
    cluster: clusterName.optional(),
    service: serviceName.optional(),
    reason: z.string().min(1).optional(),
    protected: z.boolean().optional(),
    killedAtStopTimeout: z.boolean().optional(),
    minStopTime: duration.optional(),
    ...counted,
  }),
  /** Tasks ecs-ops stopped for a placement rule (StopTask reason with the marker), of that service / rule. */
  placementStops: z.strictObject({ service: serviceName.optional(), rule: z.enum(['azBalance', 'instanceMatch', 'spot', 'maxPerInstance']).optional(), ...counted }),
  /** No placement policy violation (of that service) from `by` (a duration from the start) to the end; default: at the end. */
  placementCompliant: z.strictObject({ by: duration.optional(), service: serviceName.optional() }),
  /** The placement policies are still violated at the end (of that service / rule): reported, not fixed. */
  placementViolated: z.strictObject({ service: serviceName.optional(), rule: z.enum(['azBalance', 'instanceMatch', 'spot', 'maxPerInstance']).optional() }),
  /** Every placement stop of ecs-ops: no deployment in progress, not a DAEMON service, RUNNING − 1 ≥ the minimum healthy count. */
  placementStopsSafe: z.literal(true),
  /**
   * The ASG at the end: its desired capacity (`desired`), the highest it reached on the way (`reachedDesired`, checked
   * every simulated minute), how many instances are InService (`inService`) and how many of those are protected from
   * scale-in (`protected`; ECS's managed termination protection or SetInstanceProtection).
   */
  autoScalingGroup: z.strictObject({ asg: asgName, desired: count.optional(), reachedDesired: count.optional(), inService: count.optional(), protected: count.optional() }),
  /** From `after` on, no violation's amount (sampled every simulated minute) ever grows. */
  placementViolationsNeverIncrease: z.strictObject({ after: duration.optional() }),
  /**
   * ECS's own AZ rebalancing of a service (SERVICE_REBALANCING_STARTED events, `count`/`min`/`max`; each one COMPLETED
   * before the end unless `completed: false`), and no placement stop of ecs-ops for that service between STARTED and
   * COMPLETED; `lastingAtLeast`: each one lasted at least that long (so the placement policy ran during it).
   */
  azRebalancing: z.strictObject({ service: serviceName, completed: z.boolean().default(true), lastingAtLeast: duration.optional(), ...counted }),
} as const;

export type ExpectationName = keyof typeof EXPECTATION_SCHEMAS;
export const EXPECTATION_NAMES = Object.keys(EXPECTATION_SCHEMAS) as ExpectationName[];

const ExpectationEntrySchema = z.strictObject(
  Object.fromEntries(Object.entries(EXPECTATION_SCHEMAS).map(([name, schema]) => [name, schema.optional()])) as {
    [K in ExpectationName]: z.ZodOptional<(typeof EXPECTATION_SCHEMAS)[K]>;
  },
);

// ---------------------------------------------------------------------------------------------------------------------
// The scenario

const ScenarioObjectSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
  start: isoTime.default(DEFAULT_START),
  region: region.default(DEFAULT_REGION),
  /** The ecs-ops config, inline. */
  config: ConfigSchema.optional(),
  /** Or a config file, relative to the scenario file. */
  configFile: z.string().min(1).optional(),
  fleet: FleetSchema,
  notifications: z
    .strictObject({
      /** SSM SecureString parameters the world holds, each a Slack sink URL for the channel name given. */
      slackParameters: z.record(z.string().regex(/^(\/[A-Za-z0-9_.-]+)+$|^[A-Za-z0-9_.-]+$/, 'expected an SSM parameter name like /ecs-ops/slack/ops'), z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)).optional(),
    })
    .default({}),
  faults: FaultsSchema.default({}),
  timeline: z.array(TimelineEntrySchema).default([]),
  /** End of the run; default: the last timeline entry + 30m. */
  until: timeRef.optional(),
  expect: z.array(ExpectationEntrySchema).default([]),
});

type Path = (string | number)[];

export const ScenarioSchema = ScenarioObjectSchema.superRefine((scenario, ctx) => {
  const issue = (path: Path, message: string) => {
    ctx.addIssue({ code: 'custom', path, message });
  };

  // Config source.
  if (scenario.config !== undefined && scenario.configFile !== undefined) issue(['configFile'], 'give either config (inline) or configFile, not both');
  if (scenario.config === undefined && scenario.configFile === undefined) issue([], 'missing the ecs-ops config: add `config:` (inline) or `configFile: path`');

  // Fleet: names and references.
  const families = new Map<string, number>();
  for (const td of scenario.fleet.taskDefinitions) families.set(td.family, (families.get(td.family) ?? 0) + 1);
  const knownTaskDefinition = (ref: string, path: Path) => {
    const [name = '', revision] = ref.split(':');
    const revisions = families.get(name);
    if (revisions === undefined) issue(path, `task definition family "${name}" is not declared under fleet.taskDefinitions`);
    else if (revision !== undefined && (Number(revision) < 1 || Number(revision) > revisions)) {
      issue(path, `"${ref}": ${name} has ${revisions} revision${revisions === 1 ? '' : 's'} in fleet.taskDefinitions`);
    }
  };
  scenario.fleet.taskDefinitions.forEach((td, i) => {
    if (td.containers === undefined && td.memory === undefined) issue(['fleet', 'taskDefinitions', i], 'give memory (MiB) or containers with memory');
    td.containers?.forEach((c, j) => {
      if (c.memory === undefined && c.memoryReservation === undefined && td.memory === undefined) {
        issue(['fleet', 'taskDefinitions', i, 'containers', j], `container ${c.name}: give memory or memoryReservation (or memory for the task)`);
      }
    });
  });

  const asgs = new Map<string, { cluster: string; azs: string[]; min: number; max: number; spot: boolean }>();
  const services = new Set<string>();
  const clusters = new Set<string>();
  const providers = new Set<string>();
  scenario.fleet.clusters.forEach((cluster, ci) => {
    if (clusters.has(cluster.name)) issue(['fleet', 'clusters', ci, 'name'], `duplicate cluster name "${cluster.name}"`);
    clusters.add(cluster.name);
    // Capacity providers: names unique in the account; the default strategy names providers of this cluster.
    const ofCluster = new Set<string>(cluster.capacityProviders ?? []);
    cluster.asgs.forEach((asg, ai) => {
      const path = ['fleet', 'clusters', ci, 'asgs', ai];
      if (asg.capacityProviderName !== undefined && asg.capacityProvider !== undefined) issue([...path, 'capacityProvider'], 'give capacityProviderName or capacityProvider, not both');
      const name = asg.capacityProvider?.name ?? asg.capacityProviderName;
      if (name === undefined) return;
      if (providers.has(name)) issue([...path, asg.capacityProvider ? 'capacityProvider' : 'capacityProviderName'], `duplicate capacity provider name "${name}"`);
      providers.add(name);
      ofCluster.add(name);
      const cp = asg.capacityProvider;
      if (cp?.managedTerminationProtection === 'ENABLED') {
        if (asg.protectFromScaleIn !== true) issue([...path, 'capacityProvider', 'managedTerminationProtection'], 'managed termination protection needs protectFromScaleIn: true on the ASG (CreateCapacityProvider refuses it otherwise)');
        if (cp.managedScaling?.status !== 'ENABLED') issue([...path, 'capacityProvider', 'managedTerminationProtection'], 'managed termination protection needs managedScaling (CreateCapacityProvider refuses it otherwise)');
      }
      const scaling = cp?.managedScaling;
      if (scaling?.minimumScalingStepSize !== undefined && scaling.maximumScalingStepSize !== undefined && scaling.minimumScalingStepSize > scaling.maximumScalingStepSize) {
        issue([...path, 'capacityProvider', 'managedScaling', 'minimumScalingStepSize'], 'minimumScalingStepSize is above maximumScalingStepSize');
      }
      if (cp !== undefined && cp.managedDraining !== 'DISABLED') {
        asg.lifecycleHooks.forEach((hook, hi) => {
          if (hook.name === 'ecs-managed-draining-termination-hook') {
            issue([...path, 'lifecycleHooks', hi, 'name'], 'ECS creates ecs-managed-draining-termination-hook itself for a capacity provider with managed draining: remove it here (or set managedDraining: DISABLED)');
          }
        });
      }
    });
    const strategy = cluster.defaultCapacityProviderStrategy ?? [];
    strategy.forEach((item, si) => {
      if (!ofCluster.has(item.capacityProvider)) {
        issue(['fleet', 'clusters', ci, 'defaultCapacityProviderStrategy', si, 'capacityProvider'], `capacity provider "${item.capacityProvider}" is not associated with cluster ${cluster.name}: name an ASG's capacityProvider or list FARGATE / FARGATE_SPOT under capacityProviders`);
      }
    });
    if (strategy.filter((item) => (item.base ?? 0) > 0).length > 1) issue(['fleet', 'clusters', ci, 'defaultCapacityProviderStrategy'], 'only one capacity provider of a strategy can have a base');
    const fargate = strategy.some((item) => item.capacityProvider === 'FARGATE' || item.capacityProvider === 'FARGATE_SPOT');
    if (fargate && strategy.some((item) => item.capacityProvider !== 'FARGATE' && item.capacityProvider !== 'FARGATE_SPOT')) {
      issue(['fleet', 'clusters', ci, 'defaultCapacityProviderStrategy'], 'a strategy cannot mix Auto Scaling group providers with FARGATE / FARGATE_SPOT');
    }
    cluster.asgs.forEach((asg, ai) => {
      const path = ['fleet', 'clusters', ci, 'asgs', ai];
      if (asgs.has(asg.name)) issue([...path, 'name'], `duplicate ASG name "${asg.name}"`);
      if (!INSTANCE_TYPE_NAMES.includes(asg.instanceType)) {
        issue([...path, 'instanceType'], `instance type "${asg.instanceType}" is not simulated; use one of ${INSTANCE_TYPE_NAMES.join(', ')}`);
      }
      const max = asg.maxSize ?? Math.max(asg.desiredCapacity, 10);
      if (asg.minSize > max) issue([...path, 'minSize'], `minSize ${asg.minSize} is above maxSize ${max}`);
      if (asg.desiredCapacity < asg.minSize || asg.desiredCapacity > max) issue([...path, 'desiredCapacity'], `desiredCapacity must be between minSize ${asg.minSize} and maxSize ${max}`);
      const prepared = asg.warmPool?.maxGroupPreparedCapacity;
      if (prepared !== undefined && prepared < asg.desiredCapacity) issue([...path, 'warmPool', 'maxGroupPreparedCapacity'], `maxGroupPreparedCapacity ${prepared} is below desiredCapacity ${asg.desiredCapacity}`);
      asgs.set(asg.name, { cluster: cluster.name, azs: asg.availabilityZones, min: asg.minSize, max, spot: asg.spot });
    });
    cluster.services.forEach((service, si) => {
      const path = ['fleet', 'clusters', ci, 'services', si];
      const key = `${cluster.name}/${service.name}`;
      if (services.has(key)) issue([...path, 'name'], `duplicate service name "${service.name}" in cluster ${cluster.name}`);
      services.add(key);
      knownTaskDefinition(service.taskDefinition, [...path, 'taskDefinition']);
      if (service.schedulingStrategy === 'DAEMON' && service.desiredCount !== undefined) issue([...path, 'desiredCount'], 'a DAEMON service has no desiredCount');
      if (service.schedulingStrategy === 'REPLICA' && service.desiredCount === undefined) issue([...path], 'missing required key "desiredCount"');
    });
  });

  // Timeline.
  const startMs = parseIsoMs(scenario.start) ?? 0;
  const knownAsg = (name: string, path: Path) => {
    const asg = asgs.get(name);
    if (!asg) issue(path, `ASG "${name}" is not declared in the fleet`);
    return asg;
  };
  const knownService = (cluster: string, service: string, path: Path) => {
    if (!clusters.has(cluster)) issue([...path, 'cluster'], `cluster "${cluster}" is not declared in the fleet`);
    else if (!services.has(`${cluster}/${service}`)) issue([...path, 'service'], `service "${service}" is not declared in cluster ${cluster}`);
  };
  let cursor = startMs;
  scenario.timeline.forEach((entry, i) => {
    const path: Path = ['timeline', i];
    const names = ACTION_NAMES.filter((name) => entry[name] !== undefined);
    if (names.length === 0) issue(path, `each timeline entry needs one action: ${ACTION_NAMES.join(', ')}`);
    if (names.length > 1) issue(path, `one action per timeline entry (this one has ${names.join(' and ')})`);
    if (entry.at !== undefined) {
      const at = 'offsetMs' in entry.at ? startMs + entry.at.offsetMs : entry.at.isoMs;
      if (at < cursor) issue([...path, 'at'], at < startMs ? 'this time is before the scenario start' : 'timeline entries must be in time order (this one is earlier than the previous one)');
      cursor = Math.max(cursor, at);
    }
    if (entry.advance) cursor += entry.advance.by;
    if (entry.scaleAsg) {
      const asg = knownAsg(entry.scaleAsg.asg, [...path, 'scaleAsg', 'asg']);
      if (asg && (entry.scaleAsg.desired < asg.min || entry.scaleAsg.desired > asg.max)) {
        issue([...path, 'scaleAsg', 'desired'], `desired must be between the ASG's minSize ${asg.min} and maxSize ${asg.max}`);
      }
    }
    if (entry.terminateInstance) {
      const { asg, instance } = entry.terminateInstance;
      if (asg !== undefined) knownAsg(asg, [...path, 'terminateInstance', 'asg']);
      else if (typeof instance === 'number') issue([...path, 'terminateInstance'], 'an instance index needs asg (the index counts that group\'s instances)');
    }
    for (const kind of ['interruptSpot', 'rebalanceRecommendation'] as const) {
      const action = entry[kind];
      if (!action) continue;
      const asg = knownAsg(action.asg, [...path, kind, 'asg']);
      if (kind === 'interruptSpot' && asg && !asg.spot) issue([...path, kind, 'asg'], `ASG "${action.asg}" is not a Spot group (spot: true)`);
      if (action.count !== undefined && action.instance !== undefined) issue([...path, kind, 'instance'], 'give count or instance, not both');
    }
    if (entry.insufficientCapacity) {
      const asg = knownAsg(entry.insufficientCapacity.asg, [...path, 'insufficientCapacity', 'asg']);
      if (asg && !asg.azs.includes(entry.insufficientCapacity.az)) {
        issue([...path, 'insufficientCapacity', 'az'], `ASG "${entry.insufficientCapacity.asg}" is in ${asg.azs.join(', ')}, not "${entry.insufficientCapacity.az}"`);
      }
    }
    if (entry.runTask) {
      const { cluster, taskDefinition, instance } = entry.runTask;
      if (!clusters.has(cluster)) issue([...path, 'runTask', 'cluster'], `cluster "${cluster}" is not declared in the fleet`);
      knownTaskDefinition(taskDefinition, [...path, 'runTask', 'taskDefinition']);
      if (instance !== undefined) {
        const asg = knownAsg(instance.asg, [...path, 'runTask', 'instance', 'asg']);
        if (asg && asg.cluster !== cluster) issue([...path, 'runTask', 'instance', 'asg'], `ASG "${instance.asg}" is in cluster ${asg.cluster}, not ${cluster}`);
      }
    }
    if (entry.protectTasks) knownService(entry.protectTasks.cluster, entry.protectTasks.service, [...path, 'protectTasks']);
    const spot = entry.interruptFargateSpot;
    if (spot) {
      if (spot.service !== undefined) knownService(spot.cluster, spot.service, [...path, 'interruptFargateSpot']);
      else if (!clusters.has(spot.cluster)) issue([...path, 'interruptFargateSpot', 'cluster'], `cluster "${spot.cluster}" is not declared in the fleet`);
    }
    for (const kind of ['setInstanceProtection', 'agentDisconnect', 'agentReconnect', 'reregisterInstance'] as const) {
      const action = entry[kind];
      if (action) knownAsg(action.asg, [...path, kind, 'asg']);
    }
    if (entry.setDesiredCount) knownService(entry.setDesiredCount.cluster, entry.setDesiredCount.service, [...path, 'setDesiredCount']);
    if (entry.deploy) {
      knownService(entry.deploy.cluster, entry.deploy.service, [...path, 'deploy']);
      knownTaskDefinition(entry.deploy.taskDefinition, [...path, 'deploy', 'taskDefinition']);
    }
    if (entry.emit) {
      const { fixture, event } = entry.emit;
      if ((fixture === undefined) === (event === undefined)) issue([...path, 'emit'], 'give fixture (a file of test/fixtures/events) or event (inline), one of them');
      if (fixture !== undefined && !existsSync(join(FIXTURE_EVENTS_DIR, `${fixture}.json`))) issue([...path, 'emit', 'fixture'], `no fixture test/fixtures/events/${fixture}.json`);
    }
  });
  if (scenario.until !== undefined) {
    const until = 'offsetMs' in scenario.until ? startMs + scenario.until.offsetMs : scenario.until.isoMs;
    if (until < cursor) issue(['until'], 'until is before the last timeline entry');
  }

  // Expectations.
  scenario.expect.forEach((entry, i) => {
    const path: Path = ['expect', i];
    const names = EXPECTATION_NAMES.filter((name) => entry[name] !== undefined);
    if (names.length === 0) issue(path, `each expectation needs one of: ${EXPECTATION_NAMES.join(', ')}`);
    if (names.length > 1) issue(path, `one expectation per entry (this one has ${names.join(' and ')})`);
    if (entry.scheduledRuns && entry.scheduledRuns.count !== undefined && (entry.scheduledRuns.min !== undefined || entry.scheduledRuns.max !== undefined)) {
      issue([...path, 'scheduledRuns', 'count'], 'give count, or min and/or max');
    }
    const bounded = entry.notification ?? entry.tasksKilled;
    if (bounded?.count !== undefined && (bounded.min !== undefined || bounded.max !== undefined)) {
      issue([...path, entry.notification ? 'notification' : 'tasksKilled', 'count'], 'give count, or min and/or max');
    }
    if (entry.heartbeats && entry.heartbeats.min !== undefined && entry.heartbeats.max !== undefined && entry.heartbeats.min > entry.heartbeats.max) {
      issue([...path, 'heartbeats', 'max'], 'max is below min');
    }
    if (entry.serviceHealthy) knownService(entry.serviceHealthy.cluster, entry.serviceHealthy.service, [...path, 'serviceHealthy']);
    for (const kind of ['notification', 'lifecycleActionsCompleted', 'heartbeats', 'noLifecycleActionPastDeadline', 'apiCalls'] as const) {
      const p = entry[kind];
      if (p && 'asg' in p && p.asg !== undefined) knownAsg(p.asg, [...path, kind, 'asg']);
      if (p && 'cluster' in p && p.cluster !== undefined && !clusters.has(p.cluster)) issue([...path, kind, 'cluster'], `cluster "${p.cluster}" is not declared in the fleet`);
    }
    if (entry.taskStops) {
      const { cluster, service } = entry.taskStops;
      if (cluster !== undefined && service !== undefined) knownService(cluster, service, [...path, 'taskStops']);
      else if (cluster !== undefined && !clusters.has(cluster)) issue([...path, 'taskStops', 'cluster'], `cluster "${cluster}" is not declared in the fleet`);
      if (entry.taskStops.count !== undefined && (entry.taskStops.min !== undefined || entry.taskStops.max !== undefined)) issue([...path, 'taskStops', 'count'], 'give count, or min and/or max');
    }
  });
});

export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type ScenarioDocument = z.output<typeof ScenarioSchema>;
export type FleetSpec = ScenarioDocument['fleet'];
export type ClusterSpec = FleetSpec['clusters'][number];
export type AsgSpec = ClusterSpec['asgs'][number];
export type ServiceSpec = ClusterSpec['services'][number];
export type TaskDefinitionSpec = FleetSpec['taskDefinitions'][number];
export type ApiFaults = z.output<typeof ApiFaultsSchema>;
export type EventFaultsSpec = z.output<typeof EventFaultsSchema>;

type Params<K extends ActionName> = z.output<(typeof ACTION_SCHEMAS)[K]>;

/** One timeline action, tagged with its name (`note` and `setApiFaults` normalised to objects). */
export type Action =
  | ({ type: 'scaleAsg' } & Params<'scaleAsg'>)
  | ({ type: 'terminateInstance' } & Params<'terminateInstance'>)
  | ({ type: 'interruptSpot' } & Params<'interruptSpot'>)
  | ({ type: 'rebalanceRecommendation' } & Params<'rebalanceRecommendation'>)
  | ({ type: 'setDesiredCount' } & Params<'setDesiredCount'>)
  | ({ type: 'deploy' } & Params<'deploy'>)
  | ({ type: 'insufficientCapacity' } & Params<'insufficientCapacity'>)
  | ({ type: 'protectTasks' } & Params<'protectTasks'>)
  | ({ type: 'setInstanceProtection' } & Params<'setInstanceProtection'>)
  | ({ type: 'agentDisconnect' } & Params<'agentDisconnect'>)
  | ({ type: 'agentReconnect' } & Params<'agentReconnect'>)
  | ({ type: 'reregisterInstance' } & Params<'reregisterInstance'>)
  | ({ type: 'fargateCapacity' } & Params<'fargateCapacity'>)
  | ({ type: 'interruptFargateSpot' } & Params<'interruptFargateSpot'>)
  | ({ type: 'runTask' } & Params<'runTask'>)
  | ({ type: 'dropNextEvent' } & Params<'dropNextEvent'>)
  | ({ type: 'duplicateNextEvent' } & Params<'duplicateNextEvent'>)
  | ({ type: 'delayNextEvent' } & Params<'delayNextEvent'>)
  | ({ type: 'delayNextTick' } & Params<'delayNextTick'>)
  | ({ type: 'duplicateNextTick' } & Params<'duplicateNextTick'>)
  | ({ type: 'slackRespond' } & Params<'slackRespond'>)
  | { type: 'setApiFaults'; faults: ApiFaults }
  | ({ type: 'emit' } & Params<'emit'>)
  | ({ type: 'advance' } & Params<'advance'>)
  | { type: 'note'; text: string };

/** One expectation, tagged with its name. */
export type Expectation = { [K in ExpectationName]: { type: K; params: z.output<(typeof EXPECTATION_SCHEMAS)[K]> } }[ExpectationName];
