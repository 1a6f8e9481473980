/**
 * A virtual clock: time moves only when the simulation advances it, so a two-hour drain runs in milliseconds and a
 * run with the same seed is the same run. Timers fire in time order, ties in the order they were set.
 *
 * Timers live in a binary heap ordered by (at, seq): setting and firing one is O(log n), and cancelling is O(1) (the
 * timer is marked and skipped when it reaches the top), so a world with tens of thousands of task timers stays fast.
 */
interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

const before = (a: Timer, b: Timer): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

export class VirtualClock {
  private nowMs: number;
  private sequence = 0;
  private readonly heap: Timer[] = [];
  private live = 0;

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
    const timer: Timer = { at: Math.max(atMs, this.nowMs), seq: this.sequence++, fn, cancelled: false };
    this.push(timer);
    this.live++;
    return () => {
      if (timer.cancelled) return;
      timer.cancelled = true;
      this.live--;
    };
  }

  after(delayMs: number, fn: () => void): () => void {
    return this.at(this.nowMs + delayMs, fn);
  }

  /** Time of the next timer, if any. */
  next(): number | undefined {
    return this.top()?.at;
  }

  /** Fires every timer due up to `untilMs` (including timers they set), then sets the time to `untilMs`. */
  advanceTo(untilMs: number): number {
    let fired = 0;
    for (let timer = this.top(); timer && timer.at <= untilMs; timer = this.top()) {
      this.pop();
      timer.cancelled = true; // a cancel from inside fn is a no-op
      this.live--;
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
    return this.live;
  }

  /** The first timer not cancelled (cancelled ones at the top are dropped). */
  private top(): Timer | undefined {
    let first = this.heap[0];
    while (first?.cancelled) {
      this.pop();
      first = this.heap[0];
    }
    return first;
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      const p = heap[parent];
      if (!p || !before(timer, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = timer;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const l = heap[left];
      const r = heap[right];
      let child = left;
      let c = l;
      if (r && l && before(r, l)) {
        child = right;
        c = r;
      }
      if (!c || !before(c, last)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
  }
}
