/**
 * Stop planning: which tasks to stop in this pass so that the ECS service scheduler re-places them compliantly.
 *
 * For each enforce-mode violation, in service order, the planner looks for one task to stop:
 * - safety first: never for DAEMON services; never while a deployment is in progress (more than one deployment, or one
 *   whose rollout is IN_PROGRESS); never when the service is not steady (its live tasks are not all RUNNING or differ
 *   from the desired count — a replacement is still starting); never when stopping one more task would take the RUNNING
 *   count below ceil(desired × minimumHealthyPercent / 100); never within `cooldown` of a stop ecs-ops made for the
 *   service (stopped tasks whose `stoppedReason` starts with the marker); never for `azBalance` when ECS's own AZ
 *   rebalancing is ENABLED on the service, nor any move while ECS is rebalancing it (between SERVICE_REBALANCING_STARTED
 *   and _COMPLETED: its own stops and starts are under way); never a task younger than `minTaskAge`; at most one stop per service and
 *   `maxStopsPerCluster` per cluster in one pass;
 * - then candidates in order (the task on the most crowded instance of the fullest AZ for azBalance; misplaced tasks for
 *   instanceMatch and spot; tasks on over-full instances for maxPerInstance; oldest first among equals), and for each the
 *   placement engine predicts where the replacement would land (the service's constraints and strategies, its capacity
 *   provider strategy's next provider, the freed resources), under several seeds of its random tie-breaks: the task is
 *   stopped only when, under every seed, the violation gets strictly smaller and no rule of any policy on the service
 *   gets worse.
 * The plan's `needed` says how many stops the violation needs in all (the fewest), one of them in this pass.
 */
import { place, taskRequirements, type PlacementTask } from '../engine/index.js';
import type { ContainerInstance, EcsResource, TaskDefinition } from '../model.js';
import { evaluate, evaluateService, indexSnapshot, RULE_ORDER, selectedServices, violationKey, type SnapshotIndex } from './evaluate.js';
import {
  isLive,
  MAX_STOP_REASON,
  STOP_MARKER,
  type ClusterSnapshot,
  type Plan,
  type PlannedStop,
  type PolicyInstance,
  type PolicyService,
  type PolicyTask,
  type SkippedViolation,
  type Violation,
} from './model.js';
import type { PlacementPolicy, PlacementSettings } from './select.js';

export interface PlanOptions {
  /** Seeds of the engine's random tie-breaks a prediction must hold under (default [0, 1, 2]). */
  seeds?: readonly number[];
  /** Candidates tried per violation (default 8). */
  maxCandidates?: number;
}

const DEFAULT_SEEDS = [0, 1, 2] as const;

/** The StopTask reason: the marker, the rule and policy, then the violation (cut to StopTask's 255 characters). */
export function stopReason(v: Pick<Violation, 'rule' | 'policy' | 'message'>): string {
  const text = `${STOP_MARKER} ${v.rule} (policy ${v.policy}): ${v.message}`;
  return text.length > MAX_STOP_REASON ? `${text.slice(0, MAX_STOP_REASON - 1)}…` : text;
}

/** Whether a stopped task was stopped by ecs-ops for a placement rule. */
export function stoppedByUs(task: Pick<PolicyTask, 'stoppedReason'>): boolean {
  return task.stoppedReason?.startsWith(STOP_MARKER) === true;
}

/** ceil(desired × minimumHealthyPercent / 100): the RUNNING tasks the service keeps. */
export function minimumHealthy(service: Pick<PolicyService, 'desiredCount' | 'minimumHealthyPercent'>): number {
  return Math.ceil((service.desiredCount * service.minimumHealthyPercent) / 100 - 1e-9);
}

export function deploymentInProgress(service: Pick<PolicyService, 'deployments'>): boolean {
  return service.deployments.length > 1 || service.deployments.some((d) => d.rolloutState === 'IN_PROGRESS');
}

function withResources(raw: ContainerInstance, cpu: number, memory: number): ContainerInstance {
  if (cpu === 0 && memory === 0) return raw;
  const remaining: EcsResource[] = (raw.remainingResources ?? []).map((r) => {
    const delta = r.name === 'CPU' ? cpu : r.name === 'MEMORY' ? memory : 0;
    if (delta === 0) return r;
    const base = r.integerValue ?? r.longValue ?? r.doubleValue ?? 0;
    return { ...r, integerValue: base + delta, longValue: undefined, doubleValue: undefined };
  });
  return { ...raw, remainingResources: remaining };
}

