// A one-arm L4 load balancer as an edge service router's local handler — NSX's LB on a
// Tier-1 SR with SNAT automap. A new connection to VIP:port picks a pool member; the
// packet leaves with source = the SR's uplink address (SNAT) and destination = the
// member (DNAT). The member answers the uplink address, which is the SR's own, so the
// reply comes back here, is un-NATed twice, and leaves from VIP:port to the client.
//
// State is src/dataplane/conntrack in two zones, as Linux would do it with two NAT
// hooks: zone 1 holds client -> VIP DNATed to the member, zone 2 the same connection
// SNATed to the uplink. Conntrack owns TCP state and expiry; `now` comes from the clock.
import type { Clock } from '../../core/clock.js';
import { formatIPv4, type IPv4 } from '../../core/ip.js';
import { Conntrack, type CtEntryView, type CtPacketInfo, type CtTimeouts, type CtTuple } from '../../dataplane/conntrack/index.js';
import type { HookPacket } from '../../dataplane/fabric/router-types.js';
import type { Router } from '../../dataplane/fabric/router.js';
import { EMPTY_BYTES } from '../../dataplane/wire/checksum.js';
import type { L4 } from '../../dataplane/wire/frame.js';
import { TCP_ACK, TCP_RST, TCP_SYN } from '../../dataplane/wire/tcp.js';
import type { LbProtocol } from '../nsx/types.js';

export const ZONE_DNAT = 1;
export const ZONE_SNAT = 2;
const PROTO: Record<LbProtocol, number> = { TCP: 6, UDP: 17 };

export interface LbBackend {
  readonly ip: IPv4;
  readonly port: number;
}

export interface LbVirtualServer {
  readonly name: string;
  readonly vip: IPv4;
  readonly port: number;
  readonly protocol: LbProtocol;
  readonly members: readonly LbBackend[];
}

/**
 * How a member is chosen: NSX's ROUND_ROBIN (default; per virtual server, in member
 * order), or uniformly at random with an injected generator (tests seed it).
 */
export type MemberPick = { readonly kind: 'round-robin' } | { readonly kind: 'random'; readonly random: () => number };

export interface OneArmLbOptions {
  readonly clock: Clock;
  /** The SR's uplink address: SNAT source towards members (100.64.208.9 in the article). */
  readonly uplinkIp: IPv4;
  readonly pick?: MemberPick;
  readonly timeouts?: Partial<CtTimeouts>;
}

/** What happened to a packet the handler looked at (last one kept for tests/traces). */
export type LbVerdict =
  | { readonly kind: 'not-ours' }
  | { readonly kind: 'forwarded'; readonly direction: 'to-member' | 'to-client'; readonly member?: LbBackend }
  | { readonly kind: 'reset'; readonly reason: 'no-members' }
  | { readonly kind: 'dropped'; readonly reason: 'no-members' | 'not-syn' | 'nat-failed' | 'stale-reply' };

export interface LbCounters {
  newConnections: number;
  toMember: number;
  toClient: number;
  resets: number;
  drops: number;
}

interface VsState {
  vs: LbVirtualServer;
  next: number;
  readonly perMember: Map<string, number>;
}

const vsKey = (vip: number, proto: number, port: number) => `${vip}|${proto}|${port}`;

export class OneArmLb {
  readonly counters: LbCounters = { newConnections: 0, toMember: 0, toClient: 0, resets: 0, drops: 0 };
  lastVerdict: LbVerdict = { kind: 'not-ours' };
  private readonly ct: Conntrack;
  private readonly vss = new Map<string, VsState>();
  private readonly pick: MemberPick;

  constructor(private readonly o: OneArmLbOptions) {
    this.ct = new Conntrack(o.timeouts !== undefined ? { timeouts: o.timeouts } : {});
    this.pick = o.pick ?? { kind: 'round-robin' };
  }

  get uplinkIp(): IPv4 {
    return this.o.uplinkIp;
  }

  setVirtualServer(vs: LbVirtualServer): void {
    const k = vsKey(vs.vip, PROTO[vs.protocol], vs.port);
    const cur = this.vss.get(k);
    if (cur !== undefined) cur.vs = vs;
    else this.vss.set(k, { vs, next: 0, perMember: new Map() });
  }

  /** Forgets the virtual server and its connections (their packets are dropped from now on). */
  removeVirtualServer(vip: IPv4, protocol: LbProtocol, port: number): void {
    const k = vsKey(vip, PROTO[protocol], port);
    if (!this.vss.delete(k)) return;
    this.ct.flush({ zone: ZONE_DNAT, proto: PROTO[protocol], origDst: vip, origDstPort: port });
  }

  virtualServers(): LbVirtualServer[] {
    return [...this.vss.values()].map((s) => s.vs);
  }

  /** Connections chosen per member of a virtual server ("ip:port" -> count). */
  memberConnections(vip: IPv4, protocol: LbProtocol, port: number): ReadonlyMap<string, number> {
    return this.vss.get(vsKey(vip, PROTO[protocol], port))?.perMember ?? new Map();
  }

  /** Client-side connection entries (zone 1), expired ones swept first. */
  connections(): CtEntryView[] {
    this.ct.expire(this.o.clock.now());
    return this.ct.list(ZONE_DNAT);
  }

  /** The Router LocalHandler. */
  readonly handle = (pkt: HookPacket, router: Router): boolean => {
    const v = this.decide(pkt, router);
    this.lastVerdict = v;
    if (v.kind === 'dropped') this.counters.drops++;
    return v.kind !== 'not-ours';
  };

