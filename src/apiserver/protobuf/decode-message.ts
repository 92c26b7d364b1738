// Schema-driven protobuf -> JSON, reproducing what Go would print after unmarshalling the
// bytes into the k8s.io/api struct and marshalling it with encoding/json.
//
// Two passes. `readMessage` walks the wire into a RawMessage (field number -> value) so
// that repeated occurrences of a field accumulate or merge as in Go's generated
// Unmarshal. `finalize` then applies Go's JSON rules per field:
//   value field absent          -> its zero value ('' / 0 / false / {...} / null for slices)
//   omitempty + zero value      -> left out (structs are never "empty" in Go: always printed)
//   pointer field               -> printed iff it was on the wire (null if absent and not omitempty)
// Go writes every value field, so real kubectl bytes carry generateName: "", generation: 0,
// ... and it is these rules, not wire presence, that make them vanish from the JSON.
//
// Recursion depth is bounded by the schema, which has no cycles (checked in a test).

import { compareCodePoints, type JsonObject, type JsonValue } from './json.js';
import type { FieldSpec, MessageSpec, Schema, ScalarType } from './schema-types.js';
import { decodeWellKnown, wellKnownZero } from './well-known.js';
import { WireError, WireReader, WireType } from './wire-reader.js';

type RawValue = string | number | boolean | Uint8Array | JsonValue | RawMessage | RawValue[] | Map<string, RawValue>;
type RawMessage = Map<number, RawValue>;

export interface DecodeOptions {
  /**
   * How to print a zero metav1.Time (e.g. creationTimestamp of an object being created):
   * 'null' as Go does, or 'omit' to leave the key out. Default 'omit'.
   */
  readonly zeroTime?: 'null' | 'omit';
}

export interface DecodeContext {
  readonly schema: Schema;
  readonly zeroTime: 'null' | 'omit';
  /** Paths of fields not in the schema, e.g. 'spec.template.spec.#34'; capped at MAX_SKIPPED. */
  readonly skipped: string[];
}

export const MAX_SKIPPED = 32;

export function decodeMessageBytes(ctx: DecodeContext, spec: MessageSpec, buf: Uint8Array, start: number, end: number, path: string): JsonObject {
  const raw: RawMessage = new Map();
  readMessage(ctx, spec, new WireReader(buf, start, end), raw, path);
  return finalize(ctx, spec, raw, path);
}

function readMessage(ctx: DecodeContext, spec: MessageSpec, r: WireReader, raw: RawMessage, path: string): void {
  while (!r.done) {
    const no = r.readTag();
    const wt = r.wireType;
    const f = spec.byNumber.get(no);
    if (f === undefined) {
      if (ctx.skipped.length < MAX_SKIPPED) ctx.skipped.push(path === '' ? `#${no}` : `${path}.#${no}`);
      r.skip(wt);
      continue;
    }
    const fpath = path === '' ? f.name : `${path}.${f.name}`;
    if (f.shape === 'map') {
      expectWire(r, wt, WireType.LengthDelimited, fpath);
      const [s, e] = r.readLengthDelimited();
      let m = raw.get(no) as Map<string, RawValue> | undefined;
      if (m === undefined) raw.set(no, (m = new Map()));
      readMapEntry(ctx, f, new WireReader(r.buf, s, e), m, fpath);
      continue;
    }
    let v: RawValue;
    if (f.type.kind === 'scalar') {
      if (f.shape === 'repeated' && wt === WireType.LengthDelimited && isVarintType(f.type.name)) {
        // Packed encoding: Go's generated Unmarshal accepts it for repeated varints.
        const [s, e] = r.readLengthDelimited();
        const sub = new WireReader(r.buf, s, e);
        const list = repeatedList(raw, no);
        while (!sub.done) list.push(readScalar(sub, f.type.name));
        continue;
      }
      expectWire(r, wt, isVarintType(f.type.name) ? WireType.Varint : WireType.LengthDelimited, fpath);
      v = readScalar(r, f.type.name);
    } else {
      expectWire(r, wt, WireType.LengthDelimited, fpath);
      const [s, e] = r.readLengthDelimited();
      if (f.type.kind === 'wellknown') v = decodeWellKnown(f.type.name, r, s, e, fpath);
      else {
        const child = messageOf(ctx, f);
        let sub: RawMessage | undefined = f.shape === 'single' ? (raw.get(no) as RawMessage | undefined) : undefined;
        // A value message seen twice merges, as Go's Unmarshal into the same struct does.
        if (sub === undefined) sub = new Map();
        const elemPath = f.shape === 'repeated' ? `${fpath}[${repeatedList(raw, no).length}]` : fpath;
        readMessage(ctx, child, new WireReader(r.buf, s, e), sub, elemPath);
        v = sub;
      }
    }
    if (f.shape === 'repeated') repeatedList(raw, no).push(v);
    else raw.set(no, v);
  }
}

