// Pure core of the VIP advertiser: LoadBalancer Services -> the BGP advertisement set.
// One /32 per ingress IP that lies inside a configured VIP pool; everything else in
// status.loadBalancer.ingress (the NSX Tier-1 uplink 100.64.x.y, hostnames, IPv6) is not
// a VIP of ours and is skipped. Output is sorted numerically and de-duplicated, so the
// same cluster state always yields the same list (and the speaker's diff stays empty).
import type { Service } from '../../api/index.js';
import { formatCidr, maskV4, parseCidr, type Cidr4 } from '../../core/cidr.js';
import { formatIPv4, parseIPv4, type IPv4 } from '../../core/ip.js';
import { err, ok, type Result } from '../../core/result.js';
import type { Advertisement } from '../../bgp/index.js';

/** The slice of a Service the advertiser needs (projected at the informer boundary). */
export interface ServiceVips {
  readonly key: string;
  readonly isLoadBalancer: boolean;
  readonly ingressIps: readonly string[];
}

export interface VipPolicy {
  readonly vipCidrs: readonly Cidr4[];
  /** NEXT_HOP of every VIP route; undefined = the speaker's per-peer default. */
  readonly nextHop: string | undefined;
  /** Advertised whatever the Services say (e.g. the whole pool as an aggregate). */
  readonly staticPrefixes: readonly string[];
}

export interface VipPolicyInput {
  readonly vipCidrs: readonly string[];
  readonly nextHop?: string;
  readonly staticPrefixes?: readonly string[];
}

export function projectServiceVips(s: Service): ServiceVips {
  const ns = s.metadata.namespace ?? '';
  const ingress = s.status?.loadBalancer?.ingress ?? [];
  return {
    key: ns === '' ? (s.metadata.name ?? '') : `${ns}/${s.metadata.name ?? ''}`,
    isLoadBalancer: s.spec?.type === 'LoadBalancer',
    ingressIps: ingress.flatMap((i) => (i.ip !== undefined && i.ip !== '' ? [i.ip] : [])),
  };
}

/** Checks the configuration once; every problem is reported, nothing is half-applied. */
export function parseVipPolicy(input: VipPolicyInput): Result<VipPolicy, string[]> {
  const errors: string[] = [];
  const vipCidrs: Cidr4[] = [];
  for (const c of input.vipCidrs) {
    const r = parseCidr(c, { strict: true });
    if (!r.ok) errors.push(`VIP CIDR "${c}": ${r.error}`);
    else if (r.value.family !== 4) errors.push(`VIP CIDR "${c}" is not IPv4 (only IPv4 unicast is advertised)`);
    else vipCidrs.push(r.value);
  }
  if (input.nextHop !== undefined) {
    const nh = parseIPv4(input.nextHop);
    if (!nh.ok) errors.push(`next hop "${input.nextHop}": ${nh.error}`);
  }
  const staticPrefixes: string[] = [];
  for (const p of input.staticPrefixes ?? []) {
    const r = parseCidr(p, { strict: true });
    if (!r.ok) errors.push(`static prefix "${p}": ${r.error}`);
    else if (r.value.family !== 4) errors.push(`static prefix "${p}" is not IPv4`);
    else staticPrefixes.push(formatCidr(r.value));
  }
  if (errors.length > 0) return err(errors);
  return ok({ vipCidrs, nextHop: input.nextHop, staticPrefixes });
}

export function inVipPool(policy: VipPolicy, ip: IPv4): boolean {
  return policy.vipCidrs.some((c) => ((ip & maskV4(c.prefix)) >>> 0) === c.base);
}

/** The VIPs (as numbers) of one Service under `policy`. */
export function serviceVips(policy: VipPolicy, s: ServiceVips): IPv4[] {
  if (!s.isLoadBalancer) return [];
  const out: IPv4[] = [];
  for (const text of s.ingressIps) {
    const a = parseIPv4(text);
    if (a.ok && inVipPool(policy, a.value)) out.push(a.value);
  }
  return out;
}

/** The full advertisement set: static prefixes first (in the given order), then VIP /32s ascending. */
export function vipAdvertisements(policy: VipPolicy, vipsByService: Iterable<readonly IPv4[]>): Advertisement[] {
  const vips = new Set<number>();
  for (const list of vipsByService) for (const v of list) vips.add(v);
  const nh = policy.nextHop !== undefined ? { nextHop: policy.nextHop } : {};
  const out: Advertisement[] = [];
  const seen = new Set<string>();
  for (const p of policy.staticPrefixes) {
    if (seen.has(p)) continue;
    seen.add(p);
    out.push({ prefix: p, ...nh });
  }
  for (const v of [...vips].sort((a, b) => a - b)) {
    const prefix = `${formatIPv4(v as IPv4)}/32`;
    if (seen.has(prefix)) continue;
    seen.add(prefix);
    out.push({ prefix, ...nh });
  }
  return out;
}

/** Convenience for callers holding whole Services. */
export function advertisementsForServices(policy: VipPolicy, services: Iterable<ServiceVips>): Advertisement[] {
  const lists: IPv4[][] = [];
  for (const s of services) lists.push(serviceVips(policy, s));
  return vipAdvertisements(policy, lists);
}
