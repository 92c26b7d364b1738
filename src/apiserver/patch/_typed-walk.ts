// Schema-aware walks over JSON objects for server-side apply, after structured-merge-diff's
// typed package: which paths a config sets (toFieldSet), how two objects differ (compare), how a
// config merges into a live object (mergeApplied), and removal of fields an applier dropped
// (pruneDropped).
//
// Node classes: a *leaf* is a scalar, null, an atomic list (the default for lists) or an atomic
// map; a granular map has one path per field; an associative list has one path per item, keyed
// by its list-map keys ("k:") or, for sets, by value ("v:").
import { FieldSet, fieldPE, keyPE, pathString, valuePE, type FieldPath, type PathElement } from './field-set.js';
import { getOwn, hasOwn, isJsonObject, jsonEqual, setOwn, type Json, type JsonObject } from './json.js';
import { err, ok, type Result } from '../../core/result.js';
import { PatchError } from './patch-error.js';
import { fieldSchema, itemSchema, type ListSchema, type SchemaNode } from './patch-schema.js';

type Shape = 'leaf' | 'map' | 'list';

function shape(v: Json, schema: SchemaNode | undefined): Shape {
  if (Array.isArray(v)) return schema?.kind === 'list' && schema.ssa.type !== 'atomic' ? 'list' : 'leaf';
  if (isJsonObject(v)) return schema?.kind === 'list' || (schema?.kind === 'map' && schema.atomic) ? 'leaf' : 'map';
  return 'leaf';
}

const goQuoteList = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;

/** The path element of a list item, or an error message (structured-merge-diff's wording). */
export function itemPE(item: Json, list: ListSchema): Result<PathElement, string> {
  const ssa = list.ssa;
  if (ssa.type === 'set') return ok(valuePE(item));
  if (ssa.type !== 'map') return err('atomic list items have no path element');
  if (item === null) return err('associative list with keys may not have a null element');
  if (!isJsonObject(item)) return err('associative list with keys may not have non-map elements');
  const key: Record<string, Json> = {};
  for (const k of ssa.keys) {
    const v = getOwn(item, k) ?? ssa.keyDefaults?.[k];
    if (v !== undefined) key[k] = v;
  }
  if (Object.keys(key).length === 0) {
    return err(`associative list with keys has an element that omits all key fields ${goQuoteList(ssa.keys)} (and doesn't have default values for any key fields)`);
  }
  return ok(keyPE(key));
}

// Apply walks the same lists several times (merge, prune, compare); arrays are never mutated
// once built, so their item keys can be remembered.
const indexCache = new WeakMap<readonly Json[], { schema: ListSchema; pes: PathElement[] }>();

/** Item path elements of a list, or an error message for a bad item or a duplicate. */
function indexList(list: readonly Json[], schema: ListSchema, path: FieldPath): PathElement[] | string {
  const hit = indexCache.get(list);
  if (hit !== undefined && hit.schema === schema) return hit.pes;
  const r = computeIndex(list, schema, path);
  if (typeof r !== 'string') indexCache.set(list, { schema, pes: r });
  return r;
}

function computeIndex(list: readonly Json[], schema: ListSchema, path: FieldPath): PathElement[] | string {
  const pes: PathElement[] = [];
  const seen = new Set<PathElement>();
  for (const [i, item] of list.entries()) {
    const r = itemPE(item, schema);
    if (!r.ok) return `${pathString(path)}: element ${i}: ${r.error}`;
    const pe = r.value;
    if (seen.has(pe)) return `${pathString(path)}: duplicate entries for key ${pathString([pe])}`;
    seen.add(pe);
    pes.push(pe);
  }
  return pes;
}

/** Paths an applied configuration sets. Throws 400 for malformed associative lists. */
export function toFieldSet(config: JsonObject, schema: SchemaNode | undefined): FieldSet {
  const set = FieldSet.empty();
  const path: PathElement[] = []; // shared stack: push before descending, pop after
  const walk = (v: Json, s: SchemaNode | undefined) => {
    const sh = shape(v, s);
    if (sh === 'leaf') {
      set.insert(path);
    } else if (sh === 'map') {
      const m = v as JsonObject;
      for (const k of Object.keys(m)) {
        const child = m[k] as Json;
        path.push(fieldPE(k));
        walk(child, fieldSchema(s, k));
        if (isJsonObject(child) && Object.keys(child).length === 0) set.insert(path);
        path.pop();
      }
    } else {
      const ls = s as ListSchema;
      const pes = indexList(v as Json[], ls, path);
      if (typeof pes === 'string') throw PatchError.badRequest(pes);
      const items = itemSchema(ls);
      (v as Json[]).forEach((item, i) => {
        path.push(pes[i]!);
        walk(item, items);
        set.insert(path);
        path.pop();
      });
    }
  };
  walk(config, schema);
  return set;
}

