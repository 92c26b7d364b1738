// The router's public shapes: options, interfaces, hook points and counters.
import type { Clock } from '../../core/clock.js';
import type { IPv4 } from '../../core/ip.js';
import type { Frame } from '../wire/frame.js';
import type { Ipv4Header } from '../wire/ipv4.js';
import type { FabricPort } from './fabric-port.js';
import type { Router } from './router.js';

export type HookName = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';
/**
 * What a REJECT answers with (iptables `--reject-with` names; nft's `reject with icmp X` /
 * `icmpx X` / `tcp reset` map onto these). The router sends the answer, then drops the packet.
 */
export type RejectWith =
  | 'icmp-net-unreachable'
  | 'icmp-host-unreachable'
  | 'icmp-proto-unreachable'
  | 'icmp-port-unreachable'
  | 'icmp-net-prohibited'
  | 'icmp-host-prohibited'
  | 'icmp-admin-prohibited'
  | 'tcp-reset';

/** `trace`: lines (e.g. netfilter rule hits) the router puts into a fabric trace of the packet. */
export type HookVerdict =
  | { readonly kind: 'accept'; readonly trace?: readonly string[] }
  | { readonly kind: 'drop'; readonly reason: string; readonly trace?: readonly string[] }
  | { readonly kind: 'reject'; readonly with: RejectWith; readonly reason?: string; readonly trace?: readonly string[] };

export interface HookPacket {
  /** Mutable: rewrite addresses/ports in place; the router re-emits with fresh checksums. */
  readonly frame: Frame;
  readonly ip: Ipv4Header;
  readonly inIface?: string;
  /** Known at forward and postrouting. */
  readonly outIface?: string;
  readonly now: number;
  /** The packet is being traced: a hook may return `trace` lines (costly work can be skipped otherwise). */
  readonly traced?: boolean;
}

export type PacketHook = (hook: HookName, pkt: HookPacket) => HookVerdict;

/** Consumes packets for the router's own addresses (e.g. an edge load balancer on a loopback VIP); true = consumed. */
export type LocalHandler = (pkt: HookPacket, router: Router) => boolean;

export interface RouterOptions {
  readonly name: string;
  readonly clock?: Clock;
  /** Route flag prefix in listings: NSX style "t0"/"t1", or "" (default). */
  readonly flagPrefix?: string;
  readonly arpTimeoutMs?: number;
  readonly arpRetries?: number;
  /** Packets held per unresolved next hop (Linux unres_qlen is similar). */
  readonly arpQueue?: number;
  readonly hook?: PacketHook;
}

export interface InterfaceOptions {
  readonly name: string;
  readonly mac: number;
  /** Address and prefix length; omit for an unnumbered interface (host link). */
  readonly ip?: IPv4;
  readonly prefix?: number;
  readonly proxyArp?: boolean;
  /** The link to this machine's own IP stack (see above). */
  readonly host?: boolean;
}

export interface RouterInterface {
  readonly name: string;
  readonly mac: number;
  readonly ip: IPv4 | undefined;
  readonly prefix: number;
  readonly proxyArp: boolean;
  readonly host: boolean;
  readonly port: FabricPort;
}

export interface RouterStats {
  forwarded: number;
  local: number;
  dropped: number;
  timeExceeded: number;
  netUnreachable: number;
  hostUnreachable: number;
  portUnreachable: number;
  /** Packets a hook rejected (answered with an ICMP error or a TCP RST, then dropped). */
  rejected: number;
  arpRequestsSent: number;
  arpRepliesSent: number;
}
