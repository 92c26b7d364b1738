// The answer engine: (cluster state, question, config) -> what to answer. Pure and
// synchronous; forwarding is not done here but requested (`forward`, `chase`), so the
// server shell owns all I/O.
//
// Rules (CoreDNS kubernetes plugin unless noted):
// - Cluster names answer with AA and TTL `ttl` (dns-version: 28800).
// - A name that exists without data of the asked type: NOERROR, empty answer (NODATA);
//   a name that does not exist: NXDOMAIN. Both carry the zone SOA in authority:
//   `<zone> <ttl> SOA ns.dns.<zone>. hostmaster.<zone>. <serial> 7200 1800 86400 <ttl>`.
// - Before the first sync, what would be NXDOMAIN is SERVFAIL (with the SOA).
// - SRV: priority 0, weight floor(100 / entries) (at least 1), one record per distinct
//   (target, port); address records of the targets go to additional.
// - ExternalName: a CNAME; for any other asked type the target is chased, inside the zone
//   here (at most 10 links), outside through the forwarder (`chase`). RFC 6604: the rcode
//   is the one of the last name in the chain. (CoreDNS chases only A/AAAA/TXT.)
// - PTR for cluster IPs and ready endpoint addresses; a reverse name we know nothing
//   about falls through to the forwarder (`fallthroughReverse`, the default Corefile).
// - AXFR/IXFR: REFUSED. Classes other than IN/ANY inside our zones: REFUSED.
// Deliberate differences from CoreDNS, for one consistent existence rule: TXT/SOA/other
// types at an empty non-terminal or at dns-version are NODATA (CoreDNS: NXDOMAIN for
// TXT at an empty non-terminal, NOERROR for SOA at any name); A at `_port._proto.<svc>`
// is NODATA (CoreDNS answers the cluster IP there).
import type { DnsReadIndex } from './cluster-index.js';
import { endpointHostname, portMatches, portsOrPlaceholder, readyEndpoints, resolveClusterName, type ClusterName } from './cluster-names.js';
import { DNS_SCHEMA_VERSION, DNS_VERSION_TTL, type EngineConfig } from './engine-config.js';
import { isIPv4Text } from './ip-text.js';
import type { DnsService } from './model.js';
import { reverseNameToIP } from './reverse-names.js';
import * as W from './wire/constants.js';
import type { Question, ResourceRecord } from './wire/types.js';

// Module-local copies: under the tsx loader every use of an imported binding is a getter call.
const { QClass, QType, Rcode } = W;

export type EngineResult =
  | {
      readonly kind: 'answer';
      readonly rcode: number;
      readonly aa: boolean;
      readonly answer: readonly ResourceRecord[];
      readonly authority: readonly ResourceRecord[];
      readonly additional: readonly ResourceRecord[];
    }
  /** Not ours (or a reverse name we do not know): ask the upstream servers. */
  | { readonly kind: 'forward'; readonly reason: 'out-of-zone' | 'reverse-miss' }
  /** A CNAME chain left the zone: answer `answer` followed by the forwarder's answer for (target, qtype). */
  | { readonly kind: 'chase'; readonly answer: readonly ResourceRecord[]; readonly target: string; readonly qtype: number };

type Answer = Extract<EngineResult, { kind: 'answer' }>;

const MAX_CHAIN = 10;

function endsWithZone(lower: string, zone: string): boolean {
  return lower === zone || (lower.length > zone.length && lower.endsWith(zone) && lower.charCodeAt(lower.length - zone.length - 1) === 0x2e);
}

function relLabels(lower: string, zone: string): string[] {
  return lower === zone ? [] : lower.slice(0, lower.length - zone.length - 1).split('.');
}

function soa(zoneText: string, index: DnsReadIndex, ttl: number): ResourceRecord {
  return {
    name: zoneText,
    type: 'SOA',
    ttl: Math.min(ttl, 300),
    data: { mname: `ns.dns.${zoneText}`, rname: `hostmaster.${zoneText}`, serial: index.serial, refresh: 7200, retry: 1800, expire: 86400, minimum: ttl },
  };
}

