/**
 * The simulation report: what `runScenario` returns, `ecs-ops simulate --report json` prints, and the text and HTML
 * reports render. Times are ISO 8601 (virtual time) with `t`, the seconds since the scenario's start. Everything in it
 * follows from the scenario and the seed, except `wallTimeMs`.
 */

export interface TimelineItem {
  at: string;
  t: number;
  /**
   * `action` (a timeline action applied), `note`, `event` (a world event worth a line; task and container instance
   * state changes only when a rule delivers them), `fault` (event and API faults, Slack replies), a function's short
   * name (`alerts`: what it did with an event), `killed` (tasks lost with their instance), `hook` (a lifecycle
   * action that ended), `error` (a failed action or invocation, a dead letter).
   */
  kind: string;
  text: string;
}

export interface NotificationItem {
  at: string;
  t: number;
  /** The config's channel name (for Slack: the sink name of notifications.slackParameters). */
  channel: string;
  via: 'slack' | 'sns';
  /** The alert kind, from the function's result (e.g. `deployment-failed`). */
  kind: string | undefined;
  /** Short name of the function that sent it. */
  function: string | undefined;
  eventId: string | undefined;
  /** Slack: the message's top-level `text`; SNS: the subject. */
  title: string;
  /** Slack: the text of the blocks; SNS: the message. */
  text: string;
  /** Slack: the HTTP status the sink answered (a 4xx/5xx post was not delivered). */
  status: number | undefined;
  delivered: boolean;
  /** SNS message attributes (severity, kind, cluster, service). */
  attributes: Record<string, string> | undefined;
  /** Slack: the webhook body as received (Block Kit JSON). */
  body: unknown;
}

export interface FunctionStats {
  name: string;
  logicalId: string;
  invocations: number;
  /** Invocations that failed (Lambda retries them). */
  errors: number;
  coldStarts: number;
  /** Invocations that were Lambda retries (attempt 2 or 3). */
  retries: number;
  /** Results by their `status` field (e.g. alerted, skipped), when the handler returns one. */
  results: Record<string, number>;
}

export interface LifecycleActionItem {
  instance: string;
  asg: string;
  hook: string;
  transition: 'terminating' | 'launching';
  started: string;
  /** When the instance had no task left (terminate actions). */
  emptyAt: string | undefined;
  completed: string | undefined;
  result: string | undefined;
  /** `api` (CompleteLifecycleAction), `heartbeat-timeout`, `global-timeout`, `instance-terminated`. */
  completedBy: string | undefined;
  heldAfterEmptySeconds: number | undefined;
  heartbeats: number;
  /** CompleteLifecycleAction calls after the action had ended (answered "No active Lifecycle Action"). */
  lateCompletions: number;
}

/** An instance ecs-ops had to drain: a terminate lifecycle action started, or a Spot interruption warning. */
export interface DrainItem {
  instance: string;
  asg: string | undefined;
  trigger: 'lifecycle-action' | 'spot-interruption';
  triggeredAt: string;
  /** Whether the instance was registered with ECS when it was triggered (an instance that was not has nothing to drain). */
  registered: boolean;
  /** The first time its container instance went DRAINING (from the world's ECS Container Instance State Change). */
  drainingAt: string | undefined;
  /** drainingAt − triggeredAt (0 when it was DRAINING already). */
  drainingAfterSeconds: number | undefined;
  /** When the EC2 instance terminated, if it did. */
  terminatedAt: string | undefined;
}

export interface KilledTaskItem {
  at: string;
  cluster: string;
  service: string | undefined;
  task: string;
  instance: string;
  lastStatus: string;
}

export interface ServiceItem {
  cluster: string;
  service: string;
  desired: number;
  running: number;
  minimumHealthyPercent: number;
  /** The lowest number of RUNNING tasks seen, and the minimum healthy count at that moment. */
  lowestRunning: number;
  lowestRunningAt: string;
  minimumHealthyAtLowest: number;
  /** Times the service fell below ceil(minimumHealthyPercent × desired). */
  belowMinimum: { at: string; running: number; minimumHealthy: number; desired: number; stoppedReason: string | undefined }[];
}

