// The external load balancer's data path, as a local handler on any emulated Router: a
// one-arm L4 load balancer like the cloud/appliance LBs the article's "Generic K8S"
// section puts in front of NodePorts (and like NSX's one-arm LB with SNAT).
//
//   client:cport -> VIP:vport     becomes   snat:sport -> NodeIP:NodePort
//   NodeIP:NodePort -> snat:sport becomes   VIP:vport  -> client:cport
//
// SNAT to the router's own address on the node network is what makes it one-arm: the
// nodes answer the LB (not the client), so replies return through it whatever the nodes'
// routing says. VIPs live on the router's loopback (addLoopback), so ARP/ICMP for them is
// the router's ordinary business; only TCP/UDP to a configured VIP:port and replies to a
// SNAT port are consumed here. Connections are tracked by both tuples and expire on the
// injected clock (idle timeouts; a TCP connection that saw FIN or RST goes quickly).
import { realClock, type Clock } from '../../core/clock.js';
import { formatIPv4, type IPv4 } from '../../core/ip.js';
import { err, ok, type Result } from '../../core/result.js';
import type { HookPacket, Router } from '../../dataplane/fabric/router.js';
import type { L4 } from '../../dataplane/wire/frame.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../../dataplane/wire/tcp.js';
import type { LbProtocol, PoolMember, VirtualServer } from './external-model.js';

export interface OneArmLbOptions {
  readonly router: Router;
  /** The LB's source address towards the nodes; must be one of the router's addresses. */
  readonly snatAddress: IPv4;
  readonly clock?: Clock;
  /** Idle timeouts (ms). Defaults: TCP 1800 s (NSX's LB TCP profile), UDP 300 s, TCP after FIN/RST 10 s, half-open 75 s. */
  readonly tcpIdleMs?: number;
  readonly udpIdleMs?: number;
  readonly tcpClosingMs?: number;
  readonly tcpSynMs?: number;
  /** SNAT source ports (default 1024..65535). */
  readonly snatPorts?: { readonly min: number; readonly max: number };
}

export type OneArmLbError = { readonly code: 'snat-not-local'; readonly address: string } | { readonly code: 'bad-port-range'; readonly min: number; readonly max: number };

export type ConnState = 'syn-sent' | 'established' | 'closing' | 'udp';

export interface LbConnection {
  readonly protocol: LbProtocol;
  readonly client: IPv4;
  readonly clientPort: number;
  readonly vip: IPv4;
  readonly vport: number;
  readonly member: PoolMember;
  readonly snatPort: number;
  state: ConnState;
  lastSeen: number;
  packetsIn: number;
  packetsOut: number;
}

export interface OneArmLbStats {
  newConnections: number;
  forwarded: number;
  replies: number;
  expired: number;
  /** TCP segment other than a SYN with no connection: dropped (a real LB would RST). */
  droppedNoConnection: number;
  droppedNoMember: number;
  droppedNoSnatPort: number;
}

const fwdKey = (p: LbProtocol, client: number, cport: number, vip: number, vport: number) => `${p}|${client}|${cport}|${vip}|${vport}`;
const revKey = (p: LbProtocol, member: number, mport: number, sport: number) => `${p}|${member}|${mport}|${sport}`;
const vsKey = (vip: number, p: LbProtocol, port: number) => `${vip}|${p}|${port}`;

export class OneArmLb {
  readonly stats: OneArmLbStats = { newConnections: 0, forwarded: 0, replies: 0, expired: 0, droppedNoConnection: 0, droppedNoMember: 0, droppedNoSnatPort: 0 };
  private readonly clock: Clock;
  private vs = new Map<string, VirtualServer>();
  private readonly rr = new Map<string, number>();
  private readonly fwd = new Map<string, LbConnection>();
  private readonly rev = new Map<string, LbConnection>();
  private readonly usedPorts = new Set<string>();
  private readonly vips = new Set<IPv4>();
  private nextPort: number;
  private lastSweep: number;
  private readonly t: { readonly tcpIdle: number; readonly udpIdle: number; readonly closing: number; readonly syn: number };
  private readonly ports: { readonly min: number; readonly max: number };

