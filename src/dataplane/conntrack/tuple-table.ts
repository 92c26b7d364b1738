// An open-addressing hash table from a 4-word key (src, dst, ports, zone|proto) to a
// non-negative int, stored in one typed array: no per-entry objects and no allocation
// per lookup. Linear probing with backward-shift deletion (no tombstones), load <= 1/2.
//
// Why not Map<string, ...>: building a key string costs an allocation per packet and
// ~60 bytes per key; here a key costs 20 bytes / load factor.
//
// Layout: 5 words per bucket, [value + 1, a, b, c, d], value + 1 = 0 meaning empty.
// Keeping the value next to its key makes a probe touch one cache line (sometimes two)
// instead of one in a value array plus one in a key array; a connection's first packet
// probes a cold bucket several times (lookup, NAT choice, two inserts), so the misses
// were most of its cost. Zero meaning empty also spares filling a new table.

const W = 5;

export class TupleTable {
  private t: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.t = new Uint32Array(cap * W);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table's array. */
  get byteLength(): number {
    return this.t.byteLength;
  }

  /** The value stored for the key, or -1. */
  get(a: number, b: number, c: number, d: number): number {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = this.t;
    const mask = this.mask;
    let i = hash4(a, b, c, d) & mask;
    for (;;) {
      const k = i * W;
      const v = t[k]!;
      if (v === 0) return -1;
      if (t[k + 1] === a && t[k + 2] === b && t[k + 3] === c && t[k + 4] === d) return v - 1;
      i = (i + 1) & mask;
    }
  }

  /** Inserts or overwrites. `value` must be >= 0 (and < 2^32 - 1). */
  set(a: number, b: number, c: number, d: number, value: number): void {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    this.insert(a, b, c, d, value);
  }

  delete(a: number, b: number, c: number, d: number): boolean {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = this.t;
    const mask = this.mask;
    let i = hash4(a, b, c, d) & mask;
    for (;;) {
      const k = i * W;
      if (t[k] === 0) return false;
      if (t[k + 1] === a && t[k + 2] === b && t[k + 3] === c && t[k + 4] === d) break;
      i = (i + 1) & mask;
    }
    // Backward-shift: move later members of the probe run into the hole when their
    // home bucket does not lie cyclically in (hole, j].
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const kj = j * W;
      if (t[kj] === 0) break;
      const home = hash4(t[kj + 1]!, t[kj + 2]!, t[kj + 3]!, t[kj + 4]!) & mask;
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (inRange) continue;
      const kh = hole * W;
      t[kh] = t[kj]!;
      t[kh + 1] = t[kj + 1]!;
      t[kh + 2] = t[kj + 2]!;
      t[kh + 3] = t[kj + 3]!;
      t[kh + 4] = t[kj + 4]!;
      hole = j;
    }
    t[hole * W] = 0;
    this.count--;
    return true;
  }

  private insert(a: number, b: number, c: number, d: number, value: number): void {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = this.t;
    const mask = this.mask;
    let i = hash4(a, b, c, d) & mask;
    for (;;) {
      const k = i * W;
      if (t[k] === 0) {
        t[k] = value + 1;
        t[k + 1] = a;
        t[k + 2] = b;
        t[k + 3] = c;
        t[k + 4] = d;
        this.count++;
        return;
      }
      if (t[k + 1] === a && t[k + 2] === b && t[k + 3] === c && t[k + 4] === d) {
        t[k] = value + 1;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.t;
    const cap = (this.mask + 1) * 2;
    this.t = new Uint32Array(cap * W);
    this.mask = cap - 1;
    this.count = 0;
    for (let k = 0; k < old.length; k += W) {
      const v = old[k]!;
      if (v === 0) continue;
      this.insert(old[k + 1]!, old[k + 2]!, old[k + 3]!, old[k + 4]!, v - 1);
    }
  }
}

/** murmur3-style mixing of four 32-bit words. */
export function hash4(a: number, b: number, c: number, d: number): number {
  let h = 0x9747b28c;
  h = mix(h, a);
  h = mix(h, b);
  h = mix(h, c);
  h = mix(h, d);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mix(h: number, k: number): number {
  let x = Math.imul(k, 0xcc9e2d51);
  x = (x << 15) | (x >>> 17);
  x = Math.imul(x, 0x1b873593);
  let y = h ^ x;
  y = (y << 13) | (y >>> 19);
  return (Math.imul(y, 5) + 0xe6546b64) | 0;
}
