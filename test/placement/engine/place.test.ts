import { describe, expect, it } from 'vitest';
import { FailureReason, place, type PlaceRequest } from '../../../lib/placement/engine/index.js';
import { arn, instance, perInstance, stubCompile, task, taskDefinition } from './helpers.js';

function run(request: PlaceRequest) {
  return place(request, { compile: stubCompile });
}

describe('step 1: resources', () => {
  it('places on an instance with enough CPU and memory, and reports the task index', () => {
    const result = run({ instances: [instance({ id: 'i-a' })], taskDefinition: taskDefinition(), count: 2 });
    expect(result).toEqual({
      placements: [
        { task: 0, containerInstanceArn: arn('i-a'), ec2InstanceId: 'i-a' },
        { task: 1, containerInstanceArn: arn('i-a'), ec2InstanceId: 'i-a' },
      ],
      failures: [],
    });
  });

  it('fails with RESOURCE:CPU and the closest instance when CPU is short', () => {
    const result = run({ instances: [instance({ id: 'i-a', cpu: 100 })], taskDefinition: taskDefinition() });
    expect(result.failures).toEqual([{ task: 0, reason: 'RESOURCE:CPU', containerInstanceArn: arn('i-a') }]);
  });

  it('fails with RESOURCE:MEMORY when memory is short', () => {
    const result = run({ instances: [instance({ id: 'i-a', memory: 100 })], taskDefinition: taskDefinition() });
    expect(result.failures).toEqual([{ task: 0, reason: 'RESOURCE:MEMORY', containerInstanceArn: arn('i-a') }]);
  });

  it('uses up resources as it places: the third 1-GiB task does not fit in 2.5 GiB', () => {
    const result = run({ instances: [instance({ id: 'i-a', memory: 2560 })], taskDefinition: taskDefinition({ memory: '1024' }), count: 3 });
    expect(result.placements.map((p) => p.task)).toEqual([0, 1]);
    expect(result.failures).toEqual([{ task: 2, reason: 'RESOURCE:MEMORY', containerInstanceArn: arn('i-a') }]);
  });

  it('needs GPUs: RESOURCE:GPU when the instance has too few GPU ids left', () => {
    const td = taskDefinition({}, { resourceRequirements: [{ type: 'GPU', value: '2' }] });
    const result = run({ instances: [instance({ id: 'i-a', gpus: ['g0'] }), instance({ id: 'i-b', gpus: ['g0', 'g1', 'g2'] })], taskDefinition: td, count: 2 });
    expect(result.placements).toEqual([{ task: 0, containerInstanceArn: arn('i-b'), ec2InstanceId: 'i-b' }]);
    expect(result.failures).toEqual([{ task: 1, reason: 'RESOURCE:GPU', containerInstanceArn: arn('i-a') }]);
  });

  it('fails with RESOURCE:PORTS when a fixed host port is already taken', () => {
    const td = taskDefinition({}, { portMappings: [{ containerPort: 80, hostPort: 8080 }] });
    const result = run({ instances: [instance({ id: 'i-a', ports: [22, 8080] })], taskDefinition: td });
    expect(result.failures).toEqual([{ task: 0, reason: 'RESOURCE:PORTS', containerInstanceArn: arn('i-a') }]);
  });

  it('checks UDP ports against PORTS_UDP', () => {
    const td = taskDefinition({}, { portMappings: [{ containerPort: 53, hostPort: 53, protocol: 'udp' }] });
    const taken = run({ instances: [instance({ id: 'i-a', ports: [53], udpPorts: [53] })], taskDefinition: td });
    expect(taken.failures[0]?.reason).toBe('RESOURCE:PORTS');
    const tcpOnly = run({ instances: [instance({ id: 'i-a', ports: [53] })], taskDefinition: td });
    expect(tcpOnly.placements).toHaveLength(1);
  });

  it('a fixed host port takes the instance for the next task of the pass; dynamic ports do not', () => {
    const instances = [instance({ id: 'i-a' }), instance({ id: 'i-b' })];
    const fixed = run({ instances, taskDefinition: taskDefinition({}, { portMappings: [{ containerPort: 80, hostPort: 80 }] }), count: 3 });
    expect([...perInstance(fixed.placements).values()]).toEqual([1, 1]);
    expect(fixed.failures).toEqual([{ task: 2, reason: 'RESOURCE:PORTS', containerInstanceArn: arn('i-a') }]);
    const dynamic = run({ instances, taskDefinition: taskDefinition({}, { portMappings: [{ containerPort: 80, hostPort: 0 }] }), count: 3 });
    expect(dynamic.failures).toEqual([]);
  });

  it('in host mode the containerPort is the host port', () => {
    const td = taskDefinition({ networkMode: 'host' }, { portMappings: [{ containerPort: 9000 }] });
    const result = run({ instances: [instance({ id: 'i-a', ports: [9000] })], taskDefinition: td });
    expect(result.failures[0]?.reason).toBe('RESOURCE:PORTS');
  });
});

