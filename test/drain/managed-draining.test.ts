import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { AutoScalingClient, DescribeLifecycleHooksCommand, type LifecycleHook } from '@aws-sdk/client-auto-scaling';
import { DescribeCapacityProvidersCommand, DescribeClustersCommand, ECSClient, type CapacityProvider } from '@aws-sdk/client-ecs';
import { gatherManagedDraining, ManagedDrainingCache } from '../../lib/drain/managed-draining-facts.js';
import { asgNameOfProvider, ECS_MANAGED_DRAINING_HOOK, managedDrainingMode, providersOfAsg } from '../../lib/drain/managed-draining.js';

const ASG = 'prod-ecs-ondemand';
const ASG_ARN = `arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:0f1e2d3c-aaaa-bbbb-cccc-1234567890ab:autoScalingGroupName/${ASG}`;

const hook = (name: string, over: Partial<LifecycleHook> = {}): LifecycleHook => ({
  LifecycleHookName: name,
  AutoScalingGroupName: ASG,
  LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
  HeartbeatTimeout: 3600,
  DefaultResult: 'CONTINUE',
  ...over,
});

const provider = (name: string, managedDraining: 'ENABLED' | 'DISABLED' | undefined, over: Partial<CapacityProvider> = {}): CapacityProvider => ({
  name,
  status: 'ACTIVE',
  autoScalingGroupProvider: { autoScalingGroupArn: ASG_ARN, ...(managedDraining !== undefined ? { managedDraining } : {}) },
  ...over,
});

describe('asgNameOfProvider', () => {
  it('reads the name out of an ASG ARN, takes a plain name as is, and rejects an ARN without the name part', () => {
    expect(asgNameOfProvider(ASG_ARN)).toBe(ASG);
    expect(asgNameOfProvider(ASG)).toBe(ASG);
    expect(asgNameOfProvider('arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:uuid')).toBeUndefined();
    expect(asgNameOfProvider(undefined)).toBeUndefined();
    expect(asgNameOfProvider('')).toBeUndefined();
  });

  it('does not confuse an ASG whose name ends like another one', () => {
    expect(providersOfAsg(ASG, [provider('cp', 'ENABLED', { autoScalingGroupProvider: { autoScalingGroupArn: `x-${ASG}` } })])).toEqual([]);
  });
});

