// How bytes reach an API server. Two transports behind one interface:
// - network: node:http / node:https with keep-alive agents (TLS with a CA bundle, client
//   certificates, or insecure-skip-tls-verify), against our API server or kube-apiserver;
// - in-process: an (req, res) handler (our API server's `handle`) driven over an in-memory
//   socket pair, so a one-process cluster skips the kernel but not HTTP, auth or watch.
// The REST client above never learns which one it has.
import { Agent as HttpAgent, createServer, request as httpRequest, type IncomingMessage, type RequestOptions, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { memorySocketPair } from './in-memory-socket.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface NetworkEndpoint {
  /** e.g. "https://127.0.0.1:6443" (a path prefix such as "/k8s/clusters/c1" is kept). */
  readonly server: string;
  readonly caPem?: string;
  /** Client certificate and key (kubeadm/kind admin kubeconfigs authenticate this way). */
  readonly certPem?: string;
  readonly keyPem?: string;
  readonly insecureSkipTLSVerify?: boolean;
}

export interface InProcessEndpoint {
  readonly handler: RequestHandler;
}

export type Endpoint = NetworkEndpoint | InProcessEndpoint;

export interface OutgoingRequest {
  readonly method: string;
  /** Absolute path with query string, e.g. "/api/v1/pods?limit=500". */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
  readonly signal: AbortSignal;
}

export interface Transport {
  /** Resolves when response headers arrive; the body is the caller's to read. */
  send(req: OutgoingRequest): Promise<IncomingMessage>;
  /** Frees pooled connections; requests in flight are destroyed. */
  close(): void;
  /** For messages only ("https://10.0.0.1:6443", "in-process"). */
  readonly describe: string;
}

export function createTransport(ep: Endpoint): Transport {
  return 'handler' in ep ? inProcessTransport(ep.handler) : networkTransport(ep);
}

function dispatch(make: (cb: (res: IncomingMessage) => void) => ReturnType<typeof httpRequest>, body: Buffer | undefined): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = make(resolve);
    req.on('error', reject);
    req.end(body);
  });
}

function networkTransport(ep: NetworkEndpoint): Transport {
  const url = new URL(ep.server);
  const tls = url.protocol === 'https:';
  if (!tls && url.protocol !== 'http:') throw new Error(`unsupported server URL ${ep.server} (want http:// or https://)`);
  const prefix = url.pathname.replace(/\/+$/, '');
  const agent = tls
    ? new HttpsAgent({
        keepAlive: true,
        ...(ep.caPem !== undefined ? { ca: ep.caPem } : {}),
        ...(ep.certPem !== undefined ? { cert: ep.certPem } : {}),
        ...(ep.keyPem !== undefined ? { key: ep.keyPem } : {}),
        rejectUnauthorized: ep.insecureSkipTLSVerify !== true,
      })
    : new HttpAgent({ keepAlive: true });
  const request = tls ? httpsRequest : httpRequest;
  return {
    describe: `${url.protocol}//${url.host}${prefix}`,
    send(r) {
      const opts: RequestOptions = {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port === '' ? (tls ? 443 : 80) : Number(url.port),
        method: r.method,
        path: prefix + r.path,
        headers: r.headers,
        agent,
        signal: r.signal,
      };
      return dispatch((cb) => request(opts, cb), r.body);
    },
    close() {
      agent.destroy();
    },
  };
}

function inProcessTransport(handler: RequestHandler): Transport {
  // Never listens: connections arrive only through emit('connection').
  const server = createServer(handler);
  server.keepAliveTimeout = 0;
  const open = new Set<{ destroy(): void }>();
  // A kernel socket keeps the process alive while a request (or watch) is open; an in-memory
  // one does not, so hold a referenced timer for as long as any connection is open.
  let alive: NodeJS.Timeout | undefined;
  const track = (s: { destroy(): void }, opened: boolean) => {
    if (opened) open.add(s);
    else open.delete(s);
    if (open.size > 0 && alive === undefined) alive = setInterval(() => {}, 1 << 30);
    if (open.size === 0 && alive !== undefined) {
      clearInterval(alive);
      alive = undefined;
    }
  };
  return {
    describe: 'in-process',
    send(r) {
      const opts: RequestOptions = {
        method: r.method,
        host: 'in-process',
        path: r.path,
        headers: r.headers,
        signal: r.signal,
        // No agent: one socket pair per request, closed with it ("Connection: close").
        createConnection: () => {
          const [client, srv] = memorySocketPair();
          track(client, true);
          client.on('close', () => track(client, false));
          server.emit('connection', srv);
          return client as unknown as import('node:net').Socket;
        },
      };
      return dispatch((cb) => httpRequest(opts, cb), r.body);
    },
    close() {
      for (const s of [...open]) s.destroy();
    },
  };
}
