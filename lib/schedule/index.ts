/**
 * Scheduled tasks with guardrails: from one invocation of the runner function to executed actions.
 *
 *   tick     ({schedule, scheduledTime}, the Scheduler's default payload, a scheduled rule named after a schedule)
 *            → suspend / starting deadline → ListTasks + DescribeTasks (unless concurrency: allow) → concurrency
 *            → StopTask (replace) → RunTask (clientToken per tick and attempt) → fallback strategy on no capacity
 *            → a capacity retry queued, or the failure reported
 *   stopped  (ECS Task State Change, lastStatus STOPPED, startedBy ecs-ops/…) → judge → report once (+ logs link)
 *   reconcile (a scheduled rule every minute) → per schedule: timeouts stopped, stopped tasks whose event was lost
 *            completed, failed runs retried once their backoff passed, capacity retries that are due started
 *
 * No sleeps and no self-invocation: a retry waits for the reconcile pass. Every report goes through `reportOnce`
 * (Powertools Idempotency on the DynamoDB table, keyed by the task ARN or the tick), so a run is reported exactly
 * once however many times its STOPPED event or the reconcile pass sees it; each channel delivery is deduplicated too.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { EcsOpsConfig } from '../config/schema.js';
import { clusterNameFromArn, ecsTaskStateChangeEventSchema, EventParseError, parseEvent, parseSchedulerInvocation, type EcsTaskStateChangeDetail } from '../events/index.js';
import { channelsFor } from '../notify/index.js';
import { deliverToChannels, type ChannelOutcome, type DeliverOnce } from '../summary/post-alert.js';
import { scheduleRunEntry, type OpsJournal } from '../summary/journal.js';
import { describeTasks, listRunning, listScheduleTasks, logsOf, runTask, stopTask, taskDefinitionRoles, type RetryStore, type TaskDefinitionCache } from './aws.js';
import { passRoleAdvice } from './pass-role.js';
import { backoffMs, decidePendingRetry, decideReconcile, decideTick, isCapacityFailure, judgeTask, LATE_TICK_MS, replacedReason, shouldRetry } from './decide.js';
import { isoTick, runRefOfGroup, scheduleOfStartedBy } from './identity.js';
import type { PendingCapacityRetry, RunRef, RunRequest, ScheduleConfig, TaskView } from './model.js';
import { scheduleNotification, type ScheduleEvent } from './notifications.js';

export * from './model.js';
export * from './decide.js';
export * from './identity.js';
export { scheduleNotification, logsLink, SCHEDULE_SEVERITY, type ScheduleEvent, type LogsLocation } from './notifications.js';
export { formatDuration } from '../notify/format.js';
export { scheduleRoleWarnings, passRoleAdvice, passRoleDeniedRole, type ConfigWarning, type PassRoleAdvice } from './pass-role.js';
export { TaskDefinitionCache, dynamoRetryStore, runTaskInput, taskViewOf, describeTasks, listScheduleTasks, type RetryStore } from './aws.js';

export type ScheduleMetricName =
  | 'MalformedEvent'
  | 'ScheduleTick'
  | 'ScheduleRunStarted'
  | 'ScheduleDuplicateTick'
  | 'ScheduleSkipped'
  | 'ScheduleMissed'
  | 'ScheduleSuspended'
  | 'ScheduleRunFailed'
  | 'ScheduleRunSucceeded'
  | 'ScheduleTimeoutStopped'
  | 'ScheduleReplaced'
  | 'ScheduleRetryStarted'
  | 'ScheduleCapacityRetryQueued'
  | 'ScheduleCapacityFallback'
  | 'ScheduleConfigurationError'
  | 'ScheduleRetryAbandoned'
  | 'ReconcilePassCompleted';

export interface ScheduleLogger {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

/** Runs `work` once per `key` (within the store's expiry); `duplicate` when it already ran (or is running). */
export type ReportOnce = (key: string, work: () => Promise<void>) => Promise<'reported' | 'duplicate'>;

export interface ScheduleDeps {
  config: EcsOpsConfig;
  ecs: ECSClient;
  /** Pending capacity retries; without it, capacity failures are reported and not retried. */
  retries?: RetryStore | undefined;
  deliverOnce: DeliverOnce;
  reportOnce: ReportOnce;
  taskDefinitions: TaskDefinitionCache;
  logger: ScheduleLogger;
  metrics: { count(name: ScheduleMetricName, value?: number): void };
  /** Epoch ms. */
  now: () => number;
  region?: string | undefined;
  /** Where run results, missed and skipped ticks are recorded for the digest (lib/summary/journal.ts); never throws. */
  journal?: OpsJournal | undefined;
}

