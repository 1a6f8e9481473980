/**
 * Placement through lib/placement/engine, fed from the world's indexes: instances as cached DescribeContainerInstances
 * shapes, the tasks of the task group (all tasks only when a memberOf expression reads `task:group`), the ENIs in use
 * per instance.
 *
 * Fast path: the engine is first given only the instances that could take a task (enough CPU and memory left) plus
 * those already running tasks of the group (they weigh in the spread strategies); when that leaves tasks unplaced, the
 * request is repeated with every instance so the failure names ECS's closest matching instance.
 */
import type * as ECS from '@aws-sdk/client-ecs';
import { place, PlacementValidationError, type PlacementTask } from '../../lib/placement/engine/index.js';
import type { ContainerInstance as PlacementInstance } from '../../lib/placement/model.js';
import type { ClusterState, ContainerInstanceState, TaskDefinitionState, TaskState } from './ecs-model.js';
import type { EcsWorld } from './ecs.js';
import { invalidParameter } from './errors.js';

export interface PlacementRequest {
  cluster: ClusterState;
  taskDefinition: TaskDefinitionState;
  count: number;
  group: string;
  placementConstraints: readonly ECS.PlacementConstraint[];
  placementStrategy: readonly ECS.PlacementStrategy[];
  /** Only instances of this capacity provider (undefined: any). */
  capacityProviderName?: string | undefined;
  /** Only these instances (DAEMON services place on one instance at a time). */
  instances?: readonly ContainerInstanceState[] | undefined;
}

export interface PlacementOutcome {
  placed: ContainerInstanceState[];
  failures: { reason: string; containerInstanceArn: string | undefined }[];
}

function taskView(task: TaskState): PlacementTask {
  return {
    taskArn: task.arn,
    group: task.group,
    containerInstanceArn: task.instance?.arn,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
  };
}

/** Places `count` tasks; throws InvalidParameterException when the constraints or strategies are invalid. */
export function placeTasks(ecs: EcsWorld, request: PlacementRequest): PlacementOutcome {
  const { cluster, taskDefinition: td } = request;
  if (request.count <= 0) return { placed: [], failures: [] };
  const all: ContainerInstanceState[] = [];
  for (const ci of request.instances ?? cluster.instances.values()) {
    if (ci.status === 'INACTIVE') continue;
    if (request.capacityProviderName !== undefined && ci.capacityProviderName !== request.capacityProviderName) continue;
    all.push(ci);
  }
  const readsGroups = td.readsTaskGroups || request.placementConstraints.some((c) => (c.expression ?? '').includes('task:group'));
  const groupTasks = cluster.groups.get(request.group) ?? new Set<TaskState>();
  let views: PlacementTask[] | undefined;
  const tasks = (): PlacementTask[] => {
    if (views) return views;
    views = [];
    if (readsGroups) {
      for (const set of cluster.groups.values()) for (const task of set) if (task.instance) views.push(taskView(task));
    } else {
      for (const task of groupTasks) if (task.instance) views.push(taskView(task));
    }
    return views;
  };

  const req = td.requirements;
  const fitsNow = (ci: ContainerInstanceState): boolean =>
    ci.status === 'ACTIVE' &&
    ci.agentConnected &&
    ci.type.cpu - ci.usedCpu >= req.cpu &&
    ci.type.memory - ci.usedMemory >= req.memory &&
    (req.eni === 0 || ci.usedEni + req.eni <= eniCapacity(ci)) &&
    req.tcpPorts.every((p) => !ci.tcpPorts.has(p)) &&
    req.udpPorts.every((p) => !ci.udpPorts.has(p));

  const attempt = (instances: readonly ContainerInstanceState[], sample?: { shapes: PlacementInstance[]; tasks: PlacementTask[] }) => {
    const byArn = new Map<string, ContainerInstanceState>();
    const shapes: PlacementInstance[] = [];
    const eniInUse: Record<string, number> = {};
    const eniLimits: Record<string, { standard: number; trunked: number }> = {};
    for (const ci of instances) {
      byArn.set(ci.arn, ci);
      shapes.push(ecs.placementShape(ci));
      if (ci.usedEni > 0) eniInUse[ci.arn] = ci.usedEni;
      eniLimits[ci.type.name] = ci.type.eni;
    }
    if (sample) shapes.push(...sample.shapes);
    try {
      const result = place({
        instances: shapes,
        tasks: sample ? sample.tasks : tasks(),
        taskDefinition: td.placement,
        count: request.count,
        group: request.group,
        placementConstraints: [...request.placementConstraints],
        placementStrategy: [...request.placementStrategy],
        seed: ecs.core.random.int(0x7fffffff),
        eniInUse,
        eniLimits,
      });
      const placed: ContainerInstanceState[] = [];
      for (const p of result.placements) {
        const ci = p.containerInstanceArn === undefined ? undefined : byArn.get(p.containerInstanceArn);
        if (ci) placed.push(ci);
      }
      return { placed, failures: result.failures.map((f) => ({ reason: f.reason, containerInstanceArn: f.containerInstanceArn })) };
    } catch (error) {
      if (error instanceof PlacementValidationError) throw invalidParameter(error.message);
      throw error;
    }
  };

  // Spread strategies on a big fleet: the engine is given, per spread bucket, the instances that can win.
  const sampled = all.length > 48 && !readsGroups ? spreadSample(ecs, request, all, groupTasks, fitsNow) : undefined;
  if (sampled) {
    const outcome = attempt(sampled.instances, sampled);
    if (outcome.failures.length === 0) return outcome;
  }

  const withGroup = new Set<ContainerInstanceState>();
  for (const task of groupTasks) if (task.instance) withGroup.add(task.instance);
  const likely = all.filter((ci) => withGroup.has(ci) || fitsNow(ci));

  const fast = attempt(likely);
  if (fast.failures.length === 0 || likely.length === all.length) return fast;
  return attempt(all);
}

