/** EC2 Auto Scaling over Query/XML, with the real SDK client: every AutoScalingApi operation, happy path and error. */
import {
  AutoScalingClient,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeLifecycleHooksCommand,
  DescribeScalingActivitiesCommand,
  RecordLifecycleActionHeartbeatCommand,
  SetDesiredCapacityCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  paginateDescribeAutoScalingGroups,
} from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { ASG_ARN, ASG_NAME, HOOK_TOKEN, INSTANCE_IDS, T0, T1 } from './fake-apis.js';
import { clientConfig, useServer } from './support.js';

const h = useServer();
const asg = () => new AutoScalingClient(clientConfig(h.server));
const validation = (message: string) => ({ name: 'ValidationError', message, $fault: 'client', $metadata: { httpStatusCode: 400 } });

describe('EC2 Auto Scaling (Query)', () => {
  it('DescribeAutoScalingGroups: groups with instances, tags, lists, dates, booleans', async () => {
    const out = await asg().send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [ASG_NAME], Filters: [{ Name: 'tag:ecs-ops', Values: ['true', 'yes'] }] }),
    );
    expect(h.lastInput('autoscaling', 'DescribeAutoScalingGroups')).toEqual({
      AutoScalingGroupNames: [ASG_NAME],
      Filters: [{ Name: 'tag:ecs-ops', Values: ['true', 'yes'] }],
    });
    expect(out.AutoScalingGroups).toHaveLength(1);
    const g = out.AutoScalingGroups?.[0];
    expect(g?.AutoScalingGroupARN).toBe(ASG_ARN);
    expect(g?.DesiredCapacity).toBe(3);
    expect(g?.MinSize).toBe(0);
    expect(g?.CreatedTime).toEqual(T0);
    expect(g?.NewInstancesProtectedFromScaleIn).toBe(true);
    expect(g?.CapacityRebalance).toBe(false);
    expect(g?.AvailabilityZones).toEqual(['us-east-1a', 'us-east-1b']);
    expect(g?.TerminationPolicies).toEqual(['OldestLaunchTemplate', 'Default']);
    expect(g?.SuspendedProcesses).toEqual([]);
    expect(g?.Tags).toEqual([{ Key: 'ecs-ops', Value: 'true', PropagateAtLaunch: true, ResourceId: ASG_NAME, ResourceType: 'auto-scaling-group' }]);
    expect(g?.Instances?.map((i) => i.InstanceId)).toEqual([...INSTANCE_IDS]);
    expect(g?.Instances?.[0]?.LifecycleState).toBe('InService');
    expect(g?.Instances?.[2]?.LifecycleState).toBe('Terminating:Wait');
    expect(g?.Instances?.[0]?.ProtectedFromScaleIn).toBe(true);
    expect(g?.Instances?.[1]?.ProtectedFromScaleIn).toBe(false);
    expect(g?.Instances?.[0]?.LaunchTemplate).toEqual({ LaunchTemplateId: 'lt-0123', LaunchTemplateName: 'ecs', Version: '4' });
  });

  it('DescribeAutoScalingGroups: MaxRecords/NextToken both ways, paginator, error', async () => {
    const first = await asg().send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 1 }));
    expect(first.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual([ASG_NAME]);
    expect(first.NextToken).toBe('1');
    expect(h.lastInput('autoscaling', 'DescribeAutoScalingGroups')).toEqual({ MaxRecords: 1 });
    const second = await asg().send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 1, NextToken: first.NextToken }));
    expect(second.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(['batch-asg']);
    expect(second.NextToken).toBeUndefined();
    expect(h.lastInput('autoscaling', 'DescribeAutoScalingGroups')).toEqual({ MaxRecords: 1, NextToken: '1' });

    const names: string[] = [];
    for await (const page of paginateDescribeAutoScalingGroups({ client: asg(), pageSize: 1 }, {})) {
      names.push(...(page.AutoScalingGroups ?? []).map((g) => g.AutoScalingGroupName ?? ''));
    }
    expect(names).toEqual([ASG_NAME, 'batch-asg']);

    const empty = await asg().send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['ghost'] }));
    expect(empty.AutoScalingGroups).toEqual([]);

    await expect(asg().send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 101 }))).rejects.toMatchObject(
      validation("1 validation error detected: Value '101' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to 100"),
    );
  });

  it('DescribeAutoScalingInstances', async () => {
    const out = await asg().send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [INSTANCE_IDS[1], 'i-0ghost'], MaxRecords: 50 }));
    expect(h.lastInput('autoscaling', 'DescribeAutoScalingInstances')).toEqual({ InstanceIds: [INSTANCE_IDS[1], 'i-0ghost'], MaxRecords: 50 });
    expect(out.AutoScalingInstances).toEqual([
      {
        InstanceId: INSTANCE_IDS[1],
        AutoScalingGroupName: ASG_NAME,
        AvailabilityZone: 'us-east-1a',
        LifecycleState: 'InService',
        HealthStatus: 'HEALTHY',
        ProtectedFromScaleIn: false,
        InstanceType: 'm6i.large',
      },
    ]);
    await expect(asg().send(new DescribeAutoScalingInstancesCommand({ MaxRecords: 51 }))).rejects.toMatchObject(validation('MaxRecords must be at most 50.'));
  });

  it('DescribeLifecycleHooks', async () => {
    const out = await asg().send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: ASG_NAME }));
    expect(out.LifecycleHooks?.map((hk) => hk.LifecycleHookName)).toEqual(['drain', 'launch']);
    expect(out.LifecycleHooks?.[0]).toEqual({
      LifecycleHookName: 'drain',
      AutoScalingGroupName: ASG_NAME,
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
      HeartbeatTimeout: 900,
      GlobalTimeout: 86400,
      DefaultResult: 'CONTINUE',
      NotificationMetadata: '{"cluster":"prod"}',
    });
    const one = await asg().send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: ASG_NAME, LifecycleHookNames: ['launch'] }));
    expect(one.LifecycleHooks?.map((hk) => hk.LifecycleHookName)).toEqual(['launch']);
    await expect(asg().send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: 'ghost' }))).rejects.toMatchObject(validation('Group ghost not found'));
  });

  it('CompleteLifecycleAction (empty result)', async () => {
    const out = await asg().send(
      new CompleteLifecycleActionCommand({ AutoScalingGroupName: ASG_NAME, LifecycleHookName: 'drain', LifecycleActionToken: HOOK_TOKEN, LifecycleActionResult: 'CONTINUE' }),
    );
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(h.lastInput('autoscaling', 'CompleteLifecycleAction')).toEqual({
      AutoScalingGroupName: ASG_NAME,
      LifecycleHookName: 'drain',
      LifecycleActionToken: HOOK_TOKEN,
      LifecycleActionResult: 'CONTINUE',
    });
    await asg().send(new CompleteLifecycleActionCommand({ AutoScalingGroupName: ASG_NAME, LifecycleHookName: 'drain', InstanceId: INSTANCE_IDS[2], LifecycleActionResult: 'ABANDON' }));
    await expect(
      asg().send(new CompleteLifecycleActionCommand({ AutoScalingGroupName: ASG_NAME, LifecycleHookName: 'drain', LifecycleActionToken: 'stale', LifecycleActionResult: 'CONTINUE' })),
    ).rejects.toMatchObject(validation('No active Lifecycle Action found with token stale'));
  });

  it('RecordLifecycleActionHeartbeat', async () => {
    const out = await asg().send(new RecordLifecycleActionHeartbeatCommand({ AutoScalingGroupName: ASG_NAME, LifecycleHookName: 'drain', LifecycleActionToken: HOOK_TOKEN }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    await expect(
      asg().send(new RecordLifecycleActionHeartbeatCommand({ AutoScalingGroupName: ASG_NAME, LifecycleHookName: 'drain', LifecycleActionToken: 'stale' })),
    ).rejects.toMatchObject(validation('No active Lifecycle Action found with token stale'));
  });

  it('DescribeScalingActivities: activities, multi-line text, pagination', async () => {
    const out = await asg().send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: ASG_NAME, IncludeDeletedGroups: false, MaxRecords: 2 }));
    expect(h.lastInput('autoscaling', 'DescribeScalingActivities')).toEqual({ AutoScalingGroupName: ASG_NAME, IncludeDeletedGroups: false, MaxRecords: 2 });
    expect(out.Activities?.map((a) => a.ActivityId)).toEqual(['act-1', 'act-2']);
    expect(out.NextToken).toBe('2');
    const a = out.Activities?.[0];
    expect(a?.StartTime).toEqual(T0);
    expect(a?.EndTime).toEqual(T1);
    expect(a?.Progress).toBe(100);
    expect(a?.StatusCode).toBe('Successful');
    expect(a?.Cause).toBe('At 2024-05-01T10:00:00Z an instance was taken out of service in response to a user request.\nSecond line & <more>.');
    expect(a?.Details).toBe('{"Subnet ID":"subnet-1"}');

    const byId = await asg().send(new DescribeScalingActivitiesCommand({ ActivityIds: ['act-3', 'act-1'] }));
    expect(h.lastInput('autoscaling', 'DescribeScalingActivities')).toEqual({ ActivityIds: ['act-3', 'act-1'] });
    expect(byId.Activities?.map((x) => x.ActivityId)).toEqual(['act-1', 'act-3']);

    const none = await asg().send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'ghost' }));
    expect(none.Activities).toEqual([]);
    expect(none.NextToken).toBeUndefined();

    await expect(asg().send(new DescribeScalingActivitiesCommand({ MaxRecords: 1, NextToken: 'x' }))).rejects.toMatchObject(validation('The token is invalid.'));
  });

  it('SetDesiredCapacity (no output)', async () => {
    const out = await asg().send(new SetDesiredCapacityCommand({ AutoScalingGroupName: ASG_NAME, DesiredCapacity: 4, HonorCooldown: true }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(h.lastInput('autoscaling', 'SetDesiredCapacity')).toEqual({ AutoScalingGroupName: ASG_NAME, DesiredCapacity: 4, HonorCooldown: true });
    await expect(asg().send(new SetDesiredCapacityCommand({ AutoScalingGroupName: ASG_NAME, DesiredCapacity: 11 }))).rejects.toMatchObject(
      validation('New SetDesiredCapacity value 11 is above max value 10 for the AutoScalingGroup.'),
    );
  });

  it('TerminateInstanceInAutoScalingGroup', async () => {
    const out = await asg().send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: INSTANCE_IDS[0], ShouldDecrementDesiredCapacity: true }));
    expect(h.lastInput('autoscaling', 'TerminateInstanceInAutoScalingGroup')).toEqual({ InstanceId: INSTANCE_IDS[0], ShouldDecrementDesiredCapacity: true });
    expect(out.Activity).toMatchObject({ ActivityId: 'act-9', StatusCode: 'InProgress', Progress: 0, StartTime: T0, Cause: 'shrinking the capacity from 3 to 2' });
    expect(out.Activity?.EndTime).toBeUndefined();
    const keep = await asg().send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: INSTANCE_IDS[1], ShouldDecrementDesiredCapacity: false }));
    expect(keep.Activity?.Cause).toBe('maintaining the same capacity');
    await expect(asg().send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: 'i-0ghost', ShouldDecrementDesiredCapacity: false }))).rejects.toMatchObject(
      validation('Instance Id not found - No managed instance found for instance ID: i-0ghost'),
    );
  });

  it('an unknown action is InvalidAction', async () => {
    const res = await fetch(h.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=CreateAutoScalingGroup&Version=2011-01-01&AutoScalingGroupName=x',
    });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toContain('<ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">');
    expect(body).toContain('<Type>Sender</Type><Code>InvalidAction</Code>');
    expect(h.server.calls.calls.at(-1)).toMatchObject({ service: 'autoscaling', operation: 'CreateAutoScalingGroup', status: 400, errorCode: 'InvalidAction' });
  });

  it('the raw response has the AWS envelope', async () => {
    const res = await fetch(h.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `Action=SetDesiredCapacity&Version=2011-01-01&AutoScalingGroupName=${ASG_NAME}&DesiredCapacity=2`,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(
      /^<SetDesiredCapacityResponse xmlns="http:\/\/autoscaling\.amazonaws\.com\/doc\/2011-01-01\/"><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/SetDesiredCapacityResponse>$/,
    );
    const described = await fetch(h.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `Action=DescribeLifecycleHooks&Version=2011-01-01&AutoScalingGroupName=${ASG_NAME}&LifecycleHookNames.member.1=launch`,
    });
    expect(await described.text()).toContain(
      '<DescribeLifecycleHooksResult><LifecycleHooks><member><LifecycleHookName>launch</LifecycleHookName>',
    );
  });
});
