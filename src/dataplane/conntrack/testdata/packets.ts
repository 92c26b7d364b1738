// Builders for CtPacketInfo / CtRequest in conntrack tests.
import { parseIPv4 } from '../../../core/ip.js';
import { unwrap } from '../../../core/result.js';
import { CT_DNAT, CT_EST, CT_INV, CT_NEW, CT_REL, CT_RPL, CT_SNAT, CT_TRK } from '../../flow-key.js';
import type { CtPacketInfo, CtQuotedTuple, CtRequest, NatSpec } from '../types.js';

export const T0 = Date.UTC(2026, 0, 1);
export const ip = (s: string): number => unwrap(parseIPv4(s));

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

export function tcp(src: string, sport: number, dst: string, dport: number, flags: number, payloadLength = 0): CtPacketInfo {
  return { tuple: { src: ip(src), dst: ip(dst), proto: 6, srcPort: sport, dstPort: dport }, tcpFlags: flags, icmpType: 0, icmpCode: 0, payloadLength };
}

export function udp(src: string, sport: number, dst: string, dport: number, payloadLength = 32): CtPacketInfo {
  return { tuple: { src: ip(src), dst: ip(dst), proto: 17, srcPort: sport, dstPort: dport }, tcpFlags: 0, icmpType: 0, icmpCode: 0, payloadLength };
}

export function icmp(src: string, dst: string, type: number, id: number, code = 0): CtPacketInfo {
  return { tuple: { src: ip(src), dst: ip(dst), proto: 1, srcPort: id, dstPort: 0 }, tcpFlags: 0, icmpType: type, icmpCode: code, payloadLength: 56 };
}

/** An ICMP error from `src` to `dst` quoting a datagram. */
export function icmpError(src: string, dst: string, type: number, code: number, quoted: CtQuotedTuple): CtPacketInfo {
  return { tuple: { src: ip(src), dst: ip(dst), proto: 1, srcPort: 0, dstPort: 0 }, tcpFlags: 0, icmpType: type, icmpCode: code, payloadLength: 36, quoted };
}

export interface ReqOpts {
  readonly zone?: number;
  readonly commit?: boolean;
  /** true = nat without arguments. */
  readonly nat?: NatSpec | true;
  readonly mark?: number;
}

export function req(now: number, o: ReqOpts = {}): CtRequest {
  const base = { zone: o.zone ?? 0, commit: o.commit ?? false, now };
  const withNat = o.nat === undefined ? base : { ...base, nat: o.nat === true ? {} : { spec: o.nat } };
  return o.mark === undefined ? withNat : { ...withNat, setMark: { value: o.mark, mask: 0xffffffff } };
}

export function dnat(addr: string, port = 0, addrMax?: string, portMax?: number): NatSpec {
  return { kind: 'dst', addrMin: ip(addr), addrMax: ip(addrMax ?? addr), portMin: port, portMax: portMax ?? port };
}

export function snat(addr: string, portMin = 0, portMax = portMin): NatSpec {
  return { kind: 'src', addrMin: ip(addr), addrMax: ip(addr), portMin, portMax };
}

const BITS: readonly [number, string][] = [
  [CT_TRK, 'trk'],
  [CT_NEW, 'new'],
  [CT_EST, 'est'],
  [CT_REL, 'rel'],
  [CT_RPL, 'rpl'],
  [CT_INV, 'inv'],
  [CT_SNAT, 'snat'],
  [CT_DNAT, 'dnat'],
];

/** "+trk+est+rpl" in a fixed order, for readable assertions. */
export function ctStr(state: number): string {
  return BITS.filter(([b]) => state & b)
    .map(([, n]) => `+${n}`)
    .join('');
}
