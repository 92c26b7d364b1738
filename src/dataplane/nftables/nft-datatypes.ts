// nft data types: how a word of the input becomes a value and how a value is printed
// (nft 1.0.6 `list ruleset` style). Values are numbers (IPv4 as uint32, marks, ports,
// protocol numbers, flag bits) except interface names and IPv6 addresses, which are
// strings (IPv6 never matches: the interpreter sees IPv4 packets only).
import { canonicalIP, formatIPv4, parseIPv4, parseIPv6, type IPv4 } from '../../core/ip.js';

export type NftScalar = number | string;

export type NftTypeName =
  | 'ipv4_addr'
  | 'ipv6_addr'
  | 'inet_proto'
  | 'inet_service'
  | 'mark'
  | 'integer'
  | 'ct_state'
  | 'ct_status'
  | 'ct_dir'
  | 'ifname'
  | 'fib_addrtype'
  | 'nf_proto'
  | 'ether_type'
  | 'icmp_type'
  | 'verdict';

export interface NftDatatype {
  readonly name: NftTypeName;
  /** Value width; addresses accept prefixes of it. */
  readonly bits: number;
  /** Flag types: a bare match is a flag test, `a,b` lists are allowed. */
  readonly bitmask: boolean;
  readonly address: boolean;
  parse(word: string): NftScalar | undefined;
  format(v: NftScalar): string;
  /** nft's element-list wrapping: values per line before a newline (0 = one per line). */
  readonly perLine: number;
}

function parseInt32(w: string): number | undefined {
  if (/^0x[0-9a-fA-F]+$/.test(w)) return Number.parseInt(w.slice(2), 16) >>> 0;
  if (/^\d+$/.test(w)) {
    const n = Number(w);
    return n <= 0xffffffff ? n : undefined;
  }
  return undefined;
}

function named(table: Record<string, number>): { parse: (w: string) => number | undefined; name: (v: number) => string | undefined } {
  const rev = new Map<number, string>();
  for (const [k, v] of Object.entries(table)) if (!rev.has(v)) rev.set(v, k);
  return { parse: (w) => table[w] ?? parseInt32(w), name: (v) => rev.get(v) };
}

const PROTOS = named({ icmp: 1, igmp: 2, ipip: 4, tcp: 6, egp: 8, udp: 17, dccp: 33, ipv6: 41, gre: 47, esp: 50, ah: 51, icmpv6: 58, sctp: 132, udplite: 136 });
const SERVICES: Record<string, number> = { ssh: 22, domain: 53, http: 80, https: 443 };
const CT_STATES: readonly (readonly [string, number])[] = [
  ['invalid', 1],
  ['established', 2],
  ['related', 4],
  ['new', 8],
  ['untracked', 64],
];
const CT_STATUS: readonly (readonly [string, number])[] = [
  ['expected', 1],
  ['seen-reply', 2],
  ['assured', 4],
  ['confirmed', 8],
  ['snat', 16],
  ['dnat', 32],
  ['dying', 512],
];
const FIB_TYPES = named({ unspec: 0, unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5, blackhole: 6, unreachable: 7, prohibit: 8 });
const NFPROTO = named({ ipv4: 2, ipv6: 10 });
const ETHER = named({ ip: 0x0800, arp: 0x0806, ip6: 0x86dd, vlan: 0x8100 });
const ICMP = named({
  'echo-reply': 0,
  'destination-unreachable': 3,
  'source-quench': 4,
  redirect: 5,
  'echo-request': 8,
  'router-advertisement': 9,
  'router-solicitation': 10,
  'time-exceeded': 11,
  'parameter-problem': 12,
  'timestamp-request': 13,
  'timestamp-reply': 14,
});
const CT_DIR = named({ original: 0, reply: 1 });

function flagType(name: NftTypeName, bits: readonly (readonly [string, number])[]): NftDatatype {
  const byName = new Map(bits);
  return {
    name,
    bits: 32,
    bitmask: true,
    address: false,
    perLine: 2,
    parse: (w) => byName.get(w) ?? parseInt32(w),
    format: (v) => {
      const n = Number(v);
      const names = bits.filter(([, b]) => (n & b) !== 0).map(([s]) => s);
      const known = bits.reduce((acc, [, b]) => acc | b, 0);
      if (n & ~known || names.length === 0) return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
      return names.join(',');
    },
  };
}

function enumType(name: NftTypeName, bits: number, t: ReturnType<typeof named>, perLine = 0): NftDatatype {
  return { name, bits, bitmask: false, address: false, perLine, parse: t.parse, format: (v) => t.name(Number(v)) ?? String(v) };
}

export const DATATYPES: Readonly<Record<NftTypeName, NftDatatype>> = {
  ipv4_addr: {
    name: 'ipv4_addr',
    bits: 32,
    bitmask: false,
    address: true,
    perLine: 2,
    parse: (w) => {
      const r = parseIPv4(w);
      return r.ok ? r.value : undefined;
    },
    format: (v) => formatIPv4(Number(v) as IPv4),
  },
  ipv6_addr: {
    name: 'ipv6_addr',
    bits: 128,
    bitmask: false,
    address: false,
    perLine: 2,
    parse: (w) => {
      const [a, len] = w.split('/');
      if (a === undefined || !parseIPv6(a).ok) return undefined;
      const c = canonicalIP(a) ?? a;
      return len === undefined ? c : `${c}/${len}`;
    },
    format: (v) => String(v),
  },
  inet_proto: enumType('inet_proto', 8, PROTOS, 5),
  inet_service: {
    name: 'inet_service',
    bits: 16,
    bitmask: false,
    address: false,
    perLine: 5,
    parse: (w) => {
      const n = SERVICES[w] ?? parseInt32(w);
      return n !== undefined && n <= 0xffff ? n : undefined;
    },
    format: (v) => String(v),
  },
  mark: {
    name: 'mark',
    bits: 32,
    bitmask: false,
    address: false,
    perLine: 5,
    parse: parseInt32,
    format: (v) => `0x${(Number(v) >>> 0).toString(16).padStart(8, '0')}`,
  },
  integer: { name: 'integer', bits: 32, bitmask: false, address: false, perLine: 5, parse: parseInt32, format: (v) => String(v) },
  ct_state: flagType('ct_state', CT_STATES),
  ct_status: flagType('ct_status', CT_STATUS),
  ct_dir: enumType('ct_dir', 8, CT_DIR, 5),
  ifname: {
    name: 'ifname',
    bits: 128,
    bitmask: false,
    address: false,
    perLine: 0,
    parse: (w) => w,
    format: (v) => `"${String(v)}"`,
  },
  fib_addrtype: enumType('fib_addrtype', 32, FIB_TYPES),
  nf_proto: enumType('nf_proto', 8, NFPROTO, 5),
  ether_type: enumType('ether_type', 16, ETHER),
  icmp_type: enumType('icmp_type', 8, ICMP),
  verdict: { name: 'verdict', bits: 32, bitmask: false, address: false, perLine: 0, parse: () => undefined, format: (v) => String(v) },
};

export function isTypeName(s: string): s is NftTypeName {
  return Object.hasOwn(DATATYPES, s);
}

/** uint32 network mask of a prefix length. */
export function prefixMask(len: number): number {
  return len <= 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}
