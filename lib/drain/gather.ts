/**
 * Auto-drain I/O, read side: fills a {@link DrainSnapshot} from EC2 Auto Scaling and ECS with the fewest calls the
 * batch limits allow. Nothing here decides anything; `decide` (./decide.ts) reads the snapshot.
 *
 * Calls per path (N = instances waiting in a lifecycle action, T = tasks on an instance, S = services):
 *
 * - Event path, one EC2 instance — a constant number of calls, whatever the size of the clusters:
 *   1 DescribeAutoScalingInstances
 *   + 0-1 DescribeLifecycleHooks (hook settings are cached per warm Lambda for 5 minutes)
 *   + 1 ListContainerInstances per configured cluster until the first hit (`filter: ec2InstanceId == <id>`; the cluster
 *     owning the instance's ASG is asked first, so 1 in practice; 0 when the event names the container instance)
 *   + 1 DescribeContainerInstances
 *   + 2 ListTasks (desiredStatus RUNNING and STOPPED: tasks being stopped are still on the instance) + ⌈T/100⌉
 *     DescribeTasks
 *   + ⌈S/10⌉ DescribeServices
 *   + whether ECS drains the drained ASGs itself (managed draining; cached per warm Lambda for 5 minutes): 1
 *     DescribeClusters + ≤1 DescribeCapacityProviders + 1 DescribeLifecycleHooks per drained ASG
 *     (./managed-draining-facts.ts).
 * - Reconcile pass: O(ASGs) + O(clusters × ⌈N/≈90⌉) + O(N/100) + the task listing the batch limits require:
 *   ⌈ASGs/100⌉ DescribeAutoScalingGroups (names in one call, paginated), + 1 DescribeWarmPool (paginated) per drained
 *   ASG that has a warm pool (instances returning to it wait in `Warmed:Pending:Wait` there, those terminated from it in
 *   `Warmed:Terminating:Wait`, not in the group's list)
 *   + ≤1 DescribeLifecycleHooks per ASG with a waiting instance (cached 5 minutes)
 *   + when an instance waits, the managed-draining facts asked afresh (as on the event path, not from the cache)
 *   + per cluster ⌈N/≈90⌉ ListContainerInstances (`ec2InstanceId in [...]`, chunked under the 2,000-character limit of
 *     the expression) and ⌈N/100⌉ DescribeContainerInstances
 *   + per cluster, the tasks (desired RUNNING) of its N ACTIVE/DRAINING instances, whichever is cheaper by the counts
 *     DescribeContainerInstances already gave (clusterListingBudget): ⌈C/100⌉ ListTasks pages of the whole cluster
 *     (C tasks) + ⌈C/100⌉ DescribeTasks, mapped to instances by `containerInstanceArn`; or 1 ListTasks per instance
 *     (ListTasks takes one container instance) + ⌈ΣT/100⌉ DescribeTasks. A cluster larger than it was worth listing
 *     costs at most the budget's pages more, and the instances are listed one by one after all; a warm Lambda
 *     remembers that for 10 minutes (ClusterSizeCache) and does not spend the budget again meanwhile.
 *   + ⌈S/10⌉ DescribeServices per cluster
 *   + the instance's own ListTasks of both desired statuses (1 more, desired STOPPED, when it was listed on its own
 *     already) only for the instances whose decision needs the tasks being stopped (needsOwnListing: no task left —
 *     completion candidates —, the deadline reached, or only DAEMON / to-be-stopped standalone tasks left): the last
 *     passes of a drain, not every pass of it.
 *   A steady pass over 1,000 DRAINING instances of a 4,000-task cluster: 40 + 40 ListTasks/DescribeTasks where one
 *   ListTasks per instance and desired status took 2,000 (bench/results/drain.json).
 * Only DescribeTasks results decide which tasks are still on an instance (lastStatus not STOPPED), never
 * `runningTasksCount`, which omits PENDING tasks and lags behind: the counts only choose how to list (a positive count
 * proves an instance is not empty; zero proves nothing), and "empty" is only ever concluded from the instance's own
 * listing of both desired statuses, the evidence the event path uses. The tasks being stopped (desired STOPPED) of an
 * instance held by other tasks are not listed: `decide` gives them no weight there (rules 3 and 9 in ./decide.ts),
 * which test/drain/gather.test.ts checks as a property against the snapshot with every task of every instance known.
 */
