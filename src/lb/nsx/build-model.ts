// Kubernetes -> NSX load-balancer objects, pure. Services of type LoadBalancer whose
// loadBalancerClass is unset (or ours) and that have a VIP in status.loadBalancer.ingress
// (the allocator writes [VIP, uplink]; the uplink address is not a VIP) get, per port, a
// virtual server and a pool of the ready endpoints of their EndpointSlices.
import type { EndpointSlice, Service } from '../../api/index.js';
import type { LbProtocol, NsxLbModel, NsxTag, PoolMember, ServerPool, SkipReason, VirtualServer } from './types.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const DEFAULT_CLUSTER_NAME = 'k8s-testcluster1';

export interface BuildOptions {
  readonly clusterName: string;
  /** The LB's 5-character suffix; default derived from the cluster name (lbSuffix). */
  readonly suffix?: string;
  /** Our loadBalancerClass; Services naming another class are left alone. */
  readonly loadBalancerClass?: string;
  /** The LB Tier-1 uplink address, which the ingress also lists (not a VIP). */
  readonly uplinkIp: string;
}

/** A deterministic 5-letter suffix (NCP's is random; ours must survive restarts without state). */
export function lbSuffix(cluster: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < cluster.length; i++) h = Math.imul(h ^ cluster.charCodeAt(i), 0x01000193) >>> 0;
  let s = '';
  for (let i = 0; i < 5; i++) {
    s += String.fromCharCode(97 + (h % 26));
    h = Math.floor(h / 26) ^ Math.imul(h, 0x9e3779b1) >>> 7;
    h >>>= 0;
  }
  return s;
}

export function lbName(cluster: string, suffix = lbSuffix(cluster)): string {
  return `lb-${cluster}-${suffix}`;
}

export function serviceSkip(svc: Service, o: Pick<BuildOptions, 'loadBalancerClass' | 'uplinkIp'>): SkipReason | undefined {
  if (svc.spec?.type !== 'LoadBalancer') return { kind: 'not-load-balancer' };
  const cls = svc.spec.loadBalancerClass;
  if (cls !== undefined && cls !== o.loadBalancerClass) return { kind: 'foreign-class', loadBalancerClass: cls };
  if (vipsOf(svc, o.uplinkIp).length === 0) return { kind: 'no-ingress' };
  return undefined;
}

export function vipsOf(svc: Service, uplinkIp: string): string[] {
  const out: string[] = [];
  for (const i of svc.status?.loadBalancer?.ingress ?? []) {
    const ip = i.ip;
    if (ip === undefined || ip === uplinkIp || ip.includes(':') || out.includes(ip)) continue;
    out.push(ip);
  }
  return out;
}

const tagsFor = (cluster: string, ns: string, svc: string): NsxTag[] => [
  { scope: 'ncp/cluster', tag: cluster },
  { scope: 'ncp/project', tag: ns },
  { scope: 'ncp/service', tag: svc },
];

/** Ready members (ip, resolved target port) of one Service port from its slices. */
export function membersFor(slices: readonly EndpointSlice[], portName: string, protocol: LbProtocol): PoolMember[] {
  const seen = new Map<string, PoolMember>();
  for (const sl of slices) {
    if (sl.addressType !== 'IPv4') continue;
    const p = (sl.ports ?? []).find((x) => (x.name ?? '') === portName && (x.protocol ?? 'TCP') === protocol);
    if (p?.port === undefined) continue;
    for (const ep of sl.endpoints) {
      // EndpointSlice semantics: a nil ready condition means ready.
      if (ep.conditions?.ready === false) continue;
      for (const ip of ep.addresses) {
        const k = `${ip}:${p.port}`;
        if (seen.has(k)) continue;
        const pod = ep.targetRef?.kind === 'Pod' ? ep.targetRef.name : undefined;
        seen.set(k, pod !== undefined ? { ip, port: p.port, pod } : { ip, port: p.port });
      }
    }
  }
  return [...seen.values()].sort(compareMembers);
}

export function compareMembers(a: PoolMember, b: PoolMember): number {
  return ipNum(a.ip) - ipNum(b.ip) || a.port - b.port;
}

function ipNum(s: string): number {
  const p = s.split('.').map(Number);
  return (((p[0] ?? 0) << 24) >>> 0) + ((p[1] ?? 0) << 16) + ((p[2] ?? 0) << 8) + (p[3] ?? 0);
}

export function buildNsxLbModel(services: readonly Service[], slices: readonly EndpointSlice[], o: BuildOptions): NsxLbModel {
  const name = lbName(o.clusterName, o.suffix);
  const bySvc = new Map<string, EndpointSlice[]>();
  for (const sl of slices) {
    const svc = sl.metadata.labels?.[SERVICE_NAME_LABEL];
    if (svc === undefined) continue;
    const k = `${sl.metadata.namespace ?? ''}/${svc}`;
    const l = bySvc.get(k);
    if (l === undefined) bySvc.set(k, [sl]);
    else l.push(sl);
  }
  const vss: VirtualServer[] = [];
  const pools: ServerPool[] = [];
  for (const svc of services) {
    if (serviceSkip(svc, o) !== undefined) continue;
    const ns = svc.metadata.namespace ?? 'default';
    const sname = svc.metadata.name ?? '';
    const tags = tagsFor(o.clusterName, ns, sname);
    const svcSlices = bySvc.get(`${ns}/${sname}`) ?? [];
    const vips = vipsOf(svc, o.uplinkIp);
    for (const sp of svc.spec?.ports ?? []) {
      const protocol = sp.protocol ?? 'TCP';
      if (protocol !== 'TCP' && protocol !== 'UDP') continue; // SCTP: NSX L4 LB has no SCTP virtual servers
      const base = `${o.clusterName}-${ns}-${sname}-${sp.port}${protocol === 'TCP' ? '' : '-udp'}`;
      pools.push({ name: base, algorithm: 'ROUND_ROBIN', snat: 'AUTOMAP', members: membersFor(svcSlices, sp.name ?? '', protocol), healthMonitors: [], tags });
      vips.forEach((vip, i) => {
        vss.push({ name: i === 0 ? base : `${base}-${vip}`, vip, port: sp.port, protocol, pool: base, tags });
      });
    }
  }
  const byName = <T extends { readonly name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return {
    loadBalancer: { name, tier1: name, size: 'SMALL', tags: [{ scope: 'ncp/cluster', tag: o.clusterName }] },
    virtualServers: vss.sort(byName),
    pools: pools.sort(byName),
  };
}
