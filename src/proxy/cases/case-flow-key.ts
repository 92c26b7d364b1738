// The packets of the cases as FlowKeys, and the cases' "ip:port" addresses both ways.
// Shared by the case runners so that every mode is sent the very same packet for a step.
import { formatIPv4, parseIPv4, type IPv4 } from '../../core/ip.js';
import { emptyFlowKey, ETH_TYPE_IPV4, IP_PROTO_TCP, IP_PROTO_UDP, type FlowKey } from '../../dataplane/flow-key.js';
import type { Addr, Proto } from './case-types.js';

export interface CaseEndpoint {
  readonly ip: number;
  readonly port: number;
}

/** "10.0.0.1:80" -> address and port; a bad address is a bug in the case data, so it throws. */
export function parseCaseAddr(a: Addr): CaseEndpoint {
  const i = a.lastIndexOf(':');
  const ip = parseIPv4(a.slice(0, i));
  if (!ip.ok) throw new Error(`bad address ${a}`);
  return { ip: ip.value, port: Number(a.slice(i + 1)) };
}

export const formatCaseAddr = (ip: number, port: number): Addr => `${formatIPv4((ip >>> 0) as IPv4)}:${port}`;

/** An IPv4 TCP/UDP packet's key; `tcpFlags` only count for TCP. */
export function caseFlowKey(proto: Proto, from: CaseEndpoint, to: CaseEndpoint, tcpFlags: number, inPort = 0): FlowKey {
  const k = emptyFlowKey();
  k.inPort = inPort;
  k.dlType = ETH_TYPE_IPV4;
  k.nwProto = proto === 'TCP' ? IP_PROTO_TCP : IP_PROTO_UDP;
  k.nwTtl = 64;
  k.nwSrc = from.ip;
  k.nwDst = to.ip;
  k.tpSrc = from.port;
  k.tpDst = to.port;
  k.tcpFlags = proto === 'TCP' ? tcpFlags : 0;
  return k;
}
