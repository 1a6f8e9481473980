import { expect, it } from 'vitest';
import { World } from '../../../sim/world/world.js';
import { AZS, START } from './helpers.js';

/**
 * A fleet roll at moderate scale (300 instances, 3,300 tasks): scale out to 600, then back to 300 through the drain
 * hook with an event-driven drainer. Every task moves; none is killed, no service dips below its minimum.
 * (The 1,000-instance / 20,000-task version of this runs in a few seconds; see the report of this change.)
 */
it('rolls a 300-instance fleet through the drain hook without killing a task', () => {
  const world = new World({ seed: 99, start: START });
  world.createCluster('big');
  world.createAutoScalingGroup({
    name: 'asg',
    cluster: 'big',
    instanceType: 'c5.xlarge',
    availabilityZones: AZS,
    minSize: 0,
    maxSize: 600,
    desiredCapacity: 300,
    lifecycleHooks: [{ name: 'drain', transition: 'autoscaling:EC2_INSTANCE_TERMINATING', heartbeatTimeout: 900, defaultResult: 'CONTINUE' }],
  });
  for (let s = 0; s < 10; s++) {
    world.registerTaskDefinition({ family: `svc${s}`, containerDefinitions: [{ name: 'app', image: 'app', cpu: 256, memory: 512 }] });
    world.createService({ cluster: 'big', serviceName: `svc${s}`, taskDefinition: `svc${s}`, desiredCount: 300 });
  }
  world.registerTaskDefinition({ family: 'agent', containerDefinitions: [{ name: 'agent', image: 'agent', cpu: 32, memory: 64 }] });
  world.createService({ cluster: 'big', serviceName: 'agent', taskDefinition: 'agent', schedulingStrategy: 'DAEMON' });

  // Later instances are younger: the default termination policy then takes the original ones.
  world.advanceBy(3600_000);
  const waiting = new Map<string, { token: string; instanceId: string }>();
  world.onEvent((event) => {
    if (event['detail-type'] === 'EC2 Instance-terminate Lifecycle Action') {
      const detail = event.detail as { EC2InstanceId: string; LifecycleActionToken: string };
      const ci = world.autoScalingInstances('asg').find((i) => i.ec2InstanceId === detail.EC2InstanceId)?.containerInstanceArn;
      if (ci === undefined) return;
      waiting.set(ci, { token: detail.LifecycleActionToken, instanceId: detail.EC2InstanceId });
      world.ecs.UpdateContainerInstancesState({ cluster: 'big', containerInstances: [ci], status: 'DRAINING' });
    } else if (event['detail-type'] === 'ECS Container Instance State Change') {
      const detail = event.detail as { containerInstanceArn: string; remainingResources: { name: string; integerValue?: number }[] };
      const w = waiting.get(detail.containerInstanceArn);
      if (w && detail.remainingResources.find((r) => r.name === 'CPU')?.integerValue === 4096) {
        waiting.delete(detail.containerInstanceArn);
        world.autoscaling.CompleteLifecycleAction({ AutoScalingGroupName: 'asg', LifecycleHookName: 'drain', LifecycleActionToken: w.token, LifecycleActionResult: 'CONTINUE' });
      }
    }
  });
  world.setDesiredCapacity('asg', 600);
  world.advanceBy(120_000);
  world.setDesiredCapacity('asg', 300);
  expect(world.runUntilIdle(6 * 3600_000)).toBe(true);

  const report = world.report();
  expect(report.tasksKilledByTermination).toEqual([]);
  expect(report.lifecycleActions).toHaveLength(300);
  expect(report.lifecycleActions.every((a) => a.completedBy === 'api' && a.heldAfterEmptyMs === 0)).toBe(true);
  for (const s of report.services) {
    expect(s.belowMinimumHealthy).toEqual([]);
    expect(s.runningCount).toBe(s.desiredCount);
  }
  expect(report.counters.tasksStoppedByScheduler).toBe(3300);
});

it('keeps services spread by AZ and instance when a big fleet drains (placement on the winning subset)', () => {
  const world = new World({ seed: 5, start: START });
  world.createCluster('big');
  world.createAutoScalingGroup({ name: 'asg', cluster: 'big', instanceType: 'm5.large', availabilityZones: AZS, minSize: 0, maxSize: 90, desiredCapacity: 90 });
  world.registerTaskDefinition({ family: 'web', containerDefinitions: [{ name: 'web', image: 'web', cpu: 128, memory: 256 }] });
  world.createService({ cluster: 'big', serviceName: 'web', taskDefinition: 'web', desiredCount: 180 });
  const all = world.ecs.ListContainerInstances({ cluster: 'big' }).containerInstanceArns ?? [];
  const described = world.ecs.DescribeContainerInstances({ cluster: 'big', containerInstances: all }).containerInstances ?? [];
  expect(described.every((ci) => ci.runningTasksCount === 2)).toBe(true);
  const inA = described.filter((ci) => ci.attributes?.some((a) => a.name === 'ecs.availability-zone' && a.value === 'us-east-1a')).map((ci) => ci.containerInstanceArn ?? '');
  // Six instances of us-east-1a, one call each a few seconds apart: one replacement placement per drain.
  for (const arn of inA.slice(0, 6)) {
    world.ecs.UpdateContainerInstancesState({ cluster: 'big', containerInstances: [arn], status: 'DRAINING' });
    world.advanceBy(5_000);
  }
  world.runUntilIdle();
  const after = world.ecs.DescribeContainerInstances({ cluster: 'big', containerInstances: all }).containerInstances ?? [];
  const active = after.filter((ci) => ci.status === 'ACTIVE');
  const perAz = new Map<string, number>();
  for (const ci of active) {
    const az = ci.attributes?.find((a) => a.name === 'ecs.availability-zone')?.value ?? '';
    perAz.set(az, (perAz.get(az) ?? 0) + (ci.runningTasksCount ?? 0));
  }
  expect(Object.fromEntries(perAz)).toEqual({ 'us-east-1a': 60, 'us-east-1b': 60, 'us-east-1c': 60 });
  const inAActive = active.filter((ci) => inA.includes(ci.containerInstanceArn ?? '')).map((ci) => ci.runningTasksCount ?? 0);
  expect(Math.min(...inAActive)).toBe(2);
  expect(Math.max(...inAActive)).toBe(3);
  expect(world.report().services[0]?.belowMinimumHealthy).toEqual([]);
});
