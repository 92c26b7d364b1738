// Test fixture (not a test): a minimal emulated network on the real clock — one logical
// switch, an external client stack, a "VIP" server stack and two node stacks — plus small
// emulated servers and host-side helpers (real sockets on 127.0.0.1 only).
import { connect, createServer, type Socket } from 'node:net';
import { parseIPv4, realClock, unwrap, type IPv4 } from '../../core/index.js';
import { LogicalSwitch, Scheduler } from '../../dataplane/fabric/index.js';
import { HostStack, type TcpCloseReason, type TcpSocket } from '../../dataplane/host/index.js';

export const ip = (s: string): IPv4 => unwrap(parseIPv4(s));

export interface TestNet {
  readonly scheduler: Scheduler;
  readonly client: HostStack;
  readonly vipServer: HostStack;
  readonly node1: HostStack;
  readonly node2: HostStack;
}

let macSeq = 0x02aa00000000;

/** All stacks on one /16 segment: 10.190.50.10 (client), 10.190.6.1 (VIP), 10.190.5.11/.12 (nodes). */
export function testNet(): TestNet {
  const scheduler = new Scheduler(); // real clock: drains in setImmediate batches
  const ls = new LogicalSwitch({ name: 'ls-host-access' });
  const host = (name: string, addr: string): HostStack => {
    const s = new HostStack({ clock: realClock, hostname: name });
    const nic = s.addInterface({ name: 'eth0', mac: ++macSeq, address: ip(addr), prefix: 16 });
    scheduler.connect(name, nic, ls.addPort(name));
    return s;
  };
  return {
    scheduler,
    client: host('client', '10.190.50.10'),
    vipServer: host('vip', '10.190.6.1'),
    node1: host('k8s-node1', '10.190.5.11'),
    node2: host('k8s-node2', '10.190.5.12'),
  };
}

/** Answers one HTTP request per connection with `body`, then closes (Connection: close). */
export function httpServer(s: HostStack, port: number, body: string): void {
  unwrap(
    s.listen(port, (sock) => {
      let req = '';
      sock.onData((c) => {
        req += Buffer.from(c).toString('latin1');
        if (!req.includes('\r\n\r\n')) return;
        sock.end(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      });
    }),
  );
}

/** Echoes everything, with backpressure; ends after the peer ends. */
export function echoServer(s: HostStack, port: number): void {
  unwrap(
    s.listen(port, (sock) => {
      sock.onData((c) => {
        if (!sock.write(c)) sock.pause();
      });
      sock.onDrain(() => sock.resume());
      sock.onEnd(() => sock.end());
    }),
  );
}

export interface Observed {
  readonly sock: TcpSocket;
  data: string;
  ended: boolean;
  closed: TcpCloseReason | undefined;
}

/** Records what each accepted connection sees; `onAccept` may act on it. */
export function observingServer(s: HostStack, port: number, onAccept: (o: Observed) => void = () => undefined): Observed[] {
  const seen: Observed[] = [];
  unwrap(
    s.listen(port, (sock) => {
      const o: Observed = { sock, data: '', ended: false, closed: undefined };
      seen.push(o);
      sock.onData((c) => (o.data += Buffer.from(c).toString('latin1')));
      sock.onEnd(() => (o.ended = true));
      sock.onClose((r) => (o.closed = r));
      onAccept(o);
    }),
  );
  return seen;
}

export interface HostResult {
  readonly data: Buffer;
  /** The error code the host socket saw (ECONNRESET, ECONNREFUSED, ...), if any. */
  readonly error: string | undefined;
  /** Whether a FIN arrived ('end'). */
  readonly ended: boolean;
}

/** A real connection to 127.0.0.1:port: sends `send`, half-closes, collects until close. */
export function hostExchange(port: number, send: Uint8Array | string | undefined, opts: { readonly end?: boolean } = {}): Promise<HostResult> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let error: string | undefined;
    let ended = false;
    const s = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    s.on('data', (c: Buffer) => parts.push(c));
    s.on('end', () => {
      ended = true;
      if (opts.end === false) s.end();
    });
    s.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    s.on('close', () => resolve({ data: Buffer.concat(parts), error, ended }));
    if (send !== undefined) s.write(send);
    if (opts.end !== false) s.end();
  });
}

/** Opens a real connection and resolves once connected. */
export function hostConnect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** A port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `fn` on the real clock until it returns true. */
export async function until(what: string, fn: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
