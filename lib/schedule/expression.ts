/**
 * EventBridge schedule expressions: `rate(value unit)`, the 6-field `cron(minutes hours day-of-month month day-of-week
 * year)` and Scheduler's one-time `at(yyyy-mm-ddThh:mm:ss)`, evaluated in an IANA time zone the way EventBridge
 * Scheduler documents it: on a spring-forward day a time that does not exist is skipped, on a fall-back day a time
 * that occurs twice runs once (the first time), and `rate(1 day)` means 24 hours, not one calendar day.
 *
 * Cron fields: `*`, `,` lists, `-` ranges (wrapping, e.g. `22-2` or `FRI-MON`), `/` steps (`0/15`, `*\/5`, `10-50/20`),
 * `?` (exactly one of day-of-month and day-of-week), names for months (JAN-DEC) and weekdays (SUN-SAT, 1 = Sunday),
 * day-of-month `L`, `LW` and `nW`, day-of-week `L` (Saturday), `nL` (last weekday n of the month) and `n#k` (alone:
 * AWS allows one expression with `#`); no `/` in day-of-week (AWS's cron reference lists `, - * ? L #` there).
 * Anything else is rejected with a ScheduleExpressionError naming the field.
 */

export class ScheduleExpressionError extends Error {
  override readonly name = 'ScheduleExpressionError';
}

export interface RateExpression {
  kind: 'rate';
  value: number;
  unit: 'minute' | 'hour' | 'day';
  periodMs: number;
}

type DayPredicate = (year: number, month: number, day: number) => boolean;

export interface CronExpression {
  kind: 'cron';
  minutes: readonly number[];
  hours: readonly number[];
  months: ReadonlySet<number>;
  /** Empty: every year from 1970 to 2199. */
  years: ReadonlySet<number>;
  /** Day-of-month or day-of-week rule, whichever is not `?`. */
  day: DayPredicate;
}

export interface AtExpression {
  kind: 'at';
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export type ParsedExpression = RateExpression | CronExpression | AtExpression;

export interface Schedule {
  readonly expression: string;
  readonly timezone: string;
  readonly parsed: ParsedExpression;
  /**
   * The first time strictly after `afterMs` the schedule fires (epoch ms), or undefined when it never fires again.
   * Rate schedules fire at `anchorMs + k × period` (k ≥ 0); `anchorMs` defaults to 0.
   */
  next(afterMs: number, anchorMs?: number): number | undefined;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MAX_YEAR = 2199;
const MIN_YEAR = 1970;

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

// ---------------------------------------------------------------------------------------------------------------
// Time zones

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new ScheduleExpressionError(`unknown time zone ${JSON.stringify(timezone)} (use an IANA name such as Europe/Paris)`);
    }
    formatters.set(timezone, f);
  }
  return f;
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock time in `timezone` at the instant `utcMs`. */
export function wallClock(timezone: string, utcMs: number): WallClock {
  if (timezone === 'UTC') {
    const d = new Date(utcMs);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
  }
  const out: Record<string, number> = {};
  for (const part of formatter(timezone).formatToParts(new Date(utcMs))) {
    if (part.type !== 'literal') out[part.type] = Number(part.value);
  }
  return { year: out.year ?? 0, month: out.month ?? 0, day: out.day ?? 0, hour: (out.hour ?? 0) % 24, minute: out.minute ?? 0, second: out.second ?? 0 };
}

function naiveMs(w: WallClock): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/** UTC offset of `timezone` at `utcMs`, in ms (Paris in summer: +7 200 000). */
export function offsetAt(timezone: string, utcMs: number): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  return naiveMs(wallClock(timezone, whole)) - whole;
}

/**
 * The instants at which the wall clock in `timezone` reads the given time: none in a spring-forward gap, two in a
 * fall-back overlap, else one. Ascending.
 */
