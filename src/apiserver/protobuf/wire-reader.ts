// Protobuf wire-format reader (https://protobuf.dev/programming-guides/encoding/).
//
// Varints are read into two uint32 halves (`lo`, `hi`) instead of a BigInt: every
// Kubernetes field is int32, int64, bool or a length, and each of those can be derived
// from the halves with plain number arithmetic. Worked example: int64 -1 is the 10-byte
// varint ff ff ff ff ff ff ff ff ff 01, which leaves lo = 0xffffffff, hi = 0xffffffff;
// int64 = (hi | 0) * 2^32 + lo = -4294967296 + 4294967295 = -1.
//
// Malformed input raises WireError; the public decoders catch it and return a
// discriminated error, so nothing escapes to callers.

export type WireErrorCode =
  | 'missing-magic'
  | 'truncated'
  | 'malformed-varint'
  | 'wrong-wire-type'
  | 'unsupported-wire-type'
  | 'invalid-value'
  | 'unknown-kind'
  | 'unsupported-encoding';

export class WireError extends Error {
  constructor(
    readonly code: WireErrorCode,
    message: string,
    readonly offset?: number,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;

const TWO_32 = 4294967296;

export class WireReader {
  pos: number;
  /** Low and high 32 bits (unsigned) of the last varint read. */
  lo = 0;
  hi = 0;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Reads a varint into lo/hi. At most 10 bytes; the 10th may only carry bit 63. */
  readVarint(): void {
    const buf = this.buf;
    const start = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError('truncated', `truncated varint at offset ${start}`, start);
      const b = buf[this.pos++] as number;
      const bits = b & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else if (i < 9) hi |= bits << (7 * i - 32);
      else {
        if (bits > 1) throw new WireError('malformed-varint', `varint at offset ${start} overflows 64 bits`, start);
        hi |= bits << 31;
      }
      if ((b & 0x80) === 0) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw new WireError('malformed-varint', `varint at offset ${start} is longer than 10 bytes`, start);
  }

  /** A varint used as a length or tag: must fit in 32 bits unsigned. */
  readUint32(): number {
    const at = this.pos;
    this.readVarint();
    if (this.hi !== 0) throw new WireError('malformed-varint', `varint at offset ${at} exceeds 32 bits`, at);
    return this.lo;
  }

  /** proto int32: the low 32 bits as signed (negative values arrive sign-extended to 10 bytes). */
  readInt32(): number {
    this.readVarint();
    return this.lo | 0;
  }

  /**
   * proto int64 as a JS number. Values outside ±(2^53-1) cannot be represented exactly;
   * they are rejected rather than silently rounded.
   */
  readInt64(): number {
    const at = this.pos;
    this.readVarint();
    return int64FromHalves(this.lo, this.hi, at);
  }

  readBool(): boolean {
    this.readVarint();
    return (this.lo | this.hi) !== 0;
  }

  /** Reads a tag; returns the field number and leaves the wire type in `wireType`. */
  wireType = 0;
  readTag(): number {
    const at = this.pos;
    const tag = this.readUint32();
    const field = tag >>> 3;
    if (field === 0) throw new WireError('invalid-value', `field number 0 at offset ${at}`, at);
    this.wireType = tag & 7;
    return field;
  }

  /** Reads a length prefix and returns the [start, end) range of the payload, advancing past it. */
  readLengthDelimited(): [number, number] {
    const at = this.pos;
    const len = this.readUint32();
    if (len > this.end - this.pos) {
      throw new WireError('truncated', `length ${len} at offset ${at} runs past the end of its message`, at);
    }
    const start = this.pos;
    this.pos += len;
    return [start, this.pos];
  }

  readBytes(): Uint8Array {
    const [s, e] = this.readLengthDelimited();
    return this.buf.subarray(s, e);
  }

  readString(): string {
    const [s, e] = this.readLengthDelimited();
    return decodeUtf8(this.buf, s, e);
  }

  /** Skips the value of a field whose tag was just read. Groups are deprecated and unused by Kubernetes. */
  skip(wireType: number): void {
    const at = this.pos;
    switch (wireType) {
      case WireType.Varint:
        this.readVarint();
        return;
      case WireType.Fixed64:
        this.advance(8, at);
        return;
      case WireType.LengthDelimited:
        this.readLengthDelimited();
        return;
      case WireType.Fixed32:
        this.advance(4, at);
        return;
      default:
        throw new WireError('unsupported-wire-type', `unsupported wire type ${wireType} at offset ${at}`, at);
    }
  }

  private advance(n: number, at: number): void {
    if (this.end - this.pos < n) throw new WireError('truncated', `truncated fixed-width value at offset ${at}`, at);
    this.pos += n;
  }
}

export function int64FromHalves(lo: number, hi: number, offset?: number): number {
  const v = (hi | 0) * TWO_32 + lo;
  if (!Number.isSafeInteger(v)) {
    throw new WireError('invalid-value', `int64 value at offset ${offset ?? '?'} is outside the exact JS number range`, offset);
  }
  return v;
}

// Non-fatal decoding: Go's encoding/json also replaces invalid UTF-8 with U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  // Short ASCII strings (names, labels) dominate; a manual loop avoids TextDecoder's call overhead.
  if (end - start < 32) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = buf[i] as number;
      if (c >= 0x80) return utf8.decode(buf.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8.decode(buf.subarray(start, end));
}
