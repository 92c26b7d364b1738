// A read-only snapshot of one connection, for listings, formatting and tests. Built on
// demand from the entry store (the hot path never creates these).
import { IP_PROTO_ICMP, IP_PROTO_TCP } from '../flow-key.js';
import { ST_ASSURED, ST_DNAT, ST_SEEN_REPLY, ST_SNAT, type EntryStore } from './entry-store.js';
import { TCP_STATE_NAMES, type TcpStateName } from './tcp-state.js';

export interface CtTupleView {
  readonly src: number;
  readonly dst: number;
  /** TCP/UDP ports; for ICMP srcPort is the id and dstPort 0. */
  readonly srcPort: number;
  readonly dstPort: number;
  /** ICMP only: the message type this direction carries (8 / 0 for echo). */
  readonly icmpType?: number;
}

export interface CtEntryView {
  /** Unique for the tracker's lifetime (CtResult.entryId). */
  readonly id: number;
  readonly zone: number;
  readonly proto: number;
  readonly orig: CtTupleView;
  readonly reply: CtTupleView;
  /** TCP only. */
  readonly tcpState?: TcpStateName;
  readonly seenReply: boolean;
  readonly assured: boolean;
  readonly snat: boolean;
  readonly dnat: boolean;
  readonly mark: number;
  /** Absolute expiry time (ms, same clock as CtRequest.now). */
  readonly expiresAt: number;
  readonly packetsOrig: number;
  readonly bytesOrig: number;
  readonly packetsReply: number;
  readonly bytesReply: number;
}

function tupleView(proto: number, src: number, dst: number, ports: number): CtTupleView {
  if (proto === IP_PROTO_ICMP) return { src, dst, srcPort: ports >>> 16, dstPort: 0, icmpType: ports & 0xff };
  return { src, dst, srcPort: ports >>> 16, dstPort: ports & 0xffff };
}

export function entryView(s: EntryStore, slot: number): CtEntryView {
  const proto = s.zp[slot]! & 0xff;
  const st = s.status[slot]!;
  const base = {
    id: s.id[slot]!,
    zone: s.zp[slot]! >>> 8,
    proto,
    orig: tupleView(proto, s.oSrc[slot]!, s.oDst[slot]!, s.oPorts[slot]!),
    reply: tupleView(proto, s.rSrc[slot]!, s.rDst[slot]!, s.rPorts[slot]!),
    seenReply: (st & ST_SEEN_REPLY) !== 0,
    assured: (st & ST_ASSURED) !== 0,
    snat: (st & ST_SNAT) !== 0,
    dnat: (st & ST_DNAT) !== 0,
    mark: s.mark[slot]!,
    expiresAt: s.expires[slot]!,
    packetsOrig: s.packets[2 * slot]!,
    bytesOrig: s.bytes[2 * slot]!,
    packetsReply: s.packets[2 * slot + 1]!,
    bytesReply: s.bytes[2 * slot + 1]!,
  };
  return proto === IP_PROTO_TCP ? { ...base, tcpState: TCP_STATE_NAMES[s.tcpState[slot]!]! } : base;
}
