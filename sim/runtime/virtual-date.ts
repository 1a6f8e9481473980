/**
 * While a simulated function runs, it lives on the simulation's virtual clock (an {@link InvocationClock}):
 *
 * - `Date` (`Date.now()`, `new Date()`) reads the invocation's virtual time: the world's time when the invocation
 *   started, plus the virtual waits the handler made, plus {@link REQUEST_LATENCY_MS} per HTTP request (so that code
 *   measuring request rates, like the SDK's adaptive rate limiter, sees time move). Real time never leaks in: the same
 *   seed gives the same timestamps, to the millisecond.
 * - lib/time's hook (`globalThis[Symbol.for('ecs-ops.time-source')]`) is this clock: `sleep(ms)` (Slack pacing and
 *   `Retry-After`, SDK retry backoff and adaptive rate limiting) resolves at once in real time and moves the virtual
 *   clock by `ms`; `random()` (backoff jitter) comes from the seed. Waits that run in parallel inside a handler end in
 *   virtual-time order: a wait fires only when no HTTP request of the handler is in flight.
 * - The Lambda deadline is virtual too: `remainingMs()` feeds `context.getRemainingTimeInMillis()`, and a wait that
 *   would end past the function's timeout never ends: the invocation times out (`timedOut` rejects) at that instant.
 * - Timers (`setTimeout`) stay real: skipping them would also fast-forward the timer loops inside undici and the SDK.
 *
 * The `Date` replacement is created once and reads the clock of the invocation running now, because bundles keep
 * references to `Date.now` across invocations. `instanceof Date` holds for every date, made before or during an
 * invocation, real or virtual.
 */
import { subscribe } from 'node:diagnostics_channel';
import { SeededRandom } from '../world/random.js';

/** What the virtual clock adds for one HTTP request of a handler (an AWS API call from Lambda, roughly). */
export const REQUEST_LATENCY_MS = 20;
/** Check-phase rounds without any request in flight before the earliest virtual wait fires. */
const QUIET_ROUNDS = 2;
/** The key lib/time reads (Symbol.for: the bundles have their own copy of lib/time). */
export const TIME_SOURCE_KEY = Symbol.for('ecs-ops.time-source');

const RealDate = Date;

let running: InvocationClock | undefined;

export interface InvocationClockOptions {
  /** Virtual time (epoch ms) at the start of the invocation. */
  startMs: number;
  /** The function's timeout: virtual time the invocation may take. Default: none. */
  timeoutMs?: number;
  /** Seed of `random()`. */
  seed?: number;
  /** Virtual milliseconds per HTTP request (default {@link REQUEST_LATENCY_MS}). */
  requestLatencyMs?: number;
}

interface Timer {
  due: number;
  seq: number;
  resolve: () => void;
}

/** The virtual time of one invocation. */
export class InvocationClock {
  readonly startMs: number;
  readonly timeoutMs: number;
  /** Rejects when the invocation runs out of virtual time while it waits. */
  readonly timedOut: Promise<never>;
  private elapsed = 0;
  private readonly latencyMs: number;
  private readonly rng: SeededRandom;
  private readonly timers: Timer[] = [];
  private seq = 0;
  private inflight = 0;
  private quiet = 0;
  private pumping = false;
  private dead = false;
  private rejectTimeout: (error: Error) => void = () => undefined;

  constructor(options: InvocationClockOptions) {
    this.startMs = options.startMs;
    this.timeoutMs = options.timeoutMs ?? Number.POSITIVE_INFINITY;
    this.latencyMs = options.requestLatencyMs ?? REQUEST_LATENCY_MS;
    this.rng = new SeededRandom(options.seed ?? 1);
    this.timedOut = new Promise<never>((_, reject) => {
      this.rejectTimeout = reject;
    });
    // Nobody may be listening (no timeout in a test): never an unhandled rejection.
    this.timedOut.catch(() => undefined);
  }

  now(): number {
    return this.startMs + this.elapsed;
  }

  /** Virtual milliseconds the invocation has taken. */
  get elapsedMs(): number {
    return this.elapsed;
  }

  /** Virtual time left before the timeout. */
  remainingMs(): number {
    return Math.max(0, this.timeoutMs - this.elapsed);
  }

  /** Whether the invocation went past its timeout (by a wait, or by requests). */
  get overdue(): boolean {
    return this.dead || this.elapsed > this.timeoutMs;
  }

  random(): number {
    return this.rng.next();
  }

  /** Resolves when the virtual clock reaches now + `ms` (never, past the timeout). */
  sleep(ms: number): Promise<void> {
    if (this.dead) return new Promise<void>(() => undefined);
    // Whole milliseconds, as the real clock: Date.now() is an integer.
    const due = this.elapsed + Math.max(0, Number.isFinite(ms) ? Math.ceil(ms) : 0);
    return new Promise<void>((resolve) => {
      this.timers.push({ due, seq: this.seq++, resolve });
      this.schedule();
    });
  }

