// A rate-limited work queue with client-go's workqueue semantics:
// - a key is queued at most once (adds while queued are merged: "dirty" set);
// - a key being processed is never handed to a second worker; adding it meanwhile marks it
//   dirty, and done() queues it again;
// - addAfter delays an add (the earliest pending delay per key wins);
// - addRateLimited adds after the rate limiter's delay (per-key exponential backoff), forget
//   clears the key's history;
// - after shutDown, adds are ignored, queued keys are still handed out, then get() answers
//   {shutdown: true}.
import { realClock, silentLogger, type Clock, type Logger, type TimerHandle } from '../core/index.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

export type QueueItem<K> = { readonly shutdown: false; readonly key: K } | { readonly shutdown: true };

export interface WorkQueueOptions<K> {
  readonly clock?: Clock;
  readonly rateLimiter?: RateLimiter<K>;
}

export class WorkQueue<K = string> {
  private readonly queue: K[] = [];
  /** Keys that need processing (queued, or re-added while processing). */
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly waiting = new Map<K, { at: number; timer: TimerHandle }>();
  private readonly getters: ((item: QueueItem<K>) => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  private shutting = false;
  private readonly clock: Clock;
  private readonly limiter: RateLimiter<K>;

  constructor(opts: WorkQueueOptions<K> = {}) {
    this.clock = opts.clock ?? realClock;
    this.limiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>(this.clock);
  }

  add(key: K): void {
    if (this.shutting || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.dispatch();
  }

  /** Resolves with the next key (marking it processing) or with shutdown once the queue is empty. */
  get(): Promise<QueueItem<K>> {
    return new Promise((resolve) => {
      this.getters.push(resolve);
      this.dispatch();
    });
  }

  /** Must be called once per key handed out by get(). */
  done(key: K): void {
    if (!this.processing.delete(key)) return;
    if (this.dirty.has(key)) {
      this.queue.push(key);
      this.dispatch();
    }
    if (this.processing.size === 0) {
      const w = this.drainWaiters;
      this.drainWaiters = [];
      for (const f of w) f();
    }
  }

  addAfter(key: K, ms: number): void {
    if (this.shutting) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const cur = this.waiting.get(key);
    if (cur !== undefined) {
      if (cur.at <= at) return;
      this.clock.clearTimeout(cur.timer);
    }
    const timer = this.clock.setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { at, timer });
  }

  addRateLimited(key: K): void {
    this.addAfter(key, this.limiter.when(key));
  }

  /** The key succeeded: its next failure starts from the base delay again. */
  forget(key: K): void {
    this.limiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.limiter.numRequeues(key);
  }

  /** Keys queued and not being processed (delayed keys are not counted). */
  get length(): number {
    return this.queue.length;
  }

  get shuttingDown(): boolean {
    return this.shutting;
  }

  shutDown(): void {
    this.shutting = true;
    for (const w of this.waiting.values()) this.clock.clearTimeout(w.timer);
    this.waiting.clear();
    this.dispatch();
  }

  /** Shuts down and resolves when every key handed out so far is done. */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private dispatch(): void {
    while (this.getters.length > 0) {
      const key = this.queue.shift();
      if (key === undefined) {
        if (!this.shutting) return;
        for (const g of this.getters.splice(0)) g({ shutdown: true });
        return;
      }
      this.dirty.delete(key);
      this.processing.add(key);
      this.getters.shift()!({ shutdown: false, key });
    }
  }
}

/** What a reconcile asks of the queue. Returning nothing means done. */
export type ReconcileResult =
  | { readonly type: 'done' }
  /** Retry with the per-key backoff (a transient failure). */
  | { readonly type: 'requeue' }
  /** Periodic work: come back after `ms`, without counting a failure. */
  | { readonly type: 'requeueAfter'; readonly ms: number };

/**
 * Runs `n` workers pulling from the queue until it shuts down. A thrown error counts as
 * `requeue` and is logged. Resolves when every worker has exited.
 */
export function runWorkers<K>(queue: WorkQueue<K>, n: number, reconcile: (key: K) => Promise<ReconcileResult | void>, log: Logger = silentLogger): Promise<void> {
  const worker = async (): Promise<void> => {
    for (;;) {
      const item = await queue.get();
      if (item.shutdown) return;
      const key = item.key;
      let result: ReconcileResult;
      try {
        result = (await reconcile(key)) ?? { type: 'done' };
      } catch (e) {
        log.warn(`reconcile ${String(key)} failed (retry ${queue.numRequeues(key) + 1})`, { error: e instanceof Error ? e.message : String(e) });
        result = { type: 'requeue' };
      } finally {
        queue.done(key);
      }
      switch (result.type) {
        case 'done':
          queue.forget(key);
          break;
        case 'requeue':
          queue.addRateLimited(key);
          break;
        case 'requeueAfter':
          queue.forget(key);
          queue.addAfter(key, result.ms);
          break;
      }
    }
  };
  return Promise.all(Array.from({ length: n }, worker)).then(() => undefined);
}
