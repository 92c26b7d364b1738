// metadata.managedFields: who owns which fields, and how non-apply writes (create, update,
// patch) move ownership. Semantics of kube-apiserver's field manager (structured-merge-diff
// Updater.Update behind ManagedFieldsUpdater and StripMeta):
// - The writer is charged with every path the write added or modified; any other manager loses
//   those paths, and every manager loses paths the write removed.
// - A manager's entry is identified by (manager, operation, apiVersion for Update, subresource)
//   and its time is set to `now` only when the write changed something it now owns.
// - Creates are always tracked; an update of an object without managedFields is not.
// - apiVersion, kind, metadata itself, name, namespace, uid, resourceVersion, generation,
//   creationTimestamp, selfLink and managedFields are never owned.
import { compare } from './_typed-walk.js';
import { FieldSet, fieldPE } from './field-set.js';
import { getOwn, isJsonObject, setOwn, toJson, type Json, type JsonObject } from './json.js';
import { PatchError } from './patch-error.js';
import { schemaFor, type MapSchema } from './patch-schema.js';

export type ManagedFieldsOperation = 'Apply' | 'Update';

export interface Manager {
  readonly manager: string;
  readonly operation: ManagedFieldsOperation;
  readonly apiVersion: string;
  readonly subresource?: string;
  /** RFC 3339, second precision. */
  readonly time?: string;
  readonly fields: FieldSet;
}

/** Managers by identity (see managerId). */
export type Managers = Map<string, Manager>;

/**
 * kube-apiserver's manager identifier: the entry without fields and time, and without
 * apiVersion for appliers, JSON-encoded in ManagedFieldsEntry field order. Conflict messages list
 * managers sorted by this string.
 */
export function managerId(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  const id: Record<string, string> = { manager: m.manager, operation: m.operation };
  if (m.operation === 'Update' && m.apiVersion !== '') id['apiVersion'] = m.apiVersion;
  if (m.subresource !== undefined && m.subresource !== '') id['subresource'] = m.subresource;
  return JSON.stringify(id);
}

/** How conflict messages name a manager: `"kubectl"`, `"x" with subresource "status" using v1`. */
export function printManager(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource !== undefined && m.subresource !== '') s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
}

export function formatTime(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Decodes metadata.managedFields; returns an error message for a malformed list. */
export function decodeManagedFields(v: Json | undefined): Managers | string {
  const out: Managers = new Map();
  if (v === undefined || v === null) return out;
  if (!Array.isArray(v)) return 'managedFields must be a list';
  for (const [i, e] of v.entries()) {
    if (!isJsonObject(e)) return `managed fields entry ${i} must be an object`;
    const operation = getOwn(e, 'operation');
    if (operation !== 'Apply' && operation !== 'Update') return 'operation must be `Apply` or `Update`';
    const apiVersion = getOwn(e, 'apiVersion');
    if (typeof apiVersion !== 'string' || apiVersion === '') return 'apiVersion must not be empty';
    const fieldsType = getOwn(e, 'fieldsType');
    if (fieldsType === undefined || fieldsType === '') return `missing fieldsType in managed fields entry ${i}`;
    if (fieldsType !== 'FieldsV1') return `invalid fieldsType ${JSON.stringify(fieldsType)} in managed fields entry ${i}`;
    const fields = FieldSet.fromFieldsV1(getOwn(e, 'fieldsV1') ?? {});
    if (typeof fields === 'string') return `error decoding versioned set from entry ${i}: ${fields}`;
    const manager = getOwn(e, 'manager');
    const time = getOwn(e, 'time');
    const subresource = getOwn(e, 'subresource');
    const m: Manager = {
      manager: typeof manager === 'string' ? manager : '',
      operation,
      apiVersion,
      ...(typeof subresource === 'string' && subresource !== '' ? { subresource } : {}),
      ...(typeof time === 'string' ? { time } : {}),
      fields,
    };
    out.set(managerId(m), m);
  }
  return out;
}

/** Entries in kube-apiserver's order: operation, time, manager, apiVersion, subresource. */
export function encodeManagedFields(managers: Managers): JsonObject[] {
  const ms = [...managers.values()].filter((m) => !m.fields.isEmpty());
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const secs = (t: string | undefined) => (t === undefined ? 0 : Math.floor(Date.parse(t) / 1000) || 0);
  ms.sort(
    (a, b) =>
      cmp(a.operation, b.operation) ||
      secs(a.time) - secs(b.time) ||
      cmp(a.manager, b.manager) ||
      cmp(a.apiVersion, b.apiVersion) ||
      cmp(a.subresource ?? '', b.subresource ?? ''),
  );
  return ms.map((m) => {
    const e: JsonObject = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time !== undefined) e['time'] = m.time;
    e['fieldsType'] = 'FieldsV1';
    e['fieldsV1'] = m.fields.toFieldsV1();
    if (m.subresource !== undefined) e['subresource'] = m.subresource;
    return e;
  });
}

const STRIP = FieldSet.of([
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => [
    'f:metadata',
    fieldPE(f),
  ]),
]);

/** Removes the never-owned paths (exact paths: children of metadata stay). */
export function stripMeta(s: FieldSet): FieldSet {
  return s.difference(STRIP);
}

/** Field paths (lists of field names, e.g. [["status"]]) whose whole subtree is not tracked. */
export type IgnoredFields = readonly (readonly string[])[];

export function ignoredSet(ignored: IgnoredFields | undefined): FieldSet | undefined {
  if (ignored === undefined || ignored.length === 0) return undefined;
  return FieldSet.of(ignored.map((p) => p.map(fieldPE)));
}

