/**
 * The ECS API operations (see api.ts) over the world's ECS state: validation and AWS's error codes and messages,
 * batch limits, pagination, and the state changes (through ecs.ts and scheduler.ts).
 */
import type * as ECS from '@aws-sdk/client-ecs';
import { compileQuery, QuerySyntaxError, type QueryContext } from '../../lib/placement/query/index.js';
import type { EcsApi } from './api.js';
import type { CapacityProviderWorld } from './capacity-providers.js';
import type { Core } from './core.js';
import type { ClusterState, ContainerInstanceState, TaskDefinitionState, TaskState } from './ecs-model.js';
import { containerInstanceShape, serviceShape, taskShape } from './ecs-shapes.js';
import { arnResource, TASK_PROTECTION_DEFAULT_MINUTES, TASK_PROTECTION_MAX_MINUTES, type EcsWorld } from './ecs.js';
import { AwsApiError, clientException, conflictException, invalidParameter, serviceNotFound } from './errors.js';
import { paginate } from './pagination.js';
import { placeTasks } from './placement.js';
import { fargateZones, splitStrategy, type ServiceScheduler } from './scheduler.js';
import type { Stats } from './stats.js';

type Out<T> = Omit<T, '$metadata'>;

const CLIENT_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
const LIST_INSTANCE_STATUSES = new Set(['ACTIVE', 'DRAINING', 'REGISTERING', 'DEREGISTERING', 'REGISTRATION_FAILED']);
const FARGATE_PROVIDERS = new Set(['FARGATE', 'FARGATE_SPOT']);

const invalidToken = (): AwsApiError => invalidParameter('Invalid nextToken.');

function maxResults(value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) throw invalidParameter(`maxResults must be between 1 and ${max}.`);
  return value;
}

function limitItems(items: readonly unknown[] | undefined, max: number, name: string): void {
  if ((items?.length ?? 0) > max) throw invalidParameter(`${name} can have at most ${max} items.`);
}

