// The HTTP(S) front of the API server: authentication, routing of discovery, OpenAPI,
// health and metrics endpoints, and the REST verbs on resources.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Clock, Logger } from '../core/index.js';
import { ApiMetrics } from './metrics.js';
import { DEFAULT_MAX_BODY_BYTES, sendJson, sendText } from './http-util.js';
import { parseRequestPath } from './request-info.js';
import type { ResourceHandlers } from './resource-handlers.js';
import { errors, toApiError, type ApiError } from './status.js';
import type { DiscoveryDocs } from './discovery/index.js';

export interface HttpServerConfig {
  readonly address: string;
  readonly port: number;
  readonly tls?: { readonly cert: string; readonly key: string };
  /** bearer token -> user name */
  readonly tokens: ReadonlyMap<string, string>;
  readonly maxBodyBytes?: number;
  readonly clock: Clock;
  readonly log: Logger;
}

/** Paths kube-apiserver serves to anyone (system:public-info-viewer). */
const publicPaths = new Set(['/healthz', '/livez', '/readyz', '/version']);

export class ApiHttpServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Duplex>();
  readonly metrics = new ApiMetrics();
  private ready = false;

  constructor(
    private readonly cfg: HttpServerConfig,
    private readonly resources: ResourceHandlers,
    private readonly docs: DiscoveryDocs,
  ) {}

  setReady(v: boolean): void {
    this.ready = v;
  }

  /** Handles one request (also used by the in-process transport). */
  handle = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://x');
    let verb = (req.method ?? 'GET').toUpperCase();
    let resourceLabel = '';
    res.on('finish', () => this.metrics.observe(verb, resourceLabel, res.statusCode, (performance.now() - started) / 1000));
    const fail = (e: unknown) => {
      const err: ApiError = toApiError(e);
      if (err.code >= 500) this.cfg.log.error(`${req.method} ${req.url}: ${err.message}`);
      if (!res.headersSent) sendJson(res, err.code, err.status);
      else res.end();
    };
    try {
      if (!this.authenticate(req) && !publicPaths.has(url.pathname)) throw errors.unauthorized();
      const target = parseRequestPath(url.pathname);
      if (target.type === 'resource') {
        resourceLabel = target.resource;
        verb = this.resources.verbFor(req.method ?? 'GET', target, url.searchParams);
        this.resources.handle(req, res, target, url).catch(fail);
        return;
      }
      this.handleNonResource(req, res, url).catch(fail);
    } catch (e) {
      fail(e);
    }
  };

  /** WebSocket upgrades (pods/exec, pods/attach, pods/portforward). */
  private onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    const reject = (code: number, msg: string) => {
      socket.end(`HTTP/1.1 ${code} ${msg}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(msg)}\r\n\r\n${msg}`);
    };
    if (!this.authenticate(req)) return reject(401, 'Unauthorized');
    const target = parseRequestPath(url.pathname);
    if (target.type !== 'resource') return reject(404, 'not found');
    this.resources.handleUpgrade(req, socket, head, target, url).catch((e: unknown) => reject(500, toApiError(e).message));
  };

  private authenticate(req: IncomingMessage): boolean {
    const h = req.headers.authorization;
    if (h === undefined || !h.startsWith('Bearer ')) return false;
    return this.cfg.tokens.has(h.slice(7).trim());
  }

  private async handleNonResource(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const p = url.pathname.replace(/\/+$/, '') || '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
    switch (p) {
      case '/healthz':
      case '/livez':
        return sendText(res, 200, 'ok');
      case '/readyz':
        return this.ready ? sendText(res, 200, 'ok') : sendText(res, 500, '[-]bootstrap not finished\nreadyz check failed');
      case '/metrics':
        return sendText(res, 200, await this.metrics.render(), this.metrics.contentType);
      case '/version':
        return sendJson(res, 200, this.docs.version());
      default: {
        const found = this.docs.lookup(url.pathname, url.searchParams, req.headers.accept);
        if (found.kind === 'not-found') throw errors.pathNotFound();
        if (found.kind === 'not-acceptable') throw errors.notAcceptable(found.message);
        return sendJson(res, 200, found.doc.body, { ...found.doc.headers }, found.doc.contentType);
      }
    }
  }

  async listen(): Promise<string> {
    const s = this.cfg.tls !== undefined ? createHttpsServer({ cert: this.cfg.tls.cert, key: this.cfg.tls.key }, this.handle) : createHttpServer(this.handle);
    s.on('upgrade', this.onUpgrade);
    s.on('connection', (sock: Duplex) => {
      this.sockets.add(sock);
      sock.on('close', () => this.sockets.delete(sock));
    });
    s.keepAliveTimeout = 30_000;
    this.server = s;
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(this.cfg.port, this.cfg.address, () => {
        s.off('error', reject);
        resolve();
      });
    });
    return this.url();
  }

  url(): string {
    const a = this.server?.address() as AddressInfo | null;
    if (a === null || a === undefined) throw new Error('server is not listening');
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `${this.cfg.tls !== undefined ? 'https' : 'http'}://${host}:${a.port}`;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (s === undefined) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      // Watches and exec streams are long-lived: end them so close() completes.
      for (const sock of this.sockets) sock.destroy();
    });
  }
}

