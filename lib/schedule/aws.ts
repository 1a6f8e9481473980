/**
 * Scheduled tasks: the ECS and DynamoDB calls (clients injected). Each function makes the fewest calls the API
 * allows: ListTasks pages of 100, DescribeTasks batches of 100, task definitions cached per warm Lambda (a revision
 * never changes).
 */
import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  paginateListTasks,
  RunTaskCommand,
  StopTaskCommand,
  type ECSClient,
  type RunTaskCommandInput,
  type Task,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { DeleteItemCommand, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clusterNameFromArn } from '../events/index.js';
import { clientTokenFor, groupFor, startedByFor, tagsFor } from './identity.js';
import type { LogsLocation } from './notifications.js';
import { passRoleDeniedRole } from './pass-role.js';
import type { PendingCapacityRetry, RunRequest, ScheduleConfig, TaskView } from './model.js';

const DESCRIBE_BATCH = 100;

const time = (d: Date | undefined): number | undefined => (d === undefined ? undefined : d.getTime());

/** A DescribeTasks task as a {@link TaskView}. */
export function taskViewOf(task: Task, fallbackCluster: string): TaskView {
  return {
    taskArn: task.taskArn ?? '',
    cluster: (task.clusterArn !== undefined ? clusterNameFromArn(task.clusterArn) : undefined) ?? fallbackCluster,
    taskDefinitionArn: task.taskDefinitionArn,
    group: task.group,
    startedBy: task.startedBy,
    lastStatus: task.lastStatus ?? 'UNKNOWN',
    desiredStatus: task.desiredStatus ?? 'UNKNOWN',
    createdAt: time(task.createdAt),
    startedAt: time(task.startedAt),
    stoppingAt: time(task.stoppingAt),
    stoppedAt: time(task.stoppedAt),
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason,
    containers: (task.containers ?? []).map((c) => ({ name: c.name ?? '', exitCode: c.exitCode, reason: c.reason, lastStatus: c.lastStatus })),
  };
}

/** The schedule's task ARNs with that desired status (ListTasks by startedBy; pages of 100). */
export async function listScheduleTasks(ecs: ECSClient, schedule: ScheduleConfig, desiredStatus: 'RUNNING' | 'STOPPED'): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListTasks({ client: ecs, pageSize: 100 }, { cluster: schedule.cluster, startedBy: startedByFor(schedule.name), desiredStatus, maxResults: 100 })) {
    arns.push(...(page.taskArns ?? []));
  }
  return arns;
}

/** One ListTasks call (the tick path: a schedule rarely has 100 runs going; more pages only if it has). */
export async function listRunning(ecs: ECSClient, schedule: ScheduleConfig): Promise<string[]> {
  const first = await ecs.send(new ListTasksCommand({ cluster: schedule.cluster, startedBy: startedByFor(schedule.name), desiredStatus: 'RUNNING', maxResults: 100 }));
  if (first.nextToken === undefined) return first.taskArns ?? [];
  return listScheduleTasks(ecs, schedule, 'RUNNING');
}

export async function describeTasks(ecs: ECSClient, cluster: string, arns: readonly string[]): Promise<TaskView[]> {
  const out: TaskView[] = [];
  for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) {
    const batch = arns.slice(i, i + DESCRIBE_BATCH);
    const response = await ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }));
    for (const task of response.tasks ?? []) out.push(taskViewOf(task, cluster));
  }
  return out;
}

/** Essential containers and awslogs settings of a task definition revision (revisions never change: cached). */
export interface TaskDefinitionFacts {
  essential: Set<string>;
  logs: Map<string, { group: string; region?: string | undefined; prefix?: string | undefined }>;
}

function factsOf(td: TaskDefinition): TaskDefinitionFacts {
  const essential = new Set<string>();
  const logs: TaskDefinitionFacts['logs'] = new Map();
  for (const c of td.containerDefinitions ?? []) {
    if (c.name === undefined) continue;
    if (c.essential !== false) essential.add(c.name);
    const lc = c.logConfiguration;
    const group = lc?.options?.['awslogs-group'];
    if (lc?.logDriver === 'awslogs' && group !== undefined) logs.set(c.name, { group, region: lc.options?.['awslogs-region'], prefix: lc.options?.['awslogs-stream-prefix'] });
  }
  return { essential, logs };
}

export class TaskDefinitionCache {
  private readonly facts = new Map<string, TaskDefinitionFacts>();
  private readonly max: number;

  constructor(max = 200) {
    this.max = max;
  }

