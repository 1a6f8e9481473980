/**
 * Placement policy I/O, read side: a {@link ClusterSnapshot} from ECS with the fewest calls the batch limits allow.
 *
 * Whole cluster (S services, I container instances, T tasks not stopped):
 *   ⌈S/100⌉ ListServices + ⌈S/10⌉ DescribeServices (tags included) + ⌈I/100⌉ ListContainerInstances + ⌈I/100⌉
 *   DescribeContainerInstances + ⌈T/100⌉ ListTasks (desiredStatus RUNNING) + ⌈T/100⌉ DescribeTasks.
 * One service (the `ECS Task State Change` and `ECS Service Action` paths): 1 DescribeServices + ⌈t/100⌉ ListTasks
 *   (`serviceName`) + ⌈t/100⌉ DescribeTasks, and the cluster's instances (the eligible AZs and the engine need them).
 * Enforce mode only, for the services with an enforce-mode violation: ListTasks (`serviceName`, desiredStatus STOPPED)
 *   + DescribeTasks (our recent stops, for the cooldown: ECS keeps stopped tasks about an hour) and one
 *   DescribeTaskDefinition per task definition (to predict replacements). An audit makes none of these.
 */
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  paginateListContainerInstances,
  paginateListServices,
  paginateListTasks,
  type ContainerInstance,
  type ECSClient,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import { azRebalancingInProgress, type ClusterSnapshot, type PolicyInstance, type PolicyService, type PolicyTask } from './model.js';

/** Batch and page limits of the APIs used. */
export const LIMITS = {
  listServices: 100,
  describeServices: 10,
  listContainerInstances: 100,
  describeContainerInstances: 100,
  listTasks: 100,
  describeTasks: 100,
} as const;
/** Concurrent Describe calls of one pass: the clients' adaptive retries slow down under throttling anyway. */
const CONCURRENCY = 8;

export interface PolicyGatherDeps {
  ecs: ECSClient;
  /** Epoch ms. */
  now: () => number;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
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

function millis(value: Date | string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value * 1000 : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function attribute(instance: ContainerInstance, name: string): string | undefined {
  return instance.attributes?.find((a) => a.name === name)?.value;
}

export function toPolicyInstance(ci: ContainerInstance): PolicyInstance | undefined {
  if (ci.containerInstanceArn === undefined) return undefined;
  return {
    containerInstanceArn: ci.containerInstanceArn,
    ec2InstanceId: ci.ec2InstanceId,
    status: ci.status ?? 'ACTIVE',
    agentConnected: ci.agentConnected ?? false,
    availabilityZone: attribute(ci, 'ecs.availability-zone'),
    instanceType: attribute(ci, 'ecs.instance-type'),
    capacityProviderName: ci.capacityProviderName,
    raw: ci,
  };
}

export function toPolicyTask(task: Task): PolicyTask | undefined {
  if (task.taskArn === undefined) return undefined;
  return {
    taskArn: task.taskArn,
    group: task.group,
    containerInstanceArn: task.containerInstanceArn,
    availabilityZone: task.availabilityZone,
    capacityProviderName: task.capacityProviderName,
    launchType: task.launchType,
    lastStatus: task.lastStatus ?? 'PENDING',
    desiredStatus: task.desiredStatus ?? 'RUNNING',
    taskDefinitionArn: task.taskDefinitionArn,
    startedAt: millis(task.startedAt ?? task.createdAt),
    stoppedAt: millis(task.stoppedAt ?? task.stoppingAt),
    stoppedReason: task.stoppedReason,
  };
}

export function toPolicyService(s: Service): PolicyService | undefined {
  if (s.serviceName === undefined) return undefined;
  return {
    serviceName: s.serviceName,
    serviceArn: s.serviceArn,
    status: s.status ?? 'ACTIVE',
    schedulingStrategy: s.schedulingStrategy === 'DAEMON' ? 'DAEMON' : 'REPLICA',
    desiredCount: s.desiredCount ?? 0,
    runningCount: s.runningCount ?? 0,
    pendingCount: s.pendingCount ?? 0,
    minimumHealthyPercent: s.deploymentConfiguration?.minimumHealthyPercent ?? 100,
    maximumPercent: s.deploymentConfiguration?.maximumPercent ?? 200,
    deployments: (s.deployments ?? []).map((d) => ({ status: d.status ?? 'PRIMARY', rolloutState: d.rolloutState, taskDefinition: d.taskDefinition })),
    availabilityZoneRebalancing: s.availabilityZoneRebalancing,
    azRebalancingInProgress: azRebalancingInProgress(s.events),
    tags: Object.fromEntries((s.tags ?? []).flatMap((t) => (t.key !== undefined ? [[t.key, t.value ?? '']] : []))),
    taskDefinitionArn: s.taskDefinition,
    launchType: s.launchType,
    capacityProviderStrategy: (s.capacityProviderStrategy ?? []).flatMap((p) => (p.capacityProvider !== undefined ? [{ capacityProvider: p.capacityProvider, weight: p.weight ?? 0, base: p.base ?? 0 }] : [])),
    placementConstraints: s.placementConstraints ?? [],
    placementStrategy: s.placementStrategy ?? [],
  };
}

/** Service ARNs or names → services (⌈n/10⌉ DescribeServices, tags included). Services ECS does not know are left out. */
export async function describeServices(ecs: ECSClient, cluster: string, services: readonly string[]): Promise<PolicyService[]> {
  const pages = await mapLimit(chunk(services, LIMITS.describeServices), CONCURRENCY, (batch) => ecs.send(new DescribeServicesCommand({ cluster, services: batch, include: ['TAGS'] })));
  return pages.flatMap((page) => (page.services ?? []).flatMap((s) => toPolicyService(s) ?? []));
}

/** Task ARNs → tasks (⌈n/100⌉ DescribeTasks). */
export async function describeTasks(ecs: ECSClient, cluster: string, arns: readonly string[]): Promise<PolicyTask[]> {
  const pages = await mapLimit(chunk(arns, LIMITS.describeTasks), CONCURRENCY, (batch) => ecs.send(new DescribeTasksCommand({ cluster, tasks: batch })));
  return pages.flatMap((page) => (page.tasks ?? []).flatMap((t) => toPolicyTask(t) ?? []));
}

/** Every container instance of the cluster (⌈I/100⌉ List + ⌈I/100⌉ Describe). */
export async function gatherInstances(ecs: ECSClient, cluster: string): Promise<PolicyInstance[]> {
  const arns: string[] = [];
  for await (const page of paginateListContainerInstances({ client: ecs, pageSize: LIMITS.listContainerInstances }, { cluster, maxResults: LIMITS.listContainerInstances })) {
    arns.push(...(page.containerInstanceArns ?? []));
  }
  const pages = await mapLimit(chunk(arns, LIMITS.describeContainerInstances), CONCURRENCY, (batch) => ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: batch })));
  return pages.flatMap((page) => (page.containerInstances ?? []).flatMap((ci) => toPolicyInstance(ci) ?? []));
}

