import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, violationKey } from '../../../lib/placement/policy/evaluate.js';
import type { ClusterSnapshot, PolicyService, PolicyTask } from '../../../lib/placement/policy/model.js';
import { applyMove, deploymentInProgress, minimumHealthy, planStops, predictReplacement } from '../../../lib/placement/policy/plan.js';
import type { PlacementSettings } from '../../../lib/placement/policy/select.js';
import { instance, NOW, service, settings, snapshot, task, TD } from './support.js';

const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const SERVICES = ['web', 'api', 'jobs'];

const world = fc
  .record({
    instances: fc.array(
      fc.record({ az: fc.constantFrom(...AZS), type: fc.constantFrom('m5.large', 'c5.large', 't3.large'), spot: fc.boolean(), cpu: fc.constantFrom(0, 512, 2048), status: fc.constantFrom('ACTIVE', 'ACTIVE', 'ACTIVE', 'DRAINING') }),
      { minLength: 1, maxLength: 8 },
    ),
    services: fc.array(
      fc.record({
        desired: fc.integer({ min: 1, max: 8 }),
        minHealthy: fc.constantFrom(0, 50, 75, 100),
        deploying: fc.integer({ min: 0, max: 4 }), // 0: a deployment in progress
        azr: fc.constantFrom('ENABLED', 'DISABLED'),
        daemon: fc.integer({ min: 0, max: 6 }), // 0: DAEMON
        strategy: fc.constantFrom('default', 'binpack', 'spread-instance'),
        placements: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
        ages: fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 8, maxLength: 8 }),
        pending: fc.integer({ min: 0, max: 5 }), // 0: one task still PENDING
      }),
      { minLength: 1, maxLength: 3 },
    ),
    rules: fc.record({
      maxSkew: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
      instanceMatch: fc.option(fc.constantFrom('attribute:ecs.instance-type =~ m5.*', 'attribute:ecs.instance-type != t3.large'), { nil: undefined }),
      maxShare: fc.option(fc.constantFrom(0, 0.34, 0.5), { nil: undefined }),
      maxPerInstance: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
    }),
    maxStopsPerCluster: fc.integer({ min: 1, max: 3 }),
  })
  .map(({ instances: specs, services: serviceSpecs, rules, maxStopsPerCluster }) => {
    const instances = specs.map((s, i) => instance(i + 1, s.az, { type: s.type, ...(s.spot ? { lifecycle: 'spot' } : {}), cpu: s.cpu, status: s.status }));
    const services: PolicyService[] = [];
    const tasks: PolicyTask[] = [];
    serviceSpecs.forEach((spec, si) => {
      const name = SERVICES[si] ?? `s${si}`;
      const strategy = spec.strategy === 'binpack' ? [{ type: 'binpack', field: 'memory' }] : spec.strategy === 'spread-instance' ? [{ type: 'spread', field: 'instanceId' }] : [];
      services.push(
        service(name, spec.desired, {
          minimumHealthyPercent: spec.minHealthy,
          availabilityZoneRebalancing: spec.azr,
          schedulingStrategy: spec.daemon === 0 ? 'DAEMON' : 'REPLICA',
          placementStrategy: strategy,
          deployments: spec.deploying === 0 ? [{ status: 'PRIMARY', rolloutState: 'IN_PROGRESS' }, { status: 'ACTIVE' }] : [{ status: 'PRIMARY', rolloutState: 'COMPLETED' }],
        }),
      );
      for (let t = 0; t < spec.desired; t++) {
        const on = instances[(spec.placements[t] ?? 0) % instances.length];
        if (!on) continue;
        tasks.push(task(name, on, { ageMinutes: spec.ages[t] ?? 60, ...(spec.pending === 0 && t === 0 ? { lastStatus: 'PENDING' } : {}) }));
      }
    });
    const config = settings({
      dryRun: false,
      minTaskAge: '10m',
      maxStopsPerCluster,
      policies: [
        {
          name: 'p',
          select: {},
          mode: 'enforce',
          rules: {
            ...(rules.maxSkew !== undefined ? { azBalance: { maxSkew: rules.maxSkew } } : {}),
            ...(rules.instanceMatch !== undefined ? { instanceMatch: rules.instanceMatch } : {}),
            ...(rules.maxShare !== undefined ? { spot: { maxShare: rules.maxShare } } : {}),
            ...(rules.maxPerInstance !== undefined ? { maxPerInstance: rules.maxPerInstance } : {}),
          },
        },
      ],
    });
    return { snap: snapshot({ services, tasks, instances }), config };
  });

function amounts(snap: ClusterSnapshot, config: PlacementSettings): Map<string, number> {
  return new Map(evaluate(snap, config.policies).map((v) => [violationKey(v), v.amount]));
}

describe('stop plans (properties)', () => {
  it('never take a service below its minimum, never during a deployment, never a DAEMON or young task, at most one per service and the cluster cap', () => {
    fc.assert(
      fc.property(world, ({ snap, config }) => {
        const plan = planStops(snap, config);
        expect(plan.stops.length).toBeLessThanOrEqual(config.maxStopsPerCluster);
        for (const svc of snap.services) {
          const stops = plan.stops.filter((s) => s.service === svc.serviceName);
          expect(stops.length).toBeLessThanOrEqual(1);
          if (stops.length === 0) continue;
          const running = snap.tasks.filter((t) => t.group === `service:${svc.serviceName}` && t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING').length;
          expect(running - stops.length).toBeGreaterThanOrEqual(minimumHealthy(svc));
          expect(deploymentInProgress(svc)).toBe(false);
          expect(svc.schedulingStrategy).toBe('REPLICA');
          for (const stop of stops) {
            const t = snap.tasks.find((x) => x.taskArn === stop.taskArn);
            expect(NOW - (t?.startedAt ?? NOW)).toBeGreaterThanOrEqual(config.minTaskAge * 1000);
            if (stop.rule === 'azBalance') expect(svc.availabilityZoneRebalancing).not.toBe('ENABLED');
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('applying the plan, each replacement where the engine places it, never increases any violation', () => {
    let stopsSeen = 0;
    fc.assert(
      fc.property(world, ({ snap, config }) => {
        const plan = planStops(snap, config);
        const before = amounts(snap, config);
        let current = snap;
        for (const stop of plan.stops) {
          const svc = current.services.find((s) => s.serviceName === stop.service);
          const t = current.tasks.find((x) => x.taskArn === stop.taskArn);
          if (!svc || !t) throw new Error('the plan names an unknown service or task');
          const landing = predictReplacement(current, svc, t, TD, 0);
          expect(landing).toBeDefined();
          if (!landing) return;
          current = applyMove(current, t.taskArn, landing, TD);
          stopsSeen++;
        }
        const after = amounts(current, config);
        for (const [key, amount] of after) expect(amount, key).toBeLessThanOrEqual(before.get(key) ?? 0);
        // Each stop made its own violation strictly smaller.
        for (const stop of plan.stops) expect(after.get(`${stop.service}|${stop.policy}|${stop.rule}`) ?? 0).toBeLessThan(before.get(`${stop.service}|${stop.policy}|${stop.rule}`) ?? 0);
      }),
      { numRuns: 300 },
    );
    // The property is not vacuous: the generated worlds do plan stops.
    expect(stopsSeen).toBeGreaterThan(20);
  });
});
