/**
 * Auto-drain decision: a pure function of a snapshot (lib/drain/model.ts) and the `drain` config section. It never
 * talks to AWS and never reads the clock: `now` is the snapshot's unless given.
 *
 * Words: an instance is *managed* when its `asg.name` + `asg.hook.hook` is one of `snapshot.managedHooks` (and the hook
 * settings are that ASG's); it is *waiting* when it is managed and its `lifecycleState` is one of `WAITING_STATES`
 * (`Terminating:Wait`; `Warmed:Pending:Wait` for an instance returning to a warm pool, `Warmed:Terminating:Wait` for
 * one terminated from it). *Tasks* are the container
 * instance's tasks whose lastStatus is not STOPPED; they are *known* when the snapshot has them (`tasks` defined) and
 * *empty* when known and none is left. *Service tasks* have group `service:<name>` and are not DAEMON tasks; DAEMON
 * tasks are stopped last by ECS itself and never wait for anything; *standalone tasks* are the others. Times are epoch
 * ms; I = `snapshot.reconcileIntervalMs`, T = the hook's heartbeat timeout, G = its global timeout.
 *
 * Rules (each is tested in test/drain/decide.test.ts, the safety ones as properties in decide.property.test.ts):
 *  1. Only waiting instances are ever completed or heartbeated. Nothing else is completed: not another ASG, not a
 *     hook ecs-ops does not own, not an instance in service, terminated, or waiting on a launch hook.
 *  2. Waiting, and no container instance in the configured clusters, or it is INACTIVE / DEREGISTERING /
 *     REGISTRATION_FAILED → `complete` CONTINUE `not-in-ecs`, at once (never wait out the hook for an instance that
 *     runs nothing for ECS). Any other status but ACTIVE and DRAINING (REGISTERING, unknown) → nothing: the next look
 *     decides, and the hook's own timeout bounds the wait.
 *  3. Waiting, container ACTIVE → `set-draining` (tasks = how many tasks are on it that ECS is not already stopping,
 *     desiredStatus not STOPPED; 0 when not known) + `heartbeat` (the heartbeat timer then starts with the drain), and
 *     `notify drain-started` when `notifyStart` or the trigger is a Spot interruption (rule 10). Tasks known and
 *     empty → also `complete` `empty` (after set-draining, so nothing lands meanwhile) + `notify drain-completed`
 *     (tasksMoved 0, duration 0: "no tasks to move"; completions are always reported). The drain-started attributes
 *     are written by the I/O with the set-draining, before any notice, whatever becomes of the notice: the deadline
 *     and the heartbeat schedule count from DRAINING, never from a notice getting through.
 *  1a. Waiting, DRAINING, and ecs-ops already completed its own lifecycle action for this drain (the `completed`
 *     attribute names this instance's hook, is not older than `drainStartedAt` nor than 48 h, the longest any lifecycle
 *     action waits, and is not older than the lifecycle event being looked at) → nothing but an owed drain-started
 *     notice (rule 13): another hook (another tool's, ECS's managed draining) holds the instance in
 *     `Terminating:Wait`; the drain was completed and reported once. A mark that fails only the age or event test
 *     belongs to an earlier lifecycle action of a reused instance: the drain is adopted afresh (rule 4, `restart`).
 *  4. Waiting, DRAINING without `drainStartedAt` (drained by someone else, or the attribute write was lost), not
 *     known empty → adopt: `set-draining` (idempotent; the I/O writes the attributes) + `heartbeat` (+ drain-started
 *     as in rule 3). Deadline, heartbeat schedule and blocked detection start from the adoption.
 *  5. Waiting, DRAINING, tasks known and empty → `complete` `empty` + `notify drain-completed` (duration = now −
 *     drainStartedAt and tasksMoved = tasksAtStart, when ecs-ops started the drain). Tasks not known → no completion
 *     of any kind (neither `empty` nor `deadline`): the heartbeats of rule 7 go on until the deadline and stop there, so
 *     the hook's own timeout ends a drain ecs-ops cannot see.
 *  6. Waiting, DRAINING, tasks known and not empty, now ≥ deadline → `complete` `deadline` + `notify drain-forced`
 *     with the remaining tasks. deadline = min(drainStartedAt + config.deadline, drainStartedAt + G − 2·I): the margin
 *     applies to the global timeout only, so the pass at or after the deadline (or the one after, if that one is lost)
 *     still comes before the ASG gives up on its own. Nothing else is done on that pass.
 *  7. Heartbeats (DRAINING with drainStartedAt, not empty, before the deadline): with elapsed = now − drainStartedAt
 *     and period P = T − 3·I, when P ≥ I a heartbeat is sent when elapsed ≥ P and (elapsed mod P) < 2·I. Every window
 *     of 2·I holds two passes, so one lost pass does no harm, and two heartbeats are at most P + 2·I = T − I apart.
 *     When P < I (a hook timeout shorter than four passes) a heartbeat goes on every pass: that is all decide can do,
 *     and it only holds while passes are shorter than T (config check should warn about such hooks).
 *  8. Standalone tasks, with `standaloneTasks: stop`: once no service task is left on a DRAINING instance (DAEMON tasks
 *     may remain), `stop-task` each standalone task not already being stopped (desiredStatus not STOPPED), with reason
 *     `ecs-ops: draining container instance <EC2 instance id> for <asg> scale-in` (≤ 255 characters, the ASG name is
 *     shortened to fit). With `wait` nothing is done to them: they hold the drain until they end or the deadline.
 *     DAEMON tasks never hold a drain: ECS stops them itself once no other task is left ("the last task to stop"), so
 *     they are not reported as blocking; when no service or standalone task is left and a DAEMON task still has
 *     desiredStatus RUNNING (ECS has not stopped it), `stop-task` it (reason {@link daemonStopReason}), whatever the
 *     `standaloneTasks` policy: it is what ECS does at that point, and the instance is then empty.
 *  9. Blocked: service tasks ECS is not already stopping (desiredStatus not STOPPED: one being stopped is moving)
 *     remain on a DRAINING instance at least 2·I after drainStartedAt, and their service
 *     (`snapshot.services['cluster/serviceName']`) has minimumHealthyPercent = maximumPercent = 100 (`min-max-100`:
 *     it can neither stop nor start a task) or `unableToPlace` (`no-capacity`) → `notify drain-blocked` naming those
 *     services (sorted; min-max-100 wins when both hold) and, with `standaloneTasks: wait`, how many standalone tasks
 *     wait as well (not counting those being stopped; 0 with `stop`). Sent on every look while true: the notifier
 *     deduplicates by fingerprint. Tasks being stopped decide nothing here, so the reconcile pass need not list them
 *     for an instance held by other tasks (lib/drain/gather.ts).
 * 10. Spot interruption (trigger `spot-interruption`, when `config.spotInterruption`) or rebalance recommendation
 *     (`rebalance-recommendation`, when `rebalanceRecommendation: drain`) on an instance that is not waiting: container
 *     ACTIVE, or DRAINING without `drainStartedAt` (the ECS agent's Spot draining got there first, or the attribute
 *     write was lost) → `set-draining` + `notify drain-started` (always for Spot, with `notifyStart` for
 *     rebalance); no ASG needed; nothing else. DRAINING with `drainStartedAt`: only an owed notice (rule 13). A waiting instance follows rules 2-9 whatever the trigger (a disabled trigger counts as
 *     any other look), except that an enabled Spot trigger always notifies the start (rule 13).
 * 11. Not waiting (InService, Terminating:Proceed, Terminated, Pending:Wait, no ASG, a foreign ASG or hook) and any
 *     other trigger → no action. Every decision is a function of the state the snapshot shows, so duplicated,
 *     reordered, late or retried events change nothing.
 * 13. Owed drain-started notice, on any instance (waiting or not) DRAINING with `drainStartedAt`: one whose delivery
 *     failed (`startNotice` pending: re-sent on every look until delivered, the fingerprint dedupes the channels that
 *     have it), or, for an enabled Spot trigger, one not yet delivered for this drain (`startNotice` not `sent`: the
 *     lifecycle event was handled first and drained without a notice, or completed an empty instance) → `notify
 *     drain-started` (tasks = `tasksAtStart`), alongside whatever rules 1a and 5-9 decide. One drain-started per
 *     interrupted instance, whatever the order and duplicates of the events.
 * 12. Output: instances are looked at in order of EC2 instance id, and the actions are ordered by kind
 *     (set-draining, observe-drain, stop-task, heartbeat, complete, notify), then by instance; identical actions appear
 *     once. A set-draining therefore always comes before any complete, and a heartbeat before the complete of its
 *     instance.
 * 14. Managed draining: a waiting instance of an ASG ECS drains itself (`snapshot.ecsDrainedAsgs`, see
 *     ./managed-draining.ts) follows this rule instead of rules 1a and 3-9; ecs-ops stands aside: never `set-draining`,
 *     `stop-task` or `heartbeat`, never a drain-started (but rule 13's owed one) or drain-completed notice.
 *     Not in ECS → rule 2. Otherwise: its own lifecycle action not yet completed (no current completion mark, rule 1a)
 *     → `complete` CONTINUE `ecs-drains` at once (CONTINUE lets the other hooks complete: ECS's hook decides when the
 *     instance goes). Container ACTIVE or DRAINING with no drain start recorded (or one from an earlier action, rule
 *     1a's stale mark) → `observe-drain` (the drain-started attributes only, start = the snapshot's instant). With a
 *     recorded start S, tasks known and not empty, deadline D = S + config.deadline: before
 *     D, rule 9's blocked diagnosis (`drain-blocked`); at D ≤ now < D + 2·I, `notify drain-overdue` with the tasks
 *     left (two passes may see it, the fingerprint dedupes them: one report), and with `managedDraining:
 *     complete-at-deadline` also `complete` CONTINUE `deadline` of ECS's hook (`hookName`) — the only hook ecs-ops
 *     ever completes that it does not own, and only on that opt-in. Empty, or tasks not known → nothing: ECS
 *     completes its hook.
 */
