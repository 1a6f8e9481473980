/**
 * The simulated EventBridge Scheduler's clock: when a schedule expression fires, in its time zone. It is independent
 * of the product's own parser (lib/schedule/expression.ts), so that the product's cron and DST mistakes show: the cron
 * fields are evaluated by croner (a maintained cron library), AWS's documented rules are applied around it.
 *
 * - `cron(minutes hours day-of-month month day-of-week year)`, AWS's cron reference
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html, which the Scheduler guide's
 *   "Cron-based schedules" points to): day-of-week 1-7 = SUN-SAT (croner's Quartz numbering, `alternativeWeekdays`),
 *   `?` = any, and exactly one of day-of-month and day-of-week is `?`; `L` (last day of the month, or of the week:
 *   Saturday), `nL` (the last weekday n of the month), `W`, `LW`, `n#k` (then only one expression in day-of-week);
 *   `a/b` = from a, every b; years 1970-2199. Ranges that wrap (`22-2`, `FRI-MON`) are not in AWS's reference: they are
 *   read as Quartz (AWS's cron dialect) reads them, to the end of the field and on from its start [inferred].
 * - Daylight saving time ("Daylight saving time on EventBridge Scheduler",
 *   https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#daylist-savings-time, and AWS Knowledge
 *   Center "eventbridge-scheduler-adjust-dst"): when the clock springs forward, an invocation whose cron time does not
 *   exist is skipped; when it falls back, a time that occurs twice runs once. croner's own DST rules differ (a
 *   fixed-time job runs after the gap, an interval job runs twice in the overlap), so croner evaluates the wall clock
 *   as if it were UTC (no DST there) and this module maps each wall-clock time to its instants in the time zone: none
 *   (skipped), one, or two (the first runs).
 * - `rate(value unit)` (minutes, hours, days): every period from the schedule's start date (from its creation without
 *   one); a day is 24 hours whatever DST does (same page).
 * - `at(yyyy-mm-ddThh:mm:ss)`: once, at that wall-clock time in the time zone ("One-time schedules", same page).
 *
 * This module must not import lib/ (sim/README.md): it is the independent side of test/sim/runtime/schedule-clock.test.ts.
 */
import { Cron } from 'croner';

export class ScheduleExpressionError extends Error {
  override readonly name = 'ScheduleExpressionError';
}

export interface Schedule {
  readonly expression: string;
  readonly timezone: string;
  readonly kind: 'rate' | 'cron' | 'at';
  /** rate(): the period in ms. */
  readonly periodMs?: number | undefined;
  /** The first time strictly after `afterMs` it fires (epoch ms), or undefined. Rate schedules fire at anchorMs + k × period (k ≥ 0). */
  next(afterMs: number, anchorMs?: number): number | undefined;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function fail(expression: string, message: string): never {
  throw new ScheduleExpressionError(`${expression}: ${message}`);
}

// ---------------------------------------------------------------------------------------------------------------------
// Wall clock ↔ instants, from the platform's time zone database (Intl).

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(timezone: string): Intl.DateTimeFormat {
  let format = zoneFormats.get(timezone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    } catch {
      throw new ScheduleExpressionError(`unknown time zone ${JSON.stringify(timezone)} (an IANA name such as Europe/Paris)`);
    }
    zoneFormats.set(timezone, format);
  }
  return format;
}

/** The wall-clock time at `instantMs` in `timezone`, as the epoch ms of the same reading in UTC. */
function wallAt(timezone: string, instantMs: number): number {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of zoneFormat(timezone).formatToParts(new Date(instantMs))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
}

/**
 * The instants at which `timezone`'s clock reads `wallMs` (a reading expressed as UTC epoch ms), ascending: none in a
 * spring-forward gap, two in a fall-back overlap. Every offset in force within a day either side is tried.
 */
function instantsOf(timezone: string, wallMs: number): number[] {
  const offsets = new Set<number>();
  for (let probe = wallMs - 2 * DAY; probe <= wallMs + 2 * DAY; probe += 6 * HOUR) offsets.add(wallAt(timezone, probe) - probe);
  return [...offsets]
    .map((offset) => wallMs - offset)
    .filter((instant) => wallAt(timezone, instant) === wallMs)
    .sort((a, b) => a - b)
    .filter((instant, i, all) => i === 0 || all[i - 1] !== instant);
}

// ---------------------------------------------------------------------------------------------------------------------
// cron(): AWS's fields translated for croner (7-part: seconds, minutes, hours, day-of-month, month, day-of-week, year).

const FIELDS = [
  { label: 'minutes', min: 0, max: 59, wildcards: ',-*/' },
  { label: 'hours', min: 0, max: 23, wildcards: ',-*/' },
  { label: 'day-of-month', min: 1, max: 31, wildcards: ',-*?/LW' },
  { label: 'month', min: 1, max: 12, wildcards: ',-*/' },
  { label: 'day-of-week', min: 1, max: 7, wildcards: ',-*?L#' },
  { label: 'year', min: 1970, max: 2199, wildcards: ',-*/' },
] as const;

