/**
 * The placement engine: where ECS would put `count` tasks of a task definition on a cluster's container instances,
 * following ECS's documented process — (1) instances with the CPU, GPU, memory, ports (and ENIs) the task needs,
 * (2) that satisfy the placement constraints, (3) ranked by the placement strategies, (4) select one — once per task,
 * each placement updating what the instance has left and the per-group counts the next task sees.
 *
 * Pure and deterministic for a seed; inputs are never mutated.
 *
 * Performance: the instances' state lives in typed arrays. Every check only changes for the instance that just
 * received a task, so the engine keeps a list of the instances that can take the next task ("live", in input order)
 * and re-checks just the chosen one after each placement. Selecting is then one scan of the live list comparing the
 * strategies' values lexicographically (ties kept for the seeded random pick): O(count × live × strategies) with a
 * small constant, O(count) for `random` alone. When a task cannot be placed nothing changes, so every later task
 * fails with the same reason: the closest-match search (O(instances)) runs once.
 */
import type { ContainerInstance } from '../model.js';
import { attributeValue } from '../model.js';
import { compileQuery, taskCounts } from '../query/index.js';
import { FailureReason, PlacementValidationError } from './errors.js';
import { mulberry32 } from './random.js';
import { eniLimit, remainingResources, taskRequirements } from './requirements.js';
import type { InstanceGroupsContext, PlaceOptions, PlaceRequest, PlaceResult, Placement, PlacementFailure } from './types.js';
import { validatePlacement, type CompiledConstraint, type StrategyRule } from './validate.js';

const CANDIDATE = 0;
const DISCONNECTED = 1;
const INACTIVE = 2;

/** The checks of the closest-match search, in ECS's order; a later failing check means the instance got further. */
const CHECK_REASONS = [
  FailureReason.cpu,
  FailureReason.memory,
  FailureReason.gpu,
  FailureReason.ports,
  FailureReason.eni,
  FailureReason.attribute,
  FailureReason.memberOf,
  FailureReason.distinctInstance,
  FailureReason.agent,
] as const;

const ENI_ATTACHMENT = 'ElasticNetworkInterface';
const RELEASED_ATTACHMENT = new Set(['DETACHED', 'DELETED']);

/** The default task group: RunTask's `family:<family>`. */
export function defaultGroup(family: string | undefined): string {
  return `family:${family ?? ''}`;
}

function isActive(instance: ContainerInstance): boolean {
  return instance.status === 'ACTIVE';
}

function bucketKey(instance: ContainerInstance, attribute: string): string {
  const value = attributeValue(instance, attribute);
  // Instances without the attribute share one bucket of their own; so do those with the attribute but no value.
  if (value === undefined) return '\u0000absent';
  if (value === null) return '\u0000novalue';
  return value;
}

