// A small typed REST client for the Kubernetes API: CRUD, patch, list and watch on any
// {group, version, resource}. It speaks only the public API (paths, query parameters,
// content types, Status bodies), so whatever is built on it works against our API server
// and against kube-apiserver alike.
import type { IncomingMessage } from 'node:http';
import type { KubeList, KubeObject, Status } from '../api/index.js';
import { realClock, type Clock } from '../core/index.js';
import { ApiStatusError, TransportError, isStatus, statusFromHttp, type ClientError } from './api-error.js';
import { resourcePath, type ResourceRef } from './resource-ref.js';
import { createTransport, type Endpoint, type Transport } from './transport.js';
import { LineSplitter, parseWatchEvent, type WatchEvent } from './watch-decoder.js';

export interface ClientOptions {
  /** Bearer token (service-account style). */
  readonly token?: string;
  /** Deadline for a whole non-watch request, and for a watch's response headers. Default 30 s. */
  readonly timeoutMs?: number;
  readonly userAgent?: string;
  readonly clock?: Clock;
}

/**
 * `{server: 'https://…', caPem?, insecureSkipTLSVerify?, certPem?, keyPem?}` for the network, or
 * `{handler}` for an in-process API server (same HTTP semantics, no kernel socket).
 */
export type ClientConfig = Endpoint & ClientOptions;

export interface GetOptions {
  /** "0" lets the server answer from its cache. */
  readonly resourceVersion?: string;
  readonly subresource?: string;
}

export interface ListOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WriteOptions {
  readonly fieldManager?: string;
  readonly dryRun?: boolean;
  readonly fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  readonly subresource?: string;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export interface PatchOptions extends WriteOptions {
  /** Server-side apply only: take ownership of conflicting fields. */
  readonly force?: boolean;
}

export interface DeleteOptions {
  readonly propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  readonly gracePeriodSeconds?: number;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly dryRun?: boolean;
}

export interface WatchOptions {
  readonly resourceVersion?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly allowWatchBookmarks?: boolean;
  /** Server-side duration of the watch; the client gives up 30 s (timeoutMs) after it. */
  readonly timeoutSeconds?: number;
}

/** How a watch ended. After `stop()` neither callback fires again. */
export type WatchEnd =
  /** The server closed the stream normally (timeout elapsed, or after an ERROR event). */
  | { readonly type: 'closed' }
  | { readonly type: 'failed'; readonly error: ClientError };

export interface WatchHandle {
  stop(): void;
}

const CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  // JSON is YAML, so the body stays JSON.
  apply: 'application/apply-patch+yaml',
};

type Query = Record<string, string | number | boolean | undefined>;

function withQuery(path: string, q: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s === '' ? path : `${path}?${s}`;
}

function writeQuery(o: WriteOptions | undefined): Query {
  return { fieldManager: o?.fieldManager, dryRun: o?.dryRun === true ? 'All' : undefined, fieldValidation: o?.fieldValidation };
}

function nameOf(obj: KubeObject): string {
  const n = obj.metadata.name;
  if (n === undefined || n === '') throw new Error(`${obj.kind} has no metadata.name`);
  return n;
}

function readAll(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    res.on('data', (c: Buffer) => parts.push(c));
    res.on('end', () => resolve(Buffer.concat(parts)));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('response aborted')));
  });
}

function errorFromResponse(code: number, body: Buffer): ApiStatusError {
  const text = body.toString('utf8');
  try {
    const v: unknown = JSON.parse(text);
    if (isStatus(v)) return new ApiStatusError(v, code);
  } catch {
    // not JSON: fall through to a synthesized Status
  }
  return new ApiStatusError(statusFromHttp(code, text), code);
}

export class RestClient {
  private readonly transport: Transport;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly baseHeaders: Record<string, string>;

  constructor(cfg: ClientConfig) {
    this.transport = createTransport(cfg);
    this.clock = cfg.clock ?? realClock;
    this.timeoutMs = cfg.timeoutMs ?? 30_000;
    this.baseHeaders = {
      Accept: 'application/json',
      'User-Agent': cfg.userAgent ?? 'svcnet-client/0.1',
      ...(cfg.token !== undefined && cfg.token !== '' ? { Authorization: `Bearer ${cfg.token}` } : {}),
    };
  }

  /** "https://127.0.0.1:6443" or "in-process", for log lines. */
  get server(): string {
    return this.transport.describe;
  }

