import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContainerInstance, PlacementConstraint, PlacementStrategy, TaskDefinition } from '../../../lib/placement/model.js';
import { attributeValue } from '../../../lib/placement/model.js';
import { eniLimit, place, remainingResources, taskRequirements, type PlacementTask, type PlaceRequest } from '../../../lib/placement/engine/index.js';
import { arn, instance, stubCompile } from './helpers.js';

const AZS = ['a', 'b', 'c'] as const;
const GROUP = 'service:web';

const instanceArb = (id: number, ample: boolean) =>
  fc
    .record({
      az: fc.constantFrom(...AZS),
      cpu: ample ? fc.constant(1_000_000) : fc.integer({ min: 0, max: 4096 }),
      memory: ample ? fc.constant(1_000_000) : fc.integer({ min: 0, max: 8192 }),
      gpus: fc.integer({ min: 0, max: 3 }),
      ports: fc.subarray([22, 80, 8080, 53]),
      status: ample ? fc.constant('ACTIVE') : fc.constantFrom('ACTIVE', 'ACTIVE', 'ACTIVE', 'DRAINING'),
      connected: fc.integer({ min: 0, max: 9 }), // 0: agent disconnected (1 in 10)
      type: fc.constantFrom('c5.large', 'c5.xlarge', 't3.micro', 'x1.unknown'),
      trunk: fc.boolean(),
      color: fc.constantFrom('red', 'blue', undefined),
    })
    .map((s) =>
      instance({
        id: `i-${id}`,
        az: s.az,
        cpu: s.cpu,
        memory: s.memory,
        gpus: Array.from({ length: s.gpus }, (_, g) => `gpu-${g}`),
        ports: s.ports,
        udpPorts: s.ports.includes(53) ? [53] : [],
        status: s.status,
        agentConnected: ample || s.connected > 0,
        type: s.type,
        trunk: s.trunk,
        attributes: s.color === undefined ? {} : { color: s.color },
      }),
    );

const fleetArb = (ample: boolean, max = 12) =>
  fc.integer({ min: 1, max }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => instanceArb(i, ample))));

const taskDefinitionArb: fc.Arbitrary<TaskDefinition> = fc
  .record({
    networkMode: fc.constantFrom('bridge', 'host', 'awsvpc'),
    cpu: fc.integer({ min: 0, max: 1024 }),
    memory: fc.integer({ min: 1, max: 2048 }),
    gpu: fc.constantFrom(0, 0, 1, 2),
    port: fc.constantFrom(undefined, 0, 80, 8080, 9000),
    udp: fc.boolean(),
    requiresColor: fc.boolean(),
  })
  .map((s) => ({
    family: 'web',
    networkMode: s.networkMode,
    requiresAttributes: s.requiresColor ? [{ name: 'color' }] : [],
    containerDefinitions: [
      {
        name: 'app',
        cpu: s.cpu,
        memory: s.memory,
        resourceRequirements: s.gpu > 0 ? [{ type: 'GPU', value: String(s.gpu) }] : [],
        portMappings: s.port === undefined ? [] : [{ containerPort: s.port || 8000, hostPort: s.port, protocol: s.udp ? 'udp' : 'tcp' }],
      },
    ],
  }));

const strategyArb: fc.Arbitrary<PlacementStrategy[]> = fc.array(
  fc.constantFrom<PlacementStrategy>(
    { type: 'spread', field: 'attribute:ecs.availability-zone' },
    { type: 'spread', field: 'instanceId' },
    { type: 'spread', field: 'attribute:color' },
    { type: 'binpack', field: 'memory' },
    { type: 'binpack', field: 'cpu' },
    { type: 'random' },
  ),
  { maxLength: 5 },
);

function existingTasksArb(instances: readonly ContainerInstance[]): fc.Arbitrary<PlacementTask[]> {
  return fc.array(
    fc.record({
      on: fc.integer({ min: 0, max: instances.length - 1 }),
      group: fc.constantFrom(GROUP, 'service:other'),
      eni: fc.boolean(),
      stopped: fc.boolean(),
    }),
    { maxLength: 10 },
  ).map((specs) =>
    specs.map((s, k) => ({
      taskArn: `task-${k}`,
      containerInstanceArn: instances[s.on]?.containerInstanceArn,
      group: s.group,
      lastStatus: s.stopped ? 'STOPPED' : 'RUNNING',
      attachments: s.eni ? [{ type: 'ElasticNetworkInterface', status: 'ATTACHED' }] : [],
    })),
  );
}