  private constructor(private readonly o: OneArmLbOptions) {
    this.clock = o.clock ?? realClock;
    this.t = { tcpIdle: o.tcpIdleMs ?? 1_800_000, udpIdle: o.udpIdleMs ?? 300_000, closing: o.tcpClosingMs ?? 10_000, syn: o.tcpSynMs ?? 75_000 };
    this.ports = o.snatPorts ?? { min: 1024, max: 65535 };
    this.nextPort = this.ports.min;
    this.lastSweep = this.clock.now();
    o.router.setLocalHandler((pkt) => this.handle(pkt));
  }

  /** Installs itself as `router`'s local handler. */
  static attach(o: OneArmLbOptions): Result<OneArmLb, OneArmLbError> {
    if (!o.router.isLocal(o.snatAddress)) return err({ code: 'snat-not-local', address: formatIPv4(o.snatAddress) });
    const p = o.snatPorts;
    if (p !== undefined && !(Number.isInteger(p.min) && Number.isInteger(p.max) && p.min >= 1 && p.min <= p.max && p.max <= 65535)) return err({ code: 'bad-port-range', min: p.min, max: p.max });
    return ok(new OneArmLb(o));
  }

  /** Replaces the configuration; VIPs come and go on the router's loopback. Connections to a member that left its pool are dropped. */
  setVirtualServers(list: readonly VirtualServer[]): void {
    const next = new Map<string, VirtualServer>();
    const vips = new Set<IPv4>();
    for (const v of list) {
      next.set(vsKey(v.vip, v.protocol, v.port), v);
      vips.add(v.vip);
    }
    this.vs = next;
    for (const v of this.vips) if (!vips.has(v)) this.o.router.removeLoopback(v);
    for (const v of vips) if (!this.vips.has(v)) this.o.router.addLoopback(v);
    this.vips.clear();
    for (const v of vips) this.vips.add(v);
    for (const c of [...this.fwd.values()]) if (!this.memberValid(c)) this.remove(c);
  }

  virtualServers(): VirtualServer[] {
    return [...this.vs.values()];
  }

  connections(): LbConnection[] {
    return [...this.fwd.values()];
  }

  /** Drops idle connections now (also done lazily, at most once a second, as packets pass). */
  expire(): number {
    const now = this.clock.now();
    this.lastSweep = now;
    let n = 0;
    for (const c of [...this.fwd.values()]) {
      if (now - c.lastSeen >= this.timeout(c)) {
        this.remove(c);
        n++;
      }
    }
    this.stats.expired += n;
    return n;
  }

  detach(): void {
    this.o.router.setLocalHandler(undefined);
    for (const v of this.vips) this.o.router.removeLoopback(v);
    this.vips.clear();
    this.vs = new Map();
  }

  private handle(pkt: HookPacket): boolean {
    const l3 = pkt.frame.l3;
    if (l3.kind !== 'ipv4') return false;
    const l4 = l3.l4;
    if (l4.kind !== 'tcp' && l4.kind !== 'udp') return false;
    const protocol: LbProtocol = l4.kind === 'tcp' ? 'TCP' : 'UDP';
    const { srcPort, dstPort } = l4.kind === 'tcp' ? l4.tcp : l4.udp;
    const flags = l4.kind === 'tcp' ? l4.tcp.flags : 0;
    const now = this.clock.now();
    if (now - this.lastSweep >= 1000) this.expire();
    const { src, dst } = pkt.ip;

    if (dst === this.o.snatAddress) {
      const c = this.live(this.rev.get(revKey(protocol, src, srcPort, dstPort)), now);
      if (c === undefined) return false;
      this.touch(c, flags, now, true);
      this.stats.replies++;
      c.packetsOut++;
      this.o.router.originate(c.vip, c.client, withPorts(l4, c.vport, c.clientPort));
      return true;
    }

    const vs = this.vs.get(vsKey(dst, protocol, dstPort));
    if (vs === undefined) return false;
    let c = this.live(this.fwd.get(fwdKey(protocol, src, srcPort, dst, dstPort)), now);
    if (c === undefined) {
      if (protocol === 'TCP' && (flags & (TCP_SYN | TCP_ACK | TCP_RST)) !== TCP_SYN) {
        this.stats.droppedNoConnection++;
        return true;
      }
      const made = this.open(vs, protocol, src, srcPort, now);
      if (made === undefined) return true;
      c = made;
    }
    this.touch(c, flags, now, false);
    this.stats.forwarded++;
    c.packetsIn++;
    this.o.router.originate(this.o.snatAddress, c.member.ip, withPorts(l4, c.snatPort, c.member.port));
    return true;
  }

