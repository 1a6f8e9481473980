/**
 * The ops journal: pure keys, entries and records with plain data; appends and reads on a real DynamoDB
 * implementation (dynalite), with the calls counted.
 */
import { BatchGetItemCommand, CreateTableCommand, DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PlannedStop } from '../../lib/placement/policy/model.js';
import type { ScheduleEvent } from '../../lib/schedule/notifications.js';
import {
  dynamoJournal,
  journalDay,
  journalDays,
  journalKey,
  journalOpsSource,
  marshalEntry,
  placementStopEntry,
  readJournal,
  recordsInWindow,
  scheduleRunEntry,
  unmarshalEntry,
  type JournalEntry,
} from '../../lib/summary/journal.js';
import { task, stopped, T0 } from '../schedule/support.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const stop: PlannedStop = {
  cluster: 'prod',
  service: 'cache',
  policy: 'cache-spread',
  rule: 'maxPerInstance',
  taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/abc123',
  from: { ec2InstanceId: 'i-0aaa' },
  to: { ec2InstanceId: 'i-0bbb' },
  before: 1,
  after: 0,
  needed: 1,
  reason: 'ecs-ops placement: maxPerInstance',
};

const entry = (id: string, at: number, fields: Partial<JournalEntry> = {}): JournalEntry => ({ id, kind: 'schedule-run', cluster: 'prod', at, subject: 'report', outcome: 'succeeded', detail: `run ${id}`, ...fields });

describe('journal keys and days', () => {
  it('keys one item per cluster per UTC day', () => {
    expect(journalKey('prod', journalDay(Date.parse('2026-01-01T23:59:59.999Z')))).toBe('ecs-ops-journal#prod#2026-01-01');
    expect(journalDay(Date.parse('2026-01-02T00:00:00Z'))).toBe('2026-01-02');
  });

  it('a window covers the UTC days it touches, end excluded', () => {
    expect(journalDays({ start: Date.parse('2026-01-01T08:00:00Z'), end: Date.parse('2026-01-01T09:00:00Z') })).toEqual(['2026-01-01']);
    expect(journalDays({ start: Date.parse('2026-01-01T08:00:00Z'), end: Date.parse('2026-01-02T08:00:00Z') })).toEqual(['2026-01-01', '2026-01-02']);
    expect(journalDays({ start: Date.parse('2026-01-01T08:00:00Z'), end: Date.parse('2026-01-02T00:00:00Z') })).toEqual(['2026-01-01']);
    expect(journalDays({ start: 5, end: 5 })).toEqual([]);
  });

  it('every time in a window is in one of its days, and the days are at most ceil(length / 1 day) + 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 1, max: 10 * DAY }), fc.double({ min: 0, max: 1, noNaN: true }), (start, length, f) => {
        const days = journalDays({ start, end: start + length });
        const at = start + Math.min(length - 1, Math.floor(f * length));
        expect(days).toContain(journalDay(at));
        expect(days.length).toBeLessThanOrEqual(Math.ceil(length / DAY) + 1);
      }),
    );
  });
});