const NAMES: Record<string, readonly string[]> = {
  month: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  'day-of-week': ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
};

/** A value of the field as a number (names: JAN = 1, SUN = 1), checked against AWS's range. */
function valueOf(expression: string, field: (typeof FIELDS)[number], text: string): number {
  const named = NAMES[field.label]?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^\d+$/.test(text)) fail(expression, `${field.label}: ${JSON.stringify(text)} is not a value`);
  const value = Number(text);
  if (value < field.min || value > field.max) fail(expression, `${field.label}: ${value} is outside ${field.min}-${field.max}`);
  return value;
}

/** One list item of a plain field (`*`, `a`, `a-b`, with `/step`) for croner; a wrapping range becomes two. */
function plainItem(expression: string, field: (typeof FIELDS)[number], item: string): string[] {
  const [range = '', step, extra] = item.split('/');
  if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) fail(expression, `${field.label}: bad step in ${JSON.stringify(item)}`);
  const by = step === undefined ? '' : `/${step}`;
  if (range === '*') return [`*${by}`];
  const [from = '', to, more] = range.split('-');
  if (more !== undefined || from === '' || to === '') fail(expression, `${field.label}: bad range ${JSON.stringify(item)}`);
  const a = valueOf(expression, field, from);
  // AWS: `a/b` runs from a to the end of the field, every b.
  if (to === undefined) return [step === undefined ? `${a}` : `${a}-${field.max}${by}`];
  const b = valueOf(expression, field, to);
  if (a <= b) return [`${a}-${b}${by}`];
  if (step !== undefined) fail(expression, `${field.label}: a wrapping range with a step (${JSON.stringify(item)}) is not simulated`);
  return [`${a}-${field.max}`, `${field.min}-${b}`];
}

function plainField(expression: string, field: (typeof FIELDS)[number], text: string): string {
  const items = text.split(',');
  if (items.some((i) => i === '')) fail(expression, `${field.label}: empty list item`);
  return items.flatMap((item) => plainItem(expression, field, item)).join(',');
}

