// The OpenFlow fields this model knows, OVS meta-flow style (ovs-fields(7)).
//
// Two views of the same header fields:
//  - match slots: a fixed vector of int32 values the classifier masks and hashes. Wide
//    fields are split (MACs into hi16/lo32, metadata into hi32/lo32) so every slot fits
//    an Int32Array and all matching is plain 32-bit integer arithmetic.
//  - MfField: a named field with a bit width, its NXM name (printed in subfields such as
//    `NXM_OF_IP_SRC[]`) and its text format; load/move/set_field/learn use these and read
//    or write a FlowKey through bigint accessors (they are off the hot path).
import type { FlowKey } from '../flow-key.js';

export const S_IN_PORT = 0;
export const S_DL_SRC_HI = 1;
export const S_DL_SRC_LO = 2;
export const S_DL_DST_HI = 3;
export const S_DL_DST_LO = 4;
/** vlan_tci as OVS sees it: 0 for untagged, 0x1000 (CFI) | vid for tagged. */
export const S_VLAN_TCI = 5;
export const S_DL_TYPE = 6;
export const S_NW_SRC = 7;
export const S_NW_DST = 8;
export const S_NW_PROTO = 9;
export const S_NW_TOS = 10;
export const S_NW_TTL = 11;
export const S_TP_SRC = 12;
export const S_TP_DST = 13;
export const S_TCP_FLAGS = 14;
export const S_ARP_OP = 15;
export const S_CT_STATE = 16;
export const S_CT_ZONE = 17;
export const S_CT_MARK = 18;
export const S_REG0 = 19;
export const S_META_HI = 35;
export const S_META_LO = 36;
export const N_SLOTS = 37;

/** The all-ones mask of each slot (as int32). */
export const SLOT_FULL_MASK: Int32Array = (() => {
  const m = new Int32Array(N_SLOTS);
  m[S_IN_PORT] = 0xffff;
  m[S_DL_SRC_HI] = 0xffff;
  m[S_DL_SRC_LO] = -1;
  m[S_DL_DST_HI] = 0xffff;
  m[S_DL_DST_LO] = -1;
  m[S_VLAN_TCI] = 0xffff;
  m[S_DL_TYPE] = 0xffff;
  m[S_NW_SRC] = -1;
  m[S_NW_DST] = -1;
  m[S_NW_PROTO] = 0xff;
  m[S_NW_TOS] = 0xff;
  m[S_NW_TTL] = 0xff;
  m[S_TP_SRC] = 0xffff;
  m[S_TP_DST] = 0xffff;
  m[S_TCP_FLAGS] = 0x0fff;
  m[S_ARP_OP] = 0xffff;
  m[S_CT_STATE] = 0xff;
  m[S_CT_ZONE] = 0xffff;
  m[S_CT_MARK] = -1;
  for (let i = 0; i < 16; i++) m[S_REG0 + i] = -1;
  m[S_META_HI] = -1;
  m[S_META_LO] = -1;
  return m;
})();

const TWO32 = 4294967296;

/** A packet's value for one slot (as int32). */
export function readSlot(k: FlowKey, s: number): number {
  switch (s) {
    case S_IN_PORT:
      return k.inPort;
    case S_DL_SRC_HI:
      return (k.dlSrc / TWO32) & 0xffff;
    case S_DL_SRC_LO:
      return k.dlSrc % TWO32 | 0;
    case S_DL_DST_HI:
      return (k.dlDst / TWO32) & 0xffff;
    case S_DL_DST_LO:
      return k.dlDst % TWO32 | 0;
    case S_VLAN_TCI:
      return k.dlVlan < 0 ? 0 : 0x1000 | (k.dlVlan & 0xfff);
    case S_DL_TYPE:
      return k.dlType;
    case S_NW_SRC:
      return k.nwSrc | 0;
    case S_NW_DST:
      return k.nwDst | 0;
    case S_NW_PROTO:
      return k.nwProto;
    case S_NW_TOS:
      return k.nwTos;
    case S_NW_TTL:
      return k.nwTtl;
    case S_TP_SRC:
      return k.tpSrc;
    case S_TP_DST:
      return k.tpDst;
    case S_TCP_FLAGS:
      return k.tcpFlags;
    case S_ARP_OP:
      return k.arpOp;
    case S_CT_STATE:
      return k.ctState;
    case S_CT_ZONE:
      return k.ctZone;
    case S_CT_MARK:
      return k.ctMark | 0;
    case S_META_HI:
      return Number((k.metadata >> 32n) & 0xffffffffn) | 0;
    case S_META_LO:
      return Number(k.metadata & 0xffffffffn) | 0;
    default:
      return (k.regs[s - S_REG0] ?? 0) | 0;
  }
}

