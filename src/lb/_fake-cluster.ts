// Test-only: an in-memory ListWatcher (Services, EndpointSlices) delivering watch events
// on a microtask, like a stream.
import type { KubeList, KubeObject } from '../api/index.js';
import type { ListOptions, ListWatcher, ResourceRef, WatchEnd, WatchEvent, WatchHandle, WatchOptions } from '../client/index.js';

type Sink = { readonly resource: string; readonly onEvent: (ev: WatchEvent<KubeObject>) => void; stopped: boolean };

const resourceOf = (o: KubeObject) => (o.kind === 'Service' ? 'services' : o.kind === 'EndpointSlice' ? 'endpointslices' : `${(o.kind ?? '').toLowerCase()}s`);
const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

export class FakeCluster implements ListWatcher {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly sinks = new Set<Sink>();
  private rv = 1;

  put(obj: KubeObject): void {
    const m = this.of(resourceOf(obj));
    const type = m.has(keyOf(obj)) ? 'MODIFIED' : 'ADDED';
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } } as KubeObject;
    m.set(keyOf(obj), stored);
    this.emit(resourceOf(obj), type, stored);
  }

  delete(obj: KubeObject): void {
    const m = this.of(resourceOf(obj));
    const old = m.get(keyOf(obj));
    if (old === undefined) return;
    m.delete(keyOf(obj));
    this.emit(resourceOf(obj), 'DELETED', { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.rv) } } as KubeObject);
  }

  async list<T extends KubeObject = KubeObject>(ref: ResourceRef, _ns: string | undefined, _o: ListOptions = {}): Promise<KubeList<T>> {
    await Promise.resolve();
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(this.rv) }, items: [...this.of(ref.resource).values()] as T[] };
  }

  watch<T extends KubeObject = KubeObject>(ref: ResourceRef, _ns: string | undefined, _o: WatchOptions, onEvent: (ev: WatchEvent<T>) => void, _onEnd: (end: WatchEnd) => void): WatchHandle {
    const s: Sink = { resource: ref.resource, onEvent: onEvent as (ev: WatchEvent<KubeObject>) => void, stopped: false };
    this.sinks.add(s);
    return { stop: () => ((s.stopped = true), this.sinks.delete(s)) };
  }

  private emit(resource: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void {
    const targets = [...this.sinks].filter((s) => s.resource === resource);
    queueMicrotask(() => {
      for (const s of targets) if (!s.stopped) s.onEvent({ type, object });
    });
  }

  private of(resource: string): Map<string, KubeObject> {
    let m = this.objects.get(resource);
    if (m === undefined) this.objects.set(resource, (m = new Map()));
    return m;
  }
}
