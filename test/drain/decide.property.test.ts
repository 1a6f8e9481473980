import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, deadlineOf, type DrainConfig } from '../../lib/drain/decide.js';
import { WAITING_STATES, type DrainAction, type DrainService, type DrainSnapshot, type DrainTask, type InstanceSnapshot, type ManagedHook } from '../../lib/drain/model.js';

const SEC = 1000;
const HOUR = 3600 * SEC;
const CLUSTER = 'prod';
const MANAGED: ManagedHook[] = [
  { asg: 'web-asg', hook: 'ecs-ops-drain' },
  { asg: 'api-asg', hook: 'ecs-ops-drain' },
];
const NOW = Date.UTC(2025, 5, 1, 12);

const configArb: fc.Arbitrary<DrainConfig> = fc.record({
  deadline: fc.integer({ min: 60, max: 48 * 3600 }),
  standaloneTasks: fc.constantFrom('wait' as const, 'stop' as const),
  spotInterruption: fc.boolean(),
  rebalanceRecommendation: fc.constantFrom('ignore' as const, 'drain' as const),
  notifyStart: fc.boolean(),
  managedDraining: fc.constantFrom('observe' as const, 'complete-at-deadline' as const),
});

const taskArb = (n: number): fc.Arbitrary<DrainTask> =>
  fc.record({
    group: fc.constantFrom(undefined, 'service:web', 'service:api', 'service:agent', 'family:batch', 'custom'),
    lastStatus: fc.constantFrom('PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'),
    desiredStatus: fc.constantFrom('RUNNING', 'STOPPED'),
  }).map((t) => ({ taskArn: `arn:aws:ecs:us-east-1:123456789012:task/${CLUSTER}/t${n}`, ...t, daemon: t.group === 'service:agent' }));

const tasksArb = fc.integer({ min: 0, max: 6 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => taskArb(i))));

const instanceArb = (id: string): fc.Arbitrary<InstanceSnapshot> =>
  fc
    .record({
      asg: fc.option(
        fc.record({
          name: fc.constantFrom('web-asg', 'api-asg', 'other-asg'),
          hookOfOther: fc.integer({ min: 0, max: 9 }), // 0: hook settings of another ASG
          hook: fc.constantFrom('ecs-ops-drain', 'ecs-ops-drain', 'someone-elses'),
          lifecycleState: fc.constantFrom(...WAITING_STATES, ...WAITING_STATES, 'InService', 'Pending:Wait', 'Terminating:Proceed', 'Terminated', 'Warmed:Stopped'),
          heartbeatTimeoutSeconds: fc.integer({ min: 30, max: 7200 }),
        }),
        { nil: undefined },
      ),
      container: fc.option(
        fc.record({
          status: fc.constantFrom('ACTIVE', 'DRAINING', 'DRAINING', 'INACTIVE', 'DEREGISTERING', 'REGISTRATION_FAILED', 'REGISTERING'),
          drainStartedAt: fc.option(fc.integer({ min: NOW - 60 * HOUR, max: NOW + 60 * SEC }), { nil: undefined }),
          tasksAtStart: fc.option(fc.nat(20), { nil: undefined }),
          tasks: fc.option(tasksArb, { nil: undefined }),
        }),
        { nil: undefined },
      ),
      trigger: fc.constantFrom('lifecycle-action' as const, 'spot-interruption' as const, 'rebalance-recommendation' as const, 'container-instance-change' as const, 'reconcile' as const),
    })
    .map(({ asg, container, trigger }) => ({
      ec2InstanceId: id,
      asg:
        asg === undefined
          ? undefined
          : {
              name: asg.name,
              lifecycleState: asg.lifecycleState,
              hook: {
                asg: asg.hookOfOther === 0 ? 'elsewhere-asg' : asg.name,
                hook: asg.hook,
                heartbeatTimeoutSeconds: asg.heartbeatTimeoutSeconds,
                defaultResult: 'CONTINUE' as const,
                globalTimeoutSeconds: Math.min(48 * 3600, 100 * asg.heartbeatTimeoutSeconds),
              },
            },
      container:
        container === undefined
          ? undefined
          : { cluster: CLUSTER, containerInstanceArn: `arn:aws:ecs:us-east-1:123456789012:container-instance/${CLUSTER}/${id}`, agentConnected: true, ...container },
      trigger,
    }));

