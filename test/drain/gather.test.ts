/**
 * lib/drain/gather.ts against an in-memory ECS + EC2 Auto Scaling behind aws-sdk-client-mock: what lands in the
 * snapshot, and how many calls it takes (constant on the event path, batched on the reconcile pass).
 */
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeLifecycleHooksCommand,
  DescribeWarmPoolCommand,
  type LifecycleState,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  type ContainerInstance,
  type Task,
} from '@aws-sdk/client-ecs';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EcsOpsConfig } from '../../lib/config/schema.js';
import { decide } from '../../lib/drain/decide.js';
import { CLUSTER_SIZE_TTL_MS, ClusterSizeCache, clusterListingBudget, FILTER_MAX_CHARS, gatherInstance, gatherReconcile, HookSettingsCache, instanceIdFilters, type GatherDeps } from '../../lib/drain/gather.js';
import type { DrainService, DrainSnapshot, DrainTask } from '../../lib/drain/model.js';
import { configFrom } from '../support/fixtures.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const NOW = Date.UTC(2026, 0, 1, 8, 0, 0);

/** A small stand-in for the ECS and Auto Scaling APIs gather uses, with their batch limits and pagination. */
class FakeAws {
  readonly instances = new Map<string, { arn: string; cluster: string; ec2InstanceId: string; status: string; attributes: Record<string, string> }>();
  readonly tasks = new Map<string, { arn: string; cluster: string; ci: string; group?: string; lastStatus: string; desiredStatus: string }>();
  readonly services = new Map<string, { cluster: string; name: string; min: number; max: number; daemon: boolean; events: { createdAt: Date; message: string }[] }>();
  readonly asgInstances = new Map<string, { asg: string; state: string; warm?: boolean }>();
  readonly hooks: { asg: string; name: string; transition: string; heartbeat: number }[] = [];
  readonly warmPools = new Set<string>();
  private seq = 0;

  addInstance(spec: { cluster: string; asg?: string; id?: string; state?: string; status?: string; tasks?: number; group?: string; attributes?: Record<string, string> }): { id: string; arn: string } {
    const n = ++this.seq;
    const id = spec.id ?? `i-${n.toString(16).padStart(17, '0')}`;
    const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/${spec.cluster}/${n.toString(16).padStart(32, '0')}`;
    this.instances.set(arn, { arn, cluster: spec.cluster, ec2InstanceId: id, status: spec.status ?? 'ACTIVE', attributes: { ...spec.attributes } });
    if (spec.asg !== undefined) this.asgInstances.set(id, { asg: spec.asg, state: spec.state ?? 'InService' });
    for (let t = 0; t < (spec.tasks ?? 0); t++) this.addTask(spec.cluster, arn, spec.group ?? 'service:web');
    return { id, arn };
  }

  addTask(cluster: string, ci: string, group: string | undefined, lastStatus = 'RUNNING', desiredStatus = 'RUNNING'): string {
    const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${cluster}/${(++this.seq).toString(16).padStart(32, '0')}`;
    this.tasks.set(arn, { arn, cluster, ci, ...(group !== undefined ? { group } : {}), lastStatus, desiredStatus });
    return arn;
  }