function dayOfMonthField(expression: string, text: string): string {
  const field = FIELDS[2];
  return text
    .split(',')
    .map((item) => {
      const upper = item.toUpperCase();
      if (upper === 'L' || upper === 'LW') return upper;
      if (/^\d+W$/.test(upper)) return `${valueOf(expression, field, upper.slice(0, -1))}W`;
      if (/[A-Z#]/.test(upper)) fail(expression, `day-of-month: ${JSON.stringify(item)} is not in AWS's cron reference`);
      return plainField(expression, field, item);
    })
    .join(',');
}

function dayOfWeekField(expression: string, text: string): string {
  const field = FIELDS[4];
  const items = text.split(',');
  // AWS: "If you use the '#' character, you can define only one expression in the day-of-week field."
  if (text.includes('#') && items.length > 1) fail(expression, 'day-of-week: only one expression is allowed with #');
  return items
    .map((item) => {
      const upper = item.toUpperCase();
      // `L` alone: the last day of the week (Saturday); `nL`: the last weekday n of the month.
      if (upper === 'L') return '7';
      if (/^[A-Z0-9]+L$/.test(upper) && !(NAMES['day-of-week'] ?? []).includes(upper)) return `${valueOf(expression, field, upper.slice(0, -1))}#L`;
      if (upper.includes('#')) {
        const [day = '', nth = '', more] = upper.split('#');
        if (more !== undefined || !/^[1-5]$/.test(nth)) fail(expression, `day-of-week: bad ${JSON.stringify(item)} (weekday#1..5)`);
        return `${valueOf(expression, field, day)}#${nth}`;
      }
      if (/[A-Z]/.test(upper) && !/^[A-Z]{3}(-[A-Z]{3})?$/.test(upper.split('/')[0] ?? '')) fail(expression, `day-of-week: ${JSON.stringify(item)} is not in AWS's cron reference`);
      return plainField(expression, field, item);
    })
    .join(',');
}

/** The croner pattern (7 parts, seconds first) of an AWS cron expression. */
export function cronerPattern(expression: string): string {
  const match = /^cron\((.*)\)$/s.exec(expression.trim());
  if (!match) fail(expression, 'expected cron(minutes hours day-of-month month day-of-week year)');
  const fields = (match[1] ?? '').trim().split(/\s+/);
  if (fields.length !== 6) fail(expression, `cron takes 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`);
  const [minutes = '', hours = '', dom = '', month = '', dow = '', year = ''] = fields;
  // AWS: "You can't specify the Day-of-month and Day-of-week fields in the same cron expression. If you specify a value
  // or a * (asterisk) in one of the fields, you must use a ? (question mark) in the other."
  if ((dom === '?') === (dow === '?')) fail(expression, 'exactly one of day-of-month and day-of-week must be ?');
  FIELDS.forEach((field, i) => {
    const text = fields[i] ?? '';
    const allowed = new RegExp(`^[A-Za-z0-9${field.wildcards.replace(/[-/\\^\]]/g, '\\$&')}]+$`);
    if (!allowed.test(text)) fail(expression, `${field.label}: ${JSON.stringify(text)} uses a wildcard AWS does not allow there (${field.wildcards.split('').join(' ')})`);
  });
  for (const [i, text] of [minutes, hours, month, year].entries()) if (text.includes('?')) fail(expression, `${['minutes', 'hours', 'month', 'year'][i] ?? ''}: ? is for day-of-month or day-of-week`);
  const parts = [
    '0',
    plainField(expression, FIELDS[0], minutes),
    plainField(expression, FIELDS[1], hours),
    dom === '?' ? '*' : dayOfMonthField(expression, dom),
    plainField(expression, FIELDS[3], month),
    dow === '?' ? '*' : dayOfWeekField(expression, dow),
    // AWS's years end in 2199: `*` is 1970-2199 (croner's would go on to 9999).
    year === '*' ? '1970-2199' : plainField(expression, FIELDS[5], year),
  ];
  return parts.join(' ');
}

function cronSchedule(expression: string, timezone: string): (afterMs: number) => number | undefined {
  const pattern = cronerPattern(expression);
  let cron: Cron;
  try {
    // In UTC: croner evaluates the wall clock, with no DST to interfere (see the module comment).
    cron = new Cron(pattern, { timezone: 'Etc/UTC', mode: '7-part', alternativeWeekdays: true, sloppyRanges: true, paused: true });
  } catch (error) {
    return fail(expression, error instanceof Error ? error.message : String(error));
  }
  return (afterMs) => {
    // Wall-clock times from a little before `afterMs`'s (an overlap can put a time's first instant before it).
    let from = wallAt(timezone, afterMs) - 3 * HOUR;
    for (let guard = 0; guard < 100_000; guard++) {
      const wall = cron.nextRun(new Date(from))?.getTime();
      if (wall === undefined) return undefined;
      // No instant: skipped (spring forward). Two: it runs once, at the first (fall back).
      const [first] = instantsOf(timezone, wall);
      if (first !== undefined && first > afterMs) return first;
      from = wall;
    }
    return undefined;
  };
}

// ---------------------------------------------------------------------------------------------------------------------

export function parseSchedule(expression: string, timezone = 'UTC'): Schedule {
  zoneFormat(timezone);
  const text = expression.trim();
  if (text.startsWith('rate(')) {
    const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(text);
    if (!match) fail(expression, 'expected rate(value unit), unit minute(s), hour(s) or day(s)');
    const value = Number(match[1]);
    const unit = match[2] ?? '';
    if (value < 1) fail(expression, 'the rate value must be positive');
    const periodMs = value * (unit.startsWith('minute') ? MINUTE : unit.startsWith('hour') ? HOUR : DAY);
    const next = (afterMs: number, anchorMs = 0): number => (afterMs < anchorMs ? anchorMs : anchorMs + (Math.floor((afterMs - anchorMs) / periodMs) + 1) * periodMs);
    return { expression, timezone, kind: 'rate', periodMs, next };
  }
  if (text.startsWith('cron(')) {
    const next = cronSchedule(text, timezone);
    return { expression, timezone, kind: 'cron', next: (afterMs) => next(afterMs) };
  }
  if (text.startsWith('at(')) {
    const match = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(text);
    if (!match) fail(expression, 'expected at(yyyy-mm-ddThh:mm:ss)');
    const [y, mo, d, h, mi, s] = match.slice(1).map(Number) as [number, number, number, number, number, number];
    const wall = Date.UTC(y, mo - 1, d, h, mi, s);
    const back = new Date(wall);
    if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) fail(expression, 'not a valid date and time');
    const [first] = instantsOf(timezone, wall);
    return { expression, timezone, kind: 'at', next: (afterMs) => (first !== undefined && first > afterMs ? first : undefined) };
  }
  return fail(expression, 'expected rate(…), cron(…) or at(…)');
}

/** The first `count` firings after `afterMs`. */
export function upcoming(schedule: Schedule, afterMs: number, count: number, anchorMs?: number): number[] {
  const out: number[] = [];
  for (let cursor = afterMs; out.length < count; ) {
    const t = schedule.next(cursor, anchorMs);
    if (t === undefined) break;
    out.push(t);
    cursor = t;
  }
  return out;
}

/** `2022-11-30T20:00:00Z`: EventBridge event times and `<aws.scheduler.scheduled-time>`. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
