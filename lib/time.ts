/**
 * Time as ecs-ops code waits on it: `now()`, `sleep(ms)` and the `random()` that jitters backoffs.
 *
 * In production (no hook installed) these are exactly `Date.now()`, a `setTimeout` promise and `Math.random()`.
 * The local simulator runs the packaged bundles in its own process on a virtual clock: while it invokes a handler it
 * puts a {@link TimeSource} on `globalThis[Symbol.for('ecs-ops.time-source')]`, so waits (Slack pacing and
 * `Retry-After`, SDK retry backoff and adaptive rate limiting) move the virtual clock instead of taking real time, and
 * jitter comes from the scenario's seed. The hook is read at each call (never cached), so code that keeps a reference
 * to these functions across invocations follows the invocation running now.
 */
export interface TimeSource {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds on this source's clock. */
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1): the jitter of backoffs. */
  random(): number;
}

/** Where the simulator installs its {@link TimeSource}. Production code never sets it. */
export const TIME_SOURCE_KEY: unique symbol = Symbol.for('ecs-ops.time-source') as typeof TIME_SOURCE_KEY;

/** Real time: what production uses. */
export const realTime: TimeSource = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms))),
  random: () => Math.random(),
};

type Hooked = typeof globalThis & { [TIME_SOURCE_KEY]?: TimeSource };

/** The installed time source (the simulator's), or undefined in production. */
export function installedTimeSource(): TimeSource | undefined {
  return (globalThis as Hooked)[TIME_SOURCE_KEY];
}

/** The time source in effect now. */
export function timeSource(): TimeSource {
  return installedTimeSource() ?? realTime;
}

/** Milliseconds since the epoch on the clock in effect. */
export function now(): number {
  return timeSource().now();
}

/** Waits `ms` milliseconds on the clock in effect. */
export function sleep(ms: number): Promise<void> {
  return timeSource().sleep(ms);
}

/** A number in [0, 1) for jitter. */
export function random(): number {
  return timeSource().random();
}
