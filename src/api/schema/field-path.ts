// Walks a kind's schema along a field path. Paths name fields only: list elements are
// stepped through implicitly, so `spec.template.spec.containers.ports` reaches the ports of
// any container. That is the shape patch engines need: they recurse field by field and the
// element index never changes the schema.
import type { Result } from '../../core/result.js';
import { err, ok } from '../../core/result.js';
import { resolveSchema, schemaFor } from './catalog.js';
import type { GroupVersionKind, OpenApiSchema } from './openapi-types.js';

export type FieldLookupError =
  | { readonly reason: 'unknown-kind'; readonly gvk: GroupVersionKind }
  /** `at` is the dotted prefix up to and including the first segment that does not exist. */
  | { readonly reason: 'unknown-field'; readonly at: string };

export type FieldLocation =
  /**
   * `declared` is the property schema as written in its parent (it carries list and patch
   * extensions); `resolved` is what it references (it carries struct-level map-type).
   */
  | { readonly kind: 'schema'; readonly declared: OpenApiSchema; readonly resolved: OpenApiSchema }
  /** The path runs into a subtree that accepts anything (preserve-unknown or untyped object). */
  | { readonly kind: 'free-form' };

export function splitPath(path: string | readonly string[]): readonly string[] {
  if (typeof path !== 'string') return path;
  return path === '' ? [] : path.replace(/^\./, '').split('.');
}

export function isIntOrString(s: OpenApiSchema): boolean {
  return s['x-kubernetes-int-or-string'] === true || s.format === 'int-or-string';
}

/** Objects without declared structure accept any member. */
export function isFreeForm(s: OpenApiSchema): boolean {
  if (s['x-kubernetes-preserve-unknown-fields'] === true && s.properties === undefined) return true;
  return s.type === 'object' && s.properties === undefined && s.additionalProperties === undefined;
}

/** Steps from a resolved schema to its child named `segment`, through list items. */
function child(resolved: OpenApiSchema, segment: string): OpenApiSchema | 'free-form' | undefined {
  let cur = resolved;
  if (cur.type === 'array' && cur.items !== undefined) {
    const item = resolveSchema(cur.items);
    if (item === undefined) return undefined;
    cur = item;
  }
  if (isFreeForm(cur)) return 'free-form';
  const prop = cur.properties?.[segment];
  if (prop !== undefined) return prop;
  if (typeof cur.additionalProperties === 'object') return cur.additionalProperties;
  if (cur.additionalProperties === true || cur['x-kubernetes-preserve-unknown-fields'] === true) return 'free-form';
  return undefined;
}

export function fieldAt(target: GroupVersionKind, path: string | readonly string[]): Result<FieldLocation, FieldLookupError> {
  const root = schemaFor(target);
  if (root === undefined) return err({ reason: 'unknown-kind', gvk: target });
  const segments = splitPath(path);
  let declared: OpenApiSchema = root.schema;
  let resolved: OpenApiSchema = root.schema;
  for (let i = 0; i < segments.length; i++) {
    const next = child(resolved, segments[i]!);
    if (next === 'free-form') return ok({ kind: 'free-form' });
    const nextResolved = next === undefined ? undefined : resolveSchema(next);
    if (next === undefined || nextResolved === undefined) return err({ reason: 'unknown-field', at: segments.slice(0, i + 1).join('.') });
    declared = next;
    resolved = nextResolved;
  }
  return ok({ kind: 'schema', declared, resolved });
}
