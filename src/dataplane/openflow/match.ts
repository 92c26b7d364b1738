// A flow match: per slot (fields.ts) a value and a mask; mask 0 = wildcard. Values are
// stored pre-masked, so "packet matches" is `(vec[s] & mask[s]) === value[s]` for every
// slot, and two matches are identical iff their (value, mask) vectors are equal.
import { ETH_TYPE_ARP, ETH_TYPE_IPV4, IP_PROTO_ICMP, IP_PROTO_TCP, IP_PROTO_UDP } from '../flow-key.js';
import {
  N_SLOTS,
  S_ARP_OP,
  S_CT_MARK,
  S_CT_STATE,
  S_CT_ZONE,
  S_DL_DST_HI,
  S_DL_DST_LO,
  S_DL_SRC_HI,
  S_DL_SRC_LO,
  S_DL_TYPE,
  S_IN_PORT,
  S_META_HI,
  S_META_LO,
  S_NW_DST,
  S_NW_PROTO,
  S_NW_SRC,
  S_NW_TOS,
  S_NW_TTL,
  S_REG0,
  S_TCP_FLAGS,
  S_TP_DST,
  S_TP_SRC,
  S_VLAN_TCI,
  SLOT_FULL_MASK,
} from './fields.js';
import type { MfField } from './fields.js';

const TWO32 = 4294967296;

export class Match {
  /** Pre-masked values, int32 per slot. */
  readonly values: Int32Array;
  readonly masks: Int32Array;
  private cachedKey: string | undefined;

  /** Takes ownership of the arrays; values must already be masked. */
  private constructor(values: Int32Array, masks: Int32Array) {
    this.values = values;
    this.masks = masks;
  }

  /** @internal for MatchBuilder: wraps pre-masked arrays without copying. */
  static fromArrays(values: Int32Array, masks: Int32Array): Match {
    return new Match(values, masks);
  }

  static catchAll(): Match {
    return new Match(new Int32Array(N_SLOTS), new Int32Array(N_SLOTS));
  }

  /** A copy with slot `s` set to value/mask (mask 0 clears it). */
  with(s: number, value: number, mask: number): Match {
    const values = new Int32Array(this.values);
    const masks = new Int32Array(this.masks);
    const m = mask & (SLOT_FULL_MASK[s] ?? 0);
    masks[s] = m;
    values[s] = value & m;
    return new Match(values, masks);
  }

  value(s: number): number {
    return this.values[s] ?? 0;
  }

  mask(s: number): number {
    return this.masks[s] ?? 0;
  }

  has(s: number): boolean {
    return this.mask(s) !== 0;
  }

  isExact(s: number): boolean {
    return this.mask(s) === SLOT_FULL_MASK[s];
  }

  /** Canonical identity string: equal iff the matches are identical. */
  key(): string {
    if (this.cachedKey === undefined) {
      let k = '';
      for (let s = 0; s < N_SLOTS; s++) {
        const m = this.masks[s] ?? 0;
        if (m !== 0) k += `${s}:${this.values[s] ?? 0}/${m},`;
      }
      this.cachedKey = k;
    }
    return this.cachedKey;
  }

  equals(o: Match): boolean {
    return this.key() === o.key();
  }

  isCatchAll(): boolean {
    return this.key() === '';
  }

  matchesVector(vec: Int32Array): boolean {
    for (let s = 0; s < N_SLOTS; s++) {
      const m = this.masks[s] ?? 0;
      if (m !== 0 && ((vec[s] ?? 0) & m) !== this.values[s]) return false;
    }
    return true;
  }

  /**
   * cls_rule_is_loose_match(this, criteria): every packet this match accepts is also
   * accepted by `criteria` — i.e. `this` is at least as specific on each field the
   * criteria constrain. Non-strict modify/delete select flows this way.
   */
  isCoveredBy(criteria: Match): boolean {
    for (let s = 0; s < N_SLOTS; s++) {
      const cm = criteria.masks[s] ?? 0;
      if (cm === 0) continue;
      const m = this.masks[s] ?? 0;
      if ((m & cm) !== cm) return false;
      if (((this.values[s] ?? 0) ^ (criteria.values[s] ?? 0)) & cm) return false;
    }
    return true;
  }

  dlType(): number | undefined {
    return this.has(S_DL_TYPE) ? this.value(S_DL_TYPE) : undefined;
  }

  nwProto(): number | undefined {
    return this.has(S_NW_PROTO) ? this.value(S_NW_PROTO) : undefined;
  }

  /** MAC (48-bit) value and mask of dl_src / dl_dst. */
  mac(which: 'src' | 'dst'): { value: number; mask: number } | undefined {
    const hi = which === 'src' ? S_DL_SRC_HI : S_DL_DST_HI;
    const lo = which === 'src' ? S_DL_SRC_LO : S_DL_DST_LO;
    if (!this.has(hi) && !this.has(lo)) return undefined;
    return {
      value: (this.value(hi) & 0xffff) * TWO32 + (this.value(lo) >>> 0),
      mask: (this.mask(hi) & 0xffff) * TWO32 + (this.mask(lo) >>> 0),
    };
  }

