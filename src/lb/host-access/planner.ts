// The pure core of host access: Services (projected) -> the host listeners there should
// be, and which host port each one asks for.
//
// One mapping per
//   - NodePort: each TCP port with an allocated nodePort of a NodePort or LoadBalancer
//     Service, entering the emulated network at <node IP>:<nodePort> (node chosen by the
//     caller's policy);
//   - VIP: each LoadBalancer ingress IP inside a configured VIP CIDR x each TCP port,
//     entering at <VIP>:<port>. Ingress addresses outside the pools (NSX also lists the
//     Tier-1 uplink, 100.64.208.9) are not VIPs and are skipped.
//
// Host ports (worked example, nodePort 30657 and VIP 10.190.6.1:80):
//   first plan:  nodeport -> { kind: 'node-port', port: 30657 } (try 127.0.0.1:30657)
//                vip      -> { kind: 'ephemeral' }               (OS picks, e.g. 41235)
//   the shell binds, 30657 turns out busy -> it reports 30657 unavailable and takes an
//   ephemeral port (39001) instead;
//   next plan:   both mappings exist -> { kind: 'keep', port: 39001 } / { kind: 'keep', port: 41235 }.
// A mapping keeps its host port for as long as it exists; its key never contains the
// target IP, so a NodePort whose entry node changes keeps its listener and only retargets.
//
// Invariants: deterministic (same input, same output, in Service order then port order);
// a host port is never requested twice in one plan; ports of mappings being closed are
// free again for new ones.
import { cidrContains, type Cidr } from '../../core/cidr.js';
import { parseIP } from '../../core/ip.js';
import type { PortProtocol, ServiceView } from './service-view.js';

interface MappingBase {
  /** Stable identity: the listener lives as long as a mapping with this key is desired. */
  readonly key: string;
  /** "namespace/name". */
  readonly service: string;
  readonly portName: string;
  readonly protocol: 'TCP';
  /** The Service port (spec.ports[].port). */
  readonly port: number;
  /** Where a host connection enters the emulated network. */
  readonly target: { readonly ip: string; readonly port: number };
}

export interface NodePortMappingSpec extends MappingBase {
  readonly kind: 'nodeport';
  readonly nodePort: number;
}

export interface VipMappingSpec extends MappingBase {
  readonly kind: 'vip';
  readonly vip: string;
}

export type MappingSpec = NodePortMappingSpec | VipMappingSpec;

/** What host port a mapping asks for. */
export type HostPortChoice =
  /** The mapping exists: it keeps its port. */
  | { readonly kind: 'keep'; readonly port: number }
  /** A new NodePort mapping: the same number on the host, falling back to ephemeral if busy. */
  | { readonly kind: 'node-port'; readonly port: number }
  | { readonly kind: 'ephemeral' };

export type PlannedMapping = MappingSpec & { readonly hostPort: HostPortChoice };

export type SkipReason =
  | { readonly kind: 'protocol-not-supported'; readonly protocol: PortProtocol }
  | { readonly kind: 'no-node-ip' }
  | { readonly kind: 'not-a-vip'; readonly ip: string };

export interface SkippedPort {
  readonly service: string;
  /** The Service port, or undefined when the reason concerns a whole ingress address. */
  readonly port: number | undefined;
  readonly reason: SkipReason;
}

export interface PlanInput {
  readonly services: readonly ServiceView[];
  /** The node NodePort connections enter at (the caller's policy); undefined: none usable. */
  readonly nodeIP: string | undefined;
  /** LoadBalancer VIP pools; ingress IPs outside them are not mapped. */
  readonly vipCidrs: readonly Cidr[];
  /** Mappings that exist now: key -> host port bound. */
  readonly current: ReadonlyMap<string, number>;
  /** Host ports found busy (bound by someone else); NodePorts skip them. */
  readonly unavailable: ReadonlySet<number>;
}

export interface HostPlan {
  /** Every desired mapping, in Service order then port order. */
  readonly mappings: readonly PlannedMapping[];
  /** Desired mappings that do not exist yet (subset of `mappings`). */
  readonly open: readonly PlannedMapping[];
  /** Keys of existing mappings that are no longer desired. */
  readonly close: readonly string[];
  readonly skipped: readonly SkippedPort[];
}

export function planHostMappings(input: PlanInput): HostPlan {
  const specs: MappingSpec[] = [];
  const skipped: SkippedPort[] = [];
  const services = [...input.services].sort((a, b) => cmp(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
  for (const s of services) collectService(s, input, specs, skipped);

  const seen = new Set<string>();
  const unique = specs.filter((m) => (seen.has(m.key) ? false : (seen.add(m.key), true)));
  // Ports held by mappings that stay; a new NodePort mapping must not ask for one of them.
  const taken = new Set<number>(input.unavailable);
  for (const m of unique) {
    const p = input.current.get(m.key);
    if (p !== undefined) taken.add(p);
  }
  const mappings: PlannedMapping[] = [];
  const open: PlannedMapping[] = [];
  for (const m of unique) {
    const existing = input.current.get(m.key);
    let hostPort: HostPortChoice;
    if (existing !== undefined) hostPort = { kind: 'keep', port: existing };
    else if (m.kind === 'nodeport' && !taken.has(m.nodePort)) {
      hostPort = { kind: 'node-port', port: m.nodePort };
      taken.add(m.nodePort);
    } else hostPort = { kind: 'ephemeral' };
    const pm: PlannedMapping = { ...m, hostPort };
    mappings.push(pm);
    if (existing === undefined) open.push(pm);
  }
  const close = [...input.current.keys()].filter((k) => !seen.has(k)).sort(cmp);
  return { mappings, open, close, skipped };
}

function collectService(s: ServiceView, input: PlanInput, out: MappingSpec[], skipped: SkippedPort[]): void {
  const service = `${s.namespace}/${s.name}`;
  if (s.type !== 'NodePort' && s.type !== 'LoadBalancer') return;
  const tcp = s.ports.filter((p) => {
    if (p.protocol === 'TCP') return true;
    skipped.push({ service, port: p.port, reason: { kind: 'protocol-not-supported', protocol: p.protocol } });
    return false;
  });
  for (const p of tcp) {
    if (p.nodePort === undefined) continue;
    if (input.nodeIP === undefined) {
      skipped.push({ service, port: p.port, reason: { kind: 'no-node-ip' } });
      continue;
    }
    out.push({
      kind: 'nodeport',
      key: `nodeport:${service}:${p.port}/TCP:${p.nodePort}`,
      service,
      portName: p.name,
      protocol: 'TCP',
      port: p.port,
      nodePort: p.nodePort,
      target: { ip: input.nodeIP, port: p.nodePort },
    });
  }
  if (s.type !== 'LoadBalancer') return;
  const vips = new Set<string>();
  for (const ip of s.ingressIPs) {
    const a = parseIP(ip);
    if (!a.ok || !input.vipCidrs.some((c) => cidrContains(c, a.value))) {
      skipped.push({ service, port: undefined, reason: { kind: 'not-a-vip', ip } });
      continue;
    }
    vips.add(ip);
  }
  for (const vip of vips) {
    for (const p of tcp) {
      out.push({
        kind: 'vip',
        key: `vip:${service}:${vip}:${p.port}/TCP`,
        service,
        portName: p.name,
        protocol: 'TCP',
        port: p.port,
        vip,
        target: { ip: vip, port: p.port },
      });
    }
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
