// Kubernetes strategic merge patch (`application/strategic-merge-patch+json`), as kubectl apply
// (client-side) and kubectl edit send it.
//
// Semantics (apimachinery strategicpatch, with MergeParallelList and IgnoreUnmatchedNulls on,
// which is how kube-apiserver applies a patch to an object):
// - Maps merge key by key; `null` deletes a key. Lists replace unless the schema table gives
//   them `patchStrategy: merge`: then maps merge by their merge key and primitives are unioned.
// - Directives: `$patch: replace | delete` in a map (replace it by the rest of the map / by {}),
//   `$patch: replace | delete` as a list element (replace the whole list / delete the item with
//   that merge key), `$retainKeys: [...]` (drop keys not listed), `$setElementOrder/<field>` (final
//   order of a list), `$deleteFromPrimitiveList/<field>` (remove those values).
// - `$patch: merge` is rejected, as upstream does: "unknown patch type" in a map, "merging lists
//   cannot yet be specified in the patch" in a list.
// Where upstream copies a patch value verbatim (a key the original lacks, a new list item, the
// items of a list without merge strategy), we merge it into an empty value or strip `$patch`
// maps and nulls, so directives and nulls never reach storage.
import { identity, normalizeElementOrder, noMergeKey, partition, validatePatchWithSetOrderList } from './_smp-order.js';
import { deleteOwn, getOwn, goFormat, hasOwn, isJsonObject, jsonEqual, kindOf, setOwn, toJson, type Json, type JsonObject } from './json.js';
import { PatchError } from './patch-error.js';
import { fieldSchema, itemSchema, schemaFor, type ListSchema, type MapSchema, type SchemaNode } from './patch-schema.js';

export interface StrategicMergePatchOptions {
  /** Schema of the object's kind; defaults to the table entry for original.apiVersion/kind. */
  readonly schema?: MapSchema;
}

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder';
const DELETE_PRIMITIVES = '$deleteFromPrimitiveList';

/** Applies a strategic merge patch to `original` and returns the patched object. */
export function strategicMergePatch(original: unknown, patch: unknown, options: StrategicMergePatchOptions = {}): JsonObject {
  const o = toJson(original, 'object');
  const p = toJson(patch, 'patch');
  if (!isJsonObject(o)) throw PatchError.badRequest('invalid JSON document');
  if (!isJsonObject(p)) throw PatchError.badRequest(`json: cannot unmarshal ${goKind(p)} into Go value of type map[string]interface {}`);
  const schema = options.schema ?? schemaFor(str(getOwn(o, 'apiVersion')), str(getOwn(o, 'kind')));
  return mergeMap(o, p, schema);
}

const str = (v: Json | undefined) => (typeof v === 'string' ? v : '');

function goKind(v: Json): string {
  const k = kindOf(v);
  return k === 'list' ? 'array' : k === 'map' ? 'object' : k === 'boolean' ? 'bool' : k;
}

function goType(v: Json | undefined): string {
  if (v === undefined || v === null) return '<nil>';
  const k = kindOf(v);
  return k === 'list' ? '[]interface {}' : k === 'map' ? 'map[string]interface {}' : k === 'number' ? 'float64' : k === 'boolean' ? 'bool' : 'string';
}

function expectList(v: Json | undefined): Json[] {
  if (!Array.isArray(v)) throw PatchError.badRequest(`expected a []interface {}, but received a ${goType(v)}`);
  return v;
}

