// The answers to a rejected packet, as Linux's REJECT target sends them (nf_send_reset,
// nf_send_unreach -> icmp_send). The router (a routed packet), the bridge hook (a bridged
// one) and the proxy's OpenFlow reject (packet-in) all answer the same way; building the
// answer here once keeps the three from drifting apart on RFC details such as the RST's
// sequence numbers.
import type { IPv4 } from '../../core/ip.js';
import { EMPTY_BYTES } from '../wire/checksum.js';
import { emitFrame, type Frame, type L4 } from '../wire/frame.js';
import { icmpQuote, icmpTypeCode, isIcmpErrorType, type IcmpRepr } from '../wire/icmp.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpRepr } from '../wire/tcp.js';
import type { RejectWith } from './router-types.js';

/** Destination-unreachable codes (RFC 792, RFC 1812) of the ICMP rejects. */
export const REJECT_CODE: Readonly<Record<Exclude<RejectWith, 'tcp-reset'>, number>> = {
  'icmp-net-unreachable': 0,
  'icmp-host-unreachable': 1,
  'icmp-proto-unreachable': 2,
  'icmp-port-unreachable': 3,
  'icmp-net-prohibited': 9,
  'icmp-host-prohibited': 10,
  'icmp-admin-prohibited': 13,
};

/**
 * The TCP header of the RST refusing `seg` (RFC 9293 3.10.7.1): to a segment without ACK,
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><RST,ACK>; to one with ACK, <SEQ=SEG.ACK><RST>. Undefined
 * for an RST, which is never answered. `ports` default to the segment's, swapped; the
 * OpenFlow reject passes the Service's own, as the client addressed it before DNAT.
 */
export function tcpResetFor(seg: TcpRepr, ports: { readonly srcPort: number; readonly dstPort: number } = { srcPort: seg.dstPort, dstPort: seg.srcPort }): TcpRepr | undefined {
  if ((seg.flags & TCP_RST) !== 0) return undefined;
  const hasAck = (seg.flags & TCP_ACK) !== 0;
  const len = seg.payload.length + ((seg.flags & TCP_SYN) !== 0 ? 1 : 0) + ((seg.flags & TCP_FIN) !== 0 ? 1 : 0);
  return {
    srcPort: ports.srcPort,
    dstPort: ports.dstPort,
    seq: hasAck ? seg.ack : 0,
    ack: hasAck ? 0 : (seg.seq + len) >>> 0,
    flags: hasAck ? TCP_RST : TCP_RST | TCP_ACK,
    window: 0,
    urgentPointer: 0,
    options: EMPTY_BYTES,
    payload: EMPTY_BYTES,
  };
}

export interface RejectAnswer {
  readonly src: IPv4;
  readonly dst: IPv4;
  readonly l4: L4;
}

/**
 * The answer REJECT sends for `frame`: a TCP RST from the packet's destination, or an ICMP
 * destination unreachable from `icmpFrom` (the caller's choice of its own address);
 * undefined when nothing is sent (RST for an RST or a non-TCP packet, ICMP about an ICMP
 * error, a non-initial fragment, a non-unicast source, no address to send ICMP from).
 * The caller originates it from its IP stack.
 */
export function rejectAnswer(how: RejectWith, frame: Frame, icmpFrom: IPv4 | undefined): RejectAnswer | undefined {
  const l3 = frame.l3;
  if (l3.kind !== 'ipv4') return undefined;
  const ip = l3.ip;
  const src = ip.src;
  if (src === 0 || src >>> 0 >= 0xe0000000 || ip.fragmentOffset !== 0) return undefined;
  if (how === 'tcp-reset') {
    if (l3.l4.kind !== 'tcp') return undefined;
    const tcp = tcpResetFor(l3.l4.tcp);
    return tcp === undefined ? undefined : { src: ip.dst, dst: src, l4: { kind: 'tcp', tcp } };
  }
  if (l3.l4.kind === 'icmp' && isIcmpErrorType(icmpTypeCode(l3.l4.icmp).type)) return undefined;
  if (icmpFrom === undefined) return undefined;
  const icmp: IcmpRepr = { kind: 'dest-unreachable', code: REJECT_CODE[how], nextHopMtu: 0, original: icmpQuote(emitFrame(frame).subarray(14)) };
  return { src: icmpFrom, dst: src, l4: { kind: 'icmp', icmp } };
}
