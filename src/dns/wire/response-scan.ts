// A light walk over a response we relay (from an upstream), without decoding rdata:
// where each TTL sits (so a cached copy can age its TTLs in place), the smallest TTL,
// and for negative answers the SOA's negative-caching TTL (RFC 2308 5: min(SOA TTL, MINIMUM)).
import { HEADER_SIZE, QType } from './constants.js';
import { skipName } from './names.js';

export interface ResponseScan {
  readonly id: number;
  readonly rcode: number;
  readonly truncated: boolean;
  readonly answerCount: number;
  /** Offsets of the 32-bit TTL of every record except OPT. */
  readonly ttlOffsets: readonly number[];
  /** Smallest TTL over answer and authority records; undefined when both are empty. */
  readonly minTtl: number | undefined;
  /** min(SOA TTL, SOA MINIMUM) of an authority SOA, if there is one. */
  readonly negativeTtl: number | undefined;
  /** Offset just past the question section. */
  readonly questionEnd: number;
}

export function scanResponse(buf: Uint8Array): ResponseScan | undefined {
  if (buf.length < HEADER_SIZE) return undefined;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const flags = dv.getUint16(2);
  if ((flags & 0x8000) === 0) return undefined;
  const qd = dv.getUint16(4);
  const an = dv.getUint16(6);
  const ns = dv.getUint16(8);
  const ar = dv.getUint16(10);
  let pos = HEADER_SIZE;
  for (let i = 0; i < qd; i++) {
    const e = skipName(buf, pos);
    if (e === undefined || e + 4 > buf.length) return undefined;
    pos = e + 4;
  }
  const questionEnd = pos;
  const ttlOffsets: number[] = [];
  let minTtl: number | undefined;
  let negativeTtl: number | undefined;
  for (let i = 0; i < an + ns + ar; i++) {
    const e = skipName(buf, pos);
    if (e === undefined || e + 10 > buf.length) return undefined;
    const type = dv.getUint16(e);
    const ttl = dv.getUint32(e + 4);
    const rdlen = dv.getUint16(e + 8);
    const end = e + 10 + rdlen;
    if (end > buf.length) return undefined;
    if (type !== QType.OPT) {
      ttlOffsets.push(e + 4);
      if (i < an + ns) minTtl = minTtl === undefined ? ttl : Math.min(minTtl, ttl);
      if (type === QType.SOA && i >= an && i < an + ns && rdlen >= 20) {
        const minimum = dv.getUint32(end - 4);
        negativeTtl = Math.min(ttl, minimum);
      }
    }
    pos = end;
  }
  return { id: dv.getUint16(0), rcode: flags & 0xf, truncated: (flags & 0x0200) !== 0, answerCount: an, ttlOffsets, minTtl, negativeTtl, questionEnd };
}
