/**
 * The schedule runner end to end: invocations through the middy handler, against a small in-memory ECS behind
 * aws-sdk-client-mock (RunTask with clientToken idempotency and failures[], ListTasks by startedBy, DescribeTasks,
 * StopTask, DescribeTaskDefinition), reports and capacity retries on a real DynamoDB implementation (dynalite).
 */
import type { Context } from 'aws-lambda';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  AccessDeniedException,
  ClientException,
  ConflictException,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type RunTaskCommandInput,
  type Task,
} from '@aws-sdk/client-ecs';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createScheduleRunnerHandler } from '../../functions/schedule-runner.js';
import type { Channel, EcsOpsConfig } from '../../lib/config/schema.js';
import type { Notification } from '../../lib/notify/types.js';
import { createLogger, createMetrics } from '../../lib/observability.js';
import { dynamoRetryStore } from '../../lib/schedule/aws.js';
import type { ScheduleOutcome } from '../../lib/schedule/index.js';
import { dynamoJournal, readJournal } from '../../lib/summary/journal.js';
import { fixtureEvent } from '../support/fixtures.js';
import { ACCOUNT, configWith, REGION, T0 } from './support.js';

const MIN = 60_000;
const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`;
const TD_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/report:3`;

/** An in-memory ECS with what the runner uses. */
class FakeEcs {
  readonly tasks = new Map<string, Task>();
  readonly tokens = new Map<string, { input: string; arns: string[] }>();
  /** The next RunTask calls (in order) find no capacity: their failures[] reason. */
  readonly noCapacity: string[] = [];
  /** Every RunTask call finds no capacity (after the `noCapacity` queue): this failures[] reason. */
  noCapacityAlways: string | undefined;
  refuse: string | undefined;
  /**
   * When set, the roles the caller may pass (iam:PassRole): RunTask passes the task definition's roles unless the request
   * overrides them, and refuses with ECS's AccessDeniedException when one is not passable (message shape of the real
   * error, e.g. https://github.com/aws/serverless-application-model/issues/2247).
   */
  passable: Set<string> | undefined;
  /** The roles of the task definition (DescribeTaskDefinition answers with them). */
  definitionRoles: { taskRoleArn?: string; executionRoleArn?: string } = {};
  private seq = 0;

  constructor(private readonly clock: () => number) {}

  install(ecs: AwsClientStub<ECSClient>): void {
    ecs.on(RunTaskCommand).callsFake((input: RunTaskCommandInput) => this.runTask(input));
    ecs.on(ListTasksCommand).callsFake((input: { startedBy?: string; desiredStatus?: string }) => ({
      taskArns: [...this.tasks.values()]
        .filter((t) => t.startedBy === input.startedBy && ((input.desiredStatus ?? 'RUNNING') === 'STOPPED') === (t.desiredStatus === 'STOPPED'))
        .map((t) => t.taskArn),
    }));
    ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({ tasks: input.tasks.flatMap((arn) => (this.tasks.has(arn) ? [structuredClone(this.tasks.get(arn))] : [])), failures: [] }));
    ecs.on(StopTaskCommand).callsFake((input: { task: string; reason?: string }) => {
      const task = this.tasks.get(input.task);
      if (task) Object.assign(task, { desiredStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: input.reason, stoppingAt: new Date(this.clock()) });
      return { task };
    });
    ecs.on(DescribeTaskDefinitionCommand).callsFake(() => ({
      taskDefinition: {
        ...this.definitionRoles,
        taskDefinitionArn: TD_ARN,
        family: 'report',
        revision: 3,
        containerDefinitions: [
          { name: 'report', essential: true, logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/report', 'awslogs-region': REGION, 'awslogs-stream-prefix': 'ecs' } } },
          { name: 'sidecar', essential: false },
        ],
      },
    }));
  }

