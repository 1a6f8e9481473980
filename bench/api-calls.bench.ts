/**
 * AWS calls per operation at 10, 1,000 and 5,000 container instances (20 tasks each), against the minimum the API
 * batch limits allow for the same work. Each capability adds its operations to OPERATIONS: a name, how to run it once
 * against a FakeFleet (bench/support/fake-fleet.ts: the real page sizes and batch limits, every call counted) and the
 * minimum, with the formula in words. Fleets have SERVICES services, or what an operation's `services` says (placement and
 * digest: 100 tasks per service, so 1,000 instances = 200 services and 20,000 tasks). Only ECS, EC2 Auto Scaling and
 * Application Auto Scaling calls are counted; DynamoDB (idempotency records, the schedule retry store) is answered by a
 * mock that accepts everything and is not counted. Run alone: `npm run bench -- api-calls`.
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createDigestHandler } from '../functions/digest.js';
import { createDrainHandler } from '../functions/drain.js';
import { createPlacementHandler } from '../functions/placement.js';
import { createScheduleRunnerHandler } from '../functions/schedule-runner.js';
import { parseConfig } from '../lib/config/index.js';
import type { EcsOpsConfig } from '../lib/config/schema.js';
import { createLogger, createMetrics } from '../lib/observability.js';
import { dynamoRetryStore } from '../lib/schedule/aws.js';
import { groupFor, startedByFor } from '../lib/schedule/identity.js';
import type { BenchMetric, BenchResult } from './index.js';
import { FakeFleet, REGION } from './support/fake-fleet.js';

export const SIZES = [10, 1_000, 5_000] as const;
export const TASKS_PER_INSTANCE = 20;
export const SERVICES = 50;

export interface Minimum {
  calls: number;
  /** How the minimum is counted, e.g. "1 DescribeAutoScalingInstances + …". */
  formula: string;
}

export interface Operation {
  capability: string;
  name: string;
  /** Runs the operation once on `fleet` (already installed); the calls made are what `fleet.calls` records after `measureFrom()`. */
  run(fleet: FakeFleet, measureFrom: () => void): Promise<void>;
  minimum(fleet: FakeFleet): Minimum;
  /** Services in the fleet at `instances` instances (default {@link SERVICES}). */
  services?(instances: number): number;
}

const ceil = (n: number, size: number) => Math.ceil(n / size);

function event(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../test/fixtures/events/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

/** The fleet's cluster and ASG (drain hook), one Slack channel, and `extra` YAML (top-level sections). */
function benchConfig(fleet: FakeFleet, extra = ''): EcsOpsConfig {
  const parsed = parseConfig(`version: 1\nclusters:\n  - name: ${fleet.cluster}\n    asgs: [{ name: ${fleet.asg}, lifecycleHook: ${fleet.hook} }]\nnotifications:\n  channels:\n    - { name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }\n${extra}`, 'bench.yml');
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  return parsed.config;
}
const drainConfig = (fleet: FakeFleet) => benchConfig(fleet);

const context = { functionName: 'ecs-ops-drain', awsRequestId: 'bench', getRemainingTimeInMillis: () => 50_000 } as unknown as Context;

/** The production drain handler wired to the fake fleet (and a DynamoDB that accepts every write). */
function drainHandler(fleet: FakeFleet) {
  return createDrainHandler({
    config: drainConfig(fleet),
    ecs: new ECSClient({ region: REGION }),
    autoscaling: new AutoScalingClient({ region: REGION }),
    deliverer: { deliver: () => Promise.resolve({ delivered: true }) },
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: 'bench', awsSdkV3Client: new DynamoDBClient({ region: REGION }) }),
    logger: createLogger('ecs-ops-drain'),
    metrics: createMetrics('ecs-ops-drain'),
    region: REGION,
  });
}