import type { ManagedDrainingCache } from './managed-draining-facts.js';
import {
  DescribeAutoScalingInstancesCommand,
  DescribeLifecycleHooksCommand,
  paginateDescribeAutoScalingGroups,
  paginateDescribeWarmPool,
  type AutoScalingClient,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  paginateListContainerInstances,
  ListTasksCommand,
  type ContainerInstance,
  type ECSClient,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import type { EcsOpsConfig } from '../config/schema.js';
import { completionMark, deadlineOf, ecsDrainNeedsTasks, isServiceTask, isStandaloneTask, managedHooks, serviceOf } from './decide.js';
import {
  DRAIN_COMPLETED_ATTRIBUTE,
  DRAIN_START_NOTICE_ATTRIBUTE,
  DRAIN_STARTED_ATTRIBUTE,
  DRAIN_TASKS_ATTRIBUTE,
  WAITING_STATES,
  type DrainService,
  type DrainSnapshot,
  type DrainTask,
  type HookSettings,
  type InstanceSnapshot,
  type EcsDrainedAsg,
} from './model.js';

/** The reconcile schedule (`rate(1 minute)` in lib/deploy/values.ts). */
export const RECONCILE_INTERVAL_MS = 60_000;
/** How long hook settings (DescribeLifecycleHooks) are reused by a warm Lambda. */
export const HOOK_CACHE_TTL_MS = 5 * 60_000;
/** Service events younger than this saying "was unable to place a task" mark the service as short of capacity. */
export const UNABLE_TO_PLACE_WINDOW_MS = 5 * 60_000;
/** The cluster query language's limit on an expression (ListContainerInstances `filter`). */
export const FILTER_MAX_CHARS = 2000;
/** Batch limits of the APIs used. */
export const LIMITS = {
  describeContainerInstances: 100,
  describeTasks: 100,
  describeServices: 10,
  describeAutoScalingGroups: 100,
  /** DescribeWarmPool MaxRecords: "The maximum value is 50" (API reference). */
  describeWarmPool: 50,
  updateContainerInstancesState: 10,
  putAttributes: 10,
} as const;
/** Concurrent calls issued by one pass (ListTasks per instance): adaptive retries slow down beyond that anyway. */
const CONCURRENCY = 8;

export interface DrainLogger {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

export interface GatherDeps {
  config: EcsOpsConfig;
  ecs: ECSClient;
  autoscaling: AutoScalingClient;
  hooks: HookSettingsCache;
  /** How many tasks each cluster was last seen to hold (per warm Lambda); without it every pass estimates afresh. */
  clusterSizes?: ClusterSizeCache | undefined;
  /**
   * Per warm Lambda: which drained ASGs ECS drains itself (managed draining), refreshed by every reconcile pass. Without
   * it ecs-ops drains every configured ASG (decide rule 14 never applies).
   */
  managedDraining?: ManagedDrainingCache | undefined;
  logger: DrainLogger;
  /** Epoch ms. */
  now: () => number;
}

/**
 * The drained ASGs ECS drains itself, for `DrainSnapshot.ecsDrainedAsgs` (reconcile: asked afresh; event path: cached).
 * Each ASG's mode is logged when it is first seen or changes, so the logs say which mode each ASG is in.
 */
async function ecsDrainedAsgs(deps: GatherDeps, refresh: boolean): Promise<Record<string, EcsDrainedAsg> | undefined> {
  const cache = deps.managedDraining;
  const drained = drainedAsgs(deps.config);
  if (cache === undefined || drained.length === 0) return undefined;
  const clusters = [...new Set(drained.map((d) => d.cluster))].sort();
  const asgs = drained.map((d) => d.asg);
  const factsDeps = { ecs: deps.ecs, autoscaling: deps.autoscaling };
  const modes = refresh ? await cache.refresh(factsDeps, clusters, asgs) : await cache.get(factsDeps, clusters, asgs);
  const out: Record<string, EcsDrainedAsg> = {};
  for (const [asg, mode] of modes) {
    if (cache.modeChanged(asg, mode)) {
      deps.logger.info(mode.managed ? 'ECS drains this ASG (managed draining): ecs-ops stands aside and observes' : 'ecs-ops drains this ASG (no managed draining)', {
        asg,
        managedDraining: mode.managed ? deps.config.drain.managedDraining : 'off',
        ...(mode.managed ? { evidence: mode.evidence } : {}),
      });
    }
    if (mode.managed) out[asg] = { capacityProvider: mode.capacityProvider, hookName: mode.hookName, evidence: mode.evidence };
  }
  return out;
}

/** A configured ASG ecs-ops drains, with its cluster and the hook it owns. */
export interface DrainedAsg {
  cluster: string;
  asg: string;
  hook: string;
}

/** The configured ASGs with `drain: true`. */
export function drainedAsgs(config: EcsOpsConfig): DrainedAsg[] {
  return config.clusters.flatMap((c) => c.asgs.filter((a) => a.drain).map((a) => ({ cluster: c.name, asg: a.name, hook: a.lifecycleHook })));
}

/** The configured ASG named `name` (drained or not) and its cluster. */
function configuredAsg(config: EcsOpsConfig, name: string): { cluster: string; asg: string; hook: string; drain: boolean } | undefined {
  for (const cluster of config.clusters) {
    const asg = cluster.asgs.find((a) => a.name === name);
    if (asg) return { cluster: cluster.name, asg: asg.name, hook: asg.lifecycleHook, drain: asg.drain };
  }
  return undefined;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `fn` over `items`, at most `limit` at a time, results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Hook settings per ASG + hook, reused for {@link HOOK_CACHE_TTL_MS} (create one per warm Lambda). */
export class HookSettingsCache {
  private readonly entries = new Map<string, { at: number; value: HookSettings | undefined }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs: number = HOOK_CACHE_TTL_MS,
  ) {}

  async get(autoscaling: AutoScalingClient, asg: string, hook: string): Promise<HookSettings | undefined> {
    const key = `${asg}\u0000${hook}`;
    const cached = this.entries.get(key);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.value;
    const out = await autoscaling.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: asg, LifecycleHookNames: [hook] }));
    const found = out.LifecycleHooks?.find((h) => h.LifecycleHookName === hook && h.LifecycleTransition === 'autoscaling:EC2_INSTANCE_TERMINATING');
    const heartbeat = found?.HeartbeatTimeout ?? 3600;
    const value: HookSettings | undefined = found
      ? {
          asg,
          hook,
          heartbeatTimeoutSeconds: heartbeat,
          defaultResult: found.DefaultResult === 'ABANDON' ? 'ABANDON' : 'CONTINUE',
          globalTimeoutSeconds: found.GlobalTimeout ?? Math.min(48 * 3600, 100 * heartbeat),
        }
      : undefined;
    this.entries.set(key, { at: this.now(), value });
    return value;
  }
}

