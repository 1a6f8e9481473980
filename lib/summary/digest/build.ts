/**
 * The pure digest: from a {@link DigestSnapshot} to a {@link Digest} — per service and per ASG, the count at the start
 * and the end of the window, its low and high in between, and each change with its time, direction, size and cause.
 *
 * Reconstructing what the texts do not carry:
 * - Application Auto Scaling says only "Setting desired count to N": the count before a change is the target of the
 *   previous successful activity; for the first change of the window, the last one before the window (the page that
 *   crosses the window start holds it, so no extra call). Without any earlier activity (six weeks of history) the
 *   first `from` stays unknown and the change reads "set to N".
 * - The desired count at the window end is the service's current count unless an activity came after the window.
 * - The running count is rolled back from the current one through the service events ("has started N tasks", "has
 *   stopped N running tasks"); marked approximate when the 100 events ECS keeps do not reach the window start.
 * - EC2 Auto Scaling causes carry "changing the desired capacity from A to B": taken as is (deduplicated: every
 *   instance launched for one change repeats that clause).
 */
import type {
  AasActivityInput,
  AsgActivityInput,
  AsgInput,
  AsgSeries,
  Blocked,
  Cause,
  Change,
  CountRange,
  DeploymentSummary,
  Digest,
  DigestSnapshot,
  DigestWindow,
  FailedLaunch,
  OpsRecord,
  ServiceInput,
  ServiceSeries,
} from './model.js';
import { asgActivityType, classifyLaunchFailure, parseAasCause, parseAasDescription, parseAsgCause, parseServiceEvent, taskDefinitionName } from './parse.js';
import { formatDuration } from '../../notify/format.js';

export interface DigestOptions {
  /** ASGs whose terminate lifecycle hook is ecs-ops's (`drain: true`): their terminations are ecs-ops drains. */
  drainedAsgs?: readonly string[];
  /** Whether ecs-ops drains on Spot interruption warnings (`drain.spotInterruption`). */
  spotDrains?: boolean;
  /** Services with at most this many changes and nothing else to say are folded into one line. Default 0. */
  quietChanges?: number;
}

const inWindow = (t: number, w: DigestWindow): boolean => t >= w.start && t < w.end;

function range(values: (number | undefined)[], start: number | undefined, end: number): CountRange {
  const known = [start, ...values, end].filter((v): v is number => v !== undefined);
  return { start, end, min: Math.min(...known), max: Math.max(...known) };
}

function direction(from: number | undefined, to: number): Change['direction'] {
  if (from === undefined) return 'set';
  return to > from ? 'out' : 'in';
}

function change(at: number, from: number | undefined, to: number, cause: Cause): Change {
  return { at, from, to, direction: direction(from, to), size: from === undefined ? undefined : Math.abs(to - from), cause };
}

function notScaledReason(a: AasActivityInput): string {
  const reason = a.notScaled?.[0];
  if (reason) {
    switch (reason.code) {
      case 'AlreadyAtMaxCapacity':
        return `already at its maximum${reason.max !== undefined ? ` (${reason.max})` : ''}`;
      case 'AlreadyAtMinCapacity':
        return `already at its minimum${reason.min !== undefined ? ` (${reason.min})` : ''}`;
      case 'AlreadyAtDesiredCapacity':
        return 'already at the desired count';
      default:
        return reason.code;
    }
  }
  return `${a.statusCode}${a.statusMessage ? `: ${a.statusMessage}` : ''}`;
}

interface DesiredSet {
  at: number;
  to: number;
  cause: Cause;
}

