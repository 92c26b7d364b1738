// Values, verdicts and element lists in the nft language: `{ 172.30.0.41 . tcp . 80 :
// goto service-..., ... }` with optional timeout / expires / comment per element, and
// anonymous sets and maps built from them (typed by the expression they serve).
import { unwrap } from '../../core/result.js';
import type { NftElement, NftKeyPart, NftSetRef, NftVerdictData } from './nft-ast.js';
import type { RawElement, RawValue } from './nft-commands.js';
import type { NftTypeName } from './nft-datatypes.js';
import { parseNftTime } from './nft-time.js';
import type { TokStream } from './nft-tokenizer.js';
import { cookElement, cookPart, makeSet } from './nft-values.js';

export function parseVerdict(ts: TokStream): NftVerdictData {
  const w = ts.word('verdict');
  if (w === 'jump' || w === 'goto') return { kind: w, chain: ts.name('chain name') };
  if (w === 'accept' || w === 'drop' || w === 'continue' || w === 'return') return { kind: w };
  return ts.fail(`unknown verdict '${w}'`);
}

export function parseTime(ts: TokStream): number {
  const w = ts.word('time');
  const ms = parseNftTime(w);
  if (ms === undefined) ts.fail(`bad time '${w}'`);
  return ms;
}

/** primary ('.' primary)* with an optional bit operation on each primary. */

export function rawValue(ts: TokStream): RawValue {
  const t = ts.next();
  if (t.t !== 'word' && t.t !== 'str') ts.fail('expected a value', t);
  return { text: t.v, quoted: t.t === 'str' };
}

export function cook(ts: TokStream, raw: RawValue, type: NftTypeName): NftKeyPart {
  const p = cookPart(raw, type);
  return p.ok ? p.value : ts.fail(p.error, ts.last());
}

export function parseAnonSet(ts: TokStream, keyTypes: readonly NftTypeName[], kind: 'set' | 'map'): NftSetRef {
  const raws = parseRawElements(ts);
  const interval = raws.some((r) => r.key.some((v) => v.text.includes('/') || /.-./.test(v.text)));
  const decl = { name: '', kind, keyTypes, flags: interval ? ['interval'] : [], ...(kind === 'map' ? { dataTypes: ['verdict' as const] } : {}) };
  const set = makeSet(decl, true);
  for (const raw of raws) {
    const el = cookElement(raw, decl, 0);
    if (!el.ok) ts.fail(el.error);
    set.elements.put(unwrap(el) as NftElement);
  }
  return { k: 'anon', set };
}

/** `{ elem, elem, ... }` with optional timeout/expires/comment and `: data` per element. */
export function parseRawElements(ts: TokStream): RawElement[] {
  ts.expectP('{');
  const out: RawElement[] = [];
  ts.skipNewlines();
  while (!ts.isP('}')) {
    const key = [rawValue(ts)];
    while (ts.eatP('.')) key.push(rawValue(ts));
    let timeoutMs: number | undefined;
    let expiresMs: number | undefined;
    let comment: string | undefined;
    for (;;) {
      if (ts.eatWord('timeout')) timeoutMs = parseTime(ts);
      else if (ts.eatWord('expires')) expiresMs = parseTime(ts);
      else if (ts.eatWord('comment')) comment = ts.str('comment');
      else if (ts.eatWord('counter')) {
        if (ts.eatWord('packets')) {
          ts.word();
          ts.expectWord('bytes');
          ts.word();
        }
      } else break;
    }
    let data: RawElement['data'];
    if (ts.eatP(':')) {
      if (ts.isWord() && ['accept', 'drop', 'continue', 'return', 'jump', 'goto'].includes(ts.peek().v)) data = { k: 'verdict', v: parseVerdict(ts) };
      else {
        const v = [rawValue(ts)];
        while (ts.eatP('.')) v.push(rawValue(ts));
        data = { k: 'values', v };
      }
    }
    out.push({
      key,
      ...(data !== undefined ? { data } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(expiresMs !== undefined ? { expiresMs } : {}),
      ...(comment !== undefined ? { comment } : {}),
    });
    ts.skipNewlines();
    if (!ts.eatP(',')) break;
    ts.skipNewlines();
  }
  ts.skipNewlines();
  ts.expectP('}');
  return out;
}
