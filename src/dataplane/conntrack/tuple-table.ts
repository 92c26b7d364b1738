// An open-addressing hash table from a 4-word key (src, dst, ports, zone|proto) to a
// non-negative int, stored in typed arrays: no per-entry objects and no allocation per
// lookup. Linear probing with backward-shift deletion (no tombstones), load <= 1/2.
//
// Why not Map<string, ...>: building a key string costs an allocation per packet and
// ~60 bytes per key; here a key costs 20 bytes / load factor.

const EMPTY = -1;

export class TupleTable {
  private keys: Uint32Array;
  private vals: Int32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.keys = new Uint32Array(cap * 4);
    this.vals = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table's arrays. */
  get byteLength(): number {
    return this.keys.byteLength + this.vals.byteLength;
  }

  /** The value stored for the key, or -1. */
  get(a: number, b: number, c: number, d: number): number {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = hash4(a, b, c, d) & mask;
    for (;;) {
      const v = vals[i]!;
      if (v === EMPTY) return EMPTY;
      const k = i << 2;
      if (keys[k] === a && keys[k + 1] === b && keys[k + 2] === c && keys[k + 3] === d) return v;
      i = (i + 1) & mask;
    }
  }

  /** Inserts or overwrites. `value` must be >= 0. */
  set(a: number, b: number, c: number, d: number, value: number): void {
    if ((this.count + 1) * 2 > this.vals.length) this.grow();
    this.insert(a, b, c, d, value);
  }

  delete(a: number, b: number, c: number, d: number): boolean {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = hash4(a, b, c, d) & mask;
    for (;;) {
      if (vals[i] === EMPTY) return false;
      const k = i << 2;
      if (keys[k] === a && keys[k + 1] === b && keys[k + 2] === c && keys[k + 3] === d) break;
      i = (i + 1) & mask;
    }
    // Backward-shift: move later members of the probe run into the hole when their
    // home slot does not lie cyclically in (hole, j].
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (vals[j] === EMPTY) break;
      const kj = j << 2;
      const home = hash4(keys[kj]!, keys[kj + 1]!, keys[kj + 2]!, keys[kj + 3]!) & mask;
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (inRange) continue;
      const kh = hole << 2;
      keys[kh] = keys[kj]!;
      keys[kh + 1] = keys[kj + 1]!;
      keys[kh + 2] = keys[kj + 2]!;
      keys[kh + 3] = keys[kj + 3]!;
      vals[hole] = vals[j]!;
      hole = j;
    }
    vals[hole] = EMPTY;
    this.count--;
    return true;
  }

  private insert(a: number, b: number, c: number, d: number, value: number): void {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = hash4(a, b, c, d) & mask;
    for (;;) {
      const k = i << 2;
      if (vals[i] === EMPTY) {
        keys[k] = a;
        keys[k + 1] = b;
        keys[k + 2] = c;
        keys[k + 3] = d;
        vals[i] = value;
        this.count++;
        return;
      }
      if (keys[k] === a && keys[k + 1] === b && keys[k + 2] === c && keys[k + 3] === d) {
        vals[i] = value;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const cap = oldVals.length * 2;
    this.keys = new Uint32Array(cap * 4);
    this.vals = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    this.count = 0;
    for (let i = 0; i < oldVals.length; i++) {
      const v = oldVals[i]!;
      if (v === EMPTY) continue;
      const k = i << 2;
      this.insert(oldKeys[k]!, oldKeys[k + 1]!, oldKeys[k + 2]!, oldKeys[k + 3]!, v);
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
