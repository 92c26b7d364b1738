// A fixed-size set of integers [0, size) backed by a bitmap: the state engine behind
// ClusterIP, NodePort, pod IP and VIP allocation. Pure: randomness is injected.
//
// allocateNext() follows Kubernetes' random-scan strategy: start at a random offset and
// take the first free slot scanning upwards (wrapping), so allocation is O(size/32)
// worst case and addresses are spread rather than packed from the bottom.

export type Random = () => number; // [0, 1)

export interface AllocatorSnapshot {
  readonly size: number;
  /** Little-endian bitmap, base64. */
  readonly bits: string;
}

export class BitmapAllocator {
  private readonly words: Uint32Array;
  private used = 0;

  constructor(
    readonly size: number,
    private readonly random: Random = Math.random,
  ) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`allocator size must be a non-negative integer, got ${size}`);
    this.words = new Uint32Array(Math.ceil(size / 32));
  }

  has(i: number): boolean {
    if (!this.inRange(i)) return false;
    return ((this.words[i >>> 5]! >>> (i & 31)) & 1) === 1;
  }

  /** Marks i used; false if out of range or already used. */
  allocate(i: number): boolean {
    if (!this.inRange(i) || this.has(i)) return false;
    this.words[i >>> 5]! |= 1 << (i & 31);
    this.used++;
    return true;
  }

  /** Takes a free slot, or undefined when full. */
  allocateNext(): number | undefined {
    if (this.used >= this.size) return undefined;
    const start = Math.floor(this.random() * this.size) % this.size;
    const i = this.findFree(start, this.size) ?? this.findFree(0, start);
    if (i === undefined) return undefined;
    this.allocate(i);
    return i;
  }

  /** Takes the lowest free slot at or above `from` (deterministic; used for pod IPs). */
  allocateLowest(from = 0): number | undefined {
    const i = this.findFree(from, this.size) ?? this.findFree(0, from);
    if (i === undefined) return undefined;
    this.allocate(i);
    return i;
  }

  /** Frees i; false if it was not allocated. */
  release(i: number): boolean {
    if (!this.has(i)) return false;
    this.words[i >>> 5]! &= ~(1 << (i & 31));
    this.used--;
    return true;
  }

  count(): number {
    return this.used;
  }

  free(): number {
    return this.size - this.used;
  }

  *allocated(): Generator<number> {
    for (let w = 0; w < this.words.length; w++) {
      let word = this.words[w]!;
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word);
        yield w * 32 + bit;
        word &= word - 1;
      }
    }
  }

  snapshot(): AllocatorSnapshot {
    return { size: this.size, bits: Buffer.from(this.words.buffer, this.words.byteOffset, this.words.byteLength).toString('base64') };
  }

  /** Replaces the state with a snapshot of an allocator of the same size. */
  restore(s: AllocatorSnapshot): void {
    if (s.size !== this.size) throw new RangeError(`snapshot size ${s.size} does not match allocator size ${this.size}`);
    const buf = Buffer.from(s.bits, 'base64');
    if (buf.length !== this.words.byteLength) throw new RangeError('snapshot bitmap has the wrong length');
    this.words.set(new Uint32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)));
    // Bits past `size` in the last word must stay clear.
    const tail = this.size & 31;
    if (tail !== 0 && this.words.length > 0) this.words[this.words.length - 1]! &= (1 << tail) - 1;
    let n = 0;
    for (const w of this.words) n += popcount(w);
    this.used = n;
  }

  private inRange(i: number): boolean {
    return Number.isInteger(i) && i >= 0 && i < this.size;
  }

  private findFree(from: number, to: number): number | undefined {
    for (let i = from; i < to; ) {
      const w = this.words[i >>> 5]!;
      if ((i & 31) === 0 && w === 0xffffffff) {
        i += 32;
        continue;
      }
      if (((w >>> (i & 31)) & 1) === 0) return i;
      i++;
    }
    return undefined;
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