function negative(rcode: number, zoneText: string, index: DnsReadIndex, cfg: EngineConfig): Answer {
  const code = rcode === Rcode.NXDOMAIN && !index.synced ? Rcode.SERVFAIL : rcode;
  return { kind: 'answer', rcode: code, aa: true, answer: [], authority: [soa(zoneText, index, cfg.ttl)], additional: [] };
}

function positive(answer: ResourceRecord[], additional: ResourceRecord[] = []): Answer {
  return { kind: 'answer', rcode: Rcode.NOERROR, aa: true, answer, authority: [], additional };
}

function orNodata(zoneText: string, index: DnsReadIndex, cfg: EngineConfig, answer: ResourceRecord[], additional: ResourceRecord[] = []): Answer {
  return answer.length > 0 ? positive(answer, additional) : negative(Rcode.NOERROR, zoneText, index, cfg);
}

const refused: Answer = { kind: 'answer', rcode: Rcode.REFUSED, aa: false, answer: [], authority: [], additional: [] };

function addressRecord(name: string, ip: string, ttl: number): ResourceRecord {
  return isIPv4Text(ip) ? { name, type: 'A', ttl, data: ip } : { name, type: 'AAAA', ttl, data: ip };
}

/** Address records of one family, deduplicated by address. */
function addresses(owner: string, ips: Iterable<string>, qtype: number, ttl: number): ResourceRecord[] {
  const want4 = qtype === QType.A;
  const seen = new Set<string>();
  const out: ResourceRecord[] = [];
  for (const ip of ips) {
    if (isIPv4Text(ip) !== want4 || seen.has(ip)) continue;
    seen.add(ip);
    out.push(addressRecord(owner, ip, ttl));
  }
  return out;
}

interface SrvEntry {
  readonly target: string;
  readonly port: number;
  readonly ip: string;
}

function srvRecords(owner: string, entries: readonly SrvEntry[], ttl: number): { answer: ResourceRecord[]; additional: ResourceRecord[] } {
  const weight = Math.max(1, Math.floor(100 / Math.max(1, entries.length)));
  const answer: ResourceRecord[] = [];
  const additional: ResourceRecord[] = [];
  const seenSrv = new Set<string>();
  const seenAddr = new Set<string>();
  for (const e of entries) {
    if (e.port < 0) continue;
    const srvKey = `${e.target.toLowerCase()}|${e.port}`;
    if (!seenSrv.has(srvKey)) {
      seenSrv.add(srvKey);
      answer.push({ name: owner, type: 'SRV', ttl, data: { priority: 0, weight, port: e.port, target: e.target } });
    }
    const addrKey = `${e.target.toLowerCase()}|${e.ip}`;
    if (!seenAddr.has(addrKey)) {
      seenAddr.add(addrKey);
      additional.push(addressRecord(e.target, e.ip, ttl));
    }
  }
  return { answer, additional };
}

function serviceFqdn(svc: DnsService, zoneText: string): string {
  return `${svc.name}.${svc.namespace}.svc.${zoneText}`;
}

/** SRV entries of a service (optionally filtered by port/proto, or by endpoint host). */
function srvEntries(index: DnsReadIndex, svc: DnsService, zoneText: string, port: string, proto: string, host?: string): SrvEntry[] {
  const fqdn = serviceFqdn(svc, zoneText);
  const out: SrvEntry[] = [];
  if (svc.kind.type === 'ClusterIP' && host === undefined) {
    for (const p of portsOrPlaceholder(svc.ports)) {
      if (!portMatches(p, port, proto)) continue;
      for (const ip of svc.kind.clusterIPs) out.push({ target: fqdn, port: p.port, ip });
    }
    return out;
  }
  for (const e of readyEndpoints(index, svc, host)) {
    for (const p of portsOrPlaceholder(e.slice.ports)) {
      if (!portMatches(p, port, proto)) continue;
      out.push({ target: `${e.host}.${fqdn}`, port: p.port, ip: e.addr });
    }
  }
  return out;
}

