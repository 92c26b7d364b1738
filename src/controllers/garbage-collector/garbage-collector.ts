// The garbage collector's shell. It watches the kinds it is given (metadata is all it
// reads), finds dependents through an ownerReference-uid index on each informer, and asks
// the pure gc-core what to do. An owner missing from every cache is confirmed with a live
// GET before anything is deleted (the cache may simply be behind), and owners confirmed
// absent are remembered by uid, as upstream's absentOwnerCache does.
import { isNamespaced, refForObject, type InformerHandler, type ReconcileResult, type ResourceRef } from '../../client/index.js';
import type { KubeObject, OwnerReference } from '../../api/index.js';
import type { Controller, ControllerDeps } from '../informers.js';
import { mutateObject } from '../mutate-object.js';
import { ReconcileLoop, attempt, done, requeue } from '../reconcile-loop.js';
import { FINALIZER_FOREGROUND, FINALIZER_ORPHAN, dependentAction, deletingDependents, ownerAction, type Dependent, type GcMeta, type OwnerState } from './gc-core.js';

/** What the collector needs of an informer (whatever projection it stores). */
export interface GcInformer<P> {
  addHandler(h: InformerHandler<P>): () => void;
  get(key: string): P | undefined;
  byIndex(indexName: string, value: string): P[];
}

/** One kind the collector watches: its informer, how to read metadata, and its indexes. */
export interface GcSource<P = unknown> {
  readonly resource: ResourceRef;
  readonly informer: GcInformer<P>;
  readonly meta: (obj: P) => GcMeta;
  /** Index names on the informer: uid -> object, owner uid -> objects. */
  readonly uidIndex: string;
  readonly ownerIndex: string;
}

/** Erases a source's projection type (each source only ever meets its own projections). */
export function gcSource<P>(s: GcSource<P>): GcSource {
  return s as unknown as GcSource;
}

export interface GarbageCollectorOptions {
  readonly workers?: number;
}

const ABSENT_CACHE_SIZE = 4096;

