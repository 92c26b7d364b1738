// /openapi/v2: one Swagger 2.0 document for every group-version, converted mechanically
// from the v3 documents so both always describe the same schemas and operations.
import type { OpenApiSchema } from '../../api/schema/index.js';
import type { DiscoveryInput } from './discovery-input.js';
import { allGroupVersions } from './discovery-input.js';
import type { OperationV3, PathItemV3 } from './openapi-paths.js';
import { openApiV3Document, SECURITY_SCHEMES } from './openapi-v3.js';

const V3_PREFIX = '#/components/schemas/';
const V2_PREFIX = '#/definitions/';

export interface SwaggerDocument {
  readonly swagger: '2.0';
  readonly info: { readonly title: string; readonly version: string };
  readonly paths: Record<string, Record<string, unknown>>;
  readonly definitions: Record<string, unknown>;
  readonly securityDefinitions: Readonly<Record<string, unknown>>;
  readonly security: readonly Record<string, readonly string[]>[];
}

/**
 * v3 schema -> v2 schema: refs move to #/definitions/, and the `allOf: [{$ref}]` wrapper that
 * keeps a description next to a reference becomes a plain `$ref` with a sibling description
 * (Swagger 2.0 tooling, kubectl included, reads it that way).
 */
export function toV2Schema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(toV2Schema);
  if (typeof s !== 'object' || s === null) return s;
  const src = s as Record<string, unknown>;
  const oneOf = src['oneOf'];
  if (Array.isArray(oneOf)) {
    // v3's integer|string (IntOrString) and string|number (Quantity) are plain strings in
    // Swagger 2.0, which has no oneOf; format (int-or-string) carries the rest.
    const { oneOf: _alternatives, ...rest } = src;
    return toV2Schema({ type: 'string', ...rest });
  }
  const allOf = src['allOf'];
  if (Array.isArray(allOf) && allOf.length === 1) {
    const inner = allOf[0] as Record<string, unknown>;
    const { allOf: _drop, ...rest } = src;
    return toV2Schema({ ...inner, ...rest });
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    out[k] = k === '$ref' && typeof v === 'string' ? v.replace(V3_PREFIX, V2_PREFIX) : toV2Schema(v);
  }
  return out;
}

function toV2Operation(op: OperationV3): Record<string, unknown> {
  const params: unknown[] = (op.parameters ?? []).map((p) => ({
    name: p.name,
    in: p.in,
    description: p.description,
    ...(p.required === true ? { required: true } : {}),
    type: p.schema.type,
    uniqueItems: true,
  }));
  const bodyContent = op.requestBody?.content ?? {};
  const consumes = Object.keys(bodyContent);
  const firstBody = Object.values(bodyContent)[0];
  if (firstBody !== undefined) params.push({ name: 'body', in: 'body', required: true, schema: toV2Schema(firstBody.schema) });
  const produces = new Set<string>();
  const responses: Record<string, unknown> = {};
  for (const [code, r] of Object.entries(op.responses)) {
    const media = Object.entries(r.content ?? {});
    for (const [t] of media) produces.add(t);
    const schema = media[0]?.[1].schema;
    responses[code] = schema === undefined ? { description: r.description } : { description: r.description, schema: toV2Schema(schema) };
  }
  return {
    description: op.description,
    ...(consumes.length > 0 ? { consumes } : {}),
    ...(produces.size > 0 ? { produces: [...produces] } : {}),
    schemes: ['https'],
    tags: op.tags,
    operationId: op.operationId,
    ...(params.length > 0 ? { parameters: params } : {}),
    responses,
    'x-kubernetes-action': op['x-kubernetes-action'],
    ...(op['x-kubernetes-group-version-kind'] !== undefined ? { 'x-kubernetes-group-version-kind': op['x-kubernetes-group-version-kind'] } : {}),
  };
}

function toV2PathItem(item: PathItemV3): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) {
    if (k === 'parameters') {
      out[k] = (v as PathItemV3['parameters'] ?? []).map((p) => ({ name: p.name, in: p.in, description: p.description, ...(p.required === true ? { required: true } : {}), type: p.schema.type, uniqueItems: true }));
    } else {
      out[k] = toV2Operation(v as OperationV3);
    }
  }
  return out;
}

export function openApiV2Document(input: DiscoveryInput): SwaggerDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  const definitions: Record<string, unknown> = {};
  for (const gv of allGroupVersions(input)) {
    const doc = openApiV3Document(input, gv);
    if (doc === undefined) continue;
    for (const [p, item] of Object.entries(doc.paths)) paths[p] = toV2PathItem(item);
    for (const [name, schema] of Object.entries(doc.components.schemas)) definitions[name] ??= toV2Schema(schema as OpenApiSchema);
  }
  const sortedDefs: Record<string, unknown> = {};
  for (const k of Object.keys(definitions).sort()) sortedDefs[k] = definitions[k];
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: input.version.gitVersion },
    paths,
    definitions: sortedDefs,
    securityDefinitions: SECURITY_SCHEMES,
    security: [{ BearerToken: [] }],
  };
}
