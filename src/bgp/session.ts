// One BGP peering: the RFC 4271 §8 state machine, pure and clock-injected. All I/O goes
// through the injected BgpTransport / BgpConnection; everything the outside needs to know
// comes out as SessionEvents. Simplifications (on purpose):
// - a peer is either active (we connect, inbound connections are refused) or passive (we
//   only accept), so connection collisions (§6.8) cannot happen;
// - after any error the session goes to Idle and restarts by itself after a backoff delay
//   (the §8.1.1 "automatic start" with DampPeerOscillations), until stop() is called.
// Invariants: a connection is only ever owned in OpenSent/OpenConfirm/Established; every
// error we detect is answered with a NOTIFICATION before the connection is closed;
// callbacks of a connection we no longer own are ignored (generation counter).
import type { Clock, TimerHandle } from '../core/clock.js';
import type { IPv4 } from '../core/ip.js';
import type { Logger } from '../core/log.js';
import { checkUpdate } from './update-checks.js';
import { localOpen, negotiate, type Negotiated } from './open-negotiation.js';
import { retryDelay, type RetryPolicy } from './retry-policy.js';
import type { BgpConnection, BgpTransport, ConnectAttempt, ConnectionHandlers } from './transport.js';
import { Framer } from './wire/framer.js';
import { emitMessage, KEEPALIVE, parseMessage, type BgpMessage } from './wire/message.js';
import { CeaseSubcode, ErrorCode, FsmSubcode, notification, notificationName, shutdownCommunication, type WireError } from './wire/notification.js';
import type { UpdateMessage } from './wire/update.js';

export type SessionState = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

export interface SessionConfig {
  readonly localAs: number;
  readonly routerId: IPv4;
  readonly peerAddress: string;
  readonly peerPort: number;
  readonly peerAs: number;
  readonly passive: boolean;
  /** Seconds we propose; 0 or >= 3. */
  readonly holdTime: number;
  readonly retry: RetryPolicy;
  /** How long a TCP connect may take before it counts as failed. */
  readonly connectTimeoutMs: number;
  /** Hold timer while waiting for the peer's OPEN (RFC 4271 §8.2.2 suggests 4 minutes). */
  readonly openHoldMs: number;
}

export interface SessionDeps {
  readonly clock: Clock;
  readonly transport: BgpTransport;
  readonly logger: Logger;
  readonly random: () => number;
  readonly onEvent: (e: SessionEvent) => void;
}

export type DownReason =
  | { readonly kind: 'notification-sent'; readonly code: number; readonly subcode: number; readonly reason: string }
  | { readonly kind: 'notification-received'; readonly code: number; readonly subcode: number; readonly data: Uint8Array }
  | { readonly kind: 'connection-closed'; readonly reason: string }
  | { readonly kind: 'stopped' };

export type SessionEvent =
  | { readonly kind: 'state'; readonly from: SessionState; readonly to: SessionState }
  | { readonly kind: 'established'; readonly negotiated: Negotiated; readonly localAddress: string }
  | { readonly kind: 'down'; readonly reason: DownReason }
  | { readonly kind: 'update'; readonly update: UpdateMessage }
  | { readonly kind: 'route-refresh' };

export type SendResult = { readonly kind: 'sent'; readonly messages: number; readonly octets: number } | { readonly kind: 'not-established'; readonly state: SessionState };

export interface SessionInfo {
  readonly state: SessionState;
  readonly since: number;
  readonly establishedAt: number | undefined;
  readonly negotiated: Negotiated | undefined;
  readonly localAddress: string | undefined;
  readonly lastDown: DownReason | undefined;
  readonly connectFailures: number;
  readonly messagesSent: number;
  readonly messagesReceived: number;
}

