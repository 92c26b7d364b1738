// Plain JSON values and the few operations every patch engine needs on them.
//
// Invariants:
// - Engines never mutate their inputs: every public entry point first runs `toJson`, which
//   validates and deep-copies, and then works on the copy.
// - Keys are always read and written as own properties (`getOwn`/`setOwn`), so a body carrying
//   "__proto__" stays a plain data key instead of reaching Object.prototype.
import { PatchError } from './patch-error.js';

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isJsonObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function getOwn(o: JsonObject, key: string): Json | undefined {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

export function hasOwn(o: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

export function setOwn(o: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  else o[key] = value;
}

export function deleteOwn(o: JsonObject, key: string): void {
  if (hasOwn(o, key)) delete o[key];
}

/**
 * Validates that `value` is a JSON value (what JSON.parse or the yaml package produce) and returns
 * a deep copy. `where` names the input in the error ("patch", "object").
 */
export function toJson(value: unknown, where: string): Json {
  return copyChecked(value, where, 0);
}

const MAX_DEPTH = 10_000;

function copyChecked(v: unknown, where: string, depth: number): Json {
  if (depth > MAX_DEPTH) throw PatchError.badRequest(`${where}: nesting is too deep`);
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw PatchError.badRequest(`${where}: ${String(v)} is not a JSON number`);
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => copyChecked(x, where, depth + 1));
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) throw PatchError.badRequest(`${where}: value is not a JSON object`);
    const out: JsonObject = {};
    for (const k of Object.keys(v)) setOwn(out, k, copyChecked((v as Record<string, unknown>)[k], where, depth + 1));
    return out;
  }
  throw PatchError.badRequest(`${where}: ${typeof v} is not a JSON value`);
}

/** Deep copy of a value already known to be JSON. */
export function cloneJson<T extends Json>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => cloneJson(x)) as T;
  const out: JsonObject = {};
  for (const k of Object.keys(v)) setOwn(out, k, cloneJson(v[k] as Json));
  return out as T;
}

/** Structural equality: object key order is irrelevant, array order is significant. */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => hasOwn(b, k) && jsonEqual(a[k], b[k]));
}

/**
 * Go's fmt "%v" rendering of a value decoded into interface{} (maps print as map[k:v] with sorted
 * keys, lists as [a b], null as <nil>). Kubernetes' strategic-merge-patch errors embed values in
 * this form, and we reproduce its messages.
 */
export function goFormat(v: Json | undefined): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  const keys = Object.keys(v).sort();
  return `map[${keys.map((k) => `${k}:${goFormat(v[k])}`).join(' ')}]`;
}

// Go prints float64 with %v as the shortest representation, switching to exponent form at 1e21.
function goFloat(n: number): string {
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e21 || abs < 1e-4)) return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(n);
}

export type JsonKind = 'null' | 'boolean' | 'number' | 'string' | 'list' | 'map';

export function kindOf(v: Json): JsonKind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  return typeof v as 'boolean' | 'number' | 'string';
}
