// An IPv4 router as a fabric element: NSX Tier-0/Tier-1 routers, a Linux node routing
// for its pods (generic lab), an edge service router. Interfaces with an address and a
// connected route, static routes, longest-prefix match, TTL decrement, ARP (answers for
// its own addresses, resolves next hops with a bounded queue and retries), ICMP echo for
// its own addresses, and ICMP errors (time exceeded, net/host/port unreachable) sourced
// from the interface the offending packet came in on.
//
// Netfilter-style hook points (prerouting, input, forward, output, postrouting) let a
// packet filter see and rewrite packets; without a hook the router forwards on a byte
// fast path (copy, new MACs, TTL and checksum patched incrementally). With a hook the
// packet is parsed, handed over mutable, and re-emitted with fresh checksums.
//
// A `host` interface models the link to the machine's own IP stack (Linux node): frames
// for the router's local addresses are delivered there instead of being answered, frames
// from it are locally originated (OUTPUT, no TTL decrement), and it answers every ARP
// request (proxy ARP) so the host can use any gateway.
import { realClock, type Clock, type TimerHandle } from '../../core/clock.js';
import { formatIPv4, type IPv4 } from '../../core/ip.js';
import { ETH_TYPE_ARP, ETH_TYPE_IPV4 } from '../flow-key.js';
import { allocBytes } from '../wire/alloc.js';
import { ARP_REPLY, ARP_REQUEST, parseArp } from '../wire/arp.js';
import { EMPTY_BYTES, readU16, updateChecksum16, writeMac, writeU16 } from '../wire/checksum.js';
import { emitFrame, parseFrame, type Frame } from '../wire/frame.js';
import { icmpQuote, icmpTypeCode, isIcmpErrorType, type IcmpRepr } from '../wire/icmp.js';
import type { Ipv4Header } from '../wire/ipv4.js';
import { MAC_BROADCAST, formatMac } from '../wire/mac.js';
import { FabricPort, type FrameMeta } from './fabric-port.js';
import { rejectAnswer } from './reject-answer.js';
import { formatRouteTable, RouteTable, routeText, type Route } from './route-table.js';
import type { FabricDropReason } from './trace.js';
import { dstMacOf, etherTypeOf, isGroupMac, l3OffsetOf } from './vlan-bytes.js';
import type { HookName, HookPacket, HookVerdict, InterfaceOptions, LocalHandler, PacketHook, RejectWith, RouterInterface, RouterOptions, RouterStats } from './router-types.js';

export type { HookName, HookPacket, HookVerdict, InterfaceOptions, LocalHandler, PacketHook, RejectWith, RouterInterface, RouterOptions, RouterStats } from './router-types.js';

interface Pkt {
  frame: Frame;
  ip: Ipv4Header;
  /** The received bytes and where L3 starts; undefined for packets the router made. */
  bytes: Uint8Array | undefined;
  l3off: number;
  /** The frame repr was (or may have been) rewritten: emit instead of patching bytes. */
  dirty: boolean;
  inIface: RouterInterface | undefined;
}

interface Waiting {
  readonly bytes: Uint8Array;
  readonly meta: FrameMeta | undefined;
  readonly inIface: RouterInterface | undefined;
}

interface Resolution {
  readonly iface: RouterInterface;
  readonly ip: IPv4;
  readonly queue: Waiting[];
  tries: number;
  timer: TimerHandle | undefined;
}


const ACCEPT: HookVerdict = { kind: 'accept' };

function verdictText(v: HookVerdict): string {
  if (v.kind === 'accept') return 'accept';
  if (v.kind === 'drop') return `drop (${v.reason})`;
  return v.reason === undefined ? `reject with ${v.with}` : `reject with ${v.with} (${v.reason})`;
}
const ip4 = (n: number) => formatIPv4(n as IPv4);

