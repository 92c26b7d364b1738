// dig (BIND 9.16 layout): `dig [@server] [-p port] [-t type] [-x addr] [name] [type]
// [+short] [+tcp] [+time=N] [+tries=N] [+retry=N] [+search] [+[no]recurse]
// [+noall] [+[no]answer|question|authority|additional|comments|cmd|stats]`.
// Defaults as dig's: no search list, RD and AD set, EDNS with a 4096-byte UDP size,
// +time=5 +tries=3 per server over UDP; a truncated answer is retried over TCP.
// Exit status: 0 with any answer (NXDOMAIN included), 9 no reply, 10 bad server, 1 usage.
import { formatIPv4, parseIPv4 } from '../../core/ip.js';
import type { Proc } from './app-context.js';
import { encodeQuery, fqdn, parseQueryType, rcodeName, reverseName, type DnsRecord, type DnsReply, type QuerySpec, type QueryType } from './dns-message.js';
import { tcpExchange, udpTry, UdpDnsChannel, type DnsServer, type ExchangeOutcome } from './dns-transport.js';
import { kubeletHostsFile, parseHosts, parseResolvConf } from './resolv-conf.js';
import { searchCandidates, StubResolver } from './resolver.js';

export const DIG_VERSION = '9.16.48';

const SECTIONS = ['cmd', 'comments', 'question', 'answer', 'authority', 'additional', 'stats'] as const;
type Section = (typeof SECTIONS)[number];

interface DigOptions {
  server?: string;
  port: number;
  name?: string;
  type?: QueryType;
  short: boolean;
  tcp: boolean;
  timeSec: number;
  tries: number;
  search: boolean;
  recurse: boolean;
  show: Set<Section>;
}

type Parsed = { readonly kind: 'ok'; readonly opts: DigOptions } | { readonly kind: 'usage'; readonly message: string };

function parseArgs(args: readonly string[]): Parsed {
  let classSeen = false;
  const o: DigOptions = { port: 53, short: false, tcp: false, timeSec: 5, tries: 3, search: false, recurse: true, show: new Set(SECTIONS) };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('@')) o.server = a.slice(1);
    else if (a === '-p' || a === '-t' || a === '-x' || a === '-q') {
      const v = args[++i];
      if (v === undefined) return { kind: 'usage', message: `dig: option requires an argument -- '${a.slice(1)}'\n` };
      if (a === '-p') {
        const n = Number(v);
        if (!/^\d+$/.test(v) || n > 65535) return { kind: 'usage', message: `dig: port '${v}' out of range\n` };
        o.port = n;
      } else if (a === '-t') {
        const t = parseQueryType(v);
        if (t === undefined) return { kind: 'usage', message: `dig: invalid type ${v}\n` };
        o.type = t;
      } else if (a === '-x') {
        const rev = reverseName(v);
        if (rev === undefined) return { kind: 'usage', message: `dig: '${v}' is not a legal IPv4 address\n` };
        o.name = rev;
        o.type = 'PTR';
      } else o.name = v;
    } else if (a === '-4' || a === '-6') continue;
    else if (a.startsWith('+')) {
      const r = plusOption(o, a.slice(1));
      if (r !== undefined) return { kind: 'usage', message: r };
    } else if (a.startsWith('-')) return { kind: 'usage', message: `Invalid option: ${a}\n` };
    else {
      // As dig: the first word that names a type is the type, the first class word the
      // class (only IN exists here); anything else is the name.
      const t = parseQueryType(a);
      if (t !== undefined && o.type === undefined) o.type = t;
      else if (a.toUpperCase() === 'IN' && !classSeen) classSeen = true;
      else o.name = a;
    }
  }
  return { kind: 'ok', opts: o };
}

