// The endpoints controller's shell: keeps one v1 Endpoints per selector-based Service, named
// like the Service, mirroring its EndpointSlices (so the two never disagree about which pods
// are ready). Endpoints of Services without a selector belong to whoever wrote them, and
// default/kubernetes belongs to the API server: both are left alone. When a Service is
// deleted its Endpoints go with it, as upstream's controller deletes them.
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME, type EndpointSlice, type Endpoints, type Service } from '../../api/index.js';
import { Resources, type Informer, type ReconcileResult } from '../../client/index.js';
import { INDEX, endpointSlices, endpoints, keyOf, services, splitKey, type Controller, type ControllerDeps } from '../informers.js';
import { ReconcileLoop, attempt, done, requeue } from '../reconcile-loop.js';
import { selectsPods } from '../endpointslice/endpointslice-controller.js';
import { MANAGED_BY } from '../endpointslice/slice-reconciler.js';
import { endpointsAction } from './endpoints-from-slices.js';

export interface EndpointsControllerOptions {
  readonly workers?: number;
}

const API_SERVER_OWNED = 'default/kubernetes';

export class EndpointsController implements Controller {
  readonly name = 'endpoint-controller';
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly endpoints: Informer<Endpoints>;
  private readonly deletedServices = new Set<string>();
  private readonly loop: ReconcileLoop;

  constructor(
    private readonly deps: ControllerDeps,
    opts: EndpointsControllerOptions = {},
  ) {
    this.services = services(deps.factory);
    this.slices = endpointSlices(deps.factory);
    this.endpoints = endpoints(deps.factory);
    this.loop = new ReconcileLoop({ name: this.name, workers: opts.workers ?? 5, clock: deps.clock, log: deps.log, reconcile: (k) => this.reconcile(k) });
    const enqueueSvc = (s: Service) => this.loop.enqueue(keyOf(s.metadata.namespace, s.metadata.name));
    this.services.addHandler({
      onAdd: enqueueSvc,
      onUpdate: (_, s) => enqueueSvc(s),
      onDelete: (s) => {
        const key = keyOf(s.metadata.namespace, s.metadata.name);
        if (selectsPods(s)) this.deletedServices.add(key);
        this.loop.enqueue(key);
      },
    });
    const onSlice = (s: EndpointSlice) => {
      const svc = s.metadata.labels?.[LABEL_SERVICE_NAME];
      if (svc !== undefined && s.metadata.labels?.[LABEL_MANAGED_BY] === MANAGED_BY) this.loop.enqueue(keyOf(s.metadata.namespace, svc));
    };
    this.slices.addHandler({ onAdd: onSlice, onUpdate: (_, s) => onSlice(s), onDelete: onSlice });
    // Someone else edited or deleted our Endpoints: put them back.
    const onEndpoints = (e: Endpoints) => {
      const key = keyOf(e.metadata.namespace, e.metadata.name);
      const svc = this.services.get(key);
      if (svc !== undefined && selectsPods(svc)) this.loop.enqueue(key);
    };
    this.endpoints.addHandler({ onUpdate: (_, e) => onEndpoints(e), onDelete: onEndpoints });
  }

  start(synced: Promise<void>): void {
    this.loop.start(synced);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async reconcile(key: string): Promise<ReconcileResult> {
    if (key === API_SERVER_OWNED) return done;
    const { namespace, name } = splitKey(key);
    const svc = this.services.get(key);
    const current = this.endpoints.get(key);
    const { client } = this.deps;
    if (svc === undefined) {
      if (!this.deletedServices.delete(key) || current === undefined) return done;
      const r = await attempt(client.delete(Resources.endpoints, namespace, name, { preconditions: { uid: current.metadata.uid ?? '' } }));
      return r.type === 'failed' ? requeue : done;
    }
    if (!selectsPods(svc) || svc.metadata.deletionTimestamp !== undefined) return done;
    const slices = this.slices.byIndex(INDEX.serviceName, key).filter((s) => s.metadata.labels?.[LABEL_MANAGED_BY] === MANAGED_BY);
    const action = endpointsAction(svc, slices, current);
    switch (action.type) {
      case 'none':
        return done;
      case 'create': {
        const r = await attempt(client.create<Endpoints>(Resources.endpoints, namespace, action.endpoints));
        return r.type === 'ok' ? done : requeue;
      }
      case 'update': {
        const r = await attempt(client.update<Endpoints>(Resources.endpoints, namespace, action.endpoints));
        return r.type === 'ok' ? done : requeue;
      }
    }
  }
}
