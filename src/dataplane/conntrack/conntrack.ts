// The connection tracker behind ct(): per-zone connection entries found by either
// direction's tuple, TCP state tracking after Linux, NAT bindings, expiry.
//
// ct_state semantics follow OVS on the Linux datapath (ctinfo):
// - no entry: +trk+new if the packet may start a connection (TCP flags/ICMP type
//   checks), else +trk+inv. Nothing is stored unless req.commit (OVS: an uncommitted
//   connection is forgotten after the packet).
// - entry, reply direction: +trk+est+rpl.
// - entry, original direction: +trk+est once a reply has been seen, +trk+new before
//   (a retransmitted SYN or a second UDP datagram without answer is still "new").
// - an ICMP error quoting a tracked connection: +trk+rel (+rpl in the reply direction).
// - a TCP packet the state table rejects: +trk+inv; the entry is left unchanged.
//
// Hot path: process() allocates only its result (and the translated tuple under NAT);
// lookups hash four numbers into typed arrays.
import { CT_DNAT, CT_EST, CT_INV, CT_NEW, CT_REL, CT_RPL, CT_SNAT, CT_TRK, IP_PROTO_ICMP, IP_PROTO_TCP, IP_PROTO_UDP } from '../flow-key.js';
import { DeadlineHeap } from './deadline-heap.js';
import { EntryStore, ST_ASSURED, ST_DNAT, ST_SEEN_REPLY, ST_SNAT } from './entry-store.js';
import { entryView, type CtEntryView } from './entry-view.js';
import { chooseNat, translateRelated, type NatChoice } from './nat.js';
import { TCP_IDX_RST, TCP_IDX_SYN, TCP_IGNORE, TCP_INVALID, tcpFlagsValid, tcpIndex, TcpState, tcpTransition } from './tcp-state.js';
import { DEFAULT_TIMEOUTS, tcpTimeoutTable, type CtTimeouts } from './timeouts.js';
import { invertIcmpType, invertPorts, isIcmpErrorType, isIcmpRequestType, portsOf, tupleOf, zpOf } from './tuple-codec.js';
import { TupleTable } from './tuple-table.js';
import type { CtPacketInfo, CtRequest, CtResult, CtTuple } from './types.js';

export interface ConntrackOptions {
  /**
   * nf_conntrack_tcp_loose: a mid-stream ACK may start (pick up) a connection. Linux
   * and OVS default to true; false makes anything but a SYN without an entry +inv.
   */
  readonly tcpLoose?: boolean;
  readonly timeouts?: Partial<CtTimeouts>;
  /** nf_conntrack_max: commits beyond it fail (+inv) after an expiry sweep. */
  readonly maxEntries?: number;
  readonly initialCapacity?: number;
}

/** Filter for flush(); all given fields must match. */
export interface CtFlushFilter {
  readonly zone?: number;
  readonly proto?: number;
  /** Original-direction source. */
  readonly src?: number;
  /** Original-direction destination (e.g. the Service VIP) and port. */
  readonly origDst?: number;
  readonly origDstPort?: number;
  /**
   * The connection's real destination after DNAT (the reply tuple's source), as
   * kube-proxy uses to clear UDP entries to a removed endpoint; and its port.
   */
  readonly dst?: number;
  readonly dstPort?: number;
}

export interface CtStats {
  readonly entries: number;
  readonly committed: number;
  readonly removed: number;
  readonly expired: number;
  readonly invalid: number;
  /** Commits refused: table full or no free NAT tuple. */
  readonly insertFailed: number;
  readonly heapItems: number;
  /** Bytes held by the typed arrays (entries, hash table, expiry heap). */
  readonly bytes: number;
  readonly bytesPerEntry: number;
}

