// CIDR blocks for both families with the operations allocators and IPAM need:
// contains, size, nth address, index of an address, iteration.
import { err, ok, type Result } from './result.js';
import { formatIPv4, formatIPv6, ipv4, ipv6, parseIP, type IPAddress, type IPv4, type IPv6 } from './ip.js';

export interface Cidr4 {
  readonly family: 4;
  readonly base: IPv4;
  readonly prefix: number;
}
export interface Cidr6 {
  readonly family: 6;
  readonly base: IPv6;
  readonly prefix: number;
}
export type Cidr = Cidr4 | Cidr6;

export function maskV4(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function maskV6(prefix: number): bigint {
  return prefix === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - prefix)) - 1n);
}

export interface ParseCidrOptions {
  /** Reject host bits set (e.g. 10.0.0.1/24). Default false: host bits are masked off, as Go's net.ParseCIDR does. */
  readonly strict?: boolean;
}

export function parseCidr(s: string, opts: ParseCidrOptions = {}): Result<Cidr> {
  const slash = s.indexOf('/');
  if (slash === -1) return err(`"${s}" is not a valid CIDR: missing prefix length`);
  const addr = parseIP(s.slice(0, slash));
  const plen = s.slice(slash + 1);
  if (!addr.ok) return err(`"${s}" is not a valid CIDR: bad address`);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(plen)) return err(`"${s}" is not a valid CIDR: bad prefix length`);
  const prefix = Number(plen);
  const a = addr.value;
  if (a.family === 4) {
    if (prefix > 32) return err(`"${s}" is not a valid CIDR: prefix length must be 0-32`);
    const base = ipv4(a.value & maskV4(prefix));
    if (opts.strict && base !== a.value) return err(`"${s}" is not a valid CIDR: host bits are set`);
    return ok({ family: 4, base, prefix });
  }
  if (prefix > 128) return err(`"${s}" is not a valid CIDR: prefix length must be 0-128`);
  const base = ipv6(a.value & maskV6(prefix));
  if (opts.strict && base !== a.value) return err(`"${s}" is not a valid CIDR: host bits are set`);
  return ok({ family: 6, base, prefix });
}

export function formatCidr(c: Cidr): string {
  return `${c.family === 4 ? formatIPv4(c.base) : formatIPv6(c.base)}/${c.prefix}`;
}

/** Number of addresses in the block. */
export function cidrSize(c: Cidr): bigint {
  return 1n << BigInt((c.family === 4 ? 32 : 128) - c.prefix);
}

export function cidrContains(c: Cidr, a: IPAddress): boolean {
  if (a.family !== c.family) return false;
  if (c.family === 4) return ((a.value as number) & maskV4(c.prefix)) >>> 0 === c.base;
  return ((a.value as bigint) & maskV6(c.prefix)) === c.base;
}

/** Offset of an address within the block, or undefined if outside. */
export function cidrIndexOf(c: Cidr, a: IPAddress): bigint | undefined {
  if (!cidrContains(c, a)) return undefined;
  return c.family === 4 ? BigInt(((a.value as number) - c.base) >>> 0) : (a.value as bigint) - c.base;
}

/** The n-th address of the block (0 = network address); undefined when out of range. Negative n counts from the end (-1 = last). */
export function cidrNth(c: Cidr, n: bigint | number): IPAddress | undefined {
  const size = cidrSize(c);
  let i = BigInt(n);
  if (i < 0n) i += size;
  if (i < 0n || i >= size) return undefined;
  if (c.family === 4) return { family: 4, value: ipv4(c.base + Number(i)) };
  return { family: 6, value: ipv6(c.base + i) };
}

/** Iterates addresses in order; pass a limit for large blocks. */
export function* cidrIterate(c: Cidr, limit?: number): Generator<IPAddress> {
  const size = cidrSize(c);
  const end = limit === undefined ? size : (BigInt(limit) < size ? BigInt(limit) : size);
  for (let i = 0n; i < end; i++) {
    const a = cidrNth(c, i);
    if (a !== undefined) yield a;
  }
}

export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const wider = a.prefix <= b.prefix ? a : b;
  const narrower = wider === a ? b : a;
  return cidrContains(wider, narrower.family === 4 ? { family: 4, value: narrower.base } : { family: 6, value: narrower.base });
}
