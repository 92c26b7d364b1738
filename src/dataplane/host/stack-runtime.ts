// How a HostStack is entered and left. The stack never calls out (a NIC's tx, an
// application callback) while a packet or a call is half processed. Work is queued —
// frames in a FIFO, sockets with pending events or output in a dirty list — and drained
// when the outermost entry point (receive, a timer, an API call) returns. A tx that
// synchronously delivers a reply back into this stack is therefore safe: the nested
// receive runs to completion and only queues. Drain order per round: socket events and
// output first (so an app's write() inside onData rides on the ACK the segment needed,
// and a write()+end() pair leaves as one segment), then frames in FIFO order.
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { HostNic } from './host-nic.js';
import type { StackStats } from './stack-stats.js';

/** Something with queued events or output, flushed when the stack drains. */
export interface Deferred {
  inDirty: boolean;
  flush(): void;
}

export abstract class StackRuntime {
  private depth = 0;
  private txNics: HostNic[] = [];
  private txFrames: Uint8Array[] = [];
  private txHead = 0;
  private dirty: Deferred[] = [];
  private readonly onCallbackError: (e: unknown) => void;

  constructor(
    readonly clock: Clock,
    readonly stats: StackStats,
    onCallbackError?: (e: unknown) => void,
  ) {
    this.onCallbackError =
      onCallbackError ??
      ((e) =>
        queueMicrotask(() => {
          throw e;
        }));
  }

  protected abstract loopbackInput(nic: HostNic, frame: Uint8Array): void;

  enqueueTx(nic: HostNic, frame: Uint8Array): void {
    this.txNics.push(nic);
    this.txFrames.push(frame);
    if (this.depth === 0) this.drain();
  }

  // ---- draining -------------------------------------------------------------------------

  markDirty(d: Deferred): void {
    if (d.inDirty) return;
    d.inDirty = true;
    this.dirty.push(d);
    if (this.depth === 0) this.drain();
  }

  enter(): void {
    this.depth++;
  }

  leave(): void {
    if (--this.depth === 0 && (this.dirty.length > 0 || this.txHead < this.txNics.length)) this.drain();
  }

  /** A Clock whose callbacks run as stack entry points (queued output drains after them). */
  timerClock(): Clock {
    const c = this.clock;
    return {
      now: () => c.now(),
      setTimeout: (fn: () => void, ms: number): TimerHandle =>
        c.setTimeout(() => {
          this.enter();
          try {
            fn();
          } finally {
            this.leave();
          }
        }, ms),
      clearTimeout: (h: TimerHandle) => c.clearTimeout(h),
    };
  }

  /** Runs an application callback; its exception is reported, never unwinds the stack. */
  callback<A>(fn: (a: A) => void, arg: A): void {
    try {
      fn(arg);
    } catch (e) {
      this.stats.callbackErrors++;
      this.onCallbackError(e);
    }
  }

  /** A long synchronous exchange keeps one drain running: drop the sent prefix. */
  private compactTx(): void {
    this.txNics.splice(0, this.txHead);
    this.txFrames.splice(0, this.txHead);
    this.txHead = 0;
  }

  private drain(): void {
    this.depth++;
    try {
      for (;;) {
        if (this.dirty.length > 0) {
          const list = this.dirty;
          this.dirty = [];
          for (let i = 0; i < list.length; i++) {
            const d = list[i]!;
            d.inDirty = false;
            d.flush();
          }
          continue;
        }
        if (this.txHead >= this.txNics.length) break;
        if (this.txHead >= 4096) this.compactTx();
        const i = this.txHead++;
        const nic = this.txNics[i]!;
        const frame = this.txFrames[i]!;
        if (nic.kind === 'loopback') {
          nic.counters.txPackets++;
          nic.counters.txBytes += frame.length;
          nic.counters.rxPackets++;
          nic.counters.rxBytes += frame.length;
          this.loopbackInput(nic, frame);
        } else nic.transmit(frame);
      }
    } finally {
      this.txNics.length = 0;
      this.txFrames.length = 0;
      this.txHead = 0;
      this.depth--;
    }
  }
}
