/**
 * The typed arguments of the query language: numbers (runningTasksCount), versions (agentVersion), dates
 * (registeredAt) and booleans (agentConnected), parsed once at parse/compile time.
 */

const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** A decimal number (`10`, `-1`, `2.5`); undefined when the text is not one. */
export function parseNumber(text: string): number | undefined {
  if (!NUMBER.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

const VERSION = /^\d+(?:\.\d+)*$/;
const VERSION_PREFIX = /^v?(\d+(?:\.\d+)*)/;

/** A version argument: dot-separated non-negative integers (`1.14.5`, `1.100`, `2`). */
export function parseVersion(text: string): number[] | undefined {
  if (!VERSION.test(text)) return undefined;
  return text.split('.').map(Number);
}

/**
 * An instance's `versionInfo.agentVersion`: its leading numeric part (`1.85.0`, `v1.85.0-rc1` → [1, 85, 0]);
 * undefined when it does not start with a number.
 */
export function parseAgentVersion(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const match = VERSION_PREFIX.exec(text.trim());
  return match?.[1] === undefined ? undefined : match[1].split('.').map(Number);
}

/** Compares versions numerically component by component; missing components count as 0 (1.14 == 1.14.0). */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * A date argument denotes an interval of time at its own precision: a whole UTC day for `2018-06-18`, one second for
 * the three date-time forms. `start` inclusive, `end` exclusive, epoch milliseconds.
 */
export interface DateInterval {
  start: number;
  end: number;
}

export const DATE_FORMATS = '2018-06-18, 2018-06-18T22:28:28, 2018-06-18T22:28:28Z or 2018-06-18T22:28:28+00:00';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(utc(year, month, 0)).getUTCDate();
}

/** One of the 4 documented formats, as an interval; a string saying what is wrong otherwise. */
export function parseDate(text: string): DateInterval | string {
  const dateOnly = DATE.exec(text);
  const dateTime = dateOnly ? undefined : DATE_TIME.exec(text);
  const match = dateOnly ?? dateTime;
  if (!match) return `not one of the formats ${DATE_FORMATS}`;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12) return `month ${match[2]} does not exist`;
  if (day < 1 || day > daysInMonth(year, month)) return `day ${match[3]} does not exist in ${match[1]}-${match[2]}`;
  if (dateOnly) {
    const start = utc(year, month - 1, day);
    return { start, end: start + 86_400_000 };
  }
  const [hour, minute, second] = [Number(match[4]), Number(match[5]), Number(match[6])];
  if (hour > 23 || minute > 59 || second > 59) return `time ${match[4]}:${match[5]}:${match[6]} does not exist`;
  let offsetMinutes = 0;
  const zone = match[7];
  if (zone !== undefined && zone !== 'Z') {
    const [hours, minutes] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
    if (hours > 23 || minutes > 59) return `UTC offset ${zone} does not exist`;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  const start = utc(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  return { start, end: start + 1000 };
}

/** `true` / `false`, case-insensitively, normalised to lower case. */
export function parseBoolean(text: string): 'true' | 'false' | undefined {
  const lower = text.toLowerCase();
  return lower === 'true' || lower === 'false' ? lower : undefined;
}

/** `Date.UTC` without its 0–99 → 1900–1999 year mapping. */
function utc(year: number, monthIndex: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(Date.UTC(2000, monthIndex, day, hour, minute, second));
  date.setUTCFullYear(year, monthIndex, day);
  return date.getTime();
}
