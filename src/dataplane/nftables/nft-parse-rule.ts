// Rule statements of the nft language: comparisons against values / prefixes / ranges /
// flag lists / sets, verdict maps, verdicts, reject, counter, mark setting, NAT, dynamic
// set updates, log. Expressions live in nft-parse-expr.ts, values and element lists in
// nft-parse-elements.ts.
import type { NftExpr, NftOp, NftRhs, NftSetRef, NftStmt } from './nft-ast.js';
import { exprTypes } from './nft-ast.js';
import type { NftRuleSpec } from './nft-commands.js';
import { DATATYPES } from './nft-datatypes.js';
import { cook, parseAnonSet, parseTime, parseVerdict, rawValue } from './nft-parse-elements.js';
import { parseExpr, parseValueExpr } from './nft-parse-expr.js';
import type { TokStream } from './nft-tokenizer.js';
import { cookPart } from './nft-values.js';

const NAT_FLAGS = new Set(['random', 'fully-random', 'persistent']);

export function parseRuleBody(ts: TokStream): NftRuleSpec {
  const stmts: NftStmt[] = [];
  let comment: string | undefined;
  while (!ts.atEnd()) {
    if (ts.isWord('comment')) {
      ts.next();
      comment = ts.str('comment text');
      continue;
    }
    stmts.push(parseStatement(ts));
  }
  if (stmts.length === 0) ts.fail('empty rule');
  return comment === undefined ? { stmts } : { stmts, comment };
}

function parseStatement(ts: TokStream): NftStmt {
  const t = ts.peek();
  if (t.t !== 'word') ts.fail('expected a statement');
  switch (t.v) {
    case 'accept':
    case 'drop':
    case 'continue':
    case 'return':
    case 'jump':
    case 'goto':
      return { k: 'verdict', v: parseVerdict(ts) };
    case 'reject':
      return parseReject(ts);
    case 'counter': {
      ts.next();
      let packets = 0;
      let bytes = 0;
      if (ts.eatWord('packets')) {
        packets = Number(ts.word('packet count'));
        ts.expectWord('bytes');
        bytes = Number(ts.word('byte count'));
      }
      return { k: 'counter', packets, bytes };
    }
    case 'dnat':
    case 'snat':
    case 'masquerade':
    case 'redirect':
      return parseNat(ts);
    case 'update':
    case 'add':
    case 'delete':
      if (ts.isP('@', 1)) return parseSetOp(ts);
      break;
    case 'log':
      return parseLog(ts);
    case 'notrack':
      ts.next();
      return { k: 'notrack' };
    default:
      break;
  }
  const left = parseExpr(ts);
  if (ts.eatWord('set')) {
    if (left.k === 'meta' && left.key === 'mark') return { k: 'meta-set', key: 'mark', value: parseValueExpr(ts, 'mark') };
    if (left.k === 'ct' && left.key === 'mark') return { k: 'ct-set', key: 'mark', value: parseValueExpr(ts, 'mark') };
    ts.fail('only "meta mark set" and "ct mark set" are supported');
  }
  if (ts.eatWord('vmap')) return { k: 'vmap', key: left, map: parseMapRef(ts, left) };
  const op = parseOp(ts);
  return { k: 'cmp', left, op, right: parseRhs(ts, left) };
}

function parseReject(ts: TokStream): NftStmt {
  ts.next();
  if (!ts.eatWord('with')) return { k: 'reject' };
  const kind = ts.word('icmp, icmpx or tcp');
  if (kind === 'tcp') {
    ts.expectWord('reset');
    return { k: 'reject', with: { kind: 'tcp-reset' } };
  }
  if (kind !== 'icmp' && kind !== 'icmpx') ts.fail(`unsupported reject type '${kind}'`);
  ts.eatWord('type');
  return { k: 'reject', with: { kind, type: ts.word('icmp type') } };
}

