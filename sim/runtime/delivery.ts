/**
 * The simulated EventBridge bus and Lambda asynchronous invocation. The world puts full EventBridge envelopes on the
 * bus; every enabled rule whose pattern matches (sim/eventbridge-pattern.ts) delivers the event to its target
 * functions. Targets are invoked the way Lambda runs asynchronous invocations: on an error the invocation is retried
 * up to `maximumRetryAttempts` times (default 2), about one minute and then two minutes later, events older than
 * `maximumEventAgeSeconds` are discarded, and what still fails becomes a dead-letter record (what the on-failure
 * destination, the SQS FailureQueue, would receive).
 *
 * Time is virtual: delays and retries are timers on the simulation's clock, so they happen when the simulation
 * advances time. Handlers are asynchronous and the world is synchronous, so the bus only queues invocations;
 * `drain()` runs them until none is left at the current virtual time. A run loop:
 *
 *     clock.advanceTo(t)   // the world emits events → bus.put(...); due timers queue deliveries and retries
 *     await bus.drain()    // handlers run (and may make the world emit more events, which are drained too)
 *
 * (`runUntil` does exactly that, timer by timer.) Event faults are seeded: duplicates, drops, reordering, delay.
 */
import { matchesPattern } from '../eventbridge-pattern.js';
import { SeededRandom } from '../world/random.js';
import type { ErrorInfo } from './functions.js';
import { isoSeconds, parseSchedule, type Schedule } from './schedule-expression.js';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION, type Package, type PackagedRule, type PackagedSchedule } from './template.js';

/** The part of a clock the bus needs (VirtualClock fits). `after` may return a cancel function. */
export interface Scheduler {
  now(): number;
  after(delayMs: number, fn: () => void): unknown;
}

/** What the bus invokes (a LambdaFunction from loadFunctions fits; tests use fakes). */
export interface BusTarget {
  readonly logicalId: string;
  readonly name?: string;
  readonly arn?: string;
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeSeconds: number;
  readonly onFailure?: string | undefined;
  invoke(event: unknown, info: { attempt: number; source?: string }): Promise<{ error?: ErrorInfo | undefined; result?: unknown; requestId?: string }>;
}

export interface EventFaults {
  /** Probability that a delivery is made twice (EventBridge is at-least-once). */
  duplicateRate?: number;
  /** The duplicate arrives 1 ms to this much later than the original (default 5000). */
  duplicateDelayMs?: number;
  /** Probability that a delivery never happens. */
  dropRate?: number;
  /** Each delivery is delayed by a random 0 to this many ms, so events can overtake each other. */
  reorderWindowMs?: number;
  /** Fixed delay added to every delivery. */
  delayMs?: number;
}

export interface EventEnvelope {
  version?: string;
  id: string;
  'detail-type': string;
  source: string;
  account?: string;
  time?: string;
  region?: string;
  resources?: string[];
  detail: unknown;
  [key: string]: unknown;
}

export interface EventBusOptions {
  clock: Scheduler;
  rules: readonly PackagedRule[];
  targets: Iterable<BusTarget>;
  /** Scheduler schedules and scheduled rules, fired by `startSchedules()`. */
  schedules?: readonly PackagedSchedule[];
  faults?: EventFaults;
  /** Seed of the fault draws and of the ids of scheduled events. Default 1. */
  seed?: number;
  /** Waits before retry 1, 2, … (default 60 s, 120 s: Lambda's asynchronous retries). */
  retryDelaysMs?: readonly number[];
  /** Account and region of scheduled events. */
  accountId?: string;
  region?: string;
  /**
   * Whether what AWS does with a role on ecs-ops's behalf is allowed (sim/iam; default: always): Scheduler invoking a
   * schedule's target with the schedule's `RoleArn` (lambda:InvokeFunction), Lambda sending a failed event to the
   * function's on-failure destination with the function's execution role (sqs:SendMessage).
   */
  permits?: DeliveryPermits;
}

export interface DeliveryPermits {
  scheduleInvoke?(schedule: PackagedSchedule, target: BusTarget): boolean;
  destination?(target: BusTarget): boolean;
}

/** A schedule firing Scheduler could not deliver because its role may not invoke the target. */
export interface RefusedTick {
  schedule: string;
  function: string;
  scheduledAtMs: number;
  atMs: number;
}

