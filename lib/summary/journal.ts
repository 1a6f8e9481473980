/**
 * The ops journal: what ecs-ops itself did (placement stops, scheduled runs and their results), kept in the
 * idempotency table so the digest can say it. ECS keeps no trace of either for long (a stopped task is listed for
 * about an hour), and the digest reads the window hours later.
 *
 * One item per cluster per UTC day, key `ecs-ops-journal#<cluster>#<yyyy-mm-dd>` (the day of the entry's time):
 *   entries   list of maps (one per action, appended with `list_append`), at most {@link JOURNAL_CAP} a day
 *   ids       string set of the entry ids: an append whose id is there already is a repeat (a retried invocation, a
 *             repeated event) and is refused by the write's condition, so the journal holds each action once
 *   dropped   how many entries the cap turned away
 *   expiration the table's TTL attribute: {@link JOURNAL_TTL_DAYS} days after the day ends
 *
 * Cost: one UpdateItem per recorded action (a second one only when the first is refused, to tell a repeat from the
 * cap); per digest and cluster one GetItem (window within one UTC day) or one BatchGetItem (several days).
 *
 * Writing is best effort: a journal entry must never break or fail the action it records, so {@link OpsJournal.append}
 * logs its errors and returns; the action's own report (notification, logs, metrics) is the record of last resort.
 */
import { BatchGetItemCommand, ConditionalCheckFailedException, GetItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PlannedStop } from '../placement/policy/model.js';
import type { ScheduleEvent } from '../schedule/notifications.js';
import { formatDuration } from '../notify/format.js';
import type { DigestWindow, OpsRecord, OpsSource } from './digest/model.js';

export const JOURNAL_PREFIX = 'ecs-ops-journal';
/** Entries a cluster's day holds (an item stays well under DynamoDB's 400 KB: entries are a few hundred bytes). */
export const JOURNAL_CAP = 500;
export const JOURNAL_TTL_DAYS = 8;
/** A detail line is cut to this length. */
export const JOURNAL_DETAIL_MAX = 300;
const DAY_MS = 86_400_000;
const BATCH_GET_MAX = 100;

export interface JournalEntry {
  /** Identifies the action: the same action recorded twice has the same id. */
  id: string;
  kind: 'placement-stop' | 'schedule-run';
  cluster: string;
  /** When it happened (epoch ms): the stop, the run's end, the tick. */
  at: number;
  /** The task id (a stop) or the schedule name (a run). */
  subject: string;
  outcome: OpsRecord['outcome'];
  /** One line in the operator's words. */
  detail: string;
  service?: string | undefined;
  durationMs?: number | undefined;
}

// ---- pure: keys, entries, records ----------------------------------------------------------------------------------

export const journalDay = (at: number): string => new Date(at).toISOString().slice(0, 10);

export const journalKey = (cluster: string, day: string): string => `${JOURNAL_PREFIX}#${cluster}#${day}`;

/** The UTC days `[start, end)` touches, oldest first. */
export function journalDays(window: DigestWindow): string[] {
  if (!(window.end > window.start)) return [];
  const days: string[] = [];
  for (let t = Math.floor(window.start / DAY_MS) * DAY_MS; t < window.end; t += DAY_MS) days.push(journalDay(t));
  return days;
}

const taskId = (arn: string): string => arn.split('/').pop() ?? arn;

/** A task ecs-ops stopped for a placement rule. */
export function placementStopEntry(stop: PlannedStop, at: number): JournalEntry {
  const from = stop.from.ec2InstanceId ?? stop.from.availabilityZone;
  const to = stop.to.ec2InstanceId ?? stop.to.availabilityZone;
  const where = from !== undefined ? ` on ${from}${to !== undefined ? `, replacement expected on ${to}` : ''}` : '';
  return {
    id: `stop|${taskId(stop.taskArn)}`,
    kind: 'placement-stop',
    cluster: stop.cluster,
    at,
    subject: taskId(stop.taskArn),
    outcome: 'acted',
    service: stop.service,
    // before/after: how far from compliance the violation is, in tasks, now and once the replacement runs.
    detail: `stopped task ${taskId(stop.taskArn)} of ${stop.service} for ${stop.rule} (policy ${stop.policy}; ${stop.before} → ${stop.after} task(s) off)${where}`,
  };
}