/** `original` is ours to mutate (a copy); the result may be `original` itself. */
function mergeMap(original: JsonObject, patch: JsonObject, schema: SchemaNode | undefined): JsonObject {
  if (hasOwn(patch, DIRECTIVE)) {
    const d = patch[DIRECTIVE] as Json;
    if (d === 'replace') {
      const rest = { ...patch };
      delete rest[DIRECTIVE];
      return mergeMap({}, rest, schema);
    }
    if (d === 'delete') return {};
    throw PatchError.badRequest(`unknown patch type: ${goFormat(d)} in map: ${goFormat(patch)}`);
  }
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, schema);

  for (const key of Object.keys(patch)) {
    const pv = patch[key] as Json;
    if (key.startsWith(DELETE_PRIMITIVES)) {
      deleteFromPrimitiveList(original, directiveField(key, DELETE_PRIMITIVES, 'invalid patch format of primitive list'), pv);
      continue;
    }
    if (pv === null) {
      deleteOwn(original, key);
      continue;
    }
    const fs = fieldSchema(schema, key);
    const ov = getOwn(original, key);
    if (isJsonObject(ov) && isJsonObject(pv)) setOwn(original, key, mergeMap(ov, pv, fs));
    else if (Array.isArray(ov) && Array.isArray(pv)) setOwn(original, key, mergeListField(ov, pv, fs));
    else {
      const nv = fresh(pv, fs);
      if (nv === undefined) deleteOwn(original, key);
      else setOwn(original, key, nv);
    }
  }
  return original;
}

/** The value a patch value produces where the original had nothing (or a different type). */
function fresh(pv: Json, schema: SchemaNode | undefined): Json | undefined {
  if (isJsonObject(pv)) {
    if (getOwn(pv, DIRECTIVE) === 'delete') return undefined;
    return mergeMap({}, pv, schema);
  }
  if (Array.isArray(pv)) return mergeListField([], pv, schema);
  return pv;
}

function directiveField(key: string, prefix: string, formatError: string): string {
  if (!key.startsWith(prefix + '/')) throw PatchError.badRequest(formatError);
  return key.slice(prefix.length + 1);
}

function deleteFromPrimitiveList(original: JsonObject, field: string, pv: Json): void {
  const ov = getOwn(original, field);
  if (ov === undefined) return;
  if (pv === null) {
    deleteOwn(original, field); // upstream treats a null deletion list like a null field
    return;
  }
  if (!Array.isArray(ov) || !Array.isArray(pv)) return;
  setOwn(original, field, ov.filter((x) => !pv.some((d) => jsonEqual(d, x))));
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasOwn(patch, RETAIN_KEYS)) return;
  const keep = patch[RETAIN_KEYS] as Json;
  delete patch[RETAIN_KEYS];
  const bad = () => PatchError.badRequest('invalid patch format of retainKeys');
  if (!Array.isArray(keep)) throw bad();
  const kept = (k: string) => keep.includes(k);
  for (const k of Object.keys(patch)) {
    if (patch[k] === null || k.startsWith(DELETE_PRIMITIVES) || k.startsWith(SET_ORDER)) continue;
    if (!kept(k)) throw bad();
  }
  for (const k of Object.keys(original)) if (!kept(k)) delete original[k];
}

function listStrategy(schema: SchemaNode | undefined): { merge: boolean; mergeKey: string | undefined } {
  if (schema?.kind === 'list' && schema.smp.strategy === 'merge') return { merge: true, mergeKey: schema.smp.mergeKey };
  return { merge: false, mergeKey: undefined };
}

function applySetElementOrder(original: JsonObject, patch: JsonObject, schema: SchemaNode | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const orderValue = patch[key] as Json;
    delete patch[key];
    const field = directiveField(key, SET_ORDER, 'invalid patch format of setElementOrder list');
    const order = expectList(orderValue);
    const ov = hasOwn(original, field) ? expectList(original[field]) : undefined;
    const pv = hasOwn(patch, field) ? expectList(patch[field]) : undefined;
    const fs = fieldSchema(schema, field);
    const { mergeKey } = listStrategy(fs);
    validatePatchWithSetOrderList(pv, order, mergeKey);

    let merged: Json[];
    if (ov !== undefined && pv !== undefined) merged = mergeListField(ov, pv, fs);
    else if (ov !== undefined) merged = ov;
    else if (pv !== undefined) merged = mergeListField([], pv, fs);
    else continue;

    // Order by key only when the items are maps that carry one; primitives order by value.
    const key0 = merged.some((x) => isJsonObject(x)) ? mergeKey : undefined;
    const [inOrder, serverOnly] = partition(merged, order, key0);
    setOwn(original, field, normalizeElementOrder(inOrder, serverOnly, order, ov ?? [], key0));
    delete patch[field];
  }
}