function serviceSeries(service: ServiceInput, activities: AasActivityInput[], snapshot: DigestSnapshot): ServiceSeries {
  const { window } = snapshot;
  const sets: DesiredSet[] = [];
  const blocked: Blocked[] = [];
  for (const a of [...activities].sort((x, y) => x.startTime - y.startTime)) {
    const target = parseAasDescription(a.description);
    const successful = a.statusCode === 'Successful' && (a.notScaled === undefined || a.notScaled.length === 0);
    if (successful && target.kind === 'desired') sets.push({ at: a.startTime, to: target.desired, cause: parseAasCause(a.cause) });
    else if (!successful && inWindow(a.startTime, window) && a.statusCode !== 'InProgress' && a.statusCode !== 'Pending') {
      blocked.push({ at: a.startTime, reason: notScaledReason(a), cause: parseAasCause(a.cause) });
    }
  }
  // Running count, rolled back from now through the events (newest first): `[at, running after the event]`.
  const events = [...service.events].sort((a, b) => b.createdAt - a.createdAt);
  let running = service.runningCount;
  const runningAt: [number, number][] = [];
  for (const e of events) {
    if (e.createdAt < window.start) break;
    const parsed = parseServiceEvent(e.message);
    runningAt.push([e.createdAt, running]);
    if (parsed.kind === 'started') running = Math.max(0, running - parsed.count);
    else if (parsed.kind === 'stopped' && !parsed.pending) running += parsed.count;
  }
  const runningStart = running;
  /** The running count just before `t` (within the window). */
  const runningBefore = (t: number): number => {
    let value = runningStart;
    for (let i = runningAt.length - 1; i >= 0; i--) {
      const [at, after] = runningAt[i] as [number, number];
      if (at >= t) break;
      value = after;
    }
    return value;
  };
  const oldest = events.at(-1);
  const approximate = events.length >= 100 && oldest !== undefined && oldest.createdAt > window.start;
  const inside = runningAt.filter(([at]) => at < window.end).map(([, v]) => v);
  const runningEnd = runningAt.filter(([at]) => at < window.end)[0]?.[1] ?? runningStart;
  const runningRange = { ...range(inside, runningStart, runningEnd), approximate };

  const before = sets.filter((s) => s.at < window.start);
  const during = sets.filter((s) => inWindow(s.at, window));
  const after = sets.filter((s) => s.at >= window.end);
  let baseline = before.at(-1)?.to;
  // No earlier activity in six weeks: the count before the first change is the running count then, when the service
  // events of the window tell it (complete, and at least one).
  const estimated = baseline === undefined && during.length > 0 && !approximate && runningAt.length > 0;
  if (estimated && during[0]) baseline = runningBefore(during[0].at);
  const changes: Change[] = [];
  let previous = baseline;
  for (const s of during) {
    if (previous !== s.to) changes.push({ ...change(s.at, previous, s.to, s.cause), ...(estimated && changes.length === 0 && previous === baseline ? { fromEstimated: true } : {}) });
    previous = s.to;
  }
  const desiredEnd = after.length > 0 ? (during.at(-1)?.to ?? baseline ?? service.desiredCount) : service.desiredCount;
  const desiredStart = during.length > 0 ? baseline : (baseline ?? desiredEnd);
  const desired = range(
    changes.map((c) => c.to),
    desiredStart,
    desiredEnd,
  );
  const points: [number, number][] = [];
  const first = desiredStart ?? changes[0]?.to ?? desiredEnd;
  points.push([window.start, first]);
  for (const c of changes) points.push([c.at, c.to]);
  points.push([window.end, desiredEnd]);

  // Deployments: DescribeServices keeps the PRIMARY and ACTIVE ones; the events remember completed and failed ones.
  const deployments = new Map<string, DeploymentSummary>();
  for (const d of service.deployments) {
    if (!inWindow(d.createdAt, window) && !(d.updatedAt >= window.start && d.rolloutState !== 'COMPLETED')) continue;
    const rollback = d.rolloutStateReason?.startsWith('ECS deployment circuit breaker: rolling back') === true;
    const outcome: DeploymentSummary['outcome'] =
      d.rolloutState === 'COMPLETED' ? 'completed' : d.rolloutState === 'FAILED' ? 'failed' : rollback ? 'rollback' : 'in-progress';
    deployments.set(d.id, {
      id: d.id,
      taskDefinition: taskDefinitionName(d.taskDefinition),
      startedAt: d.createdAt,
      ...(d.rolloutState === 'COMPLETED' || d.rolloutState === 'FAILED' ? { endedAt: d.updatedAt } : {}),
      outcome,
      ...(d.rolloutStateReason !== undefined && (outcome !== 'completed' || rollback) ? { reason: d.rolloutStateReason } : {}),
    });
  }
  const problems = new Map<string, number>();
  for (const e of events) {
    if (!inWindow(e.createdAt, window)) continue;
    const parsed = parseServiceEvent(e.message);
    if (parsed.kind === 'deployment') {
      const known = deployments.get(parsed.id);
      const outcome = parsed.outcome;
      if (known) {
        if (known.outcome === 'in-progress' || known.outcome === 'rollback') known.outcome = outcome;
        // The event says when it ended; updatedAt moves for other reasons too.
        known.endedAt = e.createdAt;
        if (parsed.reason !== undefined) known.reason ??= parsed.reason;
      } else deployments.set(parsed.id, { id: parsed.id, endedAt: e.createdAt, outcome, ...(parsed.reason !== undefined ? { reason: parsed.reason } : {}) });
    } else if (parsed.kind === 'problem') problems.set(parsed.text, (problems.get(parsed.text) ?? 0) + 1);
  }
  // A failed deployment that a circuit-breaker rollback followed was rolled back: the rollback says so while it runs
  // ("ECS deployment circuit breaker: rolling back to …"), or, once it completed, it is the deployment that started
  // when the failed one ended.
  const list = [...deployments.values()].sort((a, b) => (a.startedAt ?? a.endedAt ?? 0) - (b.startedAt ?? b.endedAt ?? 0));
  const isRollback = (o: DeploymentSummary): boolean => o.reason?.startsWith('ECS deployment circuit breaker: rolling back') === true;
  for (const d of list) {
    if (d.outcome !== 'failed') continue;
    const failedAt = d.endedAt ?? d.startedAt ?? 0;
    const rollback = list.find((o) => o !== d && o.startedAt !== undefined && (isRollback(o) ? o.startedAt >= (d.startedAt ?? 0) : Math.abs(o.startedAt - failedAt) <= 60_000));
    if (rollback) {
      d.outcome = 'rolled-back';
      rollback.reason ??= `rollback of ${d.id}`;
      if (!isRollback(rollback)) rollback.reason = `rollback of ${d.id}`;
    }
  }
  const problemLines = [...problems].map(([text, n]) => (n > 1 ? `${text} (×${n})` : text));
  const activity = changes.length * 2 + list.length * 2 + blocked.length + problemLines.length + (desired.max - desired.min) + (runningRange.max - runningRange.min) / 4;
  return { service: service.name, desired, running: runningRange, points, changes, blocked, deployments: list, problems: problemLines, activity };
}