export type ScheduleOutcome =
  | { status: 'malformed'; eventId?: string; error: string }
  | { status: 'ignored'; reason: string }
  | { status: 'handled'; trigger: 'tick' | 'stopped' | 'reconcile' | 'manual'; schedule?: string; actions: string[]; taskArns?: string[] };

/** Thrown after every action was tried when some failed transiently: Lambda retries the invocation (all idempotent). */
export class ScheduleActionError extends AggregateError {}

const taskId = (arn: string): string => arn.split('/').pop() ?? arn;

class Run {
  readonly actions: string[] = [];
  readonly errors: unknown[] = [];
  /** The reconcile pass sees reported runs again every minute: not worth a line each time. */
  quietDuplicates = false;
  constructor(readonly deps: ScheduleDeps, readonly deadlineMs: number) {}

  async notify(event: ScheduleEvent, schedule: ScheduleConfig): Promise<ChannelOutcome[]> {
    const { config, logger } = this.deps;
    const built = scheduleNotification(event, schedule, config, this.deps.now(), this.deps.region);
    if (!built) return [];
    const allowed = schedule.notify.channels;
    const channels = channelsFor(built.notification, config.notifications.channels).filter((c) => allowed === undefined || allowed.includes(c.name));
    if (channels.length === 0) {
      logger.warn('no channel takes this schedule notification', { kind: built.notification.kind, severity: built.notification.severity, schedule: schedule.name });
      return [];
    }
    const { outcomes, transient } = await deliverToChannels(built.notification, built.fingerprint, channels, this.deps.deliverOnce, this.deadlineMs);
    for (const o of outcomes) if (o.outcome === 'failed') logger.error('schedule notification not delivered', { channel: o.channel, kind: built.notification.kind, error: o.error });
    if (transient.length > 0) throw new ScheduleActionError(transient, `${built.notification.kind} for ${schedule.name} failed on ${transient.length} channel(s)`);
    this.actions.push(`notified ${built.notification.kind}`);
    return outcomes;
  }

  /** Reports `event` at most once for `key`. */
  async report(key: string, event: ScheduleEvent, schedule: ScheduleConfig): Promise<void> {
    const status = await this.deps.reportOnce(key, async () => {
      // Journaled once with the report (a retried report repeats an entry id: the journal refuses it).
      await this.journal(event, schedule);
      await this.notify(event, schedule);
    });
    if (status === 'duplicate' && !this.quietDuplicates) this.actions.push(`already reported ${key}`);
  }

  /** Records `event` in the ops journal, if any: best effort, never throws (see lib/summary/journal.ts). */
  async journal(event: ScheduleEvent, schedule: ScheduleConfig): Promise<void> {
    await this.deps.journal?.append(scheduleRunEntry(event, schedule, this.deps.now()));
  }

