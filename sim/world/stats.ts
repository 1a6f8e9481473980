/**
 * What the world records for the report, independently of who called which API: tasks killed by instance
 * terminations, lifecycle actions and how long instances were held after they were empty, the service floors, and
 * counters. Times are epoch milliseconds of virtual time.
 */

export interface KilledTaskRecord {
  taskArn: string;
  cluster: string;
  /** The service, for service tasks. */
  service: string | undefined;
  group: string;
  /** lastStatus when the instance went away. */
  lastStatus: string;
  ec2InstanceId: string;
  containerInstanceArn: string;
  at: number;
}

/** A task asked to stop while RUNNING (by a user, the service scheduler, an exit): who, why, and whether it was protected. */
export interface TaskStopRecord {
  taskArn: string;
  cluster: string;
  service: string | undefined;
  stopCode: string;
  reason: string;
  /** Task scale-in protection was on when the stop was asked. */
  protected: boolean;
  /** The stop took until STOPPED (ms), set when it got there. */
  stoppedAfterMs: number | undefined;
  /** A container ignored SIGTERM and was killed at its stopTimeout. */
  killedAtStopTimeout: boolean;
  at: number;
}

/** `ecs-managed-draining`: ECS completed its own hook (managed instance draining), through the same API. */
export type LifecycleCompletedBy = 'api' | 'ecs-managed-draining' | 'heartbeat-timeout' | 'global-timeout' | 'instance-terminated';

export interface LifecycleActionRecord {
  ec2InstanceId: string;
  autoScalingGroupName: string;
  lifecycleHookName: string;
  transition: 'autoscaling:EC2_INSTANCE_TERMINATING' | 'autoscaling:EC2_INSTANCE_LAUNCHING';
  lifecycleActionToken: string;
  startedAt: number;
  /**
   * Terminate actions: the first time, while the instance waited in Terminating:Wait, that it had no task whose
   * lastStatus was not STOPPED (the action's start if it was empty already). Undefined if it never was.
   */
  emptyAt: number | undefined;
  completedAt: number | undefined;
  result: 'CONTINUE' | 'ABANDON' | undefined;
  completedBy: LifecycleCompletedBy | undefined;
  /** completedAt − emptyAt: how long an empty instance was held. */
  heldAfterEmptyMs: number | undefined;
  heartbeats: number;
  /** CompleteLifecycleAction calls for this instance and hook after the action had ended ("No active Lifecycle Action"). */
  lateCompletions: number;
}

export interface Counters {
  tasksStarted: number;
  tasksRunning: number;
  tasksStopped: number;
  tasksFailedToStart: number;
  tasksKilledByTermination: number;
  tasksStoppedByUser: number;
  tasksStoppedByScheduler: number;
  tasksExited: number;
  tasksKilledAtStopTimeout: number;
  servicePlacementFailures: number;
  /** AZ rebalancings ECS started (SERVICE_REBALANCING_STARTED). */
  serviceRebalancings: number;
  runTaskPlacementFailures: number;
  instancesLaunched: number;
  instanceLaunchFailures: number;
  instancesTerminated: number;
  containerInstancesRegistered: number;
  containerInstancesDrained: number;
  lifecycleActionsStarted: number;
  lifecycleActionsCompleted: number;
  spotInterruptions: number;
  rebalanceRecommendations: number;
  deploymentsStarted: number;
  deploymentsCompleted: number;
  deploymentsFailed: number;
  serviceScalingActivities: number;
  snsPublished: number;
  agentDisconnects: number;
  agentReconnects: number;
  containerInstancesReregistered: number;
}

export function emptyCounters(): Counters {
  return {
    tasksStarted: 0,
    tasksRunning: 0,
    tasksStopped: 0,
    tasksFailedToStart: 0,
    tasksKilledByTermination: 0,
    tasksStoppedByUser: 0,
    tasksStoppedByScheduler: 0,
    tasksExited: 0,
    tasksKilledAtStopTimeout: 0,
    servicePlacementFailures: 0,
    serviceRebalancings: 0,
    runTaskPlacementFailures: 0,
    instancesLaunched: 0,
    instanceLaunchFailures: 0,
    instancesTerminated: 0,
    containerInstancesRegistered: 0,
    containerInstancesDrained: 0,
    lifecycleActionsStarted: 0,
    lifecycleActionsCompleted: 0,
    spotInterruptions: 0,
    rebalanceRecommendations: 0,
    deploymentsStarted: 0,
    deploymentsCompleted: 0,
    deploymentsFailed: 0,
    serviceScalingActivities: 0,
    snsPublished: 0,
    agentDisconnects: 0,
    agentReconnects: 0,
    containerInstancesReregistered: 0,
  };
}

export class Stats {
  readonly killedTasks: KilledTaskRecord[] = [];
  readonly lifecycleActions: LifecycleActionRecord[] = [];
  readonly taskStops: TaskStopRecord[] = [];
  readonly counters: Counters = emptyCounters();
  /** API operations called, `service.Operation` → count (errors included). */
  readonly apiCalls: Record<string, number> = {};
}
