/**
 * Capacity providers and ECS's managed features through the real SDK clients against the sim server backed by a World:
 * CreateCapacityProvider / UpdateCapacityProvider / DescribeCapacityProviders / PutClusterCapacityProviders,
 * DescribeClusters with ATTACHMENTS, ECS's managed-draining hook on the group (DescribeLifecycleHooks) and managed
 * instance draining itself. Sources in sim/world/capacity-providers.ts.
 */
import { AutoScalingClient, CompleteLifecycleActionCommand, DescribeAutoScalingInstancesCommand, DescribeLifecycleHooksCommand, DescribeScalingActivitiesCommand } from '@aws-sdk/client-auto-scaling';
import {
  CreateCapacityProviderCommand,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  ECSClient,
  PutClusterCapacityProvidersCommand,
  RunTaskCommand,
  UpdateCapacityProviderCommand,
} from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { startAwsServer, type AwsServer } from '../../../sim/server/index.js';
import { MANAGED_DRAINING_HOOK, type World } from '../../../sim/world/world.js';
import { DRAIN_HOOK, fleet, type FleetOptions } from '../world/helpers.js';
import { clientConfig } from './support.js';

let server: AwsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(options: FleetOptions = {}) {
  const { world, recorder } = fleet(options);
  server = await startAwsServer({ apis: world });
  return { world, recorder, ecs: new ECSClient(clientConfig(server)), asg: new AutoScalingClient(clientConfig(server)) };
}

const HOUR = 3_600_000;

/** The ASG's hooks by name. */
async function hookNames(asg: AutoScalingClient): Promise<string[]> {
  const out = await asg.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: 'prod-asg' }));
  return (out.LifecycleHooks ?? []).map((h) => h.LifecycleHookName ?? '');
}

async function containerInstanceStatus(ecs: ECSClient, arn: string | undefined): Promise<string | undefined> {
  if (arn === undefined) throw new Error('no container instance');
  const out = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'prod', containerInstances: [arn] }));
  return out.containerInstances?.[0]?.status;
}

function actionsOf(world: World, hook: string) {
  return world.report().lifecycleActions.filter((a) => a.lifecycleHookName === hook);
}

