import { describe, expect, it } from 'vitest';
import { isoSeconds, offsetAt, parseSchedule, ScheduleExpressionError, upcoming, wallToUtc } from '../../lib/schedule/expression.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => isoSeconds(ms);
const next = (expression: string, after: string, count: number, timezone = 'UTC', anchor?: string): string[] =>
  upcoming(parseSchedule(expression, timezone), at(after), count, anchor === undefined ? undefined : at(anchor)).map(iso);

describe('cron expressions (UTC)', () => {
  it.each([
    ['cron(0/15 * * * ? *)', '2026-01-01T00:07:00Z', ['2026-01-01T00:15:00Z', '2026-01-01T00:30:00Z', '2026-01-01T00:45:00Z', '2026-01-01T01:00:00Z']],
    ['cron(*/20 * * * ? *)', '2026-01-01T00:00:00Z', ['2026-01-01T00:20:00Z', '2026-01-01T00:40:00Z', '2026-01-01T01:00:00Z']],
    ['cron(10-50/20 6 * * ? *)', '2026-01-01T00:00:00Z', ['2026-01-01T06:10:00Z', '2026-01-01T06:30:00Z', '2026-01-01T06:50:00Z', '2026-01-02T06:10:00Z']],
    ['cron(0 8 ? * MON-FRI *)', '2026-01-02T09:00:00Z', ['2026-01-05T08:00:00Z', '2026-01-06T08:00:00Z']],
    ['cron(0 8 ? * 2-6 *)', '2026-01-02T09:00:00Z', ['2026-01-05T08:00:00Z', '2026-01-06T08:00:00Z']],
    ['cron(0 9 ? * SUN,SAT *)', '2026-01-01T00:00:00Z', ['2026-01-03T09:00:00Z', '2026-01-04T09:00:00Z', '2026-01-10T09:00:00Z']],
    ['cron(0 22-2 * * ? *)', '2026-01-01T12:00:00Z', ['2026-01-01T22:00:00Z', '2026-01-01T23:00:00Z', '2026-01-02T00:00:00Z', '2026-01-02T01:00:00Z', '2026-01-02T02:00:00Z', '2026-01-02T22:00:00Z']],
    ['cron(0 12 L * ? *)', '2026-01-01T00:00:00Z', ['2026-01-31T12:00:00Z', '2026-02-28T12:00:00Z', '2026-03-31T12:00:00Z']],
    ['cron(0 9 15W * ? *)', '2026-02-01T00:00:00Z', ['2026-02-16T09:00:00Z', '2026-03-16T09:00:00Z', '2026-04-15T09:00:00Z']],
    ['cron(0 3 1W 8 ? *)', '2026-01-01T00:00:00Z', ['2026-08-03T03:00:00Z']],
    ['cron(0 18 LW 5 ? *)', '2026-01-01T00:00:00Z', ['2026-05-29T18:00:00Z', '2027-05-31T18:00:00Z']],
    ['cron(0 10 ? * 6#3 *)', '2026-01-01T00:00:00Z', ['2026-01-16T10:00:00Z', '2026-02-20T10:00:00Z']],
    ['cron(0 10 ? * FRI#1 *)', '2026-01-03T00:00:00Z', ['2026-02-06T10:00:00Z']],
    ['cron(0 10 ? * 6L *)', '2026-01-01T00:00:00Z', ['2026-01-30T10:00:00Z', '2026-02-27T10:00:00Z']],
    ['cron(0 10 ? * L *)', '2026-01-01T00:00:00Z', ['2026-01-03T10:00:00Z', '2026-01-10T10:00:00Z']],
    ['cron(0 0 29 2 ? *)', '2026-01-01T00:00:00Z', ['2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z']],
    ['cron(0 0 1 jan,Jul ? *)', '2026-02-01T00:00:00Z', ['2026-07-01T00:00:00Z', '2027-01-01T00:00:00Z']],
    ['cron(0 0 1 1 ? 2025)', '2026-01-01T00:00:00Z', []],
  ])('%s after %s', (expression, after, expected) => {
    expect(next(expression, after, expected.length)).toEqual(expected);
  });

  it('stops after the last year of the year field', () => {
    expect(next('cron(0 0 1 1 ? 2030)', '2026-01-01T00:00:00Z', 3)).toEqual(['2030-01-01T00:00:00Z']);
    expect(next('cron(0 12 ? * MON 2026-2027)', '2027-12-25T00:00:00Z', 3)).toEqual(['2027-12-27T12:00:00Z']);
  });

  it('fires strictly after the given time', () => {
    expect(next('cron(0 3 * * ? *)', '2026-01-01T03:00:00Z', 1)).toEqual(['2026-01-02T03:00:00Z']);
    expect(next('cron(0 3 * * ? *)', '2026-01-01T02:59:59.999Z', 1)).toEqual(['2026-01-01T03:00:00Z']);
  });
});

