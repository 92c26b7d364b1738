// Server-side apply (`application/apply-patch+yaml`): the body is the applier's whole intent;
// ownership lives in metadata.managedFields. Semantics of kube-apiserver's field manager
// (structured-merge-diff Updater.Apply):
// 1. The applier owns exactly the paths its configuration sets (FieldsV1), minus never-owned
//    metadata (name, namespace, ...).
// 2. The configuration merges into the live object (maps by field, associative lists by key).
// 3. Paths the applier owned last time and no longer sets are removed, unless some manager
//    (the applier's new config included) still owns them or something under them.
// 4. Another manager owning a path this apply adds or changes to a different value is a
//    conflict: 409 unless force, in which case that manager loses the path. Setting the same
//    value is not a conflict; both then own it.
// 5. A live object without managedFields is first attributed to "before-first-apply".
import { parse as parseYaml } from 'yaml';
import { mergeApplied, pruneDropped, toFieldSet } from './_typed-walk.js';
import { pathString, type FieldPath } from './field-set.js';
import { getOwn, isJsonObject, jsonEqual, toJson, type Json, type JsonObject } from './json.js';
import {
  decodeManagedFields,
  formatTime,
  ignoredSet,
  managerId,
  metaField,
  printManager,
  setManagedFields,
  stripMeta,
  transferOwnership,
  withoutManagedFields,
  type IgnoredFields,
  type Manager,
  type ManagedFieldsOperation,
  type Managers,
} from './managed-fields.js';
import { PatchError } from './patch-error.js';
import { schemaFor, type MapSchema } from './patch-schema.js';

export interface ApplyOptions {
  /** The request's fieldManager; required for apply. */
  readonly manager: string;
  readonly force?: boolean;
  readonly now: Date;
  /** Group/version/kind the endpoint serves; defaults to the live object's. */
  readonly expect?: { readonly apiVersion: string; readonly kind: string };
  readonly subresource?: string;
  /** Subtrees this endpoint does not track (e.g. [["status"]] on the main resource). */
  readonly ignoredFields?: IgnoredFields;
  readonly schema?: MapSchema;
}

export interface ApplyConflict {
  readonly manager: string;
  readonly operation: ManagedFieldsOperation;
  readonly apiVersion: string;
  readonly subresource?: string;
  /** structured-merge-diff's path string, e.g. `.spec.ports[port=80,protocol="TCP"].targetPort`. */
  readonly field: string;
  readonly path: FieldPath;
}

export type ApplyOutcome =
  /** `conflicts` lists what force took over (empty without force). */
  | { readonly kind: 'Applied'; readonly object: JsonObject; readonly changed: boolean; readonly conflicts: readonly ApplyConflict[] }
  | { readonly kind: 'Conflict'; readonly conflicts: readonly ApplyConflict[]; readonly error: PatchError };

export const BEFORE_FIRST_APPLY = 'before-first-apply';

/** Decodes an apply body (YAML or JSON; JSON is YAML). Throws 400 like kube-apiserver. */
export function parseApplyBody(body: string | Uint8Array): JsonObject {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  let value: unknown;
  try {
    value = parseYaml(text, { merge: false, uniqueKeys: true });
  } catch (e) {
    throw PatchError.badRequest(`error decoding YAML: ${e instanceof Error ? e.message : String(e)}`);
  }
  const json = toJson(value ?? {}, 'apply body');
  if (!isJsonObject(json)) {
    throw PatchError.badRequest(`error decoding YAML: json: cannot unmarshal ${Array.isArray(json) ? 'array' : typeof json} into Go value of type map[string]interface {}`);
  }
  return json;
}

function gvkString(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const gv = slash < 0 ? `/${apiVersion}` : apiVersion;
  return `${gv}, Kind=${kind}`;
}

const str = (v: Json | undefined) => (typeof v === 'string' ? v : '');

function checkApplied(config: JsonObject, live: JsonObject | undefined, options: ApplyOptions): void {
  if (options.manager === '') throw PatchError.badRequest('fieldManager is required for apply requests');
  const apiVersion = str(getOwn(config, 'apiVersion'));
  const kind = str(getOwn(config, 'kind'));
  const expect = options.expect ?? (live ? { apiVersion: str(getOwn(live, 'apiVersion')), kind: str(getOwn(live, 'kind')) } : undefined);
  if (expect !== undefined && (expect.apiVersion !== apiVersion || expect.kind !== kind)) {
    throw PatchError.badRequest(`invalid object type: ${gvkString(apiVersion, kind)}`);
  }
  if (apiVersion === '' || kind === '') throw PatchError.badRequest('apiVersion and kind must be set in an apply patch');
  if (metaField(config, 'managedFields') !== undefined && metaField(config, 'managedFields') !== null) {
    throw PatchError.badRequest('metadata.managedFields must be nil');
  }
  if (getOwn(config, 'metadata') !== undefined && !isJsonObject(getOwn(config, 'metadata'))) {
    throw PatchError.badRequest('metadata must be an object');
  }
}