export function wallToUtc(timezone: string, w: WallClock): number[] {
  const naive = naiveMs(w);
  if (timezone === 'UTC') return [naive];
  const offsets = new Set([offsetAt(timezone, naive - DAY), offsetAt(timezone, naive), offsetAt(timezone, naive + DAY)]);
  const out = new Set<number>();
  for (const offset of offsets) {
    const candidate = naive - offset;
    if (naiveMs(wallClock(timezone, candidate)) === naive) out.add(candidate);
  }
  return [...out].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

function fail(expression: string, message: string): never {
  throw new ScheduleExpressionError(`${expression}: ${message}`);
}

interface FieldSpec {
  label: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Value of names[0]. */
  nameBase?: number;
}

function parseValue(expression: string, spec: FieldSpec, text: string): number {
  const upper = text.toUpperCase();
  if (spec.names) {
    const index = spec.names.indexOf(upper);
    if (index >= 0) return index + (spec.nameBase ?? 0);
  }
  if (!/^\d+$/.test(text)) fail(expression, `${spec.label}: ${JSON.stringify(text)} is not a value`);
  const value = Number(text);
  if (value < spec.min || value > spec.max) fail(expression, `${spec.label}: ${value} is outside ${spec.min}-${spec.max}`);
  return value;
}

/** `*`, `a`, `a-b`, with an optional `/step`; ranges may wrap around (`22-2`). */
function parseNumericItem(expression: string, spec: FieldSpec, item: string): number[] {
  const [range = '', stepText, extra] = item.split('/');
  if (extra !== undefined) fail(expression, `${spec.label}: ${JSON.stringify(item)} has more than one /`);
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) === 0) fail(expression, `${spec.label}: bad step in ${JSON.stringify(item)}`);
    step = Number(stepText);
  }
  let start: number;
  let end: number;
  if (range === '*') {
    start = spec.min;
    end = spec.max;
  } else if (range.includes('-')) {
    const [a = '', b = '', more] = range.split('-');
    if (more !== undefined || a === '' || b === '') fail(expression, `${spec.label}: bad range ${JSON.stringify(item)}`);
    start = parseValue(expression, spec, a);
    end = parseValue(expression, spec, b);
  } else {
    start = parseValue(expression, spec, range);
    // `a/step` runs from a to the end of the field.
    end = stepText !== undefined ? spec.max : start;
  }
  const span = spec.max - spec.min + 1;
  const length = end >= start ? end - start : end - start + span;
  const values: number[] = [];
  for (let k = 0; k <= length; k += step) values.push(((start - spec.min + k) % span) + spec.min);
  return values;
}

