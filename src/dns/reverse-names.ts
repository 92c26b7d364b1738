// Reverse-lookup names (RFC 1035 3.5, RFC 3596 2.5) <-> canonical address text.
import { formatIPv4, formatIPv6, ipv4, ipv6, parseIP } from '../core/index.js';

/**
 * "4.3.2.1.in-addr.arpa" -> "1.2.3.4"; 32 nibbles + ".ip6.arpa" -> RFC 5952 text.
 * Partial names (a /8 or /16 parent) and malformed labels give undefined.
 */
export function reverseNameToIP(lowerName: string): string | undefined {
  if (lowerName.endsWith('.in-addr.arpa')) {
    const parts = lowerName.slice(0, -'.in-addr.arpa'.length).split('.');
    if (parts.length !== 4) return undefined;
    let n = 0;
    for (let i = 3; i >= 0; i--) {
      const p = parts[i]!;
      if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
      const v = Number(p);
      if (v > 255) return undefined;
      n = n * 256 + v;
    }
    return formatIPv4(ipv4(n));
  }
  if (lowerName.endsWith('.ip6.arpa')) {
    const parts = lowerName.slice(0, -'.ip6.arpa'.length).split('.');
    if (parts.length !== 32) return undefined;
    let v = 0n;
    for (let i = 31; i >= 0; i--) {
      const p = parts[i]!;
      if (!/^[0-9a-f]$/.test(p)) return undefined;
      v = (v << 4n) | BigInt(parseInt(p, 16));
    }
    return formatIPv6(ipv6(v));
  }
  return undefined;
}

/** "10.96.0.1" -> "1.0.96.10.in-addr.arpa"; IPv6 -> nibble form under ip6.arpa. */
export function ipToReverseName(ip: string): string {
  const r = parseIP(ip);
  if (!r.ok) throw new Error(r.error);
  if (r.value.family === 4) {
    const a = r.value.value;
    return `${a & 255}.${(a >>> 8) & 255}.${(a >>> 16) & 255}.${a >>> 24}.in-addr.arpa`;
  }
  const nibbles: string[] = [];
  let v: bigint = r.value.value;
  for (let i = 0; i < 32; i++) {
    nibbles.push((v & 0xfn).toString(16));
    v >>= 4n;
  }
  return `${nibbles.join('.')}.ip6.arpa`;
}