function parseNat(ts: TokStream): NftStmt {
  const kind = ts.word() as 'dnat' | 'snat' | 'masquerade' | 'redirect';
  let family: 'ip' | undefined;
  if (ts.isWord('ip') && ts.isWord('to', 1)) {
    ts.next();
    family = 'ip';
  }
  let addrMin: number | undefined;
  let addrMax: number | undefined;
  let portMin: number | undefined;
  let portMax: number | undefined;
  if (ts.eatWord('to')) {
    let addrText = '';
    let portText = '';
    if (ts.eatP(':')) portText = ts.word('port');
    else {
      const w = ts.word('address');
      const c = w.lastIndexOf(':');
      addrText = c < 0 ? w : w.slice(0, c);
      portText = c < 0 ? '' : w.slice(c + 1);
      if (ts.eatP(':')) portText = ts.word('port');
    }
    if (addrText !== '') {
      if (kind === 'masquerade' || kind === 'redirect') ts.fail(`${kind} takes only a port`);
      const p = cookPart({ text: addrText, quoted: false }, 'ipv4_addr');
      if (!p.ok || p.value.k === 'prefix') ts.fail(`bad address '${addrText}'`);
      addrMin = p.value.k === 'range' ? p.value.lo : Number(p.value.v);
      addrMax = p.value.k === 'range' ? p.value.hi : addrMin;
    }
    if (portText !== '') {
      const p = cookPart({ text: portText, quoted: false }, 'inet_service');
      if (!p.ok || p.value.k === 'prefix') ts.fail(`bad port '${portText}'`);
      portMin = p.value.k === 'range' ? p.value.lo : Number(p.value.v);
      portMax = p.value.k === 'range' ? p.value.hi : portMin;
    }
  } else if (kind === 'dnat' || kind === 'snat') ts.fail(`${kind} needs "to"`);
  const flags: string[] = [];
  while (ts.isWord() && NAT_FLAGS.has(ts.peek().v)) {
    flags.push(ts.word());
    if (!ts.eatP(',')) break;
  }
  return {
    k: 'nat',
    kind,
    flags,
    ...(family !== undefined ? { family } : {}),
    ...(addrMin !== undefined ? { addrMin, addrMax: addrMax ?? addrMin } : {}),
    ...(portMin !== undefined ? { portMin, portMax: portMax ?? portMin } : {}),
  };
}

function parseSetOp(ts: TokStream): NftStmt {
  const op = ts.word() as 'update' | 'add' | 'delete';
  ts.expectP('@');
  const set = ts.name('set name');
  ts.expectP('{');
  const key = parseExpr(ts);
  let timeoutMs: number | undefined;
  if (ts.eatWord('timeout')) timeoutMs = parseTime(ts);
  ts.expectP('}');
  return timeoutMs === undefined ? { k: 'set-op', op, set, key } : { k: 'set-op', op, set, key, timeoutMs };
}

function parseLog(ts: TokStream): NftStmt {
  ts.next();
  let prefix: string | undefined;
  let level: string | undefined;
  for (;;) {
    if (ts.eatWord('prefix')) prefix = ts.str('log prefix');
    else if (ts.eatWord('level')) level = ts.word('log level');
    else if (ts.isWord('flags') || ts.isWord('group') || ts.isWord('snaplen') || ts.isWord('queue-threshold')) {
      ts.next();
      ts.word();
    } else break;
  }
  return { k: 'log', ...(prefix !== undefined ? { prefix } : {}), ...(level !== undefined ? { level } : {}) };
}

function parseOp(ts: TokStream): NftOp {
  const t = ts.peek();
  if (t.t === 'p' && (t.v === '==' || t.v === '!=' || t.v === '<' || t.v === '>' || t.v === '<=' || t.v === '>=')) {
    ts.next();
    return t.v;
  }
  const words: Record<string, NftOp> = { eq: '==', ne: '!=', lt: '<', gt: '>', le: '<=', ge: '>=' };
  if (t.t === 'word' && words[t.v] !== undefined) {
    ts.next();
    return words[t.v]!;
  }
  return 'implicit';
}

function parseRhs(ts: TokStream, left: NftExpr): NftRhs {
  const types = exprTypes(left);
  if (ts.eatP('@')) return { k: 'set', ref: { k: 'named', name: ts.name('set name') } };
  if (ts.isP('{')) return { k: 'set', ref: parseAnonSet(ts, types, 'set') };
  if (types.length > 1) {
    const parts = [cook(ts, rawValue(ts), types[0]!)];
    for (let i = 1; i < types.length; i++) {
      ts.expectP('.');
      parts.push(cook(ts, rawValue(ts), types[i]!));
    }
    return { k: 'concat', parts };
  }
  const type = types[0]!;
  if (DATATYPES[type].bitmask) {
    let bits = 0;
    do {
      const p = cook(ts, rawValue(ts), type);
      if (p.k !== 'v') ts.fail('flags cannot be ranges');
      bits |= Number(p.v);
    } while (ts.eatP(','));
    return { k: 'part', part: { k: 'v', v: bits >>> 0 } };
  }
  return { k: 'part', part: cook(ts, rawValue(ts), type) };
}

function parseMapRef(ts: TokStream, key: NftExpr): NftSetRef {
  if (ts.eatP('@')) return { k: 'named', name: ts.name('map name') };
  return parseAnonSet(ts, exprTypes(key), 'map');
}