import type { EcsOpsConfig } from '../config/schema.js';
import {
  ATTRIBUTE_VALUE_MAX,
  MAX_LIFECYCLE_ACTION_MS,
  WAITING_STATES,
  type DrainAction,
  type DrainNotification,
  type DrainService,
  type DrainSnapshot,
  type DrainTask,
  type InstanceSnapshot,
  type ManagedHook,
  type EcsDrainedAsg,
} from './model.js';

/** The `drain` section of the config file. */
export type DrainConfig = EcsOpsConfig['drain'];

/** Container instance statuses under which an instance runs nothing for ECS and takes nothing (rule 2). */
export const NOT_IN_ECS_STATUSES: readonly string[] = ['INACTIVE', 'DEREGISTERING', 'REGISTRATION_FAILED'];

/** StopTask accepts a reason of up to 255 characters. */
export const STOP_REASON_MAX = 255;

const SERVICE_GROUP_PREFIX = 'service:';

/** The ASG + hook pairs ecs-ops owns: every `clusters[].asgs[]` with `drain: true`. For `DrainSnapshot.managedHooks`. */
export function managedHooks(config: Pick<EcsOpsConfig, 'clusters'>): ManagedHook[] {
  return config.clusters.flatMap((cluster) => cluster.asgs.filter((asg) => asg.drain).map((asg) => ({ asg: asg.name, hook: asg.lifecycleHook })));
}