  private runTask(input: RunTaskCommandInput): { tasks: Task[]; failures: { reason: string }[] } {
    if (this.refuse !== undefined) throw new ClientException({ message: this.refuse, $metadata: {} });
    if (this.passable !== undefined) {
      const passed = [input.overrides?.taskRoleArn ?? this.definitionRoles.taskRoleArn, input.overrides?.executionRoleArn ?? this.definitionRoles.executionRoleArn];
      const denied = passed.find((role) => role !== undefined && !this.passable?.has(role));
      if (denied !== undefined) {
        throw new AccessDeniedException({
          message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/ecs-ops-prod-scheduleRunner-${REGION}-lambdaRole/ecs-ops-prod-scheduleRunner is not authorized to perform: iam:PassRole on resource: ${denied} because no identity-based policy allows the iam:PassRole action`,
          $metadata: {},
        });
      }
    }
    const token = input.clientToken ?? '';
    const { clientToken: _ignored, ...rest } = input;
    const fingerprint = JSON.stringify(rest);
    const previous = this.tokens.get(token);
    if (previous) {
      if (previous.input !== fingerprint) throw new ConflictException({ message: 'clientToken in use', resourceIds: previous.arns, $metadata: {} });
      return { tasks: previous.arns.map((arn) => structuredClone(this.tasks.get(arn) ?? {})), failures: [] };
    }
    const reason = this.noCapacity.shift() ?? this.noCapacityAlways;
    if (reason !== undefined) return { tasks: [], failures: Array.from({ length: input.count ?? 1 }, () => ({ reason })) };
    const tasks: Task[] = [];
    for (let i = 0; i < (input.count ?? 1); i++) {
      const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod/${(++this.seq).toString(16).padStart(32, '0')}`;
      const task: Task = {
        taskArn: arn,
        clusterArn: CLUSTER_ARN,
        taskDefinitionArn: TD_ARN,
        group: input.group,
        startedBy: input.startedBy,
        lastStatus: 'PROVISIONING',
        desiredStatus: 'RUNNING',
        createdAt: new Date(this.clock()),
        tags: input.tags,
        containers: [{ name: 'report', lastStatus: 'PENDING' }, { name: 'sidecar', lastStatus: 'PENDING' }],
      };
      this.tasks.set(arn, task);
      tasks.push(structuredClone(task));
    }
    this.tokens.set(token, { input: fingerprint, arns: tasks.map((t) => t.taskArn ?? '') });
    return { tasks, failures: [] };
  }

  start(arn: string): void {
    const task = this.tasks.get(arn);
    if (task) Object.assign(task, { lastStatus: 'RUNNING', startedAt: new Date(this.clock()) });
  }

  /** The task stops: exit codes by container, and the STOPPED event ECS would send. */
  stop(arn: string, exitCodes: Record<string, number | undefined>, fields: Partial<Task> = {}): unknown {
    const task = this.tasks.get(arn);
    if (!task) throw new Error(`no task ${arn}`);
    Object.assign(task, {
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stoppedAt: new Date(this.clock()),
      stopCode: task.stopCode ?? 'EssentialContainerExited',
      stoppedReason: task.stoppedReason ?? 'Essential container in task exited',
      containers: (task.containers ?? []).map((c) => ({ ...c, lastStatus: 'STOPPED', ...(exitCodes[c.name ?? ''] !== undefined ? { exitCode: exitCodes[c.name ?? ''] } : {}) })),
      ...fields,
    });
    return this.stoppedEvent(task);
  }

  stoppedEvent(task: Task): unknown {
    const event = fixtureEvent('ecs-task-state-change-stopped');
    const iso = (d: Date | undefined) => (d === undefined ? undefined : d.toISOString());
    event.detail = {
      taskArn: task.taskArn,
      clusterArn: CLUSTER_ARN,
      taskDefinitionArn: task.taskDefinitionArn,
      group: task.group,
      startedBy: task.startedBy,
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      createdAt: iso(task.createdAt),
      startedAt: iso(task.startedAt),
      stoppedAt: iso(task.stoppedAt),
      stopCode: task.stopCode,
      stoppedReason: task.stoppedReason,
      version: 5,
      containers: (task.containers ?? []).map((c) => ({ containerArn: `${task.taskArn ?? ''}/${c.name ?? ''}`, name: c.name, lastStatus: 'STOPPED', ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}) })),
    };
    return event;
  }
}

const ecs = mockClient(ECSClient);
let fake: FakeEcs;
let clock: number;
let posted: { channel: string; notification: Notification }[];
let db: ReturnType<typeof dynalite>;
let dynamo: DynamoDBClient;
let tableCounter = 0;
let tableName: string;

const context = { functionName: 'ecs-ops-schedule-runner', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 50_000 } as unknown as Context;

beforeAll(async () => {
  db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => db.listen(0, '127.0.0.1', () => { resolve(); }));
  const { port } = db.address() as AddressInfo;
  dynamo = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});

afterAll(async () => {
  await new Promise<void>((resolve) => db.close(() => { resolve(); }));
});

