// BgpTransport and ListenFn on node:net. Sockets get TCP_NODELAY (KEEPALIVEs are tiny and
// latency-sensitive); close() half-closes after flushing (so a NOTIFICATION written just
// before reaches the peer) and destroys the socket if the peer does not finish within 2 s.
import net from 'node:net';
import type { AcceptFn, BgpConnection, BgpListener, BgpTransport, ConnectionHandlers, ListenFn } from './transport.js';

/** "::ffff:127.0.0.1" -> "127.0.0.1" (dual-stack sockets report IPv4 peers mapped). */
export function unmapAddress(a: string | undefined): string {
  if (a === undefined) return '';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

function wrap(sock: net.Socket): { conn: BgpConnection; attach(h: ConnectionHandlers): void } {
  sock.setNoDelay(true);
  let handlers: ConnectionHandlers | undefined;
  let closedByUs = false;
  let lastError = '';
  sock.on('data', (d: Buffer) => {
    if (!closedByUs) handlers?.data(new Uint8Array(d.buffer, d.byteOffset, d.length));
  });
  sock.on('error', (e) => {
    lastError = e.message;
  });
  sock.on('close', () => {
    if (!closedByUs) handlers?.closed(lastError || 'connection closed by peer');
  });
  const conn: BgpConnection = {
    localAddress: unmapAddress(sock.localAddress),
    remoteAddress: unmapAddress(sock.remoteAddress),
    remotePort: sock.remotePort ?? 0,
    send(bytes) {
      if (!closedByUs && !sock.destroyed) sock.write(bytes);
    },
    close() {
      if (closedByUs) return;
      closedByUs = true;
      sock.end();
      setTimeout(() => sock.destroy(), 2000).unref();
    },
  };
  return { conn, attach: (h) => (handlers = h) };
}

export const tcpTransport: BgpTransport = {
  connect(target, h) {
    let state: 'pending' | 'done' | 'cancelled' = 'pending';
    const sock = net.connect({ host: target.address, port: target.port });
    sock.once('connect', () => {
      if (state !== 'pending') return;
      state = 'done';
      const w = wrap(sock);
      w.attach(h);
      h.connected(w.conn);
    });
    sock.once('error', (e) => {
      if (state !== 'pending') return;
      state = 'done';
      sock.destroy();
      h.failed(e.message);
    });
    return {
      cancel() {
        if (state === 'pending') {
          state = 'cancelled';
          sock.destroy();
        }
      },
    };
  },
};

export const listenTcp: ListenFn = (host: string, port: number, accept: AcceptFn) =>
  new Promise<BgpListener>((resolve, reject) => {
    const server = net.createServer((sock) => {
      const w = wrap(sock);
      const h = accept(w.conn);
      if (h === undefined) sock.destroy();
      else w.attach(h);
    });
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve({
        port: typeof addr === 'object' && addr !== null ? addr.port : port,
        close: () =>
          new Promise<void>((res) => {
            server.close(() => res());
          }),
      });
    });
  });
