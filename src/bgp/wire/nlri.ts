// IPv4 prefixes as NLRI / withdrawn routes (RFC 4271 §4.3): one length octet (bits), then
// the fewest octets that hold that many bits. Worked example: 10.190.6.102/32 is
// 20 0a be 06 66 (5 octets); 10.0.0.0/8 is 08 0a (2 octets); 0.0.0.0/0 is 00 (1 octet).
// Trailing bits beyond the length are irrelevant on input and masked off, so a parsed
// prefix is always canonical.
import { ok } from '../../core/result.js';
import { maskV4, type Cidr4 } from '../../core/cidr.js';
import { ipv4 } from '../../core/ip.js';
import { ErrorCode, UpdateSubcode, wireError, type WireResult } from './notification.js';

export function prefixOctets(len: number): number {
  return (len + 7) >>> 3;
}

export function encodedPrefixLength(p: Cidr4): number {
  return 1 + prefixOctets(p.prefix);
}

export function parsePrefixes(b: Uint8Array, what: 'NLRI' | 'withdrawn routes'): WireResult<Cidr4[]> {
  const out: Cidr4[] = [];
  let o = 0;
  while (o < b.length) {
    const len = b[o] ?? 0;
    if (len > 32) return wireError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.INVALID_NETWORK_FIELD, new Uint8Array(0), `${what}: prefix length ${len} > 32`);
    const n = prefixOctets(len);
    if (o + 1 + n > b.length) return wireError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.INVALID_NETWORK_FIELD, new Uint8Array(0), `${what}: prefix /${len} truncated`);
    let v = 0;
    for (let i = 0; i < 4; i++) v = v * 256 + (i < n ? (b[o + 1 + i] ?? 0) : 0);
    out.push({ family: 4, base: ipv4(v & maskV4(len)), prefix: len });
    o += 1 + n;
  }
  return ok(out);
}

export function writePrefix(out: Uint8Array, o: number, p: Cidr4): number {
  out[o] = p.prefix;
  const n = prefixOctets(p.prefix);
  const v = (p.base & maskV4(p.prefix)) >>> 0;
  for (let i = 0; i < n; i++) out[o + 1 + i] = (v >>> (24 - 8 * i)) & 0xff;
  return o + 1 + n;
}
