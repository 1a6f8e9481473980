/**
 * The ECS service scheduler: creates and updates services, and shortly after every relevant change (`delayMs`, 1 s by
 * default: every change in that window is handled in one pass) brings each service concerned towards its desired
 * count within its deployment configuration.
 *
 * REPLICA services, one pass:
 *   a. tasks that must go ("stale": of an older deployment, or on a DRAINING instance) and are not RUNNING yet are
 *      stopped at once;
 *   b. current tasks beyond desiredCount are stopped (scale-in: pending first, then from the most loaded AZ and
 *      instance);
 *   c. RUNNING stale tasks that current tasks already replace are stopped, as long as the RUNNING count stays at or
 *      above ceil(minimumHealthyPercent × desired);
 *   d. if maximumPercent leaves no room for the replacements still needed, more RUNNING stale tasks are stopped
 *      within the same minimum;
 *   e. replacements are started within floor(maximumPercent × desired) (tasks desired RUNNING and not STOPPED),
 *      placed by lib/placement/engine with the service's strategy and constraints (default: spread AZ, then
 *      instance).
 * So a drain with 100/200 starts replacements first and stops the old tasks once the new ones run; with 50/100 it
 * stops half first.
 *
 * DAEMON services: one task per ACTIVE instance that satisfies the constraints; on a DRAINING instance the daemon
 * task stops once no other task is left on it; a new deployment replaces tasks instance by instance (stop, then
 * start) within minimumHealthyPercent (default 0).
 *
 * A service whose placement failed is looked at again when capacity changes and every 60 s.
 */
import type * as ECS from '@aws-sdk/client-ecs';
import type { Core } from './core.js';
import type { ContainerInstanceState, DeploymentState, ServiceState, TaskDefinitionState, TaskState } from './ecs-model.js';
import type { EcsWorld } from './ecs.js';
import { clientException, invalidParameter } from './errors.js';
import { ECS_SOURCE, isoMillis } from './events.js';
import { placeTasks, placementFailureMessage } from './placement.js';
import type { Stats } from './stats.js';

export const RETRY_INTERVAL_MS = 60_000;
export const DEFAULT_SCHEDULER_DELAY_MS = 1000;
export const STEADY_STATE_REPEAT_MS = 6 * 60 * 60 * 1000;
const FARGATE_PROVIDERS = new Set(['FARGATE', 'FARGATE_SPOT']);
const CONSTRAINT_REASONS = new Set(['ATTRIBUTE', 'MemberOf placement constraint unsatisfied.', 'DistinctInstance placement constraint unsatisfied.']);

export interface CreateServiceInput {
  cluster?: string;
  serviceName: string;
  taskDefinition: string;
  desiredCount?: number;
  launchType?: 'EC2' | 'FARGATE';
  capacityProviderStrategy?: ECS.CapacityProviderStrategyItem[];
  placementStrategy?: ECS.PlacementStrategy[];
  placementConstraints?: ECS.PlacementConstraint[];
  deploymentConfiguration?: {
    minimumHealthyPercent?: number;
    maximumPercent?: number;
    deploymentCircuitBreaker?: { enable: boolean; rollback: boolean };
  };
  schedulingStrategy?: 'REPLICA' | 'DAEMON';
  networkConfiguration?: ECS.NetworkConfiguration;
  tags?: ECS.Tag[];
  /** Reported by DescribeServices; the world does not rebalance by itself. */
  availabilityZoneRebalancing?: 'ENABLED' | 'DISABLED';
}

export interface ServiceUpdate {
  desiredCount?: number | undefined;
  taskDefinition?: string | undefined;
  forceNewDeployment?: boolean | undefined;
  placementStrategy?: ECS.PlacementStrategy[] | undefined;
  placementConstraints?: ECS.PlacementConstraint[] | undefined;
  capacityProviderStrategy?: ECS.CapacityProviderStrategyItem[] | undefined;
  networkConfiguration?: ECS.NetworkConfiguration | undefined;
  deploymentConfiguration?: ECS.DeploymentConfiguration | undefined;
}

interface StopBatch {
  running: TaskState[];
  pending: TaskState[];
}

export class ServiceScheduler {
  private cancelRetry: (() => void) | undefined;
  private cancelTick: (() => void) | undefined;

  /**
   * @param delayMs how long after a change the scheduler looks at the services it concerns (ECS reacts within
   *   seconds, not synchronously). Changes within that window are handled in one pass: a hundred instances set to
   *   DRAINING together cost one placement per service, not a hundred.
   */
  constructor(
    readonly ecs: EcsWorld,
    readonly core: Core,
    readonly stats: Stats,
    readonly delayMs = DEFAULT_SCHEDULER_DELAY_MS,
  ) {
    core.settleHooks.push(() => {
      if (this.ecs.dirty.size === 0 || this.cancelTick !== undefined) return;
      this.cancelTick = this.core.after(this.delayMs, () => {
        this.cancelTick = undefined;
        this.run();
      });
    });
  }

  // ---- create / update ---------------------------------------------------------------------------------------------

