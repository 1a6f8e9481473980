/**
 * The ECS state of the world: clusters, task definitions, container instances, tasks, services and their
 * deployments. Plain records, mutated by ecs.ts (task and instance lifecycles) and scheduler.ts (services), read by
 * ecs-api.ts and ecs-shapes.ts.
 */
import type * as ECS from '@aws-sdk/client-ecs';
import type { TaskRequirements } from '../../lib/placement/engine/index.js';
import type { ContainerInstance as PlacementInstance, TaskDefinition as PlacementTaskDefinition } from '../../lib/placement/model.js';
import type { InstanceTypeInfo } from './instance-types.js';

/** How tasks of a task definition behave in the simulation. */
export interface TaskSimulationInput {
  /** PROVISIONING → RUNNING, seconds (default 10). */
  startSeconds?: number;
  /** Stop requested → STOPPED, seconds (default 5). */
  stopSeconds?: number;
  /** A task exits on its own this long after RUNNING (default: runs until stopped). */
  runSeconds?: number;
  /** Exit code of the essential container when the task exits or is stopped (default 0). */
  exitCode?: number;
  /** Tasks never reach RUNNING: they stop with stopCode TaskFailedToStart and this stoppedReason. */
  failToStart?: string;
  /**
   * The containers ignore SIGTERM: a stop takes each container's `stopTimeout` (the agent then sends SIGKILL, exit
   * code 137) instead of `stopSeconds`.
   */
  ignoreSigterm?: boolean;
}

export interface TaskSimulation {
  startMs: number;
  stopMs: number;
  runMs: number | undefined;
  exitCode: number;
  failToStart: string | undefined;
  ignoreSigterm: boolean;
}

export type RegisterTaskDefinitionInput = ECS.RegisterTaskDefinitionRequest & { simulation?: TaskSimulationInput | undefined };

export interface TaskDefinitionState {
  arn: string;
  family: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE';
  registeredAt: number;
  /** What DescribeTaskDefinition returns (without tags). */
  definition: ECS.TaskDefinition;
  /** The same, as the placement engine reads it. */
  placement: PlacementTaskDefinition;
  requirements: TaskRequirements;
  simulation: TaskSimulation;
  tags: ECS.Tag[];
  /** Whether a memberOf constraint of the definition reads `task:group` (placement then needs every task). */
  readsTaskGroups: boolean;
}

export interface ClusterState {
  name: string;
  arn: string;
  seq: number;
  createdAt: number;
  tags: ECS.Tag[];
  capacityProviders: string[];
  defaultCapacityProviderStrategy: ECS.CapacityProviderStrategyItem[];
  /** Every container instance ever registered (INACTIVE ones stay describable), in registration order. */
  instances: Map<string, ContainerInstanceState>;
  /** Tasks not purged (STOPPED tasks stay for an hour), by id; insertion order is creation order. */
  tasks: Map<string, TaskState>;
  /** The same tasks in creation order (purged ones are compacted away lazily). */
  taskOrder: TaskState[];
  purgedInOrder: number;
  /** STOPPED tasks by stoppedAt, for purging. */
  stopped: TaskState[];
  stoppedHead: number;
  services: Map<string, ServiceState>;
  /** Tasks not STOPPED, by task group. */
  groups: Map<string, Set<TaskState>>;
  /** Availability Zones of the cluster's capacity (ASGs), in first-seen order; Fargate tasks default to these. */
  availabilityZones: string[];
  /** RunTask clientTokens: fingerprint of the request and the tasks it started, for 24 hours. */
  clientTokens: Map<string, { fingerprint: string; taskArns: string[]; failures: ECS.Failure[]; expiresAt: number }>;
}

export interface ContainerInstanceState {
  id: string;
  arn: string;
  seq: number;
  cluster: ClusterState;
  ec2InstanceId: string;
  type: InstanceTypeInfo;
  availabilityZone: string;
  subnetId: string;
  vpcId: string;
  amiId: string;
  /** ACTIVE, DRAINING, INACTIVE (deregistered when its EC2 instance terminated). */
  status: string;
  statusReason: string | undefined;
  agentConnected: boolean;
  registeredAt: number;
  updatedAt: number;
  version: number;
  usedCpu: number;
  usedMemory: number;
  usedEni: number;
  /** Host ports taken by tasks (port → tasks holding it). */
  tcpPorts: Map<number, number>;
  udpPorts: Map<number, number>;
  attributes: ECS.Attribute[];
  capacityProviderName: string | undefined;
  asgName: string | undefined;
  /** Tasks on the instance whose lastStatus is not STOPPED. */
  tasks: Set<TaskState>;
  tags: ECS.Tag[];
  /** The placement engine's view, rebuilt when `version` changes. */
  placementShape: PlacementInstance | undefined;
  placementShapeVersion: number;
}

