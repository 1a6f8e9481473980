/**
 * Scheduled-task notifications: a run's result (or a missed / skipped tick) as the channel-neutral
 * {@link Notification} lib/notify renders for Slack and SNS, with its fingerprint. Kinds honour `alerts.ignore` and
 * `alerts.severity`, and each schedule's `notify` (onFailure, onSuccess, channels).
 */
import type { EcsOpsConfig, ScheduleAlertKind } from '../config/schema.js';
import type { Notification, NotificationField, NotificationLink, Severity } from '../notify/types.js';
import { isoTick, runRefOfGroup } from './identity.js';
import type { PassRoleAdvice } from './pass-role.js';
import type { RunRef, RunResult, ScheduleConfig, TaskView } from './model.js';
import { consoleBase, formatDuration, regionOfArn } from '../notify/format.js';

export const SCHEDULE_SEVERITY: Record<ScheduleAlertKind, Severity> = {
  'schedule-failed': 'critical',
  'schedule-timeout': 'critical',
  'schedule-missed': 'warning',
  'schedule-skipped': 'warning',
  'schedule-replaced': 'warning',
  'schedule-succeeded': 'info',
};

/** Where a container's logs are (the task definition's awslogs configuration). */
export interface LogsLocation {
  group: string;
  region?: string | undefined;
  /** `<prefix>/<container>/<task id>`; undefined without awslogs-stream-prefix (the stream is then the container id). */
  stream?: string | undefined;
}

/** What happened, for one notification. */
export type ScheduleEvent =
  | { kind: 'result'; ref: RunRef | undefined; task: TaskView; result: RunResult; logs?: LogsLocation | undefined; retry?: { attempt: number; inMs: number } | undefined }
  /**
   * RunTask started nothing. `abandoned`: the retry (attempt) is not made, superseded by the tick of `byTickMs`: the
   * tick's last failure (with `ref.attempt` the attempt that is not made when reported from a pending retry).
   * `configuration`: RunTask was refused for a configuration error (iam:PassRole): what to change, and where.
   */
  | {
      kind: 'run-failed';
      ref: RunRef;
      reason: string;
      capacity: boolean;
      retry?: { attempt: number; inMs: number } | undefined;
      abandoned?: { attempt: number; byTickMs: number } | undefined;
      configuration?: PassRoleAdvice | undefined;
    }
  | { kind: 'missed'; ref: RunRef; lateMs: number }
  /** `newer`: a late tick skipped because the run of a later tick is there (its tasks are `running`, maybe stopped). */
  | { kind: 'skipped'; ref: RunRef; running: TaskView[]; newer?: { tickMs: number; pendingAttempt?: number } | undefined };

export interface BuiltScheduleNotification {
  notification: Notification;
  fingerprint: string;
}

/** The CloudWatch console escapes path parts twice with `$` for `%`. */
function cwEscape(text: string): string {
  return encodeURIComponent(encodeURIComponent(text)).replace(/%/g, '$');
}

/** A CloudWatch Logs console link to the log stream (or the log group when the stream name is unknown). */
export function logsLink(logs: LogsLocation, fallbackRegion: string | undefined): string | undefined {
  const region = logs.region ?? fallbackRegion;
  if (region === undefined) return undefined;
  const group = `${consoleBase(region)}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${cwEscape(logs.group)}`;
  return logs.stream !== undefined ? `${group}/log-events/${cwEscape(logs.stream)}` : group;
}

const taskId = (arn: string): string => arn.split('/').pop() ?? arn;

function field(label: string, value: string | undefined): NotificationField[] {
  return value === undefined || value === '' ? [] : [{ label, value }];
}

function attemptText(schedule: ScheduleConfig, attempt: number): string {
  return `${attempt} of ${1 + schedule.retries.attempts}`;
}

const CAUSE: Record<NonNullable<RunResult['cause']>, string> = {
  exit: 'non-zero exit',
  'failed-to-start': 'failed to start',
  'never-started': 'a container never ran',
  stopped: 'stopped before it ended',
  timeout: 'timed out',
  replaced: 'replaced by the next run',
  capacity: 'no capacity',
  'run-task': 'RunTask refused it',
};

/**
 * The notification for `event` of `schedule`, or undefined when nothing is to be posted: its kind is in
 * `alerts.ignore`, or the schedule's `notify` turns it off (onSuccess for successes, onFailure for the rest).
 */
