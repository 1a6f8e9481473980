import { alarmResources, type FunctionKey } from './alarms.js';
import { ALERT_KINDS, SERVICE_ACTION_ALERTS, type AlertKind, type EcsOpsConfig } from '../config/schema.js';
import { CIRCUIT_BREAKER_ROLLBACK_PREFIX } from '../events/index.js';
import { previousFireTime } from '../summary/digest/window.js';
import { SERVICE_ACTION_KIND } from '../summary/kinds.js';
import { scheduleRunnerWiring, schedulerResources, type CfnResources, type ScheduleRunnerWiring } from './schedule-wiring.js';

/**
 * Everything `serverless.yml` derives from the config file, computed once by `lib/deploy/prepare.ts` and written to
 * `.ecs-ops/deploy.json`. Keeping it a pure function of the config lets tests assert the wiring without packaging.
 */

export type CfnValue = string | { Ref: string } | { 'Fn::GetAtt': [string, string] } | { 'Fn::Join': [string, CfnValue[]] };

export interface IamStatement {
  Effect: 'Allow';
  Action: string[];
  Resource: CfnValue[];
  Condition?: Record<string, Record<string, CfnValue | CfnValue[]>>;
}

export interface EventBridgeTrigger {
  eventBridge: { pattern: Record<string, unknown> };
}

/** A serverless `schedule` event: an EventBridge rule with a schedule expression. */
export interface ScheduleTrigger {
  schedule: { rate: string[]; description: string };
}

export interface FunctionWiring {
  events: EventBridgeTrigger[];
  iam: IamStatement[];
}

export interface DrainWiring {
  /** Whether the drain function is declared at all (serverless.yml): some ASG has `drain: true`, or Spot draining is on. */
  enabled: boolean;
  events: (EventBridgeTrigger | ScheduleTrigger)[];
  iam: IamStatement[];
}

export interface DigestWiring {
  /** Whether the digest function is declared at all: `summary.digest` is configured. */
  enabled: boolean;
  /** None: its EventBridge Scheduler schedule is one of {@link DeploymentValues.scheduler}'s resources. */
  events: never[];
  iam: IamStatement[];
}

/** The placement policy function: declared only when the config has placement policies. */
export interface PlacementWiring {
  enabled: boolean;
  events: (EventBridgeTrigger | ScheduleTrigger)[];
  iam: IamStatement[];
}

export interface DeploymentValues {
  /** The validated config as a JavaScript string literal, injected into every bundle by esbuild `define`. */
  configLiteral: string;
  functions: { alerts: FunctionWiring; drain: DrainWiring; digest: DigestWiring; scheduleRunner: ScheduleRunnerWiring; placement: PlacementWiring };
  /**
   * The EventBridge Scheduler schedules of the runner and the digest, their group and execution role: CloudFormation
   * resources merged into the template by lib/deploy/schedule-resources.cjs.
   */
  scheduler: { resources: CfnResources };
  /** The stack's CloudWatch alarms (lib/deploy/alarms.ts), merged into the template like the Scheduler resources. */
  alarms: { resources: CfnResources };
}

/** Resources declared in serverless.yml that the derived IAM statements point at. */
export const IDEMPOTENCY_TABLE_LOGICAL_ID = 'IdempotencyTable';
export const FAILURE_QUEUE_LOGICAL_ID = 'FailureQueue';

const region = { Ref: 'AWS::Region' };
const account = { Ref: 'AWS::AccountId' };
const partition = { Ref: 'AWS::Partition' };

export function arn(...parts: CfnValue[]): CfnValue {
  return { 'Fn::Join': ['', parts] };
}

export function ssmParameterArn(name: string): CfnValue {
  const path = name.startsWith('/') ? name : `/${name}`;
  return arn('arn:', partition, ':ssm:', region, ':', account, `:parameter${path}`);
}

/**
 * What a function that posts notifications needs (alerts, drain): the Slack webhook parameters and their keys, the
 * SNS topics and their keys, the idempotency table, and the dead-letter queue its failed events go to.
 */
