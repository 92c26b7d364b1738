// NSX-style pod IPAM, shared by all node agents through the API (no agent talks to another):
//
//   kube-system/svcnet-pod-subnets     data: { <namespace>: "172.25.5.0/24", ... }
//   kube-system/svcnet-ipam-<ns>       data: { subnet: "172.25.5.0/24",
//                                               "172.25.5.2": {"uid":..,"pod":"demons/x","node":"k8s-node1"}, ... }
//   Namespace annotation svcnet.io/pod-subnet: "172.25.5.0/24"   (published copy, for readers)
//
// Both ConfigMaps change only by compare-and-swap (ConfigMapRecord), so two agents allocating
// in one namespace at the same moment can never hand out the same address: one PUT wins, the
// other re-reads and picks the next free one. Entries are keyed by pod UID, which makes
// allocation idempotent: an agent that restarts (or retries after a lost answer) gets the
// pod's recorded address back. Entries of pods that no longer exist are reclaimed when a
// subnet runs full; `reconcile` drops this node's entries for pods it no longer has.
import type { Namespace, Pod } from '../../api/index.js';
import { silentLogger, type Logger } from '../../core/index.js';
import { isNotFound, Resources, type RestClient } from '../../client/index.js';
import { allocateAddress, decodeTable, encodeTable, releaseAddress, subnetInfo, type AddressTable } from './address-pool.js';
import { ConfigMapRecord, type RecordOp } from './configmap-record.js';
import { chooseSubnet, type SubnetPlan } from './subnet-plan.js';
import type { IpamOutcome, IpamRequest, PodIpam } from './types.js';

export const ANNOTATION_POD_SUBNET = 'svcnet.io/pod-subnet';
export const LABEL_IPAM_RECORD = 'svcnet.io/ipam';
export const SUBNET_REGISTRY_NAME = 'svcnet-pod-subnets';
export const addressRecordName = (namespace: string): string => `svcnet-ipam-${namespace}`;

export type NsxIpamClient = Pick<RestClient, 'get' | 'create' | 'update' | 'patch' | 'list'>;

export interface NsxIpamOptions {
  readonly client: NsxIpamClient;
  readonly nodeName: string;
  readonly plan: SubnetPlan;
  /** Where the records live (default kube-system). */
  readonly recordNamespace?: string;
  readonly log?: Logger;
}

