// Protobuf wire-format writer. Nested messages are written into their own writer and
// copied in with a length prefix; Kubernetes objects are small, so the extra copy per
// nesting level is cheaper than reserving space for length prefixes of unknown width.

import { WireType } from './wire-reader.js';

const TWO_32 = 4294967296;
const utf8 = new TextEncoder();

export class WireWriter {
  private buf = new Uint8Array(64);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Writes a varint from two uint32 halves. */
  writeVarint64(lo: number, hi: number): void {
    this.ensure(10);
    lo >>>= 0;
    hi >>>= 0;
    while (hi !== 0 || lo > 0x7f) {
      this.buf[this.len++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.buf[this.len++] = lo;
  }

  writeUint32(v: number): void {
    this.writeVarint64(v >>> 0, 0);
  }

  /** proto int32: negative values are sign-extended to 64 bits (10 bytes), as Go does. */
  writeInt32(v: number): void {
    this.writeVarint64(v >>> 0, v < 0 ? 0xffffffff : 0);
  }

  /** proto int64 from a safe integer (callers validate). */
  writeInt64(v: number): void {
    const hi = Math.floor(v / TWO_32);
    const lo = v - hi * TWO_32;
    this.writeVarint64(lo, hi >>> 0);
  }

  writeTag(field: number, wireType: number): void {
    this.writeUint32((field << 3) | wireType);
  }

  writeRaw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  /** Tag + length + bytes. */
  writeBytesField(field: number, bytes: Uint8Array): void {
    this.writeTag(field, WireType.LengthDelimited);
    this.writeUint32(bytes.length);
    this.writeRaw(bytes);
  }

  writeStringField(field: number, s: string): void {
    this.writeBytesField(field, utf8.encode(s));
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
