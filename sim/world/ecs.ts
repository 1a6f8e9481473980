/**
 * ECS state and lifecycles: clusters, task definitions, container instances (registration, status, resources,
 * deregistration when their EC2 instance goes), and tasks (PROVISIONING → PENDING → RUNNING → DEACTIVATING →
 * STOPPING → STOPPED on the virtual clock, resources reserved on their instance until STOPPED). Every change bumps
 * the object's `version` and emits its state change event.
 *
 * Services are driven by scheduler.ts: this module only tells it which services need a look (`dirty`).
 */
import type * as ECS from '@aws-sdk/client-ecs';
import { taskRequirements } from '../../lib/placement/engine/index.js';
import type { ContainerInstance as PlacementInstance } from '../../lib/placement/model.js';
import type { AsgCapacityProvider } from './capacity-providers.js';
import type { Core } from './core.js';
import type {
  ClusterState,
  ContainerInstanceState,
  ContainerState,
  DeploymentState,
  RegisterTaskDefinitionInput,
  ServiceState,
  TaskDefinitionState,
  TaskState,
} from './ecs-model.js';
import { containerInstanceEventDetail, containerInstanceShape, taskEventDetail } from './ecs-shapes.js';
import { clientException, clusterNotFound, invalidParameter } from './errors.js';
import { ECS_SOURCE } from './events.js';
import type { InstanceTypeInfo } from './instance-types.js';
import type { Stats } from './stats.js';

export const STOPPED_TASK_RETENTION_MS = 60 * 60 * 1000;
const DEFAULT_START_SECONDS = 10;
const DEFAULT_STOP_SECONDS = 5;
/**
 * The ECS agent's default container stop timeout, ECS_CONTAINER_STOP_TIMEOUT = 30s, used when a container definition
 * sets no `stopTimeout` (ContainerDefinition.stopTimeout, API reference: "the time to wait before the container is
 * forcefully killed if it doesn't exit normally on its own"; EC2 max 120 s, agent default 30 s; ecs-agent-config docs).
 */
export const AGENT_STOP_TIMEOUT_SECONDS = 30;
/** The exit code of a container killed by SIGKILL (128 + 9), as `docker inspect` and DescribeTasks report it. */
const SIGKILL_EXIT_CODE = 137;
/** Task scale-in protection: default and maximum `expiresInMinutes` (UpdateTaskProtection API reference). */
export const TASK_PROTECTION_DEFAULT_MINUTES = 120;
export const TASK_PROTECTION_MAX_MINUTES = 2880;

const CAPABILITIES = [
  'com.amazonaws.ecs.capability.privileged-container',
  'com.amazonaws.ecs.capability.docker-remote-api.1.17',
  'com.amazonaws.ecs.capability.docker-remote-api.1.18',
  'com.amazonaws.ecs.capability.docker-remote-api.1.19',
  'com.amazonaws.ecs.capability.docker-remote-api.1.20',
  'com.amazonaws.ecs.capability.docker-remote-api.1.21',
  'com.amazonaws.ecs.capability.docker-remote-api.1.22',
  'com.amazonaws.ecs.capability.docker-remote-api.1.23',
  'com.amazonaws.ecs.capability.docker-remote-api.1.24',
  'com.amazonaws.ecs.capability.docker-remote-api.1.25',
  'com.amazonaws.ecs.capability.docker-remote-api.1.29',
  'com.amazonaws.ecs.capability.docker-remote-api.1.32',
  'com.amazonaws.ecs.capability.docker-remote-api.1.44',
  'com.amazonaws.ecs.capability.logging-driver.awslogs',
  'com.amazonaws.ecs.capability.logging-driver.json-file',
  'com.amazonaws.ecs.capability.logging-driver.syslog',
  'com.amazonaws.ecs.capability.ecr-auth',
  'com.amazonaws.ecs.capability.task-iam-role',
  'com.amazonaws.ecs.capability.task-iam-role-network-host',
  'ecs.capability.execution-role-awslogs',
  'ecs.capability.execution-role-ecr-pull',
  'ecs.capability.secrets.ssm.environment-variables',
  'ecs.capability.task-eni',
  'ecs.capability.container-health-check',
  'ecs.capability.container-ordering',
];

export interface InstanceRegistration {
  cluster: ClusterState;
  ec2InstanceId: string;
  type: InstanceTypeInfo;
  availabilityZone: string;
  subnetId: string;
  vpcId: string;
  amiId: string;
  capacityProviderName: string | undefined;
  asgName: string | undefined;
  attributes: Readonly<Record<string, string>>;
  /** ENI trunking (`ecs.awsvpc-trunk-id`): more awsvpc tasks per instance. */
  trunking: boolean;
  /** Part of the initial fleet: registered without an event. */
  initial: boolean;
}

export interface NewTask {
  cluster: ClusterState;
  taskDefinition: TaskDefinitionState;
  group: string;
  startedBy: string | undefined;
  launchType: 'EC2' | 'FARGATE';
  capacityProviderName: string | undefined;
  instance: ContainerInstanceState | undefined;
  availabilityZone: string;
  subnetId: string | undefined;
  service: ServiceState | undefined;
  deployment: DeploymentState | undefined;
  tags: ECS.Tag[];
  overrides?: ECS.TaskOverride | undefined;
  /** Part of the initial state: created RUNNING, without events. */
  initial?: boolean;
}


