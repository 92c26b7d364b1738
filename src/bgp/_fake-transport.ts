// In-memory transport for session and speaker tests: connection attempts are resolved by
// the test, bytes sent by the session are recorded and can be decoded.
import type { BgpConnection, BgpTransport, ConnectAttempt, ConnectHandlers, ConnectionHandlers } from './transport.js';
import { parseMessage, type BgpMessage } from './wire/message.js';
import type { AsWidth } from './wire/as-path.js';

export class FakeConnection implements BgpConnection {
  readonly sent: Uint8Array[] = [];
  closedByUs = false;
  handlers: ConnectionHandlers | undefined;
  constructor(
    readonly localAddress = '127.0.0.1',
    readonly remoteAddress = '127.0.0.1',
    readonly remotePort = 179,
  ) {}
  send(bytes: Uint8Array): void {
    if (this.closedByUs) throw new Error('send after close');
    this.sent.push(bytes);
  }
  close(): void {
    this.closedByUs = true;
  }
  /** Bytes from the peer. */
  deliver(bytes: Uint8Array): void {
    this.handlers?.data(bytes);
  }
  peerClose(reason = 'peer closed'): void {
    this.handlers?.closed(reason);
  }
  /** Everything we sent, decoded (throws on bytes that do not parse: our output must always be valid). */
  messages(asWidth: AsWidth = 4, from = 0): BgpMessage[] {
    return this.sent.slice(from).map((b) => {
      const r = parseMessage(b, { asWidth });
      if (!r.ok) throw new Error(`we sent an invalid message: ${r.error.reason}`);
      return r.value;
    });
  }
  types(): string[] {
    return this.sent.map((b) => ['?', 'open', 'update', 'notification', 'keepalive', 'route-refresh'][b[18] ?? 0] ?? '?');
  }
}

export class FakeAttempt implements ConnectAttempt {
  cancelled = false;
  constructor(
    readonly target: { readonly address: string; readonly port: number },
    readonly handlers: ConnectHandlers,
    readonly at: number,
  ) {}
  cancel(): void {
    this.cancelled = true;
  }
  succeed(conn = new FakeConnection()): FakeConnection {
    conn.handlers = this.handlers;
    this.handlers.connected(conn);
    return conn;
  }
  fail(reason = 'ECONNREFUSED'): void {
    this.handlers.failed(reason);
  }
}

export class FakeTransport implements BgpTransport {
  readonly attempts: FakeAttempt[] = [];
  constructor(private readonly now: () => number = () => 0) {}
  connect(target: { readonly address: string; readonly port: number }, handlers: ConnectHandlers): ConnectAttempt {
    const a = new FakeAttempt(target, handlers, this.now());
    this.attempts.push(a);
    return a;
  }
  last(): FakeAttempt {
    const a = this.attempts[this.attempts.length - 1];
    if (a === undefined) throw new Error('no connection attempt yet');
    return a;
  }
}
