// Rules printed the way `nft list ruleset` (nft 1.0.6) prints them: `meta mark set meta
// mark | 0x00004000`, marks as 0x%08x, flag lists as `established,new`, single-element
// anonymous sets as plain values, `meta l4proto tcp th dport 80` as `tcp dport 80`,
// counters as `counter packets N bytes M`.
import type { NftElement, NftExpr, NftKeyPart, NftRule, NftSet, NftSetRef, NftStmt, NftVerdictData } from './nft-ast.js';
import { exprTypes } from './nft-ast.js';
import { DATATYPES, type NftTypeName } from './nft-datatypes.js';
import { formatNftTime } from './nft-time.js';

export interface RulePrintOptions {
  /** Print counter values (`counter packets N bytes M`); false prints bare `counter`. */
  readonly counters: boolean;
}

export function formatNftVerdict(v: NftVerdictData): string {
  return v.kind === 'jump' || v.kind === 'goto' ? `${v.kind} ${v.chain}` : v.kind;
}

export function formatPart(p: NftKeyPart, type: NftTypeName): string {
  const dt = DATATYPES[type];
  switch (p.k) {
    case 'v':
      return dt.format(p.v);
    case 'prefix':
      return `${dt.format(p.addr)}/${p.len}`;
    case 'range':
      return `${dt.format(p.lo)}-${dt.format(p.hi)}`;
  }
}

export function formatKey(key: readonly NftKeyPart[], types: readonly NftTypeName[]): string {
  return key.map((p, i) => formatPart(p, types[i] ?? 'integer')).join(' . ');
}

function sortValue(p: NftKeyPart): number | string {
  return p.k === 'v' ? p.v : p.k === 'prefix' ? p.addr : p.lo;
}

/** Orders elements by their key values (interval and anonymous sets print sorted). */
export function sortElements(els: NftElement[]): NftElement[] {
  return els.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) {
      const x = sortValue(a.key[i]!);
      const y = sortValue(b.key[i]!);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
}

export function formatElement(el: NftElement, set: Pick<NftSet, 'keyTypes' | 'dataTypes'>, now: number | undefined): string {
  let s = formatKey(el.key, set.keyTypes);
  if (el.timeoutMs !== undefined) s += ` timeout ${formatNftTime(el.timeoutMs)}`;
  if (el.expiresAt !== undefined && now !== undefined) s += ` expires ${formatNftTime(el.expiresAt - now)}`;
  if (el.comment !== undefined) s += ` comment "${el.comment}"`;
  if (el.data !== undefined) s += ` : ${el.data.k === 'verdict' ? formatNftVerdict(el.data.v) : formatKey(el.data.v, set.dataTypes ?? [])}`;
  return s;
}

function formatSetRef(ref: NftSetRef): string {
  if (ref.k === 'named') return `@${ref.name}`;
  const els = sortElements(ref.set.elements.list());
  if (ref.set.kind === 'set' && els.length === 1) return formatElement(els[0]!, ref.set, undefined);
  return `{ ${els.map((e) => formatElement(e, ref.set, undefined)).join(', ')} }`;
}

const BARE_META = new Set(['iifname', 'oifname', 'iif', 'oif']);

export function formatNftExpr(e: NftExpr, ctxProto?: string): string {
  switch (e.k) {
    case 'payload':
      return `${e.proto === 'th' && ctxProto !== undefined ? ctxProto : e.proto} ${e.field}`;
    case 'meta':
      return BARE_META.has(e.key) ? e.key : `meta ${e.key}`;
    case 'ct':
      return `ct ${e.key}`;
    case 'fib':
      return `fib ${e.flags.join(' . ')} type`;
    case 'numgen':
      return `numgen ${e.mode} mod ${e.mod}${e.offset !== 0 ? ` offset ${e.offset}` : ''}`;
    case 'concat':
      return e.parts.map((p) => formatNftExpr(p, ctxProto)).join(' . ');
    case 'binop':
      return `${formatNftExpr(e.left, ctxProto)} ${e.op} ${DATATYPES[e.dtype === 'mark' ? 'mark' : e.dtype].format(e.right)}`;
    case 'const':
      return DATATYPES[e.dtype].format(e.value);
  }
}

