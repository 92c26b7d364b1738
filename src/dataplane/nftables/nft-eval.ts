// Runs a packet through an nftables base chain: rules in order, each statement in order
// until one fails to match; verdicts jump (push), goto (replace), return (pop), end of a
// regular chain returns, end of the base chain applies its policy; a NAT statement ends
// the chain with accept and hands its request up; reject is drop plus an ICMP/RST the
// caller sends. Set and map lookups are hash lookups (nft-element-store.ts).
import { IP_PROTO_ICMP, IP_PROTO_TCP, IP_PROTO_UDP } from '../flow-key.js';
import type { NftChain, NftExpr, NftRule, NftSet, NftSetRef, NftStmt, NftTable, NftVerdictData } from './nft-ast.js';
import { DATATYPES, type NftScalar } from './nft-datatypes.js';
import { partMatches } from './nft-element-store.js';
import { formatNftRule, formatNftVerdict } from './nft-print-rule.js';
import { NF_ACCEPT, NF_DROP, type NfChainResult, type NfEnv, type NfNatRequest, type NfPacket, type NfTraceEvent, type NfVerdict } from './nf-types.js';

/** NFT_JUMP_STACK_SIZE: deeper jumps drop the packet. */
const MAX_DEPTH = 16;

const CONTINUE: NftVerdictData = { kind: 'continue' };

type Outcome = undefined | NftVerdictData | { readonly kind: 'final'; readonly result: NfChainResult; readonly text: string };

export function evalNftChain(t: NftTable, base: NftChain, pkt: NfPacket, env: NfEnv, trace: NfTraceEvent[] | undefined): NfChainResult {
  const tname = trace === undefined ? '' : `${t.family} ${t.name}`;
  trace?.push({ kind: 'chain', table: tname, chain: base.name, via: 'hook' });
  let stack: { chain: NftChain; i: number }[] | undefined;
  let chain = base;
  let i = 0;
  for (;;) {
    if (i >= chain.rules.length) {
      const top = stack?.pop();
      if (top === undefined) return policy(tname, base, trace);
      trace?.push({ kind: 'return', table: tname, chain: chain.name });
      ({ chain, i } = top);
      continue;
    }
    const rule = chain.rules[i++]!;
    const out = evalRule(t, rule, pkt, env, trace);
    if (out === undefined) continue;
    if (trace !== undefined) {
      const verdict = out.kind === 'final' ? out.text : out === CONTINUE ? undefined : formatNftVerdict(out);
      trace.push({ kind: 'rule', table: tname, chain: chain.name, rule: ruleText(rule), verdict });
    }
    switch (out.kind) {
      case 'final':
        return out.result;
      case 'continue':
        break;
      case 'accept':
        return { verdict: NF_ACCEPT };
      case 'drop':
        return { verdict: NF_DROP };
      case 'return': {
        const top = stack?.pop();
        if (top === undefined) return policy(tname, base, trace);
        ({ chain, i } = top);
        break;
      }
      case 'jump':
      case 'goto': {
        const target = out.target ?? t.chains.get(out.chain);
        if (target === undefined) return { verdict: { kind: 'drop', reason: `no chain ${out.chain}` } };
        if (out.kind === 'jump') {
          stack ??= [];
          if (stack.length >= MAX_DEPTH) return { verdict: { kind: 'drop', reason: 'jump stack exhausted' } };
          stack.push({ chain, i });
        }
        trace?.push({ kind: 'chain', table: tname, chain: target.name, via: out.kind });
        chain = target;
        i = 0;
        break;
      }
    }
  }
}

function policy(table: string, base: NftChain, trace: NfTraceEvent[] | undefined): NfChainResult {
  trace?.push({ kind: 'policy', table, chain: base.name, verdict: base.policy });
  return { verdict: base.policy === 'drop' ? NF_DROP : NF_ACCEPT };
}

function ruleText(r: NftRule): string {
  return (r.text ??= formatNftRule(r, { counters: false }));
}

// Values of the key being looked up; reused (evaluation never nests two lookups).
const vals: NftScalar[] = [];

