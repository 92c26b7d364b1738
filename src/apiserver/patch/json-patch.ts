// JSON Patch (RFC 6902) over JSON Pointer (RFC 6901), as served for
// `application/json-patch+json`.
//
// Invariants:
// - Atomic: the operations run in order on a deep copy; the first failing one throws and the
//   caller's document is untouched.
// - Errors: a patch that is not a list of objects is 400 (kube-apiserver fails to decode it);
//   every other failure is 422 with evanphx/json-patch's wording, which kube-apiserver returns.
import { arrayIndex, parsePointer } from './json-pointer.js';
import { cloneJson, getOwn, hasOwn, isJsonObject, jsonEqual, setOwn, toJson, type Json, type JsonObject } from './json.js';
import { PatchError } from './patch-error.js';

export interface JsonPatchOptions {
  /** kube-apiserver refuses patches with more operations (413). Default 10000. */
  readonly maxOperations?: number;
}

export const DEFAULT_MAX_JSON_PATCH_OPERATIONS = 10_000;

/** Applies `patch` (an RFC 6902 operation list) to `document` and returns the new document. */
export function applyJsonPatch(document: unknown, patch: unknown, options: JsonPatchOptions = {}): Json {
  let doc = toJson(document, 'object');
  const ops = decodeOperations(toJson(patch, 'patch'));
  const max = options.maxOperations ?? DEFAULT_MAX_JSON_PATCH_OPERATIONS;
  if (ops.length > max) {
    throw new PatchError('RequestEntityTooLarge', `The allowed maximum operations in a JSON patch is ${max}, got ${ops.length}`);
  }
  for (const op of ops) doc = applyOperation(doc, op);
  return doc;
}

function goJsonType(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function decodeOperations(patch: Json): JsonObject[] {
  if (patch === null) return []; // Go decodes `null` into an empty patch
  if (!Array.isArray(patch)) throw PatchError.badRequest(`json: cannot unmarshal ${goJsonType(patch)} into Go value of type jsonpatch.Patch`);
  return patch.map((op) => {
    if (!isJsonObject(op)) throw PatchError.badRequest(`json: cannot unmarshal ${goJsonType(op)} into Go value of type jsonpatch.Operation`);
    return op;
  });
}

const invalid = (message: string) => PatchError.invalid(message);

function pointerOf(op: JsonObject, field: 'path' | 'from', kind: string): { raw: string; tokens: readonly string[] } {
  const raw = getOwn(op, field);
  const what = field === 'path' ? 'path' : 'from';
  if (typeof raw !== 'string') {
    throw invalid(field === 'path' ? `${kind} operation failed to decode path: missing value` : `operation, missing from field: missing value`);
  }
  const parsed = parsePointer(raw);
  if (!parsed.ok) throw invalid(`${kind} operation failed to decode ${what}: invalid JSON pointer ${JSON.stringify(raw)}`);
  return { raw, tokens: parsed.value };
}

function valueOf(op: JsonObject): Json {
  if (!hasOwn(op, 'value')) throw invalid('operation, missing value field: missing value');
  return op['value'] as Json;
}

function applyOperation(doc: Json, op: JsonObject): Json {
  const kind = getOwn(op, 'op');
  switch (kind) {
    case 'add': {
      const { raw, tokens } = pointerOf(op, 'path', kind);
      return add(doc, tokens, raw, valueOf(op));
    }
    case 'remove': {
      const { raw, tokens } = pointerOf(op, 'path', kind);
      remove(doc, tokens, raw);
      return doc;
    }
    case 'replace': {
      const { raw, tokens } = pointerOf(op, 'path', kind);
      return replace(doc, tokens, raw, valueOf(op));
    }
    case 'move': {
      const from = pointerOf(op, 'from', kind);
      const path = pointerOf(op, 'path', kind);
      if (get(doc, from.tokens) === undefined) throw invalid(`move operation does not apply: doc is missing from path: ${from.raw}: missing value`);
      if (from.raw === path.raw) return doc;
      if (isProperPrefix(from.tokens, path.tokens)) {
        throw invalid(`move operation does not apply: cannot move ${from.raw} into its own child ${path.raw}`);
      }
      const value = remove(doc, from.tokens, from.raw);
      return add(doc, path.tokens, path.raw, value);
    }
    case 'copy': {
      const from = pointerOf(op, 'from', kind);
      const path = pointerOf(op, 'path', kind);
      const value = get(doc, from.tokens);
      if (value === undefined) throw invalid(`copy operation does not apply: doc is missing from path: ${from.raw}: missing value`);
      return add(doc, path.tokens, path.raw, cloneJson(value));
    }
    case 'test': {
      const { raw, tokens } = pointerOf(op, 'path', kind);
      const expected = valueOf(op);
      const actual = get(doc, tokens);
      if (actual === undefined) throw invalid(`test operation does not apply: is missing path: ${raw}: missing value`);
      if (!jsonEqual(actual, expected)) throw invalid(`testing value ${raw} failed: test failed`);
      return doc;
    }
    default:
      throw invalid(`Unexpected kind: ${typeof kind === 'string' ? kind : 'unknown'}`);
  }
}

function isProperPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length < path.length && prefix.every((t, i) => path[i] === t);
}

