// IPv4 routes with longest-prefix match. One map per prefix length, probed from /32
// down: at most 33 probes, no trie to keep balanced, and lookups stay O(1) per length.
import { formatIPv4, type IPv4 } from '../../core/ip.js';
import { maskV4 } from '../../core/cidr.js';

export type RouteKind = 'connected' | 'static' | 'loopback';

export interface Route {
  readonly prefix: IPv4;
  readonly len: number;
  /** Egress interface name. */
  readonly iface: string;
  /** Next hop; absent for connected routes (the destination itself is the next hop). */
  readonly via?: IPv4;
  readonly kind: RouteKind;
}

export function routeText(r: Route): string {
  const p = `${formatIPv4(r.prefix)}/${r.len}`;
  return r.via !== undefined ? `${p} via ${formatIPv4(r.via)} dev ${r.iface}` : `${p} dev ${r.iface}`;
}

export class RouteTable {
  private readonly byLen = new Map<number, Map<number, Route>>();
  private lens: number[] = [];

  /** Adds or replaces the route for this prefix. */
  add(r: Route): void {
    const prefix = (r.prefix & maskV4(r.len)) >>> 0;
    let m = this.byLen.get(r.len);
    if (m === undefined) {
      this.byLen.set(r.len, (m = new Map()));
      this.lens = [...this.byLen.keys()].sort((a, b) => b - a);
    }
    m.set(prefix, { ...r, prefix: prefix as IPv4 });
  }

  remove(prefix: IPv4, len: number): boolean {
    const m = this.byLen.get(len);
    return m?.delete((prefix & maskV4(len)) >>> 0) ?? false;
  }

  /** Removes every route through an interface; returns how many. */
  removeIface(iface: string): number {
    let n = 0;
    for (const m of this.byLen.values()) {
      for (const [k, r] of m) {
        if (r.iface === iface) {
          m.delete(k);
          n++;
        }
      }
    }
    return n;
  }

  lookup(dst: number): Route | undefined {
    for (const len of this.lens) {
      const r = this.byLen.get(len)?.get((dst & maskV4(len)) >>> 0);
      if (r !== undefined) return r;
    }
    return undefined;
  }

  /** Sorted by prefix, then length. */
  list(): Route[] {
    const out: Route[] = [];
    for (const m of this.byLen.values()) out.push(...m.values());
    return out.sort((a, b) => a.prefix - b.prefix || a.len - b.len);
  }
}

/**
 * A listing in the spirit of NSX edge `get route`: flags ("t0c", "t1s", ... with an NSX
 * tier prefix; "c", "s", "l" without), then one line per route.
 */
export function formatRouteTable(routes: readonly Route[], loopbacks: readonly IPv4[], flagPrefix: string): string {
  const p = flagPrefix;
  const tier = p === '' ? '' : `Tier${p.slice(1)}-`;
  const lines = [`Flags: ${p}c - ${tier}Connected, ${p}s - ${tier}Static, ${p}l - Loopback`, `Total number of routes: ${routes.length + loopbacks.length}`, ''];
  for (const r of routes) {
    const cidr = `${formatIPv4(r.prefix)}/${r.len}`;
    if (r.kind === 'connected') lines.push(`${p}c> * ${cidr} is directly connected, ${r.iface}`);
    else lines.push(`${p}s> * ${cidr} [1/0] via ${r.via !== undefined ? formatIPv4(r.via) : '0.0.0.0'}, ${r.iface}`);
  }
  for (const l of loopbacks) lines.push(`${p}l> * ${formatIPv4(l)}/32 is directly connected, loopback`);
  return lines.join('\n');
}
