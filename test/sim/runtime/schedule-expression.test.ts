/**
 * The simulated Scheduler's clock (sim/runtime/schedule-expression.ts, croner + AWS's rules) on AWS's documented
 * examples, and cross-checked against the product's own parser (lib/schedule/expression.ts): over random
 * EventBridge expressions, time zones with and without DST, and instants around DST changes, both must name the same
 * next fire times. The simulator never imports the product; this test imports both.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSchedule as productSchedule, upcoming as productUpcoming } from '../../../lib/schedule/expression.js';
import { cronerPattern, isoSeconds, parseSchedule, ScheduleExpressionError, upcoming } from '../../../sim/runtime/schedule-expression.js';

const at = (iso: string): number => Date.parse(iso);
const next = (expression: string, after: string, count: number, timezone = 'UTC', anchor?: string): string[] =>
  upcoming(parseSchedule(expression, timezone), at(after), count, anchor === undefined ? undefined : at(anchor)).map(isoSeconds);

describe('the simulated Scheduler clock: AWS cron reference examples (UTC)', () => {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html ("Examples"), from 2026-01-01
  // (a Thursday).
  it.each([
    ['cron(0 10 * * ? *)', ['2026-01-01T10:00:00Z', '2026-01-02T10:00:00Z']], // 10:00 every day
    ['cron(15 12 * * ? *)', ['2026-01-01T12:15:00Z', '2026-01-02T12:15:00Z']], // 12:15 every day
    ['cron(0 18 ? * MON-FRI *)', ['2026-01-01T18:00:00Z', '2026-01-02T18:00:00Z', '2026-01-05T18:00:00Z']], // 6 pm Monday to Friday
    ['cron(0 8 1 * ? *)', ['2026-01-01T08:00:00Z', '2026-02-01T08:00:00Z']], // 8 am on the 1st of each month
    ['cron(0/15 * * * ? *)', ['2026-01-01T00:00:00Z', '2026-01-01T00:15:00Z']], // every 15 minutes
    ['cron(0/10 * ? * MON-FRI *)', ['2026-01-01T00:00:00Z', '2026-01-01T00:10:00Z']], // every 10 minutes Monday to Friday
    ['cron(0/5 8-17 ? * MON-FRI *)', ['2026-01-01T08:00:00Z', '2026-01-01T08:05:00Z']], // every 5 minutes 8:00-17:55 Mon-Fri
    ['cron(0/30 20-2 ? * MON-FRI *)', ['2026-01-01T00:00:00Z', '2026-01-01T00:30:00Z', '2026-01-01T01:00:00Z', '2026-01-01T01:30:00Z', '2026-01-01T02:00:00Z', '2026-01-01T02:30:00Z', '2026-01-01T20:00:00Z']], // every 30 minutes 20:00-02:59, wrapping
    ['cron(1/10 * * * ? *)', ['2026-01-01T00:01:00Z', '2026-01-01T00:11:00Z', '2026-01-01T00:21:00Z']], // the wildcards section's 1/10
    ['cron(0 10 ? * 3#2 *)', ['2026-01-13T10:00:00Z', '2026-02-10T10:00:00Z']], // 3#2: the second Tuesday
    ['cron(0 10 3W * ? *)', ['2026-01-02T10:00:00Z', '2026-02-03T10:00:00Z']], // 3W: the weekday closest to the 3rd
    ['cron(0 10 L * ? *)', ['2026-01-31T10:00:00Z', '2026-02-28T10:00:00Z']], // L in day-of-month: the last day
    ['cron(0 10 ? * L *)', ['2026-01-03T10:00:00Z', '2026-01-10T10:00:00Z']], // L in day-of-week: the last day of the week (Saturday)
    ['cron(0 10 ? * 6L *)', ['2026-01-30T10:00:00Z', '2026-02-27T10:00:00Z']], // the last Friday
    ['cron(0 0 1 1 ? 2027-2028)', ['2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z']], // year field
    ['cron(0 1 ? 2 7#5 2170-2199)', ['2172-02-29T01:00:00Z']], // the fifth Saturday of February, years up to 2199 only
  ])('%s', (expression, expected) => {
    expect(next(expression, '2025-12-31T23:59:59Z', expected.length)).toEqual(expected);
  });

  it('translates AWS day-of-week numbers (1 = SUN) and ? for croner', () => {
    expect(cronerPattern('cron(0 8 ? * 2-6 *)')).toBe('0 0 8 * * 2-6 1970-2199');
    expect(cronerPattern('cron(5 0/6 L * ? 2026)')).toBe('0 5 0-23/6 L * * 2026');
    expect(next('cron(0 8 ? * 1 *)', '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-04T08:00:00Z']); // a Sunday
  });
});

describe('the simulated Scheduler clock: time zones and daylight saving time', () => {
  // https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#daylist-savings-time
  it('skips a time that does not exist on the spring-forward day', () => {
    // New York, 2026-03-08: 02:00 EST becomes 03:00 EDT, so 02:30 does not exist that day.
    expect(next('cron(30 2 * * ? *)', '2026-03-07T12:00:00Z', 3, 'America/New_York')).toEqual(['2026-03-09T06:30:00Z', '2026-03-10T06:30:00Z', '2026-03-11T06:30:00Z']);
    expect(next('cron(30 1 * * ? *)', '2026-03-28T12:00:00Z', 2, 'Europe/London')).toEqual(['2026-03-30T00:30:00Z', '2026-03-31T00:30:00Z']);
  });

  it('runs a time that occurs twice on the fall-back day once, at its first occurrence', () => {
    expect(next('cron(30 1 * * ? *)', '2026-10-31T12:00:00Z', 2, 'America/New_York')).toEqual(['2026-11-01T05:30:00Z', '2026-11-02T06:30:00Z']);
    // Lord Howe Island moves its clocks by 30 minutes: 01:30-02:00 occurs twice on 2026-04-05.
    expect(next('cron(45 1 * * ? *)', '2026-04-04T00:00:00Z', 2, 'Australia/Lord_Howe')).toEqual(['2026-04-04T14:45:00Z', '2026-04-05T15:15:00Z']);
  });

  it('counts rate(1 day) as 24 hours and fires at() once in its time zone', () => {
    expect(next('rate(1 day)', '2026-03-28T01:00:00Z', 2, 'Europe/Paris', '2026-03-28T01:00:00Z')).toEqual(['2026-03-29T01:00:00Z', '2026-03-30T01:00:00Z']);
    expect(next('at(2026-07-14T09:30:00)', '2026-01-01T00:00:00Z', 2, 'Europe/Paris')).toEqual(['2026-07-14T07:30:00Z']);
    expect(next('at(2026-03-29T02:30:00)', '2026-01-01T00:00:00Z', 1, 'Europe/Paris')).toEqual([]);
  });
});

describe('the simulated Scheduler clock: expressions AWS refuses', () => {
  it.each([
    ['cron(0 3 * * * *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 3 ? * ? *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 3 * *)', /6 fields/],
    ['cron(60 3 * * ? *)', /minutes: 60 is outside 0-59/],
    ['cron(0 3 ? * 8 *)', /day-of-week: 8 is outside 1-7/],
    ['cron(0 3 ? * 3#1,6#3 *)', /only one expression is allowed with #/],
    ['cron(0 3 ? * 2W *)', /day-of-week: "2W" is not in AWS's cron reference/],
    ['cron(0 3 ? * */2 *)', /day-of-week: "\*\/2" uses a wildcard AWS does not allow there/],
    ['cron(0 3 * * ? 2300)', /year: 2300 is outside 1970-2199/],
    ['cron(? 3 * * ? *)', /wildcard AWS does not allow/],
    ['rate(5)', /expected rate/],
    ['at(2026-02-30T10:00:00)', /not a valid date/],
  ])('%s', (expression, message) => {
    expect(() => parseSchedule(expression)).toThrow(ScheduleExpressionError);
    expect(() => parseSchedule(expression)).toThrow(message);
  });

  it('rejects an unknown time zone', () => {
    expect(() => parseSchedule('cron(0 3 * * ? *)', 'Mars/Olympus_Mons')).toThrow(/unknown time zone/);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// The cross-check.

const ZONES = ['UTC', 'America/New_York', 'Europe/London', 'Europe/Paris', 'Australia/Lord_Howe', 'Australia/Sydney', 'America/Sao_Paulo', 'Asia/Kolkata', 'Pacific/Chatham'];
/** DST changes of those zones (UTC), and ordinary days. */
const INSTANTS = [
  '2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z', // New York
  '2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', // London, Paris
  '2026-04-04T15:00:00Z', '2026-10-03T15:30:00Z', // Lord Howe (30 minutes)
  '2026-04-04T16:00:00Z', '2026-10-03T16:00:00Z', // Sydney
  '2026-04-04T14:00:00Z', '2026-09-26T14:00:00Z', // Chatham (+12:45 / +13:45)
  '2026-01-01T00:00:00Z', '2026-06-15T12:00:00Z', '2027-02-28T12:00:00Z', '2028-02-29T00:00:00Z',
].map(at);

const value = (min: number, max: number) => fc.integer({ min, max });
/** A field item: `*`, `a`, `a-b`, `a/s`, `*\/s`, `a-b/s` (no wrapping range: AWS's reference has none). */
const item = (min: number, max: number, names?: readonly string[], steps = true) =>
  fc.oneof(
    fc.constant('*'),
    value(min, max).map(String),
    ...(names ? [value(min, max).map((v) => names[v - min] ?? String(v))] : []),
    fc.tuple(value(min, max), value(min, max)).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    ...(steps
      ? [
          fc.tuple(value(min, max), value(1, Math.max(1, Math.floor((max - min) / 2)))).map(([a, s]) => `${a}/${s}`),
          value(1, Math.max(1, Math.floor((max - min) / 2))).map((s) => `*/${s}`),
          fc.tuple(value(min, max), value(min, max), value(1, 5)).map(([a, b, s]) => `${Math.min(a, b)}-${Math.max(a, b)}/${s}`),
        ]
      : []),
  );
const list = (min: number, max: number, names?: readonly string[], steps = true) =>
  fc.array(item(min, max, names, steps), { minLength: 1, maxLength: 3 }).map((items) => (items.includes('*') ? '*' : items.join(',')));

// Hours weighted towards the DST changes (01:00-03:00 local).
const hours = fc.oneof({ arbitrary: list(0, 23), weight: 2 }, { arbitrary: fc.constantFrom('1', '2', '3', '1-3', '0/2', '2,14', '*'), weight: 3 });
const minutes = fc.oneof(list(0, 59), fc.constantFrom('0', '30', '45', '0/30', '*/20'));
// nW past the end of a month (31W in April) is undocumented by AWS: croner skips the month, the product takes the
// month's last day; neither is checked here.
const dayOfMonth = fc.oneof({ arbitrary: list(1, 31), weight: 3 }, { arbitrary: fc.constantFrom('L', 'LW', '1W', '15W', '28W', '29'), weight: 1 });
const dayOfWeek = fc.oneof(
  // AWS allows no / in day-of-week.
  { arbitrary: list(1, 7, ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], false), weight: 3 },
  { arbitrary: fc.tuple(value(1, 7), value(1, 5)).map(([d, n]) => `${d}#${n}`), weight: 1 },
  { arbitrary: value(1, 7).map((d) => `${d}L`), weight: 1 },
  { arbitrary: fc.constant('L'), weight: 1 },
);
const month = fc.oneof({ arbitrary: fc.constant('*'), weight: 3 }, { arbitrary: list(1, 12, ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']), weight: 1 });
const year = fc.oneof({ arbitrary: fc.constant('*'), weight: 4 }, { arbitrary: fc.constantFrom('2026', '2026-2027', '2027/2', '2028'), weight: 1 });
const cron = fc
  .tuple(minutes, hours, fc.boolean(), dayOfMonth, month, dayOfWeek, year)
  .map(([mi, h, byDom, dom, mo, dow, y]) => `cron(${mi} ${h} ${byDom ? dom : '?'} ${mo} ${byDom ? '?' : dow} ${y})`);

describe('the simulated Scheduler clock and the product agree', () => {
  it('on the next fire times of random cron expressions, in time zones with DST, around DST changes (property)', () => {
    fc.assert(
      fc.property(cron, fc.constantFrom(...ZONES), fc.constantFrom(...INSTANTS), fc.integer({ min: -36, max: 12 }), (expression, zone, instant, hoursOff) => {
        const after = instant + hoursOff * 3_600_000;
        const expected = productUpcoming(productSchedule(expression, zone), after, 6).map(isoSeconds);
        const actual = upcoming(parseSchedule(expression, zone), after, 6).map(isoSeconds);
        expect(actual, `${expression} in ${zone} after ${isoSeconds(after)}`).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('on rate() and at() schedules in any of those zones', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          value(1, 90).map((n) => `rate(${n} ${n === 1 ? 'minute' : 'minutes'})`),
          value(1, 30).map((n) => `rate(${n} ${n === 1 ? 'hour' : 'hours'})`),
          value(1, 5).map((n) => `rate(${n} ${n === 1 ? 'day' : 'days'})`),
          fc.tuple(value(3, 11), value(1, 28), value(0, 23), value(0, 59)).map(([mo, d, h, mi]) => `at(2026-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:00)`),
        ),
        fc.constantFrom(...ZONES),
        fc.constantFrom(...INSTANTS),
        fc.integer({ min: 0, max: 3 * 86_400 }),
        (expression, zone, anchor, seconds) => {
          const after = anchor + seconds * 1000;
          const expected = productUpcoming(productSchedule(expression, zone), after, 4, anchor).map(isoSeconds);
          expect(upcoming(parseSchedule(expression, zone), after, 4, anchor).map(isoSeconds)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
