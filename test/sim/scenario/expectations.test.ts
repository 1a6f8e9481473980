/**
 * The auto-drain expectations (sim/scenario/expectations.ts) on hand-made run records: what passes, what fails, and
 * what the detail says.
 */
import { describe, expect, it } from 'vitest';
import { evaluateExpectation, type RunRecord } from '../../../sim/scenario/expectations.js';
import type { DrainItem, LifecycleActionItem, NotificationItem } from '../../../sim/scenario/report.js';
import type { Expectation } from '../../../sim/scenario/schema.js';

const T0 = Date.parse('2026-01-01T08:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString().replace('.000Z', 'Z');

function action(instance: string, fields: Partial<LifecycleActionItem> = {}): LifecycleActionItem {
  return {
    instance,
    asg: 'prod-ecs',
    hook: 'ecs-ops-drain',
    transition: 'terminating',
    started: at(120),
    emptyAt: at(150),
    completed: at(150),
    result: 'CONTINUE',
    completedBy: 'api',
    heldAfterEmptySeconds: 0,
    heartbeats: 1,
    lateCompletions: 0,
    ...fields,
  };
}

function forced(instance: string, text: string): NotificationItem {
  return {
    at: at(1080),
    t: 1080,
    channel: 'ops',
    via: 'slack',
    kind: 'drain-forced',
    function: 'drain',
    eventId: undefined,
    title: `${instance}: drain deadline reached, 1 task still running`,
    text,
    status: 200,
    delivered: true,
    attributes: undefined,
    body: undefined,
  };
}

function drain(instance: string, fields: Partial<DrainItem> = {}): DrainItem {
  return { instance, asg: 'prod-ecs', trigger: 'lifecycle-action', triggeredAt: at(120), registered: true, drainingAt: at(120), drainingAfterSeconds: 0, terminatedAt: at(155), ...fields };
}

function record(fields: Partial<RunRecord>): RunRecord {
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
    notifications: [],
    deadLetters: [],
    iam: { denials: [], byPrincipal: {}, decisions: { evaluated: 0, cached: 0 }, unusedGrants: {} },
    timeline: [],
    samples: [],
    counters: {},
    ...fields,
  };
}

const check = (expectation: Expectation, run: RunRecord) => evaluateExpectation(expectation, run);

