/**
 * How a run is named in ECS (see lib/schedule/model.ts): `startedBy`, `group`, tags and the RunTask `clientToken`.
 */
import { createHash } from 'node:crypto';
import type { RunRef, RunRequest } from './model.js';

export const STARTED_BY_PREFIX = 'ecs-ops/';
const GROUP_PREFIX = 'ecs-ops:';
export const TAG_SCHEDULE = 'ecs-ops:schedule';
export const TAG_TICK = 'ecs-ops:tick';
export const TAG_ATTEMPT = 'ecs-ops:attempt';
/** RunTask's limit: 1-64 ASCII characters 33-126. */
export const CLIENT_TOKEN_MAX = 64;

/** `ecs-ops/<schedule>`: ListTasks filters the schedule's tasks by it (≤ 128 characters; names are ≤ 64). */
export function startedByFor(schedule: string): string {
  return `${STARTED_BY_PREFIX}${schedule}`;
}

/** The schedule of a task started by ecs-ops, from its startedBy. */
export function scheduleOfStartedBy(startedBy: string | undefined): string | undefined {
  if (startedBy?.startsWith(STARTED_BY_PREFIX) !== true) return undefined;
  const name = startedBy.slice(STARTED_BY_PREFIX.length);
  return /^[A-Za-z0-9_-]{1,64}$/.test(name) ? name : undefined;
}

/** `2026-01-01T08:00:00Z` → `20260101T080000Z`. */
function compactTick(tickMs: number): string {
  return new Date(Math.floor(tickMs / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** `2026-01-01T08:00:00Z` (the format of `<aws.scheduler.scheduled-time>`). */
export function isoTick(tickMs: number): string {
  return new Date(Math.floor(tickMs / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `ecs-ops:<schedule>:<tick>:<attempt>`, e.g. `ecs-ops:nightly-report:20260101T030000Z:1`. */
export function groupFor(ref: RunRef): string {
  return `${GROUP_PREFIX}${ref.schedule}:${compactTick(ref.tickMs)}:${ref.attempt}`;
}

const GROUP_PATTERN = /^ecs-ops:([A-Za-z0-9_-]{1,64}):(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z:(\d{1,2})$/;

/** The run a task belongs to, from its group; undefined for anything ecs-ops did not start. */
export function runRefOfGroup(group: string | undefined): RunRef | undefined {
  const match = group === undefined ? null : GROUP_PATTERN.exec(group);
  if (!match) return undefined;
  const [, schedule = '', y, mo, d, h, mi, s, attempt] = match;
  const tickMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(tickMs)) return undefined;
  return { schedule, tickMs, attempt: Number(attempt) };
}

export function tagsFor(ref: RunRef): { key: string; value: string }[] {
  return [
    { key: TAG_SCHEDULE, value: ref.schedule },
    { key: TAG_TICK, value: isoTick(ref.tickMs) },
    { key: TAG_ATTEMPT, value: String(ref.attempt) },
  ];
}

/**
 * The RunTask clientToken of one attempt: the same schedule, tick, attempt and variant (primary or fallback
 * strategy) always give the same token, so a repeated delivery of a tick, or a Lambda retry of the invocation, gets
 * the tasks already started back instead of a second run. Readable prefix + a hash, at most 64 characters.
 */
export function clientTokenFor(request: Pick<RunRequest, 'ref' | 'variant'>): string {
  const { ref, variant } = request;
  const hash = createHash('sha256').update(`${ref.schedule}\n${isoTick(ref.tickMs)}\n${ref.attempt}\n${variant}`).digest('hex');
  const token = `ecs-ops-${compactTick(ref.tickMs)}-${ref.attempt}${variant === 'fallback' ? 'f' : 'p'}-${hash}`;
  return token.slice(0, CLIENT_TOKEN_MAX);
}
