/**
 * ECS objects as the API returns them (SDK shapes with `Date`s) and as events carry them (the same with ISO strings,
 * plus `updatedAt`).
 */
import type * as ECS from '@aws-sdk/client-ecs';
import type { ContainerInstanceState, DeploymentState, ServiceState, TaskState } from './ecs-model.js';
import { isoMillis } from './events.js';

export const RESERVED_PORTS = ['22', '2375', '2376', '51678', '51679'];
export const AGENT_VERSION = '1.87.0';
export const AGENT_HASH = 'a1b2c3d4';
export const DOCKER_VERSION = 'DockerVersion: 25.0.8';

const date = (ms: number | undefined): Date | undefined => (ms === undefined ? undefined : new Date(ms));

function integer(name: string, value: number): ECS.Resource {
  return { name, type: 'INTEGER', doubleValue: 0, longValue: 0, integerValue: value };
}

function stringSet(name: string, values: string[]): ECS.Resource {
  return { name, type: 'STRINGSET', doubleValue: 0, longValue: 0, integerValue: 0, stringSetValue: values };
}

function ports(used: Map<number, number>, reserved: string[]): string[] {
  if (used.size === 0) return [...reserved];
  const out = [...reserved];
  for (const port of used.keys()) out.push(String(port));
  return out;
}

export function containerInstanceShape(ci: ContainerInstanceState, includeTags: boolean): ECS.ContainerInstance {
  let running = 0;
  let pending = 0;
  for (const task of ci.tasks) {
    if (task.lastStatus === 'RUNNING') running++;
    else if (task.lastStatus === 'PENDING' || task.lastStatus === 'PROVISIONING' || task.lastStatus === 'ACTIVATING') pending++;
  }
  const shape: ECS.ContainerInstance = {
    containerInstanceArn: ci.arn,
    ec2InstanceId: ci.ec2InstanceId,
    ...(ci.capacityProviderName === undefined ? {} : { capacityProviderName: ci.capacityProviderName }),
    version: ci.version,
    versionInfo: { agentVersion: AGENT_VERSION, agentHash: AGENT_HASH, dockerVersion: DOCKER_VERSION },
    remainingResources: [
      integer('CPU', ci.type.cpu - ci.usedCpu),
      integer('MEMORY', ci.type.memory - ci.usedMemory),
      stringSet('PORTS', ports(ci.tcpPorts, RESERVED_PORTS)),
      stringSet('PORTS_UDP', ports(ci.udpPorts, [])),
    ],
    registeredResources: [
      integer('CPU', ci.type.cpu),
      integer('MEMORY', ci.type.memory),
      stringSet('PORTS', [...RESERVED_PORTS]),
      stringSet('PORTS_UDP', []),
    ],
    status: ci.status,
    ...(ci.statusReason === undefined ? {} : { statusReason: ci.statusReason }),
    agentConnected: ci.agentConnected,
    runningTasksCount: running,
    pendingTasksCount: pending,
    attributes: ci.attributes.map((a) => ({ ...a })),
    registeredAt: new Date(ci.registeredAt),
    attachments: [],
  };
  if (includeTags) shape.tags = ci.tags.map((t) => ({ ...t }));
  return shape;
}

