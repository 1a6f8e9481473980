import { describe, expect, it } from 'vitest';
import {
  decide,
  deadlineOf,
  daemonStopReason,
  heartbeatDue,
  isEmpty,
  managedHooks,
  serviceOf,
  stopReason,
  STOP_REASON_MAX,
  type DrainConfig,
} from '../../lib/drain/decide.js';
import type { DrainAction, DrainService, DrainSnapshot, DrainTask, HookSettings, InstanceSnapshot } from '../../lib/drain/model.js';
import type { EcsOpsConfig } from '../../lib/config/schema.js';

const SEC = 1000;
const MIN = 60 * SEC;
const I = MIN; // reconcile interval
const START = Date.UTC(2025, 5, 1, 12, 0, 0); // drainStartedAt in most tests
const ASG = 'web-asg';
const HOOK = 'ecs-ops-drain';
const CLUSTER = 'prod';

const CONFIG: DrainConfig = { deadline: 3600, standaloneTasks: 'wait', spotInterruption: true, rebalanceRecommendation: 'ignore', notifyStart: false, managedDraining: 'observe' };

function hook(over: Partial<HookSettings> = {}): HookSettings {
  const heartbeatTimeoutSeconds = over.heartbeatTimeoutSeconds ?? 3600;
  return {
    asg: ASG,
    hook: HOOK,
    heartbeatTimeoutSeconds,
    defaultResult: 'CONTINUE',
    globalTimeoutSeconds: Math.min(48 * 3600, 100 * heartbeatTimeoutSeconds),
    ...over,
  };
}

const serviceTask = (service: string, n: number, over: Partial<DrainTask> = {}): DrainTask => ({
  taskArn: `arn:aws:ecs:us-east-1:123456789012:task/${CLUSTER}/${service}-${n}`,
  group: `service:${service}`,
  lastStatus: 'RUNNING',
  desiredStatus: 'RUNNING',
  ...over,
});
const standaloneTask = (n: number, over: Partial<DrainTask> = {}): DrainTask => ({
  taskArn: `arn:aws:ecs:us-east-1:123456789012:task/${CLUSTER}/batch-${n}`,
  group: 'family:batch',
  lastStatus: 'RUNNING',
  desiredStatus: 'RUNNING',
  ...over,
});
const daemonTask = (n: number): DrainTask => ({ ...serviceTask('agent', n), daemon: true });

interface InstanceSpec {
  id?: string;
  state?: string;
  /** false: no ASG known. */
  asg?: false | { name?: string; hook?: Partial<HookSettings> };
  /** false: no container instance. */
  container?: false;
  status?: string;
  tasks?: DrainTask[] | undefined;
  drainStartedAt?: number | undefined;
  tasksAtStart?: number | undefined;
  startNotice?: 'pending' | 'sent' | undefined;
  startTrigger?: InstanceSnapshot['trigger'];
  completed?: { at: number; hook: string } | undefined;
  lifecycleActionAt?: number | undefined;
  trigger?: InstanceSnapshot['trigger'];
}

function instance(spec: InstanceSpec = {}): InstanceSnapshot {
  const id = spec.id ?? 'i-0aaa';
  const asgSpec = spec.asg ?? {};
  const asgName = asgSpec === false ? ASG : (asgSpec.name ?? ASG);
  return {
    ec2InstanceId: id,
    asg:
      asgSpec === false
        ? undefined
        : { name: asgName, lifecycleState: spec.state ?? 'Terminating:Wait', hook: hook({ asg: asgName, ...asgSpec.hook }) },
    container:
      spec.container === false
        ? undefined
        : {
            cluster: CLUSTER,
            containerInstanceArn: `arn:aws:ecs:us-east-1:123456789012:container-instance/${CLUSTER}/ci-${id}`,
            status: spec.status ?? 'DRAINING',
            agentConnected: true,
            drainStartedAt: 'drainStartedAt' in spec ? spec.drainStartedAt : START,
            tasksAtStart: 'tasksAtStart' in spec ? spec.tasksAtStart : 3,
            tasks: 'tasks' in spec ? spec.tasks : [serviceTask('web', 1)],
            ...(spec.startNotice === undefined ? {} : { startNotice: spec.startNotice }),
            ...(spec.startTrigger === undefined ? {} : { startTrigger: spec.startTrigger }),
            ...(spec.completed === undefined ? {} : { completed: spec.completed }),
          },
    ...(spec.lifecycleActionAt === undefined ? {} : { lifecycleActionAt: spec.lifecycleActionAt }),
    trigger: spec.trigger ?? 'reconcile',
  };
}

function service(name: string, over: Partial<DrainService> = {}): DrainService {
  return {
    cluster: CLUSTER,
    serviceName: name,
    minimumHealthyPercent: 100,
    maximumPercent: 200,
    desiredCount: 2,
    runningCount: 2,
    schedulingStrategy: 'REPLICA',
    unableToPlace: false,
    ...over,
  };
}

function snapshot(instances: InstanceSnapshot[], over: Partial<DrainSnapshot> = {}): DrainSnapshot {
  return {
    now: START + 5 * MIN,
    instances,
    services: { [`${CLUSTER}/web`]: service('web') },
    reconcileIntervalMs: I,
    managedHooks: [{ asg: ASG, hook: HOOK }],
    ...over,
  };
}

/** decide() for one instance at `now`. */
function run(spec: InstanceSpec, now = START + 5 * MIN, config: Partial<DrainConfig> = {}, over: Partial<DrainSnapshot> = {}): DrainAction[] {
  return decide(snapshot([instance(spec)], { now, ...over }), { ...CONFIG, ...config });
}

const types = (actions: DrainAction[]) => actions.map((a) => (a.type === 'complete' ? `complete:${a.reason}` : a.type === 'notify' ? `notify:${a.notification.kind}` : a.type));
const ref = { ec2InstanceId: 'i-0aaa', asg: ASG, hook: HOOK };
const CI_ARN = `arn:aws:ecs:us-east-1:123456789012:container-instance/${CLUSTER}/ci-i-0aaa`;