export class Router {
  readonly name: string;
  readonly routes = new RouteTable();
  readonly stats: RouterStats = {
    forwarded: 0,
    local: 0,
    dropped: 0,
    timeExceeded: 0,
    netUnreachable: 0,
    hostUnreachable: 0,
    portUnreachable: 0,
    rejected: 0,
    arpRequestsSent: 0,
    arpRepliesSent: 0,
  };
  private readonly clock: Clock;
  private readonly flagPrefix: string;
  private readonly arpTimeoutMs: number;
  private readonly arpRetries: number;
  private readonly arpQueue: number;
  private hook: PacketHook | undefined;
  private localHandler: LocalHandler | undefined;
  private readonly ifaces = new Map<string, RouterInterface>();
  private readonly local = new Set<number>();
  private readonly loopbacks = new Set<number>();
  private readonly neighbors = new Map<string, Map<number, number>>();
  private readonly pending = new Map<string, Resolution>();
  private hostIface: RouterInterface | undefined;
  private ident = 1;

  constructor(opts: RouterOptions) {
    this.name = opts.name;
    this.clock = opts.clock ?? realClock;
    this.flagPrefix = opts.flagPrefix ?? '';
    this.arpTimeoutMs = opts.arpTimeoutMs ?? 1000;
    this.arpRetries = opts.arpRetries ?? 3;
    this.arpQueue = opts.arpQueue ?? 64;
    this.hook = opts.hook;
  }

  // ---- configuration ------------------------------------------------------------------

  /** Adds an interface (and its connected route); link the returned port to the segment or peer. */
  addInterface(o: InterfaceOptions): FabricPort {
    if (this.ifaces.has(o.name)) throw new Error(`${this.name}: interface ${o.name} exists`);
    const port = new FabricPort(o.name, o.mac, this.name, (f, m) => this.onFrame(iface, f, m));
    const iface: RouterInterface = { name: o.name, mac: o.mac, ip: o.ip, prefix: o.prefix ?? 32, proxyArp: o.proxyArp ?? o.host === true, host: o.host === true, port };
    this.ifaces.set(o.name, iface);
    this.neighbors.set(o.name, new Map());
    if (iface.host) this.hostIface = iface;
    if (o.ip !== undefined) {
      this.local.add(o.ip);
      this.routes.add({ prefix: o.ip, len: iface.prefix, iface: o.name, kind: 'connected' });
    }
    return port;
  }

  removeInterface(name: string): boolean {
    const iface = this.ifaces.get(name);
    if (iface === undefined) return false;
    this.ifaces.delete(name);
    this.neighbors.delete(name);
    if (iface.ip !== undefined) this.local.delete(iface.ip);
    if (this.hostIface === iface) this.hostIface = undefined;
    this.routes.removeIface(name);
    for (const [k, r] of this.pending) {
      if (r.iface === iface) {
        if (r.timer !== undefined) this.clock.clearTimeout(r.timer);
        this.pending.delete(k);
      }
    }
    iface.port.detach();
    return true;
  }

  iface(name: string): RouterInterface | undefined {
    return this.ifaces.get(name);
  }

  interfaces(): RouterInterface[] {
    return [...this.ifaces.values()];
  }

  addLoopback(ip: IPv4): void {
    this.local.add(ip);
    this.loopbacks.add(ip);
  }

  removeLoopback(ip: IPv4): void {
    this.loopbacks.delete(ip);
    if (![...this.ifaces.values()].some((i) => i.ip === ip)) this.local.delete(ip);
  }

  loopbackAddresses(): IPv4[] {
    return [...this.loopbacks].sort((a, b) => a - b) as IPv4[];
  }

  isLocal(ip: number): boolean {
    return this.local.has(ip);
  }

  addRoute(prefix: IPv4, len: number, via: IPv4 | undefined, iface?: string): boolean {
    let out = iface;
    if (out === undefined && via !== undefined) out = this.routes.lookup(via)?.iface;
    if (out === undefined || !this.ifaces.has(out)) return false;
    this.routes.add(via !== undefined ? { prefix, len, via, iface: out, kind: 'static' } : { prefix, len, iface: out, kind: 'static' });
    return true;
  }

