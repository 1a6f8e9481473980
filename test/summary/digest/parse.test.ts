import { describe, expect, it } from 'vitest';
import {
  asgActivityType,
  classifyLaunchFailure,
  parseAasCause,
  parseAasDescription,
  parseAsgCause,
  parseServiceEvent,
  splitAsgCause,
} from '../../../lib/summary/digest/parse.js';
import { INSUFFICIENT, VCPU_QUOTA } from './fixtures.js';

describe('Application Auto Scaling texts', () => {
  it('reads a target tracking alarm (the ECS tutorial text) and its direction', () => {
    const cause = parseAasCause(
      'monitor alarm TargetTracking-service/service-autoscaling/sample-webapp-AlarmLow-fcd80aef-5161-4890-aeb4-35dde11ff42c in state ALARM triggered policy TargetTrackingPolicy',
    );
    expect(cause).toMatchObject({
      kind: 'target-tracking',
      alarm: 'TargetTracking-service/service-autoscaling/sample-webapp-AlarmLow-fcd80aef-5161-4890-aeb4-35dde11ff42c',
      policy: 'TargetTrackingPolicy',
      high: false,
    });
    expect(parseAasCause('monitor alarm TargetTracking-service/prod/web-AlarmHigh in state ALARM triggered policy web-cpu')).toMatchObject({ high: true, policy: 'web-cpu' });
  });

  it('reads a step scaling alarm (the documented example) as an alarm with its policy', () => {
    expect(parseAasCause('monitor alarm web-app-cpu-lt-25 in state ALARM triggered policy web-app-cpu-lt-25')).toEqual({
      kind: 'alarm',
      alarm: 'web-app-cpu-lt-25',
      policy: 'web-app-cpu-lt-25',
      text: 'monitor alarm web-app-cpu-lt-25 in state ALARM triggered policy web-app-cpu-lt-25',
    });
  });

  it('reads scheduled actions, manual bound changes and keeps anything else raw', () => {
    expect(parseAasCause('scheduled action name my-first-scheduled-action was triggered')).toMatchObject({ kind: 'scheduled', action: 'my-first-scheduled-action' });
    expect(parseAasCause('minimum capacity was set to 1')).toMatchObject({ kind: 'manual' });
    expect(parseAasCause('maximum capacity was set to 10')).toMatchObject({ kind: 'manual' });
    expect(parseAasCause('something new AWS says')).toEqual({ kind: 'other', text: 'something new AWS says' });
  });

  it('reads what an activity set', () => {
    expect(parseAasDescription('Setting desired count to 2.')).toEqual({ kind: 'desired', desired: 2 });
    expect(parseAasDescription('Setting min capacity to 15 and max capacity to 20')).toEqual({ kind: 'bounds', min: 15, max: 20 });
    expect(parseAasDescription('Attempting to scale due to alarm triggered')).toEqual({ kind: 'none' });
  });
});

