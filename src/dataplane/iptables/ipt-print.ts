// iptables-save output (iptables 1.8.9, legacy and nft backends print the same): per
// table the built-in chains with policy and counters, user chains sorted by name, then
// the rules of each chain in that order in canonical form — `-s/-d` with a prefix length,
// `-i/-o`, `-p` by name, then the matches in order (`-m tcp --dport` where `--dport` was
// implied), then the target (`MARK --set-xmark V/M`, `--probability` with 11 decimals,
// REJECT with its default `--reject-with icmp-port-unreachable`).
import { formatIPv4, type IPv4 } from '../../core/ip.js';
import type { IptRuleset } from './ipt-ruleset.js';
import { BUILTIN_CHAINS, PROTO_NAMES, type IptAddr, type IptChain, type IptMatch, type IptNatRange, type IptPortMatch, type IptRuleSpec, type IptTable, type IptTarget } from './ipt-types.js';

export interface SaveOptions {
  /** Prefix rules with `[pkts:bytes]` (iptables-save -c). */
  readonly counters?: boolean;
  /** Print only this table. */
  readonly table?: string;
}

export function formatIptablesSave(rs: IptRuleset, opts: SaveOptions = {}): string {
  let out = '';
  for (const t of rs.tables.values()) if (opts.table === undefined || opts.table === t.name) out += formatIptTable(t, opts);
  return out;
}

function orderedChains(t: IptTable): IptChain[] {
  const builtins = BUILTIN_CHAINS[t.name].map((n) => t.chains.get(n)!);
  const users = [...t.chains.values()].filter((c) => !c.builtin).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [...builtins, ...users];
}