  removeRoute(prefix: IPv4, len: number): boolean {
    return this.routes.remove(prefix, len);
  }

  addNeighbor(iface: string, ip: IPv4, mac: number): void {
    this.neighbors.get(iface)?.set(ip, mac);
  }

  neighbor(iface: string, ip: IPv4): number | undefined {
    return this.neighbors.get(iface)?.get(ip);
  }

  setHook(hook: PacketHook | undefined): void {
    this.hook = hook;
  }

  setLocalHandler(h: LocalHandler | undefined): void {
    this.localHandler = h;
  }

  /** The route table in the spirit of NSX edge `get route`. */
  formatRoutes(): string {
    return formatRouteTable(this.routes.list(), this.loopbackAddresses(), this.flagPrefix);
  }

  // ---- packets in ---------------------------------------------------------------------

  private onFrame(iface: RouterInterface, bytes: Uint8Array, meta: FrameMeta): void {
    if (bytes.length < 14) return this.drop(meta, { kind: 'malformed', detail: `${bytes.length}-byte frame` });
    const dst = dstMacOf(bytes);
    if (dst !== iface.mac && !isGroupMac(dst)) return this.drop(meta, { kind: 'not-for-us', mac: formatMac(dst) });
    const et = etherTypeOf(bytes);
    if (et === ETH_TYPE_ARP) return this.onArp(iface, bytes, meta);
    if (et !== ETH_TYPE_IPV4 || isGroupMac(dst)) return;
    const r = parseFrame(bytes, { verifyChecksum: false });
    if (!r.ok || r.value.l3.kind !== 'ipv4') return this.drop(meta, { kind: 'malformed', detail: r.ok ? 'not IPv4' : r.error.kind });
    const p: Pkt = { frame: r.value, ip: r.value.l3.ip, bytes, l3off: l3OffsetOf(bytes), dirty: false, inIface: iface };
    if (iface.host) return this.fromHost(p, meta);
    if (!this.runHook('prerouting', p, meta)) return;
    if (this.local.has(p.ip.dst)) return this.toLocal(p, meta);
    this.forward(p, meta);
  }

  private forward(p: Pkt, meta: FrameMeta): void {
    const inName = p.inIface?.name ?? '-';
    const ttl = p.ip.ttl;
    if (ttl <= 1) {
      this.stats.timeExceeded++;
      this.icmpError('time-exceeded', p, meta);
      return this.drop(meta, { kind: 'ttl-exceeded', ttl });
    }
    const route = this.routes.lookup(p.ip.dst);
    if (route === undefined) {
      this.stats.netUnreachable++;
      this.icmpError('net-unreachable', p, meta);
      return this.drop(meta, { kind: 'no-route', dst: ip4(p.ip.dst) });
    }
    if (!this.runHook('forward', p, meta, route.iface)) return;
    this.stats.forwarded++;
    const nextHop = route.via ?? p.ip.dst;
    meta.trace?.add({ kind: 'router', hop: meta.hops, router: this.name, inIface: inName, outIface: route.iface, route: routeText(route), nextHop: ip4(nextHop), ttlIn: ttl, ttlOut: ttl - 1 });
    this.egress(p, route, ttl - 1, meta);
  }