  private decide(pkt: HookPacket, router: Router): LbVerdict {
    const l3 = pkt.frame.l3;
    if (l3.kind !== 'ipv4') return { kind: 'not-ours' };
    const l4 = l3.l4;
    if (l4.kind !== 'tcp' && l4.kind !== 'udp') return { kind: 'not-ours' };
    const now = this.o.clock.now();
    const ports = l4.kind === 'tcp' ? l4.tcp : l4.udp;
    const info: CtPacketInfo = {
      tuple: { src: pkt.ip.src, dst: pkt.ip.dst, proto: l4.kind === 'tcp' ? 6 : 17, srcPort: ports.srcPort, dstPort: ports.dstPort },
      tcpFlags: l4.kind === 'tcp' ? l4.tcp.flags : 0,
      icmpType: 0,
      icmpCode: 0,
      payloadLength: l4.kind === 'tcp' ? l4.tcp.payload.length : l4.udp.payload.length,
    };
    if (pkt.ip.dst === this.o.uplinkIp) return this.fromMember(info, l4, router, now);
    const st = this.vss.get(vsKey(pkt.ip.dst, info.tuple.proto, ports.dstPort));
    if (st === undefined) return { kind: 'not-ours' };
    // An existing connection (also a retransmitted SYN): both stored translations apply.
    const a = this.ct.process(info, { zone: ZONE_DNAT, commit: false, nat: {}, now });
    if (a.translated !== undefined) {
      const b = this.ct.process({ ...info, tuple: a.translated }, { zone: ZONE_SNAT, commit: false, nat: {}, now });
      if (b.translated === undefined) return { kind: 'dropped', reason: 'nat-failed' };
      return this.send(router, b.translated, l4, 'to-member');
    }
    if (l4.kind === 'tcp' && (l4.tcp.flags & (TCP_SYN | TCP_ACK | TCP_RST)) !== TCP_SYN) return { kind: 'dropped', reason: 'not-syn' };
    const members = st.vs.members;
    if (members.length === 0) {
      if (l4.kind !== 'tcp') return { kind: 'dropped', reason: 'no-members' };
      // Like a closed port: RST+ACK acknowledging the SYN (and any data on it).
      const t = l4.tcp;
      const rst: L4 = { kind: 'tcp', tcp: { srcPort: t.dstPort, dstPort: t.srcPort, seq: 0, ack: (t.seq + 1 + t.payload.length) >>> 0, flags: TCP_RST | TCP_ACK, window: 0, urgentPointer: 0, options: EMPTY_BYTES, payload: EMPTY_BYTES } };
      router.originate(pkt.ip.dst, pkt.ip.src, rst);
      this.counters.resets++;
      return { kind: 'reset', reason: 'no-members' };
    }
    const m = this.choose(st);
    const dn = this.ct.process(info, { zone: ZONE_DNAT, commit: true, nat: { spec: { kind: 'dst', addrMin: m.ip, addrMax: m.ip, portMin: m.port, portMax: m.port } }, now });
    if (dn.translated === undefined) return { kind: 'dropped', reason: 'nat-failed' };
    const sn = this.ct.process({ ...info, tuple: dn.translated }, { zone: ZONE_SNAT, commit: true, nat: { spec: { kind: 'src', addrMin: this.o.uplinkIp, addrMax: this.o.uplinkIp, portMin: 0, portMax: 0 } }, now });
    if (sn.translated === undefined) return { kind: 'dropped', reason: 'nat-failed' };
    this.counters.newConnections++;
    const mk = `${formatIPv4(m.ip)}:${m.port}`;
    st.perMember.set(mk, (st.perMember.get(mk) ?? 0) + 1);
    const v = this.send(router, sn.translated, l4, 'to-member');
    return v.kind === 'forwarded' ? { ...v, member: m } : v;
  }

  private fromMember(info: CtPacketInfo, l4: L4, router: Router, now: number): LbVerdict {
    const b = this.ct.process(info, { zone: ZONE_SNAT, commit: false, nat: {}, now });
    // Not a reply to one of ours: ping to the uplink, or anything else the router handles.
    if (b.translated === undefined) return { kind: 'not-ours' };
    const a = this.ct.process({ ...info, tuple: b.translated }, { zone: ZONE_DNAT, commit: false, nat: {}, now });
    if (a.translated === undefined) return { kind: 'dropped', reason: 'stale-reply' };
    return this.send(router, a.translated, l4, 'to-client');
  }

  private choose(st: VsState): LbBackend {
    const ms = st.vs.members;
    if (this.pick.kind === 'random') return ms[Math.min(ms.length - 1, Math.floor(this.pick.random() * ms.length))]!;
    const m = ms[st.next % ms.length]!;
    st.next = (st.next + 1) % ms.length;
    return m;
  }

  private send(router: Router, t: CtTuple, l4: L4, direction: 'to-member' | 'to-client'): LbVerdict {
    const out: L4 = l4.kind === 'tcp' ? { kind: 'tcp', tcp: { ...l4.tcp, srcPort: t.srcPort, dstPort: t.dstPort } } : l4.kind === 'udp' ? { kind: 'udp', udp: { ...l4.udp, srcPort: t.srcPort, dstPort: t.dstPort } } : l4;
    router.originate(t.src as IPv4, t.dst as IPv4, out);
    if (direction === 'to-member') this.counters.toMember++;
    else this.counters.toClient++;
    return { kind: 'forwarded', direction };
  }
}
