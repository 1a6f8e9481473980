/**
 * Auto-drain: the snapshot the pure decision reads and the actions it returns. The I/O layer (lib/drain/gather.ts,
 * lib/drain/act.ts) fills the snapshot from AWS with the fewest calls the batch limits allow and executes the actions;
 * `decide` (lib/drain/decide.ts) never talks to AWS. Both the event handlers and the reconcile pass call `decide`.
 *
 * State lives in AWS, not in ecs-ops: the lifecycle state in the ASG (`Terminating:Wait`), the drain in ECS
 * (`DRAINING`), and when ecs-ops started a drain in two custom attributes on the container instance
 * (`ecs-ops.drain.started-at`, `ecs-ops.drain.tasks`), written when it sets DRAINING.
 */

/** Custom container-instance attributes ecs-ops writes when it starts a drain. */
export const DRAIN_STARTED_ATTRIBUTE = 'ecs-ops.drain.started-at';
export const DRAIN_TASKS_ATTRIBUTE = 'ecs-ops.drain.tasks';

/**
 * ASG lifecycle states in which a terminate lifecycle action is waiting for ecs-ops: an instance being terminated
 * (`Terminating:Wait`), returning to a warm pool under an instance reuse policy (`Warmed:Pending:Wait`), or terminated
 * from the warm pool itself (`Warmed:Terminating:Wait`: usually stopped and not in ECS, so completed at once).
 */
export const WAITING_STATES = ['Terminating:Wait', 'Warmed:Pending:Wait', 'Warmed:Terminating:Wait'] as const;

/** A terminate lifecycle hook ecs-ops owns: `clusters[].asgs[]` with `drain: true` and its `lifecycleHook`. */
export interface ManagedHook {
  asg: string;
  hook: string;
}

export interface HookSettings {
  asg: string;
  hook: string;
  /** Seconds; the ASG completes with `defaultResult` if no heartbeat or completion arrives within it. */
  heartbeatTimeoutSeconds: number;
  defaultResult: 'CONTINUE' | 'ABANDON';
  /** min(48 h, 100 × heartbeat timeout): no heartbeat keeps the action beyond it. */
  globalTimeoutSeconds: number;
}

export interface DrainTask {
  taskArn: string;
  /** `service:<name>` for service tasks; anything else is standalone (RunTask). */
  group?: string | undefined;
  lastStatus: string;
  desiredStatus: string;
  /** True for tasks of a DAEMON service (ECS stops them last, on its own). */
  daemon?: boolean | undefined;
}

export interface DrainService {
  cluster: string;
  serviceName: string;
  minimumHealthyPercent: number;
  maximumPercent: number;
  desiredCount: number;
  runningCount: number;
  schedulingStrategy: 'REPLICA' | 'DAEMON';
  /** The service's latest events mention that it cannot place tasks (no capacity for replacements). */
  unableToPlace: boolean;
}

/** One EC2 instance ecs-ops may have to drain, with everything known about it. */
export interface InstanceSnapshot {
  ec2InstanceId: string;
  /** The ASG and hook it belongs to (configured ASGs only), when the ASG knows the instance. */
  asg?: { name: string; lifecycleState: string; hook: HookSettings } | undefined;
  /** The container instance, when registered in a configured cluster. */
  container?:
    | {
        cluster: string;
        containerInstanceArn: string;
        /** ACTIVE, DRAINING, REGISTERING, … */
        status: string;
        agentConnected: boolean;
        /** Epoch ms ecs-ops set DRAINING (from the custom attribute), if it did. */
        drainStartedAt?: number | undefined;
        /** How many tasks were on the instance when ecs-ops started the drain. */
        tasksAtStart?: number | undefined;
        /** Every task on the instance not yet STOPPED by lastStatus; undefined when not fetched. */
        tasks?: DrainTask[] | undefined;
        /** Epoch ms the last task listed STOPPED on the instance stopped (when ECS still lists one): when it emptied. */
        lastTaskStoppedAt?: number | undefined;
      }
    | undefined;
  /** What triggered this look: a lifecycle event, a Spot warning, a container instance event, or the reconcile pass. */
  trigger: 'lifecycle-action' | 'spot-interruption' | 'rebalance-recommendation' | 'container-instance-change' | 'reconcile';
}

export interface DrainSnapshot {
  /** Epoch ms. */
  now: number;
  instances: InstanceSnapshot[];
  /** Services with tasks on draining instances, by `cluster/serviceName`. */
  services: Record<string, DrainService>;
  /** The reconcile pass interval (ms): heartbeats and deadlines are planned so a missed pass does no harm. */
  reconcileIntervalMs: number;
  /**
   * The ASG + hook pairs of the config (`managedHooks(config)` in lib/drain/decide.ts builds them). `decide` completes
   * or heartbeats an instance only when its `asg.name` and `asg.hook.hook` are one of these: an instance of another ASG,
   * or a hook ecs-ops does not own, is never completed, whatever the rest of the snapshot says.
   */
  managedHooks: readonly ManagedHook[];
}

export type DrainAction =
  | { type: 'complete'; ec2InstanceId: string; asg: string; hook: string; result: 'CONTINUE'; reason: 'not-in-ecs' | 'empty' | 'deadline' | 'not-waiting' }
  | { type: 'heartbeat'; ec2InstanceId: string; asg: string; hook: string }
  | { type: 'set-draining'; cluster: string; containerInstanceArn: string; ec2InstanceId: string; tasks: number }
  | { type: 'stop-task'; cluster: string; taskArn: string; ec2InstanceId: string; reason: string }
  | { type: 'notify'; notification: DrainNotification };

export type DrainNotification =
  | { kind: 'drain-started'; ec2InstanceId: string; cluster: string; asg?: string | undefined; tasks: number; trigger: InstanceSnapshot['trigger'] }
  | { kind: 'drain-completed'; ec2InstanceId: string; cluster: string; asg: string; durationMs?: number | undefined; tasksMoved?: number | undefined }
  | { kind: 'drain-forced'; ec2InstanceId: string; cluster: string; asg: string; durationMs?: number | undefined; remaining: DrainTask[] }
  | { kind: 'drain-blocked'; ec2InstanceId: string; cluster: string; asg?: string | undefined; services: { serviceName: string; why: 'min-max-100' | 'no-capacity' }[]; standaloneTasks: number };