const requestArb: fc.Arbitrary<PlaceRequest> = fleetArb(false).chain((instances) =>
  fc.record({
    instances: fc.constant(instances),
    tasks: existingTasksArb(instances),
    taskDefinition: taskDefinitionArb,
    count: fc.integer({ min: 1, max: 25 }),
    group: fc.constant(GROUP),
    placementStrategy: strategyArb,
    placementConstraints: fc.subarray<PlacementConstraint>([{ type: 'memberOf', expression: 'attribute:color == red' }, { type: 'distinctInstance' }]),
    seed: fc.integer(),
  }),
);

function index(instances: readonly ContainerInstance[]): Map<string, number> {
  return new Map(instances.map((inst, i) => [inst.containerInstanceArn ?? '', i]));
}

describe('placement properties', () => {
  it('never exceeds what an instance has left (CPU, memory, GPU, ports, ENIs) and only uses candidates', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        const { placements, failures } = place(request, { compile: stubCompile });
        expect(placements.length + failures.length).toBe(request.count);
        const req = taskRequirements(request.taskDefinition);
        const byArn = index(request.instances);
        const placed = new Map<number, number>();
        for (const p of placements) {
          const i = byArn.get(p.containerInstanceArn ?? '')!;
          placed.set(i, (placed.get(i) ?? 0) + 1);
        }
        for (const [i, n] of placed) {
          const inst = request.instances[i]!;
          expect(inst.status).toBe('ACTIVE');
          expect(inst.agentConnected).toBe(true);
          const left = remainingResources(inst);
          expect(n * req.cpu).toBeLessThanOrEqual(left.cpu);
          expect(n * req.memory).toBeLessThanOrEqual(left.memory);
          expect(n * req.gpu).toBeLessThanOrEqual(left.gpu);
          if (req.tcpPorts.length + req.udpPorts.length > 0) {
            expect(n).toBe(1);
            for (const port of req.tcpPorts) expect(left.tcpPorts.has(port)).toBe(false);
            for (const port of req.udpPorts) expect(left.udpPorts.has(port)).toBe(false);
          }
          if (req.eni > 0) {
            const used = (request.tasks ?? []).filter(
              (t) => t.containerInstanceArn === inst.containerInstanceArn && t.lastStatus !== 'STOPPED' && (t.attachments ?? []).length > 0,
            ).length;
            expect(used + n).toBeLessThanOrEqual(eniLimit(inst));
          }
          for (const required of request.taskDefinition.requiresAttributes ?? []) expect(attributeValue(inst, required.name ?? '')).not.toBeUndefined();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('always satisfies memberOf and distinctInstance (counting existing tasks of the group)', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        const { placements } = place(request, { compile: stubCompile });
        const constraints = request.placementConstraints ?? [];
        const byArn = index(request.instances);
        const seen = new Set<string>();
        for (const p of placements) {
          const inst = request.instances[byArn.get(p.containerInstanceArn ?? '')!]!;
          if (constraints.some((c) => c.type === 'memberOf')) expect(attributeValue(inst, 'color')).toBe('red');
          if (constraints.some((c) => c.type === 'distinctInstance')) {
            expect(seen.has(p.containerInstanceArn ?? '')).toBe(false);
            const existing = (request.tasks ?? []).some((t) => t.containerInstanceArn === p.containerInstanceArn && t.group === GROUP && t.lastStatus !== 'STOPPED');
            expect(existing).toBe(false);
          }
          seen.add(p.containerInstanceArn ?? '');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic for a seed', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        expect(place(request, { compile: stubCompile })).toEqual(place(request, { compile: stubCompile }));
      }),
      { numRuns: 100 },
    );
  });
});