  private toLocal(p: Pkt, meta: FrameMeta, toHost = true): void {
    if (!this.runHook('input', p, meta)) return;
    this.stats.local++;
    const ifName = p.inIface?.name ?? '-';
    if (toHost && this.hostIface !== undefined && this.hostIface.port.connected) {
      meta.trace?.add({ kind: 'router-local', hop: meta.hops, router: this.name, iface: ifName, action: `${ip4(p.ip.dst)} is local: to the host stack via ${this.hostIface.name}` });
      const route: Route = { prefix: p.ip.dst, len: 32, iface: this.hostIface.name, kind: 'connected' };
      // Local delivery ends at INPUT (Linux has no POSTROUTING on the way in).
      return this.egress(p, route, p.ip.ttl, meta, false);
    }
    if (this.localHandler !== undefined && this.localHandler(this.hookPacket(p), this)) {
      meta.trace?.add({ kind: 'router-local', hop: meta.hops, router: this.name, iface: ifName, action: `${ip4(p.ip.dst)}: consumed by the local handler` });
      return;
    }
    const l3 = p.frame.l3;
    if (l3.kind === 'ipv4' && l3.l4.kind === 'icmp' && l3.l4.icmp.kind === 'echo-request') {
      const e = l3.l4.icmp;
      meta.trace?.add({ kind: 'router-local', hop: meta.hops, router: this.name, iface: ifName, action: `echo request to ${ip4(p.ip.dst)}: echo reply` });
      this.originate(p.ip.dst, p.ip.src, { kind: 'icmp', icmp: { kind: 'echo-reply', ident: e.ident, seq: e.seq, data: e.data } }, meta);
      return;
    }
    if (l3.kind === 'ipv4' && l3.l4.kind === 'udp') {
      this.stats.portUnreachable++;
      this.icmpError('port-unreachable', p, meta, p.ip.dst);
      return this.drop(meta, { kind: 'local-unhandled', detail: `udp port ${l3.l4.udp.dstPort}` });
    }
    this.drop(meta, { kind: 'local-unhandled', detail: `${l3.kind === 'ipv4' ? l3.l4.kind : 'packet'} to ${ip4(p.ip.dst)}` });
  }

  /** From this machine's own stack: OUTPUT, routed without a TTL decrement. */
  private fromHost(p: Pkt, meta: FrameMeta): void {
    if (!this.runHook('output', p, meta)) return;
    // One of the router's own addresses (the pod gateway, say): the host stack does not
    // hold it, so the router answers for it itself.
    if (this.local.has(p.ip.dst)) return this.toLocal(p, meta, false);
    const route = this.routes.lookup(p.ip.dst);
    if (route === undefined || route.iface === p.inIface?.name) {
      return this.drop(meta, { kind: 'no-route', dst: ip4(p.ip.dst) });
    }
    const nextHop = route.via ?? p.ip.dst;
    meta.trace?.add({ kind: 'router', hop: meta.hops, router: this.name, inIface: p.inIface?.name ?? '-', outIface: route.iface, route: routeText(route), nextHop: ip4(nextHop), ttlIn: p.ip.ttl, ttlOut: p.ip.ttl });
    this.stats.forwarded++;
    this.egress(p, route, p.ip.ttl, meta);
  }

  // ---- packets out --------------------------------------------------------------------

  /** Sends an IP packet from the router itself (ICMP it generates, or a local service's traffic). */
  originate(src: IPv4, dst: IPv4, l4: Extract<Frame['l3'], { kind: 'ipv4' }>['l4'], meta?: FrameMeta): boolean {
    const ip: Ipv4Header = { tos: 0, ident: this.ident++ & 0xffff, dontFragment: false, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: 0, src, dst, options: EMPTY_BYTES };
    const frame: Frame = { eth: { dst: 0, src: 0, etherType: ETH_TYPE_IPV4 }, l3: { kind: 'ipv4', ip, l4 }, trailer: EMPTY_BYTES };
    const p: Pkt = { frame, ip, bytes: undefined, l3off: 14, dirty: true, inIface: undefined };
    const m = meta ?? { hops: 0 };
    if (!this.runHook('output', p, m)) return false;
    const host = this.hostIface;
    // To one of the machine's own addresses (its stack sent what we answer): the host link.
    const route: Route | undefined =
      this.local.has(dst) && host !== undefined && host.port.connected ? { prefix: dst, len: 32, iface: host.name, kind: 'connected' } : this.routes.lookup(dst);
    if (route === undefined) {
      this.drop(m, { kind: 'no-route', dst: ip4(dst) });
      return false;
    }
    this.egress(p, route, ip.ttl, m);
    return true;
  }