/** The service name of a task whose group is `service:<name>`; undefined for standalone tasks. */
export function serviceOf(task: Pick<DrainTask, 'group'>): string | undefined {
  const group = task.group;
  if (group === undefined || !group.startsWith(SERVICE_GROUP_PREFIX)) return undefined;
  const name = group.slice(SERVICE_GROUP_PREFIX.length);
  return name === '' ? undefined : name;
}

/** The tasks whose lastStatus is not STOPPED (the snapshot should hold only those; this does not trust it). */
export function remainingTasks(tasks: readonly DrainTask[]): DrainTask[] {
  return tasks.filter((task) => task.lastStatus !== 'STOPPED');
}

/** True when the tasks are known (not undefined) and none is left whose lastStatus is not STOPPED. */
export function isEmpty(tasks: readonly DrainTask[] | undefined): boolean {
  return tasks !== undefined && remainingTasks(tasks).length === 0;
}

/** A task of a REPLICA service, which ECS moves away from a DRAINING instance. */
export function isServiceTask(task: DrainTask): boolean {
  return task.daemon !== true && serviceOf(task) !== undefined;
}

/** A task started by RunTask (no `service:` group) that ECS leaves alone on a DRAINING instance. */
export function isStandaloneTask(task: DrainTask): boolean {
  return task.daemon !== true && serviceOf(task) === undefined;
}

