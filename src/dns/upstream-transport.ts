// One query/response exchange with an upstream server over UDP or TCP. The forwarder
// depends on the `UpstreamTransport` interface only, so tests can pass a fake.
//
// UDP uses one unconnected socket per address family; responses are matched to the
// pending exchange by (server address, port, message id). TCP opens one connection per
// exchange (RFC 7766 framing: a 2-byte length before each message).
import dgram from 'node:dgram';
import net from 'node:net';
import { isIP } from 'node:net';
import { realClock, type Clock, type TimerHandle } from '../core/index.js';

export interface Upstream {
  readonly host: string;
  readonly port: number;
}

export type ExchangeResult = { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly error: 'timeout' | 'network' };

export interface UpstreamTransport {
  exchange(server: Upstream, query: Uint8Array, proto: 'udp' | 'tcp', timeoutMs: number): Promise<ExchangeResult>;
  close(): void;
}

interface Pending {
  readonly resolve: (r: ExchangeResult) => void;
  readonly timer: TimerHandle;
}

export class SocketTransport implements UpstreamTransport {
  private readonly sockets = new Map<4 | 6, dgram.Socket>();
  private readonly pending = new Map<string, Pending>();
  private readonly clock: Clock;

  constructor(opts: { readonly clock?: Clock } = {}) {
    this.clock = opts.clock ?? realClock;
  }

  private socket(family: 4 | 6): dgram.Socket {
    let s = this.sockets.get(family);
    if (s !== undefined) return s;
    s = dgram.createSocket(family === 4 ? 'udp4' : 'udp6');
    s.on('message', (msg, rinfo) => {
      if (msg.length < 2) return;
      const key = `${rinfo.address}|${rinfo.port}|${msg.readUInt16BE(0)}`;
      const p = this.pending.get(key);
      if (p === undefined) return;
      this.pending.delete(key);
      this.clock.clearTimeout(p.timer);
      p.resolve({ ok: true, bytes: msg });
    });
    s.on('error', () => {
      for (const [key, p] of this.pending) {
        this.pending.delete(key);
        this.clock.clearTimeout(p.timer);
        p.resolve({ ok: false, error: 'network' });
      }
    });
    s.unref();
    this.sockets.set(family, s);
    return s;
  }

  exchange(server: Upstream, query: Uint8Array, proto: 'udp' | 'tcp', timeoutMs: number): Promise<ExchangeResult> {
    return proto === 'udp' ? this.udp(server, query, timeoutMs) : this.tcp(server, query, timeoutMs);
  }

  private udp(server: Upstream, query: Uint8Array, timeoutMs: number): Promise<ExchangeResult> {
    const family = isIP(server.host) === 6 ? 6 : 4;
    const id = (query[0]! << 8) | query[1]!;
    const key = `${server.host}|${server.port}|${id}`;
    if (this.pending.has(key)) return Promise.resolve({ ok: false, error: 'network' });
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.pending.delete(key);
        resolve({ ok: false, error: 'timeout' });
      }, timeoutMs);
      this.pending.set(key, { resolve, timer });
      this.socket(family).send(query, server.port, server.host, (e) => {
        if (e === null || e === undefined) return;
        const p = this.pending.get(key);
        if (p === undefined) return;
        this.pending.delete(key);
        this.clock.clearTimeout(p.timer);
        resolve({ ok: false, error: 'network' });
      });
    });
  }

  private tcp(server: Upstream, query: Uint8Array, timeoutMs: number): Promise<ExchangeResult> {
    return new Promise((resolve) => {
      let done = false;
      let buf = Buffer.alloc(0);
      const sock = net.connect({ host: server.host, port: server.port });
      const finish = (r: ExchangeResult): void => {
        if (done) return;
        done = true;
        this.clock.clearTimeout(timer);
        sock.destroy();
        resolve(r);
      };
      const timer = this.clock.setTimeout(() => finish({ ok: false, error: 'timeout' }), timeoutMs);
      sock.on('connect', () => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(query.length);
        sock.write(Buffer.concat([len, query]));
      });
      sock.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) finish({ ok: true, bytes: buf.subarray(2, 2 + buf.readUInt16BE(0)) });
      });
      sock.on('error', () => finish({ ok: false, error: 'network' }));
      sock.on('close', () => finish({ ok: false, error: 'network' }));
    });
  }

  close(): void {
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
    for (const [key, p] of this.pending) {
      this.pending.delete(key);
      this.clock.clearTimeout(p.timer);
      p.resolve({ ok: false, error: 'network' });
    }
  }
}
