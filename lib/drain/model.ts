/**
 * Auto-drain: the snapshot the pure decision reads and the actions it returns. The I/O layer (lib/drain/gather.ts,
 * lib/drain/act.ts) fills the snapshot from AWS with the fewest calls the batch limits allow and executes the actions;
 * `decide` (lib/drain/decide.ts) never talks to AWS. Both the event handlers and the reconcile pass call `decide`.
 *
 * State lives in AWS, not in ecs-ops: the lifecycle state in the ASG (`Terminating:Wait`), the drain in ECS
 * (`DRAINING`), and what ecs-ops did in custom attributes on the container instance: when it started the drain and
 * with how many tasks (`ecs-ops.drain.started-at`, `ecs-ops.drain.tasks`, written with DRAINING, before any notice),
 * whether the drain-started notice is owed or delivered (`ecs-ops.drain.start-notice`), and that it completed its own
 * lifecycle action (`ecs-ops.drain.completed`), so a drain held by another hook is completed and reported once.
 */

/** Custom container-instance attributes ecs-ops writes when it starts a drain. */
export const DRAIN_STARTED_ATTRIBUTE = 'ecs-ops.drain.started-at';
export const DRAIN_TASKS_ATTRIBUTE = 'ecs-ops.drain.tasks';
/** `pending:<started-at>` (a drain-started notice is owed) or `sent:<started-at>` (delivered), for that drain only. */
export const DRAIN_START_NOTICE_ATTRIBUTE = 'ecs-ops.drain.start-notice';
/** `<completed-at>/<hook>`: ecs-ops completed its lifecycle action (hook `<hook>`) for this drain at `<completed-at>`. */
export const DRAIN_COMPLETED_ATTRIBUTE = 'ecs-ops.drain.completed';
/** ECS attribute values are at most 128 characters. */
export const ATTRIBUTE_VALUE_MAX = 128;
/**
 * No lifecycle action waits longer than 48 hours (the global timeout is min(48 h, 100 × heartbeat timeout), EC2 Auto
 * Scaling user guide, "Amazon EC2 Auto Scaling lifecycle hooks"): a completion mark older than that cannot belong to
 * the action an instance waits in now.
 */
export const MAX_LIFECYCLE_ACTION_MS = 48 * 3600_000;

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
        /** The drain-started notice of this drain (`drainStartedAt`): owed (`pending`) or delivered (`sent`). */
        startNotice?: 'pending' | 'sent' | undefined;
        /** What triggered the drain-started notice still owed (`startNotice: pending`), when recorded. */
        startTrigger?: InstanceSnapshot['trigger'] | undefined;
        /** When ecs-ops completed its lifecycle action of hook `hook` for the instance (the `completed` attribute). */
        completed?: { at: number; hook: string } | undefined;
        /** Every task on the instance not yet STOPPED by lastStatus; undefined when not fetched. */
        tasks?: DrainTask[] | undefined;
        /** Epoch ms the last task listed STOPPED on the instance stopped (when ECS still lists one): when it emptied. */
        lastTaskStoppedAt?: number | undefined;
      }
    | undefined;
  /** For a lifecycle event: its `time` (epoch ms), when the ASG started that lifecycle action. */
  lifecycleActionAt?: number | undefined;
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
  /**
   * The configured ASGs ECS itself drains (managed instance draining, lib/drain/managed-draining.ts), by ASG name:
   * ecs-ops stands aside on those (decide rule 14). Absent or empty: ecs-ops drains every configured ASG.
   */
  ecsDrainedAsgs?: Readonly<Record<string, EcsDrainedAsg>> | undefined;
}

/** An ASG whose terminating instances ECS drains (managed instance draining). */
export interface EcsDrainedAsg {
  /** The capacity provider with managedDraining ENABLED, when one was seen. */
  capacityProvider?: string | undefined;
  /** ECS's terminate hook on the ASG (`ecs-managed-draining-termination-hook`), when it is there. */
  hookName?: string | undefined;
  evidence: string;
}

export type DrainAction =
  | {
      type: 'complete';
      ec2InstanceId: string;
      asg: string;
      hook: string;
      result: 'CONTINUE';
      /** `ecs-drains`: ecs-ops's own hook, released at once on an ASG ECS drains (rule 14). */
      reason: 'not-in-ecs' | 'empty' | 'deadline' | 'not-waiting' | 'ecs-drains';
    }
  | { type: 'heartbeat'; ec2InstanceId: string; asg: string; hook: string }
  | {
      type: 'set-draining';
      cluster: string;
      containerInstanceArn: string;
      ec2InstanceId: string;
      tasks: number;
      /** A new drain of an instance whose earlier drain ecs-ops completed: its start is recorded afresh. */
      restart?: true | undefined;
    }
  | { type: 'stop-task'; cluster: string; taskArn: string; ec2InstanceId: string; reason: string }
  /** Records when ecs-ops first saw ECS's own drain (the drain-started attributes), without touching its state (rule 14). */
  | { type: 'observe-drain'; cluster: string; containerInstanceArn: string; ec2InstanceId: string; tasks: number }
  | { type: 'notify'; notification: DrainNotification };

export type DrainNotification =
  | { kind: 'drain-started'; ec2InstanceId: string; cluster: string; asg?: string | undefined; tasks: number; trigger: InstanceSnapshot['trigger'] }
  | { kind: 'drain-completed'; ec2InstanceId: string; cluster: string; asg: string; durationMs?: number | undefined; tasksMoved?: number | undefined }
  | { kind: 'drain-forced'; ec2InstanceId: string; cluster: string; asg: string; durationMs?: number | undefined; remaining: DrainTask[] }
  | {
      kind: 'drain-overdue';
      ec2InstanceId: string;
      cluster: string;
      asg: string;
      /** The capacity provider whose managed draining drains the instance, when known. */
      capacityProvider?: string | undefined;
      durationMs: number;
      remaining: DrainTask[];
      /** True when ecs-ops completed ECS's hook (drain.managedDraining: complete-at-deadline). */
      completedEcsHook: boolean;
    }
  | { kind: 'drain-blocked'; ec2InstanceId: string; cluster: string; asg?: string | undefined; services: { serviceName: string; why: 'min-max-100' | 'no-capacity' }[]; standaloneTasks: number };