/**
 * A task ECS has not been asked to stop (desiredStatus not STOPPED). A task being stopped is on its way out: it neither
 * blocks a drain nor waits in it (rules 3 and 9), though it keeps the instance from being empty until it is STOPPED.
 */
export function isNotBeingStopped(task: DrainTask): boolean {
  return task.desiredStatus !== 'STOPPED';
}

/** Whether the instance's ASG and hook are configured (rule 1). */
export function isManaged(instance: InstanceSnapshot, hooks: readonly ManagedHook[]): boolean {
  const asg = instance.asg;
  if (asg === undefined || asg.hook.asg !== asg.name) return false;
  return hooks.some((managed) => managed.asg === asg.name && managed.hook === asg.hook.hook);
}

/** Whether a lifecycle state is one in which a terminate lifecycle action waits for ecs-ops. */
export function isWaitingState(lifecycleState: string): boolean {
  return (WAITING_STATES as readonly string[]).includes(lifecycleState);
}

/** Managed and waiting: the only instances ecs-ops may complete or heartbeat (rule 1). */
export function isWaiting(instance: InstanceSnapshot, hooks: readonly ManagedHook[]): boolean {
  return instance.asg !== undefined && isWaitingState(instance.asg.lifecycleState) && isManaged(instance, hooks);
}

/** The `completed` attribute's value: `<completed-at>/<hook>`, within ECS's 128 characters (a long hook name is cut). */
export function completedAttributeValue(completedAt: number, hook: string): string {
  return `${completedAt}/${hook}`.slice(0, ATTRIBUTE_VALUE_MAX);
}

/**
 * Whether ecs-ops's completion mark on a waiting instance is about the lifecycle action it waits in (`current`, rule
 * 1a), about an earlier one of the same hook (`stale`: the instance was reused), or not ecs-ops's own (undefined).
 */
export function completionMark(instance: InstanceSnapshot, now: number): 'current' | 'stale' | undefined {
  const container = instance.container;
  const completed = container?.completed;
  const hook = instance.asg?.hook.hook;
  if (completed === undefined || hook === undefined || container?.status !== 'DRAINING') return undefined;
  if (completedAttributeValue(completed.at, completed.hook) !== completedAttributeValue(completed.at, hook)) return undefined;
  // A drain started after the completion is another drain (rule 3 records a new start).
  if (container.drainStartedAt !== undefined && completed.at < container.drainStartedAt) return undefined;
  const newerAction = instance.lifecycleActionAt !== undefined && instance.lifecycleActionAt > completed.at;
  return newerAction || now - completed.at >= MAX_LIFECYCLE_ACTION_MS ? 'stale' : 'current';
}

/**
 * When a drain ecs-ops started must be completed even with tasks left (rule 6): min(drainStartedAt + deadline,
 * drainStartedAt + global timeout − 2 × interval), epoch ms. Undefined without an ASG hook or a drainStartedAt.
 */
