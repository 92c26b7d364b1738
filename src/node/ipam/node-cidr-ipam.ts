// Generic (kube-proxy / bridge CNI style) pod IPAM: each node owns one block, its
// node.spec.podCIDR (10.244.N.0/24), and hands out addresses from it alone, so no
// coordination is needed. The table lives in memory; after an agent restart it is rebuilt
// from the pods themselves (their status.podIP arrives as the allocation hint), which keeps
// every running pod's address.
import { allocateAddress, releaseAddress, subnetInfo, type AddressTable } from './address-pool.js';
import type { IpamOutcome, IpamRequest, PodIpam } from './types.js';

export class NodeCidrIpam implements PodIpam {
  private table: AddressTable = new Map();

  /** `podCIDR` is read at each allocation: the node's CIDR may be assigned after the agent starts. */
  constructor(
    private readonly nodeName: string,
    private readonly podCIDR: () => string | undefined,
  ) {}

  allocate(req: IpamRequest): Promise<IpamOutcome> {
    const cidr = this.podCIDR();
    if (cidr === undefined || cidr === '') return Promise.resolve({ kind: 'failed', reason: 'unavailable', message: `node ${this.nodeName} has no podCIDR assigned yet` });
    const r = allocateAddress(cidr, this.table, { uid: req.uid, pod: `${req.namespace}/${req.name}`, node: this.nodeName }, req.hint);
    if (!r.ok) return Promise.resolve({ kind: 'failed', reason: 'exhausted', message: r.error.message });
    this.table = r.value.table;
    const info = subnetInfo(cidr);
    return Promise.resolve({ kind: 'allocated', ip: r.value.ip, gateway: info.gateway, prefixLength: info.prefixLength, subnet: cidr });
  }

  release(req: Pick<IpamRequest, 'uid'>): Promise<void> {
    this.table = releaseAddress(this.table, req.uid).table;
    return Promise.resolve();
  }

  /** Keeps only live pods and adopts the addresses their status shows (before any new allocation). */
  reconcile(live: readonly IpamRequest[]): Promise<void> {
    const keep = new Set(live.map((p) => p.uid));
    let table: AddressTable = new Map([...this.table].filter(([, h]) => keep.has(h.uid)));
    const cidr = this.podCIDR();
    if (cidr !== undefined && cidr !== '') {
      for (const p of live) {
        if (p.hint === undefined || p.hint === '') continue;
        const r = allocateAddress(cidr, table, { uid: p.uid, pod: `${p.namespace}/${p.name}`, node: this.nodeName }, p.hint);
        if (r.ok && r.value.ip === p.hint) table = r.value.table;
      }
    }
    this.table = table;
    return Promise.resolve();
  }

  /** Addresses in use (tests, figures). */
  inUse(): ReadonlyMap<string, string> {
    return new Map([...this.table].map(([ip, h]) => [ip, h.pod]));
  }
}
