// Reject, as the OpenFlow program expresses it and as a bridge's packet-in handler must
// carry it out. OpenFlow has no "reject" action; like controllers do (Antrea's reject
// path, for one), the flow sends the packet to the controller with a mark: reg0 bit 1.
// The handler answers the client as if the Service frontend refused it:
//   TCP -> a RST from the frontend (ACK = client's SEQ + 1, as for a refused SYN);
//   UDP / SCTP / other -> ICMP destination unreachable, port unreachable (type 3, code 3),
//     from the frontend, quoting the packet.
// kube-proxy's iptables/nftables `reject` sends ICMP port-unreachable for TCP too; a
// client sees ECONNREFUSED either way.
import { IP_PROTO_TCP, type FlowKey } from '../../../dataplane/flow-key.js';
import type { PipelineOutput } from '../../../dataplane/openflow/index.js';
import { MARK_REJECT, REG_MARKS } from './layout.js';

export type RejectReply =
  | {
      readonly kind: 'tcp-rst';
      /** The RST goes from the frontend the client addressed back to the client. */
      readonly src: number;
      readonly srcPort: number;
      readonly dst: number;
      readonly dstPort: number;
    }
  | { readonly kind: 'icmp-port-unreachable'; readonly src: number; readonly dst: number; readonly type: 3; readonly code: 3 };

export function isRejectMarked(key: FlowKey): boolean {
  return ((key.regs[REG_MARKS] ?? 0) & MARK_REJECT) !== 0;
}

/** The reply a packet-in asks for, or undefined when it is not the proxy's reject. */
export function rejectReplyFor(out: PipelineOutput): RejectReply | undefined {
  if (out.kind !== 'controller' || !isRejectMarked(out.key)) return undefined;
  const k = out.key;
  if (k.nwProto === IP_PROTO_TCP) return { kind: 'tcp-rst', src: k.nwDst, srcPort: k.tpDst, dst: k.nwSrc, dstPort: k.tpSrc };
  return { kind: 'icmp-port-unreachable', src: k.nwDst, dst: k.nwSrc, type: 3, code: 3 };
}
