// match_format() from OVS lib/match.c, restricted to the fields modelled here and in the
// same order: priority, ct_state, ct_zone, ct_mark, the dl_type/nw_proto shorthand
// (ip, tcp, ...), registers, metadata, in_port, VLAN, dl_src, dl_dst, dl_type, nw_src,
// nw_dst (arp_spa/arp_tpa for ARP), nw_proto/arp_op, nw_tos, nw_ttl, tp_src/tp_dst
// (icmp_type/icmp_code for ICMP), tcp_flags. That order is why the article prints
// `priority=100,ct_state=-new+trk,ip,nw_dst=...` and `priority=90,ip,in_port=ens192`.
import { ETH_TYPE_ARP, ETH_TYPE_IPV4, ETH_TYPE_IPV6, IP_PROTO_ICMP, IP_PROTO_TCP, IP_PROTO_UDP } from '../flow-key.js';
import {
  S_ARP_OP,
  S_CT_MARK,
  S_CT_STATE,
  S_CT_ZONE,
  S_IN_PORT,
  S_NW_DST,
  S_NW_SRC,
  S_NW_TOS,
  S_NW_TTL,
  S_REG0,
  S_TCP_FLAGS,
  S_TP_DST,
  S_TP_SRC,
  S_VLAN_TCI,
} from './fields.js';
import { OFP_DEFAULT_PRIORITY } from './flow.js';
import type { Match } from './match.js';
import { formatPort, type PortMap } from './port-map.js';
import { formatFlags, formatFlagsMasked, formatIPMasked, formatMac, hexAlt } from './values.js';

const u32 = (v: number) => v >>> 0;

function uint32Masked(name: string, v: number, m: number): string {
  return u32(m) === 0xffffffff ? `${name}=${hexAlt(u32(v))},` : `${name}=${hexAlt(u32(v))}/${hexAlt(u32(m))},`;
}

function be16Masked(name: string, v: number, m: number, full = 0xffff): string {
  return m === full ? `${name}=${v},` : `${name}=0x${v.toString(16)}/0x${m.toString(16)},`;
}

function ethMasked(name: string, mac: { value: number; mask: number }): string {
  return mac.mask === 0xffffffffffff ? `${name}=${formatMac(mac.value)},` : `${name}=${formatMac(mac.value)}/${formatMac(mac.mask)},`;
}