export class Session {
  private st: SessionState = 'Idle';
  private since: number;
  private stopped = true;
  private gen = 0;
  private conn: BgpConnection | undefined;
  private attempt: ConnectAttempt | undefined;
  private framer = new Framer();
  private neg: Negotiated | undefined;
  private establishedAt: number | undefined;
  private lastDown: DownReason | undefined;
  private failures = 0;
  private sent = 0;
  private received = 0;
  private holdTimer: TimerHandle | undefined;
  private keepaliveTimer: TimerHandle | undefined;
  private retryTimer: TimerHandle | undefined;
  private connectTimer: TimerHandle | undefined;

  constructor(
    readonly config: SessionConfig,
    private readonly deps: SessionDeps,
  ) {
    if (config.holdTime !== 0 && config.holdTime < 3) throw new Error(`hold time ${config.holdTime} s: must be 0 or >= 3`);
    this.since = deps.clock.now();
  }

  get state(): SessionState {
    return this.st;
  }

  get negotiated(): Negotiated | undefined {
    return this.neg;
  }

  info(): SessionInfo {
    return {
      state: this.st,
      since: this.since,
      establishedAt: this.establishedAt,
      negotiated: this.neg,
      localAddress: this.conn?.localAddress,
      lastDown: this.lastDown,
      connectFailures: this.failures,
      messagesSent: this.sent,
      messagesReceived: this.received,
    };
  }

