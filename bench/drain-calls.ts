/**
 * The drain function's AWS calls per invocation, measured on the simulator: the packaged drain bundle invoked unchanged
 * against a simulated fleet through the simulator's AWS server, whose call log is read around each invocation.
 *
 * For a size N: an ASG of 2N container instances (two tasks each of a service that cannot move them, one cluster, one
 * terminate hook owned by ecs-ops) scales in by N, so N instances wait in Terminating:Wait, and then:
 *  1. one terminate lifecycle event is handled (the cluster has 2N instances): its calls must not depend on N;
 *  2. a reconcile pass runs, its lifecycle events lost for the other N − 1 (it finds all N, drains N − 1);
 *  3. the next pass (a minute later, every instance DRAINING, nothing due): the read cost of a pass over N instances.
 * `minimum(n, tasks, services)` says what the batch limits allow for each, to compare with.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFunctions } from '../sim/runtime/functions.js';
import { readPackage } from '../sim/runtime/template.js';
import { buildWorld } from '../sim/scenario/build-world.js';
import { parseScenario } from '../sim/scenario/load.js';
import { packageConfigText } from '../sim/scenario/package.js';
import { startAwsServer } from '../sim/server/index.js';

export interface DrainCallCounts {
  /** Instances draining (N); the cluster has 2N. */
  draining: number;
  clusterInstances: number;
  tasksPerInstance: number;
  /** Calls by `service:operation`, per measured invocation. */
  lifecycleEvent: Record<string, number>;
  firstPass: Record<string, number>;
  steadyPass: Record<string, number>;
}

const TASKS_PER_INSTANCE = 2;

function scenarioText(n: number): string {
  return `
name: drain-calls-${n}
seed: 5
config:
  version: 1
  clusters:
    - name: prod
      asgs:
        - name: prod-ecs
          lifecycleHook: ecs-ops-drain
  notifications:
    channels:
      - { name: ops, type: sns, topicArn: 'arn:aws:sns:us-east-1:123456789012:ecs-ops-drain-calls' }
  drain:
    deadline: 1h
fleet:
  taskDefinitions:
    - { family: web, cpu: 128, memory: 256 }
  clusters:
    - name: prod
      asgs:
        - name: prod-ecs
          instanceType: c5.xlarge
          availabilityZones: [us-east-1a, us-east-1b, us-east-1c]
          minSize: 0
          maxSize: ${2 * n}
          desiredCapacity: ${2 * n}
          lifecycleHooks:
            - { name: ecs-ops-drain, transition: terminating, heartbeatTimeout: 15m, defaultResult: CONTINUE }
      services:
        # min = max = 100: the tasks stay on the DRAINING instances, so the measured passes have the same work.
        - { name: web, taskDefinition: web, desiredCount: ${TASKS_PER_INSTANCE * 2 * n}, deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 100 } }
until: 10m
`;
}

/** Sum of the calls of a `service:operation` map. */
export function total(calls: Record<string, number>): number {
  return Object.values(calls).reduce((a, b) => a + b, 0);
}