describe('step 1: ENIs for awsvpc tasks', () => {
  const awsvpc = taskDefinition({ networkMode: 'awsvpc' }, { cpu: 10, memory: 10 });

  it('places as many tasks as the type has task ENIs without trunking (c5.large: 2)', () => {
    const result = run({ instances: [instance({ id: 'i-a', type: 'c5.large' })], taskDefinition: awsvpc, count: 3 });
    expect(result.placements).toHaveLength(2);
    expect(result.failures).toEqual([{ task: 2, reason: 'RESOURCE:ENI', containerInstanceArn: arn('i-a') }]);
  });

  it('with trunking (ecs.awsvpc-trunk-id) the trunked limit applies (c5.large: 10)', () => {
    const result = run({ instances: [instance({ id: 'i-a', type: 'c5.large', trunk: true })], taskDefinition: awsvpc, count: 12 });
    expect(result.placements).toHaveLength(10);
    expect(result.failures.map((f) => f.reason)).toEqual(['RESOURCE:ENI', 'RESOURCE:ENI']);
  });

  it("counts ENIs in use from existing tasks' ElasticNetworkInterface attachments", () => {
    const eni = (status: string) => ({ attachments: [{ id: 'x', type: 'ElasticNetworkInterface', status }] });
    const tasks = [task('i-a', 'family:other', eni('ATTACHED')), task('i-a', 'family:other', eni('DELETED')), task('i-a', 'family:x', { ...eni('ATTACHED'), lastStatus: 'STOPPED' })];
    const result = run({ instances: [instance({ id: 'i-a', type: 'c5.large' })], tasks, taskDefinition: awsvpc, count: 2 });
    expect(result.placements).toHaveLength(1);
  });

  it('takes ENIs in use from eniInUse (by ARN or EC2 id) over the derived count', () => {
    const instances = [instance({ id: 'i-a', type: 'c5.xlarge' }), instance({ id: 'i-b', type: 'c5.xlarge' })];
    const result = run({ instances, taskDefinition: awsvpc, count: 4, eniInUse: { [arn('i-a')]: 3, 'i-b': 1 } });
    expect(result.placements.map((p) => p.ec2InstanceId)).toEqual(['i-b', 'i-b']);
  });

  it('bridge tasks need no ENI', () => {
    const result = run({ instances: [instance({ id: 'i-a', type: 't3.micro' })], taskDefinition: taskDefinition({}, { cpu: 10, memory: 10 }), count: 5 });
    expect(result.placements).toHaveLength(5);
  });
});

