/**
 * The placement policy's view of a cluster: what `gather` reads from ECS (DescribeServices, DescribeTasks,
 * DescribeContainerInstances) reduced to what the rules and the stop planner need. Plain data, so rule evaluation and
 * planning are pure and tested without AWS.
 */
import type { ContainerInstance, PlacementConstraint, PlacementStrategy, TaskDefinition } from '../model.js';

/** Every task ecs-ops stops for a placement rule carries a `stoppedReason` starting with this marker, then the rule. */
export const STOP_MARKER = 'ecs-ops placement';
/** StopTask `reason` is limited to 255 characters. */
export const MAX_STOP_REASON = 255;

export const RULE_NAMES = ['azBalance', 'instanceMatch', 'spot', 'maxPerInstance'] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export interface PolicyInstance {
  containerInstanceArn: string;
  ec2InstanceId?: string | undefined;
  /** ACTIVE, DRAINING, … */
  status: string;
  agentConnected: boolean;
  availabilityZone?: string | undefined;
  instanceType?: string | undefined;
  capacityProviderName?: string | undefined;
  /** The DescribeContainerInstances shape (for the query language and the placement engine). */
  raw: ContainerInstance;
}

export interface PolicyTask {
  taskArn: string;
  /** `service:<name>` for service tasks. */
  group?: string | undefined;
  containerInstanceArn?: string | undefined;
  availabilityZone?: string | undefined;
  capacityProviderName?: string | undefined;
  launchType?: string | undefined;
  lastStatus: string;
  desiredStatus: string;
  taskDefinitionArn?: string | undefined;
  /** Epoch ms. */
  startedAt?: number | undefined;
  /** Epoch ms (stopped tasks). */
  stoppedAt?: number | undefined;
  stoppedReason?: string | undefined;
}

export interface PolicyDeployment {
  status: string;
  rolloutState?: string | undefined;
  taskDefinition?: string | undefined;
}

export interface PolicyService {
  serviceName: string;
  serviceArn?: string | undefined;
  status: string;
  schedulingStrategy: 'REPLICA' | 'DAEMON';
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  minimumHealthyPercent: number;
  maximumPercent: number;
  deployments: PolicyDeployment[];
  /** ECS's own Availability Zone rebalancing (`availabilityZoneRebalancing`). */
  availabilityZoneRebalancing?: string | undefined;
  /** ECS is rebalancing the service across AZs now (SERVICE_REBALANCING_STARTED without _COMPLETED since). */
  azRebalancingInProgress?: boolean | undefined;
  tags: Readonly<Record<string, string>>;
  taskDefinitionArn?: string | undefined;
  launchType?: string | undefined;
  capacityProviderStrategy: { capacityProvider: string; weight: number; base: number }[];
  placementConstraints: PlacementConstraint[];
  placementStrategy: PlacementStrategy[];
}

export interface ClusterSnapshot {
  cluster: string;
  /** Epoch ms. */
  now: number;
  services: PolicyService[];
  /** Tasks not stopped (desired RUNNING), of the services audited (or the whole cluster). */
  tasks: PolicyTask[];
  instances: PolicyInstance[];
  /** Task definitions by ARN (needed only to predict replacements in enforce mode). */
  taskDefinitions: ReadonlyMap<string, TaskDefinition>;
  /** Stopped tasks ecs-ops stopped recently, per service name (for the cooldown); absent when not gathered. */
  recentStops?: ReadonlyMap<string, PolicyTask[]> | undefined;
}

/**
 * Whether ECS's AZ rebalancing of a service is in progress, from its service events (DescribeServices `events`, newest
 * first): the newest rebalancing message is SERVICE_REBALANCING_STARTED's ("service (x) is not AZ balanced with … AZ
 * Rebalancing in progress.") rather than _COMPLETED's ("service (x) is AZ balanced with …"). ECS Developer Guide,
 * "track-service-rebalancing". AWS keeps the state: no copy of the EventBridge events is needed.
 */
export function azRebalancingInProgress(events: readonly { message?: string | undefined; createdAt?: Date | undefined }[] | undefined): boolean {
  const newestFirst = [...(events ?? [])].sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
  for (const event of newestFirst) {
    const message = event.message ?? '';
    if (/is not AZ balanced with .*AZ Rebalancing in progress/i.test(message)) return true;
    if (/is AZ balanced with/i.test(message)) return false;
  }
  return false;
}

/** The service a task belongs to (`service:<name>` group), or undefined for standalone tasks. */
export function serviceOfTask(task: Pick<PolicyTask, 'group'>): string | undefined {
  return task.group?.startsWith('service:') === true ? task.group.slice('service:'.length) : undefined;
}

/** Tasks that hold a place: not stopped and not being stopped. */
export function isLive(task: PolicyTask): boolean {
  return task.lastStatus !== 'STOPPED' && task.desiredStatus !== 'STOPPED' && task.lastStatus !== 'DEPROVISIONING' && task.lastStatus !== 'STOPPING';
}

export interface Violation {
  policy: string;
  rule: RuleName;
  cluster: string;
  service: string;
  mode: 'audit' | 'enforce';
  /** How far from compliance, in tasks (skew beyond maxSkew, misplaced tasks, Spot tasks over the limit, extra replicas). */
  amount: number;
  /** A sentence for humans: what, where, how much. */
  message: string;
  /** Tasks that are misplaced (instanceMatch, spot, maxPerInstance) or in the over-full AZs (azBalance). */
  tasks: string[];
  /** Tasks per AZ (azBalance), per instance (maxPerInstance). */
  counts?: Record<string, number> | undefined;
}

/** Why a violation is not acted on in this pass. */
export type SkipReason =
  | 'audit-mode'
  | 'daemon'
  | 'deployment'
  | 'az-rebalancing'
  | 'not-steady'
  | 'minimum-healthy'
  | 'cooldown'
  | 'stopped-this-pass'
  | 'cluster-cap'
  | 'no-old-task'
  | 'no-compliant-placement'
  | 'no-task-definition';

export interface PlannedStop {
  cluster: string;
  service: string;
  policy: string;
  rule: RuleName;
  taskArn: string;
  /** Where the task runs now. */
  from: { containerInstanceArn?: string | undefined; ec2InstanceId?: string | undefined; availabilityZone?: string | undefined };
  /** Where the engine predicts its replacement lands. */
  to: { containerInstanceArn?: string | undefined; ec2InstanceId?: string | undefined; availabilityZone?: string | undefined };
  /** The violation's amount now and after the stop and its replacement. */
  before: number;
  after: number;
  /** Stops this violation needs in total (the fewest), this one included. */
  needed: number;
  /** The StopTask reason (starts with STOP_MARKER and the rule). */
  reason: string;
}

export interface SkippedViolation {
  violation: Violation;
  reason: SkipReason;
  detail: string;
}

export interface Plan {
  cluster: string;
  violations: Violation[];
  stops: PlannedStop[];
  skipped: SkippedViolation[];
  dryRun: boolean;
}
