import { DescribeCapacityProvidersCommand, DescribeClustersCommand, DescribeContainerInstancesCommand, DescribeTasksCommand, ECSClient, ListContainerInstancesCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { daemonOnly, gatherDaemonOnlyProtected, terminationProtectedAsgs } from '../../../lib/summary/digest/protected-daemon-only.js';

const asgArn = (name: string): string => `arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:uuid:autoScalingGroupName/${name}`;

describe('terminationProtectedAsgs', () => {
  it('keeps ACTIVE providers with managed termination protection ENABLED, by ASG name', () => {
    const out = terminationProtectedAsgs([
      { name: 'cp-on', status: 'ACTIVE', autoScalingGroupProvider: { autoScalingGroupArn: asgArn('on'), managedTerminationProtection: 'ENABLED' } },
      { name: 'cp-off', status: 'ACTIVE', autoScalingGroupProvider: { autoScalingGroupArn: asgArn('off'), managedTerminationProtection: 'DISABLED' } },
      { name: 'cp-gone', status: 'INACTIVE', autoScalingGroupProvider: { autoScalingGroupArn: asgArn('gone'), managedTerminationProtection: 'ENABLED' } },
      { name: 'FARGATE', status: 'ACTIVE' },
    ]);
    expect([...out]).toEqual([['on', 'cp-on']]);
  });
});

describe('daemonOnly', () => {
  const daemons = new Set(['agent', 'logs']);
  it('reports instances whose every task is a DAEMON service task, and nothing else', () => {
    const out = daemonOnly(
      [
        { asg: 'a', instanceId: 'i-2', capacityProvider: 'cp', groups: ['service:logs', 'service:agent', 'service:agent'] },
        { asg: 'a', instanceId: 'i-1', capacityProvider: 'cp', groups: ['service:agent'] },
        { asg: 'a', instanceId: 'i-3', capacityProvider: 'cp', groups: ['service:agent', 'service:web'] },
        { asg: 'a', instanceId: 'i-4', capacityProvider: 'cp', groups: ['service:agent', 'family:batch'] },
        { asg: 'a', instanceId: 'i-5', capacityProvider: 'cp', groups: [] },
      ],
      daemons,
    );
    expect(out).toEqual([
      { asg: 'a', instanceId: 'i-1', capacityProvider: 'cp', daemonServices: ['agent'] },
      { asg: 'a', instanceId: 'i-2', capacityProvider: 'cp', daemonServices: ['agent', 'logs'] },
    ]);
  });
});

describe('gatherDaemonOnlyProtected', () => {
  it('makes no call when no instance is protected', async () => {
    const ecs = mockClient(ECSClient);
    expect(await gatherDaemonOnlyProtected(new ECSClient({ region: 'us-east-1' }), 'prod', new Map([['on', []]]), new Set(['agent']))).toEqual([]);
    expect(ecs.calls()).toHaveLength(0);
    ecs.restore();
  });

  it('reads only the protected instances of groups with managed termination protection', async () => {
    const ecs = mockClient(ECSClient);
    ecs.on(DescribeClustersCommand).resolves({ clusters: [{ clusterName: 'prod', capacityProviders: ['cp-on', 'cp-off'] }] });
    ecs.on(DescribeCapacityProvidersCommand).resolves({
      capacityProviders: [
        { name: 'cp-on', status: 'ACTIVE', autoScalingGroupProvider: { autoScalingGroupArn: asgArn('on'), managedTerminationProtection: 'ENABLED' } },
        { name: 'cp-off', status: 'ACTIVE', autoScalingGroupProvider: { autoScalingGroupArn: asgArn('off'), managedTerminationProtection: 'DISABLED' } },
      ],
    });
    ecs.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: ['ci/1', 'ci/2'] });
    ecs.on(DescribeContainerInstancesCommand).resolves({
      containerInstances: [
        { containerInstanceArn: 'ci/1', ec2InstanceId: 'i-daemon' },
        { containerInstanceArn: 'ci/2', ec2InstanceId: 'i-busy' },
      ],
    });
    ecs.on(ListTasksCommand, { containerInstance: 'ci/1' }).resolves({ taskArns: ['t/1'] });
    ecs.on(ListTasksCommand, { containerInstance: 'ci/2' }).resolves({ taskArns: ['t/2', 't/3'] });
    ecs.on(DescribeTasksCommand, { tasks: ['t/1'] }).resolves({ tasks: [{ taskArn: 't/1', group: 'service:agent' }] });
    ecs.on(DescribeTasksCommand, { tasks: ['t/2', 't/3'] }).resolves({ tasks: [{ taskArn: 't/2', group: 'service:agent' }, { taskArn: 't/3', group: 'service:web' }] });
    const out = await gatherDaemonOnlyProtected(
      new ECSClient({ region: 'us-east-1' }),
      'prod',
      new Map([['on', ['i-daemon', 'i-busy']], ['off', ['i-other']]]),
      new Set(['agent']),
    );
    expect(out).toEqual([{ asg: 'on', instanceId: 'i-daemon', capacityProvider: 'cp-on', daemonServices: ['agent'] }]);
    // The group without managed termination protection is not looked at.
    expect(ecs.commandCalls(ListContainerInstancesCommand).map((c) => c.args[0].input.filter)).toEqual(['ec2InstanceId in [i-busy, i-daemon]']);
    ecs.restore();
  });
});
