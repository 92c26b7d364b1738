// The NSX objects NCP creates for LoadBalancer Services, as plain data: one load balancer
// per cluster (on its own Tier-1), per Service port a virtual server and a server pool.
// Rendered from Kubernetes state by build-model.ts, applied as a diff (diff-model.ts).

export type LbProtocol = 'TCP' | 'UDP';

/** NSX tags are scope/tag pairs; NCP puts the Kubernetes identity in them. */
export interface NsxTag {
  readonly scope: string;
  readonly tag: string;
}

export interface PoolMember {
  readonly ip: string;
  readonly port: number;
  /** The pod behind the address, when the EndpointSlice names it (display only). */
  readonly pod?: string;
}

export interface ServerPool {
  readonly name: string;
  /** NSX LbPool algorithm; the engine implements it (see README). */
  readonly algorithm: 'ROUND_ROBIN';
  /** One-arm: the LB sources connections to members from its uplink address. */
  readonly snat: 'AUTOMAP';
  /** Sorted by ip then port. */
  readonly members: readonly PoolMember[];
  /** Always empty: readiness comes from Kubernetes (the article's point). */
  readonly healthMonitors: readonly string[];
  readonly tags: readonly NsxTag[];
}

export interface VirtualServer {
  readonly name: string;
  readonly vip: string;
  readonly port: number;
  readonly protocol: LbProtocol;
  readonly pool: string;
  readonly tags: readonly NsxTag[];
}

export interface NsxLoadBalancerObj {
  /** `lb-<cluster>-<suffix>`. */
  readonly name: string;
  /** The Tier-1 it is attached to (same name as the load balancer, as NCP does). */
  readonly tier1: string;
  readonly size: 'SMALL';
  readonly tags: readonly NsxTag[];
}

export interface NsxLbModel {
  readonly loadBalancer: NsxLoadBalancerObj;
  /** Sorted by name. */
  readonly virtualServers: readonly VirtualServer[];
  /** Sorted by name. */
  readonly pools: readonly ServerPool[];
}

/** Why a Service contributes nothing (for logs and status). */
export type SkipReason =
  | { readonly kind: 'not-load-balancer' }
  | { readonly kind: 'foreign-class'; readonly loadBalancerClass: string }
  | { readonly kind: 'no-ingress' };
