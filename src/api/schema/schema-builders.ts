// Small constructors for schema data, so the definition files read like the Go types they
// mirror. Every helper returns plain JSON: no functions or classes end up in a schema.
import type { GroupVersionKind, ListType, OpenApiSchema, PatchStrategy } from './openapi-types.js';

export const CORE = 'io.k8s.api.core.v1';
export const APPS = 'io.k8s.api.apps.v1';
export const DISCOVERY = 'io.k8s.api.discovery.v1';
export const COORDINATION = 'io.k8s.api.coordination.v1';
export const AUTOSCALING = 'io.k8s.api.autoscaling.v1';
export const POLICY = 'io.k8s.api.policy.v1';
export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const INTSTR = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';

export const core = (name: string): string => `${CORE}.${name}`;
export const apps = (name: string): string => `${APPS}.${name}`;
export const meta = (name: string): string => `${META}.${name}`;

export const REF_PREFIX = '#/components/schemas/';

type Extra = Partial<Pick<OpenApiSchema, 'format' | 'enum' | 'default' | 'x-kubernetes-map-type'>>;

function described(base: OpenApiSchema, description: string | undefined, extra?: Extra): OpenApiSchema {
  const out: Record<string, unknown> = { ...base };
  if (description !== undefined && description !== '') out['description'] = description;
  if (extra !== undefined) Object.assign(out, extra);
  return out as OpenApiSchema;
}

export function str(description?: string, extra?: Extra): OpenApiSchema {
  return described({ type: 'string' }, description, extra);
}

export function enumStr(values: readonly string[], description?: string, extra?: Extra): OpenApiSchema {
  return described({ type: 'string', enum: values }, description, extra);
}

export function int32(description?: string, extra?: Extra): OpenApiSchema {
  return described({ type: 'integer', format: 'int32' }, description, extra);
}

export function int64(description?: string, extra?: Extra): OpenApiSchema {
  return described({ type: 'integer', format: 'int64' }, description, extra);
}

export function num(description?: string): OpenApiSchema {
  return described({ type: 'number', format: 'double' }, description);
}

export function bool(description?: string, extra?: Extra): OpenApiSchema {
  return described({ type: 'boolean' }, description, extra);
}

/** base64-encoded bytes ([]byte in Go). */
export function bytes(description?: string): OpenApiSchema {
  return described({ type: 'string', format: 'byte' }, description);
}

/**
 * Reference to a component. With a description, upstream wraps the $ref in allOf
 * (a sibling of $ref is ignored by OpenAPI 3.0 tooling); we do the same.
 */
export function ref(name: string, description?: string): OpenApiSchema {
  const target = { $ref: REF_PREFIX + name };
  if (description === undefined || description === '') return target;
  return { allOf: [target], description };
}

export interface ListOpts {
  readonly listType?: ListType;
  readonly mapKeys?: readonly string[];
  readonly mergeKey?: string;
  readonly strategy?: PatchStrategy;
}

export function arr(items: OpenApiSchema, description?: string, opts: ListOpts = {}): OpenApiSchema {
  const out: Record<string, unknown> = { type: 'array', items };
  if (description !== undefined && description !== '') out['description'] = description;
  if (opts.listType !== undefined) out['x-kubernetes-list-type'] = opts.listType;
  if (opts.mapKeys !== undefined) out['x-kubernetes-list-map-keys'] = opts.mapKeys;
  if (opts.mergeKey !== undefined) out['x-kubernetes-patch-merge-key'] = opts.mergeKey;
  if (opts.strategy !== undefined) out['x-kubernetes-patch-strategy'] = opts.strategy;
  return out as OpenApiSchema;
}

/** `[]string`, the most common list. */
export function strings(description?: string, opts: ListOpts = {}): OpenApiSchema {
  return arr({ type: 'string' }, description, opts);
}

/** A JSON object used as a map (labels, selectors, data). */
export function map(values: OpenApiSchema, description?: string, extra?: Extra): OpenApiSchema {
  return described({ type: 'object', additionalProperties: values }, description, extra);
}

export function stringMap(description?: string, extra?: Extra): OpenApiSchema {
  return map({ type: 'string' }, description, extra);
}

/** ResourceList: resource name -> Quantity. */
export function quantityMap(description?: string): OpenApiSchema {
  return map(ref(QUANTITY), description);
}

export interface ObjectOpts {
  readonly required?: readonly string[];
  readonly mapType?: 'atomic' | 'granular';
}

export function obj(description: string, properties: Record<string, OpenApiSchema>, opts: ObjectOpts = {}): OpenApiSchema {
  const out: Record<string, unknown> = { type: 'object' };
  if (description !== '') out['description'] = description;
  out['properties'] = properties;
  if (opts.required !== undefined && opts.required.length > 0) out['required'] = opts.required;
  if (opts.mapType !== undefined) out['x-kubernetes-map-type'] = opts.mapType;
  return out as OpenApiSchema;
}

/**
 * A type we keep but do not model field by field (security contexts, affinity, most volume
 * sources): any content is accepted and stored unchanged, even under fieldValidation=Strict.
 */
export function opaque(description: string): OpenApiSchema {
  return { type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true };
}

const API_VERSION_DOC =
  'APIVersion defines the versioned schema of this representation of an object. Servers convert recognized schemas to the latest internal value and may reject unrecognized values.';
const KIND_DOC = 'Kind is a string value representing the REST resource this object represents, in CamelCase. Servers may infer it from the endpoint the client submits requests to; it cannot be updated.';
const OBJECT_META_DOC = "Standard object's metadata: name, namespace, labels, annotations, owners and server-maintained bookkeeping.";
const LIST_META_DOC = "Standard list metadata: the collection's resourceVersion and the continue token for paging.";

export const typeMeta = {
  apiVersion: str(API_VERSION_DOC),
  kind: str(KIND_DOC),
} as const;

/**
 * A top-level kind: TypeMeta + ObjectMeta + the given fields, tagged with its GVK so clients
 * (kubectl explain, the field validation verifier) can find it.
 */
export function kind(gvk: GroupVersionKind, description: string, fields: Record<string, OpenApiSchema>, opts: ObjectOpts = {}): OpenApiSchema {
  return {
    ...obj(description, { ...typeMeta, metadata: ref(meta('ObjectMeta'), OBJECT_META_DOC), ...fields }, opts),
    'x-kubernetes-group-version-kind': [gvk],
  };
}

/** The `<Kind>List` that list calls return. */
export function listKind(gvk: GroupVersionKind, itemSchema: string, itemsDescription: string): OpenApiSchema {
  return {
    ...obj(
      `${gvk.kind} is a list of ${gvk.kind.replace(/List$/, '')} objects.`,
      { ...typeMeta, items: arr(ref(itemSchema), itemsDescription), metadata: ref(meta('ListMeta'), LIST_META_DOC) },
      { required: ['items'] },
    ),
    'x-kubernetes-group-version-kind': [gvk],
  };
}

export const gvk = (group: string, version: string, kindName: string): GroupVersionKind => ({ group, version, kind: kindName });
