// Ethernet II with at most one 802.1Q tag. The frame check sequence is not modelled
// (captures and the emulator carry frames without it). Bytes after the EtherType belong
// to the payload, including any padding up to the 60-byte minimum: the upper layer
// knows its own length and trims.
import { ok, type Result } from '../../core/result.js';
import { malformed, truncated, type WireError } from './error.js';
import { readMac, readU16, writeMac, writeU16 } from './checksum.js';
import { allocBytes } from './alloc.js';

export const ETHERTYPE_VLAN = 0x8100;

export interface VlanTag {
  /** Priority code point, 0..7. */
  pcp: number;
  /** Drop eligible indicator, 0 or 1. */
  dei: number;
  /** VLAN id, 0..4095. */
  vid: number;
}

/** Mutable: applyFlowKeyToFrame rewrites addresses in place. */
export interface EthernetHeader {
  dst: number;
  src: number;
  vlan?: VlanTag;
  /** The EtherType after any tag (0x0800, 0x0806, 0x86dd, ...). */
  etherType: number;
}

export interface EthernetRepr extends EthernetHeader {
  payload: Uint8Array;
}

export const ETHERNET_HEADER_LEN = 14;
export const VLAN_TAG_LEN = 4;

export function ethernetHeaderLength(h: EthernetHeader): number {
  return h.vlan === undefined ? ETHERNET_HEADER_LEN : ETHERNET_HEADER_LEN + VLAN_TAG_LEN;
}

/** The header alone and where the payload starts (parseFrame avoids re-spreading the repr). */
export function parseEthernetHeader(bytes: Uint8Array): Result<{ header: EthernetHeader; headerLength: number }, WireError> {
  if (bytes.length < ETHERNET_HEADER_LEN) return truncated('ethernet', ETHERNET_HEADER_LEN, bytes.length);
  const dst = readMac(bytes, 0);
  const src = readMac(bytes, 6);
  let etherType = readU16(bytes, 12);
  if (etherType !== ETHERTYPE_VLAN) {
    // Values below 0x0600 are 802.3 lengths, not EtherTypes.
    if (etherType < 0x0600) return malformed('ethernet', `length field ${etherType} (802.3 framing) is not Ethernet II`);
    return ok({ header: { dst, src, etherType }, headerLength: ETHERNET_HEADER_LEN });
  }
  if (bytes.length < ETHERNET_HEADER_LEN + VLAN_TAG_LEN) return truncated('ethernet', ETHERNET_HEADER_LEN + VLAN_TAG_LEN, bytes.length);
  const tci = readU16(bytes, 14);
  etherType = readU16(bytes, 16);
  if (etherType === ETHERTYPE_VLAN) return malformed('ethernet', 'stacked 802.1Q tags are not supported');
  if (etherType < 0x0600) return malformed('ethernet', `length field ${etherType} (802.3 framing) is not Ethernet II`);
  const vlan: VlanTag = { pcp: tci >>> 13, dei: (tci >>> 12) & 1, vid: tci & 0xfff };
  return ok({ header: { dst, src, vlan, etherType }, headerLength: ETHERNET_HEADER_LEN + VLAN_TAG_LEN });
}

export function parseEthernet(bytes: Uint8Array): Result<EthernetRepr, WireError> {
  const r = parseEthernetHeader(bytes);
  if (!r.ok) return r;
  const { header: h, headerLength } = r.value;
  const payload = bytes.subarray(headerLength);
  return ok(h.vlan === undefined ? { dst: h.dst, src: h.src, etherType: h.etherType, payload } : { dst: h.dst, src: h.src, vlan: h.vlan, etherType: h.etherType, payload });
}

/** Writes the header into `out` at `offset`; returns the header length. */
export function writeEthernetHeader(h: EthernetHeader, out: Uint8Array, offset: number): number {
  writeMac(out, offset, h.dst);
  writeMac(out, offset + 6, h.src);
  if (h.vlan === undefined) {
    writeU16(out, offset + 12, h.etherType);
    return ETHERNET_HEADER_LEN;
  }
  writeU16(out, offset + 12, ETHERTYPE_VLAN);
  writeU16(out, offset + 14, ((h.vlan.pcp & 7) << 13) | ((h.vlan.dei & 1) << 12) | (h.vlan.vid & 0xfff));
  writeU16(out, offset + 16, h.etherType);
  return ETHERNET_HEADER_LEN + VLAN_TAG_LEN;
}

export function emitEthernet(repr: EthernetRepr): Uint8Array {
  const hl = ethernetHeaderLength(repr);
  const out = allocBytes(hl + repr.payload.length);
  writeEthernetHeader(repr, out, 0);
  out.set(repr.payload, hl);
  return out;
}
