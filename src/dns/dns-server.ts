// The DNS listeners: UDP and TCP on one address and port, both feeding a DnsHandler.
//
// - UDP: one datagram in, at most one datagram out (to the sender). Answers that are
//   ready synchronously are sent at once; forwarded ones when the upstream answers.
// - TCP (RFC 7766): 2-byte length framing, any number of queries per connection,
//   pipelined; responses are written as they are ready (possibly out of order, matched by
//   id). A connection idle for `tcpIdleTimeoutMs` (default 10 s) is closed, as is one that
//   sends a zero-length frame. At most `maxTcpConnections` (default 1000) at a time.
// - The UDP socket asks for big kernel buffers (see `udpBufferSize`).
// - Port 0 picks a free port for UDP, then TCP binds the same number (retried a few
//   times if TCP finds it taken).
import dgram from 'node:dgram';
import net from 'node:net';
import { isIP } from 'node:net';
import { silentLogger, type Logger } from '../core/index.js';
import type { DnsHandler, HandleContext } from './query-handler.js';

export interface DnsServerOptions {
  readonly handler: DnsHandler;
  readonly address?: string;
  /** 0 (default) = any free port; UDP and TCP share the number. */
  readonly port?: number;
  readonly tcpIdleTimeoutMs?: number;
  readonly maxTcpConnections?: number;
  /** Cap on UDP response size (default 4096). */
  readonly maxUdpSize?: number;
  /**
   * SO_RCVBUF/SO_SNDBUF of the UDP socket (default 4 MiB; the kernel caps it at
   * net.core.rmem_max/wmem_max). The default 208 KiB holds only a few hundred queued
   * datagrams: a burst overflows it and the client waits out its timeout.
   */
  readonly udpBufferSize?: number;
  readonly log?: Logger;
}

const MAX_PORT_TRIES = 8;

export class DnsServer {
  private udp: dgram.Socket | undefined;
  private tcp: net.Server | undefined;
  private readonly conns = new Set<net.Socket>();
  private boundPort = 0;
  private readonly log: Logger;
  private readonly udpCtx4: HandleContext;
  private readonly udpCtx6: HandleContext;
  private readonly tcpCtx4: HandleContext;
  private readonly tcpCtx6: HandleContext;

  constructor(private readonly opts: DnsServerOptions) {
    this.log = opts.log ?? silentLogger;
    const maxUdp = opts.maxUdpSize !== undefined ? { maxUdpSize: opts.maxUdpSize } : {};
    this.udpCtx4 = { transport: 'udp', family: 4, ...maxUdp };
    this.udpCtx6 = { transport: 'udp', family: 6, ...maxUdp };
    this.tcpCtx4 = { transport: 'tcp', family: 4 };
    this.tcpCtx6 = { transport: 'tcp', family: 6 };
  }

  get port(): number {
    return this.boundPort;
  }

  get address(): string {
    return this.opts.address ?? '127.0.0.1';
  }

  async start(): Promise<{ readonly port: number }> {
    const address = this.address;
    const family = isIP(address) === 6 ? 'udp6' : 'udp4';
    let lastError: unknown;
    for (let attempt = 0; attempt < MAX_PORT_TRIES; attempt++) {
      const bufferSize = this.opts.udpBufferSize ?? 4 * 1024 * 1024;
      const udp = dgram.createSocket({ type: family, recvBufferSize: bufferSize, sendBufferSize: bufferSize });
      try {
        await new Promise<void>((resolve, reject) => {
          udp.once('error', reject);
          udp.bind(this.opts.port ?? 0, address, () => {
            udp.off('error', reject);
            resolve();
          });
        });
        const port = udp.address().port;
        const tcp = net.createServer((sock) => this.onConnection(sock));
        await new Promise<void>((resolve, reject) => {
          tcp.once('error', reject);
          tcp.listen(port, address, () => {
            tcp.off('error', reject);
            resolve();
          });
        });
        this.udp = udp;
        this.tcp = tcp;
        this.boundPort = port;
        udp.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo));
        udp.on('error', (e) => this.log.warn('udp socket error', { error: e.message }));
        tcp.on('error', (e) => this.log.warn('tcp server error', { error: e.message }));
        this.log.info('listening', { address, port });
        return { port };
      } catch (e) {
        lastError = e;
        udp.close();
        if (this.opts.port !== undefined && this.opts.port !== 0) break;
      }
    }
    throw new Error(`dns: cannot listen on ${address}:${this.opts.port ?? 0}: ${String(lastError)}`);
  }

  private onDatagram(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const udp = this.udp;
    if (udp === undefined) return;
    const out = this.opts.handler.respond(msg, rinfo.family === 'IPv6' ? this.udpCtx6 : this.udpCtx4);
    if (out.kind === 'response') udp.send(out.bytes, rinfo.port, rinfo.address);
    else if (out.kind === 'pending') {
      out.promise.then(
        (bytes) => {
          if (bytes !== undefined && this.udp !== undefined) this.udp.send(bytes, rinfo.port, rinfo.address);
        },
        () => {},
      );
    }
  }

  private onConnection(sock: net.Socket): void {
    if (this.conns.size >= (this.opts.maxTcpConnections ?? 1000)) {
      sock.destroy();
      return;
    }
    this.conns.add(sock);
    const ctx = sock.remoteFamily === 'IPv6' ? this.tcpCtx6 : this.tcpCtx4;
    let buf: Buffer = Buffer.alloc(0);
    sock.setNoDelay(true);
    sock.setTimeout(this.opts.tcpIdleTimeoutMs ?? 10_000, () => sock.destroy());
    const send = (bytes: Buffer): void => {
      if (sock.destroyed) return;
      const len = Buffer.allocUnsafe(2);
      len.writeUInt16BE(bytes.length);
      sock.write(Buffer.concat([len, bytes]));
    };
    sock.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (len === 0) {
          sock.destroy();
          return;
        }
        if (buf.length < 2 + len) break;
        const frame = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        const out = this.opts.handler.respond(frame, ctx);
        if (out.kind === 'response') send(out.bytes);
        else if (out.kind === 'pending') out.promise.then((b) => b !== undefined && send(b), () => {});
      }
    });
    sock.on('error', () => sock.destroy());
    sock.on('close', () => this.conns.delete(sock));
  }

  async close(): Promise<void> {
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    for (const c of this.conns) c.destroy();
    this.conns.clear();
    await Promise.all([
      udp === undefined ? undefined : new Promise<void>((resolve) => udp.close(() => resolve())),
      tcp === undefined ? undefined : new Promise<void>((resolve) => tcp.close(() => resolve())),
    ]);
  }
}