function eniCapacity(ci: ContainerInstanceState): number {
  return ci.attributes.some((a) => a.name === 'ecs.awsvpc-trunk-id') ? ci.type.eni.trunked : ci.type.eni.standard;
}

const SPREAD_INSTANCE = new Set(['instanceId', 'host']);

/**
 * For the strategies `spread(attribute:X), spread(instanceId)` (the service default), `spread(instanceId)` or
 * `spread(attribute:X)` without constraints, the engine's choice only ever falls on the instances of a bucket (a value
 * of X) with the fewest tasks of the group. So the engine is given, per bucket, the `count + 4` instances that can take
 * a task and have the fewest tasks of the group (ties at random), plus one stand-in per bucket that carries the group's
 * tasks on the other ACTIVE instances of the bucket — a disconnected instance, which the engine counts in its bucket
 * but never places on (only the differences between buckets matter, so each carries its surplus over the smallest).
 * Its plan is then one the engine could make on the whole fleet. Undefined when not applicable;
 * when the subset leaves tasks unplaced the caller asks the engine again with every instance.
 */
function spreadSample(
  ecs: EcsWorld,
  request: PlacementRequest,
  all: readonly ContainerInstanceState[],
  groupTasks: ReadonlySet<TaskState>,
  fits: (ci: ContainerInstanceState) => boolean,
): { instances: ContainerInstanceState[]; shapes: PlacementInstance[]; tasks: PlacementTask[] } | undefined {
  const td = request.taskDefinition;
  if ((td.placement.placementConstraints?.length ?? 0) > 0 || request.placementConstraints.length > 0) return undefined;
  const strategies: readonly ECS.PlacementStrategy[] =
    request.placementStrategy.length > 0
      ? request.placementStrategy
      : request.group.startsWith('service:')
        ? [{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'spread', field: 'instanceId' }]
        : [];
  let attribute: string | undefined;
  const [first, second, ...rest] = strategies;
  if (rest.length > 0 || first?.type !== 'spread') return undefined;
  if (first.field?.startsWith('attribute:') === true) {
    attribute = first.field.slice('attribute:'.length);
    if (second !== undefined && (second.type !== 'spread' || !SPREAD_INSTANCE.has(second.field ?? ''))) return undefined;
  } else if (!SPREAD_INSTANCE.has(first.field ?? '') || second !== undefined) {
    return undefined;
  }

  const perInstance = new Map<ContainerInstanceState, number>();
  for (const task of groupTasks) if (task.instance) perInstance.set(task.instance, (perInstance.get(task.instance) ?? 0) + 1);
  const valueOf = (ci: ContainerInstanceState): string | undefined =>
    attribute === undefined ? '' : attribute === 'ecs.availability-zone' ? ci.availabilityZone : ci.attributes.find((a) => a.name === attribute)?.value;
  // Per bucket: candidates by their number of group tasks; the group tasks on the other ACTIVE instances.
  const buckets = new Map<string | undefined, { byCount: Map<number, ContainerInstanceState[]>; elsewhere: number }>();
  for (const ci of all) {
    const key = valueOf(ci);
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = { byCount: new Map(), elsewhere: 0 }));
    const n = perInstance.get(ci) ?? 0;
    if (fits(ci)) {
      const list = bucket.byCount.get(n);
      if (list) list.push(ci);
      else bucket.byCount.set(n, [ci]);
    } else if (ci.status === 'ACTIVE') {
      bucket.elsewhere += n;
    }
  }
  const keep = request.count + 4;
  const random = ecs.core.random;
  const instances: ContainerInstanceState[] = [];
  const shapes: PlacementInstance[] = [];
  const tasks: PlacementTask[] = [];
  const carriedBy: { key: string | undefined; carried: number }[] = [];
  for (const [key, bucket] of buckets) {
    if (bucket.byCount.size === 0) continue; // no candidate: the bucket does not compete
    // The `keep` candidates with the fewest group tasks; among equals, a seeded random choice.
    let carried = bucket.elsewhere;
    let room = keep;
    for (const count of [...bucket.byCount.keys()].sort((a, b) => a - b)) {
      const list = bucket.byCount.get(count) ?? [];
      if (room <= 0) {
        carried += count * list.length;
        continue;
      }
      if (list.length > room) {
        for (let i = 0; i < room; i++) {
          const j = i + random.int(list.length - i);
          const picked = list[j];
          const swapped = list[i];
          if (picked === undefined || swapped === undefined) continue;
          list[i] = picked;
          list[j] = swapped;
        }
        carried += count * (list.length - room);
        list.length = room;
      }
      instances.push(...list);
      room -= list.length;
    }
    carriedBy.push({ key, carried });
  }
  // Only differences between buckets matter: every stand-in carries its surplus over the smallest.
  const base = Math.min(...carriedBy.map((b) => b.carried));
  for (const { key, carried } of carriedBy) {
    if (carried - base <= 0) continue;
    const standIn = `arn:aws:ecs:sim:bucket/${key ?? '\u0000absent'}`;
    tasks.push(...standInTasks(standIn, request.group, carried - base));
    shapes.push({
      containerInstanceArn: standIn,
      status: 'ACTIVE',
      agentConnected: false,
      attributes: attribute === undefined || key === undefined ? [] : [{ name: attribute, value: key }],
      remainingResources: [],
    });
  }
  const chosen = new Set(instances);
  for (const task of groupTasks) if (task.instance && chosen.has(task.instance)) tasks.push(taskView(task));
  return { instances, shapes, tasks };
}

