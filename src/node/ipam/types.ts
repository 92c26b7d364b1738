// What the node agent asks of pod IPAM. Two implementations: NSX style (namespace subnets,
// cluster-wide records in ConfigMaps) and node-CIDR style (one block per node).

export interface IpamRequest {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  /** The address the pod's status already shows (re-adoption after an agent restart). */
  readonly hint?: string | undefined;
}

export type IpamOutcome =
  | {
      readonly kind: 'allocated';
      readonly ip: string;
      readonly gateway: string;
      readonly prefixLength: number;
      readonly subnet: string;
    }
  | {
      readonly kind: 'failed';
      /** exhausted: no address or subnet left; unavailable: records or podCIDR not reachable yet. */
      readonly reason: 'exhausted' | 'unavailable';
      readonly message: string;
    };

export interface PodIpam {
  /** Idempotent per pod UID: the same pod always gets the same address while it holds one. */
  allocate(req: IpamRequest): Promise<IpamOutcome>;
  /** Gives back whatever the pod holds (no-op when it holds nothing). */
  release(req: Pick<IpamRequest, 'uid' | 'namespace' | 'name'>): Promise<void>;
  /** Once the agent knows every pod bound to it: drop this node's allocations for other pods. */
  reconcile(live: readonly IpamRequest[]): Promise<void>;
}
