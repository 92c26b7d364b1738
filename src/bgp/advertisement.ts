// The speaker's input, checked once at the edge (CONVENTIONS item 1): text prefixes, next
// hops and communities become a typed Route. A set() with any invalid entry changes nothing.
import { parseCidr, formatCidr, type Cidr4 } from '../core/cidr.js';
import { parseIPv4, type IPv4 } from '../core/ip.js';
import { err, ok, type Result } from '../core/result.js';

export interface Advertisement {
  /** "a.b.c.d/len"; host bits must be clear. */
  readonly prefix: string;
  /** Defaults to the peer's configured next hop, else our address on that session. */
  readonly nextHop?: string;
  readonly med?: number;
  /** RFC 1997 "asn:value" (both 0..65535), or the well-known names no-export, no-advertise, no-export-subconfed. */
  readonly communities?: readonly string[];
}

export interface Route {
  readonly prefix: Cidr4;
  /** Canonical "a.b.c.d/len", the Adj-RIB-Out key. */
  readonly key: string;
  readonly nextHop: IPv4 | undefined;
  readonly med: number | undefined;
  /** Sorted, de-duplicated. */
  readonly communities: readonly number[];
  /** Equal for routes that can share an UPDATE (next hop, MED, communities); computed once here. */
  readonly attrKey: string;
}

export interface AdvertisementError {
  readonly index: number;
  readonly prefix: string;
  readonly message: string;
}

const wellKnownCommunities: Record<string, number> = {
  'no-export': 0xffffff01,
  'no-advertise': 0xffffff02,
  'no-export-subconfed': 0xffffff03,
};

export function parseCommunity(s: string): Result<number> {
  const wk = wellKnownCommunities[s];
  if (wk !== undefined) return ok(wk);
  const m = /^(\d{1,5}):(\d{1,5})$/.exec(s);
  const hi = Number(m?.[1]);
  const lo = Number(m?.[2]);
  if (m === null || hi > 0xffff || lo > 0xffff) return err(`community "${s}" is not asn:value with both parts in 0..65535`);
  return ok(((hi << 16) | lo) >>> 0);
}

/** `cache` memoizes next-hop parsing: thousands of VIPs usually share a handful of next hops. */
export function parseAdvertisement(a: Advertisement, cache?: Map<string, Result<IPv4>>): Result<Route> {
  const c = parseCidr(a.prefix, { strict: true });
  if (!c.ok) return err(c.error);
  if (c.value.family !== 4) return err(`"${a.prefix}" is not IPv4 (only IPv4 unicast is negotiated)`);
  let nextHop: IPv4 | undefined;
  if (a.nextHop !== undefined) {
    let nh = cache?.get(a.nextHop);
    if (nh === undefined) {
      nh = parseIPv4(a.nextHop);
      cache?.set(a.nextHop, nh);
    }
    if (!nh.ok) return err(`next hop: ${nh.error}`);
    const first = nh.value >>> 24;
    if (first === 0 || first >= 224) return err(`next hop ${a.nextHop} is not a unicast address`);
    nextHop = nh.value;
  }
  if (a.med !== undefined && (!Number.isInteger(a.med) || a.med < 0 || a.med > 0xffffffff)) return err(`med ${a.med} is not a uint32`);
  const cs = new Set<number>();
  for (const s of a.communities ?? []) {
    const r = parseCommunity(s);
    if (!r.ok) return err(r.error);
    cs.add(r.value);
  }
  const communities = [...cs].sort((x, y) => x - y);
  return ok({ prefix: c.value, key: formatCidr(c.value), nextHop, med: a.med, communities, attrKey: `${nextHop ?? '-'}|${a.med ?? '-'}|${communities.join(',')}` });
}

/** All-or-nothing: the routes keyed by prefix, or every error. A prefix listed twice must have identical attributes. */
export function parseAdvertisements(list: readonly Advertisement[]): Result<Map<string, Route>, AdvertisementError[]> {
  const out = new Map<string, Route>();
  const errors: AdvertisementError[] = [];
  const cache = new Map<string, Result<IPv4>>();
  list.forEach((a, index) => {
    const r = parseAdvertisement(a, cache);
    if (!r.ok) {
      errors.push({ index, prefix: a.prefix, message: r.error });
      return;
    }
    const prev = out.get(r.value.key);
    if (prev !== undefined && prev.attrKey !== r.value.attrKey) {
      errors.push({ index, prefix: a.prefix, message: `${r.value.key} listed twice with different attributes` });
      return;
    }
    out.set(r.value.key, r.value);
  });
  return errors.length > 0 ? err(errors) : ok(out);
}