class IpamFailure extends Error {
  constructor(
    readonly reason: 'exhausted' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

export class NsxIpam implements PodIpam {
  private readonly recordNs: string;
  private readonly log: Logger;
  private readonly registry: ConfigMapRecord;
  private readonly records = new Map<string, ConfigMapRecord>();
  private readonly subnets = new Map<string, Promise<string>>();

  constructor(private readonly opts: NsxIpamOptions) {
    this.recordNs = opts.recordNamespace ?? 'kube-system';
    this.log = opts.log ?? silentLogger;
    this.registry = new ConfigMapRecord(opts.client, this.recordNs, SUBNET_REGISTRY_NAME, { [LABEL_IPAM_RECORD]: 'pod-subnets' });
  }

  /** Writes (and conflicts) so far, over all records: a measure of coordination cost. */
  stats(): { writes: number; conflicts: number } {
    let writes = this.registry.writes;
    let conflicts = this.registry.conflicts;
    for (const r of this.records.values()) {
      writes += r.writes;
      conflicts += r.conflicts;
    }
    return { writes, conflicts };
  }

  /** The namespace's subnet, assigning one on first use. */
  subnetFor(namespace: string): Promise<string> {
    let p = this.subnets.get(namespace);
    if (p === undefined) {
      p = this.assignSubnet(namespace);
      this.subnets.set(namespace, p);
      p.catch(() => this.subnets.delete(namespace));
    }
    return p;
  }

  async allocate(req: IpamRequest): Promise<IpamOutcome> {
    try {
      const subnet = await this.subnetFor(req.namespace);
      const holder = { uid: req.uid, pod: `${req.namespace}/${req.name}`, node: this.opts.nodeName };
      const op: RecordOp<{ ip: string } | { full: string }> = (data) => {
        const { table } = decodeTable(data);
        const r = allocateAddress(subnet, table, holder, req.hint);
        if (!r.ok) return { data, result: { full: r.error.message } };
        return { data: r.value.changed ? recordData(subnet, r.value.table) : data, result: { ip: r.value.ip } };
      };
      let r = await this.addressRecord(req.namespace).apply(op);
      if ('full' in r && (await this.reclaimVanished(req.namespace, subnet)) > 0) r = await this.addressRecord(req.namespace).apply(op);
      if ('full' in r) return { kind: 'failed', reason: 'exhausted', message: r.full };
      const info = subnetInfo(subnet);
      return { kind: 'allocated', ip: r.ip, gateway: info.gateway, prefixLength: info.prefixLength, subnet };
    } catch (e) {
      if (e instanceof IpamFailure) return { kind: 'failed', reason: e.reason, message: e.message };
      return { kind: 'failed', reason: 'unavailable', message: e instanceof Error ? e.message : String(e) };
    }
  }

  async release(req: Pick<IpamRequest, 'uid' | 'namespace'>): Promise<void> {
    const released = await this.addressRecord(req.namespace).apply((data) => {
      const { table } = decodeTable(data);
      const r = releaseAddress(table, req.uid);
      return { data: r.released.length === 0 ? data : recordData(data['subnet'] ?? '', r.table), result: r.released };
    });
    if (released.length > 0) this.log.debug(`released ${released.join(',')}`, { namespace: req.namespace, uid: req.uid });
  }

  async reconcile(live: readonly IpamRequest[]): Promise<void> {
    const keep = new Set(live.map((p) => p.uid));
    const list = await this.opts.client.list(Resources.configmaps, this.recordNs, { labelSelector: `${LABEL_IPAM_RECORD}=pod-addresses` });
    for (const cm of list.items) {
      const ns = cm.metadata.name?.startsWith('svcnet-ipam-') === true ? cm.metadata.name.slice('svcnet-ipam-'.length) : undefined;
      if (ns === undefined) continue;
      const dropped = await this.addressRecord(ns).apply((data) => {
        const { table } = decodeTable(data);
        const stale = [...table].filter(([, h]) => h.node === this.opts.nodeName && !keep.has(h.uid)).map(([ip]) => ip);
        if (stale.length === 0) return { data, result: stale };
        const next = new Map(table);
        for (const ip of stale) next.delete(ip);
        return { data: recordData(data['subnet'] ?? '', next), result: stale };
      });
      if (dropped.length > 0) this.log.info(`reclaimed addresses of pods gone while the agent was away`, { namespace: ns, addresses: dropped.join(',') });
    }
  }

  private addressRecord(namespace: string): ConfigMapRecord {
    let r = this.records.get(namespace);
    if (r === undefined) {
      r = new ConfigMapRecord(this.opts.client, this.recordNs, addressRecordName(namespace), { [LABEL_IPAM_RECORD]: 'pod-addresses' });
      this.records.set(namespace, r);
    }
    return r;
  }

  private async assignSubnet(namespace: string): Promise<string> {
    const subnet = await this.registry.apply((data) => {
      const r = chooseSubnet(this.opts.plan, namespace, new Map(Object.entries(data)));
      if (!r.ok) throw new IpamFailure(r.error.kind === 'exhausted' ? 'exhausted' : 'unavailable', r.error.message);
      return { data: r.value.isNew ? { ...data, [namespace]: r.value.subnet } : data, result: r.value.subnet };
    });
    await this.publish(namespace, subnet);
    return subnet;
  }

  /** Mirrors the subnet onto the Namespace (best effort: the registry stays authoritative). */
  private async publish(namespace: string, subnet: string): Promise<void> {
    try {
      const ns = await this.opts.client.get<Namespace>(Resources.namespaces, undefined, namespace);
      if (ns.metadata.annotations?.[ANNOTATION_POD_SUBNET] === subnet) return;
      await this.opts.client.patch(Resources.namespaces, undefined, namespace, 'merge', { metadata: { annotations: { [ANNOTATION_POD_SUBNET]: subnet } } });
    } catch (e) {
      if (!isNotFound(e)) this.log.warn(`could not annotate namespace ${namespace} with its subnet`, { error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** Drops entries whose pod no longer exists (its agent died before releasing). */
  private async reclaimVanished(namespace: string, subnet: string): Promise<number> {
    const pods = await this.opts.client.list<Pod>(Resources.pods, namespace);
    const alive = new Set(pods.items.map((p) => p.metadata.uid ?? ''));
    return this.addressRecord(namespace).apply((data) => {
      const { table } = decodeTable(data);
      const next = new Map([...table].filter(([, h]) => alive.has(h.uid)));
      return { data: next.size === table.size ? data : recordData(subnet, next), result: table.size - next.size };
    });
  }
}

function recordData(subnet: string, table: AddressTable): Record<string, string> {
  return { subnet, ...encodeTable(table) };
}