export function scheduleNotification(event: ScheduleEvent, schedule: ScheduleConfig, config: EcsOpsConfig, nowMs: number, region: string | undefined): BuiltScheduleNotification | undefined {
  const kind: ScheduleAlertKind =
    event.kind === 'missed'
      ? 'schedule-missed'
      : event.kind === 'skipped'
        ? 'schedule-skipped'
        : event.kind === 'run-failed'
          ? 'schedule-failed'
          : event.result.outcome === 'succeeded'
            ? 'schedule-succeeded'
            : event.result.outcome === 'timeout'
              ? 'schedule-timeout'
              : event.result.outcome === 'replaced'
                ? 'schedule-replaced'
                : 'schedule-failed';
  if ((config.alerts.ignore as readonly string[]).includes(kind)) return undefined;
  if (kind === 'schedule-succeeded' ? !schedule.notify.onSuccess : !schedule.notify.onFailure) return undefined;
  // A failure that will be retried is a warning; the last one (or one that is not retried) keeps its severity.
  const retrying = (event.kind === 'result' || event.kind === 'run-failed') && event.retry !== undefined;
  // A configuration error stops every run of the schedule until someone acts: critical, whatever the kind's setting.
  const configurationError = event.kind === 'run-failed' && event.configuration !== undefined;
  const severity = configurationError ? 'critical' : (config.alerts.severity[kind] ?? (retrying && SCHEDULE_SEVERITY[kind] === 'critical' ? 'warning' : SCHEDULE_SEVERITY[kind]));
  const ref = event.ref;
  const tick = ref !== undefined ? isoTick(ref.tickMs) : undefined;
  const common: NotificationField[] = [
    ...field('Schedule', schedule.name),
    ...field('Cluster', schedule.cluster),
    ...field('Scheduled time', tick),
    ...field('Attempt', ref !== undefined ? attemptText(schedule, ref.attempt) : undefined),
  ];
  const retryLine = (retry: { attempt: number; inMs: number } | undefined): string =>
    retry === undefined ? '' : ` ecs-ops retries it (attempt ${attemptText(schedule, retry.attempt)}) in about ${formatDuration(retry.inMs)}.`;
  let title: string;
  let summary: string;
  let fields: NotificationField[] = common;
  let details: string[] | undefined;
  const links: NotificationLink[] = [];
  let fingerprint: string;

  switch (event.kind) {
    case 'missed':
      title = `${schedule.name}: run of ${tick ?? '?'} missed its starting deadline`;
      summary = `The tick of ${tick ?? '?'} reached ecs-ops ${formatDuration(event.lateMs)} late, past startingDeadlineSeconds (${String(schedule.startingDeadlineSeconds)}s): it was not run. The next tick runs as scheduled.`;
      fields = [...common, ...field('Late by', formatDuration(event.lateMs))];
      fingerprint = `${kind}|${schedule.name}|${tick ?? ''}`;
      break;
    case 'skipped':
      if (event.newer !== undefined) {
        const newerTick = isoTick(event.newer.tickMs);
        const late = ref !== undefined ? ` ${formatDuration(nowMs - ref.tickMs)} late` : ' late';
        title = `${schedule.name}: run of ${tick ?? '?'} skipped, the run of ${newerTick} is newer`;
        summary =
          `The tick of ${tick ?? '?'} reached ecs-ops${late}, after the tick of ${newerTick} had its run` +
          (event.newer.pendingAttempt !== undefined && event.running.length === 0 ? ` (a capacity retry, attempt ${attemptText(schedule, event.newer.pendingAttempt)}, is pending)` : '') +
          `: with concurrency ${schedule.concurrency} a tick never runs after, or stops, a run of a later tick, so it was skipped.`;
        fields = [...common, ...field('Newer run', newerTick)];
        details = event.running.map((t) => {
          const of = runRefOfGroup(t.group);
          return `${taskId(t.taskArn)}  ${t.lastStatus}  tick ${of !== undefined ? isoTick(of.tickMs) : '?'}`;
        });
        if (details.length === 0) details = undefined;
        fingerprint = `${kind}|${schedule.name}|${tick ?? ''}`;
        break;
      }
      title = `${schedule.name}: run of ${tick ?? '?'} skipped, the previous run is still going`;
      summary = `concurrency is forbid and ${event.running.length === 1 ? 'a run' : `${event.running.length} runs`} of ${schedule.name} ${event.running.length === 1 ? 'is' : 'are'} still going, so the tick of ${tick ?? '?'} was skipped.`;
      details = event.running.map((t) => `${taskId(t.taskArn)}  ${t.lastStatus}${t.startedAt !== undefined ? `  running for ${formatDuration(nowMs - t.startedAt)}` : ''}`);
      fingerprint = `${kind}|${schedule.name}|${tick ?? ''}`;
      break;
    case 'run-failed': {
      const { abandoned } = event;
      if (event.configuration !== undefined) {
        // Every tick fails the same way until the config changes: one report per schedule and role, not per tick.
        title = `${schedule.name}: configuration error, scheduled runs cannot start (iam:PassRole)`;
        summary = event.configuration.message;
        fields = [...common, ...field('Config field', event.configuration.field), ...field('Task definition', schedule.taskDefinition), ...field('Error', event.reason)];
        fingerprint = `${kind}|${schedule.name}|configuration|${event.reason}`;
        break;
      }
      if (abandoned !== undefined && abandoned.attempt === event.ref.attempt) {
        // A pending retry given up: the attempt it names was never made.
        title = `${schedule.name}: run of ${tick ?? '?'} abandoned${event.capacity ? ' (no capacity)' : ''}, superseded by the tick of ${isoTick(abandoned.byTickMs)}`;
        summary = `${event.capacity ? 'RunTask did not start the task' : 'The run failed'}: ${event.reason}. The retry ecs-ops announced (attempt ${attemptText(schedule, abandoned.attempt)}) is not made: the tick of ${isoTick(abandoned.byTickMs)} supersedes it.`;
        fields = [...common.filter((f) => f.label !== 'Attempt'), ...field('Abandoned attempt', attemptText(schedule, abandoned.attempt)), ...field('Reason', event.reason), ...field('Task definition', schedule.taskDefinition)];
        fingerprint = `${kind}|${schedule.name}|${tick ?? ''}|abandoned`;
        break;
      }
      title = `${schedule.name}: run of ${tick ?? '?'} could not start${event.capacity ? ' (no capacity)' : ''}`;
      summary =
        `RunTask did not start the task: ${event.reason}.${retryLine(event.retry)}` +
        (abandoned !== undefined ? ` It is not retried: the tick of ${isoTick(abandoned.byTickMs)} supersedes it.` : '');
      fields = [...common, ...field('Reason', event.reason), ...field('Task definition', schedule.taskDefinition)];
      fingerprint = `${kind}|${schedule.name}|${tick ?? ''}|${String(event.ref.attempt)}|run-task`;
      break;
    }
    case 'result': {
      const { task, result } = event;
      const id = taskId(task.taskArn);
      const duration = result.durationMs !== undefined ? formatDuration(result.durationMs) : undefined;
      const codes = result.containers.map((c) => `${c.name}=${c.exitCode === undefined ? 'none' : String(c.exitCode)}`).join(', ');
      if (result.outcome === 'succeeded') {
        title = `${schedule.name}: run of ${tick ?? '?'} succeeded${duration !== undefined ? ` in ${duration}` : ''}`;
        summary = `Task ${id} ended with exit code 0 in every essential container.`;
      } else if (result.outcome === 'timeout') {
        title = `${schedule.name}: run of ${tick ?? '?'} stopped after its timeout (${String(schedule.timeoutSeconds)}s)`;
        summary = `Task ${id} ran past timeoutSeconds and ecs-ops stopped it: ${result.reason}.${retryLine(event.retry)}`;
      } else if (result.outcome === 'replaced') {
        title = `${schedule.name}: run of ${tick ?? '?'} stopped for the next run (concurrency: replace)`;
        summary = `Task ${id} was still running when the next tick came: ${result.reason}.`;
      } else {
        title = `${schedule.name}: run of ${tick ?? '?'} failed (${result.cause === 'exit' ? `exit code ${result.containers.filter((c) => c.exitCode !== undefined && c.exitCode !== 0).map((c) => String(c.exitCode)).join(', ')}` : CAUSE[result.cause ?? 'stopped']})`;
        summary = `Task ${id} failed: ${result.reason}.${retryLine(event.retry)}`;
      }
      fields = [
        ...common,
        ...field('Exit codes', codes),
        ...field('Stop code', task.stopCode),
        ...field('Stopped reason', task.stoppedReason),
        ...field('Duration', duration),
        ...field('Task', id),
        ...field('Task definition', task.taskDefinitionArn?.split('/').pop()),
      ];
      details = result.containers.filter((c) => c.reason !== undefined && c.reason !== '').map((c) => `${c.name}: ${c.reason ?? ''}`);
      if (details.length === 0) details = undefined;
      const r = regionOfArn(task.taskArn) ?? region;
      if (r !== undefined) links.push({ text: 'Task', url: `${consoleBase(r)}/ecs/v2/clusters/${encodeURIComponent(task.cluster)}/tasks/${encodeURIComponent(id)}?region=${r}` });
      const logs = event.logs !== undefined ? logsLink(event.logs, r) : undefined;
      if (logs !== undefined) links.push({ text: 'Logs', url: logs });
      fingerprint = `${kind}|${task.taskArn}`;
      break;
    }
  }
  return {
    fingerprint,
    notification: {
      kind,
      severity,
      title,
      summary,
      fields,
      links,
      ...(details !== undefined ? { details } : {}),
      cluster: schedule.cluster,
      occurredAt: new Date(nowMs).toISOString(),
    },
  };
}
