// pods/log (chunked text) and pods/exec over WebSocket with Kubernetes' channel
// protocol (v5.channel.k8s.io / v4.channel.k8s.io): each binary message starts with a
// stream id — 0 stdin, 1 stdout, 2 stderr, 3 error (a Status, at the end), 4 resize;
// v5 adds 255 = "close stream <id>" from the client. kubectl >= 1.31 offers only v5 over
// WebSocket and falls back to SPDY/3.1 when the upgrade fails; SPDY is not served here,
// so a refused upgrade answers with the Status that kubectl then prints.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { KubeObject, Pod, Status, StatusReason } from '../api/index.js';
import type { ExecOutcome, ExecSession, PodConnector, StreamRefusal } from './pod-connector.js';
import { ApiError, errors, toApiError } from './status.js';

/** Server preference; kubectl 1.32 offers only v5, older clients v4 (no CLOSE signal). */
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
export const CH_STDIN = 0;
export const CH_STDOUT = 1;
export const CH_STDERR = 2;
export const CH_ERROR = 3;
export const CH_RESIZE = 4;
export const CH_CLOSE = 255;

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (offered) => pickProtocol(offered) ?? false });

function pickProtocol(offered: ReadonlySet<string>): string | undefined {
  return EXEC_PROTOCOLS.find((p) => offered.has(p));
}

function failure(code: number, reason: StatusReason, message: string): ApiError {
  return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

function refusalError(r: StreamRefusal): ApiError {
  const code = r.reason === 'BadRequest' ? 400 : r.reason === 'NotFound' ? 404 : 500;
  return failure(code, r.reason, r.message);
}

/** kube-apiserver's answer when it cannot reach the pod's kubelet. */
function noNode(pod: Pod): ApiError {
  return failure(500, 'InternalError', `error dialing backend: no node agent is connected for node ${pod.spec?.nodeName ?? ''}`);
}

function hasContainer(pod: Pod, name: string): boolean {
  const spec = pod.spec;
  return [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].some((c) => c.name === name);
}

/** The container a request addresses, with upstream's wording when there is none (validateContainer). */
export function resolveContainer(pod: Pod, requested: string | undefined): string {
  const name = pod.metadata.name ?? '';
  if (requested !== undefined && requested !== '') {
    if (!hasContainer(pod, requested)) throw errors.badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const containers = pod.spec?.containers ?? [];
  if (containers.length === 1) return containers[0]!.name;
  if (containers.length === 0) throw errors.badRequest(`a container name must be specified for pod ${name}`);
  const init = (pod.spec?.initContainers ?? []).map((c) => c.name);
  let msg = `a container name must be specified for pod ${name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`;
  if (init.length > 0) msg += ` or one of the init containers: [${init.join(' ')}]`;
  throw errors.badRequest(msg);
}

const scheduled = (pod: Pod) => pod.spec?.nodeName !== undefined && pod.spec.nodeName !== '';

function nonNegative(q: URLSearchParams, k: string): number | undefined {
  const v = q.get(k);
  if (v === null) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n)) throw errors.badRequest(`${k}: Invalid value: "${v}": must be an integer`);
  if (n < 0) throw errors.badRequest(`PodLogOptions "" is invalid: ${k}: Invalid value: ${n}: must be greater than or equal to 0`);
  return n;
}

const truthy = (q: URLSearchParams, k: string) => q.get(k) === 'true' || q.get(k) === '1';

export async function handleLogs(connector: PodConnector | undefined, obj: KubeObject, q: URLSearchParams, res: ServerResponse): Promise<void> {
  const pod = obj as Pod;
  const container = resolveContainer(pod, q.get('container') ?? undefined);
  const opts = {
    container,
    follow: truthy(q, 'follow'),
    tailLines: nonNegative(q, 'tailLines'),
    timestamps: truthy(q, 'timestamps'),
    previous: truthy(q, 'previous'),
    limitBytes: nonNegative(q, 'limitBytes'),
    sinceSeconds: nonNegative(q, 'sinceSeconds'),
  };
  if (opts.limitBytes === 0) throw errors.badRequest(`PodLogOptions "" is invalid: limitBytes: Invalid value: 0: must be greater than 0`);
  // Upstream answers an unscheduled pod's log with an empty stream (LogLocation returns no location).
  if (!scheduled(pod)) return void res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 0 }).end();
  if (connector === undefined) throw noNode(pod);
  const ac = new AbortController();
  res.on('close', () => ac.abort());
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
    // A followed log may stay quiet for long: let the client see the 200 now.
    res.flushHeaders();
  };
  if (opts.follow) start();
  const outcome = await connector.logs(pod, opts, (chunk) => {
    if (ac.signal.aborted) return;
    start();
    res.write(chunk);
  }, ac.signal);
  if (outcome.kind === 'refused' && !started) throw refusalError(outcome);
  start();
  res.end();
}

/** A Status on the error channel; kubelet's NonZeroExitCode reason is not an API-server reason. */
export type ExecStatus = Omit<Status, 'reason'> & { reason?: StatusReason | 'NonZeroExitCode' };