function plusOption(o: DigOptions, opt: string): string | undefined {
  const [rawKey, value] = opt.split('=', 2) as [string, string?];
  const neg = rawKey.startsWith('no');
  const key = neg ? rawKey.slice(2) : rawKey;
  const num = (): number | undefined => (value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined);
  switch (key) {
    case 'short':
      o.short = !neg;
      return undefined;
    case 'tcp':
    case 'vc':
      o.tcp = !neg;
      return undefined;
    case 'search':
      o.search = !neg;
      return undefined;
    case 'rec':
    case 'recurse':
      o.recurse = !neg;
      return undefined;
    case 'time': {
      const n = num();
      if (n === undefined) return `Invalid option: +${opt}\n`;
      o.timeSec = Math.max(1, n);
      return undefined;
    }
    case 'tries':
    case 'retry': {
      const n = num();
      if (n === undefined) return `Invalid option: +${opt}\n`;
      o.tries = Math.max(1, key === 'retry' ? n + 1 : n);
      return undefined;
    }
    case 'all':
      for (const s of SECTIONS) neg ? o.show.delete(s) : o.show.add(s);
      return undefined;
    default:
      if ((SECTIONS as readonly string[]).includes(key)) {
        neg ? o.show.delete(key as Section) : o.show.add(key as Section);
        return undefined;
      }
      return `Invalid option: +${opt}\nUsage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}\n            {global-d-opt} host [@local-server] {local-d-opt}\n            [ host [@local-server] {local-d-opt} [...]]\n`;
  }
}

export async function dig(argv: readonly string[], p: Proc): Promise<number> {
  const parsed = parseArgs(argv.slice(1));
  if (parsed.kind === 'usage') {
    p.err(parsed.message);
    return 1;
  }
  const o = parsed.opts;
  const { clock, stack } = p.ctx;
  const conf = parseResolvConf(p.ctx.resolvConf);
  const banner = `\n; <<>> DiG ${DIG_VERSION} <<>>${argv.length > 1 ? ' ' + argv.slice(1).join(' ') : ''}\n`;
  const servers: DnsServer[] = [];
  if (o.server !== undefined) {
    const lit = parseIPv4(o.server);
    if (lit.ok) servers.push({ address: lit.value, port: o.port });
    else {
      const resolver = new StubResolver({ stack, clock, conf, hosts: parseHosts(p.ctx.hostsFile ?? kubeletHostsFile(p.ctx.podIP, p.ctx.hostname)) });
      const r = await resolver.lookup(o.server, p.signal);
      if (r.kind === 'aborted') return 130;
      if (r.kind !== 'found') {
        p.err(`dig: couldn't get address for '${o.server}': not found\n`);
        return 10;
      }
      servers.push({ address: r.addresses[0]!, port: o.port });
    }
  } else for (const a of conf.nameservers) servers.push({ address: a, port: o.port });

  const name = o.name ?? '';
  const type = o.type ?? (o.name === undefined ? 'NS' : 'A');
  const names = o.search && name !== '' ? searchCandidates(name, conf) : [name.replace(/\.$/, '')];
  let head = '';
  if (!o.short && o.show.has('cmd')) {
    head += banner;
    if (o.server !== undefined) head += `; (${servers.length} server found)\n`;
    head += ';; global options: +cmd\n';
  }

  let result: { reply: DnsReply; server: DnsServer; rttMs: number; transport: 'udp' | 'tcp'; truncatedFirst: boolean } | undefined;
  for (const qname of names) {
    const spec: QuerySpec = { id: Math.floor(stack.random() * 0x10000), name: qname, type, recursionDesired: o.recurse, authenticData: true, ednsUdpSize: 4096 };
    const r = await askServers(p, servers, spec, o);
    if (r === 'aborted') return 130;
    if (r === undefined) break;
    result = r;
    // +search moves on only past NXDOMAIN, like dig's next-origin logic.
    if (r.reply.rcode !== 3) break;
  }
  if (result === undefined) {
    p.out(head + ';; connection timed out; no servers could be reached\n');
    return 9;
  }
  if (result.truncatedFirst && !o.short) p.out(';; Truncated, retrying in TCP mode.\n');
  if (o.short) {
    for (const a of result.reply.answers) p.out(`${a.rdata}\n`);
    return 0;
  }
  p.out(head + formatDigReply(result.reply, o.show, { rttMs: result.rttMs, server: result.server, when: clock.now(), recursionAsked: o.recurse }));
  return 0;
}

