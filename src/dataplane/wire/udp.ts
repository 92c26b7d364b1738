// UDP (RFC 768). The checksum covers an IPv4 pseudo-header, so verifying and emitting
// need the addresses; a transmitted checksum of 0 means "none" (and a computed 0 is
// sent as 0xffff).
import { ok, type Result } from '../../core/result.js';
import { finishChecksum, foldSum, pseudoHeaderSum, readU16, sum16, writeU16 } from './checksum.js';
import { badChecksum, malformed, truncated, type ParseOptions, type WireError } from './error.js';
import { allocBytes } from './alloc.js';

export const UDP_HEADER_LEN = 8;
const IP_PROTO_UDP = 17;

export interface UdpRepr {
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
  /** The sender left the checksum out (field 0); emit keeps it out. */
  noChecksum?: boolean;
}

/** The IPv4 addresses the pseudo-header needs. */
export interface PseudoHeader {
  readonly src: number;
  readonly dst: number;
}

export interface L4ParseOptions extends ParseOptions {
  /** Without it the checksum cannot be verified and is not checked. */
  readonly pseudo?: PseudoHeader;
}

export function parseUdp(bytes: Uint8Array, opts?: L4ParseOptions): Result<UdpRepr, WireError> {
  if (bytes.length < UDP_HEADER_LEN) return truncated('udp', UDP_HEADER_LEN, bytes.length);
  const length = readU16(bytes, 4);
  if (length < UDP_HEADER_LEN) return malformed('udp', `length ${length} < 8`);
  if (bytes.length < length) return truncated('udp', length, bytes.length);
  const carried = readU16(bytes, 6);
  if (carried !== 0 && opts?.pseudo !== undefined && opts.verifyChecksum !== false) {
    const s = sum16(bytes, 0, length, pseudoHeaderSum(opts.pseudo.src, opts.pseudo.dst, IP_PROTO_UDP, length));
    if (foldSum(s) !== 0xffff) return badChecksum('udp', carried, udpChecksumOf(bytes.subarray(0, length), opts.pseudo));
  }
  const repr: UdpRepr = { srcPort: readU16(bytes, 0), dstPort: readU16(bytes, 2), payload: bytes.subarray(UDP_HEADER_LEN, length) };
  if (carried === 0) repr.noChecksum = true;
  return ok(repr);
}

export function writeUdp(r: UdpRepr, pseudo: PseudoHeader, out: Uint8Array, offset: number): number {
  const length = UDP_HEADER_LEN + r.payload.length;
  if (length > 0xffff) throw new RangeError(`UDP datagram too long (${length})`);
  writeU16(out, offset, r.srcPort);
  writeU16(out, offset + 2, r.dstPort);
  writeU16(out, offset + 4, length);
  writeU16(out, offset + 6, 0);
  out.set(r.payload, offset + UDP_HEADER_LEN);
  if (r.noChecksum !== true) {
    const c = finishChecksum(sum16(out, offset, offset + length, pseudoHeaderSum(pseudo.src, pseudo.dst, IP_PROTO_UDP, length)));
    writeU16(out, offset + 6, c === 0 ? 0xffff : c);
  }
  return length;
}

export function emitUdp(r: UdpRepr, pseudo: PseudoHeader): Uint8Array {
  const out = allocBytes(UDP_HEADER_LEN + r.payload.length);
  writeUdp(r, pseudo, out, 0);
  return out;
}

function udpChecksumOf(datagram: Uint8Array, pseudo: PseudoHeader): number {
  const copy = datagram.slice();
  copy[6] = 0;
  copy[7] = 0;
  const c = finishChecksum(sum16(copy, 0, copy.length, pseudoHeaderSum(pseudo.src, pseudo.dst, IP_PROTO_UDP, copy.length)));
  return c === 0 ? 0xffff : c;
}
