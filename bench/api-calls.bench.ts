/**
 * AWS calls per operation at 10, 1,000 and 5,000 container instances (20 tasks each), against the minimum the API
 * batch limits allow for the same work. Each capability adds its operations to OPERATIONS: a name, how to run it once
 * against a FakeFleet (bench/support/fake-fleet.ts: the real page sizes and batch limits, every call counted) and the
 * minimum, with the formula in words. Run alone: `npm run bench -- api-calls`.
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createDrainHandler } from '../functions/drain.js';
import { parseConfig } from '../lib/config/index.js';
import type { EcsOpsConfig } from '../lib/config/schema.js';
import { createLogger, createMetrics } from '../lib/observability.js';
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
}

const ceil = (n: number, size: number) => Math.ceil(n / size);

function event(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../test/fixtures/events/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

function drainConfig(fleet: FakeFleet): EcsOpsConfig {
  const parsed = parseConfig(`version: 1\nclusters:\n  - name: ${fleet.cluster}\n    asgs: [{ name: ${fleet.asg}, lifecycleHook: ${fleet.hook} }]\nnotifications:\n  channels:\n    - { name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }\n`, 'bench.yml');
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  return parsed.config;
}

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
];

/** Runs `fn` with stdout silenced (the handlers' JSON logs and EMF metrics, thousands of lines at 5,000 instances). */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
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
  const fleet = new FakeFleet({ instances, tasksPerInstance: TASKS_PER_INSTANCE, services: SERVICES });
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