export interface DeliveryRecord {
  deliveryId: number;
  eventId: string;
  /** Rule or schedule name. */
  rule: string;
  function: string;
  /** Virtual time the event was put (or the schedule fired) and the time it reaches Lambda's queue. */
  putAtMs: number;
  dueAtMs: number;
  duplicate: boolean;
}

export interface DroppedDelivery {
  eventId: string;
  rule: string;
  function: string;
  atMs: number;
}

export interface AttemptRecord {
  deliveryId: number;
  eventId: string;
  rule: string;
  function: string;
  attempt: number;
  atMs: number;
  ok: boolean;
  error?: ErrorInfo | undefined;
  requestId?: string | undefined;
}

/** The record Lambda sends to an on-failure destination (requestPayload is the event). */
export interface DestinationMessage {
  version: '1.0';
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: 'RetriesExhausted' | 'EventAgeExceeded'; approximateInvokeCount: number };
  requestPayload: unknown;
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  responsePayload?: { errorType: string; errorMessage: string };
}

export interface DeadLetterRecord {
  /** Logical id of the function. */
  function: string;
  eventId: string;
  rule: string;
  event: unknown;
  /** The last error; undefined when the event expired before any attempt. */
  error: ErrorInfo | undefined;
  attempts: number;
  condition: 'RetriesExhausted' | 'EventAgeExceeded';
  /** Logical id of the on-failure destination (e.g. FailureQueue), if configured. */
  destination: string | undefined;
  /** False when the function's role may not send to the destination (the record is lost). */
  delivered: boolean;
  atMs: number;
  message: DestinationMessage;
}

export interface PutResult {
  /** The (rule, function) pairs the event matched. */
  matched: { rule: string; function: string }[];
}

interface Job {
  delivery: DeliveryRecord;
  target: BusTarget;
  payload: unknown;
  attempt: number;
  receivedAtMs: number;
  lastError: ErrorInfo | undefined;
  lastRequestId: string | undefined;
}

export const LAMBDA_RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toErrorInfo(error: unknown): ErrorInfo {
  return error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { name: 'Error', message: String(error) };
}

/** `$`, `$.detail`, `$.detail.x`: the InputPath forms a rule target uses. */
function selectPath(event: unknown, path: string): unknown {
  if (path === '$') return event;
  if (!/^\$(\.[A-Za-z0-9_-]+)+$/.test(path)) throw new Error(`InputPath ${path} is not simulated (only $.a.b paths)`);
  let value: unknown = event;
  for (const key of path.slice(2).split('.')) value = isRecord(value) ? value[key] : undefined;
  return value;
}

export class EventBus {
  readonly deliveries: DeliveryRecord[] = [];
  readonly dropped: DroppedDelivery[] = [];
  readonly attempts: AttemptRecord[] = [];
  readonly deadLetters: DeadLetterRecord[] = [];
  /** Schedule firings Scheduler's role could not deliver. */
  readonly refusedTicks: RefusedTick[] = [];

  private readonly clock: Scheduler;
  private readonly permits: DeliveryPermits;
  private readonly rules: readonly PackagedRule[];
  private readonly schedules: readonly PackagedSchedule[];
  private readonly targets = new Map<string, BusTarget>();
  private readonly faults: Required<EventFaults>;
  private readonly faultRandom: SeededRandom;
  private readonly idRandom: SeededRandom;
  private readonly retryDelaysMs: readonly number[];
  private readonly accountId: string;
  private readonly region: string;
  private readonly ready: Job[] = [];
  private timers = 0;
  private nextDeliveryId = 1;
  private draining: Promise<void> | undefined;

