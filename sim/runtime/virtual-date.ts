/**
 * While a simulated function runs, `Date` reads the simulation's virtual clock (plus the real time the invocation
 * has taken so far), so handlers that compare "now" with lifecycle deadlines, dedupe windows or scheduled times see
 * the simulated time, and a run with the same seed is the same run. Timers (`setTimeout`) stay real.
 */
const RealDate = Date;

export function installVirtualDate(virtualNow: () => number): () => void {
  const originStart = performance.now();
  const virtualStart = virtualNow();
  const now = (): number => virtualStart + Math.floor(performance.now() - originStart);

  // A subclass keeps `instanceof Date`, parsing and every method; only "now" differs.
  class VirtualDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now());
      else super(...(args as [string | number | Date]));
    }

    static override now(): number {
      return now();
    }
  }

  globalThis.Date = VirtualDate as DateConstructor;
  return () => {
    globalThis.Date = RealDate;
  };
}