  private egress(p: Pkt, route: Route, ttl: number, meta: FrameMeta, postrouting = true): void {
    const out = this.ifaces.get(route.iface);
    if (out === undefined) return this.drop(meta, { kind: 'no-route', dst: ip4(p.ip.dst) });
    if (postrouting && !this.runHook('postrouting', p, meta, out.name)) return;
    const nextHop = (route.via ?? p.ip.dst) as IPv4;
    const bytes = this.build(p, out, ttl);
    const mac = this.neighbors.get(out.name)?.get(nextHop);
    if (mac !== undefined) {
      writeMac(bytes, 0, mac);
      this.transmit(out, bytes, meta);
      return;
    }
    this.enqueueForArp(out, nextHop, { bytes, meta, inIface: p.inIface }, meta);
  }

  /** Untagged Ethernet + the packet; the destination MAC is filled in once known. */
  private build(p: Pkt, out: RouterInterface, ttl: number): Uint8Array {
    if (!p.dirty && p.bytes !== undefined) {
      const b = p.bytes;
      const total = readU16(b, p.l3off + 2);
      const bytes = allocBytes(14 + total);
      writeMac(bytes, 6, out.mac);
      writeU16(bytes, 12, ETH_TYPE_IPV4);
      bytes.set(b.subarray(p.l3off, p.l3off + total), 14);
      const old = bytes[14 + 8]!;
      if (old !== ttl) {
        const oldWord = (old << 8) | bytes[14 + 9]!;
        bytes[14 + 8] = ttl;
        writeU16(bytes, 14 + 10, updateChecksum16(readU16(bytes, 14 + 10), oldWord, (ttl << 8) | bytes[14 + 9]!));
      }
      return bytes;
    }
    p.frame.eth = { dst: 0, src: out.mac, etherType: ETH_TYPE_IPV4 };
    p.ip.ttl = ttl;
    p.frame.trailer = EMPTY_BYTES;
    return emitFrame(p.frame);
  }

  private transmit(out: RouterInterface, bytes: Uint8Array, meta: FrameMeta | undefined): void {
    if (!out.port.send(bytes, meta) && meta !== undefined) this.drop(meta, { kind: 'unconnected-port', port: out.name });
  }

  // ---- ARP ----------------------------------------------------------------------------

  private onArp(iface: RouterInterface, bytes: Uint8Array, meta: FrameMeta): void {
    const r = parseArp(bytes.subarray(l3OffsetOf(bytes)));
    if (!r.ok) return;
    const a = r.value;
    const forUs = a.targetIp === iface.ip;
    if (a.senderIp !== 0 && (forUs || this.pending.has(`${iface.name}|${a.senderIp}`) || this.neighbors.get(iface.name)?.has(a.senderIp) === true || iface.proxyArp)) {
      this.learn(iface, a.senderIp, a.senderMac);
    }
    if (a.op !== ARP_REQUEST) return;
    if (!(forUs || (iface.proxyArp && a.targetIp !== a.senderIp && a.senderIp !== 0))) return;
    this.stats.arpRepliesSent++;
    meta.trace?.add({ kind: 'router-local', hop: meta.hops, router: this.name, iface: iface.name, action: `ARP reply ${ip4(a.targetIp)} is-at ${formatMac(iface.mac)}` });
    const reply = emitFrame({
      eth: { dst: a.senderMac, src: iface.mac, etherType: ETH_TYPE_ARP },
      l3: { kind: 'arp', arp: { op: ARP_REPLY, senderMac: iface.mac, senderIp: a.targetIp, targetMac: a.senderMac, targetIp: a.senderIp } },
      trailer: EMPTY_BYTES,
    });
    this.transmit(iface, reply, meta);
  }

