// A list-watch informer for one resource (optionally one namespace and selectors):
// paged LIST (limit + continue), then WATCH from the list's resourceVersion with bookmarks,
// re-watching from the last seen resourceVersion whenever a watch ends. A 410 (Gone/Expired,
// as an HTTP answer or an ERROR event) means our resourceVersion is compacted: relist and
// emit the difference (adds, updates, and deletes for objects that vanished, like client-go's
// DeltaFIFO Replace). Errors retry with jittered exponential backoff on the injected Clock.
//
// Objects may be projected into slim records at this boundary (`transform`); the cache and
// the handlers only ever see projections. Keys are "namespace/name" (or "name" for
// cluster-scoped objects), computed from the raw object before projection.
import type { KubeObject } from '../api/index.js';
import { realClock, silentLogger, type Clock, type Logger, type TimerHandle } from '../core/index.js';
import { isGone, type ClientError } from './api-error.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { Indexer, type IndexFunc } from './indexer.js';
import type { ResourceRef } from './resource-ref.js';
import type { RestClient, WatchEnd, WatchHandle } from './rest-client.js';
import type { WatchEvent } from './watch-decoder.js';

/** What an informer needs from a client: list and watch (tests may pass fakes). */
export type ListWatcher = Pick<RestClient, 'list' | 'watch'>;

export interface DeleteInfo {
  /** True when the delete was inferred from a relist: the object shown is the last one we saw. */
  readonly finalStateUnknown: boolean;
}

export interface InformerHandler<P> {
  onAdd?(obj: P): void;
  onUpdate?(oldObj: P, newObj: P): void;
  onDelete?(obj: P, info: DeleteInfo): void;
}

export interface InformerOptions<T extends KubeObject, P> {
  readonly client: ListWatcher;
  readonly resource: ResourceRef;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Projection stored in the cache and handed to handlers. Must be pure. */
  readonly transform?: (obj: T) => P;
  readonly indexers?: Readonly<Record<string, IndexFunc<P>>>;
  /** Re-deliver every cached object as onUpdate(obj, obj) this often (0/undefined = never). */
  readonly resyncMs?: number;
  /** LIST page size (default 500). */
  readonly pageSize?: number;
  readonly clock?: Clock;
  readonly log?: Logger;
  readonly backoff?: BackoffOptions;
  readonly random?: () => number;
}

export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  const name = obj.metadata.name ?? '';
  return ns === undefined || ns === '' ? name : `${ns}/${name}`;
}

/** A watch shorter than this that delivered nothing counts as a failure (avoids hot loops). */
const MIN_HEALTHY_WATCH_MS = 1000;

export class Informer<T extends KubeObject = KubeObject, P = T> {
  private readonly cache: Indexer<P>;
  /** key -> resourceVersion of the object the cached projection came from. */
  private readonly versions = new Map<string, string>();
  private readonly handlers = new Set<InformerHandler<P>>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly backoff: Backoff;
  private readonly random: () => number;
  private readonly project: (obj: T) => P;
  private started = false;
  private stopped = false;
  private lastRV = '';
  private watch: WatchHandle | undefined;
  private retryTimer: TimerHandle | undefined;
  private resyncTimer: TimerHandle | undefined;
  private syncedFlag = false;
  private resolveSynced!: () => void;
  private readonly syncedPromise = new Promise<void>((r) => (this.resolveSynced = r));

  constructor(private readonly opts: InformerOptions<T, P>) {
    this.cache = new Indexer<P>(opts.indexers ?? {});
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? silentLogger;
    this.random = opts.random ?? Math.random;
    this.backoff = new Backoff({ random: this.random, ...opts.backoff });
    this.project = opts.transform ?? ((o: T) => o as unknown as P);
  }

  /** Starts list + watch; idempotent. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.relist();
  }

  /** Stops watching; no handler is called after this returns. The cache keeps its last state. */
  stop(): void {
    this.stopped = true;
    this.watch?.stop();
    this.watch = undefined;
    for (const t of [this.retryTimer, this.resyncTimer]) if (t !== undefined) this.clock.clearTimeout(t);
  }

