// ICMP for IPv4 (RFC 792): echo, destination unreachable, time exceeded; anything else
// is kept as type/code/rest-of-header/data so it still round-trips.
import { ok, type Result } from '../../core/result.js';
import { internetChecksum, readU16, readU32, sum16, foldSum, writeU16, writeU32 } from './checksum.js';
import { badChecksum, truncated, type ParseOptions, type WireError } from './error.js';
import { allocBytes } from './alloc.js';

export const ICMP_ECHO_REPLY = 0;
export const ICMP_DEST_UNREACHABLE = 3;
export const ICMP_ECHO_REQUEST = 8;
export const ICMP_TIME_EXCEEDED = 11;

/** Destination-unreachable codes (RFC 792, RFC 1812). */
export const ICMP_NET_UNREACHABLE = 0;
export const ICMP_HOST_UNREACHABLE = 1;
export const ICMP_PROTOCOL_UNREACHABLE = 2;
export const ICMP_PORT_UNREACHABLE = 3;
export const ICMP_FRAG_NEEDED = 4;
export const ICMP_ADMIN_PROHIBITED = 13;

/** Time-exceeded codes. */
export const ICMP_TTL_EXCEEDED = 0;
export const ICMP_FRAG_REASSEMBLY_EXCEEDED = 1;

export const ICMP_HEADER_LEN = 8;

export type IcmpRepr =
  | { kind: 'echo-request' | 'echo-reply'; ident: number; seq: number; data: Uint8Array }
  | {
      kind: 'dest-unreachable';
      code: number;
      /** Only meaningful for code 4 (fragmentation needed); 0 otherwise. */
      nextHopMtu: number;
      /** The offending datagram's IP header and at least its first 8 payload bytes. */
      original: Uint8Array;
    }
  | { kind: 'time-exceeded'; code: number; original: Uint8Array }
  | { kind: 'other'; type: number; code: number; /** Header bytes 4..7. */ rest: number; data: Uint8Array };

export function icmpTypeCode(r: IcmpRepr): { type: number; code: number } {
  switch (r.kind) {
    case 'echo-request':
      return { type: ICMP_ECHO_REQUEST, code: 0 };
    case 'echo-reply':
      return { type: ICMP_ECHO_REPLY, code: 0 };
    case 'dest-unreachable':
      return { type: ICMP_DEST_UNREACHABLE, code: r.code };
    case 'time-exceeded':
      return { type: ICMP_TIME_EXCEEDED, code: r.code };
    case 'other':
      return { type: r.type, code: r.code };
  }
}

/** Error messages quote a datagram and relate to an existing flow (conntrack +rel). */
export function isIcmpErrorType(type: number): boolean {
  // Destination unreachable, source quench, redirect, time exceeded, parameter problem.
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

export function parseIcmp(bytes: Uint8Array, opts?: ParseOptions): Result<IcmpRepr, WireError> {
  if (bytes.length < ICMP_HEADER_LEN) return truncated('icmp', ICMP_HEADER_LEN, bytes.length);
  if (opts?.verifyChecksum !== false && foldSum(sum16(bytes, 0, bytes.length)) !== 0xffff) {
    const copy = bytes.slice();
    copy[2] = 0;
    copy[3] = 0;
    return badChecksum('icmp', readU16(bytes, 2), internetChecksum(copy));
  }
  const type = bytes[0]!;
  const code = bytes[1]!;
  const body = bytes.subarray(ICMP_HEADER_LEN);
  // Standard messages carry fixed values in bytes 4..7; anything else stays 'other'
  // so that emit reproduces the input exactly.
  if ((type === ICMP_ECHO_REQUEST || type === ICMP_ECHO_REPLY) && code === 0) {
    return ok({ kind: type === ICMP_ECHO_REQUEST ? 'echo-request' : 'echo-reply', ident: readU16(bytes, 4), seq: readU16(bytes, 6), data: body });
  }
  if (type === ICMP_DEST_UNREACHABLE && readU16(bytes, 4) === 0) {
    return ok({ kind: 'dest-unreachable', code, nextHopMtu: readU16(bytes, 6), original: body });
  }
  if (type === ICMP_TIME_EXCEEDED && readU32(bytes, 4) === 0) {
    return ok({ kind: 'time-exceeded', code, original: body });
  }
  return ok({ kind: 'other', type, code, rest: readU32(bytes, 4), data: body });
}

export function icmpLength(r: IcmpRepr): number {
  return ICMP_HEADER_LEN + icmpBody(r).length;
}

function icmpBody(r: IcmpRepr): Uint8Array {
  switch (r.kind) {
    case 'echo-request':
    case 'echo-reply':
    case 'other':
      return r.data;
    case 'dest-unreachable':
    case 'time-exceeded':
      return r.original;
  }
}

export function writeIcmp(r: IcmpRepr, out: Uint8Array, offset: number): number {
  const { type, code } = icmpTypeCode(r);
  out[offset] = type;
  out[offset + 1] = code;
  writeU16(out, offset + 2, 0);
  switch (r.kind) {
    case 'echo-request':
    case 'echo-reply':
      writeU16(out, offset + 4, r.ident);
      writeU16(out, offset + 6, r.seq);
      break;
    case 'dest-unreachable':
      writeU16(out, offset + 4, 0);
      writeU16(out, offset + 6, r.nextHopMtu);
      break;
    case 'time-exceeded':
      writeU32(out, offset + 4, 0);
      break;
    case 'other':
      writeU32(out, offset + 4, r.rest);
      break;
  }
  const body = icmpBody(r);
  out.set(body, offset + ICMP_HEADER_LEN);
  const end = offset + ICMP_HEADER_LEN + body.length;
  writeU16(out, offset + 2, internetChecksum(out, offset, end));
  return end - offset;
}

export function emitIcmp(r: IcmpRepr): Uint8Array {
  const out = allocBytes(icmpLength(r));
  writeIcmp(r, out, 0);
  return out;
}

/**
 * The quote an ICMP error carries: the offending datagram's IP header plus its first
 * 8 payload bytes (RFC 792; enough for both ports of TCP/UDP).
 */
export function icmpQuote(datagram: Uint8Array): Uint8Array {
  const hl = datagram.length > 0 ? (datagram[0]! & 0x0f) * 4 : 0;
  return datagram.slice(0, Math.min(datagram.length, hl + 8));
}

export function icmpPortUnreachable(datagram: Uint8Array): IcmpRepr {
  return { kind: 'dest-unreachable', code: ICMP_PORT_UNREACHABLE, nextHopMtu: 0, original: icmpQuote(datagram) };
}

export function icmpTtlExceeded(datagram: Uint8Array): IcmpRepr {
  return { kind: 'time-exceeded', code: ICMP_TTL_EXCEEDED, original: icmpQuote(datagram) };
}
