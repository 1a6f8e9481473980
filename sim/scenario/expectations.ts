/**
 * Checking a scenario's expectations against what the run recorded. Pure: the report (without its verdicts) in,
 * one result per expectation out.
 */
import type { Expectation } from './schema.js';
import type { ExpectationResult, NotificationItem, ScheduledTaskItem, SimulationReport } from './report.js';
import { formatDuration } from './time.js';
import { evaluatePlacementExpectation } from './placement-expectations.js';

export type RunRecord = Omit<SimulationReport, 'expectations' | 'passed'>;

interface Bounds {
  count?: number | undefined;
  min?: number | undefined;
  max?: number | undefined;
}

function boundsText(bounds: Bounds, defaultMin: number | undefined): string {
  if (bounds.count !== undefined) return `exactly ${bounds.count}`;
  const { min, max } = bounds;
  if (min !== undefined && max !== undefined) return min === max ? `exactly ${min}` : `${min} to ${max}`;
  if (min !== undefined) return `at least ${min}`;
  if (max !== undefined) return `at most ${max}`;
  return defaultMin === undefined ? 'any number' : `at least ${defaultMin}`;
}

function within(n: number, bounds: Bounds, defaultMin: number | undefined): boolean {
  if (bounds.count !== undefined) return n === bounds.count;
  if (bounds.min === undefined && bounds.max === undefined) return defaultMin === undefined || n >= defaultMin;
  return (bounds.min === undefined || n >= bounds.min) && (bounds.max === undefined || n <= bounds.max);
}

function shortTime(iso: string): string {
  return iso.slice(11, 19);
}

function listNotifications(items: readonly NotificationItem[], limit = 4): string {
  const shown = items.slice(0, limit).map((n) => `${shortTime(n.at)} ${n.channel} ${n.kind ?? ''} "${n.title}"`.replace(/ {2,}/g, ' '));
  return shown.join('; ') + (items.length > limit ? `; … ${items.length - limit} more` : '');
}

/** The terminate lifecycle actions, of the hook and ASG if given. */
function terminateActions(record: RunRecord, hook: string | undefined, asg?: string) {
  return record.lifecycleActions.filter((a) => a.transition === 'terminating' && (hook === undefined || a.hook === hook) && (asg === undefined || a.asg === asg));
}

/** " of <hook> in <asg>" for descriptions. */
function ofHookAsg(hook: string | undefined, asg: string | undefined): string {
  return `${hook === undefined ? '' : ` of ${hook}`}${asg === undefined ? '' : ` in ${asg}`}`;
}

/** Whether a notification is about a cluster or ASG: its SNS attribute, or the name in its title or text. */
function names(n: NotificationItem, attribute: 'cluster' | 'asg', name: string): boolean {
  const attr = n.attributes?.[attribute];
  if (attr !== undefined) return attr === name;
  const word = new RegExp(`(^|[^A-Za-z0-9_-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_-])`);
  return word.test(n.title) || word.test(n.text);
}

