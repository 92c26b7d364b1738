// An event recorder that writes core/v1 Events the way client-go's tools/record does:
// - name "<involvedObject.name>.<nanoseconds in hex>" (16 hex digits today), unique per recorder;
// - identical events (same source, involvedObject, type, reason, message) are aggregated:
//   the first is created, repeats PATCH count and lastTimestamp onto it;
// - a spam filter per source+object: a token bucket of 25 with one token back every 5 minutes;
// - cluster-scoped objects' events go to the "default" namespace.
// Writes are serialized so a repeat never races the create it aggregates onto.
import type { Event, KubeObject, ObjectReference } from '../api/index.js';
import { realClock, silentLogger, type Clock, type Logger } from '../core/index.js';
import { isNotFound } from './api-error.js';
import type { RestClient } from './rest-client.js';
import { Resources } from './resource-ref.js';

export type EventType = 'Normal' | 'Warning';

/** Where events are written; narrow so tests can record calls. */
export interface EventSink {
  create(namespace: string, event: Event): Promise<Event>;
  patch(namespace: string, name: string, patch: Partial<Event>): Promise<Event>;
}

export function eventSinkFor(client: Pick<RestClient, 'create' | 'patch'>): EventSink {
  return {
    create: (ns, ev) => client.create<Event>(Resources.events, ns, ev),
    patch: (ns, name, p) => client.patch<Event>(Resources.events, ns, name, 'strategic', p),
  };
}

export type RecordOutcome =
  | { readonly type: 'created'; readonly event: Event }
  | { readonly type: 'aggregated'; readonly event: Event }
  | { readonly type: 'dropped'; readonly reason: 'rate-limited' }
  | { readonly type: 'failed'; readonly error: unknown };

export interface EventRecorderOptions {
  readonly sink: EventSink;
  /** source.component and reportingComponent, e.g. "endpointslice-controller". */
  readonly component: string;
  /** source.host and reportingInstance (the node name for node agents). */
  readonly host?: string;
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Spam filter: bucket size and milliseconds per refilled token (25, 300000). */
  readonly burst?: number;
  readonly refillMs?: number;
  /** How many distinct events to remember for aggregation (LRU). */
  readonly cacheSize?: number;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

interface Bucket {
  tokens: number;
  last: number;
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function referenceOf(obj: KubeObject | ObjectReference): ObjectReference {
  if (!('metadata' in obj)) return obj;
  const m = obj.metadata;
  return {
    kind: obj.kind,
    ...(m.namespace !== undefined && m.namespace !== '' ? { namespace: m.namespace } : {}),
    ...(m.name !== undefined ? { name: m.name } : {}),
    ...(m.uid !== undefined ? { uid: m.uid } : {}),
    apiVersion: obj.apiVersion,
    ...(m.resourceVersion !== undefined ? { resourceVersion: m.resourceVersion } : {}),
  };
}

export class EventRecorder {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly burst: number;
  private readonly refillMs: number;
  private readonly cacheSize: number;
  /** Insertion order doubles as LRU order (entries are re-inserted on use). */
  private readonly seen = new Map<string, Seen>();
  private readonly buckets = new Map<string, Bucket>();
  private lastNanos = 0n;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: EventRecorderOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? silentLogger;
    this.burst = opts.burst ?? 25;
    this.refillMs = opts.refillMs ?? 300_000;
    this.cacheSize = opts.cacheSize ?? 4096;
  }

  /** Fire and forget; failures are logged, never thrown. */
  event(obj: KubeObject | ObjectReference, type: EventType, reason: string, message: string): void {
    void this.record(obj, type, reason, message);
  }

  /** Records one event; resolves with what happened (tests and callers that care). */
  record(obj: KubeObject | ObjectReference, type: EventType, reason: string, message: string): Promise<RecordOutcome> {
    const ref = referenceOf(obj);
    const now = this.clock.now();
    // The spam check happens at call time, so a burst is judged by when it was raised.
    const source = [this.opts.component, this.opts.host ?? '', ref.kind, ref.namespace, ref.name, ref.uid, ref.apiVersion].join('\u0000');
    if (!this.takeToken(source, now)) {
      this.log.debug(`event dropped by rate limit: ${ref.kind}/${ref.name} ${reason}`);
      return Promise.resolve({ type: 'dropped', reason: 'rate-limited' });
    }
    const key = [source, ref.fieldPath ?? '', type, reason, message].join('\u0000');
    const run = this.tail.then(() => this.write(key, ref, type, reason, message, now));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves when every event recorded so far has been written (or has failed). */
  async flush(): Promise<void> {
    await this.tail;
  }

  private async write(key: string, ref: ObjectReference, type: EventType, reason: string, message: string, now: number): Promise<RecordOutcome> {
    const ts = rfc3339(now);
    const prev = this.seen.get(key);
    try {
      if (prev !== undefined) {
        this.touch(key, prev);
        const count = prev.count + 1;
        try {
          const event = await this.opts.sink.patch(prev.namespace, prev.name, { count, lastTimestamp: ts, message });
          prev.count = count;
          return { type: 'aggregated', event };
        } catch (e) {
          // Someone deleted (or TTL expired) the event: start a fresh one carrying the count.
          if (!isNotFound(e)) throw e;
          return await this.create(key, ref, type, reason, message, prev.firstTimestamp, ts, count);
        }
      }
      return await this.create(key, ref, type, reason, message, ts, ts, 1);
    } catch (error) {
      this.log.warn(`could not write event ${ref.kind}/${ref.name} ${reason}`, { error: error instanceof Error ? error.message : String(error) });
      return { type: 'failed', error };
    }
  }

  private async create(key: string, ref: ObjectReference, type: EventType, reason: string, message: string, first: string, last: string, count: number): Promise<RecordOutcome> {
    const namespace = ref.namespace !== undefined && ref.namespace !== '' ? ref.namespace : 'default';
    const name = `${ref.name ?? 'unknown'}.${this.uniqueNanos().toString(16)}`;
    const host = this.opts.host;
    const ev: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      reason,
      message,
      type,
      source: { component: this.opts.component, ...(host !== undefined ? { host } : {}) },
      firstTimestamp: first,
      lastTimestamp: last,
      count,
      reportingComponent: this.opts.component,
      reportingInstance: host ?? '',
    };
    const event = await this.opts.sink.create(namespace, ev);
    this.touch(key, { name, namespace, count, firstTimestamp: first });
    return { type: 'created', event };
  }

  private touch(key: string, s: Seen): void {
    this.seen.delete(key);
    this.seen.set(key, s);
    if (this.seen.size > this.cacheSize) this.seen.delete(this.seen.keys().next().value!);
  }

  /** Nanoseconds since the epoch, strictly increasing per recorder (names stay unique). */
  private uniqueNanos(): bigint {
    // Split whole and fractional milliseconds: ms * 1e6 exceeds 2^53 and would lose the low digits.
    const ms = this.clock.now();
    const whole = Math.floor(ms);
    const n = BigInt(whole) * 1_000_000n + BigInt(Math.floor((ms - whole) * 1e6));
    this.lastNanos = n > this.lastNanos ? n : this.lastNanos + 1n;
    return this.lastNanos;
  }

  private takeToken(source: string, now: number): boolean {
    let b = this.buckets.get(source);
    if (b === undefined) {
      b = { tokens: this.burst, last: now };
    } else {
      b.tokens = Math.min(this.burst, b.tokens + (now - b.last) / this.refillMs);
      b.last = now;
      this.buckets.delete(source);
    }
    this.buckets.set(source, b);
    if (this.buckets.size > this.cacheSize) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
