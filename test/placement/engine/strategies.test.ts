import { describe, expect, it } from 'vitest';
import type { PlacementStrategy } from '../../../lib/placement/model.js';
import { place, type PlaceRequest } from '../../../lib/placement/engine/index.js';
import { instance, perInstance, stubCompile, task, taskDefinition } from './helpers.js';

function run(request: PlaceRequest) {
  return place(request, { compile: stubCompile });
}

const AZ_SPREAD: PlacementStrategy = { type: 'spread', field: 'attribute:ecs.availability-zone' };
const INSTANCE_SPREAD: PlacementStrategy = { type: 'spread', field: 'instanceId' };
const BINPACK_MEMORY: PlacementStrategy = { type: 'binpack', field: 'memory' };

/** Six instances: a1 a2 in a, b1 b2 in b, c1 c2 in c; memory differs so binpack has a clear order. */
function sixInstances() {
  return [
    instance({ id: 'a1', az: 'a', memory: 4000 }),
    instance({ id: 'a2', az: 'a', memory: 3000 }),
    instance({ id: 'b1', az: 'b', memory: 5000 }),
    instance({ id: 'b2', az: 'b', memory: 2000 }),
    instance({ id: 'c1', az: 'c', memory: 6000 }),
    instance({ id: 'c2', az: 'c', memory: 2500 }),
  ];
}

const AZ_OF: Record<string, string> = { a1: 'a', a2: 'a', b1: 'b', b2: 'b', c1: 'c', c2: 'c' };

function perAz(placements: readonly { ec2InstanceId: string | undefined }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of placements) {
    const az = AZ_OF[p.ec2InstanceId ?? ''] ?? '?';
    counts[az] = (counts[az] ?? 0) + 1;
  }
  return counts;
}

const small = taskDefinition({}, { cpu: 10, memory: 500 });