describe('step 1: requiresAttributes and instance state', () => {
  it('requires the task definition attributes on the instance, else ATTRIBUTE', () => {
    const td = taskDefinition({ requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.30' }] });
    const without = run({ instances: [instance({ id: 'i-a' })], taskDefinition: td });
    expect(without.failures).toEqual([{ task: 0, reason: 'ATTRIBUTE', containerInstanceArn: arn('i-a') }]);
    const withIt = run({ instances: [instance({ id: 'i-a', attributes: { 'com.amazonaws.ecs.capability.docker-remote-api.1.30': null } })], taskDefinition: td });
    expect(withIt.placements).toHaveLength(1);
  });

  it('a required attribute with a value must have that value', () => {
    const td = taskDefinition({ requiresAttributes: [{ name: 'ecs.os-type', value: 'linux' }] });
    const result = run({ instances: [instance({ id: 'i-a', attributes: { 'ecs.os-type': 'windows' } }), instance({ id: 'i-b', attributes: { 'ecs.os-type': 'linux' } })], taskDefinition: td, count: 1 });
    expect(result.placements[0]?.ec2InstanceId).toBe('i-b');
  });

  it('never places on DRAINING instances', () => {
    const result = run({ instances: [instance({ id: 'i-d', status: 'DRAINING' }), instance({ id: 'i-a', memory: 600 })], taskDefinition: taskDefinition(), count: 2 });
    expect(result.placements.map((p) => p.ec2InstanceId)).toEqual(['i-a']);
    expect(result.failures).toEqual([{ task: 1, reason: 'RESOURCE:MEMORY', containerInstanceArn: arn('i-a') }]);
  });

  it('NO ACTIVE INSTANCES when no instance is ACTIVE; MISSING when there are none', () => {
    const draining = run({ instances: [instance({ id: 'i-d', status: 'DRAINING' }), instance({ id: 'i-r', status: 'REGISTERING' })], taskDefinition: taskDefinition(), count: 2 });
    expect(draining.failures).toEqual([
      { task: 0, reason: 'NO ACTIVE INSTANCES' },
      { task: 1, reason: 'NO ACTIVE INSTANCES' },
    ]);
    expect(run({ instances: [], taskDefinition: taskDefinition() }).failures).toEqual([{ task: 0, reason: 'MISSING' }]);
  });

  it('AGENT when every ACTIVE instance has a disconnected agent', () => {
    const result = run({ instances: [instance({ id: 'i-a', agentConnected: false, memory: 10 })], taskDefinition: taskDefinition() });
    expect(result.failures).toEqual([{ task: 0, reason: 'AGENT', containerInstanceArn: arn('i-a') }]);
  });

  it('AGENT when a disconnected instance could have taken the task and no connected one can', () => {
    const instances = [instance({ id: 'i-small', memory: 100 }), instance({ id: 'i-off', agentConnected: false })];
    const result = run({ instances, taskDefinition: taskDefinition() });
    expect(result.failures).toEqual([{ task: 0, reason: 'AGENT', containerInstanceArn: arn('i-off') }]);
  });

  it('an instance with agentConnected absent is not a candidate', () => {
    const bare = instance({ id: 'i-a' });
    delete bare.agentConnected;
    expect(run({ instances: [bare], taskDefinition: taskDefinition() }).failures[0]?.reason).toBe('AGENT');
  });
});

describe('failure reason: the closest matching instance', () => {
  it('reports the instance failing the fewest checks', () => {
    const instances = [
      instance({ id: 'i-1', cpu: 10, memory: 10 }), // CPU, MEMORY
      instance({ id: 'i-2', memory: 10 }), // MEMORY
    ];
    expect(run({ instances, taskDefinition: taskDefinition() }).failures).toEqual([{ task: 0, reason: 'RESOURCE:MEMORY', containerInstanceArn: arn('i-2') }]);
  });

  it('on equal counts, the instance that got furthest through the checks (CPU, MEMORY, GPU, PORTS, ENI, ATTRIBUTE…)', () => {
    const td = taskDefinition({ requiresAttributes: [{ name: 'special' }] });
    const instances = [instance({ id: 'i-1', cpu: 10 }), instance({ id: 'i-2' })];
    expect(run({ instances, taskDefinition: td }).failures).toEqual([{ task: 0, reason: 'ATTRIBUTE', containerInstanceArn: arn('i-2') }]);
  });

  it('on a full tie, the first instance in input order; the reason is its first failing check', () => {
    const instances = [instance({ id: 'i-1', cpu: 10, memory: 10 }), instance({ id: 'i-2', cpu: 10, memory: 10 })];
    expect(run({ instances, taskDefinition: taskDefinition() }).failures).toEqual([{ task: 0, reason: 'RESOURCE:CPU', containerInstanceArn: arn('i-1') }]);
  });

  it('once one task fails, every later one fails with the same reason', () => {
    const result = run({ instances: [instance({ id: 'i-1', memory: 1024 })], taskDefinition: taskDefinition(), count: 5 });
    expect(result.placements).toHaveLength(2);
    expect(result.failures.map((f) => [f.task, f.reason])).toEqual([
      [2, 'RESOURCE:MEMORY'],
      [3, 'RESOURCE:MEMORY'],
      [4, 'RESOURCE:MEMORY'],
    ]);
  });

  it('exports the reason strings', () => {
    expect(Object.values(FailureReason)).toContain('RESOURCE:ENI');
  });
});

describe('step 2: constraints', () => {
  it('memberOf: only instances matching the expression (task definition and runtime constraints both apply)', () => {
    const instances = [
      instance({ id: 'i-a', type: 't2.small', az: 'a' }),
      instance({ id: 'i-b', type: 'c5.large', az: 'a' }),
      instance({ id: 'i-c', type: 'c5.large', az: 'b' }),
    ];
    const td = taskDefinition({ placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type == c5.large' }] });
    const result = run({ instances, taskDefinition: td, count: 4, placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.availability-zone == b' }] });
    expect(new Set(result.placements.map((p) => p.ec2InstanceId))).toEqual(new Set(['i-c']));
  });

  it('memberOf unmatched everywhere → the memberOf reason', () => {
    const result = run({ instances: [instance({ id: 'i-a' })], taskDefinition: taskDefinition(), placementConstraints: [{ type: 'memberOf', expression: 'attribute:color == blue' }] });
    expect(result.failures).toEqual([{ task: 0, reason: 'MemberOf placement constraint unsatisfied.', containerInstanceArn: arn('i-a') }]);
  });

  it('memberOf task:group sees existing tasks', () => {
    const instances = [instance({ id: 'i-a' }), instance({ id: 'i-b' }), instance({ id: 'i-c' })];
    const tasks = [task('i-b', 'service:db'), task('i-c', 'service:db', { lastStatus: 'STOPPED' })];
    const result = run({ instances, tasks, taskDefinition: taskDefinition(), count: 3, placementConstraints: [{ type: 'memberOf', expression: 'task:group == service:db' }] });
    expect(new Set(result.placements.map((p) => p.ec2InstanceId))).toEqual(new Set(['i-b']));
  });

  it('memberOf task:group sees the tasks placed earlier in the pass', () => {
    const instances = [instance({ id: 'i-a' }), instance({ id: 'i-b' }), instance({ id: 'i-c' })];
    // "not on an instance that already has a task of my group": one per instance, like distinctInstance.
    const result = run({ instances, taskDefinition: taskDefinition(), count: 4, group: 'family:web', placementConstraints: [{ type: 'memberOf', expression: 'task:group != family:web' }] });
    expect([...perInstance(result.placements).values()]).toEqual([1, 1, 1]);
    expect(result.failures).toEqual([{ task: 3, reason: 'MemberOf placement constraint unsatisfied.', containerInstanceArn: arn('i-a') }]);
  });

  it('distinctInstance: at most one task of the group per instance', () => {
    const instances = [instance({ id: 'i-a' }), instance({ id: 'i-b' })];
    const result = run({ instances, taskDefinition: taskDefinition(), count: 3, placementConstraints: [{ type: 'distinctInstance' }] });
    expect([...perInstance(result.placements).values()]).toEqual([1, 1]);
    expect(result.failures).toEqual([{ task: 2, reason: 'DistinctInstance placement constraint unsatisfied.', containerInstanceArn: arn('i-a') }]);
  });

  it('distinctInstance counts existing tasks of the group (not other groups, not STOPPED ones)', () => {
    const instances = [instance({ id: 'i-a' }), instance({ id: 'i-b' }), instance({ id: 'i-c' }), instance({ id: 'i-d' })];
    const tasks = [task('i-a', 'service:web'), task('i-b', 'service:api'), task('i-c', 'service:web', { lastStatus: 'STOPPED' })];
    const result = run({ instances, tasks, taskDefinition: taskDefinition(), group: 'service:web', count: 3, placementConstraints: [{ type: 'distinctInstance' }] });
    expect(new Set(result.placements.map((p) => p.ec2InstanceId))).toEqual(new Set(['i-b', 'i-c', 'i-d']));
  });
});

describe('memberOf with the cluster query language (the default compiler)', () => {
  const instances = [
    instance({ id: 'i-t2', type: 't2.small', az: 'us-east-1a' }),
    instance({ id: 'i-c5a', type: 'c5.large', az: 'us-east-1a' }),
    instance({ id: 'i-c5b', type: 'c5.xlarge', az: 'us-east-1b' }),
    instance({ id: 'i-c5c', type: 'c5.xlarge', az: 'us-east-1c' }),
  ];

  it('attribute expressions', () => {
    const result = place({
      instances,
      taskDefinition: taskDefinition(),
      count: 6,
      placementStrategy: [{ type: 'spread', field: 'instanceId' }],
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ c5.* and attribute:ecs.availability-zone in [us-east-1a, us-east-1b]' }],
    });
    expect(Object.fromEntries(perInstance(result.placements))).toEqual({ 'i-c5a': 3, 'i-c5b': 3 });
  });

  it('task:group sees existing tasks and the tasks placed earlier in the pass', () => {
    const tasks = [task('i-c5b', 'service:db'), task('i-t2', 'family:web')];
    const result = place({
      instances,
      tasks,
      taskDefinition: taskDefinition(),
      count: 3,
      placementConstraints: [{ type: 'memberOf', expression: 'not(task:group == family:web)' }],
    });
    expect(new Set(result.placements.map((p) => p.ec2InstanceId))).toEqual(new Set(['i-c5a', 'i-c5b', 'i-c5c']));
    const colocated = place({ instances, tasks, taskDefinition: taskDefinition(), count: 2, placementConstraints: [{ type: 'memberOf', expression: 'task:group == service:db' }] });
    expect(colocated.placements.map((p) => p.ec2InstanceId)).toEqual(['i-c5b', 'i-c5b']);
  });
});

describe('purity', () => {
  it('does not mutate its inputs', () => {
    const request: PlaceRequest = {
      instances: [instance({ id: 'i-a', az: 'a' }), instance({ id: 'i-b', az: 'b' })],
      tasks: [task('i-a', 'service:web', { attachments: [{ type: 'ElasticNetworkInterface', status: 'ATTACHED' }] })],
      taskDefinition: taskDefinition({ placementConstraints: [{ type: 'memberOf', expression: 'task:group != service:none' }] }, { portMappings: [{ containerPort: 80, hostPort: 80 }] }),
      count: 3,
      group: 'service:web',
      placementConstraints: [{ type: 'distinctInstance' }],
      placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'binpack', field: 'memory' }],
      seed: 7,
    };
    const before = structuredClone(request);
    const frozen = deepFreeze(structuredClone(request));
    run(request);
    expect(request).toEqual(before);
    expect(() => run(frozen)).not.toThrow();
  });

  it('count 0 places nothing', () => {
    expect(run({ instances: [instance({ id: 'i-a' })], taskDefinition: taskDefinition(), count: 0 })).toEqual({ placements: [], failures: [] });
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