function parseNumericField(expression: string, spec: FieldSpec, text: string): number[] {
  if (text === '?') fail(expression, `${spec.label}: ? is only allowed in day-of-month or day-of-week`);
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') fail(expression, `${spec.label}: empty list item`);
    for (const v of parseNumericItem(expression, spec, item)) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 = Sunday … 7 = Saturday, as in EventBridge cron. */
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

/** The weekday (Mon-Fri) nearest to `day` in the same month. */
function nearestWeekday(year: number, month: number, day: number): number {
  const last = daysInMonth(year, month);
  const target = Math.min(day, last);
  const dow = weekday(year, month, target);
  if (dow === 7) return target === 1 ? 3 : target - 1; // Saturday: Friday before, or Monday after the 1st
  if (dow === 1) return target === last ? target - 2 : target + 1; // Sunday: Monday after, or Friday before the last
  return target;
}

const DOM: FieldSpec = { label: 'day-of-month', min: 1, max: 31 };
const DOW: FieldSpec = { label: 'day-of-week', min: 1, max: 7, names: DAY_NAMES, nameBase: 1 };

function parseDayOfMonth(expression: string, text: string): DayPredicate {
  const tests: DayPredicate[] = [];
  for (const item of text.toUpperCase().split(',')) {
    if (item === 'L') tests.push((y, m, d) => d === daysInMonth(y, m));
    else if (item === 'LW') {
      tests.push((y, m, d) => {
        const last = daysInMonth(y, m);
        const dow = weekday(y, m, last);
        return d === (dow === 7 ? last - 1 : dow === 1 ? last - 2 : last);
      });
    } else if (/^\d+W$/.test(item)) {
      const n = parseValue(expression, DOM, item.slice(0, -1));
      tests.push((y, m, d) => d === nearestWeekday(y, m, n));
    } else if (/[LW#]/.test(item)) {
      fail(expression, `day-of-month: ${JSON.stringify(item)} is not supported (use L, LW, nW, values, ranges, steps)`);
    } else {
      if (item === '') fail(expression, 'day-of-month: empty list item');
      const values = new Set(parseNumericItem(expression, DOM, item));
      tests.push((_y, _m, d) => values.has(d));
    }
  }
  return (y, m, d) => tests.some((t) => t(y, m, d));
}

function parseDayOfWeek(expression: string, text: string): DayPredicate {
  const tests: DayPredicate[] = [];
  // AWS's cron reference: day-of-week takes `, - * ? L #` (no `/`), and only one expression when `#` is used.
  if (text.includes('/')) fail(expression, 'day-of-week: / (increments) is not allowed in day-of-week');
  if (text.includes('#') && text.includes(',')) fail(expression, 'day-of-week: only one expression is allowed with # (e.g. 3#1,6#3 is invalid)');
  for (const item of text.toUpperCase().split(',')) {
    if (item === 'L') tests.push((y, m, d) => weekday(y, m, d) === 7);
    else if (/^[A-Z0-9]+L$/.test(item)) {
      const dow = parseValue(expression, DOW, item.slice(0, -1));
      tests.push((y, m, d) => weekday(y, m, d) === dow && d + 7 > daysInMonth(y, m));
    } else if (item.includes('#')) {
      const [dayText = '', nthText = '', more] = item.split('#');
      if (more !== undefined || !/^[1-5]$/.test(nthText)) fail(expression, `day-of-week: bad ${JSON.stringify(item)} (expected weekday#1..5)`);
      const dow = parseValue(expression, DOW, dayText);
      const nth = Number(nthText);
      tests.push((y, m, d) => weekday(y, m, d) === dow && Math.ceil(d / 7) === nth);
    } else if (/[LW]$/.test(item) && !DAY_NAMES.includes(item)) {
      fail(expression, `day-of-week: ${JSON.stringify(item)} is not supported (use L, nL, n#k, values, ranges, steps)`);
    } else {
      if (item === '') fail(expression, 'day-of-week: empty list item');
      const values = new Set(parseNumericItem(expression, DOW, item));
      tests.push((y, m, d) => values.has(weekday(y, m, d)));
    }
  }
  return (y, m, d) => tests.some((t) => t(y, m, d));
}

export function parseCron(expression: string): CronExpression {
  const match = /^cron\((.*)\)$/s.exec(expression.trim());
  if (!match) fail(expression, 'expected cron(minutes hours day-of-month month day-of-week year)');
  const fields = (match[1] ?? '').trim().split(/\s+/);
  if (fields.length !== 6) fail(expression, `cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`);
  const [minutes = '', hours = '', dom = '', month = '', dow = '', year = ''] = fields;
  if ((dom === '?') === (dow === '?')) {
    fail(expression, dom === '?' ? 'day-of-month and day-of-week cannot both be ?' : 'day-of-month and day-of-week cannot both be specified: use ? in one of them');
  }
  const years = year === '*' ? new Set<number>() : new Set(parseNumericField(expression, { label: 'year', min: MIN_YEAR, max: MAX_YEAR }, year));
  return {
    kind: 'cron',
    minutes: parseNumericField(expression, { label: 'minutes', min: 0, max: 59 }, minutes),
    hours: parseNumericField(expression, { label: 'hours', min: 0, max: 23 }, hours),
    months: new Set(parseNumericField(expression, { label: 'month', min: 1, max: 12, names: MONTH_NAMES, nameBase: 1 }, month)),
    years,
    day: dom === '?' ? parseDayOfWeek(expression, dow) : parseDayOfMonth(expression, dom),
  };
}

export function parseRate(expression: string): RateExpression {
  const match = /^rate\(\s*(\S+)\s+(\S+)\s*\)$/.exec(expression.trim());
  if (!match) fail(expression, 'expected rate(value unit), e.g. rate(5 minutes)');
  const [, valueText = '', unitText = ''] = match;
  if (!/^\d+$/.test(valueText) || Number(valueText) < 1) fail(expression, `rate value must be a positive whole number, got ${JSON.stringify(valueText)}`);
  const value = Number(valueText);
  const unit = /^(minute|hour|day)s?$/.exec(unitText)?.[1] as RateExpression['unit'] | undefined;
  if (!unit) fail(expression, `rate unit must be minute(s), hour(s) or day(s), got ${JSON.stringify(unitText)}`);
  const plural = unitText.endsWith('s');
  if (value === 1 && plural) fail(expression, `a rate of 1 takes the singular unit (rate(1 ${unit}))`);
  if (value > 1 && !plural) fail(expression, `a rate above 1 takes the plural unit (rate(${value} ${unit}s))`);
  const periodMs = value * (unit === 'minute' ? MINUTE : unit === 'hour' ? HOUR : DAY);
  return { kind: 'rate', value, unit, periodMs };
}

export function parseAt(expression: string): AtExpression {
  const match = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression.trim());
  if (!match) fail(expression, 'expected at(yyyy-mm-ddThh:mm:ss)');
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) fail(expression, 'not a valid date and time');
  return { kind: 'at', year, month, day, hour, minute, second };
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

/** Largest DST shift considered when skipping candidate times that are surely in the past. */
const SLACK = 3 * HOUR;

/** First firing of `cron` strictly after `afterMs`, in `timezone`. */
export function nextCronTime(cron: CronExpression, afterMs: number, timezone = 'UTC'): number | undefined {
  const afterWall = naiveMs(wallClock(timezone, afterMs));
  const start = new Date(afterWall - DAY);
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth() + 1;
  let day = start.getUTCDate();
  const yearOk = (y: number) => cron.years.size === 0 || cron.years.has(y);
  const lastYear = cron.years.size === 0 ? MAX_YEAR : Math.max(...cron.years);

  while (year <= lastYear) {
    if (year < MIN_YEAR || !yearOk(year)) {
      year++;
      month = 1;
      day = 1;
      continue;
    }
    if (!cron.months.has(month)) {
      month++;
      day = 1;
      if (month > 12) {
        month = 1;
        year++;
      }
      continue;
    }
    if (cron.day(year, month, day)) {
      for (const hour of cron.hours) {
        for (const minute of cron.minutes) {
          const wall = { year, month, day, hour, minute, second: 0 };
          if (naiveMs(wall) < afterWall - SLACK) continue;
          const [first] = wallToUtc(timezone, wall);
          // No instant: skipped by a spring-forward change. Two: fall back, only the first one runs.
          if (first !== undefined && first > afterMs) return first;
        }
      }
    }
    day++;
    if (day > daysInMonth(year, month)) {
      day = 1;
      month++;
      if (month > 12) {
        month = 1;
        year++;
      }
    }
  }
  return undefined;
}

export function parseExpression(expression: string): ParsedExpression {
  const text = expression.trim();
  if (text.startsWith('rate(')) return parseRate(text);
  if (text.startsWith('cron(')) return parseCron(text);
  if (text.startsWith('at(')) return parseAt(text);
  return fail(expression, 'expected rate(…), cron(…) or at(…)');
}

/** Parses `expression` for evaluation in `timezone` (validated). Throws ScheduleExpressionError. */
export function parseSchedule(expression: string, timezone = 'UTC'): Schedule {
  formatter(timezone);
  const parsed = parseExpression(expression);
  const next = (afterMs: number, anchorMs = 0): number | undefined => {
    switch (parsed.kind) {
      case 'rate': {
        if (afterMs < anchorMs) return anchorMs;
        const k = Math.floor((afterMs - anchorMs) / parsed.periodMs) + 1;
        return anchorMs + k * parsed.periodMs;
      }
      case 'cron':
        return nextCronTime(parsed, afterMs, timezone);
      case 'at': {
        const [first] = wallToUtc(timezone, parsed);
        return first !== undefined && first > afterMs ? first : undefined;
      }
    }
  };
  return { expression, timezone, parsed, next };
}

/** The first `count` firings after `afterMs` (for tests and reports). */
export function upcoming(schedule: Schedule, afterMs: number, count: number, anchorMs?: number): number[] {
  const out: number[] = [];
  let cursor = afterMs;
  while (out.length < count) {
    const t = schedule.next(cursor, anchorMs);
    if (t === undefined) break;
    out.push(t);
    cursor = t;
  }
  return out;
}

/** `2022-11-30T20:00:00Z`: the format of EventBridge event times and `<aws.scheduler.scheduled-time>`. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