function mergeListField(ov: Json[], pv: Json[], schema: SchemaNode | undefined): Json[] {
  const { merge, mergeKey } = listStrategy(schema);
  if (!merge) return pv.filter((x) => !hasDirective(x)).map(verbatim);
  return mergeSlice(ov, pv, mergeKey, schema as ListSchema);
}

const hasDirective = (v: Json) => isJsonObject(v) && hasOwn(v, DIRECTIVE);

/**
 * A replaced list's items are taken as they are, minus nulls and `$patch` maps (upstream's
 * removeDirectives): there is nothing to merge them with.
 */
function verbatim(v: Json): Json {
  if (Array.isArray(v)) return v.filter((x) => !hasDirective(x)).map(verbatim);
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v)) {
    const x = v[k] as Json;
    if (x !== null && !hasDirective(x)) setOwn(out, k, verbatim(x));
  }
  return out;
}

type ElementKind = 'map' | 'scalar' | 'none';

function elementKind(...lists: Json[][]): ElementKind {
  let seen: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = kindOf(v);
      if (k === 'list') throw PatchError.invalid('lists of lists are not supported');
      if (seen === undefined) seen = k;
      else if (seen !== k) throw PatchError.badRequest(`list element types are not identical: ${goFormat(lists)}`);
    }
  }
  return seen === undefined ? 'none' : seen === 'map' ? 'map' : 'scalar';
}

function mergeSlice(original: Json[], patch: Json[], mergeKey: string | undefined, schema: ListSchema): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  if (kind !== 'map') {
    const merged: Json[] = [];
    for (const v of [...original, ...patch]) if (!merged.some((m) => jsonEqual(m, v))) merged.push(v);
    const [patchItems, serverOnly] = partition(merged, patch, undefined);
    return normalizeElementOrder(patchItems, serverOnly, patch, original, undefined);
  }
  if (mergeKey === undefined) throw PatchError.badRequest('cannot merge lists without merge key');
  const [orig, plain] = applySpecialElements(original, patch, mergeKey);
  const items = itemSchema(schema);
  const merged = [...orig];
  for (const pv of plain) {
    const p = pv as JsonObject;
    const key = getOwn(p, mergeKey);
    if (key === undefined) throw noMergeKey(p, mergeKey);
    const i = merged.findIndex((x) => isJsonObject(x) && jsonEqual(getOwn(x, mergeKey), key));
    if (i >= 0) merged[i] = mergeMap(merged[i] as JsonObject, p, items);
    else merged.push(mergeMap({}, p, items));
  }
  const [patchItems, serverOnly] = partition(merged, plain, mergeKey);
  return normalizeElementOrder(patchItems, serverOnly, plain, orig, mergeKey);
}

/**
 * Handles `$patch` list elements: `delete` removes every item with that merge key, `replace`
 * makes the other patch elements the whole list. Returns the (possibly reduced) original and the
 * patch without directive elements.
 */
function applySpecialElements(original: Json[], patch: Json[], mergeKey: string): [Json[], Json[]] {
  let orig = original;
  const plain: Json[] = [];
  let replace = false;
  for (const v of patch) {
    const item = v as JsonObject;
    if (!hasOwn(item, DIRECTIVE)) {
      plain.push(item);
      continue;
    }
    const d = item[DIRECTIVE] as Json;
    if (d === 'delete') {
      const key = getOwn(item, mergeKey);
      if (key === undefined) throw noMergeKey(item, mergeKey);
      orig = orig.filter((x) => !jsonEqual(identity(x, mergeKey), key));
    } else if (d === 'replace') {
      replace = true;
    } else if (d === 'merge') {
      throw PatchError.badRequest('merging lists cannot yet be specified in the patch');
    } else {
      throw PatchError.badRequest(`unknown patch type: ${goFormat(d)} in map: ${goFormat(item)}`);
    }
  }
  if (replace) return [[], plain];
  return [orig, plain];
}