/** CoreDNS's NS targets: services this server is an endpoint of, else ns.dns.<zone>. */
function nameservers(index: DnsReadIndex, cfg: EngineConfig, zoneText: string): { name: string; ip: string }[] {
  const out: { name: string; ip: string }[] = [];
  let found = false;
  for (const local of cfg.localIPs) {
    for (const slice of index.slicesByIP(local)) {
      found = true;
      const svc = index.service(slice.namespace, slice.serviceName);
      if (svc === undefined) continue;
      const fqdn = serviceFqdn(svc, zoneText);
      if (svc.kind.type === 'Headless') {
        for (const ep of slice.endpoints) if (ep.ready) for (const a of ep.addresses) out.push({ name: `${endpointHostname(ep, a)}.${fqdn}`, ip: a });
      } else if (svc.kind.type === 'ClusterIP') for (const ip of svc.kind.clusterIPs) out.push({ name: fqdn, ip });
    }
  }
  if (!found) for (const ip of cfg.localIPs) out.push({ name: `ns.dns.${zoneText}`, ip });
  return out;
}

function recordsFor(index: DnsReadIndex, cfg: EngineConfig, node: ClusterName, q: Question, zoneText: string, depth: number, seen: Set<string>): EngineResult {
  const ttl = cfg.ttl;
  const t = q.type;
  switch (node.k) {
    case 'nx':
      return negative(Rcode.NXDOMAIN, zoneText, index, cfg);
    case 'ent':
      return negative(Rcode.NOERROR, zoneText, index, cfg);
    case 'apex': {
      if (t === QType.SOA) return positive([soa(zoneText, index, ttl)]);
      if (t !== QType.NS) return negative(Rcode.NOERROR, zoneText, index, cfg);
      const ns = nameservers(index, cfg, zoneText);
      const answer: ResourceRecord[] = [];
      const targets = new Set<string>();
      for (const n of ns) {
        if (targets.has(n.name)) continue;
        targets.add(n.name);
        answer.push({ name: zoneText, type: 'NS', ttl, data: n.name });
      }
      return orNodata(zoneText, index, cfg, answer, ns.map((n) => addressRecord(n.name, n.ip, ttl)));
    }
    case 'dns-version':
      return t === QType.TXT ? positive([{ name: q.name, type: 'TXT', ttl: DNS_VERSION_TTL, data: [DNS_SCHEMA_VERSION] }]) : negative(Rcode.NOERROR, zoneText, index, cfg);
    case 'ns-host':
      if (t !== QType.A && t !== QType.AAAA) return negative(Rcode.NOERROR, zoneText, index, cfg);
      return orNodata(zoneText, index, cfg, addresses(q.name, nameservers(index, cfg, zoneText).map((n) => n.ip), t, ttl));
    case 'pod':
      return t === QType.A || t === QType.AAAA ? orNodata(zoneText, index, cfg, addresses(q.name, [node.ip], t, ttl)) : negative(Rcode.NOERROR, zoneText, index, cfg);
    case 'ports': {
      if (t !== QType.SRV) return negative(Rcode.NOERROR, zoneText, index, cfg);
      const srv = srvRecords(q.name, srvEntries(index, node.svc, zoneText, node.port, node.proto), ttl);
      return orNodata(zoneText, index, cfg, srv.answer, srv.additional);
    }
    case 'endpoint': {
      if (t === QType.A || t === QType.AAAA) return orNodata(zoneText, index, cfg, addresses(q.name, readyEndpoints(index, node.svc, node.host).map((e) => e.addr), t, ttl));
      if (t !== QType.SRV) return negative(Rcode.NOERROR, zoneText, index, cfg);
      const srv = srvRecords(q.name, srvEntries(index, node.svc, zoneText, '', '', node.host), ttl);
      return orNodata(zoneText, index, cfg, srv.answer, srv.additional);
    }
    case 'service': {
      const svc = node.svc;
      if (svc.kind.type === 'ExternalName') return externalName(index, cfg, q, svc.kind.externalName, depth, seen);
      if (t === QType.A || t === QType.AAAA) {
        const ips = svc.kind.type === 'ClusterIP' ? svc.kind.clusterIPs : readyEndpoints(index, svc).map((e) => e.addr);
        return orNodata(zoneText, index, cfg, addresses(q.name, ips, t, ttl));
      }
      if (t !== QType.SRV) return negative(Rcode.NOERROR, zoneText, index, cfg);
      const srv = srvRecords(q.name, srvEntries(index, svc, zoneText, '', ''), ttl);
      return orNodata(zoneText, index, cfg, srv.answer, srv.additional);
    }
  }
}

