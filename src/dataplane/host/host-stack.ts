// One emulated host's (or pod's) IPv4 stack: interfaces, ARP, routing, ICMP, UDP and
// TCP. Everything happens in `receive(frame)` on a NIC, in timer callbacks on the
// injected Clock, or in API calls; frames leave through each NIC's attached tx. How
// calls in and out are sequenced (re-entrancy) is StackRuntime's job (stack-runtime.ts).
import type { Clock } from '../../core/clock.js';
import { ipv4, type IPv4 } from '../../core/ip.js';
import { err, type Result } from '../../core/result.js';
import { ARP_REPLY, ARP_REQUEST, writeArp } from '../wire/arp.js';
import { allocBytes } from '../wire/alloc.js';
import { readMac, readU16, readU32 } from '../wire/checksum.js';
import { parseFrame } from '../wire/frame.js';
import { ipv4ChecksumsOk } from './fast-checksum.js';
import { ArpTable, type ArpConfig } from './arp-table.js';
import { HostNic, type HostNicOptions, type NicOwner } from './host-nic.js';
import { IcmpLayer, type PingOptions } from './icmp-layer.js';
import type { PingOutcome } from './ping.js';
import { forwardPacket } from './ip-forward.js';
import type { NetErrorCode } from './net-error.js';
import { ETH_HLEN, MAC_BROADCAST, writeEthHeader, writeIpHeader } from './packet.js';
import { RouteTable, type Route } from './route-table.js';
import { emptyStackStats } from './stack-stats.js';
import { StackRuntime } from './stack-runtime.js';
import { TcpLayer, type ConnectOptions, type ListenOptions } from './tcp-layer.js';
import type { TcpConfig } from './tcp-config.js';
import type { TcpListener } from './tcp-listener.js';
import type { TcpSocket } from './tcp-socket.js';
import { UdpLayer } from './udp-layer.js';
import type { UdpSocket } from './udp-socket.js';

export interface HostStackOptions {
  readonly clock: Clock;
  /** For `ip` output and error messages only. */
  readonly hostname?: string;
  /** Source of randomness for ISNs, ephemeral ports and ping ids (default Math.random). */
  readonly random?: () => number;
  /** Forward packets between interfaces (net.ipv4.ip_forward); default false. */
  readonly forwarding?: boolean;
  /** TTL of locally originated packets (net.ipv4.ip_default_ttl); default 64. */
  readonly ttl?: number;
  readonly arp?: Partial<ArpConfig>;
  readonly tcp?: Partial<TcpConfig>;
  /** Receives exceptions thrown by application callbacks; default rethrows on a microtask. */
  readonly onCallbackError?: (e: unknown) => void;
}

export type SendStatus = 'ok' | NetErrorCode;

const NO_CHECKSUM = { verifyChecksum: false } as const;

export class HostStack extends StackRuntime implements NicOwner {
  readonly hostname: string;
  readonly random: () => number;
  readonly forwarding: boolean;
  readonly ttl: number;
  readonly lo: HostNic;
  readonly routes = new RouteTable();
  readonly arp: ArpTable;
  readonly icmp: IcmpLayer;
  readonly udp: UdpLayer;
  readonly tcp: TcpLayer;
  private readonly nicList: HostNic[] = [];
  private readonly localAddrs = new Set<number>();
  private ident: number;

  constructor(o: HostStackOptions) {
    super(o.clock, emptyStackStats(), o.onCallbackError);
    this.hostname = o.hostname ?? 'host';
    this.random = o.random ?? Math.random;
    this.forwarding = o.forwarding ?? false;
    this.ttl = o.ttl ?? 64;
    this.ident = Math.floor(this.random() * 0x10000);
    this.lo = new HostNic(this, 1, 'loopback', { name: 'lo', mac: 0, address: ipv4(0x7f000001), prefix: 8 });
    this.nicList.push(this.lo);
    this.localAddrs.add(this.lo.address);
    this.arp = new ArpTable(this.timerClock(), {
      request: (nic, target, dstMac) => this.sendArp(nic, ARP_REQUEST, target, 0, dstMac),
      transmit: (nic, frame) => this.enqueueTx(nic, frame),
      failed: (nic, frames) => this.neighbourFailed(nic, frames),
    }, o.arp);
    this.icmp = new IcmpLayer(this);
    this.udp = new UdpLayer(this);
    this.tcp = new TcpLayer(this, o.tcp);
  }