function asgSeries(asg: AsgInput, activities: AsgActivityInput[], snapshot: DigestSnapshot): AsgSeries {
  const { window } = snapshot;
  const sorted = [...activities].sort((a, b) => a.startTime - b.startTime);
  const seen = new Set<string>();
  const changes: Change[] = [];
  const afterChanges: Change[] = [];
  const failedLaunches: FailedLaunch[] = [];
  let launched = 0;
  let terminated = 0;
  const instanceDeltas: { at: number; delta: number }[] = [];
  for (const a of sorted) {
    const info = parseAsgCause(a.cause);
    const dc = info.desiredChange;
    if (dc) {
      const at = dc.at ?? info.at ?? a.startTime;
      const key = `${at}|${dc.from}|${dc.to}`;
      if (!seen.has(key) && dc.from !== dc.to) {
        seen.add(key);
        const c = change(at, dc.from, dc.to, info.cause);
        if (inWindow(at, window)) changes.push(c);
        else if (at >= window.end) afterChanges.push(c);
      }
    }
    const type = asgActivityType(a.description);
    if (type.type === 'launch') {
      if (a.statusCode === 'Failed') {
        if (inWindow(a.startTime, window)) failedLaunches.push(classifyLaunchFailure(a.statusMessage, a.description, a.details, a.startTime));
      } else if (a.statusCode !== 'Cancelled') {
        if (inWindow(a.startTime, window)) launched++;
        if (a.statusCode === 'Successful' || a.endTime !== undefined) instanceDeltas.push({ at: a.endTime ?? a.startTime, delta: 1 });
      }
    } else if (type.type === 'terminate') {
      if (inWindow(a.startTime, window)) terminated++;
      instanceDeltas.push({ at: a.startTime, delta: -1 });
    }
  }
  const desiredEnd = afterChanges.length > 0 ? (afterChanges[0]?.from ?? asg.desired) : asg.desired;
  const desiredStart = changes[0]?.from ?? desiredEnd;
  const desired = range(
    changes.map((c) => c.to),
    desiredStart,
    desiredEnd,
  );
  const points: [number, number][] = [[window.start, desiredStart]];
  for (const c of changes) points.push([c.at, c.to]);
  points.push([window.end, desiredEnd]);

  // Instances: rolled back from now through launches (+1 when running) and terminations (-1 when they begin).
  let count = asg.instances;
  let instancesEnd = count;
  const values: number[] = [];
  for (const d of [...instanceDeltas].sort((x, y) => y.at - x.at)) {
    if (d.at < window.start) break;
    if (d.at < window.end) values.push(count);
    count = Math.max(0, count - d.delta);
    if (d.at >= window.end) instancesEnd = count;
  }
  const instances = range(values, count, instancesEnd);
  const activity = changes.length * 2 + failedLaunches.length + launched + terminated + (desired.max - desired.min);
  return { asg: asg.name, desired, instances, points, changes, launched, terminated, failedLaunches, activity };
}

/**
 * ecs-ops's drains, read back from EC2 Auto Scaling: an ASG whose terminate lifecycle hook is ecs-ops's holds every
 * instance it terminates until ecs-ops has drained it and completed the action, so each terminate activity of such a
 * group is one drain, from the activity's start (the instance chosen) to its end (terminated: drain plus shutdown).
 * A Spot interruption of such a group (or of any group when ecs-ops drains Spot warnings) is a drain at the warning.
 */
