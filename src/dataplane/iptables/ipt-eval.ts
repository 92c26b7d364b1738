// Runs a packet through an iptables built-in chain: rules in order (linear, as in the
// kernel), counters on match, -j CHAIN pushes, -g CHAIN replaces, RETURN or the end of a
// user chain pops, the end of a built-in chain applies its policy. DNAT/SNAT/MASQUERADE/
// REDIRECT end the chain with accept and hand up a NAT request; MARK and LOG continue.
import { IP_PROTO_ICMP } from '../flow-key.js';
import {
  IPS_ASSURED,
  IPS_CONFIRMED,
  IPS_DST_NAT,
  IPS_EXPECTED,
  IPS_SEEN_REPLY,
  IPS_SRC_NAT,
  NF_ACCEPT,
  NF_CT_STATE_ESTABLISHED,
  NF_CT_STATE_INVALID,
  NF_CT_STATE_NEW,
  NF_CT_STATE_RELATED,
  NF_CT_STATE_UNTRACKED,
  NF_DROP,
  type NfChainResult,
  type NfEnv,
  type NfNatRequest,
  type NfPacket,
  type NfTraceEvent,
} from '../nftables/nf-types.js';
import { formatIptRule, formatIptTarget } from './ipt-print.js';
import type { IptRecentTables } from './ipt-recent.js';
import type { IptChain, IptMatch, IptNatRange, IptRule, IptTable, IptTarget } from './ipt-types.js';

const MAX_DEPTH = 64;

export function evalIptChain(t: IptTable, base: IptChain, pkt: NfPacket, env: NfEnv, recent: IptRecentTables, trace: NfTraceEvent[] | undefined): NfChainResult {
  trace?.push({ kind: 'chain', table: t.name, chain: base.name, via: 'hook' });
  const stack: { chain: IptChain; i: number }[] = [];
  let chain = base;
  let i = 0;
  for (;;) {
    if (i >= chain.rules.length) {
      const top = stack.pop();
      if (top === undefined) return policy(t, base, pkt, trace);
      trace?.push({ kind: 'return', table: t.name, chain: chain.name });
      ({ chain, i } = top);
      continue;
    }
    const r = chain.rules[i++]!;
    if (!ruleMatches(r, pkt, env, recent)) continue;
    r.packets++;
    r.bytes += pkt.bytes;
    const tg = r.target;
    if (trace !== undefined) trace.push({ kind: 'rule', table: t.name, chain: chain.name, rule: ruleText(chain, r), verdict: tg === undefined ? undefined : formatIptTarget(tg) });
    if (tg === undefined) continue;
    switch (tg.t) {
      case 'ACCEPT':
        return { verdict: NF_ACCEPT };
      case 'DROP':
        return { verdict: NF_DROP };
      case 'RETURN': {
        const top = stack.pop();
        if (top === undefined) return policy(t, base, pkt, trace);
        ({ chain, i } = top);
        break;
      }
      case 'chain': {
        const next = t.chains.get(tg.chain);
        if (next === undefined) return { verdict: { kind: 'drop', reason: `no chain ${tg.chain}` } };
        if (!tg.goto) {
          if (stack.length >= MAX_DEPTH) return { verdict: { kind: 'drop', reason: 'chain depth exceeded' } };
          stack.push({ chain, i });
        }
        trace?.push({ kind: 'chain', table: t.name, chain: next.name, via: tg.goto ? 'goto' : 'jump' });
        chain = next;
        i = 0;
        break;
      }
      case 'REJECT':
        return { verdict: { kind: 'reject', with: tg.with === 'tcp-reset' ? { kind: 'tcp-reset' } : { kind: 'icmp', type: tg.with.replace(/^icmp-/, '') } } };
      case 'MARK':
        pkt.mark = ((pkt.mark & ~tg.mask) ^ tg.value) >>> 0;
        break;
      case 'LOG':
        break;
      default:
        return { verdict: NF_ACCEPT, nat: natRequest(tg) };
    }
  }
}