  // ---- configuration -------------------------------------------------------------

  /** Adds an interface with its connected route; ifindex follows creation order (lo = 1). */
  addInterface(o: HostNicOptions): HostNic {
    if (this.nicList.some((n) => n.name === o.name)) throw new Error(`${this.hostname}: interface ${o.name} exists`);
    const nic = new HostNic(this, this.nicList.length + 1, 'ether', o);
    this.nicList.push(nic);
    this.localAddrs.add(nic.address);
    this.routes.add({ dst: nic.address, prefix: nic.prefix, dev: nic, proto: 'kernel', src: nic.address });
    return nic;
  }

  /** `ip route add default via <gw>`: the device is the one whose subnet holds the gateway. */
  addDefaultRoute(gateway: IPv4): Result<Route, NetErrorCode> {
    return this.addRoute(ipv4(0), 0, gateway);
  }

  addRoute(dst: IPv4, prefix: number, gateway?: IPv4, dev?: HostNic): Result<Route, NetErrorCode> {
    const d = dev ?? (gateway === undefined ? undefined : this.nicList.find((n) => n.kind === 'ether' && n.onLink(gateway)));
    if (d === undefined) return err('ENETUNREACH');
    return this.routes.add(gateway === undefined ? { dst, prefix, dev: d } : { dst, prefix, gateway, dev: d });
  }

  /** `ip link set <name> up|down`; coming up sends a gratuitous ARP. */
  setLinkUp(name: string, up: boolean): void {
    const nic = this.interface(name);
    if (nic === undefined || nic.adminUp === up) return;
    this.enter();
    try {
      nic.adminUp = up;
      if (up) this.nicLinkUp(nic);
      else this.arp.flushDev(nic);
    } finally {
      this.leave();
    }
  }

  interface(name: string): HostNic | undefined {
    return this.nicList.find((n) => n.name === name);
  }

  interfaces(): readonly HostNic[] {
    return this.nicList;
  }

  isLocalAddress(ip: number): boolean {
    return this.localAddrs.has(ip) || ip >>> 24 === 127;
  }

  /** The source address Linux would pick for `dst`; undefined without a route. */
  sourceFor(dst: number): IPv4 | undefined {
    if (this.localAddrs.has(dst)) return dst as IPv4;
    if (dst >>> 24 === 127) return this.lo.address;
    const r = this.routes.lookup(dst);
    return r === undefined ? undefined : (r.src ?? r.dev.address);
  }

  // ---- application API (thin delegations) ------------------------------------------

  listen(port: number, onConnection?: (s: TcpSocket) => void, opts?: ListenOptions): Result<TcpListener, NetErrorCode> {
    return this.tcp.listen(port, onConnection, opts);
  }

  connect(ip: IPv4, port: number, opts?: ConnectOptions): Promise<TcpSocket> {
    return this.tcp.connect(ip, port, opts);
  }

  udpBind(port = 0, address?: IPv4): Result<UdpSocket, NetErrorCode> {
    return this.udp.bind(port, address);
  }

  ping(dst: IPv4, opts?: PingOptions): Promise<PingOutcome> {
    return this.icmp.ping(dst, opts);
  }

  // ---- NicOwner -------------------------------------------------------------------

  nicLinkUp(nic: HostNic): void {
    if (nic.kind === 'loopback' || !nic.operUp) return;
    this.enter();
    try {
      // Gratuitous ARP: announce our address so neighbours with stale entries update.
      this.sendArp(nic, ARP_REQUEST, nic.address, 0, MAC_BROADCAST);
    } finally {
      this.leave();
    }
  }

