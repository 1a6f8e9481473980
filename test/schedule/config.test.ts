import { describe, expect, it } from 'vitest';
import { ConfigSchema, fargateSizeProblem } from '../../lib/config/schema.js';

function issues(schedule: Record<string, unknown>): string[] {
  const result = ConfigSchema.safeParse({
    version: 1,
    clusters: [{ name: 'prod' }],
    notifications: { channels: [{ name: 'ops', type: 'slack', webhookParameter: '/ecs-ops/slack/ops' }] },
    schedules: [{ name: 'report', schedule: 'rate(1 hour)', cluster: 'prod', taskDefinition: 'report', ...schedule }],
  });
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('schedules config', () => {
  it('accepts a full schedule with durations', () => {
    expect(issues({ schedule: 'cron(0 3 ? * MON-FRI *)', timezone: 'Europe/Paris', startingDeadlineSeconds: '10m', timeoutSeconds: '1h', retries: { attempts: 2, backoffSeconds: '2m', on: ['capacity', 'nonZeroExit'], exitCodes: [75] } })).toEqual([]);
  });

  it('names the field of a bad cron or rate expression', () => {
    expect(issues({ schedule: 'cron(0 3 * * * *)' })).toEqual([expect.stringMatching(/^schedules\.0\.schedule: .*day-of-month and day-of-week cannot both be specified/) as string]);
    expect(issues({ schedule: 'cron(61 3 * * ? *)' })).toEqual([expect.stringMatching(/^schedules\.0\.schedule: .*minutes/) as string]);
    expect(issues({ schedule: 'rate(1 hours)' })).toEqual([expect.stringMatching(/singular unit/) as string]);
    expect(issues({ schedule: 'at(2026-01-01T00:00:00)' })).toEqual([expect.stringMatching(/^schedules\.0\.schedule: expected cron/) as string]);
  });

  it('refuses names that cannot be part of startedBy', () => {
    expect(issues({ name: 'nightly.report' })).toEqual([expect.stringMatching(/^schedules\.0\.name: .*startedBy/) as string]);
  });

  it('checks notify channels, exit codes without nonZeroExit, backoff bounds and Fargate needs', () => {
    expect(issues({ notify: { channels: ['pager'] } })).toEqual(['schedules.0.notify.channels.0: channel "pager" is not declared under notifications.channels']);
    expect(issues({ retries: { attempts: 1, exitCodes: [3] } })).toEqual(['schedules.0.retries.exitCodes: exitCodes only apply with nonZeroExit in retries.on']);
    expect(issues({ retries: { backoffSeconds: 300, maxBackoffSeconds: 60 } })).toEqual(['schedules.0.retries.maxBackoffSeconds: maxBackoffSeconds is below backoffSeconds']);
    expect(issues({ timeoutSeconds: 30 })).toEqual([expect.stringMatching(/^schedules\.0\.timeoutSeconds: timeoutSeconds must be at least 60/) as string]);
    expect(issues({ launchType: 'FARGATE' })).toEqual([expect.stringMatching(/^schedules\.0\.networkConfiguration: Fargate tasks use awsvpc/) as string]);
    expect(issues({ launchType: 'FARGATE', networkConfiguration: { subnets: ['subnet-0a'] }, overrides: { cpu: '256', memory: '4096' } })).toEqual([
      expect.stringMatching(/^schedules\.0\.overrides\.memory: Fargate with 256 CPU units/) as string,
    ]);
  });

  it("knows Fargate's task sizes", () => {
    expect(fargateSizeProblem('256', '512')).toBeUndefined();
    expect(fargateSizeProblem('256', '1536')).toBeDefined();
    expect(fargateSizeProblem('1 vCPU', '2 GB')).toBeUndefined();
    expect(fargateSizeProblem('4096', '30720')).toBeUndefined();
    expect(fargateSizeProblem('4096', '31744')).toBeDefined();
    expect(fargateSizeProblem('300', '1024')).toMatch(/CPU must be one of/);
  });
});
