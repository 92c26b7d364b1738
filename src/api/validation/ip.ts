// IP checks as kube-apiserver 1.32 performs them. Upstream parses with netutils.ParseIPSloppy,
// which (unlike src/core's strict parser) accepts IPv4 octets with leading zeros, read as
// decimal ("010.0.0.1" == 10.0.0.1). An IPv4-mapped IPv6 address counts as IPv4, as Go's
// To4() does.
import { parseCidr, parseIP, type IPAddress } from '../../core/index.js';
import { invalid, type FieldError } from './field-error.js';
import type { FieldPath } from './path.js';

function unpadV4(s: string): string {
  return s
    .split('.')
    .map((p) => (/^[0-9]+$/.test(p) ? p.replace(/^0+(?=[0-9])/, '') : p))
    .join('.');
}

/** ParseIPSloppy; undefined when invalid. IPv4-mapped IPv6 is returned as family 4. */
export function parseIPSloppy(s: string): IPAddress | undefined {
  let text = s;
  if (!s.includes(':')) text = unpadV4(s);
  else if (s.includes('.')) {
    const i = s.lastIndexOf(':');
    text = s.slice(0, i + 1) + unpadV4(s.slice(i + 1));
  }
  const r = parseIP(text);
  if (!r.ok) return undefined;
  const a = r.value;
  if (a.family === 6 && a.value >> 32n === 0xffffn) {
    return { family: 4, value: Number(a.value & 0xffffffffn) } as IPAddress;
  }
  return a;
}

/** Family as netutils.IsIPv6String sees it; undefined when not an IP. */
export function sloppyFamily(s: string): 4 | 6 | undefined {
  return parseIPSloppy(s)?.family;
}

export function isValidIP(path: FieldPath, value: string): FieldError[] {
  return parseIPSloppy(value) === undefined
    ? [invalid(path, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')]
    : [];
}

export function isValidIPv4Address(path: FieldPath, value: string): FieldError[] {
  return parseIPSloppy(value)?.family === 4 ? [] : [invalid(path, value, 'must be a valid IPv4 address')];
}

export function isValidIPv6Address(path: FieldPath, value: string): FieldError[] {
  return parseIPSloppy(value)?.family === 6 ? [] : [invalid(path, value, 'must be a valid IPv6 address')];
}

export function isValidCIDR(path: FieldPath, value: string): FieldError[] {
  const slash = value.indexOf('/');
  const ok = slash > 0 && parseIPSloppy(value.slice(0, slash)) !== undefined && parseCidr(sloppyCidrText(value)).ok;
  return ok ? [] : [invalid(path, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

function sloppyCidrText(value: string): string {
  const slash = value.indexOf('/');
  const head = value.slice(0, slash);
  return (head.includes(':') ? head : unpadV4(head)) + value.slice(slash);
}

function inV4(a: number, base: number, prefix: number): boolean {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return ((a & mask) >>> 0) === ((base & mask) >>> 0);
}

/** ValidateNonSpecialIP: used for endpoints, EndpointSlices and externalIPs. */
export function validateNonSpecialIP(value: string, path: FieldPath): FieldError[] {
  const ip = parseIPSloppy(value);
  if (ip === undefined) return [invalid(path, value, 'must be a valid IP address')];
  const errs: FieldError[] = [];
  let unspecified: boolean;
  let loopback: boolean;
  let linkLocal: boolean;
  let linkLocalMulticast: boolean;
  if (ip.family === 4) {
    const a = ip.value as number;
    unspecified = a === 0;
    loopback = inV4(a, 0x7f000000, 8);
    linkLocal = inV4(a, 0xa9fe0000, 16);
    linkLocalMulticast = inV4(a, 0xe0000000, 24);
  } else {
    const v = ip.value as bigint;
    unspecified = v === 0n;
    loopback = v === 1n;
    linkLocal = v >> 118n === 0x3fan; // fe80::/10
    linkLocalMulticast = v >> 120n === 0xffn && ((v >> 112n) & 0x0fn) === 0x02n; // ffX2::/16
  }
  if (unspecified) errs.push(invalid(path, value, `may not be unspecified (${value})`));
  if (loopback) errs.push(invalid(path, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (linkLocal) errs.push(invalid(path, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (linkLocalMulticast) errs.push(invalid(path, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

/** netutils.IsDualStackIPStrings: exactly one address of each family among valid IPs. */
export function isDualStackIPs(ips: readonly string[]): boolean {
  let v4 = 0;
  let v6 = 0;
  for (const s of ips) {
    const f = sloppyFamily(s);
    if (f === 4) v4++;
    else if (f === 6) v6++;
  }
  return v4 >= 1 && v6 >= 1;
}
