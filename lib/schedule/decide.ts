/**
 * Scheduled tasks: the pure decisions. No AWS here: ticks (suspend, starting deadline, concurrency), RunTask
 * failures (capacity or not), the result of a stopped task, retries with backoff, and the reconcile pass (timeouts,
 * stopped tasks whose event may have been lost, retries that are due).
 *
 * Rules (the specification; keep them true):
 * 1. A suspended schedule's tick does nothing; a tick delivered past startingDeadlineSeconds is reported missed.
 * 2. A task of the very tick (running, or stopped when the late tick looked for stopped ones) makes a repeated
 *    delivery a duplicate: nothing more.
 * 3. A tick never stops or runs against a run of a later tick. Under forbid and replace, a tick that finds a run of a
 *    later tick — a task (running, or stopped when the tick came more than LATE_TICK_MS late), or a pending capacity
 *    retry — is skipped and reported as such (schedule-skipped naming the newer run). Under allow every tick runs
 *    (Scheduler's at-least-once delivery, bounded by startingDeadlineSeconds): it stops nothing, so order is moot.
 * 4. Under forbid a tick that finds runs of earlier ticks going is skipped; under replace it stops them (only them),
 *    then runs; under allow it runs.
 * 5. Capacity retries (RunTask placed nothing: no task keeps the state, so ecs-ops keeps one per schedule): a tick that
 *    runs supersedes the pending capacity retry of an earlier tick, which is reported abandoned once, at the final
 *    severity of that tick's failure ("superseded by the tick of …"); a retry is never queued over the pending retry
 *    of a later tick (that failure is then final). So every promised retry is made or reported abandoned, and a tick
 *    makes at most 1 + retries.attempts attempts of at most two RunTask calls each (primary, fallback).
 * 6. The reconcile pass starts a due capacity retry unless a task of a later tick exists (abandoned, as in 5), a task
 *    of its own tick exists (a repeated delivery ran it: dropped), or, under forbid and replace, runs are going (waits).
 * 7. The same for a failed run's retry (nonZeroExit, failedToStart, timeout): once a task of a later tick exists, the
 *    retry is not made and is reported abandoned once ("superseded by the tick of …"), whether or not it was due.
 */
import { runRefOfGroup } from './identity.js';
import type { ContainerView, FailureCause, PendingCapacityRetry, ReconcileAction, RunRef, RunResult, ScheduleConfig, TaskView, TickDecision } from './model.js';

/** stoppedReason prefixes ecs-ops writes when it stops a run, so the result says why (StopTask reason ≤ 255). */
export const TIMEOUT_REASON_PREFIX = 'ecs-ops: timeout';
export const REPLACED_REASON_PREFIX = 'ecs-ops: replaced';

/** The reconcile pass interval (a rule `rate(1 minute)`). */
export const RECONCILE_INTERVAL_MS = 60_000;
/**
 * The reconcile pass completes stopped tasks that stopped between LOST_EVENT_LOOKBACK_MS and LOST_EVENT_GRACE_MS
 * ago: the STOPPED event normally does it within seconds; a task whose event is lost is completed by the first pass
 * after the grace (and, if that pass fails, by the next ones while it is in the window). Completing is idempotent.
 */
export const LOST_EVENT_GRACE_MS = 60_000;
export const LOST_EVENT_LOOKBACK_MS = 15 * 60_000;

function isActive(task: TaskView): boolean {
  return task.lastStatus !== 'STOPPED' && task.desiredStatus !== 'STOPPED';
}

/**
 * A tick delivered more than this after its scheduled time may find runs of later ticks (schedules fire at most once
 * a minute): only then does the tick path also list the schedule's stopped tasks.
 */
export const LATE_TICK_MS = 60_000;

const tickOf = (task: TaskView): number | undefined => runRefOfGroup(task.group)?.tickMs;

/**
 * What to do with one tick of `schedule` scheduled at `tickMs`, delivered at `nowMs` (rules 1-5). `tasks` are the
 * schedule's tasks not stopped (ListTasks by startedBy, described), plus its stopped ones when the tick is late;
 * undefined when not looked up (concurrency: allow, where a repeated tick is made harmless by the clientToken alone).
 * `pending` is the schedule's pending capacity retry, if any.
 */
