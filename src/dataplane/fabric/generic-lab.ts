// The kube-proxy-mode lab: nodes on one L2 network (10.190.5.0/24 by default), each
// routing for its own pods. Per node:
//
//   pods --- cni0 (Linux-bridge-like segment, 10.244.N.0/24) --- [node router] --- eth0 --- node network
//                                                                    |
//                                                                  host (the node's own IP stack)
//
// The node router owns the node IP (eth0) and the pod gateway .1 (cni0), routes every
// other node's pod CIDR via that node's IP, and is where netfilter processing happens:
// its hook points (prerouting, input, forward, output, postrouting) are a pass-through
// until an iptables/nftables interpreter is installed with setNetfilter(). Traffic for the
// node's addresses goes to the node's own stack on the `host` link (attachNodeStack);
// traffic from that stack is OUTPUT. The host link answers every ARP request, so the
// node stack may use any gateway (e.g. the node network's .1) or none (/24 on-link).
//
// Outside the cluster: an `edge` router joins the node network (its .1, every node
// router's default route) and the external segment 192.168.50.0/24 (edge .1, clients'
// gateway), and routes each pod CIDR via its node; so external clients reach NodePorts
// (and, routed, pod IPs) and replies find their way back.
//
// enableNetfilter() gives a node a Conntrack + NetfilterRunner over caller-owned
// rulesets (NftRuleset / IptRuleset, reloaded in place) installed on its hooks, and on
// cni0 as br_netfilter (bridge-nf-call-iptables=1, which kube-proxy requires): pod-to-pod
// frames bridged on the node run PREROUTING/FORWARD/POSTROUTING with the same conntrack,
// so a ClusterIP reply from a pod on the client's own node is un-DNATed.
import { realClock, type Clock } from '../../core/clock.js';
import { formatCidr, maskV4, parseCidr, type Cidr4 } from '../../core/cidr.js';
import { formatIPv4, parseIPv4, type IPv4 } from '../../core/ip.js';
import { err, ok, type Result } from '../../core/result.js';
import type { NetDevice } from '../netdev.js';
import type { NetfilterRuleset } from '../nftables/nf-types.js';
import { Fabric, type TraceOptions } from './fabric.js';
import { LogicalSwitch } from './logical-switch.js';
import { netfilterHooks, nodeNetfilter, rejectAnswer, type EnableNetfilterOptions, type NodeNetfilter } from './netfilter-hook.js';
import { Router, type PacketHook } from './router.js';
import type { Drive, Link } from './scheduler.js';
import type { HopRecord } from './trace.js';

export const GENERIC_LAB_DEFAULTS = {
  nodeCidr: '10.190.5.0/24',
  /** Node N (in order of addNode, from 0) gets 10.244.N.0/24. */
  podCidrBase: '10.244.0.0',
  externalCidr: '192.168.50.0/24',
} as const;

export interface GenericLabOptions {
  readonly clock?: Clock;
  readonly seed?: number;
  readonly drive?: Drive;
  readonly hopBudget?: number;
  readonly nodeCidr?: string;
  readonly arpTimeoutMs?: number;
  /** The external segment behind the edge router (default 192.168.50.0/24; the edge is its .1). */
  readonly externalCidr?: string;
}

export type { EnableNetfilterOptions, NodeNetfilter } from './netfilter-hook.js';

export type GenericLabError =
  | { readonly code: 'node-exists'; readonly node: string }
  | { readonly code: 'unknown-node'; readonly node: string }
  | { readonly code: 'unknown-segment'; readonly segment: string }
  | { readonly code: 'bad-address'; readonly value: string; readonly message: string }
  | { readonly code: 'ip-outside-subnet'; readonly ip: string; readonly cidr: string }
  | { readonly code: 'pod-exists'; readonly node: string; readonly pod: string }
  | { readonly code: 'no-such-pod'; readonly node: string; readonly pod: string }
  | { readonly code: 'already-connected'; readonly device: string };

export interface GenericNode {
  readonly name: string;
  readonly nodeIp: IPv4;
  readonly podCidr: Cidr4;
  /** The pods' gateway, 10.244.N.1. */
  readonly gateway: IPv4;
  readonly router: Router;
  readonly cni0: LogicalSwitch;
}