async function newHandler(config: EcsOpsConfig) {
  tableName = `ecs-ops-schedule-${++tableCounter}`;
  await dynamo.send(
    new CreateTableCommand({ TableName: tableName, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }),
  );
  const handler = createScheduleRunnerHandler({
    config,
    ecs: new ECSClient({ region: REGION }),
    retries: dynamoRetryStore(dynamo, tableName),
    deliverer: {
      deliver: (channel: Channel, notification: Notification) => {
        posted.push({ channel: channel.name, notification });
        return Promise.resolve({ delivered: true });
      },
    },
    persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamo }),
    reportStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamo }),
    journal: dynamoJournal(dynamo, tableName, createLogger('ecs-ops-schedule-runner')),
    logger: createLogger('ecs-ops-schedule-runner'),
    metrics: createMetrics('ecs-ops-schedule-runner'),
    now: () => clock,
    region: REGION,
  });
  return (event: unknown): Promise<ScheduleOutcome> => handler(event, context);
}

const tick = (at = T0, schedule = 'report') => ({ schedule, scheduledTime: new Date(at).toISOString().replace('.000Z', 'Z') });
const reconcileEvent = () => ({ ...fixtureEvent('scheduled-event'), time: new Date(clock).toISOString(), resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/ecs-ops-prod-reconcile`] });
const ecsCalls = () => ecs.calls().length;
/** The ops journal's entries of cluster prod around T0 (what the digest reads). */
const journaled = async (): Promise<string[]> => (await readJournal(dynamo, tableName, 'prod', { start: T0 - 86_400_000, end: T0 + 86_400_000 })).entries.map((e) => e.detail);
const runInputs = (): RunTaskCommandInput[] => ecs.commandCalls(RunTaskCommand).map((c) => c.args[0].input);

beforeEach(() => {
  ecs.reset();
  clock = T0 + 2000;
  fake = new FakeEcs(() => clock);
  fake.install(ecs);
  posted = [];
  for (const stream of [process.stdout, process.stderr]) vi.spyOn(stream, 'write').mockImplementation(() => true);
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, method).mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a tick', () => {
  it('starts the run in 2 ECS calls (ListTasks, RunTask) with its identity, capacity, network and overrides', async () => {
    const run = await newHandler(
      configWith({
        launchType: 'FARGATE',
        networkConfiguration: { subnets: ['subnet-0a1b'], securityGroups: ['sg-0c2d'] },
        overrides: { containers: [{ name: 'report', command: ['run', '--day'], environment: { MODE: 'full' } }] },
        tags: { team: 'data' },
      }),
    );
    const outcome = await run(tick());
    expect(outcome).toMatchObject({ status: 'handled', trigger: 'tick', schedule: 'report' });
    expect(ecsCalls()).toBe(2);
    expect(ecs.commandCalls(ListTasksCommand)[0]?.args[0].input).toMatchObject({ cluster: 'prod', startedBy: 'ecs-ops/report', desiredStatus: 'RUNNING' });
    const input = runInputs()[0];
    expect(input).toMatchObject({
      cluster: 'prod',
      taskDefinition: 'report',
      count: 1,
      startedBy: 'ecs-ops/report',
      group: 'ecs-ops:report:20260101T080000Z:1',
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a1b'], securityGroups: ['sg-0c2d'], assignPublicIp: 'DISABLED' } },
      overrides: { containerOverrides: [{ name: 'report', command: ['run', '--day'], environment: [{ name: 'MODE', value: 'full' }] }] },
    });
    expect(input?.tags).toEqual([
      { key: 'team', value: 'data' },
      { key: 'ecs-ops:schedule', value: 'report' },
      { key: 'ecs-ops:tick', value: '2026-01-01T08:00:00Z' },
      { key: 'ecs-ops:attempt', value: '1' },
    ]);
    expect(input?.clientToken?.length).toBeLessThanOrEqual(64);
    expect(posted).toEqual([]);
  });

  it('never starts a second run for a repeated tick (forbid: the running task of the tick; allow: the clientToken)', async () => {
    const run = await newHandler(configWith({ concurrency: 'forbid' }));
    await run(tick());
    const again = await run(tick());
    expect(again).toMatchObject({ status: 'handled', actions: [expect.stringMatching(/already running/) as string] });
    expect(fake.tasks.size).toBe(1);
    expect(posted).toEqual([]);

    ecs.resetHistory();
    const allow = await newHandler(configWith({ concurrency: 'allow' }));
    await allow(tick(T0 + 60 * MIN));
    expect(ecsCalls()).toBe(1);
    await allow(tick(T0 + 60 * MIN));
    expect(fake.tasks.size).toBe(2);
    expect(new Set(runInputs().map((i) => i.clientToken)).size).toBe(1);
  });

  it('skips a tick under forbid while the previous run is going, and reports the skip once', async () => {
    const run = await newHandler(configWith({ concurrency: 'forbid' }));
    await run(tick(T0));
    clock = T0 + 60 * MIN + 1000;
    await run(tick(T0 + 60 * MIN));
    await run(tick(T0 + 60 * MIN));
    expect(fake.tasks.size).toBe(1);
    expect(posted.map((p) => p.notification.kind)).toEqual(['schedule-skipped']);
    expect(posted[0]?.notification.title).toBe('report: run of 2026-01-01T09:00:00Z skipped, the previous run is still going');
    expect(await journaled()).toEqual(['scheduled run of report at 09:00 skipped: 1 run(s) still going']);
  });

  it('stops the previous run with a clear reason under replace, then starts the new one', async () => {
    const run = await newHandler(configWith({ concurrency: 'replace' }));
    await run(tick(T0));
    const [old] = fake.tasks.keys();
    clock = T0 + 60 * MIN;
    await run(tick(T0 + 60 * MIN));
    expect(ecs.commandCalls(StopTaskCommand).map((c) => c.args[0].input)).toEqual([
      { cluster: 'prod', task: old, reason: 'ecs-ops: replaced by the run of 2026-01-01T09:00:00Z (schedule report, concurrency: replace)' },
    ]);
    expect(fake.tasks.size).toBe(2);
    posted = [];
    await run(fake.stop(old ?? '', { report: 143 }));
    expect(posted.map((p) => p.notification.kind)).toEqual(['schedule-replaced']);
  });

  it('does nothing for a suspended schedule and reports a missed starting deadline without calling ECS', async () => {
    const suspended = await newHandler(configWith({ suspend: true }));
    expect(await suspended(tick())).toMatchObject({ actions: ['suspended: not run'] });
    const late = await newHandler(configWith({ startingDeadlineSeconds: 60 }));
    clock = T0 + 5 * MIN;
    await late(tick());
    await late(tick());
    expect(ecsCalls()).toBe(0);
    expect(posted.map((p) => p.notification.kind)).toEqual(['schedule-missed']);
    expect(await journaled()).toEqual(['scheduled run of report at 08:00 missed: 5m 00s late']);
    expect(posted[0]?.notification.summary).toMatch(/5m 00s late/);
  });

  it('accepts the Scheduler default payload naming a schedule, and treats another scheduled event as the reconcile pass', async () => {
    const run = await newHandler(configWith());
    const event = { ...fixtureEvent('scheduler-default-invocation'), time: '2026-01-01T08:00:00Z', resources: [`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/ecs-ops-prod/report`] };
    expect(await run(event)).toMatchObject({ trigger: 'tick', schedule: 'report' });
    expect(await run(reconcileEvent())).toMatchObject({ trigger: 'reconcile' });
  });

  it('drops an invocation for an unknown schedule with a clear error', async () => {
    const run = await newHandler(configWith());
    expect(await run(tick(T0, 'nope'))).toEqual({ status: 'malformed', error: 'schedule "nope" is not in the config (schedules: report)' });
    expect(await run({ schedule: 'report', scheduledTime: '<aws.scheduler.scheduled-time>' })).toMatchObject({ status: 'malformed', error: expect.stringMatching(/scheduledTime/) as string });
    expect(ecsCalls()).toBe(0);
  });
});

describe('capacity', () => {
  it('falls back to the fallback capacity provider strategy when the first finds no capacity', async () => {
    const run = await newHandler(
      configWith({ capacityProviderStrategy: [{ capacityProvider: 'spot' }], fallbackCapacityProviderStrategy: [{ capacityProvider: 'ondemand' }] }),
    );
    fake.noCapacity.push('RESOURCE:MEMORY');
    const outcome = await run(tick());
    expect(runInputs().map((i) => i.capacityProviderStrategy?.[0]?.capacityProvider)).toEqual(['spot', 'ondemand']);
    expect(new Set(runInputs().map((i) => i.clientToken)).size).toBe(2);
    expect(outcome).toMatchObject({ taskArns: [expect.any(String)] });
    // Reported as a fallback: the run started, on the second choice.
    expect(outcome).toMatchObject({ actions: expect.arrayContaining([expect.stringMatching(/^started on the fallback strategy \(ondemand\): /)]) as unknown });
    expect(posted).toEqual([]);
  });

  it('queues a capacity retry, reports the failed attempt once, and the reconcile pass starts attempt 2 when due', async () => {
    const run = await newHandler(configWith({ retries: { attempts: 1, backoffSeconds: 120 } }));
    fake.noCapacity.push('Capacity is unavailable at this time. Please try again later or in a different availability zone');
    await run(tick());
    expect(posted.map((p) => [p.notification.kind, p.notification.severity])).toEqual([['schedule-failed', 'warning']]);
    expect(posted[0]?.notification.summary).toMatch(/retries it \(attempt 2 of 2\) in about 2m 00s/);
    fake.noCapacity.push('RESOURCE:CPU');
    await run(tick()); // a repeated delivery, still no capacity: not reported again
    expect(posted).toHaveLength(1);
    clock = T0 + MIN;
    await run(reconcileEvent());
    expect(fake.tasks.size).toBeLessThanOrEqual(1);
    clock = T0 + 3 * MIN;
    await run(reconcileEvent());
    const groups = [...fake.tasks.values()].map((t) => t.group);
    expect(groups).toContain('ecs-ops:report:20260101T080000Z:2');
    await run(reconcileEvent());
    expect([...fake.tasks.values()].filter((t) => t.group === 'ecs-ops:report:20260101T080000Z:2')).toHaveLength(1);
  });

  it('drops a queued capacity retry when a repeated delivery of the tick started the run meanwhile', async () => {
    const run = await newHandler(configWith({ retries: { attempts: 2, backoffSeconds: 60 } }));
    fake.noCapacity.push('RESOURCE:MEMORY');
    await run(tick());
    await run(tick()); // capacity is back: the repeated delivery starts attempt 1
    clock = T0 + 10 * MIN;
    await run(reconcileEvent());
    await run(reconcileEvent());
    expect([...fake.tasks.values()].map((t) => t.group)).toEqual(['ecs-ops:report:20260101T080000Z:1']);
  });

  it('reports the last capacity failure as critical and does not retry past the attempts', async () => {
    const run = await newHandler(configWith({ retries: { attempts: 0 } }));
    fake.noCapacity.push('RESOURCE:CPU');
    await run(tick());
    expect(posted.map((p) => [p.notification.kind, p.notification.severity, p.notification.title])).toEqual([['schedule-failed', 'critical', 'report: run of 2026-01-01T08:00:00Z could not start (no capacity)']]);
    clock = T0 + 30 * MIN;
    await run(reconcileEvent());
    expect(fake.tasks.size).toBe(0);
  });

  it('sends the configured task and execution roles as RunTask overrides, beside the container overrides', async () => {
    const roles = { taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/report-task`, executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/report-exec` };
    await (await newHandler(configWith({ ...roles, concurrency: 'allow' })))(tick());
    expect(runInputs()[0]?.overrides).toEqual(roles);
    await (await newHandler(configWith({ executionRoleArn: roles.executionRoleArn, concurrency: 'allow', overrides: { containers: [{ name: 'report', command: ['x'] }] } })))(tick(T0 + 60 * MIN));
    expect(runInputs()[1]?.overrides).toEqual({ executionRoleArn: roles.executionRoleArn, containerOverrides: [{ name: 'report', command: ['x'] }] });
    await (await newHandler(configWith({ concurrency: 'allow' })))(tick(T0 + 120 * MIN));
    expect(runInputs()[2]?.overrides).toBeUndefined();
  });

  it('passes the configured role, not the task definition\'s: a schedule naming its execution role starts where the definition\'s would be refused', async () => {
    const granted = `arn:aws:iam::${ACCOUNT}:role/report-exec`;
    fake.passable = new Set([granted]);
    fake.definitionRoles = { executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole` };
    await (await newHandler(configWith({ executionRoleArn: granted })))(tick());
    expect(fake.tasks.size).toBe(1);
    expect(posted).toEqual([]);
  });

  it('reports an iam:PassRole refusal once, at critical severity, as a configuration error naming the role and the config field', async () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`;
    fake.passable = new Set();
    fake.definitionRoles = { executionRoleArn: role };
    const run = await newHandler(configWith({ retries: { attempts: 3, on: ['capacity'] } }));
    const first = await run(tick());
    expect(fake.tasks.size).toBe(0);
    expect(posted).toHaveLength(1);
    const { notification } = posted[0]!;
    expect(notification).toMatchObject({ kind: 'schedule-failed', severity: 'critical' });
    expect(notification.title).toBe('report: configuration error, scheduled runs cannot start (iam:PassRole)');
    expect(notification.summary).toContain(`ecs-ops may not pass role ${role} (iam:PassRole)`);
    expect(notification.summary).toContain(`It is the execution role of task definition report: set schedules[0].executionRoleArn: ${role} in the config and deploy again`);
    expect(notification.fields).toContainEqual({ label: 'Config field', value: 'schedules[0].executionRoleArn' });
    expect(first).toMatchObject({ status: 'handled', actions: [expect.stringMatching(/^configuration error: RunTask refused to start report/) as string, 'notified schedule-failed'] });
    // Not a capacity failure: nothing queued for retry. The next ticks fail the same way: logged, not posted again.
    expect(await dynamoRetryStore(dynamo, tableName).get('report')).toBeUndefined();
    const second = await run(tick(T0 + 60 * MIN));
    expect(posted).toHaveLength(1);
    expect(second).toMatchObject({ status: 'handled', actions: [expect.stringMatching(/^configuration error/) as string, expect.stringMatching(/^already reported config\|pass-role\|report\|/) as string] });
    // A different role of the same schedule is another error: reported too.
    fake.definitionRoles = { executionRoleArn: role, taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/report-task` };
    const run2 = await newHandler(configWith({ executionRoleArn: role }));
    fake.passable = new Set([role]);
    await run2(tick());
    expect(posted[1]?.notification.summary).toContain(`It is the task role of task definition report: set schedules[0].taskRoleArn: arn:aws:iam::${ACCOUNT}:role/report-task`);
  });

  it('makes every promised capacity retry or reports it abandoned, reports each tick\'s last failure once as critical, and bounds RunTask calls per tick (property, issue 14 item 4)', async () => {
    const compact = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z').replace(/[-:]/g, '');
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          periodMinutes: fc.integer({ min: 2, max: 5 }),
          attempts: fc.integer({ min: 1, max: 3 }),
          backoffSeconds: fc.constantFrom(60, 90, 120),
          concurrency: fc.constantFrom('allow' as const, 'forbid' as const, 'replace' as const),
          fallback: fc.boolean(),
          // Per minute: the tick's delivery delay (seconds), whether the reconcile pass runs before it, a repeated delivery.
          minutes: fc.array(fc.record({ delay: fc.integer({ min: 0, max: 50 }), reconcileFirst: fc.boolean(), repeat: fc.boolean() }), { minLength: 18, maxLength: 18 }),
        }),
        async ({ periodMinutes, attempts, backoffSeconds, concurrency, fallback, minutes }) => {
          ecs.reset();
          fake = new FakeEcs(() => clock);
          fake.install(ecs);
          fake.noCapacityAlways = 'RESOURCE:MEMORY';
          posted = [];
          const run = await newHandler(
            configWith({
              schedule: `rate(${periodMinutes} minutes)`,
              concurrency,
              retries: { attempts, backoffSeconds, on: ['capacity'] },
              capacityProviderStrategy: [{ capacityProvider: 'spot' }],
              ...(fallback ? { fallbackCapacityProviderStrategy: [{ capacityProvider: 'ondemand' }] } : {}),
            }),
          );
          const ticks: number[] = [];
          // 18 minutes of ticks and reconcile passes, then 16 of reconcile passes: every retry chain has ended.
          for (let m = 0; m < 34; m++) {
            const minute = T0 + m * MIN;
            const spec = minutes[m];
            const isTick = spec !== undefined && m % periodMinutes === 0;
            if (isTick && !spec.reconcileFirst) {
              clock = minute + spec.delay * 1000;
              ticks.push(minute);
              await run(tick(minute));
              if (spec.repeat) await run(tick(minute));
            }
            clock = Math.max(clock, minute + 55_000);
            await run(reconcileEvent());
            if (isTick && spec.reconcileFirst) {
              clock = minute + 60_000 + spec.delay * 100;
              ticks.push(minute);
              await run(tick(minute));
            }
          }
          const fieldOf = (n: Notification, label: string) => n.fields?.find((f) => f.label === label)?.value;
          const groups = runInputs().map((i) => i.group ?? '');
          // 1. Every "retries it (attempt k of n)" is followed by attempt k, or by a report that it is abandoned.
          for (const { notification: n } of posted) {
            const promised = /retries it \(attempt (\d+) of/.exec(n.summary)?.[1];
            if (promised === undefined) continue;
            const tickMs = Date.parse(fieldOf(n, 'Scheduled time') ?? '');
            const made = groups.includes(`ecs-ops:report:${compact(tickMs)}:${promised}`);
            const abandoned = posted.some((p) => fieldOf(p.notification, 'Scheduled time') === fieldOf(n, 'Scheduled time') && fieldOf(p.notification, 'Abandoned attempt')?.startsWith(`${promised} of`) === true);
            expect(made || abandoned, `attempt ${promised} of ${new Date(tickMs).toISOString()}`).toBe(true);
          }
          // 2. Each tick's last failure: exactly one critical report.
          for (const t of ticks) {
            const critical = posted.filter((p) => p.notification.severity === 'critical' && fieldOf(p.notification, 'Scheduled time') === new Date(t).toISOString().replace('.000Z', 'Z'));
            expect(critical, new Date(t).toISOString()).toHaveLength(1);
          }
          // 3. No run storm: at most (1 + attempts) attempts of one or two RunTask requests per tick (a repeated delivery
          // repeats a request with its clientToken).
          const perTick = new Map<string, Set<string>>();
          for (const i of runInputs()) {
            const key = (i.group ?? '').split(':')[2] ?? '';
            perTick.set(key, (perTick.get(key) ?? new Set()).add(i.clientToken ?? ''));
          }
          for (const tokens of perTick.values()) expect(tokens.size).toBeLessThanOrEqual((1 + attempts) * (fallback ? 2 : 1));
        },
      ),
      { numRuns: 6 },
    );
  }, 120_000);

  it('reports a RunTask refusal (ClientException) without retrying', async () => {
    const run = await newHandler(configWith({ retries: { attempts: 3 } }));
    fake.refuse = 'TaskDefinition not found.';
    await run(tick());
    expect(posted.map((p) => p.notification.summary)).toEqual(['RunTask did not start the task: ClientException: TaskDefinition not found..']);
  });
});