/** How long a cluster's task count seen by a pass is trusted by the next passes of a warm Lambda. */
export const CLUSTER_SIZE_TTL_MS = 10 * 60_000;

/**
 * How many tasks (desired RUNNING) each cluster was last seen to hold, at least: exactly after a whole listing of it,
 * a lower bound after one stopped at its page budget (clusterListingBudget). A pass then skips the cluster's listing
 * when it already knows it needs more pages than the budget, instead of spending the budget again to find out (a few
 * instances draining in a large cluster). Kept per warm Lambda for {@link CLUSTER_SIZE_TTL_MS}: a cold Lambda, or a
 * cluster that may have shrunk since, is estimated afresh. It only ever chooses how to list, never what is found.
 */
export class ClusterSizeCache {
  private readonly entries = new Map<string, { at: number; atLeast: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs: number = CLUSTER_SIZE_TTL_MS,
  ) {}

  atLeast(cluster: string): number | undefined {
    const entry = this.entries.get(cluster);
    return entry && this.now() - entry.at < this.ttlMs ? entry.atLeast : undefined;
  }

  record(cluster: string, atLeast: number): void {
    this.entries.set(cluster, { at: this.now(), atLeast });
  }
}

/**
 * The instant a look decides at: the event's `time` (for the reconcile pass, its scheduled instant) when the invocation
 * runs within half a reconcile interval after it, else the clock (a late retry or redelivery, or no usable time).
 * Reconcile passes are then exactly one interval apart whatever the delivery latency or cold start of each, and a drain
 * is recorded as started at its event's (or pass's) instant, so the pass at start + deadline (or + 2 intervals, for the
 * blocked notice) sees exactly that much time elapsed instead of a few milliseconds less, which made the forced
 * completion and the blocked notice one pass late.
 */
export function eventInstant(clock: number, eventTime: number | undefined, intervalMs: number = RECONCILE_INTERVAL_MS): number {
  if (eventTime === undefined || !Number.isFinite(eventTime)) return clock;
  const lag = clock - eventTime;
  return lag >= 0 && lag < intervalMs / 2 ? eventTime : clock;
}

/** What the event already says about the container instance, saving the ListContainerInstances lookup. */
export interface ContainerHint {
  cluster: string;
  containerInstanceArn: string;
  /** The event's `detail.version` of the container instance. */
  version?: number | undefined;
  /** The container instance as DescribeContainerInstances returned it (see {@link supersedingVersion}). */
  described?: ContainerInstance | undefined;
}

/**
 * For a container instance event: describes the instance (kept in `hint.described` for the look that follows) and
 * returns its current version when a later change of the still-DRAINING instance supersedes the event. ECS emits one
 * event per task change and increments the instance's `version` with each ("compare the version reported by the API
 * with the one in the event to verify that the event is current", DescribeContainerInstances docs): when tasks stop
 * together, only the event of the last change needs a look, and that one reaches ecs-ops too (it still matches the
 * rule while the instance runs no task; if it were lost, the reconcile pass looks within one interval). Any other
 * status (deregistered, reactivated) is looked at whatever the version. One DescribeContainerInstances call.
 */
export async function supersedingVersion(deps: Pick<GatherDeps, 'ecs'>, hint: ContainerHint): Promise<number | undefined> {
  hint.described ??= await describeOne(deps.ecs, hint.cluster, hint.containerInstanceArn);
  const current = hint.described?.version;
  if (hint.version === undefined || current === undefined || hint.described?.status !== 'DRAINING') return undefined;
  return current > hint.version ? current : undefined;
}

function emptySnapshot(config: EcsOpsConfig, now: number): DrainSnapshot {
  return { now, instances: [], services: {}, reconcileIntervalMs: RECONCILE_INTERVAL_MS, managedHooks: managedHooks(config) };
}

/**
 * Everything about one EC2 instance (event path): its ASG and lifecycle state (configured ASGs only), its container
 * instance in a configured cluster, the tasks still on it and their services. An instance of an ASG configured with
 * `drain: false` is left alone (no instance in the snapshot). `lifecycleActionAt`: the lifecycle event's time.
 */