function policy(t: IptTable, base: IptChain, pkt: NfPacket, trace: NfTraceEvent[] | undefined): NfChainResult {
  base.packets++;
  base.bytes += pkt.bytes;
  trace?.push({ kind: 'policy', table: t.name, chain: base.name, verdict: base.policy });
  return { verdict: base.policy === 'DROP' ? NF_DROP : NF_ACCEPT };
}

function ruleText(c: IptChain, r: IptRule): string {
  return (r.text ??= `-A ${c.name} ${formatIptRule(r)}`.trimEnd());
}

function ifaceMatches(want: { name: string; neg: boolean }, have: string): boolean {
  const n = want.name;
  const m = n.endsWith('+') ? have.startsWith(n.slice(0, -1)) : have === n;
  return m !== want.neg;
}

function ruleMatches(r: IptRule, pkt: NfPacket, env: NfEnv, recent: IptRecentTables): boolean {
  const k = pkt.key;
  if (r.src !== undefined && (((k.nwSrc & maskOf(r.src.len)) >>> 0 === r.src.addr) === r.src.neg)) return false;
  if (r.dst !== undefined && (((k.nwDst & maskOf(r.dst.len)) >>> 0 === r.dst.addr) === r.dst.neg)) return false;
  if (r.proto !== undefined && r.proto.proto !== 0 && (k.nwProto === r.proto.proto) === r.proto.neg) return false;
  if (r.in !== undefined && !ifaceMatches(r.in, pkt.iif)) return false;
  if (r.out !== undefined && !ifaceMatches(r.out, pkt.oif)) return false;
  for (const m of r.matches) if (!matchHolds(m, pkt, env, recent)) return false;
  return true;
}

