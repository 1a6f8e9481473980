/**
 * The IAM requests one API call is authorized as, built from the call's input the way AWS builds them: the action,
 * each resource ARN the call touches, and the request's condition keys. One API call can be several IAM requests
 * (DescribeTasks: one per task; RunTask: the task definition, ecs:TagResource for tags on create, iam:PassRole for
 * each role passed). Which condition keys reach the engine is decided by iam-data (the action's and resource type's
 * keys), not here: every key the request carries is offered and the engine keeps the ones the action supports.
 *
 * Sources:
 * - ECS resource ARNs and ecs:cluster / ecs:capacity-provider / ecs:CreateAction keys:
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
 * - Tagging on create (RunTask with tags also needs ecs:TagResource, with ecs:CreateAction = RunTask):
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html
 * - RunTask passes the task definition's task and execution roles (or the overrides'): iam:PassRole with
 *   iam:PassedToService = ecs-tasks.amazonaws.com, denied as ECS's AccessDeniedException
 *   (https://github.com/aws/serverless-application-model/issues/2247, https://github.com/LBHackney-IT/Data-Platform/pull/1992).
 * - Auto Scaling lifecycle actions on the group's ARN (autoScalingGroup:<uuid>:autoScalingGroupName/<name>):
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/control-access-using-iam.html
 * - SSM parameter ARNs (`parameter/<name without its leading slash>`), SNS topic ARNs, DynamoDB table ARNs: the
 *   Service Authorization Reference pages of each service.
 * - `ecs-ops status` (Service Authorization Reference of each service, as iam-data lists it): cloudformation:DescribeStacks
 *   on the stack (`stack/<name>/<id>`; `*` without a name); cloudwatch:GetMetricData has no required resource (`*`);
 *   cloudwatch:DescribeAlarms on alarms (`alarm:<name>`; `alarm:*` for a prefix or all); sqs:GetQueueUrl and
 *   sqs:GetQueueAttributes on the queue (`arn:aws:sqs:<region>:<account>:<name>`, the name from QueueName or the URL).
 */
import type { ResourceDirectory } from '../world/api.js';
import { deviationsOf, type IamDeviation } from './deviations.js';

export type { ResourceDirectory };

export interface IamRequest {
  /** `service:Action` as IAM names it. */
  action: string;
  /** The resource ARN, or `*` for actions without resource-level permissions (and the deviation table's rows). */
  resource: string;
  /** Condition keys of the request (the engine keeps those the action supports). */
  context: Record<string, string | string[]>;
  /** Set when the resource comes from the deviation table rather than the Service Authorization Reference. */
  deviation?: boolean;
}

/** Services whose calls the server authorizes, by the name of the API object (sim/world/api.ts) or `dynamodb`. */
export type AuthorizedService = 'ecs' | 'autoscaling' | 'applicationAutoScaling' | 'sns' | 'ssm' | 'dynamodb' | 'cloudformation' | 'cloudwatch' | 'sqs';

/** The IAM service prefix of each API. */
export const IAM_PREFIX: Record<AuthorizedService, string> = {
  ecs: 'ecs',
  autoscaling: 'autoscaling',
  applicationAutoScaling: 'application-autoscaling',
  sns: 'sns',
  ssm: 'ssm',
  dynamodb: 'dynamodb',
  cloudformation: 'cloudformation',
  cloudwatch: 'cloudwatch',
  sqs: 'sqs',
};