  private open(vs: VirtualServer, protocol: LbProtocol, client: IPv4, clientPort: number, now: number): LbConnection | undefined {
    if (vs.members.length === 0) {
      this.stats.droppedNoMember++;
      return undefined;
    }
    const k = vsKey(vs.vip, vs.protocol, vs.port);
    const i = this.rr.get(k) ?? 0;
    this.rr.set(k, (i + 1) % vs.members.length);
    const member = vs.members[i % vs.members.length] as PoolMember;
    const snatPort = this.allocPort(protocol);
    if (snatPort === undefined) {
      this.stats.droppedNoSnatPort++;
      return undefined;
    }
    const c: LbConnection = { protocol, client, clientPort, vip: vs.vip, vport: vs.port, member, snatPort, state: protocol === 'TCP' ? 'syn-sent' : 'udp', lastSeen: now, packetsIn: 0, packetsOut: 0 };
    this.fwd.set(fwdKey(protocol, client, clientPort, vs.vip, vs.port), c);
    this.rev.set(revKey(protocol, member.ip, member.port, snatPort), c);
    this.stats.newConnections++;
    return c;
  }

  private allocPort(protocol: LbProtocol): number | undefined {
    const span = this.ports.max - this.ports.min + 1;
    for (let i = 0; i < span; i++) {
      const p = this.nextPort;
      this.nextPort = p >= this.ports.max ? this.ports.min : p + 1;
      const k = `${protocol}|${p}`;
      if (!this.usedPorts.has(k)) {
        this.usedPorts.add(k);
        return p;
      }
    }
    return undefined;
  }

  /** The connection if it is still usable (not idle past its timeout, member still in its pool). */
  private live(c: LbConnection | undefined, now: number): LbConnection | undefined {
    if (c === undefined) return undefined;
    if (now - c.lastSeen >= this.timeout(c) || !this.memberValid(c)) {
      this.remove(c);
      return undefined;
    }
    return c;
  }

  private memberValid(c: LbConnection): boolean {
    const vs = this.vs.get(vsKey(c.vip, c.protocol, c.vport));
    return vs !== undefined && vs.members.some((m) => m.ip === c.member.ip && m.port === c.member.port);
  }

  private touch(c: LbConnection, flags: number, now: number, fromMember: boolean): void {
    c.lastSeen = now;
    if (c.protocol !== 'TCP') return;
    if ((flags & (TCP_FIN | TCP_RST)) !== 0) c.state = 'closing';
    else if (c.state === 'syn-sent' && fromMember && (flags & TCP_SYN) !== 0 && (flags & TCP_ACK) !== 0) c.state = 'established';
  }

  private timeout(c: LbConnection): number {
    switch (c.state) {
      case 'udp':
        return this.t.udpIdle;
      case 'syn-sent':
        return this.t.syn;
      case 'established':
        return this.t.tcpIdle;
      case 'closing':
        return this.t.closing;
    }
  }

  private remove(c: LbConnection): void {
    this.fwd.delete(fwdKey(c.protocol, c.client, c.clientPort, c.vip, c.vport));
    this.rev.delete(revKey(c.protocol, c.member.ip, c.member.port, c.snatPort));
    this.usedPorts.delete(`${c.protocol}|${c.snatPort}`);
  }
}

function withPorts(l4: Extract<L4, { kind: 'tcp' | 'udp' }>, srcPort: number, dstPort: number): L4 {
  return l4.kind === 'tcp' ? { kind: 'tcp', tcp: { ...l4.tcp, srcPort, dstPort } } : { kind: 'udp', udp: { ...l4.udp, srcPort, dstPort } };
}
