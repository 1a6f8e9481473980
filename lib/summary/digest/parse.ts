/**
 * Parsing the texts AWS puts in scaling activities. Nothing here throws: an unrecognised text becomes a cause of kind
 * `other` carrying the raw string, so the digest always says what AWS said.
 *
 * Application Auto Scaling (reference/summaries.md §2.1):
 *   Description `Setting desired count to 4.` · `Setting min capacity to 15 and max capacity to 20`
 *   Cause `monitor alarm <alarm> in state ALARM triggered policy <policy>` (target tracking alarms are named
 *   `TargetTracking-<resource>-AlarmHigh|AlarmLow-<uuid>`) · `scheduled action name <name> was triggered` ·
 *   `minimum capacity was set to 1` · `maximum capacity was set to 10`.
 * EC2 Auto Scaling (§2.2): Cause is a sequence of `At <ISO8601> <clause>.` sentences; the first says why
 *   (`a monitor alarm … triggered policy … changing the desired capacity from 1 to 2`, `a user request explicitly set
 *   group desired capacity changing …`, `a scheduled action update of AutoScalingGroup constraints to … changing …`),
 *   the next what the group did. Failed launches carry the reason in StatusMessage.
 */
import type { Cause, FailedLaunch } from './model.js';

const ALARM = /^(?:a )?monitor alarm (\S+) in state (\w+) triggered policy (.+?)\.?$/;
const SCHEDULED_AAS = /^scheduled action name (\S+) was triggered\.?$/;
const BOUND_SET = /^(minimum|maximum) capacity was set to (\d+)\.?$/;
const DESIRED = /^Setting desired count to (\d+)\.?$/;
const MIN_MAX = /^Setting min capacity to (\d+) and max capacity to (\d+)\.?$/;

/** A target tracking alarm (`TargetTracking-…-AlarmHigh-…`): high means scale out. */
function alarmCause(alarm: string, policy: string, text: string): Cause {
  if (alarm.startsWith('TargetTracking-')) {
    const high = /-AlarmHigh(?:-|$)/.test(alarm) ? true : /-AlarmLow(?:-|$)/.test(alarm) ? false : undefined;
    return { kind: 'target-tracking', alarm, policy, high, text };
  }
  return { kind: 'alarm', alarm, policy, text };
}

/** The cause of an Application Auto Scaling activity. */
export function parseAasCause(cause: string): Cause {
  const text = cause.trim();
  const alarm = ALARM.exec(text);
  if (alarm) return alarmCause(alarm[1] ?? '', (alarm[3] ?? '').trim(), text);
  const scheduled = SCHEDULED_AAS.exec(text);
  if (scheduled) return { kind: 'scheduled', action: scheduled[1] ?? '', text };
  if (BOUND_SET.test(text) || /user request|manual/i.test(text)) return { kind: 'manual', text };
  return { kind: 'other', text };
}

export type AasTarget = { kind: 'desired'; desired: number } | { kind: 'bounds'; min: number; max: number } | { kind: 'none' };

/** What an Application Auto Scaling activity set, from its Description. */
export function parseAasDescription(description: string): AasTarget {
  const text = description.trim();
  const desired = DESIRED.exec(text);
  if (desired) return { kind: 'desired', desired: Number(desired[1]) };
  const bounds = MIN_MAX.exec(text);
  if (bounds) return { kind: 'bounds', min: Number(bounds[1]), max: Number(bounds[2]) };
  return { kind: 'none' };
}

export interface CauseClause {
  at: number | undefined;
  text: string;
}

/** `At 2020-02-11T18:34:10Z a monitor alarm … .  At … an instance was …` → its clauses, in order. */
export function splitAsgCause(cause: string): CauseClause[] {
  const text = cause.trim();
  const marker = /At (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) /g;
  const starts: { index: number; at: number; length: number }[] = [];
  for (const match of text.matchAll(marker)) starts.push({ index: match.index, at: Date.parse(match[1] ?? ''), length: match[0].length });
  if (starts.length === 0) return text === '' ? [] : [{ at: undefined, text }];
  const clauses: CauseClause[] = [];
  const head = text.slice(0, starts[0]?.index ?? 0).trim();
  if (head !== '') clauses.push({ at: undefined, text: head });
  starts.forEach((start, i) => {
    const end = starts[i + 1]?.index ?? text.length;
    const clause = text.slice(start.index + start.length, end).trim().replace(/\.$/, '').trim();
    clauses.push({ at: Number.isFinite(start.at) ? start.at : undefined, text: clause });
  });
  return clauses;
}

export interface AsgCauseInfo {
  /** When the triggering clause happened. */
  at: number | undefined;
  cause: Cause;
  /** `changing the desired capacity from A to B`, when a clause says so. */
  desiredChange?: { from: number; to: number; at: number | undefined } | undefined;
}

const CHANGING = /changing the desired capacity from (\d+) to (\d+)/;

