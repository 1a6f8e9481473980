/**
 * lib/drain/act.ts with aws-sdk-client-mock: batching, failures[], idempotent attribute writes, lifecycle actions by
 * InstanceId, "No active Lifecycle Action" as success, transient vs permanent errors, and notifications.
 */
import {
  AutoScalingClient,
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  RecordLifecycleActionHeartbeatCommand,
} from '@aws-sdk/client-auto-scaling';
import { ECSClient, ECSServiceException, PutAttributesCommand, StopTaskCommand, UpdateContainerInstancesStateCommand, type Attribute } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { act, COMPLETION_NOTICE_HOLD_MS, completionHoldUntil, DrainActionError, isTransient, type ActDeps } from '../../lib/drain/act.js';
import type { DrainAction, DrainSnapshot, InstanceSnapshot } from '../../lib/drain/model.js';
import { drainFingerprint, drainNotification, type BuiltNotification } from '../../lib/drain/notifications.js';
import type { ChannelDeliveries } from '../../lib/summary/post-alert.js';
import { configFrom } from '../support/fixtures.js';

const NOW = Date.UTC(2026, 0, 1, 8, 0, 0);
const ecs = mockClient(ECSClient);
const autoscaling = mockClient(AutoScalingClient);

const config = configFrom(`
version: 1
clusters:
  - name: prod
    asgs: [{ name: prod-asg }]
  - name: batch
notifications:
  channels: [{ name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }]
alerts:
  ignore: [drain-started]
  severity: { drain-blocked: critical }
`);

const ciArn = (n: number, cluster = 'prod') => `arn:aws:ecs:us-east-1:123456789012:container-instance/${cluster}/${n.toString(16).padStart(32, '0')}`;
const id = (n: number) => `i-${n.toString(16).padStart(17, '0')}`;

function instance(n: number, over: Partial<NonNullable<InstanceSnapshot['container']>> = {}, cluster = 'prod'): InstanceSnapshot {
  return {
    ec2InstanceId: id(n),
    trigger: 'lifecycle-action',
    asg: { name: 'prod-asg', lifecycleState: 'Terminating:Wait', hook: { asg: 'prod-asg', hook: 'ecs-ops-drain', heartbeatTimeoutSeconds: 900, defaultResult: 'CONTINUE', globalTimeoutSeconds: 90_000 } },
    container: { cluster, containerInstanceArn: ciArn(n, cluster), status: 'ACTIVE', agentConnected: true, tasks: [], ...over },
  };
}

function snapshot(instances: InstanceSnapshot[]): DrainSnapshot {
  return { now: NOW, instances, services: {}, reconcileIntervalMs: 60_000, managedHooks: [{ asg: 'prod-asg', hook: 'ecs-ops-drain' }] };
}

const setDraining = (n: number, tasks = 3, cluster = 'prod'): DrainAction => ({ type: 'set-draining', cluster, containerInstanceArn: ciArn(n, cluster), ec2InstanceId: id(n), tasks });
const hookRef = (n: number) => ({ ec2InstanceId: id(n), asg: 'prod-asg', hook: 'ecs-ops-drain' });

let notified: BuiltNotification[];
let notifyResult: ChannelDeliveries;
let logs: { level: string; message: string; extra: Record<string, unknown> }[];
let metrics: string[];

function deps(over: Partial<ActDeps> = {}): ActDeps {
  return {
    config,
    ecs: new ECSClient({ region: 'us-east-1' }),
    autoscaling: new AutoScalingClient({ region: 'us-east-1' }),
    logger: {
      info: (message, extra) => logs.push({ level: 'info', message, extra }),
      warn: (message, extra) => logs.push({ level: 'warn', message, extra }),
      error: (message, extra) => logs.push({ level: 'error', message, extra }),
    },
    metrics: { count: (name) => metrics.push(name) },
    notify: (built) => {
      notified.push(built);
      return Promise.resolve(notifyResult);
    },
    now: () => NOW,
    region: 'us-east-1',
    ...over,
  };
}

const validationError = (message: string) => new AutoScalingServiceException({ name: 'ValidationError', $fault: 'client', $metadata: { httpStatusCode: 400 }, message });
const throttled = () => new ECSServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' });
const serverError = () => new AutoScalingServiceException({ name: 'InternalFailure', $fault: 'server', $metadata: { httpStatusCode: 500 }, message: 'internal error' });