  createService(input: CreateServiceInput): ServiceState {
    const cluster = this.ecs.cluster(input.cluster);
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(input.serviceName)) throw invalidParameter('Service name can be up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens.');
    if (cluster.services.has(input.serviceName)) throw invalidParameter('Creation of service was not idempotent.');
    const td = this.ecs.resolveTaskDefinition(input.taskDefinition);
    if (!td) throw clientException('TaskDefinition not found.');
    const daemon = input.schedulingStrategy === 'DAEMON';
    if (daemon && (input.placementStrategy?.length ?? 0) > 0) throw invalidParameter('Placement strategies are not supported with DAEMON scheduling strategy.');
    if (daemon && input.desiredCount !== undefined) throw invalidParameter('The daemon scheduling strategy does not support a desired count for services.');
    if (input.launchType !== undefined && input.capacityProviderStrategy !== undefined) {
      throw invalidParameter('Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.');
    }
    this.validateStrategy(input.capacityProviderStrategy);
    const desiredCount = input.desiredCount ?? 0;
    if (!Number.isInteger(desiredCount) || desiredCount < 0) throw invalidParameter('desiredCount must be a non-negative integer.');
    const config = input.deploymentConfiguration ?? {};
    const deploymentConfiguration: ServiceState['deploymentConfiguration'] = {
      minimumHealthyPercent: config.minimumHealthyPercent ?? (daemon ? 0 : 100),
      maximumPercent: config.maximumPercent ?? (daemon ? 100 : 200),
      deploymentCircuitBreaker: config.deploymentCircuitBreaker ?? { enable: false, rollback: false },
    };
    this.validateDeploymentConfiguration(deploymentConfiguration, daemon);
    const now = this.core.now();
    const deployment = this.newDeployment(td, 'COMPLETED');
    const service: ServiceState = {
      name: input.serviceName,
      arn: this.core.arn('ecs', `service/${cluster.name}/${input.serviceName}`),
      seq: this.core.nextSeq(),
      cluster,
      status: 'ACTIVE',
      desiredCount,
      launchType: input.launchType ?? (input.capacityProviderStrategy === undefined && cluster.defaultCapacityProviderStrategy.length === 0 ? 'EC2' : undefined),
      capacityProviderStrategy: input.capacityProviderStrategy ?? (input.launchType === undefined && cluster.defaultCapacityProviderStrategy.length > 0 ? cluster.defaultCapacityProviderStrategy : undefined),
      placementStrategy: input.placementStrategy ?? [],
      placementConstraints: input.placementConstraints ?? [],
      deploymentConfiguration,
      schedulingStrategy: daemon ? 'DAEMON' : 'REPLICA',
      networkConfiguration: input.networkConfiguration,
      tags: input.tags ?? [],
      ...(input.availabilityZoneRebalancing === undefined ? {} : { availabilityZoneRebalancing: input.availabilityZoneRebalancing }),
      createdAt: now,
      deployments: [deployment],
      tasks: new Set(),
      events: [],
      running: 0,
      steady: false,
      lastSteadyEventAt: undefined,
      placementBlocked: false,
      lastPlacementFailure: undefined,
      daemonDirty: new Set(),
      daemonEligible: new Set(),
      daemonBlocked: new Set(),
      stats: {
        lowestRunning: Number.POSITIVE_INFINITY,
        lowestRunningAt: now,
        desiredAtLowest: desiredCount,
        minimumHealthyAtLowest: 0,
        belowMinimumHealthy: [],
        highestFootprint: 0,
        aboveMaximumPercent: 0,
      },
    };
    if (td.definition.networkMode === 'awsvpc' && input.networkConfiguration === undefined) {
      throw invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    }
    cluster.services.set(service.name, service);

