// TCP segment (RFC 9293). Sequence numbers are uint32; options stay raw bytes (helpers
// below decode and build them); the checksum covers the IPv4 pseudo-header.
import { ok, type Result } from '../../core/result.js';
import { finishChecksum, foldSum, pseudoHeaderSum, readU16, readU32, sum16, view, writeU16, writeU32 } from './checksum.js';
import { badChecksum, malformed, truncated, type WireError } from './error.js';
import type { L4ParseOptions, PseudoHeader } from './udp.js';
import { allocBytes } from './alloc.js';

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;
/** RFC 3540 nonce sum (historic); kept so headers round-trip. */
export const TCP_NS = 0x100;

export const TCP_MIN_HEADER_LEN = 20;
const IP_PROTO_TCP = 6;

export interface TcpRepr {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** TCP_* bits (the 9 low bits of the header's offset/flags word). */
  flags: number;
  window: number;
  urgentPointer: number;
  /** Raw option bytes, a multiple of 4 long (at most 40). */
  options: Uint8Array;
  payload: Uint8Array;
}

/** `bytes` must be exactly the segment (IP payload): TCP has no length field of its own. */
export function parseTcp(bytes: Uint8Array, opts?: L4ParseOptions): Result<TcpRepr, WireError> {
  if (bytes.length < TCP_MIN_HEADER_LEN) return truncated('tcp', TCP_MIN_HEADER_LEN, bytes.length);
  const offFlags = readU16(bytes, 12);
  const hl = (offFlags >>> 12) * 4;
  if (hl < TCP_MIN_HEADER_LEN) return malformed('tcp', `data offset ${hl} < 20`);
  if (bytes.length < hl) return truncated('tcp', hl, bytes.length);
  if (opts?.pseudo !== undefined && opts.verifyChecksum !== false) {
    const s = sum16(bytes, 0, bytes.length, pseudoHeaderSum(opts.pseudo.src, opts.pseudo.dst, IP_PROTO_TCP, bytes.length));
    if (foldSum(s) !== 0xffff) {
      const copy = bytes.slice();
      copy[16] = 0;
      copy[17] = 0;
      const computed = finishChecksum(sum16(copy, 0, copy.length, pseudoHeaderSum(opts.pseudo.src, opts.pseudo.dst, IP_PROTO_TCP, copy.length)));
      return badChecksum('tcp', readU16(bytes, 16), computed);
    }
  }
  return ok({
    srcPort: readU16(bytes, 0),
    dstPort: readU16(bytes, 2),
    seq: readU32(bytes, 4),
    ack: readU32(bytes, 8),
    flags: offFlags & 0x1ff,
    window: readU16(bytes, 14),
    urgentPointer: readU16(bytes, 18),
    options: view(bytes, TCP_MIN_HEADER_LEN, hl),
    payload: bytes.subarray(hl),
  });
}

export function tcpLength(r: TcpRepr): number {
  return TCP_MIN_HEADER_LEN + r.options.length + r.payload.length;
}

export function writeTcp(r: TcpRepr, pseudo: PseudoHeader, out: Uint8Array, offset: number): number {
  const optLen = r.options.length;
  if (optLen % 4 !== 0 || optLen > 40) throw new RangeError(`TCP options must be a multiple of 4 bytes, at most 40 (got ${optLen})`);
  const hl = TCP_MIN_HEADER_LEN + optLen;
  const length = hl + r.payload.length;
  writeU16(out, offset, r.srcPort);
  writeU16(out, offset + 2, r.dstPort);
  writeU32(out, offset + 4, r.seq >>> 0);
  writeU32(out, offset + 8, r.ack >>> 0);
  writeU16(out, offset + 12, ((hl >>> 2) << 12) | (r.flags & 0x1ff));
  writeU16(out, offset + 14, r.window);
  writeU16(out, offset + 16, 0);
  writeU16(out, offset + 18, r.urgentPointer);
  out.set(r.options, offset + TCP_MIN_HEADER_LEN);
  out.set(r.payload, offset + hl);
  const c = finishChecksum(sum16(out, offset, offset + length, pseudoHeaderSum(pseudo.src, pseudo.dst, IP_PROTO_TCP, length)));
  writeU16(out, offset + 16, c);
  return length;
}

export function emitTcp(r: TcpRepr, pseudo: PseudoHeader): Uint8Array {
  const out = allocBytes(tcpLength(r));
  writeTcp(r, pseudo, out, 0);
  return out;
}

/** "SA", "FPA", ... in tcpdump's letter order (F S R P U E C, '.' for ACK). */
export function formatTcpFlags(flags: number): string {
  let s = '';
  if (flags & TCP_FIN) s += 'F';
  if (flags & TCP_SYN) s += 'S';
  if (flags & TCP_RST) s += 'R';
  if (flags & TCP_PSH) s += 'P';
  if (flags & TCP_URG) s += 'U';
  if (flags & TCP_ECE) s += 'E';
  if (flags & TCP_CWR) s += 'W';
  if (flags & TCP_ACK) s += '.';
  return s === '' ? 'none' : s;
}
