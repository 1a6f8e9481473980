/**
 * Scaling digest: the plain data the pure core reads (a {@link DigestSnapshot}, gathered from Application Auto Scaling,
 * EC2 Auto Scaling and ECS) and what it produces (a {@link Digest}). Times are epoch milliseconds.
 */
import type { DaemonOnlyProtected } from './protected-daemon-only.js';

/** The window a digest covers: `[start, end)`. */
export interface DigestWindow {
  start: number;
  end: number;
}

/** One Application Auto Scaling activity of an ECS service (`DescribeScalingActivities`, namespace `ecs`). */
export interface AasActivityInput {
  activityId: string;
  /** `service/<cluster>/<service>`. */
  resourceId: string;
  description: string;
  cause: string;
  /** `Successful | Pending | InProgress | Overridden | Unfulfilled | Failed`. */
  statusCode: string;
  statusMessage?: string | undefined;
  startTime: number;
  endTime?: number | undefined;
  /** `NotScaledReasons[].Code` (AlreadyAtMaxCapacity, …) with the bound it hit. */
  notScaled?: { code: string; max?: number | undefined; min?: number | undefined; current?: number | undefined }[] | undefined;
}

/** One EC2 Auto Scaling activity of an ASG (`DescribeScalingActivities`). */
export interface AsgActivityInput {
  activityId: string;
  asg: string;
  description: string;
  cause: string;
  /** `Successful | Failed | Cancelled | InProgress | WaitingFor… | …`. */
  statusCode: string;
  statusMessage?: string | undefined;
  startTime: number;
  endTime?: number | undefined;
  /** The `Details` JSON string (`{"Subnet ID": …, "Availability Zone": …}`). */
  details?: string | undefined;
}

/** A service's scheduler event (`DescribeServices` `events[]`: the 100 latest). */
export interface ServiceEventInput {
  id: string;
  createdAt: number;
  message: string;
}

/** A deployment as `DescribeServices` reports it (PRIMARY and ACTIVE ones). */
export interface DeploymentInput {
  id: string;
  status: string;
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  failedTasks: number;
  createdAt: number;
  updatedAt: number;
  rolloutState?: string | undefined;
  rolloutStateReason?: string | undefined;
}

/** A service at gather time (`DescribeServices`). */
export interface ServiceInput {
  name: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  events: ServiceEventInput[];
  deployments: DeploymentInput[];
  /** REPLICA or DAEMON (DescribeServices): tells daemon-only instances. */
  schedulingStrategy?: string | undefined;
}

/** An ASG at gather time (`DescribeAutoScalingGroups`). */
export interface AsgInput {
  name: string;
  desired: number;
  min: number;
  max: number;
  /** Instances in the group not terminating. */
  instances: number;
  /** InService instances with ProtectedFromScaleIn (candidates for the daemon-only report). */
  protectedInstances?: string[] | undefined;
}

/**
 * Something ecs-ops itself did in the window. Every capability can feed these through an {@link OpsSource}; the
 * digest lists them under "ecs-ops" in time order.
 */
export interface OpsRecord {
  kind: 'drain' | 'placement' | 'scheduled-run';
  /** When it started. */
  at: number;
  /** What it acted on: an instance id, a task, a schedule name. */
  subject: string;
  outcome: 'completed' | 'in-progress' | 'forced' | 'failed' | 'succeeded' | 'acted';
  durationMs?: number | undefined;
  /** One line in the operator's words. */
  detail: string;
  service?: string | undefined;
  asg?: string | undefined;
}

/** A provider of {@link OpsRecord}s for one cluster and window. */
export interface OpsSource {
  name: string;
  collect(cluster: string, window: DigestWindow): Promise<OpsRecord[]>;
}

