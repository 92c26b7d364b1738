// The controller side of the proxy's reject flows: a bridge packet-in handler that
// answers a packet marked for reject (../render/openflow/reject.ts) as the refused
// frontend would, back out of the port the packet came in on:
//   TCP -> RST (RFC 9293 3.10.7.1: to a segment without ACK, <SEQ=0><ACK=SEG.SEQ+SEG.LEN>
//          <RST,ACK>; to one with ACK, <SEQ=SEG.ACK><RST>), so the client gets ECONNREFUSED;
//   else -> ICMP port unreachable quoting the packet's IP header and first 8 bytes.
// Ethernet addresses are swapped and the VLAN tag (if any) kept, so the reply leaves the
// in_port the way the request arrived on it. Packet-ins that are not the proxy's reject
// (other controller actions) get no answer.
import type { IPv4 } from '../../core/ip.js';
import type { PacketIn, PacketOut } from '../../dataplane/fabric/index.js';
import { ETH_TYPE_IPV4 } from '../../dataplane/flow-key.js';
import type { PipelineOutput } from '../../dataplane/openflow/index.js';
import { EMPTY_BYTES } from '../../dataplane/wire/checksum.js';
import { ethernetHeaderLength, type EthernetHeader } from '../../dataplane/wire/ethernet.js';
import { emitFrame, parseFrame, type L4 } from '../../dataplane/wire/frame.js';
import { icmpPortUnreachable } from '../../dataplane/wire/icmp.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../../dataplane/wire/tcp.js';
import { rejectReplyFor } from '../render/openflow/reject.js';

/** The reply frame for a reject-marked packet-in, or undefined (not ours, or not answerable). */
export function rejectFrameFor(frame: Uint8Array, output: PipelineOutput): Uint8Array | undefined {
  const reply = rejectReplyFor(output);
  if (reply === undefined) return undefined;
  const pr = parseFrame(frame, { verifyChecksum: false });
  if (!pr.ok || pr.value.l3.kind !== 'ipv4') return undefined;
  const f = pr.value;
  const l3 = pr.value.l3;
  let l4: L4;
  if (reply.kind === 'tcp-rst') {
    // A fragment carries no TCP header to answer.
    if (l3.l4.kind !== 'tcp') return undefined;
    const t = l3.l4.tcp;
    // An RST never answers an RST (RFC 9293).
    if ((t.flags & TCP_RST) !== 0) return undefined;
    const segLen = t.payload.length + ((t.flags & TCP_SYN) !== 0 ? 1 : 0) + ((t.flags & TCP_FIN) !== 0 ? 1 : 0);
    const withAck = (t.flags & TCP_ACK) !== 0;
    l4 = {
      kind: 'tcp',
      tcp: {
        srcPort: reply.srcPort,
        dstPort: reply.dstPort,
        seq: withAck ? t.ack : 0,
        ack: withAck ? 0 : (t.seq + segLen) >>> 0,
        flags: withAck ? TCP_RST : TCP_RST | TCP_ACK,
        window: 0,
        urgentPointer: 0,
        options: EMPTY_BYTES,
        payload: EMPTY_BYTES,
      },
    };
  } else {
    l4 = { kind: 'icmp', icmp: icmpPortUnreachable(frame.subarray(ethernetHeaderLength(f.eth))) };
  }
  const eth: EthernetHeader = { dst: f.eth.src, src: f.eth.dst, etherType: ETH_TYPE_IPV4, ...(f.eth.vlan !== undefined ? { vlan: { ...f.eth.vlan } } : {}) };
  return emitFrame({
    eth,
    l3: {
      kind: 'ipv4',
      ip: { tos: 0, ident: 0, dontFragment: reply.kind === 'tcp-rst', moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: 0, src: reply.src as IPv4, dst: reply.dst as IPv4, options: EMPTY_BYTES },
      l4,
    },
    trailer: EMPTY_BYTES,
  });
}

/** A packet-in handler for a fabric OvsBridge (`bridge.onPacketIn(rejectPacketInHandler)`). */
export function rejectPacketInHandler(pin: PacketIn): readonly PacketOut[] | undefined {
  const reply = rejectFrameFor(pin.frame, pin.output);
  return reply === undefined ? undefined : [{ frame: reply }];
}
