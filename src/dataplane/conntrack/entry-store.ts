// Connection entries as struct-of-arrays indexed by slot. An IPv4 address above 2^30
// would be a boxed HeapNumber as an object field; in typed arrays an entry costs ~90
// bytes with no per-entry objects for the GC to trace.

/** status bits */
export const ST_SEEN_REPLY = 1;
export const ST_ASSURED = 2;
export const ST_SNAT = 4;
export const ST_DNAT = 8;
export const ST_LIVE = 16;

export class EntryStore {
  /** zone << 8 | proto */
  zp: Uint32Array;
  oSrc: Uint32Array;
  oDst: Uint32Array;
  /** srcPort << 16 | dstPort; for ICMP: id << 16 | type. */
  oPorts: Uint32Array;
  rSrc: Uint32Array;
  rDst: Uint32Array;
  rPorts: Uint32Array;
  tcpState: Uint8Array;
  status: Uint8Array;
  mark: Uint32Array;
  /** Bumped when a slot is released, so stale expiry-heap items can be told apart. */
  gen: Uint32Array;
  expires: Float64Array;
  /** Deadline of this slot's earliest item in the expiry heap (+Infinity if none). */
  queuedAt: Float64Array;
  /** Monotonic entry id (never reused, unlike slots). */
  id: Float64Array;
  /** [2 * slot] original direction, [2 * slot + 1] reply. */
  packets: Float64Array;
  bytes: Float64Array;

  private free: Int32Array;
  private freeTop = 0;
  /** Slots below this have been handed out at least once. */
  highWater = 0;
  live = 0;

  constructor(initialCapacity = 1024) {
    const cap = Math.max(16, initialCapacity);
    this.zp = new Uint32Array(cap);
    this.oSrc = new Uint32Array(cap);
    this.oDst = new Uint32Array(cap);
    this.oPorts = new Uint32Array(cap);
    this.rSrc = new Uint32Array(cap);
    this.rDst = new Uint32Array(cap);
    this.rPorts = new Uint32Array(cap);
    this.tcpState = new Uint8Array(cap);
    this.status = new Uint8Array(cap);
    this.mark = new Uint32Array(cap);
    this.gen = new Uint32Array(cap);
    this.expires = new Float64Array(cap);
    this.queuedAt = new Float64Array(cap).fill(Infinity);
    this.id = new Float64Array(cap);
    this.packets = new Float64Array(cap * 2);
    this.bytes = new Float64Array(cap * 2);
    this.free = new Int32Array(cap);
  }

  get capacity(): number {
    return this.zp.length;
  }

  get byteLength(): number {
    let n = this.free.byteLength;
    for (const a of [this.zp, this.oSrc, this.oDst, this.oPorts, this.rSrc, this.rDst, this.rPorts, this.tcpState, this.status, this.mark, this.gen, this.expires, this.queuedAt, this.id, this.packets, this.bytes]) n += a.byteLength;
    return n;
  }

  isLive(slot: number): boolean {
    return (this.status[slot]! & ST_LIVE) !== 0;
  }

  /** A zeroed, live slot. Arrays may be replaced (grown): re-read fields after calling. */
  alloc(): number {
    let slot: number;
    if (this.freeTop > 0) slot = this.free[--this.freeTop]!;
    else {
      if (this.highWater === this.capacity) this.grow();
      slot = this.highWater++;
    }
    this.status[slot] = ST_LIVE;
    this.tcpState[slot] = 0;
    this.mark[slot] = 0;
    this.queuedAt[slot] = Infinity;
    this.packets[2 * slot] = 0;
    this.packets[2 * slot + 1] = 0;
    this.bytes[2 * slot] = 0;
    this.bytes[2 * slot + 1] = 0;
    this.live++;
    return slot;
  }

  release(slot: number): void {
    this.status[slot] = 0;
    this.gen[slot] = (this.gen[slot]! + 1) >>> 0;
    this.queuedAt[slot] = Infinity;
    this.free[this.freeTop++] = slot;
    this.live--;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    const g32 = (a: Uint32Array) => {
      const b = new Uint32Array(cap);
      b.set(a);
      return b;
    };
    const g8 = (a: Uint8Array) => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    const g64 = (a: Float64Array, n = cap) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.zp = g32(this.zp);
    this.oSrc = g32(this.oSrc);
    this.oDst = g32(this.oDst);
    this.oPorts = g32(this.oPorts);
    this.rSrc = g32(this.rSrc);
    this.rDst = g32(this.rDst);
    this.rPorts = g32(this.rPorts);
    this.tcpState = g8(this.tcpState);
    this.status = g8(this.status);
    this.mark = g32(this.mark);
    this.gen = g32(this.gen);
    this.expires = g64(this.expires);
    const q = new Float64Array(cap).fill(Infinity);
    q.set(this.queuedAt);
    this.queuedAt = q;
    this.id = g64(this.id);
    this.packets = g64(this.packets, cap * 2);
    this.bytes = g64(this.bytes, cap * 2);
    const f = new Int32Array(cap);
    f.set(this.free);
    this.free = f;
  }
}