export async function measureDrainCalls(n: number): Promise<DrainCallCounts> {
  const parsed = parseScenario(scenarioText(n), `drain-calls-${n}.yml`);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
  const scenario = parsed.scenario;
  const world = buildWorld(scenario.fleet, { seed: scenario.seed, startMs: scenario.startMs, region: scenario.region, account: scenario.account });
  const packageDir = await packageConfigText(scenario.configText, {});
  const pkg = readPackage(packageDir, { region: scenario.region, accountId: scenario.account });
  for (const channel of scenario.config.notifications.channels) if (channel.type === 'sns') world.createTopic(channel.topicArn);

  const server = await startAwsServer({ apis: world.apis, dynamodb: true, slack: false, now: () => new Date(world.now()) });
  const workDir = await mkdtemp(join(tmpdir(), 'ecs-ops-drain-calls-'));
  try {
    const dynamo = new DynamoDBClient({ endpoint: server.url, region: scenario.region, credentials: { accessKeyId: 'sim', secretAccessKey: 'sim' }, maxAttempts: 1 });
    try {
      for (const table of pkg.resources.tables) {
        await dynamo.send(
          new CreateTableCommand({ TableName: pkg.physicalName(table), BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] }),
        );
      }
    } finally {
      dynamo.destroy();
    }
    const functions = await loadFunctions(pkg, { workDir, endpointUrl: server.url, clock: world.clock, seed: 5, region: scenario.region });
    const drain = functions.get('drain');

    // Every task placed and running, then the scale-in: N instances wait in Terminating:Wait.
    world.clock.advanceTo(world.now() + 60_000);
    const lifecycleEvents: Record<string, unknown>[] = [];
    world.onEvent((event) => {
      if (event['detail-type'] === 'EC2 Instance-terminate Lifecycle Action') lifecycleEvents.push(event as unknown as Record<string, unknown>);
    });
    world.apply({ type: 'scaleAsg', asg: 'prod-ecs', desired: n });
    world.clock.advanceTo(world.now() + 1000);
    if (lifecycleEvents.length !== n) throw new Error(`expected ${n} lifecycle actions, got ${lifecycleEvents.length}`);

    const measure = async (event: unknown): Promise<Record<string, number>> => {
      server.calls.clear();
      const record = await drain.invoke(event);
      if (record.error) throw new Error(`drain failed: ${record.error.name}: ${record.error.message}`);
      return server.calls.counts();
    };
    const scheduled = (): Record<string, unknown> => ({
      version: '0',
      id: `pass-${world.now()}`,
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: scenario.account,
      time: new Date(world.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: scenario.region,
      resources: [`arn:aws:events:${scenario.region}:${scenario.account}:rule/ecs-ops-drain-reconcile`],
      detail: {},
    });

    const lifecycleEvent = await measure(lifecycleEvents[0]);
    world.clock.advanceTo(world.now() + 1000);
    const firstPass = await measure(scheduled());
    world.clock.advanceTo(world.now() + 60_000);
    const steadyPass = await measure(scheduled());
    return { draining: n, clusterInstances: 2 * n, tasksPerInstance: TASKS_PER_INSTANCE, lifecycleEvent, firstPass, steadyPass };
  } finally {
    await server.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * What the batch limits allow for a reconcile pass over n waiting instances of one ASG in one cluster, `onInstances`
 * tasks on them, `inCluster` tasks in the whole cluster, s services, when no instance is empty or due for a decision
 * that needs its own listing (lib/drain/gather.ts needsOwnListing). ListTasks takes one container instance, so the
 * tasks (desired RUNNING) of the n instances cost the cheaper of n ListTasks + ⌈onInstances/100⌉ DescribeTasks, and
 * ⌈inCluster/100⌉ ListTasks pages of the whole cluster + ⌈inCluster/100⌉ DescribeTasks (to learn each task's
 * instance). The ListContainerInstances lookup is chunked by the 2,000-character filter (`ec2InstanceId in [...]`,
 * ≈ 90 ids).
 */
export function passMinimum(n: number, onInstances: number, inCluster: number, s: number): Record<string, number> {
  const pages = Math.ceil(inCluster / 100);
  const perInstance = { list: n, describe: Math.ceil(onInstances / 100) };
  const clusterWide = { list: pages, describe: pages };
  const tasks = clusterWide.list + clusterWide.describe < perInstance.list + perInstance.describe ? clusterWide : perInstance;
  return {
    'autoscaling:DescribeAutoScalingGroups': 1,
    // Whether ECS drains the (one) ASG itself, asked afresh by every pass: the cluster's capacity providers (none here)
    // and the ASG's hooks (lib/drain/managed-draining-facts.ts).
    'ecs:DescribeClusters': 1,
    'autoscaling:DescribeLifecycleHooks': 1,
    'ecs:ListContainerInstances': Math.ceil((n * 21) / 1980),
    'ecs:DescribeContainerInstances': Math.ceil(n / 100),
    'ecs:ListTasks': tasks.list,
    'ecs:DescribeTasks': tasks.describe,
    'ecs:DescribeServices': Math.ceil(s / 10),
  };
}
