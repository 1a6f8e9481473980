/** Plain-data builders for placement policy tests. */
import { ConfigSchema, type EcsOpsConfigInput } from '../../../lib/config/schema.js';
import type { TaskDefinition } from '../../../lib/placement/model.js';
import type { ClusterSnapshot, PolicyInstance, PolicyService, PolicyTask } from '../../../lib/placement/policy/model.js';
import type { PlacementSettings } from '../../../lib/placement/policy/select.js';

export const CLUSTER = 'prod';
export const NOW = Date.UTC(2026, 0, 1, 12);
export const ACCOUNT = 'arn:aws:ecs:us-east-1:123456789012';
export const TD_ARN = `${ACCOUNT}:task-definition/web:1`;
export const TD: TaskDefinition = { taskDefinitionArn: TD_ARN, family: 'web', revision: 1, containerDefinitions: [{ name: 'web', cpu: 256, memory: 512 }] };

export function instance(n: number, az: string, options: { type?: string; lifecycle?: string; status?: string; cpu?: number; memory?: number; capacityProvider?: string } = {}): PolicyInstance {
  const id = `i-${String(n).padStart(4, '0')}`;
  const arn = `${ACCOUNT}:container-instance/${CLUSTER}/ci${n}`;
  const type = options.type ?? 'm5.large';
  const attributes = [
    { name: 'ecs.availability-zone', value: az },
    { name: 'ecs.instance-type', value: type },
    ...(options.lifecycle !== undefined ? [{ name: 'lifecycle', value: options.lifecycle }] : []),
  ];
  return {
    containerInstanceArn: arn,
    ec2InstanceId: id,
    status: options.status ?? 'ACTIVE',
    agentConnected: true,
    availabilityZone: az,
    instanceType: type,
    capacityProviderName: options.capacityProvider,
    raw: {
      containerInstanceArn: arn,
      ec2InstanceId: id,
      status: options.status ?? 'ACTIVE',
      agentConnected: true,
      capacityProviderName: options.capacityProvider,
      attributes,
      registeredResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: 7680 },
      ],
      remainingResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: options.cpu ?? 2048 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: options.memory ?? 7680 },
        { name: 'PORTS', type: 'STRINGSET', stringSetValue: [] },
      ],
    },
  };
}

let taskCounter = 0;
export function task(service: string, on: PolicyInstance, options: Partial<PolicyTask> & { ageMinutes?: number } = {}): PolicyTask {
  taskCounter++;
  const { ageMinutes, ...rest } = options;
  return {
    taskArn: `${ACCOUNT}:task/${CLUSTER}/${service}-${taskCounter}`,
    group: `service:${service}`,
    containerInstanceArn: on.containerInstanceArn,
    availabilityZone: on.availabilityZone,
    capacityProviderName: on.capacityProviderName,
    launchType: 'EC2',
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    taskDefinitionArn: TD_ARN,
    startedAt: NOW - (ageMinutes ?? 60) * 60_000,
    ...rest,
  };
}

export function service(name: string, desiredCount: number, options: Partial<PolicyService> = {}): PolicyService {
  return {
    serviceName: name,
    serviceArn: `${ACCOUNT}:service/${CLUSTER}/${name}`,
    status: 'ACTIVE',
    schedulingStrategy: 'REPLICA',
    desiredCount,
    runningCount: desiredCount,
    pendingCount: 0,
    minimumHealthyPercent: 50,
    maximumPercent: 200,
    deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED', taskDefinition: TD_ARN }],
    availabilityZoneRebalancing: 'DISABLED',
    tags: {},
    taskDefinitionArn: TD_ARN,
    capacityProviderStrategy: [],
    placementConstraints: [],
    placementStrategy: [],
    ...options,
  };
}

export function snapshot(parts: { services: PolicyService[]; tasks: PolicyTask[]; instances: PolicyInstance[]; recentStops?: Map<string, PolicyTask[]> }): ClusterSnapshot {
  return { cluster: CLUSTER, now: NOW, taskDefinitions: new Map([[TD_ARN, TD]]), ...parts };
}

/** The `placement` section, validated by the config schema (defaults applied). */
export function settings(placement: NonNullable<EcsOpsConfigInput['placement']>): PlacementSettings {
  return ConfigSchema.parse({
    version: 1,
    clusters: [{ name: CLUSTER }],
    notifications: { channels: [{ name: 'ops', type: 'slack', webhookParameter: '/ecs-ops/slack/ops' }] },
    placement,
  }).placement;
}
