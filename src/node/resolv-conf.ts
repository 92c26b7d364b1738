// A pod's /etc/resolv.conf, computed by the rules of kubelet's pkg/kubelet/network/dns/dns.go
// (1.32, ExpandedDNSConfig GA). Pure: the node's own resolv.conf comes in as text.
//
// Worked example (the article's nwtest pod in "demons", dnsPolicy ClusterFirst, cluster DNS
// 10.96.0.10, domain cluster.local, node resolv.conf without search domains):
//   nameserver 10.96.0.10
//   search demons.svc.cluster.local svc.cluster.local cluster.local
//   options ndots:5
import type { DNSPolicy, PodDNSConfig } from '../api/index.js';

/** validation.MaxDNSNameservers */
export const MAX_DNS_NAMESERVERS = 3;
/** validation.MaxDNSSearchPaths (expanded DNS config, GA since 1.28) */
export const MAX_DNS_SEARCH_PATHS = 32;
/** validation.MaxDNSSearchListChars (expanded) */
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;
/** utilvalidation.DNS1123SubdomainMaxLength: longer search paths crash some resolvers (glibc 2.28). */
const MAX_SEARCH_PATH_LENGTH = 253;

export interface ResolvConf {
  readonly nameservers: readonly string[];
  readonly searches: readonly string[];
  readonly options: readonly string[];
}

export interface ParsedResolvConf extends ResolvConf {
  readonly errors: readonly string[];
}

/**
 * parseResolvConf: nameserver lines accumulate, the last search line wins (each domain's
 * trailing dot dropped), the last options line wins. Comments start with "#".
 */
export function parseResolvConf(text: string): ParsedResolvConf {
  const nameservers: string[] = [];
  let searches: string[] = [];
  let options: string[] = [];
  const errors: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    const fields = line.split(/\s+/).filter((f) => f !== '');
    if (fields.length === 0) continue;
    if (fields[0] === 'nameserver') {
      if (fields.length >= 2) nameservers.push(fields[1]!);
      else errors.push('nameserver list is empty ');
    }
    if (fields[0] === 'search') searches = fields.slice(1).map((s) => (s.endsWith('.') ? s.slice(0, -1) : s));
    if (fields[0] === 'options') options = fields.slice(1);
  }
  return { nameservers, searches, options, errors };
}

export interface DnsSettings {
  /** kubelet --cluster-dns. Empty: ClusterFirst pods fall back to Default (with a warning). */
  readonly clusterDNS: readonly string[];
  /** kubelet --cluster-domain ("cluster.local"); empty disables the cluster search paths. */
  readonly clusterDomain: string;
  /** The node's resolv.conf text (kubelet --resolv-conf); undefined means --resolv-conf="". */
  readonly hostResolvConf: string | undefined;
  /** The node's addresses (only used when hostResolvConf is undefined). */
  readonly nodeIPs: readonly string[];
}

export interface DnsPod {
  readonly name: string;
  readonly namespace: string;
  readonly uid?: string;
  readonly dnsPolicy?: DNSPolicy | undefined;
  readonly hostNetwork?: boolean | undefined;
  readonly dnsConfig?: PodDNSConfig | undefined;
}

/** Warnings kubelet reports as Warning events on the pod (reason is the event reason). */
export interface DnsWarning {
  readonly reason: 'DNSConfigForming' | 'MissingClusterDNS';
  readonly message: string;
}

export interface PodDns extends ResolvConf {
  readonly warnings: readonly DnsWarning[];
}

type DnsType = 'cluster' | 'host' | 'none';

function dnsTypeOf(pod: DnsPod): DnsType {
  switch (pod.dnsPolicy ?? 'ClusterFirst') {
    case 'None':
      return 'none';
    case 'ClusterFirstWithHostNet':
      return 'cluster';
    case 'ClusterFirst':
      return pod.hostNetwork === true ? 'host' : 'cluster';
    case 'Default':
      return 'host';
  }
}

function omitDuplicates(list: readonly string[]): string[] {
  return [...new Set(list)];
}

/**
 * mergeDNSOptions: "name:value" / "name" entries, the pod's dnsConfig.options overriding
 * same-named ones. Upstream rebuilds the list from a Go map (random order); we keep first
 * appearance order so the output is stable.
 */