  constructor(options: EventBusOptions) {
    this.clock = options.clock;
    this.permits = options.permits ?? {};
    this.rules = options.rules;
    this.schedules = options.schedules ?? [];
    for (const target of options.targets) this.targets.set(target.logicalId, target);
    const faults = options.faults ?? {};
    this.faults = {
      duplicateRate: faults.duplicateRate ?? 0,
      duplicateDelayMs: faults.duplicateDelayMs ?? 5000,
      dropRate: faults.dropRate ?? 0,
      reorderWindowMs: faults.reorderWindowMs ?? 0,
      delayMs: faults.delayMs ?? 0,
    };
    for (const [name, rate] of [['duplicateRate', this.faults.duplicateRate], ['dropRate', this.faults.dropRate]] as const) {
      if (!(rate >= 0 && rate <= 1)) throw new Error(`faults.${name} must be between 0 and 1, got ${rate}`);
    }
    const seed = options.seed ?? 1;
    this.faultRandom = new SeededRandom(seed);
    // A separate stream, so that adding a schedule does not change which events are dropped or duplicated.
    this.idRandom = new SeededRandom(seed ^ 0x5bd1e995);
    this.retryDelaysMs = options.retryDelaysMs ?? LAMBDA_RETRY_DELAYS_MS;
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
    this.region = options.region ?? DEFAULT_REGION;
    for (const rule of this.rules) {
      for (const target of rule.targets) if (!this.targets.has(target)) throw new Error(`rule ${rule.logicalId} targets ${target}, which is not loaded`);
    }
    for (const schedule of this.schedules) {
      if (!this.targets.has(schedule.target)) throw new Error(`schedule ${schedule.logicalId} targets ${schedule.target}, which is not loaded`);
    }
  }

  /** Puts one event on the bus (PutEvents). Matching deliveries are queued; `drain()` runs them. */
  put(event: EventEnvelope): PutResult {
    if (!isRecord(event) || typeof event.id !== 'string' || typeof event.source !== 'string' || typeof event['detail-type'] !== 'string') {
      throw new Error(`not an EventBridge event (needs id, source, detail-type): ${JSON.stringify(event).slice(0, 200)}`);
    }
    const matched: PutResult['matched'] = [];
    const now = this.clock.now();
    for (const rule of this.rules) {
      if (rule.state !== 'ENABLED' || !matchesPattern(rule.pattern, event)) continue;
      for (const detail of rule.targetDetails) {
        const target = this.target(detail.function);
        matched.push({ rule: rule.name, function: target.logicalId });
        const payload = detail.input !== undefined ? (JSON.parse(detail.input) as unknown) : detail.inputPath !== undefined ? selectPath(event, detail.inputPath) : event;
        const base = { eventId: event.id, rule: rule.name, function: target.logicalId };
        if (this.faultRandom.chance(this.faults.dropRate)) {
          this.dropped.push({ ...base, atMs: now });
          continue;
        }
        const delay = this.faults.delayMs + (this.faults.reorderWindowMs > 0 ? this.faultRandom.int(this.faults.reorderWindowMs) : 0);
        this.deliver(target, payload, base, now, delay, false);
        if (this.faultRandom.chance(this.faults.duplicateRate)) {
          this.deliver(target, payload, base, now, delay + 1 + this.faultRandom.int(Math.max(1, this.faults.duplicateDelayMs)), true);
        }
      }
    }
    return { matched };
  }

  putEvents(events: readonly EventEnvelope[]): PutResult[] {
    return events.map((event) => this.put(event));
  }