export function decideTick(schedule: ScheduleConfig, tickMs: number, nowMs: number, tasks: readonly TaskView[] | undefined, pending?: PendingCapacityRetry): TickDecision {
  if (schedule.suspend) return { kind: 'suspended' };
  const lateMs = nowMs - tickMs;
  if (schedule.startingDeadlineSeconds !== undefined && lateMs > schedule.startingDeadlineSeconds * 1000) return { kind: 'missed', lateMs };
  const abandon = pending !== undefined && pending.tickMs < tickMs ? { abandon: pending } : {};
  const all = tasks ?? [];
  const active = all.filter(isActive);
  const same = all.filter((t) => tickOf(t) === tickMs && (isActive(t) || t.lastStatus === 'STOPPED'));
  if (same.length > 0) return { kind: 'duplicate', taskArns: same.map((t) => t.taskArn) };
  if (schedule.concurrency === 'allow') return { kind: 'run', stop: [], ...abandon };
  const newer = all.filter((t) => (tickOf(t) ?? -Infinity) > tickMs);
  const newerPending = pending !== undefined && pending.tickMs > tickMs ? pending : undefined;
  if (newer.length > 0 || newerPending !== undefined) {
    const newerTickMs = Math.max(...newer.map((t) => tickOf(t) ?? -Infinity), newerPending?.tickMs ?? -Infinity);
    return { kind: 'superseded', newerTickMs, newer, ...(newerPending !== undefined ? { pending: newerPending } : {}) };
  }
  const older = active.filter((t) => (tickOf(t) ?? -Infinity) < tickMs);
  if (older.length === 0) return { kind: 'run', stop: [], ...abandon };
  if (schedule.concurrency === 'forbid') return { kind: 'skip', running: older };
  return { kind: 'run', stop: older, ...abandon };
}

/** What the reconcile pass does with the schedule's pending capacity retry (rule 6). */
export type PendingRetryDecision =
  | { kind: 'superseded'; byTickMs: number }
  | { kind: 'drop' }
  | { kind: 'not-due' }
  | { kind: 'wait'; running: number }
  | { kind: 'start' };

export function decidePendingRetry(schedule: ScheduleConfig, pending: PendingCapacityRetry, tasks: readonly TaskView[], nowMs: number): PendingRetryDecision {
  const later = tasks.flatMap((t) => {
    const tick = tickOf(t);
    return tick !== undefined && tick > pending.tickMs ? [tick] : [];
  });
  if (later.length > 0) return { kind: 'superseded', byTickMs: Math.min(...later) };
  if (tasks.some((t) => tickOf(t) === pending.tickMs)) return { kind: 'drop' };
  if (pending.dueMs > nowMs) return { kind: 'not-due' };
  const active = tasks.filter(isActive);
  if (schedule.concurrency !== 'allow' && active.length > 0) return { kind: 'wait', running: active.length };
  return { kind: 'start' };
}

/** RunTask failures[] reasons worth retrying: no capacity now (RESOURCE:*, Fargate's message) or the agent away. */
export function isCapacityFailure(reason: string | undefined): boolean {
  if (reason === undefined) return false;
  return reason.startsWith('RESOURCE:') || reason === 'AGENT' || /capacity is unavailable/i.test(reason) || /insufficient capacity/i.test(reason);
}

/** Seconds to wait before attempt `attempt + 1` after attempt `attempt` failed: backoff × 2^(attempt-1), capped. */
export function backoffMs(schedule: ScheduleConfig, attempt: number): number {
  const { backoffSeconds, maxBackoffSeconds } = schedule.retries;
  const seconds = Math.min(maxBackoffSeconds, backoffSeconds * 2 ** Math.max(0, attempt - 1));
  return seconds * 1000;
}

