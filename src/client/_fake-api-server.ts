// A fake API server for tests (not part of the public surface): one resource kept in an
// in-memory map with a global resourceVersion counter, implementing GET/LIST (limit +
// continue over a snapshot), WATCH (history replay, bookmarks, 410 for compacted
// versions either as an ERROR event or as an HTTP answer), POST, PUT (optimistic
// concurrency), merge PATCH and DELETE. Tests can close watches, expire them, compact
// history, inject list failures, and change objects "silently" (no watch events).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { matchesLabels, parseLabelSelector, type KubeObject, type Status } from '../api/index.js';
import { resourcePath, type ResourceRef } from './resource-ref.js';

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface Watcher {
  readonly res: ServerResponse;
  readonly namespace: string | undefined;
  readonly bookmarks: boolean;
  readonly selector: (o: KubeObject) => boolean;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

function status(code: number, reason: NonNullable<Status['reason']>, message: string): Status {
  return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code, reason, message };
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  private readonly objects = new Map<string, KubeObject>();
  private readonly history: { rv: number; type: EventType; object: KubeObject }[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly snapshots = new Map<string, { rv: number; items: KubeObject[] }>();
  private rv = 100;
  private compactedRV = 0;
  private server: Server | undefined;
  private readonly basePath: string;
  /** How a too-old watch resourceVersion is answered (kube-apiserver sends an ERROR event). */
  goneMode: 'event' | 'http' = 'event';
  /** The next N list requests answer 500. */
  failLists = 0;
  /** Never answer requests whose path contains this (timeouts). */
  hangPaths: string | undefined;

  constructor(
    readonly resource: ResourceRef,
    readonly kind: string,
  ) {
    this.basePath = resourcePath(resource);
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  requestsWhere(pred: (r: RecordedRequest) => boolean): RecordedRequest[] {
    return this.requests.filter(pred);
  }

  lists(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'GET' && r.query.get('watch') !== 'true' && r.query.get('watch') !== '1');
  }

  watches(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'GET' && (r.query.get('watch') === 'true' || r.query.get('watch') === '1'));
  }

  objectsNow(): KubeObject[] {
    return [...this.objects.values()];
  }

  // ---- mutations (notify watchers unless `silent`) ----

  put(obj: KubeObject, silent = false): KubeObject {
    const key = keyOf(obj);
    const exists = this.objects.has(key);
    const stored: KubeObject = { ...structuredClone(obj), apiVersion: obj.apiVersion, kind: this.kind, metadata: { ...obj.metadata, resourceVersion: String(++this.rv), uid: obj.metadata.uid ?? `uid-${key}` } };
    this.objects.set(key, stored);
    this.record(exists ? 'MODIFIED' : 'ADDED', stored, silent);
    return stored;
  }

  remove(namespace: string | undefined, name: string, silent = false): KubeObject | undefined {
    const key = `${namespace ?? ''}/${name}`;
    const old = this.objects.get(key);
    if (old === undefined) return undefined;
    this.objects.delete(key);
    const final = { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.rv) } };
    this.record('DELETED', final, silent);
    return final;
  }

  /** Writes to other resources advance the shared revision too. */
  bumpRV(n = 1): void {
    this.rv += n;
  }

  /** Forget history up to now: watches from older versions get 410; continue tokens expire. */
  compact(): void {
    this.compactedRV = this.rv;
    this.history.length = 0;
  }

  bookmark(): void {
    for (const w of this.watchers) if (w.bookmarks) this.send(w, 'BOOKMARK', { kind: this.kind, apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) } });
  }

  closeWatches(): void {
    for (const w of [...this.watchers]) this.endWatch(w);
  }

  /** Sends ERROR 410 on every open watch and closes it (what kube-apiserver does on compaction). */
  expireWatches(): void {
    this.compact();
    for (const w of [...this.watchers]) {
      w.res.write(JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${this.rv - 1} (${this.rv})`) }) + '\n');
      this.endWatch(w);
    }
  }

  /** Raw bytes onto every open watch (to test framing). */
  writeRaw(text: string | Buffer): void {
    for (const w of this.watchers) w.res.write(text);
  }

  // ---- HTTP ----

  handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(chunks).toString('utf8');
      this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body });
      if (this.hangPaths !== undefined && url.pathname.includes(this.hangPaths)) return;
      try {
        this.route(req.method ?? 'GET', url, body, res);
      } catch (e) {
        this.json(res, 500, status(500, 'InternalError', String(e)));
      }
    });
  };

  async listen(): Promise<string> {
    const s = createServer(this.handler);
    this.server = s;
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.closeWatches();
    const s = this.server;
    if (s === undefined) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private route(method: string, url: URL, body: string, res: ServerResponse): void {
    const prefix = this.basePath.slice(0, this.basePath.lastIndexOf('/'));
    const segs = url.pathname.startsWith(prefix + '/') ? url.pathname.slice(prefix.length + 1).split('/').map(decodeURIComponent) : [];
    let ns: string | undefined;
    if (segs[0] === 'namespaces' && segs.length >= 3) {
      ns = segs[1];
      segs.splice(0, 2);
    }
    if (segs[0] !== this.resource.resource || segs.length > 3) return this.json(res, 404, status(404, 'NotFound', `the server could not find the requested resource`));
    const name = segs[1];
    const q = url.searchParams;
    if (method === 'GET' && name === undefined) return q.get('watch') === 'true' || q.get('watch') === '1' ? this.watch(ns, q, res) : this.list(ns, q, res);
    if (method === 'POST' && name === undefined) {
      const obj = JSON.parse(body) as KubeObject;
      obj.metadata = { ...obj.metadata, ...(ns !== undefined ? { namespace: ns } : {}) };
      if (this.objects.has(keyOf(obj))) return this.json(res, 409, status(409, 'AlreadyExists', `${this.resource.resource} "${obj.metadata.name}" already exists`));
      return this.json(res, 201, this.put(obj));
    }
    if (name === undefined) return this.json(res, 405, status(405, 'MethodNotAllowed', 'method not allowed'));
    const cur = this.objects.get(`${ns ?? ''}/${name}`);
    if (cur === undefined) return this.json(res, 404, status(404, 'NotFound', `${this.resource.resource} "${name}" not found`));
    switch (method) {
      case 'GET':
        return this.json(res, 200, cur);
      case 'PUT': {
        const obj = JSON.parse(body) as KubeObject;
        if (obj.metadata.resourceVersion !== undefined && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) {
          return this.json(res, 409, status(409, 'Conflict', `Operation cannot be fulfilled on ${this.resource.resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`));
        }
        return this.json(res, 200, this.put({ ...obj, metadata: { ...obj.metadata, namespace: cur.metadata.namespace ?? '' } }));
      }
      case 'PATCH':
        return this.json(res, 200, this.put(mergePatch(cur, JSON.parse(body)) as KubeObject));
      case 'DELETE':
        this.remove(ns, name);
        return this.json(res, 200, { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', details: { name, kind: this.resource.resource } });
      default:
        return this.json(res, 405, status(405, 'MethodNotAllowed', 'method not allowed'));
    }
  }

  private selector(q: URLSearchParams, ns: string | undefined): (o: KubeObject) => boolean {
    const parsed = parseLabelSelector(q.get('labelSelector') ?? '');
    if (!parsed.ok) throw new Error(parsed.error.message);
    return (o) => (ns === undefined || o.metadata.namespace === ns) && matchesLabels(parsed.value, o.metadata.labels);
  }

  private list(ns: string | undefined, q: URLSearchParams, res: ServerResponse): void {
    if (this.failLists > 0) {
      this.failLists--;
      return this.json(res, 500, status(500, 'InternalError', 'injected list failure'));
    }
    const limit = Number(q.get('limit') ?? '0');
    const token = q.get('continue');
    let snap: { rv: number; items: KubeObject[] };
    let offset = 0;
    if (token !== null && token !== '') {
      const [id, off] = token.split(':');
      const s = this.snapshots.get(id ?? '');
      if (s === undefined || s.rv < this.compactedRV) return this.json(res, 410, status(410, 'Expired', 'The provided continue parameter is too old'));
      snap = s;
      offset = Number(off);
    } else {
      const sel = this.selector(q, ns);
      snap = { rv: this.rv, items: [...this.objects.values()].filter(sel).sort((a, b) => keyOf(a).localeCompare(keyOf(b))) };
    }
    const end = limit > 0 ? Math.min(snap.items.length, offset + limit) : snap.items.length;
    let next: string | undefined;
    if (end < snap.items.length) {
      const id = `s${this.snapshots.size + 1}`;
      this.snapshots.set(id, snap);
      next = `${id}:${end}`;
    }
    this.json(res, 200, {
      apiVersion: this.resource.group === '' ? this.resource.version : `${this.resource.group}/${this.resource.version}`,
      kind: `${this.kind}List`,
      metadata: { resourceVersion: String(snap.rv), ...(next !== undefined ? { continue: next } : {}) },
      items: snap.items.slice(offset, end),
    });
  }

  private watch(ns: string | undefined, q: URLSearchParams, res: ServerResponse): void {
    const rvParam = q.get('resourceVersion') ?? '';
    const from = rvParam === '' || rvParam === '0' ? undefined : Number(rvParam);
    if (from !== undefined && from < this.compactedRV) {
      const s = status(410, 'Expired', `too old resource version: ${from} (${this.compactedRV})`);
      if (this.goneMode === 'http') return this.json(res, 410, s);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      res.end(JSON.stringify({ type: 'ERROR', object: s }) + '\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const w: Watcher = { res, namespace: ns, bookmarks: q.get('allowWatchBookmarks') === 'true', selector: this.selector(q, ns) };
    this.watchers.add(w);
    res.on('close', () => this.watchers.delete(w));
    if (from === undefined) {
      for (const o of this.objects.values()) if (w.selector(o)) this.send(w, 'ADDED', o);
    } else {
      for (const h of this.history) if (h.rv > from && w.selector(h.object)) this.send(w, h.type, h.object);
    }
  }

  private record(type: EventType, object: KubeObject, silent: boolean): void {
    this.history.push({ rv: this.rv, type, object });
    if (silent) return;
    for (const w of this.watchers) if (w.selector(object)) this.send(w, type, object);
  }

  private send(w: Watcher, type: string, object: unknown): void {
    w.res.write(JSON.stringify({ type, object }) + '\n');
  }

  private endWatch(w: Watcher): void {
    this.watchers.delete(w);
    w.res.end();
  }

  private json(res: ServerResponse, code: number, body: unknown): void {
    const data = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
    res.end(data);
  }
}