    // The initial tasks are part of the scenario's starting state: placed and RUNNING now, without events.
    if (daemon) {
      const started: TaskState[] = [];
      for (const ci of cluster.instances.values()) {
        if (ci.status !== 'ACTIVE' || !ci.agentConnected) continue;
        const outcome = placeTasks(this.ecs, this.placementRequest(service, td, 1, [ci]));
        const target = outcome.placed[0];
        if (target) {
          service.daemonEligible.add(target);
          started.push(this.createServiceTask(service, deployment, target, target.availabilityZone, undefined, true));
        } else if (!CONSTRAINT_REASONS.has(outcome.failures[0]?.reason ?? '')) {
          service.daemonEligible.add(ci);
          service.daemonDirty?.add(ci);
          service.daemonBlocked.add(ci);
        }
      }
      service.desiredCount = service.daemonEligible.size;
      if (started.length > 0) this.serviceEvent(service, startedMessage(service, started));
    } else {
      const started = this.startReplicaTasks(service, deployment, desiredCount, true);
      if (started.length > 0) this.serviceEvent(service, startedMessage(service, started));
    }
    service.stats.lowestRunning = service.running;
    service.stats.minimumHealthyAtLowest = Math.ceil((service.desiredCount * deploymentConfiguration.minimumHealthyPercent) / 100);
    if (service.running === service.desiredCount && (!daemon || service.daemonDirty?.size === 0)) {
      service.steady = true;
      service.lastSteadyEventAt = now;
      this.serviceEvent(service, `(service ${service.name}) has reached a steady state.`);
    } else {
      deployment.rolloutState = 'IN_PROGRESS';
      deployment.rolloutStateReason = `ECS deployment ${deployment.id} in progress.`;
      this.ecs.markDirty(service);
    }
    return service;
  }

  updateService(service: ServiceState, update: ServiceUpdate): void {
    const daemon = service.schedulingStrategy === 'DAEMON';
    if (update.desiredCount !== undefined) {
      if (daemon) throw invalidParameter('The daemon scheduling strategy does not support a desired count for services.');
      if (!Number.isInteger(update.desiredCount) || update.desiredCount < 0) throw invalidParameter('desiredCount must be a non-negative integer.');
    }
    let td: TaskDefinitionState | undefined;
    if (update.taskDefinition !== undefined) {
      td = this.ecs.resolveTaskDefinition(update.taskDefinition);
      if (!td) throw clientException('TaskDefinition not found.');
      if (td.definition.networkMode === 'awsvpc' && (update.networkConfiguration ?? service.networkConfiguration) === undefined) {
        throw invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
      }
    }
    if (daemon && (update.placementStrategy?.length ?? 0) > 0) throw invalidParameter('Placement strategies are not supported with DAEMON scheduling strategy.');
    this.validateStrategy(update.capacityProviderStrategy);
    let configuration = service.deploymentConfiguration;
    if (update.deploymentConfiguration !== undefined) {
      configuration = {
        ...service.deploymentConfiguration,
        ...definedOnly(update.deploymentConfiguration),
        minimumHealthyPercent: update.deploymentConfiguration.minimumHealthyPercent ?? service.deploymentConfiguration.minimumHealthyPercent,
        maximumPercent: update.deploymentConfiguration.maximumPercent ?? service.deploymentConfiguration.maximumPercent,
      };
      this.validateDeploymentConfiguration(configuration, daemon);
    }

    // Validated: apply.
    service.deploymentConfiguration = configuration;
    if (update.desiredCount !== undefined && update.desiredCount !== service.desiredCount) {
      service.desiredCount = update.desiredCount;
    }
    if (update.placementStrategy !== undefined) service.placementStrategy = update.placementStrategy;
    if (update.placementConstraints !== undefined) service.placementConstraints = update.placementConstraints;
    if (update.capacityProviderStrategy !== undefined) {
      service.capacityProviderStrategy = update.capacityProviderStrategy;
      service.launchType = undefined;
    }
    if (update.networkConfiguration !== undefined) service.networkConfiguration = update.networkConfiguration;
    const primary = service.deployments[0];
    if ((td !== undefined && td !== primary?.taskDefinition) || update.forceNewDeployment === true) {
      this.startDeployment(service, td ?? primary?.taskDefinition, undefined);
    }
    if (daemon) service.daemonDirty = undefined;
    this.ecs.markDirty(service);
  }

  private validateStrategy(strategy: ECS.CapacityProviderStrategyItem[] | undefined): void {
    if (strategy === undefined) return;
    if (strategy.length === 0 || strategy.length > 20) throw invalidParameter('The capacity provider strategy must contain between 1 and 20 capacity providers.');
    for (const item of strategy) {
      const name = item.capacityProvider ?? '';
      if (!FARGATE_PROVIDERS.has(name) && !this.ecs.capacityProviders.has(name)) {
        throw invalidParameter(`The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.`);
      }
    }
    if (!strategy.some((item) => (item.weight ?? 0) > 0)) throw invalidParameter('At least one capacity provider in a capacity provider strategy must have a weight greater than zero.');
  }

  private validateDeploymentConfiguration(config: { minimumHealthyPercent: number; maximumPercent: number }, daemon: boolean): void {
    if (config.minimumHealthyPercent < 0 || config.minimumHealthyPercent > 100) throw invalidParameter('minimumHealthyPercent must be between 0 and 100.');
    if (daemon ? config.maximumPercent !== 100 : config.maximumPercent < 100) {
      throw invalidParameter(daemon ? 'The maximumPercent of a DAEMON service must be 100.' : 'maximumPercent must be greater than or equal to 100.');
    }
  }

  private newDeployment(td: TaskDefinitionState, rolloutState: DeploymentState['rolloutState']): DeploymentState {
    const now = this.core.now();
    let digits = String(1 + this.core.random.int(9));
    while (digits.length < 19) digits += String(this.core.random.int(10));
    const id = `ecs-svc/${digits}`;
    return {
      id,
      status: 'PRIMARY',
      taskDefinition: td,
      createdAt: now,
      updatedAt: now,
      rolloutState,
      rolloutStateReason: rolloutState === 'COMPLETED' ? `ECS deployment ${id} completed.` : `ECS deployment ${id} in progress.`,
      failedTasks: 0,
      rollbackOf: undefined,
    };
  }

  private startDeployment(service: ServiceState, td: TaskDefinitionState | undefined, rollbackOf: DeploymentState | undefined): void {
    if (!td) return;
    const deployment = this.newDeployment(td, 'IN_PROGRESS');
    for (const old of service.deployments) {
      old.status = 'ACTIVE';
      old.updatedAt = this.core.now();
    }
    if (rollbackOf) {
      deployment.rollbackOf = rollbackOf.id;
      deployment.rolloutStateReason = `ECS deployment circuit breaker: rolling back to deploymentId ${rollbackOf.id}.`;
      // The tasks still running the deployment rolled back to are the rollback's own: they stay.
      for (const task of service.tasks) if (task.deployment === rollbackOf && task.taskDefinition === td) task.deployment = deployment;
    }
    service.deployments.unshift(deployment);
    service.steady = false;
    this.stats.counters.deploymentsStarted++;
    this.deploymentEvent(service, deployment, 'INFO', 'SERVICE_DEPLOYMENT_IN_PROGRESS', deployment.rolloutStateReason);
    if (service.schedulingStrategy === 'DAEMON') service.daemonDirty = undefined;
    this.ecs.markDirty(service);
  }

  // ---- the scheduler pass ------------------------------------------------------------------------------------------

  /** Looks at every dirty service (again while passes dirty more, up to a bound per settle). */
  run(): void {
    for (let round = 0; round < 20 && this.ecs.dirty.size > 0; round++) {
      const services = [...this.ecs.dirty];
      this.ecs.dirty.clear();
      for (const service of services) {
        if (service.schedulingStrategy === 'DAEMON') this.reconcileDaemon(service);
        else this.reconcileReplica(service);
        this.afterPass(service);
      }
    }
    if (this.ecs.blocked.size > 0 && this.cancelRetry === undefined) {
      this.cancelRetry = this.core.after(RETRY_INTERVAL_MS, () => {
        this.cancelRetry = undefined;
        for (const service of this.ecs.blocked) this.ecs.retry(service);
      });
    }
  }

  /** A task to replace: of an older deployment, or (`instanceOnly`: only) on an instance that is not ACTIVE. */
  private isStale(task: TaskState, primary: DeploymentState, instanceOnly = false): boolean {
    if (!instanceOnly && task.deployment !== primary) return true;
    const ci = task.instance;
    return ci !== undefined && ci.status !== 'ACTIVE';
  }

  private reconcileReplica(service: ServiceState): void {
    const primary = service.deployments[0];
    if (!primary) return;
    const desired = service.desiredCount;
    const { minimumHealthyPercent, maximumPercent } = service.deploymentConfiguration;
    const minRunning = Math.ceil((desired * minimumHealthyPercent) / 100);
    const maxTotal = Math.floor((desired * maximumPercent) / 100);

    let good: TaskState[] = [];
    const stale: TaskState[] = [];
    for (const task of service.tasks) {
      if (task.desiredStatus !== 'RUNNING') continue;
      (this.isStale(task, primary) ? stale : good).push(task);
    }
    const stops: StopBatch = { running: [], pending: [] };

    // a. stale tasks that are not RUNNING yet: stop now.
    const staleRunning: TaskState[] = [];
    for (const task of stale) {
      if (task.lastStatus === 'RUNNING') staleRunning.push(task);
      else this.stop(service, task, stops);
    }

    // b. scale-in. Protected tasks are never scale-in victims (task scale-in protection: "your task will not be
    // terminated by scale-in events from Service Auto Scaling or deployments", UpdateTaskProtection API reference):
    // the service stays above its desired count until their protection is unset or expires.
    // An AZ rebalancing's extra task does not count until it is RUNNING: ECS starts in the short AZ first, then stops
    // in the long one (ECS Developer Guide, "service-rebalancing"); the scale-in then picks the AZ with the most tasks.
    const rebalancing = service.rebalancing;
    if (rebalancing) for (const task of [...rebalancing.pending]) if (task.lastStatus === 'RUNNING' || task.desiredStatus !== 'RUNNING') rebalancing.pending.delete(task);
    const rebalanceStarting = rebalancing?.pending.size ?? 0;
    if (good.length - rebalanceStarting > desired) {
      const candidates = good.filter((t) => !this.ecs.isProtected(t) && !(rebalancing?.pending.has(t) ?? false));
      const victims = this.scaleInVictims(candidates, Math.min(candidates.length, good.length - rebalanceStarting - desired));
      for (const task of victims) this.stop(service, task, stops);
      if (rebalancing && victims.length > 0) this.rebalancingStopped(service, victims);
      const gone = new Set(victims);
      good = good.filter((t) => !gone.has(t));
    }

    let running = staleRunning.length;
    for (const task of good) if (task.lastStatus === 'RUNNING') running++;
    // A protected task of an older deployment keeps running on a healthy instance ("tasks running older version will
    // not be terminated until protectionEnabled is unset or expires", task scale-in protection, deployment
    // considerations). Protection does not cover an instance being drained: ECS documents it for scale-in and
    // deployments only, and draining stops and replaces service tasks "according to the service deployment
    // configuration parameters" (container instance draining), so a protected task on a DRAINING instance moves.
    const stoppable = (task: TaskState) => !this.ecs.isProtected(task) || this.isStale(task, primary, true);
    const stopStale = (count: number) => {
      // Oldest first: the order the tasks were started in.
      let stopped = 0;
      for (let i = 0; i < staleRunning.length && stopped < count; ) {
        const task = staleRunning[i];
        if (!task || !stoppable(task)) {
          i++;
          continue;
        }
        staleRunning.splice(i, 1);
        this.stop(service, task, stops);
        running--;
        stopped++;
      }
    };

    // c. stale tasks already replaced, within the minimum healthy.
    const replaced = good.length + staleRunning.length - desired;
    stopStale(Math.min(replaced, Math.max(0, running - minRunning)));

    // d. room for the replacements still needed.
    const needed = Math.max(0, desired - good.length);
    const room = maxTotal - (good.length + staleRunning.length);
    if (needed > room) stopStale(Math.min(needed - room, Math.max(0, running - minRunning)));

    // e. start replacements within the maximum.
    const footprint = good.length + staleRunning.length;
    let start = Math.min(needed, maxTotal - footprint);
    if (primary.rolloutState === 'FAILED') start = 0;
    let started: TaskState[] = [];
    if (start > 0) started = this.startReplicaTasks(service, primary, start, false);
    else if (needed === 0) this.unblock(service);
    this.reportStops(service, stops);
    if (started.length > 0) this.serviceEvent(service, startedMessage(service, started));

    const total = footprint + started.length;
    if (total > service.stats.highestFootprint) service.stats.highestFootprint = total;
    if (total > maxTotal && total > desired) service.stats.aboveMaximumPercent++;

    const settled = stale.length === 0 && started.length === 0 && stops.running.length === 0 && stops.pending.length === 0;
    if (settled && service.deployments.length === 1 && primary.rolloutState === 'COMPLETED') this.rebalance(service, primary, good, { minRunning, maxTotal });
  }

  // ---- AZ rebalancing ----------------------------------------------------------------------------------------------

  /**
   * ECS's Availability Zone rebalancing of a REPLICA service with `availabilityZoneRebalancing: ENABLED` (ECS Developer
   * Guide, "service-rebalancing" and "track-service-rebalancing"): when the service is steady (no deployment, every
   * task RUNNING) and its tasks are unevenly spread over the AZs it can use (here: the AZs of the cluster's ACTIVE
   * container instances; more than one task apart), ECS sends SERVICE_REBALANCING_STARTED, starts a task in the AZ
   * with the fewest tasks (within maximumPercent) and, once it runs, stops one in the AZ with the most (within
   * minimumHealthyPercent); if it cannot place the task, SERVICE_TASK_PLACEMENT_FAILURE; when the spread is even,
   * SERVICE_REBALANCING_COMPLETED. Events: the service event messages of "service-rebalancing-event-messages-list" and
   * "ECS Service Action" EventBridge events. Not modelled: Fargate services (only EC2 capacity is rebalanced here).
   */
  private rebalance(service: ServiceState, primary: DeploymentState, good: TaskState[], limits: { minRunning: number; maxTotal: number }): void {
    const rebalancing = service.rebalancing;
    if (service.availabilityZoneRebalancing !== 'ENABLED' || service.schedulingStrategy !== 'REPLICA') {
      service.rebalancing = undefined;
      return;
    }
    if (rebalancing !== undefined && rebalancing.pending.size > 0) return;
    if (good.length !== service.desiredCount || good.some((t) => t.lastStatus !== 'RUNNING' || t.instance === undefined)) return;
    const perAz = new Map<string, number>();
    for (const ci of service.cluster.instances.values()) if (ci.status === 'ACTIVE' && ci.agentConnected) perAz.set(ci.availabilityZone, 0);
    if (perAz.size < 2) return;
    for (const task of good) if (perAz.has(task.availabilityZone)) perAz.set(task.availabilityZone, (perAz.get(task.availabilityZone) ?? 0) + 1);
    const zones = [...perAz.entries()].sort((a, b) => a[0].localeCompare(b[0]));
    let short = zones[0];
    let long = zones[0];
    for (const zone of zones) {
      if (short && zone[1] < short[1]) short = zone;
      if (long && zone[1] > long[1]) long = zone;
    }
    if (!short || !long) return;
    const now = this.core.now();
    if (long[1] - short[1] <= 1) {
      if (rebalancing === undefined) return;
      service.rebalancing = undefined;
      this.serviceEvent(service, `(service ${service.name}) is AZ balanced with ${spreadText(zones)}.`);
      this.rebalancingEvent(service, 'SERVICE_REBALANCING_COMPLETED', now);
      return;
    }
    if (rebalancing === undefined) {
      service.rebalancing = { startedAt: now, pending: new Set() };
      this.stats.counters.serviceRebalancings++;
      this.serviceEvent(service, `(service ${service.name}) is not AZ balanced with ${spreadText(zones)}. AZ Rebalancing in progress.`);
      this.rebalancingEvent(service, 'SERVICE_REBALANCING_STARTED', now);
    }
    const state = service.rebalancing;
    if (!state) return;
    if (good.length + 1 <= limits.maxTotal) {
      // Start first, in the short AZ.
      const candidates = [...service.cluster.instances.values()].filter((ci) => ci.status === 'ACTIVE' && ci.agentConnected && ci.availabilityZone === short[0]);
      const outcome = placeTasks(this.ecs, this.placementRequest(service, primary.taskDefinition, 1, candidates));
      const ci = outcome.placed[0];
      if (ci === undefined) {
        const failure = outcome.failures[0];
        this.placementFailed(service, failure?.reason ?? 'RESOURCE:CPU', failure?.containerInstanceArn, undefined);
        return;
      }
      this.unblock(service);
      const task = this.createServiceTask(service, primary, ci, ci.availabilityZone, undefined, false);
      state.pending.add(task);
      this.serviceEvent(service, `(service ${service.name}) has started 1 tasks in ${short[0]} to AZ Rebalance: (task ${task.id}).`);
      return;
    }
    // maximumPercent leaves no room for an extra task: stop one in the long AZ first, if the minimum healthy allows;
    // the service scheduler replaces it where its placement strategy puts it.
    if (good.length - 1 < limits.minRunning) return;
    const victim = good.filter((t) => t.availabilityZone === long[0] && !this.ecs.isProtected(t)).pop();
    if (!victim) return;
    const stops: StopBatch = { running: [], pending: [] };
    this.stop(service, victim, stops);
    this.reportStops(service, stops);
    this.rebalancingStopped(service, [victim]);
  }

  private rebalancingStopped(service: ServiceState, tasks: TaskState[]): void {
    const byAz = new Map<string, TaskState[]>();
    for (const task of tasks) byAz.set(task.availabilityZone, [...(byAz.get(task.availabilityZone) ?? []), task]);
    for (const [az, stopped] of byAz) {
      this.serviceEvent(service, `(service ${service.name}) has stopped ${stopped.length} running tasks in ${az} to AZ Rebalance: ${stopped.map((t) => `(task ${t.id})`).join(' ')}.`);
    }
  }

  private rebalancingEvent(service: ServiceState, eventName: 'SERVICE_REBALANCING_STARTED' | 'SERVICE_REBALANCING_COMPLETED', at: number): void {
    this.core.emit('ECS Service Action', ECS_SOURCE, [service.arn], () => ({
      eventType: 'INFO',
      eventName,
      clusterArn: service.cluster.arn,
      createdAt: isoMillis(at),
    }));
  }

  /** Scale-in victims: not RUNNING first (newest first), then from the AZ and instance with the most tasks. */
  private scaleInVictims(tasks: TaskState[], count: number): TaskState[] {
    const victims: TaskState[] = [];
    const pending = tasks.filter((t) => t.lastStatus !== 'RUNNING').reverse();
    for (const task of pending) {
      if (victims.length >= count) return victims;
      victims.push(task);
    }
    const left = tasks.filter((t) => t.lastStatus === 'RUNNING');
    while (victims.length < count && left.length > 0) {
      const perAz = new Map<string, number>();
      const perInstance = new Map<string, number>();
      for (const task of left) {
        perAz.set(task.availabilityZone, (perAz.get(task.availabilityZone) ?? 0) + 1);
        const key = task.instance?.id ?? task.id;
        perInstance.set(key, (perInstance.get(key) ?? 0) + 1);
      }
      let best = -1;
      for (let i = left.length - 1; i >= 0; i--) {
        const task = left[i];
        const current = left[best];
        if (!task) continue;
        if (!current) {
          best = i;
          continue;
        }
        const az = (perAz.get(task.availabilityZone) ?? 0) - (perAz.get(current.availabilityZone) ?? 0);
        const inst = (perInstance.get(task.instance?.id ?? task.id) ?? 0) - (perInstance.get(current.instance?.id ?? current.id) ?? 0);
        if (az > 0 || (az === 0 && inst > 0)) best = i;
      }
      const [victim] = left.splice(best, 1);
      if (victim) victims.push(victim);
    }
    return victims;
  }

  private stop(service: ServiceState, task: TaskState, stops: StopBatch): void {
    const wasRunning = task.lastStatus === 'RUNNING';
    const ci = task.instance;
    const reason =
      ci !== undefined && ci.status === 'DRAINING'
        ? `Service ${service.name}: container instance is in DRAINING state`
        : `Scaling activity initiated by (deployment ${service.deployments[0]?.id ?? ''})`;
    if (this.ecs.stopTask(task, 'ServiceSchedulerInitiated', reason)) (wasRunning ? stops.running : stops.pending).push(task);
  }

  private reportStops(service: ServiceState, stops: StopBatch): void {
    if (stops.running.length > 0) {
      this.serviceEvent(service, `(service ${service.name}) has stopped ${stops.running.length} running tasks: ${stops.running.map((t) => `(task ${t.id})`).join(' ')}.`);
    }
    if (stops.pending.length > 0) {
      this.serviceEvent(service, `(service ${service.name}) has stopped ${stops.pending.length} pending tasks: ${stops.pending.map((t) => `(task ${t.id})`).join(' ')}.`);
    }
  }

  // ---- starting tasks ----------------------------------------------------------------------------------------------

  private placementRequest(service: ServiceState, td: TaskDefinitionState, count: number, instances?: readonly ContainerInstanceState[], capacityProviderName?: string) {
    return {
      cluster: service.cluster,
      taskDefinition: td,
      count,
      group: `service:${service.name}`,
      placementConstraints: service.placementConstraints,
      placementStrategy: service.placementStrategy,
      capacityProviderName,
      instances,
    };
  }

  /** Starts up to `count` tasks of `deployment`; placement failures are reported. Returns the tasks started. */
  private startReplicaTasks(service: ServiceState, deployment: DeploymentState, count: number, initial: boolean): TaskState[] {
    const started: TaskState[] = [];
    const failures: { reason: string; containerInstanceArn: string | undefined; provider: string | undefined }[] = [];
    for (const [provider, n] of this.splitByProvider(service, count)) {
      if (provider !== undefined && FARGATE_PROVIDERS.has(provider)) {
        this.startFargate(service, deployment, n, provider, initial, started, failures);
      } else if (provider === undefined && service.launchType === 'FARGATE') {
        this.startFargate(service, deployment, n, undefined, initial, started, failures);
      } else {
        const outcome = placeTasks(this.ecs, this.placementRequest(service, deployment.taskDefinition, n, undefined, provider));
        for (const ci of outcome.placed) started.push(this.createServiceTask(service, deployment, ci, ci.availabilityZone, provider, initial));
        for (const failure of outcome.failures) failures.push({ ...failure, provider });
      }
    }
    const failure = failures[0];
    if (failure) this.placementFailed(service, failure.reason, failure.containerInstanceArn, failure.provider);
    else this.unblock(service);
    return started;
  }

  /** How many of `count` new tasks go to each capacity provider (undefined: the launch type). */
  private splitByProvider(service: ServiceState, count: number): [string | undefined, number][] {
    const strategy = service.capacityProviderStrategy;
    if (strategy === undefined || strategy.length === 0) return [[undefined, count]];
    const counts = new Map<string, number>();
    for (const task of service.tasks) {
      if (task.desiredStatus !== 'RUNNING' || task.capacityProviderName === undefined) continue;
      counts.set(task.capacityProviderName, (counts.get(task.capacityProviderName) ?? 0) + 1);
    }
    return splitStrategy(strategy, counts, count);
  }

  private startFargate(
    service: ServiceState,
    deployment: DeploymentState,
    count: number,
    provider: string | undefined,
    initial: boolean,
    started: TaskState[],
    failures: { reason: string; containerInstanceArn: string | undefined; provider: string | undefined }[],
  ): void {
    const pool = provider === 'FARGATE_SPOT' ? 'FARGATE_SPOT' : 'FARGATE';
    if (!this.ecs.fargateAvailable[pool]) {
      failures.push({ reason: 'RESOURCE:FARGATE', containerInstanceArn: undefined, provider: pool });
      return;
    }
    const zones = fargateZones(this.ecs, service.cluster, service.networkConfiguration);
    const perAz = new Map<string, number>();
    for (const zone of zones) perAz.set(zone.az, 0);
    for (const task of service.tasks) if (task.desiredStatus === 'RUNNING' && perAz.has(task.availabilityZone)) perAz.set(task.availabilityZone, (perAz.get(task.availabilityZone) ?? 0) + 1);
    for (let i = 0; i < count; i++) {
      let zone = zones[0];
      for (const z of zones) if ((perAz.get(z.az) ?? 0) < (perAz.get(zone?.az ?? '') ?? 0)) zone = z;
      if (!zone) return;
      perAz.set(zone.az, (perAz.get(zone.az) ?? 0) + 1);
      started.push(this.createServiceTask(service, deployment, undefined, zone.az, provider, initial, zone.subnetId));
    }
  }

  private createServiceTask(
    service: ServiceState,
    deployment: DeploymentState,
    ci: ContainerInstanceState | undefined,
    availabilityZone: string,
    provider: string | undefined,
    initial: boolean,
    subnetId?: string,
  ): TaskState {
    const fargate = ci === undefined;
    return this.ecs.createTask({
      cluster: service.cluster,
      taskDefinition: deployment.taskDefinition,
      group: `service:${service.name}`,
      startedBy: deployment.id,
      launchType: fargate ? 'FARGATE' : 'EC2',
      capacityProviderName: provider ?? ci?.capacityProviderName,
      instance: ci,
      availabilityZone,
      subnetId,
      service,
      deployment,
      tags: [],
      initial,
    });
  }

  // ---- placement failures and retries ------------------------------------------------------------------------------

  private placementFailed(service: ServiceState, reason: string, containerInstanceArn: string | undefined, provider: string | undefined): void {
    this.stats.counters.servicePlacementFailures++;
    service.placementBlocked = true;
    this.ecs.blocked.add(service);
    const now = this.core.now();
    const last = service.lastPlacementFailure;
    // ECS does not repeat the same failure on every attempt: once a minute per service at most (or on a new reason).
    if (last && last.reason === reason && now - last.at < RETRY_INTERVAL_MS) return;
    service.lastPlacementFailure = { at: now, reason };
    this.serviceEvent(service, placementFailureMessage(service.name, reason, containerInstanceArn));
    this.core.emit('ECS Service Action', ECS_SOURCE, [service.arn], () => ({
      eventType: 'ERROR',
      eventName: 'SERVICE_TASK_PLACEMENT_FAILURE',
      clusterArn: service.cluster.arn,
      ...(containerInstanceArn === undefined ? {} : { containerInstanceArns: [containerInstanceArn] }),
      ...(provider !== undefined && FARGATE_PROVIDERS.has(provider) ? { capacityProviderArns: [this.core.arn('ecs', `capacity-provider/${provider}`)] } : {}),
      reason,
      createdAt: isoMillis(now),
    }));
  }

  private unblock(service: ServiceState): void {
    if (!service.placementBlocked) return;
    service.placementBlocked = false;
    this.ecs.blocked.delete(service);
  }

  // ---- deployments and steady state --------------------------------------------------------------------------------

  private afterPass(service: ServiceState): void {
    const primary = service.deployments[0];
    if (!primary) return;
    let goodRunning = 0;
    let goodActive = 0;
    let others = 0;
    for (const task of service.tasks) {
      if (task.deployment !== primary) {
        others++;
        continue;
      }
      if (task.desiredStatus !== 'RUNNING') continue;
      if (this.isStale(task, primary)) {
        others++;
        continue;
      }
      goodActive++;
      if (task.lastStatus === 'RUNNING') goodRunning++;
    }
    const daemonPending = service.schedulingStrategy === 'DAEMON' && (service.daemonDirty === undefined || service.daemonDirty.size > 0);
    const done = others === 0 && goodRunning === service.desiredCount && goodActive === service.desiredCount && !daemonPending;

    // Circuit breaker.
    const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;
    if (primary.rolloutState === 'IN_PROGRESS' && breaker?.enable === true) {
      const threshold = Math.min(200, Math.max(3, Math.ceil(service.desiredCount / 2)));
      if (primary.failedTasks >= threshold) {
        this.failDeployment(service, primary, breaker.rollback === true);
        return;
      }
    }
    if (primary.rolloutState === 'IN_PROGRESS' && done) {
      primary.rolloutState = 'COMPLETED';
      primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
      primary.updatedAt = this.core.now();
      service.deployments = [primary];
      this.stats.counters.deploymentsCompleted++;
      this.serviceEvent(service, `(service ${service.name}) (deployment ${primary.id}) deployment completed.`);
      this.deploymentEvent(service, primary, 'INFO', 'SERVICE_DEPLOYMENT_COMPLETED', primary.rolloutStateReason);
    }
    if (done && others === 0 && service.deployments.length > 1) service.deployments = [primary];

    const steady = done && primary.rolloutState === 'COMPLETED';
    const now = this.core.now();
    if (steady && (!service.steady || service.lastSteadyEventAt === undefined || now - service.lastSteadyEventAt >= STEADY_STATE_REPEAT_MS)) {
      service.lastSteadyEventAt = now;
      this.serviceEvent(service, `(service ${service.name}) has reached a steady state.`);
      this.core.emit('ECS Service Action', ECS_SOURCE, [service.arn], () => ({
        eventType: 'INFO',
        eventName: 'SERVICE_STEADY_STATE',
        clusterArn: service.cluster.arn,
        createdAt: isoMillis(now),
      }));
    }
    service.steady = steady;
  }

  private failDeployment(service: ServiceState, deployment: DeploymentState, rollback: boolean): void {
    deployment.rolloutState = 'FAILED';
    deployment.rolloutStateReason = 'ECS deployment circuit breaker: task failed to start.';
    deployment.updatedAt = this.core.now();
    this.stats.counters.deploymentsFailed++;
    this.serviceEvent(service, `(service ${service.name}) (deployment ${deployment.id}) deployment failed: tasks failed to start.`);
    this.deploymentEvent(service, deployment, 'ERROR', 'SERVICE_DEPLOYMENT_FAILED', deployment.rolloutStateReason);
    const previous = service.deployments.find((d) => d !== deployment && d.rolloutState === 'COMPLETED') ?? service.deployments[1];
    if (rollback && previous) this.startDeployment(service, previous.taskDefinition, previous);
    else this.ecs.markDirty(service);
  }

  private deploymentEvent(service: ServiceState, deployment: DeploymentState, eventType: 'INFO' | 'ERROR', eventName: string, reason: string): void {
    const at = this.core.now();
    this.core.emit('ECS Deployment State Change', ECS_SOURCE, [service.arn], () => ({
      eventType,
      eventName,
      deploymentId: deployment.id,
      updatedAt: isoMillis(at),
      reason,
    }));
  }

  serviceEvent(service: ServiceState, message: string): void {
    service.events.unshift({ id: this.core.random.uuid(), createdAt: new Date(this.core.now()), message });
    if (service.events.length > 100) service.events.length = 100;
  }

  // ---- DAEMON services ---------------------------------------------------------------------------------------------

  private reconcileDaemon(service: ServiceState): void {
    const primary = service.deployments[0];
    if (!primary) return;
    const cluster = service.cluster;
    const full = service.daemonDirty === undefined || primary.rolloutState === 'IN_PROGRESS';
    const instances = full ? [...cluster.instances.values()] : [...(service.daemonDirty ?? [])];
    service.daemonDirty = new Set();
    const stops: StopBatch = { running: [], pending: [] };
    const started: TaskState[] = [];
    let failure: { reason: string; containerInstanceArn: string | undefined } | undefined;
    const minRunning = Math.ceil((service.desiredCount * service.deploymentConfiguration.minimumHealthyPercent) / 100);
    let running = service.running;

    for (const ci of instances) {
      const mine: TaskState[] = [];
      let leaving = 0;
      let others = 0;
      for (const task of ci.tasks) {
        if (task.service === service) {
          if (task.desiredStatus === 'RUNNING') mine.push(task);
          else leaving++;
        } else if (task.service?.schedulingStrategy !== 'DAEMON') {
          others++;
        }
      }
      if (ci.status !== 'ACTIVE' || !ci.agentConnected) {
        service.daemonEligible.delete(ci);
        service.daemonBlocked.delete(ci);
        // Daemon tasks leave a DRAINING instance last, once every other task is gone.
        if (ci.status === 'DRAINING' && others === 0) for (const task of mine) this.stop(service, task, stops);
        continue;
      }
      const current = mine.filter((t) => t.deployment === primary);
      const old = mine.filter((t) => t.deployment !== primary);
      for (const task of old) {
        if (task.lastStatus === 'RUNNING') {
          if (running - 1 < minRunning) {
            service.daemonDirty.add(ci);
            continue;
          }
          running--;
        }
        this.stop(service, task, stops);
        leaving++;
      }
      for (const extra of current.slice(1)) this.stop(service, extra, stops);
      if (current.length > 0) {
        service.daemonEligible.add(ci);
        service.daemonBlocked.delete(ci);
        continue;
      }
      if (leaving > 0 || old.length > 0) continue; // start once the old task is gone (maximumPercent 100)
      const outcome = placeTasks(this.ecs, this.placementRequest(service, primary.taskDefinition, 1, [ci]));
      const target = outcome.placed[0];
      if (target) {
        service.daemonEligible.add(ci);
        service.daemonBlocked.delete(ci);
        started.push(this.createServiceTask(service, primary, target, target.availabilityZone, undefined, false));
        continue;
      }
      const reason = outcome.failures[0]?.reason ?? 'RESOURCE:CPU';
      if (CONSTRAINT_REASONS.has(reason)) {
        service.daemonEligible.delete(ci);
        service.daemonBlocked.delete(ci);
      } else {
        service.daemonEligible.add(ci);
        service.daemonBlocked.add(ci);
        failure ??= { reason, containerInstanceArn: outcome.failures[0]?.containerInstanceArn ?? ci.arn };
      }
    }
    service.desiredCount = service.daemonEligible.size;
    this.reportStops(service, stops);
    if (started.length > 0) this.serviceEvent(service, startedMessage(service, started));
    if (failure) this.placementFailed(service, failure.reason, failure.containerInstanceArn, undefined);
    else if (service.daemonBlocked.size === 0) this.unblock(service);
  }
}

