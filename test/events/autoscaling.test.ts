import { describe, expect, it } from 'vitest';
import {
  asgActivityEventSchema,
  asgLifecycleEventSchema,
  asgSnsNotificationSchema,
  isWarmPoolDestination,
  parseEvent,
} from '../../lib/events/index.js';
import { deletePath, detailOf, fixture } from './support.js';

function lifecycle(name: string) {
  const result = parseEvent(asgLifecycleEventSchema, fixture(name));
  if (!result.ok) throw result.error;
  return result.event;
}

function expectError(result: { ok: boolean; error?: { message: string } }, ...fragments: string[]): void {
  expect(result.ok).toBe(false);
  for (const fragment of fragments) expect(result.error?.message).toContain(fragment);
}

describe('ASG lifecycle action', () => {
  it('reads what CompleteLifecycleAction needs', () => {
    const { detail, resources } = lifecycle('asg-terminate-lifecycle-concrete');
    expect(detail.LifecycleActionToken).toBe('630aa23f-48eb-45e7-aba6-799ea6093a0f');
    expect(detail.AutoScalingGroupName).toBe('sampleASG');
    expect(detail.LifecycleHookName).toBe('SampleLifecycleHook-6789');
    expect(detail.EC2InstanceId).toBe('i-12345678');
    expect(detail.LifecycleTransition).toBe('autoscaling:EC2_INSTANCE_TERMINATING');
    expect(detail.NotificationMetadata).toBeUndefined();
    expect(resources[0]).toMatch(/autoScalingGroupName\/sampleASG$/);
  });

  it('accepts the doc placeholders in time and resources', () => {
    const event = lifecycle('asg-launch-lifecycle');
    expect(event.time).toBe('yyyy-mm-ddThh:mm:ssZ');
    expect(event['detail-type']).toBe('EC2 Instance-launch Lifecycle Action');
    expect(event.detail.NotificationMetadata).toBe('additional-info');
  });

  it('tells a return to the warm pool from a real termination', () => {
    expect(isWarmPoolDestination(lifecycle('asg-terminate-lifecycle-to-warmpool').detail)).toBe(true);
    expect(isWarmPoolDestination(lifecycle('asg-terminate-lifecycle').detail)).toBe(false); // no Origin/Destination at all
    const launch = lifecycle('asg-launch-lifecycle-origin-destination').detail;
    expect([launch.Origin, launch.Destination]).toEqual(['EC2', 'AutoScalingGroup']);
    expect(isWarmPoolDestination(launch)).toBe(false);
  });

  it('accepts Origin/Destination values it does not know yet', () => {
    const input = fixture('asg-terminate-lifecycle-to-warmpool');
    detailOf(input).Destination = 'SomethingNew';
    expect(parseEvent(asgLifecycleEventSchema, input).ok).toBe(true);
  });

  it.each(['LifecycleActionToken', 'AutoScalingGroupName', 'LifecycleHookName', 'EC2InstanceId', 'LifecycleTransition'])(
    'fails without detail.%s, naming it',
    (field) => {
      const input = fixture('asg-terminate-lifecycle-concrete');
      deletePath(input, `detail.${field}`);
      expectError(parseEvent(asgLifecycleEventSchema, input), `detail.${field}: expected`, '468fe059-f4b7-445f-bb22-2a271b94974d');
    },
  );

  it('names the exact failure of the lifecycle token', () => {
    const input = fixture('asg-terminate-lifecycle-concrete');
    deletePath(input, 'detail.LifecycleActionToken');
    const result = parseEvent(asgLifecycleEventSchema, input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues).toEqual([{ path: 'detail.LifecycleActionToken', message: 'expected string, received undefined' }]);
    expect(result.error.eventId).toBe('468fe059-f4b7-445f-bb22-2a271b94974d');
    expect(result.error.detailType).toBe('EC2 Instance-terminate Lifecycle Action');
    expect(result.error.message).toContain('detail.LifecycleActionToken: expected string, received undefined');
  });

  it('rejects an unknown lifecycle transition and a mistyped instance id', () => {
    const input = fixture('asg-terminate-lifecycle');
    detailOf(input).LifecycleTransition = 'autoscaling:EC2_INSTANCE_STOPPING';
    detailOf(input).EC2InstanceId = 42;
    expectError(
      parseEvent(asgLifecycleEventSchema, input),
      'detail.LifecycleTransition: expected one of "autoscaling:EC2_INSTANCE_LAUNCHING" | "autoscaling:EC2_INSTANCE_TERMINATING", received "autoscaling:EC2_INSTANCE_STOPPING"',
      'detail.EC2InstanceId: expected string, received number',
    );
  });

  it('rejects another detail-type and a missing detail', () => {
    const input = fixture('asg-terminate-lifecycle');
    input['detail-type'] = 'EC2 Instance Launch Successful';
    delete input.detail;
    expectError(parseEvent(asgLifecycleEventSchema, input), 'detail-type: expected one of', 'detail: expected object, received undefined');
  });
});

