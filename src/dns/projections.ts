// API objects -> the slim DNS records of model.ts. Pure functions, handed to informers
// as `transform`, so caches hold only what DNS answers from.
import { CLUSTER_IP_NONE, LABEL_SERVICE_NAME, type EndpointSlice, type Namespace, type Pod, type Service } from '../api/index.js';
import { canonicalIPText } from './ip-text.js';
import type { DnsEndpointSlice, DnsPod, DnsPort, DnsService } from './model.js';

const canonicalIP = canonicalIPText;

export function serviceToDns(svc: Service): DnsService {
  const namespace = svc.metadata.namespace ?? '';
  const name = svc.metadata.name ?? '';
  const ports: DnsPort[] = (svc.spec?.ports ?? []).map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port }));
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName') return { namespace, name, kind: { type: 'ExternalName', externalName: (spec.externalName ?? '').replace(/\.$/, '') }, ports };
  const ips = spec.clusterIPs !== undefined && spec.clusterIPs.length > 0 ? spec.clusterIPs : spec.clusterIP !== undefined ? [spec.clusterIP] : [];
  if (ips[0] === CLUSTER_IP_NONE) return { namespace, name, kind: { type: 'Headless' }, ports };
  const clusterIPs: string[] = [];
  for (const ip of ips) {
    const c = canonicalIP(ip);
    if (c !== undefined) clusterIPs.push(c);
  }
  return { namespace, name, kind: { type: 'ClusterIP', clusterIPs }, ports };
}

export function endpointSliceToDns(slice: EndpointSlice): DnsEndpointSlice {
  const addressType = slice.addressType;
  return {
    namespace: slice.metadata.namespace ?? '',
    name: slice.metadata.name ?? '',
    serviceName: slice.metadata.labels?.[LABEL_SERVICE_NAME] ?? '',
    addressType,
    ports: (slice.ports ?? []).map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port ?? -1 })),
    endpoints: (slice.endpoints ?? []).map((ep) => {
      const addresses = addressType === 'FQDN' ? [] : ep.addresses.map(canonicalIP).filter((a): a is string => a !== undefined);
      return {
        addresses,
        ...(ep.hostname !== undefined && ep.hostname !== '' ? { hostname: ep.hostname } : {}),
        ready: ep.conditions?.ready ?? true,
      };
    }),
  };
}

export function podToDns(pod: Pod): DnsPod {
  const ips = new Set<string>();
  for (const p of pod.status?.podIPs ?? []) {
    const c = canonicalIP(p.ip);
    if (c !== undefined) ips.add(c);
  }
  if (pod.status?.podIP !== undefined) {
    const c = canonicalIP(pod.status.podIP);
    if (c !== undefined) ips.add(c);
  }
  return { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', ips: [...ips] };
}

export function namespaceToDns(ns: Namespace): string {
  return ns.metadata.name ?? '';
}
