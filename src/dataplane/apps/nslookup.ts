// busybox nslookup (the musl-compatible one from 1.28 on, FEATURE_NSLOOKUP_BIG): its own
// resolver, not libc's. All queries go out at once to one server over one UDP socket,
// are resent every timeout/retry (5 s / 2 = 2.5 s) until the server's 5 s are up, and
// each reply is printed as it arrives. A server that never answers hands over to the
// next; when none answers: ";; connection timed out; no servers could be reached".
// The search list applies only to names without a dot. Only A queries are sent (busybox
// with IPv6 also sends AAAA; the emulated cluster is IPv4-only).
import { formatIPv4, parseIPv4 } from '../../core/ip.js';
import { strerror } from '../host/index.js';
import type { Proc } from './app-context.js';
import { encodeQuery, parseQueryType, rcodeName, reverseName, type DnsRecord, type DnsReply, type QuerySpec, type QueryType } from './dns-message.js';
import { UdpDnsChannel, type DnsServer } from './dns-transport.js';
import { parseHosts, parseResolvConf, kubeletHostsFile } from './resolv-conf.js';
import { StubResolver } from './resolver.js';

const USAGE =
  'BusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.\n\n' +
  'Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\n' +
  'Query DNS about HOST\n\n' +
  'QUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any\n';

interface Pending {
  readonly name: string;
  readonly spec: QuerySpec;
  readonly wire: Uint8Array;
  answered: boolean;
}

export async function nslookup(argv: readonly string[], p: Proc): Promise<number> {
  let port = 53;
  let retry = 2;
  let timeoutSec = 5;
  const types: QueryType[] = [];
  const args = argv.slice(1);
  while (args[0]?.startsWith('-') === true) {
    const [k, v = ''] = args.shift()!.slice(1).split('=', 2) as [string, string?];
    if (k === 'type' || k === 'querytype' || k === 'query' || k === 'q') {
      const t = parseQueryType(v);
      if (t === undefined) {
        p.err(`nslookup: invalid query type "${v}"\n`);
        return 1;
      }
      if (!types.includes(t)) types.push(t);
    } else if (k === 'port' || k === 'retry' || k === 'timeout' || k === 't') {
      const n = /^\d+$/.test(v) ? Number(v) : NaN;
      if (Number.isNaN(n) || n < 1 || (k === 'port' && n > 65535)) {
        p.err(`nslookup: invalid number '${v}'\n`);
        return 1;
      }
      if (k === 'port') port = n;
      else if (k === 'retry') retry = n;
      else timeoutSec = n;
    } else if (k !== 'debug') {
      p.err(USAGE);
      return 1;
    }
  }
  const host = args[0];
  if (host === undefined || args.length > 2) {
    p.err(USAGE);
    return 1;
  }
  const conf = parseResolvConf(p.ctx.resolvConf);
  const servers: { readonly label: string; readonly server: DnsServer }[] = [];
  if (args[1] !== undefined) {
    const label = args[1];
    const lit = parseIPv4(label);
    if (lit.ok) servers.push({ label, server: { address: lit.value, port } });
    else {
      const resolver = new StubResolver({ stack: p.ctx.stack, clock: p.ctx.clock, conf, hosts: parseHosts(p.ctx.hostsFile ?? kubeletHostsFile(p.ctx.podIP, p.ctx.hostname)) });
      const r = await resolver.lookup(label, p.signal);
      if (r.kind !== 'found') {
        p.err(`nslookup: bad address '${label}'\n`);
        return 1;
      }
      servers.push({ label, server: { address: r.addresses[0]!, port } });
    }
  } else {
    for (const a of conf.nameservers) servers.push({ label: formatIPv4(a), server: { address: a, port } });
  }

  const queries: Pending[] = [];
  let id = Math.floor(p.ctx.stack.random() * 0x10000);
  const add = (type: QueryType, name: string): void => {
    const spec: QuerySpec = { id: id++ & 0xffff, name, type, recursionDesired: true };
    queries.push({ name, spec, wire: encodeQuery(spec), answered: false });
  };
  const withSearch = (type: QueryType, name: string): void => {
    if (type === 'PTR' || conf.search.length === 0 || name.includes('.')) add(type, name);
    else for (const d of conf.search) add(type, `${name}.${d}`);
  };
  const ptr = reverseName(host);
  if (types.length === 0) {
    if (ptr !== undefined) add('PTR', ptr);
    else withSearch('A', host);
  } else {
    for (const t of types) withSearch(t, host);
  }

  let exitCode = 0;
  for (const [i, s] of servers.entries()) {
    const got = await sendQueries(p, s.label, s.server, queries, timeoutSec * 1000, retry, (rc) => {
      if (rc !== 0) exitCode = 1;
    });
    if (got === 'aborted') return 130;
    if (got > 0) break;
    if (i === servers.length - 1) {
      p.out(';; connection timed out; no servers could be reached\n\n');
      return 1;
    }
  }
  const unanswered = queries.filter((q) => !q.answered);
  for (const q of unanswered) p.out(`*** Can't find ${q.name}: No answer\n`);
  if (unanswered.length > 0) p.out('\n');
  return exitCode;
}

