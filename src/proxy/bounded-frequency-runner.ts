// Runs a function when asked, but not more often than once per `minIntervalMs` — the
// shape of kube-proxy's BoundedFrequencyRunner (minSyncPeriod). Requests arriving while
// a run is pending fold into it, so a burst of informer events costs one sync. With
// minIntervalMs 0 the run happens on the next timer tick: everything delivered in the
// same tick is still batched. `retryAfter` schedules a run (after a failure) unless one
// is due sooner.
import type { Clock, TimerHandle } from '../core/clock.js';

export interface BoundedFrequencyRunnerOptions {
  readonly clock: Clock;
  /** Minimum time between the starts of two runs (kube-proxy's minSyncPeriod, default 1 s there). */
  readonly minIntervalMs: number;
}

export class BoundedFrequencyRunner {
  private timer: TimerHandle | undefined;
  private dueAt = Infinity;
  private lastRun = -Infinity;
  private stopped = false;
  private running = false;
  private rerun = false;

  constructor(
    private readonly fn: () => void,
    private readonly opts: BoundedFrequencyRunnerOptions,
  ) {}

  /** Requests a run as soon as the minimum interval allows. */
  run(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.schedule(Math.max(this.opts.clock.now(), this.lastRun + this.opts.minIntervalMs));
  }

  /** Requests a run in `ms` (or earlier if one is already due earlier). */
  retryAfter(ms: number): void {
    if (this.stopped) return;
    this.schedule(Math.max(this.opts.clock.now() + ms, this.lastRun + this.opts.minIntervalMs));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(at: number): void {
    if (this.timer !== undefined && this.dueAt <= at) return;
    if (this.timer !== undefined) this.opts.clock.clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = this.opts.clock.setTimeout(() => this.fire(), Math.max(0, at - this.opts.clock.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.dueAt = Infinity;
    if (this.stopped) return;
    this.lastRun = this.opts.clock.now();
    this.running = true;
    try {
      this.fn();
    } finally {
      this.running = false;
    }
    if (this.rerun) {
      this.rerun = false;
      this.run();
    }
  }
}
