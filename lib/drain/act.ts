/**
 * Auto-drain I/O, write side: executes the {@link DrainAction}s `decide` returned, batched to the API limits.
 *
 * Order: `set-draining` (UpdateContainerInstancesState DRAINING, ≤10 container instances a call per cluster,
 * `failures[]` logged and reported per instance, skipped for an instance already DRAINING) → `stop-task` and
 * `heartbeat` → PutAttributes of the drain's start (≤10 attributes a call; only for a drain that starts now: no
 * `ecs-ops.drain.started-at` yet, an ACTIVE instance, or a `restart`; started-at = the snapshot's instant in epoch ms,
 * tasks = the count on the instance, start-notice `pending` when a drain-started notice follows; so a retried or
 * duplicated event writes nothing twice, and no notice outage moves the deadline) → the `drain-started` notices, each
 * recorded as `sent` (or `pending` on a transient failure) → each `complete` after its `drain-completed` /
 * `drain-forced` notice, recorded once done (`ecs-ops.drain.completed`) → `drain-blocked` notices.
 * - `heartbeat` / `complete`: RecordLifecycleActionHeartbeat / CompleteLifecycleAction (CONTINUE) by InstanceId, never
 *   by token, so the reconcile pass can release instances whose lifecycle event it never saw. "No active Lifecycle
 *   Action" means someone (a retry, the ASG's timeout) already finished it: done.
 * - `stop-task`: StopTask with the reason.
 * - `notify`: the notification built by ./notifications.ts, delivered once per channel per dedupe window. A notice is
 *   never lost to a transient channel failure: a drain-started notice that failed stays `pending` on the instance (the
 *   retry and every later look send it again), a completion notice that failed holds its completion for the retry
 *   ({@link completionHoldUntil}). The fingerprint dedupes what a retry delivers again.
 *
 * Every action runs even when others fail. Permanent failures (refused by AWS: validation, permissions, MISSING) are
 * logged and reported; transient ones (throttling after the SDK's retries, 5xx, network) are collected and thrown at
 * the end as one {@link DrainActionError}, so Lambda retries the invocation — every action is idempotent.
 */
import { CompleteLifecycleActionCommand, RecordLifecycleActionHeartbeatCommand, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { PutAttributesCommand, StopTaskCommand, UpdateContainerInstancesStateCommand, type Attribute, type ECSClient } from '@aws-sdk/client-ecs';
import type { EcsOpsConfig } from '../config/schema.js';
import type { ChannelDeliveries } from '../summary/post-alert.js';
import { chunk, LIMITS, mapLimit, type DrainLogger } from './gather.js';
import { completedAttributeValue, deadlineOf, isWaiting } from './decide.js';
import {
  ATTRIBUTE_VALUE_MAX,
  DRAIN_COMPLETED_ATTRIBUTE,
  DRAIN_START_NOTICE_ATTRIBUTE,
  DRAIN_STARTED_ATTRIBUTE,
  DRAIN_TASKS_ATTRIBUTE,
  type DrainAction,
  type DrainNotification,
  type DrainSnapshot,
  type InstanceSnapshot,
} from './model.js';
import { drainNotification, type BuiltNotification } from './notifications.js';

export type DrainActionType = DrainAction['type'];
export const DRAIN_ACTION_TYPES: readonly DrainActionType[] = ['set-draining', 'observe-drain', 'stop-task', 'heartbeat', 'complete', 'notify'];

export type DrainMetricName =
  | 'DrainActionFailed'
  | 'DrainStarted'
  | 'LifecycleActionCompleted'
  | 'LifecycleHeartbeat'
  | 'TaskStopped'
  | 'NotificationPosted'
  | 'NotificationDuplicate'
  | 'NotificationFailed';

export interface DrainMetrics {
  count(name: DrainMetricName, value?: number): void;
}

export interface ActDeps {
  config: EcsOpsConfig;
  ecs: ECSClient;
  autoscaling: AutoScalingClient;
  logger: DrainLogger;
  metrics: DrainMetrics;
  /** Delivers a built notification to the channels that take it, once per channel per dedupe window. */
  notify: (built: BuiltNotification) => Promise<ChannelDeliveries>;
  /** Epoch ms, for the drain attribute. */
  now: () => number;
  /** Region for console links when no ARN names it. */
  region?: string | undefined;
}

export interface ActionOutcome {
  type: DrainActionType;
  ec2InstanceId?: string | undefined;
  /** `done`; `already` (nothing to do: already DRAINING, no active lifecycle action); `skipped`; `failed`. */
  outcome: 'done' | 'already' | 'skipped' | 'failed';
  detail?: string | undefined;
}

export interface ActResult {
  outcomes: ActionOutcome[];
  /** How many actions of each type were executed (done or already), for the handler's summary. */
  actions: Record<DrainActionType, number>;
}

/** Transient failures of some actions (the others ran): Lambda retries the invocation. */
export class DrainActionError extends AggregateError {}

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'ProvisionedThroughputExceededException']);