describe('capacity providers (DescribeCapacityProviders, DescribeClusters ATTACHMENTS, DescribeLifecycleHooks)', () => {
  it('a provider with the defaults has managed draining ENABLED: ECS hook on the group, managed_draining attachment', async () => {
    const { ecs, asg } = await serve({ asg: { capacityProvider: {} } });
    const described = await ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: ['prod-cp'] }));
    expect(described.capacityProviders?.[0]).toMatchObject({
      name: 'prod-cp',
      status: 'ACTIVE',
      updateStatus: 'UPDATE_COMPLETE',
      autoScalingGroupProvider: {
        autoScalingGroupArn: expect.stringMatching(/^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:.*:autoScalingGroupName\/prod-asg$/) as unknown,
        managedScaling: { status: 'DISABLED', targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 10000, instanceWarmupPeriod: 300 },
        managedTerminationProtection: 'DISABLED',
        managedDraining: 'ENABLED',
      },
    });
    const clusters = await ecs.send(new DescribeClustersCommand({ clusters: ['prod', 'ghost'], include: ['ATTACHMENTS'] }));
    expect(clusters.clusters?.[0]).toMatchObject({
      clusterName: 'prod',
      capacityProviders: ['prod-cp'],
      attachmentsStatus: 'UPDATE_COMPLETE',
      attachments: [
        {
          type: 'managed_draining',
          status: 'CREATED',
          details: [
            { name: 'capacityProviderName', value: 'prod-cp' },
            { name: 'autoScalingLifecycleHookName', value: MANAGED_DRAINING_HOOK },
          ],
        },
      ],
    });
    expect(clusters.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/ghost', reason: 'MISSING' }]);
    const hooks = await asg.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: 'prod-asg', LifecycleHookNames: [MANAGED_DRAINING_HOOK] }));
    expect(hooks.LifecycleHooks).toEqual([
      {
        LifecycleHookName: MANAGED_DRAINING_HOOK,
        AutoScalingGroupName: 'prod-asg',
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
        HeartbeatTimeout: 3600,
        GlobalTimeout: 172800,
        DefaultResult: 'CONTINUE',
      },
    ]);
  });

  it('managed scaling shows as an as_policy attachment; without a provider block every managed feature is DISABLED and no hook is added', async () => {
    const managed = await serve({ asg: { capacityProvider: { managedScaling: { targetCapacity: 90 }, managedDraining: 'DISABLED' } } });
    const attachments = (await managed.ecs.send(new DescribeClustersCommand({ clusters: ['prod'], include: ['ATTACHMENTS'] }))).clusters?.[0]?.attachments ?? [];
    expect(attachments.map((a) => a.type)).toEqual(['as_policy']);
    expect(attachments[0]?.details?.[1]).toMatchObject({ name: 'scalingPolicyName', value: expect.stringMatching(/^ECSManagedAutoScalingPolicy-[0-9a-f-]{36}$/) as unknown });
    expect(await hookNames(managed.asg)).toEqual(['ecs-ops-drain']);
    await server?.close();

    const plain = await serve();
    const provider = (await plain.ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: ['prod-cp'] }))).capacityProviders?.[0];
    expect(provider?.autoScalingGroupProvider).toMatchObject({ managedTerminationProtection: 'DISABLED', managedDraining: 'DISABLED', managedScaling: { status: 'DISABLED' } });
    const cluster = (await plain.ecs.send(new DescribeClustersCommand({ clusters: ['prod'] }))).clusters?.[0];
    expect(cluster?.attachments).toBeUndefined();
    expect(cluster).toMatchObject({ registeredContainerInstancesCount: 6, runningTasksCount: 6, activeServicesCount: 1 });
  });

  it('CreateCapacityProvider + PutClusterCapacityProviders create ECS hook; UpdateCapacityProvider managedDraining DISABLED removes it', async () => {
    const { world, ecs, asg } = await serve({ asg: { capacityProviderName: undefined, protectFromScaleIn: false } });
    const groupArn = (await ecs.send(new DescribeCapacityProvidersCommand({}))).capacityProviders?.length; // only FARGATE, FARGATE_SPOT
    expect(groupArn).toBe(2);
    await expect(ecs.send(new CreateCapacityProviderCommand({ name: 'ecs-prod', autoScalingGroupProvider: { autoScalingGroupArn: 'prod-asg' } }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'The capacity provider name cannot be prefixed with "aws", "ecs", or "fargate".',
    });
    await expect(
      ecs.send(new CreateCapacityProviderCommand({ name: 'prod-cp', autoScalingGroupProvider: { autoScalingGroupArn: 'prod-asg', managedTerminationProtection: 'ENABLED', managedScaling: { status: 'ENABLED' } } })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining('the Auto Scaling group must have instance protection from scale in enabled') as unknown });
    const created = await ecs.send(new CreateCapacityProviderCommand({ name: 'prod-cp', autoScalingGroupProvider: { autoScalingGroupArn: 'prod-asg' }, tags: [{ key: 'team', value: 'ops' }] }));
    expect(created.capacityProvider?.autoScalingGroupProvider?.managedDraining).toBe('ENABLED');
    // Created, not yet associated with a cluster: ECS has not attached anything to the group.
    expect(await hookNames(asg)).toEqual(['ecs-ops-drain']);

    await expect(
      ecs.send(new PutClusterCapacityProvidersCommand({ cluster: 'prod', capacityProviders: ['prod-cp'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining('cannot contain a capacity provider that is not associated with the cluster') as unknown });
    await expect(
      ecs.send(
        new PutClusterCapacityProvidersCommand({
          cluster: 'prod',
          capacityProviders: ['prod-cp', 'FARGATE'],
          defaultCapacityProviderStrategy: [{ capacityProvider: 'prod-cp', weight: 1 }, { capacityProvider: 'FARGATE', weight: 1 }],
        }),
      ),
    ).rejects.toMatchObject({ message: expect.stringContaining('cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers') as unknown });
    await expect(
      ecs.send(
        new PutClusterCapacityProvidersCommand({
          cluster: 'prod',
          capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
          defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 1 }, { capacityProvider: 'FARGATE_SPOT', base: 2 }],
        }),
      ),
    ).rejects.toMatchObject({ message: 'Only one capacity provider in a capacity provider strategy can have a base defined.' });
    expect(await hookNames(asg)).toEqual(['ecs-ops-drain']);

    const put = await ecs.send(
      new PutClusterCapacityProvidersCommand({ cluster: 'prod', capacityProviders: ['prod-cp', 'FARGATE'], defaultCapacityProviderStrategy: [{ capacityProvider: 'prod-cp', weight: 1, base: 2 }] }),
    );
    expect(put.cluster).toMatchObject({ capacityProviders: ['prod-cp', 'FARGATE'], defaultCapacityProviderStrategy: [{ capacityProvider: 'prod-cp', weight: 1, base: 2 }] });
    expect(put.cluster?.attachments?.map((a) => a.type)).toEqual(['managed_draining']);
    expect(await hookNames(asg)).toEqual(['ecs-ops-drain', MANAGED_DRAINING_HOOK]);

    const updated = await ecs.send(new UpdateCapacityProviderCommand({ name: 'prod-cp', autoScalingGroupProvider: { managedDraining: 'DISABLED' } }));
    expect(updated.capacityProvider?.autoScalingGroupProvider?.managedDraining).toBe('DISABLED');
    expect(await hookNames(asg)).toEqual(['ecs-ops-drain']);
    const after = await ecs.send(new DescribeClustersCommand({ clusters: ['prod'], include: ['ATTACHMENTS'] }));
    expect(after.clusters?.[0]?.attachments).toEqual([]);
    expect(world.report().apiCalls['ecs.PutClusterCapacityProviders']).toBe(4);
  });
});

