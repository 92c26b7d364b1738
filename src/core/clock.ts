// Time is injected everywhere (timers, TTLs, conntrack expiry, BGP hold timers) so
// pure cores can be tested with a FakeClock that only moves when told to.

export type TimerHandle = { readonly id: number };

export interface Clock {
  /** Milliseconds since the Unix epoch (may be fractional on a real clock). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

let nextRealId = 1;

/** The process clock. Timers are unref'd so they never keep a process alive by themselves. */
export const realClock: Clock = (() => {
  const timers = new Map<number, NodeJS.Timeout>();
  return {
    now: () => Date.now(),
    setTimeout(fn, ms) {
      const id = nextRealId++;
      const t = setTimeout(() => {
        timers.delete(id);
        fn();
      }, Math.max(0, ms));
      t.unref?.();
      timers.set(id, t);
      return { id };
    },
    clearTimeout(handle) {
      const t = timers.get(handle.id);
      if (t !== undefined) {
        clearTimeout(t);
        timers.delete(handle.id);
      }
    },
  };
})();

interface FakeTimer {
  readonly id: number;
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * A clock that only advances when `advance` / `set` is called. Timers due at the same
 * instant fire in the order they were scheduled; a timer scheduled by a firing timer
 * for "now" fires within the same advance.
 */
export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, FakeTimer>();

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { id, at: this.t + Math.max(0, ms), seq: id, fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  /** Moves time forward by ms, firing due timers in time order. */
  advance(ms: number): void {
    this.set(this.t + ms);
  }

  /** Moves time to an absolute instant (never backwards), firing due timers. */
  set(target: number): void {
    if (target < this.t) throw new Error(`FakeClock cannot go backwards (${target} < ${this.t})`);
    for (;;) {
      let next: FakeTimer | undefined;
      for (const timer of this.timers.values()) {
        if (timer.at <= target && (next === undefined || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))) {
          next = timer;
        }
      }
      if (next === undefined) break;
      this.timers.delete(next.id);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = target;
  }

  pendingTimers(): number {
    return this.timers.size;
  }
}