/** The capacity provider ECS would give the next task of the service (base first, then the weights), if it has a strategy. */
export function nextCapacityProvider(service: PolicyService, tasks: readonly PolicyTask[]): string | undefined {
  const strategy = service.capacityProviderStrategy;
  if (strategy.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const t of tasks) if (t.capacityProviderName !== undefined) counts.set(t.capacityProviderName, (counts.get(t.capacityProviderName) ?? 0) + 1);
  for (const p of strategy) if (p.base > 0 && (counts.get(p.capacityProvider) ?? 0) < p.base) return p.capacityProvider;
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const p of strategy) {
    if (p.weight <= 0) continue;
    const score = ((counts.get(p.capacityProvider) ?? 0) - p.base + 1) / p.weight;
    if (score < bestScore) {
      bestScore = score;
      best = p.capacityProvider;
    }
  }
  return best;
}

/** Where the replacement of `stopped` would land (undefined when the engine places it nowhere). */
export function predictReplacement(
  snapshot: Pick<ClusterSnapshot, 'instances' | 'tasks'>,
  service: PolicyService,
  stopped: PolicyTask,
  taskDefinition: TaskDefinition,
  seed: number,
): { instance: PolicyInstance; capacityProviderName: string | undefined } | undefined {
  const group = `service:${service.serviceName}`;
  const others = snapshot.tasks.filter((t) => t.taskArn !== stopped.taskArn && isLive(t));
  const provider = nextCapacityProvider(service, others.filter((t) => t.group === group));
  const req = taskRequirements(taskDefinition);
  const readsGroups = service.placementConstraints.some((c) => (c.expression ?? '').includes('task:group')) || (taskDefinition.placementConstraints ?? []).some((c) => (c.expression ?? '').includes('task:group'));
  const candidates = snapshot.instances.filter((i) => provider === undefined || i.capacityProviderName === provider);
  const raws = candidates.map((i) => (i.containerInstanceArn === stopped.containerInstanceArn ? withResources(i.raw, req.cpu, req.memory) : i.raw));
  const tasks: PlacementTask[] = others
    .filter((t) => readsGroups || t.group === group)
    .map((t) => ({ taskArn: t.taskArn, group: t.group, containerInstanceArn: t.containerInstanceArn, lastStatus: t.lastStatus, desiredStatus: t.desiredStatus }));
  let result;
  try {
    result = place({ instances: raws, tasks, taskDefinition, count: 1, group, placementConstraints: service.placementConstraints, placementStrategy: service.placementStrategy, seed });
  } catch {
    return undefined; // invalid constraints or strategies: ECS could not place it either
  }
  const arn = result.placements[0]?.containerInstanceArn;
  const instance = arn === undefined ? undefined : candidates.find((i) => i.containerInstanceArn === arn);
  return instance ? { instance, capacityProviderName: provider ?? instance.capacityProviderName } : undefined;
}

/**
 * The snapshot after `taskArn` stopped and its replacement started on `to` (resources moved with it). Shared by the
 * planner (to chain several stops in one pass) and the property tests (to apply a plan).
 */
export function applyMove(
  snapshot: ClusterSnapshot,
  taskArn: string,
  to: { instance: PolicyInstance; capacityProviderName: string | undefined },
  taskDefinition: TaskDefinition,
  replacementArn = `${taskArn}#replacement`,
): ClusterSnapshot {
  const stopped = snapshot.tasks.find((t) => t.taskArn === taskArn);
  if (!stopped) return snapshot;
  const req = taskRequirements(taskDefinition);
  const instances = snapshot.instances.map((i) => {
    let cpu = 0;
    let memory = 0;
    if (i.containerInstanceArn === stopped.containerInstanceArn) {
      cpu += req.cpu;
      memory += req.memory;
    }
    if (i.containerInstanceArn === to.instance.containerInstanceArn) {
      cpu -= req.cpu;
      memory -= req.memory;
    }
    return cpu === 0 && memory === 0 ? i : { ...i, raw: withResources(i.raw, cpu, memory) };
  });
  const replacement: PolicyTask = {
    taskArn: replacementArn,
    group: stopped.group,
    containerInstanceArn: to.instance.containerInstanceArn,
    availabilityZone: to.instance.availabilityZone,
    capacityProviderName: to.capacityProviderName,
    launchType: stopped.launchType,
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    taskDefinitionArn: stopped.taskDefinitionArn,
    startedAt: snapshot.now,
  };
  return { ...snapshot, instances, tasks: [...snapshot.tasks.filter((t) => t.taskArn !== taskArn), replacement] };
}

