// In-process fan-out of committed events to watchers. Backends call `subscribe` with the
// backlog they read from history (events after the start revision, up to now) and
// `publish` with each committed batch, both synchronously, so nothing can slip in
// between replay and live delivery.
//
// Delivery per watcher: in revision order, no gaps, no duplicates (an event at or below
// the last one queued is dropped), asynchronous (a microtask after the mutation) so a
// handler never runs inside a store call. A handler that throws ends only its own watch
// with onError(Internal); other watchers are untouched.
import { StoreError, type Revision, type WatchEvent, type WatchHandlers, type Watcher } from './types.js';

export class WatchHub {
  private readonly subs = new Set<Subscription>();

  get size(): number {
    return this.subs.size;
  }

  subscribe(prefix: string, after: Revision, backlog: readonly WatchEvent[], handlers: WatchHandlers): Watcher {
    const sub = new Subscription(prefix, after, handlers, (s) => this.subs.delete(s));
    this.subs.add(sub);
    for (const ev of backlog) sub.offer(ev);
    return sub;
  }

  /** A watcher that only reports `err` (asynchronously), e.g. Compacted or Closed. */
  failed(handlers: WatchHandlers, err: StoreError): Watcher {
    const sub = new Subscription('', 0, handlers, () => {});
    sub.end(err);
    return sub;
  }

  publish(events: readonly WatchEvent[]): void {
    if (this.subs.size === 0) return;
    for (const sub of this.subs) for (const ev of events) sub.offer(ev);
  }

  /** Ends every watch with `err` after it has received what was already queued. */
  endAll(err: StoreError): void {
    for (const sub of this.subs) sub.end(err);
  }
}

class Subscription implements Watcher {
  private queue: WatchEvent[] = [];
  private head = 0;
  private scheduled = false;
  private closed = false;
  private terminal: StoreError | undefined;

  constructor(
    private readonly prefix: string,
    /** Revision of the last event queued; later offers at or below it are duplicates. */
    private after: Revision,
    private readonly handlers: WatchHandlers,
    private readonly onClosed: (s: Subscription) => void,
  ) {}

  offer(ev: WatchEvent): void {
    if (this.closed || this.terminal !== undefined || ev.revision <= this.after) return;
    if (!ev.kv.key.startsWith(this.prefix)) return;
    this.after = ev.revision;
    this.queue.push(ev);
    this.schedule();
  }

  end(err: StoreError): void {
    if (this.closed || this.terminal !== undefined) return;
    this.terminal = err;
    this.schedule();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.head = 0;
    this.onClosed(this);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    // The handler may publish more (queue grows) or close us (closed flips): re-check each turn.
    while (!this.closed && this.head < this.queue.length) {
      const ev = this.queue[this.head++] as WatchEvent;
      try {
        this.handlers.onEvent(ev);
      } catch (e) {
        this.finish(new StoreError('Internal', `watch handler threw: ${e instanceof Error ? e.message : String(e)}`));
        return;
      }
    }
    this.queue = [];
    this.head = 0;
    if (!this.closed && this.terminal !== undefined) this.finish(this.terminal);
  }

  private finish(err: StoreError): void {
    this.close();
    try {
      this.handlers.onError?.(err);
    } catch {
      // Nobody left to tell: the watch is already over.
    }
  }
}
