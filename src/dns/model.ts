// Slim projections of the API objects DNS needs (CONVENTIONS 2): made once at the
// informer boundary, so the answer engine never sees a full object. Addresses are in
// canonical text (RFC 5952 for IPv6), names as stored (Kubernetes names are lower case).

export interface DnsPort {
  /** "" for an unnamed port. */
  readonly name: string;
  /** "TCP" | "UDP" | "SCTP" as in the API; compared case-insensitively. */
  readonly protocol: string;
  /** -1 when the port number is unset (EndpointSlice ports may omit it). */
  readonly port: number;
}

export type DnsServiceKind =
  | { readonly type: 'ClusterIP'; readonly clusterIPs: readonly string[] }
  | { readonly type: 'Headless' }
  | { readonly type: 'ExternalName'; readonly externalName: string };

export interface DnsService {
  readonly namespace: string;
  readonly name: string;
  readonly kind: DnsServiceKind;
  readonly ports: readonly DnsPort[];
}

export interface DnsEndpoint {
  readonly addresses: readonly string[];
  readonly hostname?: string;
  /** EndpointSlice `conditions.ready`, where unset means ready. */
  readonly ready: boolean;
}

export interface DnsEndpointSlice {
  readonly namespace: string;
  readonly name: string;
  /** From the kubernetes.io/service-name label; "" when the label is missing. */
  readonly serviceName: string;
  readonly addressType: 'IPv4' | 'IPv6' | 'FQDN';
  readonly ports: readonly DnsPort[];
  readonly endpoints: readonly DnsEndpoint[];
}

export interface DnsPod {
  readonly namespace: string;
  readonly name: string;
  readonly ips: readonly string[];
}

export type PodRecordsMode = 'disabled' | 'insecure' | 'verified';