export interface DeadLetterItem {
  at: string;
  function: string;
  eventId: string;
  detailType: string | undefined;
  condition: string;
  attempts: number;
  error: string | undefined;
  /** False when the function's role could not send the record to its on-failure destination (lost). */
  delivered: boolean;
}

/** A call the simulated account refused because the caller's role does not allow it (sim/iam). */
export interface DenialItem {
  at: string;
  t: number;
  /** The caller: a function's short name, `operator` (the CLI), or Scheduler with a schedule's role. */
  principal: string;
  /** The API call (`ecs:ListTasks`), or what AWS did for the caller (`scheduler:InvokeTarget`, `lambda:OnFailureDestination`). */
  operation: string;
  /** The IAM action denied (iam:PassRole and ecs:TagResource are denied within ecs:RunTask). */
  action: string;
  resource: string;
  /** The resource came from the deviation table (sim/iam/deviations.ts). */
  deviation: boolean;
}

export interface IamReport {
  denials: DenialItem[];
  /** Denials by principal, then by `operation → action on resource`. */
  byPrincipal: Record<string, Record<string, number>>;
  /** IAM decisions evaluated by the policy engine, and answered from the decision cache. */
  decisions: { evaluated: number; cached: number };
  /**
   * Per function that made calls: the actions its role grants that it was never allowed in this run (one run cannot
   * prove a grant unused; across every scenario it can point at one).
   */
  unusedGrants: Record<string, string[]>;
}

export interface FleetSampleItem {
  at: string;
  t: number;
  /** Per AZ: instances by phase, RUNNING tasks by service, tasks not yet RUNNING. */
  zones: Record<string, { instances: { pending: number; inService: number; terminating: number }; running: Record<string, number>; pending: number }>;
  /**
   * Per `cluster/service`: desiredCount and runningCount as DescribeServices would report them, and whether the
   * service's last placement attempt failed (a shortfall that is a placement failure, not tasks still starting).
   */
  services: Record<string, { desired: number; running: number; placementBlocked: boolean }>;
}

export interface ExpectationResult {
  /** The expectation's name (`notification`, `noTasksKilled`, …) or the invariant's. */
  type: string;
  description: string;
  passed: boolean;
  /** What was found. */
  detail: string;
  /** Checked on every run, not written in the scenario. */
  invariant: boolean;
  /** Line of the expectation in the scenario file. */
  line: number | undefined;
}

/** Placement policy facts (sim/scenario/placement.ts): violations every simulated minute, ecs-ops's placement stops. */
export interface PlacementReport {
  samples: { at: string; amounts: Record<string, number>; messages: string[] }[];
  stops: { at: string; cluster: string; service: string | undefined; task: string; reason: string; deploymentInProgress: boolean; daemon: boolean; running: number; minimumHealthy: number }[];
}

