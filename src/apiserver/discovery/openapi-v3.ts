// /openapi/v3 (the index) and /openapi/v3/<api|apis/group>/<version> (one document per
// group-version), built from the registry and the runtime schemas in src/api/schema.
import { createHash } from 'node:crypto';
import { componentSchemas, referencedComponents } from '../../api/schema/index.js';
import type { OpenApiSchema } from '../../api/schema/index.js';
import type { DiscoveryInput, GroupVersionRef } from './discovery-input.js';
import { allGroupVersions, resourcesOf } from './discovery-input.js';
import type { PathItemV3 } from './openapi-paths.js';
import { groupVersionPaths } from './openapi-paths.js';

export interface OpenApiV3Document {
  readonly openapi: '3.0.0';
  readonly info: { readonly title: string; readonly version: string };
  readonly paths: Readonly<Record<string, PathItemV3>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, OpenApiSchema>>;
    readonly securitySchemes: Readonly<Record<string, unknown>>;
  };
}

export interface OpenApiV3Index {
  readonly paths: Readonly<Record<string, { readonly serverRelativeURL: string }>>;
}

/** Schemas every document carries whether or not an operation names them, as upstream does. */
const ALWAYS_INCLUDED = [
  'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
  'io.k8s.apimachinery.pkg.apis.meta.v1.Patch',
  'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent',
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList',
];

export const SECURITY_SCHEMES = {
  BearerToken: { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer Token authentication' },
} as const;

/** "api/v1", "apis/apps/v1": the key of a group-version in the index and in its URL. */
export function openApiV3Key(gv: GroupVersionRef): string {
  return gv.group === '' ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;
}

function collectRefs(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.add(v.replace(/^#\/components\/schemas\//, ''));
      else collectRefs(v, out);
    }
  }
}

/** The document of one group-version, or undefined when nothing is served there. */
export function openApiV3Document(input: DiscoveryInput, gv: GroupVersionRef): OpenApiV3Document | undefined {
  const resources = resourcesOf(input, gv);
  if (resources.length === 0) return undefined;
  const paths = groupVersionPaths(gv, resources);
  const roots = new Set<string>(ALWAYS_INCLUDED);
  collectRefs(paths, roots);
  const names = [...referencedComponents([...roots])].sort();
  const schemas: Record<string, OpenApiSchema> = {};
  for (const n of names) schemas[n] = componentSchemas[n]!;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: input.version.gitVersion },
    paths,
    components: { schemas, securitySchemes: SECURITY_SCHEMES },
  };
}

/** Upstream's cache-busting hash: uppercase hex SHA-512 of the served bytes. */
export function contentHash(body: string): string {
  return createHash('sha512').update(body).digest('hex').toUpperCase();
}

export interface OpenApiV3Set {
  readonly index: OpenApiV3Index;
  /** Serialized documents by key ("api/v1", "apis/apps/v1"), with their hash. */
  readonly documents: ReadonlyMap<string, { readonly json: string; readonly hash: string }>;
}

/**
 * Every v3 document, serialized once. The index points at `/openapi/v3/<key>?hash=<HASH>`:
 * clients cache a document by that URL forever, so the hash must change with the content.
 */
export function openApiV3Set(input: DiscoveryInput): OpenApiV3Set {
  const documents = new Map<string, { json: string; hash: string }>();
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of allGroupVersions(input)) {
    const doc = openApiV3Document(input, gv);
    if (doc === undefined) continue;
    const json = JSON.stringify(doc);
    const hash = contentHash(json);
    const key = openApiV3Key(gv);
    documents.set(key, { json, hash });
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { index: { paths }, documents };
}