export async function gatherInstance(
  deps: GatherDeps,
  ec2InstanceId: string,
  trigger: InstanceSnapshot['trigger'],
  hint?: ContainerHint,
  at?: number,
  lifecycleActionAt?: number,
): Promise<DrainSnapshot> {
  const { config, logger } = deps;
  const now = at ?? deps.now();
  const described = await deps.autoscaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [ec2InstanceId] }));
  const asgInstance = described.AutoScalingInstances?.find((i) => i.InstanceId === ec2InstanceId);
  const owner = asgInstance?.AutoScalingGroupName !== undefined ? configuredAsg(config, asgInstance.AutoScalingGroupName) : undefined;
  if (owner && !owner.drain) {
    logger.info('instance belongs to an ASG configured with drain: false; left alone', { ec2InstanceId, asg: owner.asg });
    return emptySnapshot(config, now);
  }
  let asg: InstanceSnapshot['asg'];
  const ecsDrained = owner ? await ecsDrainedAsgs(deps, false) : undefined;
  if (owner && asgInstance?.LifecycleState !== undefined) {
    const hook = await deps.hooks.get(deps.autoscaling, owner.asg, owner.hook);
    if (hook) asg = { name: owner.asg, lifecycleState: asgInstance.LifecycleState, hook };
    else logger.warn('the configured lifecycle hook does not exist on the ASG (or is not a terminate hook)', { asg: owner.asg, hook: owner.hook });
  }

  let found: { cluster: string; containerInstance: ContainerInstance } | undefined;
  if (hint) {
    const containerInstance = hint.described ?? (await describeOne(deps.ecs, hint.cluster, hint.containerInstanceArn));
    if (containerInstance) found = { cluster: hint.cluster, containerInstance };
  } else {
    // The cluster owning the ASG first: the others are asked only when the instance is not there.
    const clusters = config.clusters.map((c) => c.name).sort((a, b) => Number(b === owner?.cluster) - Number(a === owner?.cluster));
    for (const cluster of clusters) {
      const arns = await listContainerInstances(deps.ecs, cluster, `ec2InstanceId == ${ec2InstanceId}`);
      const arn = arns[0];
      if (arn === undefined) continue;
      const containerInstance = await describeOne(deps.ecs, cluster, arn);
      if (containerInstance) {
        found = { cluster, containerInstance };
        break;
      }
    }
  }

  const instance: InstanceSnapshot = { ec2InstanceId, asg, trigger, ...(lifecycleActionAt === undefined ? {} : { lifecycleActionAt }) };
  const snapshot: DrainSnapshot = { ...emptySnapshot(config, now), instances: [instance], ...(ecsDrained !== undefined ? { ecsDrainedAsgs: ecsDrained } : {}) };
  if (found) {
    instance.container = containerOf(found.cluster, found.containerInstance);
    await addTasksAndServices(deps, snapshot, now);
  }
  return snapshot;
}

/**
 * The reconcile pass: every instance of a drained ASG waiting in a terminate lifecycle action (`Terminating:Wait`,
 * `Warmed:Pending:Wait`), whether or not its lifecycle event reached ecs-ops, with its container instance, tasks and
 * services. `at`: the snapshot's instant (default: the clock), see {@link eventInstant}.
 */
export async function gatherReconcile(deps: GatherDeps, at?: number): Promise<DrainSnapshot> {
  const { config, logger } = deps;
  const now = at ?? deps.now();
  const drained = drainedAsgs(config);
  const snapshot = emptySnapshot(config, now);
  if (drained.length === 0) return snapshot;
  const byName = new Map(drained.map((d) => [d.asg, d]));

  const waiting: { ec2InstanceId: string; asg: DrainedAsg; lifecycleState: string }[] = [];
  const seen = new Set<string>();
  const addWaiting = (asg: DrainedAsg, instances: readonly { InstanceId?: string | undefined; LifecycleState?: string | undefined }[]): void => {
    for (const i of instances) {
      if (i.InstanceId === undefined || i.LifecycleState === undefined || seen.has(i.InstanceId)) continue;
      if (!(WAITING_STATES as readonly string[]).includes(i.LifecycleState)) continue;
      seen.add(i.InstanceId);
      waiting.push({ ec2InstanceId: i.InstanceId, asg, lifecycleState: i.LifecycleState });
    }
  };
  const withWarmPool: DrainedAsg[] = [];
  for (const names of chunk([...byName.keys()], LIMITS.describeAutoScalingGroups)) {
    const pages = paginateDescribeAutoScalingGroups({ client: deps.autoscaling, pageSize: LIMITS.describeAutoScalingGroups }, { AutoScalingGroupNames: names });
    for await (const page of pages) {
      for (const group of page.AutoScalingGroups ?? []) {
        const asg = group.AutoScalingGroupName !== undefined ? byName.get(group.AutoScalingGroupName) : undefined;
        if (!asg) continue;
        addWaiting(asg, group.Instances ?? []);
        if (group.WarmPoolConfiguration !== undefined) withWarmPool.push(asg);
      }
    }
  }
  // Instances returning to a warm pool (`Warmed:Pending:Wait`) or terminated from it (`Warmed:Terminating:Wait`) are
  // listed by DescribeWarmPool, not with the group:
  // one more paginated call per drained ASG that has a warm pool.
  await mapLimit(withWarmPool, CONCURRENCY, async (asg) => {
    for await (const page of paginateDescribeWarmPool({ client: deps.autoscaling, pageSize: LIMITS.describeWarmPool }, { AutoScalingGroupName: asg.asg })) addWaiting(asg, page.Instances ?? []);
  });
  if (waiting.length === 0) return snapshot;
  // Whether ECS drains these ASGs itself: asked afresh by each pass that has an instance waiting (rule 14).
  const ecsDrained = await ecsDrainedAsgs(deps, true);
  if (ecsDrained !== undefined) snapshot.ecsDrainedAsgs = ecsDrained;

  const hooks = new Map<string, HookSettings | undefined>();
  await mapLimit([...new Set(waiting.map((w) => w.asg.asg))], CONCURRENCY, async (name) => {
    const asg = byName.get(name);
    if (!asg) return;
    const hook = await deps.hooks.get(deps.autoscaling, asg.asg, asg.hook);
    if (!hook) logger.warn('the configured lifecycle hook does not exist on the ASG (or is not a terminate hook)', { asg: asg.asg, hook: asg.hook });
    hooks.set(name, hook);
  });

  // Container instances: each instance is looked for in the cluster owning its ASG, then in the other clusters.
  const containers = new Map<string, { cluster: string; containerInstance: ContainerInstance }>();
  const clusterNames = config.clusters.map((c) => c.name);
  const searched = new Map<string, Set<string>>();
  for (const round of [0, 1]) {
    const wanted = new Map<string, string[]>();
    for (const w of waiting) {
      if (containers.has(w.ec2InstanceId)) continue;
      const done = searched.get(w.ec2InstanceId) ?? new Set<string>();
      const candidates = round === 0 ? [w.asg.cluster] : clusterNames.filter((c) => !done.has(c));
      for (const cluster of candidates) {
        done.add(cluster);
        const ids = wanted.get(cluster) ?? [];
        ids.push(w.ec2InstanceId);
        wanted.set(cluster, ids);
      }
      searched.set(w.ec2InstanceId, done);
    }
    await mapLimit([...wanted], CONCURRENCY, async ([cluster, ids]) => {
      for (const ci of await findContainerInstances(deps.ecs, cluster, ids)) {
        if (ci.ec2InstanceId !== undefined && !containers.has(ci.ec2InstanceId)) containers.set(ci.ec2InstanceId, { cluster, containerInstance: ci });
      }
    });
    if (clusterNames.length === 1) break;
  }

  const counts = new Map<string, number>();
  for (const w of waiting) {
    const hook = hooks.get(w.asg.asg);
    const found = containers.get(w.ec2InstanceId);
    const ci = found?.containerInstance;
    if (ci?.containerInstanceArn !== undefined) counts.set(ci.containerInstanceArn, (ci.runningTasksCount ?? 0) + (ci.pendingTasksCount ?? 0));
    snapshot.instances.push({
      ec2InstanceId: w.ec2InstanceId,
      asg: hook ? { name: w.asg.asg, lifecycleState: w.lifecycleState, hook } : undefined,
      container: found ? containerOf(found.cluster, found.containerInstance) : undefined,
      trigger: 'reconcile',
    });
  }
  await addTasksAndServices(deps, snapshot, now, counts);
  return snapshot;
}