function evalRule(t: NftTable, rule: NftRule, pkt: NfPacket, env: NfEnv, trace: NfTraceEvent[] | undefined): Outcome {
  for (const s of rule.stmts) {
    switch (s.k) {
      case 'cmp':
        if (!evalCmp(t, s, pkt, env)) return undefined;
        break;
      case 'vmap': {
        const map = setOf(t, s.map);
        if (map === undefined || !evalKey(s.key, pkt, env)) return undefined;
        const el = map.elements.lookup(vals, env.now);
        if (el === undefined || el.data?.k !== 'verdict') return undefined;
        return el.data.v;
      }
      case 'verdict':
        return s.v;
      case 'reject': {
        const w = s.with;
        const verdict: NfVerdict = { kind: 'reject', with: w === undefined ? { kind: 'icmp', type: 'port-unreachable' } : w.kind === 'tcp-reset' ? w : { kind: 'icmp', type: w.type } };
        return { kind: 'final', result: { verdict }, text: 'reject' };
      }
      case 'counter':
        s.packets++;
        s.bytes += pkt.bytes;
        break;
      case 'meta-set': {
        const v = evalExpr(s.value, pkt, env);
        if (typeof v !== 'number') return undefined;
        pkt.mark = v >>> 0;
        break;
      }
      case 'ct-set': {
        const v = evalExpr(s.value, pkt, env);
        if (typeof v !== 'number') return undefined;
        pkt.ct.mark = v >>> 0;
        pkt.ct.newMark = v >>> 0;
        break;
      }
      case 'nat':
        return { kind: 'final', result: { verdict: NF_ACCEPT, nat: natRequest(s) }, text: s.kind };
      case 'set-op':
        if (!setOp(t, s, pkt, env)) return undefined;
        break;
      case 'log':
        trace?.push({ kind: 'note', text: `log${s.prefix !== undefined ? ` prefix "${s.prefix}"` : ''}` });
        break;
      case 'notrack':
        break;
    }
  }
  return CONTINUE;
}

function setOf(t: NftTable, ref: NftSetRef): NftSet | undefined {
  return ref.k === 'named' ? t.sets.get(ref.name) : ref.set;
}

/** Fills `vals` with the key's components; false when one cannot be read (e.g. th dport of ICMP). */
function evalKey(e: NftExpr, pkt: NfPacket, env: NfEnv): boolean {
  if (e.k === 'concat') {
    for (let i = 0; i < e.parts.length; i++) {
      const v = evalExpr(e.parts[i]!, pkt, env);
      if (v === undefined) return false;
      vals[i] = v;
    }
    return true;
  }
  const v = evalExpr(e, pkt, env);
  if (v === undefined) return false;
  vals[0] = v;
  return true;
}

function evalCmp(t: NftTable, s: Extract<NftStmt, { k: 'cmp' }>, pkt: NfPacket, env: NfEnv): boolean {
  const r = s.right;
  if (r.k === 'set') {
    const set = setOf(t, r.ref);
    if (set === undefined || !evalKey(s.left, pkt, env)) return false;
    const found = set.elements.lookup(vals, env.now) !== undefined;
    return s.op === '!=' ? !found : found;
  }
  if (r.k === 'concat') {
    if (!evalKey(s.left, pkt, env)) return false;
    let all = true;
    for (let i = 0; i < r.parts.length && all; i++) all = partMatches(r.parts[i]!, vals[i]!);
    return s.op === '!=' ? !all : all;
  }
  const v = evalExpr(s.left, pkt, env);
  if (v === undefined) return false;
  const p = r.part;
  // Flag types (ct state, ct status): a bare value or `!=` tests bits, as nft does.
  const flags = p.k === 'v' && s.left.k !== 'concat' && DATATYPES[s.left.dtype].bitmask;
  switch (s.op) {
    case 'implicit':
      return flags ? (Number(v) & Number(p.v)) !== 0 : partMatches(p, v);
    case '==':
      return partMatches(p, v);
    case '!=':
      return flags ? (Number(v) & Number(p.v)) === 0 : !partMatches(p, v);
    default: {
      if (p.k !== 'v' || typeof v !== 'number') return false;
      const w = Number(p.v);
      return s.op === '<' ? v < w : s.op === '>' ? v > w : s.op === '<=' ? v <= w : v >= w;
    }
  }
}

function hasPorts(proto: number): boolean {
  return proto === IP_PROTO_TCP || proto === IP_PROTO_UDP || proto === 132;
}

