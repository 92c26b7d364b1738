// Low-level helpers shared by the codecs: big-endian reads and the 19-octet header write.
import { MARKER_LENGTH } from './constants.js';

export function u16(b: Uint8Array, off: number): number {
  return ((b[off] ?? 0) << 8) | (b[off + 1] ?? 0);
}

export function u32(b: Uint8Array, off: number): number {
  return (((b[off] ?? 0) << 24) | ((b[off + 1] ?? 0) << 16) | ((b[off + 2] ?? 0) << 8) | (b[off + 3] ?? 0)) >>> 0;
}

export function put16(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 8) & 0xff;
  b[off + 1] = v & 0xff;
}

export function put32(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 24) & 0xff;
  b[off + 1] = (v >>> 16) & 0xff;
  b[off + 2] = (v >>> 8) & 0xff;
  b[off + 3] = v & 0xff;
}

/** Writes marker (16 x 0xff), length and type at the start of `out`. */
export function writeHeader(out: Uint8Array, length: number, type: number): void {
  out.fill(0xff, 0, MARKER_LENGTH);
  put16(out, MARKER_LENGTH, length);
  out[MARKER_LENGTH + 2] = type;
}
