// REST operations of a group-version, as OpenAPI v3 path items. Operation ids, tags,
// x-kubernetes-action and x-kubernetes-group-version-kind follow kube-apiserver's
// conventions so clients that key on them (kubectl's field-validation check, kubectl
// explain, client generators) behave as against a real cluster.
import { REF_PREFIX, schemaFor } from '../../api/schema/index.js';
import type { GroupVersionKind } from '../../api/schema/index.js';
import type { GroupVersionRef, ResourceInfo, SubresourceInfo } from './discovery-input.js';
import { groupVersionPath } from './discovery-input.js';
import type { ParameterV3 } from './openapi-parameters.js';
import { DELETE_PARAMS, LIST_PARAMS, P, PATCH_PARAMS, WRITE_PARAMS } from './openapi-parameters.js';

export type SchemaRef = { readonly $ref: string } | { readonly type: 'string' } | { readonly type: 'object' };

export interface MediaV3 {
  readonly schema: SchemaRef;
}

export interface ResponseV3 {
  readonly description: string;
  readonly content?: Readonly<Record<string, MediaV3>>;
}

export interface OperationV3 {
  readonly tags: readonly string[];
  readonly description: string;
  readonly operationId: string;
  readonly parameters?: readonly ParameterV3[];
  readonly requestBody?: { readonly content: Readonly<Record<string, MediaV3>>; readonly required: true };
  readonly responses: Readonly<Record<string, ResponseV3>>;
  readonly 'x-kubernetes-action': string;
  readonly 'x-kubernetes-group-version-kind'?: GroupVersionKind;
}

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';

export type PathItemV3 = { -readonly [M in HttpMethod]?: OperationV3 } & { parameters?: readonly ParameterV3[] };

/** The request body content types a PATCH accepts; all four use the opaque Patch schema. */
export const PATCH_CONTENT_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;

const RESPONSE_TYPES = ['application/json', 'application/yaml'];
const WATCHABLE_RESPONSE_TYPES = [...RESPONSE_TYPES, 'application/json;stream=watch'];