describe('drain expectations', () => {
  it('lifecycleActionsCompleted: count, hold after empty, and an action completed before its instance was empty', () => {
    const run = record({ lifecycleActions: [action('i-0a'), action('i-0b', { emptyAt: undefined, heldAfterEmptySeconds: undefined })] });
    expect(check({ type: 'lifecycleActionsCompleted', params: { all: true, count: 2 } }, run)).toMatchObject({ passed: true, detail: '2 completed, longest hold after empty 0s' });
    expect(check({ type: 'lifecycleActionsCompleted', params: { all: true, count: 3 } }, run)).toMatchObject({ passed: false, detail: '2 terminate lifecycle actions, expected 3' });
    expect(check({ type: 'lifecycleActionsCompleted', params: { all: true, maxHoldAfterEmpty: 0 } }, run)).toMatchObject({ passed: false, detail: 'i-0b: held without ever being empty' });
  });

  it('drainsOnce: late CompleteLifecycleAction calls, and a drain reported twice on a channel', () => {
    const completed = (instance: string, channel = 'ops'): NotificationItem => ({ ...forced(instance, ''), kind: 'drain-completed', channel, title: `${instance}: drained` });
    const once = record({ lifecycleActions: [action('i-0a'), action('i-0b', { lateCompletions: 1 })], notifications: [completed('i-0a'), completed('i-0a', 'pager'), completed('i-0b')] });
    expect(check({ type: 'drainsOnce', params: { hook: 'ecs-ops-drain', lateCompletions: 1 } }, once)).toMatchObject({ passed: true, detail: '2 lifecycle actions, 1 late completion call, 3 drain reports' });
    expect(check({ type: 'drainsOnce', params: { hook: 'ecs-ops-drain' } }, once)).toMatchObject({ passed: false, detail: 'i-0b: 1 CompleteLifecycleAction calls after its action ended' });
    const twice = record({ lifecycleActions: [action('i-0a')], notifications: [completed('i-0a'), { ...completed('i-0a'), at: at(2000) }, { ...completed('i-0a'), delivered: false }] });
    expect(check({ type: 'drainsOnce', params: { hook: 'ecs-ops-drain' } }, twice)).toMatchObject({ passed: false, detail: 'ops drain-completed/forced i-0a: 2 notifications' });
    // An instance never registered with ECS is not a drain (nowhere in ECS to remember its completion).
    const unregistered = record({ lifecycleActions: [action('i-0c', { lateCompletions: 5 })], drains: [drain('i-0c', { registered: false })] });
    expect(check({ type: 'drainsOnce', params: { hook: 'ecs-ops-drain' } }, unregistered)).toMatchObject({ passed: true, detail: '0 lifecycle actions, 0 late completion calls, 0 drain reports' });
  });

  it('heartbeats: every action within bounds, and at least one action', () => {
    const run = record({ lifecycleActions: [action('i-0a', { heartbeats: 25 }), action('i-0b', { heartbeats: 3 })] });
    expect(check({ type: 'heartbeats', params: { min: 3 } }, run)).toMatchObject({ passed: true, detail: '25, 3 heartbeats' });
    expect(check({ type: 'heartbeats', params: { min: 10 } }, run)).toMatchObject({ passed: false, detail: 'i-0b: 3' });
    expect(check({ type: 'heartbeats', params: { min: 0 } }, record({}))).toMatchObject({ passed: false, detail: 'no terminate lifecycle action' });
  });

  it('noLifecycleActionPastDeadline: completed late, or still waiting at the end past the deadline', () => {
    const late = record({ lifecycleActions: [action('i-0a', { completed: at(120 + 17 * 60), completedBy: 'heartbeat-timeout' })] });
    expect(check({ type: 'noLifecycleActionPastDeadline', params: { deadline: 16 * 60_000 } }, late)).toMatchObject({ passed: false, detail: 'i-0a: waited 17m (ended by heartbeat-timeout)' });
    expect(check({ type: 'noLifecycleActionPastDeadline', params: { deadline: 17 * 60_000 } }, late)).toMatchObject({ passed: true, detail: 'longest wait 17m' });
    const waiting = record({ lifecycleActions: [action('i-0a', { completed: undefined, completedBy: undefined })] });
    expect(check({ type: 'noLifecycleActionPastDeadline', params: { deadline: 30 * 60_000 } }, waiting)).toMatchObject({ passed: false, detail: 'i-0a: still waiting at the end, 58m after it started' });
  });

  it('drainStarted: within the bound, before termination; instances not registered are left out', () => {
    const run = record({ drains: [drain('i-0a'), drain('i-0b', { drainingAt: at(150), drainingAfterSeconds: 30 }), drain('i-0c', { registered: false, drainingAt: undefined, drainingAfterSeconds: undefined })] });
    expect(check({ type: 'drainStarted', params: { within: 61_000 } }, run)).toMatchObject({ passed: true, detail: '2 drained, slowest after 30s' });
    expect(check({ type: 'drainStarted', params: { within: 0 } }, run)).toMatchObject({ passed: false, detail: 'i-0b (lifecycle-action): DRAINING 30s after' });
    const never = record({ drains: [drain('i-0a', { drainingAt: undefined, drainingAfterSeconds: undefined })] });
    expect(check({ type: 'drainStarted', params: { within: 0 } }, never)).toMatchObject({ passed: false, detail: 'i-0a (lifecycle-action at 08:02:00): never DRAINING before it terminated' });
    expect(check({ type: 'drainStarted', params: { within: 0, trigger: 'spot-interruption' } }, run)).toMatchObject({ passed: false, detail: 'no instance to drain' });
  });

  it('tasksKilledOnlyWhenForced: a kill needs the completion by ecs-ops and a drain-forced message listing the task', () => {
    const killed = { count: 1, byService: { legacy: 1 }, tasks: [{ at: at(1085), cluster: 'prod', service: 'legacy', task: 'arn:aws:ecs:us-east-1:123456789012:task/prod/ab55e22c', instance: 'i-0a', lastStatus: 'RUNNING' }] };
    const lifecycleActions = [action('i-0a', { completed: at(1080), emptyAt: undefined, heldAfterEmptySeconds: undefined })];
    expect(check({ type: 'tasksKilledOnlyWhenForced', params: true }, record({}))).toMatchObject({ passed: true, detail: 'no task killed' });
    expect(check({ type: 'tasksKilledOnlyWhenForced', params: true }, record({ tasksKilled: killed, lifecycleActions, notifications: [forced('i-0a', 'ab55e22c  service:legacy  RUNNING')] }))).toMatchObject({
      passed: true,
      detail: '1 killed on 1 forced instance, all listed',
    });
    expect(check({ type: 'tasksKilledOnlyWhenForced', params: true }, record({ tasksKilled: killed, lifecycleActions, notifications: [forced('i-0a', 'another task')] }))).toMatchObject({
      passed: false,
      detail: 'i-0a: the drain-forced notification does not list ab55e22c',
    });
    expect(check({ type: 'tasksKilledOnlyWhenForced', params: true }, record({ tasksKilled: killed, lifecycleActions }))).toMatchObject({ passed: false, detail: 'i-0a: 1 killed without a drain-forced notification' });
    const timedOut = [action('i-0a', { completedBy: 'instance-terminated', result: undefined })];
    expect(check({ type: 'tasksKilledOnlyWhenForced', params: true }, record({ tasksKilled: killed, lifecycleActions: timedOut }))).toMatchObject({
      passed: false,
      detail: 'i-0a: 1 killed, its lifecycle action ended by instance-terminated',
    });
  });
});
