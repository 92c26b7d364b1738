// The transmission control block of one TCP connection (RFC 9293 3.3.1) and the
// connection's app-facing events. Segment processing is in tcp-input.ts, sending and
// timers' effects in tcp-output.ts; TcpSocket is the public handle.
//
// Sequence numbers are kept *absolute* inside the TCB: the local SYN is 0 on the send
// side, the peer's SYN is 0 on the receive side, and data starts at 1. They grow without
// wrapping (a double holds 2^53), so comparisons are plain `<`. Wire values are
// (iss + abs) mod 2^32; an incoming number is placed next to a known absolute one by
// its signed 32-bit distance, which is exact while the two are less than 2 GiB apart —
// always the case for the numbers in a window.
import { formatIPv4, type IPv4 } from '../../core/ip.js';
import type { TimerHandle } from '../../core/clock.js';
import type { Deferred } from './stack-runtime.js';
import { NetError, type NetErrorCode } from './net-error.js';
import { Reassembly } from './reassembly.js';
import { SendBuffer } from './send-buffer.js';
import type { TcpConfig } from './tcp-config.js';
import type { TcpLayer } from './tcp-layer.js';
import type { TcpListener } from './tcp-listener.js';
import { retransmitTimeout, sendRst, tcpOutput } from './tcp-output.js';
import { TcpSocket } from './tcp-socket.js';

export type TcpState =
  | 'SYN_SENT'
  | 'SYN_RECEIVED'
  | 'ESTABLISHED'
  | 'FIN_WAIT_1'
  | 'FIN_WAIT_2'
  | 'CLOSE_WAIT'
  | 'CLOSING'
  | 'LAST_ACK'
  | 'TIME_WAIT'
  | 'CLOSED';

/** How a connection ended, as the app sees it. */
export type TcpCloseReason = { readonly kind: 'closed' } | { readonly kind: 'error'; readonly error: NetErrorCode };

const CLOSED_OK: TcpCloseReason = { kind: 'closed' };

interface Reader {
  readonly resolve: (c: Uint8Array | null) => void;
  readonly reject: (e: Error) => void;
}

export class Tcb implements Deferred {
  inDirty = false;
  state: TcpState;
  readonly socket: TcpSocket;
  readonly cfg: TcpConfig;
  /** Set for connections created by a listener (passive open). */
  listener: TcpListener | undefined;
  /** Another connection with the same local port and remote address/port (other local IP). */
  nextSame: Tcb | undefined;

  // Send side (absolute sequence numbers, local SYN = 0).
  readonly iss: number;
  sndUna = 0;
  sndNxt = 0;
  /** Highest sequence number sent + 1 (sndNxt goes back to sndUna after a timeout). */
  sndMax = 0;
  sndWnd = 0;
  maxSndWnd = 0;
  sndWl1 = 0;
  sndWl2 = 0;
  /** Largest segment we send: min(peer's MSS option, our interface MTU - 40). */
  mss: number;
  /** MSS we announce (our MTU - 40); also the receiver's segment-size estimate. */
  readonly ourMss: number;
  readonly sndBuf = new SendBuffer(1);
  /** The persist timer fired on a runt window: send it despite SWS avoidance. */
  swsOverride = false;
  /** end() was called: a FIN follows the last written byte (at sndBuf.end). */
  finQueued = false;
  cwnd: number;
  ssthresh = 0x7fffffff;
  dupAcks = 0;
  inRecovery = false;
  /** NewReno's recovery point (RFC 6582). */
  recover = 0;
  srtt = -1;
  rttvar = 0;
  rtoBase: number;
  backoff = 0;
  retries = 0;
  /** Sequence number whose acknowledgement times a round trip; -1 = none (Karn). */
  rttSeq = -1;
  rttTime = 0;
  /** An ICMP error seen on a synchronized connection: reported if it later times out. */
  softError: NetErrorCode | undefined;

  // Receive side (absolute sequence numbers, peer SYN = 0).
  irs = 0;
  rcvNxt = 0;
  /** Right edge of the window we last advertised; the window never shrinks below it. */
  rcvAdvRight = 0;
  /** Out-of-order segments; created on first use (most connections never reorder). */
  ooo: Reassembly | undefined;
  /** Bytes received since our last ACK (delayed-ACK accounting). */
  ackPendingBytes = 0;
  ackNow = false;
  finReceived = false;
  private rxChunks: Uint8Array[] = [];
  private rxHead = 0;
  rxQueued = 0;

  // Timers: deadlines (0 = off) multiplexed onto one Clock timer.
  rtoAt = 0;
  delAckAt = 0;
  twAt = 0;
  private timer: TimerHandle | undefined;
  private timerAt = 0;
  private timerFn: (() => void) | undefined;

