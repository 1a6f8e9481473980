/**
 * The drain function end to end: real event samples through the middy handler (Powertools logger and metrics), gather →
 * decide → act against an in-memory ECS + EC2 Auto Scaling behind aws-sdk-client-mock, notifications deduplicated by
 * Powertools Idempotency on a real DynamoDB implementation (dynalite, in process).
 */
import type { Context } from 'aws-lambda';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import {
  AutoScalingClient,
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeLifecycleHooksCommand,
  RecordLifecycleActionHeartbeatCommand,
  type LifecycleState,
} from '@aws-sdk/client-auto-scaling';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  PutAttributesCommand,
  StopTaskCommand,
  UpdateContainerInstancesStateCommand,
  type Attribute,
  type ContainerInstance,
  type Task,
} from '@aws-sdk/client-ecs';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDrainHandler } from '../../functions/drain.js';
import type { Channel, EcsOpsConfig } from '../../lib/config/schema.js';
import type { DrainOutcome } from '../../lib/drain/index.js';
import type { Notification } from '../../lib/notify/types.js';
import { createLogger, createMetrics } from '../../lib/observability.js';
import { configFrom, fixtureEvent, type FixtureEvent } from '../support/fixtures.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);

/** A small stand-in for the ECS and Auto Scaling APIs the drain function uses, with their batch limits. */
class FakeAws {
  readonly instances = new Map<string, { arn: string; cluster: string; ec2InstanceId: string; status: string; attributes: Record<string, string>; version?: number }>();
  readonly tasks = new Map<string, { arn: string; cluster: string; ci: string; group?: string; lastStatus: string; desiredStatus: string }>();
  readonly services = new Map<string, { min: number; max: number; events: { createdAt: Date; message: string }[]; daemon?: boolean }>();
  readonly asgInstances = new Map<string, { asg: string; state: string }>();
  readonly hooks: { asg: string; name: string; heartbeat: number }[] = [];
  /** Lifecycle actions the ASG itself already ended (timeout): completing them fails with "No active Lifecycle Action". */
  readonly expired = new Set<string>();
  readonly completed: string[] = [];
  readonly heartbeats: string[] = [];
  private seq = 0;

  addInstance(spec: { cluster?: string; asg?: string; state?: string; status?: string; tasks?: number; group?: string; attributes?: Record<string, string> }): { id: string; arn: string } {
    const n = ++this.seq;
    const cluster = spec.cluster ?? 'prod';
    const id = `i-${n.toString(16).padStart(17, '0')}`;
    const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/${cluster}/${n.toString(16).padStart(32, '0')}`;
    this.instances.set(arn, { arn, cluster, ec2InstanceId: id, status: spec.status ?? 'ACTIVE', attributes: { ...spec.attributes } });
    if (spec.asg !== undefined) this.asgInstances.set(id, { asg: spec.asg, state: spec.state ?? 'InService' });
    for (let t = 0; t < (spec.tasks ?? 0); t++) this.addTask(arn, spec.group ?? 'service:web');
    return { id, arn };
  }

  addTask(ci: string, group: string | undefined, lastStatus = 'RUNNING', desiredStatus = 'RUNNING'): string {
    const cluster = this.instances.get(ci)?.cluster ?? 'prod';
    const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${cluster}/${(++this.seq).toString(16).padStart(32, '0')}`;
    this.tasks.set(arn, { arn, cluster, ci, ...(group !== undefined ? { group } : {}), lastStatus, desiredStatus });
    return arn;
  }