  /** Runs `step`, keeping a transient error for the end so the other steps still happen. */
  async attempt(what: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.deps.logger.error(`${what} failed`, { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      this.errors.push(error);
    }
  }

  finish(): void {
    if (this.errors.length > 0) throw new ScheduleActionError(this.errors, `${this.errors.length} scheduled-task action(s) failed; Lambda will retry the invocation`);
  }
}

/**
 * Starts attempt `request` of a run: RunTask with the schedule's capacity, then the fallback strategy for what found
 * no capacity; what is still missing is queued as a capacity retry (if the schedule retries capacity) and reported.
 * Returns the tasks started and whether a retry was queued.
 */
async function startAttempt(run: Run, schedule: ScheduleConfig, request: RunRequest): Promise<{ started: string[]; retryQueued: boolean }> {
  const { deps } = run;
  const { ref } = request;
  const started: string[] = [];
  let result = await runTask(deps.ecs, schedule, request);
  if (result.conflict !== undefined) {
    run.actions.push(`tick ${isoTick(ref.tickMs)} attempt ${ref.attempt} already started (clientToken): ${result.conflict.map(taskId).join(', ')}`);
    deps.metrics.count('ScheduleDuplicateTick');
    return { started: result.conflict, retryQueued: false };
  }
  started.push(...result.started.map((t) => t.taskArn));
  let missing = request.count - result.started.length;
  const capacityOnly = (failures: typeof result.failures): boolean => failures.length > 0 && failures.every((f) => isCapacityFailure(f.reason));
  if (missing > 0 && result.refused === undefined && capacityOnly(result.failures) && schedule.fallbackCapacityProviderStrategy !== undefined) {
    run.actions.push(`no capacity (${result.failures.map((f) => f.reason).join('; ')}): fallback strategy`);
    const firstFailures = [...new Set(result.failures.map((f) => f.reason))];
    result = await runTask(deps.ecs, schedule, { ...request, count: missing, variant: 'fallback' });
    if (result.conflict !== undefined) return { started: [...started, ...result.conflict], retryQueued: false };
    started.push(...result.started.map((t) => t.taskArn));
    missing -= result.started.length;
    if (result.started.length > 0) {
      // Reported as a fallback (metric and log): the run did start, but not on the capacity the schedule asked for first
      // (e.g. FARGATE instead of FARGATE_SPOT), which costs more and may be worth an alarm when it keeps happening.
      deps.metrics.count('ScheduleCapacityFallback', result.started.length);
      deps.logger.warn('scheduled run started on the fallback capacity provider strategy', {
        schedule: schedule.name,
        tick: isoTick(ref.tickMs),
        attempt: ref.attempt,
        firstChoiceFailures: firstFailures,
        fallbackStrategy: schedule.fallbackCapacityProviderStrategy.map((s) => s.capacityProvider),
        tasks: result.started.map((t) => taskId(t.taskArn)),
      });
      run.actions.push(`started on the fallback strategy (${schedule.fallbackCapacityProviderStrategy.map((s) => s.capacityProvider).join(', ')}): ${result.started.map((t) => taskId(t.taskArn)).join(', ')}`);
    }
  }
  if (started.length > 0) {
    deps.metrics.count('ScheduleRunStarted', started.length);
    run.actions.push(`started ${started.map(taskId).join(', ')} (tick ${isoTick(ref.tickMs)}, attempt ${ref.attempt})`);
  }
  if (missing <= 0) return { started, retryQueued: false };

  const capacity = result.refused === undefined && capacityOnly(result.failures);
  const reasons = [...new Set(result.failures.map((f) => (f.detail !== undefined && f.detail !== '' ? `${f.reason} (${f.detail})` : f.reason)))];
  const reason = result.refused ?? (reasons.length > 0 ? reasons.join('; ') : 'RunTask started no task');
  if (result.passRoleDenied !== undefined) {
    // A configuration error, not a run's failure: reported once per schedule and role (not per tick), saying which config
    // field to set; every tick until it is fixed is still logged and counted.
    const index = deps.config.schedules.findIndex((s) => s.name === schedule.name);
    const configuration = passRoleAdvice(schedule, index, result.passRoleDenied, await taskDefinitionRoles(deps.ecs, schedule.taskDefinition));
    deps.metrics.count('ScheduleRunFailed');
    deps.metrics.count('ScheduleConfigurationError');
    deps.logger.error('scheduled run refused: configuration error', { schedule: schedule.name, tick: isoTick(ref.tickMs), attempt: ref.attempt, error: reason, advice: configuration.message });
    run.actions.push(`configuration error: ${configuration.message}`);
    await run.report(`config|pass-role|${schedule.name}|${result.passRoleDenied}`, { kind: 'run-failed', ref, reason, capacity: false, configuration }, schedule);
    return { started, retryQueued: false };
  }
  const retryable = capacity && deps.retries !== undefined && shouldRetry(schedule, { outcome: 'failed', cause: 'capacity', containers: [] }, ref.attempt);
  let retry = retryable ? { attempt: ref.attempt + 1, inMs: backoffMs(schedule, ref.attempt) } : undefined;
  let abandoned: { attempt: number; byTickMs: number } | undefined;
  if (retry && deps.retries) {
    const queued = await deps.retries.put({ schedule: schedule.name, tickMs: ref.tickMs, attempt: retry.attempt, count: missing, dueMs: deps.now() + retry.inMs, reason });
    if (queued) {
      deps.metrics.count('ScheduleCapacityRetryQueued');
      run.actions.push(`capacity retry queued: attempt ${retry.attempt} in ${Math.round(retry.inMs / 1000)}s`);
    } else {
      // The pending retry of a later tick is there (rule 5): this failure is the tick's last.
      const newer = await deps.retries.get(schedule.name);
      abandoned = { attempt: retry.attempt, byTickMs: newer?.tickMs ?? ref.tickMs };
      run.actions.push(`capacity retry of tick ${isoTick(ref.tickMs)} not queued: superseded by the tick of ${isoTick(abandoned.byTickMs)}`);
      retry = undefined;
    }
  }
  deps.metrics.count('ScheduleRunFailed');
  deps.logger.warn('scheduled run could not start', { schedule: schedule.name, tick: isoTick(ref.tickMs), attempt: ref.attempt, missing, reason });
  await run.report(`run-task|${schedule.name}|${isoTick(ref.tickMs)}|${ref.attempt}`, { kind: 'run-failed', ref, reason, capacity, retry, abandoned }, schedule);
  return { started, retryQueued: retry !== undefined };
}

/**
 * The pending capacity retry of an earlier tick is superseded by the tick of `byTickMs` (rule 5): reported once as
 * that tick's last failure, then removed (unless a newer retry replaced it meanwhile).
 */
async function abandonRetry(run: Run, schedule: ScheduleConfig, pending: PendingCapacityRetry, byTickMs: number): Promise<void> {
  const ref: RunRef = { schedule: schedule.name, tickMs: pending.tickMs, attempt: pending.attempt };
  await reportAbandoned(run, schedule, ref, pending.reason, true, byTickMs);
  await run.deps.retries?.delete(schedule.name, pending.tickMs);
}

/** The retry `ref` (the attempt not made) is abandoned for the tick of `byTickMs`: reported once, critical. */
async function reportAbandoned(run: Run, schedule: ScheduleConfig, ref: RunRef, reason: string, capacity: boolean, byTickMs: number): Promise<void> {
  run.deps.metrics.count('ScheduleRetryAbandoned');
  run.actions.push(`retry of ${schedule.name} tick ${isoTick(ref.tickMs)} (attempt ${ref.attempt}) abandoned: superseded by the tick of ${isoTick(byTickMs)}`);
  await run.report(`abandoned|${schedule.name}|${isoTick(ref.tickMs)}`, { kind: 'run-failed', ref, reason, capacity, abandoned: { attempt: ref.attempt, byTickMs } }, schedule);
}

/** Whether the schedule can have a pending capacity retry. */
function retriesCapacity(schedule: ScheduleConfig): boolean {
  return schedule.retries.attempts > 0 && schedule.retries.on.includes('capacity');
}

function scheduleNamed(config: EcsOpsConfig, name: string | undefined): ScheduleConfig | undefined {
  return name === undefined ? undefined : config.schedules.find((s) => s.name === name);
}

/**
 * One tick of `schedule` scheduled at `tickMs`. `manual` (the CLI's `run`): suspend and the starting deadline do not
 * apply; the concurrency policy does.
 */
export async function handleTick(schedule: ScheduleConfig, tickMs: number, deps: ScheduleDeps, deadlineMs: number, manual = false): Promise<ScheduleOutcome> {
  const run = new Run(deps, deadlineMs);
  const trigger = manual ? 'manual' : 'tick';
  deps.metrics.count('ScheduleTick');
  const effective: ScheduleConfig = manual ? { ...schedule, suspend: false, startingDeadlineSeconds: undefined } : schedule;
  const ref: RunRef = { schedule: schedule.name, tickMs, attempt: 1 };
  const early = decideTick(effective, tickMs, deps.now(), []);
  if (early.kind === 'suspended') {
    deps.metrics.count('ScheduleSuspended');
    return { status: 'handled', trigger, schedule: schedule.name, actions: ['suspended: not run'] };
  }
  if (early.kind === 'missed') {
    deps.metrics.count('ScheduleMissed');
    run.actions.push(`missed: ${Math.round(early.lateMs / 1000)}s late`);
    await run.report(`missed|${schedule.name}|${isoTick(tickMs)}`, { kind: 'missed', ref, lateMs: early.lateMs }, schedule);
    return { status: 'handled', trigger, schedule: schedule.name, actions: run.actions };
  }
  let tasks: TaskView[] | undefined;
  if (schedule.concurrency !== 'allow') {
    const arns = await listRunning(deps.ecs, schedule);
    // A late tick may come after runs of later ticks that have ended (rule 3): ECS lists stopped tasks for an hour,
    // the Scheduler retries a tick for at most that long (its retry policy's event age, lib/deploy/schedule-wiring.ts).
    if (deps.now() - tickMs > LATE_TICK_MS) arns.push(...(await listScheduleTasks(deps.ecs, schedule, 'STOPPED')));
    tasks = arns.length > 0 ? await describeTasks(deps.ecs, schedule.cluster, arns) : [];
  }
  const pending = deps.retries !== undefined && retriesCapacity(schedule) ? await deps.retries.get(schedule.name) : undefined;
  const decision = decideTick(effective, tickMs, deps.now(), tasks, pending);
  switch (decision.kind) {
    case 'suspended':
    case 'missed':
      return { status: 'handled', trigger, schedule: schedule.name, actions: [decision.kind] };
    case 'duplicate':
      deps.metrics.count('ScheduleDuplicateTick');
      return { status: 'handled', trigger, schedule: schedule.name, actions: [`tick ${isoTick(tickMs)} already running: ${decision.taskArns.map(taskId).join(', ')}`], taskArns: decision.taskArns };
    case 'skip':
      deps.metrics.count('ScheduleSkipped');
      run.actions.push(`skipped: ${decision.running.length} run(s) still going (concurrency: forbid)`);
      await run.report(`skipped|${schedule.name}|${isoTick(tickMs)}`, { kind: 'skipped', ref, running: decision.running }, schedule);
      return { status: 'handled', trigger, schedule: schedule.name, actions: run.actions };
    case 'superseded': {
      deps.metrics.count('ScheduleSkipped');
      const newer = { tickMs: decision.newerTickMs, ...(decision.pending !== undefined ? { pendingAttempt: decision.pending.attempt } : {}) };
      run.actions.push(`skipped: late tick, the run of ${isoTick(decision.newerTickMs)} is newer (concurrency: ${schedule.concurrency})`);
      await run.report(`skipped|${schedule.name}|${isoTick(tickMs)}`, { kind: 'skipped', ref, running: decision.newer, newer }, schedule);
      return { status: 'handled', trigger, schedule: schedule.name, actions: run.actions };
    }
    case 'run': {
      if (decision.abandon) await abandonRetry(run, schedule, decision.abandon, tickMs);
      for (const task of decision.stop) {
        await stopTask(deps.ecs, task.cluster, task.taskArn, replacedReason(schedule, isoTick(tickMs)));
        deps.metrics.count('ScheduleReplaced');
        run.actions.push(`stopped ${taskId(task.taskArn)} (replace)`);
      }
      const { started } = await startAttempt(run, schedule, { ref, count: schedule.count, variant: 'primary' });
      return { status: 'handled', trigger, schedule: schedule.name, actions: run.actions, taskArns: started };
    }
  }
}

function viewOfEvent(detail: EcsTaskStateChangeDetail): TaskView {
  const ms = (text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const value = Date.parse(text);
    return Number.isNaN(value) ? undefined : value;
  };
  return {
    taskArn: detail.taskArn,
    cluster: clusterNameFromArn(detail.clusterArn) ?? detail.clusterArn,
    taskDefinitionArn: detail.taskDefinitionArn,
    group: detail.group,
    startedBy: detail.startedBy,
    lastStatus: detail.lastStatus,
    desiredStatus: detail.desiredStatus,
    createdAt: ms(detail.createdAt),
    startedAt: ms(detail.startedAt),
    stoppingAt: ms(detail.stoppingAt),
    stoppedAt: ms(detail.stoppedAt),
    stopCode: detail.stopCode,
    stoppedReason: detail.stoppedReason,
    containers: (detail.containers ?? []).map((c) => ({ name: c.name, exitCode: c.exitCode, reason: c.reason, lastStatus: c.lastStatus })),
    version: detail.version,
  };
}

/**
 * A stopped task of a schedule: judged and reported once (key: the task ARN; STOPPED is final, so a repeated event —
 * same `detail.version` or a later one — and the reconcile pass all land on the same record). Retries are started by
 * the reconcile pass once their backoff has passed.
 */
async function completeTask(run: Run, task: TaskView): Promise<void> {
  const before = run.actions.length;
  await judgeAndReport(run, task);
  // Seen again by the reconcile pass and already reported: nothing new to say.
  if (run.quietDuplicates && run.actions.length === before + 1 && /^\S+ (failed|timeout|replaced)/.test(run.actions[before] ?? '')) run.actions.pop();
}

async function judgeAndReport(run: Run, task: TaskView): Promise<void> {
  const { deps } = run;
  const ref = runRefOfGroup(task.group);
  const schedule = scheduleNamed(deps.config, ref?.schedule ?? scheduleOfStartedBy(task.startedBy));
  if (!schedule) {
    run.actions.push(`task ${taskId(task.taskArn)} belongs to no configured schedule`);
    return;
  }
  let result = judgeTask(task, undefined);
  const wanted = result.outcome !== 'succeeded' || schedule.notify.onSuccess;
  const facts = wanted ? await deps.taskDefinitions.get(deps.ecs, task.taskDefinitionArn) : undefined;
  if (facts) result = judgeTask(task, facts.essential);
  deps.metrics.count(result.outcome === 'succeeded' ? 'ScheduleRunSucceeded' : 'ScheduleRunFailed');
  run.actions.push(`${taskId(task.taskArn)} ${result.outcome}${result.cause !== undefined ? ` (${result.cause})` : ''}: ${result.reason}`);
  if (result.outcome === 'succeeded' && !schedule.notify.onSuccess) {
    // Not reported, still journaled: only its STOPPED event gets here (the reconcile pass skips such successes), and a
    // repeated event repeats the entry id, which the journal refuses.
    await run.journal({ kind: 'result', ref, task, result }, schedule);
    return;
  }
  const retry = ref !== undefined && shouldRetry(schedule, result, ref.attempt) ? { attempt: ref.attempt + 1, inMs: backoffMs(schedule, ref.attempt) } : undefined;
  const failing = result.containers.find((c) => c.exitCode !== 0) ?? result.containers[0];
  const logs = logsOf(facts, task, failing?.name);
  await run.report(`run|${task.taskArn}`, { kind: 'result', ref, task, result, logs, retry }, schedule);
}

/** The reconcile pass over every schedule (see the module comment). */
export async function reconcile(deps: ScheduleDeps, deadlineMs: number): Promise<ScheduleOutcome> {
  const run = new Run(deps, deadlineMs);
  run.quietDuplicates = true;
  for (const schedule of deps.config.schedules) {
    await run.attempt(`reconcile ${schedule.name}`, async () => {
      const [running, stopped] = await Promise.all([listScheduleTasks(deps.ecs, schedule, 'RUNNING'), listScheduleTasks(deps.ecs, schedule, 'STOPPED')]);
      const tasks = running.length + stopped.length > 0 ? await describeTasks(deps.ecs, schedule.cluster, [...running, ...stopped]) : [];
      // Task definitions of stopped tasks that did not plainly succeed: their essential containers decide.
      for (const task of tasks) {
        if (task.lastStatus === 'STOPPED' && judgeTask(task, undefined).outcome !== 'succeeded') await deps.taskDefinitions.get(deps.ecs, task.taskDefinitionArn);
      }
      const now = deps.now();
      const actions = decideReconcile(schedule, tasks, now, (t) => judgeTask(t, deps.taskDefinitions.peek(t.taskDefinitionArn)?.essential));
      for (const action of actions) {
        switch (action.type) {
          case 'stop-timeout':
            await run.attempt(`stop ${action.task.taskArn}`, async () => {
              await stopTask(deps.ecs, action.task.cluster, action.task.taskArn, action.reason);
              deps.metrics.count('ScheduleTimeoutStopped');
              run.actions.push(`stopped ${taskId(action.task.taskArn)} of ${schedule.name}: timeout`);
            });
            break;
          case 'complete':
            await run.attempt(`complete ${action.task.taskArn}`, () => completeTask(run, action.task));
            break;
          case 'retry':
            if (schedule.suspend) break;
            await run.attempt(`retry ${schedule.name}`, async () => {
              deps.metrics.count('ScheduleRetryStarted');
              run.actions.push(`retry of ${schedule.name} tick ${isoTick(action.request.ref.tickMs)}: attempt ${action.request.ref.attempt}`);
              await startAttempt(run, schedule, action.request);
            });
            break;
          case 'retry-waits':
            run.actions.push(`retry of ${schedule.name} tick ${isoTick(action.ref.tickMs)} waits: ${action.running} run(s) going`);
            break;
          case 'retry-superseded':
            await run.attempt(`abandon retry ${schedule.name}`, () => reportAbandoned(run, schedule, action.ref, action.reason, false, action.byTickMs));
            break;
        }
      }
      if (deps.retries && !schedule.suspend && retriesCapacity(schedule)) {
        const store = deps.retries;
        const pending = await store.get(schedule.name);
        const decision = pending !== undefined ? decidePendingRetry(schedule, pending, tasks, now) : undefined;
        if (pending && decision) {
          switch (decision.kind) {
            case 'superseded':
              await abandonRetry(run, schedule, pending, decision.byTickMs);
              break;
            case 'drop':
              // A repeated delivery of the tick started it meanwhile: the retry is not needed (and would run it twice).
              run.actions.push(`capacity retry of ${schedule.name} tick ${isoTick(pending.tickMs)} dropped: the tick has a run`);
              await store.delete(schedule.name, pending.tickMs);
              break;
            case 'wait':
              run.actions.push(`capacity retry of ${schedule.name} waits: ${decision.running} run(s) going`);
              break;
            case 'not-due':
              break;
            case 'start': {
              deps.metrics.count('ScheduleRetryStarted');
              run.actions.push(`capacity retry of ${schedule.name} tick ${isoTick(pending.tickMs)}: attempt ${pending.attempt}`);
              const ref: RunRef = { schedule: schedule.name, tickMs: pending.tickMs, attempt: pending.attempt };
              const { retryQueued } = await startAttempt(run, schedule, { ref, count: pending.count, variant: 'primary' });
              if (!retryQueued) await store.delete(schedule.name, pending.tickMs);
              break;
            }
          }
        }
      }
    });
  }
  run.finish();
  return { status: 'handled', trigger: 'reconcile', actions: run.actions };
}

/** Handles one raw invocation of the runner function (see the module comment). */
export async function handleScheduleEvent(raw: unknown, deps: ScheduleDeps, deadlineMs: number): Promise<ScheduleOutcome> {
  const { config, logger, metrics } = deps;
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : undefined;
  if (record?.source === 'aws.ecs') {
    const parsed = parseEvent(ecsTaskStateChangeEventSchema, raw);
    if (!parsed.ok) {
      metrics.count('MalformedEvent');
      logger.error('malformed event dropped', { eventId: parsed.error.eventId, error: parsed.error.message });
      return { status: 'malformed', ...(parsed.error.eventId !== undefined ? { eventId: parsed.error.eventId } : {}), error: parsed.error.message };
    }
    const detail = parsed.event.detail;
    if (detail.lastStatus !== 'STOPPED') return { status: 'ignored', reason: `task ${detail.lastStatus}: only STOPPED tasks are judged` };
    const run = new Run(deps, deadlineMs);
    await completeTask(run, viewOfEvent(detail));
    return { status: 'handled', trigger: 'stopped', ...(runRefOfGroup(detail.group) ? { schedule: runRefOfGroup(detail.group)?.schedule } : {}), actions: run.actions, taskArns: [detail.taskArn] };
  }
  let invocation;
  try {
    invocation = parseSchedulerInvocation(raw);
  } catch (error) {
    if (!(error instanceof EventParseError)) throw error;
    metrics.count('MalformedEvent');
    logger.error('malformed invocation dropped', { error: error.message });
    return { status: 'malformed', error: error.message };
  }
  const tickMs = Date.parse(invocation.scheduledTime);
  const schedule = scheduleNamed(config, invocation.schedule);
  if (schedule && !Number.isNaN(tickMs)) {
    logger.info('tick', { schedule: schedule.name, scheduledTime: invocation.scheduledTime, kind: invocation.kind });
    const outcome = await handleTick(schedule, Math.floor(tickMs / 1000) * 1000, deps, deadlineMs);
    logger.info('tick handled', { schedule: schedule.name, outcome });
    return outcome;
  }
  if (invocation.kind === 'ecs-ops') {
    metrics.count('MalformedEvent');
    const error = `schedule "${invocation.schedule ?? ''}" is not in the config (schedules: ${config.schedules.map((s) => s.name).join(', ') || 'none'})`;
    logger.error('invocation for an unknown schedule dropped', { error });
    return { status: 'malformed', error };
  }
  const outcome = await reconcile(deps, deadlineMs);
  // What the "reconcile pass has not run" alarm watches (lib/deploy/alarms.ts): only a pass that returned counts.
  metrics.count('ReconcilePassCompleted');
  logger.info('reconcile handled', { actions: outcome.status === 'handled' ? outcome.actions.slice(0, 100) : [] });
  return outcome;
}
