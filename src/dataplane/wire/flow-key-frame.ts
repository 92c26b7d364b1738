// The bridge between bytes and the classifier: extract a FlowKey from a parsed frame,
// and write a (possibly rewritten) FlowKey back so NAT and set_field reach the bytes.
// Checksums are not touched here; emitFrame recomputes them.
import { ipv4 } from '../../core/ip.js';
import { emptyFlowKey, type FlowKey } from '../flow-key.js';
import { icmpTypeCode } from './icmp.js';
import type { Frame } from './frame.js';

export function flowKeyFromFrame(frame: Frame, inPort: number): FlowKey {
  const k = emptyFlowKey();
  fillFlowKey(k, frame, inPort);
  return k;
}

/** Overwrites every field of `k` (registers, metadata and ct fields are zeroed). */
export function fillFlowKey(k: FlowKey, frame: Frame, inPort: number): void {
  k.inPort = inPort;
  k.dlSrc = frame.eth.src;
  k.dlDst = frame.eth.dst;
  k.dlVlan = frame.eth.vlan === undefined ? -1 : frame.eth.vlan.vid;
  k.dlType = frame.eth.etherType;
  k.nwSrc = 0;
  k.nwDst = 0;
  k.nwProto = 0;
  k.nwTtl = 0;
  k.nwTos = 0;
  k.tpSrc = 0;
  k.tpDst = 0;
  k.tcpFlags = 0;
  k.arpOp = 0;
  k.ctState = 0;
  k.ctZone = 0;
  k.ctMark = 0;
  k.regs.fill(0);
  k.metadata = 0n;
  const l3 = frame.l3;
  if (l3.kind === 'arp') {
    // As in OVS: ARP spa/tpa in nw_src/nw_dst, the opcode's low byte in nw_proto.
    k.nwSrc = l3.arp.senderIp;
    k.nwDst = l3.arp.targetIp;
    k.arpOp = l3.arp.op;
    k.nwProto = l3.arp.op & 0xff;
    return;
  }
  if (l3.kind !== 'ipv4') return;
  const ip = l3.ip;
  k.nwSrc = ip.src;
  k.nwDst = ip.dst;
  k.nwProto = ip.protocol;
  k.nwTtl = ip.ttl;
  // OVS nw_tos is the DSCP part of the byte (ECN is nw_ecn, not modelled).
  k.nwTos = ip.tos & 0xfc;
  const l4 = l3.l4;
  switch (l4.kind) {
    case 'tcp':
      k.tpSrc = l4.tcp.srcPort;
      k.tpDst = l4.tcp.dstPort;
      k.tcpFlags = l4.tcp.flags;
      break;
    case 'udp':
      k.tpSrc = l4.udp.srcPort;
      k.tpDst = l4.udp.dstPort;
      break;
    case 'icmp': {
      const tc = icmpTypeCode(l4.icmp);
      k.tpSrc = tc.type;
      k.tpDst = tc.code;
      break;
    }
    case 'raw':
      break;
  }
}

/**
 * Writes MACs, VLAN, ARP op/addresses, IPv4 addresses, TTL, DSCP and TCP/UDP ports from
 * `key` into `frame` (in place). dlVlan -1 removes a tag; a VLAN id on an untagged frame
 * pushes one (PCP 0). ICMP type/code are not rewritten.
 */
export function applyFlowKeyToFrame(frame: Frame, key: FlowKey): void {
  const eth = frame.eth;
  eth.src = key.dlSrc;
  eth.dst = key.dlDst;
  if (key.dlVlan < 0) delete eth.vlan;
  else if (eth.vlan === undefined) eth.vlan = { pcp: 0, dei: 0, vid: key.dlVlan & 0xfff };
  else eth.vlan.vid = key.dlVlan & 0xfff;
  const l3 = frame.l3;
  if (l3.kind === 'arp') {
    l3.arp.op = key.arpOp;
    l3.arp.senderIp = ipv4(key.nwSrc);
    l3.arp.targetIp = ipv4(key.nwDst);
    return;
  }
  if (l3.kind !== 'ipv4') return;
  const ip = l3.ip;
  ip.src = ipv4(key.nwSrc);
  ip.dst = ipv4(key.nwDst);
  ip.ttl = key.nwTtl & 0xff;
  ip.tos = (key.nwTos & 0xfc) | (ip.tos & 0x03);
  const l4 = l3.l4;
  if (l4.kind === 'tcp') {
    l4.tcp.srcPort = key.tpSrc & 0xffff;
    l4.tcp.dstPort = key.tpDst & 0xffff;
  } else if (l4.kind === 'udp') {
    l4.udp.srcPort = key.tpSrc & 0xffff;
    l4.udp.dstPort = key.tpDst & 0xffff;
  }
}