  install(ecs: AwsClientStub<ECSClient>, asg: AwsClientStub<AutoScalingClient>): void {
    const page = <T>(items: T[], token: string | undefined, size: number): { items: T[]; next?: string } => {
      const start = token === undefined ? 0 : Number(token);
      const next = start + size < items.length ? String(start + size) : undefined;
      return { items: items.slice(start, start + size), ...(next !== undefined ? { next } : {}) };
    };
    const limit = (items: unknown[] | undefined, max: number, what: string): void => {
      if ((items?.length ?? 0) > max) throw new Error(`${what}: at most ${max} items`);
    };
    asg.on(DescribeAutoScalingInstancesCommand).callsFake((input: { InstanceIds?: string[] }) => {
      limit(input.InstanceIds, 50, 'DescribeAutoScalingInstances');
      return {
        AutoScalingInstances: (input.InstanceIds ?? []).flatMap((id) => {
          const i = this.asgInstances.get(id);
          return i ? [{ InstanceId: id, AutoScalingGroupName: i.asg, LifecycleState: i.state as LifecycleState, AvailabilityZone: 'us-east-1a', HealthStatus: 'HEALTHY', ProtectedFromScaleIn: false }] : [];
        }),
      };
    });
    asg.on(DescribeLifecycleHooksCommand).callsFake((input: { AutoScalingGroupName: string; LifecycleHookNames?: string[] }) => ({
      LifecycleHooks: this.hooks
        .filter((h) => h.asg === input.AutoScalingGroupName && (input.LifecycleHookNames === undefined || input.LifecycleHookNames.includes(h.name)))
        .map((h) => ({ AutoScalingGroupName: h.asg, LifecycleHookName: h.name, LifecycleTransition: h.transition, HeartbeatTimeout: h.heartbeat, GlobalTimeout: Math.min(172800, 100 * h.heartbeat), DefaultResult: 'CONTINUE' })),
    }));
    asg.on(DescribeAutoScalingGroupsCommand).callsFake((input: { AutoScalingGroupNames?: string[]; MaxRecords?: number; NextToken?: string }) => {
      limit(input.AutoScalingGroupNames, 100, 'DescribeAutoScalingGroups');
      const names = [...new Set([...this.asgInstances.values()].map((i) => i.asg))].filter((n) => input.AutoScalingGroupNames?.includes(n) ?? true);
      const p = page(names, input.NextToken, input.MaxRecords ?? 50);
      return {
        AutoScalingGroups: p.items.map((name) => ({
          AutoScalingGroupName: name,
          MinSize: 0,
          MaxSize: 10,
          DesiredCapacity: 1,
          DefaultCooldown: 300,
          AvailabilityZones: ['us-east-1a'],
          HealthCheckType: 'EC2',
          CreatedTime: new Date(0),
          Instances: [...this.asgInstances].filter(([, i]) => i.asg === name && i.warm !== true).map(([id, i]) => ({ InstanceId: id, LifecycleState: i.state as LifecycleState, AvailabilityZone: 'us-east-1a', HealthStatus: 'Healthy', ProtectedFromScaleIn: false })),
          ...(this.warmPools.has(name) ? { WarmPoolConfiguration: { MinSize: 0, PoolState: 'Stopped' as const } } : {}),
        })),
        ...(p.next !== undefined ? { NextToken: p.next } : {}),
      };
    });
    asg.on(DescribeWarmPoolCommand).callsFake((input: { AutoScalingGroupName: string; MaxRecords?: number }) => {
      // "The maximum value is 50" (DescribeWarmPool API reference): AWS answers ValidationError above it.
      if (input.MaxRecords !== undefined && input.MaxRecords > 50) throw new Error(`DescribeWarmPool: MaxRecords ${input.MaxRecords} is above 50`);
      return {
      Instances: [...this.asgInstances].filter(([, i]) => i.asg === input.AutoScalingGroupName && i.warm === true).map(([id, i]) => ({ InstanceId: id, LifecycleState: i.state as LifecycleState, AvailabilityZone: 'us-east-1a', HealthStatus: 'Healthy', ProtectedFromScaleIn: false })),
      };
    });
    ecs.on(ListContainerInstancesCommand).callsFake((input: { cluster: string; filter?: string; maxResults?: number; nextToken?: string }) => {
      if (input.filter !== undefined && input.filter.length > FILTER_MAX_CHARS) throw new Error('filter longer than 2000 characters');
      let ids: Set<string> | undefined;
      const eq = /^ec2InstanceId == (\S+)$/.exec(input.filter ?? '');
      const inList = /^ec2InstanceId in \[(.*)\]$/.exec(input.filter ?? '');
      if (eq?.[1] !== undefined) ids = new Set([eq[1]]);
      else if (inList?.[1] !== undefined) ids = new Set(inList[1].split(',').map((s) => s.trim()));
      else if (input.filter !== undefined) throw new Error(`unexpected filter ${input.filter}`);
      const arns = [...this.instances.values()].filter((ci) => ci.cluster === input.cluster && (ids?.has(ci.ec2InstanceId) ?? true)).map((ci) => ci.arn);
      const p = page(arns, input.nextToken, input.maxResults ?? 100);
      return { containerInstanceArns: p.items, ...(p.next !== undefined ? { nextToken: p.next } : {}) };
    });
    ecs.on(DescribeContainerInstancesCommand).callsFake((input: { cluster: string; containerInstances: string[] }) => {
      limit(input.containerInstances, 100, 'DescribeContainerInstances');
      return {
        containerInstances: input.containerInstances.flatMap((arn): ContainerInstance[] => {
          const ci = this.instances.get(arn);
          if (!ci) return [];
          const running = [...this.tasks.values()].filter((t) => t.ci === arn && t.lastStatus === 'RUNNING').length;
          return [{ containerInstanceArn: arn, ec2InstanceId: ci.ec2InstanceId, status: ci.status, agentConnected: true, runningTasksCount: running, attributes: Object.entries(ci.attributes).map(([name, value]) => ({ name, value })) }];
        }),
        failures: [],
      };
    });
    ecs.on(ListTasksCommand).callsFake((input: { cluster: string; containerInstance?: string; desiredStatus: string; maxResults?: number; nextToken?: string }) => {
      const arns = [...this.tasks.values()].filter((t) => (input.containerInstance === undefined ? t.cluster === input.cluster : t.ci === input.containerInstance) && (t.desiredStatus === 'STOPPED') === (input.desiredStatus === 'STOPPED')).map((t) => t.arn);
      const p = page(arns, input.nextToken, input.maxResults ?? 100);
      return { taskArns: p.items, ...(p.next !== undefined ? { nextToken: p.next } : {}) };
    });
    ecs.on(DescribeTasksCommand).callsFake((input: { cluster: string; tasks: string[] }) => {
      limit(input.tasks, 100, 'DescribeTasks');
      return {
        tasks: input.tasks.flatMap((arn): Task[] => {
          const t = this.tasks.get(arn);
          return t ? [{ taskArn: arn, clusterArn: t.cluster, containerInstanceArn: t.ci, group: t.group, lastStatus: t.lastStatus, desiredStatus: t.desiredStatus }] : [];
        }),
        failures: [],
      };
    });
    ecs.on(DescribeServicesCommand).callsFake((input: { cluster: string; services: string[] }) => {
      limit(input.services, 10, 'DescribeServices');
      return {
        services: input.services.flatMap((name) => {
          const s = this.services.get(`${input.cluster}/${name}`);
          return s
            ? [{ serviceName: name, desiredCount: 2, runningCount: 2, schedulingStrategy: s.daemon ? ('DAEMON' as const) : ('REPLICA' as const), deploymentConfiguration: { minimumHealthyPercent: s.min, maximumPercent: s.max }, events: s.events.map((e, i) => ({ id: String(i), ...e })) }]
            : [];
        }),
        failures: [],
      };
    });
  }
}