export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector-controller';
  private readonly loop: ReconcileLoop;
  private readonly absent = new Set<string>();

  constructor(
    private readonly deps: ControllerDeps,
    private readonly sources: readonly GcSource[],
    opts: GarbageCollectorOptions = {},
  ) {
    this.loop = new ReconcileLoop({ name: this.name, workers: opts.workers ?? 5, clock: deps.clock, log: deps.log, reconcile: (k) => this.reconcile(k) });
    sources.forEach((src, i) => {
      const key = (m: GcMeta) => `${i}|${m.namespace === '' ? m.name : `${m.namespace}/${m.name}`}`;
      src.informer.addHandler({
        onAdd: (o) => {
          const m = src.meta(o);
          if (m.ownerReferences.length > 0 || m.deleting) this.loop.enqueue(key(m));
        },
        onUpdate: (oldO, o) => {
          const a = src.meta(oldO);
          const m = src.meta(o);
          const refsChanged = a.ownerReferences.length !== m.ownerReferences.length || a.ownerReferences.some((r, j) => r.uid !== m.ownerReferences[j]?.uid);
          if (m.deleting || refsChanged || a.deleting !== m.deleting) this.loop.enqueue(key(m));
          // An owner entering foreground deletion: every dependent must reconsider.
          if (deletingDependents(m) && !deletingDependents(a)) this.enqueueDependents(m.uid);
          if (m.deleting) this.enqueueWaitingOwners(m);
        },
        onDelete: (o) => {
          const m = src.meta(o);
          this.enqueueDependents(m.uid);
          this.enqueueWaitingOwners(m);
        },
      });
    });
  }

  start(synced: Promise<void>): void {
    this.loop.start(synced);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private dependentsOf(uid: string): Dependent[] {
    const out: Dependent[] = [];
    this.sources.forEach((src, i) => {
      for (const o of src.informer.byIndex(src.ownerIndex, uid)) {
        const m = src.meta(o);
        out.push({ key: `${i}|${m.namespace === '' ? m.name : `${m.namespace}/${m.name}`}`, meta: m });
      }
    });
    return out;
  }

  private enqueueDependents(uid: string): void {
    for (const d of this.dependentsOf(uid)) this.loop.enqueue(d.key);
  }

  /** A dependent changed or went: its owners in foreground deletion may now finish. */
  private enqueueWaitingOwners(m: GcMeta): void {
    for (const r of m.ownerReferences) {
      const owner = this.findByUid(r.uid);
      if (owner !== undefined && deletingDependents(owner.meta)) this.loop.enqueue(owner.key);
    }
  }

  private findByUid(uid: string): { key: string; meta: GcMeta } | undefined {
    for (let i = 0; i < this.sources.length; i++) {
      const src = this.sources[i]!;
      const o = src.informer.byIndex(src.uidIndex, uid)[0];
      if (o !== undefined) {
        const m = src.meta(o);
        return { key: `${i}|${m.namespace === '' ? m.name : `${m.namespace}/${m.name}`}`, meta: m };
      }
    }
    return undefined;
  }

  private async reconcile(key: string): Promise<ReconcileResult> {
    const bar = key.indexOf('|');
    const src = this.sources[Number(key.slice(0, bar))];
    if (src === undefined) return done;
    const obj = src.informer.get(key.slice(bar + 1));
    if (obj === undefined) return done;
    const item = src.meta(obj);
    if (item.deleting) return this.ownerSide(src, item);
    if (item.ownerReferences.length === 0) return done;
    const states = new Map<string, OwnerState>();
    for (const ref of item.ownerReferences) {
      const s = await this.classify(ref, item.namespace);
      if (s.type === 'retry') return requeue;
      states.set(ref.uid, s.state);
    }
    const action = dependentAction(item, states, this.dependentsOf(item.uid).length > 0);
    switch (action.type) {
      case 'none':
        return done;
      case 'removeOwnerReferences': {
        const drop = new Set(action.uids);
        const r = await mutateObject<KubeObject>(this.deps.client, src.resource, item.namespace || undefined, item.name, (live) => {
          if (live.metadata.uid !== item.uid) return { type: 'unchanged' };
          return { type: 'update', object: { ...live, metadata: { ...live.metadata, ownerReferences: (live.metadata.ownerReferences ?? []).filter((o) => !drop.has(o.uid)) } } };
        });
        return r.type === 'ok' || r.type === 'notFound' ? done : requeue;
      }
      case 'delete': {
        this.deps.log.debug(`deleting ${src.resource.resource} ${item.namespace}/${item.name}: owners gone`, { policy: action.policy });
        const r = await attempt(this.deps.client.delete(src.resource, item.namespace || undefined, item.name, { propagationPolicy: action.policy, preconditions: { uid: item.uid } }));
        return r.type === 'ok' || r.type === 'notFound' || r.type === 'conflict' ? done : requeue;
      }
    }
  }

  private async ownerSide(src: GcSource, item: GcMeta): Promise<ReconcileResult> {
    const action = ownerAction(item, this.dependentsOf(item.uid));
    switch (action.type) {
      case 'none':
        return done;
      case 'deleteDependents':
        for (const d of action.dependents) this.loop.enqueue(d.key);
        return done;
      case 'orphanDependents': {
        let ok = true;
        for (const d of action.dependents) {
          const dsrc = this.sources[Number(d.key.slice(0, d.key.indexOf('|')))]!;
          const r = await mutateObject<KubeObject>(this.deps.client, dsrc.resource, d.meta.namespace || undefined, d.meta.name, (live) => {
            if (!(live.metadata.ownerReferences ?? []).some((o) => o.uid === item.uid)) return { type: 'unchanged' };
            return { type: 'update', object: { ...live, metadata: { ...live.metadata, ownerReferences: (live.metadata.ownerReferences ?? []).filter((o) => o.uid !== item.uid) } } };
          });
          if (r.type !== 'ok' && r.type !== 'notFound') ok = false;
        }
        if (!ok) return requeue;
        return this.removeFinalizer(src, item, FINALIZER_ORPHAN);
      }
      case 'removeFinalizer':
        return this.removeFinalizer(src, item, action.finalizer);
    }
  }

  private async removeFinalizer(src: GcSource, item: GcMeta, finalizer: string): Promise<ReconcileResult> {
    const r = await mutateObject<KubeObject>(this.deps.client, src.resource, item.namespace || undefined, item.name, (live) => {
      if (live.metadata.uid !== item.uid || !(live.metadata.finalizers ?? []).includes(finalizer)) return { type: 'unchanged' };
      return { type: 'update', object: { ...live, metadata: { ...live.metadata, finalizers: (live.metadata.finalizers ?? []).filter((f) => f !== finalizer) } } };
    });
    return r.type === 'ok' || r.type === 'notFound' ? done : requeue;
  }

  /** solid / dangling / waiting, from the caches first and the API server when they do not know the uid. */
  private async classify(ref: OwnerReference, namespace: string): Promise<{ type: 'state'; state: OwnerState } | { type: 'retry' }> {
    const cached = this.findByUid(ref.uid);
    if (cached !== undefined) return { type: 'state', state: deletingDependents(cached.meta) ? 'waiting' : 'solid' };
    if (this.absent.has(ref.uid)) return { type: 'state', state: 'dangling' };
    const resource = refForObject({ apiVersion: ref.apiVersion, kind: ref.kind });
    if (resource === undefined) return { type: 'state', state: 'unresolvable' };
    const ns = isNamespaced(resource) === true ? namespace : undefined;
    const live = await attempt(this.deps.client.get<KubeObject>(resource, ns, ref.name));
    if (live.type === 'notFound' || (live.type === 'ok' && live.value.metadata.uid !== ref.uid)) {
      this.rememberAbsent(ref.uid);
      return { type: 'state', state: 'dangling' };
    }
    if (live.type !== 'ok') return { type: 'retry' };
    const m = live.value.metadata;
    const waiting = m.deletionTimestamp !== undefined && (m.finalizers ?? []).includes(FINALIZER_FOREGROUND);
    return { type: 'state', state: waiting ? 'waiting' : 'solid' };
  }

  private rememberAbsent(uid: string): void {
    this.absent.add(uid);
    if (this.absent.size > ABSENT_CACHE_SIZE) this.absent.delete(this.absent.values().next().value!);
  }
}
