// The article's NSX-T topology as a controllable lab (see README.md for the picture):
// per node a br-int (base flows, uplink ens192 as a VLAN trunk, nsx_agent_outer) whose
// trunk lands on the hypervisor side (VlanTrunk) that maps node-local VLANs to the
// namespaces' logical switches; per namespace a logical switch and a Tier-1 with the
// subnet's .1 as gateway and a /31 router link to the Tier-0; the node management
// segment 10.190.5.0/24 behind T1-K8S-Node-Management; an external segment
// 192.168.50.0/24 (emulator-only addresses) on the Tier-0's uplink.
//
// Each node's own IP stack sits behind its node router (./nsx-node-router.ts): ens160 owns
// the node IP on the management segment, `host` links the stack; enableNetfilter() runs
// the node's iptables/nftables program there (kube-proxy's NodePorts on 10.190.5.x).
//
// VLAN rule: every pod attachment gets its own tag on its node's br-int (lowest free from
// 1; 4094 is nsx_agent_outer's), freed when the pod detaches. On the hypervisor side the
// tag selects the pod's logical port on its namespace switch, so pods never talk to each
// other through br-int directly — as with NCP, where each container gets its own VLAN.
import { realClock, type Clock } from '../../core/clock.js';
import { formatCidr, parseCidr, maskV4, type Cidr4 } from '../../core/cidr.js';
import { formatIPv4, parseIPv4, type IPv4 } from '../../core/ip.js';
import { err, ok, type Result } from '../../core/result.js';
import type { NetDevice } from '../netdev.js';
import type { NetfilterRuleset } from '../nftables/nf-types.js';
import { Fabric, type TraceOptions } from './fabric.js';
import type { EnableNetfilterOptions, NodeNetfilter } from './netfilter-hook.js';
import { LogicalSwitch } from './logical-switch.js';
import { nsxBaseFlows } from './nsx-base-flows.js';
import { addMgmtInterface, enableRouterNetfilter, newNodeRouter, NODE_ROUTER_IFACES, refreshLocalAddresses } from './nsx-node-router.js';
import { OvsBridge, type BridgeError, type BridgePort } from './ovs-bridge.js';
import { Router } from './router.js';
import type { Drive, Link } from './scheduler.js';
import type { HopRecord } from './trace.js';
import { VlanTrunk } from './vlan-trunk.js';

export const NSX_LAB_DEFAULTS = {
  tier0: 'T0-K8S-Domain',
  mgmtTier1: 'T1-K8S-Node-Management',
  mgmtCidr: '10.190.5.0/24',
  externalCidr: '192.168.50.0/24',
  /** Router links are /31s carved from here: Tier-0 side even, Tier-1 side odd. */
  routerLinkBase: '100.64.0.0',
  nsxAgentOuterTag: 4094,
} as const;

export interface NsxLabOptions {
  readonly clock?: Clock;
  readonly seed?: number;
  readonly drive?: Drive;
  readonly hopBudget?: number;
  readonly ovsVersion?: string;
  readonly arpTimeoutMs?: number;
}

export interface ServiceRouterOptions {
  /** The /31 linking it to the Tier-0, Tier-0 side first (e.g. "100.64.208.8/31"); default: the next one from routerLinkBase. */
  readonly link?: string;
}

export type LabError =
  | { readonly code: 'unknown-node'; readonly node: string }
  | { readonly code: 'node-exists'; readonly node: string }
  | { readonly code: 'unknown-namespace'; readonly namespace: string }
  | { readonly code: 'namespace-exists'; readonly namespace: string }
  | { readonly code: 'unknown-segment'; readonly segment: string }
  | { readonly code: 'bad-address'; readonly value: string; readonly message: string }
  | { readonly code: 'subnet-overlap'; readonly cidr: string; readonly with: string }
  | { readonly code: 'ip-outside-subnet'; readonly ip: string; readonly cidr: string }
  | { readonly code: 'gateway-mismatch'; readonly expected: string; readonly got: string }
  | { readonly code: 'pod-exists'; readonly port: string }
  | { readonly code: 'no-such-pod'; readonly node: string; readonly pod: string }
  | { readonly code: 'vlan-exhausted'; readonly node: string }
  | { readonly code: 'already-connected'; readonly device: string }
  | { readonly code: 'bridge'; readonly error: BridgeError };