beforeEach(() => {
  ecs.reset();
  autoscaling.reset();
  ecs.on(UpdateContainerInstancesStateCommand).callsFake((input: { containerInstances: string[] }) => ({ containerInstances: input.containerInstances.map((arn) => ({ containerInstanceArn: arn, status: 'DRAINING' })), failures: [] }));
  ecs.on(PutAttributesCommand).callsFake((input: { attributes: Attribute[] }) => ({ attributes: input.attributes }));
  ecs.on(StopTaskCommand).resolves({});
  autoscaling.on(CompleteLifecycleActionCommand).resolves({});
  autoscaling.on(RecordLifecycleActionHeartbeatCommand).resolves({});
  notified = [];
  notifyResult = { outcomes: [{ channel: 'ops', outcome: 'posted' }], transient: [] };
  logs = [];
  metrics = [];
});

describe('set-draining', () => {
  it('sets DRAINING ≤10 container instances a call per cluster, then writes both attributes ≤10 a call', async () => {
    const instances = Array.from({ length: 25 }, (_, i) => instance(i + 1));
    const batchInstances = [instance(100, {}, 'batch'), instance(101, {}, 'batch')];
    const actions = [...instances.map((_, i) => setDraining(i + 1, i)), setDraining(100, 1, 'batch'), setDraining(101, 1, 'batch')];
    const result = await act(actions, snapshot([...instances, ...batchInstances]), deps());

    const updates = ecs.commandCalls(UpdateContainerInstancesStateCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => [u.cluster, u.containerInstances?.length, u.status])).toEqual([
      ['prod', 10, 'DRAINING'],
      ['prod', 10, 'DRAINING'],
      ['prod', 5, 'DRAINING'],
      ['batch', 2, 'DRAINING'],
    ]);
    const puts = ecs.commandCalls(PutAttributesCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => [p.cluster, p.attributes?.length])).toEqual([
      ['prod', 10],
      ['prod', 10],
      ['prod', 10],
      ['prod', 10],
      ['prod', 10],
      ['batch', 4],
    ]);
    const first = puts[0]?.attributes?.filter((a) => a.targetId === ciArn(1));
    expect(first).toEqual([
      { name: 'ecs-ops.drain.started-at', value: String(NOW), targetType: 'container-instance', targetId: ciArn(1) },
      { name: 'ecs-ops.drain.tasks', value: '0', targetType: 'container-instance', targetId: ciArn(1) },
    ]);
    expect(result.actions['set-draining']).toBe(27);
    expect(metrics.filter((m) => m === 'DrainStarted')).toHaveLength(27);
  });

  it('reports failures[] per instance and writes attributes only for the instances set DRAINING', async () => {
    ecs.on(UpdateContainerInstancesStateCommand).resolves({
      containerInstances: [{ containerInstanceArn: ciArn(1), status: 'DRAINING' }],
      failures: [{ arn: ciArn(2), reason: 'INACTIVE', detail: 'The container instance is deregistered.' }],
    });
    const result = await act([setDraining(1), setDraining(2)], snapshot([instance(1), instance(2)]), deps());
    expect(result.outcomes).toEqual([
      { type: 'set-draining', ec2InstanceId: id(1), outcome: 'done' },
      { type: 'set-draining', ec2InstanceId: id(2), outcome: 'failed', detail: 'INACTIVE: The container instance is deregistered.' },
    ]);
    const attributes = ecs.commandCalls(PutAttributesCommand).flatMap((c) => c.args[0].input.attributes ?? []);
    expect(new Set(attributes.map((a) => a.targetId))).toEqual(new Set([ciArn(1)]));
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', message: 'container instance not set to DRAINING', extra: expect.objectContaining({ reason: 'INACTIVE', ec2InstanceId: id(2) }) as unknown }));
    expect(metrics).toContain('DrainActionFailed');
  });

  it('writes nothing for an instance already DRAINING with its attributes, and only the attributes when DRAINING without them', async () => {
    const adopted = instance(1, { status: 'DRAINING' });
    const ours = instance(2, { status: 'DRAINING', drainStartedAt: NOW - 60_000, tasksAtStart: 4 });
    const result = await act([setDraining(1), setDraining(2)], snapshot([adopted, ours]), deps());
    expect(ecs).not.toHaveReceivedCommand(UpdateContainerInstancesStateCommand);
    expect(ecs).toHaveReceivedCommandTimes(PutAttributesCommand, 1);
    expect(ecs.commandCalls(PutAttributesCommand)[0]?.args[0].input.attributes?.map((a) => a.targetId)).toEqual([ciArn(1), ciArn(1)]);
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['already', 'already']);
  });
});

