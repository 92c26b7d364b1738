// REST verbs on resources: maps HTTP requests onto the ResourceService (create, get,
// list, watch, update, patch, delete, deletecollection) and the pod/scale subresources,
// and renders results in the negotiated representation (JSON, YAML, Table).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import YAML from 'yaml';
import { printerFor, type Binding, type KubeObject } from '../api/index.js';
import type { Clock } from '../core/index.js';
import { applyPatch, decodeProtobufBody, renderTable, type PatchKind } from './adapters.js';
import { sendJson, sendYaml, readBody } from './http-util.js';
import { listObjects, serveWatch } from './list-watch.js';
import { bodyFormat, negotiateOutput, type OutputFormat } from './negotiate.js';
import { buildFilter } from './object-filter.js';
import type { PodConnector } from './pod-connector.js';
import { handleExecUpgrade, handleLogs } from './pod-streams.js';
import { sendRawList } from './raw-json.js';
import { RowCache } from './row-cache.js';
import { sendTableList, tableInclude } from './table-list.js';
import type { RequestTarget } from './request-info.js';
import type { FieldValidation, ResourceService, WriteOptions } from './resource-service.js';
import type { ServedResource } from './served-resource.js';
import { apiVersionOf } from './served-resource.js';
import { errors, patchMediaTypes, successStatus } from './status.js';

type ResourceTarget = Extract<RequestTarget, { type: 'resource' }>;

export interface ResourceIndex {
  byPath(group: string, version: string, resource: string): ServedResource | undefined;
}

export interface ResourceHandlersDeps {
  readonly service: ResourceService;
  readonly index: ResourceIndex;
  readonly clock: Clock;
  readonly maxBodyBytes: number;
  readonly connector: PodConnector | undefined;
}

const WATCH_TIMEOUT_DEFAULT_S = 1800;

export class ResourceHandlers {
  /** Per server, so per store: entries are keyed by the store's keys and revisions. */
  private readonly rowCache = new RowCache();

  constructor(private readonly deps: ResourceHandlersDeps) {}

  /** The verb label for metrics (GET splits into get/list/watch as upstream's request info does). */
  verbFor(method: string, t: ResourceTarget, q: URLSearchParams): string {
    const m = method.toUpperCase();
    if (m === 'GET') {
      if (isWatch(q)) return 'WATCH';
      return t.name === undefined ? 'LIST' : 'GET';
    }
    if (m === 'DELETE' && t.name === undefined) return 'DELETECOLLECTION';
    if (m === 'POST') return 'POST';
    return m;
  }

