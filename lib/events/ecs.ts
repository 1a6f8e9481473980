import * as z from 'zod/mini';
import { eventEnvelope, knownString } from './envelope.js';

/**
 * Amazon ECS events (source `aws.ecs`): task and container instance state changes, service actions and service
 * deployment state changes.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwe_events.html
 *
 * Status-like fields are known strings (see `knownString`): ECS adds states over time (e.g. ACTIVATING,
 * DEACTIVATING) and a new state must not make ecs-ops drop the event. `eventType` is the exception: INFO/WARN/ERROR
 * is a closed severity set that alert routing switches on.
 */

export const ECS_SOURCE = 'aws.ecs';

export const TASK_STATUSES = [
  'PROVISIONING',
  'PENDING',
  'ACTIVATING',
  'RUNNING',
  'DEACTIVATING',
  'STOPPING',
  'DEPROVISIONING',
  'STOPPED',
  'DELETED',
] as const;
const taskStatus = knownString(TASK_STATUSES);

export const LAUNCH_TYPES = ['EC2', 'FARGATE', 'EXTERNAL'] as const;

export const STOP_CODES = [
  'TaskFailedToStart',
  'EssentialContainerExited',
  'UserInitiated',
  'ServiceSchedulerInitiated',
  'SpotInterruption',
  'TerminationNotice',
] as const;

const nameValue = z.lazy(() => z.looseObject({ name: z.string(), value: z.optional(z.string()) }));

/** ENI / service-connect attachments of tasks and container instances. */
const attachment = z.lazy(() => z.looseObject({
  id: z.optional(z.string()),
  type: z.optional(z.string()),
  status: z.optional(z.string()),
  details: z.optional(z.array(nameValue)),
}));

export const ecsContainerSchema = z.lazy(() => z.looseObject({
  containerArn: z.string(),
  name: z.string(),
  lastStatus: taskStatus,
  /** Present once the container exited, even while the task is still RUNNING. */
  exitCode: z.optional(z.number()),
  reason: z.optional(z.string()),
  image: z.optional(z.string()),
  imageDigest: z.optional(z.string()),
  runtimeId: z.optional(z.string()),
  taskArn: z.optional(z.string()),
  // Strings in events (CPU units / MiB), and AWS prints a missing value as the string "null".
  cpu: z.optional(z.string()),
  memory: z.optional(z.string()),
  memoryReservation: z.optional(z.string()),
  networkBindings: z.optional(z.array(z.looseObject({}))),
  networkInterfaces: z.optional(z.array(z.looseObject({}))),
}));
export type EcsContainer = z.output<typeof ecsContainerSchema>;

export const ecsTaskStateChangeDetailSchema = z.lazy(() => z.looseObject({
  taskArn: z.string(),
  clusterArn: z.string(),
  lastStatus: taskStatus,
  desiredStatus: taskStatus,
  createdAt: z.string(),
  /**
   * Increments with every change of the task: order/deduplicate events by it. Optional only because the documented
   * Fargate Spot termination notice (a truncated snippet) lacks it; every full event carries it. Typed when present.
   */
  version: z.optional(z.number()),
  /** Absent from the documented Fargate Spot termination notice snippet, present in full events. */
  containers: z.optional(z.array(ecsContainerSchema)),
  taskDefinitionArn: z.optional(z.string()),
  group: z.optional(z.string()),
  startedBy: z.optional(z.string()),
  containerInstanceArn: z.optional(z.string()),
  launchType: z.optional(knownString(LAUNCH_TYPES)),
  capacityProviderName: z.optional(z.string()),
  availabilityZone: z.optional(z.string()),
  platformVersion: z.optional(z.string()),
  stopCode: z.optional(knownString(STOP_CODES)),
  stoppedReason: z.optional(z.string()),
  stoppingAt: z.optional(z.string()),
  stoppedAt: z.optional(z.string()),
  startedAt: z.optional(z.string()),
  updatedAt: z.optional(z.string()),
  cpu: z.optional(z.string()),
  memory: z.optional(z.string()),
  attributes: z.optional(z.array(nameValue)),
  attachments: z.optional(z.array(attachment)),
  overrides: z.optional(
    z.looseObject({
      containerOverrides: z.optional(z.array(z.looseObject({ name: z.optional(z.string()) }))),
    }),
  ),
}));
export type EcsTaskStateChangeDetail = z.output<typeof ecsTaskStateChangeDetailSchema>;

export const ecsTaskStateChangeEventSchema = z.lazy(() => eventEnvelope('ECS Task State Change', ECS_SOURCE, ecsTaskStateChangeDetailSchema));
export type EcsTaskStateChangeEvent = z.output<typeof ecsTaskStateChangeEventSchema>;