export class EcsWorld {
  readonly clusters = new Map<string, ClusterState>();
  readonly families = new Map<string, TaskDefinitionState[]>();
  readonly taskDefinitionsByArn = new Map<string, TaskDefinitionState>();
  readonly capacityProviders = new Map<string, AsgCapacityProvider>();
  /** Fargate capacity by provider (`setFargateCapacity`). */
  readonly fargateAvailable: Record<'FARGATE' | 'FARGATE_SPOT', boolean> = { FARGATE: true, FARGATE_SPOT: true };
  /** Services the scheduler must look at. */
  readonly dirty = new Set<ServiceState>();
  /** Services whose last placement failed: looked at again when capacity frees up. */
  readonly blocked = new Set<ServiceState>();
  /** The VPC every instance and subnet is in. */
  readonly vpcId: string;
  /** Called when the set of tasks on an instance shrank (for lifecycle actions' emptyAt). */
  onInstanceTasksChanged: ((ci: ContainerInstanceState) => void) | undefined;
  /** Called when an instance registered (ECS's managed termination protection). */
  onInstanceRegistered: ((ci: ContainerInstanceState) => void) | undefined;
  /** Called when a task was placed on an instance (ECS's managed termination protection). */
  onInstanceTaskPlaced: ((ci: ContainerInstanceState) => void) | undefined;
  private readonly subnets = new Map<string, string>();

  constructor(
    readonly core: Core,
    readonly stats: Stats,
  ) {
    this.vpcId = `vpc-0${core.random.hex(16)}`;
  }

  // ---- clusters ----------------------------------------------------------------------------------------------------

