// The narrow I/O boundary of a session: something that opens connections and moves bytes.
// tcp-transport.ts implements it on node:net; tests pass in-memory fakes.

export interface BgpConnection {
  readonly localAddress: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  send(bytes: Uint8Array): void;
  /** Flushes what was sent, then closes. No handler of this connection is called afterwards. */
  close(): void;
}

export interface ConnectionHandlers {
  data(bytes: Uint8Array): void;
  /** The peer closed or the connection broke. Not called after our own close(). */
  closed(reason: string): void;
}

export interface ConnectHandlers extends ConnectionHandlers {
  connected(conn: BgpConnection): void;
  failed(reason: string): void;
}

export interface ConnectAttempt {
  /** Abandons the attempt; neither connected() nor failed() follows. */
  cancel(): void;
}

export interface BgpTransport {
  connect(target: { readonly address: string; readonly port: number }, handlers: ConnectHandlers): ConnectAttempt;
}

/** Accepts inbound connections for passive peers; `accept` returns handlers, or undefined to refuse. */
export type AcceptFn = (conn: BgpConnection) => ConnectionHandlers | undefined;

export interface BgpListener {
  readonly port: number;
  close(): Promise<void>;
}

export type ListenFn = (host: string, port: number, accept: AcceptFn) => Promise<BgpListener>;