const ecs = mockClient(ECSClient);
const autoscaling = mockClient(AutoScalingClient);
let world: FakeAws;

const config = configFrom(`
version: 1
clusters:
  - name: prod
    asgs: [{ name: prod-asg }, { name: prod-spot, lifecycleHook: spot-drain }, { name: prod-nodrain, drain: false }]
  - name: batch
    asgs: [{ name: batch-asg }]
notifications:
  channels: [{ name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }]
`);

function deps(over: Partial<GatherDeps> = {}, cfg: EcsOpsConfig = config): GatherDeps {
  return {
    config: cfg,
    ecs: new ECSClient({ region: REGION }),
    autoscaling: new AutoScalingClient({ region: REGION }),
    hooks: new HookSettingsCache(() => NOW),
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    now: () => NOW,
    ...over,
  };
}

const totalCalls = (): number => ecs.calls().length + autoscaling.calls().length;
const callsOf = (): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const call of [...ecs.calls(), ...autoscaling.calls()]) {
    const name = (call.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, '');
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
};

beforeEach(() => {
  ecs.reset();
  autoscaling.reset();
  world = new FakeAws();
  world.hooks.push(
    { asg: 'prod-asg', name: 'ecs-ops-drain', transition: 'autoscaling:EC2_INSTANCE_TERMINATING', heartbeat: 900 },
    { asg: 'prod-spot', name: 'spot-drain', transition: 'autoscaling:EC2_INSTANCE_TERMINATING', heartbeat: 300 },
    { asg: 'batch-asg', name: 'ecs-ops-drain', transition: 'autoscaling:EC2_INSTANCE_TERMINATING', heartbeat: 600 },
  );
  world.install(ecs, autoscaling);
});