function lifecycleEvent(fleet: FakeFleet, ec2InstanceId: string, n: number): Record<string, unknown> {
  const e = event('asg-terminate-lifecycle');
  return { ...e, id: `bench-lifecycle-${n}`, region: REGION, detail: { ...(e.detail as object), AutoScalingGroupName: fleet.asg, LifecycleHookName: fleet.hook, EC2InstanceId: ec2InstanceId } };
}

/** Placement and digest fleets: 100 tasks per service (1,000 instances: 200 services, 20,000 tasks). */
const servicesAtScale = (instances: number) => Math.max(2, Math.round((instances * TASKS_PER_INSTANCE) / 100));

const PLACEMENT = `placement:\n  policies:\n    - { name: spread, select: {}, mode: audit, rules: { azBalance: { maxSkew: 2 }, maxPerInstance: 3 } }\n`;

/** The production placement handler on the fake fleet, an audit-mode policy over every service. */
function placementHandler(fleet: FakeFleet) {
  return createPlacementHandler({
    config: benchConfig(fleet, PLACEMENT),
    ecs: new ECSClient({ region: REGION }),
    deliverer: { deliver: () => Promise.resolve({ delivered: true }) },
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: 'bench', awsSdkV3Client: new DynamoDBClient({ region: REGION }) }),
    logger: createLogger('ecs-ops-placement'),
    metrics: createMetrics('ecs-ops-placement'),
    region: REGION,
  });
}

/** Schedules of the scheduled-task operations: each has one run going and two that ended well (ECS keeps stopped tasks about an hour). */
const SCHEDULES = ['nightly-report', 'hourly-sync', 'cleanup'] as const;
const RUNS_PER_SCHEDULE = 3;
const SCHEDULE_CONFIG = `schedules:\n${SCHEDULES.map((name) => `  - { name: ${name}, schedule: 'rate(1 hour)', cluster: prod, taskDefinition: ${name} }\n`).join('')}`;

function scheduleRunner(fleet: FakeFleet) {
  const dynamodb = new DynamoDBClient({ region: REGION });
  return createScheduleRunnerHandler({
    config: benchConfig(fleet, SCHEDULE_CONFIG),
    ecs: new ECSClient({ region: REGION }),
    retries: dynamoRetryStore(dynamodb, 'bench'),
    deliverer: { deliver: () => Promise.resolve({ delivered: true }) },
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: 'bench', awsSdkV3Client: dynamodb }),
    reportStore: new DynamoDBPersistenceLayer({ tableName: 'bench', awsSdkV3Client: dynamodb }),
    logger: createLogger('ecs-ops-schedule-runner'),
    metrics: createMetrics('ecs-ops-schedule-runner'),
    region: REGION,
  });
}

/** Earlier runs of every schedule: one going (started 5 minutes ago), the others stopped with exit code 0. */
function addScheduleRuns(fleet: FakeFleet): void {
  const now = Date.now();
  for (const name of SCHEDULES) {
    for (let k = 0; k < RUNS_PER_SCHEDULE; k++) {
      const tickMs = Math.floor(now / 3_600_000) * 3_600_000 - k * 3_600_000;
      const going = k === 0;
      fleet.addTask({
        group: groupFor({ schedule: name, tickMs, attempt: 1 }),
        startedBy: startedByFor(name),
        taskDefinitionArn: `arn:aws:ecs:${REGION}:123456789012:task-definition/${name}:1`,
        lastStatus: going ? 'RUNNING' : 'STOPPED',
        desiredStatus: going ? 'RUNNING' : 'STOPPED',
        startedAt: new Date(going ? now - 300_000 : tickMs + 20_000),
        ...(going ? {} : { stoppedAt: new Date(tickMs + 600_000), exitCode: 0 }),
      });
    }
  }
}

const DIGEST = `summary:\n  digest:\n    schedule: cron(0 12 * * ? *)\n`;

