// Keeps a DnsIndex in step with the cluster through shared informers (list + watch of
// Services, EndpointSlices and Namespaces; Pods only for `pods verified`, as CoreDNS
// watches them only then). Objects are projected at the informer boundary, so the
// informer caches hold the slim records too. The index is marked synced once every
// informer has delivered its first list; until then unknown names answer SERVFAIL.
import type { EndpointSlice, Namespace, Pod, Service } from '../api/index.js';
import { Resources, type InformerFactory, type InformerHandler } from '../client/index.js';
import type { DnsIndex } from './cluster-index.js';
import type { DnsEndpointSlice, DnsPod, DnsService, PodRecordsMode } from './model.js';
import { endpointSliceToDns, namespaceToDns, podToDns, serviceToDns } from './projections.js';

export interface DnsFeedOptions {
  readonly pods?: PodRecordsMode;
}

export interface DnsFeed {
  /** Resolves when the index has its first full view of the cluster. */
  readonly synced: Promise<void>;
  stop(): void;
}

export function feedDnsIndex(factory: InformerFactory, index: DnsIndex, opts: DnsFeedOptions = {}): DnsFeed {
  const removers: (() => void)[] = [];
  const waits: Promise<void>[] = [];

  const services = factory.informer<Service, DnsService>(Resources.services, { transform: serviceToDns });
  removers.push(services.addHandler(handler((s) => index.upsertService(s), (s) => index.deleteService(s.namespace, s.name))));
  waits.push(services.hasSynced());

  const slices = factory.informer<EndpointSlice, DnsEndpointSlice>(Resources.endpointslices, { transform: endpointSliceToDns });
  removers.push(slices.addHandler(handler((s) => index.upsertSlice(s), (s) => index.deleteSlice(s.namespace, s.name))));
  waits.push(slices.hasSynced());

  const namespaces = factory.informer<Namespace, string>(Resources.namespaces, { transform: namespaceToDns });
  removers.push(namespaces.addHandler(handler((n) => index.upsertNamespace(n), (n) => index.deleteNamespace(n))));
  waits.push(namespaces.hasSynced());

  if (opts.pods === 'verified') {
    const pods = factory.informer<Pod, DnsPod>(Resources.pods, { transform: podToDns });
    removers.push(pods.addHandler(handler((p) => index.upsertPod(p), (p) => index.deletePod(p.namespace, p.name))));
    waits.push(pods.hasSynced());
  }

  factory.start();
  let stopped = false;
  const synced = Promise.all(waits).then(() => {
    if (!stopped) index.setSynced(true);
  });
  return {
    synced,
    stop: () => {
      stopped = true;
      for (const r of removers) r();
    },
  };
}

function handler<P>(upsert: (p: P) => void, remove: (p: P) => void): InformerHandler<P> {
  return { onAdd: upsert, onUpdate: (_old, p) => upsert(p), onDelete: remove };
}