  /** Stops every task on an instance (the drain moved them). */
  empty(ci: string): void {
    for (const t of this.tasks.values()) if (t.ci === ci) Object.assign(t, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });
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
    const lifecycle = (id: string): void => {
      const i = this.asgInstances.get(id);
      if (!i || this.expired.has(id) || !['Terminating:Wait', 'Warmed:Pending:Wait', 'Warmed:Terminating:Wait'].includes(i.state)) {
        throw new AutoScalingServiceException({ name: 'ValidationError', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: `No active Lifecycle Action found with instance ID ${id}` });
      }
    };
    asg.on(DescribeAutoScalingInstancesCommand).callsFake((input: { InstanceIds?: string[] }) => ({
      AutoScalingInstances: (input.InstanceIds ?? []).flatMap((id) => {
        const i = this.asgInstances.get(id);
        return i ? [{ InstanceId: id, AutoScalingGroupName: i.asg, LifecycleState: i.state as LifecycleState, AvailabilityZone: 'us-east-1a', HealthStatus: 'HEALTHY', ProtectedFromScaleIn: false }] : [];
      }),
    }));
    asg.on(DescribeLifecycleHooksCommand).callsFake((input: { AutoScalingGroupName: string; LifecycleHookNames?: string[] }) => ({
      LifecycleHooks: this.hooks
        .filter((h) => h.asg === input.AutoScalingGroupName && (input.LifecycleHookNames?.includes(h.name) ?? true))
        .map((h) => ({ AutoScalingGroupName: h.asg, LifecycleHookName: h.name, LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING', HeartbeatTimeout: h.heartbeat, GlobalTimeout: 100 * h.heartbeat, DefaultResult: 'CONTINUE' })),
    }));
    asg.on(DescribeAutoScalingGroupsCommand).callsFake((input: { AutoScalingGroupNames?: string[] }) => ({
      AutoScalingGroups: (input.AutoScalingGroupNames ?? []).map((name) => ({
        AutoScalingGroupName: name,
        MinSize: 0,
        MaxSize: 10,
        DesiredCapacity: 1,
        DefaultCooldown: 300,
        AvailabilityZones: ['us-east-1a'],
        HealthCheckType: 'EC2',
        CreatedTime: new Date(0),
        Instances: [...this.asgInstances].filter(([, i]) => i.asg === name).map(([id, i]) => ({ InstanceId: id, LifecycleState: i.state as LifecycleState, AvailabilityZone: 'us-east-1a', HealthStatus: 'Healthy', ProtectedFromScaleIn: false })),
      })),
    }));
    asg.on(CompleteLifecycleActionCommand).callsFake((input: { InstanceId: string; LifecycleActionResult: string }) => {
      lifecycle(input.InstanceId);
      this.completed.push(`${input.InstanceId} ${input.LifecycleActionResult}`);
      const i = this.asgInstances.get(input.InstanceId);
      if (i) i.state = 'Terminating:Proceed';
      return {};
    });
    asg.on(RecordLifecycleActionHeartbeatCommand).callsFake((input: { InstanceId: string }) => {
      lifecycle(input.InstanceId);
      this.heartbeats.push(input.InstanceId);
      return {};
    });
    // No capacity provider: ecs-ops drains every configured ASG itself (managed draining: test/drain/managed-draining.test.ts).
    ecs.on(DescribeClustersCommand).callsFake((input: { clusters?: string[] }) => ({ clusters: (input.clusters ?? []).map((clusterName) => ({ clusterName, capacityProviders: [] })) }));
    ecs.on(DescribeCapacityProvidersCommand).resolves({ capacityProviders: [] });
    ecs.on(ListContainerInstancesCommand).callsFake((input: { cluster: string; filter?: string; maxResults?: number; nextToken?: string }) => {
      const eq = /^ec2InstanceId == (\S+)$/.exec(input.filter ?? '');
      const inList = /^ec2InstanceId in \[(.*)\]$/.exec(input.filter ?? '');
      const ids = eq?.[1] !== undefined ? new Set([eq[1]]) : inList?.[1] !== undefined ? new Set(inList[1].split(',').map((s) => s.trim())) : undefined;
      const arns = [...this.instances.values()].filter((ci) => ci.cluster === input.cluster && (ids?.has(ci.ec2InstanceId) ?? true)).map((ci) => ci.arn);
      const p = page(arns, input.nextToken, input.maxResults ?? 100);
      return { containerInstanceArns: p.items, ...(p.next !== undefined ? { nextToken: p.next } : {}) };
    });
    ecs.on(DescribeContainerInstancesCommand).callsFake((input: { containerInstances: string[] }) => {
      limit(input.containerInstances, 100, 'DescribeContainerInstances');
      return {
        containerInstances: input.containerInstances.flatMap((arn): ContainerInstance[] => {
          const ci = this.instances.get(arn);
          return ci
            ? [{ containerInstanceArn: arn, ec2InstanceId: ci.ec2InstanceId, status: ci.status, agentConnected: true, version: ci.version, runningTasksCount: [...this.tasks.values()].filter((t) => t.ci === arn && t.lastStatus === 'RUNNING').length, attributes: Object.entries(ci.attributes).map(([name, value]) => ({ name, value })) }]
            : [];
        }),
        failures: [],
      };
    });
    ecs.on(UpdateContainerInstancesStateCommand).callsFake((input: { containerInstances: string[]; status: string }) => {
      limit(input.containerInstances, 10, 'UpdateContainerInstancesState');
      const failures = input.containerInstances.filter((arn) => !this.instances.has(arn)).map((arn) => ({ arn, reason: 'MISSING' }));
      for (const arn of input.containerInstances) {
        const ci = this.instances.get(arn);
        if (ci) ci.status = input.status;
      }
      return { containerInstances: input.containerInstances.filter((arn) => this.instances.has(arn)).map((arn) => ({ containerInstanceArn: arn, status: input.status })), failures };
    });
    ecs.on(PutAttributesCommand).callsFake((input: { attributes: Attribute[] }) => {
      limit(input.attributes, 10, 'PutAttributes');
      for (const a of input.attributes) {
        const ci = this.instances.get(a.targetId ?? '');
        if (ci && a.name !== undefined) ci.attributes[a.name] = a.value ?? '';
      }
      return { attributes: input.attributes };
    });
    ecs.on(ListTasksCommand).callsFake((input: { cluster: string; containerInstance?: string; desiredStatus: string; maxResults?: number; nextToken?: string }) => {
      const arns = [...this.tasks.values()].filter((t) => (input.containerInstance === undefined ? t.cluster === input.cluster : t.ci === input.containerInstance) && (t.desiredStatus === 'STOPPED') === (input.desiredStatus === 'STOPPED')).map((t) => t.arn);
      const p = page(arns, input.nextToken, input.maxResults ?? 100);
      return { taskArns: p.items, ...(p.next !== undefined ? { nextToken: p.next } : {}) };
    });
    ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => {
      limit(input.tasks, 100, 'DescribeTasks');
      return {
        tasks: input.tasks.flatMap((arn): Task[] => {
          const t = this.tasks.get(arn);
          return t ? [{ taskArn: arn, containerInstanceArn: t.ci, group: t.group, lastStatus: t.lastStatus, desiredStatus: t.desiredStatus }] : [];
        }),
        failures: [],
      };
    });
    ecs.on(DescribeServicesCommand).callsFake((input: { cluster: string; services: string[] }) => {
      limit(input.services, 10, 'DescribeServices');
      return {
        services: input.services.map((name) => {
          const s = this.services.get(`${input.cluster}/${name}`) ?? { min: 100, max: 200, events: [] };
          const schedulingStrategy = s.daemon === true ? ('DAEMON' as const) : ('REPLICA' as const);
          return { serviceName: name, desiredCount: 2, runningCount: 2, schedulingStrategy, deploymentConfiguration: { minimumHealthyPercent: s.min, maximumPercent: s.max }, events: s.events.map((e, i) => ({ id: String(i), ...e })) };
        }),
        failures: [],
      };
    });
    ecs.on(StopTaskCommand).callsFake((input: { task: string }) => {
      const t = this.tasks.get(input.task);
      if (t) t.desiredStatus = 'STOPPED';
      return { task: { taskArn: input.task } };
    });
  }
}

const baseConfig = `
version: 1
clusters:
  - name: prod
    asgs: [{ name: prod-asg }, { name: prod-spot }, { name: prod-alerts-only, drain: false }]
notifications:
  channels:
    - { name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }
    - { name: pager, type: sns, topicArn: 'arn:aws:sns:us-east-1:123456789012:ecs-ops-critical', severities: [critical] }
`;

const ecs = mockClient(ECSClient);
const autoscaling = mockClient(AutoScalingClient);
let world: FakeAws;
let clock: number;
let posted: { channel: string; notification: Notification }[];
/** How many of the next deliveries fail transiently (a Slack 503 after the sender's own retries). */
let failDeliveries: number;
let logLines: string[];
let db: ReturnType<typeof dynalite>;
let dynamo: DynamoDBClient;
let tableCounter = 0;

const context = { functionName: 'ecs-ops-drain', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 50_000 } as unknown as Context;

beforeAll(async () => {
  db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => db.listen(0, '127.0.0.1', () => { resolve(); }));
  const { port } = db.address() as AddressInfo;
  dynamo = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});