export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

// Go value structs (ObjectMeta, specs, statuses) always exist in a typed object, so adding one
// is not an ownership event; upstream's managedFields show "f:spec" without ".".
const ALWAYS_PRESENT = new Set(['metadata', 'spec', 'status']);

const isEmptyContainer = (v: Json | undefined) =>
  v === undefined || (Array.isArray(v) ? v.length === 0 : isJsonObject(v) && Object.keys(v).length === 0);

/** How `rhs` differs from `lhs`, path by path (structured-merge-diff's Compare). */
export function compare(lhs: JsonObject, rhs: JsonObject, schema: SchemaNode | undefined): Comparison {
  const added = FieldSet.empty();
  const modified = FieldSet.empty();
  const removed = FieldSet.empty();
  const path: PathElement[] = []; // shared stack: push before descending, pop after
  const leaf = (l: Json | undefined, r: Json | undefined) => {
    if (l === undefined) added.insert(path);
    else if (r === undefined) removed.insert(path);
    else if (!jsonEqual(l, r)) modified.insert(path);
  };
  const walk = (l: Json | undefined, r: Json | undefined, s: SchemaNode | undefined) => {
    const sl = l === undefined ? undefined : shape(l, s);
    const sr = r === undefined ? undefined : shape(r, s);
    const sh = sl === undefined ? sr : sr === undefined || sr === sl ? sl : 'leaf';
    if (sh === 'leaf' || sh === undefined || (isEmptyContainer(l) && isEmptyContainer(r))) {
      leaf(l, r);
      return;
    }
    if (sh === 'map') {
      const lm = (l ?? {}) as JsonObject;
      const rm = (r ?? {}) as JsonObject;
      const visit = (k: string) => {
        path.push(fieldPE(k));
        walk(getOwn(lm, k), getOwn(rm, k), fieldSchema(s, k));
        path.pop();
      };
      for (const k of Object.keys(lm)) visit(k);
      for (const k of Object.keys(rm)) if (!hasOwn(lm, k)) visit(k);
    } else {
      const ls = s as ListSchema;
      const li = l === undefined ? [] : indexList(l as Json[], ls, path);
      const ri = r === undefined ? [] : indexList(r as Json[], ls, path);
      if (typeof li === 'string' || typeof ri === 'string') {
        leaf(l, r); // items we cannot key (bad live data): compare the list as one value
        return;
      }
      const items = itemSchema(ls);
      const rItems = new Map(ri.map((pe, i) => [pe, (r as Json[])[i]!]));
      const visit = (pe: PathElement, lv: Json | undefined) => {
        path.push(pe);
        walk(lv, rItems.get(pe), items);
        path.pop();
      };
      const lSeen = new Set(li);
      li.forEach((pe, i) => visit(pe, (l as Json[])[i]!));
      for (const pe of ri) if (!lSeen.has(pe)) visit(pe, undefined);
    }
    if (path.length === 0) return;
    if (l === undefined && !(path.length === 1 && ALWAYS_PRESENT.has(path[0]!.slice(2)))) added.insert(path);
    else if (r === undefined) removed.insert(path);
  };
  walk(lhs, rhs, schema);
  return { added, modified, removed };
}

/** Drops null-valued map keys: a null in an applied config means "unset". */
function clean(v: Json): Json {
  if (Array.isArray(v)) return v.map(clean);
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v)) if (v[k] !== null) setOwn(out, k, clean(v[k] as Json));
  return out;
}

/**
 * Merges an applied configuration into the live object. Granular maps merge field by field,
 * associative lists item by item; leaves take the config's value.
 *
 * List order: live items keep their places; the items both sides have take the config's order
 * among themselves; a config-only item goes right before the next shared item that follows it in
 * the config, or at the end. Live [a, b] + config [c, a] -> [c, a, b].
 */
