/**
 * Rule evaluation: a cluster snapshot and the policies → violations, each saying what is wrong, where and by how much.
 *
 * - `azBalance.maxSkew`: the service's live tasks per Availability Zone, over the AZs that have eligible capacity (an
 *   ACTIVE container instance satisfying the service's `memberOf` constraints and the policy's `instanceMatch`) plus any
 *   AZ that has tasks; violated when the largest count minus the smallest exceeds maxSkew. Amount: the fewest task
 *   moves that bring the skew within maxSkew (descheduler's topology-spread idea). Fargate tasks count by their AZ.
 * - `instanceMatch`: every task on a container instance must run on one satisfying the expression (tasks without a
 *   container instance, Fargate, are not judged). Amount: the misplaced tasks.
 * - `spot`: a task is on Spot when its capacity provider is FARGATE_SPOT or listed in `capacityProviders`, or its
 *   container instance has the attribute `attribute` (default `lifecycle`) equal to `spot`. `maxShare`: at most
 *   floor(maxShare × tasks) on Spot; `minOnDemandTasks`: at least that many elsewhere. Amount: Spot tasks to move.
 * - `maxPerInstance`: at most N tasks of the service per container instance. Amount: the extra tasks.
 */
import { compileQuery, contextFromTasks, type CompiledQuery, type QueryContext } from '../query/index.js';
import { isLive, serviceOfTask, type ClusterSnapshot, type PolicyInstance, type PolicyService, type PolicyTask, type RuleName, type Violation } from './model.js';
import { selects, type PlacementPolicy } from './select.js';

type Rules = PlacementPolicy['rules'];

const compiledCache = new Map<string, CompiledQuery | null>();

/** A compiled expression, or null when it does not compile (config check rejects those; service constraints may). */
export function compiled(expression: string): CompiledQuery | null {
  let c = compiledCache.get(expression);
  if (c === undefined) {
    try {
      c = compileQuery(expression);
    } catch {
      c = null;
    }
    if (compiledCache.size > 1000) compiledCache.clear();
    compiledCache.set(expression, c);
  }
  return c;
}

/** The indexes evaluation reads, built once per snapshot. */
export interface SnapshotIndex {
  instances: Map<string, PolicyInstance>;
  tasksByService: Map<string, PolicyTask[]>;
  context: QueryContext;
}

export function indexSnapshot(snapshot: Pick<ClusterSnapshot, 'instances' | 'tasks'>): SnapshotIndex {
  const instances = new Map(snapshot.instances.map((i) => [i.containerInstanceArn, i]));
  const tasksByService = new Map<string, PolicyTask[]>();
  for (const task of snapshot.tasks) {
    if (!isLive(task)) continue;
    const service = serviceOfTask(task);
    if (service === undefined) continue;
    let list = tasksByService.get(service);
    if (!list) tasksByService.set(service, (list = []));
    list.push(task);
  }
  return { instances, tasksByService, context: contextFromTasks(snapshot.tasks.filter(isLive)) };
}