describe('managed instance draining (ECS answers its own hook)', () => {
  it('scale-in: ECS sets the instance DRAINING, the service moves, ECS completes its hook with CONTINUE once empty', async () => {
    const { world, ecs } = await serve({ hooks: [], asg: { capacityProvider: {} } });
    const victim = world.autoScalingInstances('prod-asg')[0];
    world.terminateInstance(victim?.ec2InstanceId ?? '', true);
    world.advanceBy(1000);
    expect(await containerInstanceStatus(ecs, victim?.containerInstanceArn)).toBe('DRAINING');
    world.runUntilIdle();
    const [action] = actionsOf(world, MANAGED_DRAINING_HOOK);
    expect(action).toMatchObject({ ec2InstanceId: victim?.ec2InstanceId, completedBy: 'ecs-managed-draining', result: 'CONTINUE' });
    expect(action?.emptyAt).toBeDefined();
    expect(action?.heldAfterEmptyMs).toBe(0);
    expect(world.report().tasksKilledByTermination).toEqual([]);
    expect(world.serviceTaskArns('prod', 'web')).toHaveLength(6);
  });

  it('coexists with another terminate hook: the instance terminates only when both are completed', async () => {
    const { world, asg } = await serve({ hooks: [DRAIN_HOOK], asg: { capacityProvider: {} } });
    const victim = world.autoScalingInstances('prod-asg')[0];
    const id = victim?.ec2InstanceId ?? '';
    world.terminateInstance(id, true);
    world.advanceBy(60_000);
    expect(actionsOf(world, MANAGED_DRAINING_HOOK)[0]?.completedBy).toBe('ecs-managed-draining');
    expect(world.autoScalingInstances('prod-asg').find((i) => i.ec2InstanceId === id)?.lifecycleState).toBe('Terminating:Wait');
    await asg.send(new CompleteLifecycleActionCommand({ AutoScalingGroupName: 'prod-asg', LifecycleHookName: DRAIN_HOOK.name, InstanceId: id, LifecycleActionResult: 'CONTINUE' }));
    world.advanceBy(60_000);
    expect(world.autoScalingInstances('prod-asg').find((i) => i.ec2InstanceId === id)).toBeUndefined();
    expect(world.report().tasksKilledByTermination).toEqual([]);
  });

  it('a task that never ends holds the drain (heartbeats every 30 minutes) until the 48-hour limit, then the instance goes', async () => {
    const { world, ecs } = await serve({ hooks: [], asg: { capacityProvider: {} } });
    const victim = world.autoScalingInstances('prod-asg')[0];
    const id = victim?.ec2InstanceId ?? '';
    // A standalone task: a DRAINING instance does not stop it (ECS waits for it, like any drain).
    await ecs.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: 'web', placementConstraints: [{ type: 'memberOf', expression: `ec2InstanceId == ${id}` }] }));
    world.advanceBy(60_000);
    world.terminateInstance(id, true);
    world.advanceBy(47 * HOUR);
    expect(await containerInstanceStatus(ecs, victim?.containerInstanceArn)).toBe('DRAINING');
    expect(actionsOf(world, MANAGED_DRAINING_HOOK)[0]?.completedAt).toBeUndefined();
    world.advanceBy(2 * HOUR);
    const [action] = actionsOf(world, MANAGED_DRAINING_HOOK);
    expect(action).toMatchObject({ completedBy: 'global-timeout', result: 'CONTINUE' });
    expect((action?.completedAt ?? 0) - (action?.startedAt ?? 0)).toBe(48 * HOUR);
    // One every 30 minutes from 30m to 47h: the next would reach past the 48-hour limit.
    expect(action?.heartbeats).toBe(94);
    expect(world.report().tasksKilledByTermination.map((k) => k.ec2InstanceId)).toEqual([id]);
  });
});