export interface ContainerState {
  name: string;
  arn: string;
  image: string;
  cpu: number;
  memory: number | undefined;
  memoryReservation: number | undefined;
  essential: boolean;
  lastStatus: string;
  exitCode: number | undefined;
  reason: string | undefined;
  runtimeId: string | undefined;
  imageDigest: string | undefined;
  networkBindings: ECS.NetworkBinding[];
}

export interface EniState {
  attachmentId: string;
  subnetId: string;
  networkInterfaceId: string;
  macAddress: string;
  privateIpv4Address: string;
  status: string;
}

export interface TaskState {
  id: string;
  arn: string;
  seq: number;
  cluster: ClusterState;
  taskDefinition: TaskDefinitionState;
  group: string;
  startedBy: string | undefined;
  launchType: 'EC2' | 'FARGATE';
  capacityProviderName: string | undefined;
  instance: ContainerInstanceState | undefined;
  availabilityZone: string;
  service: ServiceState | undefined;
  deployment: DeploymentState | undefined;
  lastStatus: string;
  desiredStatus: string;
  createdAt: number;
  pullStartedAt: number | undefined;
  pullStoppedAt: number | undefined;
  startedAt: number | undefined;
  stoppingAt: number | undefined;
  executionStoppedAt: number | undefined;
  stoppedAt: number | undefined;
  updatedAt: number;
  stopCode: string | undefined;
  stoppedReason: string | undefined;
  version: number;
  containers: ContainerState[];
  eni: EniState | undefined;
  tags: ECS.Tag[];
  overrides: ECS.TaskOverride;
  /** Cancels the pending lifecycle timer, if any. */
  cancelTimer: (() => void) | undefined;
  purged: boolean;
  /** Task scale-in protection (UpdateTaskProtection): protected until this instant (epoch ms), if set. */
  protectedUntil: number | undefined;
  /** Cancels the timer that clears the protection when it expires. */
  cancelProtectionExpiry: (() => void) | undefined;
}

export interface DeploymentState {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: TaskDefinitionState;
  createdAt: number;
  updatedAt: number;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
  failedTasks: number;
  /** The deployment this one rolls back to (circuit breaker), if it is a rollback. */
  rollbackOf: string | undefined;
}

export interface ServiceStats {
  lowestRunning: number;
  lowestRunningAt: number;
  desiredAtLowest: number;
  /** ceil(minimumHealthyPercent × desired) when the lowest count was seen. */
  minimumHealthyAtLowest: number;
  /** Times a RUNNING task left RUNNING and the service fell below ceil(minimumHealthyPercent × desired). */
  belowMinimumHealthy: { at: number; running: number; minimumHealthy: number; desired: number; taskArn: string; stoppedReason: string | undefined }[];
  /** Highest number of tasks desired RUNNING and not STOPPED vs floor(maximumPercent × desired). */
  highestFootprint: number;
  aboveMaximumPercent: number;
}

export interface ServiceState {
  name: string;
  arn: string;
  seq: number;
  cluster: ClusterState;
  status: 'ACTIVE';
  desiredCount: number;
  launchType: 'EC2' | 'FARGATE' | undefined;
  capacityProviderStrategy: ECS.CapacityProviderStrategyItem[] | undefined;
  placementStrategy: ECS.PlacementStrategy[];
  placementConstraints: ECS.PlacementConstraint[];
  deploymentConfiguration: ECS.DeploymentConfiguration & { minimumHealthyPercent: number; maximumPercent: number };
  schedulingStrategy: 'REPLICA' | 'DAEMON';
  networkConfiguration: ECS.NetworkConfiguration | undefined;
  tags: ECS.Tag[];
  /** ECS's own AZ rebalancing as CreateService set it (reported by DescribeServices; ENABLED: ServiceScheduler.rebalance). */
  availabilityZoneRebalancing?: 'ENABLED' | 'DISABLED' | undefined;
  /** An AZ rebalancing in progress (SERVICE_REBALANCING_STARTED sent, not yet _COMPLETED): the tasks it started, not yet RUNNING. */
  rebalancing?: { startedAt: number; pending: Set<TaskState> } | undefined;
  createdAt: number;
  /** The PRIMARY deployment first, then the older ones still running tasks. */
  deployments: DeploymentState[];
  /** Tasks not STOPPED (any desired status), creation order. */
  tasks: Set<TaskState>;
  /** Service events, newest first, at most 100. */
  events: ECS.ServiceEvent[];
  running: number;
  steady: boolean;
  lastSteadyEventAt: number | undefined;
  /** Placement failed on the last pass: retried when capacity frees up and every 60 s. */
  placementBlocked: boolean;
  lastPlacementFailure: { at: number; reason: string } | undefined;
  /** DAEMON: instances to look at on the next pass (undefined: all). */
  daemonDirty: Set<ContainerInstanceState> | undefined;
  /** DAEMON: the ACTIVE instances that satisfy the constraints (desiredCount is their number). */
  daemonEligible: Set<ContainerInstanceState>;
  /** DAEMON: eligible instances where the daemon task could not be placed (retried with the blocked services). */
  daemonBlocked: Set<ContainerInstanceState>;
  stats: ServiceStats;
}
