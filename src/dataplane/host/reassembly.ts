// Out-of-order segments a TCP receiver holds until the gap before them fills. Entries are
// kept sorted by sequence number and may overlap; `take` trims overlaps as it hands data
// over. Sequence numbers are absolute (see tcp-socket.ts). Bounded by the caller: only
// in-window data is inserted, and at most `maxEntries` segments.
interface Segment {
  readonly seq: number;
  readonly end: number;
  readonly data: Uint8Array;
  /** A FIN follows the data (at sequence number `end`). */
  readonly fin: boolean;
}

export class Reassembly {
  private segs: Segment[] = [];

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.segs.length;
  }

  /** Stores a copy-owned segment; false when full (the caller drops it). */
  insert(seq: number, data: Uint8Array, fin: boolean): boolean {
    const segs = this.segs;
    if (segs.length >= this.maxEntries) return false;
    const end = seq + data.length;
    let i = segs.length;
    while (i > 0 && segs[i - 1]!.seq > seq) i--;
    // An exact duplicate adds nothing.
    const prev = segs[i - 1];
    if (prev !== undefined && prev.seq === seq && prev.end >= end && (prev.fin || !fin)) return true;
    segs.splice(i, 0, { seq, end, data, fin });
    return true;
  }

  /**
   * Hands over what now continues at `next`: calls `deliver` for each new piece, returns
   * the new `next` and whether a FIN was reached (then `next` is the FIN's sequence number).
   */
  take(next: number, deliver: (data: Uint8Array) => void): { next: number; fin: boolean } {
    const segs = this.segs;
    let n = next;
    let fin = false;
    let k = 0;
    while (k < segs.length && segs[k]!.seq <= n) {
      const s = segs[k++]!;
      if (s.end > n) {
        deliver(s.data.subarray(n - s.seq));
        n = s.end;
      }
      if (s.fin && s.end === n) {
        fin = true;
        break;
      }
    }
    if (k > 0) segs.splice(0, k);
    if (fin) this.segs = [];
    return { next: n, fin };
  }

  clear(): void {
    this.segs = [];
  }
}