describe('lifecycle actions', () => {
  it('completes with CONTINUE and heartbeats by InstanceId, never by token', async () => {
    await act(
      [
        { type: 'heartbeat', ...hookRef(1) },
        { type: 'complete', ...hookRef(2), result: 'CONTINUE', reason: 'empty' },
      ],
      snapshot([instance(1), instance(2)]),
      deps(),
    );
    expect(autoscaling).toHaveReceivedCommandWith(RecordLifecycleActionHeartbeatCommand, { AutoScalingGroupName: 'prod-asg', LifecycleHookName: 'ecs-ops-drain', InstanceId: id(1) });
    expect(autoscaling).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, { AutoScalingGroupName: 'prod-asg', LifecycleHookName: 'ecs-ops-drain', InstanceId: id(2), LifecycleActionResult: 'CONTINUE' });
    for (const call of autoscaling.calls()) expect(call.args[0].input).not.toHaveProperty('LifecycleActionToken');
  });

  it('marks each completed (or already ended) action on its container instance, never one not in ECS', async () => {
    autoscaling.on(CompleteLifecycleActionCommand, { InstanceId: id(2) }).rejects(validationError(`No active Lifecycle Action found with instance ID ${id(2)}`));
    const result = await act(
      [
        { type: 'complete', ...hookRef(1), result: 'CONTINUE', reason: 'empty' },
        { type: 'complete', ...hookRef(2), result: 'CONTINUE', reason: 'deadline' },
        { type: 'complete', ...hookRef(3), result: 'CONTINUE', reason: 'not-in-ecs' },
      ],
      snapshot([instance(1, { status: 'DRAINING' }), instance(2, { status: 'DRAINING' }), instance(3, { status: 'INACTIVE' })]),
      deps(),
    );
    expect(ecs).toHaveReceivedCommandTimes(PutAttributesCommand, 1);
    expect(ecs).toHaveReceivedCommandWith(PutAttributesCommand, {
      cluster: 'prod',
      attributes: [1, 2].map((n) => ({ name: 'ecs-ops.drain.completed', value: `${NOW}/ecs-ops-drain`, targetType: 'container-instance', targetId: ciArn(n) })),
    });
    expect(result.outcomes.filter((o) => o.outcome === 'failed')).toEqual([]);
  });

  it('counts "No active Lifecycle Action" as done, for completions and heartbeats', async () => {
    autoscaling.on(CompleteLifecycleActionCommand).rejects(validationError(`No active Lifecycle Action found with instance ID ${id(1)}`));
    autoscaling.on(RecordLifecycleActionHeartbeatCommand).rejects(validationError(`No active Lifecycle Action found with instance ID ${id(2)}`));
    const result = await act(
      [
        { type: 'heartbeat', ...hookRef(2) },
        { type: 'complete', ...hookRef(1), result: 'CONTINUE', reason: 'empty' },
      ],
      snapshot([instance(1), instance(2)]),
      deps(),
    );
    expect(result.outcomes.map((o) => [o.type, o.outcome])).toEqual([
      ['heartbeat', 'already'],
      ['complete', 'already'],
    ]);
    expect(result.actions).toMatchObject({ heartbeat: 1, complete: 1 });
    expect(logs.filter((l) => l.level === 'info' && l.message.includes('already completed'))).toHaveLength(2);
    expect(metrics).not.toContain('DrainActionFailed');
  });

  it('reports other validation errors without throwing (a retry cannot fix them)', async () => {
    autoscaling.on(CompleteLifecycleActionCommand).rejects(validationError('Unable to find a lifecycle hook'));
    const result = await act([{ type: 'complete', ...hookRef(1), result: 'CONTINUE', reason: 'empty' }], snapshot([instance(1)]), deps());
    expect(result.outcomes).toEqual([{ type: 'complete', ec2InstanceId: id(1), outcome: 'failed', detail: 'ValidationError: Unable to find a lifecycle hook' }]);
  });
});

