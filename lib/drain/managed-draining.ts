/**
 * Whether ECS itself drains an ASG's instances (managed instance draining), from what AWS shows: the ASG's lifecycle
 * hooks (`DescribeLifecycleHooks`) and the ECS capacity providers whose `autoScalingGroupProvider` names the ASG
 * (`DescribeCapacityProviders`). Pure: the I/O that gathers these facts lives in managed-draining-facts.ts.
 *
 * AWS (ECS Developer Guide, "managed-instance-draining" / "enable-managed-instance-draining"): with `managedDraining`
 * ENABLED on an ASG capacity provider, ECS adds its own terminate hook `ecs-managed-draining-termination-hook` to the
 * ASG and drains the instance when it terminates. Either sign is enough:
 *  - ECS's hook on the ASG (terminating transition): ECS's hook holds every terminating instance, whatever a provider
 *    says (a provider just switched off, a hook left behind): the instance waits for ECS's drain.
 *  - an ACTIVE capacity provider naming the ASG with managedDraining ENABLED: ECS drains, and adds its hook when the
 *    provider is attached to a cluster.
 * A provider with managedDraining unset says nothing (the API reports the effective setting; older providers omit it).
 */
import type { LifecycleHook } from '@aws-sdk/client-auto-scaling';
import type { CapacityProvider } from '@aws-sdk/client-ecs';

/** The terminate hook ECS adds to an ASG whose capacity provider has managed draining (ECS Developer Guide). */
export const ECS_MANAGED_DRAINING_HOOK = 'ecs-managed-draining-termination-hook';

const TERMINATING = 'autoscaling:EC2_INSTANCE_TERMINATING';

export type ManagedDrainingMode =
  | { managed: false }
  | { managed: true; capacityProvider?: string; hookName?: string; evidence: string };

export interface ManagedDrainingFacts {
  asgName: string;
  /** DescribeLifecycleHooks(AutoScalingGroupName = asgName).LifecycleHooks. */
  lifecycleHooks: readonly LifecycleHook[];
  /** Capacity providers to look through; only those whose autoScalingGroupProvider names asgName count. */
  capacityProviders: readonly CapacityProvider[];
}

/**
 * The ASG name in `autoScalingGroupProvider.autoScalingGroupArn`, which holds an ARN
 * (`arn:aws:autoscaling:<region>:<account>:autoScalingGroup:<uuid>:autoScalingGroupName/<name>`) or a plain name
 * (CreateCapacityProvider accepts both).
 */
export function asgNameOfProvider(autoScalingGroupArn: string | undefined): string | undefined {
  if (autoScalingGroupArn === undefined || autoScalingGroupArn === '') return undefined;
  if (!autoScalingGroupArn.startsWith('arn:')) return autoScalingGroupArn;
  const marker = ':autoScalingGroupName/';
  const at = autoScalingGroupArn.indexOf(marker);
  return at < 0 ? undefined : autoScalingGroupArn.slice(at + marker.length);
}

/** The capacity providers (any status) whose autoScalingGroupProvider names `asgName`, sorted by name. */
export function providersOfAsg(asgName: string, capacityProviders: readonly CapacityProvider[]): CapacityProvider[] {
  return capacityProviders
    .filter((provider) => asgNameOfProvider(provider.autoScalingGroupProvider?.autoScalingGroupArn) === asgName)
    .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
}

/** Whether ECS drains `asgName`'s terminating instances, and the evidence for it. */
export function managedDrainingMode(facts: ManagedDrainingFacts): ManagedDrainingMode {
  const ecsHook = facts.lifecycleHooks.find(
    (hook) =>
      hook.LifecycleHookName === ECS_MANAGED_DRAINING_HOOK &&
      (hook.AutoScalingGroupName === undefined || hook.AutoScalingGroupName === facts.asgName) &&
      hook.LifecycleTransition === TERMINATING,
  );
  // INACTIVE providers are deleted ones (DescribeCapacityProviders still lists them for a while): they drain nothing.
  const enabledProvider = providersOfAsg(facts.asgName, facts.capacityProviders).find(
    (provider) => provider.status !== 'INACTIVE' && provider.autoScalingGroupProvider?.managedDraining === 'ENABLED',
  );
  if (ecsHook === undefined && enabledProvider === undefined) return { managed: false };

  const evidence: string[] = [];
  if (enabledProvider !== undefined) evidence.push(`capacity provider ${enabledProvider.name ?? '(unnamed)'} has managedDraining ENABLED`);
  if (ecsHook !== undefined) evidence.push(`ASG ${facts.asgName} has ECS's terminate hook ${ECS_MANAGED_DRAINING_HOOK}`);
  else evidence.push(`ECS's hook ${ECS_MANAGED_DRAINING_HOOK} is not on ASG ${facts.asgName} yet (added when the provider is attached to a cluster)`);

  return {
    managed: true,
    ...(enabledProvider?.name !== undefined ? { capacityProvider: enabledProvider.name } : {}),
    ...(ecsHook !== undefined ? { hookName: ECS_MANAGED_DRAINING_HOOK } : {}),
    evidence: evidence.join('; '),
  };
}
