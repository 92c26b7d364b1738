// Shared informers: every component in a process that asks for the same resource, namespace,
// selectors and projection gets the same Informer, so one LIST+WATCH feeds them all.
import type { KubeObject } from '../api/index.js';
import type { Clock, Logger } from '../core/index.js';
import type { BackoffOptions } from './backoff.js';
import type { IndexFunc } from './indexer.js';
import { Informer, type ListWatcher } from './informer.js';
import { refKey, type ResourceRef } from './resource-ref.js';

export interface InformerRequest<T extends KubeObject, P> {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Projections are shared by function identity: pass the same function to share. */
  readonly transform?: (obj: T) => P;
  /** Added to the shared informer's cache. Index names are shared too: a name already registered keeps its first function. */
  readonly indexers?: Readonly<Record<string, IndexFunc<P>>>;
}

export interface InformerFactoryOptions {
  readonly client: ListWatcher;
  readonly clock?: Clock;
  readonly log?: Logger;
  readonly resyncMs?: number;
  readonly backoff?: BackoffOptions;
}

const transformIds = new WeakMap<object, number>();
let nextTransformId = 1;

function transformId(fn: object | undefined): number {
  if (fn === undefined) return 0;
  let id = transformIds.get(fn);
  if (id === undefined) transformIds.set(fn, (id = nextTransformId++));
  return id;
}

export class InformerFactory {
  private readonly informers = new Map<string, Informer<KubeObject, unknown>>();
  private running = false;

  constructor(private readonly opts: InformerFactoryOptions) {}

  informer<T extends KubeObject = KubeObject, P = T>(resource: ResourceRef, req: InformerRequest<T, P> = {}): Informer<T, P> {
    const key = [refKey(resource), req.namespace ?? '', req.labelSelector ?? '', req.fieldSelector ?? '', transformId(req.transform)].join('|');
    let inf = this.informers.get(key) as Informer<T, P> | undefined;
    if (inf === undefined) {
      inf = new Informer<T, P>({
        client: this.opts.client,
        resource,
        ...(req.namespace !== undefined ? { namespace: req.namespace } : {}),
        ...(req.labelSelector !== undefined ? { labelSelector: req.labelSelector } : {}),
        ...(req.fieldSelector !== undefined ? { fieldSelector: req.fieldSelector } : {}),
        ...(req.transform !== undefined ? { transform: req.transform } : {}),
        ...(this.opts.resyncMs !== undefined ? { resyncMs: this.opts.resyncMs } : {}),
        ...(this.opts.clock !== undefined ? { clock: this.opts.clock } : {}),
        ...(this.opts.log !== undefined ? { log: this.opts.log.child(resource.resource) } : {}),
        ...(this.opts.backoff !== undefined ? { backoff: this.opts.backoff } : {}),
      });
      this.informers.set(key, inf as unknown as Informer<KubeObject, unknown>);
      if (this.running) inf.start();
    }
    if (req.indexers !== undefined) {
      const fresh = Object.fromEntries(Object.entries(req.indexers).filter(([name]) => !inf.hasIndex(name)));
      inf.addIndexers(fresh);
    }
    return inf;
  }

  /** Starts every informer created so far and any created later. */
  start(): void {
    this.running = true;
    for (const inf of this.informers.values()) inf.start();
  }

  /** Resolves when every informer created so far has synced. */
  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.hasSynced()));
  }

  stop(): void {
    this.running = false;
    for (const inf of this.informers.values()) inf.stop();
  }
}
