// What a Service's EndpointSlices should contain (pkg/controller/endpointslice/utils.go
// podToEndpoint, getEndpointPorts): one endpoint per pod that matches the selector, has an
// IP of the address type and is not finished; grouped by the ports the pod resolves the
// Service's targetPorts to (a named targetPort resolves per pod, so pods disagreeing on it
// land in different slices, as upstream).
import type { AddressType, Endpoint, EndpointSlicePort, Protocol, Service, ServicePort } from '../../api/index.js';
import type { PodInfo } from '../pod-info.js';

export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

/** A group of endpoints sharing one port list. */
export interface EndpointGroup {
  readonly addressType: AddressType;
  readonly ports: readonly EndpointSlicePort[];
  /** endpoints by their address */
  readonly endpoints: Map<string, Endpoint>;
}

/** addressType + canonical port list: the identity of a group (upstream's endpointMeta hash). */
export function groupKey(addressType: string, ports: readonly EndpointSlicePort[]): string {
  const canon = ports
    .map((p) => `${p.name ?? ''}/${p.protocol ?? 'TCP'}/${p.port ?? ''}/${p.appProtocol ?? ''}`)
    .sort()
    .join(',');
  return `${addressType}|${canon}`;
}

/** The address types a Service's slices carry: its ipFamilies (IPv4 when unset). */
export function addressTypesOf(svc: Service): AddressType[] {
  const fams = svc.spec?.ipFamilies;
  if (fams !== undefined && fams.length > 0) return [...fams];
  const ip = svc.spec?.clusterIP;
  return ip !== undefined && ip.includes(':') ? ['IPv6'] : ['IPv4'];
}

/** podutil.FindPort: a number as is, a name looked up among the pod's container ports of that protocol. */
export function resolveTargetPort(pod: PodInfo, sp: ServicePort): number | undefined {
  const tp = sp.targetPort ?? sp.port;
  if (typeof tp === 'number') return tp;
  const n = Number(tp);
  if (tp !== '' && Number.isInteger(n)) return n;
  const proto: Protocol = sp.protocol ?? 'TCP';
  return pod.ports.find((p) => p.name === tp && p.protocol === proto)?.containerPort;
}

export function endpointPorts(svc: Service, pod: PodInfo): EndpointSlicePort[] {
  const out: EndpointSlicePort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = resolveTargetPort(pod, sp);
    if (port === undefined) continue; // upstream skips a port the pod cannot resolve
    out.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol !== undefined ? { appProtocol: sp.appProtocol } : {}) });
  }
  return out;
}

const isV6 = (ip: string) => ip.includes(':');

/** ShouldPodBeInEndpoints(pod, includeTerminating=true). */
export function podServes(p: PodInfo): boolean {
  return p.phase !== 'Succeeded' && p.phase !== 'Failed' && p.podIPs.length > 0;
}

export function podToEndpoint(svc: Service, pod: PodInfo, address: string, zoneOf: (node: string) => string | undefined): Endpoint {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const serving = publishNotReady || pod.ready;
  const terminating = pod.deletionMs !== undefined;
  // For compatibility "ready" is never true for a terminating pod, unless publishNotReadyAddresses.
  const ready = publishNotReady || (serving && !terminating);
  const ep: Endpoint = {
    addresses: [address],
    conditions: { ready, serving, terminating },
  };
  if (pod.hostname !== undefined && pod.hostname !== '' && pod.subdomain === svc.metadata.name && pod.namespace === svc.metadata.namespace) ep.hostname = pod.hostname;
  ep.targetRef = { kind: 'Pod', namespace: pod.namespace, name: pod.name, uid: pod.uid };
  if (pod.nodeName !== '') {
    ep.nodeName = pod.nodeName;
    const zone = zoneOf(pod.nodeName);
    if (zone !== undefined && zone !== '') ep.zone = zone;
  }
  return ep;
}

/** The desired groups of a Service, keyed by groupKey. */
export function desiredGroups(svc: Service, pods: readonly PodInfo[], zoneOf: (node: string) => string | undefined): Map<string, EndpointGroup> {
  const groups = new Map<string, EndpointGroup>();
  const types = addressTypesOf(svc).filter((t): t is 'IPv4' | 'IPv6' => t === 'IPv4' || t === 'IPv6');
  for (const pod of pods) {
    if (!podServes(pod)) continue;
    const ports = endpointPorts(svc, pod);
    for (const t of types) {
      const ip = pod.podIPs.find((a) => isV6(a) === (t === 'IPv6'));
      if (ip === undefined) continue;
      const key = groupKey(t, ports);
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { addressType: t, ports, endpoints: new Map() }));
      g.endpoints.set(ip, podToEndpoint(svc, pod, ip, zoneOf));
    }
  }
  return groups;
}