/** A scheduled run's result (succeeded, failed, timeout, replaced), a run that could not start, a missed or skipped tick. */
export function scheduleRunEntry(event: ScheduleEvent, schedule: { name: string; cluster: string }, now: number): JournalEntry {
  const name = schedule.name;
  const base = { kind: 'schedule-run' as const, cluster: schedule.cluster, subject: name };
  const tick = (tickMs: number): string => new Date(tickMs).toISOString().slice(11, 16);
  switch (event.kind) {
    case 'result': {
      const { result, task } = event;
      const ran = result.durationMs !== undefined ? ` after ${formatDuration(result.durationMs)}` : '';
      const verb = result.outcome === 'succeeded' ? 'succeeded' : result.outcome === 'timeout' ? 'timed out' : result.outcome === 'replaced' ? 'was replaced' : 'failed';
      const exit = result.outcome === 'failed' && result.cause === 'exit' ? result.containers.find((c) => c.exitCode !== undefined && c.exitCode !== 0)?.exitCode : undefined;
      const retry = event.retry !== undefined ? `; retry ${event.retry.attempt} in ${formatDuration(event.retry.inMs)}` : '';
      return {
        ...base,
        id: `run|${taskId(task.taskArn)}`,
        at: task.stoppedAt ?? now,
        outcome: result.outcome === 'succeeded' ? 'succeeded' : 'failed',
        ...(result.durationMs !== undefined ? { durationMs: result.durationMs } : {}),
        detail: `scheduled run of ${name} ${verb}${exit !== undefined ? ` with exit code ${exit}` : ''}${ran}${result.outcome === 'succeeded' ? '' : `: ${result.reason}`}${retry}`,
      };
    }
    case 'run-failed':
      return {
        ...base,
        id: `run-task|${name}|${event.ref.tickMs}|${event.ref.attempt}`,
        at: now,
        outcome: 'failed',
        detail:
          `scheduled run of ${name} (tick ${tick(event.ref.tickMs)}, attempt ${event.ref.attempt}) ${event.abandoned?.attempt === event.ref.attempt ? 'abandoned' : 'could not start'}: ${event.reason}` +
          `${event.retry !== undefined ? `; retry in ${formatDuration(event.retry.inMs)}` : ''}${event.abandoned !== undefined ? `; superseded by the tick of ${tick(event.abandoned.byTickMs)}` : ''}`,
      };
    case 'missed':
      return { ...base, id: `missed|${name}|${event.ref.tickMs}`, at: event.ref.tickMs, outcome: 'failed', detail: `scheduled run of ${name} at ${tick(event.ref.tickMs)} missed: ${formatDuration(event.lateMs)} late` };
    case 'skipped':
      return {
        ...base,
        id: `skipped|${name}|${event.ref.tickMs}`,
        at: event.ref.tickMs,
        outcome: 'failed',
        detail: `scheduled run of ${name} at ${tick(event.ref.tickMs)} skipped: ${event.newer !== undefined ? `the run of ${tick(event.newer.tickMs)} is newer` : `${event.running.length} run(s) still going`}`,
      };
  }
}

/** The digest's view of an entry. */
export function opsRecordOf(entry: JournalEntry): OpsRecord {
  return {
    kind: entry.kind === 'placement-stop' ? 'placement' : 'scheduled-run',
    at: entry.at,
    subject: entry.subject,
    outcome: entry.outcome,
    detail: entry.detail,
    ...(entry.durationMs !== undefined ? { durationMs: entry.durationMs } : {}),
    ...(entry.service !== undefined ? { service: entry.service } : {}),
  };
}

