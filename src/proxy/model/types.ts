// The proxy's renderer-neutral model: slim projections of Services and EndpointSlices,
// made once at the informer boundary (CONVENTIONS 2) and shared by every renderer
// (OpenFlow here; nftables / iptables later). Everything is immutable: a change makes a
// new record, so renderers and the applier can compare by identity first.

export type L4Protocol = 'TCP' | 'UDP' | 'SCTP';

/** "namespace/name" of a Service. */
export type ServiceName = string;

/**
 * "namespace/name:portName/PROTOCOL", e.g. "kube-system/kube-dns:dns/UDP". Port names are
 * unique within a Service, the protocol is kept in the key as kube-proxy's ServicePortName
 * does, so that an EndpointSlice port (name + protocol) finds its service port directly.
 */
export type ServicePortName = string;

export function servicePortName(service: ServiceName, portName: string, protocol: L4Protocol): ServicePortName {
  return `${service}:${portName}/${protocol}`;
}

export type SessionAffinity = { readonly kind: 'None' } | { readonly kind: 'ClientIP'; readonly timeoutSeconds: number };

/** Kubernetes' default ClientIP affinity timeout (3 hours). */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;

export type TrafficPolicy = 'Cluster' | 'Local';

/** One port of one proxied Service (kube-proxy's BaseServicePortInfo, slimmed). */
export interface ServicePortInfo {
  readonly name: ServicePortName;
  readonly service: ServiceName;
  readonly namespace: string;
  readonly serviceName: string;
  readonly portName: string;
  /** "namespace/name:portName" (or "namespace/name" for an unnamed port), for logs. */
  readonly display: string;
  readonly protocol: L4Protocol;
  /** spec.clusterIPs (at least one; "None" never appears, headless Services are not proxied). */
  readonly clusterIPs: readonly string[];
  readonly port: number;
  /** 0 = none. */
  readonly nodePort: number;
  /** status.loadBalancer.ingress[].ip of type LoadBalancer, except ipMode Proxy. */
  readonly loadBalancerIPs: readonly string[];
  readonly externalIPs: readonly string[];
  /** spec.loadBalancerSourceRanges (CIDRs) of type LoadBalancer; empty = no firewall. */
  readonly loadBalancerSourceRanges: readonly string[];
  readonly sessionAffinity: SessionAffinity;
  readonly externalTrafficPolicy: TrafficPolicy;
  /** 0 = none. */
  readonly healthCheckNodePort: number;
  readonly internalTrafficPolicy: TrafficPolicy;
  /** NodePort / LoadBalancer type or any externalIP (kube-proxy's ExternallyAccessible). */
  readonly externallyAccessible: boolean;
  /** Externally accessible and externalTrafficPolicy Local. */
  readonly externalPolicyLocal: boolean;
  readonly internalPolicyLocal: boolean;
  /** Some traffic to this port uses cluster-wide endpoints. */
  readonly usesClusterEndpoints: boolean;
  /** Some traffic to this port uses only this node's endpoints. */
  readonly usesLocalEndpoints: boolean;
}

/** A Service as the proxy sees it: its proxied ports (none for headless / ExternalName). */
export interface ServiceInfo {
  readonly name: ServiceName;
  readonly ports: readonly ServicePortInfo[];
}

/** One endpoint of one service port, resolved from the EndpointSlices of its Service. */
export interface EndpointInfo {
  /** "ip:port", unique within a service port. */
  readonly key: string;
  readonly ip: string;
  readonly port: number;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  /** "" when the slice does not say. */
  readonly nodeName: string;
  readonly zone: string;
  /** nodeName is this proxy's node. */
  readonly isLocal: boolean;
}

export interface SliceEndpoint {
  readonly ip: string;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly nodeName: string;
  readonly zone: string;
}

export interface SlicePort {
  readonly name: string;
  readonly protocol: L4Protocol;
  readonly port: number;
}

/** An EndpointSlice as the proxy sees it. */
export interface EndpointSliceInfo {
  /** "namespace/sliceName" */
  readonly key: string;
  /** From the kubernetes.io/service-name label; undefined = not ours to proxy. */
  readonly service: ServiceName | undefined;
  readonly addressType: string;
  readonly ports: readonly SlicePort[];
  readonly endpoints: readonly SliceEndpoint[];
  /** endpoints.kubernetes.io/last-change-trigger-time in ms since the epoch, if present and valid. */
  readonly triggerTime: number | undefined;
}

/** The node the proxy programs. */
export interface NodeInfo {
  readonly name: string;
  /** Addresses NodePorts answer on (IPv4 ones are rendered). */
  readonly nodeIPs: readonly string[];
  readonly zone: string;
}

/** Endpoints of the service ports of one Service. */
export type EndpointsByPort = ReadonlyMap<ServicePortName, readonly EndpointInfo[]>;