  nicReceive(nic: HostNic, frame: Uint8Array): void {
    this.enter();
    try {
      nic.counters.rxPackets++;
      nic.counters.rxBytes += frame.length;
      this.input(nic, frame);
    } finally {
      this.leave();
    }
  }

  // ---- input --------------------------------------------------------------------------

  private input(nic: HostNic, frame: Uint8Array): void {
    if (!nic.adminUp) {
      nic.counters.rxDropped++;
      return;
    }
    if (frame.length < ETH_HLEN) {
      this.stats.malformed++;
      nic.counters.rxErrors++;
      return;
    }
    const dstMac = readMac(frame, 0);
    if (dstMac !== nic.mac && dstMac !== MAC_BROADCAST) {
      if (frame[0]! & 1) nic.counters.rxMulticast++;
      this.stats.otherHost++;
      return;
    }
    // Lengths are always checked; checksums are verified below with the faster routine.
    const r = parseFrame(frame, NO_CHECKSUM);
    if (!r.ok) {
      this.stats.malformed++;
      nic.counters.rxDropped++;
      return;
    }
    const f = r.value;
    const l3 = f.l3;
    if (f.eth.vlan !== undefined || l3.kind === 'unsupported') {
      // No VLAN sub-interfaces and no IPv6: Linux counts these as rx_dropped.
      nic.counters.rxDropped++;
      return;
    }
    if (l3.kind === 'ipv4' && !ipv4ChecksumsOk(frame)) {
      this.stats.malformed++;
      nic.counters.rxDropped++;
      return;
    }
    if (l3.kind === 'arp') {
      this.arpInput(nic, l3.arp.op, l3.arp.senderMac, l3.arp.senderIp, l3.arp.targetIp);
      return;
    }
    const ip = l3.ip;
    this.stats.ipInReceives++;
    const dst = ip.dst;
    const local = this.localAddrs.has(dst) || (nic === this.lo && dst >>> 24 === 127);
    const bcast = dst === 0xffffffff || (nic.kind === 'ether' && dst === nic.broadcast);
    const datagram = frame.subarray(ETH_HLEN, ETH_HLEN + readU16(frame, ETH_HLEN + 2));
    if (!local && !bcast) {
      if (this.forwarding && nic !== this.lo) forwardPacket(this, nic, datagram, ip);
      else {
        this.stats.ipInAddrErrors++;
        nic.counters.rxDropped++;
      }
      return;
    }
    const l4 = l3.l4;
    if (ip.moreFragments || ip.fragmentOffset !== 0) {
      // No reassembly: see README.
      this.stats.ipReasmFails++;
      nic.counters.rxDropped++;
      return;
    }
    this.stats.ipInDelivers++;
    switch (l4.kind) {
      case 'tcp':
        if (!bcast) this.tcp.input(ip.src, dst, l4.tcp);
        return;
      case 'udp':
        if (!this.udp.input(ip.src, dst, l4.udp) && !bcast) this.icmp.sendError(datagram, 3, 3, 0);
        return;
      case 'icmp':
        this.icmp.input(ip, l4.icmp, bcast);
        return;
      case 'raw':
        if (!bcast) this.icmp.sendError(datagram, 3, 2, 0);
        return;
    }
  }

  private arpInput(nic: HostNic, op: number, senderMac: number, senderIp: IPv4, targetIp: IPv4): void {
    if (nic.kind === 'loopback') return;
    const forUs = targetIp === nic.address;
    // Sender 0.0.0.0 is a duplicate-address probe: answer it, learn nothing.
    if (senderIp !== 0 && senderIp !== nic.address) this.arp.learn(nic, senderIp, senderMac, forUs && op === ARP_REQUEST);
    if (op === ARP_REQUEST && forUs) this.sendArp(nic, ARP_REPLY, senderIp, senderMac, senderMac);
  }

