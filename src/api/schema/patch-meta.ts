// Merge semantics of a field, read from the schema extensions: what strategic merge patch
// needs (x-kubernetes-patch-strategy / -merge-key) and what server-side apply needs
// (x-kubernetes-list-type / -list-map-keys / -map-type).
import type { Result } from '../../core/result.js';
import { err, ok } from '../../core/result.js';
import type { FieldLookupError } from './field-path.js';
import { fieldAt, isIntOrString } from './field-path.js';
import type { GroupVersionKind, ListType, OpenApiSchema, PatchStrategy } from './openapi-types.js';

/** What kind of JSON value a field holds, as far as merging is concerned. */
export type ValueShape = 'object' | 'map' | 'list' | 'scalar' | 'int-or-string' | 'free-form';

export interface PatchMeta {
  readonly shape: ValueShape;
  /** Absent means the default: objects and maps merge, lists are replaced. */
  readonly strategy?: PatchStrategy;
  readonly mergeKey?: string;
}

function shapeOf(resolved: OpenApiSchema): ValueShape {
  if (isIntOrString(resolved)) return 'int-or-string';
  if (resolved.type === 'array') return 'list';
  if (resolved.type === 'object' || resolved.properties !== undefined) {
    if (resolved.properties !== undefined) return 'object';
    if (typeof resolved.additionalProperties === 'object') return 'map';
    return 'free-form';
  }
  if (resolved['x-kubernetes-preserve-unknown-fields'] === true) return 'free-form';
  return 'scalar';
}

/**
 * Strategic-merge-patch metadata of the field at `path` (field names only; list elements are
 * implicit). Example: Service `spec.ports` -> {shape:'list', strategy:'merge', mergeKey:'port'}.
 */
export function patchMetaFor(target: GroupVersionKind, path: string | readonly string[]): Result<PatchMeta, FieldLookupError> {
  const at = fieldAt(target, path);
  if (!at.ok) return at;
  if (at.value.kind === 'free-form') return ok({ shape: 'free-form' });
  const { declared, resolved } = at.value;
  const strategy = declared['x-kubernetes-patch-strategy'];
  const mergeKey = declared['x-kubernetes-patch-merge-key'];
  return ok({
    shape: shapeOf(resolved),
    ...(strategy !== undefined ? { strategy } : {}),
    ...(mergeKey !== undefined ? { mergeKey } : {}),
  });
}

export interface ListSemantics {
  readonly listType: ListType;
  /** Keys identifying an element of a `map` list; empty otherwise. */
  readonly mapKeys: readonly string[];
  /** False when the schema says nothing and SSA's default (atomic) applies. */
  readonly declared: boolean;
}

export type ListLookupError = FieldLookupError | { readonly reason: 'not-a-list'; readonly shape: ValueShape };

/**
 * Server-side-apply list semantics of the field at `path`. Example: Service `spec.ports` ->
 * {listType:'map', mapKeys:['port','protocol'], declared:true}.
 */
export function listTypeFor(target: GroupVersionKind, path: string | readonly string[]): Result<ListSemantics, ListLookupError> {
  const at = fieldAt(target, path);
  if (!at.ok) return at;
  if (at.value.kind === 'free-form') return err({ reason: 'not-a-list', shape: 'free-form' });
  const { declared, resolved } = at.value;
  if (resolved.type !== 'array') return err({ reason: 'not-a-list', shape: shapeOf(resolved) });
  const listType = declared['x-kubernetes-list-type'];
  if (listType === undefined) return ok({ listType: 'atomic', mapKeys: [], declared: false });
  return ok({ listType, mapKeys: listType === 'map' ? (declared['x-kubernetes-list-map-keys'] ?? []) : [], declared: true });
}

/**
 * Server-side-apply map/struct semantics: 'atomic' objects and maps are owned and replaced as
 * a whole (Service spec.selector, LabelSelector, ObjectReference); 'granular' is the default.
 */
export function mapTypeFor(target: GroupVersionKind, path: string | readonly string[]): Result<'atomic' | 'granular', FieldLookupError> {
  const at = fieldAt(target, path);
  if (!at.ok) return at;
  if (at.value.kind === 'free-form') return ok('granular');
  return ok(at.value.declared['x-kubernetes-map-type'] ?? at.value.resolved['x-kubernetes-map-type'] ?? 'granular');
}
