/**
 * Conformance of ECS's Availability Zone rebalancing in the simulated world, through the real SDK client against the
 * sim server (ECS Developer Guide, "service-rebalancing" and "track-service-rebalancing"): a service created with
 * availabilityZoneRebalancing ENABLED is rebalanced when capacity comes back to an AZ it lost (start in the short AZ
 * first, then stop in the long one), with the STARTED/COMPLETED service event messages in DescribeServices and "ECS
 * Service Action" events; a DISABLED service is left as it is.
 */
import { DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListTasksCommand, RunTaskCommand, UpdateContainerInstancesStateCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { startAwsServer, type AwsServer } from '../../../sim/server/index.js';
import { fleet, instanceArns } from '../world/helpers.js';
import { clientConfig } from './support.js';

let server: AwsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const MINUTE = 60_000;

async function spread(ecs: ECSClient, serviceName: string): Promise<Record<string, number>> {
  const arns = (await ecs.send(new ListTasksCommand({ cluster: 'prod', serviceName, desiredStatus: 'RUNNING' }))).taskArns ?? [];
  const tasks = arns.length === 0 ? [] : ((await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: arns }))).tasks ?? []);
  const perAz: Record<string, number> = {};
  for (const t of tasks) if (t.lastStatus === 'RUNNING') perAz[t.availabilityZone ?? '?'] = (perAz[t.availabilityZone ?? '?'] ?? 0) + 1;
  return perAz;
}

async function scenario(rebalancing: 'ENABLED' | 'DISABLED', maximumPercent = 200) {
  // Three instances, one per AZ, no service of their own.
  const { world, recorder } = fleet({ instances: 3, webCount: 0, hooks: [] });
  server = await startAwsServer({ apis: world });
  const ecs = new ECSClient(clientConfig(server));
  // The simulator has no CreateService operation on the wire: the world creates the service, the SDK reads it.
  world.createService({
    cluster: 'prod',
    serviceName: 'api',
    taskDefinition: 'web',
    desiredCount: 6,
    availabilityZoneRebalancing: rebalancing,
    deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent },
  });
  world.advanceBy(2 * MINUTE);
  expect(await spread(ecs, 'api')).toEqual({ 'us-east-1a': 2, 'us-east-1b': 2, 'us-east-1c': 2 });
  // The instance in us-east-1c is drained (its tasks move to the other AZs), then comes back.
  const arns = instanceArns(world);
  const described = world.ecs.DescribeContainerInstances({ cluster: 'prod', containerInstances: arns }).containerInstances ?? [];
  const inC = described.find((ci) => ci.attributes?.some((a) => a.name === 'ecs.availability-zone' && a.value === 'us-east-1c'))?.containerInstanceArn;
  if (inC === undefined) throw new Error('no instance in us-east-1c');
  await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'prod', containerInstances: [inC], status: 'DRAINING' }));
  world.advanceBy(2 * MINUTE);
  expect(await spread(ecs, 'api')).toEqual({ 'us-east-1a': 3, 'us-east-1b': 3 });
  await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'prod', containerInstances: [inC], status: 'ACTIVE' }));
  world.advanceBy(5 * MINUTE);
  const [api] = (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['api'] }))).services ?? [];
  const messages = [...(api?.events ?? [])].reverse().map((e) => e.message ?? '');
  const actions = recorder.of('ECS Service Action').map((e) => (e.detail as { eventName?: string }).eventName);
  return { ecs, api, messages, actions };
}