  metadata(): { value: bigint; mask: bigint } | undefined {
    if (!this.has(S_META_HI) && !this.has(S_META_LO)) return undefined;
    const j = (hi: number, lo: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    return { value: j(this.value(S_META_HI), this.value(S_META_LO)), mask: j(this.mask(S_META_HI), this.mask(S_META_LO)) };
  }
}

/**
 * Fluent construction, for code that renders programs without going through text:
 * `matchOf().tcp().nwDst(vip).tpDst(80).ctState(CT_NEW | CT_TRK, CT_NEW | CT_TRK).build()`.
 */
export class MatchBuilder {
  private values: Int32Array;
  private masks: Int32Array;

  constructor(from?: Match) {
    this.values = from === undefined ? new Int32Array(N_SLOTS) : new Int32Array(from.values);
    this.masks = from === undefined ? new Int32Array(N_SLOTS) : new Int32Array(from.masks);
  }

  /** The match; the builder starts over from a copy if used again. */
  build(): Match {
    const m = Match.fromArrays(this.values, this.masks);
    this.values = new Int32Array(this.values);
    this.masks = new Int32Array(this.masks);
    return m;
  }

  slot(s: number, value: number, mask: number = SLOT_FULL_MASK[s] ?? 0): this {
    const m = mask & (SLOT_FULL_MASK[s] ?? 0);
    this.masks[s] = m;
    this.values[s] = value & m;
    return this;
  }

  inPort(p: number): this {
    return this.slot(S_IN_PORT, p);
  }
  dlSrc(mac: number, mask = 0xffffffffffff): this {
    return this.macSlots(S_DL_SRC_HI, S_DL_SRC_LO, mac, mask);
  }
  dlDst(mac: number, mask = 0xffffffffffff): this {
    return this.macSlots(S_DL_DST_HI, S_DL_DST_LO, mac, mask);
  }
  /** 802.1Q VID, or -1 to match untagged frames only. */
  dlVlan(vid: number): this {
    return vid < 0 ? this.slot(S_VLAN_TCI, 0, 0xffff) : this.slot(S_VLAN_TCI, 0x1000 | (vid & 0xfff), 0x1fff);
  }
  vlanTci(tci: number, mask = 0xffff): this {
    return this.slot(S_VLAN_TCI, tci, mask);
  }
  dlType(t: number): this {
    return this.slot(S_DL_TYPE, t);
  }
  ip(): this {
    return this.dlType(ETH_TYPE_IPV4);
  }
  arp(): this {
    return this.dlType(ETH_TYPE_ARP);
  }
  tcp(): this {
    return this.ip().nwProto(IP_PROTO_TCP);
  }
  udp(): this {
    return this.ip().nwProto(IP_PROTO_UDP);
  }
  icmp(): this {
    return this.ip().nwProto(IP_PROTO_ICMP);
  }
  nwProto(p: number): this {
    return this.slot(S_NW_PROTO, p);
  }
  /** `prefix` is a prefix length (0..32); use nwSrcMask for arbitrary masks. */
  nwSrc(addr: number, prefix = 32): this {
    return this.slot(S_NW_SRC, addr, prefixMask(prefix));
  }
  nwDst(addr: number, prefix = 32): this {
    return this.slot(S_NW_DST, addr, prefixMask(prefix));
  }
  nwSrcMask(addr: number, mask: number): this {
    return this.slot(S_NW_SRC, addr, mask);
  }
  nwDstMask(addr: number, mask: number): this {
    return this.slot(S_NW_DST, addr, mask);
  }
  nwTos(tos: number): this {
    return this.slot(S_NW_TOS, tos, 0xfc);
  }
  nwTtl(ttl: number): this {
    return this.slot(S_NW_TTL, ttl);
  }
  tpSrc(port: number, mask = 0xffff): this {
    return this.slot(S_TP_SRC, port, mask);
  }
  tpDst(port: number, mask = 0xffff): this {
    return this.slot(S_TP_DST, port, mask);
  }
  tcpFlags(flags: number, mask = 0x0fff): this {
    return this.slot(S_TCP_FLAGS, flags, mask);
  }
  arpOp(op: number): this {
    return this.slot(S_ARP_OP, op);
  }
  ctState(bits: number, mask: number): this {
    return this.slot(S_CT_STATE, bits, mask);
  }
  ctZone(zone: number, mask = 0xffff): this {
    return this.slot(S_CT_ZONE, zone, mask);
  }
  ctMark(mark: number, mask = 0xffffffff): this {
    return this.slot(S_CT_MARK, mark, mask);
  }
  reg(i: number, value: number, mask = 0xffffffff): this {
    if (i < 0 || i > 15) throw new RangeError(`reg${i} does not exist`);
    return this.slot(S_REG0 + i, value, mask);
  }
  metadata(value: bigint, mask: bigint = 0xffffffffffffffffn): this {
    this.slot(S_META_HI, Number((value >> 32n) & 0xffffffffn), Number((mask >> 32n) & 0xffffffffn));
    return this.slot(S_META_LO, Number(value & 0xffffffffn), Number(mask & 0xffffffffn));
  }

