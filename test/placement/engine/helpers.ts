/**
 * Builders for placement engine tests, and a stub memberOf compiler (a few expression forms) so the engine's tests do
 * not depend on the query language.
 */
import type { ContainerDefinition, ContainerInstance, EcsAttribute, TaskDefinition } from '../../../lib/placement/model.js';
import { attributeValue } from '../../../lib/placement/model.js';
import type { CompileExpression, InstancePredicate, PlacementTask } from '../../../lib/placement/engine/index.js';

export const ARN_PREFIX = 'arn:aws:ecs:us-east-1:123456789012:container-instance/test/';

export interface InstanceSpec {
  id: string;
  az?: string;
  cpu?: number;
  memory?: number;
  /** GPU ids left (a stringSetValue). */
  gpus?: string[];
  ports?: number[];
  udpPorts?: number[];
  status?: string;
  agentConnected?: boolean;
  type?: string;
  trunk?: boolean;
  attributes?: Record<string, string | null>;
}

export function arn(id: string): string {
  return `${ARN_PREFIX}${id}`;
}

export function instance(spec: InstanceSpec): ContainerInstance {
  const attributes: EcsAttribute[] = [];
  if (spec.az !== undefined) attributes.push({ name: 'ecs.availability-zone', value: spec.az });
  attributes.push({ name: 'ecs.instance-type', value: spec.type ?? 'c5.xlarge' });
  if (spec.trunk) attributes.push({ name: 'ecs.awsvpc-trunk-id', value: `trunk-${spec.id}` });
  for (const [name, value] of Object.entries(spec.attributes ?? {})) attributes.push(value === null ? { name } : { name, value });
  return {
    containerInstanceArn: arn(spec.id),
    ec2InstanceId: spec.id,
    status: spec.status ?? 'ACTIVE',
    agentConnected: spec.agentConnected ?? true,
    attributes,
    remainingResources: [
      { name: 'CPU', type: 'INTEGER', integerValue: spec.cpu ?? 4096 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: spec.memory ?? 8192 },
      { name: 'PORTS', type: 'STRINGSET', stringSetValue: (spec.ports ?? [22, 2375, 2376, 51678, 51679]).map(String) },
      { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: (spec.udpPorts ?? []).map(String) },
      ...(spec.gpus ? [{ name: 'GPU', type: 'STRINGSET', stringSetValue: spec.gpus }] : []),
    ],
  };
}

export function taskDefinition(overrides: Partial<TaskDefinition> = {}, container: ContainerDefinition = {}): TaskDefinition {
  return {
    family: 'web',
    networkMode: 'bridge',
    containerDefinitions: [{ name: 'app', cpu: 256, memory: 512, ...container }],
    ...overrides,
  };
}

let taskSerial = 0;
export function task(onInstance: string, group: string, extra: Partial<PlacementTask> = {}): PlacementTask {
  taskSerial += 1;
  return { taskArn: `arn:aws:ecs:us-east-1:123456789012:task/test/${taskSerial}`, containerInstanceArn: arn(onInstance), group, lastStatus: 'RUNNING', ...extra };
}

/** An error like the query language's QuerySyntaxError. */
export class StubSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

/**
 * Stub compiler: `attribute:NAME == VALUE`, `attribute:NAME != VALUE`, `attribute:NAME exists`, `task:group == G`,
 * `task:group != G` (the instance has / has no task of group G). Anything else is a syntax error at position 0.
 */
export const stubCompile: CompileExpression = (expression) => {
  const compare = /^(attribute:[\w.-]+|task:group)\s*(==|!=)\s*([\w.:-]+)$/.exec(expression.trim());
  const exists = /^attribute:([\w.-]+)\s+exists$/.exec(expression.trim());
  let predicate: InstancePredicate;
  if (exists?.[1]) {
    const name = exists[1];
    predicate = { matches: (i) => attributeValue(i, name) !== undefined };
  } else if (compare?.[1] && compare[2] && compare[3]) {
    const [, left, op, right] = compare;
    const equal = op === '==';
    predicate =
      left === 'task:group'
        ? { matches: (i, context) => context.groupsOnInstance(i.containerInstanceArn ?? '').has(right) === equal }
        : { matches: (i) => (attributeValue(i, left.slice('attribute:'.length)) === right) === equal };
  } else {
    const at = expression.search(/[^\w:.\s=!-]/);
    throw new StubSyntaxError(`unexpected input at ${Math.max(at, 0)}`, Math.max(at, 0));
  }
  return predicate;
};

/** How many placements went to each instance id. */
export function perInstance(placements: readonly { ec2InstanceId: string | undefined }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of placements) counts.set(p.ec2InstanceId ?? '?', (counts.get(p.ec2InstanceId ?? '?') ?? 0) + 1);
  return counts;
}
