// A UDP socket: bound to a port (and optionally one local address), optionally connected.
// Datagrams queue until the app takes them (onMessage or recv()); the queue is capped
// like a socket receive buffer (rmem_default, 212992 bytes) and overflow is dropped.
//
// ICMP errors follow Linux: they are reported only on connected sockets (unconnected
// ones would need IP_RECVERR). The error is pending until the next recv() or send(),
// which fails with it once (ECONNREFUSED for port unreachable).
import type { IPv4 } from '../../core/ip.js';
import { err, ok, type Result } from '../../core/result.js';
import type { HostStack } from './host-stack.js';
import type { Deferred } from './stack-runtime.js';
import { NetError, type NetErrorCode } from './net-error.js';

export interface UdpMessage {
  readonly data: Uint8Array;
  readonly address: IPv4;
  readonly port: number;
}

export const UDP_RCVBUF = 212_992;

export interface UdpSocketOwner {
  readonly stack: HostStack;
  send(sock: UdpSocket, data: Uint8Array, dst: IPv4, port: number): Result<void, NetErrorCode>;
  unbind(sock: UdpSocket): void;
}

export class UdpSocket implements Deferred {
  inDirty = false;
  readonly localPort: number;
  /** 0 = all local addresses. */
  readonly localAddress: IPv4;
  private remote: { readonly address: IPv4; readonly port: number } | undefined;
  private rx: UdpMessage[] = [];
  private rxBytes = 0;
  private pendingError: NetErrorCode | undefined;
  private handler: ((m: UdpMessage) => void) | undefined;
  private errorHandler: ((e: NetErrorCode) => void) | undefined;
  private waiters: { resolve: (m: UdpMessage) => void; reject: (e: Error) => void }[] = [];
  private closed = false;

  constructor(
    private readonly owner: UdpSocketOwner,
    localPort: number,
    localAddress: IPv4,
  ) {
    this.localPort = localPort;
    this.localAddress = localAddress;
  }

  get remoteAddress(): { readonly address: IPv4; readonly port: number } | undefined {
    return this.remote;
  }

  /** Fixes the peer: send() goes there, and only its datagrams are received. */
  connect(address: IPv4, port: number): void {
    this.remote = { address, port };
  }

  sendTo(data: Uint8Array, address: IPv4, port: number): Result<void, NetErrorCode> {
    if (this.closed) return err('EINVAL');
    return this.withError(() => this.owner.send(this, data, address, port));
  }

  send(data: Uint8Array): Result<void, NetErrorCode> {
    if (this.remote === undefined) return err('ENOTCONN');
    return this.sendTo(data, this.remote.address, this.remote.port);
  }

  /** Every datagram (replaces a previous handler; queued datagrams are delivered first). */
  onMessage(fn: (m: UdpMessage) => void): void {
    this.handler = fn;
    if (this.rx.length > 0 || this.pendingError !== undefined) this.owner.stack.markDirty(this);
  }

  /** ICMP errors on a connected socket, as they arrive (otherwise they wait for recv/send). */
  onError(fn: (e: NetErrorCode) => void): void {
    this.errorHandler = fn;
  }

  /** The next datagram; rejects with a pending ICMP error (NetError ECONNREFUSED, ...). */
  recv(): Promise<UdpMessage> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.owner.stack.markDirty(this);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.owner.unbind(this);
    for (const w of this.waiters) w.reject(new NetError('EINVAL', 'recv'));
    this.waiters = [];
  }

  /** Called by the UDP layer for a datagram addressed to this socket. */
  deliver(m: UdpMessage): boolean {
    if (this.remote !== undefined && (m.address !== this.remote.address || m.port !== this.remote.port)) return false;
    if (this.rxBytes + m.data.length > UDP_RCVBUF) {
      this.owner.stack.stats.udpRcvbufErrors++;
      return true;
    }
    this.rx.push(m);
    this.rxBytes += m.data.length;
    this.owner.stack.markDirty(this);
    return true;
  }

  /** Called by the UDP layer for an ICMP error about a datagram this socket sent. */
  icmpError(code: NetErrorCode, dst: IPv4, port: number): void {
    if (this.remote === undefined || this.remote.address !== dst || this.remote.port !== port) return;
    this.pendingError = code;
    this.owner.stack.markDirty(this);
  }

  flush(): void {
    const stack = this.owner.stack;
    if (this.pendingError !== undefined) {
      const w = this.waiters.shift();
      if (w !== undefined) {
        const code = this.pendingError;
        this.pendingError = undefined;
        w.reject(new NetError(code, 'recv'));
      } else if (this.errorHandler !== undefined) {
        const code = this.pendingError;
        this.pendingError = undefined;
        stack.callback(this.errorHandler, code);
      }
    }
    while (this.rx.length > 0) {
      const h = this.handler;
      const w = h === undefined ? this.waiters.shift() : undefined;
      if (h === undefined && w === undefined) break;
      const m = this.rx.shift()!;
      this.rxBytes -= m.data.length;
      if (h !== undefined) stack.callback(h, m);
      else w!.resolve(m);
    }
  }

  private withError(fn: () => Result<void, NetErrorCode>): Result<void, NetErrorCode> {
    if (this.pendingError !== undefined) {
      const code = this.pendingError;
      this.pendingError = undefined;
      return err(code);
    }
    const r = fn();
    return r.ok ? ok(undefined) : r;
  }
}
