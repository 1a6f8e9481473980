/**
 * The inputs of the query language and the placement engine, shaped exactly as ECS's DescribeContainerInstances,
 * DescribeTasks and DescribeTaskDefinition return them. Structural on purpose: the SDK's own types (with `Date`s)
 * and the same responses read from JSON files (with ISO strings or epoch seconds) both fit.
 */

export interface EcsAttribute {
  name?: string | undefined;
  value?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
}

export interface EcsResource {
  name?: string | undefined;
  type?: string | undefined;
  doubleValue?: number | undefined;
  longValue?: number | undefined;
  integerValue?: number | undefined;
  stringSetValue?: string[] | undefined;
}

/** A timestamp as the SDK gives it (`Date`), as the CLI prints it (ISO string), or as raw JSON has it (epoch seconds). */
export type EcsTimestamp = Date | string | number;

export interface ContainerInstance {
  containerInstanceArn?: string | undefined;
  ec2InstanceId?: string | undefined;
  capacityProviderName?: string | undefined;
  /** ACTIVE, DRAINING, REGISTERING, DEREGISTERING, REGISTRATION_FAILED, INACTIVE. */
  status?: string | undefined;
  agentConnected?: boolean | undefined;
  versionInfo?: { agentVersion?: string | undefined; agentHash?: string | undefined; dockerVersion?: string | undefined } | undefined;
  registeredAt?: EcsTimestamp | undefined;
  runningTasksCount?: number | undefined;
  pendingTasksCount?: number | undefined;
  attributes?: EcsAttribute[] | undefined;
  registeredResources?: EcsResource[] | undefined;
  remainingResources?: EcsResource[] | undefined;
  attachments?: { id?: string | undefined; type?: string | undefined; status?: string | undefined }[] | undefined;
}

export interface Task {
  taskArn?: string | undefined;
  clusterArn?: string | undefined;
  taskDefinitionArn?: string | undefined;
  containerInstanceArn?: string | undefined;
  /** `service:<name>` for service tasks, `family:<family>` by default for standalone tasks, or a custom group. */
  group?: string | undefined;
  startedBy?: string | undefined;
  lastStatus?: string | undefined;
  desiredStatus?: string | undefined;
  launchType?: string | undefined;
  capacityProviderName?: string | undefined;
  availabilityZone?: string | undefined;
  cpu?: string | undefined;
  memory?: string | undefined;
}

export interface PortMapping {
  containerPort?: number | undefined;
  hostPort?: number | undefined;
  protocol?: string | undefined;
  containerPortRange?: string | undefined;
  hostPortRange?: string | undefined;
}

export interface ContainerDefinition {
  name?: string | undefined;
  cpu?: number | undefined;
  memory?: number | undefined;
  memoryReservation?: number | undefined;
  essential?: boolean | undefined;
  portMappings?: PortMapping[] | undefined;
  resourceRequirements?: { type?: string | undefined; value?: string | undefined }[] | undefined;
}

export interface PlacementConstraint {
  type?: string | undefined;
  expression?: string | undefined;
}

export interface PlacementStrategy {
  type?: string | undefined;
  field?: string | undefined;
}

export interface TaskDefinition {
  taskDefinitionArn?: string | undefined;
  family?: string | undefined;
  revision?: number | undefined;
  networkMode?: string | undefined;
  /** Task-level CPU units and MiB, as strings ("1024", "2048"); optional on EC2. */
  cpu?: string | undefined;
  memory?: string | undefined;
  containerDefinitions?: ContainerDefinition[] | undefined;
  placementConstraints?: PlacementConstraint[] | undefined;
  requiresAttributes?: EcsAttribute[] | undefined;
  requiresCompatibilities?: string[] | undefined;
}

/** Reads an `EcsTimestamp` as epoch milliseconds (NaN when unreadable). */
export function timestampMillis(value: EcsTimestamp | undefined): number {
  if (value === undefined) return Number.NaN;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value * 1000; // raw API JSON: epoch seconds
  // A date-time without a zone is UTC (as in the query language), whatever the machine's time zone.
  return Date.parse(/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? `${value}Z` : value);
}

/** The value of a named attribute, `null` when present without a value, `undefined` when absent. */
export function attributeValue(instance: ContainerInstance, name: string): string | null | undefined {
  const attribute = instance.attributes?.find((a) => a.name === name);
  if (!attribute) return undefined;
  return attribute.value ?? null;
}