  async handle(req: IncomingMessage, res: ServerResponse, t: ResourceTarget, url: URL): Promise<void> {
    const def = this.resolve(t);
    const q = url.searchParams;
    const method = (req.method ?? 'GET').toUpperCase();
    const sub = t.subresource;
    if (sub !== undefined && !def.subresources.includes(sub)) throw notFoundPath();
    // Without a namespace a namespaced resource only lists and watches across namespaces (as upstream's routes).
    if (def.namespaced && t.namespace === undefined) {
      if (t.name !== undefined) throw notFoundPath();
      if (method !== 'GET' && method !== 'HEAD') throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
    if (sub === 'log') {
      if (method !== 'GET') throw errors.methodNotAllowed('only GET is allowed on pods/log');
      const pod = await this.deps.service.get(def, t.namespace, t.name!);
      return handleLogs(this.deps.connector, pod, q, res);
    }
    if (sub === 'exec' || sub === 'attach' || sub === 'portforward') {
      throw errors.badRequest(`Upgrade request required`);
    }
    const format = negotiateOutput(req.headers.accept, { allowTable: true });
    if (format === undefined) throw errors.notAcceptable(`only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io`);

    switch (method) {
      case 'GET':
      case 'HEAD':
        if (t.name === undefined) {
          if (isWatch(q)) return this.watch(req, res, def, t, q, format);
          return this.list(res, def, t, q, format);
        }
        if (sub === 'scale') return this.send(res, 200, toScale(await this.deps.service.get(def, t.namespace, t.name)), format, def, true);
        return this.send(res, 200, await this.deps.service.get(def, t.namespace, t.name), format, def);
      case 'POST': {
        if (t.name !== undefined) {
          if (sub === 'binding' && def.resource === 'pods') return this.bind(req, res, def, t, q);
          throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
        }
        if (def.namespaced && t.namespace === undefined) throw notFoundPath();
        const body = await this.decodeBody(req);
        const r = await this.deps.service.create(def, t.namespace, body, writeOptions(q));
        return this.send(res, 201, r.object, format, def, false, r.warnings);
      }
      case 'PUT': {
        if (t.name === undefined) throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
        const body = await this.decodeBody(req);
        if (sub === 'scale') {
          // A Scale PUT carries the object's resourceVersion as its precondition, like any PUT.
          const rv = body.metadata?.resourceVersion;
          return this.updateScale(res, def, t, (cur) => {
            if (rv !== undefined && rv !== '' && rv !== cur.metadata.resourceVersion) throw errors.conflict(def, t.name!);
            return scaleReplicasFrom(body, cur);
          }, q, format);
        }
        const r = await this.deps.service.update(def, t.namespace, t.name, sub, () => body, { ...writeOptions(q), allowCreate: false });
        return this.send(res, r.created ? 201 : 200, r.object, format, def, false, r.warnings);
      }
      case 'PATCH': {
        if (t.name === undefined) throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
        const kind = bodyFormat(req.headers['content-type']);
        if (kind !== 'json-patch' && kind !== 'merge-patch' && kind !== 'strategic-merge-patch' && kind !== 'apply-patch') {
          throw errors.unsupportedMediaType(patchMediaTypes);
        }
        const raw = (await readBody(req, this.deps.maxBodyBytes)).toString('utf8');
        const opts = writeOptions(q);
        const force = q.get('force') === 'true';
        if (kind === 'apply-patch' && (opts.fieldManager === undefined || opts.fieldManager === '')) {
          throw errors.badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
        }
        if (sub === 'scale') {
          return this.updateScale(res, def, t, (cur) => scaleReplicasFrom(applyPatch(kind as PatchKind, toScale(cur), raw, { manager: opts.fieldManager ?? '', force, now: new Date(this.deps.clock.now()) }), cur), q, format);
        }
        const r = await this.deps.service.update(
          def,
          t.namespace,
          t.name,
          sub,
          (cur) => {
            if (cur === undefined) {
              // Server-side apply creates the object when it does not exist.
              return applyPatch(kind as PatchKind, undefined, raw, { manager: opts.fieldManager ?? '', force, now: new Date(this.deps.clock.now()) }) as KubeObject;
            }
            return applyPatch(kind as PatchKind, cur, raw, { manager: opts.fieldManager ?? '', force, now: new Date(this.deps.clock.now()) }) as KubeObject;
          },
          { ...opts, allowCreate: kind === 'apply-patch', fromPatch: true },
        );
        return this.send(res, r.created ? 201 : 200, r.object, format, def, false, r.warnings);
      }
      case 'DELETE': {
        const opts = await this.deleteOptions(req, q);
        if (t.name === undefined) return this.deleteCollection(res, def, t, q, opts, format);
        const r = await this.deps.service.delete(def, t.namespace, t.name, opts);
        // kube-apiserver answers 200 with the object when deletion is pending (finalizers, grace),
        // and with the deleted object (or a Success Status for some kinds) otherwise.
        if (r.deleted && (def.resource === 'namespaces' || def.resource === 'events')) return sendJson(res, 200, successStatus(def, t.name, r.object.metadata.uid));
        // Upstream answers 200 even while graceful deletion or finalizers keep the object around;
        // 202 only when the client asked for cascading with the legacy orphanDependents=false.
        return this.send(res, !r.deleted && opts.orphanDependents === false ? 202 : 200, r.object, format, def);
      }
      default:
        throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, t: ResourceTarget, url: URL): Promise<void> {
    const def = this.resolve(t);
    if (def.resource !== 'pods' || (t.subresource !== 'exec' && t.subresource !== 'attach') || t.name === undefined) throw notFoundPath();
    const pod = await this.deps.service.get(def, t.namespace, t.name);
    await handleExecUpgrade(this.deps.connector, pod, url.searchParams, req, socket, head, t.subresource);
  }

  private resolve(t: ResourceTarget): ServedResource {
    const def = this.deps.index.byPath(t.group, t.version, t.resource);
    if (def === undefined) throw notFoundPath();
    if (!def.namespaced && t.namespace !== undefined) throw notFoundPath();
    return def;
  }

  private async list(res: ServerResponse, def: ServedResource, t: ResourceTarget, q: URLSearchParams, format: OutputFormat): Promise<void> {
    const limit = Number(q.get('limit') ?? '0');
    if (!Number.isInteger(limit) || limit < 0) throw errors.badRequest(`limit: Invalid value: "${q.get('limit')}": must be a non-negative integer`);
    const out = await listObjects(this.deps.service.storage(def), {
      namespace: t.namespace,
      filter: buildFilter(def.resource, q.get('labelSelector'), q.get('fieldSelector')),
      limit,
      continueToken: q.get('continue') ?? undefined,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
      raw: format.kind === 'json' || format.kind === 'table',
    });
    const metadata = {
      resourceVersion: out.resourceVersion,
      ...(out.continueToken !== undefined ? { continue: out.continueToken } : {}),
      ...(out.remainingItemCount !== undefined ? { remainingItemCount: out.remainingItemCount } : {}),
    };
    if (format.kind === 'table') {
      // Streamed row by row; without a filter straight from the stored bytes (perf: kubectl get -A).
      const include = tableInclude(q.get('includeObject') ?? 'Metadata');
      const spec = { printer: printerFor(def.resource), include, nowMs: new Date(this.deps.clock.now()).getTime(), metadata, contentType: format.mediaType, cache: this.rowCache };
      return sendTableList(res, spec, out.raw !== undefined ? { kvs: out.raw } : { objects: out.items });
    }
    if (format.kind === 'partial-metadata') {
      return sendJson(res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata, items: out.items.map(partial) }, {}, format.mediaType);
    }
    // Plain JSON without a filter: the stored bytes, not a decode/encode per item (perf: big lists).
    if (out.raw !== undefined) return sendRawList(res, { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata }, out.raw);
    const list = { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata, items: out.items };
    return format.kind === 'yaml' ? sendYaml(res, 200, list) : sendJson(res, 200, list);
  }

  private watch(req: IncomingMessage, res: ServerResponse, def: ServedResource, t: ResourceTarget, q: URLSearchParams, format: OutputFormat): Promise<void> {
    const timeout = Number(q.get('timeoutSeconds') ?? WATCH_TIMEOUT_DEFAULT_S);
    const includeObject = q.get('includeObject') ?? 'Metadata';
    void req;
    return serveWatch(
      res,
      def,
      this.deps.service.storage(def),
      {
        namespace: t.namespace,
        filter: buildFilter(def.resource, q.get('labelSelector'), q.get('fieldSelector')),
        resourceVersion: q.get('resourceVersion') ?? undefined,
        allowBookmarks: q.get('allowWatchBookmarks') === 'true',
        sendInitialEvents: q.get('sendInitialEvents') === 'true',
        timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : WATCH_TIMEOUT_DEFAULT_S,
      },
      this.deps.clock,
      (obj) => {
        if (format.kind === 'table') return renderTable(def.resource, [obj], includeObject, new Date(this.deps.clock.now()));
        if (format.kind === 'partial-metadata') return partial(obj);
        return obj;
      },
    );
  }

  private async deleteCollection(res: ServerResponse, def: ServedResource, t: ResourceTarget, q: URLSearchParams, opts: Awaited<ReturnType<ResourceHandlers['deleteOptions']>>, format: OutputFormat): Promise<void> {
    const out = await listObjects(this.deps.service.storage(def), {
      namespace: t.namespace,
      filter: buildFilter(def.resource, q.get('labelSelector'), q.get('fieldSelector')),
      limit: 0,
      continueToken: undefined,
      resourceVersion: undefined,
      resourceVersionMatch: undefined,
    });
    const deleted: KubeObject[] = [];
    for (const o of out.items) {
      try {
        deleted.push((await this.deps.service.delete(def, o.metadata.namespace, o.metadata.name!, opts)).object);
      } catch (e) {
        // Gone in the meantime: that's what we wanted.
        if (!(e instanceof Error && 'status' in e && (e as { status: { reason?: string } }).status.reason === 'NotFound')) throw e;
      }
    }
    const list = { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata: { resourceVersion: String(this.deps.service.storage(def).store.currentRevision()) }, items: deleted };
    return format.kind === 'yaml' ? sendYaml(res, 200, list) : sendJson(res, 200, list);
  }

  private async updateScale(res: ServerResponse, def: ServedResource, t: ResourceTarget, replicasFrom: (cur: KubeObject) => number, q: URLSearchParams, format: OutputFormat): Promise<void> {
    const r = await this.deps.service.update(
      def,
      t.namespace,
      t.name!,
      undefined,
      (cur) => {
        const c = cur!;
        const replicas = replicasFrom(c);
        const spec = { ...((c as unknown as { spec?: object }).spec ?? {}), replicas };
        return { ...c, spec } as KubeObject;
      },
      { ...writeOptions(q), fromPatch: true },
    );
    return this.send(res, 200, toScale(r.object), format, def, true);
  }

  private async bind(req: IncomingMessage, res: ServerResponse, def: ServedResource, t: ResourceTarget, q: URLSearchParams): Promise<void> {
    const body = (await this.decodeBody(req)) as unknown as Binding;
    await this.deps.service.bind(def, t.namespace, t.name!, body, writeOptions(q));
    return sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  }

  private async deleteOptions(req: IncomingMessage, q: URLSearchParams) {
    const raw = await readBody(req, this.deps.maxBodyBytes);
    let body: Record<string, unknown> = {};
    if (raw.length > 0) {
      const fmt = bodyFormat(req.headers['content-type']);
      if (fmt === 'protobuf') body = {};
      else {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw.toString('utf8'));
        } catch {
          throw errors.badRequest('the body of the request could not be decoded as DeleteOptions');
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw errors.badRequest('the body of the request could not be decoded as DeleteOptions');
        body = parsed as Record<string, unknown>;
      }
    }
    const orphanQ = q.get('orphanDependents');
    const orphanDependents = orphanQ !== null ? orphanQ === 'true' : typeof body['orphanDependents'] === 'boolean' ? body['orphanDependents'] : undefined;
    let policy = (q.get('propagationPolicy') ?? (body['propagationPolicy'] as string | undefined)) as 'Foreground' | 'Background' | 'Orphan' | undefined;
    if (orphanDependents !== undefined && policy !== undefined) {
      const message = `Invalid value: "${policy}": orphanDependents and deletionPropagation cannot be both set`;
      throw errors.invalid('meta.k8s.io', 'DeleteOptions', '', [{ field: 'propagationPolicy', reason: 'FieldValueInvalid', message, text: `propagationPolicy: ${message}` }]);
    }
    if (orphanDependents !== undefined) policy = orphanDependents ? 'Orphan' : 'Background';
    if (policy !== undefined && !['Foreground', 'Background', 'Orphan'].includes(policy)) {
      throw errors.badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
    }
    const graceQ = q.get('gracePeriodSeconds');
    const grace = graceQ !== null ? Number(graceQ) : (body['gracePeriodSeconds'] as number | undefined);
    const pre = body['preconditions'] as { uid?: string; resourceVersion?: string } | undefined;
    const dryRun = q.getAll('dryRun').includes('All') || (Array.isArray(body['dryRun']) && (body['dryRun'] as string[]).includes('All'));
    return {
      dryRun,
      ...(orphanDependents !== undefined ? { orphanDependents } : {}),
      ...(policy !== undefined ? { propagationPolicy: policy } : {}),
      ...(grace !== undefined && Number.isFinite(grace) ? { gracePeriodSeconds: grace } : {}),
      ...(pre !== undefined ? { preconditions: pre } : {}),
    };
  }

