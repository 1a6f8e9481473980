/**
 * A small canned implementation of `AwsApis` for the protocol conformance tests: fixed data with every kind of field
 * (dates, numbers, booleans, nested lists and maps), simple pagination, and the validation errors the real services
 * return. It records every input it receives, so tests can check what the server decoded.
 */
import type * as AAS from '@aws-sdk/client-application-auto-scaling';
import type * as ASG from '@aws-sdk/client-auto-scaling';
import type * as ECS from '@aws-sdk/client-ecs';
import type * as SSM from '@aws-sdk/client-ssm';
import type { AwsApis } from '../../../sim/world/api.js';
import { World } from '../../../sim/world/world.js';
import { AwsApiError, clientException, clusterNotFound, invalidParameter, serviceNotFound, validationError } from '../../../sim/world/errors.js';

export const T0 = new Date('2024-05-01T10:00:00.000Z');
export const T1 = new Date('2024-05-01T10:05:30.250Z');

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const CLUSTER = 'prod';
export const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`;
export const ASG_NAME = 'prod-asg';
export const ASG_ARN = `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:0f6a:autoScalingGroupName/${ASG_NAME}`;
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:ecs-ops-alerts`;
export const HOOK_TOKEN = 'bfa5c4c4-0000-4000-a000-000000000001';
export const INSTANCE_IDS = ['i-0aaaaaaaaaaaaaaa1', 'i-0aaaaaaaaaaaaaaa2', 'i-0aaaaaaaaaaaaaaa3'] as const;