describe('gatherInstance (event path)', () => {
  it('fills ASG, hook settings, container instance, tasks and services', async () => {
    const { id, arn } = world.addInstance({ cluster: 'prod', asg: 'prod-asg', state: 'Terminating:Wait', tasks: 2, attributes: { 'ecs-ops.drain.started-at': String(NOW - 60_000), 'ecs-ops.drain.tasks': '5' } });
    world.services.set('prod/web', { cluster: 'prod', name: 'web', min: 100, max: 200, daemon: false, events: [] });
    const snapshot = await gatherInstance(deps(), id, 'lifecycle-action');
    expect(snapshot).toMatchObject({ now: NOW, reconcileIntervalMs: 60_000, managedHooks: [{ asg: 'prod-asg', hook: 'ecs-ops-drain' }, { asg: 'prod-spot', hook: 'spot-drain' }, { asg: 'batch-asg', hook: 'ecs-ops-drain' }] });
    expect(snapshot.instances).toEqual([
      {
        ec2InstanceId: id,
        trigger: 'lifecycle-action',
        asg: { name: 'prod-asg', lifecycleState: 'Terminating:Wait', hook: { asg: 'prod-asg', hook: 'ecs-ops-drain', heartbeatTimeoutSeconds: 900, defaultResult: 'CONTINUE', globalTimeoutSeconds: 90_000 } },
        container: {
          cluster: 'prod',
          containerInstanceArn: arn,
          status: 'ACTIVE',
          agentConnected: true,
          drainStartedAt: NOW - 60_000,
          tasksAtStart: 5,
          tasks: [expect.objectContaining({ group: 'service:web', lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }), expect.objectContaining({ group: 'service:web' })],
        },
      },
    ]);
    expect(snapshot.services).toEqual({
      'prod/web': { cluster: 'prod', serviceName: 'web', minimumHealthyPercent: 100, maximumPercent: 200, desiredCount: 2, runningCount: 2, schedulingStrategy: 'REPLICA', unableToPlace: false },
    });
    expect(ecs).toHaveReceivedCommandWith(ListContainerInstancesCommand, { cluster: 'prod', filter: `ec2InstanceId == ${id}` });
    expect(autoscaling).toHaveReceivedCommandWith(DescribeLifecycleHooksCommand, { AutoScalingGroupName: 'prod-asg', LifecycleHookNames: ['ecs-ops-drain'] });
  });

  it('takes the tasks still on the instance from DescribeTasks (desired STOPPED included), not runningTasksCount', async () => {
    const { id, arn } = world.addInstance({ cluster: 'prod', asg: 'prod-asg', state: 'Terminating:Wait' });
    const pending = world.addTask('prod', arn, 'service:web', 'PENDING');
    const stopping = world.addTask('prod', arn, 'family:batch', 'RUNNING', 'STOPPED');
    world.addTask('prod', arn, 'service:web', 'STOPPED', 'STOPPED');
    const snapshot = await gatherInstance(deps(), id, 'lifecycle-action');
    expect(snapshot.instances[0]?.container?.tasks?.map((t) => t.taskArn).sort()).toEqual([pending, stopping].sort());
    expect(ecs).toHaveReceivedCommandWith(ListTasksCommand, { containerInstance: arn, desiredStatus: 'RUNNING' });
    expect(ecs).toHaveReceivedCommandWith(ListTasksCommand, { containerInstance: arn, desiredStatus: 'STOPPED' });
  });

  it('makes the same number of calls whether the cluster has 10 or 1,000 instances', async () => {
    const countFor = async (size: number): Promise<Record<string, number>> => {
      ecs.resetHistory();
      autoscaling.resetHistory();
      for (let i = 0; i < size; i++) world.addInstance({ cluster: 'prod', asg: 'prod-asg', tasks: 1 });
      const target = world.addInstance({ cluster: 'prod', asg: 'prod-asg', state: 'Terminating:Wait', tasks: 3 });
      // Fresh hook cache each time, as a cold Lambda would have.
      await gatherInstance(deps(), target.id, 'lifecycle-action');
      return callsOf();
    };
    const small = await countFor(10);
    const large = await countFor(990);
    expect(world.instances.size).toBe(1002);
    expect(large).toEqual(small);
    expect(small).toEqual({
      DescribeAutoScalingInstances: 1,
      DescribeLifecycleHooks: 1,
      ListContainerInstances: 1,
      DescribeContainerInstances: 1,
      ListTasks: 2,
      DescribeTasks: 1,
      DescribeServices: 1,
    });
  });

  it('asks the cluster of the ASG first and the others only when the instance is not there', async () => {
    const { id } = world.addInstance({ cluster: 'batch', asg: 'batch-asg', state: 'Terminating:Wait' });
    await gatherInstance(deps(), id, 'lifecycle-action');
    expect(ecs.commandCalls(ListContainerInstancesCommand).map((c) => c.args[0].input.cluster)).toEqual(['batch']);
    ecs.resetHistory();
    // An instance registered in another configured cluster than its ASG's.
    const moved = world.addInstance({ cluster: 'batch', asg: 'prod-asg', state: 'Terminating:Wait' });
    const snapshot = await gatherInstance(deps(), moved.id, 'lifecycle-action');
    expect(ecs.commandCalls(ListContainerInstancesCommand).map((c) => c.args[0].input.cluster)).toEqual(['prod', 'batch']);
    expect(snapshot.instances[0]?.container?.cluster).toBe('batch');
  });

  it('skips the lookup when the event names the container instance', async () => {
    const { id, arn } = world.addInstance({ cluster: 'prod', asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING' });
    const snapshot = await gatherInstance(deps(), id, 'container-instance-change', { cluster: 'prod', containerInstanceArn: arn });
    expect(ecs).not.toHaveReceivedCommand(ListContainerInstancesCommand);
    expect(snapshot.instances[0]?.container).toMatchObject({ status: 'DRAINING', tasks: [] });
  });

  it('has no container when the instance is not registered, and no asg when it is not in a configured ASG', async () => {
    world.asgInstances.set('i-0unregistered', { asg: 'prod-asg', state: 'Terminating:Wait' });
    const unregistered = await gatherInstance(deps(), 'i-0unregistered', 'lifecycle-action');
    expect(unregistered.instances).toHaveLength(1);
    expect(unregistered.instances[0]).toMatchObject({ ec2InstanceId: 'i-0unregistered', asg: { name: 'prod-asg' } });
    expect(unregistered.instances[0]?.container).toBeUndefined();
    expect(ecs.commandCalls(ListContainerInstancesCommand)).toHaveLength(2);
    const foreign = world.addInstance({ cluster: 'prod', asg: 'someone-elses-asg', state: 'Terminating:Wait' });
    const snapshot = await gatherInstance(deps(), foreign.id, 'spot-interruption');
    expect(snapshot.instances[0]).toMatchObject({ asg: undefined, container: { status: 'ACTIVE' } });
  });

  it('leaves an instance of an ASG with drain: false alone', async () => {
    const { id } = world.addInstance({ cluster: 'prod', asg: 'prod-nodrain', state: 'Terminating:Wait', tasks: 2 });
    const snapshot = await gatherInstance(deps(), id, 'spot-interruption');
    expect(snapshot.instances).toEqual([]);
    expect(ecs.calls()).toHaveLength(0);
  });

  it('caches hook settings for 5 minutes per warm Lambda', async () => {
    let now = NOW;
    const d = deps({ hooks: new HookSettingsCache(() => now), now: () => now });
    const { id } = world.addInstance({ cluster: 'prod', asg: 'prod-asg', state: 'Terminating:Wait' });
    await gatherInstance(d, id, 'lifecycle-action');
    now += 4 * 60_000;
    await gatherInstance(d, id, 'lifecycle-action');
    expect(autoscaling.commandCalls(DescribeLifecycleHooksCommand)).toHaveLength(1);
    now += 2 * 60_000;
    await gatherInstance(d, id, 'lifecycle-action');
    expect(autoscaling.commandCalls(DescribeLifecycleHooksCommand)).toHaveLength(2);
  });

  it('marks a service unable to place only from its events of the last 5 minutes, and DAEMON tasks', async () => {
    const { id, arn } = world.addInstance({ cluster: 'prod', asg: 'prod-asg', state: 'Terminating:Wait' });
    world.addTask('prod', arn, 'service:web');
    world.addTask('prod', arn, 'service:api');
    world.addTask('prod', arn, 'service:agent');
    const unable = (minutesAgo: number) => ({ createdAt: new Date(NOW - minutesAgo * 60_000), message: '(service web) was unable to place a task because no container instance met all of its requirements.' });
    world.services.set('prod/web', { cluster: 'prod', name: 'web', min: 50, max: 200, daemon: false, events: [unable(2)] });
    world.services.set('prod/api', { cluster: 'prod', name: 'api', min: 50, max: 200, daemon: false, events: [unable(12)] });
    world.services.set('prod/agent', { cluster: 'prod', name: 'agent', min: 0, max: 100, daemon: true, events: [] });
    const snapshot = await gatherInstance(deps(), id, 'reconcile');
    expect(snapshot.services['prod/web']?.unableToPlace).toBe(true);
    expect(snapshot.services['prod/api']?.unableToPlace).toBe(false);
    expect(snapshot.services['prod/agent']?.schedulingStrategy).toBe('DAEMON');
    expect(snapshot.instances[0]?.container?.tasks?.find((t) => t.group === 'service:agent')?.daemon).toBe(true);
    expect(snapshot.instances[0]?.container?.tasks?.find((t) => t.group === 'service:web')?.daemon).toBeUndefined();
  });

  it('lists every page of ListTasks and describes tasks in chunks of 100', async () => {
    const { id } = world.addInstance({ cluster: 'prod', asg: 'prod-asg', state: 'Terminating:Wait', tasks: 250 });
    const snapshot = await gatherInstance(deps(), id, 'lifecycle-action');
    expect(snapshot.instances[0]?.container?.tasks).toHaveLength(250);
    expect(ecs.commandCalls(ListTasksCommand)).toHaveLength(4); // RUNNING: 3 pages, STOPPED: 1
    expect(ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input.tasks?.length)).toEqual([100, 100, 50]);
  });
});

describe('gatherReconcile', () => {
  it('finds every waiting instance of the drained ASGs, with container instances, tasks and services, in batched calls', async () => {
    // 250 instances waiting in prod, 30 in batch, 40 in service, 5 waiting in an ASG with drain: false.
    const waiting = Array.from({ length: 250 }, (_, i) => world.addInstance({ cluster: 'prod', asg: i % 2 === 0 ? 'prod-asg' : 'prod-spot', state: i % 10 === 0 ? 'Warmed:Pending:Wait' : 'Terminating:Wait', tasks: 1, group: `service:svc-${i % 23}` }));
    for (let i = 0; i < 30; i++) world.addInstance({ cluster: 'batch', asg: 'batch-asg', state: 'Terminating:Wait' });
    for (let i = 0; i < 40; i++) world.addInstance({ cluster: 'prod', asg: 'prod-asg', state: 'InService', tasks: 2 });
    for (let i = 0; i < 5; i++) world.addInstance({ cluster: 'prod', asg: 'prod-nodrain', state: 'Terminating:Wait' });
    world.asgInstances.set('i-0gone', { asg: 'prod-asg', state: 'Terminating:Wait' });
    for (let s = 0; s < 23; s++) world.services.set(`prod/svc-${s}`, { cluster: 'prod', name: `svc-${s}`, min: 100, max: 200, daemon: false, events: [] });

    const snapshot = await gatherReconcile(deps());
    expect(snapshot.instances).toHaveLength(281);
    expect(snapshot.instances.every((i) => i.trigger === 'reconcile')).toBe(true);
    const gone = snapshot.instances.find((i) => i.ec2InstanceId === 'i-0gone');
    expect(gone).toMatchObject({ asg: { name: 'prod-asg', lifecycleState: 'Terminating:Wait' }, container: undefined });
    const first = snapshot.instances.find((i) => i.ec2InstanceId === waiting[0]?.id);
    expect(first).toMatchObject({ asg: { name: 'prod-asg', lifecycleState: 'Warmed:Pending:Wait', hook: { hook: 'ecs-ops-drain' } }, container: { cluster: 'prod', tasks: [expect.objectContaining({ group: 'service:svc-0' })] } });
    expect(snapshot.instances.find((i) => i.ec2InstanceId === waiting[1]?.id)?.asg?.hook.hook).toBe('spot-drain');
    expect(Object.keys(snapshot.services)).toHaveLength(23);

    const calls = callsOf();
    expect(calls.DescribeAutoScalingGroups).toBe(1);
    expect(calls.DescribeLifecycleHooks).toBe(3);
    // prod: 251 ids in filters under 2,000 characters (3), batch: 1, then the one not found in prod tried in batch.
    const filters = ecs.commandCalls(ListContainerInstancesCommand).map((c) => c.args[0].input);
    expect(filters.every((f) => (f.filter?.length ?? 0) <= FILTER_MAX_CHARS)).toBe(true);
    expect(filters.filter((f) => f.cluster === 'prod')).toHaveLength(3);
    expect(filters.filter((f) => f.cluster === 'batch')).toHaveLength(2);
    expect(ecs.commandCalls(DescribeContainerInstancesCommand).map((c) => c.args[0].input.containerInstances?.length).sort((a, b) => (b ?? 0) - (a ?? 0))).toEqual([100, 100, 50, 30]);
    // prod: 250 waiting instances with a task each, 40 in service with 2: the cluster's 330 tasks in 4 pages (not 250
    // ListTasks) and 4 DescribeTasks; batch: 30 instances with no task, each one a completion candidate listed on its
    // own (desired RUNNING and STOPPED: 60), which is cheaper than listing the cluster and then them.
    expect(ecs.commandCalls(ListTasksCommand).filter((c) => c.args[0].input.containerInstance === undefined).map((c) => c.args[0].input.cluster)).toEqual(['prod', 'prod', 'prod', 'prod']);
    expect(calls.ListTasks).toBe(4 + 2 * 30);
    expect(ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input.tasks?.length)).toEqual([100, 100, 100, 30]);
    expect(calls.DescribeServices).toBe(3);
  });

  it('finds instances returning to a warm pool with DescribeWarmPool, only for ASGs that have one', async () => {
    world.warmPools.add('prod-spot');
    const returning = world.addInstance({ cluster: 'prod', asg: 'prod-spot', status: 'DRAINING', tasks: 1 });
    world.asgInstances.set(returning.id, { asg: 'prod-spot', state: 'Warmed:Pending:Wait', warm: true });
    world.asgInstances.set('i-0warmstopped', { asg: 'prod-spot', state: 'Warmed:Stopped', warm: true });
    // Terminated from the warm pool while stopped: waiting on the hook, not in ECS.
    world.asgInstances.set('i-0warmterminating', { asg: 'prod-spot', state: 'Warmed:Terminating:Wait', warm: true });
    const snapshot = await gatherReconcile(deps());
    expect(snapshot.instances.map((i) => [i.ec2InstanceId, i.asg?.lifecycleState, i.container?.status])).toEqual([
      [returning.id, 'Warmed:Pending:Wait', 'DRAINING'],
      ['i-0warmterminating', 'Warmed:Terminating:Wait', undefined],
    ]);
    expect(autoscaling.commandCalls(DescribeWarmPoolCommand).map((c) => c.args[0].input.AutoScalingGroupName)).toEqual(['prod-spot']);
  });

  it('makes one DescribeAutoScalingGroups call and nothing else when no instance waits', async () => {
    for (let i = 0; i < 20; i++) world.addInstance({ cluster: 'prod', asg: 'prod-asg', tasks: 1 });
    const snapshot = await gatherReconcile(deps());
    expect(snapshot.instances).toEqual([]);
    expect(callsOf()).toEqual({ DescribeAutoScalingGroups: 1 });
    expect(autoscaling).toHaveReceivedCommandWith(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: ['prod-asg', 'prod-spot', 'batch-asg'] });
  });

  it('makes no call at all without a drained ASG', async () => {
    const snapshot = await gatherReconcile(deps({}, configFrom(`
version: 1
clusters: [{ name: prod, asgs: [{ name: prod-asg, drain: false }] }]
notifications:
  channels: [{ name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }]
`)));
    expect(snapshot.instances).toEqual([]);
    expect(totalCalls()).toBe(0);
  });
});

