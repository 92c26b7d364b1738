// What kube-apiserver creates for itself at start: the system namespaces and the
// `kubernetes` Service in `default` (first address of the service range, port https
// 443) with Endpoints and an EndpointSlice pointing at the advertised API address.
import type { KubeObject } from '../api/index.js';
import type { ResourceService } from './resource-service.js';
import type { ServedResource } from './served-resource.js';
import { ApiError } from './status.js';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

export interface BootstrapConfig {
  readonly kubernetesServiceIP: string;
  readonly advertiseAddress: string;
  readonly advertisePort: number;
  readonly extraNamespaces?: readonly string[];
  /** Told when the `kubernetes` endpoints cannot be written (e.g. a loopback advertise address fails validation). */
  readonly warn?: (message: string) => void;
}

async function ensure(svc: ResourceService, def: ServedResource | undefined, ns: string | undefined, obj: KubeObject, reconcile?: (cur: KubeObject) => KubeObject | undefined): Promise<void> {
  if (def === undefined) return;
  // Look first: on a restart everything exists, and a create would trip over its own allocations.
  const existing = await svc.storage(def).get(ns, obj.metadata.name!);
  if (existing === undefined) {
    try {
      await svc.create(def, ns, obj, { fieldManager: 'kube-apiserver' });
      return;
    } catch (e) {
      if (!(e instanceof ApiError && e.status.reason === 'AlreadyExists')) throw e;
    }
  }
  if (reconcile === undefined) return;
  await svc.update(def, ns, obj.metadata.name!, undefined, (cur) => reconcile(cur!) ?? cur!, { fromPatch: true });
}

export async function bootstrapCluster(svc: ResourceService, lookup: (group: string, kind: string) => ServedResource | undefined, cfg: BootstrapConfig): Promise<void> {
  for (const name of [...systemNamespaces, ...(cfg.extraNamespaces ?? [])]) {
    await ensure(svc, lookup('', 'Namespace'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  const port = { name: 'https', port: cfg.advertisePort, protocol: 'TCP' };
  await ensure(svc, lookup('', 'Service'), 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: cfg.kubernetesServiceIP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: cfg.advertisePort }], sessionAffinity: 'None' },
  } as KubeObject);
  const endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: cfg.advertiseAddress }], ports: [port] }],
  } as KubeObject;
  // As upstream's endpoint reconciler: an advertise address the Endpoints validation refuses
  // (loopback) is logged and the server still starts, just without those endpoints.
  const soft = async (what: string, p: Promise<void>) => {
    try {
      await p;
    } catch (e) {
      if (!(e instanceof ApiError && e.status.reason === 'Invalid')) throw e;
      cfg.warn?.(`${what}: ${e.message}`);
    }
  };
  await soft('endpoints', ensure(svc, lookup('', 'Endpoints'), 'default', endpoints, (cur) => ({ ...cur, subsets: (endpoints as unknown as { subsets: unknown }).subsets }) as KubeObject));
  const slice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: cfg.advertiseAddress.includes(':') ? 'IPv6' : 'IPv4',
    endpoints: [{ addresses: [cfg.advertiseAddress], conditions: { ready: true } }],
    ports: [port],
  } as KubeObject;
  await soft('endpointslice', ensure(svc, lookup('discovery.k8s.io', 'EndpointSlice'), 'default', slice, (cur) => ({ ...cur, endpoints: (slice as unknown as { endpoints: unknown }).endpoints, ports: [port] }) as KubeObject));
}
