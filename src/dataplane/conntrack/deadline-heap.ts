// A binary min-heap of (deadline, slot, generation) in typed arrays: the expiry index.
// Conntrack keeps it lazy: refreshing a connection does not touch the heap unless the
// new deadline is earlier than the one queued; a popped item that turns out stale (slot
// reused, or the deadline moved later) is dropped or re-queued by the owner.

export class DeadlineHeap {
  private at: Float64Array;
  private slot: Int32Array;
  private gen: Uint32Array;
  private n = 0;

  constructor(initialCapacity = 1024) {
    const cap = Math.max(16, initialCapacity);
    this.at = new Float64Array(cap);
    this.slot = new Int32Array(cap);
    this.gen = new Uint32Array(cap);
  }

  get size(): number {
    return this.n;
  }

  get byteLength(): number {
    return this.at.byteLength + this.slot.byteLength + this.gen.byteLength;
  }

  /** Earliest deadline, or +Infinity when empty. */
  peekDeadline(): number {
    return this.n === 0 ? Infinity : this.at[0]!;
  }

  peekSlot(): number {
    return this.slot[0]!;
  }

  peekGen(): number {
    return this.gen[0]!;
  }

  push(deadline: number, slot: number, gen: number): void {
    if (this.n === this.at.length) this.grow();
    let i = this.n++;
    const at = this.at;
    const sl = this.slot;
    const ge = this.gen;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (at[p]! <= deadline) break;
      at[i] = at[p]!;
      sl[i] = sl[p]!;
      ge[i] = ge[p]!;
      i = p;
    }
    at[i] = deadline;
    sl[i] = slot;
    ge[i] = gen;
  }

  /** Removes the top item (read it with peek* first). */
  pop(): void {
    if (this.n === 0) return;
    const last = --this.n;
    if (last === 0) return;
    const at = this.at;
    const sl = this.slot;
    const ge = this.gen;
    const d = at[last]!;
    const s = sl[last]!;
    const g = ge[last]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      const c = r < last && at[r]! < at[l]! ? r : l;
      if (at[c]! >= d) break;
      at[i] = at[c]!;
      sl[i] = sl[c]!;
      ge[i] = ge[c]!;
      i = c;
    }
    at[i] = d;
    sl[i] = s;
    ge[i] = g;
  }

  clear(): void {
    this.n = 0;
  }

  private grow(): void {
    const cap = this.at.length * 2;
    const at = new Float64Array(cap);
    const sl = new Int32Array(cap);
    const ge = new Uint32Array(cap);
    at.set(this.at);
    sl.set(this.slot);
    ge.set(this.gen);
    this.at = at;
    this.slot = sl;
    this.gen = ge;
  }
}