describe('cron expressions in a time zone', () => {
  it('keeps cron(0 3 * * ? *) at 03:00 Paris time across both DST changes', () => {
    // 2026-03-29: 02:00 CET becomes 03:00 CEST. 2026-10-25: 03:00 CEST becomes 02:00 CET.
    expect(next('cron(0 3 * * ? *)', '2026-03-27T12:00:00Z', 3, 'Europe/Paris')).toEqual(['2026-03-28T02:00:00Z', '2026-03-29T01:00:00Z', '2026-03-30T01:00:00Z']);
    expect(next('cron(0 3 * * ? *)', '2026-10-23T12:00:00Z', 3, 'Europe/Paris')).toEqual(['2026-10-24T01:00:00Z', '2026-10-25T02:00:00Z', '2026-10-26T02:00:00Z']);
  });

  it('skips a time that does not exist on the spring-forward day', () => {
    expect(next('cron(30 2 * * ? *)', '2026-03-27T12:00:00Z', 3, 'Europe/Paris')).toEqual(['2026-03-28T01:30:00Z', '2026-03-30T00:30:00Z', '2026-03-31T00:30:00Z']);
  });

  it('runs a time that occurs twice on the fall-back day once', () => {
    expect(next('cron(30 2 * * ? *)', '2026-10-24T12:00:00Z', 2, 'Europe/Paris')).toEqual(['2026-10-25T00:30:00Z', '2026-10-26T01:30:00Z']);
    // Every 30 minutes through the repeated hour: 02:00 and 02:30 run in their first (CEST) occurrence only.
    expect(next('cron(0/30 1-3 25 10 ? 2026)', '2026-10-24T00:00:00Z', 10, 'Europe/Paris')).toEqual([
      '2026-10-24T23:00:00Z', // 01:00 CEST
      '2026-10-24T23:30:00Z',
      '2026-10-25T00:00:00Z', // 02:00 CEST
      '2026-10-25T00:30:00Z',
      '2026-10-25T02:00:00Z', // 03:00 CET
      '2026-10-25T02:30:00Z',
    ]);
  });

  it('evaluates the digest schedule in Paris and New York', () => {
    expect(next('cron(0 8 ? * MON-FRI *)', '2026-01-02T09:00:00Z', 2, 'Europe/Paris')).toEqual(['2026-01-05T07:00:00Z', '2026-01-06T07:00:00Z']);
    expect(next('cron(0 8 ? * MON-FRI *)', '2026-03-06T00:00:00Z', 3, 'America/New_York')).toEqual(['2026-03-06T13:00:00Z', '2026-03-09T12:00:00Z', '2026-03-10T12:00:00Z']);
  });

  it('maps wall-clock times to instants: none in a gap, two in an overlap', () => {
    expect(wallToUtc('Europe/Paris', { year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0 })).toEqual([]);
    expect(wallToUtc('Europe/Paris', { year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0 }).map(iso)).toEqual(['2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z']);
    expect(offsetAt('Europe/Paris', at('2026-07-01T00:00:00Z'))).toBe(2 * 3_600_000);
    expect(offsetAt('Asia/Kolkata', at('2026-07-01T00:00:00Z'))).toBe(5.5 * 3_600_000);
  });
});

