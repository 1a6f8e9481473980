/**
 * Reads the JSON inputs of the placement commands (`ecs-ops cql`, `ecs-ops place`): what `aws ecs
 * describe-container-instances`, `describe-tasks` and `describe-task-definition` print, or a bare array / object.
 *
 * - `null` anywhere counts as absent (hand-written files often say `"ec2InstanceId": null`).
 * - Only the fields the query language and the placement engine read are checked; every other field is kept as is.
 * - Every problem is an `EcsJsonError` (an `InputError`: exit code 2) whose message starts with the file name as given.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';
import type { ContainerInstance, Task, TaskDefinition } from '../placement/model.js';
import { InputError, type CliIo } from './command.js';

/** A file that cannot be read or does not hold what was expected. `file` is the path as given on the command line. */
export class EcsJsonError extends InputError {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/** Where relative paths are resolved (the CLI passes its io; defaults to the process's working directory). */
export type JsonIo = Pick<CliIo, 'cwd'>;

/** Reads and parses a JSON file; `null` values are dropped (treated as absent). */
export function readJson(path: string, io?: JsonIo): unknown {
  let text: string;
  try {
    text = readFileSync(resolve(io?.cwd ?? process.cwd(), path), 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
    if (code === 'ENOENT') throw new EcsJsonError(path, 'file not found');
    if (code === 'EISDIR') throw new EcsJsonError(path, 'is a directory, expected a JSON file');
    throw new EcsJsonError(path, `cannot read: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return JSON.parse(text, (_key, value: unknown) => (value === null ? undefined : value)) as unknown;
  } catch (error) {
    throw new EcsJsonError(path, `invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const optionalString = z.string().optional();
const optionalNumber = z.number().optional();

const timestamp = z.union([
  z.number(),
  z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'not a date (expected an ISO 8601 timestamp or epoch seconds)' }),
]);

const attribute = z.looseObject({ name: z.string(), value: optionalString, targetType: optionalString, targetId: optionalString });

const resource = z.looseObject({
  name: optionalString,
  type: optionalString,
  doubleValue: optionalNumber,
  longValue: optionalNumber,
  integerValue: optionalNumber,
  stringSetValue: z.array(z.string()).optional(),
});

const containerInstance = z.looseObject({
  containerInstanceArn: optionalString,
  ec2InstanceId: optionalString,
  capacityProviderName: optionalString,
  status: optionalString,
  agentConnected: z.boolean().optional(),
  versionInfo: z.looseObject({ agentVersion: optionalString, agentHash: optionalString, dockerVersion: optionalString }).optional(),
  registeredAt: timestamp.optional(),
  runningTasksCount: optionalNumber,
  pendingTasksCount: optionalNumber,
  attributes: z.array(attribute).optional(),
  registeredResources: z.array(resource).optional(),
  remainingResources: z.array(resource).optional(),
  attachments: z.array(z.looseObject({ id: optionalString, type: optionalString, status: optionalString })).optional(),
});

const task = z.looseObject({
  taskArn: optionalString,
  clusterArn: optionalString,
  taskDefinitionArn: optionalString,
  containerInstanceArn: optionalString,
  group: optionalString,
  startedBy: optionalString,
  lastStatus: optionalString,
  desiredStatus: optionalString,
  launchType: optionalString,
  capacityProviderName: optionalString,
  availabilityZone: optionalString,
  cpu: optionalString,
  memory: optionalString,
});

const containerDefinition = z.looseObject({
  name: optionalString,
  cpu: optionalNumber,
  memory: optionalNumber,
  memoryReservation: optionalNumber,
  essential: z.boolean().optional(),
  portMappings: z
    .array(
      z.looseObject({ containerPort: optionalNumber, hostPort: optionalNumber, protocol: optionalString, containerPortRange: optionalString, hostPortRange: optionalString }),
    )
    .optional(),
  resourceRequirements: z.array(z.looseObject({ type: optionalString, value: optionalString })).optional(),
});

const taskDefinition = z.looseObject({
  taskDefinitionArn: optionalString,
  family: optionalString,
  revision: optionalNumber,
  networkMode: optionalString,
  cpu: optionalString,
  memory: optionalString,
  containerDefinitions: z.array(containerDefinition).optional(),
  placementConstraints: z.array(z.looseObject({ type: optionalString, expression: optionalString })).optional(),
  requiresAttributes: z.array(attribute).optional(),
  requiresCompatibilities: z.array(z.string()).optional(),
});

function pathText(prefix: string, path: readonly PropertyKey[]): string {
  let text = prefix;
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  return text.startsWith('.') ? text.slice(1) : text || '(top level)';
}

function check<T>(schema: z.ZodType<T>, value: unknown, file: string, prefix: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue ? pathText(prefix, issue.path) : prefix;
  throw new EcsJsonError(file, `${where}: ${issue?.message ?? 'invalid'}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The array under `key` of an AWS response object, or the value itself when it is an array. */
function listOf(value: unknown, key: string, file: string, what: string): { items: unknown[]; prefix: string } {
  if (Array.isArray(value)) return { items: value, prefix: '' };
  if (isRecord(value) && Array.isArray(value[key])) return { items: value[key], prefix: key };
  throw new EcsJsonError(file, `expected ${what}`);
}

/**
 * Container instances from a DescribeContainerInstances response (`{"containerInstances": [...]}`) or a bare array.
 */
export function readContainerInstances(path: string, io?: JsonIo): ContainerInstance[] {
  const { items, prefix } = listOf(
    readJson(path, io),
    'containerInstances',
    path,
    'a DescribeContainerInstances response ({"containerInstances": [...]}) or an array of container instances',
  );
  return items.map((item, i) => check(containerInstance, item, path, `${prefix}[${i}]`));
}

/** Tasks from a DescribeTasks or ListTasks-then-DescribeTasks response (`{"tasks": [...]}`) or a bare array. */
export function readTasks(path: string, io?: JsonIo): Task[] {
  const { items, prefix } = listOf(readJson(path, io), 'tasks', path, 'a DescribeTasks response ({"tasks": [...]}) or an array of tasks');
  return items.map((item, i) => check(task, item, path, `${prefix}[${i}]`));
}

/** A task definition from a DescribeTaskDefinition response (`{"taskDefinition": {...}}`) or a bare object. */
export function readTaskDefinition(path: string, io?: JsonIo): TaskDefinition {
  const value = readJson(path, io);
  const [object, prefix] = isRecord(value) && isRecord(value.taskDefinition) ? [value.taskDefinition, 'taskDefinition'] : [value, ''];
  if (!isRecord(object)) throw new EcsJsonError(path, 'expected a DescribeTaskDefinition response ({"taskDefinition": {...}}) or a task definition object');
  const definition = check(taskDefinition, object, path, prefix);
  // RegisterTaskDefinition requires at least one container definition (a task without containers reserves nothing:
  // the plan would place anything anywhere), so a file without them is not a task definition.
  if ((definition.containerDefinitions ?? []).length === 0) {
    throw new EcsJsonError(path, `${pathText(prefix, ['containerDefinitions'])}: a task definition without containers (expected at least one container definition, as DescribeTaskDefinition prints)`);
  }
  return definition;
}
