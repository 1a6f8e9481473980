/** ECS over JSON 1.1, with the real SDK client: every EcsApi operation, happy path and error. */
import {
  DescribeCapacityProvidersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  DeleteAttributesCommand,
  ListTasksCommand,
  PutAttributesCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateContainerInstancesStateCommand,
  UpdateServiceCommand,
  paginateListContainerInstances,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { CLUSTER, CLUSTER_ARN, T0, T1, TASK_DEFINITION_ARN, containerInstanceArn, serviceArn, taskArn } from './fake-apis.js';
import { clientConfig, useServer } from './support.js';

const h = useServer();
const ecs = () => new ECSClient(clientConfig(h.server));

describe('ECS (JSON 1.1)', () => {
  it('ListContainerInstances: passes filter and pagination both ways', async () => {
    const first = await ecs().send(new ListContainerInstancesCommand({ cluster: CLUSTER, status: 'ACTIVE', filter: 'attribute:ecs.capability.spot exists', maxResults: 2 }));
    expect(first.containerInstanceArns).toEqual([containerInstanceArn(1), containerInstanceArn(2)]);
    expect(first.nextToken).toBe('2');
    expect(h.lastInput('ecs', 'ListContainerInstances')).toEqual({ cluster: CLUSTER, status: 'ACTIVE', filter: 'attribute:ecs.capability.spot exists', maxResults: 2 });

    const second = await ecs().send(new ListContainerInstancesCommand({ cluster: CLUSTER, maxResults: 2, nextToken: first.nextToken }));
    expect(second.containerInstanceArns).toEqual([containerInstanceArn(3)]);
    expect(second.nextToken).toBeUndefined();
    expect(h.lastInput('ecs', 'ListContainerInstances')).toEqual({ cluster: CLUSTER, maxResults: 2, nextToken: '2' });

    const all: string[] = [];
    for await (const page of paginateListContainerInstances({ client: ecs(), pageSize: 1 }, { cluster: CLUSTER })) all.push(...(page.containerInstanceArns ?? []));
    expect(all).toHaveLength(3);
  });

  it('ListContainerInstances: errors', async () => {
    await expect(ecs().send(new ListContainerInstancesCommand({ cluster: 'nope' }))).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
      message: 'Cluster not found.',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(ecs().send(new ListContainerInstancesCommand({ cluster: CLUSTER, maxResults: 500 }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'maxResults must be between 1 and 100.',
    });
  });

  it('DescribeContainerInstances: dates, numbers, booleans, nested lists, failures', async () => {
    const out = await ecs().send(
      new DescribeContainerInstancesCommand({ cluster: CLUSTER_ARN, containerInstances: [containerInstanceArn(2), 'arn:missing'], include: ['TAGS'] }),
    );
    expect(h.lastInput('ecs', 'DescribeContainerInstances')).toEqual({ cluster: CLUSTER_ARN, containerInstances: [containerInstanceArn(2), 'arn:missing'], include: ['TAGS'] });
    const [ci] = out.containerInstances ?? [];
    expect(ci?.containerInstanceArn).toBe(containerInstanceArn(2));
    expect(ci?.registeredAt).toEqual(T0);
    expect(ci?.agentConnected).toBe(true);
    expect(ci?.runningTasksCount).toBe(2);
    expect(ci?.version).toBe(42);
    expect(ci?.remainingResources?.[0]).toEqual({ name: 'CPU', type: 'INTEGER', integerValue: 1024, doubleValue: 0, longValue: 0 });
    expect(ci?.remainingResources?.[1]?.stringSetValue).toEqual(['22', '2376']);
    expect(ci?.attributes).toEqual([{ name: 'ecs.capability.spot', value: 'true' }]);
    expect(ci?.tags).toEqual([{ key: 'team', value: 'platform' }]);
    expect(out.failures).toEqual([{ arn: 'arn:missing', reason: 'MISSING' }]);

    await expect(ecs().send(new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: [] }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'containerInstances cannot be empty.',
    });
  });

  it('UpdateContainerInstancesState', async () => {
    const out = await ecs().send(new UpdateContainerInstancesStateCommand({ cluster: CLUSTER, containerInstances: [containerInstanceArn(1)], status: 'DRAINING' }));
    expect(out.containerInstances?.[0]?.status).toBe('DRAINING');
    expect(out.failures).toEqual([]);
    await expect(
      ecs().send(new UpdateContainerInstancesStateCommand({ cluster: CLUSTER, containerInstances: [containerInstanceArn(1)], status: 'BOGUS' as 'ACTIVE' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Invalid status: BOGUS' });
  });

  it('ListTasks: filters and pagination', async () => {
    const out = await ecs().send(
      new ListTasksCommand({ cluster: CLUSTER, containerInstance: containerInstanceArn(1), serviceName: 'web', desiredStatus: 'RUNNING', maxResults: 3, nextToken: '1' }),
    );
    expect(out.taskArns).toEqual([taskArn(2), taskArn(3), taskArn(4)]);
    expect(out.nextToken).toBe('4');
    expect(h.lastInput('ecs', 'ListTasks')).toMatchObject({ containerInstance: containerInstanceArn(1), serviceName: 'web', desiredStatus: 'RUNNING', maxResults: 3, nextToken: '1' });
    await expect(ecs().send(new ListTasksCommand({ cluster: CLUSTER, nextToken: 'garbage' }))).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Invalid token' });
  });

  it('DescribeTasks: nested containers, overrides, dates', async () => {
    const out = await ecs().send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskArn(1), taskArn(2)], include: ['TAGS'] }));
    expect(out.tasks).toHaveLength(2);
    const t = out.tasks?.[0];
    expect(t?.createdAt).toEqual(T0);
    expect(t?.startedAt).toEqual(T1);
    expect(t?.startedAt?.getUTCMilliseconds()).toBe(250);
    expect(t?.version).toBe(3);
    expect(t?.containers?.[0]).toEqual({ name: 'app', lastStatus: 'RUNNING', exitCode: 0, networkBindings: [{ containerPort: 8080, hostPort: 32768, protocol: 'tcp' }] });
    expect(t?.overrides?.containerOverrides?.[0]?.environment).toEqual([{ name: 'MODE', value: 'blue' }]);
    expect(t?.tags).toEqual([{ key: 'k', value: 'v' }]);
    await expect(ecs().send(new DescribeTasksCommand({ cluster: 'other', tasks: [taskArn(1)] }))).rejects.toMatchObject({ name: 'ClusterNotFoundException' });
  });

  it('RunTask: nested input decoded, tasks and failures', async () => {
    const out = await ecs().send(
      new RunTaskCommand({
        cluster: CLUSTER,
        taskDefinition: 'web:7',
        count: 2,
        startedBy: 'ecs-ops/guard',
        enableECSManagedTags: true,
        overrides: { containerOverrides: [{ name: 'app', command: ['run', '--once'], environment: [{ name: 'A', value: '1' }], memory: 256 }] },
        placementConstraints: [{ type: 'distinctInstance' }],
        capacityProviderStrategy: [{ capacityProvider: 'spot', weight: 1, base: 0 }],
        tags: [{ key: 'k', value: 'v' }],
      }),
    );
    expect(h.lastInput('ecs', 'RunTask')).toEqual({
      cluster: CLUSTER,
      taskDefinition: 'web:7',
      count: 2,
      startedBy: 'ecs-ops/guard',
      enableECSManagedTags: true,
      overrides: { containerOverrides: [{ name: 'app', command: ['run', '--once'], environment: [{ name: 'A', value: '1' }], memory: 256 }] },
      placementConstraints: [{ type: 'distinctInstance' }],
      capacityProviderStrategy: [{ capacityProvider: 'spot', weight: 1, base: 0 }],
      tags: [{ key: 'k', value: 'v' }],
      clientToken: expect.any(String) as string, // the SDK fills in the idempotency token
    });
    expect(out.tasks?.map((t) => t.lastStatus)).toEqual(['PROVISIONING', 'PROVISIONING']);
    expect(out.tasks?.[1]?.startedBy).toBe('ecs-ops/guard');
    expect(out.failures).toEqual([{ arn: containerInstanceArn(3), reason: 'RESOURCE:MEMORY', detail: 'not enough memory' }]);
    await expect(ecs().send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'web:7', count: 11 }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'count must be between 1 and 10.',
    });
    await expect(ecs().send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'web:7', clientToken: 'reused' }))).rejects.toMatchObject({
      name: 'ConflictException',
      message: 'The clientToken was already used with different parameters.',
      resourceIds: [taskArn(10)],
    });
    await expect(ecs().send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'nope:1' }))).rejects.toMatchObject({
      name: 'ClientException',
      message: 'TaskDefinition not found.',
    });
  });

  it('StopTask', async () => {
    const out = await ecs().send(new StopTaskCommand({ cluster: CLUSTER, task: taskArn(1), reason: 'ecs-ops: draining' }));
    expect(out.task?.desiredStatus).toBe('STOPPED');
    expect(out.task?.stoppedReason).toBe('ecs-ops: draining');
    expect(out.task?.stoppingAt).toEqual(T1);
    await expect(ecs().send(new StopTaskCommand({ cluster: CLUSTER, task: taskArn(99) }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'The referenced task was not found.',
    });
  });

  it('ListServices: pagination', async () => {
    const out = await ecs().send(new ListServicesCommand({ cluster: CLUSTER, launchType: 'EC2', maxResults: 2 }));
    expect(out.serviceArns).toEqual([serviceArn('web'), serviceArn('worker')]);
    expect(out.nextToken).toBe('2');
    expect(h.lastInput('ecs', 'ListServices')).toEqual({ cluster: CLUSTER, launchType: 'EC2', maxResults: 2 });
    await expect(ecs().send(new ListServicesCommand({ cluster: 'x' }))).rejects.toMatchObject({ name: 'ClusterNotFoundException', message: 'Cluster not found.' });
  });

  it('DescribeServices: deployments, events, strategies, nested structures', async () => {
    const out = await ecs().send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web', 'ghost'] }));
    const s = out.services?.[0];
    expect(s?.serviceName).toBe('web');
    expect(s?.desiredCount).toBe(2);
    expect(s?.createdAt).toEqual(T0);
    expect(s?.capacityProviderStrategy).toEqual([{ capacityProvider: 'spot', weight: 3, base: 1 }]);
    expect(s?.deployments?.[0]).toEqual({ id: 'ecs-svc/1', status: 'PRIMARY', rolloutState: 'COMPLETED', desiredCount: 2, createdAt: T0, updatedAt: T1 });
    expect(s?.events?.[0]?.createdAt).toEqual(T1);
    expect(s?.deploymentConfiguration?.deploymentCircuitBreaker).toEqual({ enable: true, rollback: false });
    expect(out.failures).toEqual([{ arn: serviceArn('ghost'), reason: 'MISSING' }]);
    await expect(ecs().send(new DescribeServicesCommand({ cluster: 'x', services: ['web'] }))).rejects.toMatchObject({ name: 'ClusterNotFoundException' });
  });

  it('UpdateService', async () => {
    const out = await ecs().send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'worker', desiredCount: 5, forceNewDeployment: false }));
    expect(out.service?.desiredCount).toBe(5);
    expect(h.lastInput('ecs', 'UpdateService')).toEqual({ cluster: CLUSTER, service: 'worker', desiredCount: 5, forceNewDeployment: false });
    await expect(ecs().send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'ghost', desiredCount: 1 }))).rejects.toMatchObject({
      name: 'ServiceNotFoundException',
      message: 'Service not found.',
    });
  });

  it('DescribeTaskDefinition: container definitions, maps, tags', async () => {
    const out = await ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:7', include: ['TAGS'] }));
    const td = out.taskDefinition;
    expect(td?.taskDefinitionArn).toBe(TASK_DEFINITION_ARN);
    expect(td?.revision).toBe(7);
    expect(td?.registeredAt).toEqual(T0);
    expect(td?.requiresCompatibilities).toEqual(['EC2']);
    expect(td?.containerDefinitions?.[0]).toMatchObject({ name: 'app', cpu: 256, memory: 512, essential: true, portMappings: [{ containerPort: 8080, hostPort: 0, protocol: 'tcp' }] });
    expect(td?.containerDefinitions?.[0]?.dockerLabels).toEqual({ 'com.example.team': 'platform', tier: 'web' });
    expect(out.tags).toEqual([{ key: 'ecs-ops:guard', value: 'true' }]);
    await expect(ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope' }))).rejects.toMatchObject({
      name: 'ClientException',
      message: 'Unable to describe task definition.',
    });
  });

  it('ListTagsForResource', async () => {
    const out = await ecs().send(new ListTagsForResourceCommand({ resourceArn: serviceArn('web') }));
    expect(out.tags).toEqual([
      { key: 'ecs-ops:drain', value: 'true' },
      { key: 'team', value: 'platform' },
    ]);
    await expect(ecs().send(new ListTagsForResourceCommand({ resourceArn: 'arn:nope' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'The specified resource could not be found.',
    });
  });

  it('DescribeCapacityProviders: nested structures and pagination', async () => {
    const out = await ecs().send(new DescribeCapacityProvidersCommand({ maxResults: 1 }));
    expect(out.nextToken).toBe('1');
    expect(out.capacityProviders?.[0]?.name).toBe('spot');
    expect(out.capacityProviders?.[0]?.autoScalingGroupProvider?.managedScaling).toEqual({
      status: 'ENABLED',
      targetCapacity: 100,
      minimumScalingStepSize: 1,
      maximumScalingStepSize: 10,
      instanceWarmupPeriod: 300,
    });
    const next = await ecs().send(new DescribeCapacityProvidersCommand({ maxResults: 1, nextToken: out.nextToken }));
    expect(next.capacityProviders?.[0]?.name).toBe('on-demand');
    expect(next.nextToken).toBeUndefined();
    await expect(ecs().send(new DescribeCapacityProvidersCommand({ capacityProviders: ['ghost'] }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'The specified capacity provider ghost does not exist.',
    });
  });

  it('PutAttributes and DeleteAttributes: attributes both ways', async () => {
    const attributes = [
      { name: 'ecs-ops.drain.started-at', value: '1767254400000', targetType: 'container-instance' as const, targetId: containerInstanceArn(1) },
      { name: 'team', targetId: 'ci2' },
    ];
    const put = await ecs().send(new PutAttributesCommand({ cluster: CLUSTER, attributes }));
    expect(put.attributes).toEqual(attributes);
    expect(h.lastInput('ecs', 'PutAttributes')).toEqual({ cluster: CLUSTER, attributes });
    const deleted = await ecs().send(new DeleteAttributesCommand({ cluster: CLUSTER_ARN, attributes: [{ name: 'team', targetId: 'ci2' }] }));
    expect(deleted.attributes).toEqual([{ name: 'team', targetId: 'ci2' }]);
  });

  it('PutAttributes and DeleteAttributes: errors', async () => {
    await expect(ecs().send(new PutAttributesCommand({ cluster: CLUSTER, attributes: [{ name: 'x', value: 'y', targetId: 'ci9' }] }))).rejects.toMatchObject({
      name: 'TargetNotFoundException',
      message: 'Could not find ci9.',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(ecs().send(new PutAttributesCommand({ cluster: CLUSTER, attributes: [] }))).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Attributes cannot be empty.' });
    await expect(ecs().send(new DeleteAttributesCommand({ cluster: 'nope', attributes: [{ name: 'x', targetId: 'ci1' }] }))).rejects.toMatchObject({ name: 'ClusterNotFoundException' });
  });

  it('the call log counts every request by service:operation', () => {
    const counts = h.server.calls.counts();
    expect(counts['ecs:ListContainerInstances']).toBe(2 + 3 + 2);
    expect(h.server.calls.count('ecs', 'ListContainerInstances', (c) => c.errorCode === 'ClusterNotFoundException')).toBe(1);
    const failed = h.server.calls.calls.find((c) => c.operation === 'UpdateService' && c.status !== 200);
    expect(failed).toMatchObject({ service: 'ecs', operation: 'UpdateService', status: 400, errorCode: 'ServiceNotFoundException' });
    expect(failed?.at).toBeInstanceOf(Date);
  });
});