export function mergeDnsOptions(existing: readonly string[], extra: PodDNSConfig['options']): string[] {
  const merged = new Map<string, string>();
  for (const op of existing) {
    const i = op.indexOf(':');
    if (i === -1) merged.set(op, '');
    else merged.set(op.slice(0, i), op.slice(i + 1));
  }
  for (const op of extra ?? []) merged.set(op.name ?? '', op.value ?? '');
  return [...merged].map(([name, value]) => (value === '' ? name : `${name}:${value}`));
}

function fitSearches(searches: readonly string[], warnings: DnsWarning[]): string[] {
  let exceeded = false;
  let out = [...searches];
  if (out.length > MAX_DNS_SEARCH_PATHS) {
    out = out.slice(0, MAX_DNS_SEARCH_PATHS);
    exceeded = true;
  }
  const short = out.filter((s) => s.length <= MAX_SEARCH_PATH_LENGTH);
  if (short.length !== out.length) exceeded = true;
  out = short;
  const lineLength = out.join(' ').length;
  if (lineLength > MAX_DNS_SEARCH_LIST_CHARS) {
    // Drop whole domains from the end until the line fits.
    let cut = 0;
    let cutLength = 0;
    for (let i = out.length - 1; i >= 0; i--) {
      cutLength += out[i]!.length + 1;
      cut++;
      if (lineLength - cutLength <= MAX_DNS_SEARCH_LIST_CHARS) break;
    }
    out = out.slice(0, out.length - cut);
    exceeded = true;
  }
  if (exceeded) {
    warnings.push({ reason: 'DNSConfigForming', message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${out.join(' ')}` });
  }
  return out;
}

function fitNameservers(servers: readonly string[], warnings: DnsWarning[]): string[] {
  if (servers.length <= MAX_DNS_NAMESERVERS) return [...servers];
  const out = servers.slice(0, MAX_DNS_NAMESERVERS);
  warnings.push({ reason: 'DNSConfigForming', message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${out.join(' ')}` });
  return out;
}

/** GetPodDNS: the DNS configuration a pod's sandbox gets. */
export function podDnsConfig(pod: DnsPod, s: DnsSettings): PodDns {
  const warnings: DnsWarning[] = [];
  const host = s.hostResolvConf === undefined ? { nameservers: [], searches: [], options: [] } : parseResolvConf(s.hostResolvConf);
  let servers: string[] = [...host.nameservers];
  let searches: string[] = [...host.searches];
  let options: string[] = [...host.options];
  let type = dnsTypeOf(pod);
  if (type === 'cluster' && s.clusterDNS.length === 0) {
    const msg = 'kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.';
    warnings.push({ reason: 'MissingClusterDNS', message: `pod: "${pod.name}_${pod.namespace}(${pod.uid ?? ''})". ${msg}` });
    type = 'host';
  }
  switch (type) {
    case 'none':
      servers = [];
      searches = [];
      options = [];
      break;
    case 'cluster': {
      // The cluster DNS server is the only nameserver: it forwards what it cannot answer.
      servers = [...s.clusterDNS];
      if (s.clusterDomain !== '') {
        const d = s.clusterDomain;
        searches = omitDuplicates([`${pod.namespace}.svc.${d}`, `svc.${d}`, d, ...searches]);
      }
      options = ['ndots:5'];
      break;
    }
    case 'host':
      // Without a node resolv.conf, point at the local machine and disable search.
      if (s.hostResolvConf === undefined) {
        for (const ip of s.nodeIPs) servers.push(ip.includes(':') ? '::1' : '127.0.0.1');
        if (servers.length === 0) servers.push('127.0.0.1');
        searches = ['.'];
      }
      break;
  }
  const extra = pod.dnsConfig;
  if (extra !== undefined) {
    servers = omitDuplicates([...servers, ...(extra.nameservers ?? [])]);
    searches = omitDuplicates([...searches, ...(extra.searches ?? [])]);
    options = mergeDnsOptions(options, extra.options);
  }
  return { nameservers: fitNameservers(servers, warnings), searches: fitSearches(searches, warnings), options, warnings };
}

/**
 * The file the runtime writes. Line order follows the article's (Docker's) layout:
 * nameserver lines, then search, then options; empty sections are left out.
 */
export function renderResolvConf(c: ResolvConf): string {
  const lines = c.nameservers.map((n) => `nameserver ${n}`);
  if (c.searches.length > 0) lines.push(`search ${c.searches.join(' ')}`);
  if (c.options.length > 0) lines.push(`options ${c.options.join(' ')}`);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