export function taskShape(task: TaskState, includeTags: boolean, forEvent = false): ECS.Task {
  const td = task.taskDefinition;
  const cpu = td.definition.cpu ?? String(td.requirements.cpu);
  const memory = td.definition.memory ?? String(td.requirements.memory);
  const attachments: ECS.Attachment[] = [];
  if (task.eni) {
    attachments.push({
      id: task.eni.attachmentId,
      type: forEvent ? 'eni' : 'ElasticNetworkInterface',
      status: task.eni.status,
      details: [
        { name: 'subnetId', value: task.eni.subnetId },
        { name: 'networkInterfaceId', value: task.eni.networkInterfaceId },
        { name: 'macAddress', value: task.eni.macAddress },
        { name: 'privateDnsName', value: `ip-${task.eni.privateIpv4Address.replaceAll('.', '-')}.ec2.internal` },
        { name: 'privateIPv4Address', value: task.eni.privateIpv4Address },
      ],
    });
  }
  const shape: ECS.Task = {
    attachments,
    attributes: [{ name: 'ecs.cpu-architecture', value: task.instance?.type.architecture ?? 'x86_64' }],
    availabilityZone: task.availabilityZone,
    ...(task.capacityProviderName === undefined ? {} : { capacityProviderName: task.capacityProviderName }),
    clusterArn: task.cluster.arn,
    connectivity: 'CONNECTED',
    connectivityAt: new Date(task.createdAt),
    ...(task.instance === undefined ? {} : { containerInstanceArn: task.instance.arn }),
    containers: task.containers.map((c) => {
      const container: ECS.Container = {
        containerArn: c.arn,
        taskArn: task.arn,
        name: c.name,
        image: c.image,
        lastStatus: c.lastStatus,
        networkBindings: c.networkBindings.map((b) => ({ ...b })),
        networkInterfaces: task.eni ? [{ attachmentId: task.eni.attachmentId, privateIpv4Address: task.eni.privateIpv4Address }] : [],
        healthStatus: 'UNKNOWN',
        cpu: String(c.cpu),
      };
      if (c.runtimeId !== undefined) container.runtimeId = c.runtimeId;
      if (c.imageDigest !== undefined) container.imageDigest = c.imageDigest;
      if (c.exitCode !== undefined) container.exitCode = c.exitCode;
      if (c.reason !== undefined) container.reason = c.reason;
      if (c.memory !== undefined) container.memory = String(c.memory);
      if (c.memoryReservation !== undefined) container.memoryReservation = String(c.memoryReservation);
      return container;
    }),
    cpu,
    createdAt: new Date(task.createdAt),
    desiredStatus: task.desiredStatus,
    enableExecuteCommand: false,
    group: task.group,
    healthStatus: 'UNKNOWN',
    lastStatus: task.lastStatus,
    launchType: task.launchType,
    memory,
    overrides: { containerOverrides: task.containers.map((c) => ({ name: c.name })), inferenceAcceleratorOverrides: [] },
    ...(task.launchType === 'FARGATE' ? { platformVersion: '1.4.0', platformFamily: 'Linux', ephemeralStorage: { sizeInGiB: 20 } } : {}),
    ...(task.startedBy === undefined ? {} : { startedBy: task.startedBy }),
    taskArn: task.arn,
    taskDefinitionArn: td.arn,
    version: task.version,
  };
  if (task.pullStartedAt !== undefined) shape.pullStartedAt = date(task.pullStartedAt);
  if (task.pullStoppedAt !== undefined) shape.pullStoppedAt = date(task.pullStoppedAt);
  if (task.startedAt !== undefined) shape.startedAt = date(task.startedAt);
  if (task.stoppingAt !== undefined) shape.stoppingAt = date(task.stoppingAt);
  if (task.executionStoppedAt !== undefined) shape.executionStoppedAt = date(task.executionStoppedAt);
  if (task.stoppedAt !== undefined) shape.stoppedAt = date(task.stoppedAt);
  if (task.stopCode !== undefined) shape.stopCode = task.stopCode as ECS.TaskStopCode;
  if (task.stoppedReason !== undefined) shape.stoppedReason = task.stoppedReason;
  if (includeTags) shape.tags = task.tags.map((t) => ({ ...t }));
  return shape;
}

function deploymentCounts(service: ServiceState, deployment: DeploymentState): { running: number; pending: number } {
  let running = 0;
  let pending = 0;
  for (const task of service.tasks) {
    if (task.deployment !== deployment || task.desiredStatus !== 'RUNNING') continue;
    if (task.lastStatus === 'RUNNING') running++;
    else if (task.lastStatus !== 'STOPPED') pending++;
  }
  return { running, pending };
}