/** JSON with sorted keys: two requests with the same parameters give the same text. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export class EcsApiImpl implements EcsApi {
  constructor(
    private readonly core: Core,
    private readonly ecs: EcsWorld,
    private readonly scheduler: ServiceScheduler,
    private readonly stats: Stats,
    private readonly providers: CapacityProviderWorld,
  ) {}

  // ---- container instances -----------------------------------------------------------------------------------------

  ListContainerInstances(input: ECS.ListContainerInstancesRequest): Out<ECS.ListContainerInstancesResponse> {
    const cluster = this.ecs.cluster(input.cluster);
    const limit = maxResults(input.maxResults, 100, 100);
    if (input.status !== undefined && !LIST_INSTANCE_STATUSES.has(input.status)) {
      throw invalidParameter(`Invalid status: ${input.status}. Valid values: ${[...LIST_INSTANCE_STATUSES].join(', ')}.`);
    }
    let matches: ((ci: ContainerInstanceState) => boolean) | undefined;
    if (input.filter !== undefined && input.filter.trim() !== '') {
      let compiled: ReturnType<typeof compileQuery>;
      try {
        compiled = compileQuery(input.filter);
      } catch (error) {
        if (error instanceof QuerySyntaxError) throw invalidParameter(error.message);
        throw error;
      }
      const context = groupsContext(cluster);
      matches = (ci) => compiled.matches(this.ecs.placementShape(ci), context);
    }
    const items: ContainerInstanceState[] = [];
    for (const ci of cluster.instances.values()) {
      if (input.status === undefined ? ci.status === 'INACTIVE' : ci.status !== input.status) continue;
      if (matches && !matches(ci)) continue;
      items.push(ci);
    }
    const page = paginate(items, (ci) => ci.seq, { kind: `ecs:ListContainerInstances:${cluster.name}`, token: input.nextToken, limit, invalidToken });
    return { containerInstanceArns: page.items.map((ci) => ci.arn), ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }) };
  }

  DescribeContainerInstances(input: ECS.DescribeContainerInstancesRequest): Out<ECS.DescribeContainerInstancesResponse> {
    const refs = input.containerInstances ?? [];
    limitItems(refs, 100, 'instanceIds');
    if (refs.length === 0) throw invalidParameter('instanceIds can have at least 1 items.');
    const cluster = this.ecs.cluster(input.cluster);
    const tags = input.include?.includes('TAGS') === true;
    const containerInstances: ECS.ContainerInstance[] = [];
    const failures: ECS.Failure[] = [];
    for (const ref of refs) {
      const ci = this.ecs.findInstance(cluster, ref);
      if (ci) containerInstances.push(containerInstanceShape(ci, tags));
      else failures.push({ arn: ref.startsWith('arn:') ? ref : this.core.arn('ecs', `container-instance/${cluster.name}/${ref}`), reason: 'MISSING' });
    }
    return { containerInstances, failures };
  }

  UpdateContainerInstancesState(input: ECS.UpdateContainerInstancesStateRequest): Out<ECS.UpdateContainerInstancesStateResponse> {
    const refs = input.containerInstances ?? [];
    limitItems(refs, 10, 'containerInstances');
    if (refs.length === 0) throw invalidParameter('containerInstances can have at least 1 items.');
    const status = input.status;
    if (status !== 'ACTIVE' && status !== 'DRAINING') {
      throw invalidParameter(`Container instance status can only be updated to ACTIVE or DRAINING${status === undefined ? '' : `, not ${status}`}.`);
    }
    const cluster = this.ecs.cluster(input.cluster);
    const containerInstances: ECS.ContainerInstance[] = [];
    const failures: ECS.Failure[] = [];
    for (const ref of refs) {
      const ci = this.ecs.findInstance(cluster, ref);
      const arn = ref.startsWith('arn:') ? ref : this.core.arn('ecs', `container-instance/${cluster.name}/${ref}`);
      if (!ci) failures.push({ arn, reason: 'MISSING' });
      else if (ci.status === 'INACTIVE') failures.push({ arn: ci.arn, reason: 'INACTIVE', detail: 'The container instance is deregistered.' });
      else {
        this.ecs.setInstanceStatus(ci, status);
        containerInstances.push(containerInstanceShape(ci, false));
      }
    }
    return { containerInstances, failures };
  }

  // ---- tasks -------------------------------------------------------------------------------------------------------

  ListTasks(input: ECS.ListTasksRequest): Out<ECS.ListTasksResponse> {
    const cluster = this.ecs.cluster(input.cluster);
    const limit = maxResults(input.maxResults, 100, 100);
    if (input.startedBy !== undefined && input.startedBy.length > 128) throw invalidParameter('startedBy must be at most 128 characters.');
    const desired = input.desiredStatus ?? 'RUNNING';
    if (desired !== 'RUNNING' && desired !== 'PENDING' && desired !== 'STOPPED') throw invalidParameter(`Invalid desiredStatus: ${String(input.desiredStatus)}.`);
    let source: Iterable<TaskState>;
    if (input.serviceName !== undefined) {
      const service = cluster.services.get(input.serviceName.startsWith('arn:') ? (input.serviceName.split('/').pop() ?? '') : input.serviceName);
      if (!service) throw serviceNotFound();
      source = desired === 'STOPPED' ? this.ecs.allTasks(cluster).filter((t) => t.service === service) : service.tasks;
    } else if (input.containerInstance !== undefined) {
      const ci = this.ecs.findInstance(cluster, input.containerInstance);
      if (!ci) throw invalidParameter('The referenced container instance was not found.');
      source = desired === 'STOPPED' ? this.ecs.allTasks(cluster).filter((t) => t.instance === ci) : ci.tasks;
    } else {
      source = desired === 'STOPPED' ? this.ecs.allTasks(cluster) : this.activeTasks(cluster);
    }
    const items: TaskState[] = [];
    for (const task of source) {
      if (desired === 'PENDING') continue; // ECS: filtering on a desired status of PENDING returns nothing
      if ((task.desiredStatus === 'STOPPED') !== (desired === 'STOPPED')) continue;
      if (task.purged) continue;
      if (input.family !== undefined && task.taskDefinition.family !== input.family) continue;
      if (input.startedBy !== undefined && task.startedBy !== input.startedBy) continue;
      if (input.launchType !== undefined && task.launchType !== input.launchType) continue;
      if (input.containerInstance !== undefined && input.serviceName !== undefined && task.instance !== this.ecs.findInstance(cluster, input.containerInstance)) continue;
      items.push(task);
    }
    items.sort((a, b) => a.seq - b.seq);
    const page = paginate(items, (t) => t.seq, { kind: `ecs:ListTasks:${cluster.name}`, token: input.nextToken, limit, invalidToken });
    return { taskArns: page.items.map((t) => t.arn), ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }) };
  }

  /** Tasks not STOPPED (any desired status), creation order. */
  private *activeTasks(cluster: ClusterState): Iterable<TaskState> {
    for (const task of this.ecs.allTasks(cluster)) if (task.lastStatus !== 'STOPPED') yield task;
  }

  DescribeTasks(input: ECS.DescribeTasksRequest): Out<ECS.DescribeTasksResponse> {
    const refs = input.tasks ?? [];
    limitItems(refs, 100, 'taskIds');
    if (refs.length === 0) throw invalidParameter('Tasks cannot be empty.');
    const cluster = this.ecs.cluster(input.cluster);
    const tags = input.include?.includes('TAGS') === true;
    const tasks: ECS.Task[] = [];
    const failures: ECS.Failure[] = [];
    for (const ref of refs) {
      const task = this.ecs.findTask(cluster, ref);
      if (task) tasks.push(taskShape(task, tags));
      else failures.push({ arn: ref.startsWith('arn:') ? ref : this.core.arn('ecs', `task/${cluster.name}/${ref}`), reason: 'MISSING' });
    }
    return { tasks, failures };
  }

  RunTask(input: ECS.RunTaskRequest): Out<ECS.RunTaskResponse> {
    const cluster = this.ecs.cluster(input.cluster);
    const count = input.count ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 10) throw invalidParameter('count must be between 1 and 10.');
    if (input.startedBy !== undefined && input.startedBy.length > 128) throw invalidParameter('startedBy must be at most 128 characters.');
    if (input.group !== undefined && input.group.length > 255) throw invalidParameter('group must be at most 255 characters.');
    if (input.launchType !== undefined && input.capacityProviderStrategy !== undefined) {
      throw invalidParameter('Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.');
    }
    const token = input.clientToken;
    if (token !== undefined && (token.length === 0 || token.length > 64 || !/^[\x21-\x7e]+$/.test(token))) {
      throw invalidParameter('clientToken must be 1 to 64 ASCII characters in the range 33-126.');
    }
    this.purgeTokens(cluster);
    const fingerprint = token === undefined ? '' : stableJson({ ...input, clientToken: undefined, cluster: cluster.name });
    if (token !== undefined) {
      const previous = cluster.clientTokens.get(token);
      if (previous) {
        if (previous.fingerprint !== fingerprint) {
          throw conflictException('The RunTask request could not be processed due to conflicts. The provided clientToken is already in use with a different RunTask request.', previous.taskArns);
        }
        const tasks: ECS.Task[] = [];
        for (const arn of previous.taskArns) {
          const task = this.ecs.findTask(cluster, arn);
          if (task) tasks.push(taskShape(task, true));
        }
        return { tasks, failures: previous.failures.map((f) => ({ ...f })) };
      }
    }

    const td = this.ecs.resolveTaskDefinition(input.taskDefinition);
    if (!td || td.status !== 'ACTIVE') throw clientException('TaskDefinition not found.');
    const networkMode = td.definition.networkMode ?? 'bridge';
    if (networkMode === 'awsvpc' && input.networkConfiguration?.awsvpcConfiguration === undefined) {
      throw invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    }
    const strategy = input.capacityProviderStrategy ?? (input.launchType === undefined && cluster.defaultCapacityProviderStrategy.length > 0 ? cluster.defaultCapacityProviderStrategy : undefined);
    if (strategy !== undefined) {
      if (strategy.length === 0) throw invalidParameter('The capacity provider strategy must contain between 1 and 20 capacity providers.');
      for (const item of strategy) {
        const name = item.capacityProvider ?? '';
        if (!FARGATE_PROVIDERS.has(name) && !this.ecs.capacityProviders.has(name)) {
          throw invalidParameter('The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.');
        }
      }
    }
    const group = input.group ?? `family:${td.family}`;
    const tags: ECS.Tag[] = [...(input.tags ?? []), ...(input.propagateTags === 'TASK_DEFINITION' ? td.tags : [])];

    const plan: [string | undefined, number][] = strategy === undefined ? [[undefined, count]] : splitStrategy(strategy, new Map(), count);
    const started: TaskState[] = [];
    const failures: ECS.Failure[] = [];
    const seen = new Set<string>();
    const fail = (reason: string, arn: string | undefined) => {
      const key = `${arn ?? ''}\u0000${reason}`;
      if (seen.has(key)) return;
      seen.add(key);
      failures.push(arn === undefined ? { reason } : { arn, reason });
    };
    for (const [provider, n] of plan) {
      const fargate = provider !== undefined ? FARGATE_PROVIDERS.has(provider) : input.launchType === 'FARGATE';
      if (fargate) {
        if (!(td.definition.compatibilities ?? []).includes('FARGATE')) throw clientException('Task definition does not support launch_type FARGATE.');
        const pool = provider === 'FARGATE_SPOT' ? 'FARGATE_SPOT' : 'FARGATE';
        if (!this.ecs.fargateAvailable[pool]) {
          // RunTask answers a Fargate (or Fargate Spot) shortage in failures[] with this reason, no ARN: as users report
          // it (gchq/sleeper#904 RunTask output, sil-org/ecs-deploy#277, aws/containers-roadmap#2034).
          for (let i = 0; i < n; i++) fail('Capacity is unavailable at this time. Please try again later or in a different availability zone', undefined);
          continue;
        }
        const zones = fargateZones(this.ecs, cluster, input.networkConfiguration);
        const perAz = new Map<string, number>(zones.map((z) => [z.az, 0]));
        for (const task of cluster.groups.get(group) ?? []) if (perAz.has(task.availabilityZone)) perAz.set(task.availabilityZone, (perAz.get(task.availabilityZone) ?? 0) + 1);
        for (let i = 0; i < n; i++) {
          let zone = zones[0];
          for (const z of zones) if ((perAz.get(z.az) ?? 0) < (perAz.get(zone?.az ?? '') ?? 0)) zone = z;
          if (!zone) break;
          perAz.set(zone.az, (perAz.get(zone.az) ?? 0) + 1);
          started.push(this.newTask(cluster, td, group, input, undefined, zone.az, provider, tags, zone.subnetId));
        }
        continue;
      }
      let registered = 0;
      for (const ci of cluster.instances.values()) if (ci.status !== 'INACTIVE') registered++;
      if (registered === 0) throw invalidParameter('No Container Instances were found in your cluster.');
      const outcome = placeTasks(this.ecs, {
        cluster,
        taskDefinition: td,
        count: n,
        group,
        placementConstraints: input.placementConstraints ?? [],
        placementStrategy: input.placementStrategy ?? [],
        capacityProviderName: provider,
      });
      for (const ci of outcome.placed) started.push(this.newTask(cluster, td, group, input, ci, ci.availabilityZone, provider, tags, undefined));
      for (const failure of outcome.failures) fail(failure.reason, failure.containerInstanceArn);
    }
    if (failures.length > 0) this.stats.counters.runTaskPlacementFailures += count - started.length;
    if (token !== undefined) {
      cluster.clientTokens.set(token, { fingerprint, taskArns: started.map((t) => t.arn), failures: failures.map((f) => ({ ...f })), expiresAt: this.core.now() + CLIENT_TOKEN_TTL_MS });
    }
    return { tasks: started.map((t) => taskShape(t, true)), failures };
  }

  private purgeTokens(cluster: ClusterState): void {
    const now = this.core.now();
    for (const [token, entry] of cluster.clientTokens) if (entry.expiresAt <= now) cluster.clientTokens.delete(token);
  }

  private newTask(
    cluster: ClusterState,
    td: TaskDefinitionState,
    group: string,
    input: ECS.RunTaskRequest,
    ci: ContainerInstanceState | undefined,
    availabilityZone: string,
    provider: string | undefined,
    tags: ECS.Tag[],
    subnetId: string | undefined,
  ): TaskState {
    return this.ecs.createTask({
      cluster,
      taskDefinition: td,
      group,
      startedBy: input.startedBy,
      launchType: ci === undefined ? 'FARGATE' : 'EC2',
      capacityProviderName: provider ?? (input.capacityProviderStrategy === undefined ? undefined : ci?.capacityProviderName),
      instance: ci,
      availabilityZone,
      // An EC2 task's ENI is in its instance's subnet; a Fargate task's in the subnet chosen for it.
      subnetId: ci === undefined ? (subnetId ?? input.networkConfiguration?.awsvpcConfiguration?.subnets?.[0]) : undefined,
      service: undefined,
      deployment: undefined,
      tags: tags.map((t) => ({ ...t })),
      overrides: input.overrides,
    });
  }

  StopTask(input: ECS.StopTaskRequest): Out<ECS.StopTaskResponse> {
    const cluster = this.ecs.cluster(input.cluster);
    if (input.task === undefined || input.task === '') throw invalidParameter('Task cannot be empty.');
    if (input.reason !== undefined && input.reason.length > 255) throw invalidParameter('Reason must be at most 255 characters.');
    const task = this.ecs.findTask(cluster, input.task);
    if (!task) throw invalidParameter('The referenced task was not found.');
    this.ecs.stopTask(task, 'UserInitiated', input.reason !== undefined && input.reason !== '' ? input.reason : 'Task stopped by user');
    return { task: taskShape(task, false) };
  }

  // ---- task scale-in protection ------------------------------------------------------------------------------------

  /**
   * UpdateTaskProtection (API reference): up to 10 tasks; `expiresInMinutes` 1-2880, default 120, reset on every call
   * with protection on. Only service tasks: a standalone task is a `TASK_NOT_VALID` failure ("Invoking this operation
   * for a standalone task will result in an TASK_NOT_VALID failure"), as is one already stopping or stopped (the
   * simulator's choice: AWS documents no other reason); an unknown task is `MISSING`. Turning protection on for more
   * tasks of a service than its desired count is `DEPLOYMENT_BLOCKED` ("the service has more protected tasks than the
   * desired count of tasks", task scale-in protection considerations).
   */
  UpdateTaskProtection(input: ECS.UpdateTaskProtectionRequest): Out<ECS.UpdateTaskProtectionResponse> {
    const refs = input.tasks ?? [];
    limitItems(refs, 10, 'tasks');
    if (refs.length === 0) throw invalidParameter('Tasks cannot be empty.');
    if (input.protectionEnabled === undefined) throw invalidParameter('protectionEnabled is required.');
    const minutes = input.expiresInMinutes ?? TASK_PROTECTION_DEFAULT_MINUTES;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > TASK_PROTECTION_MAX_MINUTES) {
      throw invalidParameter(`expiresInMinutes must be between 1 and ${TASK_PROTECTION_MAX_MINUTES}.`);
    }
    const cluster = this.ecs.cluster(input.cluster);
    const protectedTasks: ECS.ProtectedTask[] = [];
    const failures: ECS.Failure[] = [];
    for (const ref of refs) {
      const task = this.ecs.findTask(cluster, ref);
      const arn = task?.arn ?? (ref.startsWith('arn:') ? ref : this.core.arn('ecs', `task/${cluster.name}/${ref}`));
      if (!task) {
        failures.push({ arn, reason: 'MISSING' });
        continue;
      }
      const service = task.service;
      if (!service || task.desiredStatus !== 'RUNNING') {
        failures.push({ arn, reason: 'TASK_NOT_VALID', detail: service ? 'The task is stopping or stopped.' : 'The task does not belong to a service.' });
        continue;
      }
      if (input.protectionEnabled && !this.ecs.isProtected(task)) {
        let protectedCount = 0;
        for (const t of service.tasks) if (t.desiredStatus === 'RUNNING' && this.ecs.isProtected(t)) protectedCount++;
        if (protectedCount + 1 > service.desiredCount) {
          failures.push({ arn, reason: 'DEPLOYMENT_BLOCKED', detail: `The service ${service.name} has more protected tasks than its desired count.` });
          continue;
        }
      }
      this.ecs.setProtection(task, input.protectionEnabled, minutes);
      protectedTasks.push(this.protectionShape(task));
    }
    return { protectedTasks, failures };
  }

  /** GetTaskProtection (API reference): the protection of up to 100 tasks; unknown ones are `MISSING` failures. */
  GetTaskProtection(input: ECS.GetTaskProtectionRequest): Out<ECS.GetTaskProtectionResponse> {
    const refs = input.tasks ?? [];
    limitItems(refs, 100, 'tasks');
    // The API marks `tasks` optional but documents no meaning for its absence: the simulator asks for it.
    if (refs.length === 0) throw invalidParameter('Tasks cannot be empty.');
    const cluster = this.ecs.cluster(input.cluster);
    const protectedTasks: ECS.ProtectedTask[] = [];
    const failures: ECS.Failure[] = [];
    for (const ref of refs) {
      const task = this.ecs.findTask(cluster, ref);
      if (task) protectedTasks.push(this.protectionShape(task));
      else failures.push({ arn: ref.startsWith('arn:') ? ref : this.core.arn('ecs', `task/${cluster.name}/${ref}`), reason: 'MISSING' });
    }
    return { protectedTasks, failures };
  }

  private protectionShape(task: TaskState): ECS.ProtectedTask {
    const on = this.ecs.isProtected(task);
    return { taskArn: task.arn, protectionEnabled: on, ...(on && task.protectedUntil !== undefined ? { expirationDate: new Date(task.protectedUntil) } : {}) };
  }

  // ---- services ----------------------------------------------------------------------------------------------------

  ListServices(input: ECS.ListServicesRequest): Out<ECS.ListServicesResponse> {
    const cluster = this.ecs.cluster(input.cluster);
    const limit = maxResults(input.maxResults, 10, 100);
    const items = [...cluster.services.values()].filter(
      (s) => (input.launchType === undefined || s.launchType === input.launchType) && (input.schedulingStrategy === undefined || s.schedulingStrategy === input.schedulingStrategy),
    );
    const page = paginate(items, (s) => s.seq, { kind: `ecs:ListServices:${cluster.name}`, token: input.nextToken, limit, invalidToken });
    return { serviceArns: page.items.map((s) => s.arn), ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }) };
  }

  DescribeServices(input: ECS.DescribeServicesRequest): Out<ECS.DescribeServicesResponse> {
    const refs = input.services ?? [];
    limitItems(refs, 10, 'service names');
    if (refs.length === 0) throw invalidParameter('Services cannot be empty.');
    const cluster = this.ecs.cluster(input.cluster);
    const tags = input.include?.includes('TAGS') === true;
    const services: ECS.Service[] = [];
    const failures: ECS.Failure[] = [];
    for (const ref of refs) {
      const service = this.findService(cluster, ref);
      if (service) services.push(serviceShape(service, tags));
      else failures.push({ arn: ref.startsWith('arn:') ? ref : this.core.arn('ecs', `service/${cluster.name}/${ref}`), reason: 'MISSING' });
    }
    return { services, failures };
  }

  private findService(cluster: ClusterState, ref: string) {
    if (ref.startsWith('arn:')) {
      const resource = arnResource(ref, 'service/');
      const name = resource?.split('/').pop();
      const service = name === undefined ? undefined : cluster.services.get(name);
      return service?.arn === ref ? service : undefined;
    }
    return cluster.services.get(ref);
  }

  UpdateService(input: ECS.UpdateServiceRequest): Out<ECS.UpdateServiceResponse> {
    const cluster = this.ecs.cluster(input.cluster);
    const service = input.service === undefined ? undefined : this.findService(cluster, input.service);
    if (!service) throw serviceNotFound();
    this.scheduler.updateService(service, {
      desiredCount: input.desiredCount,
      taskDefinition: input.taskDefinition,
      forceNewDeployment: input.forceNewDeployment,
      placementStrategy: input.placementStrategy,
      placementConstraints: input.placementConstraints,
      capacityProviderStrategy: input.capacityProviderStrategy,
      networkConfiguration: input.networkConfiguration,
      deploymentConfiguration: input.deploymentConfiguration,
    });
    return { service: serviceShape(service, false) };
  }

  // ---- task definitions, tags, capacity providers ------------------------------------------------------------------

  DescribeTaskDefinition(input: ECS.DescribeTaskDefinitionRequest): Out<ECS.DescribeTaskDefinitionResponse> {
    const td = this.ecs.resolveTaskDefinition(input.taskDefinition);
    if (!td) throw clientException('Unable to describe task definition.');
    return {
      taskDefinition: structuredClone(td.definition),
      ...(input.include?.includes('TAGS') === true ? { tags: td.tags.map((t) => ({ ...t })) } : {}),
    };
  }

  ListTagsForResource(input: ECS.ListTagsForResourceRequest): Out<ECS.ListTagsForResourceResponse> {
    const arn = input.resourceArn ?? '';
    const copy = (tags: ECS.Tag[]) => ({ tags: tags.map((t) => ({ ...t })) });
    const notFound = () => invalidParameter('The specified resource could not be found.');
    const parts = arn.split(':');
    if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'ecs') throw invalidParameter('Invalid identifier: Unexpected number of separators');
    const resource = parts.slice(5).join(':');
    const [kind, ...rest] = resource.split('/');
    switch (kind) {
      case 'cluster': {
        const cluster = this.ecs.clusters.get(rest[0] ?? '');
        if (!cluster || cluster.arn !== arn) throw notFound();
        return copy(cluster.tags);
      }
      case 'service': {
        const cluster = this.ecs.clusters.get(rest[0] ?? '');
        const service = cluster === undefined ? undefined : this.findService(cluster, arn);
        if (!service) throw notFound();
        return copy(service.tags);
      }
      case 'task': {
        const cluster = this.ecs.clusters.get(rest[0] ?? '');
        const task = cluster === undefined ? undefined : this.ecs.findTask(cluster, arn);
        if (!task) throw notFound();
        return copy(task.tags);
      }
      case 'container-instance': {
        const cluster = this.ecs.clusters.get(rest[0] ?? '');
        const ci = cluster === undefined ? undefined : this.ecs.findInstance(cluster, arn);
        if (!ci) throw notFound();
        return copy(ci.tags);
      }
      case 'task-definition': {
        const td = this.ecs.resolveTaskDefinition(arn);
        if (!td) throw notFound();
        return copy(td.tags);
      }
      case 'capacity-provider': {
        const provider = this.ecs.capacityProviders.get(rest[0] ?? '');
        if (provider) return copy(provider.tags);
        if (FARGATE_PROVIDERS.has(rest[0] ?? '')) return { tags: [] };
        throw notFound();
      }
      default:
        throw notFound();
    }
  }

  DescribeCapacityProviders(input: ECS.DescribeCapacityProvidersRequest): Out<ECS.DescribeCapacityProvidersResponse> {
    const limit = maxResults(input.maxResults, 10, 10);
    const tags = input.include?.includes('TAGS') === true;
    const all: { seq: number; provider: ECS.CapacityProvider }[] = [];
    for (const p of this.ecs.capacityProviders.values()) all.push({ seq: p.seq, provider: this.providers.shape(p, tags) });
    let seq = Number.MAX_SAFE_INTEGER - 2;
    for (const name of ['FARGATE', 'FARGATE_SPOT']) {
      all.push({ seq: seq++, provider: { capacityProviderArn: this.core.arn('ecs', `capacity-provider/${name}`), name, status: 'ACTIVE', ...(tags ? { tags: [] } : {}) } });
    }
    const wanted = input.capacityProviders;
    if (wanted !== undefined && wanted.length > 0) {
      const failures: ECS.Failure[] = [];
      const capacityProviders: ECS.CapacityProvider[] = [];
      for (const ref of wanted) {
        const found = all.find((p) => p.provider.name === ref || p.provider.capacityProviderArn === ref);
        if (found) capacityProviders.push(found.provider);
        else failures.push({ arn: ref.startsWith('arn:') ? ref : this.core.arn('ecs', `capacity-provider/${ref}`), reason: 'MISSING' });
      }
      return { capacityProviders, failures };
    }
    const page = paginate(all, (p) => p.seq, { kind: 'ecs:DescribeCapacityProviders', token: input.nextToken, limit, invalidToken });
    return { capacityProviders: page.items.map((p) => p.provider), failures: [], ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }) };
  }

  /** CreateCapacityProvider (Auto Scaling group providers; see capacity-providers.ts for the rules and defaults). */
  CreateCapacityProvider(input: ECS.CreateCapacityProviderRequest): Out<ECS.CreateCapacityProviderResponse> {
    const asg = input.autoScalingGroupProvider;
    if (asg === undefined) throw invalidParameter('autoScalingGroupProvider is required.');
    limitItems(input.tags, 50, 'tags');
    const provider = this.providers.create(input.name, asg.autoScalingGroupArn, asg, input.tags ?? []);
    return { capacityProvider: this.providers.shape(provider, true) };
  }

  UpdateCapacityProvider(input: ECS.UpdateCapacityProviderRequest): Out<ECS.UpdateCapacityProviderResponse> {
    const provider = this.providers.update(input.name, input.autoScalingGroupProvider);
    return { capacityProvider: this.providers.shape(provider, false) };
  }

  PutClusterCapacityProviders(input: ECS.PutClusterCapacityProvidersRequest): Out<ECS.PutClusterCapacityProvidersResponse> {
    const cluster = this.ecs.cluster(input.cluster);
    this.providers.putClusterCapacityProviders(cluster, input.capacityProviders, input.defaultCapacityProviderStrategy);
    return { cluster: this.clusterShape(cluster, new Set(['ATTACHMENTS', 'SETTINGS', 'STATISTICS', 'TAGS'])) };
  }

  /** DescribeClusters: up to 100 clusters (default `default`), MISSING failures, `include` as the API reference lists it. */
  DescribeClusters(input: ECS.DescribeClustersRequest): Out<ECS.DescribeClustersResponse> {
    const refs = input.clusters === undefined || input.clusters.length === 0 ? ['default'] : input.clusters;
    limitItems(refs, 100, 'clusters');
    const include = new Set<string>(input.include ?? []);
    for (const value of include) {
      if (!['ATTACHMENTS', 'CONFIGURATIONS', 'SETTINGS', 'STATISTICS', 'TAGS'].includes(value)) throw invalidParameter(`Invalid include value: ${value}. Valid values: ATTACHMENTS, CONFIGURATIONS, SETTINGS, STATISTICS, TAGS.`);
    }
    const clusters: ECS.Cluster[] = [];
    const failures: ECS.Failure[] = [];
    for (const ref of refs) {
      const name = ref.startsWith('arn:') ? (arnResource(ref, 'cluster/') ?? ref) : ref;
      const cluster = this.ecs.clusters.get(name);
      if (cluster) clusters.push(this.clusterShape(cluster, include));
      else failures.push({ arn: ref.startsWith('arn:') ? ref : this.core.arn('ecs', `cluster/${ref}`), reason: 'MISSING' });
    }
    return { clusters, failures };
  }

  private clusterShape(cluster: ClusterState, include: ReadonlySet<string>): ECS.Cluster {
    let running = 0;
    let pending = 0;
    for (const task of cluster.tasks.values()) {
      if (task.lastStatus === 'RUNNING') running++;
      else if (task.lastStatus === 'PENDING' || task.lastStatus === 'PROVISIONING') pending++;
    }
    const registered = [...cluster.instances.values()].filter((ci) => ci.status === 'ACTIVE' || ci.status === 'DRAINING').length;
    return {
      clusterArn: cluster.arn,
      clusterName: cluster.name,
      status: 'ACTIVE',
      registeredContainerInstancesCount: registered,
      runningTasksCount: running,
      pendingTasksCount: pending,
      activeServicesCount: [...cluster.services.values()].filter((s) => s.status === 'ACTIVE').length,
      ...(include.has('STATISTICS') ? { statistics: [] } : {}),
      ...(include.has('TAGS') ? { tags: cluster.tags.map((t) => ({ ...t })) } : {}),
      ...(include.has('SETTINGS') ? { settings: [{ name: 'containerInsights', value: 'disabled' }] } : {}),
      capacityProviders: [...cluster.capacityProviders],
      defaultCapacityProviderStrategy: cluster.defaultCapacityProviderStrategy.map((s) => ({ ...s })),
      ...(include.has('ATTACHMENTS') ? { attachments: this.providers.attachments(cluster), attachmentsStatus: 'UPDATE_COMPLETE' } : {}),
    };
  }

  // ---- custom attributes -------------------------------------------------------------------------------------------

  PutAttributes(input: ECS.PutAttributesRequest): Out<ECS.PutAttributesResponse> {
    const cluster = this.ecs.cluster(input.cluster);
    const targets = this.attributeTargets(cluster, input.attributes, true);
    for (const { ci, attribute } of targets) {
      const existing = ci.attributes.find((a) => a.name === attribute.name);
      if (existing === undefined && ci.attributes.filter((a) => isCustomAttribute(a.name)).length >= MAX_CUSTOM_ATTRIBUTES) {
        throw new AwsApiError('AttributeLimitExceededException', `You can apply up to ${MAX_CUSTOM_ATTRIBUTES} custom attributes for each resource.`);
      }
    }
    for (const { ci, attribute } of targets) {
      const value = attribute.value;
      const existing = ci.attributes.find((a) => a.name === attribute.name);
      if (existing) {
        if (value === undefined) delete existing.value;
        else existing.value = value;
      } else {
        ci.attributes.push(value === undefined ? { name: attribute.name } : { name: attribute.name, value });
      }
      // Placement and ListContainerInstances filters see the attribute from now on. No event: ECS sends none for it.
      ci.placementShape = undefined;
    }
    return { attributes: (input.attributes ?? []).map((a) => ({ ...a })) };
  }

  DeleteAttributes(input: ECS.DeleteAttributesRequest): Out<ECS.DeleteAttributesResponse> {
    const cluster = this.ecs.cluster(input.cluster);
    for (const { ci, attribute } of this.attributeTargets(cluster, input.attributes, false)) {
      const index = ci.attributes.findIndex((a) => a.name === attribute.name && isCustomAttribute(a.name));
      if (index >= 0) ci.attributes.splice(index, 1);
      ci.placementShape = undefined;
    }
    return { attributes: (input.attributes ?? []).map((a) => ({ ...a })) };
  }

  /** Validates the attributes of a Put/DeleteAttributes call and resolves each one's container instance. */
  private attributeTargets(cluster: ClusterState, attributes: readonly ECS.Attribute[] | undefined, put: boolean): { ci: ContainerInstanceState; attribute: ECS.Attribute & { name: string } }[] {
    if (attributes === undefined || attributes.length === 0) throw invalidParameter('Attributes cannot be empty.');
    limitItems(attributes, MAX_ATTRIBUTES_PER_CALL, 'attributes');
    return attributes.map((attribute) => {
      const { name, value, targetType, targetId } = attribute;
      if (name === undefined || !ATTRIBUTE_NAME.test(name)) {
        throw invalidParameter(`Attribute name ${name ?? ''} is invalid: up to 128 letters, numbers, hyphens, underscores, periods, forward or back slashes.`);
      }
      if (put && !isCustomAttribute(name)) throw invalidParameter(`Attribute name ${name} is reserved for Amazon ECS.`);
      if (put && value !== undefined && (!ATTRIBUTE_VALUE.test(value) || value.startsWith(' ') || value.endsWith(' '))) {
        throw invalidParameter(`Attribute value ${value} is invalid: up to 128 letters, numbers, hyphens, underscores, periods, at signs, slashes, colons and inner spaces.`);
      }
      if (targetType !== undefined && targetType !== 'container-instance') throw invalidParameter(`Invalid targetType: ${String(targetType)}.`);
      if (targetId === undefined || targetId === '') throw invalidParameter('targetId must be specified.');
      const ci = this.ecs.findInstance(cluster, targetId);
      if (!ci || ci.status === 'INACTIVE') throw new AwsApiError('TargetNotFoundException', `Could not find ${targetId}.`);
      return { ci, attribute: { ...attribute, name } };
    });
  }
}