  /** DescribeTaskDefinition once per revision ARN; undefined if ECS no longer has it. */
  async get(ecs: ECSClient, arn: string | undefined): Promise<TaskDefinitionFacts | undefined> {
    if (arn === undefined || arn === '') return undefined;
    const cached = this.facts.get(arn);
    if (cached) return cached;
    let td: TaskDefinition | undefined;
    try {
      td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition;
    } catch (error) {
      if (error instanceof Error && (error.name === 'ClientException' || error.name === 'InvalidParameterException')) return undefined;
      throw error;
    }
    if (td === undefined) return undefined;
    const facts = factsOf(td);
    if (this.facts.size >= this.max) this.facts.delete(this.facts.keys().next().value ?? '');
    this.facts.set(arn, facts);
    return facts;
  }

  /** Without an API call: what is cached (tests, and the reconcile pass after prefetching). */
  peek(arn: string | undefined): TaskDefinitionFacts | undefined {
    return arn === undefined ? undefined : this.facts.get(arn);
  }
}

/** Where the logs of `container` of `task` are, from the awslogs settings. */
export function logsOf(facts: TaskDefinitionFacts | undefined, task: TaskView, container: string | undefined): LogsLocation | undefined {
  if (!facts) return undefined;
  const name = container ?? [...facts.logs.keys()][0];
  const logs = name !== undefined ? facts.logs.get(name) : undefined;
  if (!logs || name === undefined) return undefined;
  const id = task.taskArn.split('/').pop() ?? '';
  return { group: logs.group, region: logs.region, ...(logs.prefix !== undefined ? { stream: `${logs.prefix}/${name}/${id}` } : {}) };
}

/** The RunTask request of one attempt: identity (startedBy, group, tags, clientToken), capacity, network, overrides. */
export function runTaskInput(schedule: ScheduleConfig, request: RunRequest): RunTaskCommandInput {
  const strategy = request.variant === 'fallback' ? schedule.fallbackCapacityProviderStrategy : schedule.capacityProviderStrategy;
  const net = schedule.networkConfiguration;
  const overrides = schedule.overrides;
  // The configured roles are sent as overrides, so what RunTask passes (iam:PassRole) is what the config names and the
  // runner is granted; a role left to the task definition is passed as the task definition has it (lib/schedule/pass-role.ts).
  const roles = {
    ...(schedule.taskRoleArn !== undefined ? { taskRoleArn: schedule.taskRoleArn } : {}),
    ...(schedule.executionRoleArn !== undefined ? { executionRoleArn: schedule.executionRoleArn } : {}),
  };
  return {
    cluster: schedule.cluster,
    taskDefinition: schedule.taskDefinition,
    count: request.count,
    startedBy: startedByFor(schedule.name),
    group: groupFor(request.ref),
    clientToken: clientTokenFor(request),
    tags: [...Object.entries(schedule.tags).map(([key, value]) => ({ key, value })), ...tagsFor(request.ref)],
    ...(strategy !== undefined
      ? { capacityProviderStrategy: strategy.map((s) => ({ capacityProvider: s.capacityProvider, weight: s.weight, base: s.base })) }
      : schedule.launchType !== undefined
        ? { launchType: schedule.launchType }
        : {}),
    ...(net !== undefined
      ? { networkConfiguration: { awsvpcConfiguration: { subnets: net.subnets, securityGroups: net.securityGroups, assignPublicIp: net.assignPublicIp ? 'ENABLED' : 'DISABLED' } } }
      : {}),
    ...(overrides !== undefined
      ? {
          overrides: {
            ...(overrides.cpu !== undefined ? { cpu: overrides.cpu } : {}),
            ...(overrides.memory !== undefined ? { memory: overrides.memory } : {}),
            ...roles,
            containerOverrides: overrides.containers.map((c) => ({
              name: c.name,
              ...(c.command !== undefined ? { command: c.command } : {}),
              ...(c.environment !== undefined ? { environment: Object.entries(c.environment).map(([name, value]) => ({ name, value })) } : {}),
            })),
          },
        }
      : Object.keys(roles).length > 0
        ? { overrides: roles }
        : {}),
  };
}

export interface RunTaskOutcome {
  started: TaskView[];
  failures: { arn?: string | undefined; reason: string; detail?: string | undefined }[];
  /** The clientToken was already used (a repeated tick): these are the tasks it started. */
  conflict?: string[] | undefined;
  /** RunTask refused the request for good (ClientException, InvalidParameterException, AccessDenied…). */
  refused?: string | undefined;
  /** The refusal was iam:PassRole on this role (a configuration error: lib/schedule/pass-role.ts). */
  passRoleDenied?: string | undefined;
}

const PERMANENT_RUN_TASK_ERRORS = new Set(['ClientException', 'InvalidParameterException', 'AccessDeniedException', 'ClusterNotFoundException', 'PlatformUnknownException', 'PlatformTaskDefinitionIncompatibilityException', 'UnsupportedFeatureException', 'BlockedException']);

