// The datagram quoted inside an ICMP error (IP header + first 8 payload bytes). Conntrack
// relates the error to a connection by this quote's tuple (+rel), and NAT must rewrite
// the quote as well as the outer header so the error makes sense to the original sender.
import { ok, type Result } from '../../core/result.js';
import { IP_PROTO_ICMP, IP_PROTO_TCP, IP_PROTO_UDP } from '../flow-key.js';
import { internetChecksum, readU16, readU32, updateChecksum16, updateChecksum32, writeU16, writeU32 } from './checksum.js';
import { malformed, truncated, type WireError } from './error.js';
import type { Frame } from './frame.js';
import { isIcmpErrorType, icmpTypeCode } from './icmp.js';

/** Same shape as conntrack's CtTuple: for ICMP, srcPort = echo id and dstPort = 0. */
export interface QuotedTuple {
  readonly src: number;
  readonly dst: number;
  readonly proto: number;
  readonly srcPort: number;
  readonly dstPort: number;
  /** For a quoted ICMP message; 0 otherwise. */
  readonly icmpType: number;
  readonly icmpCode: number;
}

/** Lenient: the quote is cut short by design, so total length and checksum are not checked. */
export function parseIcmpQuote(quote: Uint8Array): Result<QuotedTuple, WireError> {
  if (quote.length < 20) return truncated('icmp', 20, quote.length);
  if (quote[0]! >>> 4 !== 4) return malformed('icmp', `quoted datagram is not IPv4 (version ${quote[0]! >>> 4})`);
  const hl = (quote[0]! & 0x0f) * 4;
  if (hl < 20) return malformed('icmp', `quoted header length ${hl} < 20`);
  if (quote.length < hl) return truncated('icmp', hl, quote.length);
  const proto = quote[9]!;
  const src = readU32(quote, 12);
  const dst = readU32(quote, 16);
  if (proto === IP_PROTO_TCP || proto === IP_PROTO_UDP) {
    if (quote.length < hl + 4) return truncated('icmp', hl + 4, quote.length);
    return ok({ src, dst, proto, srcPort: readU16(quote, hl), dstPort: readU16(quote, hl + 2), icmpType: 0, icmpCode: 0 });
  }
  if (proto === IP_PROTO_ICMP) {
    if (quote.length < hl + 8) return truncated('icmp', hl + 8, quote.length);
    return ok({ src, dst, proto, srcPort: readU16(quote, hl + 4), dstPort: 0, icmpType: quote[hl]!, icmpCode: quote[hl + 1]! });
  }
  return ok({ src, dst, proto, srcPort: 0, dstPort: 0, icmpType: 0, icmpCode: 0 });
}

/** The quoted tuple of an ICMP error frame; undefined for anything else. */
export function icmpErrorQuoteOf(frame: Frame): QuotedTuple | undefined {
  if (frame.l3.kind !== 'ipv4' || frame.l3.l4.kind !== 'icmp') return undefined;
  const icmp = frame.l3.l4.icmp;
  if (!isIcmpErrorType(icmpTypeCode(icmp).type)) return undefined;
  const quote = icmp.kind === 'dest-unreachable' || icmp.kind === 'time-exceeded' ? icmp.original : icmp.kind === 'other' ? icmp.data : undefined;
  if (quote === undefined) return undefined;
  const r = parseIcmpQuote(quote);
  return r.ok ? r.value : undefined;
}

/**
 * A copy of `quote` with addresses and ports (echo id for ICMP) replaced. The quoted IP
 * header checksum is recomputed; the transport checksum, when it lies inside the quote,
 * is updated incrementally (RFC 1624) because the rest of the segment is not at hand.
 */
export function rewriteIcmpQuote(quote: Uint8Array, t: { readonly src: number; readonly dst: number; readonly srcPort: number; readonly dstPort: number }): Uint8Array {
  const q = quote.slice();
  if (q.length < 20 || q[0]! >>> 4 !== 4) return q;
  const hl = (q[0]! & 0x0f) * 4;
  if (hl < 20 || q.length < hl) return q;
  const proto = q[9]!;
  const oldSrc = readU32(q, 12);
  const oldDst = readU32(q, 16);
  writeU32(q, 12, t.src);
  writeU32(q, 16, t.dst);
  writeU16(q, 10, 0);
  writeU16(q, 10, internetChecksum(q, 0, hl));
  if ((proto === IP_PROTO_TCP || proto === IP_PROTO_UDP) && q.length >= hl + 4) {
    const oldSp = readU16(q, hl);
    const oldDp = readU16(q, hl + 2);
    writeU16(q, hl, t.srcPort);
    writeU16(q, hl + 2, t.dstPort);
    const at = proto === IP_PROTO_UDP ? hl + 6 : hl + 16;
    if (q.length >= at + 2) {
      let c = readU16(q, at);
      // A zero UDP checksum means "none" and must stay zero.
      if (!(proto === IP_PROTO_UDP && c === 0)) {
        c = updateChecksum32(c, oldSrc, t.src >>> 0);
        c = updateChecksum32(c, oldDst, t.dst >>> 0);
        c = updateChecksum16(c, oldSp, t.srcPort);
        c = updateChecksum16(c, oldDp, t.dstPort);
        writeU16(q, at, proto === IP_PROTO_UDP && c === 0 ? 0xffff : c);
      }
    }
  } else if (proto === IP_PROTO_ICMP && q.length >= hl + 8) {
    const oldId = readU16(q, hl + 4);
    writeU16(q, hl + 4, t.srcPort);
    writeU16(q, hl + 2, updateChecksum16(readU16(q, hl + 2), oldId, t.srcPort));
  }
  return q;
}

/** Rewrites the quote of an ICMP error frame in place (no-op for other frames). */
export function applyQuoteTupleToFrame(frame: Frame, t: { readonly src: number; readonly dst: number; readonly srcPort: number; readonly dstPort: number }): void {
  if (frame.l3.kind !== 'ipv4' || frame.l3.l4.kind !== 'icmp') return;
  const icmp = frame.l3.l4.icmp;
  if (icmp.kind === 'dest-unreachable' || icmp.kind === 'time-exceeded') icmp.original = rewriteIcmpQuote(icmp.original, t);
  else if (icmp.kind === 'other' && isIcmpErrorType(icmp.type)) icmp.data = rewriteIcmpQuote(icmp.data, t);
}
