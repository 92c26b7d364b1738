// IPv4 header (RFC 791). Options are kept as raw bytes; the checksum and the length
// fields are computed on emit. The reserved flag bit is dropped (parsed, not kept).
import type { IPv4 } from '../../core/ip.js';
import { ok, type Result } from '../../core/result.js';
import { foldSum, internetChecksum, readU16, readU32, sum16, view, writeU16, writeU32 } from './checksum.js';
import { badChecksum, malformed, truncated, type ParseOptions, type WireError } from './error.js';
import { allocBytes } from './alloc.js';

export const IPV4_MIN_HEADER_LEN = 20;

/** Mutable: NAT and set_field rewrite addresses, TTL and ToS in place. */
export interface Ipv4Header {
  /** The whole ToS byte: DSCP (upper 6 bits) and ECN (lower 2). */
  tos: number;
  ident: number;
  dontFragment: boolean;
  moreFragments: boolean;
  /** In units of 8 bytes, as on the wire. */
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  src: IPv4;
  dst: IPv4;
  /** Raw option bytes; length is a multiple of 4 (at most 40). */
  options: Uint8Array;
}

export interface Ipv4Repr extends Ipv4Header {
  payload: Uint8Array;
}

export function ipv4HeaderLength(h: Ipv4Header): number {
  return IPV4_MIN_HEADER_LEN + h.options.length;
}

export function isFragment(h: Ipv4Header): boolean {
  return h.moreFragments || h.fragmentOffset !== 0;
}

/**
 * Parses the header only: checks version, IHL, total length against the buffer and the
 * header checksum. `totalLength` is where the datagram ends (bytes beyond are link padding).
 */
export function parseIpv4Header(
  bytes: Uint8Array,
  opts?: ParseOptions,
): Result<{ header: Ipv4Header; headerLength: number; totalLength: number }, WireError> {
  if (bytes.length < IPV4_MIN_HEADER_LEN) return truncated('ipv4', IPV4_MIN_HEADER_LEN, bytes.length);
  const vihl = bytes[0]!;
  if (vihl >>> 4 !== 4) return malformed('ipv4', `version ${vihl >>> 4}`);
  const hl = (vihl & 0x0f) * 4;
  if (hl < IPV4_MIN_HEADER_LEN) return malformed('ipv4', `header length ${hl} < 20`);
  if (bytes.length < hl) return truncated('ipv4', hl, bytes.length);
  const totalLength = readU16(bytes, 2);
  if (totalLength < hl) return malformed('ipv4', `total length ${totalLength} < header length ${hl}`);
  if (bytes.length < totalLength) return truncated('ipv4', totalLength, bytes.length);
  if (opts?.verifyChecksum !== false) {
    // A correct header sums to 0xffff including its own checksum field.
    const carried = readU16(bytes, 10);
    const s = sum16(bytes, 0, hl);
    if (foldSum(s) !== 0xffff) {
      const computed = internetChecksum(withZeroChecksum(bytes, hl));
      return badChecksum('ipv4', carried, computed);
    }
  }
  const fl = readU16(bytes, 6);
  return ok({
    header: {
      tos: bytes[1]!,
      ident: readU16(bytes, 4),
      dontFragment: (fl & 0x4000) !== 0,
      moreFragments: (fl & 0x2000) !== 0,
      fragmentOffset: fl & 0x1fff,
      ttl: bytes[8]!,
      protocol: bytes[9]!,
      src: readU32(bytes, 12) as IPv4,
      dst: readU32(bytes, 16) as IPv4,
      options: view(bytes, IPV4_MIN_HEADER_LEN, hl),
    },
    headerLength: hl,
    totalLength,
  });
}

export function parseIpv4(bytes: Uint8Array, opts?: ParseOptions): Result<Ipv4Repr, WireError> {
  const r = parseIpv4Header(bytes, opts);
  if (!r.ok) return r;
  const { header, headerLength, totalLength } = r.value;
  return ok({ ...header, payload: bytes.subarray(headerLength, totalLength) });
}

/** Writes a header for a payload of `payloadLength` bytes, checksum included. */
export function writeIpv4Header(h: Ipv4Header, payloadLength: number, out: Uint8Array, offset: number): number {
  const optLen = h.options.length;
  if (optLen % 4 !== 0 || optLen > 40) throw new RangeError(`IPv4 options must be a multiple of 4 bytes, at most 40 (got ${optLen})`);
  const hl = IPV4_MIN_HEADER_LEN + optLen;
  out[offset] = 0x40 | (hl >>> 2);
  out[offset + 1] = h.tos & 0xff;
  writeU16(out, offset + 2, hl + payloadLength);
  writeU16(out, offset + 4, h.ident);
  writeU16(out, offset + 6, (h.dontFragment ? 0x4000 : 0) | (h.moreFragments ? 0x2000 : 0) | (h.fragmentOffset & 0x1fff));
  out[offset + 8] = h.ttl & 0xff;
  out[offset + 9] = h.protocol & 0xff;
  writeU16(out, offset + 10, 0);
  writeU32(out, offset + 12, h.src);
  writeU32(out, offset + 16, h.dst);
  out.set(h.options, offset + IPV4_MIN_HEADER_LEN);
  writeU16(out, offset + 10, internetChecksum(out, offset, offset + hl));
  return hl;
}

export function emitIpv4(repr: Ipv4Repr): Uint8Array {
  const hl = ipv4HeaderLength(repr);
  const out = allocBytes(hl + repr.payload.length);
  writeIpv4Header(repr, repr.payload.length, out, 0);
  out.set(repr.payload, hl);
  return out;
}

function withZeroChecksum(bytes: Uint8Array, hl: number): Uint8Array {
  const copy = bytes.slice(0, hl);
  copy[10] = 0;
  copy[11] = 0;
  return copy;
}
