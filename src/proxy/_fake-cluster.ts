// Test-only: an in-memory ListWatcher over several resources (Services, EndpointSlices,
// Nodes), with a global resourceVersion, field selector `metadata.name=X`, and watch
// replay from a resourceVersion. Events are delivered on a microtask, like a stream.
import type { KubeList, KubeObject } from '../api/index.js';
import type { ListOptions, ListWatcher, ResourceRef, WatchEnd, WatchEvent, WatchHandle, WatchOptions } from '../client/index.js';

interface Watcher {
  readonly resource: string;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly onEvent: (ev: WatchEvent<KubeObject>) => void;
  stopped: boolean;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

const nameFilter = (fieldSelector: string | undefined) => /^metadata\.name=(.+)$/.exec(fieldSelector ?? '')?.[1];

export class FakeCluster implements ListWatcher {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: { rv: number; resource: string; type: EventType; object: KubeObject }[] = [];
  private readonly watchers = new Set<Watcher>();
  private rv = 1;

  constructor(private readonly resourceOf: (obj: KubeObject) => string = defaultResourceOf) {}

  /** Creates or replaces an object (ADDED / MODIFIED). */
  put(obj: KubeObject): void {
    const resource = this.resourceOf(obj);
    const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
    const byKey = this.byResource(resource);
    const type: EventType = byKey.has(key) ? 'MODIFIED' : 'ADDED';
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } } as KubeObject;
    byKey.set(key, stored);
    this.emit(resource, type, stored);
  }

  delete(obj: KubeObject): void {
    const resource = this.resourceOf(obj);
    const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
    const old = this.byResource(resource).get(key);
    if (old === undefined) return;
    this.byResource(resource).delete(key);
    this.emit(resource, 'DELETED', { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.rv) } } as KubeObject);
  }

  async list<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, opts: ListOptions = {}): Promise<KubeList<T>> {
    await Promise.resolve();
    const name = nameFilter(opts.fieldSelector);
    const items = [...this.byResource(ref.resource).values()].filter((o) => this.selected(o, namespace, name));
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(this.rv) }, items: items as T[] };
  }

  watch<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    namespace: string | undefined,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent<T>) => void,
    _onEnd: (end: WatchEnd) => void,
  ): WatchHandle {
    const w: Watcher = {
      resource: ref.resource,
      namespace,
      name: nameFilter(opts.fieldSelector),
      onEvent: onEvent as (ev: WatchEvent<KubeObject>) => void,
      stopped: false,
    };
    const from = Number(opts.resourceVersion ?? '0');
    const replay = this.history.filter((h) => h.rv > from && h.resource === ref.resource);
    this.watchers.add(w);
    queueMicrotask(() => {
      for (const h of replay) this.deliver(w, h.type, h.object);
    });
    return {
      stop: () => {
        w.stopped = true;
        this.watchers.delete(w);
      },
    };
  }

  private emit(resource: string, type: EventType, object: KubeObject): void {
    this.history.push({ rv: this.rv, resource, type, object });
    const targets = [...this.watchers].filter((w) => w.resource === resource);
    queueMicrotask(() => {
      for (const w of targets) this.deliver(w, type, object);
    });
  }

  private deliver(w: Watcher, type: EventType, object: KubeObject): void {
    if (w.stopped || !this.selected(object, w.namespace, w.name)) return;
    w.onEvent({ type, object });
  }

  private selected(o: KubeObject, namespace: string | undefined, name: string | undefined): boolean {
    return (namespace === undefined || o.metadata.namespace === namespace) && (name === undefined || o.metadata.name === name);
  }

  private byResource(resource: string): Map<string, KubeObject> {
    let m = this.objects.get(resource);
    if (m === undefined) this.objects.set(resource, (m = new Map()));
    return m;
  }
}

function defaultResourceOf(obj: KubeObject): string {
  switch (obj.kind) {
    case 'Service':
      return 'services';
    case 'EndpointSlice':
      return 'endpointslices';
    case 'Node':
      return 'nodes';
    default:
      return `${(obj.kind ?? 'unknown').toLowerCase()}s`;
  }
}