describe('completion', () => {
  it('reports a non-zero exit once, with exit codes, reason, duration and a CloudWatch Logs link', async () => {
    const run = await newHandler(configWith());
    await run(tick());
    const [arn = ''] = fake.tasks.keys();
    fake.start(arn);
    clock += 4 * MIN;
    const event = fake.stop(arn, { report: 3, sidecar: 0 });
    ecs.resetHistory();
    await run(event);
    await run(event);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
    expect(posted).toHaveLength(1);
    const n = posted[0]?.notification;
    expect(n?.kind).toBe('schedule-failed');
    expect(n?.title).toBe('report: run of 2026-01-01T08:00:00Z failed (exit code 3)');
    expect(n?.fields).toEqual(expect.arrayContaining([{ label: 'Exit codes', value: 'report=3' }, { label: 'Duration', value: '4m 00s' }, { label: 'Attempt', value: '1 of 1' }]));
    // Journaled once for the digest, like the report (the repeated event is refused by the entry id).
    expect(await journaled()).toEqual(['scheduled run of report failed with exit code 3 after 4m 00s: report exited 3']);
    const id = arn.split('/').pop() ?? '';
    expect(n?.links).toContainEqual({ text: 'Logs', url: `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Fecs$252Freport/log-events/ecs$252Freport$252F${id}` });
  });

  it('judges by the essential containers only, and a success costs no AWS call', async () => {
    const run = await newHandler(configWith());
    await run(tick());
    const [arn = ''] = fake.tasks.keys();
    fake.start(arn);
    ecs.resetHistory();
    await run(fake.stop(arn, { report: 0, sidecar: 0 }));
    expect(ecsCalls()).toBe(0);
    expect(posted).toEqual([]);
    // Not reported, still in the ops journal for the digest.
    expect(await journaled()).toEqual([expect.stringMatching(/^scheduled run of report succeeded after /) as string]);

    const noisy = await newHandler(configWith({ notify: { onSuccess: true } }));
    await noisy(tick(T0 + 60 * MIN));
    const arn2 = [...fake.tasks.keys()][1] ?? '';
    fake.start(arn2);
    await noisy(fake.stop(arn2, { report: 0, sidecar: 1 }));
    expect(posted.map((p) => p.notification.kind)).toEqual(['schedule-succeeded']);
  });

  it('reports a task that failed to start (a container that never ran)', async () => {
    const run = await newHandler(configWith());
    await run(tick());
    const [arn = ''] = fake.tasks.keys();
    await run(fake.stop(arn, {}, { stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: pull access denied' }));
    expect(posted.map((p) => p.notification.title)).toEqual(['report: run of 2026-01-01T08:00:00Z failed (failed to start)']);
  });

  it('ignores STOPPED tasks of no configured schedule and tasks not yet stopped', async () => {
    const run = await newHandler(configWith());
    const event = fixtureEvent('ecs-task-state-change-stopped');
    expect(await run(event)).toMatchObject({ status: 'handled', actions: [expect.stringMatching(/no configured schedule/) as string] });
    const running = fixtureEvent('ecs-task-state-change-running-fargate');
    expect(await run(running)).toMatchObject({ status: 'ignored' });
    expect(posted).toEqual([]);
  });
});

describe('reconcile', () => {
  it('reports the promised retry of a failed run abandoned, once and as critical, when a later tick has run (rule 7)', async () => {
    const run = await newHandler(configWith({ schedule: 'rate(5 minutes)', retries: { attempts: 2, backoffSeconds: 600, on: ['nonZeroExit'] } }));
    await run(tick(T0));
    const [first = ''] = fake.tasks.keys();
    fake.start(first);
    clock = T0 + 3 * MIN;
    await run(fake.stop(first, { report: 1 }));
    expect(posted.map((p) => [p.notification.severity, p.notification.summary])).toEqual([['warning', expect.stringMatching(/retries it \(attempt 2 of 3\) in about 10m 00s/) as string]]);
    clock = T0 + 5 * MIN;
    await run(tick(T0 + 5 * MIN));
    clock = T0 + 6 * MIN;
    await run(reconcileEvent());
    clock = T0 + 7 * MIN;
    await run(reconcileEvent());
    expect(posted.slice(1).map((p) => [p.notification.kind, p.notification.severity, p.notification.title])).toEqual([
      ['schedule-failed', 'critical', 'report: run of 2026-01-01T08:00:00Z abandoned, superseded by the tick of 2026-01-01T08:05:00Z'],
    ]);
    expect(posted[1]?.notification.summary).toBe('The run failed: report exited 1. The retry ecs-ops announced (attempt 2 of 3) is not made: the tick of 2026-01-01T08:05:00Z supersedes it.');
    clock = T0 + 20 * MIN;
    await run(reconcileEvent());
    expect([...fake.tasks.values()].map((t) => t.group)).toEqual(['ecs-ops:report:20260101T080000Z:1', 'ecs-ops:report:20260101T080500Z:1']);
    expect(posted).toHaveLength(2);
  });

  it('stops a run past timeoutSeconds with a clear reason, and reports it as a timeout', async () => {
    const run = await newHandler(configWith({ timeoutSeconds: 600 }));
    await run(tick());
    const [arn = ''] = fake.tasks.keys();
    fake.start(arn);
    clock += 9 * MIN;
    await run(reconcileEvent());
    expect(ecs.commandCalls(StopTaskCommand)).toHaveLength(0);
    clock += 2 * MIN;
    await run(reconcileEvent());
    const reason = ecs.commandCalls(StopTaskCommand)[0]?.args[0].input.reason ?? '';
    expect(reason).toMatch(/^ecs-ops: timeout: ran 6\d\ds, longer than timeoutSeconds 600 of schedule report$/);
    await run(fake.stop(arn, { report: 143 }));
    expect(posted.map((p) => [p.notification.kind, p.notification.title])).toEqual([['schedule-timeout', 'report: run of 2026-01-01T08:00:00Z stopped after its timeout (600s)']]);
  });

  it('reports a failed run whose STOPPED event was lost, exactly once, and retries it after its backoff', async () => {
    const run = await newHandler(configWith({ retries: { attempts: 1, backoffSeconds: 120, on: ['nonZeroExit'] } }));
    await run(tick());
    const [arn = ''] = fake.tasks.keys();
    fake.start(arn);
    clock += 5 * MIN;
    fake.stop(arn, { report: 1 }); // the event never arrives
    clock += 30_000;
    await run(reconcileEvent());
    expect(posted).toEqual([]);
    clock += 60_000;
    await run(reconcileEvent());
    expect(posted.map((p) => p.notification.kind)).toEqual(['schedule-failed']);
    clock += 60_000;
    // Hours later for Powertools too (it reads Date): the report is remembered longer than an in-progress record lives.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3 * 3600_000);
    const again = await run(reconcileEvent());
    vi.useRealTimers();
    expect(posted).toHaveLength(1);
    expect(again).toMatchObject({ status: 'handled' });
    expect(JSON.stringify(again)).not.toContain('notified');
    // Journaled with the report: once, whatever the number of reconcile passes that see the run.
    expect(await journaled()).toEqual([expect.stringMatching(/^scheduled run of report failed with exit code 1 after 5m 00s: .*; retry 2 in 2m 00s$/) as string]);
    const retried = [...fake.tasks.values()].filter((t) => t.group === 'ecs-ops:report:20260101T080000Z:2');
    expect(retried).toHaveLength(1);
    expect(runInputs().at(-1)?.tags).toContainEqual({ key: 'ecs-ops:attempt', value: '2' });
    // The retry fails too: reported, and no third attempt.
    fake.start(retried[0]?.taskArn ?? '');
    await run(fake.stop(retried[0]?.taskArn ?? '', { report: 1 }));
    clock += 30 * MIN;
    await run(reconcileEvent());
    expect(posted.map((p) => [p.notification.kind, p.notification.severity])).toEqual([
      ['schedule-failed', 'warning'],
      ['schedule-failed', 'critical'],
    ]);
    expect(fake.tasks.size).toBe(2);
  });
});