  /** Resolves once the first LIST has been delivered to handlers and the cache. */
  hasSynced(): Promise<void> {
    return this.syncedPromise;
  }

  get synced(): boolean {
    return this.syncedFlag;
  }

  /** The resourceVersion the next watch would start from. */
  get lastSyncResourceVersion(): string {
    return this.lastRV;
  }

  /** Adds handlers; after sync, the new handler first receives onAdd for every cached object. */
  addHandler(h: InformerHandler<P>): () => void {
    this.handlers.add(h);
    if (this.syncedFlag) for (const obj of this.cache.list()) this.call(() => h.onAdd?.(obj));
    return () => this.handlers.delete(h);
  }

  addIndexers(indexers: Readonly<Record<string, IndexFunc<P>>>): void {
    this.cache.addIndexers(indexers);
  }

  hasIndex(name: string): boolean {
    return this.cache.hasIndex(name);
  }

  get(key: string): P | undefined {
    return this.cache.get(key);
  }

  getByName(namespace: string | undefined, name: string): P | undefined {
    return this.cache.get(namespace === undefined || namespace === '' ? name : `${namespace}/${name}`);
  }

  list(): P[] {
    return this.cache.list();
  }

  keys(): string[] {
    return this.cache.keys();
  }

  byIndex(indexName: string, value: string): P[] {
    return this.cache.byIndex(indexName, value);
  }