  private async decodeBody(req: IncomingMessage): Promise<KubeObject> {
    const fmt = bodyFormat(req.headers['content-type']);
    if (fmt === undefined || fmt === 'json-patch' || fmt === 'merge-patch' || fmt === 'strategic-merge-patch' || fmt === 'apply-patch') {
      throw errors.unsupportedMediaType();
    }
    const raw = await readBody(req, this.deps.maxBodyBytes);
    if (fmt === 'protobuf') return decodeProtobufBody(raw);
    let v: unknown;
    try {
      v = fmt === 'yaml' ? YAML.parse(raw.toString('utf8')) : JSON.parse(raw.toString('utf8'));
    } catch (e) {
      throw errors.badRequest(`the body of the request could not be decoded as ${fmt === 'yaml' ? 'YAML' : 'JSON'}: ${(e as Error).message}`);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw errors.badRequest('the body of the request must be an object');
    return v as KubeObject;
  }

  private send(res: ServerResponse, code: number, obj: KubeObject | Record<string, unknown>, format: OutputFormat, def: ServedResource, isScale = false, warnings: readonly string[] = []): void {
    const headers: Record<string, string> = {};
    if (warnings.length > 0) headers['Warning'] = warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
    if (format.kind === 'table' && !isScale) {
      return sendJson(res, code, renderTable(def.resource, [obj as KubeObject], 'Metadata', new Date(this.deps.clock.now())), headers, format.mediaType);
    }
    if (format.kind === 'partial-metadata' && !isScale) return sendJson(res, code, partial(obj as KubeObject), headers, format.mediaType);
    return format.kind === 'yaml' ? sendYaml(res, code, obj, headers) : sendJson(res, code, obj, headers);
  }
}

function isWatch(q: URLSearchParams): boolean {
  const w = q.get('watch');
  return w === 'true' || w === '1';
}

function writeOptions(q: URLSearchParams): WriteOptions {
  const fv = q.get('fieldValidation');
  if (fv !== null && fv !== 'Strict' && fv !== 'Warn' && fv !== 'Ignore') {
    throw errors.badRequest(`fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`);
  }
  const dryRun = q.getAll('dryRun');
  for (const d of dryRun) if (d !== 'All') throw errors.badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  const fm = q.get('fieldManager');
  if (fm !== null && fm.length > 128) throw errors.badRequest('fieldManager: Too long: may not be more than 128 bytes');
  return {
    dryRun: dryRun.includes('All'),
    ...(fm !== null ? { fieldManager: fm } : {}),
    ...(fv !== null ? { fieldValidation: fv as FieldValidation } : {}),
  };
}

function partial(o: KubeObject) {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

function toScale(o: KubeObject) {
  const spec = (o as unknown as { spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> } } }).spec;
  const status = (o as unknown as { status?: { replicas?: number } }).status;
  const sel = Object.entries(spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
    spec: { replicas: spec?.replicas ?? 0 },
    status: { replicas: status?.replicas ?? 0, selector: sel },
  };
}

function scaleReplicasFrom(body: unknown, cur: KubeObject): number {
  const r = (body as { spec?: { replicas?: unknown } }).spec?.replicas;
  if (r === undefined) return (cur as unknown as { spec?: { replicas?: number } }).spec?.replicas ?? 0;
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 0) {
    throw errors.invalid('autoscaling', 'Scale', cur.metadata.name ?? '', [{ field: 'spec.replicas', reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(r)}: must be greater than or equal to 0`, text: `spec.replicas: Invalid value: ${JSON.stringify(r)}: must be greater than or equal to 0` }]);
  }
  return r;
}

function notFoundPath() {
  return errors.pathNotFound();
}
