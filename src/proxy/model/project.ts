// Projections at the informer boundary: API objects -> the slim records of types.ts.
// Pure functions; the informers store only their results (Informer `transform`).
import { CLUSTER_IP_NONE, LABEL_SERVICE_NAME, type EndpointSlice, type Node, type Service } from '../../api/index.js';
import {
  DEFAULT_AFFINITY_TIMEOUT_SECONDS,
  servicePortName,
  type EndpointSliceInfo,
  type L4Protocol,
  type ServiceInfo,
  type ServicePortInfo,
  type SessionAffinity,
} from './types.js';

export const ANNOTATION_LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

function protocolOf(p: string | undefined): L4Protocol {
  return p === 'UDP' || p === 'SCTP' ? p : 'TCP';
}

function serviceKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/**
 * kube-proxy's ShouldSkipService: headless (clusterIP None or unset) and ExternalName
 * Services are not proxied; such a Service projects to no ports.
 */
export function projectService(svc: Service): ServiceInfo {
  const namespace = svc.metadata.namespace ?? '';
  const name = svc.metadata.name ?? '';
  const key = serviceKey(namespace, name);
  const spec = svc.spec ?? {};
  const clusterIP = spec.clusterIP ?? '';
  if (spec.type === 'ExternalName' || clusterIP === '' || clusterIP === CLUSTER_IP_NONE) return { name: key, ports: [] };
  const clusterIPs = spec.clusterIPs !== undefined && spec.clusterIPs.length > 0 ? [...spec.clusterIPs] : [clusterIP];
  const type = spec.type ?? 'ClusterIP';
  const hasNodePorts = type === 'NodePort' || type === 'LoadBalancer';
  const loadBalancerIPs =
    type === 'LoadBalancer'
      ? (svc.status?.loadBalancer?.ingress ?? []).filter((i) => i.ip !== undefined && i.ip !== '' && i.ipMode !== 'Proxy').map((i) => i.ip as string)
      : [];
  const externalIPs = [...(spec.externalIPs ?? [])];
  const loadBalancerSourceRanges = type === 'LoadBalancer' ? (spec.loadBalancerSourceRanges ?? []).map((r) => r.trim()).filter((r) => r !== '') : [];
  const externallyAccessible = hasNodePorts || externalIPs.length > 0;
  const externalTrafficPolicy = spec.externalTrafficPolicy === 'Local' ? 'Local' : 'Cluster';
  const internalTrafficPolicy = spec.internalTrafficPolicy === 'Local' ? 'Local' : 'Cluster';
  const externalPolicyLocal = externallyAccessible && externalTrafficPolicy === 'Local';
  const internalPolicyLocal = internalTrafficPolicy === 'Local';
  const sessionAffinity: SessionAffinity =
    spec.sessionAffinity === 'ClientIP'
      ? { kind: 'ClientIP', timeoutSeconds: spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS }
      : { kind: 'None' };
  const healthCheckNodePort = externalPolicyLocal && type === 'LoadBalancer' ? (spec.healthCheckNodePort ?? 0) : 0;
  const ports: ServicePortInfo[] = (spec.ports ?? []).map((p) => {
    const portName = p.name ?? '';
    const protocol = protocolOf(p.protocol);
    return {
      name: servicePortName(key, portName, protocol),
      service: key,
      namespace,
      serviceName: name,
      portName,
      display: portName === '' ? key : `${key}:${portName}`,
      protocol,
      clusterIPs,
      port: p.port,
      nodePort: hasNodePorts ? (p.nodePort ?? 0) : 0,
      loadBalancerIPs,
      externalIPs,
      loadBalancerSourceRanges,
      sessionAffinity,
      externalTrafficPolicy,
      healthCheckNodePort,
      internalTrafficPolicy,
      externallyAccessible,
      externalPolicyLocal,
      internalPolicyLocal,
      // kube-proxy: cluster endpoints unless every use of the port is policy Local.
      usesClusterEndpoints: !internalPolicyLocal || (externallyAccessible && !externalPolicyLocal),
      usesLocalEndpoints: internalPolicyLocal || externalPolicyLocal,
    };
  });
  return { name: key, ports };
}

/** RFC 3339 (any fraction) -> ms since the epoch; undefined when absent or unparsable. */
export function parseTriggerTime(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * EndpointSlice -> EndpointSliceInfo. Conditions default as kube-proxy reads them:
 * ready and serving when unset, not terminating when unset. Only the first address of an
 * endpoint counts (all addresses of one endpoint are fungible, as in kube-proxy).
 */
export function projectEndpointSlice(slice: EndpointSlice): EndpointSliceInfo {
  const namespace = slice.metadata.namespace ?? '';
  const svcName = slice.metadata.labels?.[LABEL_SERVICE_NAME];
  return {
    key: `${namespace}/${slice.metadata.name ?? ''}`,
    service: svcName === undefined || svcName === '' ? undefined : serviceKey(namespace, svcName),
    addressType: slice.addressType,
    ports: (slice.ports ?? [])
      .filter((p) => p.port !== undefined && p.port !== 0)
      .map((p) => ({ name: p.name ?? '', protocol: protocolOf(p.protocol), port: p.port as number })),
    endpoints: (slice.endpoints ?? [])
      .filter((e) => e.addresses.length > 0)
      .map((e) => ({
        ip: e.addresses[0] as string,
        ready: e.conditions?.ready ?? true,
        serving: e.conditions?.serving ?? true,
        terminating: e.conditions?.terminating ?? false,
        nodeName: e.nodeName ?? '',
        zone: e.zone ?? '',
      })),
    triggerTime: parseTriggerTime(slice.metadata.annotations?.[ANNOTATION_LAST_CHANGE_TRIGGER_TIME]),
  };
}

export interface NodeProjection {
  readonly name: string;
  /** InternalIP addresses first, then ExternalIP ones (the order kube-proxy prefers). */
  readonly addresses: readonly string[];
  readonly zone: string;
}

export function projectNode(node: Node): NodeProjection {
  const addrs = node.status?.addresses ?? [];
  return {
    name: node.metadata.name ?? '',
    addresses: [...addrs.filter((a) => a.type === 'InternalIP'), ...addrs.filter((a) => a.type === 'ExternalIP')].map((a) => a.address),
    zone: node.metadata.labels?.[LABEL_TOPOLOGY_ZONE] ?? '',
  };
}