/** The value at `tokens`, or undefined when any step is missing. */
function get(doc: Json, tokens: readonly string[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      const i = arrayIndex(t);
      cur = i === undefined ? undefined : cur[i];
    } else if (isJsonObject(cur)) {
      cur = getOwn(cur, t);
    } else {
      return undefined;
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** The container holding the last token, or undefined when it does not exist or is a scalar. */
function parentOf(doc: Json, tokens: readonly string[]): Json[] | JsonObject | undefined {
  const p = get(doc, tokens.slice(0, -1));
  return Array.isArray(p) || isJsonObject(p) ? p : undefined;
}

function add(doc: Json, tokens: readonly string[], raw: string, value: Json): Json {
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens);
  const key = tokens[tokens.length - 1]!;
  if (parent === undefined) throw invalid(`add operation does not apply: doc is missing path: "${raw}": missing value`);
  if (!Array.isArray(parent)) {
    setOwn(parent, key, value);
    return doc;
  }
  if (key === '-') {
    parent.push(value);
    return doc;
  }
  const i = arrayIndex(key);
  if (i === undefined) throw invalid(`error in add for path: '${raw}': value was not a proper array index: '${key}'`);
  if (i > parent.length) throw invalid(`error in add for path: '${raw}': Unable to access invalid index: ${i}: invalid index referenced`);
  parent.splice(i, 0, value);
  return doc;
}

function remove(doc: Json, tokens: readonly string[], raw: string): Json {
  if (tokens.length === 0) throw invalid('remove operation does not apply: cannot remove the document root');
  const parent = parentOf(doc, tokens);
  const key = tokens[tokens.length - 1]!;
  if (parent === undefined) throw invalid(`remove operation does not apply: doc is missing path: "${raw}": missing value`);
  if (!Array.isArray(parent)) {
    const old = getOwn(parent, key);
    if (old === undefined) throw invalid(`error in remove for path: '${raw}': Unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
    return old;
  }
  const i = arrayIndex(key);
  if (i === undefined || i >= parent.length) {
    throw invalid(`error in remove for path: '${raw}': Unable to access invalid index: ${key}: invalid index referenced`);
  }
  return parent.splice(i, 1)[0] as Json;
}

function replace(doc: Json, tokens: readonly string[], raw: string, value: Json): Json {
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens);
  const key = tokens[tokens.length - 1]!;
  if (parent === undefined) throw invalid(`replace operation does not apply: doc is missing path: ${raw}: missing value`);
  if (!Array.isArray(parent)) {
    if (!hasOwn(parent, key)) throw invalid(`replace operation does not apply: doc is missing key: ${raw}: missing value`);
    setOwn(parent, key, value);
    return doc;
  }
  const i = arrayIndex(key);
  if (i === undefined || i >= parent.length) throw invalid(`replace operation does not apply: doc is missing key: ${raw}: missing value`);
  parent[i] = value;
  return doc;
}
