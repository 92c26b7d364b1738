// Test helpers: FlowKeys for TCP/UDP/ICMP packets from dotted addresses, a path runner
// for the usual Linux paths, and a rigged random source.
import { formatIPv4, parseIPv4, unwrap, type IPv4 } from '../../core/index.js';
import { emptyFlowKey, ETH_TYPE_IPV4, IP_PROTO_ICMP, IP_PROTO_TCP, IP_PROTO_UDP, type FlowKey } from '../flow-key.js';
import type { NetfilterRunner, NfSkb } from './nf-runner.js';
import type { NfHook } from './nf-types.js';
import type { NfHookResult } from './nf-hook-runner.js';

export const TCP_SYN = 0x02;
export const TCP_ACK = 0x10;
export const TCP_SYNACK = 0x12;

export function ip(s: string): number {
  return unwrap(parseIPv4(s));
}

export function ipStr(n: number): string {
  return formatIPv4(n as IPv4);
}

export function l4Key(proto: number, src: string, sport: number, dst: string, dport: number, tcpFlags = TCP_SYN): FlowKey {
  const k = emptyFlowKey();
  k.dlType = ETH_TYPE_IPV4;
  k.nwProto = proto;
  k.nwSrc = ip(src);
  k.nwDst = ip(dst);
  k.nwTtl = 64;
  k.tpSrc = sport;
  k.tpDst = dport;
  k.tcpFlags = proto === IP_PROTO_TCP ? tcpFlags : 0;
  return k;
}

export function tcp(src: string, sport: number, dst: string, dport: number, flags = TCP_SYN): FlowKey {
  return l4Key(IP_PROTO_TCP, src, sport, dst, dport, flags);
}

export function udp(src: string, sport: number, dst: string, dport: number): FlowKey {
  return l4Key(IP_PROTO_UDP, src, sport, dst, dport);
}

export function icmpEcho(src: string, dst: string): FlowKey {
  return l4Key(IP_PROTO_ICMP, src, 8, dst, 0);
}

export function skb(key: FlowKey, iif: string, oif = ''): NfSkb {
  return { key, mark: 0, iif, oif, bytes: 60 };
}

/** "a.b.c.d:p" of the packet's destination (or source). */
export function dstOf(k: FlowKey): string {
  return `${ipStr(k.nwDst)}:${k.tpDst}`;
}

export function srcOf(k: FlowKey): string {
  return `${ipStr(k.nwSrc)}:${k.tpSrc}`;
}

export const FORWARD: readonly NfHook[] = ['prerouting', 'forward', 'postrouting'];
export const LOCAL_IN: readonly NfHook[] = ['prerouting', 'input'];
export const LOCAL_OUT: readonly NfHook[] = ['output', 'postrouting'];

/** Runs a path; returns the last hook's result (the first non-accept, or the final accept). */
export function through(runner: NetfilterRunner, hooks: readonly NfHook[], s: NfSkb, now = 0, trace = false): NfHookResult {
  const rs = runner.path(hooks, s, now, { trace });
  return rs[rs.length - 1]!;
}

/** A random source that returns the given values in turn (then repeats the last). */
export function rigged(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)]!;
}
