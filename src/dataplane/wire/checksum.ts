// The Internet checksum (RFC 1071) and its incremental update (RFC 1624), plus the
// big-endian field accessors every format uses.
//
// Worked example (RFC 1071 section 3): words 0001 f203 f4f5 f6f7 sum to 0x2ddf0,
// folded 0xddf2, complemented 0x220d.

/** One's-complement sum of bytes[start, end) as 16-bit big-endian words, unfolded. */
export function sum16(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let s = initial;
  let i = start;
  // Sum stays far below 2^53: at most 2^16 words of 2^16 per call in practice.
  for (; i + 1 < end; i += 2) s += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) s += bytes[i]! << 8;
  return s;
}

/** Folds carries into 16 bits. A region including a correct checksum folds to 0xffff. */
export function foldSum(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** Folds carries and complements: the value to store in a checksum field. */
export function finishChecksum(sum: number): number {
  return ~foldSum(sum) & 0xffff;
}

export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return finishChecksum(sum16(bytes, start, end));
}

/** Sum of the IPv4 pseudo-header used by TCP and UDP (RFC 768, RFC 793). */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}

/**
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for a 16-bit field changing from m to m'.
 * Used where only part of a packet is at hand (the 8 bytes quoted in an ICMP error).
 */
export function updateChecksum16(checksum: number, oldWord: number, newWord: number): number {
  const s = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  return finishChecksum(s);
}

export function updateChecksum32(checksum: number, oldValue: number, newValue: number): number {
  const c = updateChecksum16(checksum, oldValue >>> 16, newValue >>> 16);
  return updateChecksum16(c, oldValue & 0xffff, newValue & 0xffff);
}

/** Shared zero-length buffer (no backing store allocation for absent options). */
export const EMPTY_BYTES = new Uint8Array(0);

/** A view of bytes[start, end), or EMPTY_BYTES; views alias their buffer like payloads do. */
export function view(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return end > start ? bytes.subarray(start, end) : EMPTY_BYTES;
}

export function readU16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

export function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** A MAC address as a 48-bit integer (exact in a double). */
export function readMac(b: Uint8Array, o: number): number {
  return readU16(b, o) * 0x100000000 + readU32(b, o + 2);
}

export function writeU16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}

export function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

export function writeMac(b: Uint8Array, o: number, mac: number): void {
  writeU16(b, o, Math.floor(mac / 0x100000000));
  writeU32(b, o + 2, mac % 0x100000000);
}
