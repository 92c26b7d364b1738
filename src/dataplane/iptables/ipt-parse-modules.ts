// Match modules and targets: which options each one owns, and how the collected options
// become a typed IptMatch / IptTarget (with iptables' checks and its normalizations,
// e.g. every MARK variant as --set-xmark value/mask).
import { parseIPv4 } from '../../core/ip.js';
import { chainName, fail, list, parseNatRange, parseNumber, parsePortRange, parsePorts } from './ipt-parse-values.js';
import type { IptMatch, IptPortMatch, IptTarget } from './ipt-types.js';

export type Draft = { m: string; o: Record<string, unknown> };

const REJECT_ALIASES: Record<string, string> = {
  'icmp-net-unreachable': 'icmp-net-unreachable',
  'net-unreach': 'icmp-net-unreachable',
  'icmp-host-unreachable': 'icmp-host-unreachable',
  'host-unreach': 'icmp-host-unreachable',
  'icmp-port-unreachable': 'icmp-port-unreachable',
  'port-unreach': 'icmp-port-unreachable',
  'icmp-proto-unreachable': 'icmp-proto-unreachable',
  'proto-unreach': 'icmp-proto-unreachable',
  'icmp-net-prohibited': 'icmp-net-prohibited',
  'net-prohib': 'icmp-net-prohibited',
  'icmp-host-prohibited': 'icmp-host-prohibited',
  'host-prohib': 'icmp-host-prohibited',
  'icmp-admin-prohibited': 'icmp-admin-prohibited',
  'admin-prohib': 'icmp-admin-prohibited',
  'tcp-reset': 'tcp-reset',
  'tcp-rst': 'tcp-reset',
};
const CT_STATES = new Set(['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT']);
const CT_STATUS = new Set(['NONE', 'EXPECTED', 'SEEN_REPLY', 'ASSURED', 'CONFIRMED']);
const ADDR_TYPES = new Set(['UNSPEC', 'UNICAST', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST', 'BLACKHOLE', 'UNREACHABLE', 'PROHIBIT', 'THROW', 'NAT', 'XRESOLVE']);
const ICMP_TYPES: Record<string, number> = { 'echo-reply': 0, 'destination-unreachable': 3, 'echo-request': 8, 'time-exceeded': 11 };

export const MATCHES = new Set(['comment', 'tcp', 'udp', 'sctp', 'multiport', 'addrtype', 'statistic', 'recent', 'mark', 'conntrack', 'state', 'nfacct', 'icmp']);
export const MATCH_OPTS: Record<string, Set<string>> = {
  comment: new Set(['comment']),
  tcp: new Set(['dport', 'sport', 'destination-port', 'source-port']),
  udp: new Set(['dport', 'sport', 'destination-port', 'source-port']),
  sctp: new Set(['dport', 'sport', 'destination-port', 'source-port']),
  multiport: new Set(['dports', 'sports', 'ports', 'destination-ports', 'source-ports']),
  addrtype: new Set(['src-type', 'dst-type', 'limit-iface-in', 'limit-iface-out']),
  statistic: new Set(['mode', 'probability', 'every', 'packet']),
  recent: new Set(['name', 'set', 'rcheck', 'update', 'remove', 'seconds', 'reap', 'hitcount', 'rttl', 'rsource', 'rdest', 'mask']),
  mark: new Set(['mark']),
  conntrack: new Set(['ctstate', 'ctstatus', 'ctdir']),
  state: new Set(['state']),
  nfacct: new Set(['nfacct-name']),
  icmp: new Set(['icmp-type']),
};

export function matchOption(d: Draft, opt: string, val: () => string | undefined, neg: boolean): void {
  const o = d.o;
  switch (opt) {
    case 'dport':
    case 'destination-port':
      o.dport = parsePortRange(val(), neg);
      return;
    case 'sport':
    case 'source-port':
      o.sport = parsePortRange(val(), neg);
      return;
    case 'set':
    case 'rcheck':
    case 'update':
    case 'remove':
      if (o.op !== undefined) fail('recent: only one of --set, --rcheck, --update, --remove');
      o.op = opt;
      o.neg = neg;
      return;
    case 'reap':
    case 'rttl':
    case 'limit-iface-in':
    case 'limit-iface-out':
      o[opt] = true;
      return;
    case 'rsource':
    case 'rdest':
      o.side = opt;
      return;
    default: {
      const v = val();
      if (v === undefined) fail(`option "--${opt}" requires an argument`);
      o[opt] = v;
      if (neg) o[`${opt}!`] = true;
    }
  }
}

export function targetOption(t: { name: string; o: Record<string, unknown> }, opt: string, val: () => string | undefined, neg: boolean): void {
  if (neg) fail(`"!" not allowed with target option --${opt}`);
  if (opt === 'random' || opt === 'random-fully' || opt === 'persistent') {
    t.o[opt] = true;
    return;
  }
  const v = val();
  if (v === undefined) fail(`option "--${opt}" requires an argument`);
  t.o[opt] = v;
}

function str(o: Record<string, unknown>, k: string): string | undefined {
  return o[k] as string | undefined;
}

export function finishMatch(d: Draft, proto: { proto: number; neg: boolean } | undefined): IptMatch {
  const o = d.o;
  switch (d.m) {
    case 'comment': {
      const c = str(o, 'comment');
      if (c === undefined) fail('comment: --comment is required');
      return { m: 'comment', comment: c };
    }
    case 'tcp':
    case 'udp':
    case 'sctp': {
      const want = d.m === 'tcp' ? 6 : d.m === 'udp' ? 17 : 132;
      if (proto === undefined || proto.neg || proto.proto !== want) fail(`${d.m} match: only valid for protocol ${want}`);
      return { m: d.m, ...(o.sport !== undefined ? { sport: o.sport as IptPortMatch } : {}), ...(o.dport !== undefined ? { dport: o.dport as IptPortMatch } : {}) };
    }
    case 'icmp': {
      const t = str(o, 'icmp-type');
      if (t === undefined) fail('icmp: --icmp-type is required');
      const [ty, code] = t.split('/');
      const type = ICMP_TYPES[ty ?? ''] ?? parseNumber(ty, 'icmp type');
      return { m: 'icmp', type, ...(code !== undefined ? { code: parseNumber(code, 'icmp code') } : {}), neg: o['icmp-type!'] === true };
    }
    case 'multiport': {
      const key = ['dports', 'destination-ports', 'sports', 'source-ports', 'ports'].find((k) => o[k] !== undefined);
      if (key === undefined) fail('multiport needs --dports, --sports or --ports');
      if (proto === undefined || ![6, 17, 132].includes(proto.proto)) fail('multiport needs `-p tcp\', `-p udp\' or `-p sctp\'');
      const ports = str(o, key)!
        .split(',')
        .map((p): [number, number] => {
          const r = parsePortRange(p, false);
          return [r.lo, r.hi];
        });
      const dir = key.startsWith('d') ? 'dports' : key.startsWith('s') ? 'sports' : 'ports';
      return { m: 'multiport', dir, ports, neg: o[`${key}!`] === true };
    }
    case 'addrtype': {
      const src = str(o, 'src-type');
      const dst = str(o, 'dst-type');
      if (src === undefined && dst === undefined) fail('addrtype: you must specify --src-type or --dst-type');
      return {
        m: 'addrtype',
        ...(src !== undefined ? { src: { types: list(src, ADDR_TYPES, 'addrtype'), neg: o['src-type!'] === true } } : {}),
        ...(dst !== undefined ? { dst: { types: list(dst, ADDR_TYPES, 'addrtype'), neg: o['dst-type!'] === true } } : {}),
        ...(o['limit-iface-in'] === true ? { limitIfaceIn: true } : {}),
        ...(o['limit-iface-out'] === true ? { limitIfaceOut: true } : {}),
      };
    }
    case 'statistic': {
      const mode = str(o, 'mode');
      if (mode === 'random') {
        const p = Number(str(o, 'probability'));
        if (!(p >= 0 && p <= 1)) fail('statistic: --probability must be between 0 and 1');
        return { m: 'statistic', mode, probability: p, neg: o['probability!'] === true };
      }
      if (mode === 'nth') {
        const every = parseNumber(str(o, 'every'), 'statistic --every');
        const packet = o.packet === undefined ? 0 : parseNumber(str(o, 'packet'), 'statistic --packet');
        if (every === 0 || packet >= every) fail('statistic: bad --every/--packet');
        return { m: 'statistic', mode, every, packet, neg: o['every!'] === true, state: { count: packet } };
      }
      return fail('statistic: --mode random|nth is required');
    }
    case 'recent': {
      if (o.op === undefined) fail('recent: one of --set, --rcheck, --update or --remove is required');
      const seconds = o.seconds === undefined ? undefined : parseNumber(str(o, 'seconds'), 'recent --seconds');
      const hitcount = o.hitcount === undefined ? undefined : parseNumber(str(o, 'hitcount'), 'recent --hitcount');
      if (o.reap === true && seconds === undefined) fail('recent: --reap needs --seconds');
      const mask = o.mask === undefined ? 0xffffffff : parseIPv4(str(o, 'mask')!);
      if (typeof mask !== 'number' && !mask.ok) fail('recent: bad --mask');
      return {
        m: 'recent',
        name: str(o, 'name') ?? 'DEFAULT',
        op: o.op as 'set',
        neg: o.neg === true,
        reap: o.reap === true,
        rttl: o.rttl === true,
        side: (o.side as 'rsource' | 'rdest' | undefined) ?? 'rsource',
        mask: typeof mask === 'number' ? mask : mask.value,
        ...(seconds !== undefined ? { seconds } : {}),
        ...(hitcount !== undefined ? { hitcount } : {}),
      };
    }
    case 'mark': {
      const [v, m] = (str(o, 'mark') ?? fail('mark: --mark is required')).split('/');
      return { m: 'mark', value: parseNumber(v, 'mark'), mask: m === undefined ? 0xffffffff : parseNumber(m, 'mark mask'), neg: o['mark!'] === true };
    }
    case 'conntrack': {
      const st = str(o, 'ctstate');
      const status = str(o, 'ctstatus');
      const dir = str(o, 'ctdir');
      if (dir !== undefined && dir !== 'ORIGINAL' && dir !== 'REPLY') fail(`conntrack: bad --ctdir "${dir}"`);
      return {
        m: 'conntrack',
        ...(st !== undefined ? { ctstate: { states: list(st, CT_STATES, 'conntrack --ctstate'), neg: o['ctstate!'] === true } } : {}),
        ...(status !== undefined ? { ctstatus: { states: list(status, CT_STATUS, 'conntrack --ctstatus'), neg: o['ctstatus!'] === true } } : {}),
        ...(dir !== undefined ? { ctdir: dir } : {}),
      };
    }
    case 'state':
      return { m: 'state', states: list(str(o, 'state'), CT_STATES, 'state --state'), neg: o['state!'] === true };
    case 'nfacct':
      return { m: 'nfacct', name: str(o, 'nfacct-name') ?? fail('nfacct: --nfacct-name is required') };
    default:
      return fail(`Couldn't load match \`${d.m}'`);
  }
}

export function finishTarget(t: { name: string; goto: boolean; o: Record<string, unknown> }, proto: { proto: number; neg: boolean } | undefined): IptTarget {
  const o = t.o;
  const known = (...keys: string[]): void => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) fail(`${t.name}: unknown option "--${k}"`);
  };
  const portsNeedProto = (has: boolean): void => {
    if (has && (proto === undefined || proto.neg || ![6, 17, 132, 33].includes(proto.proto))) fail('Need TCP, UDP, SCTP or DCCP with port specification');
  };
  if (t.goto) {
    known();
    return { t: 'chain', chain: chainName(t.name), goto: true };
  }
  switch (t.name) {
    case 'ACCEPT':
    case 'DROP':
    case 'RETURN':
      known();
      return { t: t.name };
    case 'REJECT': {
      known('reject-with');
      const w = str(o, 'reject-with') ?? 'icmp-port-unreachable';
      const canon = REJECT_ALIASES[w];
      if (canon === undefined) fail(`REJECT: unknown --reject-with "${w}"`);
      if (canon === 'tcp-reset' && proto?.proto !== 6) fail('REJECT: --reject-with tcp-reset needs -p tcp');
      return { t: 'REJECT', with: canon };
    }
    case 'DNAT': {
      known('to-destination', 'random', 'persistent');
      const range = parseNatRange(str(o, 'to-destination') ?? fail('DNAT: --to-destination is required'));
      portsNeedProto(range.portMin !== undefined);
      return { t: 'DNAT', range, random: o.random === true, persistent: o.persistent === true };
    }
    case 'SNAT': {
      known('to-source', 'random', 'random-fully', 'persistent');
      const range = parseNatRange(str(o, 'to-source') ?? fail('SNAT: --to-source is required'));
      portsNeedProto(range.portMin !== undefined);
      return { t: 'SNAT', range, random: o.random === true, randomFully: o['random-fully'] === true, persistent: o.persistent === true };
    }
    case 'MASQUERADE': {
      known('to-ports', 'random', 'random-fully');
      const p = str(o, 'to-ports');
      portsNeedProto(p !== undefined);
      return { t: 'MASQUERADE', ...(p !== undefined ? { ports: parsePorts(p) } : {}), random: o.random === true, randomFully: o['random-fully'] === true };
    }
    case 'REDIRECT': {
      known('to-ports', 'random');
      const p = str(o, 'to-ports');
      portsNeedProto(p !== undefined);
      return { t: 'REDIRECT', ...(p !== undefined ? { ports: parsePorts(p) } : {}), random: o.random === true };
    }
    case 'MARK': {
      known('set-xmark', 'set-mark', 'or-mark', 'and-mark', 'xor-mark');
      const keys = Object.keys(o);
      if (keys.length !== 1) fail('MARK: exactly one of --set-xmark, --set-mark, --or-mark, --and-mark, --xor-mark');
      const [v, m] = str(o, keys[0]!)!.split('/');
      const value = parseNumber(v, 'mark');
      const mask = m === undefined ? 0xffffffff : parseNumber(m, 'mark mask');
      switch (keys[0]) {
        case 'set-xmark':
          return { t: 'MARK', value, mask };
        case 'set-mark':
          return { t: 'MARK', value, mask: (mask | value) >>> 0 };
        case 'or-mark':
          return { t: 'MARK', value, mask: value };
        case 'xor-mark':
          return { t: 'MARK', value, mask: 0 };
        default:
          return { t: 'MARK', value: 0, mask: ~value >>> 0 };
      }
    }
    case 'LOG':
      known('log-prefix', 'log-level');
      return { t: 'LOG', ...(o['log-prefix'] !== undefined ? { prefix: str(o, 'log-prefix')! } : {}), ...(o['log-level'] !== undefined ? { level: str(o, 'log-level')! } : {}) };
    default:
      if (/^[A-Z]+$/.test(t.name) && !t.name.includes('-') && ['QUEUE', 'NFQUEUE', 'CONNMARK', 'CT', 'NOTRACK', 'TPROXY', 'TOS', 'TTL'].includes(t.name)) {
        fail(`target ${t.name} is not supported`);
      }
      known();
      return { t: 'chain', chain: chainName(t.name), goto: false };
  }
}