export function drainRecords(activities: readonly AsgActivityInput[], drainedAsgs: readonly string[], spotDrains: boolean, window: DigestWindow, now: number): OpsRecord[] {
  const drained = new Set(drainedAsgs);
  const records: OpsRecord[] = [];
  for (const a of activities) {
    const type = asgActivityType(a.description);
    if (type.type !== 'terminate' || !inWindow(a.startTime, window)) continue;
    const cause = parseAsgCause(a.cause).cause;
    const spot = /Spot Instance interruption/i.test(a.cause);
    if (!drained.has(a.asg) && !(spot && spotDrains)) continue;
    const instance = type.instanceId ?? 'an instance';
    const done = a.statusCode === 'Successful' && a.endTime !== undefined;
    const failed = a.statusCode === 'Failed' || a.statusCode === 'Cancelled';
    const durationMs = (done ? (a.endTime ?? now) : now) - a.startTime;
    const why = spot ? 'Spot interruption warning' : cause.kind === 'capacity' || cause.kind === 'alarm' || cause.kind === 'target-tracking' ? 'scale-in' : cause.kind === 'manual' ? 'terminated by a user request' : cause.kind === 'health' ? 'health check' : 'termination';
    records.push({
      kind: 'drain',
      at: a.startTime,
      subject: instance,
      asg: a.asg,
      outcome: done ? 'completed' : failed ? 'failed' : 'in-progress',
      durationMs,
      detail: done
        ? `drained ${instance} (${a.asg}, ${why}): terminated ${formatDuration(durationMs)} after it was chosen`
        : failed
          ? `drain of ${instance} (${a.asg}, ${why}) ended ${a.statusCode}${a.statusMessage ? `: ${a.statusMessage}` : ''}`
          : `draining ${instance} (${a.asg}, ${why}) for ${formatDuration(durationMs)} so far`,
    });
  }
  return records;
}

/** The digest of one cluster and window. */
export function buildDigest(snapshot: DigestSnapshot, options: DigestOptions = {}): Digest {
  const { window, cluster } = snapshot;
  const byResource = new Map<string, AasActivityInput[]>();
  for (const a of snapshot.aasActivities) {
    const list = byResource.get(a.resourceId) ?? [];
    list.push(a);
    byResource.set(a.resourceId, list);
  }
  const quietChanges = options.quietChanges ?? 0;
  const series = snapshot.services.map((s) => serviceSeries(s, byResource.get(`service/${cluster}/${s.name}`) ?? [], snapshot));
  const isQuiet = (s: ServiceSeries): boolean =>
    s.changes.length <= quietChanges && s.deployments.length === 0 && s.blocked.length === 0 && s.problems.length === 0 && (s.changes.length > 0 || s.running.min === s.running.max);
  const services = series.filter((s) => !isQuiet(s)).sort((a, b) => b.activity - a.activity || a.service.localeCompare(b.service));
  const quiet = series
    .filter(isQuiet)
    .map((s) => ({ service: s.service, desired: s.desired.end }))
    .sort((a, b) => a.service.localeCompare(b.service));

  const asgActivities = new Map<string, AsgActivityInput[]>();
  for (const a of snapshot.asgActivities) {
    const list = asgActivities.get(a.asg) ?? [];
    list.push(a);
    asgActivities.set(a.asg, list);
  }
  const asgs = snapshot.asgs.map((g) => asgSeries(g, asgActivities.get(g.name) ?? [], snapshot)).sort((a, b) => b.activity - a.activity || a.asg.localeCompare(b.asg));

  const ops = [
    ...drainRecords(snapshot.asgActivities, options.drainedAsgs ?? [], options.spotDrains ?? false, window, snapshot.gatheredAt),
    ...snapshot.ops.filter((o) => inWindow(o.at, window)),
  ].sort((a, b) => a.at - b.at || a.subject.localeCompare(b.subject));

  const warnings = (snapshot.incompleteResources ?? []).map((r) => `scaling activities of ${r} could not be read completely`);
  if (snapshot.daemonOnlyError !== undefined) warnings.push(`instances kept protected with only daemon tasks could not be read: ${snapshot.daemonOnlyError}`);
  const daemonOnlyProtected = snapshot.daemonOnlyProtected ?? [];
  const empty =
    services.every((s) => s.changes.length === 0 && s.deployments.length === 0 && s.blocked.length === 0 && s.problems.length === 0) &&
    asgs.every((g) => g.changes.length === 0 && g.failedLaunches.length === 0 && g.launched === 0 && g.terminated === 0) &&
    ops.length === 0 &&
    daemonOnlyProtected.length === 0;
  return {
    cluster,
    window,
    services,
    quiet,
    asgs,
    ops,
    empty,
    warnings,
    ...(snapshot.region !== undefined ? { region: snapshot.region } : {}),
    ...(daemonOnlyProtected.length > 0 ? { daemonOnlyProtected } : {}),
  };
}
