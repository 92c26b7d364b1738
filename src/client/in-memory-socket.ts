// A connected pair of in-memory byte streams that look enough like net.Socket for
// node:http on both ends. The in-process transport hands one end to an http.ClientRequest
// (as its connection) and emits the other on an unlistened http.Server as 'connection',
// so requests still go through the real HTTP parser, the API server's real handler
// (authentication, admission, watch) and real IncomingMessage/ServerResponse objects;
// only the kernel socket is missing.
import { Duplex } from 'node:stream';

class MemorySocket extends Duplex {
  peer: MemorySocket | undefined;
  /** A write waiting for the peer to read (back-pressure). */
  private blocked: (() => void) | undefined;
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort: number;
  readonly localAddress = '127.0.0.1';
  readonly localPort: number;
  readonly remoteFamily = 'IPv4';
  readonly encrypted = false;
  connecting = false;

  constructor(localPort: number, remotePort: number) {
    super({ allowHalfOpen: true });
    this.localPort = localPort;
    this.remotePort = remotePort;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (error?: Error | null) => void): void {
    const peer = this.peer;
    if (peer === undefined || peer.destroyed) {
      cb(new Error('in-memory socket: peer closed'));
      return;
    }
    if (peer.push(chunk)) cb();
    else peer.onRead(cb);
  }

  private onRead(resume: () => void): void {
    this.blocked = resume;
  }

  override _read(): void {
    const b = this.blocked;
    this.blocked = undefined;
    b?.();
  }

  override _final(cb: (error?: Error | null) => void): void {
    this.peer?.push(null);
    cb();
  }

  override _destroy(error: Error | null, cb: (error?: Error | null) => void): void {
    const peer = this.peer;
    this.peer = undefined;
    const b = this.blocked;
    this.blocked = undefined;
    b?.();
    // A vanished peer looks like a connection reset: the other side sees 'close'.
    if (peer !== undefined && !peer.destroyed) peer.destroy();
    cb(error);
  }

  // net.Socket methods node:http calls; there is no kernel socket to configure.
  setTimeout(_ms: number, cb?: () => void): this {
    if (cb !== undefined) this.once('timeout', cb);
    return this;
  }
  setNoDelay(_noDelay?: boolean): this {
    return this;
  }
  setKeepAlive(_enable?: boolean, _delay?: number): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  address(): { address: string; family: string; port: number } {
    return { address: this.localAddress, family: 'IPv4', port: this.localPort };
  }
  destroySoon(): void {
    this.end();
  }
}

let nextPort = 40000;

/** Two connected ends: bytes written to one are read from the other. */
export function memorySocketPair(): [client: Duplex, server: Duplex] {
  const cport = nextPort++;
  if (nextPort > 65000) nextPort = 40000;
  const a = new MemorySocket(cport, 443);
  const b = new MemorySocket(443, cport);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
