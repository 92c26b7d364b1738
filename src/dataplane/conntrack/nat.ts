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

/** Filled by chooseNat. Mutable and reused by the caller: a commit allocates nothing here. */
export interface NatChoice {
  rSrc: number;
  rDst: number;
  rPorts: number;
  /** ST_SNAT / ST_DNAT bits the entry gets. */
  snat: boolean;
  dnat: boolean;
}

/** Bounds the search when a huge address range is given. */
const MAX_ADDRESSES = 65536;

// No closures below on purpose: the test/bench loader (tsx, esbuild keepNames) wraps
// every arrow function in a name-setting defineProperty call, so a closure created per
// commit cost more than the search itself.

/** Chooses the reply tuple into `out`; false when no tuple is free. */
export function chooseNat(
  table: TupleTable,
  zp: number,
  proto: number,
  oSrc: number,
  oDst: number,
  oPorts: number,
  spec: NatSpec,
  out: NatChoice,
): boolean {
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
          if (table.get(a, oSrc, rp, zp) < 0) return set(out, a, oSrc, rp, false, true);
        }
      } else {
        const rp = icmp ? ((sp << 16) | replyType) >>> 0 : ((lo << 16) | sp) >>> 0;
        if (table.get(a, oSrc, rp, zp) < 0) return set(out, a, oSrc, rp, false, true);
      }
    }
    // Implicit source-port remap for the first destination.
    const fixed = icmp ? replyType : portsSpecified ? spec.portMin : lo;
    const p = scanPort(table, zp, aMin, oSrc, sp, icmp ? 0 : classLo(sp), icmp ? 65535 : classHi(sp), icmp, fixed);
    if (p < 0) return false;
    return set(out, aMin, oSrc, replyPorts(icmp, fixed, p), true, true);
  }

  // Source NAT: the reply comes from the original destination back to the new source.
  const plo = icmp ? 0 : portsSpecified ? spec.portMin : classLo(sp);
  const phi = icmp ? 65535 : portsSpecified ? spec.portMax : classHi(sp);
  const fixed = icmp ? replyType : lo;
  for (let a = aMin; a <= aMax; a++) {
    const p = scanPort(table, zp, oDst, a, sp, plo, phi, icmp, fixed);
    if (p >= 0) return set(out, oDst, a, replyPorts(icmp, fixed, p), true, false);
  }
  return false;
}

function set(out: NatChoice, rSrc: number, rDst: number, rPorts: number, snat: boolean, dnat: boolean): true {
  out.rSrc = rSrc;
  out.rDst = rDst;
  out.rPorts = rPorts;
  out.snat = snat;
  out.dnat = dnat;
  return true;
}

/** Reply-tuple ports word with `np` as the remapped port (ICMP: id, with the reply type kept). */
function replyPorts(icmp: boolean, fixed: number, np: number): number {
  return icmp ? ((np << 16) | fixed) >>> 0 : ((fixed << 16) | np) >>> 0;
}

/** Linux's source-port class when no range is given (nf_nat_l4proto_unique_tuple). */
function classLo(port: number): number {
  return port < 512 ? 1 : port < 1024 ? 600 : 1024;
}

function classHi(port: number): number {
  return port < 512 ? 511 : port < 1024 ? 1023 : 65535;
}

/**
 * The first port (or ICMP id) in lo..hi whose reply tuple (rSrc, rDst, replyPorts) is
 * free: `orig` itself when in range, then upwards, wrapping. -1 when none is.
 */
function scanPort(table: TupleTable, zp: number, rSrc: number, rDst: number, orig: number, lo: number, hi: number, icmp: boolean, fixed: number): number {
  const size = hi - lo + 1;
  const start = orig >= lo && orig <= hi ? orig : lo;
  for (let i = 0; i < size; i++) {
    const p = lo + ((start - lo + i) % size);
    if (table.get(rSrc, rDst, replyPorts(icmp, fixed, p), zp) < 0) return p;
  }
  return -1;
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
