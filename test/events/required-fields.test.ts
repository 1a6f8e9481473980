import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../lib/events/index.js';
import { FIXTURES, SCHEMAS, deletePath, fixture, setPath, type FixtureKind } from './support.js';

/**
 * The contract, written out: every field (path pattern, `[*]` = any array index) that must be present, with its
 * JSON type. Every other field of every fixture is optional. Both directions are checked below, so making a field
 * required or optional in `lib/events` has to be a deliberate change here too.
 */
type JsonType = 'string' | 'number' | 'boolean' | 'array' | 'object';

const ENVELOPE: Record<string, JsonType> = { id: 'string', 'detail-type': 'string', source: 'string', resources: 'array', detail: 'object' };
const NAME_VALUE = (prefix: string): Record<string, JsonType> => ({ [`${prefix}[*].name`]: 'string' });

const REQUIRED: Record<FixtureKind, Record<string, JsonType>> = {
  'asg-lifecycle': {
    ...ENVELOPE,
    'detail.LifecycleActionToken': 'string',
    'detail.AutoScalingGroupName': 'string',
    'detail.LifecycleHookName': 'string',
    'detail.EC2InstanceId': 'string',
    'detail.LifecycleTransition': 'string',
  },
  'asg-activity': {
    ...ENVELOPE,
    'detail.AutoScalingGroupName': 'string',
    'detail.ActivityId': 'string',
    'detail.StatusCode': 'string',
    'detail.EC2InstanceId': 'string',
  },
  'spot-interruption': { ...ENVELOPE, 'detail.instance-id': 'string', 'detail.instance-action': 'string' },
  'rebalance-recommendation': { ...ENVELOPE, 'detail.instance-id': 'string' },
  'ecs-task-state-change': {
    ...ENVELOPE,
    'detail.taskArn': 'string',
    'detail.clusterArn': 'string',
    'detail.lastStatus': 'string',
    'detail.desiredStatus': 'string',
    'detail.createdAt': 'string',
    'detail.containers[*].containerArn': 'string',
    'detail.containers[*].name': 'string',
    'detail.containers[*].lastStatus': 'string',
    ...NAME_VALUE('detail.attributes'),
    ...NAME_VALUE('detail.attachments[*].details'),
  },
  'ecs-container-instance-state-change': {
    ...ENVELOPE,
    'detail.containerInstanceArn': 'string',
    'detail.clusterArn': 'string',
    'detail.ec2InstanceId': 'string',
    'detail.status': 'string',
    'detail.version': 'number',
    'detail.agentConnected': 'boolean',
    'detail.attributes': 'array',
    ...NAME_VALUE('detail.attributes'),
    'detail.registeredResources': 'array',
    'detail.registeredResources[*].name': 'string',
    'detail.registeredResources[*].type': 'string',
    'detail.remainingResources': 'array',
    'detail.remainingResources[*].name': 'string',
    'detail.remainingResources[*].type': 'string',
    'detail.versionInfo': 'object',
    'detail.versionInfo.agentVersion': 'string',
    'detail.updatedAt': 'string',
  },
  'ecs-service-action': {
    ...ENVELOPE,
    'detail.eventType': 'string',
    'detail.eventName': 'string',
    'detail.clusterArn': 'string',
    'detail.createdAt': 'string',
  },
  'ecs-deployment-state-change': {
    ...ENVELOPE,
    'detail.eventType': 'string',
    'detail.eventName': 'string',
    'detail.deploymentId': 'string',
    'detail.updatedAt': 'string',
  },
  'scheduled-rule': { ...ENVELOPE, time: 'string' },
  scheduler: { ...ENVELOPE, time: 'string' },
  'app-autoscaling-scaled-to-max': {
    ...ENVELOPE,
    'detail.serviceNamespace': 'string',
    'detail.resourceId': 'string',
    'detail.scalableDimension': 'string',
    'detail.newDesiredCapacity': 'number',
    'detail.maxCapacity': 'number',
  },
  'asg-sns-notification': { Event: 'string', Service: 'string', AutoScalingGroupName: 'string' },
};

/** Every object key in `value`, as concrete paths (`detail.containers[0].name`). */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => keyPaths(item, `${prefix}[${index}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return [path, ...keyPaths(child, path)];
  });
}

const patternOf = (path: string): string => path.replace(/\[\d+\]/g, '[*]');

const cases = Object.entries(FIXTURES).flatMap(([file, kind]) =>
  keyPaths(fixture(file)).map((path) => ({ file, kind, path, type: REQUIRED[kind][patternOf(path)] })),
);
const requiredCases = cases.filter((c) => c.type !== undefined);
const optionalCases = cases.filter((c) => c.type === undefined);

function messageAfter(kind: FixtureKind, input: unknown): string | undefined {
  const result = parseEvent(SCHEMAS[kind], input);
  return result.ok ? undefined : result.error.message;
}

describe('required fields', () => {
  it('every required pattern occurs in some fixture (the table has no dead entries)', () => {
    const seen = new Set(requiredCases.map((c) => `${c.kind} ${patternOf(c.path)}`));
    const dead = Object.entries(REQUIRED).flatMap(([kind, fields]) => Object.keys(fields).filter((pattern) => !seen.has(`${kind} ${pattern}`)));
    expect(dead).toEqual([]);
  });

  it('deleting any required field fails, naming that field', () => {
    for (const { file, kind, path } of requiredCases) {
      const input = fixture(file);
      deletePath(input, path);
      expect(messageAfter(kind, input), `${file} without ${path}`).toContain(`${path}: expected`);
    }
  });

  it('deleting any other field still parses', () => {
    for (const { file, kind, path } of optionalCases) {
      const input = fixture(file);
      deletePath(input, path);
      expect(messageAfter(kind, input), `${file} without ${path}`).toBeUndefined();
    }
  });

  it('a required field of the wrong JSON type fails, naming that field', () => {
    // No arbitrary strings as "wrong" objects: the Scheduler detail is a JSON string by design.
    const wrongFor: Record<JsonType, fc.Arbitrary<unknown>> = {
      string: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.object({ maxDepth: 1 })),
      number: fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 })),
      boolean: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      array: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.object({ maxDepth: 1 })),
      object: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant('not an object'), fc.array(fc.integer(), { maxLength: 2 })),
    };
    const arbitrary = fc
      .constantFrom(...requiredCases)
      .chain((c) => wrongFor[c.type!].map((wrong) => ({ ...c, wrong })));
    fc.assert(
      fc.property(arbitrary, ({ file, kind, path, wrong }) => {
        const input = fixture(file);
        setPath(input, path, wrong);
        expect(messageAfter(kind, input)).toContain(`${path}: expected`);
      }),
      { numRuns: 300 },
    );
  });
});