const MAX_ATTRIBUTES_PER_CALL = 10;
const MAX_CUSTOM_ATTRIBUTES = 10;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_./\\-]{1,128}$/;
const ATTRIBUTE_VALUE = /^[A-Za-z0-9_.@/\\: -]{1,128}$/;

/** Custom attributes are the ones ECS does not set itself (`ecs.*`, `com.amazonaws.ecs.*`). */
function isCustomAttribute(name: string | undefined): boolean {
  return name !== undefined && !name.startsWith('ecs.') && !name.startsWith('com.amazonaws.ecs.');
}

/** `task:group` for ListContainerInstances filters: the groups of the tasks on each instance (not STOPPED). */
function groupsContext(cluster: ClusterState): QueryContext {
  const byArn = new Map<string, ContainerInstanceState>();
  for (const ci of cluster.instances.values()) byArn.set(ci.arn, ci);
  const cache = new Map<string, ReadonlySet<string>>();
  return {
    groupsOnInstance(arn: string): ReadonlySet<string> {
      let groups = cache.get(arn);
      if (groups === undefined) {
        const set = new Set<string>();
        for (const task of byArn.get(arn)?.tasks ?? []) if (task.desiredStatus !== 'STOPPED') set.add(task.group);
        groups = set;
        cache.set(arn, groups);
      }
      return groups;
    },
  };
}