async function describeOne(ecs: ECSClient, cluster: string, arn: string): Promise<ContainerInstance | undefined> {
  const out = await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: [arn] }));
  return out.containerInstances?.[0];
}

async function listContainerInstances(ecs: ECSClient, cluster: string, filter: string): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListContainerInstances({ client: ecs, pageSize: 100 }, { cluster, filter })) arns.push(...(page.containerInstanceArns ?? []));
  return arns;
}

/** `ec2InstanceId in [a, b, …]` expressions covering `ids`, each within {@link FILTER_MAX_CHARS}. */
export function instanceIdFilters(ids: readonly string[]): string[] {
  const prefix = 'ec2InstanceId in [';
  const filters: string[] = [];
  let current: string[] = [];
  let length = prefix.length + 1;
  for (const id of ids) {
    const added = id.length + (current.length > 0 ? 2 : 0);
    if (current.length > 0 && length + added > FILTER_MAX_CHARS) {
      filters.push(`${prefix}${current.join(', ')}]`);
      current = [];
      length = prefix.length + 1;
    }
    length += id.length + (current.length > 0 ? 2 : 0);
    current.push(id);
  }
  if (current.length > 0) filters.push(`${prefix}${current.join(', ')}]`);
  return filters;
}

/** The container instances of `cluster` running on the EC2 instances `ids`. */
async function findContainerInstances(ecs: ECSClient, cluster: string, ids: readonly string[]): Promise<ContainerInstance[]> {
  const arns: string[] = [];
  for (const filter of instanceIdFilters(ids)) arns.push(...(await listContainerInstances(ecs, cluster, filter)));
  const described = await mapLimit(chunk([...new Set(arns)], LIMITS.describeContainerInstances), CONCURRENCY, async (batch) => {
    const out = await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: batch }));
    return out.containerInstances ?? [];
  });
  return described.flat();
}

