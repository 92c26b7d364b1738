// nft expressions: payload (`ip saddr`, `th dport`, `tcp dport`), meta, ct, fib,
// numgen, concatenations and bit operations; and the value side of `meta mark set`.
// Selector expressions are interned (one frozen object per kind).
import type { NftExpr } from './nft-ast.js';
import { DATATYPES, type NftTypeName } from './nft-datatypes.js';
import type { TokStream } from './nft-tokenizer.js';

const META_TYPES: Record<string, NftTypeName> = {
  l4proto: 'inet_proto',
  mark: 'mark',
  iifname: 'ifname',
  oifname: 'ifname',
  iif: 'ifname',
  oif: 'ifname',
  nfproto: 'nf_proto',
  protocol: 'ether_type',
  length: 'integer',
};
const BARE_META = new Set(['mark', 'iifname', 'oifname', 'iif', 'oif']);
const CT_TYPES: Record<string, NftTypeName> = { state: 'ct_state', status: 'ct_status', mark: 'mark', direction: 'ct_dir' };
const IP_FIELDS: Record<string, NftTypeName> = { saddr: 'ipv4_addr', daddr: 'ipv4_addr', protocol: 'inet_proto', ttl: 'integer', length: 'integer' };
const IP6_FIELDS: Record<string, NftTypeName> = { saddr: 'ipv6_addr', daddr: 'ipv6_addr', nexthdr: 'inet_proto', hoplimit: 'integer' };
const FIB_FLAGS = new Set(['saddr', 'daddr', 'iif', 'oif', 'mark']);
export const EXPR_START = new Set(['ip', 'ip6', 'th', 'tcp', 'udp', 'sctp', 'icmp', 'meta', 'ct', 'fib', 'numgen', ...BARE_META]);

export function parseExpr(ts: TokStream): NftExpr {
  const parts = [parseBinop(ts, parsePrimary(ts))];
  while (ts.isP('.') && ts.isWord(undefined, 1) && EXPR_START.has(ts.peek(1).v)) {
    ts.next();
    parts.push(parseBinop(ts, parsePrimary(ts)));
  }
  return parts.length === 1 ? parts[0]! : { k: 'concat', parts };
}

function binopOf(ts: TokStream): '&' | '|' | '^' | undefined {
  const t = ts.peek();
  if (t.t === 'p' && (t.v === '&' || t.v === '|' || t.v === '^')) return t.v;
  if (t.t === 'word') return t.v === 'and' ? '&' : t.v === 'or' ? '|' : t.v === 'xor' ? '^' : undefined;
  return undefined;
}

function parseBinop(ts: TokStream, left: NftExpr): NftExpr {
  let e = left;
  for (let op = binopOf(ts); op !== undefined; op = binopOf(ts)) {
    if (e.k === 'concat') ts.fail('bit operation on a concatenation');
    ts.next();
    const w = ts.word('number');
    const v = DATATYPES.mark.parse(w);
    if (typeof v !== 'number') ts.fail(`bad number '${w}'`);
    e = { k: 'binop', op, left: e, right: v, dtype: e.dtype };
  }
  return e;
}

// Selector expressions are immutable: one shared object per kind keeps big rulesets small.
const interned = new Map<string, NftExpr>();
function intern(key: string, make: () => NftExpr): NftExpr {
  let e = interned.get(key);
  if (e === undefined) {
    e = make();
    Object.freeze(e);
    interned.set(key, e);
  }
  return e;
}

function parsePrimary(ts: TokStream): NftExpr {
  const w = ts.word('expression');
  const e = parsePrimaryUninterned(ts, w);
  return e.k === 'numgen' || e.k === 'fib' ? e : intern(`${e.k} ${formatKey(e)}`, () => e);
}

function formatKey(e: NftExpr): string {
  return e.k === 'payload' ? `${e.proto} ${e.field}` : e.k === 'meta' || e.k === 'ct' ? e.key : '';
}

function parsePrimaryUninterned(ts: TokStream, w: string): NftExpr {
  switch (w) {
    case 'ip':
    case 'ip6': {
      const field = ts.word('field');
      const dtype = (w === 'ip' ? IP_FIELDS : IP6_FIELDS)[field];
      if (dtype === undefined) ts.fail(`unsupported ${w} field '${field}'`);
      return { k: 'payload', proto: w, field, dtype };
    }
    case 'th':
    case 'tcp':
    case 'udp':
    case 'sctp': {
      const field = ts.word('field');
      if (field !== 'sport' && field !== 'dport') ts.fail(`unsupported ${w} field '${field}'`);
      return { k: 'payload', proto: w, field, dtype: 'inet_service' };
    }
    case 'icmp': {
      const field = ts.word('field');
      if (field !== 'type' && field !== 'code') ts.fail(`unsupported icmp field '${field}'`);
      return { k: 'payload', proto: 'icmp', field, dtype: field === 'type' ? 'icmp_type' : 'integer' };
    }
    case 'meta': {
      const key = ts.word('meta key');
      const dtype = META_TYPES[key];
      if (dtype === undefined) ts.fail(`unsupported meta key '${key}'`);
      return { k: 'meta', key: key as never, dtype };
    }
    case 'ct': {
      const key = ts.word('ct key');
      const dtype = CT_TYPES[key];
      if (dtype === undefined) ts.fail(`unsupported ct key '${key}'`);
      return { k: 'ct', key: key as never, dtype };
    }
    case 'fib': {
      const flags = [ts.word('fib flag')];
      while (ts.isP('.') && ts.isWord(undefined, 1) && FIB_FLAGS.has(ts.peek(1).v)) {
        ts.next();
        flags.push(ts.word());
      }
      ts.expectWord('type');
      return { k: 'fib', flags, result: 'type', dtype: 'fib_addrtype' };
    }
    case 'numgen': {
      const mode = ts.word('numgen mode');
      if (mode !== 'random' && mode !== 'inc') ts.fail(`unsupported numgen mode '${mode}'`);
      ts.expectWord('mod');
      const mod = Number(ts.word('modulus'));
      const offset = ts.eatWord('offset') ? Number(ts.word('offset')) : 0;
      if (!(mod > 0)) ts.fail('numgen modulus must be positive');
      return { k: 'numgen', mode, mod, offset, state: { n: 0 }, dtype: 'integer' };
    }
    default:
      if (BARE_META.has(w)) return { k: 'meta', key: w as never, dtype: META_TYPES[w]! };
      return ts.fail(`unsupported expression '${w}'`, ts.last());
  }
}

/** The value side of `meta mark set ...`: an expression or a constant, optionally with a bit operation. */
export function parseValueExpr(ts: TokStream, dtype: NftTypeName): NftExpr {
  if (ts.isWord() && EXPR_START.has(ts.peek().v)) return parseExpr(ts);
  const w = ts.word('value');
  const v = DATATYPES[dtype].parse(w);
  if (v === undefined) ts.fail(`bad ${dtype} '${w}'`);
  return parseBinop(ts, { k: 'const', value: v, dtype });
}