function taskStops(p: Extract<Expectation, { type: 'taskStops' }>['params'], record: RunRecord): Omit<ExpectationResult, 'line' | 'invariant'> {
  const stops = (record.taskStops ?? []).filter(
    (t) =>
      (p.cluster === undefined || t.cluster === p.cluster) &&
      (p.service === undefined || t.service === p.service) &&
      (p.reason === undefined || t.reason.includes(p.reason)) &&
      (p.protected === undefined || t.protected === p.protected) &&
      (p.killedAtStopTimeout === undefined || t.killedAtStopTimeout === p.killedAtStopTimeout),
  );
  const filters = [
    p.cluster === undefined && p.service === undefined ? undefined : `of ${p.cluster ?? '*'}/${p.service ?? '*'}`,
    p.reason === undefined ? undefined : `reason containing "${p.reason}"`,
    p.protected === undefined ? undefined : p.protected ? 'protected from scale-in' : 'not protected',
    p.killedAtStopTimeout === undefined ? undefined : p.killedAtStopTimeout ? 'SIGKILLed at their stopTimeout' : 'exited on SIGTERM',
  ].filter((f): f is string => f !== undefined);
  const problems: string[] = [];
  if (!within(stops.length, p, 1)) problems.push(`${stops.length} matching stops`);
  if (p.minStopTime !== undefined) {
    for (const t of stops) {
      if (t.stoppedAfterSeconds !== undefined && t.stoppedAfterSeconds * 1000 < p.minStopTime) problems.push(`${t.task.split('/').pop() ?? t.task} stopped in ${formatDuration(t.stoppedAfterSeconds * 1000)}`);
    }
  }
  const shown = stops.slice(0, 4).map((t) => `${shortTime(t.at)} ${t.task.split('/').pop() ?? t.task}${t.stoppedAfterSeconds === undefined ? '' : ` (${formatDuration(t.stoppedAfterSeconds * 1000)})`}: ${t.reason}`);
  return {
    type: 'taskStops',
    description: `task stops${filters.length > 0 ? ` ${filters.join(', ')}` : ''}: ${boundsText(p, 1)}${p.minStopTime === undefined ? '' : `, each taking at least ${formatDuration(p.minStopTime)}`}`,
    passed: problems.length === 0,
    detail: problems.length > 0 ? problems.slice(0, 5).join('; ') : `${stops.length} matching${shown.length > 0 ? ` (${shown.join('; ')}${stops.length > 4 ? '; …' : ''})` : ''}`,
  };
}

/** A function's short name from its short name, function name or logical id (the ref itself when unknown). */
function functionShortName(record: RunRecord, ref: string): string {
  return Object.entries(record.invocations.byFunction).find(([short, s]) => short === ref || s.name === ref || s.logicalId === ref)?.[0] ?? ref;
}

/** Finds a function's stats by short name, function name or logical id. */
function functionStats(record: RunRecord, ref: string) {
  return Object.entries(record.invocations.byFunction).find(([short, s]) => short === ref || s.name === ref || s.logicalId === ref)?.[1];
}

/** Whether a scheduled task did not succeed: an essential exit code not 0 (or none), or stopped by something else. */
function scheduledTaskFailed(t: ScheduledTaskItem): boolean {
  if (t.lastStatus !== 'STOPPED') return false;
  const codes = Object.values(t.exitCodes);
  return t.stopCode !== 'EssentialContainerExited' || codes.length === 0 || codes.some((c) => c !== 0);
}

/** Schedule notifications that name the run still going (not a report of its failure). */
const SCHEDULE_NOTICES_NAMING_RUNNING = new Set(['schedule-skipped', 'schedule-replaced']);

/** `ecs-ops:<schedule>:<20260101T080000Z>:<attempt>`, the group ecs-ops gives its runs (README, scheduled tasks). */
const RUN_GROUP = /^ecs-ops:[A-Za-z0-9_-]+:(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z:(\d+)$/;
/** The stoppedReason of a run stopped for the next one (concurrency: replace) names that run's tick. */
const REPLACED_BY = /^ecs-ops: replaced by the run of (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)/;

function runOfGroup(group: string | undefined): { tickMs: number; attempt: number } | undefined {
  const m = group === undefined ? null : RUN_GROUP.exec(group);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, attempt] = m.map(Number);
  return { tickMs: Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0), attempt: attempt ?? 0 };
}

/**
 * Tick order (issue 14, item 5): a tick never stops a run of a later (or its own) tick, and no tick's first run is
 * started after a run of a later tick was.
 */
