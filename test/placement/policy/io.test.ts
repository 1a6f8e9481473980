/**
 * lib/placement/policy gather/act/pipeline against an in-memory ECS behind aws-sdk-client-mock: what lands in the
 * snapshot, how many calls it takes (the minimum the batch limits allow), StopTask with the reason, failures reported,
 * one notification per service.
 */
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTasksCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigSchema, type EcsOpsConfigInput } from '../../../lib/config/schema.js';
import { gatherCluster, handlePlacementEvent, runPass, STOP_MARKER, type PlacementMetricName, type PolicyPipelineDeps } from '../../../lib/placement/policy/index.js';
import type { DeliveryRequest } from '../../../lib/summary/post-alert.js';

import { AZS, FakeEcs, NOW, P } from './fake-ecs.js';

function configWith(placement: NonNullable<EcsOpsConfigInput['placement']>) {
  return ConfigSchema.parse({ version: 1, clusters: [{ name: 'prod' }], notifications: { channels: [{ name: 'ops', type: 'slack', webhookParameter: '/ecs-ops/slack/ops' }] }, placement });
}

function deps(_fake: FakeEcs, placement: NonNullable<EcsOpsConfigInput['placement']>, extra: Partial<PolicyPipelineDeps> = {}) {
  const counts = new Map<PlacementMetricName, number>();
  const logs: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  const delivered: DeliveryRequest[] = [];
  const d: PolicyPipelineDeps = {
    config: configWith(placement),
    ecs: new ECSClient({ region: 'us-east-1' }),
    logger: { info: (message, x) => logs.push({ level: 'info', message, extra: x }), warn: (message, x) => logs.push({ level: 'warn', message, extra: x }), error: (message, x) => logs.push({ level: 'error', message, extra: x }) },
    metrics: { count: (name, value = 1) => counts.set(name, (counts.get(name) ?? 0) + value) },
    deliverOnce: (request) => {
      delivered.push(request);
      return Promise.resolve({ token: request.token, at: new Date(NOW).toISOString() });
    },
    now: () => NOW,
    region: 'us-east-1',
    ...extra,
  };
  return { d, counts, logs, delivered };
}

const spread = (mode: 'audit' | 'enforce', dryRun = false) => ({ dryRun, policies: [{ name: 'spread', select: { services: ['/^web/'] }, mode, rules: { azBalance: { maxSkew: 1 } } }] });

