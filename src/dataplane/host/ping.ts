// What one echo request came to, and how iputils ping prints it.
import { formatIPv4, type IPv4 } from '../../core/ip.js';
import { strerror, type NetErrorCode } from './net-error.js';

/** ICMP errors a ping can report, named after iputils' messages. */
export type PingErrorKind =
  | 'net-unreachable'
  | 'host-unreachable'
  | 'protocol-unreachable'
  | 'port-unreachable'
  | 'frag-needed'
  | 'admin-prohibited'
  | 'unreachable'
  | 'ttl-exceeded'
  | 'reassembly-exceeded';

export type PingOutcome =
  | { readonly kind: 'reply'; readonly seq: number; readonly from: IPv4; readonly ttl: number; readonly bytes: number; readonly rttMs: number }
  /** An ICMP error about the request; `from` is the reporting node (ourselves when ARP failed). */
  | { readonly kind: 'error'; readonly seq: number; readonly from: IPv4; readonly error: PingErrorKind; readonly code: number; readonly info: number }
  | { readonly kind: 'timeout'; readonly seq: number }
  /** The request could not be sent at all (no route: "ping: connect: Network is unreachable"). */
  | { readonly kind: 'send-error'; readonly seq: number; readonly error: NetErrorCode };

export function pingErrorKind(type: number, code: number): PingErrorKind {
  if (type === 11) return code === 1 ? 'reassembly-exceeded' : 'ttl-exceeded';
  switch (code) {
    case 0:
      return 'net-unreachable';
    case 1:
      return 'host-unreachable';
    case 2:
      return 'protocol-unreachable';
    case 3:
      return 'port-unreachable';
    case 4:
      return 'frag-needed';
    case 13:
      return 'admin-prohibited';
    default:
      return 'unreachable';
  }
}

/** iputils' wording (ping_common.c / ping.c pr_icmph). */
export function pingErrorText(kind: PingErrorKind, code: number, info: number): string {
  switch (kind) {
    case 'net-unreachable':
      return 'Destination Net Unreachable';
    case 'host-unreachable':
      return 'Destination Host Unreachable';
    case 'protocol-unreachable':
      return 'Destination Protocol Unreachable';
    case 'port-unreachable':
      return 'Destination Port Unreachable';
    case 'frag-needed':
      return `Frag needed and DF set (mtu = ${info})`;
    case 'admin-prohibited':
      return 'Packet filtered';
    case 'unreachable':
      return `Dest Unreachable, Bad Code: ${code}`;
    case 'ttl-exceeded':
      return 'Time to live exceeded';
    case 'reassembly-exceeded':
      return 'Frag reassembly time exceeded';
  }
}

/** iputils' RTT precision: 3 decimals below 1 ms, 2 below 10, 1 below 100, none above. */
export function formatRtt(ms: number): string {
  const us = Math.round(ms * 1000);
  if (us >= 100_000 - 50) return `${Math.round(us / 1000)}`;
  if (us >= 10_000 - 5) return (us / 1000).toFixed(1);
  if (us >= 1000) return (us / 1000).toFixed(2);
  return (us / 1000).toFixed(3);
}

/** One line as iputils ping prints it (nothing is printed for a timeout; we say so). */
export function formatPingLine(o: PingOutcome): string {
  switch (o.kind) {
    case 'reply':
      return `${o.bytes} bytes from ${formatIPv4(o.from)}: icmp_seq=${o.seq} ttl=${o.ttl} time=${formatRtt(o.rttMs)} ms`;
    case 'error':
      return `From ${formatIPv4(o.from)} icmp_seq=${o.seq} ${pingErrorText(o.error, o.code, o.info)}`;
    case 'timeout':
      return `no answer yet for icmp_seq=${o.seq}`;
    case 'send-error':
      return `ping: sendmsg: ${strerror(o.error)}`;
  }
}