  private learn(iface: RouterInterface, ip: IPv4, mac: number): void {
    this.neighbors.get(iface.name)?.set(ip, mac);
    const key = `${iface.name}|${ip}`;
    const res = this.pending.get(key);
    if (res === undefined) return;
    this.pending.delete(key);
    if (res.timer !== undefined) this.clock.clearTimeout(res.timer);
    for (const w of res.queue) {
      writeMac(w.bytes, 0, mac);
      this.transmit(iface, w.bytes, w.meta);
    }
  }

  private enqueueForArp(out: RouterInterface, nextHop: IPv4, w: Waiting, meta: FrameMeta): void {
    const key = `${out.name}|${nextHop}`;
    let res = this.pending.get(key);
    meta.trace?.add({ kind: 'arp-pending', hop: meta.hops, router: this.name, iface: out.name, nextHop: ip4(nextHop) });
    if (res === undefined) {
      res = { iface: out, ip: nextHop, queue: [], tries: 0, timer: undefined };
      this.pending.set(key, res);
      this.sendArpRequest(res);
    }
    if (res.queue.length >= this.arpQueue) return this.drop(meta, { kind: 'arp-queue-full', nextHop: ip4(nextHop) });
    res.queue.push(w);
  }

  private sendArpRequest(res: Resolution): void {
    const iface = res.iface;
    res.tries++;
    this.stats.arpRequestsSent++;
    // Sender address: the interface's own. An unnumbered interface (the host link) asks
    // like an RFC 5227 probe, sender 0.0.0.0: its target may own the very address we would
    // otherwise claim as sender (the node IP), which stacks treat as a conflict.
    const sender = iface.ip ?? (0 as IPv4);
    const req = emitFrame({
      eth: { dst: MAC_BROADCAST, src: iface.mac, etherType: ETH_TYPE_ARP },
      l3: { kind: 'arp', arp: { op: ARP_REQUEST, senderMac: iface.mac, senderIp: sender, targetMac: 0, targetIp: res.ip } },
      trailer: EMPTY_BYTES,
    });
    // Router control traffic starts its own lineage (untraced): the trace follows the
    // queued packet, which leaves once the answer is in.
    iface.port.send(req, undefined);
    res.timer = this.clock.setTimeout(() => this.arpTimeout(res), this.arpTimeoutMs);
  }

  private arpTimeout(res: Resolution): void {
    res.timer = undefined;
    const key = `${res.iface.name}|${res.ip}`;
    if (this.pending.get(key) !== res) return;
    if (res.tries < this.arpRetries) return this.sendArpRequest(res);
    this.pending.delete(key);
    for (const w of res.queue) {
      this.stats.hostUnreachable++;
      const meta = w.meta ?? { hops: 0 };
      const r = parseFrame(w.bytes, { verifyChecksum: false });
      if (r.ok && r.value.l3.kind === 'ipv4') {
        const p: Pkt = { frame: r.value, ip: r.value.l3.ip, bytes: w.bytes, l3off: 14, dirty: false, inIface: w.inIface };
        this.icmpError('host-unreachable', p, meta);
      }
      this.drop(meta, { kind: 'arp-failed', nextHop: ip4(res.ip) });
    }
  }

  // ---- ICMP ---------------------------------------------------------------------------