export function mergeApplied(live: Json | undefined, config: Json, schema: SchemaNode | undefined): Json {
  if (live === undefined) return clean(config);
  const sh = shape(config, schema);
  if (sh === 'leaf' || shape(live, schema) !== sh) return clean(config);
  if (sh === 'map') {
    const out = { ...(live as JsonObject) };
    const c = config as JsonObject;
    for (const k of Object.keys(c)) {
      const v = c[k] as Json;
      if (v === null) delete out[k];
      else setOwn(out, k, mergeApplied(getOwn(out, k), v, fieldSchema(schema, k)));
    }
    return out;
  }
  const ls = schema as ListSchema;
  const lItems = live as Json[];
  const li = indexList(lItems, ls, []);
  const ci = indexList(config as Json[], ls, []);
  if (typeof li === 'string' || typeof ci === 'string') return clean(config);
  const cByPE = new Map(ci.map((pe, i) => [pe, (config as Json[])[i]!]));
  const liveSet = new Set(li);
  const groups: { before: Json[]; pe: PathElement }[] = [];
  let pending: Json[] = [];
  for (const pe of ci) {
    if (liveSet.has(pe)) {
      groups.push({ before: pending, pe });
      pending = [];
    } else {
      pending.push(clean(cByPE.get(pe)!));
    }
  }
  const lByPE = new Map(li.map((pe, i) => [pe, lItems[i]!]));
  const out: Json[] = [];
  li.forEach((pe, i) => {
    if (!cByPE.has(pe)) {
      out.push(lItems[i]!);
      return;
    }
    const g = groups.shift()!;
    out.push(...g.before, mergeApplied(lByPE.get(g.pe), cByPE.get(g.pe)!, itemSchema(ls)));
  });
  out.push(...pending);
  return out;
}

/**
 * Removes what the applier owned last time (`last`) and nobody claims now (`keep`: the applier's
 * new set plus every other manager's). A path is removed only when nothing at or under it is
 * kept; the key fields of an item that stays are never removed; a map or list emptied by removals
 * goes too unless someone owns it.
 */
export function pruneDropped(obj: JsonObject, last: FieldSet, keep: FieldSet, schema: SchemaNode | undefined): JsonObject {
  const claimed = (k: FieldSet | undefined) => k !== undefined && (k.isMember || !k.isEmpty());
  const walk = (v: Json, lastN: FieldSet, keepN: FieldSet | undefined, s: SchemaNode | undefined, protect: readonly string[]): { value: Json; emptied: boolean } => {
    const sh = shape(v, s);
    if (sh === 'map') {
      const m = { ...(v as JsonObject) };
      const before = Object.keys(m).length;
      for (const pe of lastN.childElements()) {
        if (!pe.startsWith('f:')) continue;
        const name = pe.slice(2);
        if (!hasOwn(m, name) || protect.includes(name)) continue;
        const lc = lastN.child(pe)!;
        const kc = keepN?.child(pe);
        if (lc.isMember && !claimed(kc)) {
          delete m[name];
        } else if (lc.childElements().length > 0) {
          const r = walk(m[name] as Json, lc, kc, fieldSchema(s, name), []);
          if (r.emptied && !(kc?.isMember ?? false)) delete m[name];
          else setOwn(m, name, r.value);
        }
      }
      return { value: m, emptied: before > 0 && Object.keys(m).length === 0 };
    }
    if (sh === 'list') {
      const ls = s as ListSchema;
      const items = v as Json[];
      const pes = indexList(items, ls, []);
      if (typeof pes === 'string') return { value: v, emptied: false };
      const keys = ls.ssa.type === 'map' ? ls.ssa.keys : [];
      const out: Json[] = [];
      items.forEach((item, i) => {
        const lc = lastN.child(pes[i]!);
        if (lc === undefined) {
          out.push(item);
          return;
        }
        const kc = keepN?.child(pes[i]!);
        if (lc.isMember && !claimed(kc)) return;
        out.push(lc.childElements().length > 0 ? walk(item, lc, kc, itemSchema(ls), keys).value : item);
      });
      return { value: out, emptied: items.length > 0 && out.length === 0 };
    }
    return { value: v, emptied: false };
  };
  return walk(obj, last, keep, schema, []).value as JsonObject;
}