describe('rule 1: only waiting instances of a configured ASG + hook are completed or heartbeated', () => {
  it.each(['Terminating:Wait', 'Warmed:Pending:Wait', 'Warmed:Terminating:Wait'])('%s is waiting (a warm pool return or termination too)', (state) => {
    expect(run({ state, tasks: [] })).toEqual([
      { type: 'complete', ...ref, result: 'CONTINUE', reason: 'empty' },
      { type: 'notify', notification: { kind: 'drain-completed', ec2InstanceId: 'i-0aaa', cluster: CLUSTER, asg: ASG, durationMs: 5 * MIN, tasksMoved: 3 } },
    ]);
  });

  it.each(['InService', 'Pending:Wait', 'Pending:Proceed', 'Terminating', 'Terminating:Proceed', 'Terminated', 'Warmed:Stopped', 'Warmed:Pending:Proceed', 'Detaching'])(
    '%s: nothing, even empty or past the deadline',
    (state) => {
      expect(run({ state, tasks: [] })).toEqual([]);
      expect(run({ state, status: 'ACTIVE' })).toEqual([]);
      expect(run({ state, container: false })).toEqual([]);
      expect(run({ state }, START + 10 * 3600 * SEC)).toEqual([]);
    },
  );

  it('another ASG (not in managedHooks) is never completed', () => {
    const spec = { asg: { name: 'other-asg' } };
    expect(run({ ...spec, tasks: [] })).toEqual([]);
    expect(run({ ...spec, container: false })).toEqual([]);
    expect(run(spec, START + 10 * 3600 * SEC)).toEqual([]);
    expect(run({ ...spec, status: 'ACTIVE' })).toEqual([]);
  });

  it('a hook ecs-ops does not own on a configured ASG is never completed', () => {
    const spec = { asg: { hook: { hook: 'someone-elses-hook' } } };
    expect(run({ ...spec, tasks: [] })).toEqual([]);
    expect(run({ ...spec, container: false })).toEqual([]);
    expect(run({ ...spec, status: 'ACTIVE' })).toEqual([]);
  });

  it('hook settings that belong to another ASG are not trusted', () => {
    expect(run({ asg: { hook: { asg: 'other-asg' } }, tasks: [] })).toEqual([]);
  });

  it('no ASG known, or no managed hooks at all: nothing is completed', () => {
    expect(run({ asg: false, tasks: [] })).toEqual([]);
    expect(run({ asg: false, container: false })).toEqual([]);
    expect(run({ tasks: [] }, undefined, {}, { managedHooks: [] })).toEqual([]);
  });

  it('managedHooks(config) lists the ASGs with drain: true and their hooks', () => {
    const clusters = [
      { name: 'prod', asgs: [{ name: 'a', lifecycleHook: 'ecs-ops-drain', drain: true }, { name: 'b', lifecycleHook: 'custom/hook', drain: true }] },
      { name: 'batch', asgs: [{ name: 'c', lifecycleHook: 'ecs-ops-drain', drain: false }] },
      { name: 'empty', asgs: [] },
    ] satisfies EcsOpsConfig['clusters'];
    expect(managedHooks({ clusters })).toEqual([
      { asg: 'a', hook: 'ecs-ops-drain' },
      { asg: 'b', hook: 'custom/hook' },
    ]);
  });
});

describe('rule 2: waiting and not in ECS → complete not-in-ecs at once', () => {
  it('no container instance in the configured clusters', () => {
    expect(run({ container: false }, START)).toEqual([{ type: 'complete', ...ref, result: 'CONTINUE', reason: 'not-in-ecs' }]);
  });

  it.each(['INACTIVE', 'DEREGISTERING', 'REGISTRATION_FAILED'])('container instance %s, whatever its tasks and attributes', (status) => {
    expect(run({ status })).toEqual([{ type: 'complete', ...ref, result: 'CONTINUE', reason: 'not-in-ecs' }]);
    expect(run({ status, tasks: undefined, drainStartedAt: undefined })).toEqual([{ type: 'complete', ...ref, result: 'CONTINUE', reason: 'not-in-ecs' }]);
  });

  it('REGISTERING or an unknown status: nothing yet', () => {
    expect(run({ status: 'REGISTERING' })).toEqual([]);
    expect(run({ status: 'SOMETHING_NEW', tasks: [] })).toEqual([]);
  });

  it('a warm pool return not in ECS is completed too', () => {
    expect(types(run({ state: 'Warmed:Pending:Wait', container: false }))).toEqual(['complete:not-in-ecs']);
    expect(types(run({ state: 'Warmed:Terminating:Wait', container: false }))).toEqual(['complete:not-in-ecs']);
  });
});

