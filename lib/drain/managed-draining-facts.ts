/**
 * The I/O behind {@link managedDrainingMode}: gathers, for the configured clusters and ASGs, the facts it decides on.
 *
 * Calls: ⌈clusters/100⌉ DescribeClusters (include ATTACHMENTS: the cluster's capacity provider names) +
 * ⌈providers/100⌉ DescribeCapacityProviders (the names, 100 a call) + 1 DescribeLifecycleHooks per ASG.
 * Only the providers attached to the configured clusters are described, so the IAM statement can stay on
 * `capacity-provider/*` of the account and needs no account-wide listing.
 */
import { DescribeLifecycleHooksCommand, type AutoScalingClient, type LifecycleHook } from '@aws-sdk/client-auto-scaling';
import { DescribeCapacityProvidersCommand, DescribeClustersCommand, type CapacityProvider, type ECSClient } from '@aws-sdk/client-ecs';
import { managedDrainingMode, type ManagedDrainingMode } from './managed-draining.js';

/** DescribeClusters and DescribeCapacityProviders take up to 100 names a call (ECS API reference). */
const DESCRIBE_BATCH = 100;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface ManagedDrainingFactsDeps {
  ecs: Pick<ECSClient, 'send'>;
  autoscaling: Pick<AutoScalingClient, 'send'>;
}

/** The capacity providers attached to `clusters` (DescribeClusters → capacityProviders, then described). */
export async function clusterCapacityProviders(ecs: Pick<ECSClient, 'send'>, clusters: readonly string[]): Promise<CapacityProvider[]> {
  const names = new Set<string>();
  for (const batch of chunks(clusters, DESCRIBE_BATCH)) {
    const out = await ecs.send(new DescribeClustersCommand({ clusters: batch, include: ['ATTACHMENTS'] }));
    for (const cluster of out.clusters ?? []) for (const name of cluster.capacityProviders ?? []) names.add(name);
  }
  const providers: CapacityProvider[] = [];
  for (const batch of chunks([...names].sort(), DESCRIBE_BATCH)) {
    const out = await ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: batch }));
    providers.push(...(out.capacityProviders ?? []));
  }
  return providers;
}

/** Every lifecycle hook of `asgName` (DescribeLifecycleHooks lists them all when no name is given). */
export async function asgLifecycleHooks(autoscaling: Pick<AutoScalingClient, 'send'>, asgName: string): Promise<LifecycleHook[]> {
  const out = await autoscaling.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: asgName }));
  return out.LifecycleHooks ?? [];
}

/** Each ASG's mode, in the order given. */
export async function gatherManagedDraining(
  deps: ManagedDrainingFactsDeps,
  clusters: readonly string[],
  asgNames: readonly string[],
): Promise<Map<string, ManagedDrainingMode>> {
  const modes = new Map<string, ManagedDrainingMode>();
  if (asgNames.length === 0) return modes;
  const capacityProviders = await clusterCapacityProviders(deps.ecs, clusters);
  for (const asgName of asgNames) {
    const lifecycleHooks = await asgLifecycleHooks(deps.autoscaling, asgName);
    modes.set(asgName, managedDrainingMode({ asgName, lifecycleHooks, capacityProviders }));
  }
  return modes;
}

/** How long a warm Lambda trusts what it found (the reconcile pass refreshes it every minute anyway). */
export const MANAGED_DRAINING_TTL_MS = 5 * 60_000;

/**
 * Per warm Lambda: each ASG's managed-draining mode. The reconcile pass calls `refresh` (so a change on the account is
 * seen within one pass); the event path calls `get`, which asks AWS only when nothing fresh is known.
 */
export class ManagedDrainingCache {
  private entry: { at: number; key: string; modes: Map<string, ManagedDrainingMode> } | undefined;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs: number = MANAGED_DRAINING_TTL_MS,
  ) {}

  async get(deps: ManagedDrainingFactsDeps, clusters: readonly string[], asgNames: readonly string[]): Promise<Map<string, ManagedDrainingMode>> {
    const key = JSON.stringify([clusters, asgNames]);
    if (this.entry && this.entry.key === key && this.now() - this.entry.at < this.ttlMs) return this.entry.modes;
    return this.refresh(deps, clusters, asgNames);
  }

  async refresh(deps: ManagedDrainingFactsDeps, clusters: readonly string[], asgNames: readonly string[]): Promise<Map<string, ManagedDrainingMode>> {
    const modes = await gatherManagedDraining(deps, clusters, asgNames);
    this.entry = { at: this.now(), key: JSON.stringify([clusters, asgNames]), modes };
    return modes;
  }
}
