import { describe, expect, it } from 'vitest';
import { autoDrain, DRAIN_HOOK, describeTasks, expectAwsError, fleet, instanceArns, service, START, taskArns } from './helpers.js';

type LifecycleDetail = { LifecycleActionToken: string; EC2InstanceId: string; LifecycleHookName: string; AutoScalingGroupName: string; Origin?: string; Destination?: string };

function terminatingInstance(world: ReturnType<typeof fleet>['world']) {
  return world.autoScalingInstances('prod-asg').find((i) => i.lifecycleState.startsWith('Terminating'));
}

describe('scale-in with a terminate lifecycle hook', () => {
  it('waits in Terminating:Wait and announces the action like AWS', () => {
    const { world, recorder } = fleet();
    expectAwsError(() => {
      world.setDesiredCapacity('prod-asg', 21);
    }, 'ValidationError', 'New SetDesiredCapacity value 21 is above max value 20 for the AutoScalingGroup.');
    expectAwsError(() => {
      world.setDesiredCapacity('prod-asg', -1);
    }, 'ValidationError', 'New SetDesiredCapacity value -1 is below min value 0 for the AutoScalingGroup.');
    expectAwsError(() => {
      world.setDesiredCapacity('nope', 1);
    }, 'ValidationError', /^AutoScalingGroup name not found - /);
    world.setDesiredCapacity('prod-asg', 5);
    const victim = terminatingInstance(world)!;
    expect(victim.lifecycleState).toBe('Terminating:Wait');
    const [event] = recorder.of('EC2 Instance-terminate Lifecycle Action');
    expect(event?.source).toBe('aws.autoscaling');
    expect(event?.resources[0]).toMatch(/^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/prod-asg$/);
    const detail = event?.detail as LifecycleDetail;
    expect(detail).toMatchObject({
      AutoScalingGroupName: 'prod-asg',
      LifecycleHookName: 'ecs-ops-drain',
      EC2InstanceId: victim.ec2InstanceId,
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
      Origin: 'AutoScalingGroup',
      Destination: 'EC2',
    });
    expect(detail.LifecycleActionToken).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    const described = world.autoscaling.DescribeAutoScalingInstances({ InstanceIds: [victim.ec2InstanceId] }).AutoScalingInstances?.[0];
    expect(described).toMatchObject({ LifecycleState: 'Terminating:Wait', HealthStatus: 'HEALTHY', AutoScalingGroupName: 'prod-asg' });
    const activity = world.autoscaling.DescribeScalingActivities({ AutoScalingGroupName: 'prod-asg', MaxRecords: 1 }).Activities?.[0];
    expect(activity?.Description).toBe(`Terminating EC2 instance: ${victim.ec2InstanceId}`);
    expect(activity?.StatusCode).toBe('InProgress');
    expect(activity?.Cause).toBe(
      `At 2025-03-03T09:00:00Z a user request explicitly set group desired capacity changing the desired capacity from 6 to 5.  At 2025-03-03T09:00:00Z an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from 6 to 5.  At 2025-03-03T09:00:00Z instance ${victim.ec2InstanceId} was selected for termination.`,
    );
    const hooks = world.autoscaling.DescribeLifecycleHooks({ AutoScalingGroupName: 'prod-asg' }).LifecycleHooks;
    expect(hooks).toEqual([
      { LifecycleHookName: 'ecs-ops-drain', AutoScalingGroupName: 'prod-asg', LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING', HeartbeatTimeout: 300, GlobalTimeout: 30000, DefaultResult: 'CONTINUE' },
    ]);
    expect(recorder.invalid).toEqual([]);
  });

  it('heartbeats extend the wait; the heartbeat timeout then completes with the default result', () => {
    const { world } = fleet();
    world.setDesiredCapacity('prod-asg', 5);
    const victim = terminatingInstance(world)!;
    world.advanceBy(200_000);
    world.autoscaling.RecordLifecycleActionHeartbeat({ AutoScalingGroupName: 'prod-asg', LifecycleHookName: 'ecs-ops-drain', InstanceId: victim.ec2InstanceId });
    world.advanceBy(200_000); // 400 s: past the first timeout, within the extended one
    expect(terminatingInstance(world)?.lifecycleState).toBe('Terminating:Wait');
    world.advanceBy(100_000); // 500 s = heartbeat at 200 s + 300 s
    const action = world.report().lifecycleActions[0]!;
    expect(action).toMatchObject({ completedBy: 'heartbeat-timeout', result: 'CONTINUE', heartbeats: 1, completedAt: START + 500_000 });
    world.advanceBy(5_000);
    expect(world.autoScalingInstances('prod-asg').map((i) => i.ec2InstanceId)).not.toContain(victim.ec2InstanceId);
  });

  it('the global timeout ends the wait even with heartbeats (min(48 h, 100 × heartbeat timeout))', () => {
    const { world } = fleet({ hooks: [{ ...DRAIN_HOOK, heartbeatTimeout: 30 }] });
    world.setDesiredCapacity('prod-asg', 5);
    const victim = terminatingInstance(world)!;
    for (let t = 0; t < 3100; t += 20) {
      if (terminatingInstance(world)?.lifecycleState === 'Terminating:Wait') {
        world.autoscaling.RecordLifecycleActionHeartbeat({ AutoScalingGroupName: 'prod-asg', LifecycleHookName: 'ecs-ops-drain', InstanceId: victim.ec2InstanceId });
      }
      world.advanceBy(20_000);
    }
    const action = world.report().lifecycleActions[0]!;
    expect(action.completedBy).toBe('global-timeout');
    expect(action.completedAt).toBe(START + 3000_000);
  });

  it('CompleteLifecycleAction by instance id: the instance terminates, its tasks are killed and counted', () => {
    const { world, recorder } = fleet();
    world.setDesiredCapacity('prod-asg', 5);
    const victim = terminatingInstance(world)!;
    const onVictim = taskArns(world, { cluster: 'prod', containerInstance: victim.containerInstanceArn! });
    expect(onVictim).toHaveLength(1);
    world.advanceBy(30_000);
    world.autoscaling.CompleteLifecycleAction({ AutoScalingGroupName: 'prod-asg', LifecycleHookName: 'ecs-ops-drain', InstanceId: victim.ec2InstanceId, LifecycleActionResult: 'CONTINUE' });
    expect(terminatingInstance(world)?.lifecycleState).toBe('Terminating:Proceed');
    expectAwsError(
      () => world.autoscaling.CompleteLifecycleAction({ AutoScalingGroupName: 'prod-asg', LifecycleHookName: 'ecs-ops-drain', InstanceId: victim.ec2InstanceId, LifecycleActionResult: 'CONTINUE' }),
      'ValidationError',
      `No active Lifecycle Action found with instance ID ${victim.ec2InstanceId}`,
    );
    world.advanceBy(5_000);
    const killed = describeTasks(world, onVictim)[0]!;
    expect(killed.lastStatus).toBe('STOPPED');
    expect(killed.stopCode).toBe('TerminationNotice');
    expect(killed.stoppedReason).toBe(`Host EC2 (instance ${victim.ec2InstanceId}) terminated.`);
    const report = world.report();
    expect(report.tasksKilledByTermination).toMatchObject([{ taskArn: onVictim[0], ec2InstanceId: victim.ec2InstanceId, service: 'web', at: START + 35_000 }]);
    expect(report.counters.tasksKilledByTermination).toBe(1);
    expect(report.services[0]?.belowMinimumHealthy).toHaveLength(1);
    expect(report.lifecycleActions[0]).toMatchObject({ completedBy: 'api', result: 'CONTINUE', emptyAt: undefined, heldAfterEmptyMs: undefined });
    const ci = world.ecs.DescribeContainerInstances({ cluster: 'prod', containerInstances: [victim.containerInstanceArn!] }).containerInstances?.[0];
    expect(ci).toMatchObject({ status: 'INACTIVE', agentConnected: false });
    expect(instanceArns(world)).toHaveLength(5);
    const terminated = recorder.of('EC2 Instance Terminate Successful');
    expect(terminated).toHaveLength(1);
    expect(terminated[0]?.detail).toMatchObject({ EC2InstanceId: victim.ec2InstanceId, AutoScalingGroupName: 'prod-asg', Origin: 'AutoScalingGroup', Destination: 'EC2' });
    expect(world.autoscaling.DescribeScalingActivities({ AutoScalingGroupName: 'prod-asg', MaxRecords: 1 }).Activities?.[0]?.StatusCode).toBe('Successful');
    // The scheduler replaces the killed task.
    world.runUntilIdle();
    expect(service(world).runningCount).toBe(6);
    expect(recorder.invalid).toEqual([]);
  });

  it('CompleteLifecycleAction by token, ABANDON, and the errors for unknown group, hook and token', () => {
    const { world, recorder } = fleet();
    world.setDesiredCapacity('prod-asg', 5);
    const token = (recorder.of('EC2 Instance-terminate Lifecycle Action')[0]?.detail as LifecycleDetail).LifecycleActionToken;
    expectAwsError(
      () => world.autoscaling.CompleteLifecycleAction({ AutoScalingGroupName: 'nope', LifecycleHookName: 'ecs-ops-drain', LifecycleActionToken: token, LifecycleActionResult: 'CONTINUE' }),
      'ValidationError',
      'AutoScalingGroup name not found - AutoScalingGroup nope not found',
    );
    expectAwsError(
      () => world.autoscaling.CompleteLifecycleAction({ AutoScalingGroupName: 'prod-asg', LifecycleHookName: 'other', LifecycleActionToken: token, LifecycleActionResult: 'CONTINUE' }),
      'ValidationError',
      /^No Lifecycle Hook found with name other/,
    );
    expectAwsError(
      () =>
        world.autoscaling.CompleteLifecycleAction({
          AutoScalingGroupName: 'prod-asg',
          LifecycleHookName: 'ecs-ops-drain',
          LifecycleActionToken: '00000000-0000-4000-a000-000000000000',
          LifecycleActionResult: 'CONTINUE',
        }),
      'ValidationError',
      'No active Lifecycle Action found with token 00000000-0000-4000-a000-000000000000',
    );
    expectAwsError(
      () => world.autoscaling.CompleteLifecycleAction({ AutoScalingGroupName: 'prod-asg', LifecycleHookName: 'ecs-ops-drain', LifecycleActionToken: token, LifecycleActionResult: 'MAYBE' }),
      'ValidationError',
    );
    world.autoscaling.CompleteLifecycleAction({ AutoScalingGroupName: 'prod-asg', LifecycleHookName: 'ecs-ops-drain', LifecycleActionToken: token, LifecycleActionResult: 'ABANDON' });
    expect(world.report().lifecycleActions[0]).toMatchObject({ completedBy: 'api', result: 'ABANDON' });
    world.advanceBy(5_000);
    expect(world.autoScalingInstances('prod-asg')).toHaveLength(5);
  });

  it('computes heldAfterEmptyMs: an auto-drainer releases at once, a late release is measured', () => {
    const drained = fleet({ seed: 7 });
    const drainer = autoDrain(drained.world);
    drained.world.setDesiredCapacity('prod-asg', 4);
    drained.world.runUntilIdle();
    const actions = drained.world.report().lifecycleActions;
    expect(actions).toHaveLength(2);
    expect(drainer.completed).toHaveLength(2);
    for (const action of actions) {
      expect(action.completedBy).toBe('api');
      expect(action.emptyAt).toBeDefined();
      expect(action.heldAfterEmptyMs).toBe(0);
    }
    expect(drained.world.report().tasksKilledByTermination).toEqual([]);
    expect(drained.world.report().services[0]?.belowMinimumHealthy).toEqual([]);
    expect(service(drained.world).runningCount).toBe(6);

    // Drained but never released: held until the heartbeat timeout.
    const late = fleet({ seed: 7 });
    late.world.setDesiredCapacity('prod-asg', 5);
    const victim = terminatingInstance(late.world)!;
    late.world.ecs.UpdateContainerInstancesState({ cluster: 'prod', containerInstances: [victim.containerInstanceArn!], status: 'DRAINING' });
    late.world.runUntilIdle();
    const action = late.world.report().lifecycleActions[0]!;
    // Replacement placed after 1 s, RUNNING after 11 s, the old task stopped at 12 s and STOPPED 5 s later.
    expect(action.emptyAt).toBe(START + 17_000);
    expect(action.completedBy).toBe('heartbeat-timeout');
    expect(action.heldAfterEmptyMs).toBe(300_000 - 17_000);
    expect(late.world.report().tasksKilledByTermination).toEqual([]);
  });

  it('TerminateInstanceInAutoScalingGroup: a replacement is launched, registered and used', () => {
    const { world, recorder } = fleet({ hooks: [] });
    const [first] = world.autoScalingInstances('prod-asg');
    expectAwsError(() => {
      world.terminateInstance('i-0000000000000000', false);
    }, 'ValidationError', 'Instance Id not found - No managed instance found for instance ID: i-0000000000000000');
    const activity = world.autoscaling.TerminateInstanceInAutoScalingGroup({ InstanceId: first!.ec2InstanceId, ShouldDecrementDesiredCapacity: false }).Activity;
    expect(activity?.Cause).toBe(`At 2025-03-03T09:00:00Z instance ${first!.ec2InstanceId} was taken out of service in response to a user request.`);
    expect(world.autoScalingInstances('prod-asg').filter((i) => i.lifecycleState === 'Pending')).toHaveLength(1);
    world.advanceBy(60_000);
    const launched = recorder.of('EC2 Instance Launch Successful');
    expect(launched).toHaveLength(1);
    expect(launched[0]?.detail).toMatchObject({ Origin: 'EC2', Destination: 'AutoScalingGroup', StatusCode: 'InProgress' });
    expect(instanceArns(world)).toHaveLength(5);
    world.advanceBy(30_000);
    expect(instanceArns(world)).toHaveLength(6);
    const registered = recorder.of('ECS Container Instance State Change').filter((e) => (e.detail as { version: number }).version === 1);
    expect(registered).toHaveLength(1);
    world.runUntilIdle();
    expect(service(world).runningCount).toBe(6);
    expect(world.report().counters.tasksKilledByTermination).toBe(1);
    // Decrementing at the minimum is refused.
    const small = fleet({ hooks: [], asg: { minSize: 6 } });
    expectAwsError(
      () => {
        small.world.terminateInstance(small.world.autoScalingInstances('prod-asg')[0]!.ec2InstanceId, true);
      },
      'ValidationError',
      /^Currently, desiredSize equals minSize \(6\)\. Terminating instance without replacement will violate group's min size constraint\./,
    );
  });

  it('a launch hook holds new instances in Pending:Wait until completed', () => {
    const { world, recorder } = fleet({
      hooks: [DRAIN_HOOK, { name: 'warmup', transition: 'autoscaling:EC2_INSTANCE_LAUNCHING', heartbeatTimeout: 600, defaultResult: 'ABANDON' }],
    });
    world.setDesiredCapacity('prod-asg', 7);
    world.advanceBy(60_000);
    const pending = world.autoScalingInstances('prod-asg').find((i) => i.lifecycleState === 'Pending:Wait')!;
    expect(pending).toBeDefined();
    const event = recorder.of('EC2 Instance-launch Lifecycle Action')[0];
    expect(event?.detail).toMatchObject({ EC2InstanceId: pending.ec2InstanceId, LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING', Origin: 'EC2', Destination: 'AutoScalingGroup' });
    world.autoscaling.CompleteLifecycleAction({ AutoScalingGroupName: 'prod-asg', LifecycleHookName: 'warmup', InstanceId: pending.ec2InstanceId, LifecycleActionResult: 'CONTINUE' });
    expect(world.autoScalingInstances('prod-asg').find((i) => i.ec2InstanceId === pending.ec2InstanceId)?.lifecycleState).toBe('InService');
    expect(recorder.invalid).toEqual([]);
  });
});

describe('Spot and capacity', () => {
  it('a Spot interruption warns, runs the terminate hook, and terminates the instance 120 s later', () => {
    const { world, recorder } = fleet({ asg: { spot: true } });
    const [victim] = world.autoScalingInstances('prod-asg');
    world.interruptSpot(victim!.ec2InstanceId);
    const warning = recorder.of('EC2 Spot Instance Interruption Warning');
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatchObject({ source: 'aws.ec2', detail: { 'instance-id': victim!.ec2InstanceId, 'instance-action': 'terminate' } });
    expect(recorder.of('EC2 Instance-terminate Lifecycle Action')).toHaveLength(1);
    expect(world.autoScalingInstances('prod-asg').find((i) => i.ec2InstanceId === victim!.ec2InstanceId)?.lifecycleState).toBe('Terminating:Wait');
    world.advanceBy(119_000);
    expect(world.autoScalingInstances('prod-asg').some((i) => i.ec2InstanceId === victim!.ec2InstanceId)).toBe(true);
    world.advanceBy(1_000);
    expect(world.autoScalingInstances('prod-asg').some((i) => i.ec2InstanceId === victim!.ec2InstanceId)).toBe(false);
    const report = world.report();
    expect(report.lifecycleActions[0]).toMatchObject({ completedBy: 'instance-terminated', completedAt: START + 120_000 });
    expect(report.tasksKilledByTermination).toHaveLength(1);
    expect(report.counters.spotInterruptions).toBe(1);
    // A replacement was launched when the interruption took the instance out of service.
    world.runUntilIdle();
    expect(world.autoScalingInstances('prod-asg')).toHaveLength(6);
    expect(service(world).runningCount).toBe(6);
    expect(recorder.invalid).toEqual([]);
  });

  it('ECS_ENABLE_SPOT_INSTANCE_DRAINING sets the container instance DRAINING on the warning', () => {
    const { world } = fleet({ asg: { spot: true, spotInstanceDraining: true }, hooks: [] });
    const [victim] = world.autoScalingInstances('prod-asg');
    world.interruptSpot(victim!.ec2InstanceId);
    const ci = world.ecs.DescribeContainerInstances({ cluster: 'prod', containerInstances: [victim!.containerInstanceArn!] }).containerInstances?.[0];
    expect(ci?.status).toBe('DRAINING');
  });

  it('emits rebalance recommendations', () => {
    const { world, recorder } = fleet();
    const [instance] = world.autoScalingInstances('prod-asg');
    world.rebalanceRecommendation(instance!.ec2InstanceId);
    expect(recorder.of('EC2 Instance Rebalance Recommendation')[0]?.detail).toEqual({ 'instance-id': instance!.ec2InstanceId });
  });

  it('fails launches in an AZ without capacity and launches elsewhere', () => {
    const { world, recorder } = fleet({ hooks: [] });
    world.setInsufficientCapacity('prod-asg', 'us-east-1a', true);
    world.setDesiredCapacity('prod-asg', 7);
    const failed = recorder.of('EC2 Instance Launch Unsuccessful');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.detail).toMatchObject({ StatusCode: 'Failed', EC2InstanceId: '', AutoScalingGroupName: 'prod-asg' });
    expect((failed[0]?.detail as { StatusMessage: string }).StatusMessage).toBe(
      'We currently do not have sufficient c5.large capacity in the Availability Zone you requested (us-east-1a). Our system will be working on provisioning additional capacity. You can currently get c5.large capacity by not specifying an Availability Zone in your request or choosing us-east-1b, us-east-1c. Launching EC2 instance failed.',
    );
    const launching = world.autoScalingInstances('prod-asg').filter((i) => i.lifecycleState === 'Pending');
    expect(launching).toHaveLength(1);
    expect(launching[0]?.availabilityZone).not.toBe('us-east-1a');
    const activities = world.autoscaling.DescribeScalingActivities({ AutoScalingGroupName: 'prod-asg', MaxRecords: 2 }).Activities ?? [];
    expect(activities.map((a) => a.StatusCode)).toEqual(['InProgress', 'Failed']);
    expect(recorder.invalid).toEqual([]);
  });
});
