// The host's IPv4 routing table (main table only): connected routes that appear with an
// interface address, static routes and the default route; longest prefix wins, then the
// lower metric. Listing follows `ip route` (iproute2 prints a trailing space per line).
import { formatIPv4, type IPv4 } from '../../core/ip.js';
import { maskV4 } from '../../core/cidr.js';
import { err, ok, type Result } from '../../core/result.js';
import type { HostNic } from './host-nic.js';
import type { NetErrorCode } from './net-error.js';

export interface Route {
  readonly dst: IPv4;
  readonly prefix: number;
  readonly mask: number;
  /** Next hop; undefined for on-link routes. */
  readonly gateway: IPv4 | undefined;
  readonly dev: HostNic;
  /** kernel: connected route of an address; boot: added by configuration (not printed). */
  readonly proto: 'kernel' | 'boot' | 'static';
  readonly scope: 'link' | 'global' | 'host';
  /** Preferred source address (connected routes carry the interface address). */
  readonly src: IPv4 | undefined;
  readonly metric: number;
}

export interface RouteSpec {
  readonly dst: IPv4;
  readonly prefix: number;
  readonly gateway?: IPv4;
  readonly dev: HostNic;
  readonly proto?: Route['proto'];
  readonly src?: IPv4;
  readonly metric?: number;
}

export class RouteTable {
  /** Sorted: longer prefix first, then lower metric, so the first match is the best one. */
  private routes: Route[] = [];

  add(spec: RouteSpec): Result<Route, NetErrorCode> {
    const mask = maskV4(spec.prefix);
    const dst = (spec.dst & mask) >>> 0 as IPv4;
    const metric = spec.metric ?? 0;
    if (this.routes.some((r) => r.dst === dst && r.prefix === spec.prefix && r.metric === metric)) return err('EEXIST');
    const route: Route = {
      dst,
      prefix: spec.prefix,
      mask,
      gateway: spec.gateway,
      dev: spec.dev,
      proto: spec.proto ?? 'boot',
      scope: spec.gateway === undefined ? 'link' : 'global',
      src: spec.src,
      metric,
    };
    this.routes.push(route);
    this.routes.sort((a, b) => b.prefix - a.prefix || a.metric - b.metric);
    return ok(route);
  }

  /** Removes routes matching dst/prefix (and dev when given); returns how many. */
  remove(dst: IPv4, prefix: number, dev?: HostNic): number {
    const mask = maskV4(prefix);
    const d = (dst & mask) >>> 0;
    const before = this.routes.length;
    this.routes = this.routes.filter((r) => !(r.dst === d && r.prefix === prefix && (dev === undefined || r.dev === dev)));
    return before - this.routes.length;
  }

  removeDev(dev: HostNic): void {
    this.routes = this.routes.filter((r) => r.dev !== dev);
  }

  /** Longest-prefix match over routes whose device is up. */
  lookup(ip: number): Route | undefined {
    const rs = this.routes;
    for (let i = 0; i < rs.length; i++) {
      const r = rs[i]!;
      if (((ip & r.mask) >>> 0) === r.dst && r.dev.adminUp) return r;
    }
    return undefined;
  }

  list(): readonly Route[] {
    return this.routes;
  }

  /** `ip route` text: default first, then by destination, as the kernel dumps them. */
  format(): string {
    const sorted = [...this.routes].sort((a, b) => a.prefix === 0 ? -1 : b.prefix === 0 ? 1 : a.dst - b.dst || b.prefix - a.prefix);
    return sorted.map(formatRoute).map((l) => l + '\n').join('');
  }
}

export function formatRoute(r: Route): string {
  let s = r.prefix === 0 ? 'default' : r.prefix === 32 ? formatIPv4(r.dst) : `${formatIPv4(r.dst)}/${r.prefix}`;
  if (r.gateway !== undefined) s += ` via ${formatIPv4(r.gateway)}`;
  s += ` dev ${r.dev.name}`;
  if (r.proto !== 'boot') s += ` proto ${r.proto}`;
  if (r.scope !== 'global') s += ` scope ${r.scope}`;
  if (r.src !== undefined) s += ` src ${formatIPv4(r.src)}`;
  if (r.metric !== 0) s += ` metric ${r.metric}`;
  return s + ' ';
}
