// Types whose JSON form is not the JSON of their proto message:
//   Time        Timestamp{1 seconds int64, 2 nanos int32} <-> RFC 3339 UTC seconds, null when zero
//   IntOrString {1 type int64, 2 intVal int32, 3 strVal string} <-> number | string
//   Quantity    {1 string string} <-> string
//   FieldsV1    {1 Raw bytes} <-> the JSON document held in Raw
// Each occurrence is decoded whole (last one wins), like apimachinery's hand-written
// Unmarshal methods for Time and Quantity.

import { isJsonObject, type JsonValue } from './json.js';
import type { WellKnownType } from './schema-types.js';
import { WireError, WireReader, WireType } from './wire-reader.js';
import { WireWriter } from './wire-writer.js';

export function decodeWellKnown(type: WellKnownType, r: WireReader, start: number, end: number, path: string): JsonValue {
  const sub = new WireReader(r.buf, start, end);
  switch (type) {
    case 'Time':
      return decodeTime(sub, path);
    case 'IntOrString':
      return decodeIntOrString(sub, path);
    case 'Quantity':
      return decodeQuantity(sub, path);
    case 'FieldsV1':
      return decodeFieldsV1(sub, path);
  }
}

/** The zero value's JSON form, for value (non-pointer) fields absent from the wire. */
export function wellKnownZero(type: WellKnownType): JsonValue {
  switch (type) {
    case 'Time':
    case 'FieldsV1':
      return null;
    case 'IntOrString':
      return 0;
    case 'Quantity':
      return '0';
  }
}

function expectWire(r: WireReader, want: number, path: string): void {
  if (r.wireType !== want) {
    throw new WireError('wrong-wire-type', `wire type ${r.wireType} for ${path}, expected ${want}`, r.pos, path);
  }
}

function decodeTime(r: WireReader, path: string): JsonValue {
  // apimachinery's Time.Unmarshal: an empty payload is the zero time; otherwise only the
  // seconds count (nanos are dropped, JSON has second precision anyway).
  if (r.done) return null;
  let seconds = 0;
  while (!r.done) {
    const no = r.readTag();
    if (no === 1) {
      expectWire(r, WireType.Varint, `${path}.seconds`);
      seconds = r.readInt64();
    } else r.skip(r.wireType);
  }
  return formatTime(seconds, path);
}

export function formatTime(seconds: number, path: string): string {
  const d = new Date(seconds * 1000);
  const y = d.getUTCFullYear();
  if (Number.isNaN(d.getTime()) || y < 0 || y > 9999) {
    throw new WireError('invalid-value', `timestamp ${seconds}s at ${path} is outside years 0000-9999`, undefined, path);
  }
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses RFC 3339 to whole Unix seconds (floor), as Go's Time.Unix() does. */
export function parseTime(s: string, path: string): number {
  const m = RFC3339.exec(s);
  const ms = m ? Date.parse(`${m[1]}T${m[2]}${(m[4] as string).toUpperCase()}`) : NaN;
  if (Number.isNaN(ms)) throw new WireError('invalid-value', `${path}: '${s}' is not an RFC 3339 time`, undefined, path);
  return Math.floor(ms / 1000);
}

function decodeIntOrString(r: WireReader, path: string): JsonValue {
  let type = 0;
  let intVal = 0;
  let strVal = '';
  while (!r.done) {
    const no = r.readTag();
    if (no === 1) {
      expectWire(r, WireType.Varint, `${path}.type`);
      type = r.readInt64();
    } else if (no === 2) {
      expectWire(r, WireType.Varint, `${path}.intVal`);
      intVal = r.readInt32();
    } else if (no === 3) {
      expectWire(r, WireType.LengthDelimited, `${path}.strVal`);
      strVal = r.readString();
    } else r.skip(r.wireType);
  }
  if (type === 0) return intVal;
  if (type === 1) return strVal;
  throw new WireError('invalid-value', `${path}: IntOrString type ${type} is neither 0 (int) nor 1 (string)`, undefined, path);
}

// Kubernetes quantity grammar: sign, digits with optional fraction, then a binary suffix
// (Ki..Ei), a decimal SI suffix (n u m k M G T P E) or a decimal exponent.
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;

function decodeQuantity(r: WireReader, path: string): JsonValue {
  let s = '';
  while (!r.done) {
    const no = r.readTag();
    if (no === 1) {
      expectWire(r, WireType.LengthDelimited, `${path}.string`);
      s = r.readString();
    } else r.skip(r.wireType);
  }
  if (s === '') return '0';
  if (!QUANTITY.test(s)) throw new WireError('invalid-value', `${path}: '${s}' is not a quantity`, undefined, path);
  return s;
}

const utf8d = new TextDecoder('utf-8', { fatal: false });

function decodeFieldsV1(r: WireReader, path: string): JsonValue {
  let raw: Uint8Array | undefined;
  while (!r.done) {
    const no = r.readTag();
    if (no === 1) {
      expectWire(r, WireType.LengthDelimited, `${path}.Raw`);
      raw = r.readBytes();
    } else r.skip(r.wireType);
  }
  if (raw === undefined) return null;
  try {
    return JSON.parse(utf8d.decode(raw)) as JsonValue;
  } catch {
    throw new WireError('invalid-value', `${path}: fieldsV1 does not hold JSON`, undefined, path);
  }
}

/**
 * Encodes a well-known value's message payload (without tag and length) the way Go's
 * marshallers do; a zero Time is an empty payload. `undefined` means absent: the zero value.
 */
export function encodeWellKnown(type: WellKnownType, v: JsonValue | undefined, path: string): Uint8Array {
  const w = new WireWriter();
  switch (type) {
    case 'Time': {
      if (v === null || v === undefined) break;
      if (typeof v !== 'string') throw invalid(path, 'a time string');
      const seconds = parseTime(v, path);
      w.writeTag(1, WireType.Varint);
      w.writeInt64(seconds);
      w.writeTag(2, WireType.Varint);
      w.writeInt32(0);
      break;
    }
    case 'IntOrString': {
      const value = v ?? 0;
      const isInt = typeof value === 'number';
      if (isInt && !isInt32(value)) throw invalid(path, 'an int32 or a string');
      if (!isInt && typeof value !== 'string') throw invalid(path, 'an int32 or a string');
      w.writeTag(1, WireType.Varint);
      w.writeInt64(isInt ? 0 : 1);
      w.writeTag(2, WireType.Varint);
      w.writeInt32(isInt ? value : 0);
      w.writeStringField(3, isInt ? '' : (value as string));
      break;
    }
    case 'Quantity': {
      const value = v ?? '0';
      if (typeof value === 'number' && Number.isFinite(value)) w.writeStringField(1, String(value));
      else if (typeof value === 'string' && (value === '' || QUANTITY.test(value))) w.writeStringField(1, value || '0');
      else throw invalid(path, 'a quantity');
      break;
    }
    case 'FieldsV1':
      if (v !== null && v !== undefined) {
        if (!isJsonObject(v)) throw invalid(path, 'an object');
        w.writeStringField(1, JSON.stringify(v));
      }
      break;
  }
  return w.finish();
}

export function isInt32(v: number): boolean {
  return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
}

function invalid(path: string, what: string): WireError {
  return new WireError('invalid-value', `${path}: expected ${what}`, undefined, path);
}