describe('failures', () => {
  it('runs every action, then throws one AggregateError of the transient failures', async () => {
    autoscaling.on(CompleteLifecycleActionCommand, { InstanceId: id(1) }).rejects(serverError());
    ecs.on(UpdateContainerInstancesStateCommand).rejectsOnce(throttled()).callsFake((input: { containerInstances: string[] }) => ({ containerInstances: input.containerInstances.map((arn) => ({ containerInstanceArn: arn })), failures: [] }));
    const actions: DrainAction[] = [
      setDraining(3),
      { type: 'complete', ...hookRef(1), result: 'CONTINUE', reason: 'empty' },
      { type: 'complete', ...hookRef(2), result: 'CONTINUE', reason: 'empty' },
      { type: 'heartbeat', ...hookRef(4) },
    ];
    const error = await act(actions, snapshot([instance(1), instance(2), instance(3), instance(4)]), deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DrainActionError);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as DrainActionError).errors).toHaveLength(2);
    expect(autoscaling).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, { InstanceId: id(2) });
    expect(autoscaling).toHaveReceivedCommandWith(RecordLifecycleActionHeartbeatCommand, { InstanceId: id(4) });
  });

  it('tells transient from permanent errors', () => {
    expect(isTransient(throttled())).toBe(true);
    expect(isTransient(serverError())).toBe(true);
    expect(isTransient(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }))).toBe(true);
    expect(isTransient(validationError('bad'))).toBe(false);
    expect(isTransient(new ECSServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: {}, message: 'no' }))).toBe(false);
  });
});