export function evalExpr(e: NftExpr, pkt: NfPacket, env: NfEnv): NftScalar | undefined {
  const k = pkt.key;
  switch (e.k) {
    case 'payload':
      switch (e.proto) {
        case 'ip':
          return e.field === 'saddr' ? k.nwSrc : e.field === 'daddr' ? k.nwDst : e.field === 'protocol' ? k.nwProto : e.field === 'ttl' ? k.nwTtl : pkt.bytes;
        case 'ip6':
          return undefined;
        case 'icmp':
          return k.nwProto === IP_PROTO_ICMP ? (e.field === 'type' ? k.tpSrc : k.tpDst) : undefined;
        default: {
          const need = e.proto === 'tcp' ? IP_PROTO_TCP : e.proto === 'udp' ? IP_PROTO_UDP : e.proto === 'sctp' ? 132 : -1;
          if (need >= 0 ? k.nwProto !== need : !hasPorts(k.nwProto)) return undefined;
          return e.field === 'sport' ? k.tpSrc : k.tpDst;
        }
      }
    case 'meta':
      switch (e.key) {
        case 'l4proto':
          return k.nwProto;
        case 'mark':
          return pkt.mark;
        case 'iifname':
        case 'iif':
          return pkt.iif;
        case 'oifname':
        case 'oif':
          return pkt.oif;
        case 'nfproto':
          return 2;
        case 'protocol':
          return 0x0800;
        case 'length':
          return pkt.bytes;
      }
      return undefined;
    case 'ct':
      return e.key === 'state' ? pkt.ct.state : e.key === 'status' ? pkt.ct.status : e.key === 'mark' ? pkt.ct.mark : pkt.ct.direction;
    case 'fib': {
      const a = e.flags.includes('daddr') ? k.nwDst : k.nwSrc;
      if (env.isLocalAddress(a)) return 2;
      if (a >>> 28 === 14) return 5;
      if (a >>> 0 === 0xffffffff) return 3;
      return 1;
    }
    case 'numgen':
      if (e.mode === 'random') return Math.floor(env.random() * e.mod) + e.offset;
      return (e.state.n++ % e.mod) + e.offset;
    case 'binop': {
      const v = evalExpr(e.left, pkt, env);
      if (typeof v !== 'number') return undefined;
      return (e.op === '&' ? v & e.right : e.op === '|' ? v | e.right : v ^ e.right) >>> 0;
    }
    case 'const':
      return e.value;
    case 'concat':
      return undefined;
  }
}

function setOp(t: NftTable, s: Extract<NftStmt, { k: 'set-op' }>, pkt: NfPacket, env: NfEnv): boolean {
  const set = t.sets.get(s.set);
  if (set === undefined || !evalKey(s.key, pkt, env)) return false;
  const n = set.keyTypes.length;
  const el = set.elements.lookup(vals, env.now);
  if (s.op === 'delete') {
    if (el !== undefined) set.elements.delete(el.key);
    return true;
  }
  const life = s.timeoutMs ?? set.timeoutMs;
  if (el !== undefined) {
    if (s.op === 'update' && life !== undefined) el.expiresAt = env.now + (s.timeoutMs ?? el.timeoutMs ?? life);
    return true;
  }
  // A full dynamic set makes the statement fail (NFT_BREAK): the rule does not match.
  if (set.elements.size >= (set.size ?? 65535)) return false;
  const key = vals.slice(0, n).map((v) => ({ k: 'v' as const, v }));
  set.elements.put(life === undefined ? { key } : { key, expiresAt: env.now + life, ...(s.timeoutMs !== undefined ? { timeoutMs: s.timeoutMs } : {}) });
  return true;
}

function natRequest(s: Extract<NftStmt, { k: 'nat' }>): NfNatRequest {
  return {
    kind: s.kind,
    ...(s.addrMin !== undefined ? { addrMin: s.addrMin, addrMax: s.addrMax ?? s.addrMin } : {}),
    ...(s.portMin !== undefined ? { portMin: s.portMin, portMax: s.portMax ?? s.portMin } : {}),
    ...(s.flags.includes('random') ? { random: true } : {}),
    ...(s.flags.includes('fully-random') ? { fullyRandom: true } : {}),
    ...(s.flags.includes('persistent') ? { persistent: true } : {}),
  };
}