export const CONTAINER_INSTANCE_STATUSES = [
  'REGISTERING',
  'REGISTRATION_FAILED',
  'ACTIVE',
  'DRAINING',
  'INACTIVE',
  'DEREGISTERING',
] as const;

/** A registered/remaining resource: CPU and MEMORY are INTEGER, PORTS/PORTS_UDP are STRINGSET. */
export const ecsResourceSchema = z.lazy(() => z.looseObject({
  name: z.string(),
  type: z.string(),
  integerValue: z.optional(z.number()),
  doubleValue: z.optional(z.number()),
  longValue: z.optional(z.number()),
  stringSetValue: z.optional(z.array(z.string())),
}));
export type EcsResource = z.output<typeof ecsResourceSchema>;

export const ecsContainerInstanceStateChangeDetailSchema = z.lazy(() => z.looseObject({
  containerInstanceArn: z.string(),
  clusterArn: z.string(),
  /** An `i-…` id on EC2, an `mi-…` managed instance id on ECS Anywhere. */
  ec2InstanceId: z.string(),
  status: knownString(CONTAINER_INSTANCE_STATUSES),
  /** Increments with every change of the instance: order/deduplicate events by it. */
  version: z.number(),
  agentConnected: z.boolean(),
  attributes: z.array(nameValue),
  registeredResources: z.array(ecsResourceSchema),
  remainingResources: z.array(ecsResourceSchema),
  versionInfo: z.looseObject({
    agentVersion: z.string(),
    agentHash: z.optional(z.string()),
    dockerVersion: z.optional(z.string()),
  }),
  updatedAt: z.string(),
  runningTasksCount: z.optional(z.number()),
  pendingTasksCount: z.optional(z.number()),
  registeredAt: z.optional(z.string()),
  statusReason: z.optional(z.string()),
  agentUpdateStatus: z.optional(z.string()),
  attachments: z.optional(z.array(attachment)),
  accountType: z.optional(z.string()),
}));
export type EcsContainerInstanceStateChangeDetail = z.output<typeof ecsContainerInstanceStateChangeDetailSchema>;

export const ecsContainerInstanceStateChangeEventSchema = z.lazy(() => eventEnvelope(
  'ECS Container Instance State Change',
  ECS_SOURCE,
  ecsContainerInstanceStateChangeDetailSchema,
));
export type EcsContainerInstanceStateChangeEvent = z.output<typeof ecsContainerInstanceStateChangeEventSchema>;

export const ECS_EVENT_TYPES = ['INFO', 'WARN', 'ERROR'] as const;
export type EcsEventType = (typeof ECS_EVENT_TYPES)[number];

export const SERVICE_ACTION_EVENT_NAMES = [
  'SERVICE_STEADY_STATE',
  'TASKSET_STEADY_STATE',
  'CAPACITY_PROVIDER_STEADY_STATE',
  'SERVICE_DESIRED_COUNT_UPDATED',
  'SERVICE_TASK_START_IMPAIRED',
  'SERVICE_DISCOVERY_INSTANCE_UNHEALTHY',
  'SERVICE_TASK_PLACEMENT_FAILURE',
  'SERVICE_TASK_CONFIGURATION_FAILURE',
  'ECS_OPERATION_THROTTLED',
  'SERVICE_DISCOVERY_OPERATION_THROTTLED',
] as const;

/** The service is named by `resources[0]` (its ARN); see {@link serviceOfEvent}. */
export const ecsServiceActionDetailSchema = z.lazy(() => z.looseObject({
  eventType: z.enum(ECS_EVENT_TYPES),
  eventName: knownString(SERVICE_ACTION_EVENT_NAMES),
  clusterArn: z.string(),
  createdAt: z.string(),
  /** e.g. `RESOURCE:CPU`, `RESOURCE:FARGATE` on placement failures. */
  reason: z.optional(z.string()),
  desiredCount: z.optional(z.number()),
  capacityProviderArns: z.optional(z.array(z.string())),
  containerInstanceArns: z.optional(z.array(z.string())),
  taskArns: z.optional(z.array(z.string())),
  taskSetArns: z.optional(z.array(z.string())),
  serviceName: z.optional(z.string()),
  service: z.optional(z.string()),
}));
export type EcsServiceActionDetail = z.output<typeof ecsServiceActionDetailSchema>;

export const ecsServiceActionEventSchema = z.lazy(() => eventEnvelope('ECS Service Action', ECS_SOURCE, ecsServiceActionDetailSchema));
export type EcsServiceActionEvent = z.output<typeof ecsServiceActionEventSchema>;