export class Conntrack {
  private readonly store: EntryStore;
  private readonly table: TupleTable;
  private readonly heap: DeadlineHeap;
  private readonly tcpLoose: boolean;
  private readonly maxEntries: number;
  private readonly tcpMs: Float64Array;
  private readonly unackMs: number;
  private readonly udpMs: number;
  private readonly udpStreamMs: number;
  private readonly icmpMs: number;
  private readonly genericMs: number;
  private nextId = 1;
  /** chooseNat's answer, reused across commits. */
  private readonly natScratch: NatChoice = { rSrc: 0, rDst: 0, rPorts: 0, snat: false, dnat: false };
  private counters = { committed: 0, removed: 0, expired: 0, invalid: 0, insertFailed: 0 };

  constructor(opts: ConntrackOptions = {}) {
    const cap = opts.initialCapacity ?? 1024;
    this.store = new EntryStore(cap);
    this.table = new TupleTable(cap * 2);
    this.heap = new DeadlineHeap(cap);
    this.tcpLoose = opts.tcpLoose ?? true;
    this.maxEntries = opts.maxEntries ?? 262144;
    const t: CtTimeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.tcpMs = tcpTimeoutTable(t);
    this.unackMs = t.tcpUnacknowledged * 1000;
    this.udpMs = t.udp * 1000;
    this.udpStreamMs = t.udpStream * 1000;
    this.icmpMs = t.icmp * 1000;
    this.genericMs = t.generic * 1000;
  }

  get size(): number {
    return this.store.live;
  }

  process(info: CtPacketInfo, req: CtRequest): CtResult {
    const now = req.now;
    if (this.heap.peekDeadline() <= now) this.sweep(now, 64);
    const t = info.tuple;
    const proto = t.proto & 0xff;
    const zone = req.zone & 0xffff;
    if (proto === IP_PROTO_ICMP && isIcmpErrorType(info.icmpType)) return this.related(info, req, zone);
    const zp = zpOf(zone, proto);
    const src = t.src >>> 0;
    const dst = t.dst >>> 0;
    const ports = portsOf(proto, t.srcPort, t.dstPort, info.icmpType);
    let v = this.table.get(src, dst, ports, zp);
    if (v >= 0 && this.store.expires[v >> 1]! <= now) {
      this.remove(v >> 1);
      this.counters.expired++;
      v = -1;
    }
    if (v >= 0) {
      const r = this.existing(v >> 1, v & 1, proto, zone, info, req);
      if (r !== undefined) return r;
      // A SYN reopening a TIME_WAIT/CLOSE connection: forget the old one (Linux does).
      this.remove(v >> 1);
    }
    return this.fresh(src, dst, ports, zp, zone, proto, info, req);
  }

  /** Removes every entry whose time has come; returns how many. */
  expire(now: number): number {
    return this.sweep(now, Infinity);
  }

  flush(filter: CtFlushFilter = {}): number {
    const s = this.store;
    let n = 0;
    for (let slot = 0; slot < s.highWater; slot++) {
      if (!s.isLive(slot)) continue;
      const zp = s.zp[slot]!;
      if (filter.zone !== undefined && zp >>> 8 !== filter.zone) continue;
      if (filter.proto !== undefined && (zp & 0xff) !== filter.proto) continue;
      if (filter.src !== undefined && s.oSrc[slot] !== filter.src >>> 0) continue;
      if (filter.origDst !== undefined && s.oDst[slot] !== filter.origDst >>> 0) continue;
      if (filter.origDstPort !== undefined && (s.oPorts[slot]! & 0xffff) !== filter.origDstPort) continue;
      if (filter.dst !== undefined && s.rSrc[slot] !== filter.dst >>> 0) continue;
      if (filter.dstPort !== undefined && s.rPorts[slot]! >>> 16 !== filter.dstPort) continue;
      this.remove(slot);
      n++;
    }
    return n;
  }