/**
 * Fills `vec` at the given slots only — those some rule of the table uses (a lookup in
 * the article's table 1 reads 6 of the 37). Other entries keep stale values no rule
 * of that table looks at.
 */
export function fillVector(k: FlowKey, vec: Int32Array, slots: Int32Array): void {
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i] as number;
    vec[s] = readSlot(k, s);
  }
}

export type FieldFormat = 'dec' | 'hex' | 'ipv4' | 'eth' | 'port' | 'ct_state' | 'tcp_flags';

export interface MfField {
  /** The meta-flow name, printed by set_field and by learn's immediate matches. */
  readonly name: string;
  readonly aliases: readonly string[];
  /** NXM/OXM name used in subfield syntax (`NXM_OF_IP_SRC[]`); undefined if none. */
  readonly nxm: string | undefined;
  readonly bits: number;
  readonly format: FieldFormat;
  readonly writable: boolean;
  readonly get: (k: FlowKey) => bigint;
  readonly set: (k: FlowKey, v: bigint) => void;
}

const B = (n: number): bigint => BigInt(n >>> 0);
const N = (v: bigint): number => Number(BigInt.asUintN(32, v));

function field(
  name: string,
  nxm: string | undefined,
  bits: number,
  format: FieldFormat,
  get: (k: FlowKey) => bigint,
  set: (k: FlowKey, v: bigint) => void,
  aliases: readonly string[] = [],
  writable = true,
): MfField {
  return { name, aliases, nxm, bits, format, writable, get, set };
}

const FIELDS: MfField[] = [
  field('in_port', 'NXM_OF_IN_PORT', 16, 'port', (k) => B(k.inPort), (k, v) => { k.inPort = N(v) & 0xffff; }),
  field('eth_src', 'NXM_OF_ETH_SRC', 48, 'eth', (k) => BigInt(k.dlSrc), (k, v) => { k.dlSrc = Number(BigInt.asUintN(48, v)); }, ['dl_src']),
  field('eth_dst', 'NXM_OF_ETH_DST', 48, 'eth', (k) => BigInt(k.dlDst), (k, v) => { k.dlDst = Number(BigInt.asUintN(48, v)); }, ['dl_dst']),
  field('eth_type', 'NXM_OF_ETH_TYPE', 16, 'hex', (k) => B(k.dlType), (k, v) => { k.dlType = N(v) & 0xffff; }, ['dl_type'], false),
  field(
    'vlan_tci', 'NXM_OF_VLAN_TCI', 16, 'hex',
    (k) => B(k.dlVlan < 0 ? 0 : 0x1000 | (k.dlVlan & 0xfff)),
    (k, v) => { const t = N(v); k.dlVlan = t & 0x1000 ? t & 0xfff : -1; },
  ),
  field('dl_vlan', undefined, 12, 'dec', (k) => B(k.dlVlan < 0 ? 0 : k.dlVlan), (k, v) => { k.dlVlan = N(v) & 0xfff; }),
  field('ip_src', 'NXM_OF_IP_SRC', 32, 'ipv4', (k) => B(k.nwSrc), (k, v) => { k.nwSrc = N(v); }, ['nw_src']),
  field('ip_dst', 'NXM_OF_IP_DST', 32, 'ipv4', (k) => B(k.nwDst), (k, v) => { k.nwDst = N(v); }, ['nw_dst']),
  field('arp_spa', 'NXM_OF_ARP_SPA', 32, 'ipv4', (k) => B(k.nwSrc), (k, v) => { k.nwSrc = N(v); }),
  field('arp_tpa', 'NXM_OF_ARP_TPA', 32, 'ipv4', (k) => B(k.nwDst), (k, v) => { k.nwDst = N(v); }),
  field('arp_op', 'NXM_OF_ARP_OP', 16, 'dec', (k) => B(k.arpOp), (k, v) => { k.arpOp = N(v) & 0xffff; }),
  field('nw_proto', 'NXM_OF_IP_PROTO', 8, 'dec', (k) => B(k.nwProto), (k, v) => { k.nwProto = N(v) & 0xff; }, ['ip_proto'], false),
  field('nw_tos', 'NXM_OF_IP_TOS', 8, 'dec', (k) => B(k.nwTos), (k, v) => { k.nwTos = N(v) & 0xfc; }),
  field('nw_ttl', 'NXM_NX_IP_TTL', 8, 'dec', (k) => B(k.nwTtl), (k, v) => { k.nwTtl = N(v) & 0xff; }),
  field('tcp_src', 'NXM_OF_TCP_SRC', 16, 'dec', (k) => B(k.tpSrc), (k, v) => { k.tpSrc = N(v) & 0xffff; }, ['tp_src']),
  field('tcp_dst', 'NXM_OF_TCP_DST', 16, 'dec', (k) => B(k.tpDst), (k, v) => { k.tpDst = N(v) & 0xffff; }, ['tp_dst']),
  field('udp_src', 'NXM_OF_UDP_SRC', 16, 'dec', (k) => B(k.tpSrc), (k, v) => { k.tpSrc = N(v) & 0xffff; }),
  field('udp_dst', 'NXM_OF_UDP_DST', 16, 'dec', (k) => B(k.tpDst), (k, v) => { k.tpDst = N(v) & 0xffff; }),
  field('icmp_type', 'NXM_OF_ICMP_TYPE', 8, 'dec', (k) => B(k.tpSrc), (k, v) => { k.tpSrc = N(v) & 0xff; }),
  field('icmp_code', 'NXM_OF_ICMP_CODE', 8, 'dec', (k) => B(k.tpDst), (k, v) => { k.tpDst = N(v) & 0xff; }),
  field('tcp_flags', 'NXM_NX_TCP_FLAGS', 12, 'tcp_flags', (k) => B(k.tcpFlags), (k, v) => { k.tcpFlags = N(v) & 0xfff; }, [], false),
  field('ct_state', 'NXM_NX_CT_STATE', 32, 'ct_state', (k) => B(k.ctState), (k, v) => { k.ctState = N(v) & 0xff; }, [], false),
  field('ct_zone', 'NXM_NX_CT_ZONE', 16, 'dec', (k) => B(k.ctZone), (k, v) => { k.ctZone = N(v) & 0xffff; }, [], false),
  field('ct_mark', 'NXM_NX_CT_MARK', 32, 'hex', (k) => B(k.ctMark), (k, v) => { k.ctMark = N(v); }),
  ...Array.from({ length: 16 }, (_, i) =>
    field(`reg${i}`, `NXM_NX_REG${i}`, 32, 'hex', (k) => B(k.regs[i] ?? 0), (k, v) => { k.regs[i] = N(v); }),
  ),
  field('metadata', 'OXM_OF_METADATA', 64, 'hex', (k) => k.metadata, (k, v) => { k.metadata = BigInt.asUintN(64, v); }),
];