describe('gatherReconcile: task listing within the batch limits', () => {
  const started = (minutesAgo: number): Record<string, string> => ({ 'ecs-ops.drain.started-at': String(NOW - minutesAgo * 60_000), 'ecs-ops.drain.tasks': '2' });
  const listTasks = (): { cluster?: string; containerInstance?: string; desiredStatus?: string }[] => ecs.commandCalls(ListTasksCommand).map((c) => c.args[0].input);

  it('a steady pass over 100 DRAINING instances lists the cluster (pages of 100), not each instance twice', async () => {
    for (let i = 0; i < 100; i++) world.addInstance({ cluster: 'prod', asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', tasks: 2, attributes: started(10) });
    for (let i = 0; i < 100; i++) world.addInstance({ cluster: 'prod', asg: 'prod-asg', tasks: 2 });
    world.services.set('prod/web', { cluster: 'prod', name: 'web', min: 100, max: 100, daemon: false, events: [] });
    const snapshot = await gatherReconcile(deps());
    expect(snapshot.instances).toHaveLength(100);
    expect(snapshot.instances.every((i) => i.container?.tasks?.length === 2)).toBe(true);
    // 400 tasks in the cluster: 4 ListTasks and 4 DescribeTasks, where one ListTasks per instance and status took 200.
    expect(listTasks().map((l) => [l.cluster, l.containerInstance, l.desiredStatus])).toEqual(Array.from({ length: 4 }, () => ['prod', undefined, 'RUNNING']));
    expect(ecs.commandCalls(DescribeTasksCommand)).toHaveLength(4);
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(1);
    // Blocked, and the decision names the service as it did with every instance listed on its own.
    const blocked = decide(snapshot, config.drain).filter((a) => a.type === 'notify' && a.notification.kind === 'drain-blocked');
    expect(blocked).toHaveLength(100);
  });

  it('a few draining instances in a large cluster are listed one by one (desired RUNNING only while tasks hold them)', async () => {
    const draining = Array.from({ length: 3 }, () => world.addInstance({ cluster: 'prod', asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', tasks: 2, attributes: started(10) }));
    for (let i = 0; i < 100; i++) world.addInstance({ cluster: 'prod', asg: 'prod-asg', tasks: 5 });
    const snapshot = await gatherReconcile(deps());
    expect(snapshot.instances.map((i) => i.container?.tasks?.length)).toEqual([2, 2, 2]);
    // Listing them costs 3 + 1: the cluster is worth a look only if it fits in 1 page; it does not (506 tasks).
    expect(clusterListingBudget(3, 6, 0)).toBe(1);
    expect(listTasks().filter((l) => l.containerInstance === undefined)).toHaveLength(1);
    expect(listTasks().flatMap((l) => (l.containerInstance === undefined ? [] : [[l.containerInstance, l.desiredStatus]])).sort()).toEqual(draining.map((d) => [d.arn, 'RUNNING']).sort());
  });

  it('lists each instance after all when the cluster holds more tasks than the counts made worth listing', async () => {
    // 10 instances with a task each: listing them costs 10 + 1; the cluster's 810 tasks would cost 9 + 9.
    const draining = Array.from({ length: 10 }, () => world.addInstance({ cluster: 'prod', asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', tasks: 1, attributes: started(10) }));
    for (let i = 0; i < 40; i++) world.addInstance({ cluster: 'prod', asg: 'prod-asg', tasks: 20 });
    const snapshot = await gatherReconcile(deps());
    expect(snapshot.instances.map((i) => i.container?.tasks?.length)).toEqual(draining.map(() => 1));
    const budget = clusterListingBudget(10, 10, 0);
    expect(budget).toBe(5);
    expect(listTasks().filter((l) => l.containerInstance === undefined)).toHaveLength(budget);
    expect(listTasks().filter((l) => l.containerInstance !== undefined)).toHaveLength(10);
  });

  it('a warm Lambda remembers a cluster too large to list for 10 minutes, and lists it again when worth it', async () => {
    let clock = NOW;
    const clusterSizes = new ClusterSizeCache(() => clock);
    Array.from({ length: 3 }, () => world.addInstance({ cluster: 'prod', asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', tasks: 2, attributes: started(10) }));
    for (let i = 0; i < 100; i++) world.addInstance({ cluster: 'prod', asg: 'prod-asg', tasks: 5 });
    const clusterPages = (): number => listTasks().filter((l) => l.containerInstance === undefined).length;
    await gatherReconcile(deps({ clusterSizes }));
    expect(clusterPages()).toBe(1);
    expect(clusterSizes.atLeast('prod')).toBe(101);
    ecs.resetHistory();
    clock += 60_000;
    const snapshot = await gatherReconcile(deps({ clusterSizes }, config));
    expect(clusterPages()).toBe(0);
    expect(listTasks()).toHaveLength(3);
    expect(snapshot.instances.map((i) => i.container?.tasks?.length)).toEqual([2, 2, 2]);
    // Expired: estimated afresh.
    ecs.resetHistory();
    clock += CLUSTER_SIZE_TTL_MS;
    await gatherReconcile(deps({ clusterSizes }));
    expect(clusterPages()).toBe(1);
    // A small cluster listed whole is remembered exactly.
    const small = new ClusterSizeCache(() => clock);
    for (const [arn, t] of world.tasks) if (!snapshot.instances.some((i) => i.container?.containerInstanceArn === t.ci)) world.tasks.delete(arn);
    await gatherReconcile(deps({ clusterSizes: small }));
    expect(small.atLeast('prod')).toBe(6);
  });

  it('decides emptiness only on the instance own listing of both desired statuses: a task being stopped holds it', async () => {
    const attributes = started(10);
    const emptyOne = world.addInstance({ cluster: 'prod', asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', attributes });
    const stoppedAt = world.addTask('prod', emptyOne.arn, 'service:web', 'STOPPED', 'STOPPED');
    const stopping = world.addInstance({ cluster: 'prod', asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', attributes });
    const beingStopped = world.addTask('prod', stopping.arn, 'service:web', 'DEACTIVATING', 'STOPPED');
    for (let i = 0; i < 8; i++) world.addInstance({ cluster: 'prod', asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', tasks: 2, attributes });
    const snapshot = await gatherReconcile(deps());
    const of = (id: string): DrainTask[] | undefined => snapshot.instances.find((i) => i.ec2InstanceId === id)?.container?.tasks;
    expect(of(emptyOne.id)).toEqual([]);
    expect(of(stopping.id)).toEqual([expect.objectContaining({ taskArn: beingStopped, lastStatus: 'DEACTIVATING' })]);
    expect(stoppedAt).toBeDefined();
    // The cluster listed once (16 tasks), then both candidates on their own, desired RUNNING and STOPPED.
    const own = listTasks().filter((l) => l.containerInstance !== undefined);
    expect(own.map((l) => `${l.containerInstance ?? ''} ${l.desiredStatus ?? ''}`).sort()).toEqual([`${emptyOne.arn} RUNNING`, `${emptyOne.arn} STOPPED`, `${stopping.arn} RUNNING`, `${stopping.arn} STOPPED`].sort());
    expect(listTasks().filter((l) => l.containerInstance === undefined)).toHaveLength(1);
    const actions = decide(snapshot, config.drain).map((a) => (a.type === 'notify' ? `notify ${a.notification.kind} ${a.notification.ec2InstanceId}` : `${a.type} ${a.ec2InstanceId}`));
    expect(actions.filter((a) => a.startsWith('complete'))).toEqual([`complete ${emptyOne.id}`]);
  });

  const taskKinds = ['service:web', 'service:blocked', 'service:agent', 'family:batch'] as const;
  const taskSpec = fc.record({
    kind: fc.constantFrom(...taskKinds),
    lastStatus: fc.constantFrom('PENDING', 'RUNNING', 'DEACTIVATING', 'STOPPING', 'STOPPED'),
    desiredStatus: fc.constantFrom('RUNNING', 'STOPPED'),
  });
  const instanceSpec = fc.record({
    status: fc.constantFrom('ACTIVE', 'DRAINING', 'DRAINING', 'DRAINING', 'INACTIVE'),
    startedMinutesAgo: fc.option(fc.integer({ min: 0, max: 90 }), { nil: undefined }),
    tasks: fc.array(taskSpec, { maxLength: 4 }),
  });

  it('property: the pass decides exactly what it would with every task of every instance known', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(instanceSpec, { minLength: 1, maxLength: 14 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom('wait', 'stop'),
        async (specs, others, tasksPerOther, standaloneTasks) => {
          ecs.reset();
          autoscaling.reset();
          world = new FakeAws();
          world.hooks.push({ asg: 'prod-asg', name: 'ecs-ops-drain', transition: 'autoscaling:EC2_INSTANCE_TERMINATING', heartbeat: 900 });
          world.install(ecs, autoscaling);
          const cfg = configFrom(`
version: 1
clusters: [{ name: prod, asgs: [{ name: prod-asg }] }]
notifications:
  channels: [{ name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }]
drain: { deadline: 1h, standaloneTasks: ${standaloneTasks} }
`);
          const settings: Record<string, { min: number; max: number; daemon: boolean }> = { web: { min: 50, max: 200, daemon: false }, blocked: { min: 100, max: 100, daemon: false }, agent: { min: 0, max: 100, daemon: true } };
          for (const [name, s] of Object.entries(settings)) world.services.set(`prod/${name}`, { cluster: 'prod', name, ...s, events: [] });
          for (const spec of specs) {
            const attributes = spec.startedMinutesAgo === undefined ? {} : started(spec.startedMinutesAgo);
            const { arn } = world.addInstance({ cluster: 'prod', asg: 'prod-asg', state: 'Terminating:Wait', status: spec.status, attributes });
            // ECS never has a task it wants running whose last status is STOPPED.
            for (const t of spec.tasks) world.addTask('prod', arn, t.kind, t.lastStatus, t.lastStatus === 'STOPPED' ? 'STOPPED' : t.desiredStatus);
          }
          for (let i = 0; i < others; i++) world.addInstance({ cluster: 'prod', asg: 'prod-asg', tasks: tasksPerOther });

          const snapshot = await gatherReconcile(deps({}, cfg));
          const services: Record<string, DrainService> = {};
          for (const [name, s] of Object.entries(settings)) {
            services[`prod/${name}`] = { cluster: 'prod', serviceName: name, minimumHealthyPercent: s.min, maximumPercent: s.max, desiredCount: 2, runningCount: 2, schedulingStrategy: s.daemon ? 'DAEMON' : 'REPLICA', unableToPlace: false };
          }
          const truth: DrainSnapshot = {
            ...snapshot,
            services,
            instances: snapshot.instances.map((instance) => {
              const container = instance.container;
              if (!container) return instance;
              const tasks = [...world.tasks.values()]
                .filter((t) => t.ci === container.containerInstanceArn && t.lastStatus !== 'STOPPED')
                .map((t): DrainTask => ({ taskArn: t.arn, group: t.group, lastStatus: t.lastStatus, desiredStatus: t.desiredStatus, ...(t.group === 'service:agent' ? { daemon: true } : {}) }));
              return { ...instance, container: { ...container, tasks } };
            }),
          };
          expect(decide(snapshot, cfg.drain)).toEqual(decide(truth, cfg.drain));
          // Never more ListTasks than one per instance and desired status.
          expect(ecs.commandCalls(ListTasksCommand).length).toBeLessThanOrEqual(2 * specs.length);
        },
      ),
      { numRuns: 150, seed: 20261126 },
    );
  });
});

describe('instanceIdFilters', () => {
  it('splits long id lists into expressions of at most 2,000 characters, none lost', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `i-${i.toString(16).padStart(17, '0')}`);
    const filters = instanceIdFilters(ids);
    expect(filters.length).toBe(Math.ceil(500 / Math.floor((FILTER_MAX_CHARS - 19) / 21)));
    expect(filters.every((f) => f.length <= FILTER_MAX_CHARS && /^ec2InstanceId in \[[^\]]+\]$/.test(f))).toBe(true);
    expect(filters.flatMap((f) => f.slice('ec2InstanceId in ['.length, -1).split(', '))).toEqual(ids);
    expect(instanceIdFilters(['i-1'])).toEqual(['ec2InstanceId in [i-1]']);
    expect(instanceIdFilters([])).toEqual([]);
  });
});