/** "3 tasks in us-east-1a, 3 tasks in us-east-1b, and 0 tasks in us-east-1c" (track-service-rebalancing messages). */
function spreadText(zones: [string, number][]): string {
  const parts = zones.map(([az, n]) => `${n} tasks in ${az}`);
  if (parts.length <= 2) return parts.join(' and ');
  return `${parts.slice(0, -1).join(', ')}, and ${parts[parts.length - 1] ?? ''}`;
}

function startedMessage(service: ServiceState, tasks: TaskState[]): string {
  return `(service ${service.name}) has started ${tasks.length} tasks: ${tasks.map((t) => `(task ${t.id})`).join(' ')}.`;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Where Fargate tasks can go: the subnets of the network configuration (a subnet the world knows is in its AZ; any
 * other is spread over the cluster's AZs), else the cluster's AZs.
 */
export function fargateZones(
  ecs: EcsWorld,
  cluster: { availabilityZones: string[] },
  network: ECS.NetworkConfiguration | undefined,
): { az: string; subnetId: string }[] {
  const fallbackZones = cluster.availabilityZones.length > 0 ? cluster.availabilityZones : [`${ecs.core.region}a`, `${ecs.core.region}b`, `${ecs.core.region}c`];
  const subnets = network?.awsvpcConfiguration?.subnets ?? [];
  if (subnets.length === 0) return fallbackZones.map((az) => ({ az, subnetId: ecs.subnetFor(az) }));
  return subnets.map((subnetId, i) => ({ az: ecs.azOfSubnet(subnetId) ?? fallbackZones[i % fallbackZones.length] ?? `${ecs.core.region}a`, subnetId }));
}

/**
 * ECS's capacity provider strategy: each provider first gets its `base` tasks, the rest goes by `weight` (each new task
 * to the provider furthest below its share). `existing`: tasks each provider has already.
 */
export function splitStrategy(
  strategy: readonly ECS.CapacityProviderStrategyItem[],
  existing: ReadonlyMap<string, number>,
  count: number,
): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of strategy) counts.set(item.capacityProvider ?? '', existing.get(item.capacityProvider ?? '') ?? 0);
  const adding = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    let pick: string | undefined;
    for (const item of strategy) {
      const name = item.capacityProvider ?? '';
      if ((counts.get(name) ?? 0) < (item.base ?? 0)) {
        pick = name;
        break;
      }
    }
    if (pick === undefined) {
      let best = Number.POSITIVE_INFINITY;
      for (const item of strategy) {
        const weight = item.weight ?? 0;
        if (weight <= 0) continue;
        const name = item.capacityProvider ?? '';
        const score = ((counts.get(name) ?? 0) - (item.base ?? 0) + 1) / weight;
        if (score < best) {
          best = score;
          pick = name;
        }
      }
    }
    if (pick === undefined) break;
    counts.set(pick, (counts.get(pick) ?? 0) + 1);
    adding.set(pick, (adding.get(pick) ?? 0) + 1);
  }
  return [...adding];
}
