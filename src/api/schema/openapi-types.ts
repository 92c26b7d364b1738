// The subset of OpenAPI v3 schema objects that Kubernetes' published documents use, plus the
// x-kubernetes-* extensions clients act on. Schemas here are plain JSON data: they are served
// as-is in /openapi/v3 documents and converted mechanically for /openapi/v2.

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export type ListType = 'atomic' | 'set' | 'map';
/** Strategic-merge-patch strategies as upstream spells them (comma-joined when combined). */
export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';

export interface OpenApiSchema {
  readonly $ref?: string;
  /** Kubernetes wraps a described reference as `allOf: [{$ref}]` so the description survives. */
  readonly allOf?: readonly OpenApiSchema[];
  /** Only for the v3 forms of IntOrString (integer|string) and Quantity (string|number). */
  readonly oneOf?: readonly OpenApiSchema[];
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly format?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, OpenApiSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: OpenApiSchema | boolean;
  readonly items?: OpenApiSchema;
  readonly enum?: readonly (string | number)[];
  readonly default?: unknown;
  readonly 'x-kubernetes-group-version-kind'?: readonly GroupVersionKind[];
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
  readonly 'x-kubernetes-list-type'?: ListType;
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  readonly 'x-kubernetes-map-type'?: 'atomic' | 'granular';
  readonly 'x-kubernetes-patch-merge-key'?: string;
  readonly 'x-kubernetes-patch-strategy'?: PatchStrategy;
  readonly 'x-kubernetes-unions'?: readonly unknown[];
}

/** Component schemas keyed by their upstream name, e.g. `io.k8s.api.core.v1.ServicePort`. */
export type SchemaTable = Readonly<Record<string, OpenApiSchema>>;

export function gvkKey(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}/${gvk.kind}`;
}