const standIns = new Map<string, PlacementTask[]>();

/** `n` placeholder tasks of `group` on the stand-in instance (cached: the engine never changes its inputs). */
function standInTasks(arn: string, group: string, n: number): PlacementTask[] {
  const key = `${arn}\u0000${group}`;
  let pool = standIns.get(key);
  if (!pool) standIns.set(key, (pool = []));
  while (pool.length < n) pool.push({ taskArn: `${arn}/${pool.length}`, group, containerInstanceArn: arn, lastStatus: 'RUNNING', desiredStatus: 'RUNNING' });
  return pool.length === n ? pool : pool.slice(0, n);
}

/** Service event text for a placement failure reason (what ECS says about the closest matching instance). */
export function placementFailureMessage(serviceName: string, reason: string, containerInstanceArn: string | undefined): string {
  const prefix = `(service ${serviceName}) was unable to place a task because no container instance met all of its requirements.`;
  const id = containerInstanceArn?.split('/').pop();
  const closest = id === undefined ? undefined : `The closest matching (container-instance ${id})`;
  const help = 'For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.';
  switch (reason) {
    case 'RESOURCE:MEMORY':
      return `${prefix} ${closest ?? 'The closest matching container-instance'} has insufficient memory available. ${help}`;
    case 'RESOURCE:CPU':
      return `${prefix} ${closest ?? 'The closest matching container-instance'} has insufficient CPU units available. ${help}`;
    case 'RESOURCE:PORTS':
      return `${prefix} ${closest ?? 'The closest matching container-instance'} is already using a port required by your task. ${help}`;
    case 'RESOURCE:ENI':
      return `${prefix} ${closest ?? 'The closest matching container-instance'} has insufficient network interfaces available. ${help}`;
    case 'RESOURCE:GPU':
      return `${prefix} ${closest ?? 'The closest matching container-instance'} has insufficient GPUs available. ${help}`;
    case 'ATTRIBUTE':
      return `${prefix} ${closest ?? 'The closest matching container-instance'} is missing an attribute required by your task. ${help}`;
    case 'MISSING':
    case 'NO ACTIVE INSTANCES':
      return `${prefix} Reason: No Container Instances were found in your cluster. ${help}`;
    case 'RESOURCE:FARGATE':
      return `(service ${serviceName}) was unable to place a task. Reason: Capacity is unavailable at this time. Please try again later or in a different availability zone. ${help}`;
    default:
      return `${prefix} ${closest ?? 'The closest matching container-instance'} encountered error "${reason}". ${help}`;
  }
}