describe('stop-task', () => {
  it('stops the task with the reason', async () => {
    const reason = `ecs-ops: draining container instance ${id(1)} for prod-asg scale-in`;
    await act([{ type: 'stop-task', cluster: 'prod', taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/abc', ec2InstanceId: id(1), reason }], snapshot([instance(1)]), deps());
    expect(ecs).toHaveReceivedCommandWith(StopTaskCommand, { cluster: 'prod', task: 'arn:aws:ecs:us-east-1:123456789012:task/prod/abc', reason });
  });
});

describe('notify', () => {
  const blocked: DrainAction = {
    type: 'notify',
    notification: { kind: 'drain-blocked', ec2InstanceId: id(1), cluster: 'prod', asg: 'prod-asg', services: [{ serviceName: 'web', why: 'min-max-100' }, { serviceName: 'api', why: 'no-capacity' }], standaloneTasks: 2 },
  };

  it('builds the notification with severity, fingerprint, console links, and hands it to the idempotent delivery', async () => {
    await act([blocked], snapshot([instance(1, { status: 'DRAINING' })]), deps());
    expect(notified).toHaveLength(1);
    const built = notified[0]!;
    expect(built.fingerprint).toBe(`drain-blocked|${id(1)}|api,web`);
    // alerts.severity overrides the default (warning).
    expect(built.notification).toMatchObject({ kind: 'drain-blocked', severity: 'critical', cluster: 'prod', title: `${id(1)}: drain blocked` });
    expect(built.notification.summary).toContain('minimumHealthyPercent 100 and maximumPercent 100');
    expect(built.notification.summary).toContain('2 standalone tasks');
    expect(built.notification.links.map((l) => l.url)).toEqual([
      `https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/infrastructure/container-instances/${ciArn(1).split('/').pop() ?? ''}?region=us-east-1`,
      'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#AutoScalingGroupDetails:id=prod-asg;view=activity',
      `https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#InstanceDetails:instanceId=${id(1)}`,
    ]);
    expect(metrics).toContain('NotificationPosted');
  });

  it('skips kinds in alerts.ignore, and the start of a drain that did not start', async () => {
    ecs.on(UpdateContainerInstancesStateCommand).resolves({ containerInstances: [], failures: [{ arn: ciArn(2), reason: 'INACTIVE' }] });
    const result = await act(
      [
        setDraining(2),
        { type: 'notify', notification: { kind: 'drain-started', ec2InstanceId: id(2), cluster: 'prod', asg: 'prod-asg', tasks: 3, trigger: 'spot-interruption' } },
      ],
      snapshot([instance(1), instance(2)]),
      deps({ config: { ...config, alerts: { ...config.alerts, ignore: [] } } }),
    );
    expect(notified).toEqual([]);
    expect(result.outcomes.filter((o) => o.type === 'notify')).toEqual([{ type: 'notify', ec2InstanceId: id(2), outcome: 'skipped', detail: 'drain-started: the action it reports failed' }]);
    // alerts.ignore: [drain-started] in this file's config.
    const ignored = await act(
      [setDraining(1), { type: 'notify', notification: { kind: 'drain-started', ec2InstanceId: id(1), cluster: 'prod', asg: 'prod-asg', tasks: 3, trigger: 'lifecycle-action' } }],
      snapshot([instance(1)]),
      deps(),
    );
    expect(notified).toEqual([]);
    expect(ignored.outcomes.filter((o) => o.type === 'notify').map((o) => o.outcome)).toEqual(['skipped']);
  });

  const completed = (n: number, durationMs = 60_000): DrainAction => ({ type: 'notify', notification: { kind: 'drain-completed', ec2InstanceId: id(n), cluster: 'prod', asg: 'prod-asg', durationMs, tasksMoved: 3 } });
  const complete = (n: number, reason: 'empty' | 'deadline' = 'empty'): DrainAction => ({ type: 'complete', ...hookRef(n), result: 'CONTINUE', reason });

  it('delivers the drain-completed notice before CompleteLifecycleAction', async () => {
    const order: string[] = [];
    autoscaling.on(CompleteLifecycleActionCommand).callsFake(() => {
      order.push('complete');
      return {};
    });
    await act([complete(1), completed(1)], snapshot([instance(1, { status: 'DRAINING', drainStartedAt: NOW - 60_000 })]), deps({ notify: (built) => { order.push(`notify ${built.notification.kind}`); return Promise.resolve(notifyResult); } }));
    expect(order).toEqual(['notify drain-completed', 'complete']);
  });

  it('holds the completion when its notice failed transiently, and throws so the retry completes after notifying', async () => {
    notifyResult = { outcomes: [{ channel: 'ops', outcome: 'failed', error: 'Slack 503' }], transient: [new Error('Slack 503')] };
    const drained = instance(1, { status: 'DRAINING', drainStartedAt: NOW - 60_000, lastTaskStoppedAt: NOW - 1000 });
    const error = await act([complete(1), completed(1)], snapshot([drained]), deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DrainActionError);
    expect(autoscaling).not.toHaveReceivedCommand(CompleteLifecycleActionCommand);
    expect(notified).toHaveLength(1);
  });

  it('completes anyway once the instance has been empty for the hold (5 min), or past the deadline hold, and logs the lost notice', async () => {
    notifyResult = { outcomes: [{ channel: 'ops', outcome: 'failed', error: 'Slack 503' }], transient: [new Error('Slack 503')] };
    const longEmpty = instance(1, { status: 'DRAINING', drainStartedAt: NOW - 3_600_000, lastTaskStoppedAt: NOW - COMPLETION_NOTICE_HOLD_MS });
    await act([complete(1), completed(1)], snapshot([longEmpty]), deps()).catch(() => undefined);
    expect(autoscaling).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 1);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', message: expect.stringContaining('completed though its notice could not be delivered') as unknown }));
    // Deadline 1 h: forced at start + 1 h, held at most 5 min more.
    const forced = (startedAgo: number) => instance(2, { status: 'DRAINING', drainStartedAt: NOW - startedAgo, tasks: [{ taskArn: 't', lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }] });
    const notice: DrainAction = { type: 'notify', notification: { kind: 'drain-forced', ec2InstanceId: id(2), cluster: 'prod', asg: 'prod-asg', durationMs: 3_600_000, remaining: [] } };
    const cfg = { ...config, drain: { ...config.drain, deadline: 3600 } };
    expect(completionHoldUntil({ type: 'complete', ...hookRef(2), result: 'CONTINUE', reason: 'deadline' }, snapshot([forced(3_600_000)]), cfg)).toBe(NOW + COMPLETION_NOTICE_HOLD_MS);
    await act([complete(2, 'deadline'), notice], snapshot([forced(3_600_000 + COMPLETION_NOTICE_HOLD_MS)]), deps({ config: cfg })).catch(() => undefined);
    expect(autoscaling).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 2);
  });

  it('throws after the other actions when a channel failed transiently', async () => {
    notifyResult = { outcomes: [{ channel: 'ops', outcome: 'failed', error: 'Slack 503' }], transient: [new Error('Slack 503')] };
    const error = await act([{ type: 'heartbeat', ...hookRef(1) }, blocked], snapshot([instance(1)]), deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DrainActionError);
    expect(autoscaling).toHaveReceivedCommandTimes(RecordLifecycleActionHeartbeatCommand, 1);
  });

  it('says how long a completed drain took and how many tasks moved, and lists the tasks a forced one leaves', () => {
    const snap = snapshot([instance(1, { status: 'DRAINING' })]);
    const completed = drainNotification({ kind: 'drain-completed', ec2InstanceId: id(1), cluster: 'prod', asg: 'prod-asg', durationMs: 252_000, tasksMoved: 7 }, { config, snapshot: snap });
    expect(completed?.notification).toMatchObject({ severity: 'info', title: `${id(1)}: drained` });
    expect(completed?.notification.summary).toContain('7 tasks moved in 4m 12s');
    const remaining = [{ taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/0123abcd', group: 'family:batch', lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }];
    const forced = drainNotification({ kind: 'drain-forced', ec2InstanceId: id(1), cluster: 'prod', asg: 'prod-asg', durationMs: 3_600_000, remaining }, { config, snapshot: snap });
    expect(forced?.notification).toMatchObject({ severity: 'critical', details: ['0123abcd  family:batch  RUNNING'] });
    expect(forced?.notification.title).toBe(`${id(1)}: drain deadline reached, 1 task still running`);
    expect(forced?.fingerprint).toBe(`drain-forced|${id(1)}`);
    expect(drainFingerprint({ kind: 'drain-completed', ec2InstanceId: id(1), cluster: 'prod', asg: 'prod-asg' })).toBe(`drain-completed|${id(1)}`);
  });
});

describe('rule 14: an ECS drain ecs-ops observes', () => {
  const ECS_HOOK = 'ecs-managed-draining-termination-hook';
  const observed = (n: number, tasks: number): DrainAction => ({ type: 'observe-drain', cluster: 'prod', containerInstanceArn: ciArn(n), ec2InstanceId: id(n), tasks });

  it('observe-drain writes the start and the task count, never UpdateContainerInstancesState', async () => {
    const result = await act([observed(1, 4), { type: 'complete', ...hookRef(1), result: 'CONTINUE', reason: 'ecs-drains' }], snapshot([instance(1)]), deps());
    expect(ecs.commandCalls(UpdateContainerInstancesStateCommand)).toHaveLength(0);
    expect(ecs.commandCalls(PutAttributesCommand).flatMap((c) => c.args[0].input.attributes?.map((a) => [a.name, a.value]) ?? [])).toEqual([
      ['ecs-ops.drain.started-at', String(NOW)],
      ['ecs-ops.drain.tasks', '4'],
      ['ecs-ops.drain.completed', `${NOW}/ecs-ops-drain`],
    ]);
    expect(autoscaling.commandCalls(CompleteLifecycleActionCommand).map((c) => c.args[0].input)).toEqual([{ AutoScalingGroupName: 'prod-asg', LifecycleHookName: 'ecs-ops-drain', InstanceId: id(1), LifecycleActionResult: 'CONTINUE' }]);
    expect(result.actions).toMatchObject({ 'observe-drain': 1, 'set-draining': 0, complete: 1 });
  });

  it("complete-at-deadline: the drain-overdue notice first, then ECS's hook, and no completion mark of ecs-ops's own hook", async () => {
    const remaining = [{ taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/job', group: 'family:job', lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }];
    const order: string[] = [];
    autoscaling.on(CompleteLifecycleActionCommand).callsFake(() => {
      order.push('complete');
      return {};
    });
    const d = deps({
      notify: (built) => {
        order.push(built.notification.kind);
        notified.push(built);
        return Promise.resolve(notifyResult);
      },
    });
    await act(
      [
        { type: 'complete', ec2InstanceId: id(1), asg: 'prod-asg', hook: ECS_HOOK, result: 'CONTINUE', reason: 'deadline' },
        { type: 'notify', notification: { kind: 'drain-overdue', ec2InstanceId: id(1), cluster: 'prod', asg: 'prod-asg', capacityProvider: 'prod-cp', durationMs: 3_600_000, remaining, completedEcsHook: true } },
      ],
      snapshot([instance(1, { status: 'DRAINING', drainStartedAt: NOW - 3_600_000 })]),
      d,
    );
    expect(order).toEqual(['drain-overdue', 'complete']);
    expect(autoscaling.commandCalls(CompleteLifecycleActionCommand)[0]?.args[0].input).toMatchObject({ LifecycleHookName: ECS_HOOK, LifecycleActionResult: 'CONTINUE' });
    expect(ecs.commandCalls(PutAttributesCommand)).toHaveLength(0);
    expect(notified[0]?.notification.summary).toContain('capacity provider prod-cp');
    expect(notified[0]?.notification.severity).toBe('critical');
  });
});