  /** An HTTP request of the handler started; the returned function says it ended. */
  requestStarted(): () => void {
    const startedAt = this.elapsed;
    this.inflight++;
    this.quiet = 0;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inflight--;
      this.quiet = 0;
      this.elapsed = Math.max(this.elapsed, startedAt + this.latencyMs);
      if (this.inflight === 0 && this.timers.length > 0) this.schedule();
    };
  }

  private schedule(): void {
    if (this.pumping || this.dead) return;
    this.pumping = true;
    setImmediate(this.pump);
  }

  private readonly pump = (): void => {
    this.pumping = false;
    if (this.dead || this.timers.length === 0 || this.inflight > 0) return; // a request's end schedules again
    if (this.quiet < QUIET_ROUNDS) {
      this.quiet++;
      this.schedule();
      return;
    }
    let index = 0;
    this.timers.forEach((t, i) => {
      const best = this.timers[index] as Timer;
      if (t.due < best.due || (t.due === best.due && t.seq < best.seq)) index = i;
    });
    const [timer] = this.timers.splice(index, 1) as [Timer];
    if (timer.due > this.timeoutMs) {
      this.elapsed = this.timeoutMs;
      this.dead = true;
      this.timers.length = 0;
      this.rejectTimeout(Object.assign(new Error('virtual timeout'), { name: 'Sandbox.Timedout' }));
      return;
    }
    this.elapsed = Math.max(this.elapsed, timer.due);
    this.quiet = 0;
    timer.resolve();
    if (this.timers.length > 0) this.schedule();
  };
}

// A subclass keeps parsing and every method; only "now" differs. `instanceof` accepts every Date (a date the world
// made before the invocation, or one a bundle made in an earlier one).
class VirtualDateClass extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(running ? running.now() : RealDate.now());
    else super(...(args as [string | number | Date]));
  }

  static override now(): number {
    return running ? running.now() : RealDate.now();
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof RealDate;
  }
}

// `Date()` called without `new` gives the current time as a string, as the real one does.
const VirtualDate = new Proxy(VirtualDateClass, {
  apply: () => new RealDate(VirtualDateClass.now()).toString(),
}) as unknown as DateConstructor;

// The handler's HTTP requests (node:http for the AWS SDK, undici for fetch), counted on the running invocation's clock.
let subscribed = false;
function watchRequests(): void {
  if (subscribed) return;
  subscribed = true;
  subscribe('http.client.request.start', (message) => {
    const clock = running;
    if (!clock) return;
    const request = (message as { request?: { once?: (event: string, fn: () => void) => unknown } }).request;
    if (typeof request?.once !== 'function') return;
    const ended = clock.requestStarted();
    request.once('close', ended);
  });
  const undiciEnds = new WeakMap<object, () => void>();
  subscribe('undici:request:create', (message) => {
    const clock = running;
    const request = (message as { request?: object }).request;
    if (clock && request) undiciEnds.set(request, clock.requestStarted());
  });
  const undiciEnded = (message: unknown) => {
    const request = (message as { request?: object }).request;
    if (!request) return;
    undiciEnds.get(request)?.();
    undiciEnds.delete(request);
  };
  subscribe('undici:request:trailers', undiciEnded);
  subscribe('undici:request:error', undiciEnded);
}

export interface VirtualTime {
  /** The invocation's clock. */
  clock: InvocationClock;
  /** The handler's current virtual time (ms). */
  now: () => number;
  /** Puts the real `Date` back and removes the time source. */
  restore: () => void;
}

/** Installs the virtual `Date` and lib/time's hook for one invocation. */
export function installVirtualDate(startOrNow: number | (() => number), options: Omit<InvocationClockOptions, 'startMs'> = {}): VirtualTime {
  watchRequests();
  const startMs = typeof startOrNow === 'number' ? startOrNow : startOrNow();
  const clock = new InvocationClock({ ...options, startMs });
  running = clock;
  globalThis.Date = VirtualDate;
  const hooked = globalThis as unknown as Record<symbol, unknown>;
  hooked[TIME_SOURCE_KEY] = { now: () => clock.now(), sleep: (ms: number) => clock.sleep(ms), random: () => clock.random() };
  return {
    clock,
    now: () => clock.now(),
    restore: () => {
      if (running === clock) running = undefined;
      globalThis.Date = RealDate;
      Reflect.deleteProperty(hooked, TIME_SOURCE_KEY);
    },
  };
}

/** `value` is a Date (whichever `Date` made it). */
export function isDate(value: unknown): value is Date {
  return value instanceof RealDate;
}