describe('the documented strategy examples', () => {
  it('1. AZ spread: even across Availability Zones', () => {
    const result = run({ instances: sixInstances(), taskDefinition: small, count: 9, placementStrategy: [AZ_SPREAD] });
    expect(perAz(result.placements)).toEqual({ a: 3, b: 3, c: 3 });
  });

  it('2. instanceId spread: even across instances', () => {
    const result = run({ instances: sixInstances(), taskDefinition: small, count: 12, placementStrategy: [INSTANCE_SPREAD] });
    expect([...perInstance(result.placements).values()]).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('3. binpack memory: the instance with the least memory left that still fits, filled before the next', () => {
    const result = run({ instances: sixInstances(), taskDefinition: small, count: 6, placementStrategy: [BINPACK_MEMORY] });
    // b2 (2000) takes 4 tasks (2000 → 0), then c2 (2500) is the least that still fits.
    expect(result.placements.map((p) => p.ec2InstanceId)).toEqual(['b2', 'b2', 'b2', 'b2', 'c2', 'c2']);
  });

  it('3b. binpack cpu likewise, on CPU', () => {
    const instances = [instance({ id: 'x', cpu: 1000 }), instance({ id: 'y', cpu: 600 }), instance({ id: 'z', cpu: 100 })];
    const result = run({ instances, taskDefinition: taskDefinition({}, { cpu: 300, memory: 10 }), count: 4, placementStrategy: [{ type: 'binpack', field: 'cpu' }] });
    expect(result.placements.map((p) => p.ec2InstanceId)).toEqual(['y', 'y', 'x', 'x']);
  });

  it('4. random: any instance that fits, chosen by the seed', () => {
    const instances = sixInstances();
    const chosen = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const result = run({ instances, taskDefinition: small, count: 1, placementStrategy: [{ type: 'random' }], seed });
      chosen.add(result.placements[0]?.ec2InstanceId ?? '');
    }
    expect(chosen).toEqual(new Set(['a1', 'a2', 'b1', 'b2', 'c1', 'c2']));
  });

  it('5. AZ spread then instanceId spread: balanced on both', () => {
    const result = run({ instances: sixInstances(), taskDefinition: small, count: 6, placementStrategy: [AZ_SPREAD, INSTANCE_SPREAD] });
    expect([...perInstance(result.placements).values()]).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('6. AZ spread then binpack memory: even AZs, packed within each', () => {
    const result = run({ instances: sixInstances(), taskDefinition: small, count: 6, placementStrategy: [AZ_SPREAD, BINPACK_MEMORY] });
    expect(perAz(result.placements)).toEqual({ a: 2, b: 2, c: 2 });
    expect(Object.fromEntries(perInstance(result.placements))).toEqual({ a2: 2, b2: 2, c2: 2 });
  });

  it('7. instanceId spread then binpack memory: even instances, ties to the fullest', () => {
    const result = run({ instances: sixInstances(), taskDefinition: small, count: 7, placementStrategy: [INSTANCE_SPREAD, BINPACK_MEMORY] });
    expect(result.placements.map((p) => p.ec2InstanceId)).toEqual(['b2', 'c2', 'a2', 'a1', 'b1', 'c1', 'b2']);
  });
});

describe('spread semantics', () => {
  it('counts existing tasks of the same group (not other groups, not STOPPED tasks)', () => {
    const tasks = [
      task('a1', 'service:web'),
      task('a2', 'service:web'),
      task('b1', 'service:web'),
      task('c1', 'service:api'),
      task('c2', 'service:web', { lastStatus: 'STOPPED' }),
    ];
    const result = run({ instances: sixInstances(), tasks, taskDefinition: small, group: 'service:web', count: 3, placementStrategy: [AZ_SPREAD] });
    expect(perAz(result.placements)).toEqual({ b: 1, c: 2 });
  });

  it('does not count tasks on DRAINING instances in their AZ', () => {
    const instances = [instance({ id: 'a1', az: 'a' }), instance({ id: 'a-drain', az: 'a', status: 'DRAINING' }), instance({ id: 'b1', az: 'b' })];
    const tasks = [task('a-drain', 'service:web'), task('a-drain', 'service:web')];
    const result = run({ instances, tasks, taskDefinition: small, group: 'service:web', count: 2, placementStrategy: [AZ_SPREAD] });
    expect(Object.fromEntries(perInstance(result.placements))).toEqual({ a1: 1, b1: 1 });
  });

  it('counts tasks on ACTIVE instances that cannot take the task (full) in their AZ', () => {
    const instances = [instance({ id: 'a-full', az: 'a', memory: 0 }), instance({ id: 'a1', az: 'a' }), instance({ id: 'b1', az: 'b' })];
    const tasks = [task('a-full', 'service:web'), task('a-full', 'service:web')];
    const result = run({ instances, tasks, taskDefinition: small, group: 'service:web', count: 2, placementStrategy: [AZ_SPREAD] });
    expect(Object.fromEntries(perInstance(result.placements))).toEqual({ b1: 2 });
  });

  it('spreads on any attribute; instances without it form one bucket of their own', () => {
    const instances = [
      instance({ id: 'r1', attributes: { rack: 'r1' } }),
      instance({ id: 'r2', attributes: { rack: 'r2' } }),
      instance({ id: 'n1' }),
      instance({ id: 'n2' }),
    ];
    const result = run({ instances, taskDefinition: small, count: 6, placementStrategy: [{ type: 'spread', field: 'attribute:rack' }] });
    const counts = perInstance(result.placements);
    expect(counts.get('r1')).toBe(2);
    expect(counts.get('r2')).toBe(2);
    expect((counts.get('n1') ?? 0) + (counts.get('n2') ?? 0)).toBe(2);
  });

  it('host is the same as instanceId', () => {
    const result = run({ instances: sixInstances(), taskDefinition: small, count: 6, placementStrategy: [{ type: 'spread', field: 'host' }] });
    expect([...perInstance(result.placements).values()]).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('a random rule ends the chain: later rules do not apply', () => {
    const chosen = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const result = run({ instances: sixInstances(), taskDefinition: small, count: 1, placementStrategy: [{ type: 'random' }, BINPACK_MEMORY], seed });
      chosen.add(result.placements[0]?.ec2InstanceId ?? '');
    }
    expect(chosen.size).toBeGreaterThan(1);
  });
});

describe('defaults', () => {
  it('a service (group service:*) without strategies spreads on AZ, then on instance', () => {
    const instances = [
      instance({ id: 'a1', az: 'a' }),
      instance({ id: 'a2', az: 'a' }),
      instance({ id: 'a3', az: 'a' }),
      instance({ id: 'b1', az: 'b' }),
    ];
    const result = run({ instances, taskDefinition: small, group: 'service:web', count: 4 });
    const counts = Object.fromEntries(perInstance(result.placements));
    expect(counts.b1).toBe(2);
    expect([counts.a1, counts.a2, counts.a3].filter((c) => c === 1)).toHaveLength(2);
  });

  it('a service counts its running tasks per AZ', () => {
    const instances = [instance({ id: 'a1', az: 'a' }), instance({ id: 'b1', az: 'b' })];
    const tasks = [task('a1', 'service:web'), task('a1', 'service:web')];
    const result = run({ instances, tasks, taskDefinition: small, group: 'service:web', count: 3 });
    expect(result.placements.map((p) => p.ec2InstanceId)).toEqual(['b1', 'b1', expect.stringMatching(/^(a1|b1)$/)]);
  });

  it('RunTask (default group family:<family>) places at random', () => {
    const chosen = new Set<string>();
    for (let seed = 0; seed < 20; seed++) chosen.add(run({ instances: sixInstances(), taskDefinition: small, seed }).placements[0]?.ec2InstanceId ?? '');
    expect(chosen.size).toBeGreaterThan(2);
  });
});

describe('determinism', () => {
  it('the same request and seed give the same plan; another seed may not', () => {
    const request: PlaceRequest = { instances: sixInstances(), taskDefinition: small, count: 8, placementStrategy: [{ type: 'random' }], seed: 42 };
    const first = run(request);
    expect(run(request)).toEqual(first);
    const others = [1, 2, 3, 4, 5].map((seed) => run({ ...request, seed }).placements.map((p) => p.ec2InstanceId).join());
    expect(others.some((o) => o !== first.placements.map((p) => p.ec2InstanceId).join())).toBe(true);
  });

  it('ties after the strategies are broken by the seed, reproducibly', () => {
    const instances = Array.from({ length: 10 }, (_, i) => instance({ id: `i-${i}`, az: 'a' }));
    const plan = (seed: number) => run({ instances, taskDefinition: small, count: 3, placementStrategy: [BINPACK_MEMORY], seed }).placements[0]?.ec2InstanceId;
    expect(plan(3)).toBe(plan(3));
    expect(new Set([0, 1, 2, 3, 4, 5, 6, 7].map(plan)).size).toBeGreaterThan(1);
  });
});