export interface NsxNode {
  readonly name: string;
  readonly mgmtIp: IPv4;
  readonly bridge: OvsBridge;
  readonly trunk: VlanTrunk;
  readonly uplink: BridgePort;
  /** pod name -> its node-local VLAN tag. */
  readonly vlans: ReadonlyMap<string, number>;
  /**
   * The node's kernel between its management NIC and its own stack: `host` (the stack's
   * link) from addNode, `ens160` (the node IP on the management segment) from attachNodeStack.
   */
  readonly router: Router;
}

export interface NsxNamespace {
  readonly name: string;
  readonly cidr: Cidr4;
  readonly gateway: IPv4;
  readonly gatewayMac: number;
  readonly ls: LogicalSwitch;
  readonly tier1: Router;
  readonly preferredVlan: number | undefined;
}

export interface PodSpec {
  readonly node: string;
  readonly namespace: string;
  readonly podName: string;
  readonly containerId: string;
  readonly mac: number;
  readonly ip: IPv4 | string;
  /** If given, must be the namespace's gateway. */
  readonly gateway?: IPv4 | string;
  /** The pod's NIC; connect now (or later with `connect`). */
  readonly device?: NetDevice;
}

export interface PodAttachment {
  readonly node: string;
  readonly namespace: string;
  readonly podName: string;
  /** `<pod>_<cid15>` (ovs-vsctl Port) and `<cid15>` (Interface, OpenFlow port name). */
  readonly portName: string;
  readonly interfaceName: string;
  readonly vlan: number;
  readonly ip: IPv4;
  readonly mac: number;
  readonly port: BridgePort;
  readonly linkName: string;
  /** Links the pod's NIC to its br-int port. */
  connect(device: NetDevice): Result<Link, LabError>;
}

interface NodeState extends NsxNode {
  readonly vlans: Map<string, number>;
  netfilter: NodeNetfilter | undefined;
}

interface PodState {
  readonly att: PodAttachment;
  link: Link | undefined;
  /** The hypervisor-side link from the pod's VLAN on the trunk to its logical port. */
  readonly vlanLink: Link;
}

const addr = (s: IPv4 | string): Result<IPv4, LabError> => {
  if (typeof s !== 'string') return ok(s);
  const r = parseIPv4(s);
  return r.ok ? r : err({ code: 'bad-address', value: s, message: r.error });
};

const cidr4 = (s: string): Result<Cidr4, LabError> => {
  const r = parseCidr(s);
  if (!r.ok) return err({ code: 'bad-address', value: s, message: r.error });
  if (r.value.family !== 4) return err({ code: 'bad-address', value: s, message: 'IPv4 only' });
  return ok(r.value);
};

const inCidr = (c: Cidr4, ip: number) => ((ip & maskV4(c.prefix)) >>> 0) === c.base;
const overlaps = (a: Cidr4, b: Cidr4) => inCidr(a, b.base) || inCidr(b, a.base);

export class NsxLab {
  readonly fabric: Fabric;
  readonly tier0: Router;
  readonly mgmt: { readonly cidr: Cidr4; readonly gateway: IPv4; readonly ls: LogicalSwitch; readonly tier1: Router };
  readonly external: { readonly cidr: Cidr4; readonly gateway: IPv4; readonly ls: LogicalSwitch };
  private readonly clock: Clock;
  private readonly opts: NsxLabOptions;
  private readonly nodes = new Map<string, NodeState>();
  private readonly namespaces = new Map<string, NsxNamespace>();
  private readonly segments = new Map<string, LogicalSwitch>();
  private readonly pods = new Map<string, PodState>();
  private readonly serviceRouters = new Map<string, Router>();
  private nextMac = 0x025056560001;
  /** Node routers' host-link MACs: a range of their own, so adding nodes shifts no other MAC. */
  private nextHostMac = 0x025056570001;
  private nextLink = 0;
  private autoLinks = 0;

