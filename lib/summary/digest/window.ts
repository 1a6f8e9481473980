/**
 * The digest's window: "since the previous digest", derived from the schedule expression itself, so no state is kept.
 * The window ends at this invocation's scheduled time and starts at the schedule's previous fire time before it:
 *   rate(N unit) → N units earlier;
 *   cron(min hour day-of-month month day-of-week year) → the latest earlier minute the expression matches, in the
 *   schedule's time zone (EventBridge Scheduler evaluates it there; daylight saving changes give a 23 or 25 h window).
 * Supported cron syntax: `*`, `?`, lists, ranges, steps (`*\/15`, `5/10`, `1-5/2`), month and weekday names (days of
 * week 1-7 = SUN-SAT, as EventBridge counts them). `L`, `W` and `#` are refused with a message naming them.
 */

export class ScheduleWindowError extends Error {
  override readonly name = 'ScheduleWindowError';
}

const UNIT_MS: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
/** How far back a cron expression is searched (a yearly schedule fits). */
const MAX_LOOKBACK_DAYS = 400;

interface Cron {
  minutes: Set<number>;
  hours: Set<number>;
  dom: Set<number> | undefined;
  months: Set<number>;
  /** 1 = Sunday … 7 = Saturday. */
  dow: Set<number> | undefined;
  years: Set<number> | undefined;
}

function field(text: string, min: number, max: number, what: string, names?: string[]): Set<number> {
  const values = new Set<number>();
  const value = (token: string): number => {
    const upper = token.toUpperCase();
    const named = names?.indexOf(upper) ?? -1;
    const n = named >= 0 ? named + min : Number(token);
    if (!Number.isInteger(n) || n < min || n > max) throw new ScheduleWindowError(`cron ${what} "${token}" is not between ${min} and ${max}`);
    return n;
  };
  for (const part of text.split(',')) {
    if (/[LW#]/.test(part.replace(/^(?:[A-Za-z]{3})(?:-[A-Za-z]{3})?$/, ''))) {
      throw new ScheduleWindowError(`cron ${what} "${part}": L, W and # are not supported for the digest window; use a plain ${what}`);
    }
    const [rangeText = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new ScheduleWindowError(`cron ${what} step "${stepText ?? ''}" is not a positive integer`);
    let from: number;
    let to: number;
    if (rangeText === '*' || rangeText === '?') {
      from = min;
      to = max;
    } else if (rangeText.includes('-')) {
      const [a = '', b = ''] = rangeText.split('-');
      from = value(a);
      to = value(b);
    } else {
      from = value(rangeText);
      to = stepText === undefined ? from : max;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

function parseCron(body: string): Cron {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) throw new ScheduleWindowError(`cron(${body}) needs 6 fields (minutes hours day-of-month month day-of-week year)`);
  const [mi = '', h = '', dom = '', mo = '', dow = '', y = ''] = parts;
  return {
    minutes: field(mi, 0, 59, 'minutes'),
    hours: field(h, 0, 23, 'hours'),
    dom: dom === '?' || dom === '*' ? undefined : field(dom, 1, 31, 'day-of-month'),
    months: field(mo, 1, 12, 'month', MONTHS),
    dow: dow === '?' || dow === '*' ? undefined : field(dow, 1, 7, 'day-of-week', DAYS),
    years: y === '*' || y === '?' ? undefined : field(y, 1970, 2199, 'year'),
  };
}

/** Wall-clock parts of `t` in `timeZone`. */
function wallClock(t: number, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(new Date(t));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute') };
}

/** The instant a wall-clock time in `timeZone` denotes (the earlier one in a DST overlap). */
function fromWallClock(y: number, mo: number, d: number, h: number, mi: number, timeZone: string): number {
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  let guess = asUtc;
  for (let i = 0; i < 3; i++) {
    const w = wallClock(guess, timeZone);
    const diff = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi) - asUtc;
    if (diff === 0) break;
    guess -= diff;
  }
  return guess;
}

function previousCron(cron: Cron, timeZone: string, before: number): number {
  const now = wallClock(before - 60_000, timeZone);
  const hoursDesc = [...cron.hours].sort((a, b) => b - a);
  const minutesDesc = [...cron.minutes].sort((a, b) => b - a);
  for (let back = 0; back <= MAX_LOOKBACK_DAYS; back++) {
    const day = new Date(Date.UTC(now.y, now.mo - 1, now.d - back));
    const y = day.getUTCFullYear();
    const mo = day.getUTCMonth() + 1;
    const d = day.getUTCDate();
    const dow = day.getUTCDay() + 1;
    if (cron.years && !cron.years.has(y)) continue;
    if (!cron.months.has(mo)) continue;
    if (cron.dom && !cron.dom.has(d)) continue;
    if (cron.dow && !cron.dow.has(dow)) continue;
    for (const h of hoursDesc) {
      if (back === 0 && h > now.h) continue;
      for (const mi of minutesDesc) {
        if (back === 0 && h === now.h && mi > now.mi) continue;
        const t = fromWallClock(y, mo, d, h, mi, timeZone);
        if (t < before) return t;
      }
    }
  }
  throw new ScheduleWindowError(`cron schedule has no fire time in the ${MAX_LOOKBACK_DAYS} days before ${new Date(before).toISOString()}`);
}

/** The schedule's fire time before `end` (a fire time itself, or any instant). */
export function previousFireTime(expression: string, timeZone: string, end: number): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) return end - Number(rate[1]) * (UNIT_MS[rate[2] ?? 'days'] ?? 86_400_000);
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (cron) return previousCron(parseCron(cron[1] ?? ''), timeZone, end);
  throw new ScheduleWindowError(`"${expression}" is neither rate(...) nor cron(...)`);
}

/** The window of the digest scheduled at `scheduledTime` (rounded down to the minute, as schedules fire on minutes). */
export function windowForSchedule(expression: string, timeZone: string, scheduledTime: number): { start: number; end: number } {
  const end = Math.floor(scheduledTime / 60_000) * 60_000;
  return { start: previousFireTime(expression, timeZone, end), end };
}