describe('rule 3: waiting and ACTIVE → set-draining + heartbeat', () => {
  const tasks = [serviceTask('web', 1), serviceTask('web', 2), standaloneTask(1)];

  it('sets DRAINING with the task count and heartbeats; no notification by default', () => {
    expect(run({ status: 'ACTIVE', drainStartedAt: undefined, tasksAtStart: undefined, tasks, trigger: 'lifecycle-action' }, START)).toEqual([
      { type: 'set-draining', cluster: CLUSTER, containerInstanceArn: CI_ARN, ec2InstanceId: 'i-0aaa', tasks: 3 },
      { type: 'heartbeat', ...ref },
    ]);
  });

  it('notifies the start with notifyStart', () => {
    const actions = run({ status: 'ACTIVE', tasks, trigger: 'lifecycle-action' }, START, { notifyStart: true });
    expect(actions.at(-1)).toEqual({
      type: 'notify',
      notification: { kind: 'drain-started', ec2InstanceId: 'i-0aaa', cluster: CLUSTER, asg: ASG, tasks: 3, trigger: 'lifecycle-action' },
    });
  });

  it('counts the tasks the drain moves: not those ECS is already stopping (they leave anyway)', () => {
    const stopping = [...tasks, serviceTask('web', 3, { desiredStatus: 'STOPPED', lastStatus: 'DEACTIVATING' })];
    const actions = run({ status: 'ACTIVE', tasks: stopping, trigger: 'lifecycle-action' }, START, { notifyStart: true });
    expect(actions.flatMap((a) => (a.type === 'set-draining' ? [a.tasks] : a.type === 'notify' && a.notification.kind === 'drain-started' ? [a.notification.tasks] : []))).toEqual([3, 3]);
    // A task being stopped still keeps the instance from being empty.
    expect(types(run({ status: 'ACTIVE', tasks: [serviceTask('web', 3, { desiredStatus: 'STOPPED', lastStatus: 'RUNNING' })] }, START))).toEqual(['set-draining', 'heartbeat']);
  });

  it('always notifies the start of a Spot interruption drain', () => {
    expect(types(run({ status: 'ACTIVE', tasks, trigger: 'spot-interruption' }, START))).toEqual(['set-draining', 'heartbeat', 'notify:drain-started']);
  });

  it('already empty: set-draining first, then complete empty, reported as a drain with no tasks to move', () => {
    expect(run({ status: 'ACTIVE', tasks: [], trigger: 'lifecycle-action' }, START)).toEqual([
      { type: 'set-draining', cluster: CLUSTER, containerInstanceArn: CI_ARN, ec2InstanceId: 'i-0aaa', tasks: 0 },
      { type: 'heartbeat', ...ref },
      { type: 'complete', ...ref, result: 'CONTINUE', reason: 'empty' },
      { type: 'notify', notification: { kind: 'drain-completed', ec2InstanceId: 'i-0aaa', cluster: CLUSTER, asg: ASG, durationMs: 0, tasksMoved: 0 } },
    ]);
  });

  it('STOPPED tasks in the list count for nothing', () => {
    const actions = run({ status: 'ACTIVE', tasks: [standaloneTask(1, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' })] }, START);
    expect(types(actions)).toEqual(['set-draining', 'heartbeat', 'complete:empty', 'notify:drain-completed']);
    expect(actions[0]).toMatchObject({ tasks: 0 });
  });

  it('tasks not known: drains (count 0) but does not complete', () => {
    expect(run({ status: 'ACTIVE', tasks: undefined }, START)).toEqual([
      { type: 'set-draining', cluster: CLUSTER, containerInstanceArn: CI_ARN, ec2InstanceId: 'i-0aaa', tasks: 0 },
      { type: 'heartbeat', ...ref },
    ]);
  });

  it('an ACTIVE instance with a stale drain attribute (reactivated by someone) is drained again', () => {
    expect(types(run({ status: 'ACTIVE', drainStartedAt: START - 10 * 3600 * SEC }))).toEqual(['set-draining', 'heartbeat']);
  });
});

describe('rule 4: waiting, DRAINING without drainStartedAt → adopt', () => {
  it('set-draining (the I/O writes the attributes) + heartbeat', () => {
    expect(run({ drainStartedAt: undefined, tasksAtStart: undefined, tasks: [serviceTask('web', 1), serviceTask('web', 2)] })).toEqual([
      { type: 'set-draining', cluster: CLUSTER, containerInstanceArn: CI_ARN, ec2InstanceId: 'i-0aaa', tasks: 2 },
      { type: 'heartbeat', ...ref },
    ]);
  });

  it('notifies like a start with notifyStart or for Spot', () => {
    expect(types(run({ drainStartedAt: undefined }, undefined, { notifyStart: true }))).toEqual(['set-draining', 'heartbeat', 'notify:drain-started']);
    expect(types(run({ drainStartedAt: undefined, trigger: 'spot-interruption' }))).toEqual(['set-draining', 'heartbeat', 'notify:drain-started']);
  });

  it('tasks not known: adopts all the same', () => {
    expect(types(run({ drainStartedAt: undefined, tasks: undefined }))).toEqual(['set-draining', 'heartbeat']);
  });

  it('already empty: completes instead (no duration known)', () => {
    expect(run({ drainStartedAt: undefined, tasksAtStart: undefined, tasks: [] })).toEqual([
      { type: 'complete', ...ref, result: 'CONTINUE', reason: 'empty' },
      { type: 'notify', notification: { kind: 'drain-completed', ec2InstanceId: 'i-0aaa', cluster: CLUSTER, asg: ASG, durationMs: undefined, tasksMoved: undefined } },
    ]);
  });

  it('no deadline without drainStartedAt: adopting goes on, the deadline starts from the adoption', () => {
    expect(types(run({ drainStartedAt: undefined }, START + 100 * 3600 * SEC))).toEqual(['set-draining', 'heartbeat']);
  });
});

describe('rule 5: waiting, DRAINING, empty → complete empty', () => {
  it('completes with duration and tasks moved', () => {
    expect(run({ tasks: [], tasksAtStart: 7 }, START + 12 * MIN)).toEqual([
      { type: 'complete', ...ref, result: 'CONTINUE', reason: 'empty' },
      { type: 'notify', notification: { kind: 'drain-completed', ec2InstanceId: 'i-0aaa', cluster: CLUSTER, asg: ASG, durationMs: 12 * MIN, tasksMoved: 7 } },
    ]);
  });

  it('only STOPPED tasks left is empty', () => {
    expect(types(run({ tasks: [serviceTask('web', 1, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' })] }))).toEqual(['complete:empty', 'notify:drain-completed']);
  });

  it.each(['PENDING', 'ACTIVATING', 'RUNNING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'PROVISIONING'])('a task %s is not empty', (lastStatus) => {
    expect(types(run({ tasks: [serviceTask('web', 1, { lastStatus, desiredStatus: 'STOPPED' })] }))).not.toContain('complete:empty');
  });

  it('a DAEMON task left is not empty (ECS stops it last, then the instance is empty)', () => {
    const stopping = { ...daemonTask(1), desiredStatus: 'STOPPED' };
    expect(types(run({ tasks: [stopping] }))).toEqual([]);
    expect(types(run({ tasks: [stopping] }, START + 3600 * SEC))).toEqual(['complete:deadline', 'notify:drain-forced']);
  });

  it('empty wins over a passed deadline', () => {
    expect(types(run({ tasks: [] }, START + 10 * 3600 * SEC))).toEqual(['complete:empty', 'notify:drain-completed']);
  });

  it('tasks not known: no completion of any kind; heartbeats when due before the deadline, none after', () => {
    const P = 3600 * SEC - 3 * I;
    expect(run({ tasks: undefined }, START + 5 * MIN)).toEqual([]);
    expect(run({ tasks: undefined }, START + P)).toEqual([{ type: 'heartbeat', ...ref }]);
    // Heartbeat timeout 2 h: the first heartbeat after the start is due at P = 2 h − 3 min, after the 1 h deadline.
    const long = { tasks: undefined, asg: { hook: { heartbeatTimeoutSeconds: 7200 } } };
    expect(run(long, START + 7200 * SEC - 3 * I)).toEqual([]);
    expect(run({ tasks: undefined }, START + 10 * 3600 * SEC)).toEqual([]);
    // With a 10 min hook the schedule has passes due both before and after the deadline.
    const short = { tasks: undefined, asg: { hook: { heartbeatTimeoutSeconds: 600 } } };
    expect(run(short, START + 7 * MIN)).toEqual([{ type: 'heartbeat', ...ref }]);
    expect(run(short, START + 63 * MIN)).toEqual([]);
  });
});

describe('rule 6: deadline', () => {
  const tasks = [serviceTask('web', 1), standaloneTask(1)];

  it('completes at exactly drainStartedAt + deadline, not one ms before', () => {
    expect(types(run({ tasks }, START + 3600 * SEC - 1))).not.toContain('complete:deadline');
    expect(run({ tasks }, START + 3600 * SEC)).toEqual([
      { type: 'complete', ...ref, result: 'CONTINUE', reason: 'deadline' },
      {
        type: 'notify',
        notification: { kind: 'drain-forced', ec2InstanceId: 'i-0aaa', cluster: CLUSTER, asg: ASG, durationMs: 3600 * SEC, remaining: [standaloneTask(1), serviceTask('web', 1)] },
      },
    ]);
  });

  it('the global timeout wins when shorter, less two intervals', () => {
    // Heartbeat timeout 30 s → global timeout 3000 s; deadline 2 h.
    const spec = { tasks, asg: { hook: { heartbeatTimeoutSeconds: 30 } } };
    const at = START + 3000 * SEC - 2 * I;
    expect(deadlineOf(instance(spec), { deadline: 7200 }, I)).toBe(at);
    expect(types(run(spec, at - 1, { deadline: 7200 }))).not.toContain('complete:deadline');
    expect(types(run(spec, at, { deadline: 7200 }))).toEqual(['complete:deadline', 'notify:drain-forced']);
  });

  it('the margin applies to the global timeout only', () => {
    // Global timeout 48 h, deadline 48 h: the global one minus 2 intervals wins by 2 intervals.
    expect(deadlineOf(instance({ asg: { hook: { heartbeatTimeoutSeconds: 7200 } } }), { deadline: 48 * 3600 }, I)).toBe(START + 48 * 3600 * SEC - 2 * I);
    expect(deadlineOf(instance(), { deadline: 600 }, I)).toBe(START + 600 * SEC);
  });

  it('deadlineOf is undefined without drainStartedAt or ASG', () => {
    expect(deadlineOf(instance({ drainStartedAt: undefined }), CONFIG, I)).toBeUndefined();
    expect(deadlineOf(instance({ asg: false }), CONFIG, I)).toBeUndefined();
  });

  it('the deadline pass does nothing else: no heartbeat, stop-task or blocked notice', () => {
    const services = { [`${CLUSTER}/web`]: service('web', { maximumPercent: 100 }) };
    const P = 3600 * SEC - 3 * I;
    const spec = { tasks, asg: { hook: { heartbeatTimeoutSeconds: 3600 } } };
    // 2P + I would be a heartbeat pass; with deadline = 2P + I it is the deadline pass.
    const deadline = (2 * P + I) / SEC;
    expect(types(run(spec, START + 2 * P + I, { deadline, standaloneTasks: 'stop' }, { services }))).toEqual(['complete:deadline', 'notify:drain-forced']);
    expect(types(run({ tasks: [standaloneTask(1)] }, START + 3600 * SEC, { standaloneTasks: 'stop' }))).toEqual(['complete:deadline', 'notify:drain-forced']);
  });
});

describe('rule 7: heartbeats', () => {
  const T = 3600 * SEC;
  const P = T - 3 * I;

  it('heartbeatDue: in [nP, nP + 2I) for n ≥ 1', () => {
    const due = (elapsed: number) => heartbeatDue(elapsed, T, I);
    expect(due(0)).toBe(false); // the start's heartbeat is sent with set-draining
    expect(due(I)).toBe(false);
    expect(due(P - 1)).toBe(false);
    expect(due(P)).toBe(true);
    expect(due(P + I)).toBe(true);
    expect(due(P + 2 * I - 1)).toBe(true);
    expect(due(P + 2 * I)).toBe(false);
    expect(due(2 * P - 1)).toBe(false);
    expect(due(2 * P)).toBe(true);
    expect(due(7 * P + I)).toBe(true);
    expect(due(-5 * MIN)).toBe(false); // a drainStartedAt in the future (clock skew)
  });

  it('decide heartbeats a DRAINING instance with tasks when due, and only then', () => {
    expect(run({}, START + P - 1)).toEqual([]);
    expect(run({}, START + P)).toEqual([{ type: 'heartbeat', ...ref }]);
    expect(run({}, START + P + 2 * I)).toEqual([]);
  });

  /** Passes every I from `phase` after the start; `missed` pass indexes do not run. Returns the longest time the ASG waited for a heartbeat. */
  function longestSilence(T: number, phase: number, missed: Set<number>, config: Partial<DrainConfig> = {}): { silence: number; completedAt: number } {
    let last = START;
    let silence = 0;
    for (let k = 0; ; k++) {
      if (missed.has(k)) continue;
      const now = START + phase + k * I;
      silence = Math.max(silence, now - last);
      const actions = run({ asg: { hook: { heartbeatTimeoutSeconds: T / SEC } } }, now, config);
      if (actions.some((a) => a.type === 'heartbeat')) last = now;
      if (actions.some((a) => a.type === 'complete')) return { silence, completedAt: now };
    }
  }

  it('two chances per period: the ASG never waits T even with a missed pass', () => {
    for (const phase of [0, 1, I / 2, I - 1]) {
      const clean = longestSilence(T, phase, new Set(), { deadline: 6 * 3600 });
      expect(clean.silence).toBeLessThanOrEqual(P + I);
      expect(clean.completedAt).toBe(START + phase + Math.ceil((6 * 3600 * SEC - phase) / I) * I);
      // Miss the first pass of every heartbeat window.
      const firstInWindow = new Set<number>();
      for (let n = 1; n < 10; n++) firstInWindow.add(Math.ceil((n * P - phase) / I));
      const lossy = longestSilence(T, phase, firstInWindow, { deadline: 6 * 3600 });
      expect(lossy.silence).toBeLessThan(T - I);
      expect(lossy.silence).toBeGreaterThan(P + I - 1); // the second chance was used
    }
  });

  it('very short hooks (T < 4 intervals): a heartbeat on every pass', () => {
    for (const t of [30 * SEC, 2 * MIN, 3 * MIN, 4 * MIN - 1]) {
      expect(heartbeatDue(0, t, I)).toBe(true);
      expect(heartbeatDue(7 * I + 3, t, I)).toBe(true);
    }
    expect(run({ asg: { hook: { heartbeatTimeoutSeconds: 120 } } }, START + I + 17)).toEqual([{ type: 'heartbeat', ...ref }]);
  });

  it('T = 4 intervals: P = I, a heartbeat on every pass from P on', () => {
    expect(heartbeatDue(I - 1, 4 * I, I)).toBe(false);
    for (let e = I; e < 10 * I; e += I / 3) expect(heartbeatDue(e, 4 * I, I)).toBe(true);
  });
});

describe('rule 8: DAEMON tasks', () => {
  const daemonReason = 'ecs-ops: draining container instance i-0aaa: daemon task, nothing else left';

  it('never hold a drain: once nothing else is left, one ECS has not stopped is stopped, whatever the standalone policy', () => {
    for (const standaloneTasks of ['wait', 'stop'] as const) {
      expect(run({ tasks: [daemonTask(1)] }, undefined, { standaloneTasks })).toEqual([
        { type: 'stop-task', cluster: CLUSTER, taskArn: daemonTask(1).taskArn, ec2InstanceId: 'i-0aaa', reason: daemonReason },
      ]);
    }
    expect(daemonStopReason('i-0aaa')).toBe(daemonReason);
  });

  it('stay while a service or standalone task is left (ECS stops them last), and are not stopped twice', () => {
    expect(run({ tasks: [daemonTask(1), serviceTask('web', 1)] })).toEqual([]);
    expect(run({ tasks: [daemonTask(1), standaloneTask(1)] })).toEqual([]);
    expect(run({ tasks: [daemonTask(1), standaloneTask(1, { desiredStatus: 'STOPPED', lastStatus: 'STOPPING' })] }, undefined, { standaloneTasks: 'stop' })).toEqual([]);
    expect(run({ tasks: [{ ...daemonTask(1), desiredStatus: 'STOPPED', lastStatus: 'STOPPING' }] })).toEqual([]);
  });

  it('are never reported as blocking', () => {
    const daemon = { [`${CLUSTER}/agent`]: service('agent', { minimumHealthyPercent: 100, maximumPercent: 100, schedulingStrategy: 'DAEMON', unableToPlace: true }) };
    const notices = run({ tasks: [daemonTask(1), standaloneTask(1)] }, START + 30 * MIN, {}, { services: daemon }).filter((a) => a.type === 'notify');
    expect(notices).toEqual([]);
  });
});

describe('rule 8: standalone tasks', () => {
  const onlyStandalone = [standaloneTask(1), standaloneTask(2, { group: undefined }), daemonTask(1)];

  it('stop: once no service task is left, stops each standalone task (DAEMON tasks stay for ECS)', () => {
    const reason = `ecs-ops: draining container instance i-0aaa for ${ASG} scale-in`;
    expect(run({ tasks: onlyStandalone }, undefined, { standaloneTasks: 'stop' })).toEqual([
      { type: 'stop-task', cluster: CLUSTER, taskArn: standaloneTask(1).taskArn, ec2InstanceId: 'i-0aaa', reason },
      { type: 'stop-task', cluster: CLUSTER, taskArn: standaloneTask(2).taskArn, ec2InstanceId: 'i-0aaa', reason },
    ]);
  });

  it('stop: not while a service task remains', () => {
    expect(run({ tasks: [...onlyStandalone, serviceTask('web', 1)] }, undefined, { standaloneTasks: 'stop' })).toEqual([]);
    expect(run({ tasks: [...onlyStandalone, serviceTask('web', 1, { desiredStatus: 'STOPPED', lastStatus: 'DEACTIVATING' })] }, undefined, { standaloneTasks: 'stop' })).toEqual([]);
  });

  it('stop: a task already being stopped is not stopped again', () => {
    const tasks = [standaloneTask(1, { desiredStatus: 'STOPPED', lastStatus: 'STOPPING' }), standaloneTask(2)];
    expect(run({ tasks }, undefined, { standaloneTasks: 'stop' }).map((a) => (a.type === 'stop-task' ? a.taskArn : a.type))).toEqual([standaloneTask(2).taskArn]);
  });

  it('wait: nothing until the deadline', () => {
    expect(run({ tasks: onlyStandalone })).toEqual([]);
    expect(types(run({ tasks: onlyStandalone }, START + 3600 * SEC))).toEqual(['complete:deadline', 'notify:drain-forced']);
  });

  it('stop: not on ACTIVE instances (ECS has not started draining) nor on non-waiting ones', () => {
    expect(types(run({ status: 'ACTIVE', tasks: onlyStandalone }, undefined, { standaloneTasks: 'stop' }))).toEqual(['set-draining', 'heartbeat']);
    expect(run({ state: 'InService', tasks: onlyStandalone }, undefined, { standaloneTasks: 'stop' })).toEqual([]);
  });

  it('the reason fits 255 characters, whatever the ASG name', () => {
    const long = 'a'.repeat(255);
    const reason = stopReason('i-0123456789abcdef0', long);
    expect(reason.length).toBe(STOP_REASON_MAX);
    expect(reason).toMatch(/^ecs-ops: draining container instance i-0123456789abcdef0 for a+… scale-in$/);
    const emoji = stopReason('i-0123456789abcdef0', '😀'.repeat(120));
    expect(emoji.length).toBeLessThanOrEqual(STOP_REASON_MAX);
    expect(emoji).not.toMatch(/[\uD800-\uDBFF]…/);
    expect(stopReason('i-1', 'web')).toBe('ecs-ops: draining container instance i-1 for web scale-in');
  });
});

describe('rule 9: blocked drains', () => {
  const services = (over: Record<string, Partial<DrainService>>) =>
    Object.fromEntries(Object.entries(over).map(([name, o]) => [`${CLUSTER}/${name}`, service(name, o)]));
  const blocked = (actions: DrainAction[]) => actions.flatMap((a) => (a.type === 'notify' && a.notification.kind === 'drain-blocked' ? [a.notification] : []));
  const tasks = [serviceTask('web', 1), serviceTask('web', 2), serviceTask('api', 1), serviceTask('ok', 1), standaloneTask(1)];

  it('min = max = 100 after 2 intervals: names the service', () => {
    const s = services({ web: { maximumPercent: 100 } });
    expect(blocked(run({ tasks }, START + 2 * I - 1, {}, { services: s }))).toEqual([]);
    expect(blocked(run({ tasks }, START + 2 * I, {}, { services: s }))).toEqual([
      { kind: 'drain-blocked', ec2InstanceId: 'i-0aaa', cluster: CLUSTER, asg: ASG, services: [{ serviceName: 'web', why: 'min-max-100' }], standaloneTasks: 1 },
    ]);
  });

  it('no capacity; both reasons (min-max-100 wins); services sorted; standalone count 0 with stop', () => {
    const s = services({ web: { unableToPlace: true }, api: { maximumPercent: 100, unableToPlace: true }, ok: {} });
    expect(blocked(run({ tasks }, START + 10 * MIN, {}, { services: s }))[0]?.services).toEqual([
      { serviceName: 'api', why: 'min-max-100' },
      { serviceName: 'web', why: 'no-capacity' },
    ]);
    expect(blocked(run({ tasks }, START + 10 * MIN, { standaloneTasks: 'stop' }, { services: s }))[0]?.standaloneTasks).toBe(0);
  });

  it('a task being stopped (desired STOPPED) blocks nothing and is not counted as a standalone task waiting', () => {
    const s = services({ web: { maximumPercent: 100 }, api: { maximumPercent: 100 } });
    const stopping = [serviceTask('web', 1), serviceTask('api', 1, { desiredStatus: 'STOPPED', lastStatus: 'RUNNING' }), standaloneTask(1), standaloneTask(2, { desiredStatus: 'STOPPED', lastStatus: 'STOPPING' })];
    expect(blocked(run({ tasks: stopping }, START + 10 * MIN, {}, { services: s }))).toEqual([
      { kind: 'drain-blocked', ec2InstanceId: 'i-0aaa', cluster: CLUSTER, asg: ASG, services: [{ serviceName: 'web', why: 'min-max-100' }], standaloneTasks: 1 },
    ]);
    // Only tasks being stopped: nothing blocks, the drain waits for them to stop.
    const onlyStopping = [serviceTask('api', 1, { desiredStatus: 'STOPPED', lastStatus: 'RUNNING' })];
    expect(blocked(run({ tasks: onlyStopping }, START + 10 * MIN, {}, { services: s }))).toEqual([]);
    expect(types(run({ tasks: onlyStopping }, START + 10 * MIN, {}, { services: s }))).not.toContain('complete:empty');
  });

  it('sent on every pass while true', () => {
    const s = services({ web: { unableToPlace: true } });
    for (let t = 2 * I; t < 3600 * SEC; t += 7 * I) expect(blocked(run({ tasks }, START + t, {}, { services: s }))).toHaveLength(1);
  });

  it('not blocked: services that can move, unknown services, DAEMON tasks, only standalone tasks left', () => {
    expect(blocked(run({ tasks }, START + 10 * MIN, {}, { services: services({ web: {}, api: { minimumHealthyPercent: 50, maximumPercent: 100 } }) }))).toEqual([]);
    expect(blocked(run({ tasks }, START + 10 * MIN, {}, { services: {} }))).toEqual([]);
    const daemon = { [`${CLUSTER}/agent`]: service('agent', { maximumPercent: 100, schedulingStrategy: 'DAEMON' }) };
    expect(blocked(run({ tasks: [daemonTask(1), standaloneTask(1)] }, START + 10 * MIN, {}, { services: daemon }))).toEqual([]);
  });

  it('a service of the same name in another cluster does not count', () => {
    const other = { 'staging/web': { ...service('web', { maximumPercent: 100 }), cluster: 'staging' } };
    expect(blocked(run({ tasks }, START + 10 * MIN, {}, { services: other }))).toEqual([]);
  });

  it('comes with the heartbeat on a heartbeat pass', () => {
    const s = services({ web: { maximumPercent: 100 } });
    expect(types(run({ tasks }, START + 3600 * SEC - 3 * I, { deadline: 7200 }, { services: s }))).toEqual(['heartbeat', 'notify:drain-blocked']);
  });
});

describe('rule 10: Spot interruptions and rebalance recommendations', () => {
  const spotSpec = { asg: false as const, status: 'ACTIVE', drainStartedAt: undefined, tasksAtStart: undefined, tasks: [serviceTask('web', 1)] };

  it('Spot, ACTIVE, no ASG: set-draining + drain-started', () => {
    expect(run({ ...spotSpec, trigger: 'spot-interruption' })).toEqual([
      { type: 'set-draining', cluster: CLUSTER, containerInstanceArn: CI_ARN, ec2InstanceId: 'i-0aaa', tasks: 1 },
      { type: 'notify', notification: { kind: 'drain-started', ec2InstanceId: 'i-0aaa', cluster: CLUSTER, asg: undefined, tasks: 1, trigger: 'spot-interruption' } },
    ]);
  });

  it('Spot on an instance of an ASG in service: drains, names the ASG, no heartbeat or completion', () => {
    const actions = run({ ...spotSpec, asg: {}, state: 'InService', tasks: [], trigger: 'spot-interruption' });
    expect(types(actions)).toEqual(['set-draining', 'notify:drain-started']);
    expect(actions[1]).toMatchObject({ notification: { asg: ASG } });
  });

  it('Spot disabled: nothing', () => {
    expect(run({ ...spotSpec, trigger: 'spot-interruption' }, undefined, { spotInterruption: false })).toEqual([]);
  });

  it('rebalance: only with rebalanceRecommendation drain; notifies only with notifyStart', () => {
    expect(run({ ...spotSpec, trigger: 'rebalance-recommendation' })).toEqual([]);
    expect(types(run({ ...spotSpec, trigger: 'rebalance-recommendation' }, undefined, { rebalanceRecommendation: 'drain' }))).toEqual(['set-draining']);
    expect(types(run({ ...spotSpec, trigger: 'rebalance-recommendation' }, undefined, { rebalanceRecommendation: 'drain', notifyStart: true }))).toEqual([
      'set-draining',
      'notify:drain-started',
    ]);
  });

  it('already drained by ecs-ops with the start reported, not in ECS, or not registered yet: nothing', () => {
    expect(run({ ...spotSpec, status: 'DRAINING', drainStartedAt: START, startNotice: 'sent', trigger: 'spot-interruption' })).toEqual([]);
    for (const status of ['INACTIVE', 'REGISTERING']) expect(run({ ...spotSpec, status, trigger: 'spot-interruption' })).toEqual([]);
    expect(run({ ...spotSpec, container: false, trigger: 'spot-interruption' })).toEqual([]);
  });

  it('DRAINING without the drain attribute (the agent’s Spot draining, or a retry after a failed notice): adopts and notifies', () => {
    expect(run({ ...spotSpec, status: 'DRAINING', trigger: 'spot-interruption' })).toEqual([
      { type: 'set-draining', cluster: CLUSTER, containerInstanceArn: CI_ARN, ec2InstanceId: 'i-0aaa', tasks: 1 },
      { type: 'notify', notification: { kind: 'drain-started', ec2InstanceId: 'i-0aaa', cluster: CLUSTER, asg: undefined, tasks: 1, trigger: 'spot-interruption' } },
    ]);
    expect(types(run({ ...spotSpec, status: 'DRAINING', trigger: 'rebalance-recommendation' }, undefined, { rebalanceRecommendation: 'drain' }))).toEqual(['set-draining']);
    expect(run({ ...spotSpec, status: 'DRAINING', trigger: 'reconcile' })).toEqual([]);
  });

  it('a waiting instance follows the lifecycle rules whatever the trigger', () => {
    expect(types(run({ status: 'ACTIVE', tasks: [], trigger: 'spot-interruption' }))).toEqual(['set-draining', 'heartbeat', 'complete:empty', 'notify:drain-started', 'notify:drain-completed']);
    expect(types(run({ tasks: [], startNotice: 'sent', trigger: 'spot-interruption' }))).toEqual(['complete:empty', 'notify:drain-completed']);
    expect(types(run({ container: false, trigger: 'rebalance-recommendation' }))).toEqual(['complete:not-in-ecs']);
    // Disabled Spot handling: a plain lifecycle drain, no forced start notice.
    expect(types(run({ status: 'ACTIVE', trigger: 'spot-interruption' }, undefined, { spotInterruption: false }))).toEqual(['set-draining', 'heartbeat']);
  });
});

describe('rule 11: stale, duplicated and foreign events', () => {
  it.each(['lifecycle-action', 'container-instance-change', 'reconcile'] as const)('%s on an instance not waiting: nothing', (trigger) => {
    for (const state of ['InService', 'Terminating:Proceed', 'Terminated']) {
      expect(run({ state, status: 'ACTIVE', trigger })).toEqual([]);
      expect(run({ state, tasks: [], trigger })).toEqual([]);
      expect(run({ state, container: false, trigger })).toEqual([]);
    }
    expect(run({ asg: false, status: 'ACTIVE', trigger })).toEqual([]);
  });

  it('the same instance twice in a snapshot (duplicated event): each action once', () => {
    const a = instance({ status: 'ACTIVE', tasks: [], trigger: 'lifecycle-action' });
    expect(types(decide(snapshot([a, a, a]), CONFIG))).toEqual(['set-draining', 'heartbeat', 'complete:empty', 'notify:drain-completed']);
  });

  it('the trigger does not change the decision for a waiting instance', () => {
    const triggers = ['lifecycle-action', 'container-instance-change', 'reconcile'] as const;
    for (const spec of [{ status: 'ACTIVE' }, {}, { tasks: [] }, { container: false as const }, { drainStartedAt: undefined }]) {
      const [first, ...rest] = triggers.map((trigger) => run({ ...spec, trigger }, START + 3600 * SEC - 3 * I));
      for (const other of rest) expect(other).toEqual(first);
    }
  });

  it('re-deciding after the completion went through (Terminating:Proceed) does nothing', () => {
    expect(run({ state: 'Terminating:Proceed', tasks: [], trigger: 'lifecycle-action' })).toEqual([]);
  });
});

describe('rule 12: output order', () => {
  it('instances by id; set-draining, stop-task, heartbeat, complete, notify', () => {
    const s = snapshot(
      [
        instance({ id: 'i-3', tasks: [] }),
        instance({ id: 'i-1', status: 'ACTIVE', tasks: [], trigger: 'spot-interruption' }),
        instance({ id: 'i-2', status: 'ACTIVE' }),
        instance({ id: 'i-0', tasks: [standaloneTask(1)] }),
      ],
      { now: START + 10 * MIN },
    );
    const actions = decide(s, { ...CONFIG, standaloneTasks: 'stop' });
    expect(actions.map((a) => `${a.type === 'notify' ? a.notification.ec2InstanceId : a.ec2InstanceId} ${types([a])[0]!}`)).toEqual([
      'i-1 set-draining',
      'i-2 set-draining',
      'i-0 stop-task',
      'i-1 heartbeat',
      'i-2 heartbeat',
      'i-1 complete:empty',
      'i-3 complete:empty',
      'i-1 notify:drain-started',
      'i-1 notify:drain-completed',
      'i-3 notify:drain-completed',
    ]);
    expect(decide({ ...s, instances: [...s.instances].reverse() }, { ...CONFIG, standaloneTasks: 'stop' })).toEqual(actions);
  });

  it('now defaults to the snapshot time', () => {
    const s = snapshot([instance()], { now: START + 3600 * SEC });
    expect(decide(s, CONFIG)).toEqual(decide(s, CONFIG, START + 3600 * SEC));
    expect(decide(s, CONFIG, START + 10 * MIN)).toEqual([]);
  });
});

describe('helpers', () => {
  it('serviceOf', () => {
    expect(serviceOf({ group: 'service:web' })).toBe('web');
    expect(serviceOf({ group: 'service:a:b' })).toBe('a:b');
    expect(serviceOf({ group: 'service:' })).toBeUndefined();
    expect(serviceOf({ group: 'family:batch' })).toBeUndefined();
    expect(serviceOf({ group: 'Service:web' })).toBeUndefined();
    expect(serviceOf({ group: undefined })).toBeUndefined();
    expect(serviceOf({})).toBeUndefined();
  });

  it('isEmpty: unknown is not empty; STOPPED tasks do not count', () => {
    expect(isEmpty(undefined)).toBe(false);
    expect(isEmpty([])).toBe(true);
    expect(isEmpty([standaloneTask(1, { lastStatus: 'STOPPED' })])).toBe(true);
    expect(isEmpty([standaloneTask(1, { lastStatus: 'STOPPED' }), daemonTask(1)])).toBe(false);
  });
});

describe('rule 1a: a drain ecs-ops completed while another hook holds the instance', () => {
  const completed = { at: START + 6 * MIN, hook: HOOK };
  const now = START + 40 * MIN;

  it('is neither completed, heartbeated nor reported again, empty or not, whatever the trigger', () => {
    for (const trigger of ['reconcile', 'lifecycle-action', 'container-instance-change'] as const) {
      expect(run({ tasks: [], completed, trigger }, now)).toEqual([]);
      expect(run({ completed, trigger }, START + 61 * MIN)).toEqual([]); // past the deadline: no forced completion either
      expect(run({ tasks: undefined, completed, trigger }, START + 12 * MIN, {}, { reconcileIntervalMs: I })).toEqual([]);
    }
  });

  it('only the owed start notice goes out (a Spot warning handled after the completion)', () => {
    expect(run({ tasks: [], completed, trigger: 'spot-interruption' }, now)).toEqual([
      { type: 'notify', notification: { kind: 'drain-started', ec2InstanceId: 'i-0aaa', cluster: CLUSTER, asg: ASG, tasks: 3, trigger: 'spot-interruption' } },
    ]);
    expect(run({ tasks: [], completed, startNotice: 'sent', trigger: 'spot-interruption' }, now)).toEqual([]);
  });

  it('a mark of another hook, or older than the drain, is not this drain’s', () => {
    expect(types(run({ tasks: [], completed: { at: START + 6 * MIN, hook: 'other-tools-hook' } }, now))).toEqual(['complete:empty', 'notify:drain-completed']);
    expect(types(run({ tasks: [], completed: { at: START - MIN, hook: HOOK } }, now))).toEqual(['complete:empty', 'notify:drain-completed']);
    // ACTIVE: a new drain (rule 3), whatever marks an earlier one left.
    expect(types(run({ status: 'ACTIVE', completed }, now))).toEqual(['set-draining', 'heartbeat']);
  });

  it('a mark of an earlier lifecycle action (48 h old, or older than the lifecycle event): the drain is adopted afresh', () => {
    const adopt = [
      { type: 'set-draining', cluster: CLUSTER, containerInstanceArn: CI_ARN, ec2InstanceId: 'i-0aaa', tasks: 1, restart: true },
      { type: 'heartbeat', ...ref },
    ];
    expect(run({ completed }, START + 6 * MIN + 48 * 3600 * SEC)).toEqual(adopt);
    expect(run({ completed, lifecycleActionAt: START + 30 * MIN, trigger: 'lifecycle-action' }, START + 30 * MIN)).toEqual(adopt);
    // A duplicate of the lifecycle event that started the completed action: its time is not newer than the mark.
    expect(run({ completed, lifecycleActionAt: START, trigger: 'lifecycle-action' }, now)).toEqual([]);
    // Empty with a stale mark: completed, but the old drain's start and task count are not reported as this one's.
    expect(run({ tasks: [], completed }, START + 6 * MIN + 48 * 3600 * SEC)).toEqual([
      { type: 'complete', ...ref, result: 'CONTINUE', reason: 'empty' },
      { type: 'notify', notification: { kind: 'drain-completed', ec2InstanceId: 'i-0aaa', cluster: CLUSTER, asg: ASG, durationMs: undefined, tasksMoved: undefined } },
    ]);
  });
});

describe('rule 13: an owed drain-started notice', () => {
  const spotSpec = { asg: false as const, tasks: [serviceTask('web', 1)] };

  it('Spot warning after the lifecycle event drained the instance (waiting or not): reported with the tasks the drain started with', () => {
    const notice = { type: 'notify', notification: { kind: 'drain-started', ec2InstanceId: 'i-0aaa', cluster: CLUSTER, asg: undefined, tasks: 3, trigger: 'spot-interruption' } };
    expect(run({ ...spotSpec, trigger: 'spot-interruption' })).toEqual([notice]);
    expect(run({ ...spotSpec, startNotice: 'pending', trigger: 'spot-interruption' })).toEqual([notice]);
    expect(run({ ...spotSpec, startNotice: 'sent', trigger: 'spot-interruption' })).toEqual([]);
    expect(run({ ...spotSpec, trigger: 'spot-interruption' }, undefined, { spotInterruption: false })).toEqual([]);
    expect(types(run({ trigger: 'spot-interruption' }))).toEqual(['notify:drain-started']);
  });

  it('a notice that failed is re-sent by any later look, with the trigger it was for, until it is sent', () => {
    expect(run({ startNotice: 'pending', startTrigger: 'lifecycle-action', trigger: 'reconcile' })).toEqual([
      { type: 'notify', notification: { kind: 'drain-started', ec2InstanceId: 'i-0aaa', cluster: CLUSTER, asg: ASG, tasks: 3, trigger: 'lifecycle-action' } },
    ]);
    expect(types(run({ startNotice: 'pending', tasks: [] }))).toEqual(['complete:empty', 'notify:drain-started', 'notify:drain-completed']);
    expect(types(run({ startNotice: 'pending' }, START + 61 * MIN))).toEqual(['complete:deadline', 'notify:drain-started', 'notify:drain-forced']);
    expect(run({ startNotice: 'sent', trigger: 'reconcile' })).toEqual([]);
    // Not owed without a notice pending: a lifecycle drain with notifyStart off is never reported as started.
    expect(run({ trigger: 'reconcile' })).toEqual([]);
  });
});

describe('rule 14: an ASG ECS drains itself (managed draining): ecs-ops stands aside and observes', () => {
  const ECS_HOOK = 'ecs-managed-draining-termination-hook';
  const ecsDrains = { ecsDrainedAsgs: { [ASG]: { capacityProvider: 'cp-web', hookName: ECS_HOOK, evidence: 'test' } } };
  const D = 3600 * SEC; // CONFIG.deadline
  const blockedServices = { services: { [`${CLUSTER}/web`]: service('web', { maximumPercent: 100 }) } };
  const runEcs = (spec: InstanceSpec, now = START + 5 * MIN, config: Partial<DrainConfig> = {}, over: Partial<DrainSnapshot> = {}) => run(spec, now, config, { ...ecsDrains, ...over });

  it('the lifecycle event on an ACTIVE instance: own hook released at once, start recorded, no DRAINING, no notice', () => {
    const actions = runEcs({ status: 'ACTIVE', drainStartedAt: undefined, trigger: 'lifecycle-action', tasks: [serviceTask('web', 1), serviceTask('web', 2)] }, START, { notifyStart: true });
    expect(actions).toEqual([
      { type: 'observe-drain', cluster: CLUSTER, containerInstanceArn: CI_ARN, ec2InstanceId: 'i-0aaa', tasks: 2 },
      { type: 'complete', ...ref, result: 'CONTINUE', reason: 'ecs-drains' },
    ]);
  });

  it('an ASG ECS does not drain is drained by ecs-ops as before (rule 3)', () => {
    expect(types(run({ status: 'ACTIVE', drainStartedAt: undefined }, START, {}, { ecsDrainedAsgs: { 'other-asg': { evidence: 'x' } } }))).toEqual(['set-draining', 'heartbeat']);
  });

  it('own hook completed (current mark): never completed, drained, heartbeated or stopped again; empty → nothing (ECS completes its hook)', () => {
    const completed = { at: START + SEC, hook: HOOK };
    expect(runEcs({ completed, tasks: [serviceTask('web', 1)] })).toEqual([]);
    expect(runEcs({ completed, tasks: [] })).toEqual([]);
    expect(runEcs({ completed, tasks: undefined })).toEqual([]);
    // DAEMON and standalone tasks left: ecs-ops stops nothing (ECS does), whatever standaloneTasks says.
    expect(runEcs({ completed, tasks: [daemonTask(1), standaloneTask(1)] }, START + 10 * MIN, { standaloneTasks: 'stop' })).toEqual([]);
  });

  it('blocked diagnosis before the deadline, from 2 passes after the observed start', () => {
    const completed = { at: START + SEC, hook: HOOK };
    expect(runEcs({ completed }, START + I, {}, blockedServices)).toEqual([]);
    expect(types(runEcs({ completed }, START + 2 * I, {}, blockedServices))).toEqual(['notify:drain-blocked']);
  });

  it('observe: one drain-overdue at the deadline (two passes at most, same fingerprint), never a completion of ECS hook', () => {
    const completed = { at: START + SEC, hook: HOOK };
    expect(runEcs({ completed }, START + D - 1, {}, blockedServices).some((a) => a.type === 'notify' && a.notification.kind === 'drain-overdue')).toBe(false);
    for (const now of [START + D, START + D + I, START + D + 2 * I - 1]) {
      const actions = runEcs({ completed }, now, {}, blockedServices);
      expect(types(actions)).toEqual(['notify:drain-overdue']);
      expect(actions[0]).toMatchObject({ notification: { kind: 'drain-overdue', capacityProvider: 'cp-web', completedEcsHook: false, remaining: [serviceTask('web', 1)] } });
    }
    expect(runEcs({ completed }, START + D + 2 * I, {}, blockedServices)).toEqual([]);
    expect(runEcs({ completed }, START + 40 * 3600 * SEC, {}, blockedServices)).toEqual([]);
  });

  it('complete-at-deadline (opt-in): completes ECS hook CONTINUE with the overdue report; not when ECS hook is not on the ASG', () => {
    const completed = { at: START + SEC, hook: HOOK };
    const actions = runEcs({ completed }, START + D, { managedDraining: 'complete-at-deadline' });
    expect(actions[0]).toEqual({ type: 'complete', ec2InstanceId: 'i-0aaa', asg: ASG, hook: ECS_HOOK, result: 'CONTINUE', reason: 'deadline' });
    expect(actions[1]).toMatchObject({ type: 'notify', notification: { kind: 'drain-overdue', completedEcsHook: true } });
    expect(actions).toHaveLength(2);
    const noHook = { ecsDrainedAsgs: { [ASG]: { capacityProvider: 'cp-web', evidence: 'provider only' } } };
    expect(types(run({ completed }, START + D, { managedDraining: 'complete-at-deadline' }, noHook))).toEqual(['notify:drain-overdue']);
  });

  it('not in ECS → rule 2; a stale mark (earlier action of a reused instance) → released and observed afresh', () => {
    expect(types(runEcs({ container: false }))).toEqual(['complete:not-in-ecs']);
    const stale = { at: START - 1000, hook: HOOK };
    expect(types(runEcs({ completed: stale, drainStartedAt: START - 2000, lifecycleActionAt: START }, START + MIN))).toEqual(['observe-drain', 'complete:ecs-drains']);
  });

  it('a Spot interruption on an instance not waiting is still drained by ecs-ops (rule 10 stays)', () => {
    expect(types(runEcs({ state: 'InService', status: 'ACTIVE', drainStartedAt: undefined, trigger: 'spot-interruption' }))).toEqual(['set-draining', 'notify:drain-started']);
  });
});