export const DEPLOYMENT_EVENT_NAMES = ['SERVICE_DEPLOYMENT_IN_PROGRESS', 'SERVICE_DEPLOYMENT_COMPLETED', 'SERVICE_DEPLOYMENT_FAILED'] as const;

/** The service is named by `resources[0]` (its ARN); see {@link serviceOfEvent}. */
export const ecsDeploymentStateChangeDetailSchema = z.lazy(() => z.looseObject({
  eventType: z.enum(ECS_EVENT_TYPES),
  eventName: knownString(DEPLOYMENT_EVENT_NAMES),
  deploymentId: z.string(),
  updatedAt: z.string(),
  reason: z.optional(z.string()),
}));
export type EcsDeploymentStateChangeDetail = z.output<typeof ecsDeploymentStateChangeDetailSchema>;

export const ecsDeploymentStateChangeEventSchema = z.lazy(() => eventEnvelope('ECS Deployment State Change', ECS_SOURCE, ecsDeploymentStateChangeDetailSchema));
export type EcsDeploymentStateChangeEvent = z.output<typeof ecsDeploymentStateChangeEventSchema>;

/** The resource part of an ECS ARN (`service/cluster/name`), or undefined if `arn` is not an ECS ARN. */
function ecsResource(arn: string): string | undefined {
  // arn:<partition>:ecs:<region>:<account>:<resource>; the resource itself contains no ":".
  const parts = arn.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn' || parts[2] !== 'ecs') return undefined;
  return parts[5];
}

export interface EcsServiceRef {
  /** Undefined for old-format service ARNs (`service/<name>`), which do not name the cluster. */
  cluster: string | undefined;
  service: string;
}

/**
 * Cluster and service names from a service ARN: `arn:aws:ecs:<region>:<account>:service/<cluster>/<service>`, or the
 * old format `…:service/<service>` (cluster undefined). Undefined if `arn` is not a service ARN.
 */
export function serviceFromArn(arn: string): EcsServiceRef | undefined {
  const resource = ecsResource(arn);
  if (!resource?.startsWith('service/')) return undefined;
  const [first, second, ...rest] = resource.slice('service/'.length).split('/');
  if (first === undefined || first === '' || second === '' || rest.length > 0) return undefined;
  return second === undefined ? { cluster: undefined, service: first } : { cluster: first, service: second };
}

/**
 * Cluster name from a cluster ARN (`…:cluster/<name>`), or from a new-format service, task, container instance or
 * container ARN (`…:task/<cluster>/<id>`). Undefined for old-format ARNs, which do not name the cluster.
 */
export function clusterNameFromArn(arn: string): string | undefined {
  const resource = ecsResource(arn);
  if (resource === undefined) return undefined;
  const [type, ...names] = resource.split('/');
  if (type === 'cluster') return names.length === 1 && names[0] !== '' ? names[0] : undefined;
  if (type === 'service' || type === 'task' || type === 'container-instance' || type === 'container') {
    // Old formats are `<type>/<id>`; new ones put the cluster first. A container's old format has 1 segment too.
    return names.length >= 2 && names[0] !== '' ? names[0] : undefined;
  }
  return undefined;
}

/**
 * The service an ECS Service Action / Deployment State Change is about: parsed from `resources[0]` (the service
 * ARN), falling back to `detail.serviceName`/`detail.service`; the cluster falls back to `detail.clusterArn`.
 */
export function serviceOfEvent(event: { resources: readonly string[]; detail: Readonly<Record<string, unknown>> }): EcsServiceRef | undefined {
  // `detail` is loosely typed so both event kinds fit (deployment events have no clusterArn/serviceName).
  const text = (key: string): string | undefined => {
    const value = event.detail[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const clusterArn = text('clusterArn');
  const clusterFromDetail = clusterArn === undefined ? undefined : clusterNameFromArn(clusterArn);
  const fromArn = event.resources.map(serviceFromArn).find((ref) => ref !== undefined);
  if (fromArn) return { cluster: fromArn.cluster ?? clusterFromDetail, service: fromArn.service };
  const named = text('serviceName') ?? text('service');
  if (named === undefined) return undefined;
  // `service` may itself be an ARN.
  return serviceFromArn(named) ?? { cluster: clusterFromDetail, service: named };
}

export const CIRCUIT_BREAKER_ROLLBACK_PREFIX = 'ECS deployment circuit breaker: rolling back';

/** True for the deployment event ECS sends when the circuit breaker starts rolling a failed deployment back. */
export function isCircuitBreakerRollback(detail: { reason?: string | undefined }): boolean {
  return detail.reason?.startsWith(CIRCUIT_BREAKER_ROLLBACK_PREFIX) ?? false;
}