/** Amount per violation key (service|policy|rule) of the service under every policy selecting it. */
function amounts(snapshot: ClusterSnapshot, service: PolicyService, policies: readonly PlacementPolicy[], index: SnapshotIndex): Map<string, number> {
  const out = new Map<string, number>();
  for (const { policy } of selectedServices({ cluster: snapshot.cluster, services: [service] }, policies)) {
    for (const v of evaluateService(policy, snapshot, service, index)) out.set(violationKey(v), v.amount);
  }
  return out;
}

/** An index of `after` that re-reads only what a move of `service`'s task changed. */
function reindex(before: SnapshotIndex, after: ClusterSnapshot, service: string): SnapshotIndex {
  const instances = new Map(before.instances);
  for (const i of after.instances) if (instances.get(i.containerInstanceArn) !== i) instances.set(i.containerInstanceArn, i);
  const tasksByService = new Map(before.tasksByService);
  tasksByService.set(service, after.tasks.filter((t) => t.group === `service:${service}` && isLive(t)));
  return { instances, tasksByService, context: before.context };
}

function candidatesFor(v: Violation, tasks: readonly PolicyTask[]): PolicyTask[] {
  const perInstance = new Map<string, number>();
  for (const t of tasks) if (t.containerInstanceArn !== undefined) perInstance.set(t.containerInstanceArn, (perInstance.get(t.containerInstanceArn) ?? 0) + 1);
  const listed = new Set(v.tasks);
  const crowd = (t: PolicyTask): number => (t.containerInstanceArn === undefined ? 0 : (perInstance.get(t.containerInstanceArn) ?? 0));
  return tasks
    .filter((t) => listed.has(t.taskArn))
    .sort((a, b) => crowd(b) - crowd(a) || (a.startedAt ?? 0) - (b.startedAt ?? 0) || a.taskArn.localeCompare(b.taskArn));
}