  /** Runs queued invocations until none is left at the current virtual time. Concurrent calls share one run. */
  drain(): Promise<void> {
    this.draining ??= this.runQueue().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  /** Invocations ready to run. */
  get queued(): number {
    return this.ready.length;
  }

  /** Deliveries and retries waiting for a later virtual time (schedules not counted). */
  get waiting(): number {
    return this.timers;
  }

  /** Nothing queued and nothing waiting (schedules aside). */
  get idle(): boolean {
    return this.ready.length === 0 && this.timers === 0 && this.draining === undefined;
  }

  /**
   * Fires the schedules on `clock` (default: the bus's clock) from now on: each firing delivers the Scheduler's
   * input (context attributes such as `<aws.scheduler.scheduled-time>` substituted) or, without input, the default
   * `Scheduled Event` envelope. Returns a function that stops them.
   */
  /**
   * The next firing of `schedule` (a Scheduler schedule or scheduled rule name; any schedule when undefined) reaches
   * its target `delayMs` late, and twice (1 s apart, the same invocation) when `duplicate` — as Scheduler's
   * at-least-once delivery and its retries can do.
   */
  faultNextTick(fault: { schedule?: string | undefined; delayMs?: number; duplicate?: boolean }): void {
    this.tickFaults.push({ schedule: fault.schedule, delayMs: fault.delayMs ?? 0, duplicate: fault.duplicate ?? false });
  }

  private readonly tickFaults: { schedule: string | undefined; delayMs: number; duplicate: boolean }[] = [];

  startSchedules(clock: Scheduler = this.clock): () => void {
    let stopped = false;
    const cancels: (() => void)[] = [];
    const startMs = clock.now();
    for (const schedule of this.schedules) {
      if (schedule.state !== 'ENABLED') continue;
      const parsed: Schedule = parseSchedule(schedule.expression, schedule.timezone);
      const target = this.target(schedule.target);
      // Scheduler starts a rate schedule at its start date (now, without one); a rule one rate period after creation.
      const anchor = parsed.periodMs !== undefined ? (schedule.kind === 'scheduler' ? (schedule.startMs ?? startMs) : startMs + parsed.periodMs) : 0;
      let after = Math.max(startMs, schedule.startMs ?? startMs) - 1;
      const arm = () => {
        if (stopped) return;
        const at = parsed.next(after, anchor);
        if (at === undefined || (schedule.endMs !== undefined && at > schedule.endMs)) return;
        const flex = schedule.flexibleWindowMinutes ? this.idRandom.int(schedule.flexibleWindowMinutes * 60_000) : 0;
        const cancel = clock.after(Math.max(0, at + flex - clock.now()), () => {
          if (stopped) return;
          after = at;
          this.fire(schedule, target, at);
          arm();
        });
        if (typeof cancel === 'function') cancels.push(cancel as () => void);
      };
      arm();
    }
    return () => {
      stopped = true;
      for (const cancel of cancels) cancel();
    };
  }

  private target(logicalId: string): BusTarget {
    const target = this.targets.get(logicalId);
    if (!target) throw new Error(`no target ${logicalId}`);
    return target;
  }

  private fire(schedule: PackagedSchedule, target: BusTarget, scheduledMs: number): void {
    const now = this.clock.now();
    // Scheduler invokes the target with the schedule's role; denied, the invocation never happens (Scheduler's retries
    // meet the same denial).
    if (schedule.kind === 'scheduler' && this.permits.scheduleInvoke?.(schedule, target) === false) {
      this.refusedTicks.push({ schedule: schedule.name, function: target.logicalId, scheduledAtMs: scheduledMs, atMs: now });
      return;
    }
    const time = isoSeconds(scheduledMs);
    const id = this.idRandom.uuid();
    let payload: unknown;
    if (schedule.input !== undefined) {
      const text =
        schedule.kind === 'scheduler'
          ? schedule.input
              .replaceAll('<aws.scheduler.scheduled-time>', time)
              .replaceAll('<aws.scheduler.execution-id>', id)
              .replaceAll('<aws.scheduler.attempt-number>', '1')
              .replaceAll('<aws.scheduler.schedule-arn>', schedule.arn)
          : schedule.input;
      try {
        payload = JSON.parse(text) as unknown;
      } catch {
        payload = text;
      }
    } else {
      payload = {
        version: '0',
        id,
        'detail-type': 'Scheduled Event',
        source: schedule.kind === 'scheduler' ? 'aws.scheduler' : 'aws.events',
        account: this.accountId,
        time,
        region: this.region,
        resources: [schedule.arn],
        // Scheduler's default payload carries detail as the string "{}"; a scheduled rule's is an empty object.
        detail: schedule.kind === 'scheduler' ? '{}' : {},
      };
    }
    const faultIndex = this.tickFaults.findIndex((f) => f.schedule === undefined || f.schedule === schedule.name);
    const fault = faultIndex >= 0 ? this.tickFaults.splice(faultIndex, 1)[0] : undefined;
    const base = { eventId: id, rule: schedule.name, function: target.logicalId };
    this.deliver(target, payload, base, now, fault?.delayMs ?? 0, false);
    if (fault?.duplicate === true) this.deliver(target, payload, base, now, fault.delayMs + 1000, true);
  }

  private deliver(target: BusTarget, payload: unknown, base: { eventId: string; rule: string; function: string }, putAtMs: number, delayMs: number, duplicate: boolean): void {
    const delivery: DeliveryRecord = { deliveryId: this.nextDeliveryId++, ...base, putAtMs, dueAtMs: putAtMs + Math.max(0, delayMs), duplicate };
    this.deliveries.push(delivery);
    // A copy taken now: the world may change its objects later. Each attempt gets a further copy (see run).
    const copy = structuredClone(payload);
    const job = (): Job => ({ delivery, target, payload: copy, attempt: 1, receivedAtMs: this.clock.now(), lastError: undefined, lastRequestId: undefined });
    if (delayMs <= 0) this.ready.push(job());
    else this.later(delayMs, () => this.ready.push(job()));
  }

  private later(delayMs: number, fn: () => void): void {
    this.timers++;
    this.clock.after(delayMs, () => {
      this.timers--;
      fn();
    });
  }

  private async runQueue(): Promise<void> {
    for (let job = this.ready.shift(); job; job = this.ready.shift()) await this.run(job);
  }

  private async run(job: Job): Promise<void> {
    const { delivery, target } = job;
    const now = this.clock.now();
    if (now - job.receivedAtMs > target.maximumEventAgeSeconds * 1000) {
      this.deadLetter(job, 'EventAgeExceeded', job.attempt - 1);
      return;
    }
    let outcome: Awaited<ReturnType<BusTarget['invoke']>>;
    try {
      // A handler mutating its event must not change what a retry or a dead-letter record gets.
      outcome = await target.invoke(structuredClone(job.payload), { attempt: job.attempt, source: delivery.rule });
    } catch (error) {
      outcome = { error: toErrorInfo(error) };
    }
    this.attempts.push({
      deliveryId: delivery.deliveryId,
      eventId: delivery.eventId,
      rule: delivery.rule,
      function: target.logicalId,
      attempt: job.attempt,
      atMs: now,
      ok: !outcome.error,
      error: outcome.error,
      requestId: outcome.requestId,
    });
    if (!outcome.error) return;
    const failed: Job = { ...job, lastError: outcome.error, lastRequestId: outcome.requestId };
    if (job.attempt <= target.maximumRetryAttempts) {
      const delay = this.retryDelaysMs[Math.min(job.attempt - 1, this.retryDelaysMs.length - 1)] ?? 60_000;
      this.later(delay, () => this.ready.push({ ...failed, attempt: job.attempt + 1 }));
    } else {
      this.deadLetter(failed, 'RetriesExhausted', job.attempt);
    }
  }

  private deadLetter(job: Job, condition: DeadLetterRecord['condition'], attempts: number): void {
    const { target, delivery } = job;
    const atMs = this.clock.now();
    const arn = target.arn ?? `arn:aws:lambda:${this.region}:${this.accountId}:function:${target.name ?? target.logicalId}`;
    this.deadLetters.push({
      function: target.logicalId,
      eventId: delivery.eventId,
      rule: delivery.rule,
      event: job.payload,
      error: job.lastError,
      attempts,
      condition,
      destination: target.onFailure,
      // Lambda sends the record with the function's execution role (sqs:SendMessage on the destination).
      delivered: target.onFailure !== undefined && this.permits.destination?.(target) !== false,
      atMs,
      message: {
        version: '1.0',
        timestamp: new Date(atMs).toISOString(),
        requestContext: { requestId: job.lastRequestId ?? '', functionArn: `${arn}:$LATEST`, condition, approximateInvokeCount: attempts },
        requestPayload: job.payload,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(job.lastError ? { functionError: 'Unhandled' } : {}) },
        ...(job.lastError ? { responsePayload: { errorType: job.lastError.name, errorMessage: job.lastError.message } } : {}),
      },
    });
  }
}

/** A bus wired from a package and its loaded functions (rules, schedules, region and account of the stack). */
export function createEventBus(pkg: Pick<Package, 'rules' | 'schedules' | 'stack'>, targets: Iterable<BusTarget>, options: Omit<EventBusOptions, 'rules' | 'targets' | 'schedules'>): EventBus {
  return new EventBus({ accountId: pkg.stack.accountId, region: pkg.stack.region, ...options, rules: pkg.rules, schedules: pkg.schedules, targets });
}

/** A clock the run loop can step: VirtualClock fits. */
export interface SteppableClock extends Scheduler {
  next(): number | undefined;
  advanceTo(ms: number): unknown;
}

/**
 * Advances `clock` to `untilMs` one timer time at a time, draining the bus after each step, so every invocation runs
 * at the virtual time it was due (and retries are scheduled from there).
 */
export async function runUntil(clock: SteppableClock, bus: EventBus, untilMs: number): Promise<void> {
  await bus.drain();
  for (let next = clock.next(); next !== undefined && next <= untilMs; next = clock.next()) {
    clock.advanceTo(next);
    await bus.drain();
  }
  clock.advanceTo(untilMs);
  await bus.drain();
}
