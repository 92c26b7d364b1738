// JSON Merge Patch (RFC 7386), as served for `application/merge-patch+json`.
//
// An object patch merges key by key: null deletes the key, objects merge recursively, everything
// else (arrays included) replaces. A non-object patch replaces the whole target. Nulls inside a
// value that lands where nothing was are dropped too (RFC 7386 merges it into {}).
import { deleteOwn, getOwn, isJsonObject, setOwn, toJson, type Json, type JsonObject } from './json.js';
import { PatchError } from './patch-error.js';

/** RFC 7386 MergePatch(target, patch) on any JSON values. Inputs are not mutated. */
export function jsonMergePatch(target: unknown, patch: unknown): Json {
  return merge(toJson(target, 'object'), toJson(patch, 'patch'));
}

/**
 * The API server's form: both sides must be JSON objects (kube-apiserver answers a non-object
 * merge patch with 400 "Invalid JSON Patch").
 */
export function mergePatchObject(target: unknown, patch: unknown): JsonObject {
  const t = toJson(target, 'object');
  const p = toJson(patch, 'patch');
  if (!isJsonObject(t)) throw PatchError.badRequest('Invalid JSON Document');
  if (!isJsonObject(p)) throw PatchError.badRequest('Invalid JSON Patch');
  return merge(t, p) as JsonObject;
}

function merge(target: Json | undefined, patch: Json): Json {
  if (!isJsonObject(patch)) return patch;
  const out: JsonObject = isJsonObject(target) ? target : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key] as Json;
    if (value === null) deleteOwn(out, key);
    else setOwn(out, key, merge(getOwn(out, key), value));
  }
  return out;
}
