// Entry text in the two formats operators know:
// - `ovs-appctl dpctl/dump-conntrack` (OVS lib/ct-dpif.c ct_dpif_format_entry), e.g.
//   tcp,orig=(src=172.25.5.4,dst=10.101.129.209,sport=40000,dport=80),reply=(src=172.25.5.3,dst=172.25.5.4,sport=80,dport=40000),zone=65312,protoinfo=(state=ESTABLISHED)
//   zone= and mark= appear only when non-zero; TCP states are mapped as OVS maps the
//   kernel's (FIN_WAIT -> FIN_WAIT_1, CLOSE -> CLOSING, NONE -> CLOSED) and, not verbose,
//   SYN_RECV is shown as ESTABLISHED.
// - `conntrack -L` (libnetfilter_conntrack snprintf_default.c), e.g.
//   tcp      6 431999 ESTABLISHED src=... dst=... sport=... dport=... src=... dst=... sport=... dport=... [ASSURED] mark=0 zone=65312 use=1
//   ("%-8s %u " protocol, seconds left, [UNREPLIED] before the reply tuple, zone only
//   when non-zero as the kernel omits the default zone).
import { formatIPv4, type IPv4 } from '../../core/ip.js';
import { IP_PROTO_ICMP, IP_PROTO_TCP, IP_PROTO_UDP } from '../flow-key.js';
import type { CtEntryView, CtTupleView } from './entry-view.js';
import type { TcpStateName } from './tcp-state.js';

const OVS_TCP_STATE: Readonly<Record<TcpStateName, string>> = {
  NONE: 'CLOSED',
  SYN_SENT: 'SYN_SENT',
  SYN_SENT2: 'SYN_SENT',
  SYN_RECV: 'ESTABLISHED',
  ESTABLISHED: 'ESTABLISHED',
  FIN_WAIT: 'FIN_WAIT_1',
  CLOSE_WAIT: 'CLOSE_WAIT',
  LAST_ACK: 'LAST_ACK',
  TIME_WAIT: 'TIME_WAIT',
  CLOSE: 'CLOSING',
};

function protoName(proto: number): string | undefined {
  return proto === IP_PROTO_TCP ? 'tcp' : proto === IP_PROTO_UDP ? 'udp' : proto === IP_PROTO_ICMP ? 'icmp' : undefined;
}

function ip(n: number): string {
  return formatIPv4(n as IPv4);
}

export interface DpctlFormatOptions {
  /** As `dpctl/dump-conntrack -s`: packet/byte counters and seconds left (needs `now`). */
  readonly stats?: boolean;
  readonly now?: number;
}

export function formatDpctl(e: CtEntryView, opts: DpctlFormatOptions = {}): string {
  const tuple = (t: CtTupleView, packets: number, bytes: number): string => {
    let s = `src=${ip(t.src)},dst=${ip(t.dst)}`;
    s += e.proto === IP_PROTO_ICMP ? `,id=${t.srcPort},type=${t.icmpType ?? 0},code=0` : `,sport=${t.srcPort},dport=${t.dstPort}`;
    if (opts.stats === true && (packets !== 0 || bytes !== 0)) s += `,packets=${packets},bytes=${bytes}`;
    return s;
  };
  let s = `${protoName(e.proto) ?? String(e.proto)},orig=(${tuple(e.orig, e.packetsOrig, e.bytesOrig)}),reply=(${tuple(e.reply, e.packetsReply, e.bytesReply)})`;
  if (e.zone !== 0) s += `,zone=${e.zone}`;
  if (opts.stats === true) s += `,timeout=${secondsLeft(e, opts.now ?? e.expiresAt)}`;
  if (e.mark !== 0) s += `,mark=${e.mark}`;
  if (e.tcpState !== undefined) s += `,protoinfo=(state=${OVS_TCP_STATE[e.tcpState]})`;
  return s;
}

export function formatConntrackL(e: CtEntryView, now: number): string {
  const name = protoName(e.proto) ?? 'unknown';
  const tuple = (t: CtTupleView): string => {
    const a = `src=${ip(t.src)} dst=${ip(t.dst)} `;
    if (e.proto === IP_PROTO_ICMP) return `${a}type=${t.icmpType ?? 0} code=0 id=${t.srcPort} `;
    if (e.proto === IP_PROTO_TCP || e.proto === IP_PROTO_UDP) return `${a}sport=${t.srcPort} dport=${t.dstPort} `;
    return a;
  };
  let s = `${name.padEnd(8)} ${e.proto} ${secondsLeft(e, now)} `;
  if (e.tcpState !== undefined) s += `${e.tcpState} `;
  s += tuple(e.orig);
  if (!e.seenReply) s += '[UNREPLIED] ';
  s += tuple(e.reply);
  if (e.assured) s += '[ASSURED] ';
  s += `mark=${e.mark} `;
  if (e.zone !== 0) s += `zone=${e.zone} `;
  s += 'use=1';
  return s;
}

function secondsLeft(e: CtEntryView, now: number): number {
  return Math.max(0, Math.floor((e.expiresAt - now) / 1000));
}
