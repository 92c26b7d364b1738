// A listening socket. Connections are handed over once established: to the onConnection
// handler if there is one, else to accept() callers, else they wait in the accept queue.
// The backlog caps half-open plus not-yet-accepted connections; SYNs beyond it are
// dropped silently (the client retries), as Linux does.
import type { IPv4 } from '../../core/ip.js';
import { NetError } from './net-error.js';
import type { Tcb } from './tcb.js';
import type { TcpSocket } from './tcp-socket.js';

export interface TcpListenerOwner {
  readonly stack: { callback<A>(fn: (a: A) => void, arg: A): void; enter(): void; leave(): void };
  unlisten(l: TcpListener): void;
}

export class TcpListener {
  /** Connections in SYN_RECEIVED (and established ones not yet handed over). */
  readonly halfOpen = new Set<Tcb>();
  private readonly queue: TcpSocket[] = [];
  private waiters: { resolve: (s: TcpSocket) => void; reject: (e: Error) => void }[] = [];
  private handler: ((s: TcpSocket) => void) | undefined;
  private closedFlag = false;

  constructor(
    private readonly owner: TcpListenerOwner,
    readonly port: number,
    /** 0 = every local address. */
    readonly address: IPv4,
    readonly backlog: number,
    onConnection?: (s: TcpSocket) => void,
  ) {
    this.handler = onConnection;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  get full(): boolean {
    return this.halfOpen.size + this.queue.length >= this.backlog;
  }

  onConnection(fn: (s: TcpSocket) => void): void {
    this.handler = fn;
    while (this.queue.length > 0) this.owner.stack.callback(fn, this.queue.shift()!);
  }

  accept(): Promise<TcpSocket> {
    const s = this.queue.shift();
    if (s !== undefined) return Promise.resolve(s);
    if (this.closedFlag) return Promise.reject(new NetError('EINVAL', 'accept'));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Stops listening; connections not yet handed over are reset (as close() on a Linux listener). */
  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    const stack = this.owner.stack;
    stack.enter();
    try {
      this.owner.unlisten(this);
      for (const t of [...this.halfOpen]) t.destroy();
      for (const s of this.queue.splice(0)) s.destroy();
      for (const w of this.waiters.splice(0)) w.reject(new NetError('EINVAL', 'accept'));
    } finally {
      stack.leave();
    }
  }

  /** An established connection (called from the connection's event flush). */
  deliver(s: TcpSocket, t: Tcb): void {
    this.halfOpen.delete(t);
    if (this.closedFlag) {
      s.destroy();
      return;
    }
    if (this.handler !== undefined) {
      this.owner.stack.callback(this.handler, s);
      return;
    }
    const w = this.waiters.shift();
    if (w !== undefined) w.resolve(s);
    else this.queue.push(s);
  }
}