  private sendArp(nic: HostNic, op: number, targetIp: IPv4, targetMac: number, dstMac: number): void {
    const frame = allocBytes(42);
    writeEthHeader(frame, dstMac, nic.mac, 0x0806);
    writeArp({ op, senderMac: nic.mac, senderIp: nic.address, targetMac, targetIp }, frame, ETH_HLEN);
    this.enqueueTx(nic, frame);
  }

  /** ARP gave up: local senders learn it as "host unreachable", forwarded packets' senders by ICMP. */
  private neighbourFailed(_nic: HostNic, frames: readonly Uint8Array[]): void {
    for (const f of frames) {
      if (f.length < ETH_HLEN + 20) continue;
      const datagram = f.subarray(ETH_HLEN);
      const src = readU32(f, ETH_HLEN + 12);
      if (this.localAddrs.has(src)) this.deliverIcmpError(ipv4(src), 3, 1, datagram);
      else this.icmp.sendError(datagram, 3, 1, 0);
    }
  }

  /** An ICMP error about a datagram we sent (quote = its IP header + first bytes). */
  deliverIcmpError(from: IPv4, type: number, code: number, quote: Uint8Array, info = 0): void {
    if (quote.length < 28 || quote[0]! >>> 4 !== 4) return;
    const hl = (quote[0]! & 0x0f) * 4;
    if (quote.length < hl + 8 || !this.isLocalAddress(readU32(quote, 12))) return;
    switch (quote[9]) {
      case 6:
        this.tcp.icmpError(quote, hl, type, code);
        return;
      case 17:
        this.udp.icmpError(quote, hl, type, code);
        return;
      case 1:
        this.icmp.echoError(from, quote, hl, type, code, info);
        return;
    }
  }

  // ---- output -------------------------------------------------------------------------

  /**
   * Routes and sends a packet built with allocPacket (transport already written at
   * L4_OFFSET, checksum included). Returns ENETUNREACH without a route, EMSGSIZE above
   * the device MTU (no fragmentation). "ok" includes "queued for ARP resolution".
   */
  sendIp(buf: Uint8Array, proto: number, src: number, dst: number, ttl = this.ttl, tos = 0): SendStatus {
    this.stats.ipOutRequests++;
    if (buf.length - ETH_HLEN > 0xffff) return 'EMSGSIZE';
    this.ident = (this.ident + 1) & 0xffff;
    writeIpHeader(buf, proto, src, dst, ttl, this.ident, tos);
    if (this.localAddrs.has(dst) || dst >>> 24 === 127) {
      writeEthHeader(buf, 0, 0, 0x0800);
      this.enqueueTx(this.lo, buf);
      return 'ok';
    }
    const route = this.routes.lookup(dst);
    if (route === undefined) {
      this.stats.ipOutNoRoutes++;
      return 'ENETUNREACH';
    }
    return this.sendVia(route, buf, dst);
  }

  /** Ethernet framing and neighbour resolution for an IPv4 datagram at buf[14..]. */
  sendVia(route: Route, buf: Uint8Array, dst: number): SendStatus {
    const dev = route.dev;
    if (buf.length - ETH_HLEN > dev.mtu) return 'EMSGSIZE';
    if (dst === 0xffffffff || dst === dev.broadcast) {
      writeEthHeader(buf, MAC_BROADCAST, dev.mac, 0x0800);
      this.enqueueTx(dev, buf);
      return 'ok';
    }
    writeEthHeader(buf, 0, dev.mac, 0x0800);
    this.arp.output(dev, route.gateway ?? (dst as IPv4), buf);
    return 'ok';
  }

  /** Loopback frames (own addresses, 127/8) come back in as received on `lo`. */
  protected loopbackInput(nic: HostNic, frame: Uint8Array): void {
    this.input(nic, frame);
  }
}