export function shortId(arn: string | undefined): string {
  if (arn === undefined) return '?';
  return arn.split('/').pop() ?? arn;
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** Where a task runs, for messages: `i-0abc (c5.large, us-east-1a)`. */
export function placeOf(task: PolicyTask, index: SnapshotIndex): string {
  const instance = task.containerInstanceArn === undefined ? undefined : index.instances.get(task.containerInstanceArn);
  if (!instance) return task.availabilityZone !== undefined ? `Fargate (${task.availabilityZone})` : 'no instance';
  const details = [instance.instanceType, instance.availabilityZone ?? task.availabilityZone].filter((d) => d !== undefined);
  return `${instance.ec2InstanceId ?? shortId(instance.containerInstanceArn)}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

function azOf(task: PolicyTask, index: SnapshotIndex): string | undefined {
  const instance = task.containerInstanceArn === undefined ? undefined : index.instances.get(task.containerInstanceArn);
  return instance?.availabilityZone ?? task.availabilityZone;
}

/** Whether the instance can take the service's tasks as far as constraints go (status, memberOf, instanceMatch). */
function eligible(instance: PolicyInstance, service: PolicyService, rules: Rules, context: QueryContext): boolean {
  if (instance.status !== 'ACTIVE') return false;
  for (const constraint of service.placementConstraints) {
    if (constraint.type !== 'memberOf' || constraint.expression === undefined) continue;
    const query = compiled(constraint.expression);
    if (query && !query.matches(instance.raw, context)) return false;
  }
  if (rules.instanceMatch !== undefined) {
    const query = compiled(rules.instanceMatch);
    if (query && !query.matches(instance.raw, context)) return false;
  }
  if (service.capacityProviderStrategy.length > 0) {
    const providers = new Set(service.capacityProviderStrategy.filter((p) => p.weight > 0 || p.base > 0).map((p) => p.capacityProvider));
    if (instance.capacityProviderName !== undefined && !providers.has(instance.capacityProviderName)) return false;
  }
  return true;
}

/** The fewest single-task moves (largest domain → smallest) that bring max − min within maxSkew. */
export function movesToBalance(counts: readonly number[], maxSkew: number): number {
  if (counts.length < 2) return 0;
  const sorted = [...counts].sort((a, b) => a - b);
  let moves = 0;
  // Each move takes one from the largest domain to the smallest: the greedy order is optimal for max − min.
  for (;;) {
    const last = sorted.length - 1;
    const max = sorted[last] ?? 0;
    const min = sorted[0] ?? 0;
    if (max - min <= maxSkew) return moves;
    sorted[last] = max - 1;
    sorted[0] = min + 1;
    sorted.sort((a, b) => a - b);
    moves++;
  }
}

function azBalance(policy: PlacementPolicy, cluster: string, service: PolicyService, tasks: PolicyTask[], index: SnapshotIndex, instances: readonly PolicyInstance[]): Violation | undefined {
  const maxSkew = policy.rules.azBalance?.maxSkew;
  if (maxSkew === undefined) return undefined;
  const counts = new Map<string, number>();
  for (const instance of instances) {
    if (instance.availabilityZone !== undefined && eligible(instance, service, policy.rules, index.context)) counts.set(instance.availabilityZone, counts.get(instance.availabilityZone) ?? 0);
  }
  for (const task of tasks) {
    const az = azOf(task, index);
    if (az !== undefined) counts.set(az, (counts.get(az) ?? 0) + 1);
  }
  if (counts.size < 2) return undefined;
  const values = [...counts.values()];
  const max = Math.max(...values);
  const min = Math.min(...values);
  if (max - min <= maxSkew) return undefined;
  const zones = [...counts.keys()].sort();
  const parts = zones.map((az, i) => `${i === 0 ? plural(counts.get(az) ?? 0, 'task') : String(counts.get(az) ?? 0)} in ${az}`);
  const fullest = new Set(zones.filter((az) => counts.get(az) === max));
  return {
    policy: policy.name,
    rule: 'azBalance',
    cluster,
    service: service.serviceName,
    mode: policy.mode,
    amount: movesToBalance(values, maxSkew),
    message: `${service.serviceName}: ${parts.join(', ')}; allowed skew ${maxSkew}`,
    tasks: tasks.filter((t) => fullest.has(azOf(t, index) ?? '')).map((t) => t.taskArn),
    counts: Object.fromEntries(zones.map((az) => [az, counts.get(az) ?? 0])),
  };
}

function listTasks(tasks: readonly PolicyTask[], index: SnapshotIndex, max = 5): string {
  const shown = tasks.slice(0, max).map((t) => `${shortId(t.taskArn)} on ${placeOf(t, index)}`);
  return shown.join(', ') + (tasks.length > max ? ` and ${tasks.length - max} more` : '');
}

function instanceMatch(policy: PlacementPolicy, cluster: string, service: PolicyService, tasks: PolicyTask[], index: SnapshotIndex): Violation | undefined {
  const expression = policy.rules.instanceMatch;
  if (expression === undefined) return undefined;
  const query = compiled(expression);
  if (!query) return undefined;
  const misplaced = tasks.filter((t) => {
    const instance = t.containerInstanceArn === undefined ? undefined : index.instances.get(t.containerInstanceArn);
    return instance !== undefined && !query.matches(instance.raw, index.context);
  });
  if (misplaced.length === 0) return undefined;
  return {
    policy: policy.name,
    rule: 'instanceMatch',
    cluster,
    service: service.serviceName,
    mode: policy.mode,
    amount: misplaced.length,
    message: `${service.serviceName}: ${misplaced.length} of ${plural(tasks.length, 'task')} on instances outside instanceMatch "${expression}": ${listTasks(misplaced, index)}`,
    tasks: misplaced.map((t) => t.taskArn),
  };
}

/** Whether the task runs on Spot capacity, as the spot rule judges it. */
export function onSpot(task: PolicyTask, index: SnapshotIndex, spot: NonNullable<Rules['spot']>): boolean {
  const provider = task.capacityProviderName;
  if (provider !== undefined && (provider === 'FARGATE_SPOT' || spot.capacityProviders.includes(provider))) return true;
  const instance = task.containerInstanceArn === undefined ? undefined : index.instances.get(task.containerInstanceArn);
  if (!instance) return false;
  if (instance.capacityProviderName !== undefined && spot.capacityProviders.includes(instance.capacityProviderName)) return true;
  const value = instance.raw.attributes?.find((a) => a.name === spot.attribute)?.value;
  return value?.toLowerCase() === 'spot';
}

function spotShare(policy: PlacementPolicy, cluster: string, service: PolicyService, tasks: PolicyTask[], index: SnapshotIndex): Violation | undefined {
  const spot = policy.rules.spot;
  if (spot === undefined || tasks.length === 0) return undefined;
  const onSpotTasks = tasks.filter((t) => onSpot(t, index, spot));
  const spotCount = onSpotTasks.length;
  const onDemand = tasks.length - spotCount;
  const allowed = spot.maxShare === undefined ? tasks.length : Math.floor(spot.maxShare * tasks.length + 1e-9);
  const overShare = Math.max(0, spotCount - allowed);
  const underOnDemand = spot.minOnDemandTasks === undefined ? 0 : Math.max(0, Math.min(spot.minOnDemandTasks, tasks.length) - onDemand);
  const amount = Math.min(spotCount, Math.max(overShare, underOnDemand));
  if (amount === 0) return undefined;
  const reasons: string[] = [];
  if (overShare > 0 && spot.maxShare !== undefined) reasons.push(`allowed at most ${Math.round(spot.maxShare * 100)}% (${allowed})`);
  if (underOnDemand > 0 && spot.minOnDemandTasks !== undefined) reasons.push(`at least ${spot.minOnDemandTasks} required on on-demand capacity, ${onDemand} there`);
  return {
    policy: policy.name,
    rule: 'spot',
    cluster,
    service: service.serviceName,
    mode: policy.mode,
    amount,
    message: `${service.serviceName}: ${spotCount} of ${plural(tasks.length, 'task')} on Spot (${Math.round((100 * spotCount) / tasks.length)}%); ${reasons.join('; ')}; ${plural(amount, 'task')} to move`,
    tasks: onSpotTasks.map((t) => t.taskArn),
  };
}

function maxPerInstance(policy: PlacementPolicy, cluster: string, service: PolicyService, tasks: PolicyTask[], index: SnapshotIndex): Violation | undefined {
  const max = policy.rules.maxPerInstance;
  if (max === undefined) return undefined;
  const byInstance = new Map<string, PolicyTask[]>();
  for (const task of tasks) {
    if (task.containerInstanceArn === undefined) continue;
    let list = byInstance.get(task.containerInstanceArn);
    if (!list) byInstance.set(task.containerInstanceArn, (list = []));
    list.push(task);
  }
  const crowded = [...byInstance].filter(([, list]) => list.length > max).sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  if (crowded.length === 0) return undefined;
  const amount = crowded.reduce((sum, [, list]) => sum + list.length - max, 0);
  const label = (arn: string): string => {
    const instance = index.instances.get(arn);
    return `${instance?.ec2InstanceId ?? shortId(arn)}${instance?.availabilityZone !== undefined ? ` (${instance.availabilityZone})` : ''}`;
  };
  const parts = crowded.slice(0, 5).map(([arn, list], i) => `${i === 0 ? plural(list.length, 'task') : String(list.length)} on ${label(arn)}`);
  return {
    policy: policy.name,
    rule: 'maxPerInstance',
    cluster,
    service: service.serviceName,
    mode: policy.mode,
    amount,
    message: `${service.serviceName}: ${parts.join(', ')}${crowded.length > 5 ? ` and ${crowded.length - 5} more instances` : ''}; allowed ${max} per instance`,
    tasks: crowded.flatMap(([, list]) => list.map((t) => t.taskArn)),
    counts: Object.fromEntries(crowded.map(([arn, list]) => [index.instances.get(arn)?.ec2InstanceId ?? shortId(arn), list.length])),
  };
}

/** The violations of one policy for one service. */
export function evaluateService(policy: PlacementPolicy, snapshot: Pick<ClusterSnapshot, 'cluster' | 'instances'>, service: PolicyService, index: SnapshotIndex): Violation[] {
  const tasks = index.tasksByService.get(service.serviceName) ?? [];
  const out: Violation[] = [];
  const push = (v: Violation | undefined): void => {
    if (v) out.push(v);
  };
  push(instanceMatch(policy, snapshot.cluster, service, tasks, index));
  push(spotShare(policy, snapshot.cluster, service, tasks, index));
  push(maxPerInstance(policy, snapshot.cluster, service, tasks, index));
  push(azBalance(policy, snapshot.cluster, service, tasks, index, snapshot.instances));
  return out;
}

/** The services of the snapshot each policy selects (ACTIVE services only). */
export function selectedServices(snapshot: Pick<ClusterSnapshot, 'cluster' | 'services'>, policies: readonly PlacementPolicy[]): { policy: PlacementPolicy; service: PolicyService }[] {
  const out: { policy: PlacementPolicy; service: PolicyService }[] = [];
  for (const service of snapshot.services) {
    if (service.status !== 'ACTIVE') continue;
    for (const policy of policies) if (selects(policy, snapshot.cluster, service)) out.push({ policy, service });
  }
  return out;
}

/** Every violation of the snapshot, by service then policy then rule (instanceMatch, spot, maxPerInstance, azBalance). */
export function evaluate(snapshot: ClusterSnapshot, policies: readonly PlacementPolicy[], index: SnapshotIndex = indexSnapshot(snapshot)): Violation[] {
  return selectedServices(snapshot, policies).flatMap(({ policy, service }) => evaluateService(policy, snapshot, service, index));
}

/** `policy/rule/service` — one violation per key. */
export function violationKey(v: Pick<Violation, 'policy' | 'rule' | 'service'>): string {
  return `${v.service}|${v.policy}|${v.rule}`;
}

export const RULE_ORDER: readonly RuleName[] = ['instanceMatch', 'spot', 'maxPerInstance', 'azBalance'];