function l4protoOf(s: NftStmt): string | undefined {
  if (s.k !== 'cmp' || (s.op !== 'implicit' && s.op !== '==') || s.right.k !== 'part' || s.right.part.k !== 'v') return undefined;
  if (s.left.k === 'meta' && s.left.key === 'l4proto') return s.right.part.v === 6 ? 'tcp' : s.right.part.v === 17 ? 'udp' : undefined;
  if (s.left.k === 'payload' && (s.left.proto === 'tcp' || s.left.proto === 'udp')) return s.left.proto;
  return undefined;
}

function startsWithTh(s: NftStmt | undefined): boolean {
  if (s === undefined || s.k !== 'cmp') return false;
  const l = s.left.k === 'concat' ? s.left.parts[0] : s.left;
  return l !== undefined && l.k === 'payload' && l.proto === 'th';
}

export function formatNftStmt(s: NftStmt, opts: RulePrintOptions, ctxProto?: string): string {
  switch (s.k) {
    case 'cmp': {
      const lhs = formatNftExpr(s.left, ctxProto);
      const types = exprTypes(s.left);
      let op = s.op === 'implicit' ? '' : `${s.op} `;
      if (s.op === '==' && s.left.k !== 'binop' && !(s.left.k !== 'concat' && DATATYPES[s.left.dtype].bitmask)) op = '';
      const r = s.right;
      const rhs = r.k === 'set' ? formatSetRef(r.ref) : r.k === 'concat' ? formatKey(r.parts, types) : formatPart(r.part, types[0]!);
      return `${lhs} ${op}${rhs}`;
    }
    case 'vmap':
      return `${formatNftExpr(s.key, ctxProto)} vmap ${formatSetRef(s.map)}`;
    case 'verdict':
      return formatNftVerdict(s.v);
    case 'reject':
      if (s.with === undefined) return 'reject';
      return s.with.kind === 'tcp-reset' ? 'reject with tcp reset' : `reject with ${s.with.kind} ${s.with.type}`;
    case 'counter':
      return opts.counters ? `counter packets ${s.packets} bytes ${s.bytes}` : 'counter';
    case 'meta-set':
      return `meta mark set ${formatNftExpr(s.value)}`;
    case 'ct-set':
      return `ct mark set ${formatNftExpr(s.value)}`;
    case 'nat': {
      let out = s.kind + (s.family !== undefined ? ` ${s.family}` : '');
      const port = s.portMin === undefined ? '' : s.portMax !== undefined && s.portMax !== s.portMin ? `${s.portMin}-${s.portMax}` : `${s.portMin}`;
      if (s.addrMin !== undefined) {
        const a = DATATYPES.ipv4_addr.format(s.addrMin);
        const addr = s.addrMax !== undefined && s.addrMax !== s.addrMin ? `${a}-${DATATYPES.ipv4_addr.format(s.addrMax)}` : a;
        out += ` to ${addr}${port !== '' ? `:${port}` : ''}`;
      } else if (port !== '') out += ` to :${port}`;
      if (s.flags.length > 0) out += ` ${s.flags.join(',')}`;
      return out;
    }
    case 'set-op':
      return `${s.op} @${s.set} { ${formatNftExpr(s.key)}${s.timeoutMs !== undefined ? ` timeout ${formatNftTime(s.timeoutMs)}` : ''} }`;
    case 'log':
      return `log${s.prefix !== undefined ? ` prefix "${s.prefix}"` : ''}${s.level !== undefined ? ` level ${s.level}` : ''}`;
    case 'notrack':
      return 'notrack';
  }
}

export function formatNftRule(r: Pick<NftRule, 'stmts' | 'comment'>, opts: RulePrintOptions): string {
  const parts: string[] = [];
  let ctx: string | undefined;
  const stmts = r.stmts;
  for (let i = 0; i < stmts.length; i++) {
    const s = stmts[i]!;
    const proto = l4protoOf(s);
    // nft drops `meta l4proto tcp` that only guards the next `th` match and prints `tcp dport`.
    if (proto !== undefined && s.k === 'cmp' && s.left.k === 'meta' && startsWithTh(stmts[i + 1])) {
      ctx = proto;
      continue;
    }
    parts.push(formatNftStmt(s, opts, ctx));
    if (proto !== undefined) ctx = proto;
  }
  if (r.comment !== undefined) parts.push(`comment "${r.comment}"`);
  return parts.join(' ');
}