export const containerInstanceArn = (n: number): string => `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/${CLUSTER}/ci${n}`;
export const taskArn = (n: number): string => `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${CLUSTER}/task${n}`;
export const serviceArn = (name: string): string => `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${CLUSTER}/${name}`;
export const TASK_DEFINITION_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:7`;

export interface Received {
  service: keyof AwsApis;
  operation: string;
  input: unknown;
}

/** `items` from `nextToken` (an index), at most `max`; the next token when more remain. */
function page<T>(items: readonly T[], max: number | undefined, token: string | undefined, badToken: () => AwsApiError) {
  const start = token === undefined ? 0 : Number(token);
  if (!Number.isInteger(start) || start < 0 || start > items.length) throw badToken();
  const end = max === undefined ? items.length : start + max;
  return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
}

const requireCluster = (cluster: string | undefined): void => {
  if (cluster !== undefined && cluster !== CLUSTER && cluster !== CLUSTER_ARN) throw clusterNotFound();
};

const containerInstance = (n: number, status = 'ACTIVE'): ECS.ContainerInstance => ({
  containerInstanceArn: containerInstanceArn(n),
  ec2InstanceId: INSTANCE_IDS[n - 1] ?? `i-0bbbbbbbbbbbbbbb${n}`,
  status,
  agentConnected: true,
  runningTasksCount: n,
  pendingTasksCount: 0,
  registeredAt: T0,
  version: 42,
  remainingResources: [
    { name: 'CPU', type: 'INTEGER', integerValue: 1024, doubleValue: 0, longValue: 0 },
    { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '2376'] },
  ],
  attributes: [{ name: 'ecs.capability.spot', value: 'true' }],
  tags: [{ key: 'team', value: 'platform' }],
});

const task = (n: number, lastStatus = 'RUNNING'): ECS.Task => ({
  taskArn: taskArn(n),
  clusterArn: CLUSTER_ARN,
  taskDefinitionArn: TASK_DEFINITION_ARN,
  containerInstanceArn: containerInstanceArn(1),
  lastStatus,
  desiredStatus: 'RUNNING',
  group: 'service:web',
  cpu: '256',
  memory: '512',
  createdAt: T0,
  startedAt: T1,
  version: 3,
  containers: [
    { name: 'app', lastStatus: 'RUNNING', exitCode: 0, networkBindings: [{ containerPort: 8080, hostPort: 32768, protocol: 'tcp' }] },
    { name: 'sidecar', lastStatus: 'RUNNING' },
  ],
  overrides: { containerOverrides: [{ name: 'app', environment: [{ name: 'MODE', value: 'blue' }] }] },
});

const service = (name: string, desiredCount = 2): ECS.Service => ({
  serviceName: name,
  serviceArn: serviceArn(name),
  clusterArn: CLUSTER_ARN,
  status: 'ACTIVE',
  desiredCount,
  runningCount: 2,
  pendingCount: 0,
  createdAt: T0,
  capacityProviderStrategy: [{ capacityProvider: 'spot', weight: 3, base: 1 }],
  deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', rolloutState: 'COMPLETED', desiredCount, createdAt: T0, updatedAt: T1 }],
  events: [{ id: 'e1', createdAt: T1, message: `(service ${name}) has reached a steady state.` }],
  placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }],
  deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, deploymentCircuitBreaker: { enable: true, rollback: false } },
});

const SERVICE_NAMES = ['web', 'worker', 'cron'];
const CAPACITY_PROVIDERS = ['spot', 'on-demand'];

const group = (name: string): ASG.AutoScalingGroup => ({
  AutoScalingGroupName: name,
  AutoScalingGroupARN: ASG_ARN,
  MinSize: 0,
  MaxSize: 10,
  DesiredCapacity: 3,
  DefaultCooldown: 300,
  AvailabilityZones: ['us-east-1a', 'us-east-1b'],
  HealthCheckType: 'EC2',
  HealthCheckGracePeriod: 0,
  CreatedTime: T0,
  NewInstancesProtectedFromScaleIn: true,
  CapacityRebalance: false,
  Instances: INSTANCE_IDS.map((id, i) => ({
    InstanceId: id,
    InstanceType: 'm6i.large',
    AvailabilityZone: i % 2 === 0 ? 'us-east-1a' : 'us-east-1b',
    LifecycleState: i === 2 ? 'Terminating:Wait' : 'InService',
    HealthStatus: 'Healthy',
    ProtectedFromScaleIn: i === 0,
    LaunchTemplate: { LaunchTemplateId: 'lt-0123', LaunchTemplateName: 'ecs', Version: '4' },
  })),
  Tags: [{ Key: 'ecs-ops', Value: 'true', PropagateAtLaunch: true, ResourceId: name, ResourceType: 'auto-scaling-group' }],
  SuspendedProcesses: [],
  TerminationPolicies: ['OldestLaunchTemplate', 'Default'],
});
const GROUP_NAMES = [ASG_NAME, 'batch-asg'];

const activity = (n: number): ASG.Activity => ({
  ActivityId: `act-${n}`,
  AutoScalingGroupName: ASG_NAME,
  AutoScalingGroupARN: ASG_ARN,
  Description: `Terminating EC2 instance: ${INSTANCE_IDS[0]}`,
  Cause: 'At 2024-05-01T10:00:00Z an instance was taken out of service in response to a user request.\nSecond line & <more>.',
  StartTime: T0,
  EndTime: T1,
  StatusCode: 'Successful',
  Progress: 100,
  Details: '{"Subnet ID":"subnet-1"}',
});

const scalableTarget = (resourceId: string): AAS.ScalableTarget => ({
  ServiceNamespace: 'ecs',
  ResourceId: resourceId,
  ScalableDimension: 'ecs:service:DesiredCount',
  MinCapacity: 1,
  MaxCapacity: 20,
  RoleARN: `arn:aws:iam::${ACCOUNT}:role/aas`,
  CreationTime: T0,
  SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: true, ScheduledScalingSuspended: false },
});
const RESOURCE_IDS = SERVICE_NAMES.map((name) => `service/${CLUSTER}/${name}`);

const aasValidation = (message: string) => new AwsApiError('ValidationException', message);

/** Put/DeleteAttributes: the attributes back, every target one of the three container instances. */
function attributeTargets(cluster: string | undefined, attributes: ECS.Attribute[] | undefined): ECS.Attribute[] {
  requireCluster(cluster);
  if (attributes === undefined || attributes.length === 0) throw invalidParameter('Attributes cannot be empty.');
  const known = [1, 2, 3].map(containerInstanceArn);
  for (const a of attributes) {
    const id = a.targetId ?? '';
    if (!known.includes(id) && !known.some((arn) => arn.endsWith(`/${id}`))) throw new AwsApiError('TargetNotFoundException', `Could not find ${id}.`);
  }
  return attributes.map((a) => ({ ...a }));
}

export function createFakeApis(): { apis: AwsApis; received: Received[]; parameters: Map<string, SSM.Parameter> } {
  const received: Received[] = [];
  const parameters = new Map<string, SSM.Parameter>([
    [
      '/ecs-ops/slack/ops',
      { Name: '/ecs-ops/slack/ops', Type: 'SecureString', Value: 'https://hooks.slack.com/services/T/B/x', Version: 3, LastModifiedDate: T1, DataType: 'text' },
    ],
  ]);
  const got = (service: keyof AwsApis, operation: string, input: unknown): void => {
    received.push({ service, operation, input });
  };

  const monitoring = new World({ seed: 1, start: T1 });
  const apis: AwsApis = {
    ecs: {
      ListContainerInstances(input) {
        got('ecs', 'ListContainerInstances', input);
        requireCluster(input.cluster);
        if (input.maxResults !== undefined && (input.maxResults < 1 || input.maxResults > 100)) {
          throw invalidParameter('maxResults must be between 1 and 100.');
        }
        const arns = [1, 2, 3].map(containerInstanceArn);
        const { items, next } = page(arns, input.maxResults, input.nextToken, () => invalidParameter('Invalid token'));
        return { containerInstanceArns: items, nextToken: next };
      },
      DescribeContainerInstances(input) {
        got('ecs', 'DescribeContainerInstances', input);
        requireCluster(input.cluster);
        const arns = input.containerInstances ?? [];
        if (arns.length === 0) throw invalidParameter('containerInstances cannot be empty.');
        const known = [1, 2, 3].map(containerInstanceArn);
        return {
          containerInstances: arns.filter((a) => known.includes(a)).map((a) => containerInstance(known.indexOf(a) + 1)),
          failures: arns.filter((a) => !known.includes(a)).map((arn) => ({ arn, reason: 'MISSING' })),
        };
      },
      UpdateContainerInstancesState(input) {
        got('ecs', 'UpdateContainerInstancesState', input);
        requireCluster(input.cluster);
        if (input.status !== 'DRAINING' && input.status !== 'ACTIVE') throw invalidParameter(`Invalid status: ${String(input.status)}`);
        const known = [1, 2, 3].map(containerInstanceArn);
        return { containerInstances: (input.containerInstances ?? []).map((a) => containerInstance(known.indexOf(a) + 1, input.status)), failures: [] };
      },
      ListTasks(input) {
        got('ecs', 'ListTasks', input);
        requireCluster(input.cluster);
        const arns = input.desiredStatus === 'STOPPED' ? [] : [1, 2, 3, 4, 5].map(taskArn);
        const { items, next } = page(arns, input.maxResults, input.nextToken, () => invalidParameter('Invalid token'));
        return { taskArns: items, nextToken: next };
      },
      DescribeTasks(input) {
        got('ecs', 'DescribeTasks', input);
        requireCluster(input.cluster);
        if ((input.tasks ?? []).length > 100) throw invalidParameter('tasks can have at most 100 items.');
        return {
          tasks: (input.tasks ?? []).map((arn, i) => ({ ...task(i + 1), taskArn: arn, ...(input.include?.includes('TAGS') ? { tags: [{ key: 'k', value: 'v' }] } : {}) })),
          failures: [],
        };
      },
      RunTask(input) {
        got('ecs', 'RunTask', input);
        requireCluster(input.cluster);
        if (input.count !== undefined && (input.count < 1 || input.count > 10)) throw invalidParameter('count must be between 1 and 10.');
        if (input.clientToken === 'reused') {
          throw new AwsApiError('ConflictException', 'The clientToken was already used with different parameters.', 400, 'Sender', { resourceIds: [taskArn(10)] });
        }
        if (input.taskDefinition !== 'web:7' && input.taskDefinition !== TASK_DEFINITION_ARN) {
          throw clientException('TaskDefinition not found.');
        }
        return {
          tasks: Array.from({ length: input.count ?? 1 }, (_, i) => ({ ...task(10 + i, 'PROVISIONING'), startedBy: input.startedBy })),
          failures: [{ arn: containerInstanceArn(3), reason: 'RESOURCE:MEMORY', detail: 'not enough memory' }],
        };
      },
      StopTask(input) {
        got('ecs', 'StopTask', input);
        requireCluster(input.cluster);
        if (input.task !== taskArn(1)) throw invalidParameter('The referenced task was not found.');
        return { task: { ...task(1, 'RUNNING'), desiredStatus: 'STOPPED', stoppedReason: input.reason, stoppingAt: T1 } };
      },
      ListServices(input) {
        got('ecs', 'ListServices', input);
        requireCluster(input.cluster);
        const { items, next } = page(SERVICE_NAMES.map(serviceArn), input.maxResults, input.nextToken, () => invalidParameter('Invalid token'));
        return { serviceArns: items, nextToken: next };
      },
      DescribeServices(input) {
        got('ecs', 'DescribeServices', input);
        requireCluster(input.cluster);
        const names = (input.services ?? []).map((s) => s.split('/').pop() ?? s);
        return {
          services: names.filter((n) => SERVICE_NAMES.includes(n)).map((n) => service(n)),
          failures: names.filter((n) => !SERVICE_NAMES.includes(n)).map((n) => ({ arn: serviceArn(n), reason: 'MISSING' })),
        };
      },
      UpdateService(input) {
        got('ecs', 'UpdateService', input);
        requireCluster(input.cluster);
        if (input.service === undefined || !SERVICE_NAMES.includes(input.service)) throw serviceNotFound();
        if (input.desiredCount !== undefined && input.desiredCount < 0) throw invalidParameter('desiredCount must be >= 0.');
        return { service: service(input.service, input.desiredCount ?? 2) };
      },
      DescribeTaskDefinition(input) {
        got('ecs', 'DescribeTaskDefinition', input);
        if (input.taskDefinition !== 'web:7' && input.taskDefinition !== TASK_DEFINITION_ARN) throw clientException('Unable to describe task definition.');
        return {
          taskDefinition: {
            taskDefinitionArn: TASK_DEFINITION_ARN,
            family: 'web',
            revision: 7,
            status: 'ACTIVE',
            registeredAt: T0,
            requiresCompatibilities: ['EC2'],
            cpu: '256',
            memory: '512',
            containerDefinitions: [
              {
                name: 'app',
                image: 'nginx:1',
                cpu: 256,
                memory: 512,
                essential: true,
                portMappings: [{ containerPort: 8080, hostPort: 0, protocol: 'tcp' }],
                dockerLabels: { 'com.example.team': 'platform', tier: 'web' },
              },
            ],
            placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ m6i.*' }],
          },
          ...(input.include?.includes('TAGS') ? { tags: [{ key: 'ecs-ops:guard', value: 'true' }] } : {}),
        };
      },
      ListTagsForResource(input) {
        got('ecs', 'ListTagsForResource', input);
        if (input.resourceArn !== serviceArn('web')) throw invalidParameter('The specified resource could not be found.');
        return { tags: [{ key: 'ecs-ops:drain', value: 'true' }, { key: 'team', value: 'platform' }] };
      },
      DescribeCapacityProviders(input) {
        got('ecs', 'DescribeCapacityProviders', input);
        const names = input.capacityProviders ?? CAPACITY_PROVIDERS;
        const unknown = names.filter((n) => !CAPACITY_PROVIDERS.includes(n));
        if (unknown.length > 0 && input.capacityProviders !== undefined && names.length === unknown.length) {
          throw invalidParameter(`The specified capacity provider ${unknown.join(', ')} does not exist.`);
        }
        const { items, next } = page(names.filter((n) => CAPACITY_PROVIDERS.includes(n)), input.maxResults, input.nextToken, () => invalidParameter('Invalid token'));
        return {
          capacityProviders: items.map((name) => ({
            name,
            capacityProviderArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:capacity-provider/${name}`,
            status: 'ACTIVE',
            autoScalingGroupProvider: {
              autoScalingGroupArn: ASG_ARN,
              managedScaling: { status: 'ENABLED', targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 10, instanceWarmupPeriod: 300 },
              managedTerminationProtection: 'ENABLED',
              managedDraining: 'ENABLED',
            },
          })),
          failures: [],
          nextToken: next,
        };
      },
      // The wire fake answers the capacity provider writes with the fixed providers (the world's rules are tested in
      // test/sim/server/capacity-providers.test.ts).
      CreateCapacityProvider(input) {
        got('ecs', 'CreateCapacityProvider', input);
        return { capacityProvider: { name: input.name, capacityProviderArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:capacity-provider/${input.name ?? ''}`, status: 'ACTIVE' } };
      },
      UpdateCapacityProvider(input) {
        got('ecs', 'UpdateCapacityProvider', input);
        return { capacityProvider: { name: input.name, status: 'ACTIVE', updateStatus: 'UPDATE_IN_PROGRESS' } };
      },
      PutClusterCapacityProviders(input) {
        got('ecs', 'PutClusterCapacityProviders', input);
        requireCluster(input.cluster);
        return { cluster: { clusterArn: CLUSTER_ARN, clusterName: CLUSTER, capacityProviders: input.capacityProviders ?? [] } };
      },
      DescribeClusters(input) {
        got('ecs', 'DescribeClusters', input);
        const attachments = input.include?.includes('ATTACHMENTS') === true;
        return {
          clusters: (input.clusters ?? [CLUSTER]).filter((c) => c === CLUSTER || c === CLUSTER_ARN).map(() => ({
            clusterArn: CLUSTER_ARN,
            clusterName: CLUSTER,
            status: 'ACTIVE',
            capacityProviders: CAPACITY_PROVIDERS,
            ...(attachments
              ? {
                  attachments: [{ id: 'a1', type: 'managed_draining', status: 'CREATED', details: [{ name: 'autoScalingLifecycleHookName', value: 'ecs-managed-draining-termination-hook' }] }],
                  attachmentsStatus: 'UPDATE_COMPLETE',
                }
              : {}),
          })),
          failures: (input.clusters ?? []).filter((c) => c !== CLUSTER && c !== CLUSTER_ARN).map((arn) => ({ arn, reason: 'MISSING' })),
        };
      },
      PutAttributes(input) {
        got('ecs', 'PutAttributes', input);
        return { attributes: attributeTargets(input.cluster, input.attributes) };
      },
      DeleteAttributes(input) {
        got('ecs', 'DeleteAttributes', input);
        return { attributes: attributeTargets(input.cluster, input.attributes) };
      },
      // The semantics are tested against the world (test/sim/server/world-features.test.ts); these only record.
      UpdateTaskProtection(input) {
        got('ecs', 'UpdateTaskProtection', input);
        return { protectedTasks: (input.tasks ?? []).map((taskArn) => ({ taskArn, protectionEnabled: input.protectionEnabled === true, ...(input.protectionEnabled === true ? { expirationDate: T1 } : {}) })), failures: [] };
      },
      GetTaskProtection(input) {
        got('ecs', 'GetTaskProtection', input);
        return { protectedTasks: (input.tasks ?? []).map((taskArn) => ({ taskArn, protectionEnabled: false })), failures: [] };
      },
    },

    autoscaling: {
      DescribeAutoScalingGroups(input) {
        got('autoscaling', 'DescribeAutoScalingGroups', input);
        if (input.MaxRecords !== undefined && (input.MaxRecords < 1 || input.MaxRecords > 100)) {
          throw validationError(`1 validation error detected: Value '${input.MaxRecords}' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to 100`);
        }
        const names = input.AutoScalingGroupNames ?? GROUP_NAMES;
        const { items, next } = page(names.filter((n) => GROUP_NAMES.includes(n)), input.MaxRecords, input.NextToken, () => validationError('The token is invalid.'));
        return { AutoScalingGroups: items.map(group), NextToken: next };
      },
      DescribeAutoScalingInstances(input) {
        got('autoscaling', 'DescribeAutoScalingInstances', input);
        if (input.MaxRecords !== undefined && input.MaxRecords > 50) throw validationError('MaxRecords must be at most 50.');
        const ids = input.InstanceIds ?? [...INSTANCE_IDS];
        return {
          AutoScalingInstances: ids
            .filter((id) => (INSTANCE_IDS as readonly string[]).includes(id))
            .map((id) => ({
              InstanceId: id,
              AutoScalingGroupName: ASG_NAME,
              AvailabilityZone: 'us-east-1a',
              LifecycleState: 'InService',
              HealthStatus: 'HEALTHY',
              ProtectedFromScaleIn: false,
              InstanceType: 'm6i.large',
            })),
        };
      },
      DescribeLifecycleHooks(input) {
        got('autoscaling', 'DescribeLifecycleHooks', input);
        if (input.AutoScalingGroupName !== ASG_NAME) throw validationError(`Group ${input.AutoScalingGroupName ?? ''} not found`);
        const hooks: ASG.LifecycleHook[] = [
          {
            LifecycleHookName: 'drain',
            AutoScalingGroupName: ASG_NAME,
            LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
            HeartbeatTimeout: 900,
            GlobalTimeout: 86400,
            DefaultResult: 'CONTINUE',
            NotificationMetadata: '{"cluster":"prod"}',
          },
          { LifecycleHookName: 'launch', AutoScalingGroupName: ASG_NAME, LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING', HeartbeatTimeout: 300, DefaultResult: 'ABANDON' },
        ];
        const wanted = input.LifecycleHookNames;
        return { LifecycleHooks: hooks.filter((h) => wanted === undefined || wanted.includes(h.LifecycleHookName ?? '')) };
      },
      CompleteLifecycleAction(input) {
        got('autoscaling', 'CompleteLifecycleAction', input);
        if (input.LifecycleActionToken !== undefined && input.LifecycleActionToken !== HOOK_TOKEN) {
          throw validationError(`No active Lifecycle Action found with token ${input.LifecycleActionToken}`);
        }
        if (input.LifecycleActionToken === undefined && !(INSTANCE_IDS as readonly string[]).includes(input.InstanceId ?? '')) {
          throw validationError(`No active Lifecycle Action found with instance ID ${input.InstanceId ?? ''}`);
        }
        return {};
      },
      RecordLifecycleActionHeartbeat(input) {
        got('autoscaling', 'RecordLifecycleActionHeartbeat', input);
        if (input.LifecycleActionToken !== HOOK_TOKEN) throw validationError(`No active Lifecycle Action found with token ${input.LifecycleActionToken ?? ''}`);
        return {};
      },
      DescribeScalingActivities(input) {
        got('autoscaling', 'DescribeScalingActivities', input);
        if (input.AutoScalingGroupName !== undefined && !GROUP_NAMES.includes(input.AutoScalingGroupName)) {
          return { Activities: [] };
        }
        if (input.MaxRecords !== undefined && input.MaxRecords > 100) throw validationError('MaxRecords must be at most 100.');
        const all = [1, 2, 3].map(activity);
        const selected = input.ActivityIds ? all.filter((a) => input.ActivityIds?.includes(a.ActivityId ?? '')) : all;
        const { items, next } = page(selected, input.MaxRecords, input.NextToken, () => validationError('The token is invalid.'));
        return { Activities: items, NextToken: next };
      },
      SetDesiredCapacity(input) {
        got('autoscaling', 'SetDesiredCapacity', input);
        if (input.AutoScalingGroupName !== ASG_NAME) throw validationError(`AutoScalingGroup name not found - AutoScalingGroup ${input.AutoScalingGroupName ?? ''} not found`);
        if ((input.DesiredCapacity ?? 0) > 10) {
          throw validationError(`New SetDesiredCapacity value ${input.DesiredCapacity ?? 0} is above max value 10 for the AutoScalingGroup.`);
        }
      },
      SetInstanceProtection(input) {
        got('autoscaling', 'SetInstanceProtection', input);
        return {};
      },
      PutWarmPool(input) {
        got('autoscaling', 'PutWarmPool', input);
        return {};
      },
      DescribeWarmPool(input) {
        got('autoscaling', 'DescribeWarmPool', input);
        return { Instances: [] };
      },
      TerminateInstanceInAutoScalingGroup(input) {
        got('autoscaling', 'TerminateInstanceInAutoScalingGroup', input);
        if (!(INSTANCE_IDS as readonly string[]).includes(input.InstanceId ?? '')) {
          throw validationError(`Instance Id not found - No managed instance found for instance ID: ${input.InstanceId ?? ''}`);
        }
        return {
          Activity: {
            ...activity(9),
            Description: `Terminating EC2 instance: ${input.InstanceId ?? ''}`,
            Cause: input.ShouldDecrementDesiredCapacity ? 'shrinking the capacity from 3 to 2' : 'maintaining the same capacity',
            StatusCode: 'InProgress',
            Progress: 0,
            EndTime: undefined,
          },
        };
      },
    },

    applicationAutoScaling: {
      DescribeScalableTargets(input) {
        got('applicationAutoScaling', 'DescribeScalableTargets', input);
        if (input.ServiceNamespace !== 'ecs') throw aasValidation(`Unsupported service namespace ${String(input.ServiceNamespace)}`);
        const ids = input.ResourceIds ?? RESOURCE_IDS;
        const { items, next } = page(ids.filter((id) => RESOURCE_IDS.includes(id)), input.MaxResults, input.NextToken, () => new AwsApiError('InvalidNextTokenException', 'Invalid token'));
        return { ScalableTargets: items.map(scalableTarget), NextToken: next };
      },
      DescribeScalingActivities(input) {
        got('applicationAutoScaling', 'DescribeScalingActivities', input);
        if (input.ServiceNamespace !== 'ecs') throw aasValidation(`Unsupported service namespace ${String(input.ServiceNamespace)}`);
        if (input.ResourceId !== undefined && input.ScalableDimension === undefined) {
          throw aasValidation('ScalableDimension is required when ResourceId is specified');
        }
        const activities: AAS.ScalingActivity[] = [
          {
            ActivityId: 'aas-1',
            ServiceNamespace: 'ecs',
            ResourceId: RESOURCE_IDS[0],
            ScalableDimension: 'ecs:service:DesiredCount',
            Description: 'Setting desired count to 20.',
            Cause: 'monitor alarm cpu-high in state ALARM triggered policy cpu',
            StartTime: T0,
            EndTime: T1,
            StatusCode: 'Successful',
            StatusMessage: 'Successfully set desired count to 20. Change successfully fulfilled by ecs.',
          },
          ...(input.IncludeNotScaledActivities
            ? [
                {
                  ActivityId: 'aas-2',
                  ServiceNamespace: 'ecs',
                  ResourceId: RESOURCE_IDS[0],
                  ScalableDimension: 'ecs:service:DesiredCount',
                  Description: 'Attempting to set desired count to 25.',
                  Cause: 'monitor alarm cpu-high in state ALARM triggered policy cpu',
                  StartTime: T1,
                  StatusCode: 'Failed',
                  NotScaledReasons: [{ Code: 'AlreadyAtMaxCapacity', MaxCapacity: 20, CurrentCapacity: 20 }],
                } satisfies AAS.ScalingActivity,
              ]
            : []),
        ];
        return { ScalingActivities: activities };
      },
    },

    sns: {
      GetTopicAttributes(input) {
        got('sns', 'GetTopicAttributes', input);
        if (input.TopicArn !== TOPIC_ARN) throw new AwsApiError('NotFound', 'Topic does not exist', 404);
        return { Attributes: { TopicArn: TOPIC_ARN, Owner: ACCOUNT, SubscriptionsConfirmed: '2' } };
      },
      Publish(input) {
        got('sns', 'Publish', input);
        if (input.TopicArn !== TOPIC_ARN) throw new AwsApiError('NotFound', 'Topic does not exist', 404);
        if (input.Message === undefined || input.Message === '') throw new AwsApiError('InvalidParameter', 'Invalid parameter: Empty message');
        return { MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e', SequenceNumber: input.MessageGroupId ? '10000000000000000001' : undefined };
      },
    },

    ssm: {
      GetParameter(input) {
        got('ssm', 'GetParameter', input);
        const parameter = parameters.get(input.Name ?? '');
        if (parameter === undefined) throw new AwsApiError('ParameterNotFound', `Parameter ${input.Name ?? ''} not found.`);
        return { Parameter: { ...parameter, ARN: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${parameter.Name ?? ''}` } };
      },
      PutParameter(input) {
        got('ssm', 'PutParameter', input);
        const name = input.Name ?? '';
        const existing = parameters.get(name);
        if (existing !== undefined && input.Overwrite !== true) {
          throw new AwsApiError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
        }
        const version = (existing?.Version ?? 0) + 1;
        parameters.set(name, { Name: name, Type: input.Type ?? 'String', Value: input.Value, Version: version, LastModifiedDate: T1, DataType: 'text' });
        return { Version: version, Tier: input.Tier ?? 'Standard' };
      },
    },
    // `ecs-ops status`'s services: the world's own models (their conformance tests go through the real world).
    cloudformation: monitoring.cloudformation,
    cloudwatch: monitoring.cloudwatch,
    sqs: monitoring.sqs,
  };
  return { apis, received, parameters };
}