  private get what(): string {
    return `${this.opts.resource.resource}${this.opts.namespace !== undefined ? ` in ${this.opts.namespace}` : ''}`;
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log.error(`informer ${this.what}: handler threw`, { error: String(e) });
    }
  }

  private emit(fn: (h: InformerHandler<P>) => void): void {
    for (const h of [...this.handlers]) this.call(() => fn(h));
  }

  private schedule(ms: number, fn: () => void): void {
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped) fn();
    }, ms);
  }

  private retryAfterError(what: string, error: unknown, next: () => void): void {
    const ms = this.backoff.next();
    this.log.warn(`informer ${this.what}: ${what} failed, retrying in ${Math.round(ms)} ms`, { error: error instanceof Error ? error.message : String(error) });
    this.schedule(ms, next);
  }

  private relist(): void {
    this.listAll().then(
      ({ items, resourceVersion }) => {
        if (this.stopped) return;
        this.replace(items);
        this.lastRV = resourceVersion;
        this.backoff.reset();
        if (!this.syncedFlag) {
          this.syncedFlag = true;
          this.resolveSynced();
          this.scheduleResync();
        }
        this.startWatch();
      },
      (e: unknown) => {
        if (this.stopped) return;
        this.retryAfterError('list', e, () => this.relist());
      },
    );
  }

  private async listAll(): Promise<{ items: T[]; resourceVersion: string }> {
    const o = this.opts;
    const base = {
      limit: o.pageSize ?? 500,
      ...(o.labelSelector !== undefined ? { labelSelector: o.labelSelector } : {}),
      ...(o.fieldSelector !== undefined ? { fieldSelector: o.fieldSelector } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      const items: T[] = [];
      let token: string | undefined;
      let rv = '';
      try {
        do {
          const page = await o.client.list<T>(o.resource, o.namespace, token === undefined ? base : { ...base, continue: token });
          if (this.stopped) return { items, resourceVersion: rv };
          items.push(...page.items);
          // The list's resourceVersion is the first page's: later pages share its snapshot.
          if (token === undefined) rv = page.metadata.resourceVersion ?? '';
          token = page.metadata.continue !== undefined && page.metadata.continue !== '' ? page.metadata.continue : undefined;
        } while (token !== undefined);
        return { items, resourceVersion: rv };
      } catch (e) {
        // An expired continue token only means the snapshot is gone: start over once, at once.
        if (isGone(e) && token !== undefined && attempt === 0) continue;
        throw e;
      }
    }
  }

  /** The relist diff: adds, updates (changed resourceVersion only), deletes for vanished keys. */
  private replace(items: readonly T[]): void {
    const seen = new Set<string>();
    for (const obj of items) {
      const key = objectKey(obj);
      seen.add(key);
      this.upsert(key, obj);
    }
    for (const key of this.cache.keys()) {
      if (seen.has(key)) continue;
      const old = this.cache.delete(key)!;
      this.versions.delete(key);
      this.emit((h) => h.onDelete?.(old, { finalStateUnknown: true }));
    }
  }

  private upsert(key: string, obj: T): void {
    const rv = obj.metadata.resourceVersion ?? '';
    const oldRV = this.versions.get(key);
    if (oldRV !== undefined && oldRV === rv && rv !== '') return;
    const next = this.project(obj);
    const old = this.cache.get(key);
    this.cache.set(key, next);
    this.versions.set(key, rv);
    if (old === undefined) this.emit((h) => h.onAdd?.(next));
    else this.emit((h) => h.onUpdate?.(old, next));
  }

  private startWatch(): void {
    const o = this.opts;
    const startedAt = this.clock.now();
    let events = 0;
    // Spread watch lifetimes (5-10 min) so many informers do not reconnect in lockstep.
    const timeoutSeconds = Math.floor(300 * (1 + this.random()));
    const onEvent = (ev: WatchEvent<T>): void => {
      if (this.stopped) return;
      events++;
      switch (ev.type) {
        case 'ADDED':
        case 'MODIFIED': {
          this.upsert(objectKey(ev.object), ev.object);
          this.noteRV(ev.object.metadata.resourceVersion);
          return;
        }
        case 'DELETED': {
          const key = objectKey(ev.object);
          const old = this.cache.delete(key);
          this.versions.delete(key);
          this.noteRV(ev.object.metadata.resourceVersion);
          if (old !== undefined) {
            const last = this.project(ev.object);
            this.emit((h) => h.onDelete?.(last, { finalStateUnknown: false }));
          }
          return;
        }
        case 'BOOKMARK':
          this.noteRV(ev.resourceVersion);
          return;
        case 'ERROR': {
          // The server ends the stream after an ERROR; act now rather than on the close.
          this.watch?.stop();
          this.watch = undefined;
          if (ev.status.code === 410) {
            this.log.info(`informer ${this.what}: resourceVersion ${this.lastRV} expired, relisting`);
            this.relist();
          } else {
            this.retryAfterError('watch', new Error(ev.status.message ?? `watch ERROR ${ev.status.code}`), () => this.relist());
          }
          return;
        }
      }
    };
    const onEnd = (end: WatchEnd): void => {
      this.watch = undefined;
      if (this.stopped) return;
      if (end.type === 'closed') {
        const healthy = events > 0 || this.clock.now() - startedAt >= MIN_HEALTHY_WATCH_MS;
        if (healthy) {
          this.backoff.reset();
          this.startWatch();
        } else {
          this.retryAfterError('watch', new Error('watch closed immediately'), () => this.startWatch());
        }
        return;
      }
      this.onWatchFailure(end.error);
    };
    this.watch = o.client.watch<T>(
      o.resource,
      o.namespace,
      {
        resourceVersion: this.lastRV,
        allowWatchBookmarks: true,
        timeoutSeconds,
        ...(o.labelSelector !== undefined ? { labelSelector: o.labelSelector } : {}),
        ...(o.fieldSelector !== undefined ? { fieldSelector: o.fieldSelector } : {}),
      },
      onEvent,
      onEnd,
    );
  }

  private onWatchFailure(error: ClientError): void {
    if (isGone(error)) {
      this.log.info(`informer ${this.what}: resourceVersion ${this.lastRV} gone, relisting`);
      this.relist();
    } else if (error.kind === 'transport') {
      // The server may just be restarting: keep our resourceVersion and try the watch again.
      this.retryAfterError('watch', error, () => this.startWatch());
    } else {
      this.retryAfterError('watch', error, () => this.relist());
    }
  }

  private noteRV(rv: string | undefined): void {
    if (rv !== undefined && rv !== '') this.lastRV = rv;
  }

  private scheduleResync(): void {
    const ms = this.opts.resyncMs;
    if (ms === undefined || ms <= 0 || this.stopped) return;
    this.resyncTimer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      for (const obj of this.cache.list()) this.emit((h) => h.onUpdate?.(obj, obj));
      this.scheduleResync();
    }, ms);
  }
}