describe('spread keeps per-value counts within one of each other when resources allow', () => {
  const spreadRequestArb = (field: string) =>
    fleetArb(true, 10).chain((instances) =>
      fc.record({
        instances: fc.constant(instances),
        tasks: fc.constant<PlacementTask[]>([]),
        taskDefinition: fc.constant<TaskDefinition>({ family: 'web', containerDefinitions: [{ name: 'app', cpu: 10, memory: 10 }] }),
        count: fc.integer({ min: 1, max: 40 }),
        group: fc.constant(GROUP),
        placementStrategy: fc.constant<PlacementStrategy[]>([{ type: 'spread', field }]),
        seed: fc.integer(),
      }),
    );

  it('on attribute:ecs.availability-zone (no earlier tasks): AZ counts differ by at most one', () => {
    fc.assert(
      fc.property(spreadRequestArb('attribute:ecs.availability-zone'), (request) => {
        const { placements, failures } = place(request);
        expect(failures).toEqual([]);
        const azOf = new Map(request.instances.map((i) => [i.containerInstanceArn, attributeValue(i, 'ecs.availability-zone')]));
        const zones = new Set(azOf.values());
        const counts = new Map([...zones].map((z) => [z, 0]));
        for (const p of placements) counts.set(azOf.get(p.containerInstanceArn), (counts.get(azOf.get(p.containerInstanceArn)) ?? 0) + 1);
        expect(Math.max(...counts.values()) - Math.min(...counts.values())).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });

  it('on instanceId, with earlier tasks: an instance that received a task ends at most one above any other', () => {
    const withExisting = fleetArb(true, 8).chain((instances) =>
      fc.record({
        instances: fc.constant(instances),
        tasks: fc
          .array(fc.integer({ min: 0, max: instances.length - 1 }), { maxLength: 12 })
          .map((on) => on.map((i, k): PlacementTask => ({ taskArn: `t${k}`, containerInstanceArn: arn(`i-${i}`), group: GROUP, lastStatus: 'RUNNING' }))),
        taskDefinition: fc.constant<TaskDefinition>({ family: 'web', containerDefinitions: [{ name: 'app', cpu: 10, memory: 10 }] }),
        count: fc.integer({ min: 1, max: 30 }),
        group: fc.constant(GROUP),
        placementStrategy: fc.constant<PlacementStrategy[]>([{ type: 'spread', field: 'instanceId' }]),
        seed: fc.integer(),
      }),
    );
    fc.assert(
      fc.property(withExisting, (request) => {
        const { placements } = place(request);
        const final = new Map(request.instances.map((i) => [i.containerInstanceArn, 0]));
        for (const t of request.tasks ?? []) final.set(t.containerInstanceArn, (final.get(t.containerInstanceArn) ?? 0) + 1);
        const received = new Set<string | undefined>();
        for (const p of placements) {
          final.set(p.containerInstanceArn, (final.get(p.containerInstanceArn) ?? 0) + 1);
          received.add(p.containerInstanceArn);
        }
        const lowest = Math.min(...final.values());
        for (const r of received) expect(final.get(r)).toBeLessThanOrEqual(lowest + 1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('binpack picks the instance with the least remaining of its field that still fits (brute-force oracle)', () => {
  for (const field of ['memory', 'cpu'] as const) {
    it(`binpack ${field}`, () => {
      const binpackArb = fleetArb(false, 10).chain((instances) =>
        fc.record({
          instances: fc.constant(instances),
          taskDefinition: fc.record({ cpu: fc.integer({ min: 1, max: 1500 }), memory: fc.integer({ min: 1, max: 3000 }) }).map(
            ({ cpu, memory }): TaskDefinition => ({ family: 'web', containerDefinitions: [{ name: 'app', cpu, memory }] }),
          ),
          count: fc.integer({ min: 1, max: 20 }),
          placementStrategy: fc.constant<PlacementStrategy[]>([{ type: 'binpack', field }]),
          seed: fc.integer(),
        }),
      );
      fc.assert(
        fc.property(binpackArb, (request) => {
          const { placements, failures } = place(request);
          const req = taskRequirements(request.taskDefinition);
          const left = request.instances.map((i) => ({ ...remainingResources(i), ok: i.status === 'ACTIVE' && i.agentConnected === true }));
          const fits = (k: number) => left[k]!.ok && left[k]!.cpu >= req.cpu && left[k]!.memory >= req.memory;
          const byArn = index(request.instances);
          for (const p of placements) {
            const chosen = byArn.get(p.containerInstanceArn ?? '')!;
            const candidates = left.map((_, k) => k).filter(fits);
            expect(candidates).toContain(chosen);
            const least = Math.min(...candidates.map((k) => left[k]![field]));
            expect(left[chosen]![field]).toBe(least);
            left[chosen]!.cpu -= req.cpu;
            left[chosen]!.memory -= req.memory;
          }
          // A failure only when nothing fits any more.
          if (failures.length > 0) expect(left.some((_, k) => fits(k))).toBe(false);
        }),
        { numRuns: 300 },
      );
    });
  }
});