describe('ASG scaling activity', () => {
  it('reads a successful launch', () => {
    const result = parseEvent(asgActivityEventSchema, fixture('asg-launch-successful'));
    if (!result.ok) throw result.error;
    const { detail } = result.event;
    expect(detail.StatusCode).toBe('InProgress');
    expect(detail.Details?.['Availability Zone']).toBe('us-west-2b');
    expect(detail.Details?.['Subnet ID']).toBe('subnet-12345678');
    expect(detail.Destination).toBe('AutoScalingGroup');
  });

  it('reads a failed launch without an instance (empty EC2InstanceId, no Description)', () => {
    const input = fixture('asg-launch-unsuccessful');
    detailOf(input).EC2InstanceId = '';
    const result = parseEvent(asgActivityEventSchema, input);
    if (!result.ok) throw result.error;
    expect(result.event.detail.EC2InstanceId).toBe('');
    expect(result.event.detail.Description).toBeUndefined();
    expect(result.event.detail.StatusMessage).toBe('message-text');
  });

  it.each(['AutoScalingGroupName', 'ActivityId', 'StatusCode', 'EC2InstanceId'])('fails without detail.%s', (field) => {
    const input = fixture('asg-terminate-unsuccessful');
    deletePath(input, `detail.${field}`);
    expectError(parseEvent(asgActivityEventSchema, input), `detail.${field}: expected string, received undefined`);
  });

  it('names keys with spaces in bracket form', () => {
    const input = fixture('asg-terminate-successful');
    (detailOf(input).Details as Record<string, unknown>)['Availability Zone'] = ['us-west-2b'];
    expectError(parseEvent(asgActivityEventSchema, input), 'detail.Details["Availability Zone"]: expected string, received array');
  });
});

describe('ASG SNS notification', () => {
  it('reads the target-tracking launch notification', () => {
    const result = parseEvent(asgSnsNotificationSchema, fixture('asg-sns-notification-launch-target-tracking'));
    if (!result.ok) throw result.error;
    const message = result.event;
    expect(message.Event).toBe('autoscaling:EC2_INSTANCE_LAUNCH');
    expect(message.Service).toBe('AWS Auto Scaling');
    expect(message.AutoScalingGroupName).toBe('my-asg');
    expect(message.Progress).toBe(50);
    expect(message.Cause).toMatch(/changing the desired capacity from 2 to 3/);
    expect(message.Details?.InvokingAlarms?.[0]?.AlarmName).toMatch(/^TargetTracking-my-asg-AlarmHigh-/);
    expect(message.Details?.InvokingAlarms?.[0]?.Trigger).toMatchObject({ MetricName: 'WorkerBacklog', Unit: null });
  });

  it('accepts a test notification (identification fields only)', () => {
    const result = parseEvent(asgSnsNotificationSchema, {
      AccountId: '123456789012',
      RequestId: 'c1f3e8b2-0000-0000-0000-000000000000',
      AutoScalingGroupARN: 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x:autoScalingGroupName/my-asg',
      AutoScalingGroupName: 'my-asg',
      Service: 'AWS Auto Scaling',
      Event: 'autoscaling:TEST_NOTIFICATION',
      Time: '2024-12-05T21:27:35.517Z',
    });
    expect(result.ok).toBe(true);
  });

  it.each(['Event', 'Service', 'AutoScalingGroupName'])('fails without %s, naming it', (field) => {
    const input = fixture('asg-sns-notification-launch-target-tracking');
    deletePath(input, field);
    expectError(parseEvent(asgSnsNotificationSchema, input), `${field}: expected string, received undefined`);
  });

  it('fails on a mistyped Progress', () => {
    const input = fixture('asg-sns-notification-launch-target-tracking');
    input.Progress = '50';
    expectError(parseEvent(asgSnsNotificationSchema, input), 'Progress: expected number, received string');
  });
});
