// DNS messages at the edge: queries are encoded and replies decoded with dns-packet,
// then turned into a DnsReply whose records already carry dig's presentation text.
// Nothing past this file touches dns-packet's loose types.
import { AUTHENTIC_DATA, decode, encode, RECURSION_DESIRED, type Answer, type Packet, type RecordType } from 'dns-packet';
import { parseIPv4, type IPv4 } from '../../core/ip.js';
import { err, ok, type Result } from '../../core/result.js';

/** Types the CLIs accept (dig TYPE, nslookup -type=). */
export const QUERY_TYPES = ['A', 'AAAA', 'CNAME', 'NS', 'PTR', 'SOA', 'SRV', 'TXT', 'MX', 'ANY'] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

export function parseQueryType(s: string): QueryType | undefined {
  const u = s.toUpperCase();
  return (QUERY_TYPES as readonly string[]).includes(u) ? (u as QueryType) : undefined;
}

export interface QuerySpec {
  readonly id: number;
  /** Without the trailing dot ('' or '.' is the root). */
  readonly name: string;
  readonly type: QueryType;
  readonly recursionDesired: boolean;
  /** dig sets AD in queries (RFC 6840 5.7). */
  readonly authenticData?: boolean;
  /** Adds an OPT record advertising this UDP payload size. */
  readonly ednsUdpSize?: number;
}

export function encodeQuery(q: QuerySpec): Uint8Array {
  const packet: Packet = {
    type: 'query',
    id: q.id,
    flags: (q.recursionDesired ? RECURSION_DESIRED : 0) | (q.authenticData === true ? AUTHENTIC_DATA : 0),
    questions: [{ type: q.type as RecordType, name: q.name === '' ? '.' : q.name, class: 'IN' }],
  };
  if (q.ednsUdpSize !== undefined) {
    packet.additionals = [{ type: 'OPT', name: '.', udpPayloadSize: q.ednsUdpSize, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }];
  }
  return new Uint8Array(encode(packet));
}

/** RFC 1035 2.3.4 limits, checked before a name goes on the wire (libc refuses the same). */
export function validDomainName(name: string): boolean {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (n === '') return name === '.';
  if (n.length > 253) return false;
  return n.split('.').every((l) => l.length >= 1 && l.length <= 63 && !/\s/.test(l));
}

export const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];

export function rcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? String(rcode);
}

export interface DnsRecord {
  /** Owner name without the trailing dot. */
  readonly name: string;
  readonly type: string;
  readonly class: string;
  readonly ttl: number;
  /** dig's presentation of the rdata ("10.0.0.1", "target.example.", "10 mx.example."). */
  readonly rdata: string;
  /** The address of an A record. */
  readonly address?: IPv4;
  /** The target (no trailing dot) of a CNAME / PTR / NS record. */
  readonly target?: string;
}

export interface DnsReply {
  readonly id: number;
  readonly opcode: number;
  readonly rcode: number;
  readonly flags: { readonly qr: boolean; readonly aa: boolean; readonly tc: boolean; readonly rd: boolean; readonly ra: boolean; readonly ad: boolean; readonly cd: boolean };
  readonly questions: readonly { readonly name: string; readonly type: string; readonly class: string }[];
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
  /** Without the OPT pseudo-record (see edns). */
  readonly additionals: readonly DnsRecord[];
  readonly edns?: { readonly version: number; readonly udpSize: number; readonly do: boolean };
  /** Wire size in bytes. */
  readonly size: number;
}