export interface SimulationReport {
  scenario: { name: string; description: string | undefined; file: string | undefined };
  seed: number;
  region: string;
  virtual: { start: string; end: string; durationSeconds: number };
  /** Real time the run took (the only field that differs between runs with the same seed). */
  wallTimeMs: number;
  passed: boolean;
  fleet: {
    availabilityZones: string[];
    /** `cluster/service`. */
    services: string[];
    asgs: { name: string; cluster: string; instanceType: string; spot: boolean; availabilityZones: string[] }[];
  };
  events: {
    /** Events the world emitted. */
    emitted: number;
    byDetailType: Record<string, number>;
    /** Events put on the bus by `emit` actions. */
    injected: number;
    /** Deliveries to functions (duplicates included), and those the event faults dropped or duplicated. */
    deliveries: number;
    dropped: number;
    duplicated: number;
    /** Each delivery an event fault dropped or duplicated (rate faults and dropNextEvent / duplicateNextEvent), in order. */
    faults?: EventFaultItem[];
  };
  invocations: { total: number; errors: number; byFunction: Record<string, FunctionStats> };
  apiCalls: {
    total: number;
    byOperation: Record<string, number>;
    failed: Record<string, number>;
    injectedFaults: number;
    /** The calls that reached the simulated AWS during an invocation, by function, operation and what they named. */
    byCaller?: ApiCallerItem[];
  };
  lifecycleActions: LifecycleActionItem[];
  /** Instances to drain (terminate lifecycle actions, Spot interruption warnings) and when they went DRAINING. */
  drains: DrainItem[];
  tasksKilled: { count: number; byService: Record<string, number>; tasks: KilledTaskItem[] };
  /** Every RUNNING task asked to stop (by anyone), with its reason, protection and how long the stop took. */
  taskStops?: TaskStopItem[];
  /** Present when the config has placement policies. */
  placement?: PlacementReport | undefined;
  services: ServiceItem[];
  notifications: NotificationItem[];
  deadLetters: DeadLetterItem[];
  /** IAM: every call is authorized against its caller's role (sim/iam). */
  iam: IamReport;
  timeline: TimelineItem[];
  /** The fleet every simulated minute. */
  samples: FleetSampleItem[];
  expectations: ExpectationResult[];
  /** The world's counters (tasks started, placement failures, instances launched, …). */
  counters: Record<string, number>;
  /** Tasks started by the schedule runner (startedBy `ecs-ops/<schedule>`), as their last state change showed them. */
  scheduledTasks?: ScheduledTaskItem[];
  /** ECS's AZ rebalancings (SERVICE_REBALANCING_STARTED, and _COMPLETED if it came), in order. */
  azRebalancings?: { cluster: string; service: string; startedAt: string; completedAt: string | undefined }[];
  /** Each ASG at the end: desired capacity (and its range over the minute samples), instances and their scale-in protection. */
  autoScalingGroups?: AutoScalingGroupItem[];
  /** CapacityProviderReservation each minute (M instances needed, N running), for providers with managed scaling. */
  capacityProviderReservations?: { at: string; t: number; capacityProvider: string; value: number; m: number; n: number }[];
}

export interface AutoScalingGroupItem {
  name: string;
  desiredCapacity: number;
  /** Highest and lowest desired capacity seen (start, every simulated minute, end). */
  highestDesired: number;
  lowestDesired: number;
  instances: { id: string; lifecycleState: string; protectedFromScaleIn: boolean }[];
}

/** A delivery an event fault dropped or duplicated. */
export interface EventFaultItem {
  at: string;
  kind: 'dropped' | 'duplicated';
  eventId: string;
  detailType: string;
  /** The function it was (or was not) delivered to (short name), when known. */
  function: string | undefined;
  /** `rate` (faults.events), or `action` (dropNextEvent / duplicateNextEvent). */
  by: 'rate' | 'action';
}

/** Calls of one function to one operation naming one cluster / ASG / hook. */
export interface ApiCallerItem {
  function: string;
  /** `service:Operation`. */
  operation: string;
  cluster: string | undefined;
  asg: string | undefined;
  hook: string | undefined;
  calls: number;
  /** Of those, refused by the simulated AWS with an error. */
  errors: number;
}

export interface TaskStopItem {
  at: string;
  cluster: string;
  service: string | undefined;
  task: string;
  stopCode: string;
  reason: string;
  protected: boolean;
  stoppedAfterSeconds: number | undefined;
  killedAtStopTimeout: boolean;
}

/** A task the schedule runner started, from the world's task state change events (delivered or not). */
export interface ScheduledTaskItem {
  task: string;
  schedule: string;
  /** `ecs-ops:<schedule>:<tick>:<attempt>`. */
  group: string | undefined;
  createdAt: string | undefined;
  startedAt: string | undefined;
  /** When a stop was asked for (desiredStatus STOPPED; the job's run ends here). */
  stoppingAt: string | undefined;
  stoppedAt: string | undefined;
  lastStatus: string;
  stopCode: string | undefined;
  stoppedReason: string | undefined;
  exitCodes: Record<string, number | null>;
  /** The capacity provider it ran on (task `capacityProviderName`), if any. */
  capacityProvider?: string | undefined;
}