describe('journal entries', () => {
  it('a placement stop names the task, service, rule, policy and where it ran', () => {
    const e = placementStopEntry(stop, T0);
    expect(e).toMatchObject({ id: 'stop|abc123', kind: 'placement-stop', cluster: 'prod', at: T0, subject: 'abc123', service: 'cache', outcome: 'acted' });
    expect(e.detail).toBe('stopped task abc123 of cache for maxPerInstance (policy cache-spread; 1 → 0 task(s) off) on i-0aaa, replacement expected on i-0bbb');
  });

  const schedule = { name: 'report', cluster: 'prod' };
  const result = (outcome: 'succeeded' | 'failed' | 'timeout', fields: Record<string, unknown> = {}): ScheduleEvent => {
    const t = stopped(task('t1', { startedAt: T0 }), T0 + 5 * 60_000);
    return { kind: 'result', ref: { schedule: 'report', tickMs: T0, attempt: 1 }, task: t, result: { outcome, containers: [{ name: 'report', exitCode: 2, lastStatus: 'STOPPED' }], reason: 'report exited 2', durationMs: 5 * 60_000, ...fields } };
  };

  it('a failed run says its exit code and how long it ran, at its end', () => {
    const e = scheduleRunEntry(result('failed', { cause: 'exit' }), schedule, T0 + DAY);
    expect(e).toMatchObject({ id: 'run|t1', at: T0 + 5 * 60_000, outcome: 'failed', durationMs: 300_000, subject: 'report' });
    expect(e.detail).toBe('scheduled run of report failed with exit code 2 after 5m 00s: report exited 2');
  });

  it('success, timeout, a run that could not start, missed and skipped ticks', () => {
    expect(scheduleRunEntry(result('succeeded', { containers: [] }), schedule, 0)).toMatchObject({ outcome: 'succeeded', detail: 'scheduled run of report succeeded after 5m 00s' });
    expect(scheduleRunEntry(result('timeout', { cause: 'timeout', reason: 'ecs-ops: timeout' }), schedule, 0).detail).toBe('scheduled run of report timed out after 5m 00s: ecs-ops: timeout');
    const ref = { schedule: 'report', tickMs: T0, attempt: 2 };
    expect(scheduleRunEntry({ kind: 'run-failed', ref, reason: 'RESOURCE:CPU', capacity: true, retry: { attempt: 3, inMs: 60_000 } }, schedule, T0 + 1000)).toMatchObject({
      id: `run-task|report|${T0}|2`,
      at: T0 + 1000,
      outcome: 'failed',
      detail: 'scheduled run of report (tick 08:00, attempt 2) could not start: RESOURCE:CPU; retry in 1m 00s',
    });
    expect(scheduleRunEntry({ kind: 'missed', ref, lateMs: 700_000 }, schedule, T0 + 700_000)).toMatchObject({ id: `missed|report|${T0}`, at: T0, detail: 'scheduled run of report at 08:00 missed: 11m 40s late' });
    expect(scheduleRunEntry({ kind: 'skipped', ref, running: [task('t0')] }, schedule, T0)).toMatchObject({ id: `skipped|report|${T0}`, detail: 'scheduled run of report at 08:00 skipped: 1 run(s) still going' });
  });

  it('marshals and unmarshals losslessly (detail cut to 300 characters), and ignores what is not an entry', () => {
    const e = entry('x', T0, { service: 'web', durationMs: 1234, outcome: 'failed' });
    expect(unmarshalEntry(marshalEntry(e), 'prod')).toEqual(e);
    expect(unmarshalEntry(marshalEntry(entry('y', T0, { detail: 'd'.repeat(400) })), 'prod')?.detail).toHaveLength(300);
    expect(unmarshalEntry({ S: 'nope' }, 'prod')).toBeUndefined();
    expect(unmarshalEntry({ M: { id: { S: 'z' }, kind: { S: 'other' }, at: { N: '1' }, outcome: { S: 'acted' } } }, 'prod')).toBeUndefined();
  });

  it('records: within the window, each id once, in time order, as the digest reads them', () => {
    const window = { start: T0, end: T0 + HOUR };
    const records = recordsInWindow([entry('b', T0 + 20), entry('a', T0 + 10), entry('b', T0 + 20), entry('old', T0 - 1), entry('late', T0 + HOUR), placementStopEntry(stop, T0 + 30)], window);
    expect(records.map((r) => [r.kind, r.detail])).toEqual([
      ['scheduled-run', 'run a'],
      ['scheduled-run', 'run b'],
      ['placement', placementStopEntry(stop, 0).detail],
    ]);
    expect(records[2]).toMatchObject({ service: 'cache', subject: 'abc123', outcome: 'acted' });
  });
});