function numberAttribute(ci: ContainerInstance, name: string): number | undefined {
  const value = ci.attributes?.find((a) => a.name === name)?.value;
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

const TRIGGERS: readonly string[] = ['lifecycle-action', 'spot-interruption', 'rebalance-recommendation', 'container-instance-change', 'reconcile'];

/**
 * The start-notice attribute (`pending:<started-at>[:<trigger>]` / `sent:<started-at>`) when it is about the drain
 * started at `startedAt` (an attribute left by an earlier drain of the instance says nothing about this one).
 */
export function parseStartNotice(value: string | undefined, startedAt: number | undefined): { state: 'pending' | 'sent'; trigger?: InstanceSnapshot['trigger'] } | undefined {
  if (value === undefined || startedAt === undefined) return undefined;
  const [state, at, trigger] = value.split(':');
  if ((state !== 'pending' && state !== 'sent') || at !== String(startedAt)) return undefined;
  return trigger !== undefined && TRIGGERS.includes(trigger) ? { state, trigger: trigger as InstanceSnapshot['trigger'] } : { state };
}

/** The completion attribute (`<completed-at>/<hook>`), or undefined when it is not one. */
export function parseCompleted(value: string | undefined): { at: number; hook: string } | undefined {
  if (value === undefined) return undefined;
  const slash = value.indexOf('/');
  const at = Number(value.slice(0, slash));
  if (slash <= 0 || !Number.isFinite(at)) return undefined;
  return { at, hook: value.slice(slash + 1) };
}

function containerOf(cluster: string, ci: ContainerInstance): NonNullable<InstanceSnapshot['container']> {
  const drainStartedAt = numberAttribute(ci, DRAIN_STARTED_ATTRIBUTE);
  const attribute = (name: string): string | undefined => ci.attributes?.find((a) => a.name === name)?.value;
  const startNotice = parseStartNotice(attribute(DRAIN_START_NOTICE_ATTRIBUTE), drainStartedAt);
  return {
    cluster,
    containerInstanceArn: ci.containerInstanceArn ?? '',
    status: ci.status ?? 'UNKNOWN',
    agentConnected: ci.agentConnected ?? false,
    drainStartedAt,
    tasksAtStart: numberAttribute(ci, DRAIN_TASKS_ATTRIBUTE),
    startNotice: startNotice?.state,
    startTrigger: startNotice?.trigger,
    completed: parseCompleted(attribute(DRAIN_COMPLETED_ATTRIBUTE)),
  };
}

type Container = NonNullable<InstanceSnapshot['container']>;
type DesiredStatus = 'RUNNING' | 'STOPPED';

/** `runningTasksCount` + `pendingTasksCount` of a container instance as DescribeContainerInstances returned them. */
export type TaskCounts = ReadonlyMap<string, number>;

/**
 * Task ARNs with one desired status, every page: on one container instance, or in the whole cluster when
 * `containerInstance` is undefined. Stops after `maxPages` pages (`complete: false`) when more remain.
 */
async function listTasks(ecs: ECSClient, cluster: string, desiredStatus: DesiredStatus, containerInstance?: string, maxPages = Number.POSITIVE_INFINITY): Promise<{ arns: string[]; complete: boolean; pages: number }> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    if (pages >= maxPages) return { arns, complete: false, pages };
    const out = await ecs.send(new ListTasksCommand({ cluster, desiredStatus, maxResults: 100, nextToken, ...(containerInstance === undefined ? {} : { containerInstance }) }));
    pages++;
    arns.push(...(out.taskArns ?? []));
    nextToken = out.nextToken === '' ? undefined : out.nextToken;
  } while (nextToken !== undefined);
  return { arns, complete: true, pages };
}

/** Describes the ARNs of `arns` not yet in `tasks` (batches of 100) into `tasks`. */
async function describeTasks(ecs: ECSClient, cluster: string, arns: Iterable<string>, tasks: Map<string, Task>): Promise<void> {
  const wanted = [...new Set(arns)].filter((arn) => !tasks.has(arn));
  await mapLimit(chunk(wanted, LIMITS.describeTasks), CONCURRENCY, async (batch) => {
    const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }));
    for (const task of out.tasks ?? []) if (task.taskArn !== undefined) tasks.set(task.taskArn, task);
  });
}

/** Describes the services of `cluster` named in `names` and not yet in the snapshot (batches of 10). */
async function describeServices(deps: GatherDeps, snapshot: DrainSnapshot, cluster: string, names: Iterable<string>, now: number): Promise<void> {
  const wanted = [...new Set(names)].filter((name) => snapshot.services[`${cluster}/${name}`] === undefined);
  await mapLimit(chunk(wanted, LIMITS.describeServices), CONCURRENCY, async (batch) => {
    const out = await deps.ecs.send(new DescribeServicesCommand({ cluster, services: batch }));
    for (const service of out.services ?? []) {
      const drainService = toDrainService(cluster, service, now);
      if (drainService) snapshot.services[`${cluster}/${drainService.serviceName}`] = drainService;
    }
    for (const failure of out.failures ?? []) deps.logger.warn('service not described', { cluster, arn: failure.arn, reason: failure.reason });
  });
}

/** What is known of one container instance's tasks while a look gathers them. */
interface TaskListing {
  instance: InstanceSnapshot;
  container: Container;
  /** ARNs of tasks known to be on the instance (its own listings, or the cluster's described on it). */
  arns: Set<string>;
  /** Whether the instance's own listing of both desired statuses was made (the evidence completion needs). */
  full: boolean;
}

function drainTaskOf(arn: string, task: Task, snapshot: DrainSnapshot, cluster: string): DrainTask {
  const drainTask: DrainTask = { taskArn: arn, group: task.group, lastStatus: task.lastStatus ?? 'UNKNOWN', desiredStatus: task.desiredStatus ?? 'UNKNOWN' };
  const service = serviceOf(drainTask);
  if (service !== undefined && snapshot.services[`${cluster}/${service}`]?.schedulingStrategy === 'DAEMON') drainTask.daemon = true;
  return drainTask;
}

/** The tasks of a listing whose lastStatus is not STOPPED (gone from DescribeTasks, expired: not on the instance). */
function remainingOf(listing: TaskListing, tasks: ReadonlyMap<string, Task>, snapshot: DrainSnapshot): DrainTask[] {
  const out: DrainTask[] = [];
  for (const arn of listing.arns) {
    const task = tasks.get(arn);
    if (!task || task.lastStatus === 'STOPPED') continue;
    out.push(drainTaskOf(arn, task, snapshot, listing.container.cluster));
  }
  return out;
}

