// Choosing the translated reply tuple when a connection is committed with NAT.
//
// The reply tuple is what the peer's answers will look like, so it must be unique in
// the zone: two connections may not expect the same reply. Choices are deterministic
// (first free), which keeps tests and traces reproducible:
// - DNAT: addresses addrMin..addrMax, ports portMin..portMax (0 = keep the port); the
//   first combination whose reply tuple is free. If none is, Linux's implicit source-
//   port remap applies (its NAT null binding): keep the first address and move the
//   source port, marking the entry SNAT as well.
// - SNAT: the original source port is kept when free (Linux tries it first); otherwise
//   the first free port of the range, or, without one, of Linux's port class: <512 ->
//   1..511, <1024 -> 600..1023, else 1024..65535. For ICMP the echo id plays the port.
// Worked example: 172.25.5.4:40000 -> 10.101.129.209:80 with nat(dst=172.25.5.3:80)
// expects replies 172.25.5.3:80 -> 172.25.5.4:40000.
import { IP_PROTO_ICMP } from '../flow-key.js';
import { ST_DNAT, ST_SNAT, type EntryStore } from './entry-store.js';
import { invertIcmpType } from './tuple-codec.js';
import type { CtQuotedTuple, CtTuple, NatSpec } from './types.js';
import type { TupleTable } from './tuple-table.js';

export interface NatChoice {
  readonly rSrc: number;
  readonly rDst: number;
  readonly rPorts: number;
  /** ST_SNAT / ST_DNAT bits the entry gets. */
  readonly snat: boolean;
  readonly dnat: boolean;
}

/** Bounds the search when a huge address range is given. */
const MAX_ADDRESSES = 65536;

export function chooseNat(
  table: TupleTable,
  zp: number,
  proto: number,
  oSrc: number,
  oDst: number,
  oPorts: number,
  spec: NatSpec,
): NatChoice | undefined {
  const free = (s: number, d: number, p: number) => table.get(s, d, p, zp) < 0;
  const icmp = proto === IP_PROTO_ICMP;
  const sp = oPorts >>> 16;
  const lo = oPorts & 0xffff;
  const replyType = icmp ? invertIcmpType(lo) & 0xff : 0;
  const aMin = spec.addrMin >>> 0;
  const aMax = Math.min(spec.addrMax >>> 0, aMin + MAX_ADDRESSES - 1);
  const portsSpecified = spec.portMin !== 0 && !icmp;

  if (spec.kind === 'dst') {
    for (let a = aMin; a <= aMax; a++) {
      if (portsSpecified) {
        for (let p = spec.portMin; p <= spec.portMax; p++) {
          const rp = ((p << 16) | sp) >>> 0;
          if (free(a, oSrc, rp)) return { rSrc: a, rDst: oSrc, rPorts: rp, snat: false, dnat: true };
        }
      } else {
        const rp = icmp ? ((sp << 16) | replyType) >>> 0 : ((lo << 16) | sp) >>> 0;
        if (free(a, oSrc, rp)) return { rSrc: a, rDst: oSrc, rPorts: rp, snat: false, dnat: true };
      }
    }
    // Implicit source-port remap for the first destination.
    const rPort = portsSpecified ? spec.portMin : icmp ? 0 : lo;
    const [clo, chi] = icmp ? [0, 65535] : portClass(sp);
    const p = scanPort(sp, clo, chi, (np) => free(aMin, oSrc, icmp ? ((np << 16) | replyType) >>> 0 : ((rPort << 16) | np) >>> 0));
    if (p === undefined) return undefined;
    const rp = icmp ? ((p << 16) | replyType) >>> 0 : ((rPort << 16) | p) >>> 0;
    return { rSrc: aMin, rDst: oSrc, rPorts: rp, snat: true, dnat: true };
  }

  // Source NAT: the reply comes from the original destination back to the new source.
  const [plo, phi] = icmp ? [0, 65535] : portsSpecified ? [spec.portMin, spec.portMax] : portClass(sp);
  for (let a = aMin; a <= aMax; a++) {
    const p = scanPort(sp, plo, phi, (np) =>
      free(oDst, a, icmp ? ((np << 16) | replyType) >>> 0 : ((lo << 16) | np) >>> 0),
    );
    if (p !== undefined) {
      const rp = icmp ? ((p << 16) | replyType) >>> 0 : ((lo << 16) | p) >>> 0;
      return { rSrc: oDst, rDst: a, rPorts: rp, snat: true, dnat: false };
    }
  }
  return undefined;
}

/** Linux's source-port class when no range is given (nf_nat_l4proto_unique_tuple). */
function portClass(port: number): readonly [number, number] {
  if (port < 512) return [1, 511];
  if (port < 1024) return [600, 1023];
  return [1024, 65535];
}

/** The first port (or ICMP id) in lo..hi accepted by `ok`: `orig` itself when in range, then upwards, wrapping. */
function scanPort(orig: number, lo: number, hi: number, ok: (p: number) => boolean): number | undefined {
  const size = hi - lo + 1;
  const inRange = orig >= lo && orig <= hi;
  const start = inRange ? orig : lo;
  for (let i = 0; i < size; i++) {
    const p = lo + ((start - lo + i) % size);
    if (ok(p)) return p;
  }
  return undefined;
}

/**
 * NAT for an ICMP error travelling in direction `dir` of a NATed connection (Linux
 * nf_nat_icmp_reply_translation): the outer header gets the fields this direction's
 * translation rewrites; the quote, which travelled the other way, is restored to that
 * direction's tuple. Example (DNAT, error from the endpoint): outer source endpoint ->
 * VIP, quoted destination endpoint:port -> VIP:port.
 */
export function translateRelated(s: EntryStore, slot: number, dir: number, outer: CtTuple, q: CtQuotedTuple): { translated: CtTuple; translatedQuoted: CtTuple } {
  const st = s.status[slot]!;
  const srcManip = (dir === 0 ? st & ST_SNAT : st & ST_DNAT) !== 0;
  const dstManip = (dir === 0 ? st & ST_DNAT : st & ST_SNAT) !== 0;
  // The other direction's tuple: what the quote must be restored to.
  const oS = dir === 0 ? s.rSrc[slot]! : s.oSrc[slot]!;
  const oD = dir === 0 ? s.rDst[slot]! : s.oDst[slot]!;
  const oP = dir === 0 ? s.rPorts[slot]! : s.oPorts[slot]!;
  const translated: CtTuple = { src: srcManip ? oD : outer.src, dst: dstManip ? oS : outer.dst, proto: outer.proto, srcPort: outer.srcPort, dstPort: outer.dstPort };
  const translatedQuoted: CtTuple = {
    src: dstManip ? oS : q.src,
    dst: srcManip ? oD : q.dst,
    proto: q.proto,
    srcPort: dstManip ? oP >>> 16 : q.srcPort,
    dstPort: q.proto === IP_PROTO_ICMP ? 0 : srcManip ? oP & 0xffff : q.dstPort,
  };
  return { translated, translatedQuoted };
}