export function deploymentShape(service: ServiceState, deployment: DeploymentState): ECS.Deployment {
  const counts = deploymentCounts(service, deployment);
  return {
    id: deployment.id,
    status: deployment.status,
    taskDefinition: deployment.taskDefinition.arn,
    desiredCount: deployment.status === 'PRIMARY' ? service.desiredCount : 0,
    pendingCount: counts.pending,
    runningCount: counts.running,
    failedTasks: deployment.failedTasks,
    createdAt: new Date(deployment.createdAt),
    updatedAt: new Date(deployment.updatedAt),
    ...(service.launchType === undefined ? {} : { launchType: service.launchType }),
    ...(service.capacityProviderStrategy === undefined ? {} : { capacityProviderStrategy: service.capacityProviderStrategy.map((s) => ({ ...s })) }),
    ...(service.networkConfiguration === undefined ? {} : { networkConfiguration: service.networkConfiguration }),
    rolloutState: deployment.rolloutState,
    rolloutStateReason: deployment.rolloutStateReason,
  };
}

export function serviceShape(service: ServiceState, includeTags: boolean): ECS.Service {
  let running = 0;
  let pending = 0;
  for (const task of service.tasks) {
    if (task.desiredStatus !== 'RUNNING') continue;
    if (task.lastStatus === 'RUNNING') running++;
    else if (task.lastStatus !== 'STOPPED') pending++;
  }
  const primary = service.deployments[0];
  const shape: ECS.Service = {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: service.cluster.arn,
    loadBalancers: [],
    serviceRegistries: [],
    status: service.status,
    desiredCount: service.desiredCount,
    runningCount: running,
    pendingCount: pending,
    ...(service.launchType === undefined ? {} : { launchType: service.launchType }),
    ...(service.capacityProviderStrategy === undefined ? {} : { capacityProviderStrategy: service.capacityProviderStrategy.map((s) => ({ ...s })) }),
    ...(primary === undefined ? {} : { taskDefinition: primary.taskDefinition.arn }),
    deploymentConfiguration: structuredClone(service.deploymentConfiguration),
    deployments: service.deployments.map((d) => deploymentShape(service, d)),
    events: service.events.map((e) => ({ ...e })),
    createdAt: new Date(service.createdAt),
    placementConstraints: service.placementConstraints.map((c) => ({ ...c })),
    placementStrategy: service.placementStrategy.map((s) => ({ ...s })),
    ...(service.networkConfiguration === undefined ? {} : { networkConfiguration: structuredClone(service.networkConfiguration) }),
    schedulingStrategy: service.schedulingStrategy,
    ...(service.availabilityZoneRebalancing === undefined ? {} : { availabilityZoneRebalancing: service.availabilityZoneRebalancing }),
    deploymentController: { type: 'ECS' },
    createdBy: `arn:aws:iam::${service.arn.split(':')[4] ?? ''}:root`,
    enableECSManagedTags: false,
    propagateTags: 'NONE',
    enableExecuteCommand: false,
  };
  if (includeTags) shape.tags = service.tags.map((t) => ({ ...t }));
  return shape;
}

/** A shape with every `Date` turned into an ISO string (events carry strings), `undefined` members dropped. */
export function toEventJson(value: unknown): unknown {
  if (value instanceof Date) return isoMillis(value.getTime());
  if (Array.isArray(value)) return value.map(toEventJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) if (member !== undefined) out[key] = toEventJson(member);
    return out;
  }
  return value;
}

export function taskEventDetail(task: TaskState): Record<string, unknown> {
  const detail = toEventJson(taskShape(task, false, true)) as Record<string, unknown>;
  detail.updatedAt = isoMillis(task.updatedAt);
  return detail;
}

export function containerInstanceEventDetail(ci: ContainerInstanceState): Record<string, unknown> {
  const detail = toEventJson(containerInstanceShape(ci, false)) as Record<string, unknown>;
  detail.clusterArn = ci.cluster.arn;
  detail.updatedAt = isoMillis(ci.updatedAt);
  detail.accountType = 'ec2_instance';
  return detail;
}
