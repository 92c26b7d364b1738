// The pod's stub resolver: what getaddrinfo() does for curl and ping. Order of work
// (glibc res_nsearch / res_nsend, which musl matches for these cases):
//   1. an IPv4 literal is its own answer; 2. /etc/hosts ("files" before "dns");
//   3. search-list expansion: a name with fewer than `ndots` dots is tried with each
//      search domain first and as-is last; with at least `ndots` dots (or a trailing
//      dot) as-is first. With ndots:5, `nsxtestservice` becomes
//      nsxtestservice.demons.svc.cluster.local, nsxtestservice.svc.cluster.local,
//      nsxtestservice.cluster.local, nsxtestservice.
//   4. for each candidate, `attempts` rounds over the nameservers, each try waiting
//      `timeout` on a connected UDP socket; TC -> the same query over TCP.
// NXDOMAIN and NODATA move on to the next candidate; SERVFAIL/REFUSED move on to the
// next server; a candidate that no server answered ends the search (EAI_AGAIN), since
// glibc does not try further names after a timeout.
import type { Clock } from '../../core/clock.js';
import { parseIPv4, type IPv4 } from '../../core/ip.js';
import type { HostStack } from '../host/index.js';
import { encodeQuery, validDomainName, type DnsReply, type QuerySpec } from './dns-message.js';
import { udpTry, UdpDnsChannel, type DnsServer } from './dns-transport.js';
import type { HostsTable, ResolvConf } from './resolv-conf.js';

export type LookupOutcome =
  | { readonly kind: 'found'; readonly name: string; readonly addresses: readonly IPv4[]; readonly source: 'literal' | 'hosts' | 'dns' }
  /** EAI_NONAME: every candidate was NXDOMAIN or had no A record. */
  | { readonly kind: 'not-found'; readonly reason: 'nxdomain' | 'nodata' }
  /** EAI_AGAIN: no usable answer (timeouts, SERVFAIL, refused). */
  | { readonly kind: 'failed'; readonly reason: 'timeout' | 'servfail' | 'refused' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'aborted' };

type NameOutcome =
  | { readonly kind: 'addresses'; readonly name: string; readonly addresses: readonly IPv4[] }
  | { readonly kind: 'nxdomain' }
  | { readonly kind: 'nodata' }
  | { readonly kind: 'failed'; readonly reason: 'timeout' | 'servfail' | 'refused' }
  | { readonly kind: 'aborted' };

export interface ResolverDeps {
  readonly stack: HostStack;
  readonly clock: Clock;
  readonly conf: ResolvConf;
  readonly hosts?: HostsTable;
  /** Query ids (default: the stack's random source). */
  readonly random?: () => number;
  /** Called for every query sent (tests, tracing). */
  readonly onQuery?: (name: string, server: DnsServer) => void;
}

/** The names getaddrinfo tries, in order (see the header comment). */
export function searchCandidates(name: string, conf: Pick<ResolvConf, 'search' | 'ndots'>): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const dots = name.split('.').length - 1;
  const expanded = conf.search.map((d) => `${name}.${d}`);
  return dots >= conf.ndots ? [name, ...expanded] : [...expanded, name];
}

export class StubResolver {
  constructor(private readonly deps: ResolverDeps) {}

  get conf(): ResolvConf {
    return this.deps.conf;
  }

  async lookup(name: string, signal?: AbortSignal): Promise<LookupOutcome> {
    const literal = parseIPv4(name);
    if (literal.ok) return { kind: 'found', name, addresses: [literal.value], source: 'literal' };
    if (!validDomainName(name) || name === '.') return { kind: 'invalid' };
    const fromHosts = this.deps.hosts?.get(name.replace(/\.$/, '').toLowerCase());
    if (fromHosts !== undefined && fromHosts.length > 0) return { kind: 'found', name: name.replace(/\.$/, ''), addresses: fromHosts, source: 'hosts' };
    const channels = new Map<number, UdpDnsChannel>();
    let sawNodata = false;
    let sawServfail = false;
    try {
      for (const candidate of searchCandidates(name, this.deps.conf)) {
        if (!validDomainName(candidate)) continue;
        const r = await this.queryName(candidate, channels, signal);
        switch (r.kind) {
          case 'addresses':
            return { kind: 'found', name: r.name, addresses: r.addresses, source: 'dns' };
          case 'nxdomain':
            break;
          case 'nodata':
            sawNodata = true;
            break;
          case 'failed':
            // A SERVFAIL lets the search go on (glibc's got_servfail); silence does not.
            if (r.reason !== 'servfail') return r;
            sawServfail = true;
            break;
          case 'aborted':
            return r;
        }
      }
    } finally {
      for (const ch of channels.values()) ch.close();
    }
    if (sawServfail) return { kind: 'failed', reason: 'servfail' };
    return { kind: 'not-found', reason: sawNodata ? 'nodata' : 'nxdomain' };
  }

  private async queryName(name: string, channels: Map<number, UdpDnsChannel>, signal: AbortSignal | undefined): Promise<NameOutcome> {
    const { conf, stack, clock } = this.deps;
    const random = this.deps.random ?? stack.random;
    const spec: QuerySpec = { id: Math.floor(random() * 0x10000) & 0xffff, name, type: 'A', recursionDesired: true };
    const wire = encodeQuery(spec);
    const dead = new Set<number>();
    let sawServfail = false;
    let sawRefused = false;
    for (let attempt = 0; attempt < conf.attempts; attempt++) {
      for (const [i, address] of conf.nameservers.entries()) {
        if (dead.has(i)) continue;
        const server: DnsServer = { address, port: 53 };
        let ch = channels.get(i);
        if (ch === undefined) {
          const opened = UdpDnsChannel.open(stack, server);
          if (!opened.ok) {
            dead.add(i);
            continue;
          }
          ch = opened.value;
          channels.set(i, ch);
        }
        this.deps.onQuery?.(name, server);
        const r = await udpTry(stack, clock, ch, spec, wire, conf.timeoutMs, signal);
        if (r.kind === 'aborted') return r;
        if (r.kind === 'timeout') continue;
        if (r.kind === 'error') {
          // Port unreachable or no route: this server is out for the rest of the lookup.
          dead.add(i);
          sawRefused = true;
          continue;
        }
        const rcode = r.reply.rcode;
        if (rcode === 3) return { kind: 'nxdomain' };
        if (rcode !== 0) {
          if (rcode === 2) sawServfail = true;
          else sawRefused = true;
          dead.add(i);
          continue;
        }
        return addressesOf(r.reply, name);
      }
    }
    if (sawServfail) return { kind: 'failed', reason: 'servfail' };
    if (sawRefused && dead.size === conf.nameservers.length) return { kind: 'failed', reason: 'refused' };
    return { kind: 'failed', reason: 'timeout' };
  }
}

/** Follows the CNAME chain from `name` through the answer section and collects its A records. */
export function addressesOf(reply: DnsReply, name: string): NameOutcome {
  let current = name.toLowerCase();
  for (let hops = 0; hops < 16; hops++) {
    const cname = reply.answers.find((a) => a.type === 'CNAME' && a.name.toLowerCase() === current);
    if (cname?.target === undefined) break;
    current = cname.target.toLowerCase();
  }
  const addresses = reply.answers.filter((a) => a.type === 'A' && a.name.toLowerCase() === current && a.address !== undefined).map((a) => a.address!);
  if (addresses.length === 0) return { kind: 'nodata' };
  return { kind: 'addresses', name: current, addresses };
}
