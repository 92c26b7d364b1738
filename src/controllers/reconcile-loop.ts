// The shell every controller shares: a rate-limited work queue of keys, `workers` concurrent
// reconciles, started only once the informer caches have synced (so a reconcile never acts
// on a partial view), and a stop that drains in-flight work.
import type { Clock, Logger } from '../core/index.js';
import { WorkQueue, isAlreadyExists, isConflict, isNotFound, runWorkers, type ReconcileResult } from '../client/index.js';

export interface ReconcileLoopOptions {
  readonly name: string;
  readonly workers: number;
  readonly clock: Clock;
  readonly log: Logger;
  readonly reconcile: (key: string) => Promise<ReconcileResult | void>;
}

export class ReconcileLoop {
  readonly queue: WorkQueue<string>;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly opts: ReconcileLoopOptions) {
    this.queue = new WorkQueue<string>({ clock: opts.clock });
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  enqueueAfter(key: string, ms: number): void {
    this.queue.addAfter(key, ms);
  }

  /** Starts the workers once `synced` resolves. Keys queued before that wait in the queue. */
  start(synced: Promise<void>): void {
    this.running = synced.then(() => {
      if (this.stopped) return undefined;
      this.opts.log.debug(`${this.opts.name}: caches synced, starting ${this.opts.workers} workers`);
      // After stop, queued keys are drained without work: nothing may write once stopped.
      return runWorkers(this.queue, this.opts.workers, (key) => (this.stopped ? Promise.resolve(done) : this.opts.reconcile(key)), this.opts.log);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // Resolves when the reconciles in flight are done; queued keys are then skipped.
    await this.queue.shutDownWithDrain();
  }
}

/** How one API write ended, for the controllers' error handling (CONVENTIONS 8). */
export type WriteOutcome<T> =
  | { readonly type: 'ok'; readonly value: T }
  | { readonly type: 'conflict' }
  | { readonly type: 'notFound' }
  | { readonly type: 'alreadyExists' }
  | { readonly type: 'failed'; readonly error: unknown };

export async function attempt<T>(p: Promise<T>): Promise<WriteOutcome<T>> {
  try {
    return { type: 'ok', value: await p };
  } catch (error) {
    if (isConflict(error)) return { type: 'conflict' };
    if (isNotFound(error)) return { type: 'notFound' };
    if (isAlreadyExists(error)) return { type: 'alreadyExists' };
    return { type: 'failed', error };
  }
}

export const done: ReconcileResult = { type: 'done' };
export const requeue: ReconcileResult = { type: 'requeue' };
export const requeueAfter = (ms: number): ReconcileResult => ({ type: 'requeueAfter', ms: Math.max(1, Math.ceil(ms)) });

/** Combines results: a requeue wins, then the earliest requeueAfter. */
export function worst(a: ReconcileResult, b: ReconcileResult): ReconcileResult {
  if (a.type === 'requeue' || b.type === 'requeue') return requeue;
  if (a.type === 'requeueAfter' && b.type === 'requeueAfter') return a.ms <= b.ms ? a : b;
  return a.type === 'requeueAfter' ? a : b;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
