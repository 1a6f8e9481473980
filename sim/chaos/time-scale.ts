/**
 * Fast-forwarded real-time waits inside the functions, for chaos runs.
 *
 * The functions run on the real clock inside the virtual one (sim/runtime/virtual-date.ts: a handler's `Date` is the
 * virtual time of its invocation plus the real time it has taken, measured with `performance.now()`; its timers are
 * real). Under 20% throttling the AWS SDK's retry backoff and adaptive rate limiter (which waits, then refills its
 * token bucket from `Date.now()`) and Slack's pacing wait in real time: one run takes minutes with an idle CPU.
 *
 * While an invocation runs (the simulator's virtual `Date` is installed) this makes the handler's time pass `factor`
 * times faster: `performance.now()` advances `factor` times faster from the moment the invocation started, and a
 * `setTimeout` set from a function bundle waits `1/factor` of its delay. Both together keep the handler's view
 * consistent — a 2 s backoff ends when its clock says 2 s passed. Timers of Node's internals (undici sockets) and of
 * the simulator itself (the Lambda timeout it enforces) are left alone, so nothing is cut short, and nothing is
 * skipped: every retry still happens, in order. Outside invocations nothing changes.
 *
 * CHAOS_DEBUG_TIMERS=<file> appends each compressed timer (delay, caller) to that file.
 *
 * This is a stand-in until handlers' timers run on the virtual clock; with `factor` 1 it does nothing.
 */
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface TimeCompression {
  factor: number;
  /** Timers compressed so far, and the real milliseconds they would have waited. */
  stats: { timers: number; savedMs: number };
  restore(): void;
}

/** A function bundle extracted by the simulator runtime: `<workDir>/<function>/functions/<name>.mjs`. */
const BUNDLE_FRAME = /\/functions\/[^/]+\.mjs:\d+:\d+/;

function calledFromBundle(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 4;
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, calledFromBundle);
  Error.stackTraceLimit = limit;
  // Line 0 is the message, line 1 the patched setTimeout, line 2 its caller. The SDK's HTTP handler arms its socket
  // and request timeouts through a `{ setTimeout }` wrapper object (`at Object.setTimeout`): those stay real.
  const caller = (holder.stack ?? '').split('\n')[2] ?? '';
  return BUNDLE_FRAME.test(caller) && !/\bat \S*\.setTimeout \(/.test(caller);
}

export function compressRealTimeWaits(factor: number): TimeCompression {
  if (!(factor >= 1)) throw new Error(`time compression factor must be >= 1, got ${factor}`);
  const stats = { timers: 0, savedMs: 0 };
  if (factor === 1) return { factor, stats, restore: () => undefined };
  const RealDate = globalThis.Date;
  const realNow = performance.now.bind(performance);
  const originalSetTimeout = globalThis.setTimeout;
  // Scaled time: continuous, starting from the real time at which the current invocation was first seen.
  let base: { real: number; scaled: number } | undefined;
  let offset = 0;
  const inInvocation = () => globalThis.Date !== RealDate;
  const scaledNow = (): number => {
    const real = realNow();
    if (!inInvocation()) {
      if (base) {
        // Leaving an invocation: keep the clock monotonic (it may be ahead of the real one).
        offset = base.scaled + (real - base.real) * factor - real;
        base = undefined;
      }
      return real + Math.max(0, offset);
    }
    base ??= { real, scaled: real + Math.max(0, offset) };
    return base.scaled + (real - base.real) * factor;
  };
  performance.now = scaledNow;
  const compressed = function (this: unknown, handler: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) {
    if (typeof delay === 'number' && delay > 0 && inInvocation() && calledFromBundle()) {
      stats.timers++;
      if (process.env.CHAOS_DEBUG_TIMERS) appendFileSync(process.env.CHAOS_DEBUG_TIMERS, `compress ${delay} ${(new Error().stack ?? '').split('\n').slice(2, 4).join(' | ')}\n`);
      stats.savedMs += delay - delay / factor;
      return originalSetTimeout(handler, delay / factor, ...args);
    }
    return originalSetTimeout(handler, delay, ...args);
  } as unknown as typeof setTimeout;
  Object.assign(compressed, originalSetTimeout);
  globalThis.setTimeout = compressed;
  return {
    factor,
    stats,
    restore: () => {
      globalThis.setTimeout = originalSetTimeout;
      performance.now = realNow;
    },
  };
}