afterAll(async () => {
  await new Promise<void>((resolve) => db.close(() => { resolve(); }));
});

/** A fresh handler on a fresh idempotency table, as a new deployment would have. */
async function newHandler(extra = '') {
  const config: EcsOpsConfig = configFrom(baseConfig + extra);
  const tableName = `ecs-ops-drain-idempotency-${++tableCounter}`;
  await dynamo.send(
    new CreateTableCommand({ TableName: tableName, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }),
  );
  const handler = createDrainHandler({
    config,
    ecs: new ECSClient({ region: REGION }),
    autoscaling: new AutoScalingClient({ region: REGION }),
    deliverer: {
      deliver: (channel: Channel, notification: Notification) => {
        if (failDeliveries > 0) {
          failDeliveries--;
          return Promise.reject(new Error('Slack webhook: 503 Service Unavailable'));
        }
        posted.push({ channel: channel.name, notification });
        return Promise.resolve({ delivered: true });
      },
    },
    persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamo }),
    logger: createLogger('ecs-ops-drain'),
    metrics: createMetrics('ecs-ops-drain'),
    now: () => clock,
    region: REGION,
  });
  return (event: unknown): Promise<DrainOutcome> => handler(event, context);
}

beforeEach(() => {
  ecs.reset();
  autoscaling.reset();
  world = new FakeAws();
  world.hooks.push({ asg: 'prod-asg', name: 'ecs-ops-drain', heartbeat: 900 }, { asg: 'prod-spot', name: 'ecs-ops-drain', heartbeat: 900 });
  world.install(ecs, autoscaling);
  clock = T0;
  posted = [];
  failDeliveries = 0;
  logLines = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logLines.push(String(chunk));
      return true;
    });
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => { logLines.push(args.map(String).join(' ')); });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
});

function lifecycleEvent(ec2InstanceId: string, asg = 'prod-asg', hook = 'ecs-ops-drain'): FixtureEvent {
  const event = fixtureEvent('asg-terminate-lifecycle');
  event.time = new Date(clock).toISOString();
  event.region = REGION;
  Object.assign(event.detail, { AutoScalingGroupName: asg, LifecycleHookName: hook, EC2InstanceId: ec2InstanceId });
  return event;
}