function serviceNamesOf(listings: readonly TaskListing[], tasks: ReadonlyMap<string, Task>): string[] {
  const names: string[] = [];
  for (const listing of listings) {
    for (const arn of listing.arns) {
      const task = tasks.get(arn);
      const service = task === undefined || task.lastStatus === 'STOPPED' ? undefined : serviceOf(task);
      if (service !== undefined) names.push(service);
    }
  }
  return names;
}

/**
 * Whether a pass needs the instance's own listing of both desired statuses (ListTasks takes one container instance),
 * given the tasks with desired status RUNNING known on it (`remaining`). Only the decisions that could turn on a task
 * being stopped (desired STOPPED, lastStatus not yet STOPPED, listed only under STOPPED) need it:
 *  - no task left: a completion candidate (decide rules 3 and 5): "empty" is only ever decided on the instance's own
 *    listing of both desired statuses, exactly the evidence the event path uses;
 *  - the deadline has come (rule 6): the forced-completion notice lists every task still there;
 *  - no service task left and a DAEMON task, or a standalone task with `standaloneTasks: stop` (rule 8): a service task
 *    still being stopped holds those stops back.
 * Everything else (heartbeats; a drain held by service tasks, blocked or not; standalone tasks waited for) is decided
 * the same with or without the tasks being stopped, so those instances cost no ListTasks of their own.
 */
function needsOwnListing(instance: InstanceSnapshot, remaining: readonly DrainTask[], config: EcsOpsConfig, snapshot: DrainSnapshot, now: number): boolean {
  if (remaining.length === 0) return true;
  if (now >= (deadlineOf(instance, config.drain, snapshot.reconcileIntervalMs) ?? Number.POSITIVE_INFINITY)) return true;
  if (remaining.some(isServiceTask)) return false;
  return remaining.every((t) => t.daemon === true) || (config.drain.standaloneTasks === 'stop' && remaining.some(isStandaloneTask));
}

/**
 * The largest number of pages of the cluster-wide ListTasks (desired RUNNING) for which listing the cluster is cheaper
 * than listing each instance, from what the pass already knows (0: list each instance):
 *  - each instance: n ListTasks (desired RUNNING) + ⌈T/100⌉ DescribeTasks (T = Σ runningTasksCount +
 *    pendingTasksCount of the n instances) + 1 ListTasks (desired STOPPED) per instance whose counts are 0 (c);
 *  - the cluster: p ListTasks pages + p DescribeTasks (the cluster's tasks, 100 a page, to learn which instance each is
 *    on) + 2 ListTasks for each of the c instances (their own listing, see needsOwnListing).
 * The cluster is listed when 2p + 2c < n + ⌈T/100⌉ + c. The counts never decide emptiness: a positive count proves an
 * instance is not empty, zero proves nothing (they lag, and leave out tasks being stopped).
 */
export function clusterListingBudget(n: number, tasksOnInstances: number, zeroCountInstances: number): number {
  const perInstance = n + Math.ceil(tasksOnInstances / LIMITS.describeTasks) + zeroCountInstances;
  return Math.max(0, Math.floor((perInstance - 2 * zeroCountInstances - 1) / 2));
}

/**
 * Fills `tasks` of the container instances in the snapshot, and `services` for the service tasks among them.
 *
 * Event path (`counts` undefined): each instance's own listing of both desired statuses, then DescribeTasks and
 * DescribeServices — a constant number of calls for the one instance.
 *
 * Reconcile pass (`counts` from DescribeContainerInstances), per cluster:
 *  1. the tasks with desired status RUNNING of the ACTIVE and DRAINING instances: the whole cluster's list (pages of
 *     100) + DescribeTasks of them all, mapped to instances by `containerInstanceArn`, when that is cheaper than one
 *     ListTasks per instance (clusterListingBudget; if the cluster turns out larger than estimated, the instances are
 *     listed one by one after all), else one ListTasks per instance + DescribeTasks of their tasks;
 *  2. DescribeServices of their services (DAEMON or not);
 *  3. the instance's own ListTasks of both desired statuses (one more, STOPPED, when step 1 listed it already) for the
 *     instances whose decision needs it (needsOwnListing), + DescribeTasks and DescribeServices of what is new.
 * Instances in other statuses (INACTIVE, REGISTERING, …) need no task: decide completes or skips them without; nor do
 * instances ecs-ops already completed that another hook holds (decide rule 1a).
 */
