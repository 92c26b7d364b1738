// The controller side of the proxy's reject flows: a bridge packet-in handler that
// answers a packet marked for reject (../render/openflow/reject.ts) as the refused
// frontend would, back out of the port the packet came in on:
//   TCP -> RST (tcpResetFor, the dataplane's REJECT answer: RFC 9293 3.10.7.1), so the
//          client gets ECONNREFUSED;
//   else -> ICMP port unreachable quoting the packet's IP header and first 8 bytes.
// Ethernet addresses are swapped and the VLAN tag (if any) kept, so the reply leaves the
// in_port the way the request arrived on it. Packet-ins that are not the proxy's reject
// (other controller actions) get no answer.
import type { IPv4 } from '../../core/ip.js';
import type { PacketIn, PacketOut } from '../../dataplane/fabric/index.js';
import { tcpResetFor } from '../../dataplane/fabric/reject-answer.js';
import { ETH_TYPE_IPV4 } from '../../dataplane/flow-key.js';
import type { PipelineOutput } from '../../dataplane/openflow/index.js';
import { EMPTY_BYTES } from '../../dataplane/wire/checksum.js';
import { ethernetHeaderLength, type EthernetHeader } from '../../dataplane/wire/ethernet.js';
import { emitFrame, parseFrame, type L4 } from '../../dataplane/wire/frame.js';
import { icmpPortUnreachable } from '../../dataplane/wire/icmp.js';
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
    // An RST is never answered (tcpResetFor); the RST comes from the frontend the client addressed.
    const tcp = tcpResetFor(l3.l4.tcp, reply);
    if (tcp === undefined) return undefined;
    l4 = { kind: 'tcp', tcp };
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
