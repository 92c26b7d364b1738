// Pure model of the generic-mode external load balancer (the article's "Generic K8S"
// LoadBalancer): for every LoadBalancer Service, per ingress VIP and Service port, a
// virtual server whose pool is NodeIP:NodePort of the nodes. kube-proxy on the node takes
// it from there (NodePort -> a pod). Members:
//   - externalTrafficPolicy Cluster: every Ready node's InternalIP (kube-proxy SNATs and
//     may forward to a pod elsewhere);
//   - Local: only Ready nodes with a ready endpoint of the Service on them (kube-proxy
//     drops NodePort traffic on nodes without one, which is how a cloud LB's health check
//     on healthCheckNodePort would see it).
// Output is sorted (VIP, protocol, port; members by address) so equal inputs give equal output.
import type { EndpointSlice, Node, Service } from '../../api/index.js';
import { LABEL_SERVICE_NAME } from '../../api/index.js';
import { parseIPv4, type IPv4 } from '../../core/ip.js';

export type LbProtocol = 'TCP' | 'UDP';

export interface LbService {
  readonly key: string;
  readonly isLoadBalancer: boolean;
  readonly local: boolean;
  readonly vips: readonly IPv4[];
  readonly ports: readonly { readonly name: string; readonly protocol: LbProtocol; readonly port: number; readonly nodePort: number }[];
}

export interface LbNode {
  readonly name: string;
  readonly ready: boolean;
  readonly internalIp: IPv4 | undefined;
}

export interface LbSlice {
  readonly key: string;
  readonly service: string;
  /** Node names with at least one ready endpoint in this slice. */
  readonly readyNodes: readonly string[];
}

export interface PoolMember {
  readonly ip: IPv4;
  readonly port: number;
  readonly node: string;
}

export interface VirtualServer {
  readonly vip: IPv4;
  readonly port: number;
  readonly protocol: LbProtocol;
  /** "namespace/name:portName" */
  readonly service: string;
  readonly members: readonly PoolMember[];
}

export interface VirtualServerConflict {
  readonly vip: IPv4;
  readonly port: number;
  readonly protocol: LbProtocol;
  /** The Service that keeps the VIP:port (first by key) and the ones left out. */
  readonly kept: string;
  readonly dropped: string;
}

export interface ExternalPlan {
  readonly virtualServers: readonly VirtualServer[];
  readonly conflicts: readonly VirtualServerConflict[];
}

const keyOf = (ns: string | undefined, name: string | undefined) => (ns === undefined || ns === '' ? (name ?? '') : `${ns}/${name ?? ''}`);

export function projectLbService(s: Service): LbService {
  const vips: IPv4[] = [];
  for (const i of s.status?.loadBalancer?.ingress ?? []) {
    const a = i.ip === undefined ? undefined : parseIPv4(i.ip);
    if (a?.ok === true && !vips.includes(a.value)) vips.push(a.value);
  }
  const ports: LbService['ports'][number][] = [];
  for (const p of s.spec?.ports ?? []) {
    const protocol = p.protocol ?? 'TCP';
    if ((protocol === 'TCP' || protocol === 'UDP') && p.nodePort !== undefined && p.nodePort > 0) ports.push({ name: p.name ?? '', protocol, port: p.port, nodePort: p.nodePort });
  }
  return { key: keyOf(s.metadata.namespace, s.metadata.name), isLoadBalancer: s.spec?.type === 'LoadBalancer', local: s.spec?.externalTrafficPolicy === 'Local', vips, ports };
}

export function projectLbNode(n: Node): LbNode {
  const ready = n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
  const addr = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  const ip = addr === undefined ? undefined : parseIPv4(addr);
  return { name: n.metadata.name ?? '', ready, internalIp: ip?.ok === true ? ip.value : undefined };
}

export function projectLbSlice(s: EndpointSlice): LbSlice {
  const readyNodes = new Set<string>();
  for (const e of s.endpoints ?? []) if (e.conditions?.ready !== false && e.nodeName !== undefined) readyNodes.add(e.nodeName);
  return { key: keyOf(s.metadata.namespace, s.metadata.name), service: keyOf(s.metadata.namespace, s.metadata.labels?.[LABEL_SERVICE_NAME]), readyNodes: [...readyNodes].sort() };
}

export interface PlanOptions {
  /** Only ingress IPs accepted here are VIPs of this load balancer (default: all). */
  readonly isVip?: (ip: IPv4) => boolean;
}

export function planExternalLb(services: Iterable<LbService>, nodes: Iterable<LbNode>, slices: Iterable<LbSlice>, opts: PlanOptions = {}): ExternalPlan {
  const ready = [...nodes].filter((n): n is LbNode & { internalIp: IPv4 } => n.ready && n.internalIp !== undefined).sort((a, b) => a.internalIp - b.internalIp || (a.name < b.name ? -1 : 1));
  const localNodes = new Map<string, Set<string>>();
  for (const s of slices) {
    let set = localNodes.get(s.service);
    if (set === undefined) localNodes.set(s.service, (set = new Set()));
    for (const n of s.readyNodes) set.add(n);
  }
  const byVs = new Map<string, VirtualServer>();
  const conflicts: VirtualServerConflict[] = [];
  const sorted = [...services].filter((s) => s.isLoadBalancer).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const s of sorted) {
    const eligible = s.local ? ready.filter((n) => localNodes.get(s.key)?.has(n.name) === true) : ready;
    for (const vip of s.vips) {
      if (opts.isVip !== undefined && !opts.isVip(vip)) continue;
      for (const p of s.ports) {
        const k = `${vip}|${p.protocol}|${p.port}`;
        const service = `${s.key}:${p.name}`;
        const prev = byVs.get(k);
        if (prev !== undefined) {
          conflicts.push({ vip, port: p.port, protocol: p.protocol, kept: prev.service, dropped: service });
          continue;
        }
        byVs.set(k, { vip, port: p.port, protocol: p.protocol, service, members: eligible.map((n) => ({ ip: n.internalIp, port: p.nodePort, node: n.name })) });
      }
    }
  }
  const virtualServers = [...byVs.values()].sort((a, b) => a.vip - b.vip || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0) || a.port - b.port);
  return { virtualServers, conflicts };
}