function readMapEntry(ctx: DecodeContext, f: FieldSpec, r: WireReader, m: Map<string, RawValue>, path: string): void {
  let key = '';
  let value: RawValue | undefined;
  while (!r.done) {
    const no = r.readTag();
    const wt = r.wireType;
    if (no === 1) {
      expectWire(r, wt, WireType.LengthDelimited, `${path}.key`);
      key = r.readString();
    } else if (no === 2) {
      const t = f.type;
      const vpath = `${path}[${key}]`;
      if (t.kind === 'scalar') {
        expectWire(r, wt, isVarintType(t.name) ? WireType.Varint : WireType.LengthDelimited, vpath);
        value = readScalar(r, t.name);
      } else {
        expectWire(r, wt, WireType.LengthDelimited, vpath);
        const [s, e] = r.readLengthDelimited();
        if (t.kind === 'wellknown') value = decodeWellKnown(t.name, r, s, e, vpath);
        else {
          const sub: RawMessage = new Map();
          readMessage(ctx, messageOf(ctx, f), new WireReader(r.buf, s, e), sub, vpath);
          value = sub;
        }
      }
    } else r.skip(wt);
  }
  m.set(key, value ?? zeroMapValue(f));
}

function zeroMapValue(f: FieldSpec): RawValue {
  const t = f.type;
  if (t.kind === 'scalar') return scalarZero(t.name);
  if (t.kind === 'wellknown') return wellKnownZero(t.name);
  return new Map<number, RawValue>();
}

function finalize(ctx: DecodeContext, spec: MessageSpec, raw: RawMessage, path: string): JsonObject {
  const out: JsonObject = {};
  for (const f of spec.fields) {
    const has = raw.has(f.no);
    const v = raw.get(f.no);
    const fpath = path === '' ? f.name : `${path}.${f.name}`;
    if (f.inline) {
      Object.assign(out, finalize(ctx, messageOf(ctx, f), (v as RawMessage | undefined) ?? new Map(), path));
      continue;
    }
    if (f.shape !== 'single') {
      // Go cannot tell a nil slice/map from an empty one after unmarshalling: both are nil.
      const empty = !has || (f.shape === 'repeated' ? (v as RawValue[]).length === 0 : (v as Map<string, RawValue>).size === 0);
      if (empty) {
        if (!f.omitempty) out[f.name] = null;
      } else if (f.shape === 'repeated') {
        out[f.name] = (v as RawValue[]).map((e, i) => toJson(ctx, f, e, `${fpath}[${i}]`));
      } else {
        const entries = [...(v as Map<string, RawValue>).entries()].sort((a, b) => compareCodePoints(a[0], b[0]));
        // fromEntries defines own properties, so a '__proto__' key stays an ordinary key.
        out[f.name] = Object.fromEntries(entries.map(([k, e]) => [k, toJson(ctx, f, e, `${fpath}[${k}]`)])) as JsonObject;
      }
      continue;
    }
    if (!has && (f.pointer || (f.type.kind === 'scalar' && f.type.name === 'bytes'))) {
      if (!f.omitempty) out[f.name] = null;
      continue;
    }
    const t = f.type;
    let value: JsonValue;
    if (t.kind === 'message') value = finalize(ctx, messageOf(ctx, f), (v as RawMessage | undefined) ?? new Map(), fpath);
    else if (t.kind === 'wellknown') value = has ? (v as JsonValue) : wellKnownZero(t.name);
    else value = has ? toJson(ctx, f, v as RawValue, fpath) : (scalarZero(t.name) as JsonValue);
    if (t.kind === 'wellknown' && t.name === 'Time' && value === null && ctx.zeroTime === 'omit') continue;
    if (!f.pointer && f.omitempty && t.kind === 'scalar' && (value === '' || value === 0 || value === false)) continue;
    out[f.name] = value;
  }
  return out;
}

function toJson(ctx: DecodeContext, f: FieldSpec, v: RawValue, path: string): JsonValue {
  const t = f.type;
  if (t.kind === 'message') return finalize(ctx, messageOf(ctx, f), v as RawMessage, path);
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  return v as JsonValue;
}

function messageOf(ctx: DecodeContext, f: FieldSpec): MessageSpec {
  // compileSchema guarantees every message reference resolves.
  return ctx.schema.get(f.type.name) as MessageSpec;
}

function repeatedList(raw: RawMessage, no: number): RawValue[] {
  let list = raw.get(no) as RawValue[] | undefined;
  if (list === undefined) raw.set(no, (list = []));
  return list;
}

function isVarintType(t: ScalarType): boolean {
  return t === 'int32' || t === 'int64' || t === 'bool';
}

function readScalar(r: WireReader, t: ScalarType): RawValue {
  switch (t) {
    case 'string':
      return r.readString();
    case 'bytes':
      return r.readBytes();
    case 'int32':
      return r.readInt32();
    case 'int64':
      return r.readInt64();
    case 'bool':
      return r.readBool();
  }
}

function scalarZero(t: ScalarType): RawValue {
  switch (t) {
    case 'string':
      return '';
    case 'bytes':
      return new Uint8Array(0);
    case 'int32':
    case 'int64':
      return 0;
    case 'bool':
      return false;
  }
}

function expectWire(r: WireReader, got: number, want: number, path: string): void {
  if (got !== want) {
    throw new WireError('wrong-wire-type', `wire type ${got} for ${path} at offset ${r.pos}, expected ${want}`, r.pos, path);
  }
}