  createCluster(name: string, options: { tags?: ECS.Tag[]; capacityProviders?: string[]; defaultCapacityProviderStrategy?: ECS.CapacityProviderStrategyItem[] } = {}): ClusterState {
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) throw invalidParameter('Cluster name can be up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens.');
    const existing = this.clusters.get(name);
    if (existing) return existing;
    const cluster: ClusterState = {
      name,
      arn: this.core.arn('ecs', `cluster/${name}`),
      seq: this.core.nextSeq(),
      createdAt: this.core.now(),
      tags: options.tags ?? [],
      capacityProviders: options.capacityProviders ?? [],
      defaultCapacityProviderStrategy: options.defaultCapacityProviderStrategy ?? [],
      instances: new Map(),
      tasks: new Map(),
      taskOrder: [],
      purgedInOrder: 0,
      stopped: [],
      stoppedHead: 0,
      services: new Map(),
      groups: new Map(),
      availabilityZones: [],
      clientTokens: new Map(),
    };
    this.clusters.set(name, cluster);
    return cluster;
  }

  /** The cluster named (or whose ARN is) `ref`; `default` when absent. Throws ClusterNotFoundException. */
  cluster(ref: string | undefined): ClusterState {
    const name = ref === undefined || ref === '' ? 'default' : ref.startsWith('arn:') ? arnResource(ref, 'cluster/') : ref;
    const cluster = name === undefined ? undefined : this.clusters.get(name);
    if (!cluster || (ref?.startsWith('arn:') === true && cluster.arn !== ref)) throw clusterNotFound();
    return cluster;
  }

  subnetFor(availabilityZone: string): string {
    let subnet = this.subnets.get(availabilityZone);
    if (subnet === undefined) {
      subnet = `subnet-0${this.core.random.hex(16)}`;
      this.subnets.set(availabilityZone, subnet);
    }
    return subnet;
  }

  /** The Availability Zone of a subnet the world handed out, if it is one. */
  azOfSubnet(subnetId: string): string | undefined {
    for (const [az, subnet] of this.subnets) if (subnet === subnetId) return az;
    return undefined;
  }

  // ---- task definitions --------------------------------------------------------------------------------------------

  registerTaskDefinition(input: RegisterTaskDefinitionInput): TaskDefinitionState {
    const family = input.family;
    if (family === undefined || !/^[A-Za-z0-9_-]{1,255}$/.test(family)) {
      throw clientException('Family contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.');
    }
    const containers = input.containerDefinitions ?? [];
    if (containers.length === 0) throw clientException('Container list cannot be empty.');
    const networkMode = input.networkMode ?? 'bridge';
    const fargate = input.requiresCompatibilities?.includes('FARGATE') === true;
    if (fargate) {
      if (networkMode !== 'awsvpc') throw clientException("Fargate only supports network mode 'awsvpc'.");
      if (input.cpu === undefined || input.memory === undefined) throw clientException('Fargate requires that \'cpu\' be defined at the task level.');
    }
    for (const container of containers) {
      if (container.name === undefined || container.name === '') throw clientException('Container.name should not be null or empty.');
      if (container.image === undefined || container.image === '') throw clientException('Container.image should not be null or empty.');
      if (input.memory === undefined && container.memory === undefined && container.memoryReservation === undefined) {
        throw clientException(`Invalid setting for container '${container.name}'. At least one of 'memory' or 'memoryReservation' must be specified.`);
      }
    }
    const revisions = this.families.get(family) ?? [];
    const revision = revisions.length + 1;
    const arn = this.core.arn('ecs', `task-definition/${family}:${revision}`);
    const now = this.core.now();
    const requiresAttributes: ECS.Attribute[] = [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }];
    if (networkMode === 'awsvpc') requiresAttributes.push({ name: 'ecs.capability.task-eni' });
    if (input.executionRoleArn !== undefined) requiresAttributes.push({ name: 'ecs.capability.execution-role-awslogs' });
    const containerDefinitions: ECS.ContainerDefinition[] = containers.map((c) => ({
      ...structuredClone(c),
      cpu: c.cpu ?? 0,
      essential: c.essential ?? true,
      portMappings: (c.portMappings ?? []).map((p) => ({
        ...p,
        protocol: p.protocol ?? 'tcp',
        ...(networkMode === 'awsvpc' || networkMode === 'host' ? { hostPort: p.hostPort ?? p.containerPort } : {}),
      })),
      environment: c.environment ?? [],
      mountPoints: c.mountPoints ?? [],
      volumesFrom: c.volumesFrom ?? [],
    }));
    const definition: ECS.TaskDefinition = {
      taskDefinitionArn: arn,
      containerDefinitions,
      family,
      ...(input.taskRoleArn === undefined ? {} : { taskRoleArn: input.taskRoleArn }),
      ...(input.executionRoleArn === undefined ? {} : { executionRoleArn: input.executionRoleArn }),
      networkMode,
      revision,
      volumes: input.volumes ?? [],
      status: 'ACTIVE',
      requiresAttributes,
      placementConstraints: input.placementConstraints ?? [],
      compatibilities: fargate ? ['EC2', 'FARGATE'] : ['EC2'],
      ...(input.requiresCompatibilities === undefined ? {} : { requiresCompatibilities: input.requiresCompatibilities }),
      ...(input.cpu === undefined ? {} : { cpu: input.cpu }),
      ...(input.memory === undefined ? {} : { memory: input.memory }),
      registeredAt: new Date(now),
      registeredBy: `arn:aws:iam::${this.core.account}:root`,
    };
    const sim = input.simulation ?? {};
    const state: TaskDefinitionState = {
      arn,
      family,
      revision,
      status: 'ACTIVE',
      registeredAt: now,
      definition,
      placement: definition,
      requirements: taskRequirements(definition),
      simulation: {
        startMs: Math.max(0, (sim.startSeconds ?? DEFAULT_START_SECONDS) * 1000),
        stopMs: Math.max(0, (sim.stopSeconds ?? DEFAULT_STOP_SECONDS) * 1000),
        runMs: sim.runSeconds === undefined ? undefined : Math.max(0, sim.runSeconds * 1000),
        exitCode: sim.exitCode ?? 0,
        failToStart: sim.failToStart,
        ignoreSigterm: sim.ignoreSigterm ?? false,
      },
      tags: input.tags ?? [],
      readsTaskGroups: (input.placementConstraints ?? []).some((c) => (c.expression ?? '').includes('task:group')),
    };
    revisions.push(state);
    this.families.set(family, revisions);
    this.taskDefinitionsByArn.set(arn, state);
    return state;
  }

  /** `family`, `family:revision` or an ARN; a bare family is its latest ACTIVE revision. */
  resolveTaskDefinition(ref: string | undefined): TaskDefinitionState | undefined {
    if (ref === undefined || ref === '') return undefined;
    if (ref.startsWith('arn:')) {
      const byArn = this.taskDefinitionsByArn.get(ref);
      if (byArn) return byArn;
      const resource = arnResource(ref, 'task-definition/');
      return resource === undefined ? undefined : this.resolveTaskDefinition(resource.includes(':') ? resource : undefined);
    }
    const colon = ref.lastIndexOf(':');
    if (colon >= 0) {
      const revision = Number(ref.slice(colon + 1));
      return this.families.get(ref.slice(0, colon))?.[revision - 1];
    }
    const revisions = this.families.get(ref) ?? [];
    for (let i = revisions.length - 1; i >= 0; i--) if (revisions[i]?.status === 'ACTIVE') return revisions[i];
    return undefined;
  }

  // ---- container instances -----------------------------------------------------------------------------------------

  registerContainerInstance(registration: InstanceRegistration): ContainerInstanceState {
    const { cluster } = registration;
    const id = this.core.random.hex(32);
    const now = this.core.now();
    // The attributes placement reads most come first (lookups are linear).
    const attributes: ECS.Attribute[] = [
      { name: 'ecs.availability-zone', value: registration.availabilityZone },
      { name: 'ecs.instance-type', value: registration.type.name },
      { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' },
      { name: 'ecs.capability.task-eni' },
      { name: 'ecs.ami-id', value: registration.amiId },
      { name: 'ecs.os-type', value: 'linux' },
      { name: 'ecs.os-family', value: 'LINUX' },
      { name: 'ecs.cpu-architecture', value: registration.type.architecture },
      { name: 'ecs.vpc-id', value: registration.vpcId },
      { name: 'ecs.subnet-id', value: registration.subnetId },
    ];
    if (registration.trunking) attributes.push({ name: 'ecs.awsvpc-trunk-id', value: `trunk-${this.core.random.hex(17)}` });
    for (const [name, value] of Object.entries(registration.attributes)) attributes.push({ name, value });
    for (const name of CAPABILITIES) if (name !== 'com.amazonaws.ecs.capability.docker-remote-api.1.18' && name !== 'ecs.capability.task-eni') attributes.push({ name });
    const ci: ContainerInstanceState = {
      id,
      arn: this.core.arn('ecs', `container-instance/${cluster.name}/${id}`),
      seq: this.core.nextSeq(),
      cluster,
      ec2InstanceId: registration.ec2InstanceId,
      type: registration.type,
      availabilityZone: registration.availabilityZone,
      subnetId: registration.subnetId,
      vpcId: registration.vpcId,
      amiId: registration.amiId,
      status: 'ACTIVE',
      statusReason: undefined,
      agentConnected: true,
      registeredAt: now,
      updatedAt: now,
      version: 1,
      usedCpu: 0,
      usedMemory: 0,
      usedEni: 0,
      tcpPorts: new Map(),
      udpPorts: new Map(),
      attributes,
      capacityProviderName: registration.capacityProviderName,
      asgName: registration.asgName,
      tasks: new Set(),
      tags: [],
      placementShape: undefined,
      placementShapeVersion: 0,
    };
    cluster.instances.set(id, ci);
    if (!cluster.availabilityZones.includes(registration.availabilityZone)) cluster.availabilityZones.push(registration.availabilityZone);
    // New capacity may make room to rebalance a service across AZs: ECS "monitors" the spread and rebalances when it
    // can (ECS Developer Guide, "service-rebalancing").
    for (const service of cluster.services.values()) if (service.availabilityZoneRebalancing === 'ENABLED') this.markDirty(service);
    this.stats.counters.containerInstancesRegistered++;
    if (!registration.initial) this.emitInstance(ci);
    this.capacityChanged(cluster, ci);
    this.onInstanceRegistered?.(ci);
    return ci;
  }

  /** The instance of `cluster` named by id or ARN. */
  findInstance(cluster: ClusterState, ref: string): ContainerInstanceState | undefined {
    if (ref.startsWith('arn:')) {
      const resource = arnResource(ref, 'container-instance/');
      if (resource === undefined) return undefined;
      const parts = resource.split('/');
      const id = parts[parts.length - 1] ?? '';
      const ci = cluster.instances.get(id);
      return ci?.arn === ref ? ci : undefined;
    }
    return cluster.instances.get(ref);
  }

  /** ACTIVE ↔ DRAINING. Returns false when nothing changed. */
  setInstanceStatus(ci: ContainerInstanceState, status: 'ACTIVE' | 'DRAINING'): boolean {
    if (ci.status === status || ci.status === 'INACTIVE') return false;
    ci.status = status;
    if (status === 'DRAINING') this.stats.counters.containerInstancesDrained++;
    // An instance back to ACTIVE is capacity a service may be rebalanced onto (ECS Developer Guide, "service-rebalancing").
    if (status === 'ACTIVE') for (const service of ci.cluster.services.values()) if (service.availabilityZoneRebalancing === 'ENABLED') this.markDirty(service);
    this.bumpInstance(ci);
    for (const task of [...ci.tasks]) {
      const service = task.service;
      if (!service) continue;
      this.markDirty(service);
      // ECS: "Service tasks on the container instance that are in the PENDING state are stopped immediately."
      if (status === 'DRAINING' && service.schedulingStrategy === 'REPLICA' && task.desiredStatus === 'RUNNING' && task.lastStatus !== 'RUNNING') {
        this.stopTask(task, 'ServiceSchedulerInitiated', `Service ${service.name}: container instance is in DRAINING state`);
      }
    }
    this.capacityChanged(ci.cluster, ci);
    return true;
  }

  /**
   * The ECS agent loses or regains its connection to ECS ("The Amazon ECS container agent disconnects and reconnects
   * several times per hour as a part of its normal operation", container instance state change events). While it is
   * disconnected the tasks keep running, nothing is placed on the instance and stops wait for the reconnection; each
   * change is a container instance state change event. Returns false when nothing changed.
   */
  setAgentConnected(ci: ContainerInstanceState, connected: boolean): boolean {
    if (ci.status === 'INACTIVE' || ci.agentConnected === connected) return false;
    ci.agentConnected = connected;
    if (connected) this.stats.counters.agentReconnects++;
    else this.stats.counters.agentDisconnects++;
    this.bumpInstance(ci);
    if (connected) {
      // The stops asked for meanwhile reach the host now.
      for (const task of [...ci.tasks]) {
        if (task.desiredStatus === 'STOPPED' && task.lastStatus === 'RUNNING' && task.cancelTimer === undefined) this.beginStopping(task);
      }
      this.capacityChanged(ci.cluster, ci);
    }
    return true;
  }

  /**
   * The agent on the same EC2 instance registers again without its saved state (e.g. its data directory was wiped): a
   * new container instance ARN, the old registration deregistered (INACTIVE). The tasks of the old registration are
   * orphaned ("no longer monitored or accounted for by Amazon ECS … the service scheduler starts another copy of that
   * task", DeregisterContainerInstance API reference): ECS shows them STOPPED and services replace them. They are not
   * counted as killed: their containers were not stopped by the host going away.
   */
  reregisterInstance(ci: ContainerInstanceState, registration: Omit<InstanceRegistration, 'initial'>): ContainerInstanceState {
    if (ci.status === 'INACTIVE') throw new Error(`reregisterInstance: ${ci.arn} is deregistered`);
    for (const task of [...ci.tasks]) {
      task.desiredStatus = 'STOPPED';
      task.stopCode ??= 'TaskFailedToStart';
      task.stoppedReason ??= `Container instance ${ci.id} deregistered: the task is orphaned`;
      task.stoppingAt ??= this.core.now();
      this.finishStop(task, { killed: false });
    }
    ci.agentConnected = false;
    ci.status = 'INACTIVE';
    ci.statusReason = 'Instance deregistered: the ECS agent registered the EC2 instance again.';
    this.bumpInstance(ci);
    this.stats.counters.containerInstancesReregistered++;
    return this.registerContainerInstance({ ...registration, initial: false });
  }

  /**
   * The EC2 instance stopped (returned to a warm pool): its tasks are STOPPED ("When you stop a container instance, the
   * tasks that are running on it are transitioned to the STOPPED status", container instance state change events) and
   * counted as killed (they did not get to stop on their own); the agent disconnects; the registration and its status
   * stay (a DRAINING instance is still DRAINING when it starts again).
   */
  instanceStopped(ci: ContainerInstanceState): void {
    if (ci.status === 'INACTIVE') return;
    this.killTasks(ci, `Host EC2 (instance ${ci.ec2InstanceId}) stopped.`);
    if (ci.agentConnected) this.setAgentConnected(ci, false);
  }

  private killTasks(ci: ContainerInstanceState, reason: string): void {
    for (const task of [...ci.tasks]) {
      this.stats.killedTasks.push({
        taskArn: task.arn,
        cluster: ci.cluster.name,
        service: task.service?.name,
        group: task.group,
        lastStatus: task.lastStatus,
        ec2InstanceId: ci.ec2InstanceId,
        containerInstanceArn: ci.arn,
        at: this.core.now(),
      });
      this.stats.counters.tasksKilledByTermination++;
      task.desiredStatus = 'STOPPED';
      task.stopCode = 'TerminationNotice';
      task.stoppedReason = reason;
      task.stoppingAt ??= this.core.now();
      this.finishStop(task, { killed: true });
    }
  }

  /** The EC2 instance is gone: tasks still on it are killed; the container instance is deregistered. */
  instanceTerminated(ci: ContainerInstanceState): void {
    if (ci.status === 'INACTIVE') return;
    this.killTasks(ci, `Host EC2 (instance ${ci.ec2InstanceId}) terminated.`);
    ci.agentConnected = false;
    this.bumpInstance(ci);
    ci.status = 'INACTIVE';
    ci.statusReason = 'Instance deregistered because its EC2 instance terminated.';
    this.bumpInstance(ci);
    this.capacityChanged(ci.cluster, ci);
  }

  /** The shape the placement engine reads, cached per instance version. */
  placementShape(ci: ContainerInstanceState): PlacementInstance {
    if (ci.placementShape === undefined || ci.placementShapeVersion !== ci.version) {
      ci.placementShape = containerInstanceShape(ci, false);
      ci.placementShapeVersion = ci.version;
    }
    return ci.placementShape;
  }

  private bumpInstance(ci: ContainerInstanceState): void {
    ci.version++;
    ci.updatedAt = this.core.now();
    this.emitInstance(ci);
  }

  private emitInstance(ci: ContainerInstanceState): void {
    this.core.emit('ECS Container Instance State Change', ECS_SOURCE, [ci.arn], () => containerInstanceEventDetail(ci));
  }

  /** Capacity appeared or changed on `ci`: daemon services look at it, blocked services try again. */
  private capacityChanged(cluster: ClusterState, ci: ContainerInstanceState): void {
    for (const service of cluster.services.values()) {
      if (service.schedulingStrategy === 'DAEMON') this.markDaemonInstance(service, ci);
    }
    this.retryBlocked(cluster);
  }

  private retryBlocked(cluster: ClusterState): void {
    if (this.blocked.size === 0) return;
    for (const service of this.blocked) if (service.cluster === cluster) this.retry(service);
  }

  /** A blocked service tries its placements again (a DAEMON service on the instances that lack its task). */
  retry(service: ServiceState): void {
    if (service.schedulingStrategy === 'DAEMON') for (const ci of service.daemonBlocked) this.markDaemonInstance(service, ci);
    this.dirty.add(service);
  }

  markDirty(service: ServiceState): void {
    this.dirty.add(service);
  }

  markDaemonInstance(service: ServiceState, ci: ContainerInstanceState): void {
    service.daemonDirty?.add(ci);
    this.dirty.add(service);
  }

  // ---- tasks -------------------------------------------------------------------------------------------------------

  createTask(spec: NewTask): TaskState {
    const { cluster, taskDefinition: td } = spec;
    const random = this.core.random;
    const id = random.hex(32);
    const now = this.core.now();
    const arn = this.core.arn('ecs', `task/${cluster.name}/${id}`);
    const networkMode = td.definition.networkMode ?? 'bridge';
    const containers: ContainerState[] = (td.definition.containerDefinitions ?? []).map((c) => ({
      name: c.name ?? 'container',
      arn: this.core.arn('ecs', `container/${cluster.name}/${id}/${random.uuid()}`),
      image: c.image ?? '',
      cpu: c.cpu ?? 0,
      memory: c.memory,
      memoryReservation: c.memoryReservation,
      essential: c.essential ?? true,
      lastStatus: 'PENDING',
      exitCode: undefined,
      reason: undefined,
      runtimeId: undefined,
      imageDigest: undefined,
      networkBindings:
        networkMode === 'bridge' || networkMode === 'host'
          ? (c.portMappings ?? []).map((p) => ({
              bindIP: '0.0.0.0',
              containerPort: p.containerPort,
              hostPort: p.hostPort !== undefined && p.hostPort !== 0 ? p.hostPort : networkMode === 'host' ? p.containerPort : 32768 + random.int(28000),
              protocol: p.protocol ?? 'tcp',
            }))
          : [],
    }));
    const subnetId = spec.subnetId ?? (spec.instance ? spec.instance.subnetId : this.subnetFor(spec.availabilityZone));
    const task: TaskState = {
      id,
      arn,
      seq: this.core.nextSeq(),
      cluster,
      taskDefinition: td,
      group: spec.group,
      startedBy: spec.startedBy,
      launchType: spec.launchType,
      capacityProviderName: spec.capacityProviderName,
      instance: spec.instance,
      availabilityZone: spec.availabilityZone,
      service: spec.service,
      deployment: spec.deployment,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      createdAt: now,
      pullStartedAt: undefined,
      pullStoppedAt: undefined,
      startedAt: undefined,
      stoppingAt: undefined,
      executionStoppedAt: undefined,
      stoppedAt: undefined,
      updatedAt: now,
      stopCode: undefined,
      stoppedReason: undefined,
      version: 1,
      containers,
      eni:
        networkMode === 'awsvpc'
          ? {
              attachmentId: random.uuid(),
              subnetId,
              networkInterfaceId: `eni-0${random.hex(16)}`,
              macAddress: Array.from({ length: 6 }, () => random.hex(2)).join(':'),
              privateIpv4Address: `10.0.${random.int(256)}.${1 + random.int(254)}`,
              status: 'PRECREATED',
            }
          : undefined,
      tags: spec.tags,
      overrides: spec.overrides ?? {},
      cancelTimer: undefined,
      purged: false,
      protectedUntil: undefined,
      cancelProtectionExpiry: undefined,
    };
    cluster.tasks.set(id, task);
    cluster.taskOrder.push(task);
    let group = cluster.groups.get(task.group);
    if (!group) cluster.groups.set(task.group, (group = new Set()));
    group.add(task);
    spec.service?.tasks.add(task);
    this.stats.counters.tasksStarted++;
    const ci = spec.instance;
    if (ci) {
      const req = td.requirements;
      ci.usedCpu += req.cpu;
      ci.usedMemory += req.memory;
      ci.usedEni += req.eni;
      for (const port of req.tcpPorts) ci.tcpPorts.set(port, (ci.tcpPorts.get(port) ?? 0) + 1);
      for (const port of req.udpPorts) ci.udpPorts.set(port, (ci.udpPorts.get(port) ?? 0) + 1);
      ci.tasks.add(task);
      if (spec.initial) ci.version++;
      else this.bumpInstance(ci);
      this.onInstanceTaskPlaced?.(ci);
    }
    if (spec.initial) {
      task.pullStartedAt = now;
      task.pullStoppedAt = now;
      task.version = 3;
      this.becomeRunning(task, false);
    } else {
      this.emitTask(task);
      this.scheduleStart(task);
    }
    return task;
  }

  private scheduleStart(task: TaskState): void {
    const sim = task.taskDefinition.simulation;
    const pendingAt = task.createdAt + Math.round(sim.startMs * 0.2);
    task.cancelTimer = this.core.at(pendingAt, () => {
      task.lastStatus = 'PENDING';
      task.pullStartedAt = this.core.now();
      if (task.eni) task.eni.status = 'ATTACHED';
      this.touch(task);
      this.markOwnerDirty(task);
      task.cancelTimer = this.core.at(task.createdAt + sim.startMs, () => {
        task.cancelTimer = undefined;
        if (sim.failToStart !== undefined) {
          this.stats.counters.tasksFailedToStart++;
          task.desiredStatus = 'STOPPED';
          task.stopCode = 'TaskFailedToStart';
          task.stoppedReason = sim.failToStart;
          task.stoppingAt = this.core.now();
          for (const c of task.containers) c.reason = sim.failToStart;
          if (task.deployment) task.deployment.failedTasks++;
          this.finishStop(task, { killed: false, failed: true });
          return;
        }
        task.pullStoppedAt = this.core.now();
        this.becomeRunning(task, true);
      });
    });
  }

  private becomeRunning(task: TaskState, emit: boolean): void {
    const now = this.core.now();
    task.lastStatus = 'RUNNING';
    task.startedAt = now;
    if (task.eni) task.eni.status = 'ATTACHED';
    for (const c of task.containers) {
      c.lastStatus = 'RUNNING';
      c.runtimeId = this.core.random.hex(64);
      c.imageDigest = `sha256:${this.core.random.hex(64)}`;
    }
    this.stats.counters.tasksRunning++;
    const service = task.service;
    if (service) {
      service.running++;
      if (service.running < service.stats.lowestRunning) this.noteLowest(service);
    }
    if (emit) {
      this.touch(task);
      this.markOwnerDirty(task);
    } else {
      task.updatedAt = now;
    }
    const runMs = task.taskDefinition.simulation.runMs;
    if (runMs !== undefined) {
      task.cancelTimer = this.core.at(now + runMs, () => {
        task.cancelTimer = undefined;
        this.stats.counters.tasksExited++;
        const exitCode = task.taskDefinition.simulation.exitCode;
        for (const c of task.containers) if (c.essential) c.exitCode = exitCode;
        if (exitCode !== 0 && task.deployment?.rolloutState === 'IN_PROGRESS') task.deployment.failedTasks++;
        this.stopTask(task, 'EssentialContainerExited', 'Essential container in task exited');
      });
    }
  }

  /**
   * Asks a task to stop. PROVISIONING/PENDING tasks stop at once; RUNNING ones go DEACTIVATING → STOPPING → STOPPED.
   * The agent sends each container SIGTERM and, if it has not exited after the container's `stopTimeout` (default
   * {@link AGENT_STOP_TIMEOUT_SECONDS}), SIGKILL ("StopTask": "a SIGTERM value is sent … If the container handles the
   * SIGTERM value gracefully and exits within 30 seconds … Otherwise, a SIGKILL value is sent", ECS API reference).
   * A container that handles SIGTERM exits after the task definition's stopSeconds, one that ignores it
   * (`ignoreSigterm`) at its timeout with exit code 137; the task is STOPPED when its last container is.
   * Returns false if the task was already stopping.
   */
  stopTask(task: TaskState, stopCode: string, reason: string): boolean {
    if (task.desiredStatus === 'STOPPED' && task.lastStatus !== 'RUNNING') return false;
    if (task.lastStatus === 'STOPPED' || task.lastStatus === 'DEACTIVATING' || task.lastStatus === 'STOPPING') return false;
    const firstRequest = task.desiredStatus !== 'STOPPED';
    task.desiredStatus = 'STOPPED';
    if (firstRequest || task.stopCode === undefined) {
      task.stopCode = stopCode;
      task.stoppedReason = reason;
    }
    task.stoppingAt = this.core.now();
    if (stopCode === 'UserInitiated') this.stats.counters.tasksStoppedByUser++;
    else if (stopCode === 'ServiceSchedulerInitiated') this.stats.counters.tasksStoppedByScheduler++;
    task.cancelTimer?.();
    task.cancelTimer = undefined;
    if (task.lastStatus !== 'RUNNING') {
      this.finishStop(task, { killed: false });
      return true;
    }
    // With the agent disconnected nothing reaches the host: the task keeps running, desiredStatus STOPPED, until the
    // agent reconnects and stops it ("Only instances connected to an agent can accept task placement requests";
    // agentConnected, ContainerInstance API reference).
    if (task.instance !== undefined && !task.instance.agentConnected) {
      this.touch(task);
      this.markOwnerDirty(task);
      return true;
    }
    this.beginStopping(task);
    return true;
  }

  /** RUNNING → DEACTIVATING → STOPPING → STOPPED: SIGTERM now, each container's exit or SIGKILL later. */
  private beginStopping(task: TaskState): void {
    const stopCode = task.stopCode ?? 'UserInitiated';
    const reason = task.stoppedReason ?? '';
    const { stopMs, killed } = this.containerStops(task);
    const record = {
      taskArn: task.arn,
      cluster: task.cluster.name,
      service: task.service?.name,
      stopCode,
      reason,
      protected: this.isProtected(task),
      stoppedAfterMs: undefined as number | undefined,
      killedAtStopTimeout: killed.size > 0,
      at: this.core.now(),
    };
    this.stats.taskStops.push(record);
    this.leaveRunning(task);
    task.lastStatus = 'DEACTIVATING';
    this.touch(task);
    this.markOwnerDirty(task);
    const startedStopping = this.core.now();
    const exitCode = task.taskDefinition.simulation.exitCode;
    task.cancelTimer = this.core.at(startedStopping + Math.round(stopMs * 0.2), () => {
      task.lastStatus = 'STOPPING';
      task.containers.forEach((c, i) => {
        if (c.exitCode === undefined && !killed.has(i)) c.exitCode = exitCode;
      });
      this.touch(task);
      task.cancelTimer = this.core.at(startedStopping + stopMs, () => {
        task.cancelTimer = undefined;
        task.containers.forEach((c, i) => {
          if (!killed.has(i)) return;
          c.exitCode = SIGKILL_EXIT_CODE;
          c.reason ??= 'Container killed after its stop timeout (SIGKILL)';
        });
        if (killed.size > 0) this.stats.counters.tasksKilledAtStopTimeout++;
        record.stoppedAfterMs = this.core.now() - startedStopping;
        this.finishStop(task, { killed: false });
      });
    });
  }

  /** How long a RUNNING task takes to stop, and which containers (by index) the agent SIGKILLs at their stopTimeout. */
  private containerStops(task: TaskState): { stopMs: number; killed: Set<number> } {
    const sim = task.taskDefinition.simulation;
    const definitions = task.taskDefinition.definition.containerDefinitions ?? [];
    const killed = new Set<number>();
    let stopMs = 0;
    task.containers.forEach((c, i) => {
      const timeoutMs = (definitions[i]?.stopTimeout ?? AGENT_STOP_TIMEOUT_SECONDS) * 1000;
      // A container that already exited (EssentialContainerExited) is not signalled: only the agent's cleanup time.
      const exitsAfterMs = sim.ignoreSigterm && c.exitCode === undefined ? Number.POSITIVE_INFINITY : sim.stopMs;
      if (exitsAfterMs > timeoutMs) killed.add(i);
      stopMs = Math.max(stopMs, Math.min(exitsAfterMs, timeoutMs));
    });
    return { stopMs, killed };
  }

  // ---- task scale-in protection ------------------------------------------------------------------------------------

  /** Task scale-in protection is on (set and not expired). */
  isProtected(task: TaskState): boolean {
    return task.protectedUntil !== undefined && task.protectedUntil > this.core.now();
  }

  /**
   * UpdateTaskProtection for one task: on for `minutes` from now (reset on every call, "you can keep extending the
   * protection expiration period of a task by invoking this operation repeatedly"), or off. When it expires "Amazon ECS
   * clears the protectionEnabled property making the task eligible for termination by a subsequent scale-in event": the
   * service scheduler looks at the service again then.
   */
  setProtection(task: TaskState, enabled: boolean, minutes: number): void {
    task.cancelProtectionExpiry?.();
    task.cancelProtectionExpiry = undefined;
    if (!enabled) {
      task.protectedUntil = undefined;
      if (task.service) this.markDirty(task.service);
      return;
    }
    const until = this.core.now() + minutes * 60_000;
    task.protectedUntil = until;
    task.cancelProtectionExpiry = this.core.at(until, () => {
      task.cancelProtectionExpiry = undefined;
      task.protectedUntil = undefined;
      if (task.service && task.desiredStatus === 'RUNNING') this.markDirty(task.service);
    });
  }

  /**
   * A Fargate Spot interruption: the two-minute warning is a task state change event (desiredStatus STOPPED, lastStatus
   * RUNNING, stopCode SpotInterruption, stoppedReason "Your Spot Task was interrupted.") and SIGTERM to the task
   * (ECS Developer Guide, Fargate capacity providers / task state change events; AWS Knowledge Center
   * "fargate-spot-termination-notice"); the task stops two minutes later, the service scheduler replacing it meanwhile.
   */
  interruptFargateSpot(task: TaskState): void {
    if (task.desiredStatus === 'STOPPED') return;
    task.desiredStatus = 'STOPPED';
    task.stopCode = 'SpotInterruption';
    task.stoppedReason = 'Your Spot Task was interrupted.';
    this.touch(task);
    this.markOwnerDirty(task);
    task.cancelTimer?.();
    task.cancelTimer = this.core.after(120_000, () => {
      task.cancelTimer = undefined;
      task.desiredStatus = 'RUNNING'; // let stopTask take it through DEACTIVATING/STOPPING
      this.stopTask(task, 'SpotInterruption', 'Your Spot Task was interrupted.');
    });
  }

  private leaveRunning(task: TaskState): void {
    if (task.lastStatus !== 'RUNNING') return;
    const service = task.service;
    if (!service) return;
    service.running--;
    if (service.running < service.stats.lowestRunning) this.noteLowest(service);
    if (service.schedulingStrategy === 'REPLICA') {
      const minimum = Math.ceil((service.desiredCount * service.deploymentConfiguration.minimumHealthyPercent) / 100);
      if (service.running < minimum) {
        service.stats.belowMinimumHealthy.push({
          at: this.core.now(),
          running: service.running,
          minimumHealthy: minimum,
          desired: service.desiredCount,
          taskArn: task.arn,
          stoppedReason: task.stoppedReason,
        });
      }
    }
  }

  private noteLowest(service: ServiceState): void {
    service.stats.lowestRunning = service.running;
    service.stats.lowestRunningAt = this.core.now();
    service.stats.desiredAtLowest = service.desiredCount;
    service.stats.minimumHealthyAtLowest = Math.ceil((service.desiredCount * service.deploymentConfiguration.minimumHealthyPercent) / 100);
  }

  /** lastStatus → STOPPED: resources released, indexes updated, the event emitted. */
  private finishStop(task: TaskState, how: { killed: boolean; failed?: boolean }): void {
    task.cancelTimer?.();
    task.cancelTimer = undefined;
    task.cancelProtectionExpiry?.();
    task.cancelProtectionExpiry = undefined;
    task.protectedUntil = undefined;
    this.leaveRunning(task);
    const now = this.core.now();
    task.lastStatus = 'STOPPED';
    task.desiredStatus = 'STOPPED';
    task.stoppingAt ??= now;
    task.executionStoppedAt = now;
    task.stoppedAt = now;
    if (task.eni) task.eni.status = 'DELETED';
    for (const c of task.containers) {
      c.lastStatus = 'STOPPED';
      if (!how.killed && !how.failed && c.exitCode === undefined && task.startedAt !== undefined) c.exitCode = task.taskDefinition.simulation.exitCode;
    }
    this.stats.counters.tasksStopped++;
    this.touch(task);

    const cluster = task.cluster;
    cluster.groups.get(task.group)?.delete(task);
    cluster.stopped.push(task);
    const service = task.service;
    if (service) {
      service.tasks.delete(task);
      this.markDirty(service);
    }
    const ci = task.instance;
    if (ci) {
      const req = task.taskDefinition.requirements;
      ci.usedCpu -= req.cpu;
      ci.usedMemory -= req.memory;
      ci.usedEni -= req.eni;
      for (const port of req.tcpPorts) release(ci.tcpPorts, port);
      for (const port of req.udpPorts) release(ci.udpPorts, port);
      ci.tasks.delete(task);
      if (ci.status !== 'INACTIVE') {
        this.bumpInstance(ci);
        if (ci.status === 'DRAINING') {
          for (const s of cluster.services.values()) if (s.schedulingStrategy === 'DAEMON') this.markDaemonInstance(s, ci);
        }
      }
      this.onInstanceTasksChanged?.(ci);
    }
    this.retryBlocked(cluster);
  }

  /** version++, updatedAt, the task state change event. */
  private touch(task: TaskState): void {
    task.version++;
    task.updatedAt = this.core.now();
    this.emitTask(task);
  }

  private emitTask(task: TaskState): void {
    this.core.emit('ECS Task State Change', ECS_SOURCE, [task.arn], () => taskEventDetail(task));
  }

  private markOwnerDirty(task: TaskState): void {
    const service = task.service;
    if (!service) return;
    if (service.schedulingStrategy === 'DAEMON' && task.instance) this.markDaemonInstance(service, task.instance);
    else this.markDirty(service);
  }

  /** The task of `cluster` named by id or ARN (STOPPED tasks included until purged). */
  findTask(cluster: ClusterState, ref: string): TaskState | undefined {
    this.purge(cluster);
    if (ref.startsWith('arn:')) {
      const resource = arnResource(ref, 'task/');
      if (resource === undefined) return undefined;
      const parts = resource.split('/');
      const task = cluster.tasks.get(parts[parts.length - 1] ?? '');
      return task?.arn === ref ? task : undefined;
    }
    return cluster.tasks.get(ref);
  }

  /** Forgets tasks STOPPED more than an hour ago. */
  purge(cluster: ClusterState): void {
    const horizon = this.core.now() - STOPPED_TASK_RETENTION_MS;
    let head = cluster.stoppedHead;
    for (let task = cluster.stopped[head]; task && (task.stoppedAt ?? 0) <= horizon; task = cluster.stopped[head]) {
      cluster.tasks.delete(task.id);
      task.purged = true;
      cluster.purgedInOrder++;
      head++;
    }
    if (head > 1024 && head > cluster.stopped.length / 2) {
      cluster.stopped = cluster.stopped.slice(head);
      head = 0;
    }
    cluster.stoppedHead = head;
    if (cluster.purgedInOrder > 1024 && cluster.purgedInOrder > cluster.taskOrder.length / 2) {
      cluster.taskOrder = cluster.taskOrder.filter((t) => !t.purged);
      cluster.purgedInOrder = 0;
    }
  }

  /** Every task of the cluster not purged, in creation order. */
  allTasks(cluster: ClusterState): TaskState[] {
    this.purge(cluster);
    return cluster.purgedInOrder === 0 ? cluster.taskOrder : cluster.taskOrder.filter((t) => !t.purged);
  }
}

function release(ports: Map<number, number>, port: number): void {
  const count = (ports.get(port) ?? 0) - 1;
  if (count <= 0) ports.delete(port);
  else ports.set(port, count);
}

/** The part of an ECS ARN after `prefix` (`cluster/`, `task/`, …), if the ARN's resource starts with it. */
export function arnResource(arn: string, prefix: string): string | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'ecs') return undefined;
  const resource = parts.slice(5).join(':');
  return resource.startsWith(prefix) ? resource.slice(prefix.length) : undefined;
}
