// The bytes a TCP sender holds: everything written and not yet acknowledged, addressed by
// absolute sequence number (see tcb.ts). A growable ring: write() appends,
// acknowledgement drops from the front, segments copy straight out of it into frames.
import { allocBytes } from '../wire/alloc.js';

export class SendBuffer {
  private buf: Uint8Array = EMPTY;
  private head = 0;
  private len = 0;
  /** Absolute sequence number of the first buffered byte. */
  base: number;

  constructor(base: number) {
    this.base = base;
  }

  get length(): number {
    return this.len;
  }

  /** Absolute sequence number just after the last written byte. */
  get end(): number {
    return this.base + this.len;
  }

  push(data: Uint8Array): void {
    const n = data.length;
    if (n === 0) return;
    if (this.len + n > this.buf.length) this.grow(this.len + n);
    const cap = this.buf.length;
    let tail = (this.head + this.len) % cap;
    const first = Math.min(n, cap - tail);
    this.buf.set(first === n ? data : data.subarray(0, first), tail);
    if (first < n) this.buf.set(data.subarray(first), 0);
    tail = (tail + n) % cap;
    this.len += n;
  }

  /** Drops bytes below absolute sequence `seq`. */
  ackTo(seq: number): void {
    const n = Math.min(seq - this.base, this.len);
    if (n <= 0) return;
    this.head = (this.head + n) % this.buf.length;
    this.len -= n;
    this.base += n;
    if (this.len === 0) {
      // Let go of the storage: a small buffer is a view into a shared 64 KiB slab, and an
      // idle or TIME_WAIT connection holding it would keep the whole slab alive.
      this.buf = EMPTY;
      this.head = 0;
    }
  }

  /** Copies n bytes starting at absolute sequence `seq` into out[off..]. */
  copyOut(seq: number, n: number, out: Uint8Array, off: number): void {
    const cap = this.buf.length;
    const start = (this.head + (seq - this.base)) % cap;
    const first = Math.min(n, cap - start);
    out.set(this.buf.subarray(start, start + first), off);
    if (first < n) out.set(this.buf.subarray(0, n - first), off + first);
  }

  private grow(need: number): void {
    let cap = Math.max(512, this.buf.length * 2);
    while (cap < need) cap *= 2;
    // Small buffers come from the shared slabs (a dedicated backing store costs microseconds).
    const next = allocBytes(cap);
    if (this.len > 0) {
      const old = this.buf;
      const first = Math.min(this.len, old.length - this.head);
      next.set(old.subarray(this.head, this.head + first), 0);
      if (first < this.len) next.set(old.subarray(0, this.len - first), first);
    }
    this.buf = next;
    this.head = 0;
  }
}

const EMPTY = new Uint8Array(0);
