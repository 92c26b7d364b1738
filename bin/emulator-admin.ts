// The running lab's admin channel: a small HTTP API on a unix socket in the state dir
// (STATE_DIR/admin.sock, mode 0600, so only the lab's user reaches it; no token needed).
// The svcnet CLI (./lab-commands.ts) is its client. Answers are JSON ViewResults:
//   GET  /v1/nodes                         -> {"nodes":[...]}
//   GET  /v1/nodes/<node>/<view>           -> {"ok":true,"stdout":...} | {"ok":false,"error":...}
//        view: NSX lab: dump-flows dump-groups dump-conntrack conntrack vsctl-show dump-ports
//              kube-proxy lab: nft-list-ruleset iptables-save conntrack
//   GET  /v1/views/<name>?arg=value        -> ViewResult (edge-logical-router, edge-vrf-interfaces, lb-virtual-servers, lb-pools, host-ports)
//   POST /v1/trace {"from","to","proto"}   -> ViewResult
//   POST /v1/exec {"target","argv"}        -> ViewResult with exitCode
// The socket's path: ./admin-socket.ts.
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { adminSocketPath } from './admin-socket.js';
import type { EmulatorViews, TraceRequest, ViewResult } from './emulator-views.js';

export interface AdminServer {
  readonly socketPath: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendView(res: ServerResponse, r: ViewResult): void {
  send(res, r.ok ? 200 : 404, r);
}

async function readBody(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const chunk of req) {
    s += String(chunk);
    if (s.length > 65536) throw new Error('request body too large');
  }
  return s;
}

const PROTOS = new Set(['tcp', 'udp', 'icmp']);

export async function handleAdmin(views: EmulatorViews, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://admin');
  const parts = url.pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  if (req.method === 'GET' && parts.length === 2 && parts[0] === 'v1' && parts[1] === 'nodes') return send(res, 200, { nodes: views.nodes() });
  if (req.method === 'GET' && parts.length === 4 && parts[0] === 'v1' && parts[1] === 'nodes') {
    return sendView(res, views.node(parts[2]!, parts[3]!));
  }
  if (req.method === 'GET' && parts.length === 3 && parts[0] === 'v1' && parts[1] === 'views') {
    return sendView(res, views.view(parts[2]!, Object.fromEntries(url.searchParams)));
  }
  if (req.method === 'POST' && parts.length === 2 && parts[0] === 'v1' && parts[1] === 'trace') {
    let body: Partial<TraceRequest>;
    try {
      body = JSON.parse(await readBody(req)) as Partial<TraceRequest>;
    } catch (e) {
      return send(res, 400, { ok: false, error: `bad trace request: ${e instanceof Error ? e.message : String(e)}` });
    }
    if (typeof body.from !== 'string' || typeof body.to !== 'string') return send(res, 400, { ok: false, error: 'a trace needs "from" and "to"' });
    if (body.proto !== undefined && !PROTOS.has(body.proto)) return send(res, 400, { ok: false, error: `unknown protocol "${String(body.proto)}" (tcp, udp, icmp)` });
    return sendView(res, await views.trace({ from: body.from, to: body.to, ...(body.proto !== undefined ? { proto: body.proto } : {}) }));
  }
  if (req.method === 'POST' && parts.length === 2 && parts[0] === 'v1' && parts[1] === 'exec') {
    let body: { target?: unknown; argv?: unknown };
    try {
      body = JSON.parse(await readBody(req)) as { target?: unknown; argv?: unknown };
    } catch (e) {
      return send(res, 400, { ok: false, error: `bad exec request: ${e instanceof Error ? e.message : String(e)}` });
    }
    const argv = body.argv;
    if (typeof body.target !== 'string' || !Array.isArray(argv) || argv.length === 0 || !argv.every((a): a is string => typeof a === 'string')) {
      return send(res, 400, { ok: false, error: 'an exec needs "target" and a non-empty "argv" of strings' });
    }
    return sendView(res, await views.exec({ target: body.target, argv }));
  }
  send(res, 404, { ok: false, error: `no such admin endpoint: ${req.method ?? ''} ${url.pathname}` });
}

export async function startAdminServer(stateDir: string, views: EmulatorViews): Promise<AdminServer> {
  const path = adminSocketPath(stateDir);
  // A socket file left by a lab that crashed; `svcnet up` refuses to start over a live one.
  rmSync(path, { force: true });
  const server = createServer((req, res) => {
    handleAdmin(views, req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: e instanceof Error ? e.message : String(e) });
      else res.destroy();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(path, () => {
      server.off('error', fail);
      ok();
    });
  });
  chmodSync(path, 0o600);
  return {
    socketPath: path,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(path, { force: true });
          ok();
        });
      }),
  };
}