const serviceArb = (name: string): fc.Arbitrary<DrainService> =>
  fc.record({
    minimumHealthyPercent: fc.constantFrom(0, 50, 100),
    maximumPercent: fc.constantFrom(100, 150, 200),
    unableToPlace: fc.boolean(),
  }).map((s) => ({ cluster: CLUSTER, serviceName: name, desiredCount: 2, runningCount: 2, schedulingStrategy: 'REPLICA' as const, ...s }));

const snapshotArb: fc.Arbitrary<DrainSnapshot> = fc
  .record({
    instances: fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => instanceArb(`i-${i}`)))),
    web: serviceArb('web'),
    api: serviceArb('api'),
    now: fc.integer({ min: NOW - HOUR, max: NOW + 60 * HOUR }),
    reconcileIntervalMs: fc.constantFrom(30 * SEC, 60 * SEC, 5 * 60 * SEC),
    managedHooks: fc.subarray(MANAGED),
    // ASGs ECS drains itself (rule 14), with or without ECS's hook seen on the ASG.
    ecsDrained: fc.subarray(['web-asg', 'api-asg']),
    ecsHookSeen: fc.boolean(),
  })
  .map(({ web, api, ecsDrained, ecsHookSeen, ...s }) => ({
    ...s,
    services: { [`${CLUSTER}/web`]: web, [`${CLUSTER}/api`]: api },
    ecsDrainedAsgs: Object.fromEntries(ecsDrained.map((asg) => [asg, { evidence: 'generated', ...(ecsHookSeen ? { hookName: ECS_HOOK } : {}) }])),
  }));
const ECS_HOOK = 'ecs-managed-draining-termination-hook';

/** An oracle written apart from decide.ts: managed, waiting, hook settings of that ASG. */
function mayComplete(instance: InstanceSnapshot, managed: readonly ManagedHook[]): boolean {
  const asg = instance.asg;
  return (
    asg !== undefined &&
    ['Terminating:Wait', 'Warmed:Pending:Wait', 'Warmed:Terminating:Wait'].includes(asg.lifecycleState) &&
    asg.hook.asg === asg.name &&
    managed.some((m) => m.asg === asg.name && m.hook === asg.hook.hook)
  );
}

const RUNS = { numRuns: 500 };

