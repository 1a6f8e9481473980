import { describe, expect, it } from 'vitest';
import { evaluate, movesToBalance } from '../../../lib/placement/policy/evaluate.js';
import { selects } from '../../../lib/placement/policy/select.js';
import { instance, service, settings, snapshot, task } from './support.js';

const [a1, a2, b1, c1] = [instance(1, 'us-east-1a'), instance(2, 'us-east-1a'), instance(3, 'us-east-1b'), instance(4, 'us-east-1c')];

describe('azBalance', () => {
  const policy = settings({ policies: [{ name: 'spread', select: {}, rules: { azBalance: { maxSkew: 1 } } }] }).policies;

  it('reports the counts per AZ and the allowed skew, and the fewest moves', () => {
    const tasks = [...Array.from({ length: 6 }, (_, i) => task('web', i % 2 ? a1 : a2)), task('web', b1), task('web', b1), task('web', c1), task('web', c1)];
    const [v, ...rest] = evaluate(snapshot({ services: [service('web', 10)], tasks, instances: [a1, a2, b1, c1] }), policy);
    expect(rest).toEqual([]);
    expect(v?.message).toBe('web: 6 tasks in us-east-1a, 2 in us-east-1b, 2 in us-east-1c; allowed skew 1');
    expect(v?.rule).toBe('azBalance');
    // 6,2,2 → 4,3,3: two moves.
    expect(v?.amount).toBe(2);
    expect(v?.counts).toEqual({ 'us-east-1a': 6, 'us-east-1b': 2, 'us-east-1c': 2 });
    expect(v?.tasks).toHaveLength(6);
  });

  it('counts an AZ with eligible capacity but no task as 0, and ignores AZs without eligible capacity', () => {
    const draining = instance(5, 'us-east-1d', { status: 'DRAINING' });
    const tasks = [task('web', a1), task('web', a1), task('web', b1), task('web', b1)];
    const [v] = evaluate(snapshot({ services: [service('web', 4)], tasks, instances: [a1, b1, c1, draining] }), policy);
    expect(v?.message).toBe('web: 2 tasks in us-east-1a, 2 in us-east-1b, 0 in us-east-1c; allowed skew 1');
    expect(v?.amount).toBe(1);
  });

  it('an AZ whose instances fail the service memberOf constraint is not eligible', () => {
    const t3 = instance(6, 'us-east-1c', { type: 't3.small' });
    const web = service('web', 4, { placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ m5.*' }] });
    const tasks = [task('web', a1), task('web', a1), task('web', b1), task('web', b1)];
    expect(evaluate(snapshot({ services: [web], tasks, instances: [a1, b1, t3] }), policy)).toEqual([]);
  });

  it('within the skew: nothing', () => {
    const tasks = [task('web', a1), task('web', a1), task('web', b1), task('web', c1)];
    expect(evaluate(snapshot({ services: [service('web', 4)], tasks, instances: [a1, b1, c1] }), policy)).toEqual([]);
  });

  it('movesToBalance matches the descheduler example', () => {
    expect(movesToBalance([2, 5, 3, 8, 5, 7], 0)).toBe(5);
    expect(movesToBalance([6, 2, 2], 1)).toBe(2);
    expect(movesToBalance([3], 0)).toBe(0);
  });
});

describe('instanceMatch, spot, maxPerInstance', () => {
  it('instanceMatch lists the misplaced tasks with their instance', () => {
    const t3 = instance(7, 'us-east-1b', { type: 't3.large' });
    const p = settings({ policies: [{ name: 'types', select: { services: ['web'] }, rules: { instanceMatch: 'attribute:ecs.instance-type =~ m5.*' } }] }).policies;
    const bad = task('web', t3);
    const [v] = evaluate(snapshot({ services: [service('web', 3)], tasks: [task('web', a1), task('web', b1), bad], instances: [a1, b1, t3] }), p);
    expect(v?.amount).toBe(1);
    expect(v?.tasks).toEqual([bad.taskArn]);
    expect(v?.message).toContain('web: 1 of 3 tasks on instances outside instanceMatch "attribute:ecs.instance-type =~ m5.*"');
    expect(v?.message).toContain('i-0007 (t3.large, us-east-1b)');
  });

  it('spot: judged by the instance attribute or the capacity provider', () => {
    const s1 = instance(8, 'us-east-1a', { lifecycle: 'spot' });
    const s2 = instance(9, 'us-east-1b', { capacityProvider: 'prod-spot' });
    const p = settings({ policies: [{ name: 'spot', select: {}, rules: { spot: { maxShare: 0.5, capacityProviders: ['prod-spot'] } } }] }).policies;
    const tasks = [task('web', s1), task('web', s1), task('web', s2), task('web', a1)];
    const [v] = evaluate(snapshot({ services: [service('web', 4)], tasks, instances: [a1, s1, s2] }), p);
    expect(v?.message).toBe('web: 3 of 4 tasks on Spot (75%); allowed at most 50% (2); 1 task to move');
    expect(v?.amount).toBe(1);
    const min = settings({ policies: [{ name: 'od', select: {}, rules: { spot: { minOnDemandTasks: 3 } } }] }).policies;
    const [w] = evaluate(snapshot({ services: [service('web', 4)], tasks, instances: [a1, s1, s2] }), min);
    // Without capacityProviders, s2 counts as on-demand: 2 on-demand, 3 required.
    expect(w?.amount).toBe(1);
    expect(w?.message).toContain('at least 3 required on on-demand capacity, 2 there');
  });

  it('maxPerInstance counts the extra replicas per instance', () => {
    const p = settings({ policies: [{ name: 'one', select: {}, rules: { maxPerInstance: 1 } }] }).policies;
    const tasks = [task('web', a1), task('web', a1), task('web', a1), task('web', b1), task('web', c1), task('web', c1)];
    const [v] = evaluate(snapshot({ services: [service('web', 6)], tasks, instances: [a1, b1, c1] }), p);
    expect(v?.amount).toBe(3);
    expect(v?.message).toBe('web: 3 tasks on i-0001 (us-east-1a), 2 on i-0004 (us-east-1c); allowed 1 per instance');
  });

  it('stopped and stopping tasks do not count', () => {
    const p = settings({ policies: [{ name: 'one', select: {}, rules: { maxPerInstance: 1 } }] }).policies;
    const tasks = [task('web', a1), task('web', a1, { desiredStatus: 'STOPPED' }), task('web', b1)];
    expect(evaluate(snapshot({ services: [service('web', 2)], tasks, instances: [a1, b1] }), p)).toEqual([]);
  });
});

describe('selectors', () => {
  const [policy] = settings({ policies: [{ name: 'p', select: { clusters: ['prod'], services: ['/^web-/', 'api'], tags: { tier: 'front' } }, rules: { maxPerInstance: 1 } }] }).policies;
  it('select by cluster, name or /regex/, and every tag', () => {
    if (!policy) throw new Error('no policy');
    expect(selects(policy, 'prod', { serviceName: 'web-1', tags: { tier: 'front', x: 'y' } })).toBe(true);
    expect(selects(policy, 'prod', { serviceName: 'api', tags: { tier: 'front' } })).toBe(true);
    expect(selects(policy, 'prod', { serviceName: 'myweb-1', tags: { tier: 'front' } })).toBe(false);
    expect(selects(policy, 'prod', { serviceName: 'web-1', tags: { tier: 'back' } })).toBe(false);
    expect(selects(policy, 'staging', { serviceName: 'web-1', tags: { tier: 'front' } })).toBe(false);
  });
});
