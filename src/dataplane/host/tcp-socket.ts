// The app's handle on a TCP connection, shaped after Node's net.Socket: write/end/destroy,
// single-slot event handlers, plus promise helpers. Events are delivered after the
// segment that caused them is fully processed (see host-stack.ts), in order: data, end,
// close. Data waits in the socket (shrinking the advertised window) while nobody reads:
// no onData handler and no pending read(), or pause().
import type { IPv4 } from '../../core/ip.js';
import { NetError } from './net-error.js';
import type { Tcb, TcpCloseReason, TcpState } from './tcb.js';

const encoder = new TextEncoder();

export class TcpSocket {
  constructor(private readonly tcb: Tcb) {}

  get localAddress(): IPv4 {
    return this.tcb.localIp;
  }
  get localPort(): number {
    return this.tcb.localPort;
  }
  get remoteAddress(): IPv4 {
    return this.tcb.remoteIp;
  }
  get remotePort(): number {
    return this.tcb.remotePort;
  }
  get state(): TcpState {
    return this.tcb.state;
  }
  /** Bytes written and not yet acknowledged by the peer. */
  get bufferedAmount(): number {
    return this.tcb.sndBuf.length;
  }
  /** The MSS segments are cut to (min of the peer's MSS option and our MTU - 40). */
  get mss(): number {
    return this.tcb.mss;
  }
  /** Smoothed RTT in ms (RFC 6298), undefined before the first sample. */
  get srttMs(): number | undefined {
    return this.tcb.srtt < 0 ? undefined : this.tcb.srtt;
  }
  get writable(): boolean {
    const s = this.tcb.state;
    return !this.tcb.finQueued && (s === 'SYN_SENT' || s === 'SYN_RECEIVED' || s === 'ESTABLISHED' || s === 'CLOSE_WAIT');
  }

  /**
   * Queues bytes (copied) for sending. Returns false once more than the send high-water
   * mark is buffered (then wait for onDrain). Throws NetError EPIPE after end() or close.
   */
  write(data: Uint8Array | string): boolean {
    const t = this.tcb;
    if (!this.writable) throw new NetError('EPIPE', 'write');
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    const stack = t.layer.stack;
    stack.enter();
    try {
      t.sndBuf.push(bytes);
      stack.markDirty(t);
      const ok = t.sndBuf.length < t.cfg.sndBufHighWater;
      if (!ok) t.wantDrain = true;
      return ok;
    } finally {
      stack.leave();
    }
  }

  /** Half-close: sends FIN after the buffered data. Reading continues until the peer ends. */
  end(data?: Uint8Array | string): void {
    const t = this.tcb;
    if (data !== undefined) this.write(data);
    if (t.finQueued || t.state === 'CLOSED' || t.state === 'TIME_WAIT') return;
    const stack = t.layer.stack;
    stack.enter();
    try {
      t.finQueued = true;
      if (t.state === 'ESTABLISHED') t.state = 'FIN_WAIT_1';
      else if (t.state === 'CLOSE_WAIT') t.state = 'LAST_ACK';
      // SYN_SENT / SYN_RECEIVED: the FIN goes out once established (tcp-input.ts).
      stack.markDirty(t);
    } finally {
      stack.leave();
    }
  }

  /** Abortive close: RST to the peer, buffered data discarded, onClose fires. */
  destroy(): void {
    const stack = this.tcb.layer.stack;
    stack.enter();
    try {
      this.tcb.destroy();
    } finally {
      stack.leave();
    }
  }

  onData(fn: (chunk: Uint8Array) => void): this {
    this.tcb.onData = fn;
    this.tcb.layer.stack.markDirty(this.tcb);
    return this;
  }

  /** The peer sent FIN and every byte before it was delivered. */
  onEnd(fn: () => void): this {
    this.tcb.onEnd = fn;
    this.tcb.layer.stack.markDirty(this.tcb);
    return this;
  }

  /** The connection is gone for the app: both sides closed (TIME_WAIT counts), reset or failed. */
  onClose(fn: (r: TcpCloseReason) => void): this {
    this.tcb.onClose = fn;
    return this;
  }

  /** The send buffer fell below the high-water mark after write() returned false. */
  onDrain(fn: () => void): this {
    this.tcb.onDrain = fn;
    return this;
  }

  /** Stop delivering data; the advertised window closes as the buffer fills. */
  pause(): void {
    this.tcb.paused = true;
  }

  resume(): void {
    this.tcb.paused = false;
    this.tcb.layer.stack.markDirty(this.tcb);
  }

  /** The next chunk, or null at end of stream; rejects with NetError when reset. Don't mix with onData. */
  read(): Promise<Uint8Array | null> {
    return new Promise((resolve, reject) => {
      const ended = this.tcb.closedWith;
      if (ended === undefined || this.tcb.rxQueued > 0) this.tcb.wantRead({ resolve, reject });
      else if (ended.kind === 'error') reject(new NetError(ended.error, 'read'));
      else resolve(null);
    });
  }

  /** Everything until the peer's FIN, concatenated. */
  async readAll(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let n = 0;
    for (;;) {
      const c = await this.read();
      if (c === null) break;
      parts.push(c);
      n += c.length;
    }
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /** Resolves when onClose would fire. */
  closed(): Promise<TcpCloseReason> {
    return new Promise((resolve) => this.tcb.whenClosed(resolve));
  }
}
