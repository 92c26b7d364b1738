// /etc/resolv.conf and /etc/hosts as a pod's libc reads them (resolv.conf(5)).
// Parse once; the resolver and the CLIs only see ResolvConf / HostsTable values.
import { formatIPv4, ipv4, parseIPv4, type IPv4 } from '../../core/ip.js';

export interface ResolvConf {
  /** At most 3 (glibc's MAXNS); 127.0.0.1 when the file names none. */
  readonly nameservers: readonly IPv4[];
  readonly search: readonly string[];
  /** Names with at least this many dots are tried as-is first. Default 1, capped at 15. */
  readonly ndots: number;
  /** Per-try wait. Default 5 s, capped at 30 s. */
  readonly timeoutMs: number;
  /** Rounds over the server list. Default 2, capped at 5. */
  readonly attempts: number;
}

const MAXNS = 3;

export function parseResolvConf(text: string): ResolvConf {
  const nameservers: IPv4[] = [];
  let search: string[] = [];
  let ndots = 1;
  let timeoutSec = 5;
  let attempts = 2;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const [key, ...args] = line.split(/\s+/);
    switch (key) {
      case 'nameserver': {
        const a = args[0] === undefined ? undefined : parseIPv4(args[0]);
        // IPv6 servers are skipped: the emulated pods are IPv4-only.
        if (a?.ok === true && nameservers.length < MAXNS) nameservers.push(a.value);
        break;
      }
      // The last of `domain` / `search` wins, as in glibc.
      case 'search':
        search = args.map((d) => d.replace(/\.$/, '')).filter((d) => d !== '');
        break;
      case 'domain':
        search = args[0] === undefined ? [] : [args[0].replace(/\.$/, '')].filter((d) => d !== '');
        break;
      case 'options':
        for (const opt of args) {
          const [name, value] = opt.split(':');
          const n = value === undefined ? NaN : Number.parseInt(value, 10);
          if (Number.isNaN(n) || n < 0) continue;
          if (name === 'ndots') ndots = Math.min(n, 15);
          else if (name === 'timeout') timeoutSec = Math.max(1, Math.min(n, 30));
          else if (name === 'attempts') attempts = Math.max(1, Math.min(n, 5));
        }
        break;
      default:
        break;
    }
  }
  if (nameservers.length === 0) nameservers.push(ipv4(0x7f000001));
  return { nameservers, search, ndots, timeoutMs: timeoutSec * 1000, attempts };
}

/** kubelet's resolv.conf for dnsPolicy ClusterFirst. */
export function clusterFirstResolvConf(namespace: string, clusterDNS: string, zone = 'cluster.local'): string {
  return `nameserver ${clusterDNS}\nsearch ${namespace}.svc.${zone} svc.${zone} ${zone}\noptions ndots:5\n`;
}

/** Lower-cased name -> addresses, in file order. */
export type HostsTable = ReadonlyMap<string, readonly IPv4[]>;

export function parseHosts(text: string): HostsTable {
  const table = new Map<string, IPv4[]>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const [addr, ...names] = line.split(/\s+/);
    const a = addr === undefined ? undefined : parseIPv4(addr);
    if (a?.ok !== true) continue;
    for (const n of names) {
      const key = n.toLowerCase();
      const list = table.get(key) ?? [];
      if (!list.includes(a.value)) list.push(a.value);
      table.set(key, list);
    }
  }
  return table;
}

/** The /etc/hosts kubelet writes into a pod (pkg/kubelet/kubelet_pods.go managedHostsFileContent). */
export function kubeletHostsFile(podIP: IPv4, hostname: string): string {
  return (
    '# Kubernetes-managed hosts file.\n' +
    '127.0.0.1\tlocalhost\n' +
    '::1\tlocalhost ip6-localhost ip6-loopback\n' +
    'fe00::0\tip6-localnet\n' +
    'fe00::0\tip6-mcastprefix\n' +
    'fe00::1\tip6-allnodes\n' +
    'fe00::2\tip6-allrouters\n' +
    `${formatIPv4(podIP)}\t${hostname}\n`
  );
}