describe('managedDrainingMode', () => {
  it('is not managed with neither ECS hook nor an enabled provider (own hook, disabled provider, Fargate providers)', () => {
    expect(
      managedDrainingMode({
        asgName: ASG,
        lifecycleHooks: [hook('ecs-ops-drain')],
        capacityProviders: [provider('cp-ondemand', 'DISABLED'), { name: 'FARGATE', status: 'ACTIVE' }, provider('cp-unset', undefined)],
      }),
    ).toEqual({ managed: false });
    expect(managedDrainingMode({ asgName: ASG, lifecycleHooks: [], capacityProviders: [] })).toEqual({ managed: false });
  });

  it('is managed with the provider and the hook both named as evidence', () => {
    const mode = managedDrainingMode({ asgName: ASG, lifecycleHooks: [hook('ecs-ops-drain'), hook(ECS_MANAGED_DRAINING_HOOK)], capacityProviders: [provider('cp-ondemand', 'ENABLED')] });
    expect(mode).toEqual({
      managed: true,
      capacityProvider: 'cp-ondemand',
      hookName: ECS_MANAGED_DRAINING_HOOK,
      evidence: `capacity provider cp-ondemand has managedDraining ENABLED; ASG ${ASG} has ECS's terminate hook ${ECS_MANAGED_DRAINING_HOOK}`,
    });
  });

  it("is managed on ECS's hook alone (provider disabled or not visible): the hook holds every terminating instance", () => {
    const mode = managedDrainingMode({ asgName: ASG, lifecycleHooks: [hook(ECS_MANAGED_DRAINING_HOOK)], capacityProviders: [provider('cp-ondemand', 'DISABLED')] });
    expect(mode).toEqual({ managed: true, hookName: ECS_MANAGED_DRAINING_HOOK, evidence: `ASG ${ASG} has ECS's terminate hook ${ECS_MANAGED_DRAINING_HOOK}` });
  });

  it('is managed on an enabled provider alone, saying the hook is not there yet', () => {
    const mode = managedDrainingMode({ asgName: ASG, lifecycleHooks: [], capacityProviders: [provider('cp-ondemand', 'ENABLED')] });
    expect(mode.managed).toBe(true);
    expect(mode).toMatchObject({ capacityProvider: 'cp-ondemand' });
    expect(mode).not.toHaveProperty('hookName');
    expect(mode.managed && mode.evidence).toContain('not on ASG');
  });

  it('ignores providers of other ASGs, INACTIVE providers, launch hooks with the name and hooks of another ASG', () => {
    expect(
      managedDrainingMode({
        asgName: ASG,
        lifecycleHooks: [
          hook(ECS_MANAGED_DRAINING_HOOK, { LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING' }),
          hook(ECS_MANAGED_DRAINING_HOOK, { AutoScalingGroupName: 'other-asg' }),
        ],
        capacityProviders: [
          provider('cp-other', 'ENABLED', { autoScalingGroupProvider: { autoScalingGroupArn: 'other-asg', managedDraining: 'ENABLED' } }),
          provider('cp-deleted', 'ENABLED', { status: 'INACTIVE' }),
        ],
      }),
    ).toEqual({ managed: false });
  });

  it('picks the first enabled provider by name when several name the ASG (plain name or ARN)', () => {
    const mode = managedDrainingMode({
      asgName: ASG,
      lifecycleHooks: [],
      capacityProviders: [provider('cp-b', 'ENABLED'), provider('cp-a', 'ENABLED', { autoScalingGroupProvider: { autoScalingGroupArn: ASG, managedDraining: 'ENABLED' } })],
    });
    expect(mode).toMatchObject({ managed: true, capacityProvider: 'cp-a' });
  });
});

describe('gatherManagedDraining (I/O)', () => {
  const ecs = mockClient(ECSClient);
  const autoscaling = mockClient(AutoScalingClient);
  beforeEach(() => {
    ecs.reset();
    autoscaling.reset();
  });

  it("describes only the configured clusters' providers and each ASG's hooks, then decides per ASG", async () => {
    ecs.on(DescribeClustersCommand).resolves({ clusters: [{ clusterName: 'prod', capacityProviders: ['cp-ondemand', 'FARGATE'] }] });
    ecs.on(DescribeCapacityProvidersCommand).resolves({ capacityProviders: [provider('cp-ondemand', 'ENABLED'), { name: 'FARGATE', status: 'ACTIVE' }] });
    autoscaling.on(DescribeLifecycleHooksCommand, { AutoScalingGroupName: ASG }).resolves({ LifecycleHooks: [hook('ecs-ops-drain'), hook(ECS_MANAGED_DRAINING_HOOK)] });
    autoscaling.on(DescribeLifecycleHooksCommand, { AutoScalingGroupName: 'batch-asg' }).resolves({ LifecycleHooks: [hook('ecs-ops-drain', { AutoScalingGroupName: 'batch-asg' })] });

    const modes = await gatherManagedDraining({ ecs: new ECSClient({}), autoscaling: new AutoScalingClient({}) }, ['prod'], [ASG, 'batch-asg']);

    expect(modes.get(ASG)).toMatchObject({ managed: true, capacityProvider: 'cp-ondemand', hookName: ECS_MANAGED_DRAINING_HOOK });
    expect(modes.get('batch-asg')).toEqual({ managed: false });
    expect(ecs.commandCalls(DescribeClustersCommand)[0]?.args[0].input).toEqual({ clusters: ['prod'], include: ['ATTACHMENTS'] });
    expect(ecs.commandCalls(DescribeCapacityProvidersCommand)[0]?.args[0].input).toEqual({ capacityProviders: ['FARGATE', 'cp-ondemand'] });
  });

  it('makes no call without ASGs, and no DescribeCapacityProviders for clusters without providers', async () => {
    const deps = { ecs: new ECSClient({}), autoscaling: new AutoScalingClient({}) };
    expect((await gatherManagedDraining(deps, ['prod'], [])).size).toBe(0);
    expect(ecs.calls()).toHaveLength(0);
    ecs.on(DescribeClustersCommand).resolves({ clusters: [{ clusterName: 'prod' }] });
    autoscaling.on(DescribeLifecycleHooksCommand).resolves({ LifecycleHooks: [] });
    expect((await gatherManagedDraining(deps, ['prod'], [ASG])).get(ASG)).toEqual({ managed: false });
    expect(ecs.commandCalls(DescribeCapacityProvidersCommand)).toHaveLength(0);
  });

  it('cache: get reuses a fresh answer, refresh and expiry ask again; AWS errors propagate (the caller retries)', async () => {
    let now = 0;
    const cache = new ManagedDrainingCache(() => now, 1000);
    const deps = { ecs: new ECSClient({}), autoscaling: new AutoScalingClient({}) };
    ecs.on(DescribeClustersCommand).resolves({ clusters: [] });
    autoscaling.on(DescribeLifecycleHooksCommand).resolves({ LifecycleHooks: [hook(ECS_MANAGED_DRAINING_HOOK)] });
    expect((await cache.get(deps, ['prod'], [ASG])).get(ASG)?.managed).toBe(true);
    await cache.get(deps, ['prod'], [ASG]);
    expect(autoscaling.commandCalls(DescribeLifecycleHooksCommand)).toHaveLength(1);
    await cache.refresh(deps, ['prod'], [ASG]);
    now = 1000;
    await cache.get(deps, ['prod'], [ASG]);
    expect(autoscaling.commandCalls(DescribeLifecycleHooksCommand)).toHaveLength(3);
    autoscaling.on(DescribeLifecycleHooksCommand).rejects(new Error('Throttling'));
    await expect(cache.refresh(deps, ['prod'], [ASG])).rejects.toThrow('Throttling');
  });
});