function tickOrderProblems(tasks: readonly ScheduledTaskItem[], id: (t: ScheduledTaskItem) => string): string[] {
  const problems: string[] = [];
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  for (const t of tasks) {
    const run = runOfGroup(t.group);
    const by = REPLACED_BY.exec(t.stoppedReason ?? '')?.[1];
    if (run && by !== undefined && Date.parse(by) <= run.tickMs) problems.push(`${id(t)} (tick ${iso(run.tickMs)}) was stopped for the run of ${by}, not a later tick`);
  }
  const firsts = tasks
    .flatMap((t) => {
      const run = runOfGroup(t.group);
      return run?.attempt === 1 && t.createdAt !== undefined ? [{ t, tickMs: run.tickMs, at: Date.parse(t.createdAt) }] : [];
    })
    .sort((a, b) => a.at - b.at);
  let latest: (typeof firsts)[number] | undefined;
  for (const f of firsts) {
    if (latest && f.tickMs < latest.tickMs) problems.push(`${id(f.t)} (tick ${iso(f.tickMs)}) started at ${shortTime(f.t.createdAt ?? '')}, after ${id(latest.t)} of the later tick ${iso(latest.tickMs)}`);
    if (!latest || f.tickMs > latest.tickMs) latest = f;
  }
  return problems;
}