export interface GenericPodSpec {
  readonly node: string;
  readonly podName: string;
  readonly mac: number;
  readonly ip: IPv4 | string;
  readonly device?: NetDevice;
}

const addr = (s: IPv4 | string): Result<IPv4, GenericLabError> => {
  if (typeof s !== 'string') return ok(s);
  const r = parseIPv4(s);
  return r.ok ? r : err({ code: 'bad-address', value: s, message: r.error });
};

const inCidr = (c: Cidr4, ip: number) => ((ip & maskV4(c.prefix)) >>> 0) === c.base;

export class GenericLab {
  readonly fabric: Fabric;
  readonly nodeNetwork: LogicalSwitch;
  readonly nodeCidr: Cidr4;
  /** Joins the node network (its .1) and the external segment (its .1). */
  readonly edge: Router;
  readonly external: { readonly cidr: Cidr4; readonly gateway: IPv4; readonly segment: LogicalSwitch };
  private readonly clock: Clock;
  private readonly opts: GenericLabOptions;
  private readonly nodes = new Map<string, GenericNode>();
  private readonly pods = new Map<string, { readonly node: string; readonly ip: IPv4; readonly mac: number; link: Link | undefined }>();
  private nextMac = 0x0a5802000001;

  constructor(opts: GenericLabOptions = {}) {
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
    this.fabric = new Fabric({
      clock: this.clock,
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.drive !== undefined ? { drive: opts.drive } : {}),
      ...(opts.hopBudget !== undefined ? { hopBudget: opts.hopBudget } : {}),
    });
    const c = parseCidr(opts.nodeCidr ?? GENERIC_LAB_DEFAULTS.nodeCidr);
    if (!c.ok || c.value.family !== 4) throw new Error(`bad node CIDR ${opts.nodeCidr ?? ''}`);
    this.nodeCidr = c.value;
    this.nodeNetwork = new LogicalSwitch({ name: 'node-network', arpSuppression: false });
    const ec = parseCidr(opts.externalCidr ?? GENERIC_LAB_DEFAULTS.externalCidr);
    if (!ec.ok || ec.value.family !== 4) throw new Error(`bad external CIDR ${opts.externalCidr ?? ''}`);
    const external = new LogicalSwitch({ name: 'external', arpSuppression: false });
    this.external = { cidr: ec.value, gateway: (ec.value.base + 1) as IPv4, segment: external };
    this.edge = new Router({ name: 'edge', clock: this.clock, ...(opts.arpTimeoutMs !== undefined ? { arpTimeoutMs: opts.arpTimeoutMs } : {}) });
    const edgeNodes = this.edge.addInterface({ name: 'node-network', mac: this.nextMac++, ip: this.edgeAddress, prefix: this.nodeCidr.prefix });
    this.fabric.connect('node-network/edge', this.nodeNetwork.addPort('edge'), edgeNodes);
    const edgeExt = this.edge.addInterface({ name: 'external', mac: this.nextMac++, ip: this.external.gateway, prefix: ec.value.prefix });
    this.fabric.connect('external/edge', external.addPort('edge'), edgeExt);
  }

  /** The edge router's address on the node network (its .1): every node's default gateway. */
  get edgeAddress(): IPv4 {
    return (this.nodeCidr.base + 1) as IPv4;
  }

  addNode(name: string, nodeIp: IPv4 | string, podCidr?: string): Result<GenericNode, GenericLabError> {
    if (this.nodes.has(name)) return err({ code: 'node-exists', node: name });
    const ip = addr(nodeIp);
    if (!ip.ok) return ip;
    if (!inCidr(this.nodeCidr, ip.value)) return err({ code: 'ip-outside-subnet', ip: formatIPv4(ip.value), cidr: formatCidr(this.nodeCidr) });
    if (ip.value === this.edgeAddress) return err({ code: 'bad-address', value: formatIPv4(ip.value), message: 'the edge router holds this address' });
    const base = addr(GENERIC_LAB_DEFAULTS.podCidrBase);
    if (!base.ok) return base;
    const text = podCidr ?? `${formatIPv4((base.value + (this.nodes.size << 8)) as IPv4)}/24`;
    const pc = parseCidr(text);
    if (!pc.ok || pc.value.family !== 4) return err({ code: 'bad-address', value: text, message: pc.ok ? 'IPv4 only' : pc.error });
    const cidr = pc.value;
    const gateway = (cidr.base + 1) as IPv4;
    const router = new Router({ name, clock: this.clock, ...(this.opts.arpTimeoutMs !== undefined ? { arpTimeoutMs: this.opts.arpTimeoutMs } : {}) });
    const eth0 = router.addInterface({ name: 'eth0', mac: this.nextMac++, ip: ip.value, prefix: this.nodeCidr.prefix });
    this.fabric.connect(`node-network/${name}`, this.nodeNetwork.addPort(name), eth0);
    const cni0 = new LogicalSwitch({ name: `${name}/cni0`, arpSuppression: false });
    const cniMac = this.nextMac++;
    const cniPort = router.addInterface({ name: 'cni0', mac: cniMac, ip: gateway, prefix: cidr.prefix });
    this.fabric.connect(`${name}/cni0/${name}`, cni0.addPort(name), cniPort);
    // The bridge device's MAC lives on the router's port (br_netfilter tells its frames apart by it).
    cni0.bindMac(cniMac, name);
    router.addInterface({ name: 'host', mac: this.nextMac++, host: true });
    const node: GenericNode = { name, nodeIp: ip.value, podCidr: cidr, gateway, router, cni0 };
    for (const other of this.nodes.values()) {
      router.addRoute(other.podCidr.base, other.podCidr.prefix, other.nodeIp);
      other.router.addRoute(cidr.base, cidr.prefix, ip.value);
    }
    // Replies to external clients (and anything else off-cluster) leave via the edge.
    if (ip.value !== this.edgeAddress) router.addRoute(0 as IPv4, 0, this.edgeAddress);
    this.edge.addRoute(cidr.base, cidr.prefix, ip.value);
    this.nodes.set(name, node);
    return ok(node);
  }

  node(name: string): GenericNode | undefined {
    return this.nodes.get(name);
  }

  /** Links the node's own IP stack (configured with the node IP) to its router's host link. */
  attachNodeStack(node: string, device: NetDevice): Result<Link, GenericLabError> {
    const n = this.nodes.get(node);
    if (n === undefined) return err({ code: 'unknown-node', node });
    const port = n.router.iface('host')?.port;
    if (port === undefined || port.connected || this.fabric.scheduler.linkOf(device) !== undefined) return err({ code: 'already-connected', device: device.name });
    return ok(this.fabric.connect(`${node}/host`, device, port));
  }

  attachPod(spec: GenericPodSpec): Result<{ readonly linkName: string; connect(d: NetDevice): Result<Link, GenericLabError> }, GenericLabError> {
    const n = this.nodes.get(spec.node);
    if (n === undefined) return err({ code: 'unknown-node', node: spec.node });
    const ip = addr(spec.ip);
    if (!ip.ok) return ip;
    if (!inCidr(n.podCidr, ip.value)) return err({ code: 'ip-outside-subnet', ip: formatIPv4(ip.value), cidr: formatCidr(n.podCidr) });
    const key = `${spec.node}\u0000${spec.podName}`;
    if (this.pods.has(key)) return err({ code: 'pod-exists', node: spec.node, pod: spec.podName });
    const state: { readonly node: string; readonly ip: IPv4; readonly mac: number; link: Link | undefined } = { node: spec.node, ip: ip.value, mac: spec.mac, link: undefined };
    this.pods.set(key, state);
    const port = n.cni0.addPort(spec.podName);
    n.cni0.bindMac(spec.mac, spec.podName);
    // Where a DNATed bridged packet goes on (bridge netfilter): the pod's MAC by its IP.
    n.cni0.bindIp(ip.value, spec.mac);
    const linkName = `${spec.node}/cni0/${spec.podName}`;
    const att = {
      linkName,
      connect: (d: NetDevice): Result<Link, GenericLabError> => {
        if (state.link !== undefined || this.fabric.scheduler.linkOf(d) !== undefined) return err({ code: 'already-connected', device: d.name });
        state.link = this.fabric.connect(linkName, d, port);
        return ok(state.link);
      },
    };
    if (spec.device !== undefined) {
      const c = att.connect(spec.device);
      if (!c.ok) {
        this.detachPod(spec.node, spec.podName);
        return c;
      }
    }
    return ok(att);
  }

  detachPod(node: string, podName: string): Result<void, GenericLabError> {
    const key = `${node}\u0000${podName}`;
    const st = this.pods.get(key);
    const n = this.nodes.get(node);
    if (st === undefined || n === undefined) return err({ code: 'no-such-pod', node, pod: podName });
    if (st.link !== undefined) this.fabric.disconnect(st.link);
    n.cni0.removePort(podName);
    if (n.cni0.binding(st.ip)?.mac === st.mac) n.cni0.unbindIp(st.ip);
    this.pods.delete(key);
    return ok(undefined);
  }

  /** Links a device (an external client, say) to "external", "node-network" or "<node>/cni0". */
  attachHost(segment: string, device: NetDevice): Result<Link, GenericLabError> {
    const ls =
      segment === 'node-network'
        ? this.nodeNetwork
        : segment === 'external'
          ? this.external.segment
          : [...this.nodes.values()].find((n) => n.cni0.name === segment)?.cni0;
    if (ls === undefined) return err({ code: 'unknown-segment', segment });
    if (this.fabric.scheduler.linkOf(device) !== undefined) return err({ code: 'already-connected', device: device.name });
    return ok(this.fabric.connect(`${ls.name}/${device.name}`, device, ls.addPort(device.name)));
  }

  /**
   * Installs a raw packet filter on the node router's hooks; undefined = pass-through.
   * Either way cni0 goes back to plain bridging (a raw hook is the router's only).
   */
  setNetfilter(node: string, hook: PacketHook | undefined): Result<void, GenericLabError> {
    const n = this.nodes.get(node);
    if (n === undefined) return err({ code: 'unknown-node', node });
    n.router.setHook(hook);
    n.cni0.setBridgeNetfilter(undefined);
    return ok(undefined);
  }

  /**
   * Runs `rulesets` (nftables and/or iptables, owned by the caller and reloaded in place)
   * on the node's packets: a fresh Conntrack and NetfilterRunner (local addresses = the
   * node router's; masquerade = the out interface's address: eth0 -> node IP, cni0 -> the
   * pod gateway) installed on the node router's hooks and on cni0 for bridged pod-to-pod
   * frames (iif/oif "cni0"; a packet DNATed off the bridge goes on through the router).
   * Replaces any earlier hook.
   */
  enableNetfilter(node: string, rulesets: readonly NetfilterRuleset[], opts: EnableNetfilterOptions = {}): Result<NodeNetfilter, GenericLabError> {
    const n = this.nodes.get(node);
    if (n === undefined) return err({ code: 'unknown-node', node });
    const nf = nodeNetfilter(n.router, rulesets, opts);
    const hooks = netfilterHooks(nf.runner, { bridgeIface: 'cni0', ...(opts.trace !== undefined ? { trace: opts.trace } : {}) });
    n.router.setHook(hooks.router);
    const router = n.router;
    const cniMac = router.iface('cni0')?.mac ?? 0;
    n.cni0.setBridgeNetfilter({
      hook: hooks.bridge,
      toStack: hooks.toStack,
      localPort: n.name,
      localMac: cniMac,
      onLink: (a) => inCidr(n.podCidr, a),
      now: () => this.clock.now(),
      // REJECT of a bridged packet: the node's IP stack (the router) sends the answer, ICMP from the bridge's address.
      reject: (how, frame, meta) => {
        const a = rejectAnswer(how, frame, n.gateway);
        if (a === undefined) return;
        const l4 = a.l4;
        const what = l4.kind === 'tcp' ? `TCP RST ${formatIPv4(a.src)}:${l4.tcp.srcPort} > ${formatIPv4(a.dst)}:${l4.tcp.dstPort}` : `ICMP ${how.slice(5)} ${formatIPv4(a.src)} > ${formatIPv4(a.dst)}`;
        meta.trace?.add({ kind: 'reject', hop: meta.hops, router: router.name, answer: what });
        router.originate(a.src, a.dst, a.l4, meta);
      },
    });
    return ok(nf);
  }

  setLoss(linkName: string, p: number): boolean {
    return this.fabric.setLoss(linkName, p);
  }

  runUntilIdle(): number {
    return this.fabric.runUntilIdle();
  }

  trace(from: NetDevice, frame: Uint8Array, opts: TraceOptions = {}): Result<HopRecord[], { readonly code: 'not-linked'; readonly device: string }> {
    return this.fabric.trace(from, frame, opts);
  }
}