/** Whether a failed attempt `attempt` with `result` is retried (the schedule allows `1 + retries.attempts` in all). */
export function shouldRetry(schedule: ScheduleConfig, result: Pick<RunResult, 'outcome' | 'cause' | 'containers'>, attempt: number): boolean {
  const { retries } = schedule;
  if (attempt >= 1 + retries.attempts) return false;
  if (result.outcome === 'succeeded' || result.outcome === 'replaced') return false;
  switch (result.cause) {
    case 'capacity':
      return retries.on.includes('capacity');
    case 'timeout':
      return retries.on.includes('timeout');
    case 'failed-to-start':
    case 'never-started':
      return retries.on.includes('failedToStart');
    case 'exit': {
      if (!retries.on.includes('nonZeroExit')) return false;
      const codes = result.containers.flatMap((c) => (c.exitCode !== undefined && c.exitCode !== 0 ? [c.exitCode] : []));
      return retries.exitCodes === undefined || codes.some((code) => retries.exitCodes?.includes(code) === true);
    }
    default:
      return false;
  }
}

/**
 * The result of a STOPPED task. `essential` names the essential containers of its task definition (undefined when
 * unknown: every container is then treated as essential). A run succeeds when every essential container exited 0
 * and the task stopped because they exited; ecs-ops's own stops (timeout, replace) are recognized by their reason.
 */
export function judgeTask(task: TaskView, essential: ReadonlySet<string> | undefined): RunResult {
  const containers = task.containers.filter((c) => essential === undefined || essential.has(c.name));
  const considered: ContainerView[] = containers.length > 0 ? containers : task.containers;
  const started = task.startedAt ?? task.createdAt;
  const durationMs = started !== undefined && task.stoppedAt !== undefined ? Math.max(0, task.stoppedAt - started) : undefined;
  const stoppedReason = task.stoppedReason ?? '';
  const containerReason = considered.find((c) => c.reason !== undefined && c.reason !== '')?.reason;
  const result = (outcome: RunResult['outcome'], cause: FailureCause | undefined, reason: string): RunResult => ({
    outcome,
    ...(cause !== undefined ? { cause } : {}),
    containers: considered.map((c) => ({ ...c })),
    reason,
    ...(durationMs !== undefined ? { durationMs } : {}),
  });
  if (stoppedReason.startsWith(TIMEOUT_REASON_PREFIX)) return result('timeout', 'timeout', stoppedReason);
  if (stoppedReason.startsWith(REPLACED_REASON_PREFIX)) return result('replaced', 'replaced', stoppedReason);
  if (task.stopCode === 'TaskFailedToStart') return result('failed', 'failed-to-start', containerReason ?? (stoppedReason || 'the task failed to start'));
  const nonZero = considered.filter((c) => c.exitCode !== undefined && c.exitCode !== 0);
  if (nonZero.length > 0) {
    const first = nonZero[0];
    const codes = nonZero.map((c) => `${c.name} exited ${String(c.exitCode)}`).join(', ');
    return result('failed', 'exit', first?.reason !== undefined && first.reason !== '' ? `${codes}: ${first.reason}` : codes);
  }
  const neverRan = considered.filter((c) => c.exitCode === undefined);
  if (neverRan.length > 0) {
    return result('failed', 'never-started', `${neverRan.map((c) => c.name).join(', ')} never ran (no exit code)${containerReason !== undefined ? `: ${containerReason}` : stoppedReason ? `: ${stoppedReason}` : ''}`);
  }
  // Every essential container exited 0. EssentialContainerExited (or no stop code) is the normal end; anything else
  // (a user's StopTask, a Spot interruption) cut the run short even if the process exited cleanly on SIGTERM.
  if (task.stopCode === undefined || task.stopCode === 'EssentialContainerExited') return result('succeeded', undefined, stoppedReason || 'Essential container in task exited');
  return result('failed', 'stopped', `${task.stopCode}: ${stoppedReason || 'stopped before it ended'}`);
}

/** The StopTask reason for a run past its timeout (≤ 255 characters). */
export function timeoutReason(schedule: ScheduleConfig, runningMs: number): string {
  return `${TIMEOUT_REASON_PREFIX}: ran ${Math.round(runningMs / 1000)}s, longer than timeoutSeconds ${String(schedule.timeoutSeconds)} of schedule ${schedule.name}`.slice(0, 255);
}