/** The deviation row (deviations.ts, the one table) that applies to this request, if any. */
export function deviationFor(action: string, input: Record<string, unknown>): IamDeviation | undefined {
  return deviationsOf(action).find((row) => {
    if (row.withoutParameter === undefined) return true;
    const value = input[row.withoutParameter];
    return value === undefined || value === null || value === '';
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** A placeholder id for a resource the call is about to create (its ARN is not known before the call). */
const NEW_RESOURCE_ID = '00000000000000000000000000000000';

export function buildIamRequests(service: AuthorizedService, operation: string, input: unknown, directory: ResourceDirectory): IamRequest[] {
  const body = isRecord(input) ? input : {};
  const { account, region } = directory;
  const arn = (svc: string, resource: string) => `arn:aws:${svc}:${region}:${account}:${resource}`;
  const action = `${IAM_PREFIX[service]}:${operation}`;
  const wildcard = (context: Record<string, string | string[]> = {}): IamRequest[] => [{ action, resource: '*', context }];

  switch (service) {
    case 'ecs': {
      const clusterName = (() => {
        const c = text(body.cluster) ?? 'default';
        return c.startsWith('arn:') ? (c.split('/').pop() ?? c) : c;
      })();
      const clusterArn = arn('ecs', `cluster/${clusterName}`);
      const inCluster = { 'ecs:cluster': clusterArn };
      // An id or an ARN (old-format ARNs without the cluster name are taken as they are).
      const scoped = (kind: string, idOrArn: string) => (idOrArn.startsWith('arn:') ? idOrArn : arn('ecs', `${kind}/${clusterName}/${idOrArn}`));
      const each = (kind: string, ids: string[]): IamRequest[] => ids.map((id) => ({ action, resource: scoped(kind, id), context: inCluster }));
      switch (operation) {
        case 'ListContainerInstances':
          return [{ action, resource: clusterArn, context: {} }];
        case 'DescribeContainerInstances':
        case 'UpdateContainerInstancesState':
          return each('container-instance', strings(body.containerInstances));
        case 'PutAttributes':
        case 'DeleteAttributes': {
          const targets = (Array.isArray(body.attributes) ? body.attributes : []).filter(isRecord).map((a) => text(a.targetId)).filter((t): t is string => t !== undefined);
          return each('container-instance', [...new Set(targets)]);
        }
        case 'ListTasks': {
          const deviation = deviationFor(action, body);
          if (deviation) return [{ action, resource: deviation.resource, context: inCluster, deviation: true }];
          return each('container-instance', [text(body.containerInstance) ?? '']);
        }
        case 'DescribeTasks':
        case 'StopTask':
          return each('task', operation === 'StopTask' ? [text(body.task) ?? ''] : strings(body.tasks));
        case 'ListServices':
          return wildcard(inCluster);
        case 'DescribeServices':
          return each('service', strings(body.services));
        case 'UpdateService':
          return each('service', [text(body.service) ?? '']);
        case 'DescribeTaskDefinition':
          return wildcard();
        case 'ListTagsForResource':
          return [{ action, resource: text(body.resourceArn) ?? '*', context: {} }];
        case 'DescribeCapacityProviders': {
          const names = strings(body.capacityProviders);
          return names.length === 0 ? wildcard() : names.map((n) => ({ action, resource: n.startsWith('arn:') ? n : arn('ecs', `capacity-provider/${n}`), context: {} }));
        }
        // Cluster-level actions on the cluster ARN; capacity provider writes on the provider's ARN (Service
        // Authorization Reference, Amazon ECS: DescribeClusters and PutClusterCapacityProviders take `cluster`,
        // CreateCapacityProvider / UpdateCapacityProvider `capacity-provider`).
        case 'DescribeClusters': {
          const refs = strings(body.clusters);
          return (refs.length === 0 ? ['default'] : refs).map((c) => ({ action, resource: c.startsWith('arn:') ? c : arn('ecs', `cluster/${c}`), context: {} }));
        }
        case 'PutClusterCapacityProviders':
          return [{ action, resource: clusterArn, context: {} }];
        case 'CreateCapacityProvider':
        case 'UpdateCapacityProvider': {
          const name = text(body.name) ?? '';
          return [{ action, resource: name.startsWith('arn:') ? name : arn('ecs', `capacity-provider/${name}`), context: {} }];
        }
        case 'RunTask':
          return runTaskRequests(body, clusterName, clusterArn, directory, arn);
        default:
          return wildcard();
      }
    }
    case 'autoscaling': {
      switch (operation) {
        case 'CompleteLifecycleAction':
        case 'RecordLifecycleActionHeartbeat':
        case 'SetDesiredCapacity': {
          const name = text(body.AutoScalingGroupName) ?? '';
          return [{ action, resource: directory.autoScalingGroupArn(name) ?? arn('autoscaling', `autoScalingGroup:${NEW_RESOURCE_ID}:autoScalingGroupName/${name}`), context: {} }];
        }
        case 'TerminateInstanceInAutoScalingGroup': {
          const name = directory.autoScalingGroupOfInstance(text(body.InstanceId) ?? '') ?? '';
          return [{ action, resource: directory.autoScalingGroupArn(name) ?? '*', context: {} }];
        }
        default:
          // The Describe actions have no resource-level permissions.
          return wildcard();
      }
    }
    case 'applicationAutoScaling':
      return wildcard();
    case 'sns':
      return [{ action, resource: text(body.TopicArn) ?? text(body.TargetArn) ?? '*', context: {} }];
    case 'ssm': {
      const name = text(body.Name) ?? '';
      return [{ action, resource: arn('ssm', `parameter/${name.replace(/^\//, '')}`), context: {} }];
    }
    case 'cloudformation': {
      const name = text(body.StackName);
      if (name === undefined) return wildcard();
      // A stack named by its id is that ARN; by name, its id when it exists (else any id of that name).
      return [{ action, resource: name.startsWith('arn:') ? name : (directory.stackArn?.(name) ?? arn('cloudformation', `stack/${name}/*`)), context: {} }];
    }
    case 'cloudwatch': {
      if (operation !== 'DescribeAlarms') return wildcard();
      const names = strings(body.AlarmNames);
      return names.length === 0 ? [{ action, resource: arn('cloudwatch', 'alarm:*'), context: {} }] : names.map((n) => ({ action, resource: arn('cloudwatch', `alarm:${n}`), context: {} }));
    }
    case 'sqs': {
      const fromUrl = /\/(\d{12})\/([^/?]+)\/?$/.exec(text(body.QueueUrl) ?? '');
      const owner = text(body.QueueOwnerAWSAccountId) ?? fromUrl?.[1] ?? account;
      const name = text(body.QueueName) ?? fromUrl?.[2];
      return [{ action, resource: name === undefined ? '*' : `arn:aws:sqs:${region}:${owner}:${name}`, context: {} }];
    }
    case 'dynamodb': {
      const tables = new Set<string>();
      const name = text(body.TableName);
      if (name) tables.add(name);
      if (isRecord(body.RequestItems)) for (const t of Object.keys(body.RequestItems)) tables.add(t);
      for (const item of Array.isArray(body.TransactItems) ? body.TransactItems : []) {
        if (!isRecord(item)) continue;
        for (const part of Object.values(item)) if (isRecord(part) && typeof part.TableName === 'string') tables.add(part.TableName);
      }
      if (tables.size === 0) return wildcard();
      return [...tables].map((t) => ({ action, resource: arn('dynamodb', `table/${t}`), context: {} }));
    }
  }
}

function runTaskRequests(
  body: Record<string, unknown>,
  clusterName: string,
  clusterArn: string,
  directory: ResourceDirectory,
  arn: (svc: string, resource: string) => string,
): IamRequest[] {
  const reference = text(body.taskDefinition) ?? '';
  const definition = directory.taskDefinition(reference);
  // An unknown task definition: authorized against what was asked for; the world then answers its own error.
  const definitionArn = definition?.arn ?? (reference.startsWith('arn:') ? reference : arn('ecs', `task-definition/${reference.includes(':') ? reference : `${reference}:1`}`));
  const tags = (Array.isArray(body.tags) ? body.tags : []).filter(isRecord).filter((t) => typeof t.key === 'string');
  const tagContext: Record<string, string | string[]> = {};
  for (const t of tags) tagContext[`aws:RequestTag/${String(t.key)}`] = typeof t.value === 'string' ? t.value : '';
  if (tags.length > 0) tagContext['aws:TagKeys'] = tags.map((t) => String(t.key));
  const context: Record<string, string | string[]> = { 'ecs:cluster': clusterArn, ...tagContext };
  const providers = (Array.isArray(body.capacityProviderStrategy) ? body.capacityProviderStrategy : [])
    .filter(isRecord)
    .map((s) => text(s.capacityProvider))
    .filter((p): p is string => p !== undefined)
    .map((p) => (p.startsWith('arn:') ? p : arn('ecs', `capacity-provider/${p}`)));
  if (providers.length > 0) context['ecs:capacity-provider'] = providers;
  const overrides = isRecord(body.overrides) ? body.overrides : {};
  if (text(overrides.cpu)) context['ecs:task-cpu'] = String(overrides.cpu);
  if (text(overrides.memory)) context['ecs:task-memory'] = String(overrides.memory);
  if (typeof body.enableExecuteCommand === 'boolean') context['ecs:enable-execute-command'] = String(body.enableExecuteCommand);

  const requests: IamRequest[] = [{ action: 'ecs:RunTask', resource: definitionArn, context }];
  if (tags.length > 0) {
    requests.push({ action: 'ecs:TagResource', resource: arn('ecs', `task/${clusterName}/${NEW_RESOURCE_ID}`), context: { ...tagContext, 'ecs:CreateAction': 'RunTask' } });
  }
  const passed = new Set<string>();
  const taskRole = text(overrides.taskRoleArn) ?? definition?.taskRoleArn;
  const executionRole = text(overrides.executionRoleArn) ?? definition?.executionRoleArn;
  if (taskRole) passed.add(taskRole);
  if (executionRole) passed.add(executionRole);
  for (const role of passed) {
    requests.push({ action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
  }
  return requests;
}
