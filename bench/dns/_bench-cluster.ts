// Synthetic cluster for the DNS benchmark: N services over 100 namespaces, every tenth
// headless with three ready endpoints, the rest ClusterIP (10.96.0.0/12) with a named
// port. The same data is written as zone files for an authoritative server, and a query
// file mixes service A, SRV, PTR and NXDOMAIN names.
import { formatIPv4, ipv4 } from '../../src/core/index.js';
import { DnsIndex } from '../../src/dns/cluster-index.js';
import type { DnsService } from '../../src/dns/model.js';
import { ipToReverseName } from '../../src/dns/reverse-names.js';

export const ZONE = 'cluster.local';
const SVC_BASE = (10 << 24) | (96 << 16);
const POD_BASE = (172 << 24) | (20 << 16);

export interface BenchService {
  readonly ns: string;
  readonly name: string;
  readonly clusterIP?: string;
  readonly endpoints: readonly string[];
}

export function benchServices(n: number): BenchService[] {
  const out: BenchService[] = [];
  let pod = 1;
  for (let i = 0; i < n; i++) {
    const ns = `ns-${i % 100}`;
    const name = `svc-${i}`;
    if (i % 10 === 9) {
      const endpoints = [0, 1, 2].map(() => formatIPv4(ipv4(POD_BASE + pod++)));
      out.push({ ns, name, endpoints });
    } else out.push({ ns, name, clusterIP: formatIPv4(ipv4(SVC_BASE + 16 + i)), endpoints: [] });
  }
  return out;
}

export function fillIndex(index: DnsIndex, services: readonly BenchService[]): void {
  const port = { name: 'http', protocol: 'TCP', port: 80 };
  for (let i = 0; i < 100; i++) index.upsertNamespace(`ns-${i}`);
  for (const s of services) {
    const svc: DnsService =
      s.clusterIP !== undefined
        ? { namespace: s.ns, name: s.name, kind: { type: 'ClusterIP', clusterIPs: [s.clusterIP] }, ports: [port] }
        : { namespace: s.ns, name: s.name, kind: { type: 'Headless' }, ports: [port] };
    index.upsertService(svc);
    if (s.endpoints.length > 0) {
      index.upsertSlice({
        namespace: s.ns,
        name: `${s.name}-abcde`,
        serviceName: s.name,
        addressType: 'IPv4',
        ports: [port],
        endpoints: s.endpoints.map((a) => ({ addresses: [a], ready: true })),
      });
    }
  }
  index.setSynced(true);
}

/** Zone files equivalent to what our server answers for these services. */
export function zoneFiles(services: readonly BenchService[]): Record<string, string> {
  const soa = (z: string) => `$ORIGIN ${z}.\n$TTL 5\n@ SOA ns.dns.${ZONE}. hostmaster.${ZONE}. 1 7200 1800 86400 5\n@ NS ns.dns.${ZONE}.\n`;
  const fwd: string[] = [soa(ZONE), 'ns.dns A 127.0.0.1\n', 'dns-version 28800 TXT "1.1.0"\n'];
  const rev10: string[] = [soa('10.in-addr.arpa')];
  const rev172: string[] = [soa('172.in-addr.arpa')];
  const rel = (name: string, zone: string) => name.slice(0, name.length - zone.length - 1);
  for (const s of services) {
    const base = `${s.name}.${s.ns}.svc`;
    if (s.clusterIP !== undefined) {
      fwd.push(`${base} A ${s.clusterIP}\n_http._tcp.${base} SRV 0 100 80 ${base}.${ZONE}.\n`);
      rev10.push(`${rel(ipToReverseName(s.clusterIP), '10.in-addr.arpa')} PTR ${base}.${ZONE}.\n`);
    } else {
      const w = Math.floor(100 / s.endpoints.length);
      for (const ip of s.endpoints) {
        const host = ip.replaceAll('.', '-');
        fwd.push(`${base} A ${ip}\n${host}.${base} A ${ip}\n_http._tcp.${base} SRV 0 ${w} 80 ${host}.${base}.${ZONE}.\n`);
        rev172.push(`${rel(ipToReverseName(ip), '172.in-addr.arpa')} PTR ${host}.${base}.${ZONE}.\n`);
      }
    }
  }
  return { [ZONE]: fwd.join(''), '10.in-addr.arpa': rev10.join(''), '172.in-addr.arpa': rev172.join('') };
}

/** dnsperf query lines: 50% service A, 20% SRV, 15% PTR, 15% NXDOMAIN. */
export function queryLines(services: readonly BenchService[], count: number, random: () => number): string {
  const lines: string[] = [];
  const pick = () => services[Math.floor(random() * services.length)]!;
  for (let i = 0; i < count; i++) {
    const r = random();
    const s = pick();
    const base = `${s.name}.${s.ns}.svc.${ZONE}`;
    if (r < 0.5) lines.push(`${base} A`);
    else if (r < 0.7) lines.push(`_http._tcp.${base} SRV`);
    else if (r < 0.85) lines.push(`${ipToReverseName(s.clusterIP ?? s.endpoints[0]!)} PTR`);
    else lines.push(`missing-${Math.floor(random() * 1e6)}.${s.ns}.svc.${ZONE} A`);
  }
  return lines.join('\n') + '\n';
}
