/**
 * Scheduled tasks: what the pure decisions (lib/schedule/decide.ts) read and return. The I/O layer
 * (lib/schedule/aws.ts) fills these from ECS and executes the actions.
 *
 * A run's identity lives in the task itself, so no state is kept for it: every task ecs-ops starts has
 * - `startedBy` `ecs-ops/<schedule>` — ListTasks filters on it: the schedule's running and stopped tasks;
 * - `group` `ecs-ops:<schedule>:<tick>:<attempt>` (tick as `20260101T080000Z`) — ECS puts the group in every task
 *   state change event and in DescribeTasks, so a STOPPED event alone says which run, tick and attempt it ends;
 * - tags `ecs-ops:schedule`, `ecs-ops:tick` (ISO), `ecs-ops:attempt` — the same, for people and the console.
 * RunTask's `clientToken` is derived from schedule, tick and attempt (lib/schedule/identity.ts), so a repeated
 * delivery of one tick returns the task already started instead of starting a second.
 */
import type { ScheduleConfig } from '../config/schema.js';

export type { ScheduleConfig };

/** One container of a task, as ECS reports it (DescribeTasks or the task state change event). */
export interface ContainerView {
  name: string;
  /** Absent when the container never ran (e.g. image pull failure) or was killed before exiting. */
  exitCode?: number | undefined;
  reason?: string | undefined;
  lastStatus?: string | undefined;
}

/** A task of a schedule, normalized from DescribeTasks or an `ECS Task State Change` event. Times are epoch ms. */
export interface TaskView {
  taskArn: string;
  /** Cluster name. */
  cluster: string;
  taskDefinitionArn?: string | undefined;
  group?: string | undefined;
  startedBy?: string | undefined;
  lastStatus: string;
  desiredStatus: string;
  createdAt?: number | undefined;
  startedAt?: number | undefined;
  stoppingAt?: number | undefined;
  stoppedAt?: number | undefined;
  stopCode?: string | undefined;
  stoppedReason?: string | undefined;
  containers: ContainerView[];
  /** `detail.version` of the event (undefined from DescribeTasks). */
  version?: number | undefined;
}

/** Which run a task belongs to (from its group). */
export interface RunRef {
  schedule: string;
  /** Scheduled time of the tick, epoch ms (whole seconds). */
  tickMs: number;
  /** 1 for the tick's first run, 2 for its first retry, … */
  attempt: number;
}

/** The RunTask parameters of one attempt that are not derived from the schedule config. */
export interface RunRequest {
  ref: RunRef;
  /** How many tasks (the schedule's count, or fewer for the rest of a partly placed run). */
  count: number;
  /** `primary`: the schedule's launch type / strategy; `fallback`: its fallbackCapacityProviderStrategy. */
  variant: 'primary' | 'fallback';
}

export type TickDecision =
  | { kind: 'suspended' }
  /** Delivered later than startingDeadlineSeconds after the tick: reported, not run. */
  | { kind: 'missed'; lateMs: number }
  /** A task of this very tick is already there (a duplicated or retried delivery): nothing to do. */
  | { kind: 'duplicate'; taskArns: string[] }
  /** concurrency: forbid, and earlier runs are still going. */
  | { kind: 'skip'; running: TaskView[] }
  /**
   * A late tick that finds runs of later ticks (forbid, replace): skipped. `newerTickMs`: the latest of those ticks;
   * `newer`: their tasks (running or stopped); `pending`: a later tick's pending capacity retry.
   */
  | { kind: 'superseded'; newerTickMs: number; newer: TaskView[]; pending?: PendingCapacityRetry }
  /**
   * Run; under concurrency: replace, stop these tasks first (runs of earlier ticks only). `abandon`: the pending
   * capacity retry of an earlier tick, superseded by this tick (reported abandoned).
   */
  | { kind: 'run'; stop: TaskView[]; abandon?: PendingCapacityRetry };

/** How a stopped task ended. */
export type RunOutcome = 'succeeded' | 'failed' | 'timeout' | 'replaced';

/** Why a run failed (undefined when it succeeded). */
export type FailureCause =
  /** An essential container exited with a non-zero code. */
  | 'exit'
  /** stopCode TaskFailedToStart (image pull, secrets, ENI, …). */
  | 'failed-to-start'
  /** An essential container never ran (no exit code). */
  | 'never-started'
  /** Stopped by someone or something else before it ended (user, Spot interruption, …). */
  | 'stopped'
  /** Stopped by ecs-ops after timeoutSeconds. */
  | 'timeout'
  /** Stopped by ecs-ops for the next tick (concurrency: replace). */
  | 'replaced'
  /** RunTask could not place it (failures[] for lack of capacity, after the fallback strategy and retries). */
  | 'capacity'
  /** RunTask refused it (failures[] other than capacity, or a client error). */
  | 'run-task';

export interface RunResult {
  outcome: RunOutcome;
  cause?: FailureCause | undefined;
  /** Essential containers with their exit codes and reasons. */
  containers: ContainerView[];
  /** The one-line reason: the failing container's reason or the task's stoppedReason. */
  reason: string;
  /** startedAt (or createdAt) → stoppedAt. */
  durationMs?: number | undefined;
}

/** What the reconcile pass does for one schedule. */
export type ReconcileAction =
  | { type: 'stop-timeout'; task: TaskView; ref: RunRef | undefined; reason: string }
  /** A stopped task whose STOPPED event may have been lost: complete it (idempotent: reported once). */
  | { type: 'complete'; task: TaskView }
  /** Start the next attempt of a failed run whose backoff has passed. */
  | { type: 'retry'; request: RunRequest; after: TaskView }
  /** A retry waits: another run of the schedule is still going (concurrency forbid or replace). */
  | { type: 'retry-waits'; ref: RunRef; running: number }
  /** The retry `ref` of a failed run is not made: a later tick (`byTickMs`) has a run. Reported abandoned. */
  | { type: 'retry-superseded'; ref: RunRef; byTickMs: number; reason: string };

/** A capacity retry waiting for its time (RunTask placed nothing: ECS keeps no trace of it, so ecs-ops does). */
export interface PendingCapacityRetry {
  schedule: string;
  tickMs: number;
  /** The attempt to make. */
  attempt: number;
  count: number;
  dueMs: number;
  /** The failures[] reasons of the last attempt. */
  reason: string;
}