/** "discovery.k8s.io" -> "Discovery", "" -> "Core", "rbac.authorization.k8s.io" -> "RbacAuthorization". */
export function groupOperationPart(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

/** "core_v1", "apps_v1", "discovery_v1". */
export function operationTag(gv: GroupVersionRef): string {
  const g = groupOperationPart(gv.group);
  return `${g.charAt(0).toLowerCase()}${g.slice(1)}_${gv.version}`;
}

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export const ref = (name: string): SchemaRef => ({ $ref: REF_PREFIX + name });

function content(schema: SchemaRef, types: readonly string[]): Record<string, MediaV3> {
  return Object.fromEntries(types.map((t) => [t, { schema }]));
}

function schemaName(gvk: GroupVersionKind): string | undefined {
  return schemaFor(gvk)?.name;
}

interface Ctx {
  readonly gv: GroupVersionRef;
  readonly tag: string;
  readonly prefix: string;
}

function op(
  ctx: Ctx,
  fields: { verb: string; id: string; description: string; action: string; gvk?: GroupVersionKind; parameters?: readonly ParameterV3[]; body?: Record<string, MediaV3>; responses: Record<string, ResponseV3> },
): OperationV3 {
  return {
    tags: [ctx.tag],
    description: fields.description,
    operationId: `${fields.verb}${ctx.prefix}${fields.id}`,
    ...(fields.parameters !== undefined && fields.parameters.length > 0 ? { parameters: fields.parameters } : {}),
    ...(fields.body !== undefined ? { requestBody: { content: fields.body, required: true as const } } : {}),
    responses: { ...fields.responses, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': fields.action,
    ...(fields.gvk !== undefined ? { 'x-kubernetes-group-version-kind': fields.gvk } : {}),
  };
}

function ok(schema: SchemaRef | undefined, types = RESPONSE_TYPES, description = 'OK'): ResponseV3 {
  return schema === undefined ? { description } : { description, content: content(schema, types) };
}

const STATUS = ref('io.k8s.apimachinery.pkg.apis.meta.v1.Status');
const DELETE_OPTIONS = ref('io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions');
const PATCH = ref('io.k8s.apimachinery.pkg.apis.meta.v1.Patch');

/** Operations on the main resource: collection path, item path, and the all-namespaces list. */
function resourcePaths(ctx: Ctx, r: ResourceInfo, out: Record<string, PathItemV3>): void {
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const objName = schemaName(gvk);
  const listName = schemaName({ ...gvk, kind: r.listKind });
  const obj = objName === undefined ? undefined : ref(objName);
  const list = listName === undefined ? undefined : ref(listName);
  const scope = r.namespaced ? 'Namespaced' : '';
  const base = groupVersionPath(ctx.gv);
  const collection = r.namespaced ? `${base}/namespaces/{namespace}/${r.resource}` : `${base}/${r.resource}`;
  const has = (v: string) => (r.verbs as readonly string[]).includes(v);
  const scopeParams = r.namespaced ? [P.namespace, P.pretty] : [P.pretty];
  const body = obj === undefined ? undefined : content(obj, ['*/*']);

  const coll: PathItemV3 = { parameters: scopeParams };
  if (has('list')) {
    coll.get = op(ctx, { verb: 'list', id: `${scope}${r.kind}`, description: `list or watch objects of kind ${r.kind}`, action: 'list', gvk, parameters: LIST_PARAMS, responses: { '200': ok(list, WATCHABLE_RESPONSE_TYPES) } });
  }
  if (has('create')) {
    const created = { '200': ok(obj), '201': ok(obj, RESPONSE_TYPES, 'Created'), '202': ok(obj, RESPONSE_TYPES, 'Accepted') };
    coll.post = op(ctx, { verb: 'create', id: `${scope}${r.kind}`, description: `create a ${r.kind}`, action: 'post', gvk, parameters: WRITE_PARAMS, ...(body !== undefined ? { body } : {}), responses: created });
  }
  if (has('deletecollection')) {
    coll.delete = op(ctx, {
      verb: 'delete', id: `Collection${scope}${r.kind}`, description: `delete collection of ${r.kind}`, action: 'deletecollection', gvk,
      parameters: [...LIST_PARAMS.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks'), ...DELETE_PARAMS],
      body: content(DELETE_OPTIONS, ['*/*']), responses: { '200': ok(STATUS) },
    });
  }
  if (coll.get !== undefined || coll.post !== undefined || coll.delete !== undefined) out[collection] = coll;

  const item: PathItemV3 = { parameters: [P.name(r.kind), ...scopeParams] };
  if (has('get')) item.get = op(ctx, { verb: 'read', id: `${scope}${r.kind}`, description: `read the specified ${r.kind}`, action: 'get', gvk, responses: { '200': ok(obj) } });
  if (has('update')) {
    item.put = op(ctx, { verb: 'replace', id: `${scope}${r.kind}`, description: `replace the specified ${r.kind}`, action: 'put', gvk, parameters: WRITE_PARAMS, ...(body !== undefined ? { body } : {}), responses: { '200': ok(obj), '201': ok(obj, RESPONSE_TYPES, 'Created') } });
  }
  if (has('patch')) {
    item.patch = op(ctx, {
      verb: 'patch', id: `${scope}${r.kind}`, description: `partially update the specified ${r.kind}`, action: 'patch', gvk,
      parameters: PATCH_PARAMS, body: content(PATCH, PATCH_CONTENT_TYPES), responses: { '200': ok(obj), '201': ok(obj, RESPONSE_TYPES, 'Created') },
    });
  }
  if (has('delete')) {
    item.delete = op(ctx, {
      verb: 'delete', id: `${scope}${r.kind}`, description: `delete a ${r.kind}`, action: 'delete', gvk, parameters: DELETE_PARAMS,
      body: content(DELETE_OPTIONS, ['*/*']), responses: { '200': ok(STATUS), '202': ok(STATUS, RESPONSE_TYPES, 'Accepted') },
    });
  }
  if (item.get !== undefined || item.put !== undefined || item.patch !== undefined || item.delete !== undefined) {
    out[`${collection}/{name}`] = item;
  }

  if (r.namespaced && has('list')) {
    out[`${base}/${r.resource}`] = {
      parameters: [...LIST_PARAMS, P.pretty],
      get: op(ctx, { verb: 'list', id: `${r.kind}ForAllNamespaces`, description: `list or watch objects of kind ${r.kind}`, action: 'list', gvk, responses: { '200': ok(list, WATCHABLE_RESPONSE_TYPES) } }),
    };
  }
  for (const s of r.subresources) subresourcePath(ctx, r, s, `${collection}/{name}`, out);
}

/** Streaming subresources are "connect" operations whose response is a byte stream. */
const CONNECT_PARAMS: Readonly<Record<string, readonly ParameterV3[]>> = {
  exec: [P.command, P.container, P.stderr, P.stdin, P.stdout, P.tty],
  attach: [P.container, P.stderr, P.stdin, P.stdout, P.tty],
  portforward: [],
  proxy: [],
};

function subresourcePath(ctx: Ctx, r: ResourceInfo, s: SubresourceInfo, itemPath: string, out: Record<string, PathItemV3>): void {
  const scope = r.namespaced ? 'Namespaced' : '';
  const subKind: GroupVersionKind = { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind };
  const idBase = `${scope}${r.kind}${capital(s.name)}`;
  const what = `${s.name} of the specified ${r.kind}`;
  const item: PathItemV3 = { parameters: [P.name(s.kind), ...(r.namespaced ? [P.namespace] : []), P.pretty] };
  const verbs = s.verbs as readonly string[];
  const text = { type: 'string' } as const;

  if (s.name in CONNECT_PARAMS) {
    const params = CONNECT_PARAMS[s.name] ?? [];
    for (const [method, verb] of [['get', 'Get'], ['post', 'Post']] as const) {
      if (!verbs.includes(method === 'get' ? 'get' : 'create')) continue;
      item[method] = op(ctx, { verb: 'connect', id: `${verb}${idBase}`, description: `connect ${method.toUpperCase()} requests to ${s.name} of ${r.kind}`, action: 'connect', gvk: subKind, parameters: params, responses: { '200': ok(text, ['*/*']) } });
    }
    out[`${itemPath}/${s.name}`] = item;
    return;
  }
  if (s.name === 'log') {
    item.get = op(ctx, {
      verb: 'read', id: idBase, description: `read log of the specified ${r.kind}`, action: 'get', gvk: { group: r.group, version: r.version, kind: r.kind },
      parameters: [P.container, P.follow, P.limitBytes, P.previous, P.sinceSeconds, P.tailLines, P.timestamps], responses: { '200': ok(text, ['text/plain', 'application/json', 'application/yaml']) },
    });
    out[`${itemPath}/${s.name}`] = item;
    return;
  }
  const name = schemaName(subKind);
  const schema = name === undefined ? undefined : ref(name);
  const body = schema === undefined ? undefined : content(schema, ['*/*']);
  if (verbs.includes('get')) item.get = op(ctx, { verb: 'read', id: idBase, description: `read ${what}`, action: 'get', gvk: subKind, responses: { '200': ok(schema) } });
  if (verbs.includes('update')) {
    item.put = op(ctx, { verb: 'replace', id: idBase, description: `replace ${what}`, action: 'put', gvk: subKind, parameters: WRITE_PARAMS, ...(body !== undefined ? { body } : {}), responses: { '200': ok(schema), '201': ok(schema, RESPONSE_TYPES, 'Created') } });
  }
  if (verbs.includes('patch')) {
    item.patch = op(ctx, {
      verb: 'patch', id: idBase, description: `partially update ${what}`, action: 'patch', gvk: subKind, parameters: PATCH_PARAMS,
      body: content(PATCH, PATCH_CONTENT_TYPES), responses: { '200': ok(schema), '201': ok(schema, RESPONSE_TYPES, 'Created') },
    });
  }
  if (verbs.includes('create')) {
    item.post = op(ctx, {
      verb: 'create', id: idBase, description: `create ${s.name} of a ${r.kind}`, action: 'post', gvk: subKind, parameters: WRITE_PARAMS, ...(body !== undefined ? { body } : {}),
      responses: { '200': ok(schema), '201': ok(schema, RESPONSE_TYPES, 'Created'), '202': ok(schema, RESPONSE_TYPES, 'Accepted') },
    });
  }
  out[`${itemPath}/${s.name}`] = item;
}

/** Every path of a group-version, including the group-version root (its APIResourceList). */
export function groupVersionPaths(gv: GroupVersionRef, resources: readonly ResourceInfo[]): Record<string, PathItemV3> {
  const ctx: Ctx = { gv, tag: operationTag(gv), prefix: `${groupOperationPart(gv.group)}${capital(gv.version)}` };
  const out: Record<string, PathItemV3> = {
    [`${groupVersionPath(gv)}/`]: {
      get: op(ctx, { verb: 'get', id: 'APIResources', description: 'get available resources', action: 'get', responses: { '200': ok(ref('io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList')) } }),
    },
  };
  for (const r of resources) resourcePaths(ctx, r, out);
  return out;
}