async function askServers(
  p: Proc,
  servers: readonly DnsServer[],
  spec: QuerySpec,
  o: DigOptions,
): Promise<{ reply: DnsReply; server: DnsServer; rttMs: number; transport: 'udp' | 'tcp'; truncatedFirst: boolean } | undefined | 'aborted'> {
  const { clock, stack } = p.ctx;
  const wire = encodeQuery(spec);
  for (const server of servers) {
    let ch: UdpDnsChannel | undefined;
    try {
      for (let t = 0; t < o.tries; t++) {
        let r: ExchangeOutcome;
        let truncatedFirst = false;
        if (o.tcp) r = await tcpExchange(stack, clock, server, spec, wire, o.timeSec * 1000, p.signal);
        else {
          if (ch === undefined) {
            const opened = UdpDnsChannel.open(stack, server);
            if (!opened.ok) break;
            ch = opened.value;
          }
          r = await udpTry(stack, clock, ch, spec, wire, o.timeSec * 1000, p.signal, false);
          if (r.kind === 'reply' && r.reply.flags.tc) {
            truncatedFirst = true;
            r = await tcpExchange(stack, clock, server, spec, wire, o.timeSec * 1000, p.signal);
          }
        }
        if (r.kind === 'aborted') return 'aborted';
        if (r.kind === 'reply') return { reply: r.reply, server, rttMs: r.rttMs, transport: r.transport, truncatedFirst };
        // Timeouts and refusals (ICMP port unreachable, RST) both just use up a try.
      }
    } finally {
      ch?.close();
    }
  }
  return undefined;
}

/** The terminal column after printing s (tab stops every 8). */
function column(s: string): number {
  let col = 0;
  for (const c of s) col = c === '\t' ? (Math.floor(col / 8) + 1) * 8 : col + 1;
  return col;
}

/** Pads with tabs to the given column, always at least one tab (dig's column layout). */
function tabTo(s: string, col: number): string {
  let out = `${s}\t`;
  while (column(out) < col) out += '\t';
  return out;
}

export function formatRecordLine(r: DnsRecord): string {
  return tabTo(tabTo(tabTo(tabTo(fqdn(r.name), 24) + String(r.ttl), 32) + r.class, 40) + r.type, 48) + r.rdata;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function whenLine(ms: number): string {
  const d = new Date(ms);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

export function formatDigReply(
  r: DnsReply,
  show: ReadonlySet<Section>,
  meta: { readonly rttMs: number; readonly server: DnsServer; readonly when: number; readonly recursionAsked: boolean },
): string {
  let out = '';
  const comments = show.has('comments');
  if (comments) {
    const f = r.flags;
    const flags = (['qr', 'aa', 'tc', 'rd', 'ra', 'ad', 'cd'] as const).filter((k) => f[k]).join(' ');
    const additional = r.additionals.length + (r.edns === undefined ? 0 : 1);
    out += ';; Got answer:\n';
    out += `;; ->>HEADER<<- opcode: ${r.opcode === 0 ? 'QUERY' : String(r.opcode)}, status: ${rcodeName(r.rcode)}, id: ${r.id}\n`;
    out += `;; flags: ${flags}; QUERY: ${r.questions.length}, ANSWER: ${r.answers.length}, AUTHORITY: ${r.authorities.length}, ADDITIONAL: ${additional}\n`;
    if (meta.recursionAsked && f.rd && !f.ra) out += ';; WARNING: recursion requested but not available\n';
    out += '\n';
    if (r.edns !== undefined) out += `;; OPT PSEUDOSECTION:\n; EDNS: version: ${r.edns.version}, flags:${r.edns.do ? ' do' : ''}; udp: ${r.edns.udpSize}\n`;
  }
  if (show.has('question')) {
    if (comments) out += ';; QUESTION SECTION:\n';
    for (const q of r.questions) out += `${tabTo(tabTo(';' + fqdn(q.name), 32) + q.class, 40)}${q.type}\n`;
    if (comments) out += '\n';
  }
  const section = (key: Section, title: string, records: readonly DnsRecord[]): void => {
    if (!show.has(key) || records.length === 0) return;
    if (comments) out += `;; ${title} SECTION:\n`;
    for (const rec of records) out += formatRecordLine(rec) + '\n';
    if (comments) out += '\n';
  };
  section('answer', 'ANSWER', r.answers);
  section('authority', 'AUTHORITY', r.authorities);
  section('additional', 'ADDITIONAL', r.additionals);
  if (show.has('stats')) {
    out += `;; Query time: ${Math.round(meta.rttMs)} msec\n`;
    out += `;; SERVER: ${formatIPv4(meta.server.address)}#${meta.server.port}(${formatIPv4(meta.server.address)})\n`;
    out += `;; WHEN: ${whenLine(meta.when)}\n`;
    out += `;; MSG SIZE  rcvd: ${r.size}\n\n`;
  }
  return out;
}