function containerInstanceEvent(ec2InstanceId: string, arn: string, status = 'DRAINING', version?: number): FixtureEvent {
  const event = fixtureEvent('ecs-container-instance-state-change');
  Object.assign(event.detail, { clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`, containerInstanceArn: arn, ec2InstanceId, status, ...(version !== undefined ? { version } : {}) });
  return event;
}

function ec2Event(name: 'ec2-spot-interruption-warning-concrete' | 'ec2-instance-rebalance-recommendation-concrete', ec2InstanceId: string): FixtureEvent {
  const event = fixtureEvent(name);
  event.detail['instance-id'] = ec2InstanceId;
  return event;
}

function scheduled(): FixtureEvent {
  const event = fixtureEvent('scheduled-event');
  event.time = new Date(clock).toISOString();
  return event;
}

const attrs = (startedAt: number, tasks: number) => ({ 'ecs-ops.drain.started-at': String(startedAt), 'ecs-ops.drain.tasks': String(tasks) });
const kinds = () => posted.map((p) => `${p.channel} ${p.notification.kind}`);
const handled = (outcome: DrainOutcome) => {
  if (outcome.status !== 'handled') throw new Error(`expected handled, got ${JSON.stringify(outcome)}`);
  return outcome;
};

describe('terminate lifecycle action', () => {
  it('of a drained ASG on its hook: sets DRAINING (failures[] checked), writes the attributes, heartbeats, and returns', async () => {
    const send = await newHandler();
    const { id, arn } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', tasks: 3 });
    const outcome = handled(await send(lifecycleEvent(id)));
    expect(outcome).toMatchObject({ trigger: 'lifecycle-action', instances: 1, actions: { 'set-draining': 1, heartbeat: 1, complete: 0, 'stop-task': 0, notify: 0 } });
    expect(ecs).toHaveReceivedCommandWith(UpdateContainerInstancesStateCommand, { cluster: 'prod', containerInstances: [arn], status: 'DRAINING' });
    expect(world.instances.get(arn)).toMatchObject({ status: 'DRAINING', attributes: attrs(T0, 3) });
    expect(world.heartbeats).toEqual([id]);
    expect(world.completed).toEqual([]);
    expect(posted).toEqual([]);
  });

  it('reports a container instance ECS refused to drain', async () => {
    const send = await newHandler();
    const { id, arn } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', tasks: 1 });
    ecs.on(UpdateContainerInstancesStateCommand).resolves({ containerInstances: [], failures: [{ arn, reason: 'MISSING' }] });
    const outcome = handled(await send(lifecycleEvent(id)));
    expect(outcome.outcomes).toContainEqual({ type: 'set-draining', ec2InstanceId: id, outcome: 'failed', detail: 'MISSING' });
    expect(ecs).not.toHaveReceivedCommand(PutAttributesCommand);
    expect(logLines.join('\n')).toContain('container instance not set to DRAINING');
  });

  it('is ignored for a hook ecs-ops does not own, or an ASG it does not drain', async () => {
    const send = await newHandler();
    const { id } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', tasks: 3 });
    expect(await send(lifecycleEvent(id, 'prod-asg', 'someone-elses-hook'))).toMatchObject({ status: 'ignored', reason: expect.stringContaining('someone-elses-hook') as unknown });
    expect(await send(lifecycleEvent(id, 'prod-alerts-only'))).toMatchObject({ status: 'ignored' });
    expect(await send(lifecycleEvent(id, 'other-asg'))).toMatchObject({ status: 'ignored' });
    expect(ecs.calls()).toHaveLength(0);
    expect(autoscaling.calls()).toHaveLength(0);
  });

  it('completes CONTINUE at once when the instance is not registered in ECS', async () => {
    const send = await newHandler();
    world.asgInstances.set('i-0notinecs0000000', { asg: 'prod-asg', state: 'Terminating:Wait' });
    const outcome = handled(await send(lifecycleEvent('i-0notinecs0000000')));
    expect(outcome.actions).toMatchObject({ complete: 1, 'set-draining': 0 });
    expect(autoscaling).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, { AutoScalingGroupName: 'prod-asg', LifecycleHookName: 'ecs-ops-drain', InstanceId: 'i-0notinecs0000000', LifecycleActionResult: 'CONTINUE' });
  });

  it('completes at once an instance already empty (after setting it DRAINING, so nothing lands meanwhile)', async () => {
    const send = await newHandler();
    const { id, arn } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', tasks: 0 });
    const outcome = handled(await send(lifecycleEvent(id)));
    expect(outcome.actions).toMatchObject({ 'set-draining': 1, heartbeat: 1, complete: 1 });
    expect(world.instances.get(arn)?.status).toBe('DRAINING');
    expect(world.completed).toEqual([`${id} CONTINUE`]);
  });

  it('changes nothing when delivered twice or retried: no second UpdateContainerInstancesState or PutAttributes', async () => {
    const send = await newHandler();
    const { id, arn } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', tasks: 3 });
    const event = lifecycleEvent(id);
    await send(event);
    clock += 20_000;
    const again = handled(await send(event));
    expect(ecs).toHaveReceivedCommandTimes(UpdateContainerInstancesStateCommand, 1);
    expect(ecs).toHaveReceivedCommandTimes(PutAttributesCommand, 1);
    expect(again.actions).toMatchObject({ 'set-draining': 0, heartbeat: 0, complete: 0 });
    expect(world.instances.get(arn)?.attributes).toEqual(attrs(T0, 3));
  });

  it('makes the same number of calls with 10 or 1,000 instances in the cluster', async () => {
    const count = async (others: number): Promise<number> => {
      // A cold Lambda each time: the hook settings are not cached yet.
      const send = await newHandler();
      for (let i = 0; i < others; i++) world.addInstance({ asg: 'prod-asg', tasks: 2 });
      const { id } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', tasks: 3 });
      ecs.resetHistory();
      autoscaling.resetHistory();
      await send(lifecycleEvent(id));
      return ecs.calls().length + autoscaling.calls().length;
    };
    const small = await count(10);
    const large = await count(990);
    expect(large).toBe(small);
    // DescribeAutoScalingInstances, DescribeLifecycleHooks, ListContainerInstances, DescribeContainerInstances,
    // 2 ListTasks, DescribeTasks, DescribeServices, UpdateContainerInstancesState, PutAttributes,
    // RecordLifecycleActionHeartbeat; and whether ECS drains the drained ASGs itself (a cold cache): DescribeClusters and
    // DescribeLifecycleHooks of each of the 2 drained ASGs (no capacity provider: no DescribeCapacityProviders).
    expect(small).toBe(14);
    expect(ecs).toHaveReceivedCommandTimes(DescribeClustersCommand, 1);
    expect(ecs).not.toHaveReceivedCommand(DescribeCapacityProvidersCommand);
  });
});

describe('container instance state change', () => {
  it('completes by InstanceId when the DRAINING instance is empty, and posts how long it took and how many tasks moved', async () => {
    const send = await newHandler();
    const { id, arn } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', tasks: 7, attributes: attrs(T0 - 252_000, 7) });
    world.empty(arn);
    const outcome = handled(await send(containerInstanceEvent(id, arn)));
    expect(outcome).toMatchObject({ trigger: 'container-instance-change', actions: { complete: 1, notify: 1 } });
    expect(autoscaling).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, { InstanceId: id, LifecycleActionResult: 'CONTINUE' });
    expect(ecs).not.toHaveReceivedCommand(ListContainerInstancesCommand);
    expect(kinds()).toEqual(['ops drain-completed']);
    expect(posted[0]?.notification.summary).toContain('7 tasks moved in 4m 12s');
  });

  it('does nothing while tasks remain, and ignores other statuses', async () => {
    const send = await newHandler();
    const { id, arn } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', tasks: 2, attributes: attrs(T0 - MIN, 3) });
    expect(handled(await send(containerInstanceEvent(id, arn))).actions).toMatchObject({ complete: 0, heartbeat: 0, 'set-draining': 0 });
    expect(await send(containerInstanceEvent(id, arn, 'ACTIVE'))).toMatchObject({ status: 'ignored' });
  });

  it('skips an event a later change of the DRAINING instance superseded (one call), and looks at the current one', async () => {
    const send = await newHandler();
    const { id, arn } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', tasks: 3, attributes: attrs(T0 - 4 * MIN, 3) });
    world.empty(arn);
    const ci = world.instances.get(arn);
    if (ci) ci.version = 42;
    // Three tasks stopped together: events 40, 41 and 42; the first two are stale when they are handled.
    for (const version of [40, 41]) {
      ecs.resetHistory();
      autoscaling.resetHistory();
      expect(await send(containerInstanceEvent(id, arn, 'DRAINING', version))).toMatchObject({ status: 'ignored', reason: expect.stringContaining(`version ${String(version)} superseded by version 42`) as unknown });
      expect(ecs.calls()).toHaveLength(1);
      expect(autoscaling.calls()).toHaveLength(0);
    }
    expect(world.completed).toEqual([]);
    expect(handled(await send(containerInstanceEvent(id, arn, 'DRAINING', 42))).actions).toMatchObject({ complete: 1 });
    expect(world.completed).toEqual([`${id} CONTINUE`]);
    // A stale event of an instance no longer DRAINING (deregistered, reactivated) is looked at all the same.
    const other = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', status: 'INACTIVE' });
    const otherCi = world.instances.get(other.arn);
    if (otherCi) otherCi.version = 9;
    expect(handled(await send(containerInstanceEvent(other.id, other.arn, 'DRAINING', 7))).outcomes).toContainEqual(expect.objectContaining({ type: 'complete', ec2InstanceId: other.id }));
  });

  it('counts "No active Lifecycle Action" as success', async () => {
    const send = await newHandler();
    const { id, arn } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', attributes: attrs(T0 - 5 * MIN, 2) });
    world.expired.add(id);
    const outcome = handled(await send(containerInstanceEvent(id, arn)));
    expect(outcome.outcomes).toContainEqual({ type: 'complete', ec2InstanceId: id, outcome: 'already' });
    expect(logLines.join('\n')).toContain('no active lifecycle action: already completed');
  });
});

describe('blocked drains and DAEMON tasks', () => {
  it('reports a service whose replacements cannot be placed (no capacity), by name, from its recent service events', async () => {
    const send = await newHandler();
    const { arn } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', tasks: 2, group: 'service:api', attributes: attrs(T0 - 3 * MIN, 2) });
    world.services.set('prod/api', { min: 100, max: 200, events: [{ createdAt: new Date(T0 - MIN), message: '(service api) was unable to place a task because no container instance met all of its requirements. Reason: No Container Instances were found in your cluster.' }] });
    handled(await send(scheduled()));
    expect(kinds()).toEqual(['ops drain-blocked']);
    expect(posted[0]?.notification.summary).toContain('api (no capacity to place replacements)');
    expect(world.instances.get(arn)?.status).toBe('DRAINING');
    expect(world.completed).toEqual([]);
  });

  it('a DAEMON task never blocks: left with nothing else, it is stopped (as ECS does), then the instance completes', async () => {
    const send = await newHandler();
    const { id, arn } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', tasks: 1, group: 'service:log-agent', attributes: attrs(T0 - 10 * MIN, 3) });
    world.services.set('prod/log-agent', { min: 0, max: 100, events: [], daemon: true });
    const outcome = handled(await send(scheduled()));
    expect(outcome.actions).toMatchObject({ 'stop-task': 1, complete: 0 });
    expect(ecs).toHaveReceivedCommandWith(StopTaskCommand, { cluster: 'prod', reason: `ecs-ops: draining container instance ${id}: daemon task, nothing else left` });
    expect(kinds()).toEqual([]);
    // Stopping: not stopped again on the next pass; once STOPPED, the instance is empty and completed.
    clock += MIN;
    expect(handled(await send(scheduled())).actions).toMatchObject({ 'stop-task': 0, complete: 0 });
    world.empty(arn);
    clock += MIN;
    expect(handled(await send(scheduled())).actions).toMatchObject({ complete: 1 });
    expect(world.completed).toEqual([`${id} CONTINUE`]);
  });
});

describe('a notice whose delivery fails transiently is not lost', () => {
  it('drain-completed: the failed invocation does not complete; its retry notifies exactly once and completes', async () => {
    const send = await newHandler();
    const { id, arn } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', tasks: 3, attributes: attrs(T0 - 4 * MIN, 3) });
    world.empty(arn);
    failDeliveries = 1;
    const event = containerInstanceEvent(id, arn);
    await expect(send(event)).rejects.toThrow(/failed transiently/);
    expect(posted).toEqual([]);
    expect(world.completed).toEqual([]);
    // Lambda retries the same event a minute later.
    clock += MIN;
    const retried = handled(await send(event));
    expect(retried.actions).toMatchObject({ complete: 1, notify: 1 });
    expect(kinds()).toEqual(['ops drain-completed']);
    expect(world.completed).toEqual([`${id} CONTINUE`]);
    // A further duplicate changes nothing: the action is over, the notice was posted.
    handled(await send(event));
    expect(kinds()).toEqual(['ops drain-completed']);
    expect(world.completed).toHaveLength(1);
  });

  it('drain-forced at the deadline: same, the critical alert reaches both channels once', async () => {
    const send = await newHandler();
    const { id } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', tasks: 1, group: 'family:batch', attributes: attrs(T0 - 60 * MIN, 1) });
    failDeliveries = 1;
    await expect(send(scheduled())).rejects.toThrow(/failed transiently/);
    expect(world.completed).toEqual([]);
    clock += MIN;
    handled(await send(scheduled()));
    expect(kinds().sort()).toEqual(['ops drain-forced', 'pager drain-forced']);
    expect(world.completed).toEqual([`${id} CONTINUE`]);
  });

  it('drain-started on a Spot warning: DRAINING and its start recorded at once, the notice owed until the retry delivers it, once', async () => {
    const send = await newHandler();
    const { id, arn } = world.addInstance({ asg: 'prod-spot', state: 'InService', tasks: 2 });
    failDeliveries = 1;
    const event = ec2Event('ec2-spot-interruption-warning-concrete', id);
    await expect(send(event)).rejects.toThrow(/failed transiently/);
    // The start is DRAINING's, not the notice's: a channel outage never moves the deadline.
    expect(world.instances.get(arn)).toMatchObject({ status: 'DRAINING', attributes: { ...attrs(T0, 2), 'ecs-ops.drain.start-notice': `pending:${T0}:spot-interruption` } });
    clock += MIN;
    handled(await send(event));
    expect(kinds()).toEqual(['ops drain-started']);
    expect(world.instances.get(arn)).toMatchObject({ status: 'DRAINING', attributes: { ...attrs(T0, 2), 'ecs-ops.drain.start-notice': `sent:${T0}` } });
    handled(await send(event));
    expect(kinds()).toEqual(['ops drain-started']);
  });
});

describe('reconcile pass', () => {
  it('completes the empty, heartbeats when due, drains a lost lifecycle event, forces at the deadline with the tasks listed', async () => {
    const send = await newHandler();
    const empty = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', attributes: attrs(T0 - 3 * MIN, 4) });
    // Heartbeat timeout 15 min, passes every minute: a heartbeat every 12 minutes.
    const due = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', tasks: 2, attributes: attrs(T0 - 12.5 * MIN, 4) });
    const lost = world.addInstance({ asg: 'prod-spot', state: 'Terminating:Wait', tasks: 5 });
    const late = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', group: 'family:nightly-report', tasks: 2, attributes: attrs(T0 - 61 * MIN, 6) });
    const running = world.addInstance({ asg: 'prod-asg', state: 'InService', tasks: 4 });

    const outcome = handled(await send(scheduled()));
    expect(outcome).toMatchObject({ trigger: 'reconcile', instances: 4, actions: { complete: 2, heartbeat: 2, 'set-draining': 1 } });
    expect(world.completed.sort()).toEqual([`${empty.id} CONTINUE`, `${late.id} CONTINUE`].sort());
    expect(world.heartbeats.sort()).toEqual([due.id, lost.id].sort());
    expect(world.instances.get(lost.arn)).toMatchObject({ status: 'DRAINING', attributes: attrs(T0, 5) });
    expect(world.instances.get(running.arn)?.status).toBe('ACTIVE');

    expect(kinds().sort()).toEqual(['ops drain-completed', 'ops drain-forced', 'pager drain-forced']);
    const forced = posted.find((p) => p.notification.kind === 'drain-forced')?.notification;
    expect(forced).toMatchObject({ severity: 'critical', cluster: 'prod' });
    expect(forced?.details).toHaveLength(2);
    expect(forced?.details?.every((line) => line.includes('family:nightly-report'))).toBe(true);
  });

  it('batches 25 drains into 3 UpdateContainerInstancesState calls, and describes tasks 100 at a time', async () => {
    const send = await newHandler();
    for (let i = 0; i < 25; i++) world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', tasks: 10 });
    const outcome = handled(await send(scheduled()));
    expect(outcome.actions['set-draining']).toBe(25);
    expect(ecs.commandCalls(UpdateContainerInstancesStateCommand).map((c) => c.args[0].input.containerInstances?.length)).toEqual([10, 10, 5]);
    expect(ecs.commandCalls(PutAttributesCommand).map((c) => c.args[0].input.attributes?.length)).toEqual([10, 10, 10, 10, 10]);
    expect(ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input.tasks?.length)).toEqual([100, 100, 50]);
    expect(ecs.commandCalls(ListContainerInstancesCommand)).toHaveLength(1);
    expect(ecs.commandCalls(DescribeContainerInstancesCommand)).toHaveLength(1);
  });

  it('stops standalone tasks once the service tasks are gone, with standaloneTasks: stop', async () => {
    const send = await newHandler('drain:\n  standaloneTasks: stop\n');
    const { id, arn } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', attributes: attrs(T0 - 5 * MIN, 3) });
    const task = world.addTask(arn, 'family:nightly-report');
    await send(scheduled());
    expect(ecs).toHaveReceivedCommandWith(StopTaskCommand, { cluster: 'prod', task, reason: `ecs-ops: draining container instance ${id} for prod-asg scale-in` });
  });

  it('reports a blocked drain once per dedupe window, though every pass finds it blocked', async () => {
    const send = await newHandler();
    const { arn } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', tasks: 2, attributes: attrs(T0 - 5 * MIN, 2) });
    world.addTask(arn, 'family:batch');
    world.services.set('prod/web', { min: 100, max: 100, events: [] });
    const first = handled(await send(scheduled()));
    clock += MIN;
    const second = handled(await send(scheduled()));
    expect(kinds()).toEqual(['ops drain-blocked']);
    expect(posted[0]?.notification).toMatchObject({ severity: 'warning', service: 'web' });
    expect(posted[0]?.notification.summary).toContain('1 standalone task');
    expect(first.outcomes.find((o) => o.type === 'notify')?.detail).toBe('drain-blocked: ops posted');
    expect(second.outcomes.find((o) => o.type === 'notify')?.detail).toBe('drain-blocked: ops duplicate');
  });
});

describe('EC2 warnings', () => {
  it('drains at once on a Spot interruption warning and posts the start', async () => {
    const send = await newHandler();
    const { id, arn } = world.addInstance({ asg: 'prod-spot', state: 'InService', tasks: 4 });
    const outcome = handled(await send(ec2Event('ec2-spot-interruption-warning-concrete', id)));
    expect(outcome).toMatchObject({ trigger: 'spot-interruption', actions: { 'set-draining': 1, notify: 1, complete: 0, heartbeat: 0 } });
    expect(world.instances.get(arn)).toMatchObject({ status: 'DRAINING', attributes: attrs(T0, 4) });
    expect(kinds()).toEqual(['ops drain-started']);
    expect(posted[0]?.notification.summary).toContain('Spot interruption warning');
  });

  it('ignores Spot warnings for instances outside the configured clusters', async () => {
    const send = await newHandler();
    const outcome = handled(await send(ec2Event('ec2-spot-interruption-warning-concrete', 'i-0b662ef9931388ba0')));
    expect(outcome).toMatchObject({ instances: 1, actions: { 'set-draining': 0, notify: 0 } });
    expect(ecs).not.toHaveReceivedCommand(UpdateContainerInstancesStateCommand);
  });

  it('drains on a rebalance recommendation only when configured', async () => {
    const ignoring = await newHandler();
    const { id, arn } = world.addInstance({ asg: 'prod-spot', state: 'InService', tasks: 2 });
    expect(await ignoring(ec2Event('ec2-instance-rebalance-recommendation-concrete', id))).toMatchObject({ status: 'ignored', reason: expect.stringContaining('rebalanceRecommendation') as unknown });
    expect(ecs.calls()).toHaveLength(0);
    const draining = await newHandler('drain:\n  rebalanceRecommendation: drain\n');
    handled(await draining(ec2Event('ec2-instance-rebalance-recommendation-concrete', id)));
    expect(world.instances.get(arn)?.status).toBe('DRAINING');
    // notifyStart is off: a rebalance drain is not posted.
    expect(posted).toEqual([]);
  });
});

describe('malformed events', () => {
  it('are logged with the failing path, counted and dropped', async () => {
    const send = await newHandler();
    const event = lifecycleEvent('i-0aaa');
    delete event.detail.EC2InstanceId;
    const outcome = await send(event);
    expect(outcome).toMatchObject({ status: 'malformed', eventId: event.id });
    const logs = logLines.join('\n');
    expect(logs).toContain('detail.EC2InstanceId');
    expect(logs).toContain('"MalformedEvent":1');
    expect(autoscaling.calls()).toHaveLength(0);
  });
});

describe('issue 14: one drain, one start notice, one completion, deadlines from DRAINING', () => {
  const spotWarning = (id: string): FixtureEvent => {
    const event = ec2Event('ec2-spot-interruption-warning-concrete', id);
    event.time = new Date(clock).toISOString();
    return event;
  };

  it.each([
    ['the lifecycle event first', ['lifecycle', 'spot', 'spot', 'lifecycle']],
    ['the Spot warning first', ['spot', 'lifecycle', 'lifecycle', 'spot']],
    ['the lifecycle event only, duplicated, then the warning late', ['lifecycle', 'lifecycle', 'reconcile', 'spot']],
  ] as const)('Spot interruption, %s: one drain-started, whatever the order and duplicates', async (_, order) => {
    const send = await newHandler();
    const { id, arn } = world.addInstance({ asg: 'prod-spot', state: 'Terminating:Wait', tasks: 2 });
    for (const step of order) {
      handled(await send(step === 'lifecycle' ? lifecycleEvent(id, 'prod-spot') : step === 'spot' ? spotWarning(id) : scheduled()));
      clock += 5_000;
    }
    expect(kinds()).toEqual(['ops drain-started']);
    expect(posted[0]?.notification.fields).toContainEqual({ label: 'Trigger', value: 'spot-interruption' });
    expect(world.instances.get(arn)).toMatchObject({ status: 'DRAINING', attributes: { ...attrs(T0, 2), 'ecs-ops.drain.start-notice': `sent:${T0}` } });
    // Twenty minutes of passes and another duplicate of the warning later: still one.
    for (let pass = 0; pass < 20; pass++) {
      clock += MIN;
      handled(await send(scheduled()));
    }
    handled(await send(spotWarning(id)));
    expect(kinds()).toEqual(['ops drain-started']);
  });

  it('Spot interruption of an empty instance, lifecycle event first: completed and reported at once, the warning still posts its drain-started', async () => {
    const send = await newHandler();
    const { id } = world.addInstance({ asg: 'prod-spot', state: 'Terminating:Wait' });
    handled(await send(lifecycleEvent(id, 'prod-spot')));
    expect(world.completed).toEqual([`${id} CONTINUE`]);
    handled(await send(spotWarning(id)));
    handled(await send(spotWarning(id)));
    expect(kinds()).toEqual(['ops drain-completed', 'ops drain-started']);
  });

  it('an instance another terminate hook holds in Terminating:Wait: one CompleteLifecycleAction, one drain-completed with the true duration', async () => {
    const send = await newHandler();
    const { id, arn } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', tasks: 1 });
    handled(await send(lifecycleEvent(id)));
    clock += 32_000;
    world.empty(arn);
    handled(await send(containerInstanceEvent(id, arn)));
    expect(world.completed).toEqual([`${id} CONTINUE`]);
    // ECS's managed-draining hook (or another tool's) still holds the instance: the ASG keeps it in Terminating:Wait,
    // and ecs-ops's own action is over ("No active Lifecycle Action" from now on).
    world.asgInstances.set(id, { asg: 'prod-asg', state: 'Terminating:Wait' });
    world.expired.add(id);
    for (let pass = 0; pass < 120; pass++) {
      clock += MIN;
      handled(await send(scheduled()));
    }
    // A late duplicate of the lifecycle event: its time is still the action's start.
    const late = lifecycleEvent(id);
    late.time = new Date(T0).toISOString();
    handled(await send(late));
    expect(ecs).toHaveReceivedCommandTimes(UpdateContainerInstancesStateCommand, 1);
    expect(autoscaling).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 1);
    expect(autoscaling).toHaveReceivedCommandTimes(RecordLifecycleActionHeartbeatCommand, 1);
    expect(kinds()).toEqual(['ops drain-completed']);
    expect(posted[0]?.notification.summary).toContain('1 task moved in 32s');
    expect(world.instances.get(arn)?.attributes['ecs-ops.drain.completed']).toBe(`${T0 + 32_000}/ecs-ops-drain`);
  });

  it('the completion mark is ecs-ops’s own hook’s, of this drain: a mark of another hook, or older than the drain, does not stop it', async () => {
    const send = await newHandler();
    const other = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', attributes: { ...attrs(T0 - 5 * MIN, 1), 'ecs-ops.drain.completed': `${T0 - MIN}/another-tools-hook` } });
    const older = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', attributes: { ...attrs(T0 - 5 * MIN, 1), 'ecs-ops.drain.completed': `${T0 - 6 * MIN}/ecs-ops-drain` } });
    handled(await send(scheduled()));
    expect(world.completed.sort()).toEqual([`${other.id} CONTINUE`, `${older.id} CONTINUE`].sort());
    expect(kinds()).toEqual(['ops drain-completed', 'ops drain-completed']);
  });

  it('a reused instance (a new lifecycle action after ecs-ops completed an earlier one) is drained afresh', async () => {
    const send = await newHandler();
    const { id, arn } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', status: 'DRAINING', tasks: 2, attributes: { ...attrs(T0 - 3 * 3600_000, 4), 'ecs-ops.drain.completed': `${T0 - 3 * 3600_000 + MIN}/ecs-ops-drain` } });
    handled(await send(lifecycleEvent(id)));
    expect(world.instances.get(arn)?.attributes).toMatchObject(attrs(T0, 2));
    expect(world.heartbeats).toEqual([id]);
  });

  it('notifyStart with the only channel down for 20 minutes: the deadline still counts from DRAINING, the notice comes when the channel is back', async () => {
    const send = await newHandler('drain:\n  notifyStart: true\n  deadline: 30m\n');
    const { id, arn } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', tasks: 2, group: 'family:nightly-report' });
    failDeliveries = 1_000_000;
    // Owed on the waiting instance, which every reconcile pass looks at: the invocation does not fail for it (no
    // retries, no dead letters while the channel is down).
    handled(await send(lifecycleEvent(id)));
    expect(world.instances.get(arn)?.attributes).toMatchObject({ ...attrs(T0, 2), 'ecs-ops.drain.start-notice': `pending:${T0}:lifecycle-action` });
    for (let pass = 1; pass <= 30; pass++) {
      clock = T0 + pass * MIN;
      if (pass === 20) failDeliveries = 0;
      handled(await send(scheduled()));
      if (pass < 30) expect(world.completed).toEqual([]);
    }
    expect(world.instances.get(arn)?.attributes['ecs-ops.drain.start-notice']).toBe(`sent:${T0}`);
    expect(kinds().filter((k) => k.startsWith('ops'))).toEqual(['ops drain-started', 'ops drain-forced']);
    expect(world.completed).toEqual([`${id} CONTINUE`]);
    const started = posted.find((p) => p.notification.kind === 'drain-started')?.notification;
    expect(started?.summary).toContain('the ASG is terminating the instance');
  });

  it('the global timeout caps the deadline from the start of the drain, whatever the notices do', async () => {
    // Heartbeat timeout 30 s: global timeout 50 minutes, below the 1 h deadline.
    world.hooks.splice(0, world.hooks.length, { asg: 'prod-asg', name: 'ecs-ops-drain', heartbeat: 30 });
    const send = await newHandler('drain:\n  notifyStart: true\n  deadline: 1h\n');
    const { id } = world.addInstance({ asg: 'prod-asg', state: 'Terminating:Wait', tasks: 1, group: 'family:nightly-report' });
    failDeliveries = 1_000_000;
    handled(await send(lifecycleEvent(id)));
    let forcedAt: number | undefined;
    for (let pass = 1; pass <= 50 && forcedAt === undefined; pass++) {
      clock = T0 + pass * MIN;
      if (pass === 25) failDeliveries = 0;
      await send(scheduled()).catch(() => undefined);
      if (world.completed.length > 0) forcedAt = clock;
    }
    // 50 min − 2 passes: before the ASG would end the action on its own.
    expect(forcedAt).toBe(T0 + 48 * MIN);
    expect(kinds().filter((k) => k.startsWith('ops'))).toEqual(['ops drain-started', 'ops drain-forced']);
  });
});
