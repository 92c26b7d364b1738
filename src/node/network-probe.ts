// httpGet and tcpSocket probes as kubelet runs them: from the node's own IP stack to the
// target over the (emulated) network, so a probe fails for the same reasons a real one
// would (nothing listening, no route, a lossy or cut link). Outputs follow kubelet's
// prober and Go's net/http wording:
//   tcp ok          -> success ""
//   refused         -> "dial tcp 172.25.5.3:80: connect: connection refused"
//   too slow (tcp)  -> "dial tcp 172.25.5.3:80: i/o timeout"
//   http 200..399   -> success ""          (kubelet treats redirects as success here)
//   http other      -> "HTTP probe failed with statuscode: 503"
//   refused (http)  -> 'Get "http://172.25.5.3:80/": dial tcp 172.25.5.3:80: connect: connection refused'
//   too slow (http) -> 'Get "http://172.25.5.3:80/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'
// A connect that outlives the probe's timeout keeps retrying SYNs inside the stack (it
// cannot be aborted); when it finally completes, the socket is destroyed.
import { formatIPv4, parseIPv4, type Clock, type IPv4 } from '../core/index.js';
import { NetError, type HostStack, type NetErrorCode, type TcpSocket } from '../dataplane/host/index.js';
import type { ProbeOutcome, ProbeTarget } from './runtime.js';

export const PROBE_USER_AGENT = 'kube-probe/1.32';
/** kubelet reads at most this much of a probe's response body. */
const MAX_BODY = 10 * 1024;

type NetTarget = Extract<ProbeTarget, { kind: 'http' | 'tcp' }>;

const ERRNO_TEXT: Partial<Record<NetErrorCode, string>> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset by peer',
};

function endpoint(t: { host: string; port: number }): string {
  return t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
}

function errText(e: unknown): string {
  if (e instanceof NetError) return ERRNO_TEXT[e.code] ?? e.message;
  return e instanceof Error ? e.message : String(e);
}

function url(t: Extract<ProbeTarget, { kind: 'http' }>): string {
  return `${t.scheme}://${endpoint(t)}${t.path}`;
}

/** Runs one probe from `stack`; never rejects. */
export async function networkProbe(stack: HostStack, target: NetTarget, timeoutMs: number, clock: Clock): Promise<ProbeOutcome> {
  const addr = parseIPv4(target.host);
  if (!addr.ok) {
    // kubelet would resolve the name with the node's resolver; the emulated node has none.
    const dial = `dial tcp: lookup ${target.host}: no such host`;
    return { kind: 'failure', output: target.kind === 'http' ? `Get "${url(target)}": ${dial}` : dial };
  }
  if (target.kind === 'http' && target.scheme === 'https') {
    return { kind: 'error', message: `https probes are not supported by the svcnet emulator (${url(target)})` };
  }
  let timedOut = false;
  let sock: TcpSocket | undefined;
  const work = target.kind === 'tcp' ? tcpProbe(stack, addr.value, target, (s) => (sock = s), () => timedOut) : httpProbe(stack, addr.value, target, (s) => (sock = s), () => timedOut);
  return new Promise<ProbeOutcome>((resolve) => {
    const timer = clock.setTimeout(() => {
      timedOut = true;
      sock?.destroy();
      resolve(
        target.kind === 'tcp'
          ? { kind: 'failure', output: `dial tcp ${endpoint(target)}: i/o timeout` }
          : { kind: 'failure', output: `Get "${url(target)}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` },
      );
    }, timeoutMs);
    work.then((o) => {
      clock.clearTimeout(timer);
      if (!timedOut) resolve(o);
    });
  });
}

async function connect(stack: HostStack, ip: IPv4, port: number, keep: (s: TcpSocket) => void, abandoned: () => boolean): Promise<TcpSocket> {
  const s = await stack.connect(ip, port);
  if (abandoned()) {
    s.destroy();
    throw new Error('abandoned');
  }
  keep(s);
  return s;
}

async function tcpProbe(stack: HostStack, ip: IPv4, t: NetTarget, keep: (s: TcpSocket) => void, abandoned: () => boolean): Promise<ProbeOutcome> {
  try {
    const s = await connect(stack, ip, t.port, keep, abandoned);
    s.end();
    return { kind: 'success', output: '' };
  } catch (e) {
    return { kind: 'failure', output: `dial tcp ${endpoint(t)}: connect: ${errText(e)}` };
  }
}

/** The request Go's client sends for kubelet's prober (keep-alives off, so "Connection: close"). */
export function probeRequest(t: Extract<ProbeTarget, { kind: 'http' }>): string {
  const headers = new Map<string, string>([
    ['Host', endpoint(t)],
    ['User-Agent', PROBE_USER_AGENT],
    ['Accept', '*/*'],
  ]);
  for (const h of t.headers) {
    const name = [...headers.keys()].find((k) => k.toLowerCase() === h.name.toLowerCase()) ?? h.name;
    headers.set(name, h.value);
  }
  headers.set('Connection', 'close');
  return `GET ${t.path} HTTP/1.1\r\n${[...headers].map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

async function httpProbe(stack: HostStack, ip: IPv4, t: Extract<ProbeTarget, { kind: 'http' }>, keep: (s: TcpSocket) => void, abandoned: () => boolean): Promise<ProbeOutcome> {
  let s: TcpSocket;
  try {
    s = await connect(stack, ip, t.port, keep, abandoned);
  } catch (e) {
    return { kind: 'failure', output: `Get "${url(t)}": dial tcp ${endpoint(t)}: connect: ${errText(e)}` };
  }
  const local = `${formatIPv4(s.localAddress)}:${s.localPort}`;
  s.write(probeRequest(t));
  let head = '';
  let body = 0;
  let eof = false;
  try {
    for (;;) {
      const chunk = await s.read();
      if (chunk === null) {
        eof = true;
        break;
      }
      if (head.includes('\r\n\r\n')) body += chunk.length;
      else head += Buffer.from(chunk).toString('latin1');
      if (head.includes('\r\n\r\n') && body + head.length - head.indexOf('\r\n\r\n') - 4 >= MAX_BODY) break;
    }
  } catch (e) {
    return { kind: 'failure', output: `Get "${url(t)}": read tcp ${local}->${endpoint(t)}: read: ${errText(e)}` };
  } finally {
    // After the server's FIN a normal close; a response cut short at MAX_BODY is reset.
    if (eof) s.end();
    else s.destroy();
  }
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  if (status === null) {
    const first = head.split('\r\n')[0] ?? '';
    return { kind: 'failure', output: head === '' ? `Get "${url(t)}": EOF` : `Get "${url(t)}": net/http: HTTP/1.x transport connection broken: malformed HTTP response ${JSON.stringify(first)}` };
  }
  const code = Number(status[1]);
  if (code >= 200 && code < 400) return { kind: 'success', output: '' };
  return { kind: 'failure', output: `HTTP probe failed with statuscode: ${code}` };
}