export function deliveryStatements(config: EcsOpsConfig): IamStatement[] {
  const slack = config.notifications.channels.filter((c) => c.type === 'slack');
  const sns = config.notifications.channels.filter((c) => c.type === 'sns');
  const keysOf = (channels: { kmsKeyArn?: string | undefined }[]): string[] => [...new Set(channels.flatMap((c) => (c.kmsKeyArn ? [c.kmsKeyArn] : [])))];
  // Customer-managed keys are usable only through the service that encrypted with them.
  const viaService = (service: string): IamStatement['Condition'] => ({ StringEquals: { 'kms:ViaService': arn(`${service}.`, region, '.amazonaws.com') } });
  const iam: IamStatement[] = [];
  if (slack.length > 0) {
    iam.push({ Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: [...new Set(slack.map((c) => c.webhookParameter))].map(ssmParameterArn) });
  }
  const slackKeys = keysOf(slack);
  if (slackKeys.length > 0) iam.push({ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: slackKeys, Condition: viaService('ssm') });
  const snsKeys = keysOf(sns);
  if (snsKeys.length > 0) iam.push({ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: snsKeys, Condition: viaService('sns') });
  if (sns.length > 0) {
    iam.push({ Effect: 'Allow', Action: ['sns:Publish'], Resource: [...new Set(sns.map((c) => c.topicArn))] });
  }
  iam.push({
    Effect: 'Allow',
    Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    Resource: [{ 'Fn::GetAtt': [IDEMPOTENCY_TABLE_LOGICAL_ID, 'Arn'] }],
  });
  iam.push({ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': [FAILURE_QUEUE_LOGICAL_ID, 'Arn'] }] });
  return iam;
}

function alertsWiring(config: EcsOpsConfig): FunctionWiring {
  const ignored = new Set<string>(config.alerts.ignore);
  const wanted = (kind: AlertKind): boolean => ALERT_KINDS.includes(kind) && !ignored.has(kind);
  const clusters = config.clusters.map((c) => c.name);
  const asgs = config.clusters.flatMap((c) => c.asgs.map((a) => a.name));
  const events: EventBridgeTrigger[] = [];

  const serviceActions = SERVICE_ACTION_ALERTS.filter((name) => wanted(SERVICE_ACTION_KIND[name]));
  if (serviceActions.length > 0) {
    events.push({
      eventBridge: {
        pattern: {
          source: ['aws.ecs'],
          'detail-type': ['ECS Service Action'],
          detail: {
            eventName: serviceActions,
            // Cluster names cannot contain ":" or "/", so the suffix names exactly one cluster.
            clusterArn: clusters.map((name) => ({ suffix: `:cluster/${name}` })),
          },
        },
      },
    });
  }

  const deploymentBranches: Record<string, unknown>[] = [];
  if (wanted('deployment-failed')) deploymentBranches.push({ eventName: ['SERVICE_DEPLOYMENT_FAILED'] });
  if (wanted('deployment-rollback')) {
    deploymentBranches.push({ eventName: ['SERVICE_DEPLOYMENT_IN_PROGRESS'], reason: [{ prefix: CIRCUIT_BREAKER_ROLLBACK_PREFIX }] });
  }
  if (deploymentBranches.length > 0) {
    events.push({
      eventBridge: {
        pattern: {
          source: ['aws.ecs'],
          'detail-type': ['ECS Deployment State Change'],
          // Deployment events carry no cluster field: the service ARN in resources names it.
          resources: clusters.map((name) => ({ wildcard: `*:service/${name}/*` })),
          detail: deploymentBranches.length === 1 ? deploymentBranches[0] : { $or: deploymentBranches },
        },
      },
    });
  }

  const asgDetailTypes = [
    ...(wanted('asg-launch-failed') ? ['EC2 Instance Launch Unsuccessful'] : []),
    ...(wanted('asg-terminate-failed') ? ['EC2 Instance Terminate Unsuccessful'] : []),
  ];
  if (asgs.length > 0 && asgDetailTypes.length > 0) {
    events.push({
      eventBridge: {
        pattern: {
          source: ['aws.autoscaling'],
          'detail-type': asgDetailTypes,
          detail: { AutoScalingGroupName: asgs },
        },
      },
    });
  }

  // Fargate Spot interruptions (lib/summary/fargate-spot.ts): a service task STOPPED with stopCode SpotInterruption only
  // (its two-minute warning and DEACTIVATING/STOPPING events would only repeat it). The function then reads the service:
  // ListTasks (resource "*", scoped by ecs:cluster), DescribeTasks on the clusters' tasks, DescribeServices.
  const iam = deliveryStatements(config);
  if (wanted('fargate-spot-interruption') && clusters.length > 0) {
    events.push({
      eventBridge: {
        pattern: {
          source: ['aws.ecs'],
          'detail-type': ['ECS Task State Change'],
          detail: {
            stopCode: ['SpotInterruption'],
            lastStatus: ['STOPPED'],
            group: [{ prefix: 'service:' }],
            clusterArn: clusters.map((name) => ({ suffix: `:cluster/${name}` })),
          },
        },
      },
    });
    const clusterArns = clusters.map((name) => ecsArn(`cluster/${name}`));
    iam.push(listTasksStatement(clusterArns));
    iam.push({
      Effect: 'Allow',
      Action: ['ecs:DescribeTasks'],
      Resource: clusters.map((name) => ecsArn(`task/${name}/*`)),
      Condition: { ArnEquals: { 'ecs:cluster': clusterArns } },
    });
    iam.push({ Effect: 'Allow', Action: ['ecs:DescribeServices'], Resource: clusters.map((name) => ecsArn(`service/${name}/*`)) });
  }

  return { events, iam };
}

/** The drain function's reconcile schedule (lib/drain/gather.ts RECONCILE_INTERVAL_MS). */
export const DRAIN_RECONCILE_SCHEDULE = 'rate(1 minute)';

/**
 * Which `ECS Container Instance State Change` events of a DRAINING instance reach the drain function: those whose
 * `runningTasksCount` is 0, or that do not carry the field (the documented example omits it; the EventBridge schema
 * aws.ecs@ECSContainerInstanceStateChange defines it). ECS emits one such event per task change on the instance
 * (each stop, each resource change, agent connections), and an instance still counting running tasks cannot be empty:
 * the pattern prunes those invocations only. Emptiness is still decided by the function from ListTasks + DescribeTasks
 * (`lastStatus`), never from this count; stopping standalone (`stop`) or DAEMON tasks left alone and the blocked notice
 * are the reconcile pass's, at most one interval later.
 */
export const DRAIN_EVENT_TASK_COUNT = [{ runningTasksCount: [0] }, { runningTasksCount: [{ exists: false }] }];

const ecsArn = (resource: string): CfnValue => arn('arn:', partition, ':ecs:', region, ':', account, `:${resource}`);

/**
 * ListTasks without `containerInstance` (by cluster, startedBy, serviceName) is authorized by ECS on the resource "*",
 * not on a container instance as the Service Authorization Reference suggests: the real error reads "not authorized to
 * perform: ecs:ListTasks on resource: *". `ecs:cluster` scopes it to the given clusters. The AWS CDK's own drain hook
 * grants it this way (aws-cdk-lib/aws-ecs/lib/drain-hook/instance-drain-hook.ts); see sim/iam/deviations.ts.
 */
export function listTasksStatement(clusterArns: CfnValue[]): IamStatement {
  return { Effect: 'Allow', Action: ['ecs:ListTasks'], Resource: ['*'], Condition: { ArnEquals: { 'ecs:cluster': clusterArns } } };
}

/**
 * The drain function: its rules (terminate lifecycle actions of the drained ASGs on their own hooks, Spot interruption
 * warnings and rebalance recommendations when configured, container instances of the configured clusters set to
 * DRAINING), its reconcile schedule, and IAM scoped to the configured ASGs and clusters. Declared only when there is
 * something to drain: an ASG with `drain: true`, or Spot draining on.
 */
function drainWiring(config: EcsOpsConfig): DrainWiring {
  const drained = config.clusters.flatMap((c) => c.asgs.filter((a) => a.drain).map((a) => ({ asg: a.name, hook: a.lifecycleHook })));
  const clusters = config.clusters.map((c) => c.name);
  const ec2DetailTypes = [
    ...(config.drain.spotInterruption ? ['EC2 Spot Instance Interruption Warning'] : []),
    ...(config.drain.rebalanceRecommendation === 'drain' ? ['EC2 Instance Rebalance Recommendation'] : []),
  ];
  const enabled = drained.length > 0 || ec2DetailTypes.length > 0;
  if (!enabled) return { enabled, events: [], iam: [] };

  const events: DrainWiring['events'] = [];
  if (drained.length > 0) {
    // ASGs sharing a hook name in one branch; a branch per hook name otherwise, so no ASG matches another's hook.
    const byHook = new Map<string, string[]>();
    for (const { asg, hook } of drained) byHook.set(hook, [...(byHook.get(hook) ?? []), asg]);
    const branches = [...byHook].map(([hook, asgs]) => ({ AutoScalingGroupName: asgs, LifecycleHookName: [hook] }));
    events.push({
      eventBridge: {
        pattern: {
          source: ['aws.autoscaling'],
          'detail-type': ['EC2 Instance-terminate Lifecycle Action'],
          detail: branches.length === 1 ? branches[0] : { $or: branches },
        },
      },
    });
  }
  if (ec2DetailTypes.length > 0) {
    // Spot warnings carry no cluster or ASG: the function looks the instance up and ignores the ones not in ECS.
    events.push({ eventBridge: { pattern: { source: ['aws.ec2'], 'detail-type': ec2DetailTypes } } });
  }
  if (drained.length > 0) {
    events.push({
      eventBridge: {
        pattern: {
          source: ['aws.ecs'],
          'detail-type': ['ECS Container Instance State Change'],
          detail: { status: ['DRAINING'], clusterArn: clusters.map((name) => ({ suffix: `:cluster/${name}` })), $or: DRAIN_EVENT_TASK_COUNT },
        },
      },
    });
    events.push({ schedule: { rate: [DRAIN_RECONCILE_SCHEDULE], description: 'ecs-ops drain reconcile pass: heartbeats, completions, deadlines, lost lifecycle events' } });
  }

  const clusterArns = clusters.map((name) => ecsArn(`cluster/${name}`));
  const inClusters: IamStatement['Condition'] = { ArnEquals: { 'ecs:cluster': clusterArns } };
  const iam: IamStatement[] = [];
  if (drained.length > 0) {
    iam.push({
      Effect: 'Allow',
      Action: ['autoscaling:CompleteLifecycleAction', 'autoscaling:RecordLifecycleActionHeartbeat'],
      Resource: drained.map(({ asg }) => arn('arn:', partition, ':autoscaling:', region, ':', account, `:autoScalingGroup:*:autoScalingGroupName/${asg}`)),
    });
  }
  // These Describe actions support no resource-level permissions: "*" is the only possible resource.
  iam.push({
    Effect: 'Allow',
    Action: [
      'autoscaling:DescribeAutoScalingInstances',
      ...(drained.length > 0 ? ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeLifecycleHooks', 'autoscaling:DescribeWarmPool'] : []),
    ],
    Resource: ['*'],
  });
  // ListContainerInstances authorizes on the cluster (no ecs:cluster key); the others on the container instance, task or
  // service, and take the ecs:cluster condition key (Service Authorization Reference, Amazon ECS).
  iam.push({ Effect: 'Allow', Action: ['ecs:ListContainerInstances'], Resource: clusterArns });
  iam.push({
    Effect: 'Allow',
    // ListTasks with `containerInstance` (one instance's tasks) authorizes on that container instance.
    Action: ['ecs:DescribeContainerInstances', 'ecs:UpdateContainerInstancesState', 'ecs:PutAttributes', 'ecs:ListTasks'],
    Resource: clusters.map((name) => ecsArn(`container-instance/${name}/*`)),
    Condition: inClusters,
  });
  // The cluster-wide listing (no `containerInstance`) authorizes on "*" (sim/iam/deviations.ts).
  iam.push(listTasksStatement(clusterArns));
  iam.push({
    Effect: 'Allow',
    // StopTask: standalone tasks with drain.standaloneTasks: stop, and DAEMON tasks ECS left alone on an otherwise empty
    // instance of a drained ASG (lib/drain/decide.ts rule 8).
    Action: ['ecs:DescribeTasks', ...(config.drain.standaloneTasks === 'stop' || drained.length > 0 ? ['ecs:StopTask'] : [])],
    Resource: clusters.map((name) => ecsArn(`task/${name}/*`)),
    Condition: inClusters,
  });
  iam.push({ Effect: 'Allow', Action: ['ecs:DescribeServices'], Resource: clusters.map((name) => ecsArn(`service/${name}/*`)), Condition: inClusters });
  if (drained.length > 0) {
    // Whether ECS drains an ASG itself (lib/drain/managed-draining-facts.ts): the clusters' capacity provider names
    // (DescribeClusters authorizes on the cluster), then those providers (on capacity-provider/<name>: the names are
    // the account's, not known at deploy time).
    iam.push({ Effect: 'Allow', Action: ['ecs:DescribeClusters'], Resource: clusterArns });
    iam.push({ Effect: 'Allow', Action: ['ecs:DescribeCapacityProviders'], Resource: [ecsArn('capacity-provider/*')] });
  }
  iam.push(...deliveryStatements(config));
  return { enabled, events, iam };
}

/**
 * The digest function's read-only IAM (its schedule, `summary.digest.schedule` in `summary.digest.timezone` on
 * EventBridge Scheduler, is among the scheduler resources). Declared only when `summary.digest` is set.
 * The window the function derives from the expression is checked here, so an expression it cannot evaluate fails at
 * package time, naming the config path.
 */
function digestWiring(config: EcsOpsConfig): DigestWiring {
  const digest = config.summary.digest;
  if (!digest) return { enabled: false, events: [], iam: [] };
  try {
    previousFireTime(digest.schedule, digest.timezone, Date.UTC(2026, 0, 1));
  } catch (error) {
    throw new Error(`summary.digest.schedule: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const clusters = config.clusters.filter((c) => digest.clusters === undefined || digest.clusters.includes(c.name));
  const clusterArns = clusters.map((c) => ecsArn(`cluster/${c.name}`));
  const iam: IamStatement[] = [
    // ListServices supports no resource type, only the ecs:cluster condition key (Service Authorization Reference).
    { Effect: 'Allow', Action: ['ecs:ListServices'], Resource: ['*'], Condition: { ArnEquals: { 'ecs:cluster': clusterArns } } },
    {
      Effect: 'Allow',
      Action: ['ecs:DescribeServices'],
      Resource: clusters.map((c) => ecsArn(`service/${c.name}/*`)),
      Condition: { ArnEquals: { 'ecs:cluster': clusterArns } },
    },
    // These Describe actions support no resource-level permissions: "*" is the only possible resource.
    { Effect: 'Allow', Action: ['application-autoscaling:DescribeScalingActivities'], Resource: ['*'] },
  ];
  if (clusters.some((c) => c.asgs.length > 0)) {
    iam.push({ Effect: 'Allow', Action: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeScalingActivities'], Resource: ['*'] });
    // Instances kept protected with only daemon tasks (lib/summary/digest/protected-daemon-only.ts), read only for the
    // protected instances: the clusters' capacity providers (DescribeClusters on the cluster, DescribeCapacityProviders
    // on capacity-provider/*: the names are not known at deploy time), then those instances' container instances and
    // tasks (ListTasks by containerInstance authorizes on the container instance).
    const asgClusters = clusters.filter((c) => c.asgs.length > 0);
    const asgClusterArns = asgClusters.map((c) => ecsArn(`cluster/${c.name}`));
    iam.push({ Effect: 'Allow', Action: ['ecs:DescribeClusters', 'ecs:ListContainerInstances'], Resource: asgClusterArns });
    iam.push({ Effect: 'Allow', Action: ['ecs:DescribeCapacityProviders'], Resource: [ecsArn('capacity-provider/*')] });
    iam.push({
      Effect: 'Allow',
      Action: ['ecs:DescribeContainerInstances', 'ecs:ListTasks'],
      Resource: asgClusters.map((c) => ecsArn(`container-instance/${c.name}/*`)),
      Condition: { ArnEquals: { 'ecs:cluster': asgClusterArns } },
    });
    iam.push({
      Effect: 'Allow',
      Action: ['ecs:DescribeTasks'],
      Resource: asgClusters.map((c) => ecsArn(`task/${c.name}/*`)),
      Condition: { ArnEquals: { 'ecs:cluster': asgClusterArns } },
    });
  }
  iam.push(...deliveryStatements(config));
  // The ops journal (lib/summary/journal.ts) in the same table: a window over several UTC days is one BatchGetItem.
  iam.push({ Effect: 'Allow', Action: ['dynamodb:BatchGetItem'], Resource: [{ 'Fn::GetAtt': [IDEMPOTENCY_TABLE_LOGICAL_ID, 'Arn'] }] });
  // Its schedule (lib/deploy/schedule-wiring.ts schedulerResources) invokes it with the Scheduler's own role.
  return { enabled: true, events: [], iam };
}

/** `rate(N minutes)` (or hours/days when whole) for `placement.auditEvery` seconds (at least 60). */
export function auditSchedule(seconds: number): string {
  const unit = (n: number, name: string): string => `rate(${n} ${name}${n === 1 ? '' : 's'})`;
  if (seconds % 86400 === 0) return unit(seconds / 86400, 'day');
  if (seconds % 3600 === 0) return unit(seconds / 3600, 'hour');
  return unit(Math.max(1, Math.round(seconds / 60)), 'minute');
}

/**
 * ECS Service Action events that make the placement function audit the service they name: a service that reached its
 * steady state (after a deployment, a scaling or ECS's own rebalancing) is worth a look; the task events cover the rest.
 */
export const PLACEMENT_SERVICE_ACTIONS = ['SERVICE_STEADY_STATE'];

/**
 * The placement policy function: `ECS Task State Change` of service tasks that became RUNNING and `ECS Service Action`
 * events of the clusters a policy applies to, and the `placement.auditEvery` schedule. IAM: reads scoped to those
 * clusters (ecs:cluster condition key where the action has no cluster-scoped resource), StopTask only when some policy
 * enforces, on the clusters' tasks.
 */
function placementWiring(config: EcsOpsConfig): PlacementWiring {
  const policies = config.placement.policies;
  if (policies.length === 0) return { enabled: false, events: [], iam: [] };
  const names = new Set(config.clusters.map((c) => c.name));
  const clusters = [...names].filter((name) => policies.some((p) => p.select.clusters === undefined || p.select.clusters.includes(name)));
  const clusterArns = clusters.map((name) => ecsArn(`cluster/${name}`));
  const clusterSuffixes = clusters.map((name) => ({ suffix: `:cluster/${name}` }));
  const inClusters: IamStatement['Condition'] = { ArnEquals: { 'ecs:cluster': clusterArns } };
  const events: PlacementWiring['events'] = [
    {
      eventBridge: {
        pattern: {
          source: ['aws.ecs'],
          'detail-type': ['ECS Task State Change'],
          detail: { lastStatus: ['RUNNING'], group: [{ prefix: 'service:' }], clusterArn: clusterSuffixes },
        },
      },
    },
    {
      eventBridge: {
        pattern: {
          source: ['aws.ecs'],
          'detail-type': ['ECS Service Action'],
          detail: { eventName: PLACEMENT_SERVICE_ACTIONS, clusterArn: clusterSuffixes },
        },
      },
    },
    { schedule: { rate: [auditSchedule(config.placement.auditEvery)], description: 'ecs-ops placement policy audit of whole clusters' } },
  ];
  const enforces = policies.some((p) => p.mode === 'enforce') && !config.placement.dryRun;
  const iam: IamStatement[] = [
    // ListServices has no resource type, only the ecs:cluster condition key; DescribeTaskDefinition supports no
    // resource-level permission at all (Service Authorization Reference, Amazon ECS).
    { Effect: 'Allow', Action: ['ecs:ListServices'], Resource: ['*'], Condition: inClusters },
    { Effect: 'Allow', Action: ['ecs:DescribeTaskDefinition'], Resource: ['*'] },
    { Effect: 'Allow', Action: ['ecs:ListContainerInstances'], Resource: clusterArns },
    { Effect: 'Allow', Action: ['ecs:DescribeContainerInstances'], Resource: clusters.map((name) => ecsArn(`container-instance/${name}/*`)), Condition: inClusters },
    // Every listing is by cluster or service, never by container instance: "*" with ecs:cluster.
    listTasksStatement(clusterArns),
    { Effect: 'Allow', Action: ['ecs:DescribeTasks', ...(enforces ? ['ecs:StopTask'] : [])], Resource: clusters.map((name) => ecsArn(`task/${name}/*`)), Condition: inClusters },
    { Effect: 'Allow', Action: ['ecs:DescribeServices'], Resource: clusters.map((name) => ecsArn(`service/${name}/*`)), Condition: inClusters },
    ...deliveryStatements(config),
  ];
  return { enabled: true, events, iam };
}

export function deploymentValues(config: EcsOpsConfig): DeploymentValues {
  const functions = { alerts: alertsWiring(config), drain: drainWiring(config), digest: digestWiring(config), scheduleRunner: scheduleRunnerWiring(config), placement: placementWiring(config) };
  const deployed = (Object.keys(functions) as FunctionKey[]).filter((key) => key === 'alerts' || (functions[key] as { enabled?: boolean }).enabled === true);
  return {
    configLiteral: JSON.stringify(JSON.stringify(config)),
    functions,
    scheduler: { resources: schedulerResources(config) },
    alarms: { resources: alarmResources(config, deployed, FAILURE_QUEUE_LOGICAL_ID) },
  };
}