/** The records of `entries` (several days' items) in `[start, end)`, each id once, in time order. */
export function recordsInWindow(entries: readonly JournalEntry[], window: DigestWindow): OpsRecord[] {
  const seen = new Set<string>();
  const out: JournalEntry[] = [];
  for (const e of entries) {
    if (e.at < window.start || e.at >= window.end || seen.has(e.id)) continue;
    seen.add(e.id);
    out.push(e);
  }
  return out.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id)).map(opsRecordOf);
}

// ---- DynamoDB ------------------------------------------------------------------------------------------------------

const OUTCOMES: readonly OpsRecord['outcome'][] = ['completed', 'in-progress', 'forced', 'failed', 'succeeded', 'acted'];

export function marshalEntry(entry: JournalEntry): AttributeValue {
  const m: Record<string, AttributeValue> = {
    id: { S: entry.id },
    kind: { S: entry.kind },
    at: { N: String(entry.at) },
    subject: { S: entry.subject },
    outcome: { S: entry.outcome },
    detail: { S: entry.detail.slice(0, JOURNAL_DETAIL_MAX) },
  };
  if (entry.service !== undefined) m.service = { S: entry.service };
  if (entry.durationMs !== undefined) m.durationMs = { N: String(Math.round(entry.durationMs)) };
  return { M: m };
}

/** An entry read back; undefined for anything not shaped like one (never written by this code). */
export function unmarshalEntry(value: AttributeValue, cluster: string): JournalEntry | undefined {
  const m = value.M;
  if (m === undefined) return undefined;
  const s = (name: string): string | undefined => m[name]?.S;
  const n = (name: string): number | undefined => {
    const v = m[name]?.N;
    return v === undefined || !Number.isFinite(Number(v)) ? undefined : Number(v);
  };
  const id = s('id');
  const kind = s('kind');
  const at = n('at');
  const outcome = OUTCOMES.find((o) => o === s('outcome'));
  if (id === undefined || (kind !== 'placement-stop' && kind !== 'schedule-run') || at === undefined || outcome === undefined) return undefined;
  const service = s('service');
  const durationMs = n('durationMs');
  return { id, kind, cluster, at, subject: s('subject') ?? '', outcome, detail: s('detail') ?? '', ...(service !== undefined ? { service } : {}), ...(durationMs !== undefined ? { durationMs } : {}) };
}