export function formatIptTable(t: IptTable, opts: SaveOptions = {}): string {
  const chains = orderedChains(t);
  const lines = [`*${t.name}`];
  for (const c of chains) lines.push(`:${c.name} ${c.builtin ? c.policy : '-'} [${c.builtin ? c.packets : 0}:${c.builtin ? c.bytes : 0}]`);
  for (const c of chains) {
    for (const r of c.rules) {
      const body = formatIptRule(r);
      const text = `-A ${c.name}${body === '' ? '' : ` ${body}`}`;
      lines.push(opts.counters === true ? `[${r.packets}:${r.bytes}] ${text}` : text);
    }
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}

function addr(flag: string, a: IptAddr | undefined): string[] {
  if (a === undefined) return [];
  return [...(a.neg ? ['!'] : []), flag, `${formatIPv4(a.addr as IPv4)}/${a.len}`];
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

function portText(p: IptPortMatch): string {
  return p.lo === p.hi ? `${p.lo}` : `${p.lo}:${p.hi}`;
}

const PROTO_BY_NUM = new Map(Object.entries(PROTO_NAMES).map(([k, v]) => [v, k]));
const CT_ORDER = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'];

function ctList(states: readonly string[]): string {
  return CT_ORDER.filter((s) => states.includes(s)).join(',');
}

function neg(n: boolean): string[] {
  return n ? ['!'] : [];
}

export function formatIptMatch(m: IptMatch): string[] {
  switch (m.m) {
    case 'comment':
      return ['-m', 'comment', '--comment', quote(m.comment)];
    case 'tcp':
    case 'udp':
    case 'sctp':
      return [
        '-m',
        m.m,
        ...(m.sport !== undefined ? [...neg(m.sport.neg), '--sport', portText(m.sport)] : []),
        ...(m.dport !== undefined ? [...neg(m.dport.neg), '--dport', portText(m.dport)] : []),
      ];
    case 'multiport':
      return ['-m', 'multiport', ...neg(m.neg), `--${m.dir}`, m.ports.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}:${hi}`)).join(',')];
    case 'addrtype':
      return [
        '-m',
        'addrtype',
        ...(m.src !== undefined ? [...neg(m.src.neg), '--src-type', m.src.types.join(',')] : []),
        ...(m.dst !== undefined ? [...neg(m.dst.neg), '--dst-type', m.dst.types.join(',')] : []),
        ...(m.limitIfaceIn === true ? ['--limit-iface-in'] : []),
        ...(m.limitIfaceOut === true ? ['--limit-iface-out'] : []),
      ];
    case 'statistic':
      if (m.mode === 'random') return ['-m', 'statistic', '--mode', 'random', ...neg(m.neg), '--probability', m.probability.toFixed(11)];
      return ['-m', 'statistic', '--mode', 'nth', ...neg(m.neg), '--every', `${m.every}`, ...(m.packet !== 0 ? ['--packet', `${m.packet}`] : [])];
    case 'recent':
      return [
        '-m',
        'recent',
        ...neg(m.neg),
        `--${m.op}`,
        ...(m.seconds !== undefined ? ['--seconds', `${m.seconds}`] : []),
        ...(m.reap ? ['--reap'] : []),
        ...(m.hitcount !== undefined ? ['--hitcount', `${m.hitcount}`] : []),
        ...(m.rttl ? ['--rttl'] : []),
        '--name',
        m.name,
        '--mask',
        formatIPv4(m.mask as IPv4),
        `--${m.side}`,
      ];
    case 'mark':
      return ['-m', 'mark', ...neg(m.neg), '--mark', m.mask === 0xffffffff ? hex(m.value) : `${hex(m.value)}/${hex(m.mask)}`];
    case 'conntrack':
      return [
        '-m',
        'conntrack',
        ...(m.ctstate !== undefined ? [...neg(m.ctstate.neg), '--ctstate', ctList(m.ctstate.states)] : []),
        ...(m.ctstatus !== undefined ? [...neg(m.ctstatus.neg), '--ctstatus', m.ctstatus.states.join(',')] : []),
        ...(m.ctdir !== undefined ? ['--ctdir', m.ctdir] : []),
      ];
    case 'state':
      return ['-m', 'state', ...neg(m.neg), '--state', ctList(m.states)];
    case 'nfacct':
      return ['-m', 'nfacct', '--nfacct-name', m.name];
    case 'icmp':
      return ['-m', 'icmp', ...neg(m.neg), '--icmp-type', m.code === undefined ? `${m.type}` : `${m.type}/${m.code}`];
  }
}

function natRange(r: IptNatRange): string {
  let s = '';
  if (r.addrMin !== undefined) {
    s = formatIPv4(r.addrMin as IPv4);
    if (r.addrMax !== undefined && r.addrMax !== r.addrMin) s += `-${formatIPv4(r.addrMax as IPv4)}`;
  }
  if (r.portMin !== undefined) s += r.portMax !== undefined && r.portMax !== r.portMin ? `:${r.portMin}-${r.portMax}` : `:${r.portMin}`;
  return s;
}

function ports(p: readonly [number, number]): string {
  return p[0] === p[1] ? `${p[0]}` : `${p[0]}-${p[1]}`;
}

export function formatIptTargetArgs(tg: IptTarget): string[] {
  switch (tg.t) {
    case 'ACCEPT':
    case 'DROP':
    case 'RETURN':
      return ['-j', tg.t];
    case 'chain':
      return [tg.goto ? '-g' : '-j', tg.chain];
    case 'REJECT':
      return ['-j', 'REJECT', '--reject-with', tg.with];
    case 'DNAT':
      return ['-j', 'DNAT', '--to-destination', natRange(tg.range), ...(tg.random ? ['--random'] : []), ...(tg.persistent ? ['--persistent'] : [])];
    case 'SNAT':
      return [
        '-j',
        'SNAT',
        '--to-source',
        natRange(tg.range),
        ...(tg.random ? ['--random'] : []),
        ...(tg.randomFully ? ['--random-fully'] : []),
        ...(tg.persistent ? ['--persistent'] : []),
      ];
    case 'MASQUERADE':
      return ['-j', 'MASQUERADE', ...(tg.ports !== undefined ? ['--to-ports', ports(tg.ports)] : []), ...(tg.random ? ['--random'] : []), ...(tg.randomFully ? ['--random-fully'] : [])];
    case 'REDIRECT':
      return ['-j', 'REDIRECT', ...(tg.ports !== undefined ? ['--to-ports', ports(tg.ports)] : []), ...(tg.random ? ['--random'] : [])];
    case 'MARK':
      return ['-j', 'MARK', '--set-xmark', `${hex(tg.value)}/${hex(tg.mask)}`];
    case 'LOG':
      return ['-j', 'LOG', ...(tg.prefix !== undefined ? ['--log-prefix', quote(tg.prefix)] : []), ...(tg.level !== undefined ? ['--log-level', tg.level] : [])];
  }
}

/** The target as a trace verdict ("DNAT --to-destination 10.180.0.1:80", "KUBE-SVC-..."). */
export function formatIptTarget(tg: IptTarget): string {
  const args = formatIptTargetArgs(tg);
  return tg.t === 'chain' ? `${tg.goto ? 'goto' : 'jump'} ${tg.chain}` : args.slice(1).join(' ');
}

/** A rule's options after `-A CHAIN`, in iptables-save order. */
export function formatIptRule(r: IptRuleSpec): string {
  const parts: string[] = [...addr('-s', r.src), ...addr('-d', r.dst)];
  if (r.in !== undefined) parts.push(...neg(r.in.neg), '-i', r.in.name);
  if (r.out !== undefined) parts.push(...neg(r.out.neg), '-o', r.out.name);
  if (r.proto !== undefined && r.proto.proto !== 0) parts.push(...neg(r.proto.neg), '-p', PROTO_BY_NUM.get(r.proto.proto) ?? `${r.proto.proto}`);
  for (const m of r.matches) parts.push(...formatIptMatch(m));
  if (r.target !== undefined) parts.push(...formatIptTargetArgs(r.target));
  return parts.join(' ');
}
