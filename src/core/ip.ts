// IP addresses as branded primitives: IPv4 is a uint32 number (fast in the dataplane's
// hot path, usable as a Map key), IPv6 a 128-bit bigint. Parsing is strict in the way
// Kubernetes validation is: dotted quads without leading zeros, no zones, no
// surrounding spaces.
import { err, ok, type Result } from './result.js';

export type IPv4 = number & { readonly __brand: 'IPv4' };
export type IPv6 = bigint & { readonly __brand: 'IPv6' };
export type IPFamily = 4 | 6;
export type IPAddress = { readonly family: 4; readonly value: IPv4 } | { readonly family: 6; readonly value: IPv6 };

const V6_MAX = (1n << 128n) - 1n;

/** Builds an IPv4 from a uint32 (masked to 32 bits). */
export function ipv4(n: number): IPv4 {
  return (n >>> 0) as IPv4;
}

export function ipv6(n: bigint): IPv6 {
  return (n & V6_MAX) as IPv6;
}

export function parseIPv4(s: string): Result<IPv4> {
  const parts = s.split('.');
  if (parts.length !== 4) return err(`"${s}" is not a valid IPv4 address`);
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return err(`"${s}" is not a valid IPv4 address`);
    const v = Number(p);
    if (v > 255) return err(`"${s}" is not a valid IPv4 address`);
    n = n * 256 + v;
  }
  return ok(n as IPv4);
}

export function formatIPv4(a: IPv4): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

export function parseIPv6(s: string): Result<IPv6> {
  const bad = err(`"${s}" is not a valid IPv6 address`);
  if (s.length < 2 || s.includes('%')) return bad;
  let head = s;
  let v4tail: IPv4 | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    const t = parseIPv4(s.slice(lastColon + 1));
    if (!t.ok) return bad;
    v4tail = t.value;
    head = s.slice(0, lastColon + 1) + (s[lastColon - 1] === ':' ? '' : '0:0');
    // Represent the IPv4 tail as two placeholder groups, replaced below.
    if (head.endsWith('::')) head = head + '0:0';
  }
  const dbl = head.indexOf('::');
  if (dbl !== -1 && head.indexOf('::', dbl + 1) !== -1) return bad;
  const parseGroups = (x: string): number[] | undefined => {
    if (x === '') return [];
    const out: number[] = [];
    for (const g of x.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl === -1) {
    const g = parseGroups(head);
    if (g === undefined || g.length !== 8) return bad;
    groups = g;
  } else {
    const left = parseGroups(head.slice(0, dbl));
    const right = parseGroups(head.slice(dbl + 2));
    if (left === undefined || right === undefined) return bad;
    const fill = 8 - left.length - right.length;
    if (fill < 1) return bad;
    groups = [...left, ...new Array<number>(fill).fill(0), ...right];
  }
  if (v4tail !== undefined) {
    groups[6] = v4tail >>> 16;
    groups[7] = v4tail & 0xffff;
  }
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(g);
  return ok(n as IPv6);
}

/** RFC 5952 canonical text: lowercase, longest zero run (>= 2 groups) compressed, IPv4-mapped as ::ffff:a.b.c.d. */
export function formatIPv6(a: IPv6): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((a >> BigInt(i * 16)) & 0xffffn));
  if (a >> 32n === 0xffffn) return `::ffff:${formatIPv4(Number(a & 0xffffffffn) as IPv4)}`;
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  if (bestStart === -1) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

export function parseIP(s: string): Result<IPAddress> {
  if (s.includes(':')) {
    const r = parseIPv6(s);
    return r.ok ? ok({ family: 6, value: r.value }) : err(`"${s}" is not a valid IP address`);
  }
  const r = parseIPv4(s);
  return r.ok ? ok({ family: 4, value: r.value }) : err(`"${s}" is not a valid IP address`);
}

export function formatIP(a: IPAddress): string {
  return a.family === 4 ? formatIPv4(a.value) : formatIPv6(a.value);
}

/** Normalizes textual IPs (e.g. "2001:DB8::0:1" -> "2001:db8::1"); undefined if invalid. */
export function canonicalIP(s: string): string | undefined {
  const r = parseIP(s);
  return r.ok ? formatIP(r.value) : undefined;
}

export function ipFamilyOf(s: string): IPFamily | undefined {
  const r = parseIP(s);
  return r.ok ? r.value.family : undefined;
}

export function ipEquals(a: IPAddress, b: IPAddress): boolean {
  return a.family === b.family && a.value === b.value;
}
