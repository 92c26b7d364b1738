// pods/log (chunked text) and pods/exec over WebSocket with Kubernetes' channel
// protocol (v5.channel.k8s.io / v4.channel.k8s.io): each binary message starts with a
// stream id — 0 stdin, 1 stdout, 2 stderr, 3 error (a Status, at the end), 4 resize;
// v5 adds 255 = "close stream <id>" from the client.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { KubeObject, Pod } from '../api/index.js';
import type { ExecOutcome, PodConnector } from './pod-connector.js';
import { errors } from './status.js';

const SUPPORTED_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const CH_STDIN = 0;
const CH_STDOUT = 1;
const CH_STDERR = 2;
const CH_ERROR = 3;
const CH_RESIZE = 4;
const CH_CLOSE = 255;

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (offered) => SUPPORTED_PROTOCOLS.find((p) => offered.has(p)) ?? false });

function requireRunning(pod: Pod, container: string | undefined): string {
  const name = pod.metadata.name ?? '';
  if (pod.spec?.nodeName === undefined || pod.spec.nodeName === '') throw errors.badRequest(`pod ${name} does not have a host assigned`);
  const containers = pod.spec.containers ?? [];
  const c = container ?? containers[0]?.name;
  if (c === undefined || !containers.some((x) => x.name === c)) {
    throw errors.badRequest(`container ${c ?? ''} is not valid for pod ${name}`);
  }
  return c;
}

export async function handleLogs(connector: PodConnector | undefined, obj: KubeObject, q: URLSearchParams, res: ServerResponse): Promise<void> {
  const pod = obj as Pod;
  const container = requireRunning(pod, q.get('container') ?? undefined);
  if (connector === undefined) throw errors.badRequest(`no node agent is connected to serve logs of pod ${pod.metadata.name}`);
  const num = (k: string) => {
    const v = q.get(k);
    if (v === null) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`${k}: Invalid value: "${v}": must be a non-negative integer`);
    return n;
  };
  const ac = new AbortController();
  res.on('close', () => ac.abort());
  let started = false;
  const write = (chunk: string) => {
    if (!started) {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
      started = true;
    }
    res.write(chunk);
  };
  await connector.logs(pod, { container, follow: q.get('follow') === 'true', tailLines: num('tailLines'), timestamps: q.get('timestamps') === 'true', previous: q.get('previous') === 'true', limitBytes: num('limitBytes'), sinceSeconds: num('sinceSeconds') }, write, ac.signal);
  if (!started) res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 0 });
  res.end();
}

export function exitStatus(outcome: ExecOutcome, command: readonly string[]): Record<string, unknown> {
  if (outcome.kind === 'exited' && outcome.exitCode === 0) return { metadata: {}, status: 'Success' };
  if (outcome.kind === 'exited') {
    return {
      metadata: {},
      status: 'Failure',
      message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${outcome.exitCode}`,
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: String(outcome.exitCode) }] },
    };
  }
  return { metadata: {}, status: 'Failure', message: outcome.message };
}

export async function handleExecUpgrade(
  connector: PodConnector | undefined,
  obj: KubeObject,
  q: URLSearchParams,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  sub: string,
): Promise<void> {
  const pod = obj as Pod;
  const command = q.getAll('command');
  const container = requireRunning(pod, q.get('container') ?? undefined);
  if (connector === undefined) throw errors.badRequest(`no node agent is connected to run commands in pod ${pod.metadata.name}`);
  if (sub === 'exec' && command.length === 0) throw errors.badRequest('you must specify at least 1 command');
  const flag = (k: string) => q.get(k) === 'true' || q.get(k) === '1';
  wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
    const send = (ch: number, data: Uint8Array | string) => {
      if (ws.readyState !== ws.OPEN) return;
      const payload = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
      ws.send(Buffer.concat([Buffer.from([ch]), payload]));
    };
    let session;
    try {
      session = connector.exec(pod, { container, command, stdin: flag('stdin'), stdout: flag('stdout'), stderr: flag('stderr'), tty: flag('tty') }, {
        stdout: (d) => send(CH_STDOUT, d),
        stderr: (d) => send(CH_STDERR, d),
      });
    } catch (e) {
      send(CH_ERROR, JSON.stringify({ metadata: {}, status: 'Failure', message: (e as Error).message }));
      ws.close(1000);
      return;
    }
    const s = session;
    ws.on('message', (raw: Buffer, isBinary: boolean) => {
      const buf = isBinary ? raw : Buffer.from(raw.toString(), 'utf8');
      if (buf.length === 0) return;
      const ch = buf[0]!;
      const data = buf.subarray(1);
      if (ch === CH_STDIN) s.stdin(data);
      else if (ch === CH_RESIZE) {
        try {
          const r = JSON.parse(data.toString('utf8')) as { Width?: number; Height?: number };
          if (typeof r.Width === 'number' && typeof r.Height === 'number') s.resize(r.Width, r.Height);
        } catch {
          /* a malformed resize message is ignored, as kubelet does */
        }
      } else if (ch === CH_CLOSE && data[0] === CH_STDIN) s.closeStdin();
    });
    ws.on('close', () => s.kill());
    s.done.then(
      (outcome) => {
        send(CH_ERROR, JSON.stringify(exitStatus(outcome, command)));
        ws.close(1000);
      },
      (e: unknown) => {
        send(CH_ERROR, JSON.stringify({ metadata: {}, status: 'Failure', message: (e as Error).message }));
        ws.close(1000);
      },
    );
  });
}