function scheduledRuns(p: Extract<Expectation, { type: 'scheduledRuns' }>['params'], record: RunRecord): Omit<ExpectationResult, 'line' | 'invariant'> {
  const tasks = (record.scheduledTasks ?? []).filter((t) => t.schedule === p.schedule);
  const id = (t: ScheduledTaskItem) => t.task.split('/').pop() ?? t.task;
  const problems: string[] = [];
  const parts: string[] = [];
  if (p.count !== undefined || p.min !== undefined || p.max !== undefined) {
    parts.push(`${boundsText(p, undefined)} tasks`);
    if (!within(tasks.length, p, undefined)) problems.push(`${tasks.length} tasks started`);
  }
  if (p.noOverlap) {
    parts.push('no overlap');
    const end = Date.parse(record.virtual.end);
    const spans = tasks
      .filter((t) => t.startedAt !== undefined)
      .map((t) => ({ t, from: Date.parse(t.startedAt ?? ''), to: Date.parse(t.stoppingAt ?? t.stoppedAt ?? '') || end }))
      .sort((a, b) => a.from - b.from);
    for (let i = 1; i < spans.length; i++) {
      const a = spans[i - 1];
      const b = spans[i];
      if (a && b && b.from < a.to) problems.push(`${id(b.t)} started at ${shortTime(b.t.startedAt ?? '')} while ${id(a.t)} was running (until ${shortTime(new Date(a.to).toISOString())})`);
    }
  }
  if (p.perTick !== undefined) {
    parts.push(`at most ${p.perTick} per tick and attempt`);
    const byGroup = new Map<string, number>();
    for (const t of tasks) byGroup.set(t.group ?? '(no group)', (byGroup.get(t.group ?? '(no group)') ?? 0) + 1);
    for (const [group, n] of byGroup) if (n > p.perTick) problems.push(`${n} tasks for ${group}`);
  }
  if (p.tickOrder) {
    parts.push('ticks in order');
    problems.push(...tickOrderProblems(tasks, id));
  }
  if (p.capacityProvider !== undefined) {
    parts.push(`all on ${p.capacityProvider}`);
    for (const t of tasks) if (t.capacityProvider !== p.capacityProvider) problems.push(`${id(t)} ran on ${t.capacityProvider ?? 'no capacity provider'}`);
  }
  const failed = tasks.filter(scheduledTaskFailed);
  if (p.failed) {
    parts.push(`${boundsText(p.failed, undefined)} failed`);
    if (!within(failed.length, p.failed, undefined)) problems.push(`${failed.length} failed`);
  }
  if (p.failuresReportedOnce) {
    parts.push('every failure reported once');
    const delivered = record.notifications.filter((n) => n.delivered);
    for (const t of failed) {
      const naming = delivered.filter((n) => n.title.includes(id(t)) || n.text.includes(id(t)));
      const byChannel = new Map<string, number>();
      // Only reports of the failure count towards "at most once": a schedule-skipped (or -replaced) notice names the run
      // still going, which may fail later.
      for (const n of naming) if (!SCHEDULE_NOTICES_NAMING_RUNNING.has(n.kind ?? '')) byChannel.set(n.channel, (byChannel.get(n.channel) ?? 0) + 1);
      if (naming.length === 0) problems.push(`${id(t)} (${t.stopCode ?? '?'}: ${t.stoppedReason ?? ''}) was never reported`);
      for (const [channel, n] of byChannel) if (n > 1) problems.push(`${id(t)} reported ${n} times to ${channel}`);
    }
  }
  return {
    type: 'scheduledRuns',
    description: `scheduled runs of ${p.schedule}: ${parts.join(', ') || 'any'}`,
    passed: problems.length === 0,
    detail: problems.length === 0 ? `${tasks.length} tasks, ${failed.length} failed` : problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; … ${problems.length - 5} more` : ''),
  };
}

export function evaluateExpectation(expectation: Expectation, record: RunRecord): Omit<ExpectationResult, 'line' | 'invariant'> {
  switch (expectation.type) {
    case 'scheduledRuns':
      return scheduledRuns(expectation.params, record);
    case 'taskStops':
      return taskStops(expectation.params, record);
    case 'notification': {
      const p = expectation.params;
      const filters = [
        p.channel === undefined ? undefined : `to ${p.channel}`,
        p.via === undefined ? undefined : `via ${p.via}`,
        p.kind === undefined ? undefined : `of kind ${p.kind}`,
        p.contains === undefined ? undefined : `containing "${p.contains}"`,
        p.function === undefined ? undefined : `from ${p.function}`,
        p.cluster === undefined ? undefined : `about cluster ${p.cluster}`,
        p.asg === undefined ? undefined : `about ASG ${p.asg}`,
      ].filter((f): f is string => f !== undefined);
      const fromFunction = p.function === undefined ? undefined : functionShortName(record, p.function);
      const matching = record.notifications.filter(
        (n) =>
          n.delivered &&
          (p.channel === undefined || n.channel === p.channel) &&
          (p.via === undefined || n.via === p.via) &&
          (p.kind === undefined || n.kind === p.kind) &&
          (p.contains === undefined || n.title.includes(p.contains) || n.text.includes(p.contains)) &&
          (fromFunction === undefined || n.function === fromFunction) &&
          (p.cluster === undefined || names(n, 'cluster', p.cluster)) &&
          (p.asg === undefined || names(n, 'asg', p.asg)),
      );
      const passed = within(matching.length, p, 1);
      const delivered = record.notifications.filter((n) => n.delivered);
      return {
        type: 'notification',
        description: `notifications${filters.length > 0 ? ` ${filters.join(' ')}` : ''}: ${boundsText(p, 1)}`,
        passed,
        detail:
          `${matching.length} matching` +
          (matching.length > 0 ? ` (${listNotifications(matching)})` : '') +
          (!passed && delivered.length > matching.length ? `; all delivered: ${listNotifications(delivered, 8)}` : ''),
      };
    }
    case 'noTasksKilled':
    case 'tasksKilled': {
      const bounds: Bounds = expectation.type === 'noTasksKilled' ? { count: 0 } : expectation.params;
      const { count, byService } = record.tasksKilled;
      const services = Object.entries(byService).map(([s, n]) => `${s} ${n}`).join(', ');
      return {
        type: expectation.type,
        description: expectation.type === 'noTasksKilled' ? 'no task killed by an instance termination' : `tasks killed by instance terminations: ${boundsText(bounds, undefined)}`,
        passed: within(count, bounds, undefined),
        detail: `${count} killed${services ? ` (${services})` : ''}`,
      };
    }
    case 'autoScalingGroup': {
      const p = expectation.params;
      const group = (record.autoScalingGroups ?? []).find((g) => g.name === p.asg);
      if (!group) return { type: 'autoScalingGroup', description: `ASG ${p.asg}`, passed: false, detail: `no ASG ${p.asg} in the fleet` };
      const inService = group.instances.filter((i) => i.lifecycleState === 'InService');
      const protectedCount = inService.filter((i) => i.protectedFromScaleIn).length;
      const problems: string[] = [];
      if (p.desired !== undefined && group.desiredCapacity !== p.desired) problems.push(`desired capacity ${group.desiredCapacity}, not ${p.desired}`);
      if (p.reachedDesired !== undefined && group.highestDesired < p.reachedDesired) problems.push(`desired capacity reached only ${group.highestDesired}`);
      if (p.inService !== undefined && inService.length !== p.inService) problems.push(`${inService.length} InService, not ${p.inService}`);
      if (p.protected !== undefined && protectedCount !== p.protected) problems.push(`${protectedCount} protected from scale-in, not ${p.protected}`);
      const wanted = [
        p.desired === undefined ? undefined : `desired ${p.desired}`,
        p.reachedDesired === undefined ? undefined : `desired reached ${p.reachedDesired}`,
        p.inService === undefined ? undefined : `${p.inService} InService`,
        p.protected === undefined ? undefined : `${p.protected} protected from scale-in`,
      ].filter((x): x is string => x !== undefined);
      return {
        type: 'autoScalingGroup',
        description: `ASG ${p.asg} at the end: ${wanted.join(', ') || 'exists'}`,
        passed: problems.length === 0,
        detail: `${problems.length === 0 ? '' : `${problems.join('; ')} — `}desired ${group.desiredCapacity} (range ${group.lowestDesired}-${group.highestDesired}), ${inService.length} InService (${inService.map((i) => `${i.id}${i.protectedFromScaleIn ? ' protected' : ''}`).join(', ')})`,
      };
    }
    case 'lifecycleActionsCompleted': {
      const p = expectation.params;
      const actions = terminateActions(record, p.hook, p.asg);
      const problems: string[] = [];
      for (const a of actions) {
        // ECS completing its own managed-draining hook is a CompleteLifecycleAction too.
        if ((a.completedBy !== 'api' && a.completedBy !== 'ecs-managed-draining') || a.result !== 'CONTINUE') {
          problems.push(`${a.instance}: ${a.completed === undefined ? 'never completed' : `ended by ${a.completedBy ?? '?'}${a.result ? ` (${a.result})` : ''}`}`);
        } else if (p.maxHoldAfterEmpty !== undefined && (a.heldAfterEmptySeconds ?? Infinity) * 1000 > p.maxHoldAfterEmpty) {
          problems.push(`${a.instance}: held ${a.heldAfterEmptySeconds === undefined ? 'without ever being empty' : `${formatDuration(a.heldAfterEmptySeconds * 1000)} after it was empty`}`);
        }
      }
      if (p.count !== undefined && actions.length !== p.count) problems.unshift(`${actions.length} terminate lifecycle action${actions.length === 1 ? '' : 's'}, expected ${p.count}`);
      const holds = actions.flatMap((a) => (a.heldAfterEmptySeconds === undefined ? [] : [a.heldAfterEmptySeconds * 1000]));
      const longest = holds.length === 0 ? '' : `, longest hold after empty ${formatDuration(Math.max(...holds))}`;
      return {
        type: 'lifecycleActionsCompleted',
        description:
          `every terminate lifecycle action${ofHookAsg(p.hook, p.asg)}${p.count === undefined ? '' : ` (${p.count})`} completed with CONTINUE` +
          (p.maxHoldAfterEmpty === undefined ? '' : `, within ${formatDuration(p.maxHoldAfterEmpty)} of the instance being empty`),
        passed: problems.length === 0,
        detail: actions.length === 0 && p.count === undefined ? 'no terminate lifecycle action' : problems.length === 0 ? `${actions.length} completed${longest}` : problems.join('; '),
      };
    }
    case 'drainsOnce': {
      const p = expectation.params;
      const allowed = p.lateCompletions ?? 0;
      const problems: string[] = [];
      // An instance never registered with ECS is not a drain: nothing on it can hold the mark, so a pass completing it
      // again while another hook holds it is an idempotent no-op (ecs-ops has nowhere in ECS to remember it).
      const unregistered = new Set(record.drains.filter((d) => !d.registered).map((d) => d.instance));
      const actions = terminateActions(record, p.hook).filter((a) => !unregistered.has(a.instance));
      for (const a of actions) if (a.lateCompletions > allowed) problems.push(`${a.instance}: ${a.lateCompletions} CompleteLifecycleAction calls after its action ended`);
      const reports = new Map<string, number>();
      for (const n of record.notifications) {
        if (!n.delivered || (n.kind !== 'drain-started' && n.kind !== 'drain-completed' && n.kind !== 'drain-forced')) continue;
        const instance = /\bi-[0-9a-f]+\b/.exec(n.title)?.[0];
        if (instance === undefined) continue;
        const key = `${n.channel} ${n.kind === 'drain-started' ? 'drain-started' : 'drain-completed/forced'} ${instance}`;
        reports.set(key, (reports.get(key) ?? 0) + 1);
      }
      for (const [key, n] of reports) if (n > 1) problems.push(`${key}: ${n} notifications`);
      const late = actions.reduce((sum, a) => sum + a.lateCompletions, 0);
      return {
        type: 'drainsOnce',
        description: `every drain of ${p.hook} completed once (at most ${allowed} late CompleteLifecycleAction call${allowed === 1 ? '' : 's'} each) and reported once per channel`,
        passed: problems.length === 0,
        detail: problems.length === 0 ? `${actions.length} lifecycle action${actions.length === 1 ? '' : 's'}, ${late} late completion call${late === 1 ? '' : 's'}, ${reports.size} drain report${reports.size === 1 ? '' : 's'}` : problems.join('; '),
      };
    }
    case 'heartbeats': {
      const p = expectation.params;
      const actions = terminateActions(record, p.hook, p.asg);
      const bad = actions.filter((a) => !within(a.heartbeats, { min: p.min, max: p.max }, undefined));
      const counts = actions.map((a) => a.heartbeats);
      return {
        type: 'heartbeats',
        description: `every terminate lifecycle action${ofHookAsg(p.hook, p.asg)} got ${boundsText({ min: p.min, max: p.max }, undefined)} heartbeats`,
        passed: actions.length > 0 && bad.length === 0,
        detail:
          actions.length === 0
            ? 'no terminate lifecycle action'
            : bad.length > 0
              ? bad.map((a) => `${a.instance}: ${a.heartbeats}`).join('; ')
              : `${counts.join(', ')} heartbeat${counts.length === 1 && counts[0] === 1 ? '' : 's'}`,
      };
    }
    case 'noLifecycleActionPastDeadline': {
      const p = expectation.params;
      const endMs = Date.parse(record.virtual.end);
      const problems: string[] = [];
      let longest = 0;
      for (const a of terminateActions(record, p.hook, p.asg)) {
        const started = Date.parse(a.started);
        const waited = (a.completed === undefined ? endMs : Date.parse(a.completed)) - started;
        longest = Math.max(longest, waited);
        if (waited > p.deadline) {
          problems.push(`${a.instance}: ${a.completed === undefined ? `still waiting at the end, ${formatDuration(waited)} after it started` : `waited ${formatDuration(waited)} (ended by ${a.completedBy ?? '?'})`}`);
        }
      }
      return {
        type: 'noLifecycleActionPastDeadline',
        description: `no terminate lifecycle action${ofHookAsg(p.hook, p.asg)} waited more than ${formatDuration(p.deadline)}`,
        passed: problems.length === 0,
        detail: problems.length === 0 ? `longest wait ${formatDuration(longest)}` : problems.join('; '),
      };
    }
    case 'drainStarted': {
      const p = expectation.params;
      const drains = record.drains.filter((d) => d.registered && (p.trigger === undefined || d.trigger === p.trigger));
      const problems: string[] = [];
      let slowest = 0;
      for (const d of drains) {
        const after = d.drainingAfterSeconds === undefined ? undefined : d.drainingAfterSeconds * 1000;
        const beforeEnd = d.drainingAt !== undefined && (d.terminatedAt === undefined || Date.parse(d.drainingAt) <= Date.parse(d.terminatedAt));
        if (after === undefined || !beforeEnd) problems.push(`${d.instance} (${d.trigger} at ${shortTime(d.triggeredAt)}): never DRAINING${d.terminatedAt === undefined ? '' : ' before it terminated'}`);
        else if (after > p.within) problems.push(`${d.instance} (${d.trigger}): DRAINING ${formatDuration(after)} after`);
        else slowest = Math.max(slowest, after);
      }
      return {
        type: 'drainStarted',
        description: `every registered instance with a ${p.trigger ?? 'terminate lifecycle action or Spot warning'} set to DRAINING within ${formatDuration(p.within)}`,
        passed: drains.length > 0 && problems.length === 0,
        detail: drains.length === 0 ? 'no instance to drain' : problems.length === 0 ? `${drains.length} drained, slowest after ${formatDuration(slowest)}` : problems.join('; '),
      };
    }
    case 'tasksKilledOnlyWhenForced': {
      const problems: string[] = [];
      const byInstance = new Map<string, string[]>();
      for (const k of record.tasksKilled.tasks) byInstance.set(k.instance, [...(byInstance.get(k.instance) ?? []), k.task]);
      for (const [instance, tasks] of byInstance) {
        const action = record.lifecycleActions.find((a) => a.instance === instance && a.transition === 'terminating');
        if (action?.completedBy !== 'api') {
          problems.push(`${instance}: ${tasks.length} killed, its lifecycle action ${action === undefined ? 'missing' : `ended by ${action.completedBy ?? 'nothing'}`}`);
          continue;
        }
        const forced = record.notifications.filter((n) => n.delivered && n.kind === 'drain-forced' && (n.title.includes(instance) || n.text.includes(instance)));
        if (forced.length === 0) {
          problems.push(`${instance}: ${tasks.length} killed without a drain-forced notification`);
          continue;
        }
        const unlisted = tasks.map((arn) => arn.split('/').pop() ?? arn).filter((id) => !forced.some((n) => n.text.includes(id)));
        if (unlisted.length > 0) problems.push(`${instance}: the drain-forced notification does not list ${unlisted.join(', ')}`);
      }
      return {
        type: 'tasksKilledOnlyWhenForced',
        description: 'tasks killed by a termination only where the drain deadline forced it, each listed in a drain-forced notification',
        passed: problems.length === 0,
        detail: record.tasksKilled.count === 0 ? 'no task killed' : problems.length === 0 ? `${record.tasksKilled.count} killed on ${byInstance.size} forced instance${byInstance.size === 1 ? '' : 's'}, all listed` : problems.join('; '),
      };
    }
    case 'serviceHealthy': {
      const { cluster, service } = expectation.params;
      const s = record.services.find((x) => x.cluster === cluster && x.service === service);
      const first = s?.belowMinimum[0];
      return {
        type: 'serviceHealthy',
        description: `${cluster}/${service} never below its minimum healthy tasks`,
        passed: s !== undefined && s.belowMinimum.length === 0,
        detail:
          s === undefined
            ? 'no such service'
            : first === undefined
              ? `lowest ${s.lowestRunning} running (minimum healthy then ${s.minimumHealthyAtLowest})`
              : `below minimum ${s.belowMinimum.length} time${s.belowMinimum.length === 1 ? '' : 's'}, first at ${shortTime(first.at)}: ${first.running} running < ${first.minimumHealthy}${first.stoppedReason ? ` (${first.stoppedReason})` : ''}`,
      };
    }
    case 'noDeadLetters':
      return {
        type: 'noDeadLetters',
        description: 'no event ended in the dead-letter queue',
        passed: record.deadLetters.length === 0,
        detail: record.deadLetters.length === 0 ? 'none' : record.deadLetters.map((d) => `${d.function} ${d.detailType ?? d.eventId}: ${d.error ?? d.condition}`).join('; '),
      };
    case 'invocations': {
      const p = expectation.params;
      const stats = functionStats(record, p.function);
      const n = stats?.invocations ?? 0;
      const errors = stats?.errors ?? 0;
      const countOk = within(n, { min: p.min, max: p.max }, undefined);
      const errorsOk = p.errors === undefined || errors <= p.errors;
      const parts = [p.min !== undefined || p.max !== undefined ? `invoked ${boundsText({ min: p.min, max: p.max }, undefined)} times` : undefined, p.errors === undefined ? undefined : `at most ${p.errors} failed`];
      return {
        type: 'invocations',
        description: `${p.function}: ${parts.filter(Boolean).join(', ') || 'invocations'}`,
        passed: stats !== undefined && countOk && errorsOk,
        detail: stats === undefined ? `no function ${p.function} (have ${Object.keys(record.invocations.byFunction).join(', ')})` : `${n} invocations, ${errors} failed`,
      };
    }
    case 'apiCalls': {
      const p = expectation.params;
      const filtered = p.function !== undefined || p.cluster !== undefined || p.asg !== undefined || p.hook !== undefined;
      const fn = p.function === undefined ? undefined : functionShortName(record, p.function);
      const n = filtered
        ? (record.apiCalls.byCaller ?? [])
            .filter(
              (c) =>
                c.operation === p.operation &&
                (p.function === undefined || c.function === fn) &&
                (p.cluster === undefined || c.cluster === p.cluster) &&
                (p.asg === undefined || c.asg === p.asg) &&
                (p.hook === undefined || c.hook === p.hook),
            )
            .reduce((sum, c) => sum + c.calls, 0)
        : (record.apiCalls.byOperation[p.operation] ?? 0);
      const by = [p.function === undefined ? undefined : `by ${p.function}`, p.cluster === undefined ? undefined : `for cluster ${p.cluster}`, p.asg === undefined ? undefined : `for ASG ${p.asg}`, p.hook === undefined ? undefined : `for hook ${p.hook}`]
        .filter((f): f is string => f !== undefined)
        .join(' ');
      return {
        type: 'apiCalls',
        description: `${p.operation} calls${by === '' ? '' : ` ${by}`}: ${boundsText({ min: p.min, max: p.max }, undefined)}`,
        passed: within(n, { min: p.min, max: p.max }, undefined),
        detail: `${n} calls`,
      };
    }
    case 'azRebalancing': {
      const p = expectation.params;
      const windows = (record.azRebalancings ?? []).filter((r) => r.service === p.service);
      const endMs = Date.parse(record.virtual.end);
      const problems: string[] = [];
      if (!within(windows.length, p, 1)) problems.push(`${windows.length} rebalancing(s) started`);
      for (const w of windows) {
        const from = Date.parse(w.startedAt);
        const to = w.completedAt === undefined ? endMs : Date.parse(w.completedAt);
        if (p.completed && w.completedAt === undefined) problems.push(`the one started at ${shortTime(w.startedAt)} never completed`);
        if (p.lastingAtLeast !== undefined && to - from < p.lastingAtLeast) problems.push(`the one started at ${shortTime(w.startedAt)} lasted ${Math.round((to - from) / 1000)}s`);
        const stops = (record.placement?.stops ?? []).filter((s) => s.service === p.service && Date.parse(s.at) >= from && Date.parse(s.at) <= to);
        for (const s of stops) problems.push(`ecs-ops stopped ${s.task.split('/').pop() ?? s.task} at ${shortTime(s.at)} while ECS was rebalancing`);
      }
      const spans = windows.map((w) => `${shortTime(w.startedAt)}–${w.completedAt === undefined ? 'end' : shortTime(w.completedAt)}`).join(', ');
      return {
        type: 'azRebalancing',
        description: `ECS AZ rebalancing of ${p.service}: ${boundsText(p, 1)}${p.completed ? ', each completed' : ''}, no placement stop of ecs-ops during it`,
        passed: problems.length === 0,
        detail: problems.length === 0 ? `${windows.length} (${spans || 'none'})` : problems.slice(0, 5).join('; '),
      };
    }
    case 'placementStops':
    case 'placementCompliant':
    case 'placementViolated':
    case 'placementStopsSafe':
    case 'placementViolationsNeverIncrease':
      return evaluatePlacementExpectation(expectation, record);
  }
}
