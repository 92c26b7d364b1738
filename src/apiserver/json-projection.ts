// Decodes only the projected parts of stored JSON (see FieldProjection in api/printers): the
// rest is skipped by a byte scanner that tracks strings and nesting but builds nothing, which
// costs a fraction of JSON.parse plus the garbage of a whole decoded object. Values kept whole
// are JSON.parse'd from their own slice, so their decoding is exactly JSON.parse's.
// Skipped regions are not validated: stored values are JSON the server wrote itself.
import type { FieldProjection } from '../api/index.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/** A projection prepared for byte matching of keys. */
export interface CompiledProjection {
  readonly entries: readonly { readonly key: Buffer; readonly name: string; readonly sub: CompiledProjection | true }[];
}

const compiledCache = new WeakMap<object, CompiledProjection>();

export function compileProjection(p: Exclude<FieldProjection, true>): CompiledProjection {
  let c = compiledCache.get(p);
  if (c === undefined) {
    const entries = Object.entries(p).map(([name, sub]) => {
      // Assigning it would set the prototype of the projected object instead.
      if (name === '__proto__') throw new Error('a projection cannot name __proto__');
      return { key: Buffer.from(name), name, sub: sub === true ? (true as const) : compileProjection(sub) };
    });
    c = { entries };
    compiledCache.set(p, c);
  }
  return c;
}

/** Thrown on bytes that are not the JSON the scanner expects; callers fall back to a full decode. */
export class MalformedJson extends Error {}

const malformed = (at: number) => new MalformedJson(`unexpected JSON at offset ${at}`);

function ws(b: Uint8Array, i: number): number {
  // Bounds-checked: reading past the end would make V8 fall back to slower element loads.
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else return i;
  }
  return i;
}

/** `i` at an opening quote; the offset of the closing quote. */
function stringEnd(b: Uint8Array, i: number): number {
  const n = b.length;
  i++;
  while (i < n) {
    const c = b[i]!;
    if (c === QUOTE) return i;
    i += c === BACKSLASH ? 2 : 1;
  }
  throw malformed(i);
}

/** `i` at the first byte of a value; the offset just after it. */
export function skipValue(b: Uint8Array, i: number): number {
  const n = b.length;
  const c = b[i];
  if (c === QUOTE) return stringEnd(b, i) + 1;
  if (c === LBRACE || c === LBRACKET) {
    let depth = 0;
    while (i < n) {
      const x = b[i]!;
      if (x === QUOTE) {
        i = stringEnd(b, i) + 1;
        continue;
      }
      if (x === LBRACE || x === LBRACKET) depth++;
      else if (x === RBRACE || x === RBRACKET) {
        if (--depth === 0) return i + 1;
      }
      i++;
    }
    throw malformed(i);
  }
  const start = i;
  while (i < n) {
    const x = b[i]!;
    if (x === COMMA || x === RBRACE || x === RBRACKET || x === 0x20 || x === 0x0a || x === 0x0d || x === 0x09) break;
    i++;
  }
  if (i === start) throw malformed(i);
  return i;
}

function hasBackslash(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (b[i] === BACKSLASH) return true;
  return false;
}

/** The value in b[s, e), decoded as JSON.parse would. */
function leaf(b: Buffer, s: number, e: number): unknown {
  const c = b[s];
  if (c === QUOTE && !hasBackslash(b, s + 1, e - 1)) return b.toString('utf8', s + 1, e - 1);
  if (c === 0x74 && e - s === 4) return true;
  if (c === 0x66 && e - s === 5) return false;
  if (c === 0x6e && e - s === 4) return null;
  try {
    return JSON.parse(b.toString('utf8', s, e));
  } catch {
    throw malformed(s);
  }
}

/** A scan position shared by the recursive readers. */
interface Cursor {
  i: number;
}

function matchKey(p: CompiledProjection, b: Buffer, ks: number, ke: number): CompiledProjection['entries'][number] | undefined {
  const len = ke - ks;
  for (const e of p.entries) {
    if (e.key.length !== len) continue;
    let same = true;
    for (let j = 0; j < len; j++) {
      if (b[ks + j] !== e.key[j]) {
        same = false;
        break;
      }
    }
    if (same) return e;
  }
  if (hasBackslash(b, ks, ke)) {
    const name = leaf(b, ks - 1, ke + 1);
    return p.entries.find((e) => e.name === name);
  }
  return undefined;
}

function readValue(b: Buffer, cur: Cursor, p: CompiledProjection | true): unknown {
  const i = ws(b, cur.i);
  const c = b[i];
  if (p !== true && c === LBRACE) {
    cur.i = i;
    return readObject(b, cur, p, undefined);
  }
  if (p !== true && c === LBRACKET) {
    const out: unknown[] = [];
    cur.i = ws(b, i + 1);
    if (b[cur.i] === RBRACKET) {
      cur.i++;
      return out;
    }
    for (;;) {
      out.push(readValue(b, cur, p));
      const j = ws(b, cur.i);
      if (b[j] === COMMA) cur.i = j + 1;
      else if (b[j] === RBRACKET) {
        cur.i = j + 1;
        return out;
      } else throw malformed(j);
    }
  }
  const e = skipValue(b, i);
  cur.i = e;
  return leaf(b, i, e);
}

/** Where a top-level key's value lies in the bytes: [start, end). */
export interface Span {
  start: number;
  end: number;
}

/** `cur.i` at `{`. Records the span of the key `spanKey` (a key of `p`) when asked. */
function readObject(b: Buffer, cur: Cursor, p: CompiledProjection, span: { readonly key: string; found: Span | undefined } | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let i = ws(b, cur.i + 1);
  if (b[i] === RBRACE) {
    cur.i = i + 1;
    return out;
  }
  for (;;) {
    if (b[i] !== QUOTE) throw malformed(i);
    const ke = stringEnd(b, i);
    const entry = matchKey(p, b, i + 1, ke);
    i = ws(b, ke + 1);
    if (b[i] !== COLON) throw malformed(i);
    i = ws(b, i + 1);
    if (entry === undefined) i = skipValue(b, i);
    else {
      cur.i = i;
      out[entry.name] = readValue(b, cur, entry.sub);
      if (span !== undefined && entry.name === span.key) span.found = { start: i, end: cur.i };
      i = cur.i;
    }
    i = ws(b, i);
    if (b[i] === COMMA) i = ws(b, i + 1);
    else if (b[i] === RBRACE) {
      cur.i = i + 1;
      return out;
    } else throw malformed(i);
  }
}

export interface Projected {
  readonly value: Record<string, unknown>;
  /** The span of the requested top-level key's value, when present. */
  readonly span: Span | undefined;
}

/**
 * Decodes the projection of the JSON object in `b`, and where the value of its top-level
 * key `spanKey` lies (which `p` must name). Throws MalformedJson when `b` is not an object.
 */
export function projectJson(b: Buffer, p: CompiledProjection, spanKey: string): Projected {
  const cur: Cursor = { i: ws(b, 0) };
  if (cur.i >= b.length || b[cur.i] !== LBRACE) throw malformed(cur.i);
  const span = { key: spanKey, found: undefined as Span | undefined };
  const value = readObject(b, cur, p, span);
  if (ws(b, cur.i) !== b.length) throw malformed(cur.i);
  return { value, span: span.found };
}