  // App-facing events.
  openPending = false;
  private opened = false;
  private endPending = false;
  private endDelivered = false;
  private closeReason: TcpCloseReason | undefined;
  private closeDelivered = false;
  private drainPending = false;
  wantDrain = false;
  destroyed = false;
  paused = false;
  onData: ((chunk: Uint8Array) => void) | undefined;
  onEnd: (() => void) | undefined;
  onClose: ((r: TcpCloseReason) => void) | undefined;
  onDrain: (() => void) | undefined;
  private readers: Reader[] = NONE;
  private closeWaiters: ((r: TcpCloseReason) => void)[] = NONE;
  connectResolve: ((s: TcpSocket) => void) | undefined;
  connectReject: ((e: Error) => void) | undefined;

  constructor(
    readonly layer: TcpLayer,
    readonly localIp: IPv4,
    readonly localPort: number,
    readonly remoteIp: IPv4,
    readonly remotePort: number,
    state: TcpState,
    ourMss: number,
  ) {
    this.state = state;
    this.cfg = layer.cfg;
    this.iss = layer.newIss(localIp, localPort, remoteIp, remotePort);
    this.ourMss = ourMss;
    this.mss = ourMss;
    this.cwnd = this.cfg.initialCwndSegments * ourMss;
    this.rtoBase = this.cfg.initialRtoMs;
    this.socket = new TcpSocket(this);
  }

  // ---- windows and timers ----------------------------------------------------------

  /** Free receive buffer = the window to advertise (no scaling: at most 65535). */
  rcvWindow(): number {
    const free = this.cfg.rcvBuf - this.rxQueued;
    return free <= 0 ? 0 : free > 65535 ? 65535 : free;
  }

  rto(): number {
    const r = this.rtoBase * 2 ** this.backoff;
    return r > this.cfg.maxRtoMs ? this.cfg.maxRtoMs : r;
  }

  /** RFC 6298 section 2 (clock granularity 1 ms). */
  rttSample(r: number): void {
    if (this.srtt < 0) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    const rto = this.srtt + Math.max(1, 4 * this.rttvar);
    this.rtoBase = Math.min(Math.max(rto, this.cfg.minRtoMs), this.cfg.maxRtoMs);
  }

  reassembly(): Reassembly {
    return (this.ooo ??= new Reassembly(this.cfg.maxOutOfOrder));
  }

  /**
   * Arms the one Clock timer for the earliest deadline. A timer that fires earlier than
   * needed is kept (it re-arms when it fires), and an idle one is left to expire, which
   * saves a clear/set pair each time a deadline moves on a busy connection.
   */
  armTimer(): void {
    let next = this.rtoAt;
    if (this.delAckAt !== 0 && (next === 0 || this.delAckAt < next)) next = this.delAckAt;
    if (this.twAt !== 0 && (next === 0 || this.twAt < next)) next = this.twAt;
    const clock = this.layer.clock;
    if (next === 0) {
      if (this.timer !== undefined && this.state === 'CLOSED') {
        clock.clearTimeout(this.timer);
        this.timer = undefined;
      }
      return;
    }
    if (this.timer !== undefined) {
      if (this.timerAt <= next) return;
      clock.clearTimeout(this.timer);
    }
    this.timerAt = next;
    this.timer = clock.setTimeout((this.timerFn ??= () => this.onTimer()), next - clock.now());
  }

  private onTimer(): void {
    const stack = this.layer.stack;
    stack.enter();
    try {
      this.timerExpired();
    } finally {
      stack.leave();
    }
  }

  private timerExpired(): void {
    this.timer = undefined;
    const now = this.layer.clock.now();
    if (this.twAt !== 0 && now >= this.twAt) {
      this.twAt = 0;
      this.finish();
      return;
    }
    if (this.delAckAt !== 0 && now >= this.delAckAt) {
      this.delAckAt = 0;
      this.ackNow = true;
    }
    if (this.rtoAt !== 0 && now >= this.rtoAt) {
      this.rtoAt = 0;
      retransmitTimeout(this);
    }
    this.armTimer();
    this.layer.stack.markDirty(this);
  }

  // ---- receive queue and events ----------------------------------------------------

  /** In-order data for the app; `data` must be owned by us (copied out of the frame). */
  pushData(data: Uint8Array): void {
    this.rxChunks.push(data);
    this.rxQueued += data.length;
  }

  peerFinished(): void {
    this.finReceived = true;
    this.endPending = true;
  }

  /** The handshake completed (or the open failed): tell connect()/the listener when flushed. */
  markOpened(): void {
    this.openPending = true;
  }

  wantRead(r: Reader): void {
    if (this.readers === NONE) this.readers = [];
    this.readers.push(r);
    this.layer.stack.markDirty(this);
  }

  whenClosed(fn: (r: TcpCloseReason) => void): void {
    if (this.closeDelivered && this.closeReason !== undefined) fn(this.closeReason);
    else {
      if (this.closeWaiters === NONE) this.closeWaiters = [];
      this.closeWaiters.push(fn);
    }
  }

  drainWanted(): void {
    this.drainPending = true;
  }