export function place(request: PlaceRequest, options: PlaceOptions = {}): PlaceResult {
  const { instances, taskDefinition } = request;
  const count = request.count ?? 1;
  if (!Number.isSafeInteger(count) || count < 0) throw new PlacementValidationError(`count must be a non-negative integer, got ${count}.`);
  const group = request.group ?? defaultGroup(taskDefinition.family);
  const compile = options.compile ?? compileQuery;
  const validated = validatePlacement(taskDefinition, group, request.placementConstraints ?? [], request.placementStrategy ?? [], compile);
  const req = taskRequirements(taskDefinition);
  const n = instances.length;
  const placements: Placement[] = [];
  const failures: PlacementFailure[] = [];
  if (count === 0) return { placements, failures };

  // ---- per-instance state ------------------------------------------------------------------------------------
  const status = new Uint8Array(n);
  const cpu = new Float64Array(n);
  const memory = new Float64Array(n);
  const gpu = new Float64Array(n);
  const eniFree = new Float64Array(n);
  const portsOk = new Uint8Array(n);
  const attributesOk = new Uint8Array(n);
  const memberOk = new Uint8Array(n);
  const groupCount = new Float64Array(n);
  const eniUsed = new Int32Array(n);
  const indexByArn = new Map<string, number>();
  const indexById = new Map<string, number>();

  const requiredAttributes = taskDefinition.requiresAttributes ?? [];
  for (const [i, instance] of instances.entries()) {
    status[i] = !isActive(instance) ? INACTIVE : instance.agentConnected === true ? CANDIDATE : DISCONNECTED;
    const left = remainingResources(instance);
    cpu[i] = left.cpu;
    memory[i] = left.memory;
    gpu[i] = left.gpu;
    portsOk[i] = req.tcpPorts.every((p) => !left.tcpPorts.has(p)) && req.udpPorts.every((p) => !left.udpPorts.has(p)) ? 1 : 0;
    attributesOk[i] = requiredAttributes.every((required) => {
      const value = required.name === undefined ? undefined : attributeValue(instance, required.name);
      return value !== undefined && (required.value === undefined || required.value === value);
    })
      ? 1
      : 0;
    if (instance.containerInstanceArn !== undefined) indexByArn.set(instance.containerInstanceArn, i);
    if (instance.ec2InstanceId !== undefined) indexById.set(instance.ec2InstanceId, i);
  }

  // ---- existing tasks: group counts, the groups on each instance (for memberOf), ENIs in use --------------------
  const memberOf: readonly CompiledConstraint[] = validated.memberOf;
  const groupsOn: Set<string>[] | undefined = memberOf.length > 0 ? Array.from({ length: n }, () => new Set<string>()) : undefined;
  for (const task of request.tasks ?? []) {
    if (task.containerInstanceArn === undefined) continue;
    const i = indexByArn.get(task.containerInstanceArn);
    if (i === undefined) continue; // not on an instance of this snapshot
    // Group counts (spread, distinctInstance, task:group) skip tasks being stopped (last or desired status STOPPED);
    // a task holds its ENI until it has stopped.
    if (taskCounts(task)) {
      if (task.group === group) groupCount[i] = (groupCount[i] ?? 0) + 1;
      if (task.group !== undefined) groupsOn?.[i]?.add(task.group);
    }
    if (task.lastStatus?.toUpperCase() === 'STOPPED') continue;
    for (const attachment of Array.isArray(task.attachments) ? task.attachments : []) {
      if (attachment.type === ENI_ATTACHMENT && !RELEASED_ATTACHMENT.has(attachment.status ?? '')) eniUsed[i] = (eniUsed[i] ?? 0) + 1;
    }
  }
  for (const [key, used] of Object.entries(request.eniInUse ?? {})) {
    const i = indexByArn.get(key) ?? indexById.get(key);
    if (i !== undefined) eniUsed[i] = used;
  }
  for (const [i, instance] of instances.entries()) eniFree[i] = req.eni > 0 ? eniLimit(instance, request.eniLimits) - (eniUsed[i] ?? 0) : 0;

  const noGroups: ReadonlySet<string> = new Set();
  const context: InstanceGroupsContext = {
    groupsOnInstance: (containerInstanceArn) => {
      const i = indexByArn.get(containerInstanceArn);
      return i === undefined ? noGroups : (groupsOn?.[i] ?? noGroups);
    },
  };
  const evaluateMemberOf = (instance: ContainerInstance): number => (memberOf.every((c) => c.predicate.matches(instance, context)) ? 1 : 0);
  for (const [i, instance] of instances.entries()) memberOk[i] = status[i] === INACTIVE ? 0 : evaluateMemberOf(instance);

  // ---- strategies → comparison levels (a `random` rule ends the chain: its ties are picked at random) -------------
  const rules: StrategyRule[] = [];
  for (const rule of validated.strategies) {
    if (rule.kind === 'random') break;
    rules.push(rule);
  }
  const levels = rules.length;
  // Level l's value for instance i is sources[l][i] (direct) or sources[l][bucketOf[l][i]] (attribute spread).
  const sources: Float64Array[] = [];
  const direct = new Uint8Array(levels).fill(1);
  const bucketOf: Int32Array[] = [];
  for (const [l, rule] of rules.entries()) {
    bucketOf.push(new Int32Array(0));
    sources.push(groupCount); // spread on instanceId/host
    switch (rule.kind) {
      case 'spread-instance':
        break;
      case 'binpack':
        sources[l] = rule.field === 'cpu' ? cpu : memory;
        break;
      case 'spread-attribute': {
        direct[l] = 0;
        const ids = new Map<string, number>();
        const of = new Int32Array(n);
        for (const [i, instance] of instances.entries()) {
          const key = bucketKey(instance, rule.attribute);
          let id = ids.get(key);
          if (id === undefined) ids.set(key, (id = ids.size));
          of[i] = id;
        }
        // Tasks of the group count in their instance's bucket when the instance is ACTIVE (tasks on DRAINING or
        // other instances are on their way out); only buckets with a live instance compete, as only those are scored.
        const counts = new Float64Array(ids.size);
        for (let i = 0; i < n; i++) {
          const id = of[i] ?? 0;
          if (status[i] !== INACTIVE) counts[id] = (counts[id] ?? 0) + (groupCount[i] ?? 0);
        }
        bucketOf[l] = of;
        sources[l] = counts;
        break;
      }
      case 'random':
        break;
    }
  }

  // ---- the live list: candidates that can take the next task, in input order ----------------------------------
  const reqCpu = req.cpu;
  const reqMemory = req.memory;
  const reqGpu = req.gpu;
  const reqEni = req.eni;
  const takesPorts = req.tcpPorts.length > 0 || req.udpPorts.length > 0;
  const distinct = validated.distinctInstance;
  const fits = (i: number): boolean =>
    status[i] === CANDIDATE &&
    (cpu[i] ?? 0) >= reqCpu &&
    (memory[i] ?? 0) >= reqMemory &&
    (gpu[i] ?? 0) >= reqGpu &&
    (eniFree[i] ?? 0) >= reqEni &&
    portsOk[i] === 1 &&
    attributesOk[i] === 1 &&
    memberOk[i] === 1 &&
    (!distinct || groupCount[i] === 0);
  const live = new Int32Array(n);
  let liveCount = 0;
  for (let i = 0; i < n; i++) if (fits(i)) live[liveCount++] = i;

  const random = mulberry32(request.seed ?? 0);
  const ties = new Int32Array(n);
  const best = new Float64Array(levels);
  const value = (l: number, i: number): number => {
    const source = sources[l] ?? groupCount;
    return (direct[l] === 1 ? source[i] : source[bucketOf[l]?.[i] ?? 0]) ?? 0;
  };

  for (let task = 0; task < count; task++) {
    if (liveCount === 0) {
      const failure = closestFailure();
      for (let t = task; t < count; t++) failures.push({ task: t, ...failure });
      break;
    }

    // Steps 3 and 4: the lexicographically smallest strategy values; ties broken at random.
    let chosen: number;
    if (levels === 0) {
      chosen = live[Math.floor(random() * liveCount)] ?? 0;
    } else {
      let tieCount = 0;
      for (let k = 0; k < liveCount; k++) {
        const i = live[k] ?? 0;
        if (tieCount === 0) {
          for (let l = 0; l < levels; l++) best[l] = value(l, i);
          ties[tieCount++] = i;
          continue;
        }
        let order = 0;
        for (let l = 0; l < levels; l++) {
          const v = value(l, i);
          const b = best[l] ?? 0;
          if (v < b) {
            order = -1;
            best[l] = v;
            for (let m = l + 1; m < levels; m++) best[m] = value(m, i);
            break;
          }
          if (v > b) {
            order = 1;
            break;
          }
        }
        if (order < 0) {
          ties[0] = i;
          tieCount = 1;
        } else if (order === 0) {
          ties[tieCount++] = i;
        }
      }
      chosen = (tieCount === 1 ? ties[0] : ties[Math.floor(random() * tieCount)]) ?? 0;
    }

    const instance = instances[chosen];
    placements.push({ task, containerInstanceArn: instance?.containerInstanceArn, ec2InstanceId: instance?.ec2InstanceId });

    // Update what the next task sees.
    cpu[chosen] = (cpu[chosen] ?? 0) - reqCpu;
    memory[chosen] = (memory[chosen] ?? 0) - reqMemory;
    gpu[chosen] = (gpu[chosen] ?? 0) - reqGpu;
    eniFree[chosen] = (eniFree[chosen] ?? 0) - reqEni;
    if (takesPorts) portsOk[chosen] = 0;
    groupCount[chosen] = (groupCount[chosen] ?? 0) + 1;
    for (let l = 0; l < levels; l++) {
      const counts = sources[l];
      const id = bucketOf[l]?.[chosen];
      if (direct[l] === 0 && counts && id !== undefined) counts[id] = (counts[id] ?? 0) + 1;
    }
    if (instance && memberOf.length > 0) {
      groupsOn?.[chosen]?.add(group);
      memberOk[chosen] = evaluateMemberOf(instance);
    }
    if (!fits(chosen)) {
      const at = live.indexOf(chosen);
      live.copyWithin(at, at + 1, liveCount);
      liveCount--;
    }
  }
  return { placements, failures };

  /**
   * The reason no instance can take the task (ECS's "closest matching instance"):
   * - no instances at all → MISSING; none ACTIVE → NO ACTIVE INSTANCES; none ACTIVE with a connected agent → AGENT;
   * - else, among the ACTIVE instances, the one failing the fewest checks (CPU, MEMORY, GPU, PORTS, ENI, ATTRIBUTE,
   *   memberOf, distinctInstance, AGENT); on a tie the one whose first failing check comes latest (it got furthest),
   *   then the first in input order. Its first failing check is the reason.
   */
  function closestFailure(): { reason: string; containerInstanceArn?: string } {
    if (n === 0) return { reason: FailureReason.missing };
    let firstDisconnected = -1;
    let anyConnected = false;
    for (let i = 0; i < n; i++) {
      if (status[i] === CANDIDATE) anyConnected = true;
      else if (status[i] === DISCONNECTED && firstDisconnected < 0) firstDisconnected = i;
    }
    if (!anyConnected && firstDisconnected < 0) return { reason: FailureReason.noActiveInstances };
    if (!anyConnected) return withArn(FailureReason.agent, firstDisconnected);

    let bestIndex = -1;
    let bestFailed = Number.POSITIVE_INFINITY;
    let bestFirst = -1;
    for (let i = 0; i < n; i++) {
      if (status[i] === INACTIVE) continue;
      const checks = [
        (cpu[i] ?? 0) >= reqCpu,
        (memory[i] ?? 0) >= reqMemory,
        (gpu[i] ?? 0) >= reqGpu,
        portsOk[i] === 1,
        (eniFree[i] ?? 0) >= reqEni,
        attributesOk[i] === 1,
        memberOk[i] === 1,
        !distinct || groupCount[i] === 0,
        status[i] === CANDIDATE,
      ];
      const failed = checks.filter((ok) => !ok).length;
      const first = checks.indexOf(false);
      if (failed < bestFailed || (failed === bestFailed && first > bestFirst)) {
        bestIndex = i;
        bestFailed = failed;
        bestFirst = first;
      }
    }
    return withArn(CHECK_REASONS[bestFirst] ?? FailureReason.agent, bestIndex);
  }

  function withArn(reason: string, i: number): { reason: string; containerInstanceArn?: string } {
    const arn = instances[i]?.containerInstanceArn;
    return arn === undefined ? { reason } : { reason, containerInstanceArn: arn };
  }
}