describe('journal on DynamoDB (dynalite)', () => {
  let db: ReturnType<typeof dynalite>;
  let client: DynamoDBClient;
  let table: string;
  let counter = 0;
  let logs: { level: string; message: string }[];
  const logger = {
    warn: (message: string) => logs.push({ level: 'warn', message }),
    error: (message: string) => logs.push({ level: 'error', message }),
  };
  const calls: string[] = [];

  beforeAll(async () => {
    db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => db.listen(0, '127.0.0.1', () => { resolve(); }));
    const { port } = db.address() as AddressInfo;
    client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    client.middlewareStack.add((next, context) => (args) => { calls.push(context.commandName ?? '?'); return next(args); }, { step: 'initialize' });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => db.close(() => { resolve(); }));
  });

  beforeEach(async () => {
    table = `journal-${++counter}`;
    logs = [];
    await client.send(new CreateTableCommand({ TableName: table, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
    calls.length = 0;
  });

  it('appends with one UpdateItem each, refuses a repeated id, sets the TTL 8 days after the day', async () => {
    const journal = dynamoJournal(client, table, logger);
    expect(await journal.append(entry('a', T0))).toBe('appended');
    expect(await journal.append(entry('b', T0 + HOUR))).toBe('appended');
    expect(calls).toEqual([UpdateItemCommand.name, UpdateItemCommand.name]);
    expect(await journal.append(entry('a', T0))).toBe('duplicate');
    const item = (await client.send(new GetItemCommand({ TableName: table, Key: { id: { S: 'ecs-ops-journal#prod#2026-01-01' } } }))).Item;
    expect(item?.entries?.L?.map((v) => unmarshalEntry(v, 'prod')?.id)).toEqual(['a', 'b']);
    expect(Number(item?.expiration?.N)).toBe(Date.parse('2026-01-02T00:00:00Z') / 1000 + 8 * 86_400);
    expect(item?.dropped).toBeUndefined();
    expect(logs).toEqual([]);
  });

  it('caps a day: further entries are dropped and counted, repeats are not counted', async () => {
    const journal = dynamoJournal(client, table, logger, { cap: 2 });
    for (const id of ['a', 'b']) await journal.append(entry(id, T0));
    expect(await journal.append(entry('c', T0))).toBe('dropped');
    expect(await journal.append(entry('d', T0))).toBe('dropped');
    expect(await journal.append(entry('a', T0))).toBe('duplicate');
    const day = await readJournal(client, table, 'prod', { start: T0, end: T0 + HOUR });
    expect(day.entries.map((e) => e.id)).toEqual(['a', 'b']);
    expect(day.dropped).toBe(2);
    expect(logs.filter((l) => l.level === 'warn')).toHaveLength(2);
  });

  it('an error (no such table) is logged, never thrown', async () => {
    const journal = dynamoJournal(client, 'missing-table', logger);
    expect(await journal.append(entry('a', T0))).toBe('failed');
    expect(logs).toEqual([{ level: 'error', message: 'ops journal entry not written' }]);
  });

  it('the digest source reads one GetItem for a window within a day, one BatchGetItem for several days', async () => {
    const journal = dynamoJournal(client, table, logger);
    await journal.append(entry('day1', T0));
    await journal.append(entry('day2', T0 + DAY));
    await journal.append(entry('other-cluster', T0, { cluster: 'staging' }));
    await journal.append(placementStopEntry(stop, T0 + DAY + HOUR));
    const source = journalOpsSource(client, table, logger);
    calls.length = 0;
    expect((await source.collect('prod', { start: T0 - HOUR, end: T0 + HOUR })).map((r) => r.detail)).toEqual(['run day1']);
    expect(calls).toEqual([GetItemCommand.name]);
    calls.length = 0;
    const records = await source.collect('prod', { start: T0 - HOUR, end: T0 + 2 * DAY });
    expect(records.map((r) => [r.kind, r.at])).toEqual([['scheduled-run', T0], ['scheduled-run', T0 + DAY], ['placement', T0 + DAY + HOUR]]);
    expect(calls).toEqual([BatchGetItemCommand.name]);
    expect(await source.collect('nowhere', { start: T0, end: T0 + HOUR })).toEqual([]);
  });

  it('a journal that cannot be read leaves its records out, with an error logged', async () => {
    const source = journalOpsSource(client, 'missing-table', logger);
    expect(await source.collect('prod', { start: T0, end: T0 + HOUR })).toEqual([]);
    expect(logs.map((l) => l.message)).toEqual(['ops journal not read: placement stops and scheduled runs left out of the digest']);
  });
});