  flush(): void {
    const stack = this.layer.stack;
    if (this.openPending) {
      this.openPending = false;
      if (this.closeReason === undefined || this.closeReason.kind !== 'error') {
        this.opened = true;
        if (this.listener !== undefined) this.listener.deliver(this.socket, this);
        else if (this.connectResolve !== undefined) this.connectResolve(this.socket);
        this.connectResolve = undefined;
        this.connectReject = undefined;
      }
    }
    this.deliverData();
    if (this.endPending && this.rxHead === this.rxChunks.length && !this.paused) {
      this.endPending = false;
      this.endDelivered = true;
      if (this.onEnd !== undefined) stack.callback(this.onEnd, undefined);
    }
    if (this.endDelivered && this.readers.length > 0 && this.rxHead === this.rxChunks.length) {
      const rs = this.readers;
      this.readers = NONE;
      for (const r of rs) r.resolve(null);
    }
    if (this.drainPending) {
      this.drainPending = false;
      if (this.onDrain !== undefined) stack.callback(this.onDrain, undefined);
    }
    const reason = this.closeReason;
    if (reason !== undefined && !this.closeDelivered && (reason.kind === 'error' || this.endDelivered || this.destroyed || !this.finReceived)) {
      this.deliverClose(reason);
    }
    tcpOutput(this);
  }

  private deliverData(): void {
    const stack = this.layer.stack;
    let consumed = false;
    while (this.rxHead < this.rxChunks.length && !this.paused) {
      const h = this.onData;
      if (h === undefined && this.readers.length === 0) break;
      const chunk = this.rxChunks[this.rxHead]!;
      this.rxChunks[this.rxHead++] = EMPTY;
      this.rxQueued -= chunk.length;
      consumed = true;
      if (h !== undefined) stack.callback(h, chunk);
      else this.readers.shift()!.resolve(chunk);
    }
    if (this.rxHead === this.rxChunks.length && this.rxHead > 0) {
      this.rxChunks.length = 0;
      this.rxHead = 0;
    }
    if (consumed) {
      // Linux's __tcp_cleanup_rbuf: announce the reopened window once the window the
      // peer knows about has fallen to half the buffer and would at least double.
      const remaining = this.rcvAdvRight - this.rcvNxt;
      if (2 * remaining <= this.cfg.rcvBuf && this.rcvWindow() >= 2 * remaining) this.ackNow = true;
    }
  }

  private deliverClose(reason: TcpCloseReason): void {
    const stack = this.layer.stack;
    this.closeDelivered = true;
    if (!this.opened && this.connectReject !== undefined) {
      const code = reason.kind === 'error' ? reason.error : 'ECONNRESET';
      this.connectReject(new NetError(code, 'connect', `${formatIPv4(this.remoteIp)}:${this.remotePort}`));
    }
    this.connectResolve = undefined;
    this.connectReject = undefined;
    const rs = this.readers;
    this.readers = NONE;
    for (const r of rs) {
      if (reason.kind === 'error') r.reject(new NetError(reason.error, 'read'));
      else r.resolve(null);
    }
    if (this.opened && this.onClose !== undefined) stack.callback(this.onClose, reason);
    const ws = this.closeWaiters;
    this.closeWaiters = NONE;
    for (const w of ws) w(reason);
  }

  // ---- state changes ----------------------------------------------------------------

  /** Enters TIME_WAIT: the app sees the connection closed; the 4-tuple lingers 2*MSL. */
  enterTimeWait(): void {
    this.state = 'TIME_WAIT';
    this.rtoAt = 0;
    this.twAt = this.layer.clock.now() + this.cfg.timeWaitMs;
    if (this.closeReason === undefined) this.closeReason = CLOSED_OK;
    this.armTimer();
  }

  /** Fails the connection (RST received, ICMP on connect, timeout, ...). */
  abort(error: NetErrorCode): void {
    if (this.state === 'CLOSED') return;
    if (this.closeReason === undefined || this.closeReason.kind !== 'error') this.closeReason = { kind: 'error', error };
    this.finish();
  }

  /** The app's destroy(): RST if the peer knows about us, then gone. */
  destroy(): void {
    if (this.state === 'CLOSED') return;
    this.destroyed = true;
    if (this.state !== 'SYN_SENT' && this.state !== 'TIME_WAIT') sendRst(this);
    if (this.closeReason === undefined) this.closeReason = this.opened ? CLOSED_OK : { kind: 'error', error: 'ECONNRESET' };
    this.finish();
  }

  /** To CLOSED: off the demux table and the timers. */
  finish(): void {
    if (this.state === 'CLOSED') return;
    this.state = 'CLOSED';
    this.rtoAt = 0;
    this.delAckAt = 0;
    this.twAt = 0;
    this.armTimer();
    this.ooo = undefined;
    if (this.closeReason === undefined) this.closeReason = CLOSED_OK;
    this.layer.remove(this);
    this.layer.stack.markDirty(this);
  }

  /** How the connection ended, once the app has been told (onClose fired). */
  get closedWith(): TcpCloseReason | undefined {
    return this.closeDelivered ? this.closeReason : undefined;
  }

  get isOpen(): boolean {
    return this.opened;
  }
}

const EMPTY = new Uint8Array(0);
/** Shared empty list for the rarely used reader/waiter queues (replaced before any push). */
const NONE: never[] = [];