describe('decide: safety properties', () => {
  it('never completes or heartbeats an instance that is not waiting on a configured ASG + hook', () => {
    fc.assert(
      fc.property(snapshotArb, configArb, (snapshot, config) => {
        for (const action of decide(snapshot, config)) {
          if (action.type !== 'complete' && action.type !== 'heartbeat') continue;
          const instance = snapshot.instances.find((i) => i.ec2InstanceId === action.ec2InstanceId);
          expect(instance).toBeDefined();
          expect(mayComplete(instance!, snapshot.managedHooks)).toBe(true);
          expect(action.asg).toBe(instance!.asg!.name);
          // ECS's own hook only at the deadline, with the opt-in (rule 14); every other completion is of ecs-ops's hook.
          if (action.type === 'complete' && action.hook === ECS_HOOK) {
            expect(config.managedDraining).toBe('complete-at-deadline');
            expect(action.reason).toBe('deadline');
            expect(snapshot.ecsDrainedAsgs?.[action.asg]).toBeDefined();
          } else {
            expect(action.hook).toBe(instance!.asg!.hook.hook);
          }
          if (action.type === 'complete') expect(action.result).toBe('CONTINUE');
        }
      }),
      RUNS,
    );
  });

  it('rule 14: on an ASG ECS drains, a waiting instance is never set DRAINING, heartbeated or has a task stopped; one completion of each hook at most', () => {
    fc.assert(
      fc.property(snapshotArb, configArb, (snapshot, config) => {
        const actions = decide(snapshot, config);
        for (const instance of snapshot.instances) {
          const asg = instance.asg;
          if (asg === undefined || snapshot.ecsDrainedAsgs?.[asg.name] === undefined || !mayComplete(instance, snapshot.managedHooks)) continue;
          const own = actions.filter((a) => 'ec2InstanceId' in a && a.ec2InstanceId === instance.ec2InstanceId);
          expect(own.filter((a) => a.type === 'set-draining' || a.type === 'heartbeat' || a.type === 'stop-task')).toEqual([]);
          expect(own.filter((a) => a.type === 'notify' && (a.notification.kind === 'drain-started' || a.notification.kind === 'drain-completed' || a.notification.kind === 'drain-forced'))).toEqual([]);
          const completions = own.filter((a) => a.type === 'complete');
          expect(new Set(completions.map((a) => (a.type === 'complete' ? a.hook : ''))).size).toBe(completions.length);
        }
      }),
      RUNS,
    );
  });

  it('never completes `empty` while a task not STOPPED remains, or while the tasks are not known', () => {
    fc.assert(
      fc.property(snapshotArb, configArb, (snapshot, config) => {
        for (const action of decide(snapshot, config)) {
          if (action.type !== 'complete' || action.reason !== 'empty') continue;
          const tasks = snapshot.instances.find((i) => i.ec2InstanceId === action.ec2InstanceId)?.container?.tasks;
          expect(tasks).toBeDefined();
          expect(tasks!.filter((t) => t.lastStatus !== 'STOPPED')).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('stale or foreign events on instances that are not waiting do nothing', () => {
    fc.assert(
      fc.property(snapshotArb, configArb, (snapshot, config) => {
        const quiet = new Set(
          snapshot.instances
            .filter((i) => !mayComplete(i, snapshot.managedHooks) && ['lifecycle-action', 'container-instance-change', 'reconcile'].includes(i.trigger))
            .map((i) => i.ec2InstanceId),
        );
        for (const action of decide(snapshot, config)) {
          const id = action.type === 'notify' ? action.notification.ec2InstanceId : action.ec2InstanceId;
          expect(quiet.has(id)).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it('set-draining comes before any complete; the output does not depend on the order of the instances', () => {
    fc.assert(
      fc.property(snapshotArb, configArb, fc.nat(), (snapshot, config, seed) => {
        const actions = decide(snapshot, config);
        const lastSet = actions.map((a) => a.type).lastIndexOf('set-draining');
        const firstComplete = actions.findIndex((a) => a.type === 'complete');
        if (lastSet >= 0 && firstComplete >= 0) expect(lastSet).toBeLessThan(firstComplete);
        const shuffled = [...snapshot.instances].sort((a, b) => ((a.ec2InstanceId.charCodeAt(2) * 7919 + seed) % 13) - ((b.ec2InstanceId.charCodeAt(2) * 7919 + seed) % 13));
        expect(decide({ ...snapshot, instances: shuffled }, config)).toEqual(actions);
      }),
      RUNS,
    );
  });

  it('is idempotent: once its set-draining is applied, deciding again sets nothing DRAINING', () => {
    fc.assert(
      fc.property(snapshotArb, configArb, fc.integer({ min: 0, max: 50 * HOUR }), (snapshot, config, later) => {
        const first = decide(snapshot, config);
        const applied = new Map(first.flatMap((a) => (a.type === 'set-draining' ? [[a.ec2InstanceId, a] as const] : [])));
        const after: DrainSnapshot = {
          ...snapshot,
          now: snapshot.now + later,
          instances: snapshot.instances.map((i) => {
            const set = applied.get(i.ec2InstanceId);
            if (set === undefined || i.container === undefined) return i;
            return { ...i, container: { ...i.container, status: 'DRAINING', drainStartedAt: snapshot.now, tasksAtStart: set.tasks } };
          }),
        };
        expect(decide(after, config).filter((a) => a.type === 'set-draining')).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe('decide: the lifecycle action never times out before the deadline', () => {
  /**
   * One waiting instance whose tasks never leave (a blocked service and a standalone task). A drain starts at `start`
   * (by an event, with set-draining + heartbeat); reconcile passes then run every I from `phase`, some lost (never two
   * in a row). The ASG's heartbeat timer starts with the drain and each heartbeat restarts it; the global timeout runs
   * from the start. Every pass that runs must find the action still alive, and the last one completes it.
   */
  it('a heartbeat in every window of T − I, or a deadline completion', () => {
    const arb = fc
      .record({
        interval: fc.integer({ min: 10 * SEC, max: 15 * 60 * SEC }),
        start: fc.integer({ min: 0, max: 4_000_000_000_000 }),
        phaseRatio: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        timeoutRatio: fc.double({ min: 0, max: 1, noNaN: true }),
        deadline: fc.integer({ min: 60, max: 48 * 3600 }),
        loss: fc.constantFrom(0, 0, 0.2, 0.5),
        seed: fc.integer({ min: 1, max: 2 ** 31 - 2 }),
        standaloneTasks: fc.constantFrom('wait' as const, 'stop' as const),
      })
      .map((r) => {
        // T from just over 2I (one lost pass must leave a heartbeat in time) to the 2 h the ASG accepts.
        const lowest = Math.max(30, Math.floor((2 * r.interval) / SEC) + 1);
        const timeoutSeconds = Math.round(lowest + r.timeoutRatio * Math.max(0, 7200 - lowest));
        return { ...r, timeoutSeconds, phase: Math.floor(r.phaseRatio * r.interval) };
      });

    fc.assert(
      fc.property(arb, (r) => {
        const T = r.timeoutSeconds * SEC;
        const G = Math.min(48 * 3600, 100 * r.timeoutSeconds) * SEC;
        const I = r.interval;
        const config: DrainConfig = { deadline: r.deadline, standaloneTasks: r.standaloneTasks, spotInterruption: true, rebalanceRecommendation: 'ignore', notifyStart: false, managedDraining: 'observe' };
        const tasks: DrainTask[] = [
          { taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/a', group: 'service:web', lastStatus: 'RUNNING', desiredStatus: 'RUNNING' },
          { taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/b', group: 'family:batch', lastStatus: 'RUNNING', desiredStatus: 'STOPPED' },
        ];
        const instance = (status: string, drainStartedAt: number | undefined): InstanceSnapshot => ({
          ec2InstanceId: 'i-1',
          asg: {
            name: 'web-asg',
            lifecycleState: 'Terminating:Wait',
            hook: { asg: 'web-asg', hook: 'ecs-ops-drain', heartbeatTimeoutSeconds: r.timeoutSeconds, defaultResult: 'ABANDON', globalTimeoutSeconds: G / SEC },
          },
          container: { cluster: CLUSTER, containerInstanceArn: 'arn:ci/1', status, agentConnected: true, drainStartedAt, tasksAtStart: 2, tasks },
          trigger: 'reconcile',
        });
        const snapshot = (now: number, inst: InstanceSnapshot): DrainSnapshot => ({
          now,
          instances: [inst],
          services: { 'prod/web': { cluster: CLUSTER, serviceName: 'web', minimumHealthyPercent: 100, maximumPercent: 100, desiredCount: 1, runningCount: 1, schedulingStrategy: 'REPLICA', unableToPlace: false } },
          reconcileIntervalMs: I,
          managedHooks: MANAGED,
        });

        // The lifecycle event: the drain starts.
        const first = decide(snapshot(r.start, instance('ACTIVE', undefined)), config);
        expect(first.map((a) => a.type)).toEqual(['set-draining', 'heartbeat']);
        const draining = instance('DRAINING', r.start);
        const deadline = deadlineOf(draining, config, I)!;
        let lastHeartbeat = r.start;
        let longestGap = 0;

        let rand = r.seed;
        const next = (): number => (rand = (rand * 48271) % 2147483647) / 2147483647;
        let lostPrevious = false;
        for (let k = 0; ; k++) {
          const now = r.start + r.phase + k * I;
          const lost: boolean = !lostPrevious && next() < r.loss;
          lostPrevious = lost;
          if (lost) continue;
          // The ASG has not given up by this pass.
          expect(now).toBeLessThan(lastHeartbeat + T);
          expect(now).toBeLessThan(r.start + G);
          longestGap = Math.max(longestGap, now - lastHeartbeat);
          const actions: DrainAction[] = decide(snapshot(now, draining), config);
          const complete = actions.find((a) => a.type === 'complete');
          if (complete !== undefined) {
            expect(complete.reason).toBe('deadline');
            expect(now).toBeGreaterThanOrEqual(deadline);
            expect(now).toBeLessThan(deadline + 2 * I); // at most one lost pass late
            break;
          }
          expect(now).toBeLessThan(deadline);
          if (actions.some((a) => a.type === 'heartbeat')) lastHeartbeat = now;
        }
        // With the schedule (T ≥ 4I), no silence reaches T − I.
        if (T - 3 * I >= I) expect(longestGap).toBeLessThan(T - I);
      }),
      { numRuns: 300 },
    );
  });
});

describe('decide: one drain, one completion, one report (issue 14)', () => {
  // Each DRAINING instance gets a completion mark ecs-ops would have written for its drain: its own hook, not older
  // than the drain's start, younger than 48 hours, and no lifecycle event newer than it.
  const markedArb = fc
    .tuple(snapshotArb, fc.array(fc.integer({ min: 0, max: 47 * HOUR }), { minLength: 6, maxLength: 6 }), fc.array(fc.constantFrom(undefined, 'pending' as const, 'sent' as const), { minLength: 6, maxLength: 6 }))
    .map(([snapshot, ages, notices]) => ({
      ...snapshot,
      instances: snapshot.instances.map((instance, i) => {
        const container = instance.container;
        if (container?.status !== 'DRAINING' || instance.asg === undefined) return instance;
        const at = Math.max(snapshot.now - (ages[i] ?? 0), container.drainStartedAt ?? Number.NEGATIVE_INFINITY);
        return { ...instance, container: { ...container, startNotice: notices[i], completed: { at, hook: instance.asg.hook.hook } } };
      }),
    }));

  it('an instance whose action ecs-ops completed is never completed, heartbeated, drained or reported again; only an owed start notice goes out', () => {
    fc.assert(
      fc.property(markedArb, configArb, (snapshot, config) => {
        const actions = decide(snapshot, config);
        for (const instance of snapshot.instances) {
          // An ASG ECS drains: rule 14 observes after the completion (its own property above).
          if (instance.container?.completed === undefined || !mayComplete(instance, snapshot.managedHooks) || snapshot.ecsDrainedAsgs?.[instance.asg?.name ?? ''] !== undefined) continue;
          const mine = actions.filter((a) => (a.type === 'notify' ? a.notification.ec2InstanceId : a.ec2InstanceId) === instance.ec2InstanceId);
          const owed = instance.container.drainStartedAt !== undefined && (instance.container.startNotice === 'pending' || (instance.trigger === 'spot-interruption' && config.spotInterruption && instance.container.startNotice !== 'sent'));
          expect(mine.map((a) => (a.type === 'notify' ? a.notification.kind : a.type))).toEqual(owed ? ['drain-started'] : []);
        }
      }),
      RUNS,
    );
  });

  it('an enabled Spot warning on a DRAINING instance whose start was not reported reports it, once it is reported never again', () => {
    fc.assert(
      fc.property(snapshotArb, configArb, fc.constantFrom(undefined, 'pending' as const, 'sent' as const), (snapshot, config, startNotice) => {
        const spot = { ...config, spotInterruption: true };
        const instances = snapshot.instances.map((i) => (i.container?.status === 'DRAINING' && i.container.drainStartedAt !== undefined ? { ...i, trigger: 'spot-interruption' as const, container: { ...i.container, startNotice } } : i));
        const actions = decide({ ...snapshot, instances }, spot);
        for (const instance of instances) {
          if (instance.trigger !== 'spot-interruption' || instance.container?.status !== 'DRAINING' || instance.container.drainStartedAt === undefined) continue;
          const started = actions.filter((a) => a.type === 'notify' && a.notification.kind === 'drain-started' && a.notification.ec2InstanceId === instance.ec2InstanceId);
          expect(started).toHaveLength(startNotice === 'sent' ? 0 : 1);
        }
      }),
      RUNS,
    );
  });
});