  /** Live entries (optionally of one zone) in creation order. Expired-but-unswept ones are included until expire(). */
  list(zone?: number): CtEntryView[] {
    const s = this.store;
    const out: CtEntryView[] = [];
    for (let slot = 0; slot < s.highWater; slot++) {
      if (!s.isLive(slot)) continue;
      if (zone !== undefined && s.zp[slot]! >>> 8 !== zone) continue;
      out.push(entryView(s, slot));
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /** The entry a tuple belongs to, in either direction. */
  find(zone: number, tuple: CtTuple, icmpType = 0): CtEntryView | undefined {
    const proto = tuple.proto & 0xff;
    const v = this.table.get(tuple.src >>> 0, tuple.dst >>> 0, portsOf(proto, tuple.srcPort, tuple.dstPort, icmpType), zpOf(zone, proto));
    return v < 0 ? undefined : entryView(this.store, v >> 1);
  }

  stats(): CtStats {
    const bytes = this.store.byteLength + this.table.byteLength + this.heap.byteLength;
    const entries = this.store.live;
    return { entries, ...this.counters, heapItems: this.heap.size, bytes, bytesPerEntry: entries === 0 ? 0 : bytes / entries };
  }

  private invalid(zone: number): CtResult {
    this.counters.invalid++;
    return { state: CT_TRK | CT_INV, mark: 0, zone };
  }

  /** A packet of a known connection; undefined = TCP reopen (caller starts afresh). */
  private existing(slot: number, dir: number, proto: number, zone: number, info: CtPacketInfo, req: CtRequest): CtResult | undefined {
    const s = this.store;
    const st = s.status[slot]!;
    let timeout: number;
    let kill = false;
    if (proto === IP_PROTO_TCP) {
      const flags = info.tcpFlags;
      if (!tcpFlagsValid(flags)) return this.invalid(zone);
      const idx = tcpIndex(flags);
      const old = s.tcpState[slot]!;
      const ns = tcpTransition(dir, idx, old);
      if (ns === TCP_INVALID) return this.invalid(zone);
      if (dir === 0 && idx === TCP_IDX_SYN && (old === TcpState.TIME_WAIT || old === TcpState.CLOSE)) return undefined;
      if (ns === TCP_IGNORE) timeout = -1;
      else {
        s.tcpState[slot] = ns;
        if (st & ST_SEEN_REPLY && !(st & ST_ASSURED) && (old === TcpState.SYN_RECV || old === TcpState.ESTABLISHED) && ns === TcpState.ESTABLISHED) {
          s.status[slot] = s.status[slot]! | ST_ASSURED;
        }
        timeout = this.tcpMs[ns]!;
        if (!(st & ST_SEEN_REPLY)) {
          if (timeout > this.unackMs) timeout = this.unackMs;
          // "If only reply is a RST, we can consider ourselves not to have an
          // established connection" (Linux): a RST before any reply ends the entry.
          if (idx === TCP_IDX_RST) kill = true;
        }
      }
    } else if (proto === IP_PROTO_UDP) {
      // Linux: the first reply only marks SEEN_REPLY; the next packet makes it a stream.
      if (st & ST_SEEN_REPLY) {
        timeout = this.udpStreamMs;
        s.status[slot] = s.status[slot]! | ST_ASSURED;
      } else timeout = this.udpMs;
    } else timeout = proto === IP_PROTO_ICMP ? this.icmpMs : this.genericMs;

    const established = dir === 1 || (st & ST_SEEN_REPLY) !== 0;
    if (dir === 1) s.status[slot] = s.status[slot]! | ST_SEEN_REPLY;
    let state = CT_TRK | (established ? CT_EST : CT_NEW) | (dir === 1 ? CT_RPL : 0);
    if (req.commit && req.setMark !== undefined) s.mark[slot] = ((s.mark[slot]! & ~req.setMark.mask) | (req.setMark.value & req.setMark.mask)) >>> 0;
    s.packets[2 * slot + dir] = s.packets[2 * slot + dir]! + 1;
    s.bytes[2 * slot + dir] = s.bytes[2 * slot + dir]! + info.payloadLength;
    if (timeout >= 0) this.refresh(slot, req.now + timeout);
    const mark = s.mark[slot]!;
    const entryId = s.id[slot]!;
    let result: CtResult;
    if (req.nat !== undefined && s.status[slot]! & (ST_SNAT | ST_DNAT)) {
      state |= natBits(dir, s.status[slot]!);
      const translated =
        dir === 0 ? tupleOf(proto, s.rDst[slot]!, s.rSrc[slot]!, invertPorts(proto, s.rPorts[slot]!)) : tupleOf(proto, s.oDst[slot]!, s.oSrc[slot]!, invertPorts(proto, s.oPorts[slot]!));
      result = { state, mark, zone, translated, entryId };
    } else result = { state, mark, zone, entryId };
    if (kill) this.remove(slot);
    return result;
  }

  /** A packet without an entry: validate, and create the entry if committing. */
  private fresh(src: number, dst: number, ports: number, zp: number, zone: number, proto: number, info: CtPacketInfo, req: CtRequest): CtResult {
    let tcpState = 0;
    if (proto === IP_PROTO_TCP) {
      const flags = info.tcpFlags;
      if (!tcpFlagsValid(flags)) return this.invalid(zone);
      const idx = tcpIndex(flags);
      tcpState = tcpTransition(0, idx, TcpState.NONE);
      if (tcpState === TCP_INVALID || (idx !== TCP_IDX_SYN && !this.tcpLoose)) return this.invalid(zone);
    } else if (proto === IP_PROTO_ICMP && !isIcmpRequestType(info.icmpType)) return this.invalid(zone);
    if (!req.commit) return { state: CT_TRK | CT_NEW, mark: 0, zone };

    let rSrc = dst;
    let rDst = src;
    let rPorts = invertPorts(proto, ports);
    let natStatus = 0;
    const spec = req.nat?.spec;
    if (spec !== undefined) {
      const c = this.natScratch;
      if (!chooseNat(this.table, zp, proto, src, dst, ports, spec, c)) return this.refuse(zone);
      rSrc = c.rSrc;
      rDst = c.rDst;
      rPorts = c.rPorts;
      natStatus = (c.snat ? ST_SNAT : 0) | (c.dnat ? ST_DNAT : 0);
    } else if (this.table.get(rSrc, rDst, rPorts, zp) >= 0) return this.refuse(zone);
    if (this.store.live >= this.maxEntries) {
      this.expire(req.now);
      if (this.store.live >= this.maxEntries) return this.refuse(zone);
    }

    const slot = this.store.alloc();
    const s = this.store;
    s.zp[slot] = zp;
    s.oSrc[slot] = src;
    s.oDst[slot] = dst;
    s.oPorts[slot] = ports;
    s.rSrc[slot] = rSrc;
    s.rDst[slot] = rDst;
    s.rPorts[slot] = rPorts;
    s.tcpState[slot] = tcpState;
    s.status[slot] = s.status[slot]! | natStatus;
    s.id[slot] = this.nextId++;
    if (req.setMark !== undefined) s.mark[slot] = (req.setMark.value & req.setMark.mask) >>> 0;
    s.packets[2 * slot] = 1;
    s.bytes[2 * slot] = info.payloadLength;
    this.table.set(src, dst, ports, zp, slot << 1);
    this.table.set(rSrc, rDst, rPorts, zp, (slot << 1) | 1);
    let timeout = proto === IP_PROTO_TCP ? this.tcpMs[tcpState]! : proto === IP_PROTO_UDP ? this.udpMs : proto === IP_PROTO_ICMP ? this.icmpMs : this.genericMs;
    if (proto === IP_PROTO_TCP && timeout > this.unackMs) timeout = this.unackMs;
    this.refresh(slot, req.now + timeout);
    this.counters.committed++;

    const mark = s.mark[slot]!;
    const entryId = s.id[slot]!;
    if (natStatus === 0) return { state: CT_TRK | CT_NEW, mark, zone, entryId };
    const translated = tupleOf(proto, rDst, rSrc, invertPorts(proto, rPorts));
    return { state: CT_TRK | CT_NEW | natBits(0, natStatus), mark, zone, translated, entryId };
  }

  private refuse(zone: number): CtResult {
    this.counters.insertFailed++;
    return this.invalid(zone);
  }

  /**
   * An ICMP error: the quoted datagram travelled the other way, so its inverse is the
   * tuple of the direction this error travels in. With `nat`, the outer header gets the
   * fields the connection's NAT rewrites in this direction, and the quote is restored to
   * what its sender saw (Linux nf_nat_icmp_reply_translation).
   */
  private related(info: CtPacketInfo, req: CtRequest, zone: number): CtResult {
    const q = info.quoted;
    if (q === undefined) return this.invalid(zone);
    const qp = q.proto & 0xff;
    let ports: number;
    if (qp === IP_PROTO_ICMP) {
      const it = invertIcmpType(q.icmpType);
      if (it < 0) return this.invalid(zone);
      ports = (((q.srcPort & 0xffff) << 16) | it) >>> 0;
    } else ports = (((q.dstPort & 0xffff) << 16) | (q.srcPort & 0xffff)) >>> 0;
    const v = this.table.get(q.dst >>> 0, q.src >>> 0, ports, zpOf(zone, qp));
    const s = this.store;
    if (v < 0 || s.expires[v >> 1]! <= req.now) return this.invalid(zone);
    const slot = v >> 1;
    const dir = v & 1;
    const st = s.status[slot]!;
    let state = CT_TRK | CT_REL | (dir === 1 ? CT_RPL : 0);
    const mark = s.mark[slot]!;
    const entryId = s.id[slot]!;
    if (req.nat === undefined || !(st & (ST_SNAT | ST_DNAT))) return { state, mark, zone, entryId };
    state |= natBits(dir, st);
    const { translated, translatedQuoted } = translateRelated(s, slot, dir, info.tuple, q);
    return { state, mark, zone, translated, translatedQuoted, entryId };
  }

  private refresh(slot: number, expires: number): void {
    const s = this.store;
    s.expires[slot] = expires;
    // Lazy heap: only an earlier deadline needs a new item; a later one is found when
    // the queued item pops and gets re-queued.
    if (expires < s.queuedAt[slot]!) {
      s.queuedAt[slot] = expires;
      this.heap.push(expires, slot, s.gen[slot]!);
      if (this.heap.size > 4 * s.live + 4096) this.rebuildHeap();
    }
  }

  private rebuildHeap(): void {
    const s = this.store;
    this.heap.clear();
    for (let slot = 0; slot < s.highWater; slot++) {
      if (!s.isLive(slot)) continue;
      s.queuedAt[slot] = s.expires[slot]!;
      this.heap.push(s.expires[slot]!, slot, s.gen[slot]!);
    }
  }

  private sweep(now: number, maxPops: number): number {
    const s = this.store;
    const h = this.heap;
    let removed = 0;
    for (let pops = 0; pops < maxPops && h.peekDeadline() <= now; pops++) {
      const at = h.peekDeadline();
      const slot = h.peekSlot();
      const gen = h.peekGen();
      h.pop();
      if (s.gen[slot] !== gen || !s.isLive(slot) || s.queuedAt[slot] !== at) continue;
      if (s.expires[slot]! <= now) {
        this.remove(slot);
        this.counters.expired++;
        removed++;
      } else {
        s.queuedAt[slot] = s.expires[slot]!;
        h.push(s.expires[slot]!, slot, gen);
      }
    }
    return removed;
  }

  private remove(slot: number): void {
    const s = this.store;
    const zp = s.zp[slot]!;
    this.table.delete(s.oSrc[slot]!, s.oDst[slot]!, s.oPorts[slot]!, zp);
    this.table.delete(s.rSrc[slot]!, s.rDst[slot]!, s.rPorts[slot]!, zp);
    s.release(slot);
    this.counters.removed++;
  }
}

/**
 * ct_state NAT bits as OVS's userspace datapath sets them: the bit names the field the
 * translation rewrote in this packet. Original direction: SNAT -> +snat, DNAT -> +dnat;
 * reply direction (un-NAT): SNAT -> +dnat, DNAT -> +snat.
 */
function natBits(dir: number, status: number): number {
  const sn = (status & ST_SNAT) !== 0;
  const dn = (status & ST_DNAT) !== 0;
  if (dir === 0) return (sn ? CT_SNAT : 0) | (dn ? CT_DNAT : 0);
  return (sn ? CT_DNAT : 0) | (dn ? CT_SNAT : 0);
}