/** A metadata field of an object, if metadata is a map. */
export function metaField(obj: JsonObject, field: string): Json | undefined {
  const meta = getOwn(obj, 'metadata');
  return isJsonObject(meta) ? getOwn(meta, field) : undefined;
}

/** The object without metadata.managedFields (ownership is never compared or merged). */
export function withoutManagedFields(obj: JsonObject): JsonObject {
  const meta = getOwn(obj, 'metadata');
  if (!isJsonObject(meta) || getOwn(meta, 'managedFields') === undefined) return obj;
  const m = { ...meta };
  delete m['managedFields'];
  return { ...obj, metadata: m };
}

export function setManagedFields(obj: JsonObject, managers: Managers): JsonObject {
  const entries = encodeManagedFields(managers);
  const meta = isJsonObject(getOwn(obj, 'metadata')) ? { ...(obj['metadata'] as JsonObject) } : {};
  if (entries.length > 0) meta['managedFields'] = entries;
  else delete meta['managedFields'];
  const out = { ...obj };
  setOwn(out, 'metadata', meta);
  return out;
}

export interface OwnershipConflict {
  readonly manager: Manager;
  readonly fields: FieldSet;
}

/**
 * Moves ownership for a write from `live` to `next` (both without managedFields). Every manager
 * except `writerId` conflicts on the paths the write added or modified; unless `force`, any
 * conflict aborts and `managers` is left alone. Returns the conflicts and the comparison.
 */
export function transferOwnership(
  managers: Managers,
  live: JsonObject,
  next: JsonObject,
  schema: MapSchema,
  writerId: string | undefined,
  force: boolean,
  ignored: FieldSet | undefined,
): { conflicts: OwnershipConflict[]; changed: FieldSet; removed: FieldSet } {
  const cmp = compare(live, next, schema);
  let changed = cmp.added.union(cmp.modified);
  let removed = cmp.removed;
  if (ignored !== undefined) {
    changed = changed.recursiveDifference(ignored);
    removed = removed.recursiveDifference(ignored);
  }
  const conflicts: OwnershipConflict[] = [];
  for (const [id, m] of managers) {
    if (id === writerId) continue;
    const c = m.fields.intersection(changed);
    if (!c.isEmpty()) conflicts.push({ manager: m, fields: c });
  }
  if (conflicts.length > 0 && !force) return { conflicts, changed, removed };
  for (const [id, m] of managers) {
    if (id === writerId) continue;
    const fields = m.fields.difference(changed).difference(removed);
    if (fields.isEmpty()) managers.delete(id);
    else managers.set(id, { ...m, fields });
  }
  return { conflicts, changed, removed };
}

export interface RecordUpdateOptions {
  /** The request's fieldManager (kube-apiserver defaults it from the user agent, e.g. "kubectl-edit"). */
  readonly manager: string;
  readonly now: Date;
  /** "status" etc. for subresource writes. */
  readonly subresource?: string;
  /** Subtrees this endpoint does not track (e.g. [["status"]] on the main resource). */
  readonly ignoredFields?: IgnoredFields;
  /** Schema override; defaults to the table entry for the object's apiVersion/kind. */
  readonly schema?: MapSchema;
}

function managersForUpdate(live: JsonObject | undefined, next: JsonObject): Managers {
  // A client may send managedFields: [] (or [{}]) to reset them, or a valid list to set them;
  // anything else keeps the live ones (kube-apiserver's decodeLiveOrNew).
  const sent = metaField(next, 'managedFields');
  if (Array.isArray(sent) && (sent.length === 0 || (sent.length === 1 && isJsonObject(sent[0]) && Object.keys(sent[0]).length === 0))) {
    return new Map();
  }
  const fromNext = decodeManagedFields(sent);
  if (typeof fromNext !== 'string' && fromNext.size > 0) return fromNext;
  if (live === undefined) return new Map();
  const fromLive = decodeManagedFields(metaField(live, 'managedFields'));
  return typeof fromLive === 'string' ? new Map() : fromLive;
}

/**
 * Records ownership for a create (live undefined), update or non-apply patch: returns `updated`
 * with metadata.managedFields rewritten. Call it with the object as it will be stored (after
 * defaulting), as kube-apiserver does.
 */
export function recordUpdate(live: unknown, updated: unknown, options: RecordUpdateOptions): JsonObject {
  const next = toJson(updated, 'object');
  const prev = live === undefined ? undefined : toJson(live, 'object');
  if (!isJsonObject(next) || (prev !== undefined && !isJsonObject(prev))) throw PatchError.badRequest('objects must be JSON objects');
  const apiVersion = typeof next['apiVersion'] === 'string' ? next['apiVersion'] : '';
  const schema = options.schema ?? schemaFor(apiVersion, typeof next['kind'] === 'string' ? next['kind'] : '');
  const managers = managersForUpdate(prev, next);
  const liveBare = prev === undefined ? {} : withoutManagedFields(prev);
  const nextBare = withoutManagedFields(next);
  // An existing object nobody tracks stays untracked until its first apply (kube-apiserver's
  // skipNonApplied manager); this is also how a client strips managedFields: send [{}].
  if (prev !== undefined && managers.size === 0) return nextBare;
  const { changed } = transferOwnership(managers, liveBare, nextBare, schema, undefined, true, ignoredSet(options.ignoredFields));
  const owned = stripMeta(changed);
  if (!owned.isEmpty()) {
    const id = { manager: options.manager, operation: 'Update' as const, apiVersion, ...(options.subresource ? { subresource: options.subresource } : {}) };
    const key = managerId(id);
    const before = managers.get(key)?.fields ?? FieldSet.empty();
    managers.set(key, { ...id, time: formatTime(options.now), fields: before.union(owned) });
  }
  return setManagedFields(nextBare, managers);
}
