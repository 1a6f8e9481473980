/**
 * What every part of the world shares: the virtual clock, the seeded random source, ARNs, sequence numbers, and the
 * event bus.
 *
 * Work happens in batches: an API call, a control call, or the timers due at one instant. At the end of the outermost
 * batch the world settles: the settle hooks run (the service scheduler) and the queued events are delivered to the
 * listeners one at a time, the hooks running again after each (a listener may call the APIs back synchronously; its
 * calls are batches of their own and their events are queued behind). Listeners therefore never see the world in the
 * middle of a change.
 *
 * Events are built only when someone listens (`emit` takes the detail as a thunk). Event ids come from the seed and
 * the event's sequence number, not from the world's random stream, so listening or not never changes the run.
 */
import { VirtualClock } from './clock.js';
import type { EventBridgeEvent, EventListener } from './events.js';
import { isoSeconds } from './events.js';
import { SeededRandom } from './random.js';

export interface CoreOptions {
  seed: number;
  startMs: number;
  region: string;
  account: string;
}

export class Core {
  readonly clock: VirtualClock;
  readonly random: SeededRandom;
  readonly seed: number;
  readonly region: string;
  readonly account: string;
  /** Runs at the end of each outermost batch and after each delivered event; returns nothing. */
  readonly settleHooks: (() => void)[] = [];
  /** Events emitted (built or not). */
  eventsEmitted = 0;

  private readonly listeners: EventListener[] = [];
  private queue: EventBridgeEvent[] = [];
  private head = 0;
  private depth = 0;
  private settling = false;
  private eventSeq = 0;
  private seqCounter = 0;

  constructor(options: CoreOptions) {
    this.seed = options.seed >>> 0;
    this.clock = new VirtualClock(options.startMs);
    this.random = new SeededRandom(options.seed);
    this.region = options.region;
    this.account = options.account;
  }

  now(): number {
    return this.clock.now();
  }

  /** A number increasing with every call: creation order of every object (and the key of pagination tokens). */
  nextSeq(): number {
    return ++this.seqCounter;
  }

  arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.region}:${this.account}:${resource}`;
  }

  // ---- events ------------------------------------------------------------------------------------------------------

  onEvent(listener: EventListener): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  get listening(): boolean {
    return this.listeners.length > 0;
  }

  /** Queues an event; `detail` is called now (the state it describes is the current one), only if anyone listens. */
  emit(detailType: string, source: string, resources: string[], detail: () => object): void {
    const seq = this.eventSeq++;
    this.eventsEmitted++;
    if (this.listeners.length === 0) return;
    const now = this.clock.now();
    this.queue.push({
      version: '0',
      id: eventId(this.seed, seq),
      'detail-type': detailType,
      source,
      account: this.account,
      time: isoSeconds(now),
      region: this.region,
      resources,
      detail: detail() as Record<string, unknown>,
    });
  }

  // ---- batches -----------------------------------------------------------------------------------------------------

  batch<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      if (this.depth === 0) this.settle();
    }
  }

  /** A timer whose callback runs as a batch. */
  at(atMs: number, fn: () => void): () => void {
    return this.clock.at(atMs, () => {
      this.batch(fn);
    });
  }

  after(delayMs: number, fn: () => void): () => void {
    return this.at(this.clock.now() + delayMs, fn);
  }

  private runHooks(): void {
    this.depth++;
    try {
      for (const hook of this.settleHooks) hook();
    } finally {
      this.depth--;
    }
  }

  private settle(): void {
    if (this.settling) return;
    this.settling = true;
    let failure: { error: unknown } | undefined;
    try {
      for (;;) {
        this.runHooks();
        const event = this.queue[this.head];
        if (event === undefined) {
          this.queue = [];
          this.head = 0;
          break;
        }
        this.head++;
        for (const listener of [...this.listeners]) {
          try {
            listener(event);
          } catch (error) {
            failure ??= { error };
          }
        }
      }
    } finally {
      this.settling = false;
    }
    // A listener's error is the caller's: rethrown once the world is settled and every event delivered.
    if (failure) throw failure.error;
  }
}

/** A uuid for the `seq`-th event of a run with `seed`. */
function eventId(seed: number, seq: number): string {
  const random = new SeededRandom((seed ^ Math.imul(seq + 1, 0x9e3779b1)) >>> 0);
  random.next();
  return random.uuid();
}
