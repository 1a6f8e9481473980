/** The scheduledRuns expectation (sim/scenario/expectations.ts) on hand-made run records. */
import { describe, expect, it } from 'vitest';
import { evaluateExpectation, type RunRecord } from '../../../sim/scenario/expectations.js';
import type { NotificationItem, ScheduledTaskItem } from '../../../sim/scenario/report.js';
import type { Expectation } from '../../../sim/scenario/schema.js';

const T0 = Date.parse('2026-01-01T08:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function task(id: string, fields: Partial<ScheduledTaskItem> = {}): ScheduledTaskItem {
  return {
    task: `arn:aws:ecs:us-east-1:123456789012:task/prod/${id}`,
    schedule: 'job',
    group: `ecs-ops:job:20260101T080000Z:1`,
    createdAt: at(0),
    startedAt: at(10),
    stoppingAt: at(300),
    stoppedAt: at(305),
    lastStatus: 'STOPPED',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    exitCodes: { job: 0 },
    ...fields,
  };
}

function post(text: string, channel = 'ops'): NotificationItem {
  return { at: at(400), t: 400, channel, via: 'slack', kind: 'schedule-failed', function: 'schedule-runner', eventId: undefined, title: 'job failed', text, status: 200, delivered: true, attributes: undefined, body: undefined };
}

function record(scheduledTasks: ScheduledTaskItem[], notifications: NotificationItem[] = []): RunRecord {
  return {
    scenario: { name: 't', description: undefined, file: undefined },
    seed: 1,
    region: 'us-east-1',
    virtual: { start: at(0), end: at(3600), durationSeconds: 3600 },
    wallTimeMs: 0,
    fleet: { availabilityZones: [], services: [], asgs: [] },
    events: { emitted: 0, byDetailType: {}, injected: 0, deliveries: 0, dropped: 0, duplicated: 0 },
    invocations: { total: 0, errors: 0, byFunction: {} },
    apiCalls: { total: 0, byOperation: {}, failed: {}, injectedFaults: 0 },
    lifecycleActions: [],
    drains: [],
    tasksKilled: { count: 0, byService: {}, tasks: [] },
    services: [],
    notifications,
    deadLetters: [],
    iam: { denials: [], byPrincipal: {}, decisions: { evaluated: 0, cached: 0 }, unusedGrants: {} },
    timeline: [],
    samples: [],
    counters: {},
    scheduledTasks,
  };
}

const runs = (params: Extract<Expectation, { type: 'scheduledRuns' }>['params'], r: RunRecord) => evaluateExpectation({ type: 'scheduledRuns', params }, r);

describe('scheduledRuns', () => {
  it('counts the schedule\'s tasks and finds overlapping runs (RUNNING to the stop request)', () => {
    const a = task('a');
    const b = task('b', { group: 'ecs-ops:job:20260101T080500Z:1', startedAt: at(310), stoppingAt: undefined, stoppedAt: undefined, lastStatus: 'RUNNING' });
    expect(runs({ schedule: 'job', count: 2, noOverlap: true }, record([a, b]))).toMatchObject({ passed: true, detail: '2 tasks, 0 failed' });
    const c = task('c', { group: 'ecs-ops:job:20260101T080500Z:1', startedAt: at(200) });
    const overlap = runs({ schedule: 'job', noOverlap: true }, record([a, c]));
    expect(overlap.passed).toBe(false);
    expect(overlap.detail).toMatch(/^c started at 08:03:20 while a was running/);
    expect(runs({ schedule: 'other', count: 0 }, record([a, b])).passed).toBe(true);
  });

  it('finds two runs of one tick and attempt', () => {
    const result = runs({ schedule: 'job', perTick: 1 }, record([task('a'), task('b')]));
    expect(result).toMatchObject({ passed: false, detail: '2 tasks for ecs-ops:job:20260101T080000Z:1' });
  });

  it('requires every failed task to be reported, and at most once per channel', () => {
    const failed = task('0f1e', { exitCodes: { job: 3 } });
    const never = task('0a2b', { stopCode: 'TaskFailedToStart', exitCodes: { job: null } });
    expect(runs({ schedule: 'job', failed: { count: 2 }, failuresReportedOnce: true }, record([failed, never], [post('Task 0f1e failed'), post('Task 0a2b failed')])).passed).toBe(true);
    const missing = runs({ schedule: 'job', failuresReportedOnce: true }, record([failed, never], [post('Task 0f1e failed')]));
    expect(missing).toMatchObject({ passed: false, detail: '0a2b (TaskFailedToStart: Essential container in task exited) was never reported' });
    const twice = runs({ schedule: 'job', failuresReportedOnce: true }, record([failed], [post('Task 0f1e failed'), post('again: 0f1e')]));
    expect(twice).toMatchObject({ passed: false, detail: '0f1e reported 2 times to ops' });
    expect(runs({ schedule: 'job', failuresReportedOnce: true }, record([failed], [post('Task 0f1e failed'), post('Task 0f1e failed', 'pager')])).passed).toBe(true);
  });

  it('does not count a skipped-tick notice naming the run still going as a second report of its failure', () => {
    const failed = task('0f1e', { exitCodes: { job: 3 } });
    const skipped = { ...post('the previous run 0f1e is still going'), kind: 'schedule-skipped' };
    expect(runs({ schedule: 'job', failuresReportedOnce: true }, record([failed], [skipped, post('Task 0f1e failed')])).passed).toBe(true);
    const twice = runs({ schedule: 'job', failuresReportedOnce: true }, record([failed], [skipped, post('Task 0f1e failed'), post('again: 0f1e')]));
    expect(twice).toMatchObject({ passed: false, detail: '0f1e reported 2 times to ops' });
  });
});
