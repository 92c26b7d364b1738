// Layout of the packets the stack builds: untagged Ethernet (14 bytes) + option-less IPv4
// (20 bytes) + transport at offset 34. Transports allocate the whole frame up front and
// write their part at L4_OFFSET; the stack fills the IPv4 and Ethernet headers once it
// has routed the packet, so a segment costs one slab view and no intermediate objects.
import { allocBytes } from '../wire/alloc.js';
import { finishChecksum, sum16, writeMac, writeU16, writeU32 } from '../wire/checksum.js';
import { foldComplement, onesSum, pseudoSum } from './fast-checksum.js';

export const ETH_HLEN = 14;
export const IP_HLEN = 20;
export const L4_OFFSET = ETH_HLEN + IP_HLEN;
export const MAC_BROADCAST = 0xffffffffffff;

/** A zero-filled frame with room for an l4Len-byte transport part at L4_OFFSET. */
export function allocPacket(l4Len: number): Uint8Array {
  return allocBytes(L4_OFFSET + l4Len);
}

/** Writes the IPv4 header at ETH_HLEN (DF set: Linux does path MTU discovery by default). */
export function writeIpHeader(buf: Uint8Array, proto: number, src: number, dst: number, ttl: number, ident: number, tos: number): void {
  const o = ETH_HLEN;
  buf[o] = 0x45;
  buf[o + 1] = tos;
  writeU16(buf, o + 2, buf.length - ETH_HLEN);
  writeU16(buf, o + 4, ident);
  buf[o + 6] = 0x40;
  buf[o + 7] = 0;
  buf[o + 8] = ttl;
  buf[o + 9] = proto;
  buf[o + 10] = 0;
  buf[o + 11] = 0;
  writeU32(buf, o + 12, src);
  writeU32(buf, o + 16, dst);
  writeU16(buf, o + 10, finishChecksum(sum16(buf, o, o + IP_HLEN)));
}

export function writeEthHeader(buf: Uint8Array, dstMac: number, srcMac: number, etherType: number): void {
  writeMac(buf, 0, dstMac);
  writeMac(buf, 6, srcMac);
  writeU16(buf, 12, etherType);
}

/** Transport checksum over buf[L4_OFFSET..] with the IPv4 pseudo-header; stored at `at`. */
export function writeL4Checksum(buf: Uint8Array, proto: number, src: number, dst: number, at: number): void {
  const len = buf.length - L4_OFFSET;
  buf[at] = 0;
  buf[at + 1] = 0;
  let c = foldComplement(onesSum(buf, L4_OFFSET, buf.length, pseudoSum(src, dst, proto, len)));
  // UDP sends a computed 0 as 0xffff (0 means "no checksum"); for TCP both encode the same sum.
  if (c === 0 && proto === 17) c = 0xffff;
  writeU16(buf, at, c);
}