async function addTasksAndServices(deps: GatherDeps, snapshot: DrainSnapshot, now: number, counts?: TaskCounts): Promise<void> {
  const listings: TaskListing[] = [];
  for (const instance of snapshot.instances) {
    const container = instance.container;
    if (!container || container.containerInstanceArn === '') continue;
    if (counts !== undefined && container.status !== 'ACTIVE' && container.status !== 'DRAINING') continue;
    // ECS drains it (rule 14): its tasks matter until the overdue report only.
    if (snapshot.ecsDrainedAsgs?.[instance.asg?.name ?? ''] !== undefined) {
      if (!ecsDrainNeedsTasks(instance, deps.config.drain, snapshot.reconcileIntervalMs, now)) continue;
    } else if (completionMark(instance, now) === 'current') continue; // Completed by ecs-ops, held by another hook: decide looks no further (rule 1a), its tasks cost no call.
    listings.push({ instance, container, arns: new Set(), full: false });
  }
  if (listings.length === 0) return;
  const byCluster = new Map<string, TaskListing[]>();
  for (const listing of listings) byCluster.set(listing.container.cluster, [...(byCluster.get(listing.container.cluster) ?? []), listing]);

  const ownListing = async (cluster: string, targets: readonly TaskListing[], statuses: readonly DesiredStatus[]): Promise<void> => {
    const jobs = targets.flatMap((listing) => statuses.map((status) => ({ listing, status })));
    await mapLimit(jobs, CONCURRENCY, async ({ listing, status }) => {
      for (const arn of (await listTasks(deps.ecs, cluster, status, listing.container.containerInstanceArn)).arns) listing.arns.add(arn);
    });
  };

  // One cluster after the other: the calls within one already run CONCURRENCY at a time.
  for (const [cluster, inCluster] of byCluster) {
    const tasks = new Map<string, Task>();
    if (counts === undefined) {
      await ownListing(cluster, inCluster, ['RUNNING', 'STOPPED']);
      for (const listing of inCluster) listing.full = true;
      await describeTasks(deps.ecs, cluster, inCluster.flatMap((l) => [...l.arns]), tasks);
      await describeServices(deps, snapshot, cluster, serviceNamesOf(inCluster, tasks), now);
    } else {
      // 1. Tasks with desired status RUNNING: the cluster's list, or each instance's.
      const countOf = (l: TaskListing): number => counts.get(l.container.containerInstanceArn) ?? 0;
      const budget = clusterListingBudget(inCluster.length, inCluster.reduce((sum, l) => sum + countOf(l), 0), inCluster.filter((l) => countOf(l) === 0).length);
      const known = deps.clusterSizes?.atLeast(cluster);
      const worthListing = budget > 0 && (known === undefined || Math.ceil(known / 100) <= budget);
      const clusterWide = worthListing ? await listTasks(deps.ecs, cluster, 'RUNNING', undefined, budget) : undefined;
      if (clusterWide !== undefined) deps.clusterSizes?.record(cluster, clusterWide.complete ? clusterWide.arns.length : clusterWide.arns.length + 1);
      if (clusterWide?.complete === true) {
        const byArn = new Map(inCluster.map((l) => [l.container.containerInstanceArn, l]));
        await describeTasks(deps.ecs, cluster, clusterWide.arns, tasks);
        for (const arn of clusterWide.arns) {
          const on = tasks.get(arn)?.containerInstanceArn;
          if (on !== undefined) byArn.get(on)?.arns.add(arn);
        }
      } else {
        if (clusterWide !== undefined) deps.logger.info('cluster has more tasks than a listing per instance costs: listing per instance', { cluster, pages: clusterWide.pages, instances: inCluster.length });
        await ownListing(cluster, inCluster, ['RUNNING']);
        await describeTasks(deps.ecs, cluster, inCluster.flatMap((l) => [...l.arns]), tasks);
      }
      // 2. Their services.
      await describeServices(deps, snapshot, cluster, serviceNamesOf(inCluster, tasks), now);
      // 3. The instances' own listings, where a decision needs them.
      const own = inCluster.filter((l) => needsOwnListing(l.instance, remainingOf(l, tasks, snapshot), deps.config, snapshot, now));
      await ownListing(cluster, own, clusterWide?.complete === true ? ['RUNNING', 'STOPPED'] : ['STOPPED']);
      for (const listing of own) listing.full = true;
      await describeTasks(deps.ecs, cluster, own.flatMap((l) => [...l.arns]), tasks);
      await describeServices(deps, snapshot, cluster, serviceNamesOf(own, tasks), now);
    }

    for (const listing of inCluster) {
      const { container } = listing;
      if (listing.full) {
        for (const arn of listing.arns) {
          const task = tasks.get(arn);
          if (task?.lastStatus === 'STOPPED' && task.stoppedAt !== undefined) {
            container.lastTaskStoppedAt = Math.max(container.lastTaskStoppedAt ?? Number.NEGATIVE_INFINITY, task.stoppedAt.getTime());
          }
        }
      }
      container.tasks = remainingOf(listing, tasks, snapshot);
    }
  }
}

const UNABLE_TO_PLACE = 'was unable to place a task';

function toDrainService(cluster: string, service: Service, now: number): DrainService | undefined {
  if (service.serviceName === undefined) return undefined;
  const daemon = service.schedulingStrategy === 'DAEMON';
  const recent = (service.events ?? []).filter((e) => e.createdAt !== undefined && now - e.createdAt.getTime() <= UNABLE_TO_PLACE_WINDOW_MS);
  return {
    cluster,
    serviceName: service.serviceName,
    // ECS's defaults when the deployment configuration leaves them out.
    minimumHealthyPercent: service.deploymentConfiguration?.minimumHealthyPercent ?? (daemon ? 0 : 100),
    maximumPercent: service.deploymentConfiguration?.maximumPercent ?? (daemon ? 100 : 200),
    desiredCount: service.desiredCount ?? 0,
    runningCount: service.runningCount ?? 0,
    schedulingStrategy: daemon ? 'DAEMON' : 'REPLICA',
    unableToPlace: recent.some((e) => e.message?.includes(UNABLE_TO_PLACE) === true),
  };
}