export function deadlineOf(instance: InstanceSnapshot, config: Pick<DrainConfig, 'deadline'>, reconcileIntervalMs: number): number | undefined {
  const startedAt = instance.container?.drainStartedAt;
  const hook = instance.asg?.hook;
  if (startedAt === undefined || hook === undefined) return undefined;
  return Math.min(startedAt + config.deadline * 1000, startedAt + hook.globalTimeoutSeconds * 1000 - 2 * reconcileIntervalMs);
}

/**
 * Whether a pass `elapsedMs` after the drain started (and the first heartbeat was sent) must send a heartbeat (rule 7).
 * P = T − 3·I; P ≥ I: elapsed ≥ P and elapsed mod P < 2·I; P < I: always (the hook is too short for a schedule).
 */
export function heartbeatDue(elapsedMs: number, heartbeatTimeoutMs: number, reconcileIntervalMs: number): boolean {
  const period = heartbeatTimeoutMs - 3 * reconcileIntervalMs;
  // A hook timeout shorter than four passes leaves no room for a schedule with a spare pass: heartbeat on every pass.
  if (!(reconcileIntervalMs > 0) || period < reconcileIntervalMs) return true;
  return elapsedMs >= period && elapsedMs % period < 2 * reconcileIntervalMs;
}

/**
 * The StopTask reason for a standalone task (rule 8): at most 255 characters (UTF-16 code units, as the API counts
 * them); a long ASG name is shortened with "…", never in the middle of a surrogate pair.
 */
