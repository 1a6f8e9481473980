import { describe, expect, it } from 'vitest';
import { World } from '../../../sim/world/world.js';
import { AZS, describeTasks, expectAwsError, fleet, record, service, START, taskArns } from './helpers.js';

type DeploymentDetail = { eventName: string; deploymentId: string; reason: string; eventType: string };

describe('deployments', () => {
  it('rolls a new task definition within 100/200 with IN_PROGRESS then COMPLETED', () => {
    const { world, recorder } = fleet();
    const oldTasks = taskArns(world, { cluster: 'prod', serviceName: 'web' });
    const v2 = world.registerTaskDefinition({ family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx:1.28', cpu: 256, memory: 512 }] });
    world.deploy('prod', 'web', v2);
    const [progress] = recorder.of('ECS Deployment State Change');
    const detail = progress?.detail as DeploymentDetail;
    expect(detail).toMatchObject({ eventType: 'INFO', eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS' });
    expect(detail.reason).toBe(`ECS deployment ${detail.deploymentId} in progress.`);
    expect(progress?.resources).toEqual(['arn:aws:ecs:us-east-1:123456789012:service/prod/web']);
    let web = service(world);
    expect(web.taskDefinition).toBe(v2);
    expect(web.deployments?.map((d) => [d.status, d.rolloutState])).toEqual([
      ['PRIMARY', 'IN_PROGRESS'],
      ['ACTIVE', 'COMPLETED'],
    ]);
    world.advanceBy(1_000);
    web = service(world);
    expect(web.deployments?.[0]?.pendingCount).toBe(6);
    expect(web.deployments?.[1]?.runningCount).toBe(6);
    world.runUntilIdle();
    web = service(world);
    expect(web.deployments).toHaveLength(1);
    expect(web.deployments?.[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'COMPLETED', runningCount: 6, taskDefinition: v2 });
    const events = recorder.of('ECS Deployment State Change').map((e) => (e.detail as DeploymentDetail).eventName);
    expect(events).toEqual(['SERVICE_DEPLOYMENT_IN_PROGRESS', 'SERVICE_DEPLOYMENT_COMPLETED']);
    const old = describeTasks(world, oldTasks);
    expect(old.every((t) => t.lastStatus === 'STOPPED' && t.stoppedReason === `Scaling activity initiated by (deployment ${detail.deploymentId})`)).toBe(true);
    expect(describeTasks(world, taskArns(world, { cluster: 'prod', serviceName: 'web' })).every((t) => t.taskDefinitionArn === v2 && t.startedBy === detail.deploymentId)).toBe(true);
    const report = world.report().services[0]!;
    expect(report.belowMinimumHealthy).toEqual([]);
    expect(report.highestFootprint).toBe(12);
    expect(web.events?.[0]?.message).toBe('(service web) has reached a steady state.');
    expect(web.events?.[1]?.message).toBe(`(service web) (deployment ${detail.deploymentId}) deployment completed.`);
    const steady = recorder.of('ECS Service Action').filter((e) => (e.detail as { eventName: string }).eventName === 'SERVICE_STEADY_STATE');
    expect(steady).toHaveLength(1);
    expect(recorder.invalid).toEqual([]);
  });

  it('fails a deployment whose tasks cannot start (circuit breaker) and rolls back', () => {
    const world = new World({ seed: 3, start: START });
    const recorder = record(world);
    world.createCluster('prod');
    world.registerTaskDefinition({ family: 'api', containerDefinitions: [{ name: 'api', image: 'api:1', cpu: 128, memory: 256 }] });
    world.createAutoScalingGroup({ name: 'asg', cluster: 'prod', instanceType: 'm5.large', availabilityZones: AZS, minSize: 0, maxSize: 9, desiredCapacity: 3 });
    world.createService({
      cluster: 'prod',
      serviceName: 'api',
      taskDefinition: 'api',
      desiredCount: 4,
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    world.registerTaskDefinition({
      family: 'api',
      containerDefinitions: [{ name: 'api', image: 'api:broken', cpu: 128, memory: 256 }],
      simulation: { failToStart: 'CannotPullContainerError: pull image manifest has been retried 5 time(s): api:broken: not found' },
    });
    world.deploy('prod', 'api', 'api:2');
    world.runUntilIdle();
    const events = recorder.of('ECS Deployment State Change').map((e) => e.detail as DeploymentDetail);
    expect(events.map((e) => e.eventName)).toEqual(['SERVICE_DEPLOYMENT_IN_PROGRESS', 'SERVICE_DEPLOYMENT_FAILED', 'SERVICE_DEPLOYMENT_IN_PROGRESS', 'SERVICE_DEPLOYMENT_COMPLETED']);
    expect(events[1]).toMatchObject({ eventType: 'ERROR', reason: 'ECS deployment circuit breaker: task failed to start.' });
    expect(events[2]?.reason).toMatch(/^ECS deployment circuit breaker: rolling back to deploymentId ecs-svc\/\d{19}\.$/);
    const api = service(world, 'api');
    expect(api.taskDefinition).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/api:1');
    expect(api.runningCount).toBe(4);
    // Every stopped task is of the broken revision: at least the 3 failures of the threshold, the rest stopped pending.
    const stopped = describeTasks(world, taskArns(world, { cluster: 'prod', serviceName: 'api', desiredStatus: 'STOPPED' }));
    expect(stopped.every((t) => t.taskDefinitionArn === 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:2')).toBe(true);
    const failed = stopped.filter((t) => t.stopCode === 'TaskFailedToStart');
    expect(failed.length).toBeGreaterThanOrEqual(3);
    expect(failed.every((t) => t.stoppedReason?.startsWith('CannotPullContainerError') && t.startedAt === undefined)).toBe(true);
    expect(world.report().services[0]?.belowMinimumHealthy).toEqual([]);
    expect(world.report().counters.deploymentsFailed).toBe(1);
    expect(recorder.invalid).toEqual([]);
  });

  it('scales in evenly across AZs and validates UpdateService', () => {
    const { world } = fleet({ webCount: 12 });
    world.ecs.UpdateService({ cluster: 'prod', service: 'web', desiredCount: 6 });
    world.runUntilIdle();
    const tasks = describeTasks(world, taskArns(world, { cluster: 'prod', serviceName: 'web' }));
    expect(tasks).toHaveLength(6);
    const perAz = new Map<string, number>();
    for (const t of tasks) perAz.set(t.availabilityZone ?? '', (perAz.get(t.availabilityZone ?? '') ?? 0) + 1);
    expect([...perAz.values()]).toEqual([2, 2, 2]);
    expectAwsError(() => world.ecs.UpdateService({ cluster: 'prod', service: 'web', desiredCount: -1 }), 'InvalidParameterException');
    expectAwsError(() => world.ecs.UpdateService({ cluster: 'prod', service: 'web', taskDefinition: 'nope' }), 'ClientException', 'TaskDefinition not found.');
    expectAwsError(
      () => world.ecs.UpdateService({ cluster: 'prod', service: 'web', deploymentConfiguration: { maximumPercent: 90 } }),
      'InvalidParameterException',
      'maximumPercent must be greater than or equal to 100.',
    );
    expectAwsError(() => world.createService({ cluster: 'prod', serviceName: 'web', taskDefinition: 'web', desiredCount: 1 }), 'InvalidParameterException', 'Creation of service was not idempotent.');
    expectAwsError(
      () => world.createService({ cluster: 'prod', serviceName: 'd', taskDefinition: 'web', schedulingStrategy: 'DAEMON', placementStrategy: [{ type: 'random' }] }),
      'InvalidParameterException',
    );
  });

  it('announces a steady state once when it is reached, again only after 6 hours', () => {
    const { world, recorder } = fleet();
    const steady = () => recorder.of('ECS Service Action').filter((e) => (e.detail as { eventName: string }).eventName === 'SERVICE_STEADY_STATE').length;
    const [task] = taskArns(world, { cluster: 'prod', serviceName: 'web' });
    world.ecs.StopTask({ cluster: 'prod', task: task! });
    world.runUntilIdle();
    expect(steady()).toBe(1);
    world.advanceBy(3600_000);
    world.ecs.UpdateService({ cluster: 'prod', service: 'web' }); // a look without a change
    world.runUntilIdle();
    expect(steady()).toBe(1);
    world.advanceBy(6 * 3600_000);
    world.ecs.UpdateService({ cluster: 'prod', service: 'web' });
    world.runUntilIdle();
    expect(steady()).toBe(2);
  });
});

describe('capacity providers and Fargate services', () => {
  it('splits tasks by base and weight, reports RESOURCE:FARGATE and handles Fargate Spot interruptions', () => {
    const world = new World({ seed: 21, start: START });
    const recorder = record(world);
    world.createCluster('mixed');
    world.createAutoScalingGroup({ name: 'ec2', cluster: 'mixed', instanceType: 'm5.large', availabilityZones: AZS, minSize: 0, maxSize: 6, desiredCapacity: 3, capacityProviderName: 'ec2-cp' });
    world.registerTaskDefinition({
      family: 'worker',
      requiresCompatibilities: ['EC2', 'FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'worker', image: 'worker:1' }],
    });
    world.createService({
      cluster: 'mixed',
      serviceName: 'worker',
      taskDefinition: 'worker',
      desiredCount: 6,
      capacityProviderStrategy: [
        { capacityProvider: 'ec2-cp', base: 2, weight: 1 },
        { capacityProvider: 'FARGATE_SPOT', weight: 1 },
      ],
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b'] } },
    });
    const tasks = describeTasks(world, taskArns(world, { cluster: 'mixed', serviceName: 'worker' }), 'mixed');
    const byProvider = new Map<string, number>();
    for (const t of tasks) byProvider.set(t.capacityProviderName ?? '', (byProvider.get(t.capacityProviderName ?? '') ?? 0) + 1);
    expect(Object.fromEntries(byProvider)).toEqual({ 'ec2-cp': 4, FARGATE_SPOT: 2 });
    expect(tasks.filter((t) => t.capacityProviderName === 'FARGATE_SPOT').every((t) => t.launchType === 'FARGATE')).toBe(true);
    // awsvpc on EC2: at most 2 task ENIs on an m5.large without trunking.
    world.setFargateCapacity('FARGATE_SPOT', false);
    const spotTask = tasks.find((t) => t.capacityProviderName === 'FARGATE_SPOT')!;
    world.interruptFargateSpotTask('mixed', spotTask.taskArn!);
    const notice = recorder.of('ECS Task State Change').find((e) => e.resources[0] === spotTask.taskArn);
    expect(notice?.detail).toMatchObject({ desiredStatus: 'STOPPED', lastStatus: 'RUNNING', stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.' });
    world.advanceBy(2_000);
    const failure = recorder.of('ECS Service Action').find((e) => (e.detail as { eventName: string }).eventName === 'SERVICE_TASK_PLACEMENT_FAILURE');
    expect(failure?.detail).toMatchObject({ reason: 'RESOURCE:FARGATE', capacityProviderArns: ['arn:aws:ecs:us-east-1:123456789012:capacity-provider/FARGATE_SPOT'] });
    world.setFargateCapacity('FARGATE_SPOT', true);
    world.runUntilIdle();
    expect(service(world, 'worker', 'mixed').runningCount).toBe(6);
    expect(describeTasks(world, [spotTask.taskArn!], 'mixed')[0]).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'SpotInterruption' });
    expect(recorder.invalid).toEqual([]);
  });
});