describe('ECS Availability Zone rebalancing (availabilityZoneRebalancing ENABLED)', () => {
  it('rebalances after an AZ gets its capacity back: STARTED, start in the short AZ, stop in the long one, COMPLETED', async () => {
    const { ecs, api, messages, actions } = await scenario('ENABLED');
    expect(api?.availabilityZoneRebalancing).toBe('ENABLED');
    expect(await spread(ecs, 'api')).toEqual({ 'us-east-1a': 2, 'us-east-1b': 2, 'us-east-1c': 2 });
    const started = messages.findIndex((m) => m === '(service api) is not AZ balanced with 3 tasks in us-east-1a, 3 tasks in us-east-1b, and 0 tasks in us-east-1c. AZ Rebalancing in progress.');
    const completed = messages.findIndex((m) => m === '(service api) is AZ balanced with 2 tasks in us-east-1a, 2 tasks in us-east-1b, and 2 tasks in us-east-1c.');
    expect(started).toBeGreaterThanOrEqual(0);
    expect(completed).toBeGreaterThan(started);
    const during = messages.slice(started + 1, completed);
    const starts = during.filter((m) => /^\(service api\) has started 1 tasks in us-east-1c to AZ Rebalance: \(task \w+\)\.$/.test(m));
    const stops = during.filter((m) => /^\(service api\) has stopped 1 running tasks in us-east-1[ab] to AZ Rebalance: \(task \w+\)\.$/.test(m));
    expect(starts).toHaveLength(2);
    expect(stops).toHaveLength(2);
    // Start first, then stop: every stop follows a start.
    expect(during.findIndex((m) => starts.includes(m))).toBeLessThan(during.findIndex((m) => stops.includes(m)));
    expect(actions.filter((a) => a === 'SERVICE_REBALANCING_STARTED')).toHaveLength(1);
    expect(actions.filter((a) => a === 'SERVICE_REBALANCING_COMPLETED')).toHaveLength(1);
    expect(actions.indexOf('SERVICE_REBALANCING_STARTED')).toBeLessThan(actions.indexOf('SERVICE_REBALANCING_COMPLETED'));
  });

  it('with maximumPercent 100 it stops in the long AZ first, never above the desired count', async () => {
    const { ecs, messages, actions } = await scenario('ENABLED', 100);
    expect(await spread(ecs, 'api')).toEqual({ 'us-east-1a': 2, 'us-east-1b': 2, 'us-east-1c': 2 });
    expect(messages.some((m) => /has stopped 1 running tasks in us-east-1[ab] to AZ Rebalance/.test(m))).toBe(true);
    expect(messages.some((m) => m.includes('has started 1 tasks in us-east-1c to AZ Rebalance'))).toBe(false);
    expect(actions).toContain('SERVICE_REBALANCING_COMPLETED');
  });

  it('leaves a DISABLED service unbalanced, with no rebalancing event', async () => {
    const { ecs, messages, actions } = await scenario('DISABLED');
    expect(await spread(ecs, 'api')).toEqual({ 'us-east-1a': 3, 'us-east-1b': 3 });
    expect(messages.some((m) => m.includes('AZ Rebalanc') || m.includes('AZ balanced'))).toBe(false);
    expect(actions.some((a) => a?.startsWith('SERVICE_REBALANCING_'))).toBe(false);
  });

  it('reports SERVICE_TASK_PLACEMENT_FAILURE when the short AZ has no room, and stays STARTED', async () => {
    // c5.large: 2048 CPU, two 1024-CPU tasks per instance.
    const { world, recorder } = fleet({ instances: 3, webCount: 0, hooks: [], webCpu: 1024 });
    server = await startAwsServer({ apis: world });
    const ecs = new ECSClient(clientConfig(server));
    world.createService({ cluster: 'prod', serviceName: 'api', taskDefinition: 'web', desiredCount: 4, availabilityZoneRebalancing: 'ENABLED', deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 } });
    world.advanceBy(2 * MINUTE);
    const arns = instanceArns(world);
    const described = world.ecs.DescribeContainerInstances({ cluster: 'prod', containerInstances: arns }).containerInstances ?? [];
    const inC = described.find((ci) => ci.attributes?.some((a) => a.name === 'ecs.availability-zone' && a.value === 'us-east-1c'))?.containerInstanceArn;
    if (inC === undefined) throw new Error('no instance in us-east-1c');
    await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'prod', containerInstances: [inC], status: 'DRAINING' }));
    world.advanceBy(2 * MINUTE);
    expect(await spread(ecs, 'api')).toEqual({ 'us-east-1a': 2, 'us-east-1b': 2 });
    // The instance comes back, and standalone jobs take all of it before the service scheduler looks.
    await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'prod', containerInstances: [inC], status: 'ACTIVE' }));
    const jobs = await ecs.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: 'web', count: 2, placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.availability-zone == us-east-1c' }] }));
    expect(jobs.tasks).toHaveLength(2);
    world.advanceBy(3 * MINUTE);
    expect(await spread(ecs, 'api')).toEqual({ 'us-east-1a': 2, 'us-east-1b': 2 });
    const [api] = (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['api'] }))).services ?? [];
    const messages = (api?.events ?? []).map((e) => e.message ?? '');
    expect(messages.some((m) => m.includes('is not AZ balanced with 2 tasks in us-east-1a, 2 tasks in us-east-1b, and 0 tasks in us-east-1c. AZ Rebalancing in progress.'))).toBe(true);
    expect(messages.some((m) => m.includes('was unable to place a task'))).toBe(true);
    expect(messages.some((m) => m.includes('is AZ balanced'))).toBe(false);
    const actions = recorder.of('ECS Service Action').map((e) => e.detail as { eventName?: string; reason?: string });
    expect(actions.filter((a) => a.eventName === 'SERVICE_REBALANCING_STARTED')).toHaveLength(1);
    expect(actions.find((a) => a.eventName === 'SERVICE_TASK_PLACEMENT_FAILURE')?.reason).toBe('RESOURCE:CPU');
    expect(actions.some((a) => a.eventName === 'SERVICE_REBALANCING_COMPLETED')).toBe(false);
  });
});