function digestHandler(fleet: FakeFleet) {
  return createDigestHandler({
    config: benchConfig(fleet, DIGEST),
    ecs: new ECSClient({ region: REGION }),
    autoscaling: new AutoScalingClient({ region: REGION }),
    aas: new ApplicationAutoScalingClient({ region: REGION }),
    deliverer: { deliver: () => Promise.resolve({ delivered: true }) },
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: 'bench', awsSdkV3Client: new DynamoDBClient({ region: REGION }) }),
    logger: createLogger('ecs-ops-digest'),
    metrics: createMetrics('ecs-ops-digest'),
    region: REGION,
  });
}

/** A handler outcome other than the one expected means the operation measured is not the one named: fail loudly. */
function expectStatus(outcome: { status: string }, status: string, what: string): void {
  if (outcome.status !== status) throw new Error(`${what}: expected ${status}, got ${JSON.stringify(outcome).slice(0, 500)}`);
}

/** Distinct services of the tasks on `instances`. */
function servicesOn(fleet: FakeFleet, instances: readonly { arn: string }[]): number {
  return new Set(instances.flatMap((i) => (fleet.tasksByInstance.get(i.arn) ?? []).map((t) => t.group))).size;
}

/** Waiting instances in the reconcile operation: 10% of the fleet (at least one). */
const waitingOf = (fleet: FakeFleet) => Math.max(1, Math.round(fleet.spec.instances / 10));