function externalName(index: DnsReadIndex, cfg: EngineConfig, q: Question, target: string, depth: number, seen: Set<string>): EngineResult {
  const cname: ResourceRecord = { name: q.name, type: 'CNAME', ttl: cfg.ttl, data: target };
  if (q.type === QType.CNAME) return positive([cname]);
  const lower = target.toLowerCase();
  if (!endsWithZone(lower, cfg.zone)) return { kind: 'chase', answer: [cname], target, qtype: q.type };
  if (depth >= MAX_CHAIN || seen.has(lower)) return positive([cname]);
  seen.add(lower);
  const next = inZone(index, cfg, { name: target, lower, type: q.type, class: q.class }, depth + 1, seen);
  if (next.kind === 'chase') return { ...next, answer: [cname, ...next.answer] };
  if (next.kind === 'forward') return positive([cname]);
  return { ...next, answer: [cname, ...next.answer] };
}

function inZone(index: DnsReadIndex, cfg: EngineConfig, q: Question, depth: number, seen: Set<string>): EngineResult {
  const zoneText = q.name.slice(q.name.length - cfg.zone.length);
  const node = resolveClusterName(index, cfg, relLabels(q.lower, cfg.zone));
  return recordsFor(index, cfg, node, q, zoneText, depth, seen);
}

function reverse(index: DnsReadIndex, cfg: EngineConfig, q: Question, zone: string): EngineResult {
  const zoneText = q.name.slice(q.name.length - zone.length);
  const ip = reverseNameToIP(q.lower);
  const targets: string[] = [];
  if (ip !== undefined) {
    const svc = index.servicesByIP(ip)[0];
    if (svc !== undefined) targets.push(`${svc.name}.${svc.namespace}.svc.${cfg.zone}`);
    else {
      for (const slice of index.slicesByIP(ip)) {
        if (index.service(slice.namespace, slice.serviceName) === undefined) continue;
        for (const ep of slice.endpoints) {
          if (!ep.ready || !ep.addresses.includes(ip)) continue;
          const name = `${endpointHostname(ep, ip)}.${slice.serviceName}.${slice.namespace}.svc.${cfg.zone}`;
          if (!targets.includes(name)) targets.push(name);
        }
      }
    }
  }
  if (targets.length === 0) {
    if (cfg.fallthroughReverse) return { kind: 'forward', reason: 'reverse-miss' };
    return negative(Rcode.NXDOMAIN, zoneText, index, cfg);
  }
  if (q.type !== QType.PTR) return negative(Rcode.NOERROR, zoneText, index, cfg);
  return positive(targets.map((data) => ({ name: q.name, type: 'PTR', ttl: cfg.ttl, data })));
}

/** Answers one question. `q.lower` must be `q.name` lower-cased (ASCII). */
export function answerQuestion(index: DnsReadIndex, q: Question, cfg: EngineConfig): EngineResult {
  let zone: string | undefined;
  let isReverse = false;
  if (endsWithZone(q.lower, cfg.zone)) zone = cfg.zone;
  else {
    for (const z of cfg.reverseZones) {
      if (endsWithZone(q.lower, z) && (zone === undefined || z.length > zone.length)) zone = z;
    }
    isReverse = zone !== undefined;
  }
  if (zone === undefined) return { kind: 'forward', reason: 'out-of-zone' };
  if (q.class !== QClass.IN && q.class !== QClass.ANY) return refused;
  if (q.type === QType.AXFR || q.type === QType.IXFR) return refused;
  if (isReverse) return reverse(index, cfg, q, zone);
  return inZone(index, cfg, q, 0, new Set([q.lower]));
}