async function listTaskArns(ecs: ECSClient, cluster: string, filter: { serviceName?: string; desiredStatus: 'RUNNING' | 'STOPPED' }): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListTasks({ client: ecs, pageSize: LIMITS.listTasks }, { cluster, maxResults: LIMITS.listTasks, ...filter })) arns.push(...(page.taskArns ?? []));
  return arns;
}

/** The whole cluster: every service, instance and task not stopped. */
export async function gatherCluster(deps: PolicyGatherDeps, cluster: string): Promise<ClusterSnapshot> {
  const { ecs } = deps;
  const servicesPromise = (async () => {
    const arns: string[] = [];
    for await (const page of paginateListServices({ client: ecs, pageSize: LIMITS.listServices }, { cluster, maxResults: LIMITS.listServices })) arns.push(...(page.serviceArns ?? []));
    return describeServices(ecs, cluster, arns);
  })();
  const instancesPromise = gatherInstances(ecs, cluster);
  const tasksPromise = (async () => describeTasks(ecs, cluster, await listTaskArns(ecs, cluster, { desiredStatus: 'RUNNING' })))();
  const [services, instances, tasks] = await Promise.all([servicesPromise, instancesPromise, tasksPromise]);
  return { cluster, now: deps.now(), services, instances, tasks, taskDefinitions: new Map() };
}

/** Some services of the cluster (names), their tasks, and the cluster's instances. */
export async function gatherServices(deps: PolicyGatherDeps, cluster: string, names: readonly string[]): Promise<ClusterSnapshot> {
  const { ecs } = deps;
  const tasksPromise = (async () => {
    const arns = (await mapLimit(names, CONCURRENCY, (serviceName) => listTaskArns(ecs, cluster, { serviceName, desiredStatus: 'RUNNING' }))).flat();
    return describeTasks(ecs, cluster, arns);
  })();
  const [services, instances, tasks] = await Promise.all([describeServices(ecs, cluster, names), gatherInstances(ecs, cluster), tasksPromise]);
  return { cluster, now: deps.now(), services, instances, tasks, taskDefinitions: new Map() };
}

/**
 * What only enforcement needs, for the services named: their recently stopped tasks (the cooldown reads our own stops)
 * and the task definitions of their tasks (the engine needs them to predict replacements).
 */
export async function gatherForEnforcement(deps: PolicyGatherDeps, snapshot: ClusterSnapshot, services: readonly string[]): Promise<ClusterSnapshot> {
  const { ecs } = deps;
  const wanted = new Set(services);
  const stoppedPromise = mapLimit(services, CONCURRENCY, async (serviceName) => {
    const arns = await listTaskArns(ecs, snapshot.cluster, { serviceName, desiredStatus: 'STOPPED' });
    return [serviceName, await describeTasks(ecs, snapshot.cluster, arns)] as const;
  });
  const tdArns = [...new Set(snapshot.tasks.filter((t) => t.group !== undefined && wanted.has(t.group.slice('service:'.length))).flatMap((t) => (t.taskDefinitionArn !== undefined ? [t.taskDefinitionArn] : [])))];
  const tdPromise = mapLimit(tdArns, CONCURRENCY, async (arn) => {
    const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
    return [arn, out.taskDefinition] as const;
  });
  const [stopped, tds] = await Promise.all([stoppedPromise, tdPromise]);
  const taskDefinitions = new Map(snapshot.taskDefinitions);
  for (const [arn, td] of tds) if (td) taskDefinitions.set(arn, td);
  return { ...snapshot, recentStops: new Map(stopped.map(([name, tasks]) => [name, [...tasks]])), taskDefinitions };
}
