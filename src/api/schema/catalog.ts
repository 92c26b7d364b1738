// The one table of component schemas, and lookups into it by name and by GVK.
import { appsSchemas } from './defs-apps.js';
import { clusterSchemas } from './defs-cluster.js';
import { containerSchemas } from './defs-container.js';
import { endpointsSchemas } from './defs-endpoints.js';
import { metaSchemas } from './defs-meta.js';
import { podSchemas } from './defs-pod.js';
import { serviceSchemas } from './defs-service.js';
import { SVCNET_V1ALPHA1, svcnetSchemas } from './defs-svcnet.js';
import { volumeSchemas } from './defs-volume.js';
import type { GroupVersionKind, OpenApiSchema, SchemaTable } from './openapi-types.js';
import { gvkKey } from './openapi-types.js';
import { apps, COORDINATION, core, DISCOVERY, gvk, listKind, REF_PREFIX } from './schema-builders.js';

/** [group, version, kind, component name] of each listable kind we serve. */
const LISTABLE: readonly (readonly [string, string, string, string])[] = [
  ['', 'v1', 'Namespace', core('Namespace')],
  ['', 'v1', 'Pod', core('Pod')],
  ['', 'v1', 'Service', core('Service')],
  ['', 'v1', 'Endpoints', core('Endpoints')],
  ['', 'v1', 'Node', core('Node')],
  ['', 'v1', 'Event', core('Event')],
  ['', 'v1', 'ConfigMap', core('ConfigMap')],
  ['discovery.k8s.io', 'v1', 'EndpointSlice', `${DISCOVERY}.EndpointSlice`],
  ['apps', 'v1', 'Deployment', apps('Deployment')],
  ['apps', 'v1', 'ReplicaSet', apps('ReplicaSet')],
  ['coordination.k8s.io', 'v1', 'Lease', `${COORDINATION}.Lease`],
  ['svcnet.io', 'v1alpha1', 'LoadBalancerIPPool', `${SVCNET_V1ALPHA1}.LoadBalancerIPPool`],
];

function listSchemas(): SchemaTable {
  const out: Record<string, OpenApiSchema> = {};
  for (const [g, v, k, name] of LISTABLE) {
    out[`${name}List`] = listKind(gvk(g, v, `${k}List`), name, `The ${k} objects.`);
  }
  return out;
}

/** Every component schema, keyed by upstream name (`io.k8s.api.core.v1.Service`, ...). */
export const componentSchemas: SchemaTable = Object.freeze({
  ...metaSchemas,
  ...serviceSchemas,
  ...endpointsSchemas,
  ...clusterSchemas,
  ...podSchemas,
  ...containerSchemas,
  ...volumeSchemas,
  ...appsSchemas,
  ...svcnetSchemas,
  ...listSchemas(),
});

export interface NamedSchema {
  readonly name: string;
  readonly schema: OpenApiSchema;
}

function buildGvkIndex(): ReadonlyMap<string, NamedSchema> {
  const index = new Map<string, NamedSchema>();
  for (const [name, schema] of Object.entries(componentSchemas)) {
    for (const g of schema['x-kubernetes-group-version-kind'] ?? []) {
      // Shared kinds (DeleteOptions, WatchEvent) appear under several GVKs; the first wins per GVK.
      if (!index.has(gvkKey(g))) index.set(gvkKey(g), { name, schema });
    }
  }
  return index;
}

const byGvk = buildGvkIndex();

/** The component schema of a top-level kind, e.g. {group:'', version:'v1', kind:'Service'}. */
export function schemaFor(target: GroupVersionKind): NamedSchema | undefined {
  return byGvk.get(gvkKey(target));
}

/** Every GVK that has a schema. */
export function knownGroupVersionKinds(): GroupVersionKind[] {
  return [...byGvk.values()].flatMap((n) => (n.schema['x-kubernetes-group-version-kind'] ?? []).map((g) => ({ ...g })));
}

/** Name of the component a `$ref` (or a described `allOf: [{$ref}]`) points at. */
export function refTarget(schema: OpenApiSchema): string | undefined {
  const r = schema.$ref ?? (schema.allOf?.length === 1 ? schema.allOf[0]?.$ref : undefined);
  return r !== undefined && r.startsWith(REF_PREFIX) ? r.slice(REF_PREFIX.length) : undefined;
}

// Schemas are immutable, so the resolution of each schema object against the built-in table
// is cached: unknown-field checks run on every write and resolve at every step.
const resolved = new WeakMap<OpenApiSchema, OpenApiSchema | null>();

/** Follows references until a concrete schema. Unknown names resolve to undefined. */
export function resolveSchema(schema: OpenApiSchema, table: SchemaTable = componentSchemas): OpenApiSchema | undefined {
  if (table !== componentSchemas) return resolveIn(schema, table);
  const hit = resolved.get(schema);
  if (hit !== undefined) return hit ?? undefined;
  const r = resolveIn(schema, table);
  resolved.set(schema, r ?? null);
  return r;
}

function resolveIn(schema: OpenApiSchema, table: SchemaTable): OpenApiSchema | undefined {
  let cur: OpenApiSchema | undefined = schema;
  for (let hops = 0; cur !== undefined && hops < 16; hops++) {
    const target = refTarget(cur);
    if (target === undefined) return cur;
    cur = table[target];
  }
  return undefined;
}

/** The component names a schema references, transitively, including itself when named. */
export function referencedComponents(roots: readonly string[], table: SchemaTable = componentSchemas): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  const visit = (s: OpenApiSchema): void => {
    const t = refTarget(s);
    if (t !== undefined) stack.push(t);
    for (const sub of s.allOf ?? []) visit(sub);
    for (const p of Object.values(s.properties ?? {})) visit(p);
    if (s.items !== undefined) visit(s.items);
    if (typeof s.additionalProperties === 'object') visit(s.additionalProperties);
  };
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    const s = table[name];
    if (s === undefined) continue;
    seen.add(name);
    visit(s);
  }
  return seen;
}
