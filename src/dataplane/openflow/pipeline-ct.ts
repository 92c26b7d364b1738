// Helpers between the ct() action and the connection tracker: the request and packet
// info handed over, and applying the answer to a FlowKey.
import type { CtPacketInfo, CtQuotedTuple, CtRequest, CtTuple } from '../conntrack/types.js';
import { IP_PROTO_ICMP, IP_PROTO_TCP, IP_PROTO_UDP, type FlowKey } from '../flow-key.js';
import type { CtAction } from './actions.js';

export function ctRequest(a: CtAction, zone: number, now: number): CtRequest {
  const commit = a.commit;
  const setMark = a.exec.length === 0 ? undefined : markOf(a);
  let nat: CtRequest['nat'];
  // NatRange carries `kind`, so it is a NatSpec as it stands.
  if (a.nat !== undefined) nat = a.nat.range !== undefined ? { spec: a.nat.range } : {};
  if (nat !== undefined) return setMark !== undefined ? { zone, commit, nat, setMark, now } : { zone, commit, nat, now };
  return setMark !== undefined ? { zone, commit, setMark, now } : { zone, commit, now };
}

/**
 * What conntrack sees of the packet. `bytes` is the frame length, used to estimate the
 * L4 payload when the caller gives none; `icmpId` stands in for the echo id FlowKey lacks.
 */
export function ctPacketInfo(
  k: FlowKey,
  bytes: number,
  payloadLength: number | undefined,
  icmpId: number,
  quoted: CtQuotedTuple | undefined,
): CtPacketInfo {
  const l4 = k.nwProto === IP_PROTO_TCP || k.nwProto === IP_PROTO_UDP;
  const icmp = k.nwProto === IP_PROTO_ICMP;
  const header = k.nwProto === IP_PROTO_TCP ? 20 : l4 || icmp ? 8 : 0;
  const payload = payloadLength ?? Math.max(0, bytes - 14 - (k.dlVlan >= 0 ? 4 : 0) - 20 - header);
  const echo = icmp && (k.tpSrc === 8 || k.tpSrc === 0);
  const info: CtPacketInfo = {
    tuple: { src: k.nwSrc, dst: k.nwDst, proto: k.nwProto, srcPort: l4 ? k.tpSrc : echo ? icmpId : 0, dstPort: l4 ? k.tpDst : 0 },
    tcpFlags: k.tcpFlags,
    icmpType: icmp ? k.tpSrc : 0,
    icmpCode: icmp ? k.tpDst : 0,
    payloadLength: payload,
  };
  return quoted !== undefined && icmp ? { ...info, quoted } : info;
}

/** exec(set_field:V[/M]->ct_mark) or exec(load:V->NXM_NX_CT_MARK[..]) as a CtRequest.setMark. */
function markOf(a: CtAction): CtRequest['setMark'] {
  let setMark: CtRequest['setMark'];
  for (const x of a.exec) {
    if (x.type === 'set_field' && x.field.name === 'ct_mark') {
      setMark = { value: Number(x.value), mask: x.mask === undefined ? 0xffffffff : Number(x.mask) };
    } else if (x.type === 'load' && x.dst.field.name === 'ct_mark') {
      const m = ((1n << BigInt(x.dst.nBits)) - 1n) << BigInt(x.dst.ofs);
      setMark = { value: Number((x.value << BigInt(x.dst.ofs)) & m), mask: Number(m) };
    }
  }
  return setMark;
}

export function applyTranslation(k: FlowKey, t: CtTuple): void {
  k.nwSrc = t.src;
  k.nwDst = t.dst;
  if (k.nwProto === IP_PROTO_TCP || k.nwProto === IP_PROTO_UDP) {
    k.tpSrc = t.srcPort;
    k.tpDst = t.dstPort;
  }
}

export function clearCt(k: FlowKey): void {
  k.ctState = 0;
  k.ctZone = 0;
  k.ctMark = 0;
}