describe('placement policy I/O', () => {
  let fake: FakeEcs;
  let mock: AwsClientStub<ECSClient>;
  beforeEach(() => {
    fake = new FakeEcs();
    mock = fake.install();
    const [a, b, c] = [fake.addInstance(1, 'us-east-1a'), fake.addInstance(2, 'us-east-1b'), fake.addInstance(3, 'us-east-1c')];
    fake.addService('web', 6);
    for (let i = 0; i < 4; i++) fake.addTask('web', a);
    fake.addTask('web', b);
    fake.addTask('web', c);
  });

  it('enforce: one StopTask with the marker reason, a placement-stop notification, metrics', async () => {
    const { d, counts, delivered } = deps(fake, spread('enforce'));
    const result = await runPass({ cluster: 'prod' }, d, NOW + 10_000);
    expect(result.plan.violations.map((v) => v.message)).toEqual(['web: 4 tasks in us-east-1a, 1 in us-east-1b, 1 in us-east-1c; allowed skew 1']);
    expect(fake.stopped).toHaveLength(1);
    expect(fake.stopped[0]?.reason?.startsWith(`${STOP_MARKER} azBalance (policy spread): web: 4 tasks in us-east-1a`)).toBe(true);
    expect(delivered.map((r) => r.notification.kind)).toEqual(['placement-stop']);
    expect(delivered[0]?.key).toMatch(/^placement-stop\|prod\|web\|.*#ops$/);
    expect(counts.get('PlacementStops')).toBe(1);
    // Enforcement read the service's stopped tasks and the task definition.
    expect(mock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
    expect(mock.commandCalls(ListTasksCommand).some((c) => c.args[0].input.desiredStatus === 'STOPPED')).toBe(true);

    // The next pass: our own stop (read back from its stoppedReason) puts the service in cooldown.
    const second = await runPass({ cluster: 'prod' }, deps(fake, spread('enforce')).d, NOW + 10_000);
    expect(second.plan.skipped.map((s) => s.reason)).toContain('not-steady');
  });

  it('cooldown: a stop of ours within the window blocks the next one', async () => {
    const a = fake.instances[0]?.containerInstanceArn ?? '';
    fake.addTask('web', a, { desiredStatus: 'STOPPED', lastStatus: 'STOPPED', stoppedAt: new Date(NOW - 60_000), stoppedReason: `${STOP_MARKER} azBalance (policy spread): …` });
    const { d } = deps(fake, spread('enforce'));
    const result = await runPass({ cluster: 'prod' }, d, NOW + 10_000);
    expect(result.plan.skipped.map((s) => s.reason)).toEqual(['cooldown']);
    expect(fake.stopped).toEqual([]);
  });

  it('a failed StopTask is reported (outcome, metric, error log, warning notification)', async () => {
    const { d, counts, logs, delivered } = deps(fake, spread('enforce'));
    for (const t of fake.tasks) fake.stopFails.add(t.taskArn ?? '');
    const result = await runPass({ cluster: 'prod' }, d, NOW + 10_000);
    expect(result.outcomes.map((o) => o.status)).toEqual(['failed']);
    expect(result.outcomes[0]?.error).toContain('InvalidParameterException');
    expect(counts.get('PlacementStopFailures')).toBe(1);
    expect(logs.some((l) => l.level === 'error' && l.message === 'task stop failed')).toBe(true);
    expect(delivered[0]?.notification.severity).toBe('warning');
    expect(delivered[0]?.notification.title).toContain('task stop failed');
  });

  it('audit mode and dryRun: nothing stopped; audit makes no enforcement calls', async () => {
    const audit = deps(fake, spread('audit'));
    await runPass({ cluster: 'prod' }, audit.d, NOW + 10_000);
    expect(fake.stopped).toEqual([]);
    expect(audit.delivered.map((r) => r.notification.kind)).toEqual(['placement-violation']);
    expect(audit.delivered[0]?.notification.summary).toContain('web: 4 tasks in us-east-1a');
    expect(mock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(0);
    const dry = deps(fake, spread('enforce', true));
    const result = await runPass({ cluster: 'prod' }, dry.d, NOW + 10_000);
    expect(result.outcomes.map((o) => o.status)).toEqual(['planned']);
    expect(fake.stopped).toEqual([]);
    expect(dry.delivered[0]?.notification.title).toContain('dryRun');
  });

  it('readOnly (the CLI) never stops, whatever the mode', async () => {
    const { d } = deps(fake, spread('enforce'), { readOnly: true, deliverOnce: undefined });
    const result = await runPass({ cluster: 'prod' }, d, NOW + 10_000);
    expect(result.outcomes.map((o) => o.status)).toEqual(['planned']);
    expect(mock.commandCalls(StopTaskCommand)).toHaveLength(0);
  });

  it('events: a RUNNING task audits its service only; other statuses, clusters and standalone tasks are ignored', async () => {
    const { d } = deps(fake, spread('audit'));
    const task = (lastStatus: string, group = 'service:web', cluster = 'prod') => ({
      version: '0', id: `e-${lastStatus}-${group}-${cluster}`, 'detail-type': 'ECS Task State Change', source: 'aws.ecs', account: '123456789012', time: '2026-01-01T12:00:00Z', region: 'us-east-1', resources: [],
      detail: { taskArn: `${P}:task/${cluster}/x`, clusterArn: `${P}:cluster/${cluster}`, lastStatus, desiredStatus: 'RUNNING', createdAt: '2026-01-01T11:00:00Z', group },
    });
    const handled = await handlePlacementEvent(task('RUNNING'), d, NOW + 10_000);
    expect(handled.status).toBe('handled');
    expect(mock.commandCalls(ListServicesCommand)).toHaveLength(0);
    expect(mock.commandCalls(ListTasksCommand).map((c) => c.args[0].input.serviceName)).toEqual(['web']);
    expect((await handlePlacementEvent(task('PENDING'), d, NOW)).status).toBe('ignored');
    expect((await handlePlacementEvent(task('RUNNING', 'family:batch'), d, NOW)).status).toBe('ignored');
    expect((await handlePlacementEvent(task('RUNNING', 'service:api'), d, NOW)).status).toBe('ignored');
    expect((await handlePlacementEvent(task('RUNNING', 'service:web', 'staging'), d, NOW)).status).toBe('ignored');
    expect((await handlePlacementEvent({ 'detail-type': 'ECS Task State Change', source: 'aws.ecs' }, d, NOW)).status).toBe('malformed');
  });
});

describe('a full audit of 1,000 instances, 20,000 tasks and 200 services', () => {
  it('makes exactly the calls the batch limits allow, no more', async () => {
    const fake = new FakeEcs();
    const mock = fake.install();
    const instances = Array.from({ length: 1000 }, (_, i) => fake.addInstance(i, AZS[i % 3] ?? 'us-east-1a'));
    for (let s = 0; s < 200; s++) fake.addService(`svc${s}`, 100);
    for (let t = 0; t < 20_000; t++) fake.addTask(`svc${t % 200}`, instances[t % 1000] ?? '');
    const started = performance.now();
    const snapshot = await gatherCluster({ ecs: new ECSClient({ region: 'us-east-1' }), now: () => NOW }, 'prod');
    const ms = performance.now() - started;
    expect(snapshot.services).toHaveLength(200);
    expect(snapshot.instances).toHaveLength(1000);
    expect(snapshot.tasks).toHaveLength(20_000);
    const calls = {
      ListServices: mock.commandCalls(ListServicesCommand).length,
      DescribeServices: mock.commandCalls(DescribeServicesCommand).length,
      ListContainerInstances: mock.commandCalls(ListContainerInstancesCommand).length,
      DescribeContainerInstances: mock.commandCalls(DescribeContainerInstancesCommand).length,
      ListTasks: mock.commandCalls(ListTasksCommand).length,
      DescribeTasks: mock.commandCalls(DescribeTasksCommand).length,
    };
    // ⌈200/100⌉ + ⌈200/10⌉ + ⌈1000/100⌉ × 2 + ⌈20000/100⌉ × 2 = 2 + 20 + 20 + 400 = 442.
    expect(calls).toEqual({ ListServices: 2, DescribeServices: 20, ListContainerInstances: 10, DescribeContainerInstances: 10, ListTasks: 200, DescribeTasks: 200 });
    expect(ms).toBeLessThan(30_000);
  }, 60_000);
});