  constructor(opts: NsxLabOptions = {}) {
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
    this.fabric = new Fabric({
      clock: this.clock,
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.drive !== undefined ? { drive: opts.drive } : {}),
      ...(opts.hopBudget !== undefined ? { hopBudget: opts.hopBudget } : {}),
    });
    this.tier0 = this.router(NSX_LAB_DEFAULTS.tier0, 't0');
    const ext = unwrapLab(cidr4(NSX_LAB_DEFAULTS.externalCidr));
    const extLs = new LogicalSwitch({ name: 'ls-external' });
    const extGw = (ext.base + 1) as IPv4;
    this.attachRouter(this.tier0, 'uplink', extGw, ext.prefix, extLs);
    this.external = { cidr: ext, gateway: extGw, ls: extLs };
    this.segments.set('external', extLs);

    const m = unwrapLab(cidr4(NSX_LAB_DEFAULTS.mgmtCidr));
    const mgmtLs = new LogicalSwitch({ name: 'ls-k8s-node-management' });
    const t1 = this.router(NSX_LAB_DEFAULTS.mgmtTier1, 't1');
    const mgmtGw = (m.base + 1) as IPv4;
    this.attachRouter(t1, 'downlink', mgmtGw, m.prefix, mgmtLs);
    this.linkToTier0(t1, [m]);
    this.mgmt = { cidr: m, gateway: mgmtGw, ls: mgmtLs, tier1: t1 };
    this.segments.set('management', mgmtLs);
  }

  get scheduler() {
    return this.fabric.scheduler;
  }

  // ---- nodes ----------------------------------------------------------------------------

  addNode(name: string, mgmtIp: IPv4 | string): Result<NsxNode, LabError> {
    if (this.nodes.has(name)) return err({ code: 'node-exists', node: name });
    const ip = addr(mgmtIp);
    if (!ip.ok) return ip;
    if (!inCidr(this.mgmt.cidr, ip.value)) return err({ code: 'ip-outside-subnet', ip: formatIPv4(ip.value), cidr: formatCidr(this.mgmt.cidr) });
    const bridge = new OvsBridge({ owner: name, clock: this.clock, ...(this.opts.ovsVersion !== undefined ? { ovsVersion: this.opts.ovsVersion } : {}) });
    const agent = bridge.addPort({ name: 'nsx_agent_outer', tag: NSX_LAB_DEFAULTS.nsxAgentOuterTag });
    const uplink = bridge.addPort({ name: 'ens192' });
    if (!agent.ok) return err({ code: 'bridge', error: agent.error });
    if (!uplink.ok) return err({ code: 'bridge', error: uplink.error });
    for (const f of nsxBaseFlows('ens192')) {
      const r = bridge.addFlow(f);
      if (!r.ok) return err({ code: 'bridge', error: r.error });
    }
    const trunk = new VlanTrunk(`${name}/nvds`);
    this.fabric.connect(`${name}/ens192`, uplink.value.device, trunk.trunk);
    const router = newNodeRouter(name, this.nextHostMac++, this.clock, this.opts.arpTimeoutMs);
    const node: NodeState = { name, mgmtIp: ip.value, bridge, trunk, uplink: uplink.value, vlans: new Map(), router, netfilter: undefined };
    this.nodes.set(name, node);
    return ok(node);
  }

  node(name: string): NsxNode | undefined {
    return this.nodes.get(name);
  }

  nodeBridge(name: string): OvsBridge | undefined {
    return this.nodes.get(name)?.bridge;
  }

  /**
   * Links a node's own IP stack (its management NIC) to its node router's `host` link and
   * puts the router's ens160 on the management segment: the node IP, with the NIC's MAC
   * (the segment's ARP binding), default route via the segment's gateway. Links:
   * `<node>/host` and `ls-k8s-node-management/<node>`.
   */
  attachNodeStack(node: string, device: NetDevice): Result<Link, LabError> {
    const n = this.nodes.get(node);
    if (n === undefined) return err({ code: 'unknown-node', node });
    const r = n.router;
    const host = r.iface(NODE_ROUTER_IFACES.host)?.port;
    if (host === undefined || host.connected || r.iface(NODE_ROUTER_IFACES.mgmt) !== undefined || this.fabric.scheduler.linkOf(device) !== undefined) {
      return err({ code: 'already-connected', device: device.name });
    }
    const ls = this.mgmt.ls;
    const port = addMgmtInterface(r, { mac: device.mac, ip: n.mgmtIp, prefix: this.mgmt.cidr.prefix, gateway: this.mgmt.gateway });
    const lsPort = ls.addPort(node);
    ls.bindIp(n.mgmtIp, device.mac);
    ls.bindMac(device.mac, node);
    this.fabric.connect(`${ls.name}/${node}`, lsPort, port);
    if (n.netfilter !== undefined) refreshLocalAddresses(r, n.netfilter);
    return ok(this.fabric.connect(`${node}/host`, device, host));
  }

  /**
   * Runs `rulesets` (iptables and/or nftables, the caller's, reloaded in place) on the
   * node router's packets with a fresh Conntrack and NetfilterRunner: local addresses =
   * the node IP, masquerade = the out interface's address (ens160 -> the node IP).
   * Replaces any earlier program. No bridge netfilter: pods are on br-int, not here.
   */
  enableNetfilter(node: string, rulesets: readonly NetfilterRuleset[], opts: EnableNetfilterOptions = {}): Result<NodeNetfilter, LabError> {
    const n = this.nodes.get(node);
    if (n === undefined) return err({ code: 'unknown-node', node });
    n.netfilter = enableRouterNetfilter(n.router, rulesets, opts);
    return ok(n.netfilter);
  }

  // ---- namespaces -----------------------------------------------------------------------

  addNamespace(ns: string, subnetCidr: string, vlanTag?: number): Result<NsxNamespace, LabError> {
    if (this.namespaces.has(ns)) return err({ code: 'namespace-exists', namespace: ns });
    const c = cidr4(subnetCidr);
    if (!c.ok) return c;
    const used: Array<[string, Cidr4]> = [
      ['management', this.mgmt.cidr],
      ['external', this.external.cidr],
      ...[...this.namespaces.values()].map((n): [string, Cidr4] => [n.name, n.cidr]),
    ];
    for (const [name, other] of used) if (overlaps(c.value, other)) return err({ code: 'subnet-overlap', cidr: subnetCidr, with: name });
    const ls = new LogicalSwitch({ name: `ls-${ns}` });
    const t1 = this.router(`t1-${ns}`, 't1');
    const gw = (c.value.base + 1) as IPv4;
    const gwMac = this.attachRouter(t1, 'downlink', gw, c.value.prefix, ls);
    this.linkToTier0(t1, [c.value]);
    const n: NsxNamespace = { name: ns, cidr: c.value, gateway: gw, gatewayMac: gwMac, ls, tier1: t1, preferredVlan: vlanTag };
    this.namespaces.set(ns, n);
    this.segments.set(ns, ls);
    return ok(n);
  }

  namespace(ns: string): NsxNamespace | undefined {
    return this.namespaces.get(ns);
  }

  // ---- pods -----------------------------------------------------------------------------

  attachPod(spec: PodSpec): Result<PodAttachment, LabError> {
    const node = this.nodes.get(spec.node);
    if (node === undefined) return err({ code: 'unknown-node', node: spec.node });
    const ns = this.namespaces.get(spec.namespace);
    if (ns === undefined) return err({ code: 'unknown-namespace', namespace: spec.namespace });
    const ip = addr(spec.ip);
    if (!ip.ok) return ip;
    if (!inCidr(ns.cidr, ip.value)) return err({ code: 'ip-outside-subnet', ip: formatIPv4(ip.value), cidr: formatCidr(ns.cidr) });
    if (spec.gateway !== undefined) {
      const gw = addr(spec.gateway);
      if (!gw.ok) return gw;
      if (gw.value !== ns.gateway) return err({ code: 'gateway-mismatch', expected: formatIPv4(ns.gateway), got: formatIPv4(gw.value) });
    }
    const cid = spec.containerId.slice(0, 15);
    const portName = `${spec.podName}_${cid}`;
    if (this.pods.has(podKey(spec.node, spec.podName))) return err({ code: 'pod-exists', port: portName });
    const vlan = this.podVlan(node, ns, spec.podName);
    if (!vlan.ok) return vlan;
    const bp = node.bridge.addPort({ name: portName, interfaceName: cid, tag: vlan.value.vid });
    if (!bp.ok) {
      this.releasePodVlan(node, ns, spec.podName, vlan.value.link);
      return err({ code: 'bridge', error: bp.error });
    }
    ns.ls.bindIp(ip.value, spec.mac);
    ns.ls.bindMac(spec.mac, vlan.value.lsPort);
    const state: PodState = { att: undefined as unknown as PodAttachment, link: undefined, vlanLink: vlan.value.link };
    const linkName = `${node.name}/${portName}`;
    const att: PodAttachment = {
      node: node.name,
      namespace: ns.name,
      podName: spec.podName,
      portName,
      interfaceName: cid,
      vlan: vlan.value.vid,
      ip: ip.value,
      mac: spec.mac,
      port: bp.value,
      linkName,
      connect: (device) => {
        if (state.link !== undefined || this.fabric.scheduler.linkOf(device) !== undefined) return err({ code: 'already-connected', device: device.name });
        state.link = this.fabric.connect(linkName, device, bp.value.device);
        return ok(state.link);
      },
    };
    (state as { att: PodAttachment }).att = att;
    this.pods.set(podKey(spec.node, spec.podName), state);
    if (spec.device !== undefined) {
      const c = att.connect(spec.device);
      if (!c.ok) {
        this.detachPod(node.name, spec.podName);
        return c;
      }
    }
    return ok(att);
  }

  detachPod(node: string, podName: string): Result<PodAttachment, LabError> {
    const key = podKey(node, podName);
    const st = this.pods.get(key);
    if (st === undefined) return err({ code: 'no-such-pod', node, pod: podName });
    const a = st.att;
    if (st.link !== undefined) this.fabric.disconnect(st.link);
    this.nodes.get(node)?.bridge.removePort(a.portName);
    const ns = this.namespaces.get(a.namespace);
    const ls = ns?.ls;
    if (ls !== undefined) {
      if (ls.binding(a.ip)?.mac === a.mac) ls.unbindIp(a.ip);
      if (ls.macPort(a.mac) === `${node}/vlan-${a.vlan}`) ls.unbindMac(a.mac);
    }
    const nodeState = this.nodes.get(node);
    if (nodeState !== undefined) this.releasePodVlan(nodeState, ns, podName, st.vlanLink);
    this.pods.delete(key);
    return ok(a);
  }

  pod(node: string, podName: string): PodAttachment | undefined {
    return this.pods.get(podKey(node, podName))?.att;
  }

  // ---- hosts, edge, faults, traces -------------------------------------------------------

  /**
   * Links a device (a node stack, the external client) to a segment: "management",
   * "external", or a namespace name. With `ip`, the segment learns the binding (ARP
   * suppression answers for it, its MAC is pinned to this port).
   */
  attachHost(segment: string, device: NetDevice, o: { readonly ip?: IPv4 | string } = {}): Result<Link, LabError> {
    const ls = this.segments.get(segment);
    if (ls === undefined) return err({ code: 'unknown-segment', segment });
    if (this.fabric.scheduler.linkOf(device) !== undefined) return err({ code: 'already-connected', device: device.name });
    const portName = ls.portNames().includes(device.name) ? `${device.name}#${++this.nextLink}` : device.name;
    const port = ls.addPort(portName);
    if (o.ip !== undefined) {
      const ip = addr(o.ip);
      if (!ip.ok) return ip;
      ls.bindIp(ip.value, device.mac);
      ls.bindMac(device.mac, portName);
    }
    return ok(this.fabric.connect(`${ls.name}/${portName}`, device, port));
  }

  /**
   * Hook for the load balancer (a later issue): an edge service router linked to the
   * Tier-0 by a /31, owning `loopbacks` (VIPs) that the Tier-0 routes to it. Give it a
   * local handler (Router.setLocalHandler) to serve them. `o.link` picks the /31 (the
   * article's LB Tier-1 uplink is 100.64.208.9 on 100.64.208.8/31).
   */
  attachServiceRouter(name: string, loopbacks: ReadonlyArray<IPv4 | string> = [], o: ServiceRouterOptions = {}): Result<Router, LabError> {
    if (this.serviceRouters.has(name)) return ok(this.serviceRouters.get(name) as Router);
    let link: { t0: IPv4; t1: IPv4 } | undefined;
    if (o.link !== undefined) {
      const c = cidr4(o.link);
      if (!c.ok) return c;
      if (c.value.prefix !== 31) return err({ code: 'bad-address', value: o.link, message: 'a router link is a /31' });
      const t0 = c.value.base as IPv4;
      const t1 = (c.value.base + 1) as IPv4;
      const clash = this.tier0.interfaces().find((i) => i.ip !== undefined && (inCidr(c.value, i.ip) || ((i.ip & maskV4(i.prefix)) >>> 0) === ((t0 & maskV4(i.prefix)) >>> 0)));
      if (clash !== undefined) return err({ code: 'subnet-overlap', cidr: o.link, with: clash.name });
      link = { t0, t1 };
    }
    const sr = this.router(name, 't1');
    this.linkToTier0(sr, [], link);
    this.serviceRouters.set(name, sr);
    for (const l of loopbacks) {
      const r = this.addServiceRouterVip(name, l);
      if (!r.ok) return r;
    }
    return ok(sr);
  }

  addServiceRouterVip(srName: string, vip: IPv4 | string): Result<void, LabError> {
    const sr = this.serviceRouters.get(srName);
    if (sr === undefined) return err({ code: 'unknown-segment', segment: srName });
    const ip = addr(vip);
    if (!ip.ok) return ip;
    sr.addLoopback(ip.value);
    const up = sr.iface('uplink')?.ip;
    if (up !== undefined) this.tier0.addRoute(ip.value, 32, up);
    return ok(undefined);
  }

  serviceRouter(name: string): Router | undefined {
    return this.serviceRouters.get(name);
  }

  serviceRouterNames(): string[] {
    return [...this.serviceRouters.keys()];
  }

  /** Namespaces in creation order. */
  namespaceList(): NsxNamespace[] {
    return [...this.namespaces.values()];
  }

  removeServiceRouterVip(srName: string, vip: IPv4 | string): void {
    const sr = this.serviceRouters.get(srName);
    const ip = addr(vip);
    if (sr === undefined || !ip.ok) return;
    sr.removeLoopback(ip.value);
    this.tier0.removeRoute(ip.value, 32);
  }

  setLoss(linkName: string, p: number): boolean {
    return this.fabric.setLoss(linkName, p);
  }

  linkNames(): string[] {
    return this.fabric.scheduler.linkNames();
  }

  runUntilIdle(): number {
    return this.fabric.runUntilIdle();
  }

  trace(from: NetDevice, frame: Uint8Array, opts: TraceOptions = {}): Result<HopRecord[], LabError | { readonly code: 'not-linked'; readonly device: string }> {
    return this.fabric.trace(from, frame, opts);
  }

  // ---- internals ------------------------------------------------------------------------

  private router(name: string, flagPrefix: string): Router {
    return new Router({ name, clock: this.clock, flagPrefix, ...(this.opts.arpTimeoutMs !== undefined ? { arpTimeoutMs: this.opts.arpTimeoutMs } : {}) });
  }

  private mac(): number {
    return this.nextMac++;
  }

  /** A router interface on a segment; the segment answers ARP for the interface address. */
  private attachRouter(r: Router, iface: string, ip: IPv4, prefix: number, ls: LogicalSwitch): number {
    const mac = this.mac();
    const port = r.addInterface({ name: iface, mac, ip, prefix });
    const lsPort = ls.addPort(r.name);
    ls.bindIp(ip, mac);
    ls.bindMac(mac, r.name);
    this.fabric.connect(`${ls.name}/${r.name}`, lsPort, port);
    return mac;
  }

  /** A /31 router link to the Tier-0; the Tier-0 routes `subnets` to it, it defaults to the Tier-0. */
  private linkToTier0(t1: Router, subnets: readonly Cidr4[], link?: { readonly t0: IPv4; readonly t1: IPv4 }): void {
    const base = unwrapLab(addr(NSX_LAB_DEFAULTS.routerLinkBase));
    const i = link === undefined ? this.autoLinks++ : 0;
    const t0Ip = link?.t0 ?? ((base + 2 * i) as IPv4);
    const t1Ip = link?.t1 ?? ((base + 2 * i + 1) as IPv4);
    const t0Port = this.tier0.addInterface({ name: `down-${t1.name}`, mac: this.mac(), ip: t0Ip, prefix: 31 });
    const t1Port = t1.addInterface({ name: 'uplink', mac: this.mac(), ip: t1Ip, prefix: 31 });
    this.fabric.connect(`${t1.name}/uplink`, t1Port, t0Port);
    t1.addRoute(0 as IPv4, 0, t0Ip);
    for (const s of subnets) this.tier0.addRoute(s.base, s.prefix, t1Ip);
  }

  /**
   * Each pod attachment gets its own VLAN on its node's br-int (as NCP does: the article's
   * `ovs-vsctl show` has tag 1 for an app pod and tag 5 for coredns). br-int therefore never
   * switches pod to pod locally: everything goes up ens192 to the hypervisor, where the VLAN
   * selects the pod's logical port on its namespace switch. That is what makes the article's
   * `in_port=ens192 ... ct(table=2,zone=65312,nat)` flow un-NAT replies from a backend on
   * the same node.
   */
  private podVlan(node: NodeState, ns: NsxNamespace, podName: string): Result<{ vid: number; lsPort: string; link: Link }, LabError> {
    const taken = new Set(node.vlans.values());
    taken.add(NSX_LAB_DEFAULTS.nsxAgentOuterTag);
    let vid: number | undefined;
    for (let v = 1; vid === undefined && v < 4094; v++) if (!taken.has(v)) vid = v;
    if (vid === undefined) return err({ code: 'vlan-exhausted', node: node.name });
    node.vlans.set(podName, vid);
    const lsPortName = `${node.name}/vlan-${vid}`;
    const segPort = node.trunk.map(vid, `${ns.name}#${vid}`);
    const lsPort = ns.ls.addPort(lsPortName);
    const link = this.fabric.connect(`${ns.ls.name}/${lsPortName}`, lsPort, segPort);
    return ok({ vid, lsPort: lsPortName, link });
  }

  private releasePodVlan(node: NodeState, ns: NsxNamespace | undefined, podName: string, link: Link | undefined): void {
    const vid = node.vlans.get(podName);
    if (vid === undefined) return;
    node.vlans.delete(podName);
    if (link !== undefined) this.fabric.disconnect(link);
    node.trunk.unmap(vid);
    ns?.ls.removePort(`${node.name}/vlan-${vid}`);
  }
}

function podKey(node: string, pod: string): string {
  return `${node}\u0000${pod}`;
}

function unwrapLab<T>(r: Result<T, LabError>): T {
  if (!r.ok) throw new Error(`nsx-lab constant: ${JSON.stringify(r.error)}`);
  return r.value;
}