  /** ManualStart: connect (active) or wait for the peer (passive). Idempotent. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.begin();
  }

  /** ManualStop: Cease / Administrative Shutdown to a connected peer, then Idle for good. */
  stop(reason = 'administrative shutdown'): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.conn !== undefined) this.sendMessage(notification(ErrorCode.CEASE, CeaseSubcode.ADMINISTRATIVE_SHUTDOWN, shutdownCommunication(reason)));
    this.down({ kind: 'stopped' });
  }

  /** Offers an inbound connection; returns its handlers, or undefined if the session does not want it. */
  accept(conn: BgpConnection): ConnectionHandlers | undefined {
    if (this.stopped || !this.config.passive || this.st !== 'Active') return undefined;
    const gen = ++this.gen;
    this.attach(conn);
    return this.handlers(gen);
  }

  /** Sends UPDATEs (already packed to <= 4096 octets) on an Established session. */
  sendUpdates(updates: readonly UpdateMessage[]): SendResult {
    if (this.st !== 'Established' || this.conn === undefined || this.neg === undefined) return { kind: 'not-established', state: this.st };
    let octets = 0;
    for (const u of updates) octets += this.sendMessage(u);
    // RFC 4271 §10: an UPDATE also restarts the KeepaliveTimer.
    if (updates.length > 0) this.armKeepalive();
    return { kind: 'sent', messages: updates.length, octets };
  }

  // --- connection management -------------------------------------------------------

  private begin(): void {
    if (this.config.passive) this.setState('Active');
    else this.connect();
  }

  private connect(): void {
    this.setState('Connect');
    const gen = ++this.gen;
    this.connectTimer = this.deps.clock.setTimeout(() => {
      this.connectTimer = undefined;
      if (gen !== this.gen || this.st !== 'Connect') return;
      this.attempt?.cancel();
      this.connectFailed(`no TCP connection after ${this.config.connectTimeoutMs} ms`);
    }, this.config.connectTimeoutMs);
    this.attempt = this.deps.transport.connect(
      { address: this.config.peerAddress, port: this.config.peerPort },
      {
        ...this.handlers(gen),
        connected: (conn) => {
          if (gen !== this.gen || this.st !== 'Connect') return conn.close();
          this.clearTimer('connectTimer');
          this.attempt = undefined;
          this.attach(conn);
        },
        failed: (reason) => {
          if (gen !== this.gen || this.st !== 'Connect') return;
          this.connectFailed(reason);
        },
      },
    );
  }

  private connectFailed(reason: string): void {
    this.clearTimer('connectTimer');
    this.attempt = undefined;
    this.failures++;
    this.lastDown = { kind: 'connection-closed', reason };
    this.setState('Active');
    this.scheduleRetry(reason);
  }

  private scheduleRetry(why: string): void {
    const delay = retryDelay(this.config.retry, Math.max(1, this.failures), this.deps.random);
    this.deps.logger.debug('retrying', { peer: this.peerName(), why, inMs: Math.round(delay) });
    this.retryTimer = this.deps.clock.setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped && (this.st === 'Active' || this.st === 'Idle')) this.connect();
    }, delay);
  }

  private handlers(gen: number): ConnectionHandlers {
    return {
      data: (bytes) => {
        if (gen === this.gen && this.conn !== undefined) this.onData(gen, bytes);
      },
      closed: (reason) => {
        if (gen === this.gen && this.conn !== undefined) this.down({ kind: 'connection-closed', reason });
      },
    };
  }

  private attach(conn: BgpConnection): void {
    this.conn = conn;
    this.framer = new Framer();
    this.sendMessage(localOpen(this.config));
    this.setState('OpenSent');
    this.armHold(this.config.openHoldMs);
  }

  /** Tears the connection down (after any NOTIFICATION was sent) and plans the restart. */
  private down(reason: DownReason): void {
    this.gen++;
    this.attempt?.cancel();
    this.attempt = undefined;
    const conn = this.conn;
    this.conn = undefined;
    conn?.close();
    for (const t of ['holdTimer', 'keepaliveTimer', 'retryTimer', 'connectTimer'] as const) this.clearTimer(t);
    const wasUp = this.st !== 'Idle' && this.st !== 'Connect' && this.st !== 'Active';
    this.neg = undefined;
    this.establishedAt = undefined;
    this.lastDown = reason;
    this.setState('Idle');
    if (wasUp || reason.kind === 'stopped') this.deps.onEvent({ kind: 'down', reason });
    if (this.stopped) return;
    if (this.config.passive) {
      this.setState('Active');
      return;
    }
    this.failures++;
    this.scheduleRetry(describeDown(reason));
  }

  private fail(e: Pick<WireError, 'code' | 'subcode' | 'data' | 'reason'>): void {
    this.deps.logger.warn('sending NOTIFICATION', { peer: this.peerName(), error: notificationName(e.code, e.subcode), reason: e.reason });
    this.sendMessage(notification(e.code, e.subcode, e.data));
    this.down({ kind: 'notification-sent', code: e.code, subcode: e.subcode, reason: e.reason });
  }

  // --- receiving ---------------------------------------------------------------------

  private onData(gen: number, bytes: Uint8Array): void {
    this.framer.push(bytes);
    for (;;) {
      if (gen !== this.gen || this.conn === undefined) return;
      const f = this.framer.next();
      if (f === undefined) return;
      if (!f.ok) return this.fail(f.error);
      this.received++;
      const m = parseMessage(f.value, { asWidth: this.neg?.asWidth ?? 2 });
      if (!m.ok) return this.fail(m.error);
      this.dispatch(m.value);
    }
  }

  private dispatch(m: BgpMessage): void {
    if (m.type === 'notification') {
      this.deps.logger.warn('NOTIFICATION received', { peer: this.peerName(), error: notificationName(m.code, m.subcode) });
      return this.down({ kind: 'notification-received', code: m.code, subcode: m.subcode, data: m.data });
    }
    switch (this.st) {
      case 'OpenSent': {
        if (m.type !== 'open') return this.fsmError(FsmSubcode.UNEXPECTED_IN_OPENSENT, m.type);
        const n = negotiate(this.config, m);
        if (!n.ok) return this.fail(n.error);
        this.neg = n.value;
        this.sendMessage(KEEPALIVE);
        this.setState('OpenConfirm');
        this.armHold(n.value.holdTime * 1000);
        this.armKeepalive();
        return;
      }
      case 'OpenConfirm':
        if (m.type !== 'keepalive') return this.fsmError(FsmSubcode.UNEXPECTED_IN_OPENCONFIRM, m.type);
        this.armHold((this.neg?.holdTime ?? 0) * 1000);
        this.failures = 0;
        this.establishedAt = this.deps.clock.now();
        this.setState('Established');
        if (this.neg !== undefined) this.deps.onEvent({ kind: 'established', negotiated: this.neg, localAddress: this.conn?.localAddress ?? '' });
        return;
      case 'Established':
        return this.inEstablished(m);
      default:
        return; // no connection is owned in Idle/Connect/Active, so no message can arrive
    }
  }

  private inEstablished(m: Exclude<BgpMessage, { type: 'notification' }>): void {
    this.armHold((this.neg?.holdTime ?? 0) * 1000);
    switch (m.type) {
      case 'keepalive':
        return;
      case 'update': {
        const neg = this.neg;
        if (neg === undefined) return;
        const e = checkUpdate(m, { localAs: this.config.localAs, peerAs: this.config.peerAs, asWidth: neg.asWidth });
        if (e !== undefined) return this.fail(e);
        this.deps.onEvent({ kind: 'update', update: m });
        return;
      }
      case 'route-refresh':
        // RFC 2918 §4: a request for an AFI/SAFI we did not negotiate is ignored.
        if (m.afi === 1 && m.safi === 1) this.deps.onEvent({ kind: 'route-refresh' });
        return;
      case 'open':
        return this.fsmError(FsmSubcode.UNEXPECTED_IN_ESTABLISHED, m.type);
    }
  }

  private fsmError(subcode: number, got: string): void {
    this.fail({ code: ErrorCode.FSM, subcode, data: new Uint8Array(0), reason: `unexpected ${got} in ${this.st}` });
  }

  // --- sending and timers ------------------------------------------------------------

  private sendMessage(m: BgpMessage): number {
    const conn = this.conn;
    if (conn === undefined) return 0;
    const bytes = emitMessage(m, { asWidth: this.neg?.asWidth ?? 2 });
    conn.send(bytes);
    this.sent++;
    return bytes.length;
  }

  /** ms = 0 disables the hold timer (negotiated hold time 0). */
  private armHold(ms: number): void {
    this.clearTimer('holdTimer');
    if (ms <= 0) return;
    this.holdTimer = this.deps.clock.setTimeout(() => {
      this.holdTimer = undefined;
      this.fail({ code: ErrorCode.HOLD_TIMER_EXPIRED, subcode: 0, data: new Uint8Array(0), reason: `nothing received for ${ms} ms` });
    }, ms);
  }

  private armKeepalive(): void {
    this.clearTimer('keepaliveTimer');
    const ms = this.neg?.keepaliveMs ?? 0;
    if (ms <= 0) return;
    this.keepaliveTimer = this.deps.clock.setTimeout(() => {
      this.keepaliveTimer = undefined;
      if (this.st !== 'OpenConfirm' && this.st !== 'Established') return;
      this.sendMessage(KEEPALIVE);
      this.armKeepalive();
    }, ms);
  }

  private clearTimer(name: 'holdTimer' | 'keepaliveTimer' | 'retryTimer' | 'connectTimer'): void {
    const t = this[name];
    if (t !== undefined) this.deps.clock.clearTimeout(t);
    this[name] = undefined;
  }

  private setState(to: SessionState): void {
    const from = this.st;
    if (from === to) return;
    this.st = to;
    this.since = this.deps.clock.now();
    const level = to === 'Established' || from === 'Established' ? 'info' : 'debug';
    this.deps.logger[level]('state', { peer: this.peerName(), from, to });
    this.deps.onEvent({ kind: 'state', from, to });
  }

  private peerName(): string {
    return `${this.config.peerAddress}:${this.config.peerPort}`;
  }
}

export function describeDown(r: DownReason): string {
  switch (r.kind) {
    case 'notification-sent':
      return `sent ${notificationName(r.code, r.subcode)}: ${r.reason}`;
    case 'notification-received':
      return `received ${notificationName(r.code, r.subcode)}`;
    case 'connection-closed':
      return `connection closed: ${r.reason}`;
    case 'stopped':
      return 'stopped';
  }
}
