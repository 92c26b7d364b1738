// `nft -f` input -> commands. Both styles kube-proxy and nft use:
//   add table ip kube-proxy { comment "rules for kube-proxy" ; }
//   add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; }
//   add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips
//   add element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 : goto service-... }
//   flush chain ... / delete element ... / delete chain ...
// and the nested form `nft list ruleset` prints:
//   table ip kube-proxy { chain nat-prerouting { type nat hook ... ; policy accept; jump services } }
import { err, ok, type Result } from '../../core/result.js';
import { NFT_FAMILIES, type NftBaseSpec, type NftExpr, type NftFamily, type NftSetDecl } from './nft-ast.js';
import { exprTypes } from './nft-ast.js';
import type { NftCommand, RawElement } from './nft-commands.js';
import { isTypeName, type NftTypeName } from './nft-datatypes.js';
import { parseRawElements } from './nft-parse-elements.js';
import { parseExpr } from './nft-parse-expr.js';
import { parseRuleBody } from './nft-parse-rule.js';
import { parseNftTime } from './nft-time.js';
import { NftSyntaxError, TokStream } from './nft-tokenizer.js';
import type { NfChainType, NfHook } from './nf-types.js';

export interface NftParseError {
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

export function parseNft(text: string): Result<NftCommand[], NftParseError> {
  try {
    const ts = new TokStream(text);
    const out: NftCommand[] = [];
    ts.skipSeparators();
    while (ts.peek().t !== 'eof') {
      parseTopLevel(ts, out);
      if (!ts.atEnd()) ts.fail('unexpected token');
      ts.skipSeparators();
    }
    return ok(out);
  } catch (e) {
    if (e instanceof NftSyntaxError) return err({ line: e.line, col: e.col, message: e.message });
    throw e;
  }
}

function family(ts: TokStream): NftFamily {
  if (ts.isWord() && (NFT_FAMILIES as readonly string[]).includes(ts.peek().v)) return ts.word() as NftFamily;
  return 'ip';
}

const PRIORITY_NAMES: Record<string, number> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100, out: 100 };
type Verb = 'add' | 'create' | 'insert' | 'replace' | 'delete' | 'destroy' | 'flush';
const VERBS = new Set<string>(['add', 'create', 'insert', 'replace', 'delete', 'destroy', 'flush']);
const HOOKS = new Set(['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress', 'egress']);

function parseTopLevel(ts: TokStream, out: NftCommand[]): void {
  const line = ts.peek().line;
  const w = ts.word('command');
  if (w === 'table') {
    parseNestedTable(ts, out, line);
    return;
  }
  if (!VERBS.has(w)) ts.fail(`unsupported command '${w}'`, ts.last());
  const verb = w as Verb;
  const obj = ts.word('object');
  if (obj === 'ruleset') {
    if (verb !== 'flush') ts.fail('only "flush ruleset" is supported');
    const fam = ts.atEnd() ? undefined : family(ts);
    out.push(fam === undefined ? { op: 'flush', obj: 'ruleset', line } : { op: 'flush', obj: 'ruleset', family: fam, line });
    return;
  }
  const fam = family(ts);
  const table = ts.name('table name');
  const at = { family: fam, table, line };
  switch (obj) {
    case 'table': {
      if (verb === 'delete' || verb === 'destroy' || verb === 'flush') {
        out.push({ ...at, op: verb, obj: 'table' });
        return;
      }
      if (verb !== 'add' && verb !== 'create') break;
      let comment: string | undefined;
      let flags: string[] | undefined;
      if (ts.eatP('{')) {
        ts.skipSeparators();
        while (!ts.isP('}')) {
          if (ts.eatWord('comment')) comment = ts.str();
          else if (ts.eatWord('flags')) flags = wordList(ts);
          else ts.fail('unexpected table option');
          ts.skipSeparators();
        }
        ts.expectP('}');
      }
      out.push({ ...at, op: verb, obj: 'table', ...(comment !== undefined ? { comment } : {}), ...(flags !== undefined ? { flags } : {}) });
      return;
    }
    case 'chain': {
      const chain = ts.name('chain name');
      if (verb === 'delete' || verb === 'destroy' || verb === 'flush') {
        out.push({ ...at, op: verb, obj: 'chain', chain });
        return;
      }
      if (verb !== 'add' && verb !== 'create') break;
      const body = ts.isP('{') ? parseChainBlock(ts, undefined) : {};
      out.push({ ...at, op: verb, obj: 'chain', chain, ...body });
      return;
    }
    case 'rule': {
      const chain = ts.name('chain name');
      let position: { kind: 'handle' | 'position' | 'index'; n: number } | undefined;
      if (ts.isWord('handle') || ts.isWord('position') || ts.isWord('index')) {
        const kind = ts.word() as 'handle' | 'position' | 'index';
        position = { kind, n: Number(ts.word('number')) };
      }
      if (verb === 'delete' || verb === 'destroy') {
        if (position?.kind !== 'handle') ts.fail('delete rule needs "handle N"');
        out.push({ ...at, op: verb, obj: 'rule', chain, handle: position.n });
        return;
      }
      if (verb !== 'add' && verb !== 'insert' && verb !== 'replace') break;
      if (verb === 'replace' && position?.kind !== 'handle') ts.fail('replace rule needs "handle N"');
      const rule = parseRuleBody(ts);
      out.push({ ...at, op: verb, obj: 'rule', chain, rule, ...(position !== undefined ? { position } : {}) });
      return;
    }
    case 'set':
    case 'map': {
      const name = ts.name(`${obj} name`);
      if (verb === 'delete' || verb === 'destroy' || verb === 'flush') {
        out.push({ ...at, op: verb, obj: 'set', set: name, kind: obj });
        return;
      }
      if (verb !== 'add' && verb !== 'create') break;
      const { decl, elements } = parseSetBlock(ts, name, obj);
      out.push({ ...at, op: verb, obj: 'set', decl, ...(elements !== undefined ? { elements } : {}) });
      return;
    }
    case 'element': {
      const set = ts.name('set name');
      if (verb === 'insert' || verb === 'replace' || verb === 'flush') break;
      out.push({ ...at, op: verb, obj: 'element', set, elements: parseRawElements(ts) });
      return;
    }
    default:
      ts.fail(`unsupported object '${obj}'`);
  }
  ts.fail(`"${verb} ${obj}" is not supported`);
}

