// EndpointSliceTracker (pkg/controller/endpointslice/endpointslice_tracker.go): remembers
// the slices this controller wrote until the informer shows them, so a sync never acts on
// a cache that predates its own writes (which could create a duplicate slice or PUT a stale
// resourceVersion). resourceVersions are compared numerically when both are integers, as
// our store and etcd issue them; otherwise only equality counts as caught up.
// An entry older than the TTL is dropped: the slice may have been deleted by someone else
// before the cache ever showed our write, and a sync must not wait for it forever.
import type { EndpointSlice } from '../../api/index.js';
import type { Clock } from '../../core/index.js';

type Written = ({ readonly type: 'written'; readonly rv: string } | { readonly type: 'deleted' }) & { readonly at: number };

function atLeast(have: string | undefined, want: string): boolean {
  if (have === undefined) return false;
  if (have === want) return true;
  const a = Number(have);
  const b = Number(want);
  return Number.isSafeInteger(a) && Number.isSafeInteger(b) && a >= b;
}

export class SliceTracker {
  private readonly byService = new Map<string, Map<string, Written>>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 30_000,
  ) {}

  wrote(service: string, slice: EndpointSlice): void {
    this.entry(service).set(slice.metadata.name ?? '', { type: 'written', rv: slice.metadata.resourceVersion ?? '', at: this.clock.now() });
  }

  deleted(service: string, name: string): void {
    this.entry(service).set(name, { type: 'deleted', at: this.clock.now() });
  }

  forget(service: string): void {
    this.byService.delete(service);
  }

  /** True while the cache misses one of our writes; entries the cache has caught up with are dropped. */
  stale(service: string, cached: readonly EndpointSlice[]): boolean {
    const m = this.byService.get(service);
    if (m === undefined) return false;
    const byName = new Map(cached.map((s) => [s.metadata.name ?? '', s]));
    let stale = false;
    const now = this.clock.now();
    for (const [name, w] of m) {
      const have = byName.get(name);
      const caughtUp = now - w.at > this.ttlMs || (w.type === 'deleted' ? have === undefined : atLeast(have?.metadata.resourceVersion, w.rv));
      if (caughtUp) m.delete(name);
      else stale = true;
    }
    if (m.size === 0) this.byService.delete(service);
    return stale;
  }

  private entry(service: string): Map<string, Written> {
    let m = this.byService.get(service);
    if (m === undefined) this.byService.set(service, (m = new Map()));
    return m;
  }
}