  get<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, name: string, opts: GetOptions = {}): Promise<T> {
    const path = resourcePath(ref, { namespace, name, subresource: opts.subresource });
    return this.json<T>('GET', withQuery(path, { resourceVersion: opts.resourceVersion }));
  }

  async list<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, opts: ListOptions = {}): Promise<KubeList<T>> {
    const path = withQuery(resourcePath(ref, { namespace }), {
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      limit: opts.limit,
      continue: opts.continue,
      resourceVersion: opts.resourceVersion,
      resourceVersionMatch: opts.resourceVersionMatch,
    });
    const list = await this.json<KubeList<T>>('GET', path);
    if (!Array.isArray(list.items)) throw new TransportError('decode', `list of ${ref.resource} has no items array`);
    if (typeof list.metadata !== 'object' || list.metadata === null) list.metadata = {};
    return list;
  }

  create<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T> {
    return this.createIn<T>(ref, namespace, undefined, obj, opts);
  }

  /** POST to a subresource, e.g. pods/NAME/binding or pods/NAME/eviction. */
  createSubresource<T = unknown>(ref: ResourceRef, namespace: string | undefined, name: string, subresource: string, body: unknown, opts?: WriteOptions): Promise<T> {
    return this.createIn<T>(ref, namespace, name, body, { ...opts, subresource });
  }

  private createIn<T>(ref: ResourceRef, namespace: string | undefined, name: string | undefined, body: unknown, opts: WriteOptions | undefined): Promise<T> {
    const path = resourcePath(ref, { namespace, name, subresource: opts?.subresource });
    return this.json<T>('POST', withQuery(path, writeQuery(opts)), body, 'application/json');
  }

  /** PUT: optimistic concurrency through metadata.resourceVersion (409 Conflict when stale). */
  update<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T> {
    const path = resourcePath(ref, { namespace, name: nameOf(obj), subresource: opts?.subresource });
    return this.json<T>('PUT', withQuery(path, writeQuery(opts)), obj, 'application/json');
  }

  updateStatus<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T> {
    return this.update(ref, namespace, obj, { ...opts, subresource: 'status' });
  }

  patch<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    opts: PatchOptions = {},
  ): Promise<T> {
    if (type === 'apply' && (opts.fieldManager === undefined || opts.fieldManager === '')) {
      throw new Error('server-side apply needs a fieldManager');
    }
    const path = resourcePath(ref, { namespace, name, subresource: opts.subresource });
    const q = { ...writeQuery(opts), force: type === 'apply' && opts.force === true ? true : undefined };
    return this.json<T>('PATCH', withQuery(path, q), body, CONTENT_TYPES[type]);
  }

  /** Returns the object (when deletion is deferred by finalizers or grace) or a Success Status. */
  delete<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<T | Status> {
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      ...(opts.propagationPolicy !== undefined ? { propagationPolicy: opts.propagationPolicy } : {}),
      ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}),
      ...(opts.preconditions !== undefined ? { preconditions: opts.preconditions } : {}),
      ...(opts.dryRun === true ? { dryRun: ['All'] } : {}),
    };
    return this.json<T | Status>('DELETE', resourcePath(ref, { namespace, name }), body, 'application/json');
  }

  /** Any other path (/version, pods/NAME/log): the raw body of a 2xx answer. */
  async raw(method: string, path: string, body?: { readonly data: Buffer; readonly contentType: string }): Promise<Buffer> {
    const headers = body === undefined ? {} : { 'Content-Type': body.contentType };
    return this.send(method, path, headers, body?.data);
  }

  /**
   * Starts a watch. Events are decoded incrementally from the newline-delimited stream and
   * delivered in order; `onEnd` fires exactly once unless `stop()` came first.
   * `onEvent` must not throw (a throw stops the watch and is reported as a decode failure).
   */
  watch<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    namespace: string | undefined,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent<T>) => void,
    onEnd: (end: WatchEnd) => void,
  ): WatchHandle {
    const path = withQuery(resourcePath(ref, { namespace }), {
      watch: 'true',
      resourceVersion: opts.resourceVersion,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      allowWatchBookmarks: opts.allowWatchBookmarks === true ? 'true' : undefined,
      timeoutSeconds: opts.timeoutSeconds,
    });
    const abort = new AbortController();
    let finished = false;
    const finish = (end: WatchEnd) => {
      if (finished) return;
      finished = true;
      this.clock.clearTimeout(deadline);
      abort.abort();
      onEnd(end);
    };
    // Headers must come within timeoutMs; the whole stream within the server timeout plus that margin.
    let timedOut = false;
    let deadline = this.clock.setTimeout(() => {
      timedOut = true;
      finish({ type: 'failed', error: new TransportError('timeout', `watch ${ref.resource}: no response within ${this.timeoutMs} ms`) });
    }, this.timeoutMs);
    const headers = { ...this.baseHeaders };
    this.transport.send({ method: 'GET', path, headers, signal: abort.signal }).then(
      (res) => {
        if (finished) {
          res.destroy();
          return;
        }
        const code = res.statusCode ?? 0;
        if (code < 200 || code >= 300) {
          readAll(res).then(
            (b) => finish({ type: 'failed', error: errorFromResponse(code, b) }),
            (e: unknown) => finish({ type: 'failed', error: new TransportError('network', `watch ${ref.resource}: ${String(e)}`, e) }),
          );
          return;
        }
        this.clock.clearTimeout(deadline);
        if (opts.timeoutSeconds !== undefined) {
          deadline = this.clock.setTimeout(() => {
            timedOut = true;
            finish({ type: 'failed', error: new TransportError('timeout', `watch ${ref.resource} outlived timeoutSeconds=${opts.timeoutSeconds}`) });
          }, opts.timeoutSeconds * 1000 + this.timeoutMs);
        }
        const split = new LineSplitter();
        const deliver = (lines: readonly string[]): boolean => {
          for (const line of lines) {
            if (finished) return false;
            const ev = parseWatchEvent<T>(line);
            if (!ev.ok) {
              finish({ type: 'failed', error: new TransportError('decode', `watch ${ref.resource}: ${ev.error}`) });
              return false;
            }
            try {
              onEvent(ev.value);
            } catch (e) {
              finish({ type: 'failed', error: new TransportError('decode', `watch ${ref.resource}: event handler threw: ${String(e)}`, e) });
              return false;
            }
          }
          return true;
        };
        res.on('data', (chunk: Buffer) => {
          const lines = split.push(chunk);
          if (!lines.ok) finish({ type: 'failed', error: new TransportError('decode', `watch ${ref.resource}: ${lines.error}`) });
          else deliver(lines.value);
        });
        res.on('end', () => {
          if (deliver(split.end())) finish({ type: 'closed' });
        });
        res.on('error', (e) => finish({ type: 'failed', error: new TransportError('network', `watch ${ref.resource}: ${e.message}`, e) }));
        res.on('close', () => {
          if (!res.complete) finish({ type: 'failed', error: new TransportError('network', `watch ${ref.resource}: connection closed mid-stream`) });
        });
      },
      (e: unknown) => {
        if (finished) return;
        const failure = timedOut ? 'timeout' : 'network';
        finish({ type: 'failed', error: new TransportError(failure, `watch ${ref.resource} on ${this.transport.describe}: ${(e as Error).message ?? String(e)}`, e) });
      },
    );
    return {
      stop: () => {
        finished = true;
        this.clock.clearTimeout(deadline);
        abort.abort();
      },
    };
  }

  /** Releases pooled connections. Open watches are destroyed without callbacks. */
  close(): void {
    this.transport.close();
  }

  private async json<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const headers: Record<string, string> = contentType !== undefined ? { 'Content-Type': contentType } : {};
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const raw = await this.send(method, path, headers, data);
    try {
      return JSON.parse(raw.toString('utf8')) as T;
    } catch (e) {
      throw new TransportError('decode', `${method} ${path}: response is not JSON`, e);
    }
  }

  private async send(method: string, path: string, extra: Record<string, string>, body: Buffer | undefined): Promise<Buffer> {
    const abort = new AbortController();
    let timedOut = false;
    const timer = this.clock.setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, this.timeoutMs);
    const headers = { ...this.baseHeaders, ...extra, ...(body !== undefined ? { 'Content-Length': String(body.length) } : {}) };
    try {
      const res = await this.transport.send({ method, path, headers, signal: abort.signal, ...(body !== undefined ? { body } : {}) });
      const data = await readAll(res);
      const code = res.statusCode ?? 0;
      if (code < 200 || code >= 300) throw errorFromResponse(code, data);
      return data;
    } catch (e) {
      if (e instanceof ApiStatusError || e instanceof TransportError) throw e;
      if (timedOut) throw new TransportError('timeout', `${method} ${path}: no answer within ${this.timeoutMs} ms`, e);
      throw new TransportError('network', `${method} ${path} on ${this.transport.describe}: ${(e as Error).message ?? String(e)}`, e);
    } finally {
      this.clock.clearTimeout(timer);
    }
  }
}