function liveManagers(live: JsonObject | undefined, liveBare: JsonObject, schema: MapSchema, now: Date): Managers {
  if (live === undefined) return new Map();
  const decoded = decodeManagedFields(metaField(live, 'managedFields'));
  const managers = typeof decoded === 'string' ? new Map<string, Manager>() : decoded;
  if (managers.size > 0) return managers;
  // Someone wrote this object before ownership was tracked: it all belongs to that someone.
  const { changed } = transferOwnership(managers, {}, liveBare, schema, undefined, true, undefined);
  const owner: Manager = { manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion: str(getOwn(live, 'apiVersion')), time: formatTime(now), fields: stripMeta(changed) };
  if (!owner.fields.isEmpty()) managers.set(managerId(owner), owner);
  return managers;
}

function conflictList(conflicts: readonly { manager: Manager; fields: { paths(): FieldPath[] } }[]): ApplyConflict[] {
  const sorted = [...conflicts].sort((a, b) => (managerId(a.manager) < managerId(b.manager) ? -1 : 1));
  return sorted.flatMap(({ manager: m, fields }) =>
    fields.paths().map((path) => ({
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      ...(m.subresource !== undefined ? { subresource: m.subresource } : {}),
      field: pathString(path),
      path,
    })),
  );
}

/** kube-apiserver's 409 for apply conflicts, message and causes included. */
export function applyConflictError(conflicts: readonly ApplyConflict[]): PatchError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict' as const, message: `conflict with ${printManager(c)}`, field: c.field }));
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    return new PatchError('Conflict', `Apply failed with 1 conflict: conflict with ${printManager(c)}: ${c.field}`, causes);
  }
  const lines: string[] = [];
  let last = '';
  for (const c of conflicts) {
    const who = printManager(c);
    if (who !== last) lines.push(`conflicts with ${who}:`);
    last = who;
    lines.push(`- ${c.field}`);
  }
  return new PatchError('Conflict', `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`, causes);
}

/**
 * Applies `applied` (parsed object, or the raw YAML/JSON body) for `options.manager` on top of
 * `live` (undefined to create). Malformed input throws a 400 PatchError; conflicts come back as
 * an outcome so the caller can report them (409) or retry with force.
 */
export function serverSideApply(live: unknown, applied: unknown, options: ApplyOptions): ApplyOutcome {
  const config = typeof applied === 'string' || applied instanceof Uint8Array ? parseApplyBody(applied) : toJson(applied, 'apply body');
  if (!isJsonObject(config)) throw PatchError.badRequest('error decoding YAML: json: cannot unmarshal into Go value of type map[string]interface {}');
  const liveObj = live === undefined ? undefined : toJson(live, 'object');
  if (liveObj !== undefined && !isJsonObject(liveObj)) throw PatchError.badRequest('live object must be a JSON object');
  checkApplied(config, liveObj, options);

  const apiVersion = str(getOwn(config, 'apiVersion'));
  const schema = options.schema ?? schemaFor(apiVersion, str(getOwn(config, 'kind')));
  const ignored = ignoredSet(options.ignoredFields);
  const liveBare = liveObj === undefined ? {} : withoutManagedFields(liveObj);
  const managers = liveManagers(liveObj, liveBare, schema, options.now);

  let configSet = stripMeta(toFieldSet(config, schema));
  if (ignored !== undefined) configSet = configSet.recursiveDifference(ignored);
  const id = { manager: options.manager, operation: 'Apply' as const, apiVersion, ...(options.subresource ? { subresource: options.subresource } : {}) };
  const key = managerId(id);
  const previous = managers.get(key);

  let next = mergeApplied(liveBare, withoutManagedFields(config), schema) as JsonObject;
  if (previous !== undefined) {
    let keep = configSet;
    for (const [k, m] of managers) if (k !== key) keep = keep.union(m.fields);
    next = pruneDropped(next, previous.fields, keep, schema);
  }

  const force = options.force ?? false;
  const { conflicts } = transferOwnership(managers, liveBare, next, schema, key, force, ignored);
  const list = conflictList(conflicts);
  if (list.length > 0 && !force) return { kind: 'Conflict', conflicts: list, error: applyConflictError(list) };

  const objectChanged = !jsonEqual(liveBare, next);
  if (configSet.isEmpty()) managers.delete(key);
  else {
    const time = objectChanged || previous?.time === undefined ? formatTime(options.now) : previous.time;
    managers.set(key, { ...id, time, fields: configSet });
  }
  const object = setManagedFields(next, managers);
  return { kind: 'Applied', object, changed: liveObj === undefined || !jsonEqual(liveObj, object), conflicts: list };
}