const BY_NAME = new Map<string, MfField>();
for (const f of FIELDS) {
  BY_NAME.set(f.name, f);
  for (const a of f.aliases) BY_NAME.set(a, f);
  if (f.nxm !== undefined) BY_NAME.set(f.nxm, f);
}

/** Looks a field up by meta-flow name, alias or NXM/OXM name. */
export function fieldByName(name: string): MfField | undefined {
  return BY_NAME.get(name);
}

export function allFields(): readonly MfField[] {
  return FIELDS;
}

/** A bit range of a field: `NXM_NX_REG0[0..15]`. */
export interface SubField {
  readonly field: MfField;
  readonly ofs: number;
  readonly nBits: number;
}

export function fullSubField(f: MfField): SubField {
  return { field: f, ofs: 0, nBits: f.bits };
}

/** Parses `NAME[]`, `NAME[a..b]`, `NAME[a]` or a bare field name (the whole field). */
export function parseSubField(s: string): SubField | string {
  const m = /^([A-Za-z0-9_]+)(?:\[(?:(\d+)(?:\.\.(\d+))?)?\])?$/.exec(s.trim());
  if (!m) return `"${s}" is not a valid subfield`;
  const f = fieldByName(m[1] ?? '');
  if (f === undefined) return `unknown field "${m[1] ?? ''}"`;
  if (m[2] === undefined) return fullSubField(f);
  const lo = Number(m[2]);
  const hi = m[3] === undefined ? lo : Number(m[3]);
  if (hi < lo || hi >= f.bits) return `"${s}": bits ${lo}..${hi} out of range for ${f.name} (${f.bits} bits)`;
  return { field: f, ofs: lo, nBits: hi - lo + 1 };
}

export function formatSubField(sf: SubField): string {
  const name = sf.field.nxm ?? sf.field.name;
  if (sf.ofs === 0 && sf.nBits === sf.field.bits) return `${name}[]`;
  if (sf.nBits === 1) return `${name}[${sf.ofs}]`;
  return `${name}[${sf.ofs}..${sf.ofs + sf.nBits - 1}]`;
}

export function readSubField(k: FlowKey, sf: SubField): bigint {
  return BigInt.asUintN(sf.nBits, sf.field.get(k) >> BigInt(sf.ofs));
}

export function writeSubField(k: FlowKey, sf: SubField, value: bigint): void {
  const width = BigInt(sf.nBits);
  const ofs = BigInt(sf.ofs);
  const mask = ((1n << width) - 1n) << ofs;
  const cur = sf.field.get(k);
  sf.field.set(k, (cur & ~mask) | ((value << ofs) & mask));
}

export function subFieldsEqual(a: SubField, b: SubField): boolean {
  return a.field === b.field && a.ofs === b.ofs && a.nBits === b.nBits;
}