function maskOf(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

function inRange(p: { lo: number; hi: number; neg: boolean } | undefined, v: number): boolean {
  return p === undefined || (v >= p.lo && v <= p.hi) !== p.neg;
}

function addrType(a: number, env: NfEnv): string {
  if (env.isLocalAddress(a)) return 'LOCAL';
  if (a >>> 28 === 14) return 'MULTICAST';
  if (a >>> 0 === 0xffffffff) return 'BROADCAST';
  if (a === 0) return 'UNSPEC';
  return 'UNICAST';
}

const STATE_BITS: Record<string, number> = {
  INVALID: NF_CT_STATE_INVALID,
  ESTABLISHED: NF_CT_STATE_ESTABLISHED,
  RELATED: NF_CT_STATE_RELATED,
  NEW: NF_CT_STATE_NEW,
  UNTRACKED: NF_CT_STATE_UNTRACKED,
};
const STATUS_BITS: Record<string, number> = { EXPECTED: IPS_EXPECTED, SEEN_REPLY: IPS_SEEN_REPLY, ASSURED: IPS_ASSURED, CONFIRMED: IPS_CONFIRMED };

function ctStateHolds(states: readonly string[], pkt: NfPacket): boolean {
  for (const s of states) {
    if (s === 'SNAT' ? (pkt.ct.status & IPS_SRC_NAT) !== 0 : s === 'DNAT' ? (pkt.ct.status & IPS_DST_NAT) !== 0 : pkt.ct.state === STATE_BITS[s]) return true;
  }
  return false;
}

function matchHolds(m: IptMatch, pkt: NfPacket, env: NfEnv, recent: IptRecentTables): boolean {
  const k = pkt.key;
  switch (m.m) {
    case 'comment':
    case 'nfacct':
      return true;
    case 'tcp':
    case 'udp':
    case 'sctp':
      if (k.nwProto !== (m.m === 'tcp' ? 6 : m.m === 'udp' ? 17 : 132)) return false;
      return inRange(m.sport, k.tpSrc) && inRange(m.dport, k.tpDst);
    case 'multiport': {
      if (k.nwProto !== 6 && k.nwProto !== 17 && k.nwProto !== 132) return false;
      let hit = false;
      for (const [lo, hi] of m.ports) {
        if ((m.dir !== 'dports' && k.tpSrc >= lo && k.tpSrc <= hi) || (m.dir !== 'sports' && k.tpDst >= lo && k.tpDst <= hi)) {
          hit = true;
          break;
        }
      }
      return hit !== m.neg;
    }
    case 'addrtype':
      if (m.src !== undefined && m.src.types.includes(addrType(k.nwSrc, env)) === m.src.neg) return false;
      if (m.dst !== undefined && m.dst.types.includes(addrType(k.nwDst, env)) === m.dst.neg) return false;
      return true;
    case 'statistic':
      if (m.mode === 'random') return env.random() < m.probability !== m.neg;
      m.state.count = m.state.count === m.every - 1 ? 0 : m.state.count + 1;
      return (m.state.count === 0) !== m.neg;
    case 'recent': {
      const addr = ((m.side === 'rsource' ? k.nwSrc : k.nwDst) & m.mask) >>> 0;
      const c = { op: m.op, reap: m.reap, ...(m.seconds !== undefined ? { windowMs: m.seconds * 1000 } : {}), ...(m.hitcount !== undefined ? { hitcount: m.hitcount } : {}) };
      return recent.check(m.name, addr, k.nwTtl, c, env.now, m.rttl) !== m.neg;
    }
    case 'mark':
      return ((pkt.mark & m.mask) >>> 0 === m.value) !== m.neg;
    case 'conntrack':
      if (m.ctstate !== undefined && ctStateHolds(m.ctstate.states, pkt) === m.ctstate.neg) return false;
      if (m.ctstatus !== undefined) {
        const hit = m.ctstatus.states.some((s) => (s === 'NONE' ? pkt.ct.status === 0 : (pkt.ct.status & (STATUS_BITS[s] ?? 0)) !== 0));
        if (hit === m.ctstatus.neg) return false;
      }
      if (m.ctdir !== undefined && (pkt.ct.direction === 1) !== (m.ctdir === 'REPLY')) return false;
      return true;
    case 'state':
      return m.states.some((s) => pkt.ct.state === STATE_BITS[s]) !== m.neg;
    case 'icmp':
      if (k.nwProto !== IP_PROTO_ICMP) return false;
      return (k.tpSrc === m.type && (m.code === undefined || k.tpDst === m.code)) !== m.neg;
  }
}

function rangeReq(r: IptNatRange): { addrMin?: number; addrMax?: number; portMin?: number; portMax?: number } {
  return {
    ...(r.addrMin !== undefined ? { addrMin: r.addrMin, addrMax: r.addrMax ?? r.addrMin } : {}),
    ...(r.portMin !== undefined ? { portMin: r.portMin, portMax: r.portMax ?? r.portMin } : {}),
  };
}

function natRequest(tg: Extract<IptTarget, { t: 'DNAT' | 'SNAT' | 'MASQUERADE' | 'REDIRECT' }>): NfNatRequest {
  switch (tg.t) {
    case 'DNAT':
      return { kind: 'dnat', ...rangeReq(tg.range), ...(tg.random ? { random: true } : {}), ...(tg.persistent ? { persistent: true } : {}) };
    case 'SNAT':
      return { kind: 'snat', ...rangeReq(tg.range), ...(tg.random ? { random: true } : {}), ...(tg.randomFully ? { fullyRandom: true } : {}) };
    case 'MASQUERADE':
      return {
        kind: 'masquerade',
        ...(tg.ports !== undefined ? { portMin: tg.ports[0], portMax: tg.ports[1] } : {}),
        ...(tg.random ? { random: true } : {}),
        ...(tg.randomFully ? { fullyRandom: true } : {}),
      };
    case 'REDIRECT':
      return { kind: 'redirect', ...(tg.ports !== undefined ? { portMin: tg.ports[0], portMax: tg.ports[1] } : {}), ...(tg.random ? { random: true } : {}) };
  }
}