/** The plan for one cluster snapshot. `settings` is the config's `placement` section. */
export function planStops(snapshot: ClusterSnapshot, settings: PlacementSettings, options: PlanOptions = {}): Plan {
  const seeds = options.seeds ?? DEFAULT_SEEDS;
  const maxCandidates = options.maxCandidates ?? 8;
  const policies = settings.policies;
  let index = indexSnapshot(snapshot);
  const violations = evaluate(snapshot, policies, index);
  const stops: PlannedStop[] = [];
  const skipped: SkippedViolation[] = [];
  let work = snapshot;
  const services = new Map(snapshot.services.map((s) => [s.serviceName, s]));
  const byService = new Map<string, Violation[]>();
  for (const v of violations) {
    if (v.mode !== 'enforce') {
      skipped.push({ violation: v, reason: 'audit-mode', detail: `policy ${v.policy} is in audit mode` });
      continue;
    }
    byService.set(v.service, [...(byService.get(v.service) ?? []), v]);
  }
  const minAgeMs = settings.minTaskAge * 1000;
  const cooldownMs = settings.cooldown * 1000;

  for (const name of [...byService.keys()].sort()) {
    const service = services.get(name);
    const list = (byService.get(name) ?? []).sort((a, b) => RULE_ORDER.indexOf(a.rule) - RULE_ORDER.indexOf(b.rule));
    if (!service) continue;
    const skipAll = (reason: SkippedViolation['reason'], detail: string): void => {
      for (const v of list) skipped.push({ violation: v, reason, detail });
    };
    const live = (index.tasksByService.get(name) ?? []);
    const running = live.filter((t) => t.lastStatus === 'RUNNING').length;
    const minimum = minimumHealthy(service);
    if (service.schedulingStrategy === 'DAEMON') {
      skipAll('daemon', `${name} is a DAEMON service: ECS places one task per instance, ecs-ops never stops them`);
      continue;
    }
    if (deploymentInProgress(service)) {
      skipAll('deployment', `${name} has a deployment in progress`);
      continue;
    }
    if (service.azRebalancingInProgress === true) {
      skipAll('az-rebalancing', `${name}: ECS is rebalancing it across Availability Zones; ecs-ops moves nothing until it completes`);
      continue;
    }
    if (running !== live.length || live.length !== service.desiredCount) {
      skipAll('not-steady', `${name} is not steady: ${running} RUNNING of ${live.length} live tasks, desired ${service.desiredCount}`);
      continue;
    }
    if (running - 1 < minimum) {
      skipAll('minimum-healthy', `${name}: stopping a task would leave ${running - 1} RUNNING, below the minimum healthy ${minimum} (${service.minimumHealthyPercent}% of ${service.desiredCount})`);
      continue;
    }
    const lastStop = Math.max(-Infinity, ...(snapshot.recentStops?.get(name) ?? []).filter(stoppedByUs).map((t) => t.stoppedAt ?? -Infinity));
    if (lastStop > snapshot.now - cooldownMs) {
      skipAll('cooldown', `${name}: ecs-ops stopped a task ${Math.round((snapshot.now - lastStop) / 1000)}s ago (cooldown ${settings.cooldown}s)`);
      continue;
    }
    let stopped = false;
    for (const v of list) {
      if (stopped) {
        skipped.push({ violation: v, reason: 'stopped-this-pass', detail: `${name}: one stop per service per pass` });
        continue;
      }
      if (v.rule === 'azBalance' && service.availabilityZoneRebalancing === 'ENABLED') {
        skipped.push({ violation: v, reason: 'az-rebalancing', detail: `${name}: ECS's own Availability Zone rebalancing is ENABLED; ecs-ops stands aside` });
        continue;
      }
      if (stops.length >= settings.maxStopsPerCluster) {
        skipped.push({ violation: v, reason: 'cluster-cap', detail: `at most ${settings.maxStopsPerCluster} stops per cluster per pass` });
        continue;
      }
      const tasks = index.tasksByService.get(name) ?? [];
      const old = candidatesFor(v, tasks).filter((t) => t.startedAt !== undefined && snapshot.now - t.startedAt >= minAgeMs);
      if (old.length === 0) {
        skipped.push({ violation: v, reason: 'no-old-task', detail: `${name}: no misplaced task older than ${settings.minTaskAge}s` });
        continue;
      }
      const before = amounts(work, service, policies, index);
      const key = violationKey(v);
      const target = before.get(key) ?? 0;
      let chosen: PlannedStop | undefined;
      let next: { snapshot: ClusterSnapshot; index: SnapshotIndex } | undefined;
      let missingTd = false;
      for (const task of old.slice(0, maxCandidates)) {
        const td = task.taskDefinitionArn === undefined ? undefined : snapshot.taskDefinitions.get(task.taskDefinitionArn);
        if (!td) {
          missingTd = true;
          continue;
        }
        let first: { snapshot: ClusterSnapshot; index: SnapshotIndex; to: PolicyInstance; after: number } | undefined;
        let ok = true;
        for (const seed of seeds) {
          const landing = predictReplacement(work, service, task, td, seed);
          if (!landing) {
            ok = false;
            break;
          }
          const moved = applyMove(work, task.taskArn, landing, td);
          const movedIndex = reindex(index, moved, name);
          const after = amounts(moved, service, policies, movedIndex);
          const better = (after.get(key) ?? 0) < target && [...after].every(([k, amount]) => amount <= (before.get(k) ?? 0));
          if (!better) {
            ok = false;
            break;
          }
          first ??= { snapshot: moved, index: movedIndex, to: landing.instance, after: after.get(key) ?? 0 };
        }
        if (!ok || !first) continue;
        chosen = {
          cluster: snapshot.cluster,
          service: name,
          policy: v.policy,
          rule: v.rule,
          taskArn: task.taskArn,
          from: { containerInstanceArn: task.containerInstanceArn, ec2InstanceId: index.instances.get(task.containerInstanceArn ?? '')?.ec2InstanceId, availabilityZone: index.instances.get(task.containerInstanceArn ?? '')?.availabilityZone ?? task.availabilityZone },
          to: { containerInstanceArn: first.to.containerInstanceArn, ec2InstanceId: first.to.ec2InstanceId, availabilityZone: first.to.availabilityZone },
          before: target,
          after: first.after,
          needed: v.amount,
          reason: stopReason(v),
        };
        next = { snapshot: first.snapshot, index: first.index };
        break;
      }
      if (!chosen || !next) {
        skipped.push(
          missingTd && old.length > 0
            ? { violation: v, reason: 'no-task-definition', detail: `${name}: the task definition needed to predict the replacement is unknown` }
            : { violation: v, reason: 'no-compliant-placement', detail: `${name}: the engine predicts no replacement that would land compliantly (the service's own strategy or constraints, or capacity, would re-create the violation)` },
        );
        continue;
      }
      stops.push(chosen);
      work = next.snapshot;
      index = next.index;
      stopped = true;
    }
  }
  return { cluster: snapshot.cluster, violations, stops, skipped, dryRun: settings.dryRun };
}