  private icmpError(type: 'time-exceeded' | 'net-unreachable' | 'host-unreachable' | 'port-unreachable', p: Pkt, meta: FrameMeta, from?: IPv4): void {
    const src = p.ip.src;
    // RFC 1812 4.3.2.7: never about an ICMP error, a non-initial fragment, or a source
    // that is not a unicast host.
    if (src === 0 || src >>> 0 >= 0xe0000000 || p.ip.fragmentOffset !== 0) return;
    const l3 = p.frame.l3;
    if (l3.kind === 'ipv4' && l3.l4.kind === 'icmp' && isIcmpErrorType(icmpTypeCode(l3.l4.icmp).type)) return;
    const addr = from ?? p.inIface?.ip ?? this.anyAddress();
    if (addr === undefined) return;
    const datagram = p.bytes !== undefined && !p.dirty ? p.bytes.subarray(p.l3off) : emitFrame(p.frame).subarray(14);
    const original = icmpQuote(datagram);
    const icmp: IcmpRepr =
      type === 'time-exceeded'
        ? { kind: 'time-exceeded', code: 0, original }
        : { kind: 'dest-unreachable', code: type === 'net-unreachable' ? 0 : type === 'host-unreachable' ? 1 : 3, nextHopMtu: 0, original };
    meta.trace?.add({ kind: 'icmp-error', hop: meta.hops, router: this.name, type, src: ip4(addr), dst: ip4(src) });
    this.originate(addr, src, { kind: 'icmp', icmp }, meta);
  }

  private anyAddress(): IPv4 | undefined {
    for (const i of this.ifaces.values()) if (i.ip !== undefined) return i.ip;
    return undefined;
  }

  // ---- hooks and drops ----------------------------------------------------------------

  private hookPacket(p: Pkt, outIface?: string, traced = false): HookPacket {
    return {
      frame: p.frame,
      ip: p.ip,
      now: this.clock.now(),
      ...(p.inIface !== undefined ? { inIface: p.inIface.name } : {}),
      ...(outIface !== undefined ? { outIface } : {}),
      ...(traced ? { traced } : {}),
    };
  }

  private runHook(name: HookName, p: Pkt, meta: FrameMeta, outIface?: string): boolean {
    const hook = this.hook;
    if (hook === undefined) return true;
    // The hook may rewrite the repr: from here on the bytes are re-emitted.
    p.dirty = true;
    const tr = meta.trace;
    const v = hook(name, this.hookPacket(p, outIface, tr !== undefined)) ?? ACCEPT;
    if (tr !== undefined) {
      if (v.trace !== undefined && v.trace.length > 0) tr.add({ kind: 'netfilter', hop: meta.hops, device: this.name, hook: name, lines: v.trace });
      tr.add({ kind: 'hook', hop: meta.hops, device: this.name, hook: name, verdict: verdictText(v) });
    }
    if (v.kind === 'accept') return true;
    if (v.kind === 'drop') {
      this.drop(meta, { kind: 'filtered', hook: name, reason: v.reason });
      return false;
    }
    this.stats.rejected++;
    this.reject(v.with, p, meta);
    this.drop(meta, { kind: 'filtered', hook: name, reason: v.reason ?? `reject with ${v.with}` });
    return false;
  }

  /**
   * Answers a rejected packet the way Linux's REJECT does (reject-answer.ts). The ICMP
   * source is the destination when that is one of our addresses, else an address of ours
   * towards the sender (the inbound interface's, icmp_send's route choice for a forwarded
   * packet).
   */
  private reject(how: RejectWith, p: Pkt, meta: FrameMeta): void {
    const src = p.ip.src;
    const icmpFrom = this.local.has(p.ip.dst) ? p.ip.dst : (p.inIface?.ip ?? (this.local.has(src) ? src : this.anyAddress()));
    const a = rejectAnswer(how, p.frame, icmpFrom);
    if (a === undefined) return;
    const answer = a.l4.kind === 'tcp' ? `TCP RST ${ip4(a.src)}:${a.l4.tcp.srcPort} > ${ip4(a.dst)}:${a.l4.tcp.dstPort}` : `ICMP ${how.slice(5)} ${ip4(a.src)} > ${ip4(a.dst)}`;
    meta.trace?.add({ kind: 'reject', hop: meta.hops, router: this.name, answer });
    this.originate(a.src, a.dst, a.l4, meta);
  }

  private drop(meta: FrameMeta, reason: FabricDropReason): void {
    this.stats.dropped++;
    meta.trace?.add({ kind: 'drop', hop: meta.hops, device: this.name, reason });
  }
}