describe('EC2 Auto Scaling texts', () => {
  it('splits the documented scale-in cause into its clauses', () => {
    const clauses = splitAsgCause(
      'At 2020-02-11T18:34:10Z a monitor alarm TargetTracking-my-asg-AlarmLow-b9376cab-18a4-4387-9f7b-3f5c4e6a1f7d in state ALARM triggered policy my-target-tracking-policy changing the desired capacity from 3 to 2.  At 2020-02-11T18:34:31Z an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from 3 to 2.  At 2020-02-11T18:34:31Z instance i-06c4794c2499af1df was selected for termination.',
    );
    expect(clauses.map((c) => new Date(c.at ?? 0).toISOString())).toEqual(['2020-02-11T18:34:10.000Z', '2020-02-11T18:34:31.000Z', '2020-02-11T18:34:31.000Z']);
    expect(clauses[2]?.text).toBe('instance i-06c4794c2499af1df was selected for termination');
  });

  it('reads ECS managed scaling (capacity provider) with its from/to', () => {
    const info = parseAsgCause(
      'At 2025-09-01T01:17:45Z a monitor alarm TargetTracking-Infra-ECS-Cluster-ECSAutoScalingGroup-AlarmHigh-0a1b in state ALARM triggered policy ECSManagedAutoScalingPolicy-b0b56b86-6ae1 changing the desired capacity from 1 to 2. At 2025-09-01T01:17:52Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 1 to 2.',
    );
    expect(info.cause).toMatchObject({ kind: 'target-tracking', policy: 'ECSManagedAutoScalingPolicy-b0b56b86-6ae1', high: true });
    expect(info.desiredChange).toEqual({ from: 1, to: 2, at: Date.parse('2025-09-01T01:17:45Z') });
  });

  it('reads user requests, scheduled actions, Spot and health check causes', () => {
    expect(parseAsgCause('At 2025-09-01T01:15:25Z a user request update of AutoScalingGroup constraints to min: 1, max: 5, desired: 1 changing the desired capacity from 2 to 1.  At 2025-09-01T01:15:40Z an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from 2 to 1.')).toMatchObject({
      cause: { kind: 'manual' },
      desiredChange: { from: 2, to: 1 },
    });
    expect(parseAsgCause('At 2013-08-19T20:53:25Z a user request created an AutoScalingGroup changing the desired capacity from 0 to 1.  At 2013-08-19T20:53:29Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 1.').desiredChange).toMatchObject({ from: 0, to: 1 });
    expect(parseAsgCause('At 2017-06-13T18:00:00Z a scheduled action update of AutoScalingGroup constraints to min: 0, max: 0, desired: 0 changing the desired capacity from 1 to 0.')).toMatchObject({
      cause: { kind: 'scheduled' },
      desiredChange: { from: 1, to: 0 },
    });
    expect(parseAsgCause('At 2026-01-01T08:25:00Z an instance was taken out of service in response to an EC2 Spot Instance interruption notice.').cause.kind).toBe('spot');
    expect(parseAsgCause('At 2015-06-16T14:59:01Z an instance was taken out of service in response to a EC2 health check indicating it has been terminated or stopped.').cause.kind).toBe('health');
  });

  it('classifies failed launches: insufficient capacity (type and AZ), quotas, anything else', () => {
    expect(classifyLaunchFailure(INSUFFICIENT, `Launching a new EC2 instance.  Status Reason: ${INSUFFICIENT}`, undefined, 1)).toMatchObject({
      reason: 'insufficient-capacity',
      az: 'us-east-1b',
      instanceType: 'm5.large',
    });
    expect(classifyLaunchFailure(VCPU_QUOTA, '', '{"Availability Zone":"us-east-1c"}', 1)).toMatchObject({ reason: 'quota', az: 'us-east-1c' });
    expect(classifyLaunchFailure("You've reached your quota for maximum Fleet Requests for this account. Launching EC2 instance failed.", '', undefined, 1).reason).toBe('quota');
    expect(classifyLaunchFailure('Max spot instance count exceeded. Launching EC2 instance failed.', '', undefined, 1).reason).toBe('quota');
    expect(classifyLaunchFailure("The security group 'sg-0a1b2c3d' does not exist in VPC 'vpc-1234abcd'. Launching EC2 instance failed.", '', undefined, 1).reason).toBe('other');
    // No StatusMessage: the reason from the Description.
    expect(classifyLaunchFailure(undefined, `Launching a new EC2 instance.  Status Reason: ${INSUFFICIENT}`, undefined, 1).message).toContain('do not have sufficient m5.large capacity');
  });

  it('tells launches from terminations', () => {
    expect(asgActivityType('Launching a new EC2 instance: i-0a1b2c3d4e5f60718')).toEqual({ type: 'launch', instanceId: 'i-0a1b2c3d4e5f60718' });
    expect(asgActivityType('Terminating EC2 instance: i-06c4794c2499af1df')).toEqual({ type: 'terminate', instanceId: 'i-06c4794c2499af1df' });
    expect(asgActivityType('Launching a new EC2 instance.  Status Reason: x')).toEqual({ type: 'launch', instanceId: undefined });
  });
});

describe('ECS service events', () => {
  it('reads started/stopped tasks, deployments and problems', () => {
    expect(parseServiceEvent('(service reefguide-api) has started 2 tasks: (task 04dfb8c773cc47a1b0442dc1cabc497a) (task 239bccf79b8841c2afc9009496987dc0).')).toEqual({ kind: 'started', count: 2 });
    expect(parseServiceEvent('(service wordpress-service) has stopped 1 running tasks: (task 218dcf0765ba4c97a2eeb1f06a0e913b).')).toEqual({ kind: 'stopped', count: 1, pending: false });
    expect(parseServiceEvent('(service expd03-originacion) (deployment ecs-svc/3559820735141730004) deployment completed.')).toEqual({
      kind: 'deployment',
      id: 'ecs-svc/3559820735141730004',
      outcome: 'completed',
      reason: undefined,
    });
    expect(parseServiceEvent('(service web) (deployment ecs-svc/1) deployment failed: tasks failed to start.')).toMatchObject({ outcome: 'failed', reason: 'tasks failed to start' });
    expect(parseServiceEvent('(service my-http-service) has reached a steady state.')).toEqual({ kind: 'other' });
    expect(
      parseServiceEvent('(service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance 0a1b2c3d-1111-2222-3333-444455556666) has insufficient memory available.'),
    ).toMatchObject({ kind: 'problem' });
  });
});