export function stopReason(ec2InstanceId: string, asg: string): string {
  const head = `ecs-ops: draining container instance ${ec2InstanceId} for `;
  const tail = ' scale-in';
  const whole = `${head}${asg}${tail}`;
  if (whole.length <= STOP_REASON_MAX) return whole;
  const room = Math.max(0, STOP_REASON_MAX - head.length - tail.length - 1);
  let cut = asg.slice(0, room);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${head}${cut}…${tail}`.slice(0, STOP_REASON_MAX);
}

/** The StopTask reason for a DAEMON task left alone on a DRAINING instance (rule 8). */
export function daemonStopReason(ec2InstanceId: string): string {
  return `ecs-ops: draining container instance ${ec2InstanceId}: daemon task, nothing else left`;
}

/** Why a service cannot move its tasks off a DRAINING instance, if it cannot (rule 9). */
export function blockedWhy(service: DrainService): 'min-max-100' | 'no-capacity' | undefined {
  if (service.minimumHealthyPercent === 100 && service.maximumPercent === 100) return 'min-max-100';
  if (service.unableToPlace) return 'no-capacity';
  return undefined;
}

const ORDER: Record<DrainAction['type'], number> = { 'set-draining': 0, 'observe-drain': 1, 'stop-task': 2, heartbeat: 3, complete: 4, notify: 5 };

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byTaskArn(a: DrainTask, b: DrainTask): number {
  return compareStrings(a.taskArn, b.taskArn);
}

/** The actions for a snapshot (rules at the top of this file). Pure: the same snapshot gives the same actions. */
export function decide(snapshot: DrainSnapshot, config: DrainConfig, now: number = snapshot.now): DrainAction[] {
  const instances = [...snapshot.instances].sort(
    (a, b) => compareStrings(a.ec2InstanceId, b.ec2InstanceId) || compareStrings(a.trigger, b.trigger),
  );
  const actions = instances.flatMap((instance) => decideInstance(instance, snapshot, config, now));
  // Stable: within a kind, instances keep their order.
  actions.sort((a, b) => ORDER[a.type] - ORDER[b.type]);
  const seen = new Set<string>();
  return actions.filter((action) => {
    const key = JSON.stringify(action);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function decideInstance(instance: InstanceSnapshot, snapshot: DrainSnapshot, config: DrainConfig, now: number): DrainAction[] {
  const { ec2InstanceId, container, trigger } = instance;
  const spot = trigger === 'spot-interruption' && config.spotInterruption;
  const rebalance = trigger === 'rebalance-recommendation' && config.rebalanceRecommendation === 'drain';
  const tasks = container?.tasks === undefined ? undefined : remainingTasks(container.tasks).sort(byTaskArn);
  // Rule 3: the tasks the drain moves (or waits for): not those ECS is already stopping.
  const toMove = tasks?.filter(isNotBeingStopped).length ?? 0;

  const setDraining = (cluster: string, containerInstanceArn: string): Extract<DrainAction, { type: 'set-draining' }> => ({
    type: 'set-draining',
    cluster,
    containerInstanceArn,
    ec2InstanceId,
    tasks: toMove,
  });
  const started = (cluster: string): DrainAction => ({
    type: 'notify',
    notification: { kind: 'drain-started', ec2InstanceId, cluster, asg: instance.asg?.name, tasks: toMove, trigger },
  });
  // Rule 13: a drain-started notice owed for the drain recorded on the instance.
  const owedStart =
    container?.status === 'DRAINING' && container.drainStartedAt !== undefined && (container.startNotice === 'pending' || (spot && container.startNotice !== 'sent'));
  const owed: DrainAction[] =
    owedStart && container !== undefined
      ? [
          {
            type: 'notify',
            notification: {
              kind: 'drain-started',
              ec2InstanceId,
              cluster: container.cluster,
              asg: instance.asg?.name,
              tasks: container.tasksAtStart ?? toMove,
              trigger: spot ? trigger : (container.startTrigger ?? trigger),
            },
          },
        ]
      : [];

  // Rules 10 and 11: not waiting.
  const asg = instance.asg;
  if (asg === undefined || !isWaiting(instance, snapshot.managedHooks)) {
    // ACTIVE, or DRAINING without the drain-started attribute: drained by the ECS agent's own Spot draining, or the
    // attribute write was lost.
    const undrained = container?.status === 'ACTIVE' || (container?.status === 'DRAINING' && container.drainStartedAt === undefined);
    if ((spot || rebalance) && container !== undefined && undrained) {
      const out: DrainAction[] = [setDraining(container.cluster, container.containerInstanceArn)];
      if (spot || config.notifyStart) out.push(started(container.cluster));
      return out;
    }
    return owed;
  }

  // Rules 1-9: waiting on a hook ecs-ops owns.
  const hookRef = { ec2InstanceId, asg: asg.name, hook: asg.hook.hook };
  const heartbeat: DrainAction = { type: 'heartbeat', ...hookRef };
  const complete = (reason: 'not-in-ecs' | 'empty' | 'deadline'): DrainAction => ({ type: 'complete', ...hookRef, result: 'CONTINUE', reason });
  const notify = (notification: DrainNotification): DrainAction => ({ type: 'notify', notification });

  // Rule 2.
  if (container === undefined || NOT_IN_ECS_STATUSES.includes(container.status)) return [complete('not-in-ecs')];

  // Rule 14.
  const ecsDrain = snapshot.ecsDrainedAsgs?.[asg.name];
  if (ecsDrain !== undefined) return [...owed, ...observeEcsDrain(instance, container, tasks, ecsDrain, snapshot, config, now)];

  const { cluster, containerInstanceArn } = container;
  const empty = tasks !== undefined && tasks.length === 0;

  // Rule 3.
  if (container.status === 'ACTIVE') {
    const out: DrainAction[] = [setDraining(cluster, containerInstanceArn), heartbeat];
    if (config.notifyStart || spot) out.push(started(cluster));
    if (empty) out.push(complete('empty'), notify({ kind: 'drain-completed', ec2InstanceId, cluster, asg: asg.name, durationMs: 0, tasksMoved: 0 }));
    return out;
  }
  if (container.status !== 'DRAINING') return []; // Rule 2: REGISTERING or unknown, the next look decides.

  // Rule 1a: ecs-ops completed its own action; another hook holds the instance. A stale mark: the earlier drain is over.
  const mark = completionMark(instance, now);
  if (mark === 'current') return owed;
  const drainStartedAt = mark === 'stale' ? undefined : container.drainStartedAt;
  const tasksAtStart = mark === 'stale' ? undefined : container.tasksAtStart;
  const current: DrainAction[] = mark === 'stale' ? [] : owed;

  // Rule 5.
  if (empty) {
    return [
      ...current,
      complete('empty'),
      notify({
        kind: 'drain-completed',
        ec2InstanceId,
        cluster,
        asg: asg.name,
        durationMs: drainStartedAt === undefined ? undefined : now - drainStartedAt,
        tasksMoved: tasksAtStart,
      }),
    ];
  }

  // Rule 4.
  if (drainStartedAt === undefined) {
    const out: DrainAction[] = [mark === 'stale' ? { ...setDraining(cluster, containerInstanceArn), restart: true } : setDraining(cluster, containerInstanceArn), heartbeat];
    if (config.notifyStart || spot) out.push(started(cluster));
    return out;
  }

  const deadline = deadlineOf(instance, config, snapshot.reconcileIntervalMs) ?? Number.POSITIVE_INFINITY;
  const elapsed = now - drainStartedAt;
  const beat = heartbeatDue(elapsed, asg.hook.heartbeatTimeoutSeconds * 1000, snapshot.reconcileIntervalMs);

  // Rule 5, tasks not known: no completion; heartbeats until the deadline only.
  if (tasks === undefined) return now < deadline && beat ? [heartbeat, ...current] : current;

  // Rule 6.
  if (now >= deadline) {
    return [...current, complete('deadline'), notify({ kind: 'drain-forced', ec2InstanceId, cluster, asg: asg.name, durationMs: elapsed, remaining: tasks })];
  }

  const out: DrainAction[] = [...current];
  // Rule 7.
  if (beat) out.push(heartbeat);

  const serviceTasks = tasks.filter(isServiceTask);
  const standalone = tasks.filter(isStandaloneTask);

  // Rule 8.
  if (config.standaloneTasks === 'stop' && serviceTasks.length === 0) {
    for (const task of standalone) {
      if (task.desiredStatus === 'STOPPED') continue;
      out.push({ type: 'stop-task', cluster, taskArn: task.taskArn, ec2InstanceId, reason: stopReason(ec2InstanceId, asg.name) });
    }
  }

  // Rule 8, DAEMON tasks: ECS stops them itself once nothing else is left; one it has not stopped is stopped here.
  if (serviceTasks.length === 0 && standalone.length === 0) {
    for (const task of tasks) {
      if (task.daemon !== true || task.desiredStatus === 'STOPPED') continue;
      out.push({ type: 'stop-task', cluster, taskArn: task.taskArn, ec2InstanceId, reason: daemonStopReason(ec2InstanceId) });
    }
  }

  // Rule 9.
  if (elapsed >= 2 * snapshot.reconcileIntervalMs) {
    const blocked = blockedNotice(ec2InstanceId, cluster, asg.name, tasks, snapshot, config);
    if (blocked !== undefined) out.push(blocked);
  }
  return out;
}

/** The drain-blocked notice of rule 9, when service tasks that cannot move hold the instance. */
function blockedNotice(
  ec2InstanceId: string,
  cluster: string,
  asg: string,
  tasks: readonly DrainTask[],
  snapshot: DrainSnapshot,
  config: DrainConfig,
): DrainAction | undefined {
  const holding = tasks.filter(isServiceTask).filter(isNotBeingStopped);
  const blocked = new Map<string, 'min-max-100' | 'no-capacity'>();
  for (const task of holding) {
    const serviceName = serviceOf(task);
    if (serviceName === undefined) continue;
    const service = snapshot.services[`${cluster}/${serviceName}`];
    const why = service === undefined ? undefined : blockedWhy(service);
    if (why !== undefined) blocked.set(serviceName, why);
  }
  if (blocked.size === 0) return undefined;
  return {
    type: 'notify',
    notification: {
      kind: 'drain-blocked',
      ec2InstanceId,
      cluster,
      asg,
      services: [...blocked].sort(([a], [b]) => compareStrings(a, b)).map(([serviceName, why]) => ({ serviceName, why })),
      standaloneTasks: config.standaloneTasks === 'wait' ? tasks.filter(isStandaloneTask).filter(isNotBeingStopped).length : 0,
    },
  };
}

/**
 * Whether rule 14 can use the tasks of an instance ECS drains: until its overdue report is due no more (the recorded
 * start + deadline + 2·I); after that its decision needs none, so the reconcile pass lists none.
 */
export function ecsDrainNeedsTasks(instance: InstanceSnapshot, config: Pick<DrainConfig, 'deadline'>, reconcileIntervalMs: number, now: number): boolean {
  const startedAt = instance.container?.drainStartedAt;
  if (startedAt === undefined || instance.container?.status === 'ACTIVE' || completionMark(instance, now) === 'stale') return true;
  return now < startedAt + config.deadline * 1000 + 2 * reconcileIntervalMs;
}

/** Rule 14: ECS drains the instance (managed draining); ecs-ops releases its own hook, records and observes. */
function observeEcsDrain(
  instance: InstanceSnapshot,
  container: NonNullable<InstanceSnapshot['container']>,
  tasks: DrainTask[] | undefined,
  ecsDrain: EcsDrainedAsg,
  snapshot: DrainSnapshot,
  config: DrainConfig,
  now: number,
): DrainAction[] {
  const { ec2InstanceId } = instance;
  const asg = instance.asg;
  if (asg === undefined) return [];
  const { cluster, containerInstanceArn } = container;
  const out: DrainAction[] = [];
  const mark = completionMark(instance, now);
  // Its own hook completed for this action, though ECS has not set DRAINING yet (completionMark needs DRAINING).
  const completed = container.completed;
  const ownDone =
    mark === 'current' ||
    (mark === undefined && completed !== undefined && completed.hook === asg.hook.hook && now - completed.at < MAX_LIFECYCLE_ACTION_MS && (instance.lifecycleActionAt === undefined || completed.at >= instance.lifecycleActionAt));
  if (!ownDone) out.push({ type: 'complete', ec2InstanceId, asg: asg.name, hook: asg.hook.hook, result: 'CONTINUE', reason: 'ecs-drains' });
  if (container.status !== 'ACTIVE' && container.status !== 'DRAINING') return out;

  // An ACTIVE instance's start attribute is this action's only once ecs-ops released its hook for it.
  const startedAt = mark === 'stale' || (container.status === 'ACTIVE' && !ownDone) ? undefined : container.drainStartedAt;
  if (startedAt === undefined) {
    out.push({ type: 'observe-drain', cluster, containerInstanceArn, ec2InstanceId, tasks: tasks?.filter(isNotBeingStopped).length ?? 0 });
    return out;
  }
  if (tasks === undefined || tasks.length === 0) return out;

  const deadline = startedAt + config.deadline * 1000;
  if (now < deadline) {
    if (now - startedAt >= 2 * snapshot.reconcileIntervalMs) {
      const blocked = blockedNotice(ec2InstanceId, cluster, asg.name, tasks, snapshot, config);
      if (blocked !== undefined) out.push(blocked);
    }
    return out;
  }
  if (now >= deadline + 2 * snapshot.reconcileIntervalMs) return out;
  const completeEcsHook = config.managedDraining === 'complete-at-deadline' && ecsDrain.hookName !== undefined;
  if (completeEcsHook && ecsDrain.hookName !== undefined) {
    out.push({ type: 'complete', ec2InstanceId, asg: asg.name, hook: ecsDrain.hookName, result: 'CONTINUE', reason: 'deadline' });
  }
  out.push({
    type: 'notify',
    notification: {
      kind: 'drain-overdue',
      ec2InstanceId,
      cluster,
      asg: asg.name,
      ...(ecsDrain.capacityProvider !== undefined ? { capacityProvider: ecsDrain.capacityProvider } : {}),
      durationMs: now - startedAt,
      remaining: tasks,
      completedEcsHook: completeEcsHook,
    },
  });
  return out;
}