export interface DigestSnapshot {
  cluster: string;
  window: DigestWindow;
  /** When the snapshot was taken (≥ window end): current counts are "at gather time". */
  gatheredAt: number;
  services: ServiceInput[];
  /** The services' activities, newest first or in any order; may include activities outside the window. */
  aasActivities: AasActivityInput[];
  /** Resource ids whose activities were not paged back to the window start (an API error): counts are partial. */
  incompleteResources?: string[];
  asgs: AsgInput[];
  asgActivities: AsgActivityInput[];
  ops: OpsRecord[];
  region?: string | undefined;
  /** Instances kept protected from scale-in while running only DAEMON tasks (protected-daemon-only.ts). */
  daemonOnlyProtected?: DaemonOnlyProtected[] | undefined;
  /** Why they could not be read, if they could not. */
  daemonOnlyError?: string | undefined;
}

// ---- what the digest says ------------------------------------------------------------------------------------------

export type Cause =
  | { kind: 'target-tracking'; alarm: string; policy: string; high: boolean | undefined; text: string }
  | { kind: 'alarm'; alarm: string; policy: string; text: string }
  | { kind: 'scheduled'; action: string; text: string }
  | { kind: 'manual'; text: string }
  | { kind: 'capacity'; text: string }
  | { kind: 'health'; text: string }
  | { kind: 'spot'; text: string }
  | { kind: 'other'; text: string };

export interface Change {
  at: number;
  /** Unknown only for a first change whose previous count could not be reconstructed. */
  from: number | undefined;
  /**
   * `from` is the running count just before the change (from the service events), not a recorded desired count: the
   * service had no earlier scaling activity in the six weeks Application Auto Scaling keeps.
   */
  fromEstimated?: boolean;
  to: number;
  direction: 'out' | 'in' | 'set';
  /** `to - from`, absolute; undefined with `from`. */
  size: number | undefined;
  cause: Cause;
}

export interface CountRange {
  start: number | undefined;
  end: number;
  min: number;
  max: number;
}

export interface DeploymentSummary {
  id: string;
  taskDefinition?: string | undefined;
  startedAt?: number | undefined;
  endedAt?: number | undefined;
  outcome: 'completed' | 'failed' | 'rolled-back' | 'rollback' | 'in-progress';
  reason?: string | undefined;
}

/** A scaling attempt that did not change the count (at max, at min). */
export interface Blocked {
  at: number;
  reason: string;
  cause: Cause;
}

export interface ServiceSeries {
  service: string;
  desired: CountRange;
  /** Reconstructed from the service events (tasks started / stopped); `approximate` when the 100 events do not reach back. */
  running: CountRange & { approximate: boolean };
  /** `[at, desired]` points across the window, first at the window start, last at its end. */
  points: [number, number][];
  changes: Change[];
  blocked: Blocked[];
  deployments: DeploymentSummary[];
  /** Placement failures and other warnings from the service events in the window, deduplicated. */
  problems: string[];
  /** Higher is busier: changes, deployments and the span of the count. */
  activity: number;
}

export interface FailedLaunch {
  at: number;
  reason: 'insufficient-capacity' | 'quota' | 'other';
  az?: string | undefined;
  instanceType?: string | undefined;
  message: string;
}

export interface AsgSeries {
  asg: string;
  desired: CountRange;
  instances: CountRange;
  points: [number, number][];
  changes: Change[];
  launched: number;
  terminated: number;
  failedLaunches: FailedLaunch[];
  activity: number;
}

export interface Digest {
  cluster: string;
  window: DigestWindow;
  /** Services that changed, busiest first. */
  services: ServiceSeries[];
  /** Services with nothing to say (folded into one line), by name, with their desired count. */
  quiet: { service: string; desired: number }[];
  asgs: AsgSeries[];
  ops: OpsRecord[];
  /** Nothing scaled, nothing deployed, ecs-ops did nothing. */
  empty: boolean;
  /** Data the digest could not read completely. */
  warnings: string[];
  /** Instances kept protected from scale-in while running only DAEMON tasks, at gather time. */
  daemonOnlyProtected?: DaemonOnlyProtected[] | undefined;
  region?: string | undefined;
}
