import { describe, expect, it } from 'vitest';
import { azRebalancingInProgress, STOP_MARKER, type PolicyTask } from '../../../lib/placement/policy/model.js';
import { planStops, stopReason } from '../../../lib/placement/policy/plan.js';
import { ACCOUNT, CLUSTER, instance, NOW, service, settings, snapshot, task } from './support.js';

const a1 = instance(1, 'us-east-1a');
const a2 = instance(2, 'us-east-1a');
const b1 = instance(3, 'us-east-1b');
const c1 = instance(4, 'us-east-1c');
const instances = [a1, a2, b1, c1];

/** 4 in 1a, 1 in 1b, 1 in 1c: skew 3. */
function imbalanced(): PolicyTask[] {
  return [task('web', a1), task('web', a1), task('web', a2), task('web', a2), task('web', b1), task('web', c1)];
}

const enforce = (extra: Record<string, unknown> = {}) =>
  settings({ dryRun: false, ...extra, policies: [{ name: 'spread', select: {}, mode: 'enforce', rules: { azBalance: { maxSkew: 1 } } }] });

describe('planStops', () => {
  it('plans one stop for an AZ imbalance, from the fullest AZ, with a replacement predicted in an emptier AZ', () => {
    const plan = planStops(snapshot({ services: [service('web', 6)], tasks: imbalanced(), instances }), enforce());
    expect(plan.stops).toHaveLength(1);
    const [stop] = plan.stops;
    expect(stop?.from.availabilityZone).toBe('us-east-1a');
    expect(['us-east-1b', 'us-east-1c']).toContain(stop?.to.availabilityZone);
    // 4/1/1 needs two moves (3/2/1, then 2/2/2); this pass makes the first.
    expect(stop?.before).toBe(2);
    expect(stop?.after).toBe(1);
    expect(stop?.needed).toBe(2);
    expect(stop?.reason.startsWith(`${STOP_MARKER} azBalance (policy spread): web: 4 tasks in us-east-1a`)).toBe(true);
    expect(plan.dryRun).toBe(false);
  });

  it('audit mode: the violation is reported, nothing planned', () => {
    const audit = settings({ dryRun: false, policies: [{ name: 'spread', select: {}, mode: 'audit', rules: { azBalance: { maxSkew: 1 } } }] });
    const plan = planStops(snapshot({ services: [service('web', 6)], tasks: imbalanced(), instances }), audit);
    expect(plan.violations).toHaveLength(1);
    expect(plan.stops).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['audit-mode']);
  });

  const skipReason = (svc: ReturnType<typeof service>, tasks = imbalanced(), extra: Record<string, unknown> = {}, recentStops?: Map<string, PolicyTask[]>) => {
    const plan = planStops(snapshot({ services: [svc], tasks, instances, ...(recentStops ? { recentStops } : {}) }), enforce(extra));
    expect(plan.stops).toEqual([]);
    return plan.skipped.map((s) => s.reason);
  };

  it('never during a deployment', () => {
    expect(skipReason(service('web', 6, { deployments: [{ status: 'PRIMARY', rolloutState: 'IN_PROGRESS' }, { status: 'ACTIVE', rolloutState: 'COMPLETED' }] }))).toEqual(['deployment']);
  });
  it('never below the minimum healthy count', () => {
    expect(skipReason(service('web', 6, { minimumHealthyPercent: 100 }))).toEqual(['minimum-healthy']);
  });
  it('never for DAEMON services', () => {
    expect(skipReason(service('web', 6, { schedulingStrategy: 'DAEMON' }))).toEqual(['daemon']);
  });
  it('stands aside for AZ rules when ECS AZ rebalancing is ENABLED', () => {
    expect(skipReason(service('web', 6, { availabilityZoneRebalancing: 'ENABLED' }))).toEqual(['az-rebalancing']);
  });
  it('no move of any rule while ECS is rebalancing the service (SERVICE_REBALANCING_STARTED, not yet _COMPLETED)', () => {
    const maxPerInstance = settings({ dryRun: false, policies: [{ name: 'spread', select: {}, mode: 'enforce', rules: { azBalance: { maxSkew: 1 }, maxPerInstance: 1 } }] });
    const plan = planStops(snapshot({ services: [service('web', 6, { azRebalancingInProgress: true })], tasks: imbalanced(), instances }), maxPerInstance);
    expect(plan.stops).toEqual([]);
    expect(plan.skipped.map((s) => `${s.violation.rule}:${s.reason}`)).toEqual(['maxPerInstance:az-rebalancing', 'azBalance:az-rebalancing']);
    // Once it completed, the maxPerInstance violation is acted on again (AZ rules stay ECS's while it is ENABLED).
    expect(planStops(snapshot({ services: [service('web', 6, { azRebalancingInProgress: false })], tasks: imbalanced(), instances }), maxPerInstance).stops).toHaveLength(1);
  });
  it('never when a replacement is still starting', () => {
    const tasks = imbalanced();
    tasks[5] = { ...tasks[5], lastStatus: 'PENDING' } as PolicyTask;
    expect(skipReason(service('web', 6), tasks)).toEqual(['not-steady']);
  });
  it('never a task younger than minTaskAge', () => {
    const young = imbalanced().map((t) => ({ ...t, startedAt: NOW - 60_000 }));
    expect(skipReason(service('web', 6), young, { minTaskAge: '5m' })).toEqual(['no-old-task']);
  });
  it('cooldown from our own recent stops (by the stoppedReason marker), not from anyone else’s', () => {
    const ours: PolicyTask = { ...task('web', a1), lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: NOW - 120_000, stoppedReason: `${STOP_MARKER} azBalance (policy spread): …` };
    expect(skipReason(service('web', 6), imbalanced(), { cooldown: '10m' }, new Map([['web', [ours]]]))).toEqual(['cooldown']);
    const theirs = { ...ours, stoppedReason: 'Task stopped by user' };
    const plan = planStops(snapshot({ services: [service('web', 6)], tasks: imbalanced(), instances, recentStops: new Map([['web', [theirs]]]) }), enforce({ cooldown: '10m' }));
    expect(plan.stops).toHaveLength(1);
  });
  it('no stop when the replacement would land in the same place (only the fullest AZ has room)', () => {
    const fullB = instance(3, 'us-east-1b', { cpu: 0 });
    const fullC = instance(4, 'us-east-1c', { cpu: 0 });
    const plan = planStops(snapshot({ services: [service('web', 6)], tasks: imbalanced(), instances: [a1, a2, fullB, fullC] }), enforce());
    expect(plan.stops).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['no-compliant-placement']);
  });
  it('no stop for instanceMatch when the service strategy would put the replacement back on a forbidden instance', () => {
    const t3 = instance(9, 'us-east-1b', { type: 't3.large' });
    const p = settings({ dryRun: false, policies: [{ name: 'types', select: {}, mode: 'enforce', rules: { instanceMatch: 'attribute:ecs.instance-type == m5.large' } }] });
    // binpack on memory: the fullest instance wins, and the t3 is the only one with the least memory left.
    const tight = instance(9, 'us-east-1b', { type: 't3.large', memory: 1024 });
    const svc = service('web', 3, { placementStrategy: [{ type: 'binpack', field: 'memory' }] });
    const plan = planStops(snapshot({ services: [svc], tasks: [task('web', a1), task('web', c1), task('web', tight)], instances: [a1, c1, tight] }), p);
    expect(plan.stops).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['no-compliant-placement']);
    // With the default spread (AZ, then the instance with the fewest tasks), the replacement goes to the empty m5.large.
    const ok = planStops(snapshot({ services: [service('web', 4)], tasks: [task('web', a1), task('web', c1), task('web', t3), task('web', t3)], instances: [a1, b1, c1, t3] }), p);
    expect(ok.stops.map((s) => s.rule)).toEqual(['instanceMatch']);
    expect(ok.stops[0]?.to.ec2InstanceId).toBe('i-0003');
    // A tie between the forbidden instance and an allowed one (ECS breaks it at random): not stopped.
    const tie = planStops(snapshot({ services: [service('web', 3)], tasks: [task('web', a1), task('web', c1), task('web', t3)], instances: [a1, b1, c1, t3] }), p);
    expect(tie.skipped.map((s) => s.reason)).toEqual(['no-compliant-placement']);
  });
  it('one stop per service per pass, and the per-cluster cap', () => {
    const tasks = [...imbalanced(), ...imbalanced().map((t) => ({ ...t, taskArn: `${t.taskArn}-api`, group: 'service:api' })), ...imbalanced().map((t) => ({ ...t, taskArn: `${t.taskArn}-jobs`, group: 'service:jobs' }))];
    const plan = planStops(snapshot({ services: [service('web', 6), service('api', 6), service('jobs', 6)], tasks, instances: [...instances, instance(5, 'us-east-1b'), instance(6, 'us-east-1c')] }), enforce({ maxStopsPerCluster: 2 }));
    expect(plan.stops.map((s) => s.service)).toEqual(['api', 'jobs']);
    expect(plan.skipped.map((s) => `${s.violation.service}:${s.reason}`)).toEqual(['web:cluster-cap']);
  });
  it('the stop reason is at most 255 characters and starts with the marker and the rule', () => {
    const reason = stopReason({ rule: 'instanceMatch', policy: 'p', message: 'x'.repeat(400) });
    expect(reason).toHaveLength(255);
    expect(reason.startsWith(`${STOP_MARKER} instanceMatch (policy p): `)).toBe(true);
  });
  it('the spot rule moves a Spot task to on-demand capacity', () => {
    const spot = instance(7, 'us-east-1a', { lifecycle: 'spot' });
    const p = settings({ dryRun: true, policies: [{ name: 'spot', select: {}, mode: 'enforce', rules: { spot: { maxShare: 0.34 } } }] });
    const plan = planStops(snapshot({ services: [service('web', 3)], tasks: [task('web', spot), task('web', spot), task('web', b1)], instances: [spot, b1, c1] }), p);
    expect(plan.stops).toHaveLength(1);
    expect(plan.stops[0]?.from.ec2InstanceId).toBe('i-0007');
    expect(plan.stops[0]?.to.ec2InstanceId).not.toBe('i-0007');
    expect(plan.dryRun).toBe(true);
    expect(CLUSTER).toBe(plan.cluster);
    expect(ACCOUNT).toContain('123456789012');
  });
});

describe('azRebalancingInProgress (service events, newest first)', () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 8, minute));
  const started = { message: 'service (web) is not AZ balanced with 4 tasks in us-east-1a, 1 tasks in us-east-1b, and 1 tasks in us-east-1c. AZ Rebalancing in progress.' };
  const completed = { message: 'service (web) is AZ balanced with 2 tasks in us-east-1a, 2 tasks in us-east-1b, and 2 tasks in us-east-1c.' };
  const steady = { message: 'service (web) has reached a steady state.' };
  it('is in progress when the newest rebalancing message is the start, whatever the order of the list', () => {
    expect(azRebalancingInProgress([{ ...steady, createdAt: at(5) }, { ...started, createdAt: at(3) }, { ...completed, createdAt: at(1) }])).toBe(true);
    expect(azRebalancingInProgress([{ ...completed, createdAt: at(1) }, { ...started, createdAt: at(3) }])).toBe(true);
    expect(azRebalancingInProgress([{ ...completed, createdAt: at(6) }, { ...started, createdAt: at(3) }])).toBe(false);
    expect(azRebalancingInProgress([{ ...steady, createdAt: at(6) }])).toBe(false);
    expect(azRebalancingInProgress(undefined)).toBe(false);
  });
});