/** True for failures worth a retry: throttling, server faults, network errors. False when AWS refused the request. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  const e = error as Error & { $fault?: string; $retryable?: unknown };
  if (e.$retryable !== undefined || THROTTLING.has(e.name)) return true;
  if (e.$fault === 'client') return false;
  return true;
}

/** CompleteLifecycleAction / RecordLifecycleActionHeartbeat on an instance whose action is over (done already). */
export function isNoActiveLifecycleAction(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationError' && /no active lifecycle action/i.test(error.message);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

const CONCURRENCY = 8;
/** StopTask's `reason` limit. */
const STOP_REASON_MAX = 255;

export async function act(actions: readonly DrainAction[], snapshot: DrainSnapshot, deps: ActDeps): Promise<ActResult> {
  const { logger, metrics } = deps;
  const outcomes: ActionOutcome[] = [];
  const transient: unknown[] = [];
  const fail = (type: DrainActionType, ec2InstanceId: string | undefined, error: unknown, extra: Record<string, unknown> = {}): void => {
    const detail = messageOf(error);
    outcomes.push({ type, ec2InstanceId, outcome: 'failed', detail });
    metrics.count('DrainActionFailed');
    if (isTransient(error)) {
      transient.push(error);
      logger.warn('drain action failed (transient, the invocation will be retried)', { action: type, ec2InstanceId, error: detail, ...extra });
    } else {
      logger.error('drain action refused by AWS', { action: type, ec2InstanceId, error: detail, ...extra });
    }
  };

  /** Delivers one notice: `done`, `transient` (a channel failed transiently: the invocation is retried), `skipped`. */
  /**
   * `owed`: a transient failure is recorded on the instance (start-notice `pending`) and re-sent by the next look at
   * it (the reconcile pass, for a waiting instance): no reason to fail the invocation and retry it.
   */
  const deliver = async (n: DrainNotification, owed = false): Promise<'done' | 'transient' | 'failed' | 'skipped'> => {
    const built = drainNotification(n, { config: deps.config, snapshot, region: deps.region });
    if (!built) {
      outcomes.push({ type: 'notify', ec2InstanceId: n.ec2InstanceId, outcome: 'skipped', detail: `${n.kind} is ignored by alerts.ignore` });
      return 'skipped';
    }
    try {
      const delivered = await deps.notify(built);
      for (const o of delivered.outcomes) {
        if (o.outcome === 'posted') metrics.count('NotificationPosted');
        if (o.outcome === 'duplicate') metrics.count('NotificationDuplicate');
        if (o.outcome === 'failed') {
          metrics.count('NotificationFailed');
          logger.error('drain notification not delivered', { channel: o.channel, kind: n.kind, fingerprint: built.fingerprint, error: o.error });
        }
      }
      logger.info('drain notification handled', { kind: n.kind, fingerprint: built.fingerprint, channels: delivered.outcomes });
      if (!owed) transient.push(...delivered.transient);
      const failed = delivered.transient.length > 0;
      outcomes.push({
        type: 'notify',
        ec2InstanceId: n.ec2InstanceId,
        outcome: failed ? 'failed' : 'done',
        detail: `${n.kind}: ${delivered.outcomes.map((o) => `${o.channel} ${o.outcome}`).join(', ') || 'no channel takes it'}`,
      });
      return failed ? 'transient' : 'done';
    } catch (error) {
      if (owed && isTransient(error)) {
        outcomes.push({ type: 'notify', ec2InstanceId: n.ec2InstanceId, outcome: 'failed', detail: messageOf(error) });
        metrics.count('DrainActionFailed');
        logger.warn('drain notification failed transiently; owed on the instance, the next look sends it again', { kind: n.kind, ec2InstanceId: n.ec2InstanceId, error: messageOf(error) });
        return 'transient';
      }
      fail('notify', n.ec2InstanceId, error, { kind: n.kind });
      return isTransient(error) ? 'transient' : 'failed';
    }
  };

  const notices = actions.flatMap((a) => (a.type === 'notify' ? [a.notification] : []));
  const failedOf = (type: DrainActionType): Set<string> =>
    new Set(outcomes.filter((o) => o.type === type && o.outcome === 'failed' && o.ec2InstanceId !== undefined).map((o) => o.ec2InstanceId as string));

  // 1. DRAINING first: nothing lands on the instance meanwhile.
  const draining = await setDraining(actions.filter((a) => a.type === 'set-draining'), snapshot, deps, outcomes, fail);
  const drainFailed = failedOf('set-draining');

  // 2. Task stops and heartbeats.
  await mapLimit(
    actions.filter((a) => a.type === 'stop-task' || a.type === 'heartbeat'),
    CONCURRENCY,
    async (action) => {
      if (action.type === 'stop-task') {
        try {
          await deps.ecs.send(new StopTaskCommand({ cluster: action.cluster, task: action.taskArn, reason: action.reason.slice(0, STOP_REASON_MAX) }));
          metrics.count('TaskStopped');
          logger.info('task stopped', { cluster: action.cluster, taskArn: action.taskArn, ec2InstanceId: action.ec2InstanceId, reason: action.reason });
          outcomes.push({ type: action.type, ec2InstanceId: action.ec2InstanceId, outcome: 'done', detail: action.taskArn });
        } catch (error) {
          fail(action.type, action.ec2InstanceId, error, { taskArn: action.taskArn });
        }
      } else if (action.type === 'heartbeat') {
        await lifecycleAction(action, deps, outcomes, fail);
      }
    },
  );

  // 3. The drain attributes, before any notice: the deadline and the heartbeat schedule count from DRAINING, whatever
  //    becomes of the notice (a drain-started notice to come is recorded as owed with them). Then the drain-started
  //    notices of the drains that did start (a start that did not happen is not reported), each recorded as `sent`, or
  //    as `pending` when it failed transiently: the retry and every later look send it again (decide rule 13),
  //    deduplicated per channel by its fingerprint. For a waiting instance the reconcile pass is that later look, so
  //    its failed notice does not fail the invocation (a channel outage would fill the dead-letter queue).
  const starts = notices.filter((n) => n.kind === 'drain-started');
  const startedAt = await writeDrainAttributes(draining, new Map(starts.map((n) => [n.ec2InstanceId, n.trigger])), snapshot, deps, fail);
  // ECS's own drains (decide rule 14): the start ecs-ops first saw, so the deadline counts from it. State untouched.
  await writeObservedDrains(actions.filter((a) => a.type === 'observe-drain'), snapshot, deps, outcomes, fail);
  const noticeStates: NoticeState[] = [];
  for (const n of starts) {
    if (drainFailed.has(n.ec2InstanceId)) {
      outcomes.push({ type: 'notify', ec2InstanceId: n.ec2InstanceId, outcome: 'skipped', detail: `${n.kind}: the action it reports failed` });
      continue;
    }
    // A waiting instance is looked at by every reconcile pass, which re-sends a notice owed on it.
    const instance = snapshot.instances.find((i) => i.ec2InstanceId === n.ec2InstanceId);
    const delivered = await deliver(n, instance !== undefined && isWaiting(instance, snapshot.managedHooks));
    const container = containerOf(snapshot, n.ec2InstanceId);
    const at = startedAt.get(n.ec2InstanceId) ?? container?.drainStartedAt;
    if (container === undefined || at === undefined) continue;
    // Permanently refused or ignored by alerts.ignore: retrying cannot help, nothing is owed any more.
    const state = delivered === 'transient' ? 'pending' : 'sent';
    if (state === 'pending' && (startedAt.has(n.ec2InstanceId) || container.startNotice === 'pending')) continue; // recorded already
    noticeStates.push({ cluster: container.cluster, containerInstanceArn: container.containerInstanceArn, ec2InstanceId: n.ec2InstanceId, value: startNoticeValue(state, at, n.trigger) });
  }
  await putAttributes(
    noticeStates.map((x) => ({ cluster: x.cluster, ec2InstanceId: x.ec2InstanceId, attribute: { name: DRAIN_START_NOTICE_ATTRIBUTE, value: x.value, targetType: 'container-instance', targetId: x.containerInstanceArn } })),
    deps,
    fail,
    'notify',
  );

  const completedMarks: AttributeWrite[] = [];
  const pairedNotices = new Set<DrainNotification>();
  // 4. Completions, each after its drain-completed / drain-forced notice, each recorded on the container instance
  //    (`completed`) once done: an instance another hook keeps in Terminating:Wait is neither completed nor reported
  //    again (decide rule 1a). Once the lifecycle action is complete, a
  //    retry finds "No active Lifecycle Action" and no waiting instance, and could never report the drain again: so the
  //    notice goes first (a retry re-delivers it at most once per channel: the fingerprint dedupes it), and a notice that
  //    failed transiently holds the completion for the retry, for at most COMPLETION_NOTICE_HOLD_MS (see completionHoldUntil).
  await mapLimit(
    actions.filter((a) => a.type === 'complete'),
    CONCURRENCY,
    async (action) => {
      if (action.type !== 'complete') return;
      const paired = action.reason === 'empty' ? ['drain-completed'] : action.reason === 'deadline' ? ['drain-forced', 'drain-overdue'] : [];
      const notice = notices.find((n) => paired.includes(n.kind) && n.ec2InstanceId === action.ec2InstanceId);
      if (notice) pairedNotices.add(notice);
      if (notice && (await deliver(notice)) === 'transient') {
        const holdUntil = completionHoldUntil(action, snapshot, deps.config);
        if (snapshot.now < holdUntil) {
          outcomes.push({ type: 'complete', ec2InstanceId: action.ec2InstanceId, outcome: 'skipped', detail: `${notice.kind} notice failed transiently: the retry completes after it` });
          logger.warn('lifecycle action held until its notice is delivered (the invocation will be retried)', { ec2InstanceId: action.ec2InstanceId, kind: notice.kind, holdUntil: new Date(holdUntil).toISOString() });
          return;
        }
        logger.error('lifecycle action completed though its notice could not be delivered (held long enough)', { ec2InstanceId: action.ec2InstanceId, kind: notice.kind });
      }
      const outcome = await lifecycleAction(action, deps, outcomes, fail);
      const container = containerOf(snapshot, action.ec2InstanceId);
      // Not for an instance not in ECS (rule 2): a deregistered container instance takes no attribute. Not for ECS's
      // hook (rule 14, complete-at-deadline): the mark is about ecs-ops's own hook.
      const ownHook = snapshot.instances.find((i) => i.ec2InstanceId === action.ec2InstanceId)?.asg?.hook.hook === action.hook;
      if ((outcome === 'done' || outcome === 'already') && container !== undefined && action.reason !== 'not-in-ecs' && ownHook) {
        completedMarks.push({
          cluster: container.cluster,
          ec2InstanceId: action.ec2InstanceId,
          attribute: { name: DRAIN_COMPLETED_ATTRIBUTE, value: completedAttributeValue(snapshot.now, action.hook), targetType: 'container-instance', targetId: container.containerInstanceArn },
        });
      }
    },
  );
  await putAttributes(completedMarks, deps, fail, 'complete');

  // 5. The other notices (drain-blocked; drain-overdue of an ECS drain ecs-ops only observes).
  for (const n of notices) if (n.kind === 'drain-blocked' || (n.kind === 'drain-overdue' && !pairedNotices.has(n))) await deliver(n);

  const counts = Object.fromEntries(DRAIN_ACTION_TYPES.map((t) => [t, 0])) as Record<DrainActionType, number>;
  for (const o of outcomes) if (o.outcome === 'done' || o.outcome === 'already') counts[o.type] += 1;
  if (transient.length > 0) {
    throw new DrainActionError(transient, `${transient.length} drain action(s) failed transiently; Lambda will retry the invocation (every action is idempotent)`);
  }
  return { outcomes, actions: counts };
}

/**
 * How long a completion waits for its notice when the notice failed transiently (Lambda retries the invocation a
 * minute later, the reconcile pass every minute): long enough for a channel's brief outage, short enough that an
 * empty instance is not kept running for a channel that is down (then the completion goes ahead, the lost notice is
 * logged as an error and counted as NotificationFailed).
 */
export const COMPLETION_NOTICE_HOLD_MS = 5 * 60_000;

/**
 * Until when a completion may be held for its notice: `empty`, {@link COMPLETION_NOTICE_HOLD_MS} after the instance
 * became empty (its last task's stoppedAt, else the drain start; unknown: not held); `deadline`, that long after the
 * deadline but never within one reconcile interval of the hook's global timeout.
 */
export function completionHoldUntil(action: Extract<DrainAction, { type: 'complete' }>, snapshot: DrainSnapshot, config: EcsOpsConfig): number {
  const instance = snapshot.instances.find((i) => i.ec2InstanceId === action.ec2InstanceId);
  const container = instance?.container;
  if (instance === undefined || container === undefined) return Number.NEGATIVE_INFINITY;
  if (action.reason === 'deadline') {
    const deadline = deadlineOf(instance, config.drain, snapshot.reconcileIntervalMs);
    const startedAt = container.drainStartedAt;
    const hook = instance.asg?.hook;
    if (deadline === undefined || startedAt === undefined || hook === undefined) return Number.NEGATIVE_INFINITY;
    return Math.min(deadline + COMPLETION_NOTICE_HOLD_MS, startedAt + hook.globalTimeoutSeconds * 1000 - snapshot.reconcileIntervalMs);
  }
  const emptySince = container.lastTaskStoppedAt ?? container.drainStartedAt;
  return emptySince === undefined ? Number.NEGATIVE_INFINITY : emptySince + COMPLETION_NOTICE_HOLD_MS;
}

/** RecordLifecycleActionHeartbeat / CompleteLifecycleAction (CONTINUE) by InstanceId; "No active Lifecycle Action" is done. */
async function lifecycleAction(
  action: Extract<DrainAction, { type: 'heartbeat' | 'complete' }>,
  deps: ActDeps,
  outcomes: ActionOutcome[],
  fail: (type: DrainActionType, ec2InstanceId: string | undefined, error: unknown, extra?: Record<string, unknown>) => void,
): Promise<'done' | 'already' | 'failed'> {
  const { logger, metrics } = deps;
  const params = { AutoScalingGroupName: action.asg, LifecycleHookName: action.hook, InstanceId: action.ec2InstanceId };
  try {
    if (action.type === 'heartbeat') {
      await deps.autoscaling.send(new RecordLifecycleActionHeartbeatCommand(params));
      metrics.count('LifecycleHeartbeat');
    } else {
      await deps.autoscaling.send(new CompleteLifecycleActionCommand({ ...params, LifecycleActionResult: 'CONTINUE' }));
      metrics.count('LifecycleActionCompleted');
    }
  } catch (error) {
    if (!isNoActiveLifecycleAction(error)) {
      fail(action.type, action.ec2InstanceId, error, { asg: action.asg, hook: action.hook });
      return 'failed';
    }
    logger.info('no active lifecycle action: already completed', { action: action.type, ...params });
    outcomes.push({ type: action.type, ec2InstanceId: action.ec2InstanceId, outcome: 'already' });
    return 'already';
  }
  logger.info(action.type === 'heartbeat' ? 'lifecycle action heartbeat recorded' : 'lifecycle action completed (CONTINUE)', {
    ...params,
    ...(action.type === 'complete' ? { reason: action.reason } : {}),
  });
  outcomes.push({ type: action.type, ec2InstanceId: action.ec2InstanceId, outcome: 'done', ...(action.type === 'complete' ? { detail: action.reason } : {}) });
  return 'done';
}

type SetDraining = Extract<DrainAction, { type: 'set-draining' }>;

async function setDraining(
  actions: SetDraining[],
  snapshot: DrainSnapshot,
  deps: ActDeps,
  outcomes: ActionOutcome[],
  fail: (type: DrainActionType, ec2InstanceId: string | undefined, error: unknown, extra?: Record<string, unknown>) => void,
): Promise<SetDraining[]> {
  const result: SetDraining[] = [];
  if (actions.length === 0) return result;
  const { logger } = deps;
  const containers = new Map(snapshot.instances.flatMap((i) => (i.container ? [[i.container.containerInstanceArn, i.container] as const] : [])));
  const byCluster = new Map<string, SetDraining[]>();
  for (const a of actions) {
    // One action per container instance, even if decide listed one twice.
    const list = byCluster.get(a.cluster) ?? [];
    if (!list.some((b) => b.containerInstanceArn === a.containerInstanceArn)) list.push(a);
    byCluster.set(a.cluster, list);
  }

  for (const [cluster, list] of byCluster) {
    const draining: SetDraining[] = [];
    const toUpdate: SetDraining[] = [];
    for (const a of list) (containers.get(a.containerInstanceArn)?.status === 'DRAINING' ? draining : toUpdate).push(a);
    for (const a of draining) outcomes.push({ type: 'set-draining', ec2InstanceId: a.ec2InstanceId, outcome: 'already' });

    for (const batch of chunk(toUpdate, LIMITS.updateContainerInstancesState)) {
      try {
        const out = await deps.ecs.send(new UpdateContainerInstancesStateCommand({ cluster, containerInstances: batch.map((a) => a.containerInstanceArn), status: 'DRAINING' }));
        const failures = new Map((out.failures ?? []).map((f) => [f.arn ?? '', f]));
        for (const a of batch) {
          const failure = failures.get(a.containerInstanceArn) ?? [...failures.values()].find((f) => f.arn !== undefined && a.containerInstanceArn.endsWith(f.arn.split('/').pop() ?? '\u0000'));
          if (failure) {
            const detail = `${failure.reason ?? 'failed'}${failure.detail !== undefined ? `: ${failure.detail}` : ''}`;
            outcomes.push({ type: 'set-draining', ec2InstanceId: a.ec2InstanceId, outcome: 'failed', detail });
            deps.metrics.count('DrainActionFailed');
            logger.error('container instance not set to DRAINING', { cluster, containerInstanceArn: a.containerInstanceArn, ec2InstanceId: a.ec2InstanceId, reason: failure.reason, detail: failure.detail });
          } else {
            draining.push(a);
            deps.metrics.count('DrainStarted');
            logger.info('container instance set to DRAINING', { cluster, containerInstanceArn: a.containerInstanceArn, ec2InstanceId: a.ec2InstanceId, tasks: a.tasks });
            outcomes.push({ type: 'set-draining', ec2InstanceId: a.ec2InstanceId, outcome: 'done' });
          }
        }
      } catch (error) {
        for (const a of batch) fail('set-draining', a.ec2InstanceId, error, { cluster, containerInstanceArn: a.containerInstanceArn });
      }
    }

    result.push(...draining);
  }
  return result;
}

/** The start-notice attribute's value (see DRAIN_START_NOTICE_ATTRIBUTE): about the drain started at `startedAt`. */
export function startNoticeValue(state: 'pending' | 'sent', startedAt: number, trigger?: InstanceSnapshot['trigger']): string {
  return (state === 'pending' && trigger !== undefined ? `pending:${startedAt}:${trigger}` : `${state}:${startedAt}`).slice(0, ATTRIBUTE_VALUE_MAX);
}

interface NoticeState {
  cluster: string;
  containerInstanceArn: string;
  ec2InstanceId: string;
  value: string;
}

interface AttributeWrite {
  cluster: string;
  ec2InstanceId: string;
  attribute: Attribute;
}

function containerOf(snapshot: DrainSnapshot, ec2InstanceId: string): NonNullable<DrainSnapshot['instances'][number]['container']> | undefined {
  return snapshot.instances.find((i) => i.ec2InstanceId === ec2InstanceId)?.container;
}

/** PutAttributes, ≤10 attributes a call per cluster; a failure is reported against `type` for each instance of the batch. */
async function putAttributes(
  writes: readonly AttributeWrite[],
  deps: ActDeps,
  fail: (type: DrainActionType, ec2InstanceId: string | undefined, error: unknown, extra?: Record<string, unknown>) => void,
  type: DrainActionType,
): Promise<void> {
  const byCluster = new Map<string, AttributeWrite[]>();
  for (const w of writes) byCluster.set(w.cluster, [...(byCluster.get(w.cluster) ?? []), w]);
  for (const [cluster, list] of byCluster) {
    for (const batch of chunk(list, LIMITS.putAttributes)) {
      try {
        await deps.ecs.send(new PutAttributesCommand({ cluster, attributes: batch.map((b) => b.attribute) }));
      } catch (error) {
        for (const id of new Set(batch.map((b) => b.ec2InstanceId))) fail(type, id, error, { cluster, attributes: batch.filter((b) => b.ec2InstanceId === id).map((b) => b.attribute.name) });
      }
    }
  }
}

/**
 * The drain-started attributes of the instances now DRAINING whose drain starts now (no `ecs-ops.drain.started-at`
 * yet, an ACTIVE instance — an attribute left by an earlier drain says nothing about this one —, or a `restart`), with
 * `start-notice` `pending` when a drain-started notice is about to be sent (`notices`, by instance: its trigger):
 * written before the notice, so later passes measure the deadline and the heartbeat schedule from DRAINING whatever
 * the channels do. The start is the snapshot's instant (the event's or the reconcile pass's), not the clock after the
 * calls: a drain started by the pass at P is then forced by the pass at P + deadline, not one pass later. Returns the
 * start written, by EC2 instance id.
 */
async function writeDrainAttributes(
  draining: readonly SetDraining[],
  notices: ReadonlyMap<string, InstanceSnapshot['trigger']>,
  snapshot: DrainSnapshot,
  deps: ActDeps,
  fail: (type: DrainActionType, ec2InstanceId: string | undefined, error: unknown, extra?: Record<string, unknown>) => void,
): Promise<Map<string, number>> {
  const containers = new Map(snapshot.instances.flatMap((i) => (i.container ? [[i.container.containerInstanceArn, i.container] as const] : [])));
  const written = new Map<string, number>();
  const writes: AttributeWrite[] = [];
  for (const a of draining) {
    const container = containers.get(a.containerInstanceArn);
    if (container?.drainStartedAt !== undefined && container.status !== 'ACTIVE' && a.restart !== true) continue;
    const target = { targetType: 'container-instance', targetId: a.containerInstanceArn } as const;
    writes.push(
      { cluster: a.cluster, ec2InstanceId: a.ec2InstanceId, attribute: { name: DRAIN_STARTED_ATTRIBUTE, value: String(snapshot.now), ...target } },
      { cluster: a.cluster, ec2InstanceId: a.ec2InstanceId, attribute: { name: DRAIN_TASKS_ATTRIBUTE, value: String(a.tasks), ...target } },
    );
    if (notices.has(a.ec2InstanceId)) {
      writes.push({ cluster: a.cluster, ec2InstanceId: a.ec2InstanceId, attribute: { name: DRAIN_START_NOTICE_ATTRIBUTE, value: startNoticeValue('pending', snapshot.now, notices.get(a.ec2InstanceId)), ...target } });
    }
    written.set(a.ec2InstanceId, snapshot.now);
  }
  // The instance drains anyway; without the attribute the next look adopts the drain (decide rule 4).
  await putAttributes(writes, deps, fail, 'set-draining');
  return written;
}

/**
 * `observe-drain` (decide rule 14): the drain-started attributes of a drain ECS runs (started-at = the snapshot's
 * instant, tasks = the count then), never UpdateContainerInstancesState. Written once: the next look sees the start.
 */
async function writeObservedDrains(
  observed: readonly DrainAction[],
  snapshot: DrainSnapshot,
  deps: ActDeps,
  outcomes: ActionOutcome[],
  fail: (type: DrainActionType, ec2InstanceId: string | undefined, error: unknown, extra?: Record<string, unknown>) => void,
): Promise<void> {
  const writes: AttributeWrite[] = [];
  for (const a of observed) {
    if (a.type !== 'observe-drain') continue;
    const target = { targetType: 'container-instance', targetId: a.containerInstanceArn } as const;
    writes.push(
      { cluster: a.cluster, ec2InstanceId: a.ec2InstanceId, attribute: { name: DRAIN_STARTED_ATTRIBUTE, value: String(snapshot.now), ...target } },
      { cluster: a.cluster, ec2InstanceId: a.ec2InstanceId, attribute: { name: DRAIN_TASKS_ATTRIBUTE, value: String(a.tasks), ...target } },
    );
  }
  const before = outcomes.length;
  await putAttributes(writes, deps, fail, 'observe-drain');
  const failed = new Set(outcomes.slice(before).filter((o) => o.outcome === 'failed').map((o) => o.ec2InstanceId));
  for (const a of observed) {
    if (a.type !== 'observe-drain' || failed.has(a.ec2InstanceId)) continue;
    deps.logger.info("ECS drains this instance (managed draining): ecs-ops observes, its drain start recorded", { cluster: a.cluster, ec2InstanceId: a.ec2InstanceId, tasks: a.tasks });
    outcomes.push({ type: 'observe-drain', ec2InstanceId: a.ec2InstanceId, outcome: 'done' });
  }
}