describe('rate and at expressions', () => {
  it('fires rate schedules every period from the anchor', () => {
    expect(next('rate(5 minutes)', '2026-01-01T00:00:00Z', 3, 'UTC', '2026-01-01T00:00:00Z')).toEqual(['2026-01-01T00:05:00Z', '2026-01-01T00:10:00Z', '2026-01-01T00:15:00Z']);
    expect(next('rate(1 hour)', '2025-12-31T00:00:00Z', 2, 'UTC', '2026-01-01T00:00:00Z')).toEqual(['2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z']);
    expect(next('rate(6 hours)', '2026-01-01T07:00:00Z', 1, 'UTC', '2026-01-01T00:00:00Z')).toEqual(['2026-01-01T12:00:00Z']);
  });

  it('counts rate(1 day) as 24 hours, even across a DST change', () => {
    expect(next('rate(1 day)', '2026-03-28T01:00:00Z', 2, 'Europe/Paris', '2026-03-28T01:00:00Z')).toEqual(['2026-03-29T01:00:00Z', '2026-03-30T01:00:00Z']);
  });

  it('fires an at() schedule once, in its time zone', () => {
    expect(next('at(2026-07-14T09:30:00)', '2026-01-01T00:00:00Z', 2, 'Europe/Paris')).toEqual(['2026-07-14T07:30:00Z']);
    expect(next('at(2026-07-14T09:30:00)', '2026-08-01T00:00:00Z', 1)).toEqual([]);
  });
});

describe('invalid expressions', () => {
  it.each([
    ['cron(0 3 * * * *)', /cannot both be specified/],
    ['cron(0 3 ? * ? *)', /cannot both be \?/],
    ['cron(0 3 * *)', /6 fields/],
    ['cron(0 3 * * ? * *)', /6 fields/],
    ['cron(60 3 * * ? *)', /minutes: 60 is outside 0-59/],
    ['cron(0 24 * * ? *)', /hours: 24 is outside 0-23/],
    ['cron(0 3 32 * ? *)', /day-of-month: 32/],
    ['cron(0 3 * FOO ? *)', /month: "FOO" is not a value/],
    ['cron(0 3 ? * 8 *)', /day-of-week: 8 is outside 1-7/],
    ['cron(0 3 ? * 2#6 *)', /weekday#1\.\.5/],
    ['cron(0 3 L-2 * ? *)', /day-of-month: "L-2" is not supported/],
    ['cron(0 3 ? * 2W *)', /day-of-week: "2W" is not supported/],
    // AWS's cron reference: no / in day-of-week, one expression only with # (found by the cross-check with the simulator's clock).
    ['cron(0 3 ? * */2 *)', /day-of-week: \/ \(increments\) is not allowed/],
    ['cron(0 3 ? * 2-6/2 *)', /day-of-week: \/ \(increments\) is not allowed/],
    ['cron(0 3 ? * 3#1,6#3 *)', /only one expression is allowed with #/],
    ['cron(0/0 * * * ? *)', /bad step/],
    ['cron(0 3 * * ? 2300)', /year: 2300 is outside 1970-2199/],
    ['cron(? 3 * * ? *)', /only allowed in day-of-month or day-of-week/],
    ['cron(0,,5 3 * * ? *)', /empty list item/],
    ['rate(0 minutes)', /positive whole number/],
    ['rate(1.5 hours)', /positive whole number/],
    ['rate(1 minutes)', /singular/],
    ['rate(5 minute)', /plural/],
    ['rate(2 weeks)', /minute\(s\), hour\(s\) or day\(s\)/],
    ['rate(5)', /expected rate\(value unit\)/],
    ['at(2026-02-30T10:00:00)', /not a valid date/],
    ['every 5 minutes', /expected rate/],
  ])('%s', (expression, message) => {
    expect(() => parseSchedule(expression)).toThrow(ScheduleExpressionError);
    expect(() => parseSchedule(expression)).toThrow(message);
  });

  it('rejects an unknown time zone', () => {
    expect(() => parseSchedule('cron(0 3 * * ? *)', 'Mars/Olympus_Mons')).toThrow(/unknown time zone "Mars\/Olympus_Mons"/);
  });
});
