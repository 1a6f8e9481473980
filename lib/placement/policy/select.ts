/**
 * Which policies apply to which services: `select.clusters` (names), `select.services` (names, or `/regex/` over the
 * name: a match anywhere, as JavaScript's RegExp#test; anchor with ^…$ for a whole-name match) and `select.tags` (the
 * service carries every tag with that value). An empty selector selects every service of every configured cluster.
 */
import type { EcsOpsConfig } from '../../config/schema.js';
import type { PolicyService } from './model.js';

export type PlacementPolicy = EcsOpsConfig['placement']['policies'][number];
export type PlacementSettings = EcsOpsConfig['placement'];

const regexCache = new Map<string, RegExp>();

/** Whether a `select.services` item selects the name (a plain name: equality; `/regex/`: a match). */
export function serviceNameMatches(selector: string, name: string): boolean {
  if (selector.length >= 2 && selector.startsWith('/') && selector.endsWith('/')) {
    let regex = regexCache.get(selector);
    if (!regex) {
      regex = new RegExp(selector.slice(1, -1), 'u');
      regexCache.set(selector, regex);
    }
    return regex.test(name);
  }
  return selector === name;
}

/** Whether the policy selects the service of the cluster. */
export function selects(policy: PlacementPolicy, cluster: string, service: Pick<PolicyService, 'serviceName' | 'tags'>): boolean {
  const { clusters, services, tags } = policy.select;
  if (clusters !== undefined && !clusters.includes(cluster)) return false;
  if (services !== undefined && !services.some((s) => serviceNameMatches(s, service.serviceName))) return false;
  if (tags !== undefined && !Object.entries(tags).every(([key, value]) => service.tags[key] === value)) return false;
  return true;
}

/** The policies that can select some service of the cluster (by cluster name alone). */
export function policiesForCluster(policies: readonly PlacementPolicy[], cluster: string): PlacementPolicy[] {
  return policies.filter((p) => p.select.clusters === undefined || p.select.clusters.includes(cluster));
}

/** The configured clusters some policy may apply to. */
export function auditedClusters(config: EcsOpsConfig): string[] {
  const policies = config.placement.policies;
  if (policies.length === 0) return [];
  return config.clusters.map((c) => c.name).filter((name) => policiesForCluster(policies, name).length > 0);
}