function wordList(ts: TokStream): string[] {
  const out = [ts.word()];
  while (ts.eatP(',')) out.push(ts.word());
  return out;
}

function parsePriority(ts: TokStream): number {
  const w = ts.word('priority');
  let base: number;
  if (/^-?\d+$/.test(w)) base = Number(w);
  else if (PRIORITY_NAMES[w] !== undefined) base = PRIORITY_NAMES[w];
  else return ts.fail(`unknown priority '${w}'`, ts.last());
  if (ts.isP('+') || ts.isWord('-')) {
    const sign = ts.next().v === '+' ? 1 : -1;
    base += sign * Number(ts.word('priority offset'));
  }
  return base;
}

interface ChainBody {
  base?: NftBaseSpec;
  policy?: 'accept' | 'drop';
  comment?: string;
}

/**
 * `{ type filter hook input priority 0 ; policy drop ; comment "x" ; <rules> }`. Rules
 * are only allowed in the nested form (`rules` given), where they become add-rule commands.
 */
function parseChainBlock(ts: TokStream, rules: ((line: number) => void) | undefined): ChainBody {
  ts.expectP('{');
  const body: ChainBody = {};
  ts.skipSeparators();
  while (!ts.isP('}')) {
    if (ts.isWord('type') && (ts.isWord('filter', 1) || ts.isWord('nat', 1) || ts.isWord('route', 1))) {
      ts.next();
      const type = ts.word() as NfChainType;
      ts.expectWord('hook');
      const hook = ts.word('hook');
      if (!HOOKS.has(hook)) ts.fail(`unknown hook '${hook}'`, ts.last());
      let device: string | undefined;
      if (ts.eatWord('device')) device = ts.name('device');
      ts.expectWord('priority');
      const priority = parsePriority(ts);
      body.base = { type, hook: hook as NfHook, priority, ...(device !== undefined ? { device } : {}) };
    } else if (ts.isWord('policy') && (ts.isWord('accept', 1) || ts.isWord('drop', 1))) {
      ts.next();
      body.policy = ts.word() as 'accept' | 'drop';
    } else if (ts.isWord('comment') && ts.peek(1).t === 'str' && (ts.peek(2).t === 'nl' || ts.isP(';', 2) || ts.isP('}', 2))) {
      ts.next();
      body.comment = ts.str();
    } else if (rules !== undefined) rules(ts.peek().line);
    else ts.fail('unexpected chain option');
    ts.skipSeparators();
  }
  ts.expectP('}');
  return body;
}

function parseTypeList(ts: TokStream): NftTypeName[] {
  const out: NftTypeName[] = [];
  do {
    const w = ts.word('type');
    if (!isTypeName(w)) ts.fail(`unsupported type '${w}'`, ts.last());
    out.push(w);
  } while (ts.eatP('.'));
  return out;
}

