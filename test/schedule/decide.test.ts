import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  decidePendingRetry,
  decideReconcile,
  decideTick,
  isCapacityFailure,
  judgeTask,
  LOST_EVENT_GRACE_MS,
  replacedReason,
  shouldRetry,
  timeoutReason,
} from '../../lib/schedule/decide.js';
import { clientTokenFor, groupFor, runRefOfGroup, scheduleOfStartedBy, startedByFor } from '../../lib/schedule/identity.js';
import type { TaskView } from '../../lib/schedule/model.js';
import { scheduleWith, stopped, T0, task } from './support.js';

const MIN = 60_000;

describe('run identity', () => {
  it('round-trips schedule, tick and attempt through the task group', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
        fc.integer({ min: Date.parse('2000-01-01T00:00:00Z') / 1000, max: Date.parse('2199-12-31T23:59:59Z') / 1000 }),
        fc.integer({ min: 1, max: 11 }),
        (schedule, seconds, attempt) => {
          const ref = { schedule, tickMs: seconds * 1000, attempt };
          expect(runRefOfGroup(groupFor(ref))).toEqual(ref);
          expect(groupFor(ref).length).toBeLessThanOrEqual(255);
        },
      ),
    );
    expect(runRefOfGroup('family:report')).toBeUndefined();
    expect(runRefOfGroup('service:web')).toBeUndefined();
  });

  it('derives a RunTask clientToken (≤ 64 printable ASCII) that changes with schedule, tick, attempt and variant only', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), fc.integer({ min: 946684800, max: 7258118399 }), fc.integer({ min: 1, max: 11 }), (schedule, seconds, attempt) => {
        const ref = { schedule, tickMs: seconds * 1000, attempt };
        const token = clientTokenFor({ ref, variant: 'primary' });
        expect(token).toMatch(/^[\x21-\x7e]{1,64}$/);
        expect(clientTokenFor({ ref: { ...ref }, variant: 'primary' })).toBe(token);
        expect(clientTokenFor({ ref, variant: 'fallback' })).not.toBe(token);
        expect(clientTokenFor({ ref: { ...ref, attempt: attempt + 1 }, variant: 'primary' })).not.toBe(token);
        expect(clientTokenFor({ ref: { ...ref, tickMs: ref.tickMs + 60_000 }, variant: 'primary' })).not.toBe(token);
        expect(clientTokenFor({ ref: { ...ref, schedule: `${schedule}x`.slice(-64) === schedule ? `${schedule}y` : `${schedule}x`.slice(0, 64) }, variant: 'primary' })).not.toBe(token);
      }),
    );
  });

  it('names the schedule in startedBy and reads it back', () => {
    expect(startedByFor('nightly-report')).toBe('ecs-ops/nightly-report');
    expect(scheduleOfStartedBy('ecs-ops/nightly-report')).toBe('nightly-report');
    expect(scheduleOfStartedBy('ecs-svc/123')).toBeUndefined();
    expect(scheduleOfStartedBy(undefined)).toBeUndefined();
  });
});

