// Test helper: an in-process API server on 127.0.0.1 (plain HTTP, MemoryStore) and a
// tiny node:http client for it. Not a test file itself (no `.test.ts` suffix).
import { request, type IncomingHttpHeaders } from 'node:http';
import { realClock, type Clock } from '../core/index.js';
import { MemoryStore } from '../store/index.js';
import { startApiServer, type ApiServerConfig, type RunningApiServer } from './api-server.js';

export const TOKEN = 'tok';

export interface Resp {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** Parsed JSON body (undefined when the body is not JSON). Typed loosely on purpose: tests poke at any field. */
  readonly json: any;
}

export interface ReqOptions {
  /** Objects are sent as JSON; strings and Buffers as they are. */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly accept?: string;
  /** null = no Authorization header. */
  readonly token?: string | null;
  readonly headers?: Record<string, string>;
}

export interface WatchEventIn {
  readonly type: string;
  readonly object: any;
}

export interface WatchStream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Next event; rejects after `ms` without one, or when the stream ends first. */
  next(ms?: number): Promise<WatchEventIn>;
  /** Resolves once the server has ended the stream (buffered events stay readable with next()). */
  readonly ended: Promise<void>;
  /** True when no event is buffered. */
  idle(): boolean;
  close(): void;
}

export interface TestServer {
  readonly url: string;
  readonly store: MemoryStore;
  readonly clock: Clock;
  readonly api: RunningApiServer;
  req(method: string, path: string, opts?: ReqOptions): Promise<Resp>;
  watch(path: string, opts?: { readonly accept?: string }): Promise<WatchStream>;
  close(): Promise<void>;
}

/** Deterministic PRNG (mulberry32) so allocations and generated names are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startTestServer(over: Partial<ApiServerConfig> & { readonly store?: MemoryStore } = {}): Promise<TestServer> {
  const store = over.store ?? new MemoryStore();
  const clock = over.clock ?? realClock;
  const api = await startApiServer({ tokens: new Map([[TOKEN, 'admin']]), port: 0, random: seededRandom(1), ...over, store, clock });
  const base = new URL(api.url);

  const open = (method: string, path: string, opts: ReqOptions) => {
    let payload: Buffer | undefined;
    if (opts.body !== undefined) {
      payload = Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
    }
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? TOKEN : opts.token;
    if (token !== null) headers['Authorization'] = `Bearer ${token}`;
    if (opts.accept !== undefined) headers['Accept'] = opts.accept;
    if (payload !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      if (headers['Transfer-Encoding'] === undefined) headers['Content-Length'] = String(payload.length);
    }
    const r = request({ host: base.hostname, port: base.port, method, path, headers, agent: false });
    return { r, payload };
  };

  const req = (method: string, path: string, opts: ReqOptions = {}): Promise<Resp> =>
    new Promise((resolve, reject) => {
      const { r, payload } = open(method, path, opts);
      r.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      });
      // The server may answer (413) and close before the whole body is written.
      r.on('error', reject);
      r.end(payload);
    });

  const watch = (path: string, opts: { readonly accept?: string } = {}): Promise<WatchStream> =>
    new Promise((resolve, reject) => {
      const { r } = open('GET', path, opts);
      r.on('error', reject);
      r.on('response', (res) => {
        const queue: WatchEventIn[] = [];
        const waiters: Array<{ ok: (e: WatchEventIn) => void; fail: (e: Error) => void }> = [];
        let done = false;
        let buf = '';
        let endResolve: () => void = () => {};
        const ended = new Promise<void>((r2) => (endResolve = r2));
        const finish = () => {
          if (done) return;
          done = true;
          for (const w of waiters.splice(0)) w.fail(new Error('watch stream ended'));
          endResolve();
        };
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf('\n')) !== -1) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (line === '') continue;
            const ev = JSON.parse(line) as WatchEventIn;
            const w = waiters.shift();
            if (w !== undefined) w.ok(ev);
            else queue.push(ev);
          }
        });
        res.on('end', finish);
        res.on('close', finish);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          ended,
          idle: () => queue.length === 0,
          next: (ms = 2000) => {
            const q = queue.shift();
            if (q !== undefined) return Promise.resolve(q);
            if (done) return Promise.reject(new Error('watch stream ended'));
            return new Promise<WatchEventIn>((ok, fail) => {
              const timer = setTimeout(() => {
                const i = waiters.findIndex((w) => w.ok === wrapped);
                if (i !== -1) waiters.splice(i, 1);
                fail(new Error(`no watch event within ${ms} ms`));
              }, ms);
              const wrapped = (e: WatchEventIn) => {
                clearTimeout(timer);
                ok(e);
              };
              waiters.push({
                ok: wrapped,
                fail: (e) => {
                  clearTimeout(timer);
                  fail(e);
                },
              });
            });
          },
          close: () => {
            r.destroy();
            finish();
          },
        });
      });
      r.end();
    });

  return { url: api.url, store, clock, api, req, watch, close: () => api.close() };
}

/** A minimal valid Service body. */
export function svc(name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, ...metadata },
    spec: { ports: [{ port: 80, protocol: 'TCP' }], selector: { app: name }, ...spec },
  };
}

/** A minimal valid Pod body. */
export function pod(name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...metadata },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec },
  };
}

/** A minimal valid Deployment body. */
export function deployment(name: string, replicas = 1): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  };
}
