// Helpers between the ct() action and the connection tracker: the request and packet
// info handed over, and applying the answer to a FlowKey.
import type { CtPacketInfo, CtQuotedTuple, CtRequest, CtTuple } from '../conntrack/types.js';
import { IP_PROTO_ICMP, IP_PROTO_TCP, IP_PROTO_UDP, type FlowKey } from '../flow-key.js';
import type { CtAction } from './actions.js';

/** The parts of a CtRequest that depend on the action only. */
interface CtRequestParts {
  readonly nat: CtRequest['nat'];
  readonly setMark: CtRequest['setMark'];
}

/**
 * Per-action request parts, computed once: markOf does bigint arithmetic, and a fresh
 * `{ spec }` per packet was garbage the scavenger had to sweep.
 */
const partsCache = new WeakMap<CtAction, CtRequestParts>();

function partsOf(a: CtAction): CtRequestParts {
  let p = partsCache.get(a);
  if (p === undefined) {
    // NatRange carries `kind`, so it is a NatSpec as it stands.
    const nat: CtRequest['nat'] = a.nat === undefined ? undefined : a.nat.range !== undefined ? { spec: a.nat.range } : {};
    p = { nat, setMark: a.exec.length === 0 ? undefined : markOf(a) };
    partsCache.set(a, p);
  }
  return p;
}

/** A CtRequest the pipeline refills per ct() (one object shape, no per-packet garbage). */
export interface ScratchRequest {
  zone: number;
  commit: boolean;
  nat: CtRequest['nat'];
  setMark: CtRequest['setMark'];
  now: number;
}

export function scratchRequest(): ScratchRequest {
  return { zone: 0, commit: false, nat: undefined, setMark: undefined, now: 0 };
}

export function fillRequest(r: ScratchRequest, a: CtAction, zone: number, now: number): CtRequest {
  const p = partsOf(a);
  r.zone = zone;
  r.commit = a.commit;
  r.nat = p.nat;
  r.setMark = p.setMark;
  r.now = now;
  return r;
}

/** A CtPacketInfo the pipeline refills per ct(). */
export interface ScratchInfo {
  readonly tuple: { src: number; dst: number; proto: number; srcPort: number; dstPort: number };
  tcpFlags: number;
  icmpType: number;
  icmpCode: number;
  payloadLength: number;
  quoted: CtQuotedTuple | undefined;
}

export function scratchInfo(): ScratchInfo {
  return { tuple: { src: 0, dst: 0, proto: 0, srcPort: 0, dstPort: 0 }, tcpFlags: 0, icmpType: 0, icmpCode: 0, payloadLength: 0, quoted: undefined };
}

/**
 * What conntrack sees of the packet, written into `info`. `bytes` is the frame length,
 * used to estimate the L4 payload when the caller gives none; `icmpId` stands in for
 * the echo id FlowKey lacks.
 */
export function fillPacketInfo(
  info: ScratchInfo,
  k: FlowKey,
  bytes: number,
  payloadLength: number | undefined,
  icmpId: number,
  quoted: CtQuotedTuple | undefined,
): CtPacketInfo {
  const l4 = k.nwProto === IP_PROTO_TCP || k.nwProto === IP_PROTO_UDP;
  const icmp = k.nwProto === IP_PROTO_ICMP;
  const header = k.nwProto === IP_PROTO_TCP ? 20 : l4 || icmp ? 8 : 0;
  const echo = icmp && (k.tpSrc === 8 || k.tpSrc === 0);
  const t = info.tuple;
  t.src = k.nwSrc;
  t.dst = k.nwDst;
  t.proto = k.nwProto;
  t.srcPort = l4 ? k.tpSrc : echo ? icmpId : 0;
  t.dstPort = l4 ? k.tpDst : 0;
  info.tcpFlags = k.tcpFlags;
  info.icmpType = icmp ? k.tpSrc : 0;
  info.icmpCode = icmp ? k.tpDst : 0;
  info.payloadLength = payloadLength ?? Math.max(0, bytes - 14 - (k.dlVlan >= 0 ? 4 : 0) - 20 - header);
  info.quoted = icmp ? quoted : undefined;
  return info;
}

/** exec(set_field:V[/M]->ct_mark) or exec(load:V->NXM_NX_CT_MARK[..]) as a CtRequest.setMark. */
function markOf(a: CtAction): CtRequest['setMark'] {
  let setMark: CtRequest['setMark'];
  for (const x of a.exec) {
    if (x.type === 'set_field' && x.field.name === 'ct_mark') {
      setMark = { value: Number(x.value), mask: x.mask === undefined ? 0xffffffff : Number(x.mask) };
    } else if (x.type === 'load' && x.dst.field.name === 'ct_mark') {
      const m = ((1n << BigInt(x.dst.nBits)) - 1n) << BigInt(x.dst.ofs);
      setMark = { value: Number((x.value << BigInt(x.dst.ofs)) & m), mask: Number(m) };
    }
  }
  return setMark;
}

export function applyTranslation(k: FlowKey, t: CtTuple): void {
  k.nwSrc = t.src;
  k.nwDst = t.dst;
  if (k.nwProto === IP_PROTO_TCP || k.nwProto === IP_PROTO_UDP) {
    k.tpSrc = t.srcPort;
    k.tpDst = t.dstPort;
  }
}

export function clearCt(k: FlowKey): void {
  k.ctState = 0;
  k.ctZone = 0;
  k.ctMark = 0;
}