async function sendQueries(
  p: Proc,
  label: string,
  server: DnsServer,
  queries: Pending[],
  timeoutMs: number,
  retry: number,
  onRcode: (rc: number) => void,
): Promise<number | 'aborted'> {
  const { clock, stack } = p.ctx;
  const opened = UdpDnsChannel.open(stack, server);
  if (!opened.ok) {
    p.err(`nslookup: write to '${label}': ${strerror(opened.error)}\n`);
    return 0;
  }
  const ch = opened.value;
  const retryInterval = Math.floor(timeoutMs / retry);
  const start = clock.now();
  let replies = 0;
  let printedServer = false;
  try {
    while (clock.now() - start < timeoutMs) {
      let servfailRetry = 2 * queries.length;
      for (const q of queries) {
        if (q.answered) continue;
        const s = ch.send(q.wire);
        if (!s.ok) {
          p.err(`nslookup: write to '${label}': ${strerror(s.error)}\n`);
          return 0;
        }
      }
      const sentAt = clock.now();
      while (clock.now() - sentAt < retryInterval && clock.now() - start < timeoutMs) {
        const wait = Math.min(retryInterval - (clock.now() - sentAt), timeoutMs - (clock.now() - start));
        const r = await ch.receive(clock, wait, p.signal, (rep) => queries.some((q) => q.spec.id === rep.id));
        if (r.kind === 'aborted') return 'aborted';
        if (r.kind === 'timeout') break;
        if (r.kind === 'error') {
          p.err(`nslookup: read: ${strerror(r.code)}\n`);
          continue;
        }
        if (!printedServer) {
          printedServer = true;
          p.out(`Server:\t\t${label}\nAddress:\t${formatIPv4(server.address)}:${server.port}\n\n`);
        }
        const q = queries.find((x) => x.spec.id === r.reply.id)!;
        if (q.answered) continue;
        if (r.reply.rcode === 2 && servfailRetry > 0) {
          servfailRetry--;
          ch.send(q.wire);
          continue;
        }
        q.answered = true;
        onRcode(r.reply.rcode);
        if (r.reply.rcode !== 0) p.out(`** server can't find ${q.name}: ${rcodeName(r.reply.rcode)}\n`);
        else p.out(formatReply(r.reply));
        p.out('\n');
        replies++;
        if (replies >= queries.length) return replies;
      }
    }
    return replies;
  } finally {
    ch.close();
  }
}

function bare(n: string): string {
  return n.length > 1 ? n.replace(/\.$/, '') : n;
}

/** busybox parse_reply: one line (or block) per answer record. */
export function formatReply(r: DnsReply): string {
  let out = r.flags.aa ? '' : 'Non-authoritative answer:\n';
  for (const a of r.answers) out += formatAnswer(a);
  return out;
}

function formatAnswer(a: DnsRecord): string {
  const parts = a.rdata.split(' ');
  switch (a.type) {
    case 'A':
    case 'AAAA':
      return `Name:\t${a.name}\nAddress: ${a.rdata}\n`;
    case 'NS':
      return `${a.name}\tnameserver = ${bare(a.rdata)}\n`;
    case 'CNAME':
      return `${a.name}\tcanonical name = ${bare(a.rdata)}\n`;
    case 'PTR':
      return `${a.name}\tname = ${bare(a.rdata)}\n`;
    case 'MX':
      return `${a.name}\tmail exchanger = ${parts[0]} ${bare(parts[1] ?? '')}\n`;
    case 'TXT':
      return `${a.name}\ttext = ${a.rdata.split('" "').join('')}\n`;
    case 'SRV':
      return `${a.name}\tservice = ${parts[0]} ${parts[1]} ${parts[2]} ${bare(parts[3] ?? '')}\n`;
    case 'SOA': {
      const names = ['serial', 'refresh', 'retry', 'expire', 'minimum'];
      let out = `${a.name}\n\torigin = ${bare(parts[0] ?? '')}\n\tmail addr = ${bare(parts[1] ?? '')}\n`;
      names.forEach((n, i) => (out += `\t${n} = ${parts[i + 2] ?? 0}\n`));
      return out;
    }
    default:
      return '';
  }
}