function asgClauseCause(clause: string): Cause {
  const text = clause.replace(CHANGING, '').trim();
  const alarm = /^a monitor alarm (\S+) in state (\w+) triggered policy (\S+)/.exec(clause);
  if (alarm) return alarmCause(alarm[1] ?? '', alarm[3] ?? '', clause);
  const scheduled = /^a scheduled action(?: (\S+))? (?:update|executed|changing)/.exec(clause) ?? /^the scheduled action (\S+) executed/.exec(clause);
  if (scheduled) return { kind: 'scheduled', action: scheduled[1] ?? 'scheduled action', text: clause };
  if (/user request/.test(clause)) return { kind: 'manual', text };
  if (/Spot Instance interruption/i.test(clause)) return { kind: 'spot', text: clause };
  if (/health check|unhealthy/i.test(clause)) return { kind: 'health', text: clause };
  if (/difference between desired and actual capacity/.test(clause)) return { kind: 'capacity', text: clause };
  return { kind: 'other', text: text === '' ? clause : text };
}

/** Why an EC2 Auto Scaling activity happened: the first clause of its Cause, and the desired capacity change. */
export function parseAsgCause(cause: string): AsgCauseInfo {
  const clauses = splitAsgCause(cause);
  const first = clauses[0];
  if (!first) return { at: undefined, cause: { kind: 'other', text: cause.trim() } };
  const changing = clauses.find((c) => CHANGING.test(c.text));
  const match = changing ? CHANGING.exec(changing.text) : null;
  return {
    at: first.at,
    cause: asgClauseCause(first.text),
    ...(match && changing ? { desiredChange: { from: Number(match[1]), to: Number(match[2]), at: changing.at } } : {}),
  };
}

const QUOTA = /quota|limit|VcpuLimitExceeded|InstanceLimitExceeded|Max spot instance count exceeded|MaxSpotInstanceCountExceeded/i;
const INSUFFICIENT = /InsufficientInstanceCapacity|do not have sufficient (\S+) capacity in the Availability Zone you requested \(([a-z0-9-]+)\)|insufficient capacity/i;

/** The reason of a failed launch (`StatusMessage`, or the `Status Reason:` in the Description). */
export function classifyLaunchFailure(statusMessage: string | undefined, description: string, details: string | undefined, at: number): FailedLaunch {
  const fromDescription = /Status Reason: (.*?)(?:\s*Launching EC2 instance failed\.)?$/s.exec(description)?.[1];
  const message = (statusMessage !== undefined && statusMessage.trim() !== '' ? statusMessage : (fromDescription ?? description)).trim();
  let az: string | undefined;
  try {
    const parsed = details !== undefined ? (JSON.parse(details) as Record<string, unknown>) : undefined;
    const value = parsed?.['Availability Zone'];
    if (typeof value === 'string') az = value;
  } catch {
    az = undefined;
  }
  const insufficient = INSUFFICIENT.exec(message);
  if (insufficient) {
    return { at, reason: 'insufficient-capacity', az: insufficient[2] ?? az, instanceType: insufficient[1], message };
  }
  if (QUOTA.test(message)) return { at, reason: 'quota', az, message };
  return { at, reason: 'other', az, message };
}

/** `Launching a new EC2 instance: i-…` / `Terminating EC2 instance: i-…` / a failed launch. */
export function asgActivityType(description: string): { type: 'launch' | 'terminate' | 'other'; instanceId?: string | undefined } {
  const launch = /^Launching a new EC2 instance(?::\s*(i-[0-9a-f]+))?/.exec(description);
  if (launch) return { type: 'launch', instanceId: launch[1] };
  const terminate = /^Terminating EC2 instance(?::\s*(i-[0-9a-f]+))?/.exec(description);
  if (terminate) return { type: 'terminate', instanceId: terminate[1] };
  return { type: 'other' };
}

/** Service event messages: `(service web) has started 2 tasks: …` / `has stopped 1 running tasks: …`. */
export function parseServiceEvent(message: string):
  | { kind: 'started'; count: number }
  | { kind: 'stopped'; count: number; pending: boolean }
  | { kind: 'deployment'; id: string; outcome: 'completed' | 'failed'; reason?: string | undefined }
  | { kind: 'problem'; text: string }
  | { kind: 'other' } {
  const started = /\) has started (\d+) tasks?/.exec(message);
  if (started) return { kind: 'started', count: Number(started[1]) };
  const stopped = /\) has stopped (\d+) (running|pending) tasks?/.exec(message);
  if (stopped) return { kind: 'stopped', count: Number(stopped[1]), pending: stopped[2] === 'pending' };
  const deployment = /\(deployment (ecs-svc\/\d+)\) deployment (completed|failed)(?::\s*(.*?))?\.?$/.exec(message);
  if (deployment) return { kind: 'deployment', id: deployment[1] ?? '', outcome: deployment[2] === 'failed' ? 'failed' : 'completed', reason: deployment[3] };
  if (/was unable to place a task|is unable to consistently start tasks|operations are being throttled|failed container health checks/.test(message)) {
    return { kind: 'problem', text: message.replace(/^\(?service [^)]*\)?\s*/, '').replace(/\(task [0-9a-f]+\)\s*/g, '').replace(/container-instance [0-9a-f-]+/g, 'container-instance …').trim() };
  }
  return { kind: 'other' };
}

/** `family:revision` of a task definition ARN (or the input). */
export function taskDefinitionName(arnOrName: string): string {
  return arnOrName.slice(arnOrName.lastIndexOf('/') + 1);
}
