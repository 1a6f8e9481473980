import { describe, expect, it } from 'vitest';
import { World } from '../../../sim/world/world.js';
import { describeInstances, describeTasks, expectAwsError, fleet, instanceArns, record, service, START, taskArns } from './helpers.js';

function fargateWorld() {
  const world = new World({ seed: 11, start: START });
  const recorder = record(world);
  world.createCluster('jobs');
  world.registerTaskDefinition({
    family: 'report',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '512',
    memory: '1024',
    containerDefinitions: [{ name: 'report', image: 'report:1' }],
    simulation: { startSeconds: 30, runSeconds: 120, exitCode: 0 },
  });
  return { world, recorder };
}

describe('RunTask', () => {
  it('places standalone tasks and runs them through their lifecycle', () => {
    const { world, recorder } = fleet();
    const out = world.ecs.RunTask({ cluster: 'prod', taskDefinition: 'web', count: 2, startedBy: 'nightly-job', placementStrategy: [{ type: 'binpack', field: 'memory' }] });
    expect(out.failures).toEqual([]);
    expect(out.tasks).toHaveLength(2);
    const task = out.tasks![0]!;
    expect(task).toMatchObject({ lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING', group: 'family:web', startedBy: 'nightly-job', launchType: 'EC2', version: 1 });
    // binpack on memory: both on the same instance (the one with the least memory left that fits).
    expect(out.tasks![1]!.containerInstanceArn).toBe(task.containerInstanceArn);
    world.advanceBy(10_000);
    expect(describeTasks(world, [task.taskArn!])[0]).toMatchObject({ lastStatus: 'RUNNING', startedAt: new Date(START + 10_000) });
    const stopped = world.ecs.StopTask({ cluster: 'prod', task: task.taskArn!, reason: 'maintenance window' }).task!;
    expect(stopped).toMatchObject({ desiredStatus: 'STOPPED', lastStatus: 'DEACTIVATING', stopCode: 'UserInitiated', stoppedReason: 'maintenance window' });
    world.advanceBy(5_000);
    const final = describeTasks(world, [task.taskArn!])[0]!;
    expect(final).toMatchObject({ lastStatus: 'STOPPED', stoppedAt: new Date(START + 15_000) });
    expect(final.containers?.[0]?.exitCode).toBe(0);

    const statuses = recorder
      .of('ECS Task State Change')
      .filter((e) => e.resources[0] === task.taskArn)
      .map((e) => [(e.detail as { lastStatus: string }).lastStatus, (e.detail as { version: number }).version]);
    expect(statuses).toEqual([
      ['PROVISIONING', 1],
      ['PENDING', 2],
      ['RUNNING', 3],
      ['DEACTIVATING', 4],
      ['STOPPING', 5],
      ['STOPPED', 6],
    ]);
    const stoppedEvent = recorder.of('ECS Task State Change').find((e) => e.resources[0] === task.taskArn && (e.detail as { lastStatus: string }).lastStatus === 'STOPPED');
    expect(stoppedEvent?.detail).toMatchObject({ stopCode: 'UserInitiated', stoppedReason: 'maintenance window', desiredStatus: 'STOPPED', group: 'family:web' });
    expect(recorder.invalid).toEqual([]);
  });

  it('validates its parameters like ECS', () => {
    const { world } = fleet();
    expectAwsError(() => world.ecs.RunTask({ cluster: 'prod', taskDefinition: 'web', count: 11 }), 'InvalidParameterException');
    expectAwsError(() => world.ecs.RunTask({ cluster: 'prod', taskDefinition: 'web', count: 0 }), 'InvalidParameterException');
    expectAwsError(() => world.ecs.RunTask({ cluster: 'prod', taskDefinition: 'web', startedBy: 'x'.repeat(129) }), 'InvalidParameterException');
    expect(world.ecs.RunTask({ cluster: 'prod', taskDefinition: 'web', startedBy: 'x'.repeat(128) }).tasks).toHaveLength(1);
    expectAwsError(() => world.ecs.RunTask({ cluster: 'prod', taskDefinition: 'nope' }), 'ClientException', 'TaskDefinition not found.');
    expectAwsError(() => world.ecs.RunTask({ cluster: 'prod', taskDefinition: 'web', launchType: 'EC2', capacityProviderStrategy: [{ capacityProvider: 'prod-cp', weight: 1 }] }), 'InvalidParameterException');
    expectAwsError(
      () => world.ecs.RunTask({ cluster: 'prod', taskDefinition: 'web', placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type ==' }] }),
      'InvalidParameterException',
      /memberOf/,
    );
    const empty = new World({ seed: 1, start: START });
    empty.createCluster('empty');
    empty.registerTaskDefinition({ family: 'web', containerDefinitions: [{ name: 'w', image: 'w', memory: 64 }] });
    expectAwsError(() => empty.ecs.RunTask({ cluster: 'empty', taskDefinition: 'web' }), 'InvalidParameterException', 'No Container Instances were found in your cluster.');
  });

  it('reports failures with the closest matching instance when nothing fits', () => {
    const { world } = fleet();
    world.registerTaskDefinition({ family: 'big', containerDefinitions: [{ name: 'big', image: 'big', cpu: 512, memory: 3600 }] });
    const out = world.ecs.RunTask({ cluster: 'prod', taskDefinition: 'big', count: 2 });
    expect(out.tasks).toEqual([]);
    expect(out.failures).toHaveLength(1);
    expect(out.failures?.[0]?.reason).toBe('RESOURCE:MEMORY');
    expect(instanceArns(world)).toContain(out.failures?.[0]?.arn);
    const constrained = world.ecs.RunTask({ cluster: 'prod', taskDefinition: 'web', placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type == m5.large' }] });
    expect(constrained.failures?.[0]?.reason).toBe('MemberOf placement constraint unsatisfied.');
    expect(world.report().counters.runTaskPlacementFailures).toBe(3);
  });

  it('is idempotent with a clientToken; the same token with other parameters is a conflict', () => {
    const { world } = fleet();
    const first = world.ecs.RunTask({ cluster: 'prod', taskDefinition: 'web', count: 2, clientToken: 'job-2025-03-03' });
    const again = world.ecs.RunTask({ cluster: 'prod', taskDefinition: 'web', count: 2, clientToken: 'job-2025-03-03' });
    expect(again.tasks?.map((t) => t.taskArn)).toEqual(first.tasks?.map((t) => t.taskArn));
    expect(taskArns(world, { cluster: 'prod', family: 'web', startedBy: undefined }).length).toBe(8);
    let conflict: unknown;
    try {
      world.ecs.RunTask({ cluster: 'prod', taskDefinition: 'web', count: 1, clientToken: 'job-2025-03-03' });
    } catch (error) {
      conflict = error;
    }
    expect(conflict).toMatchObject({ code: 'ConflictException', fields: { resourceIds: first.tasks?.map((t) => t.taskArn) } });
    expectAwsError(() => world.ecs.RunTask({ cluster: 'prod', taskDefinition: 'web', clientToken: 'x'.repeat(65) }), 'InvalidParameterException');
    // The token lives 24 hours.
    world.advanceBy(24 * 3600_000);
    const later = world.ecs.RunTask({ cluster: 'prod', taskDefinition: 'web', count: 2, clientToken: 'job-2025-03-03' });
    expect(later.tasks?.map((t) => t.taskArn)).not.toEqual(first.tasks?.map((t) => t.taskArn));
  });

  it('runs Fargate tasks in the AZ of their subnet, exits them after runSeconds, keeps them listable for an hour', () => {
    const { world, recorder } = fargateWorld();
    expectAwsError(() => world.ecs.RunTask({ cluster: 'jobs', taskDefinition: 'report', launchType: 'FARGATE' }), 'InvalidParameterException', "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    const out = world.ecs.RunTask({
      cluster: 'jobs',
      taskDefinition: 'report',
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0123'] } },
    });
    const task = out.tasks![0]!;
    expect(task).toMatchObject({ launchType: 'FARGATE', platformVersion: '1.4.0', availabilityZone: 'us-east-1a', cpu: '512', memory: '1024' });
    expect(task.containerInstanceArn).toBeUndefined();
    expect(task.attachments?.[0]?.details?.find((d) => d.name === 'subnetId')?.value).toBe('subnet-0123');
    world.advanceBy(150_000 + 5_000);
    const done = describeTasks(world, [task.taskArn!], 'jobs')[0]!;
    expect(done).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' });
    expect(done.containers?.[0]?.exitCode).toBe(0);
    expect(taskArns(world, { cluster: 'jobs', desiredStatus: 'STOPPED' })).toEqual([task.taskArn]);
    expect(taskArns(world, { cluster: 'jobs' })).toEqual([]);
    world.advanceBy(3600_000);
    expect(taskArns(world, { cluster: 'jobs', desiredStatus: 'STOPPED' })).toEqual([]);
    expect(world.ecs.DescribeTasks({ cluster: 'jobs', tasks: [task.taskArn!] }).failures).toEqual([{ arn: task.taskArn, reason: 'MISSING' }]);
    world.setFargateCapacity('FARGATE', false);
    const failed = world.ecs.RunTask({ cluster: 'jobs', taskDefinition: 'report', launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0123'] } } });
    expect(failed.tasks).toEqual([]);
    expect(failed.failures?.[0]?.reason).toMatch(/^Capacity is unavailable at this time/);
    expect(recorder.invalid).toEqual([]);
  });

  it('StopTask errors and the service scheduler replacing a stopped service task', () => {
    const { world } = fleet();
    const [victim] = taskArns(world, { cluster: 'prod', serviceName: 'web' });
    expectAwsError(() => world.ecs.StopTask({ cluster: 'prod', task: victim!, reason: 'x'.repeat(256) }), 'InvalidParameterException');
    expectAwsError(() => world.ecs.StopTask({ cluster: 'prod', task: 'arn:aws:ecs:us-east-1:123456789012:task/prod/00000000000000000000000000000000' }), 'InvalidParameterException', 'The referenced task was not found.');
    const stopped = world.ecs.StopTask({ cluster: 'prod', task: victim! }).task!;
    expect(stopped.stoppedReason).toBe('Task stopped by user');
    world.runUntilIdle();
    const web = service(world);
    expect(web.runningCount).toBe(6);
    expect(taskArns(world, { cluster: 'prod', serviceName: 'web' })).not.toContain(victim);
    expect(taskArns(world, { cluster: 'prod', serviceName: 'web', desiredStatus: 'STOPPED' })).toEqual([victim]);
    expect(world.report().services[0]?.belowMinimumHealthy).toHaveLength(1);
  });

  it('keeps remaining resources in step with the tasks on each instance', () => {
    const { world } = fleet({ webCount: 12 });
    world.runUntilIdle();
    const instances = describeInstances(world, instanceArns(world));
    for (const ci of instances) {
      const count = ci.runningTasksCount ?? 0;
      expect(ci.remainingResources?.find((r) => r.name === 'CPU')?.integerValue).toBe(2048 - 256 * count);
      expect(ci.remainingResources?.find((r) => r.name === 'MEMORY')?.integerValue).toBe(3788 - 512 * count);
    }
    expect(instances.reduce((sum, ci) => sum + (ci.runningTasksCount ?? 0), 0)).toBe(12);
  });
});
