/**
 * A virtual clock: time moves only when the simulation advances it, so a two-hour drain runs in milliseconds and a
 * run with the same seed is the same run. Timers fire in time order, ties in the order they were set.
 */
export class VirtualClock {
  private nowMs: number;
  private sequence = 0;
  private readonly timers: { at: number; seq: number; fn: () => void }[] = [];

  constructor(startMs: number) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  date(): Date {
    return new Date(this.nowMs);
  }

  /** Runs `fn` at `atMs` (or now, if that is past). Returns a cancel function. */
  at(atMs: number, fn: () => void): () => void {
    const timer = { at: Math.max(atMs, this.nowMs), seq: this.sequence++, fn };
    // Binary insertion keeps the queue sorted by (at, seq).
    let lo = 0;
    let hi = this.timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const t = this.timers[mid];
      if (t && (t.at < timer.at || (t.at === timer.at && t.seq < timer.seq))) lo = mid + 1;
      else hi = mid;
    }
    this.timers.splice(lo, 0, timer);
    return () => {
      const index = this.timers.indexOf(timer);
      if (index >= 0) this.timers.splice(index, 1);
    };
  }

  after(delayMs: number, fn: () => void): () => void {
    return this.at(this.nowMs + delayMs, fn);
  }

  /** Time of the next timer, if any. */
  next(): number | undefined {
    return this.timers[0]?.at;
  }

  /** Fires every timer due up to `untilMs` (including timers they set), then sets the time to `untilMs`. */
  advanceTo(untilMs: number): number {
    let fired = 0;
    for (let timer = this.timers[0]; timer && timer.at <= untilMs; timer = this.timers[0]) {
      this.timers.shift();
      this.nowMs = timer.at;
      timer.fn();
      fired++;
    }
    this.nowMs = Math.max(this.nowMs, untilMs);
    return fired;
  }

  advanceBy(ms: number): number {
    return this.advanceTo(this.nowMs + ms);
  }

  get pending(): number {
    return this.timers.length;
  }
}