/** The match as dump-flows prints it, with `priority=` first unless it is the default. */
export function formatMatch(m: Match, priority: number = OFP_DEFAULT_PRIORITY, ports?: PortMap): string {
  let s = '';
  if (priority !== OFP_DEFAULT_PRIORITY) s += `priority=${priority},`;

  if (m.has(S_CT_STATE)) {
    const v = m.value(S_CT_STATE);
    const mask = m.mask(S_CT_STATE);
    s += mask === 0xff ? `ct_state=${v === 0 ? '0' : formatFlags('ct_state', v, '|')},` : `ct_state=${formatFlagsMasked('ct_state', v, mask, 0xff)},`;
  }
  if (m.has(S_CT_ZONE)) {
    const v = m.value(S_CT_ZONE);
    const mask = m.mask(S_CT_ZONE);
    s += mask === 0xffff ? `ct_zone=${v},` : `ct_zone=0x${v.toString(16)}/0x${mask.toString(16)},`;
  }
  if (m.has(S_CT_MARK)) s += uint32Masked('ct_mark', m.value(S_CT_MARK), m.mask(S_CT_MARK));

  const dlType = m.dlType();
  const proto = m.nwProto();
  let skipType = false;
  let skipProto = false;
  if (dlType !== undefined) {
    skipType = true;
    if (dlType === ETH_TYPE_IPV4) {
      const shorthand =
        proto === IP_PROTO_ICMP ? 'icmp' : proto === 2 ? 'igmp' : proto === IP_PROTO_TCP ? 'tcp' : proto === IP_PROTO_UDP ? 'udp' : proto === 132 ? 'sctp' : undefined;
      if (shorthand !== undefined) {
        skipProto = true;
        s += `${shorthand},`;
      } else s += 'ip,';
    } else if (dlType === ETH_TYPE_IPV6) s += 'ipv6,';
    else if (dlType === ETH_TYPE_ARP) s += 'arp,';
    else if (dlType === 0x8035) s += 'rarp,';
    else if (dlType === 0x8847) s += 'mpls,';
    else if (dlType === 0x8848) s += 'mplsm,';
    else skipType = false;
  }

  for (let i = 0; i < 16; i++) if (m.has(S_REG0 + i)) s += uint32Masked(`reg${i}`, m.value(S_REG0 + i), m.mask(S_REG0 + i));

  const meta = m.metadata();
  if (meta !== undefined) {
    s += meta.mask === 0xffffffffffffffffn ? `metadata=${hexAlt(meta.value)},` : `metadata=${hexAlt(meta.value)}/${hexAlt(meta.mask)},`;
  }

  if (m.has(S_IN_PORT)) s += `in_port=${formatPort(m.value(S_IN_PORT), ports)},`;

  if (m.has(S_VLAN_TCI)) {
    const tci = m.value(S_VLAN_TCI);
    const mask = m.mask(S_VLAN_TCI);
    const vidMask = mask & 0x0fff;
    const pcpMask = mask & 0xe000;
    if (mask & 0x1000 && tci & 0x1000 && (vidMask === 0 || vidMask === 0x0fff) && (pcpMask === 0 || pcpMask === 0xe000) && (vidMask || pcpMask)) {
      if (vidMask) s += `dl_vlan=${tci & 0xfff},`;
      if (pcpMask) s += `dl_vlan_pcp=${tci >>> 13},`;
    } else if (mask === 0xffff) {
      s += `vlan_tci=0x${tci.toString(16).padStart(4, '0')},`;
    } else {
      s += `vlan_tci=0x${tci.toString(16).padStart(4, '0')}/0x${mask.toString(16).padStart(4, '0')},`;
    }
  }

  const src = m.mac('src');
  if (src !== undefined) s += ethMasked('dl_src', src);
  const dst = m.mac('dst');
  if (dst !== undefined) s += ethMasked('dl_dst', dst);

  if (!skipType && dlType !== undefined) s += `dl_type=0x${dlType.toString(16).padStart(4, '0')},`;

  const isArp = dlType === ETH_TYPE_ARP || dlType === 0x8035;
  if (dlType !== ETH_TYPE_IPV6) {
    const [a, b] = isArp ? ['arp_spa', 'arp_tpa'] : ['nw_src', 'nw_dst'];
    if (m.has(S_NW_SRC)) s += `${a}=${formatIPMasked(m.value(S_NW_SRC), m.mask(S_NW_SRC))},`;
    if (m.has(S_NW_DST)) s += `${b}=${formatIPMasked(m.value(S_NW_DST), m.mask(S_NW_DST))},`;
  }
  if (!skipProto && proto !== undefined) s += `nw_proto=${proto},`;
  if (m.has(S_ARP_OP)) s += `arp_op=${m.value(S_ARP_OP)},`;
  if (m.mask(S_NW_TOS) & 0xfc) s += `nw_tos=${m.value(S_NW_TOS) & 0xfc},`;
  if (m.mask(S_NW_TOS) & 0x03) s += `nw_ecn=${m.value(S_NW_TOS) & 0x03},`;
  if (m.has(S_NW_TTL)) s += `nw_ttl=${m.value(S_NW_TTL)},`;

  const icmp = dlType === ETH_TYPE_IPV4 && proto === IP_PROTO_ICMP;
  if (m.has(S_TP_SRC)) s += be16Masked(icmp ? 'icmp_type' : 'tp_src', m.value(S_TP_SRC), m.mask(S_TP_SRC));
  if (m.has(S_TP_DST)) s += be16Masked(icmp ? 'icmp_code' : 'tp_dst', m.value(S_TP_DST), m.mask(S_TP_DST));
  if (m.has(S_TCP_FLAGS) && dlType === ETH_TYPE_IPV4 && proto === IP_PROTO_TCP) {
    s += `tcp_flags=${formatFlagsMasked('tcp_flags', m.value(S_TCP_FLAGS), m.mask(S_TCP_FLAGS), 0x0fff)},`;
  }
  return s.endsWith(',') ? s.slice(0, -1) : s;
}

