import { describe, expect, it } from 'vitest';
import { previousFireTime, ScheduleWindowError, windowForSchedule } from '../../../lib/summary/digest/window.js';

const t = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('the digest window from the schedule expression', () => {
  it('daily at 08:00 UTC: the previous 08:00', () => {
    expect(windowForSchedule('cron(0 8 * * ? *)', 'UTC', t('2026-01-02T08:00:00Z'))).toEqual({ start: t('2026-01-01T08:00:00Z'), end: t('2026-01-02T08:00:00Z') });
    // A late invocation (seconds after the fire time) has the same window.
    expect(windowForSchedule('cron(0 8 * * ? *)', 'UTC', t('2026-01-02T08:00:41Z')).start).toBe(t('2026-01-01T08:00:00Z'));
  });

  it('weekdays at 08:00 Paris: Monday covers the weekend, and daylight saving time is honoured', () => {
    // Monday 2026-03-30 08:00 CEST (06:00Z); the previous fire is Friday 2026-03-27 08:00 CET (07:00Z).
    expect(iso(previousFireTime('cron(0 8 ? * MON-FRI *)', 'Europe/Paris', t('2026-03-30T06:00:00Z')))).toBe('2026-03-27T07:00:00.000Z');
    expect(iso(previousFireTime('cron(0 8 ? * MON-FRI *)', 'Europe/Paris', t('2026-03-31T06:00:00Z')))).toBe('2026-03-30T06:00:00.000Z');
    // Days of week count from 1 = Sunday, as EventBridge does: 2-6 is Monday-Friday.
    expect(iso(previousFireTime('cron(0 8 ? * 2-6 *)', 'Europe/Paris', t('2026-03-30T06:00:00Z')))).toBe('2026-03-27T07:00:00.000Z');
  });

  it('every 15 minutes, several times a day, monthly, and rates', () => {
    expect(iso(previousFireTime('cron(*/15 * * * ? *)', 'UTC', t('2026-01-01T10:00:00Z')))).toBe('2026-01-01T09:45:00.000Z');
    expect(iso(previousFireTime('cron(0 8,12,18 * * ? *)', 'UTC', t('2026-01-01T08:00:00Z')))).toBe('2025-12-31T18:00:00.000Z');
    expect(iso(previousFireTime('cron(30 6 1 * ? *)', 'UTC', t('2026-03-01T06:30:00Z')))).toBe('2026-02-01T06:30:00.000Z');
    expect(iso(previousFireTime('rate(6 hours)', 'UTC', t('2026-01-01T12:00:00Z')))).toBe('2026-01-01T06:00:00.000Z');
    expect(iso(previousFireTime('rate(1 day)', 'Europe/Paris', t('2026-01-01T12:00:00Z')))).toBe('2025-12-31T12:00:00.000Z');
  });

  it('refuses what it cannot evaluate, naming it', () => {
    expect(() => previousFireTime('cron(0 8 L * ? *)', 'UTC', 0)).toThrow(ScheduleWindowError);
    expect(() => previousFireTime('cron(0 8 ? * 6#3 *)', 'UTC', 0)).toThrow(/L, W and # are not supported/);
    expect(() => previousFireTime('cron(0 8 * *)', 'UTC', 0)).toThrow(/6 fields/);
    expect(() => previousFireTime('cron(0 25 * * ? *)', 'UTC', 0)).toThrow(/hours "25"/);
  });
});