export function parseReply(bytes: Uint8Array): Result<DnsReply, string> {
  if (bytes.length < 12) return err('short message');
  let p;
  try {
    p = decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  } catch (e: unknown) {
    return err(e instanceof Error ? e.message : 'malformed message');
  }
  const f2 = bytes[2]!;
  const f3 = bytes[3]!;
  let edns: DnsReply['edns'];
  const additionals: DnsRecord[] = [];
  for (const a of p.additionals ?? []) {
    if (a.type === 'OPT') edns = { version: a.ednsVersion, udpSize: a.udpPayloadSize, do: a.flag_do };
    else additionals.push(toRecord(a));
  }
  const reply: DnsReply = {
    id: p.id ?? 0,
    opcode: (f2 >> 3) & 0xf,
    rcode: f3 & 0xf,
    flags: { qr: (f2 & 0x80) !== 0, aa: (f2 & 4) !== 0, tc: (f2 & 2) !== 0, rd: (f2 & 1) !== 0, ra: (f3 & 0x80) !== 0, ad: (f3 & 0x20) !== 0, cd: (f3 & 0x10) !== 0 },
    questions: (p.questions ?? []).map((q) => ({ name: stripDot(q.name), type: q.type, class: q.class ?? 'IN' })),
    answers: (p.answers ?? []).map(toRecord),
    authorities: (p.authorities ?? []).map(toRecord),
    additionals,
    size: bytes.length,
  };
  return ok(edns === undefined ? reply : { ...reply, edns });
}

function stripDot(n: string): string {
  return n === '.' ? '' : n.replace(/\.$/, '');
}

/** A name as dig prints it: fully qualified. */
export function fqdn(n: string): string {
  return n === '' || n === '.' ? '.' : n.endsWith('.') ? n : `${n}.`;
}

function toRecord(a: Answer): DnsRecord {
  const base = { name: stripDot(a.name), type: a.type, class: ('class' in a ? a.class : undefined) ?? 'IN', ttl: ('ttl' in a ? a.ttl : undefined) ?? 0 };
  switch (a.type) {
    case 'A': {
      const ip = parseIPv4(a.data);
      return ip.ok ? { ...base, rdata: a.data, address: ip.value } : { ...base, rdata: a.data };
    }
    case 'AAAA':
      return { ...base, rdata: a.data };
    case 'CNAME':
    case 'DNAME':
    case 'NS':
    case 'PTR':
      return { ...base, rdata: fqdn(a.data), target: stripDot(a.data) };
    case 'MX':
      return { ...base, rdata: `${a.data.preference ?? 0} ${fqdn(a.data.exchange)}` };
    case 'SRV':
      return { ...base, rdata: `${a.data.priority ?? 0} ${a.data.weight ?? 0} ${a.data.port} ${fqdn(a.data.target)}` };
    case 'SOA': {
      const d = a.data;
      return { ...base, rdata: `${fqdn(d.mname)} ${fqdn(d.rname)} ${d.serial ?? 0} ${d.refresh ?? 0} ${d.retry ?? 0} ${d.expire ?? 0} ${d.minimum ?? 0}` };
    }
    case 'TXT': {
      const parts = Array.isArray(a.data) ? a.data : [a.data];
      return { ...base, rdata: parts.map((s) => JSON.stringify(typeof s === 'string' ? s : s.toString('latin1'))).join(' ') };
    }
    default: {
      const data = 'data' in a && Buffer.isBuffer(a.data) ? a.data : Buffer.alloc(0);
      return { ...base, rdata: `\\# ${data.length}${data.length > 0 ? ' ' + data.toString('hex').toUpperCase() : ''}` };
    }
  }
}

/** The reverse-lookup name of an IPv4 address ("10.0.96.10.in-addr.arpa"). */
export function reverseName(ip: string): string | undefined {
  const a = parseIPv4(ip);
  if (!a.ok) return undefined;
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

/** The question of a reply matches what was asked (RFC 5452 9.1: id, name, type). */
export function answersQuery(r: DnsReply, q: QuerySpec): boolean {
  const qq = r.questions[0];
  if (r.id !== q.id || !r.flags.qr || qq === undefined) return false;
  return qq.name.toLowerCase() === stripDot(q.name).toLowerCase() && qq.type === q.type;
}
