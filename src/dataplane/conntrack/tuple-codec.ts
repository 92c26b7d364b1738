// How a CtTuple becomes the table's 4-word key, and back.
//
// Key words: src, dst, ports, zone << 8 | proto. `ports` is srcPort << 16 | dstPort for
// TCP/UDP (and any other protocol, which passes 0/0); for ICMP it is id << 16 | type,
// because ICMP has no ports and the type tells an echo request (8) from its reply (0):
// the original tuple of a ping carries type 8, the reply tuple type 0, as in Linux.
import { IP_PROTO_ICMP } from '../flow-key.js';
import type { CtTuple } from './types.js';

/** ICMP types that may start a connection, mapped to their reply type (Linux icmp_new). */
const INVERT_TYPE = new Int16Array(256).fill(-1);
for (const [req, rep] of [
  [8, 0], // echo
  [13, 14], // timestamp
  [15, 16], // information
  [17, 18], // address mask
] as const) {
  INVERT_TYPE[req] = rep;
  INVERT_TYPE[rep] = req;
}

export function isIcmpRequestType(type: number): boolean {
  return type === 8 || type === 13 || type === 15 || type === 17;
}

/** Destination unreachable, source quench, redirect, time exceeded, parameter problem. */
export function isIcmpErrorType(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

/** -1 when the ICMP type has no counterpart. */
export function invertIcmpType(type: number): number {
  return INVERT_TYPE[type & 0xff]!;
}

export function zpOf(zone: number, proto: number): number {
  return (((zone & 0xffff) << 8) | (proto & 0xff)) >>> 0;
}

export function portsOf(proto: number, srcPort: number, dstPort: number, icmpType: number): number {
  if (proto === IP_PROTO_ICMP) return (((srcPort & 0xffff) << 16) | (icmpType & 0xff)) >>> 0;
  return (((srcPort & 0xffff) << 16) | (dstPort & 0xffff)) >>> 0;
}

/** Ports of the inverse tuple (swap; for ICMP keep the id and map the type). */
export function invertPorts(proto: number, ports: number): number {
  if (proto === IP_PROTO_ICMP) return ((ports & 0xffff0000) | (invertIcmpType(ports & 0xff) & 0xff)) >>> 0;
  return (((ports & 0xffff) << 16) | (ports >>> 16)) >>> 0;
}

export function tupleOf(proto: number, src: number, dst: number, ports: number): CtTuple {
  if (proto === IP_PROTO_ICMP) return { src, dst, proto, srcPort: ports >>> 16, dstPort: 0 };
  return { src, dst, proto, srcPort: ports >>> 16, dstPort: ports & 0xffff };
}