function parseSetBlock(ts: TokStream, name: string, kind: 'set' | 'map'): { decl: NftSetDecl; elements?: RawElement[] } {
  ts.expectP('{');
  let keyTypes: NftTypeName[] | undefined;
  let keyTypeof: NftExpr[] | undefined;
  let dataTypes: NftTypeName[] | undefined;
  let flags: string[] = [];
  let timeoutMs: number | undefined;
  let gcIntervalMs: number | undefined;
  let size: number | undefined;
  let policy: string | undefined;
  let comment: string | undefined;
  let elements: RawElement[] | undefined;
  ts.skipSeparators();
  while (!ts.isP('}')) {
    const w = ts.word('set option');
    if (w === 'type') {
      keyTypes = parseTypeList(ts);
      if (ts.eatP(':')) dataTypes = ts.isWord('verdict') ? (ts.next(), ['verdict']) : parseTypeList(ts);
    } else if (w === 'typeof') {
      const e = parseExpr(ts);
      keyTypeof = e.k === 'concat' ? [...e.parts] : [e];
      keyTypes = exprTypes(e);
      if (ts.eatP(':')) dataTypes = ts.isWord('verdict') ? (ts.next(), ['verdict']) : exprTypes(parseExpr(ts));
    } else if (w === 'flags') flags = wordList(ts);
    else if (w === 'timeout') timeoutMs = timeWord(ts);
    else if (w === 'gc-interval') gcIntervalMs = timeWord(ts);
    else if (w === 'size') size = Number(ts.word('size'));
    else if (w === 'policy') policy = ts.word('policy');
    else if (w === 'comment') comment = ts.str();
    else if (w === 'auto-merge' || w === 'counter') {
      // accepted and ignored: merging and per-element counters are not modelled
    } else if (w === 'elements') {
      ts.expectP('=');
      elements = parseRawElements(ts);
    } else ts.fail(`unsupported set option '${w}'`, ts.last());
    ts.skipSeparators();
  }
  ts.expectP('}');
  if (keyTypes === undefined) ts.fail(`${kind} ${name} needs a type`);
  if (kind === 'map' && dataTypes === undefined) ts.fail(`map ${name} needs a data type ("type K : V")`);
  if (kind === 'set' && dataTypes !== undefined) ts.fail(`set ${name} cannot have a data type (use a map)`);
  const decl: NftSetDecl = {
    name,
    kind,
    keyTypes,
    flags,
    ...(keyTypeof !== undefined ? { keyTypeof } : {}),
    ...(dataTypes !== undefined ? { dataTypes } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(gcIntervalMs !== undefined ? { gcIntervalMs } : {}),
    ...(size !== undefined ? { size } : {}),
    ...(policy !== undefined ? { policy } : {}),
    ...(comment !== undefined ? { comment } : {}),
  };
  return elements === undefined ? { decl } : { decl, elements };
}

function timeWord(ts: TokStream): number {
  const w = ts.word('time');
  const ms = parseNftTime(w);
  if (ms === undefined) ts.fail(`bad time '${w}'`, ts.last());
  return ms;
}

function parseNestedTable(ts: TokStream, out: NftCommand[], line: number): void {
  const fam = family(ts);
  const table = ts.name('table name');
  const at = { family: fam, table };
  let comment: string | undefined;
  let flags: string[] | undefined;
  // nft creates a block's sets and chains before its elements and rules, so a listing
  // whose rules jump to chains printed further down loads back.
  const decls: NftCommand[] = [];
  const chains: NftCommand[] = [];
  const elements: NftCommand[] = [];
  const rules: NftCommand[] = [];
  ts.expectP('{');
  ts.skipSeparators();
  while (!ts.isP('}')) {
    const l = ts.peek().line;
    const w = ts.word('table item');
    if (w === 'comment') comment = ts.str();
    else if (w === 'flags') flags = wordList(ts);
    else if (w === 'chain') {
      const chain = ts.name('chain name');
      const body = parseChainBlock(ts, (rl) => rules.push({ ...at, line: rl, op: 'add', obj: 'rule', chain, rule: parseRuleBody(ts) }));
      chains.push({ ...at, line: l, op: 'add', obj: 'chain', chain, ...body });
    } else if (w === 'set' || w === 'map') {
      const name = ts.name(`${w} name`);
      const { decl, elements: els } = parseSetBlock(ts, name, w);
      decls.push({ ...at, line: l, op: 'add', obj: 'set', decl });
      if (els !== undefined && els.length > 0) elements.push({ ...at, line: l, op: 'add', obj: 'element', set: name, elements: els });
    } else ts.fail(`unsupported table item '${w}'`, ts.last());
    ts.skipSeparators();
  }
  ts.expectP('}');
  out.push({ ...at, line, op: 'add', obj: 'table', ...(comment !== undefined ? { comment } : {}), ...(flags !== undefined ? { flags } : {}) });
  out.push(...decls, ...chains, ...elements, ...rules);
}
