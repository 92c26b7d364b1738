// ARP for IPv4 over Ethernet (RFC 826): the only combination the emulator speaks.
import type { IPv4 } from '../../core/ip.js';
import { ok, type Result } from '../../core/result.js';
import { readMac, readU16, readU32, writeMac, writeU16, writeU32 } from './checksum.js';
import { truncated, unsupported, type WireError } from './error.js';
import { allocBytes } from './alloc.js';

export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;
export const ARP_LEN = 28;

export interface ArpRepr {
  op: number;
  senderMac: number;
  senderIp: IPv4;
  targetMac: number;
  targetIp: IPv4;
}

export function parseArp(bytes: Uint8Array): Result<ArpRepr, WireError> {
  if (bytes.length < ARP_LEN) return truncated('arp', ARP_LEN, bytes.length);
  const htype = readU16(bytes, 0);
  const ptype = readU16(bytes, 2);
  if (htype !== 1 || ptype !== 0x0800 || bytes[4] !== 6 || bytes[5] !== 4) {
    return unsupported('arp', `hardware ${htype}/${bytes[4]} protocol 0x${ptype.toString(16)}/${bytes[5]}`);
  }
  return ok({
    op: readU16(bytes, 6),
    senderMac: readMac(bytes, 8),
    senderIp: readU32(bytes, 14) as IPv4,
    targetMac: readMac(bytes, 18),
    targetIp: readU32(bytes, 24) as IPv4,
  });
}

export function writeArp(repr: ArpRepr, out: Uint8Array, offset: number): number {
  writeU16(out, offset, 1);
  writeU16(out, offset + 2, 0x0800);
  out[offset + 4] = 6;
  out[offset + 5] = 4;
  writeU16(out, offset + 6, repr.op);
  writeMac(out, offset + 8, repr.senderMac);
  writeU32(out, offset + 14, repr.senderIp);
  writeMac(out, offset + 18, repr.targetMac);
  writeU32(out, offset + 24, repr.targetIp);
  return ARP_LEN;
}

export function emitArp(repr: ArpRepr): Uint8Array {
  const out = allocBytes(ARP_LEN);
  writeArp(repr, out, 0);
  return out;
}