  private macSlots(hi: number, lo: number, mac: number, mask: number): this {
    this.slot(hi, Math.floor(mac / TWO32) & 0xffff, Math.floor(mask / TWO32) & 0xffff);
    return this.slot(lo, mac % TWO32, mask % TWO32);
  }
}

export function matchOf(): MatchBuilder {
  return new MatchBuilder();
}

export function prefixMask(prefix: number): number {
  if (prefix < 0 || prefix > 32) throw new RangeError(`bad prefix length ${prefix}`);
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/**
 * OpenFlow prerequisites (ovs-fields(7)): L3 fields need an IPv4 or ARP dl_type, L4
 * fields a transport nw_proto. OVS rejects flows that violate them (OFPBMC_BAD_PREREQ).
 */
export function checkPrerequisites(m: Match): string | undefined {
  const dl = m.dlType();
  const proto = m.nwProto();
  const isIp = dl === ETH_TYPE_IPV4;
  const isArp = dl === ETH_TYPE_ARP;
  if ((m.has(S_NW_SRC) || m.has(S_NW_DST)) && !isIp && !isArp) return 'nw_src/nw_dst require ip or arp';
  if ((m.has(S_NW_PROTO) || m.has(S_NW_TOS) || m.has(S_NW_TTL)) && !isIp) return 'nw_proto/nw_tos/nw_ttl require ip';
  if (m.has(S_ARP_OP) && !isArp) return 'arp_op requires arp';
  if (m.has(S_TP_SRC) || m.has(S_TP_DST)) {
    if (!isIp || (proto !== IP_PROTO_TCP && proto !== IP_PROTO_UDP && proto !== IP_PROTO_ICMP && proto !== 132)) {
      return 'tp_src/tp_dst require tcp, udp, sctp or icmp';
    }
  }
  if (m.has(S_TCP_FLAGS) && !(isIp && proto === IP_PROTO_TCP)) return 'tcp_flags requires tcp';
  return undefined;
}


const FIELD_SLOT: Readonly<Record<string, number>> = {
  in_port: S_IN_PORT,
  vlan_tci: S_VLAN_TCI,
  eth_type: S_DL_TYPE,
  ip_src: S_NW_SRC,
  arp_spa: S_NW_SRC,
  ip_dst: S_NW_DST,
  arp_tpa: S_NW_DST,
  arp_op: S_ARP_OP,
  nw_proto: S_NW_PROTO,
  nw_tos: S_NW_TOS,
  nw_ttl: S_NW_TTL,
  tcp_src: S_TP_SRC,
  udp_src: S_TP_SRC,
  icmp_type: S_TP_SRC,
  tcp_dst: S_TP_DST,
  udp_dst: S_TP_DST,
  icmp_code: S_TP_DST,
  tcp_flags: S_TCP_FLAGS,
  ct_state: S_CT_STATE,
  ct_zone: S_CT_ZONE,
  ct_mark: S_CT_MARK,
};

/**
 * Adds a (value, mask) constraint on a named field to a match, merging with bits of the
 * same field already constrained (learn() builds matches bit range by bit range).
 */
export function matchSetField(m: Match, f: MfField, value: bigint, mask: bigint): Match {
  const merge = (mm: Match, s: number, v: number, k: number): Match => {
    const oldMask = mm.mask(s);
    const nm = oldMask | k;
    return mm.with(s, (mm.value(s) & ~k) | (v & k), nm);
  };
  const lo32 = (x: bigint) => Number(x & 0xffffffffn) | 0;
  const hi = (x: bigint, bits: bigint) => Number((x >> 32n) & ((1n << bits) - 1n)) | 0;
  switch (f.name) {
    case 'eth_src':
      return merge(merge(m, S_DL_SRC_HI, hi(value, 16n), hi(mask, 16n)), S_DL_SRC_LO, lo32(value), lo32(mask));
    case 'eth_dst':
      return merge(merge(m, S_DL_DST_HI, hi(value, 16n), hi(mask, 16n)), S_DL_DST_LO, lo32(value), lo32(mask));
    case 'metadata':
      return merge(merge(m, S_META_HI, hi(value, 32n), hi(mask, 32n)), S_META_LO, lo32(value), lo32(mask));
    case 'dl_vlan':
      return merge(m, S_VLAN_TCI, lo32(value) | 0x1000, (lo32(mask) & 0xfff) | 0x1000);
  }
  const reg = /^reg(\d+)$/.exec(f.name);
  const slot = reg !== null ? S_REG0 + Number(reg[1]) : FIELD_SLOT[f.name];
  if (slot === undefined) throw new Error(`field ${f.name} cannot be matched`);
  return merge(m, slot, lo32(value), lo32(mask));
}
