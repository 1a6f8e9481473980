import { ConfigSchema, type EcsOpsConfig, type ScheduleConfig } from '../../lib/config/schema.js';
import type { TaskView } from '../../lib/schedule/model.js';
import { groupFor, startedByFor } from '../../lib/schedule/identity.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const T0 = Date.parse('2026-01-01T08:00:00Z');

/** A validated config with one schedule (`report` on cluster `prod`), the given fields overriding the defaults. */
export function configWith(schedule: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): EcsOpsConfig {
  return ConfigSchema.parse({
    version: 1,
    clusters: [{ name: 'prod' }],
    notifications: { channels: [{ name: 'ops', type: 'slack', webhookParameter: '/ecs-ops/slack/ops' }] },
    schedules: [{ name: 'report', schedule: 'rate(1 hour)', cluster: 'prod', taskDefinition: 'report', ...schedule }],
    ...extra,
  });
}

export function scheduleWith(fields: Record<string, unknown> = {}): ScheduleConfig {
  const s = configWith(fields).schedules[0];
  if (!s) throw new Error('no schedule');
  return s;
}

export const taskArn = (id: string): string => `arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod/${id}`;

/** A task of schedule `report` for the tick at `tickMs`, attempt `attempt`. */
export function task(id: string, fields: Partial<TaskView> & { tickMs?: number; attempt?: number } = {}): TaskView {
  const { tickMs = T0, attempt = 1, ...rest } = fields;
  return {
    taskArn: taskArn(id),
    cluster: 'prod',
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/report:3`,
    group: groupFor({ schedule: 'report', tickMs, attempt }),
    startedBy: startedByFor('report'),
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    createdAt: tickMs + 1000,
    startedAt: tickMs + 20_000,
    containers: [{ name: 'report', lastStatus: 'RUNNING' }],
    ...rest,
  };
}

/** The same task, stopped at `stoppedAt` with these exit codes (by container name). */
export function stopped(base: TaskView, stoppedAt: number, fields: Partial<TaskView> = {}, exitCodes: Record<string, number | undefined> = { report: 0 }): TaskView {
  return {
    ...base,
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stoppedAt,
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: Object.entries(exitCodes).map(([name, exitCode]) => ({ name, lastStatus: 'STOPPED', ...(exitCode !== undefined ? { exitCode } : {}) })),
    ...fields,
  };
}