describe('decideTick', () => {
  it('skips a suspended schedule before anything else', () => {
    expect(decideTick(scheduleWith({ suspend: true }), T0, T0, [])).toEqual({ kind: 'suspended' });
  });

  it('reports a tick delivered past startingDeadlineSeconds as missed, and runs one just within it', () => {
    const s = scheduleWith({ startingDeadlineSeconds: 120 });
    expect(decideTick(s, T0, T0 + 121_000, [])).toEqual({ kind: 'missed', lateMs: 121_000 });
    expect(decideTick(s, T0, T0 + 120_000, [])).toEqual({ kind: 'run', stop: [] });
    expect(decideTick(scheduleWith(), T0, T0 + 86_400_000, [])).toEqual({ kind: 'run', stop: [] });
  });

  it('recognizes a repeated delivery of the same tick by the running task of that tick', () => {
    const mine = task('a', { tickMs: T0 });
    expect(decideTick(scheduleWith({ concurrency: 'forbid' }), T0, T0 + 5000, [mine])).toEqual({ kind: 'duplicate', taskArns: [mine.taskArn] });
    expect(decideTick(scheduleWith({ concurrency: 'replace' }), T0, T0 + 5000, [mine])).toMatchObject({ kind: 'duplicate' });
  });

  it('applies the concurrency policy to runs of earlier ticks', () => {
    const old = task('old', { tickMs: T0 - 60 * MIN });
    const tick = T0;
    expect(decideTick(scheduleWith({ concurrency: 'forbid' }), tick, tick, [old])).toEqual({ kind: 'skip', running: [old] });
    expect(decideTick(scheduleWith({ concurrency: 'replace' }), tick, tick, [old])).toEqual({ kind: 'run', stop: [old] });
    expect(decideTick(scheduleWith({ concurrency: 'allow' }), tick, tick, [old])).toEqual({ kind: 'run', stop: [] });
    expect(decideTick(scheduleWith({ concurrency: 'allow' }), tick, tick, undefined)).toEqual({ kind: 'run', stop: [] });
  });

  it('does not count tasks already stopping as running', () => {
    const stopping = { ...task('old', { tickMs: T0 - 60 * MIN }), desiredStatus: 'STOPPED', lastStatus: 'DEACTIVATING' };
    expect(decideTick(scheduleWith({ concurrency: 'forbid' }), T0, T0, [stopping])).toEqual({ kind: 'run', stop: [] });
  });

  it('never starts an overlapping run under forbid, whatever runs (property)', () => {
    const s = scheduleWith({ concurrency: 'forbid' });
    fc.assert(
      fc.property(fc.array(fc.record({ tick: fc.integer({ min: -10, max: 0 }), stopped: fc.boolean() }), { maxLength: 6 }), (specs) => {
        const tasks = specs.map((spec, i) => {
          const t = task(`t${i}`, { tickMs: T0 + spec.tick * 60 * MIN });
          return spec.stopped ? stopped(t, T0 - 1000) : t;
        });
        const decision = decideTick(s, T0, T0, tasks);
        const active = tasks.filter((t) => t.lastStatus !== 'STOPPED');
        if (decision.kind === 'run') expect(active).toEqual([]);
        // A stopped task of this very tick is a run already made (a late repeated delivery): not run again.
        else if (decision.kind === 'duplicate') expect(tasks.some((t) => runRefOfGroup(t.group)?.tickMs === T0)).toBe(true);
        else expect(active.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('decideTick with late ticks (issue 14, item 5)', () => {
  const late = T0 + 12 * MIN;
  const pendingOf = (tickMs: number) => ({ schedule: 'report', tickMs, attempt: 2, count: 1, dueMs: tickMs + 2 * MIN, reason: 'RESOURCE:MEMORY' });

  it('skips a late tick that finds a run of a later tick under replace, and stops nothing', () => {
    const newer = task('newer', { tickMs: T0 + 10 * MIN });
    expect(decideTick(scheduleWith({ concurrency: 'replace' }), T0, late, [newer])).toEqual({ kind: 'superseded', newerTickMs: T0 + 10 * MIN, newer: [newer] });
  });

  it('skips it under forbid too, also when the newer run has ended or is a pending capacity retry', () => {
    const ended = stopped(task('ended', { tickMs: T0 + 5 * MIN }), T0 + 9 * MIN);
    expect(decideTick(scheduleWith({ concurrency: 'forbid' }), T0, late, [ended])).toMatchObject({ kind: 'superseded', newerTickMs: T0 + 5 * MIN, newer: [ended] });
    expect(decideTick(scheduleWith({ concurrency: 'replace' }), T0, late, [], pendingOf(T0 + 5 * MIN))).toMatchObject({ kind: 'superseded', newerTickMs: T0 + 5 * MIN, newer: [] });
  });

  it('names the latest of the newer runs, and still replaces only earlier runs when none is newer', () => {
    const older = task('older', { tickMs: T0 - 5 * MIN });
    const a = stopped(task('a', { tickMs: T0 + 5 * MIN }), T0 + 10 * MIN);
    const b = task('b', { tickMs: T0 + 10 * MIN });
    expect(decideTick(scheduleWith({ concurrency: 'replace' }), T0, late, [older, a, b])).toMatchObject({ kind: 'superseded', newerTickMs: T0 + 10 * MIN });
    expect(decideTick(scheduleWith({ concurrency: 'replace' }), T0, late, [older])).toEqual({ kind: 'run', stop: [older] });
  });

  it('runs a late tick under allow (it stops nothing), not looking at other runs', () => {
    expect(decideTick(scheduleWith({ concurrency: 'allow' }), T0, late, undefined)).toEqual({ kind: 'run', stop: [] });
    expect(decideTick(scheduleWith({ concurrency: 'allow' }), T0, late, [task('newer', { tickMs: T0 + 5 * MIN })])).toEqual({ kind: 'run', stop: [] });
  });

  it('never stops a run of its own or a later tick, and never runs under forbid/replace when a later tick has a run (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('forbid' as const, 'replace' as const, 'allow' as const),
        fc.array(fc.record({ tick: fc.integer({ min: -4, max: 4 }), stopped: fc.boolean(), stopping: fc.boolean() }), { maxLength: 6 }),
        fc.option(fc.integer({ min: -4, max: 4 }), { nil: undefined }),
        fc.integer({ min: 0, max: 60 }),
        (concurrency, specs, pendingTick, lateMinutes) => {
          const s = scheduleWith({ concurrency });
          const tasks = specs.map((spec, i) => {
            const t = task(`t${i}`, { tickMs: T0 + spec.tick * 5 * MIN });
            if (spec.stopped) return stopped(t, T0 - 1000);
            return spec.stopping ? { ...t, desiredStatus: 'STOPPED' } : t;
          });
          const pending = pendingTick === undefined ? undefined : pendingOf(T0 + pendingTick * 5 * MIN);
          const decision = decideTick(s, T0, T0 + lateMinutes * MIN, concurrency === 'allow' ? undefined : tasks, pending);
          if (decision.kind === 'run') {
            for (const t of decision.stop) expect(runRefOfGroup(t.group)?.tickMs).toBeLessThan(T0);
            if (concurrency !== 'allow') {
              expect(tasks.some((t) => (runRefOfGroup(t.group)?.tickMs ?? 0) > T0)).toBe(false);
              expect(pending !== undefined && pending.tickMs > T0).toBe(false);
            }
            // The pending retry of an earlier tick is superseded by this run, and only that one.
            expect(decision.abandon).toEqual(pending !== undefined && pending.tickMs < T0 ? pending : undefined);
          }
          if (decision.kind === 'superseded') expect(decision.newerTickMs).toBeGreaterThan(T0);
        },
      ),
    );
  });
});

describe('decidePendingRetry (issue 14, item 4)', () => {
  const pending = { schedule: 'report', tickMs: T0, attempt: 3, count: 1, dueMs: T0 + 3 * MIN, reason: 'RESOURCE:MEMORY' };

  it('abandons a pending capacity retry once a later tick has a run, whatever the time', () => {
    expect(decidePendingRetry(scheduleWith(), pending, [task('next', { tickMs: T0 + 3 * MIN })], T0 + MIN)).toEqual({ kind: 'superseded', byTickMs: T0 + 3 * MIN });
    const ended = stopped(task('next', { tickMs: T0 + 3 * MIN }), T0 + 4 * MIN);
    expect(decidePendingRetry(scheduleWith({ concurrency: 'allow' }), pending, [ended], T0 + 5 * MIN)).toEqual({ kind: 'superseded', byTickMs: T0 + 3 * MIN });
  });

  it('drops it when its own tick has a run, waits for its time and for runs going (forbid, replace)', () => {
    expect(decidePendingRetry(scheduleWith(), pending, [task('same', { tickMs: T0, attempt: 1 })], T0 + 5 * MIN)).toEqual({ kind: 'drop' });
    expect(decidePendingRetry(scheduleWith(), pending, [], T0 + 2 * MIN)).toEqual({ kind: 'not-due' });
    const older = task('older', { tickMs: T0 - 10 * MIN });
    expect(decidePendingRetry(scheduleWith({ concurrency: 'forbid' }), pending, [older], T0 + 3 * MIN)).toEqual({ kind: 'wait', running: 1 });
    expect(decidePendingRetry(scheduleWith({ concurrency: 'allow' }), pending, [older], T0 + 3 * MIN)).toEqual({ kind: 'start' });
    expect(decidePendingRetry(scheduleWith(), pending, [], T0 + 3 * MIN)).toEqual({ kind: 'start' });
  });
});

describe('judgeTask', () => {
  const base = task('a');
  it('succeeds when every essential container exited 0', () => {
    const result = judgeTask(stopped(base, T0 + 5 * MIN, {}, { report: 0, sidecar: 137 }), new Set(['report']));
    expect(result).toMatchObject({ outcome: 'succeeded', durationMs: 5 * MIN - 20_000 });
    expect(result.containers.map((c) => c.name)).toEqual(['report']);
  });

  it('fails on a non-zero exit of an essential container, naming it, its code and its reason', () => {
    const t = stopped(base, T0 + MIN, {}, { report: 3 });
    t.containers[0]!.reason = 'OutOfMemoryError: Container killed due to memory usage';
    const result = judgeTask(t, new Set(['report']));
    expect(result).toMatchObject({ outcome: 'failed', cause: 'exit', reason: 'report exited 3: OutOfMemoryError: Container killed due to memory usage' });
  });

  it('treats every container as essential when the task definition is unknown', () => {
    expect(judgeTask(stopped(base, T0 + MIN, {}, { report: 0, sidecar: 1 }), undefined)).toMatchObject({ outcome: 'failed', cause: 'exit', reason: 'sidecar exited 1' });
  });

  it('fails a task that failed to start, with the container reason', () => {
    const t = stopped({ ...base, startedAt: undefined }, T0 + MIN, { stopCode: 'TaskFailedToStart', stoppedReason: 'Task failed to start' }, { report: undefined });
    t.containers[0]!.reason = 'CannotPullContainerError: pull image manifest has been retried 5 time(s)';
    expect(judgeTask(t, undefined)).toMatchObject({ outcome: 'failed', cause: 'failed-to-start', reason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)' });
  });

  it('fails when an essential container never ran (no exit code)', () => {
    const t = stopped(base, T0 + MIN, { stopCode: 'EssentialContainerExited' }, { report: 0, init: undefined });
    expect(judgeTask(t, new Set(['report', 'init']))).toMatchObject({ outcome: 'failed', cause: 'never-started' });
  });

  it('fails a run cut short by someone else even with exit code 0', () => {
    const t = stopped(base, T0 + MIN, { stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.' });
    expect(judgeTask(t, undefined)).toMatchObject({ outcome: 'failed', cause: 'stopped', reason: 'SpotInterruption: Your Spot Task was interrupted.' });
  });

  it('recognizes its own stops: timeout and replace', () => {
    const s = scheduleWith({ timeoutSeconds: 600 });
    const t1 = stopped(base, T0 + 11 * MIN, { stopCode: 'UserInitiated', stoppedReason: timeoutReason(s, 610_000) }, { report: 143 });
    expect(judgeTask(t1, undefined)).toMatchObject({ outcome: 'timeout', cause: 'timeout' });
    const t2 = stopped(base, T0 + 11 * MIN, { stopCode: 'UserInitiated', stoppedReason: replacedReason(s, '2026-01-01T09:00:00Z') }, { report: 143 });
    expect(judgeTask(t2, undefined)).toMatchObject({ outcome: 'replaced' });
  });
});

describe('retries', () => {
  it('classifies RunTask failures[] reasons', () => {
    expect(isCapacityFailure('RESOURCE:MEMORY')).toBe(true);
    expect(isCapacityFailure('Capacity is unavailable at this time. Please try again later or in a different availability zone')).toBe(true);
    expect(isCapacityFailure('AGENT')).toBe(true);
    expect(isCapacityFailure('ATTRIBUTE')).toBe(false);
    expect(isCapacityFailure('MISSING')).toBe(false);
  });

  it('backs off exponentially up to the cap', () => {
    const s = scheduleWith({ retries: { attempts: 5, backoffSeconds: 60, maxBackoffSeconds: 300 } });
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(s, a) / 1000)).toEqual([60, 120, 240, 300, 300]);
  });

  it('retries only the configured failures, within the attempts', () => {
    const s = scheduleWith({ retries: { attempts: 2, on: ['nonZeroExit'], exitCodes: [75] } });
    const exit = (code: number) => ({ outcome: 'failed' as const, cause: 'exit' as const, containers: [{ name: 'report', exitCode: code }] });
    expect(shouldRetry(s, exit(75), 1)).toBe(true);
    expect(shouldRetry(s, exit(75), 2)).toBe(true);
    expect(shouldRetry(s, exit(75), 3)).toBe(false);
    expect(shouldRetry(s, exit(1), 1)).toBe(false);
    expect(shouldRetry(s, { outcome: 'failed', cause: 'capacity', containers: [] }, 1)).toBe(false);
    expect(shouldRetry(scheduleWith({ retries: { attempts: 1 } }), { outcome: 'failed', cause: 'capacity', containers: [] }, 1)).toBe(true);
    expect(shouldRetry(scheduleWith({ retries: { attempts: 1, on: ['timeout'] } }), { outcome: 'timeout', cause: 'timeout', containers: [] }, 1)).toBe(true);
    expect(shouldRetry(scheduleWith({ retries: { attempts: 3, on: ['nonZeroExit', 'capacity'] } }), { outcome: 'succeeded', containers: [] }, 1)).toBe(false);
  });

  it('never allows more than 1 + attempts runs of a tick (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 20 }), (attempts, attempt) => {
        const s = scheduleWith({ retries: { attempts, on: ['nonZeroExit', 'capacity', 'failedToStart', 'timeout'] } });
        const retried = shouldRetry(s, { outcome: 'failed', cause: 'exit', containers: [{ name: 'x', exitCode: 1 }] }, attempt);
        expect(retried).toBe(attempt < attempts + 1);
      }),
    );
  });
});

describe('decideReconcile', () => {
  const judge = (t: TaskView) => judgeTask(t, undefined);

  it('stops runs past timeoutSeconds with a reason naming the limit', () => {
    const s = scheduleWith({ timeoutSeconds: 600 });
    const long = task('long', { startedAt: T0 });
    const short = task('short', { startedAt: T0 + 5 * MIN });
    const actions = decideReconcile(s, [long, short], T0 + 10 * MIN, judge);
    expect(actions).toEqual([{ type: 'stop-timeout', task: long, ref: { schedule: 'report', tickMs: T0, attempt: 1 }, reason: expect.stringMatching(/^ecs-ops: timeout: ran 600s, longer than timeoutSeconds 600/) as string }]);
    expect(decideReconcile(scheduleWith(), [long], T0 + 100 * MIN, judge)).toEqual([]);
  });

  it('completes stopped tasks whose event may have been lost, once past the grace and within the look-back', () => {
    const s = scheduleWith();
    const t = stopped(task('a'), T0 + 5 * MIN, {}, { report: 2 });
    expect(decideReconcile(s, [t], T0 + 5 * MIN + LOST_EVENT_GRACE_MS - 1, judge)).toEqual([]);
    expect(decideReconcile(s, [t], T0 + 5 * MIN + LOST_EVENT_GRACE_MS, judge)).toEqual([{ type: 'complete', task: t }]);
    expect(decideReconcile(s, [t], T0 + 60 * MIN, judge)).toEqual([]);
    // A success is completed only when someone wants to hear about it.
    const ok = stopped(task('b'), T0 + 5 * MIN);
    expect(decideReconcile(s, [ok], T0 + 7 * MIN, judge)).toEqual([]);
    expect(decideReconcile(scheduleWith({ notify: { onSuccess: true } }), [ok], T0 + 7 * MIN, judge)).toEqual([{ type: 'complete', task: ok }]);
  });

  it('starts a retry of a failed run once its backoff passed, and only once', () => {
    const s = scheduleWith({ retries: { attempts: 2, backoffSeconds: 120, on: ['nonZeroExit'] } });
    const failed = stopped(task('a'), T0 + 5 * MIN, {}, { report: 1 });
    expect(decideReconcile(s, [failed], T0 + 6 * MIN, judge).filter((a) => a.type === 'retry')).toEqual([]);
    const due = decideReconcile(s, [failed], T0 + 7 * MIN, judge).filter((a) => a.type === 'retry');
    expect(due).toEqual([{ type: 'retry', request: { ref: { schedule: 'report', tickMs: T0, attempt: 2 }, count: 1, variant: 'primary' }, after: failed }]);
    const retryTask = task('b', { attempt: 2 });
    expect(decideReconcile(s, [failed, retryTask], T0 + 8 * MIN, judge).filter((a) => a.type === 'retry')).toEqual([]);
  });

  it('holds a due retry while another (earlier) run of the schedule is going (forbid), starts it under allow', () => {
    const opts = { retries: { attempts: 1, backoffSeconds: 60, on: ['nonZeroExit'] } };
    const failed = stopped(task('a'), T0 + 5 * MIN, {}, { report: 1 });
    const earlier = task('e', { tickMs: T0 - 60 * MIN });
    expect(decideReconcile(scheduleWith({ ...opts, concurrency: 'forbid' }), [failed, earlier], T0 + 7 * MIN, judge).filter((a) => a.type !== 'complete')).toEqual([
      { type: 'retry-waits', ref: { schedule: 'report', tickMs: T0, attempt: 2 }, running: 1 },
    ]);
    expect(decideReconcile(scheduleWith({ ...opts, concurrency: 'allow' }), [failed, earlier], T0 + 7 * MIN, judge).filter((a) => a.type === 'retry')).toHaveLength(1);
  });

  it('abandons the retry of a failed run once a later tick has a run, due or not, whatever the concurrency (rule 7)', () => {
    const failed = stopped(task('a'), T0 + 5 * MIN, {}, { report: 1 });
    for (const concurrency of ['allow', 'forbid', 'replace'] as const) {
      const s = scheduleWith({ concurrency, retries: { attempts: 2, backoffSeconds: 600, on: ['nonZeroExit'] } });
      for (const later of [task('n', { tickMs: T0 + 5 * MIN }), stopped(task('n', { tickMs: T0 + 5 * MIN }), T0 + 6 * MIN)]) {
        const actions = decideReconcile(s, [failed, later], T0 + 6 * MIN, judge).filter((a) => a.type !== 'complete');
        expect(actions).toEqual([{ type: 'retry-superseded', ref: { schedule: 'report', tickMs: T0, attempt: 2 }, byTickMs: T0 + 5 * MIN, reason: 'report exited 1' }]);
      }
    }
  });

  it('retries as many tasks as failed in one attempt of a multi-task run', () => {
    const s = scheduleWith({ count: 3, retries: { attempts: 1, backoffSeconds: 60, on: ['nonZeroExit'] } });
    const a = stopped(task('a'), T0 + 5 * MIN, {}, { report: 1 });
    const b = stopped(task('b'), T0 + 5 * MIN, {}, { report: 2 });
    const c = stopped(task('c'), T0 + 5 * MIN, {}, { report: 0 });
    const retries = decideReconcile(s, [a, b, c], T0 + 7 * MIN, judge).filter((x) => x.type === 'retry');
    expect(retries.map((r) => r.request.count)).toEqual([2]);
  });
});