export function replacedReason(schedule: ScheduleConfig, tickIso: string): string {
  return `${REPLACED_REASON_PREFIX} by the run of ${tickIso} (schedule ${schedule.name}, concurrency: replace)`.slice(0, 255);
}

/**
 * The reconcile pass for one schedule. `tasks` are its tasks from ListTasks (running and stopped, by startedBy),
 * described; `judge` gives the result of a stopped task (judgeTask with its task definition's essential containers).
 */
export function decideReconcile(schedule: ScheduleConfig, tasks: readonly TaskView[], nowMs: number, judge: (task: TaskView) => RunResult): ReconcileAction[] {
  const actions: ReconcileAction[] = [];
  const active = tasks.filter(isActive);
  if (schedule.timeoutSeconds !== undefined) {
    const limitMs = schedule.timeoutSeconds * 1000;
    for (const task of active) {
      const since = task.startedAt ?? task.createdAt;
      if (since !== undefined && nowMs - since >= limitMs) {
        actions.push({ type: 'stop-timeout', task, ref: runRefOfGroup(task.group), reason: timeoutReason(schedule, nowMs - since) });
      }
    }
  }
  const stopped = tasks.filter((t) => t.lastStatus === 'STOPPED');
  // Attempts already made, per tick: a retry is started once (and its clientToken makes a second start harmless).
  const made = new Set(tasks.flatMap((t) => {
    const ref = runRefOfGroup(t.group);
    return ref ? [`${ref.tickMs}#${ref.attempt}`] : [];
  }));
  // One retry per failed attempt, for as many tasks of it as failed (a run of `count` tasks retries the failed ones).
  const pendingRetries = new Map<string, Extract<ReconcileAction, { type: 'retry' }>>();
  const waiting = new Set<string>();
  const superseded = new Set<string>();
  const laterTick = (tickMs: number): number | undefined => {
    const later = tasks.flatMap((t) => {
      const tick = tickOf(t);
      return tick !== undefined && tick > tickMs ? [tick] : [];
    });
    return later.length > 0 ? Math.min(...later) : undefined;
  };
  for (const task of stopped) {
    const stoppedAt = task.stoppedAt;
    const inWindow = stoppedAt !== undefined && nowMs - stoppedAt >= LOST_EVENT_GRACE_MS && nowMs - stoppedAt < LOST_EVENT_LOOKBACK_MS;
    // A success nobody wants to hear about needs no completion.
    if (inWindow && (schedule.notify.onSuccess || judge(task).outcome !== 'succeeded')) actions.push({ type: 'complete', task });
    const ref = runRefOfGroup(task.group);
    if (!ref || ref.schedule !== schedule.name || stoppedAt === undefined) continue;
    const next: RunRef = { ...ref, attempt: ref.attempt + 1 };
    const key = `${next.tickMs}#${next.attempt}`;
    if (made.has(key) || waiting.has(key)) continue;
    const result = judge(task);
    if (!shouldRetry(schedule, result, ref.attempt)) continue;
    const byTickMs = laterTick(ref.tickMs);
    if (byTickMs !== undefined) {
      if (!superseded.has(key)) actions.push({ type: 'retry-superseded', ref: next, byTickMs, reason: result.reason });
      superseded.add(key);
      continue;
    }
    if (nowMs < stoppedAt + backoffMs(schedule, ref.attempt)) continue;
    const pending = pendingRetries.get(key);
    if (pending) {
      pending.request.count = Math.min(schedule.count, pending.request.count + 1);
      continue;
    }
    const others = active.filter((t) => !actions.some((a) => a.type === 'stop-timeout' && a.task.taskArn === t.taskArn));
    if (schedule.concurrency !== 'allow' && others.length > 0) {
      waiting.add(key);
      actions.push({ type: 'retry-waits', ref: next, running: others.length });
      continue;
    }
    const retry: Extract<ReconcileAction, { type: 'retry' }> = { type: 'retry', request: { ref: next, count: 1, variant: 'primary' }, after: task };
    pendingRetries.set(key, retry);
    actions.push(retry);
  }
  return actions;
}