export const OPERATIONS: Operation[] = [
  {
    capability: 'drain',
    name: 'lifecycle event: one instance scaled in (cold Lambda)',
    async run(fleet, measureFrom) {
      const [instance] = fleet.first(1);
      if (!instance) throw new Error('empty fleet');
      fleet.terminate(instance);
      measureFrom();
      await drainHandler(fleet)(lifecycleEvent(fleet, instance.ec2InstanceId, 0), context);
    },
    minimum(fleet) {
      const [instance] = fleet.first(1);
      const services = servicesOn(fleet, instance ? [instance] : []);
      const calls = 1 + 1 + 1 + 1 + ceil(TASKS_PER_INSTANCE, 100) + ceil(services, 10) + 1 + 1;
      return {
        calls,
        formula: `1 DescribeAutoScalingInstances + 1 DescribeLifecycleHooks (cold) + 1 ListContainerInstances + 1 DescribeContainerInstances + 1 ListTasks + ⌈${TASKS_PER_INSTANCE}/100⌉ DescribeTasks + ⌈${services} services/10⌉ DescribeServices + 1 UpdateContainerInstancesState`,
      };
    },
  },
  {
    capability: 'drain',
    name: 'reconcile pass: 10% of the fleet waiting in Terminating:Wait, draining',
    async run(fleet, measureFrom) {
      const handler = drainHandler(fleet);
      const waiting = fleet.first(waitingOf(fleet));
      for (const [n, i] of waiting.entries()) {
        fleet.terminate(i);
        await handler(lifecycleEvent(fleet, i.ec2InstanceId, n), context);
      }
      measureFrom();
      await handler({ ...event('scheduled-event'), id: 'bench-reconcile', region: REGION }, context);
    },
    minimum(fleet) {
      const w = waitingOf(fleet);
      const services = servicesOn(fleet, fleet.first(w));
      const calls = 1 + ceil(w, 100) + ceil(w, 100) + w + ceil(w * TASKS_PER_INSTANCE, 100) + ceil(services, 10);
      return {
        calls,
        formula: `1 DescribeAutoScalingGroups + ⌈${w}/100⌉ ListContainerInstances + ⌈${w}/100⌉ DescribeContainerInstances + ${w} ListTasks (one container instance per call) + ⌈${w * TASKS_PER_INSTANCE}/100⌉ DescribeTasks + ⌈${services}/10⌉ DescribeServices`,
      };
    },
  },
  {
    capability: 'drain',
    name: 'reconcile pass: nothing waiting',
    async run(fleet, measureFrom) {
      measureFrom();
      await drainHandler(fleet)({ ...event('scheduled-event'), id: 'bench-reconcile-idle', region: REGION }, context);
    },
    minimum: () => ({ calls: 1, formula: '1 DescribeAutoScalingGroups' }),
  },
  {
    capability: 'placement',
    name: 'whole-cluster audit (scheduled pass, audit-mode azBalance + maxPerInstance)',
    services: servicesAtScale,
    async run(fleet, measureFrom) {
      measureFrom();
      const outcome = await placementHandler(fleet)({ ...event('scheduled-event'), id: 'bench-placement-audit', region: REGION }, context);
      expectStatus(outcome, 'handled', 'placement audit');
    },
    minimum(fleet) {
      const s = fleet.services.length;
      const i = fleet.instances.size;
      const t = fleet.tasks.size;
      return {
        calls: ceil(s, 100) + ceil(s, 10) + 2 * ceil(i, 100) + 2 * ceil(t, 100),
        formula: `⌈${s} services/100⌉ ListServices + ⌈${s}/10⌉ DescribeServices + ⌈${i} instances/100⌉ ListContainerInstances + ⌈${i}/100⌉ DescribeContainerInstances + ⌈${t} tasks/100⌉ ListTasks + ⌈${t}/100⌉ DescribeTasks`,
      };
    },
  },
  {
    capability: 'placement',
    name: 'single-service audit (ECS Task State Change RUNNING)',
    services: servicesAtScale,
    async run(fleet, measureFrom) {
      const [task] = fleet.tasks.values();
      if (!task) throw new Error('empty fleet');
      const e = event('ecs-task-state-change-running-ec2-capacity-provider-2025');
      const detail = { ...(e.detail as object), clusterArn: `arn:aws:ecs:${REGION}:123456789012:cluster/${fleet.cluster}`, taskArn: task.arn, containerInstanceArn: task.ci, group: task.group, lastStatus: 'RUNNING', desiredStatus: 'RUNNING' };
      measureFrom();
      const outcome = await placementHandler(fleet)({ ...e, id: 'bench-placement-task', region: REGION, detail }, context);
      expectStatus(outcome, 'handled', 'placement single-service audit');
    },
    minimum(fleet) {
      const [task] = fleet.tasks.values();
      const t = [...fleet.tasks.values()].filter((x) => x.group === task?.group && x.desiredStatus !== 'STOPPED').length;
      const i = fleet.instances.size;
      return {
        calls: 1 + 2 * ceil(t, 100) + 2 * ceil(i, 100),
        formula: `1 DescribeServices + ⌈${t} tasks of the service/100⌉ ListTasks + ⌈${t}/100⌉ DescribeTasks + ⌈${i} instances/100⌉ ListContainerInstances + ⌈${i}/100⌉ DescribeContainerInstances (the engine needs the cluster's instances: eligible zones, per-instance counts)`,
      };
    },
  },
  {
    capability: 'schedule',
    name: `tick of a schedule (concurrency: forbid, none running; ${SCHEDULES.length} schedules in the config)`,
    async run(fleet, measureFrom) {
      measureFrom();
      const outcome = await scheduleRunner(fleet)({ schedule: SCHEDULES[0], scheduledTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }, context);
      expectStatus(outcome, 'handled', 'schedule tick');
      if (outcome.status !== 'handled' || outcome.taskArns?.length !== 1) throw new Error(`schedule tick: expected one run started, got ${JSON.stringify(outcome)}`);
    },
    minimum: () => ({ calls: 2, formula: '1 ListTasks (startedBy, desired RUNNING) + 1 RunTask' }),
  },
  {
    capability: 'schedule',
    name: `reconcile pass: ${SCHEDULES.length} schedules, each with 1 run going and ${RUNS_PER_SCHEDULE - 1} stopped`,
    async run(fleet, measureFrom) {
      addScheduleRuns(fleet);
      measureFrom();
      expectStatus(await scheduleRunner(fleet)({ ...event('scheduled-event'), id: 'bench-schedule-reconcile', region: REGION }, context), 'handled', 'schedule reconcile');
    },
    minimum: () => {
      const n = SCHEDULES.length;
      return { calls: n * (2 + ceil(RUNS_PER_SCHEDULE, 100)), formula: `${n} schedules × (2 ListTasks (startedBy; RUNNING and STOPPED) + ⌈${RUNS_PER_SCHEDULE} tasks/100⌉ DescribeTasks)` };
    },
  },
  {
    capability: 'digest',
    name: 'daily digest of the cluster and its ASG (quiet window)',
    services: servicesAtScale,
    async run(fleet, measureFrom) {
      measureFrom();
      const outcome = await digestHandler(fleet)({ ...event('scheduled-event'), id: 'bench-digest', region: REGION }, context);
      expectStatus(outcome, 'digested', 'digest');
      // A quiet window: one digest of the cluster, saying nothing changed.
      if (outcome.status === 'digested' && (outcome.clusters.length !== 1 || outcome.clusters[0]?.cluster !== fleet.cluster || !outcome.clusters[0].empty)) throw new Error(`digest: expected one empty digest of ${fleet.cluster}, got ${JSON.stringify(outcome.clusters)}`);
    },
    minimum(fleet) {
      const s = fleet.services.length;
      return {
        calls: ceil(s, 100) + ceil(s, 10) + 1 + 1 + 1,
        formula: `⌈${s} services/100⌉ ListServices + ⌈${s}/10⌉ DescribeServices + 1 Application Auto Scaling DescribeScalingActivities (one page reaches the window's start) + 1 DescribeAutoScalingGroups + 1 EC2 Auto Scaling DescribeScalingActivities`,
      };
    },
  },
];