export interface JournalLogger {
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

export type AppendResult = 'appended' | 'duplicate' | 'dropped' | 'failed';

export interface OpsJournal {
  /** Records `entry`; never throws (see the module comment). */
  append(entry: JournalEntry): Promise<AppendResult>;
}

export interface JournalOptions {
  cap?: number;
  ttlDays?: number;
}

/** The journal on the idempotency table (`id` hash key, `expiration` TTL attribute). */
export function dynamoJournal(client: DynamoDBClient, tableName: string, logger: JournalLogger, options: JournalOptions = {}): OpsJournal {
  const cap = options.cap ?? JOURNAL_CAP;
  const ttlDays = options.ttlDays ?? JOURNAL_TTL_DAYS;
  return {
    async append(entry) {
      const day = journalDay(entry.at);
      const key = { id: { S: journalKey(entry.cluster, day) } };
      const expiration = { N: String(Math.floor((Date.parse(`${day}T00:00:00Z`) + DAY_MS) / 1000) + ttlDays * 86_400) };
      try {
        try {
          await client.send(
            new UpdateItemCommand({
              TableName: tableName,
              Key: key,
              UpdateExpression: 'SET entries = list_append(if_not_exists(entries, :none), :entry), expiration = :ttl ADD ids :ids',
              ConditionExpression: '(attribute_not_exists(ids) OR NOT contains(ids, :id)) AND (attribute_not_exists(entries) OR size(entries) < :cap)',
              ExpressionAttributeValues: { ':none': { L: [] }, ':entry': { L: [marshalEntry(entry)] }, ':ttl': expiration, ':ids': { SS: [entry.id] }, ':id': { S: entry.id }, ':cap': { N: String(cap) } },
            }),
          );
          return 'appended';
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
        // Refused: a repeat (the id is there) or the day is full (count it, unless it is a repeat too).
        try {
          await client.send(
            new UpdateItemCommand({
              TableName: tableName,
              Key: key,
              UpdateExpression: 'ADD dropped :one',
              ConditionExpression: 'attribute_not_exists(ids) OR NOT contains(ids, :id)',
              ExpressionAttributeValues: { ':one': { N: '1' }, ':id': { S: entry.id } },
            }),
          );
          logger.warn('ops journal full for the day: entry dropped', { cluster: entry.cluster, day, cap, entry: entry.id });
          return 'dropped';
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) return 'duplicate';
          throw error;
        }
      } catch (error) {
        // Never fail the action being recorded: it happened, and its own report says so.
        logger.error('ops journal entry not written', { cluster: entry.cluster, entry: entry.id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
        return 'failed';
      }
    },
  };
}

/** A journal that records nothing (the CLI, tests, functions without a table). */
export const noJournal: OpsJournal = { append: () => Promise.resolve('appended') };

interface DayItem {
  entries: JournalEntry[];
  dropped: number;
}

function dayItemOf(item: Record<string, AttributeValue> | undefined, cluster: string): DayItem {
  const entries = (item?.entries?.L ?? []).flatMap((v) => unmarshalEntry(v, cluster) ?? []);
  const dropped = Number(item?.dropped?.N ?? '0');
  return { entries, dropped: Number.isFinite(dropped) ? dropped : 0 };
}

/** Reads the journal's days covering `window` for `cluster`: one GetItem for one day, else BatchGetItem (≤ 100 keys). */
export async function readJournal(client: DynamoDBClient, tableName: string, cluster: string, window: DigestWindow): Promise<DayItem> {
  const days = journalDays(window);
  const keys = days.map((d) => ({ id: { S: journalKey(cluster, d) } }));
  const items: (Record<string, AttributeValue> | undefined)[] = [];
  if (keys.length === 1) {
    items.push((await client.send(new GetItemCommand({ TableName: tableName, Key: keys[0], ProjectionExpression: 'entries, dropped' }))).Item);
  } else {
    for (let i = 0; i < keys.length; i += BATCH_GET_MAX) {
      let pending: Record<string, AttributeValue>[] = keys.slice(i, i + BATCH_GET_MAX);
      // Unprocessed keys (throttling, the 16 MB response limit) are asked again, a bounded number of times.
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= 5) throw new Error(`ops journal of ${cluster}: ${pending.length} day item(s) left unprocessed by BatchGetItem`);
        const response = await client.send(new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: pending, ProjectionExpression: 'entries, dropped' } } }));
        items.push(...(response.Responses?.[tableName] ?? []));
        pending = response.UnprocessedKeys?.[tableName]?.Keys ?? [];
      }
    }
  }
  const all = items.map((item) => dayItemOf(item, cluster));
  return { entries: all.flatMap((d) => d.entries), dropped: all.reduce((n, d) => n + d.dropped, 0) };
}

/**
 * The digest's {@link OpsSource} for placement stops and scheduled runs. A journal that cannot be read leaves them
 * out of the digest with an error logged: the scaling digest itself still goes out.
 */
export function journalOpsSource(client: DynamoDBClient, tableName: string, logger: JournalLogger): OpsSource {
  return {
    name: 'ops-journal',
    async collect(cluster, window) {
      try {
        const { entries, dropped } = await readJournal(client, tableName, cluster, window);
        if (dropped > 0) logger.warn('ops journal dropped entries over its daily cap: the digest lists only the first ones', { cluster, dropped, cap: JOURNAL_CAP });
        return recordsInWindow(entries, window);
      } catch (error) {
        logger.error('ops journal not read: placement stops and scheduled runs left out of the digest', { cluster, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
        return [];
      }
    },
  };
}
