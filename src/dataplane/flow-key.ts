// The header fields a packet is classified on, OVS style (see ovs-fields(7)). Extracted
// once from a parsed frame; the classifier, conntrack and actions read and rewrite it.
// Addresses are numbers: MACs as 48-bit integers, IPv4 as uint32 (src/core IPv4).
// IPv6 is not modelled yet (dlType 0x86dd frames are classified on L2 only).

export const ETH_TYPE_IPV4 = 0x0800;
export const ETH_TYPE_ARP = 0x0806;
export const ETH_TYPE_VLAN = 0x8100;
export const ETH_TYPE_IPV6 = 0x86dd;
export const IP_PROTO_ICMP = 1;
export const IP_PROTO_TCP = 6;
export const IP_PROTO_UDP = 17;

/** OVS ct_state bits (ovs-fields(7) values). */
export const CT_NEW = 0x01;
export const CT_EST = 0x02;
export const CT_REL = 0x04;
export const CT_RPL = 0x08;
export const CT_INV = 0x10;
export const CT_TRK = 0x20;
export const CT_SNAT = 0x40;
export const CT_DNAT = 0x80;

export interface FlowKey {
  inPort: number;
  dlSrc: number;
  dlDst: number;
  /** 802.1Q VLAN id, or -1 for untagged. */
  dlVlan: number;
  dlType: number;
  nwSrc: number;
  nwDst: number;
  nwProto: number;
  nwTtl: number;
  nwTos: number;
  /** TCP/UDP ports; for ICMP: tpSrc = type, tpDst = code (as OVS does). */
  tpSrc: number;
  tpDst: number;
  tcpFlags: number;
  /** ARP op (1 request, 2 reply); ARP spa/tpa live in nwSrc/nwDst as in OVS. */
  arpOp: number;
  ctState: number;
  ctZone: number;
  ctMark: number;
  /** reg0..reg15 */
  regs: Uint32Array;
  metadata: bigint;
}

export function emptyFlowKey(): FlowKey {
  return {
    inPort: 0,
    dlSrc: 0,
    dlDst: 0,
    dlVlan: -1,
    dlType: 0,
    nwSrc: 0,
    nwDst: 0,
    nwProto: 0,
    nwTtl: 0,
    nwTos: 0,
    tpSrc: 0,
    tpDst: 0,
    tcpFlags: 0,
    arpOp: 0,
    ctState: 0,
    ctZone: 0,
    ctMark: 0,
    regs: new Uint32Array(16),
    metadata: 0n,
  };
}

// Copies: shallowKey / copyFlowKey in ./openflow/key-copy.ts (explicit field lists keep one object shape on the hot path).
