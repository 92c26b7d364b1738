// Unknown-field detection for server-side field validation (fieldValidation=Strict|Warn).
//
// Path format follows kube-apiserver's strict JSON decoder: fields joined by ".", list
// elements as "[i]", map keys as ".key", no leading dot:
//   spec.ports[0].foo                 (unknown field inside a list element)
//   spec.template.spec.containers[1].bogus
//   foo                               (unknown top-level field)
// Messages built from those paths:
//   Strict -> 400 BadRequest, Status.message
//     `Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].foo"`
//     (several: `..., unknown field "a", unknown field "b"`)
//   Warn   -> one `Warning: 299 - "unknown field \"spec.foo\""` header per path
//     (kubectl prints `Warning: unknown field "spec.foo"`).
import { resolveSchema, schemaFor } from './catalog.js';
import { isFreeForm, isIntOrString } from './field-path.js';
import type { GroupVersionKind, OpenApiSchema } from './openapi-types.js';

/** kube-apiserver's decoder stops collecting strict errors at 100. */
export const MAX_UNKNOWN_FIELDS = 100;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

function walk(value: unknown, declared: OpenApiSchema, path: string, out: string[]): void {
  if (out.length >= MAX_UNKNOWN_FIELDS || value === null || value === undefined) return;
  const schema = resolveSchema(declared);
  if (schema === undefined || isIntOrString(schema)) return;
  if (schema.type === 'array') {
    if (!Array.isArray(value) || schema.items === undefined) return;
    for (let i = 0; i < value.length; i++) walk(value[i], schema.items, `${path}[${i}]`, out);
    return;
  }
  // Only object schemas have fields; anything else is a type question, not ours.
  if (!isPlainObject(value) || isFreeForm(schema) || (schema.type !== 'object' && schema.properties === undefined)) return;
  const props = schema.properties;
  const extra = schema.additionalProperties;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const [key, member] of Object.entries(value)) {
    if (out.length >= MAX_UNKNOWN_FIELDS) return;
    const known = props?.[key];
    if (known !== undefined) walk(member, known, join(path, key), out);
    else if (typeof extra === 'object') walk(member, extra, join(path, key), out);
    else if (extra === true || preserve) continue;
    else out.push(join(path, key));
  }
}

/**
 * Paths of the members of `obj` that the schema of `gvk` does not declare, in document order.
 * Honours maps (additionalProperties), x-kubernetes-preserve-unknown-fields, untyped objects
 * and int-or-string. A kind without a schema yields [] (nothing to check against); use
 * schemaFor() first to tell the two apart. Type mismatches are not reported here.
 */
export function findUnknownFields(gvk: GroupVersionKind, obj: unknown): string[] {
  const root = schemaFor(gvk);
  if (root === undefined) return [];
  return findUnknownFieldsIn(root.schema, obj);
}

/** Same walk from any schema, e.g. a subresource body (Scale, Eviction) or a fragment. */
export function findUnknownFieldsIn(schema: OpenApiSchema, value: unknown): string[] {
  const out: string[] = [];
  walk(value, schema, '', out);
  return out;
}

/** `unknown field "spec.foo"`: the text of one strict error, also the Warn-mode warning text. */
export function unknownFieldMessage(path: string): string {
  return `unknown field ${JSON.stringify(path)}`;
}

/** `strict decoding error: unknown field "a", unknown field "b"` */
export function strictDecodingMessage(paths: readonly string[]): string {
  return `strict decoding error: ${paths.map(unknownFieldMessage).join(', ')}`;
}

/**
 * The full Status.message kube-apiserver returns for a create/update body that fails strict
 * decoding, e.g. `Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.foo"`.
 */
export function strictDecodingError(gvk: GroupVersionKind, paths: readonly string[]): string {
  return `${gvk.kind} in version ${JSON.stringify(gvk.version)} cannot be handled as a ${gvk.kind}: ${strictDecodingMessage(paths)}`;
}