/** Runs `fn` with stdout and stderr silenced (the handlers' JSON logs and EMF metrics, thousands of lines at 5,000 instances). */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = () => true;
  process.stderr.write = () => true;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
}

export interface Measured {
  capability: string;
  operation: string;
  instances: number;
  calls: number;
  minimum: number;
  ratio: number;
  formula: string;
  byOperation: Record<string, number>;
  ms: number;
}

export async function measureOperation(op: Operation, instances: number): Promise<Measured> {
  const fleet = new FakeFleet({ instances, tasksPerInstance: TASKS_PER_INSTANCE, services: op.services?.(instances) ?? SERVICES });
  const uninstall = fleet.install();
  // Idempotency records (notifications) go to a DynamoDB that accepts everything; they are not ECS/ASG calls.
  const dynamo = mockClient(DynamoDBClient);
  dynamo.onAnyCommand().resolves({});
  let from = 0;
  const start = performance.now();
  try {
    await quietly(() => op.run(fleet, () => { from = fleet.calls.length; }));
  } finally {
    uninstall();
    dynamo.restore();
  }
  const calls = fleet.calls.slice(from);
  const byOperation: Record<string, number> = {};
  for (const c of calls) byOperation[c] = (byOperation[c] ?? 0) + 1;
  const min = op.minimum(fleet);
  return { capability: op.capability, operation: op.name, instances, calls: calls.length, minimum: min.calls, ratio: calls.length / min.calls, formula: min.formula, byOperation, ms: performance.now() - start };
}

export default async function apiCallsBench(): Promise<BenchResult> {
  const metrics: BenchMetric[] = [];
  const notes: string[] = [];
  for (const op of OPERATIONS) {
    for (const n of SIZES) {
      const m = await measureOperation(op, n);
      const label = `${m.capability}: ${m.operation} @ ${n.toLocaleString('en-US')} instances`;
      metrics.push({ name: `${label}: AWS calls`, value: m.calls, unit: 'calls', target: `minimum ${m.minimum} (batch limits)` });
      metrics.push({ name: `${label}: calls / minimum`, value: m.ratio, unit: '×', target: '<= 2.5', meetsTarget: m.ratio <= 2.5 });
      notes.push(`${label}: ${Object.entries(m.byOperation).map(([k, v]) => `${k} ${v}`).join(', ')}; minimum = ${m.formula}`);
    }
  }
  return { metrics, notes };
}