/** The Status kubelet sends on the error channel when the process ends (v4/v5). */
export function exitStatus(outcome: ExecOutcome, command: readonly string[]): ExecStatus {
  if (outcome.kind === 'exited' && outcome.exitCode === 0) return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
  if (outcome.kind === 'exited') {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `command terminated with non-zero exit code: command '${command.join(' ')}' exited with ${outcome.exitCode}`,
      reason: 'NonZeroExitCode',
      // kubectl reads the exit code from the cause whose reason (StatusCause.Type) is ExitCode.
      details: { causes: [{ reason: 'ExitCode', message: String(outcome.exitCode) }] },
    };
  }
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Internal error occurred: ${outcome.message}`, reason: 'InternalError', code: 500 };
}

/** Answers an upgrade request with a Status instead of 101; client-go decodes it for the user. */
export function rejectUpgrade(socket: Duplex, e: unknown): void {
  const err = toApiError(e);
  const body = JSON.stringify(err.status);
  if (socket.destroyed) return;
  socket.end(
    `HTTP/1.1 ${err.code} ${STATUS_CODES[err.code] ?? 'Error'}\r\nContent-Type: application/json\r\nCache-Control: no-cache, private\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Validates and upgrades a pods/exec request. Never rejects: failures are written to `socket`. */
export async function handleExecUpgrade(
  connector: PodConnector | undefined,
  obj: KubeObject,
  q: URLSearchParams,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  sub: string,
): Promise<void> {
  // The client may hang up while the node starts the process; don't let that crash us.
  socket.on('error', () => undefined);
  let session: ExecSession | undefined;
  try {
    const pod = obj as Pod;
    if (sub !== 'exec') throw errors.badRequest(`pods/${sub} is not supported by this server`);
    const command = q.getAll('command');
    const flags = { stdin: truthy(q, 'stdin'), stdout: truthy(q, 'stdout'), stderr: truthy(q, 'stderr'), tty: truthy(q, 'tty') };
    const container = resolveContainer(pod, q.get('container') ?? undefined);
    if (!scheduled(pod)) throw errors.badRequest(`pod ${pod.metadata.name ?? ''} does not have a host assigned`);
    if (command.length === 0) throw errors.badRequest('you must specify at least 1 command');
    if (!flags.stdin && !flags.stdout && !flags.stderr) throw errors.badRequest('you must specify at least 1 of stdin, stdout, stderr');
    // Before the transport check, so kubectl's SPDY retry reports the same cause as its WebSocket try.
    if (connector === undefined) throw noNode(pod);
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      throw errors.badRequest(`unable to upgrade connection: only WebSocket streaming (${EXEC_PROTOCOLS.join(', ')}) is supported, not ${req.headers.upgrade ?? 'none'}`);
    }
    const offered = new Set(String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== ''));
    const protocol = pickProtocol(offered);
    if (protocol === undefined) throw errors.badRequest(`unable to upgrade connection: none of the offered subprotocols [${[...offered].join(', ')}] is supported; use one of: ${EXEC_PROTOCOLS.join(', ')}`);

    // Output can arrive before the WebSocket is open: hold it until then.
    let ws: WebSocket | undefined;
    const pending: Buffer[] = [];
    const send = (ch: number, data: Uint8Array | string) => {
      const frame = Buffer.concat([Buffer.from([ch]), typeof data === 'string' ? Buffer.from(data) : data]);
      if (ws === undefined) pending.push(frame);
      else if (ws.readyState === ws.OPEN) ws.send(frame);
    };
    const started = await connector.exec(pod, { container, command, ...flags }, {
      stdout: (d) => flags.stdout && send(CH_STDOUT, d),
      stderr: (d) => flags.stderr && send(CH_STDERR, d),
    });
    if (started.kind === 'refused') throw refusalError(started);
    const s = started.session;
    session = s;
    if (socket.destroyed) {
      s.kill();
      return;
    }
    wss.handleUpgrade(req, socket, head, (conn: WebSocket) => {
      ws = conn;
      for (const f of pending.splice(0)) conn.send(f);
      conn.on('message', (raw: Buffer, isBinary: boolean) => {
        const buf = isBinary ? raw : Buffer.from(raw.toString(), 'utf8');
        if (buf.length === 0) return;
        const data = buf.subarray(1);
        switch (buf[0]) {
          case CH_STDIN:
            if (flags.stdin) s.stdin(data);
            return;
          case CH_RESIZE:
            return resize(s, data);
          case CH_CLOSE:
            if (protocol === 'v5.channel.k8s.io' && data[0] === CH_STDIN) s.closeStdin();
            return;
          default:
            return; // other channels carry nothing from the client
        }
      });
      conn.on('close', () => s.kill());
      conn.on('error', () => s.kill());
      s.done.then(
        (outcome) => finish(conn, exitStatus(outcome, command)),
        (e: unknown) => finish(conn, exitStatus({ kind: 'error', message: e instanceof Error ? e.message : String(e) }, command)),
      );
    });
  } catch (e) {
    session?.kill();
    rejectUpgrade(socket, e);
  }
}

function resize(s: ExecSession, data: Buffer): void {
  try {
    const r = JSON.parse(data.toString('utf8')) as { Width?: unknown; Height?: unknown };
    if (typeof r.Width === 'number' && typeof r.Height === 'number') s.resize(r.Width, r.Height);
  } catch {
    /* a malformed resize message is ignored, as kubelet does */
  }
}

function finish(conn: WebSocket, status: ExecStatus): void {
  if (conn.readyState !== conn.OPEN) return;
  conn.send(Buffer.concat([Buffer.from([CH_ERROR]), Buffer.from(JSON.stringify(status))]));
  // A normal closure makes client-go end every stream with EOF rather than an error.
  conn.close(1000);
}