describe('managed termination protection (ECS sets instance scale-in protection)', () => {
  async function protection(asg: AutoScalingClient): Promise<Record<string, boolean>> {
    const out = await asg.send(new DescribeAutoScalingInstancesCommand({}));
    return Object.fromEntries((out.AutoScalingInstances ?? []).filter((i) => i.LifecycleState === 'InService').map((i) => [i.InstanceId ?? '', i.ProtectedFromScaleIn ?? false]));
  }

  it('protects instances running non-daemon tasks, releases an empty one, protects it again when a task lands', async () => {
    const { world, asg } = await serve({
      instances: 3,
      webCount: 2,
      hooks: [],
      asg: { protectFromScaleIn: true, capacityProvider: { managedScaling: { status: 'ENABLED' }, managedTerminationProtection: 'ENABLED' } },
    });
    world.advanceBy(61_000);
    const before = await protection(asg);
    // Two instances run web, one runs nothing: ECS released that one a minute after it took over the group.
    expect(Object.values(before).sort()).toEqual([false, true, true]);
    world.scaleService('prod', 'web', 3);
    world.advanceBy(60_000);
    expect(Object.values(await protection(asg))).toEqual([true, true, true]);
    world.scaleService('prod', 'web', 0);
    world.advanceBy(60_000);
    expect(Object.values(await protection(asg))).toEqual([false, false, false]);
    world.setDesiredCapacity('prod-asg', 1);
    // (Managed scaling's loop keeps the world busy: advance, do not run until idle.)
    world.advanceBy(5 * 60_000);
    expect(world.autoScalingInstances('prod-asg')).toHaveLength(1);
  });

  it('what users report (containers-roadmap #2814): an instance left with DAEMON tasks only keeps its protection', async () => {
    const { world, asg } = await serve({
      instances: 2,
      webCount: 2,
      hooks: [],
      asg: { protectFromScaleIn: true, capacityProvider: { managedScaling: { status: 'ENABLED' }, managedTerminationProtection: 'ENABLED' } },
    });
    world.registerTaskDefinition({ family: 'agent', containerDefinitions: [{ name: 'agent', image: 'agent', cpu: 64, memory: 64, essential: true }] });
    world.createService({ cluster: 'prod', serviceName: 'agent', taskDefinition: 'agent', schedulingStrategy: 'DAEMON' });
    world.advanceBy(61_000);
    world.scaleService('prod', 'web', 0);
    world.advanceBy(60_000);
    expect(Object.values(await protection(asg))).toEqual([true, true]);
    world.setDesiredCapacity('prod-asg', 0);
    world.advanceBy(10 * 60_000);
    expect(world.autoScalingInstances('prod-asg').map((i) => i.lifecycleState)).toEqual(['InService', 'InService']);
  });

  it('CreateCapacityProvider refuses managed termination protection without managed scaling', async () => {
    const { ecs } = await serve({ asg: { capacityProviderName: undefined, protectFromScaleIn: true } });
    await expect(
      ecs.send(new CreateCapacityProviderCommand({ name: 'prod-cp', autoScalingGroupProvider: { autoScalingGroupArn: 'prod-asg', managedTerminationProtection: 'ENABLED' } })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining('managed scaling must be enabled') as unknown });
  });
});

describe('managed scaling (CapacityProviderReservation and ECS target tracking)', () => {
  it('N = 0 with tasks waiting: reservation 200 %, the group scales out from zero by the minimum step, tasks placed when instances register', async () => {
    const { world, asg } = await serve({
      instances: 0,
      webCount: 0,
      hooks: [],
      asg: { capacityProvider: { managedScaling: { status: 'ENABLED', targetCapacity: 100, minimumScalingStepSize: 2 }, managedDraining: 'DISABLED' } },
    });
    world.putClusterCapacityProviders('prod', ['prod-cp'], [{ capacityProvider: 'prod-cp', weight: 1 }]);
    world.createService({ cluster: 'prod', serviceName: 'api', taskDefinition: 'web', desiredCount: 1, capacityProviderStrategy: [{ capacityProvider: 'prod-cp', weight: 1 }] });
    world.advanceBy(60_000);
    expect(world.capacityProviderReservations().at(-1)).toMatchObject({ capacityProvider: 'prod-cp', value: 200, m: 1, n: 0 });
    // One instance needed, but the step is at least minimumScalingStepSize.
    expect(world.desiredCapacity('prod-asg')).toBe(2);
    const activity = (await asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'prod-asg' }))).Activities?.[0];
    expect(activity?.Cause).toMatch(/a monitor alarm TargetTracking-prod-asg-AlarmHigh-\S+ in state ALARM triggered policy ECSManagedAutoScalingPolicy-\S+ changing the desired capacity from 0 to 2/);
    world.advanceBy(3 * 60_000);
    expect(world.serviceTaskArns('prod', 'api')).toHaveLength(1);
    // 1 busy of 2: 50 % for 15 minutes, then target tracking scales in to ceil(1 × 100 / 100) = 1 (the step sizes
    // only limit scale-out).
    world.advanceBy(16 * 60_000);
    expect(world.desiredCapacity('prod-asg')).toBe(1);
    expect(world.capacityProviderReservations().at(-1)?.value).toBe(100);
  });
});
