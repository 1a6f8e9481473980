/**
 * While a simulated function runs, it lives on the simulation's virtual clock:
 * - `Date` reads the virtual time (plus the real time the invocation has taken so far),
 *   so handlers that compare "now" with lifecycle deadlines, dedupe windows or caches see simulated time, and a run
 *   with the same seed is the same run;
 * - timers (`setTimeout`) stay real: skipping waits would also fast-forward the timer loops inside undici and the SDK
 *   and run the handler's clock away, so Slack's one-message-a-second pacing costs real seconds.
 * The replacement class is created once and reads the clock of the invocation running now, because bundles keep
 * references to `Date.now` across invocations.
 */
const RealDate = Date;

interface Running {
  now: () => number;
}

let running: Running | undefined;

// A subclass keeps `instanceof Date`, parsing and every method; only "now" differs.
class VirtualDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(running ? running.now() : RealDate.now());
    else super(...(args as [string | number | Date]));
  }

  static override now(): number {
    return running ? running.now() : RealDate.now();
  }
}

export interface VirtualTime {
  /** The handler's current virtual time (ms). */
  now: () => number;
  /** Puts the real `Date` back. */
  restore: () => void;
}

export function installVirtualDate(virtualNow: () => number): VirtualTime {
  const originStart = performance.now();
  const virtualStart = virtualNow();
  const clock: Running = { now: () => virtualStart + Math.floor(performance.now() - originStart) };
  running = clock;
  globalThis.Date = VirtualDate as DateConstructor;
  return {
    now: clock.now,
    restore: () => {
      if (running === clock) running = undefined;
      globalThis.Date = RealDate;
    },
  };
}