/** RunTask; transient errors (throttling, 5xx) are thrown so the invocation is retried with the same clientToken. */
export async function runTask(ecs: ECSClient, schedule: ScheduleConfig, request: RunRequest): Promise<RunTaskOutcome> {
  try {
    const response = await ecs.send(new RunTaskCommand(runTaskInput(schedule, request)));
    return {
      started: (response.tasks ?? []).map((t) => taskViewOf(t, schedule.cluster)),
      failures: (response.failures ?? []).map((f) => ({ arn: f.arn, reason: f.reason ?? 'unknown', detail: f.detail })),
    };
  } catch (error) {
    if (error instanceof Error && error.name === 'ConflictException') {
      const ids = (error as Error & { resourceIds?: string[] }).resourceIds ?? [];
      return { started: [], failures: [], conflict: ids };
    }
    if (error instanceof Error && PERMANENT_RUN_TASK_ERRORS.has(error.name)) {
      const passRoleDenied = passRoleDeniedRole(error.name, error.message);
      return { started: [], failures: [], refused: `${error.name}: ${error.message}`, ...(passRoleDenied !== undefined ? { passRoleDenied } : {}) };
    }
    throw error;
  }
}

/** The task and execution roles of a task definition (family, revision or ARN); undefined if it cannot be read. */
export async function taskDefinitionRoles(ecs: ECSClient, taskDefinition: string): Promise<{ taskRoleArn?: string | undefined; executionRoleArn?: string | undefined } | undefined> {
  try {
    const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }))).taskDefinition;
    return td === undefined ? undefined : { taskRoleArn: td.taskRoleArn, executionRoleArn: td.executionRoleArn };
  } catch {
    // Only advice depends on it: the report goes out without it.
    return undefined;
  }
}

/** StopTask with a reason (≤ 255 characters, shown as the task's stoppedReason). A task already gone is fine. */
export async function stopTask(ecs: ECSClient, cluster: string, taskArn: string, reason: string): Promise<void> {
  try {
    await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: reason.slice(0, 255) }));
  } catch (error) {
    if (error instanceof Error && error.name === 'InvalidParameterException' && /not found/i.test(error.message)) return;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Pending capacity retries: one item per schedule in the idempotency table (RunTask that placed nothing leaves no
// trace in ECS). Key `ecs-ops-schedule#capacity-retry#<schedule>`; expires through the table's TTL.

export interface RetryStore {
  get(schedule: string): Promise<PendingCapacityRetry | undefined>;
  /**
   * Stores the retry unless the pending retry of a later tick is there (rule 5 of decide.ts): false then. A retry of
   * the same or an earlier tick is replaced.
   */
  put(retry: PendingCapacityRetry): Promise<boolean>;
  /** Removes the schedule's pending retry; with `tickMs`, only if it is still that tick's. */
  delete(schedule: string, tickMs?: number): Promise<void>;
}

const retryKey = (schedule: string): string => `ecs-ops-schedule#capacity-retry#${schedule}`;

const isConditionFailed = (error: unknown): boolean => error instanceof Error && error.name === 'ConditionalCheckFailedException';

export function dynamoRetryStore(client: DynamoDBClient, tableName: string): RetryStore {
  return {
    async get(schedule) {
      const response = await client.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: retryKey(schedule) } }, ConsistentRead: true }));
      const item = response.Item;
      const num = (name: string): number | undefined => {
        const value = item?.[name]?.N;
        return value === undefined ? undefined : Number(value);
      };
      const tickMs = num('tickMs');
      const attempt = num('attempt');
      const count = num('count');
      const dueMs = num('dueMs');
      if (tickMs === undefined || attempt === undefined || count === undefined || dueMs === undefined) return undefined;
      return { schedule, tickMs, attempt, count, dueMs, reason: item?.reason?.S ?? '' };
    },
    async put(retry) {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              id: { S: retryKey(retry.schedule) },
              tickMs: { N: String(retry.tickMs) },
              attempt: { N: String(retry.attempt) },
              count: { N: String(retry.count) },
              dueMs: { N: String(retry.dueMs) },
              reason: { S: retry.reason.slice(0, 1000) },
              // The table's TTL attribute: gone a day after it was due, whatever happens.
              expiration: { N: String(Math.floor(retry.dueMs / 1000) + 86_400) },
            },
            // Concurrent invocations (a tick and the reconcile pass) never put an older tick's retry over a newer one.
            ConditionExpression: 'attribute_not_exists(id) OR attribute_not_exists(tickMs) OR tickMs <= :tick',
            ExpressionAttributeValues: { ':tick': { N: String(retry.tickMs) } },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },
    async delete(schedule, tickMs) {
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: { id: { S: retryKey(schedule) } },
            ...(tickMs !== undefined ? { ConditionExpression: 'tickMs = :tick', ExpressionAttributeValues: { ':tick': { N: String(tickMs) } } } : {}),
          }),
        );
      } catch (error) {
        // Another tick's retry replaced it meanwhile (or it is gone): that one stays.
        if (!isConditionFailed(error)) throw error;
      }
    },
  };
}
