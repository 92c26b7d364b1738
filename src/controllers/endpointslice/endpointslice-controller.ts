// The endpointslice controller's shell: Services with a selector get EndpointSlices for the
// pods they select. A pod change enqueues only the Services selecting it (SelectorIndex),
// and there is no batching delay (upstream waits up to 1 s to batch pod updates; we sync
// at once, which is what keeps Ready -> slice latency low). Services without a selector
// and ExternalName Services are left alone, as upstream leaves them.
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME, type EndpointSlice, type Node, type Pod, type Service } from '../../api/index.js';
import { Resources, type Informer, type ReconcileResult } from '../../client/index.js';
import { INDEX, endpointSlices, keyOf, nodes, pods, services, type Controller, type ControllerDeps } from '../informers.js';
import { POD_INDEX, type PodInfo } from '../pod-info.js';
import { ReconcileLoop, attempt, done, requeue } from '../reconcile-loop.js';
import { SelectorIndex } from '../selector-index.js';
import { LABEL_TOPOLOGY_ZONE, desiredGroups } from './desired-endpoints.js';
import { MANAGED_BY, reconcileSlices } from './slice-reconciler.js';
import { SliceTracker } from './slice-tracker.js';

export interface EndpointSliceControllerOptions {
  readonly workers?: number;
  readonly maxEndpointsPerSlice?: number;
}

/** The pod fields that change a pod's endpoint. */
function endpointRelevant(p: PodInfo): string {
  return JSON.stringify([p.podIPs, p.ready, p.deletionMs !== undefined, p.nodeName, p.phase, p.hostname, p.subdomain, p.ports, p.uid]);
}

export function selectsPods(svc: Service): boolean {
  const sel = svc.spec?.selector;
  return sel !== undefined && Object.keys(sel).length > 0 && svc.spec?.type !== 'ExternalName';
}

export class EndpointSliceController implements Controller {
  readonly name = 'endpointslice-controller';
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod, PodInfo>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly nodes: Informer<Node>;
  private readonly selectors = new SelectorIndex();
  private readonly tracker: SliceTracker;
  private readonly loop: ReconcileLoop;

  constructor(
    private readonly deps: ControllerDeps,
    private readonly opts: EndpointSliceControllerOptions = {},
  ) {
    this.services = services(deps.factory);
    this.pods = pods(deps.factory);
    this.slices = endpointSlices(deps.factory);
    this.nodes = nodes(deps.factory);
    this.tracker = new SliceTracker(deps.clock);
    // More workers than upstream's 5: under a creation storm the API server answers in
    // arrival order, so the share of requests in flight is what keeps slices prompt.
    this.loop = new ReconcileLoop({ name: this.name, workers: opts.workers ?? 16, clock: deps.clock, log: deps.log, reconcile: (k) => this.reconcile(k) });
    const onService = (svc: Service) => {
      const key = keyOf(svc.metadata.namespace, svc.metadata.name);
      this.selectors.set(key, svc.metadata.namespace ?? '', selectsPods(svc) ? svc.spec?.selector : undefined);
      this.loop.enqueue(key);
    };
    this.services.addHandler({
      onAdd: onService,
      onUpdate: (_, svc) => onService(svc),
      onDelete: (svc) => {
        const key = keyOf(svc.metadata.namespace, svc.metadata.name);
        this.selectors.delete(key);
        this.tracker.forget(key);
      },
    });
    this.pods.addHandler({
      // A new pod without an IP cannot be an endpoint yet; its update with an IP will come.
      onAdd: (p) => (p.podIPs.length > 0 ? this.enqueueFor(p) : undefined),
      onUpdate: (old, p) => {
        const labelsChanged = JSON.stringify(old.labels) !== JSON.stringify(p.labels);
        if (labelsChanged) this.enqueueFor(old);
        if (labelsChanged || endpointRelevant(old) !== endpointRelevant(p)) this.enqueueFor(p);
      },
      onDelete: (p) => this.enqueueFor(p),
    });
    const onSlice = (s: EndpointSlice) => {
      const svc = s.metadata.labels?.[LABEL_SERVICE_NAME];
      if (svc !== undefined && s.metadata.labels?.[LABEL_MANAGED_BY] === MANAGED_BY) this.loop.enqueue(keyOf(s.metadata.namespace, svc));
    };
    this.slices.addHandler({ onAdd: onSlice, onUpdate: (_, s) => onSlice(s), onDelete: onSlice });
  }

  start(synced: Promise<void>): void {
    this.loop.start(synced);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private enqueueFor(p: PodInfo): void {
    for (const key of this.selectors.matching(p.namespace, p.labels)) this.loop.enqueue(key);
  }

  private selectedPods(svc: Service): PodInfo[] {
    const sel = svc.spec?.selector ?? {};
    const ns = svc.metadata.namespace ?? '';
    const first = Object.entries(sel).sort(([a], [b]) => (a < b ? -1 : 1))[0];
    if (first === undefined) return [];
    return this.pods.byIndex(POD_INDEX.label, `${ns}/${first[0]}=${first[1]}`).filter((p) => Object.entries(sel).every(([k, v]) => p.labels[k] === v));
  }

  private zoneOf = (node: string): string | undefined => this.nodes.get(node)?.metadata.labels?.[LABEL_TOPOLOGY_ZONE];

  private async reconcile(key: string): Promise<ReconcileResult> {
    const svc = this.services.get(key);
    if (svc === undefined || !selectsPods(svc) || svc.metadata.deletionTimestamp !== undefined) return done;
    const existing = this.slices.byIndex(INDEX.serviceName, key).filter((s) => s.metadata.labels?.[LABEL_MANAGED_BY] === MANAGED_BY);
    // Our last write is not in the cache yet: its watch event will enqueue the Service again.
    if (this.tracker.stale(key, existing)) return done;
    const desired = desiredGroups(svc, this.selectedPods(svc), this.zoneOf);
    const actions = reconcileSlices(svc, desired, existing, this.opts.maxEndpointsPerSlice);
    const { client } = this.deps;
    for (const a of actions) {
      switch (a.type) {
        case 'create': {
          const r = await attempt(client.create<EndpointSlice>(Resources.endpointslices, svc.metadata.namespace, a.slice));
          if (r.type === 'ok') this.tracker.wrote(key, r.value);
          else return requeue;
          break;
        }
        case 'update': {
          const r = await attempt(client.update<EndpointSlice>(Resources.endpointslices, svc.metadata.namespace, a.slice));
          if (r.type === 'ok') this.tracker.wrote(key, r.value);
          else return requeue;
          break;
        }
        case 'delete': {
          const name = a.slice.metadata.name ?? '';
          const r = await attempt(client.delete(Resources.endpointslices, svc.metadata.namespace, name, { preconditions: { uid: a.slice.metadata.uid ?? '' } }));
          if (r.type === 'ok' || r.type === 'notFound') this.tracker.deleted(key, name);
          else return requeue;
          break;
        }
      }
    }
    return done;
  }
}
