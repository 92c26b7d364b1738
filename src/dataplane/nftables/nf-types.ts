// The contract between netfilter rulesets (nftables, iptables) and the hook runner that
// executes them the way Linux orders things. A ruleset only answers "which base chains
// sit on this hook" and "run this base chain on this packet"; conntrack, the NAT step
// and the ordering of chains by priority belong to the runner (nf-hook-runner.ts,
// nf-runner.ts). Both interpreters return the same result shape, so a node can load
// either program and trace it the same way.
import type { FlowKey } from '../flow-key.js';

export type NfHook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';
export const NF_HOOKS: readonly NfHook[] = ['prerouting', 'input', 'forward', 'output', 'postrouting'];

export type NfChainType = 'filter' | 'nat' | 'route';

/**
 * Standard hook priorities (linux/netfilter_ipv4.h NF_IP_PRI_*). The NAT step of a hook
 * runs at NAT_DST (prerouting, output) or NAT_SRC (input, postrouting) whatever the
 * priorities of the nat chains themselves: those only order the nat chains among
 * themselves (net/netfilter/nf_nat_core.c).
 */
export const NF_PRI = {
  conntrack: -200,
  raw: -300,
  mangle: -150,
  natDst: -100,
  filter: 0,
  security: 50,
  natSrc: 100,
} as const;

/** `ct state` bits as nftables sees them (NF_CT_STATE_*_BIT). */
export const NF_CT_STATE_INVALID = 1;
export const NF_CT_STATE_ESTABLISHED = 2;
export const NF_CT_STATE_RELATED = 4;
export const NF_CT_STATE_NEW = 8;
export const NF_CT_STATE_UNTRACKED = 64;

/** `ct status` bits (enum ip_conntrack_status, IPS_*). */
export const IPS_EXPECTED = 1;
export const IPS_SEEN_REPLY = 2;
export const IPS_ASSURED = 4;
export const IPS_CONFIRMED = 8;
export const IPS_SRC_NAT = 16;
export const IPS_DST_NAT = 32;
export const IPS_DYING = 512;

/** What `ct ...` expressions and `-m conntrack` read. */
export interface NfCtView {
  /** One NF_CT_STATE_* bit. */
  state: number;
  status: number;
  mark: number;
  /** 0 original, 1 reply. */
  direction: 0 | 1;
  /** Set by `ct mark set` / CONNMARK; the runner stores it when the connection is committed. */
  newMark?: number;
}

/** The packet as a ruleset sees it at one hook. NAT rewrites `key` in place. */
export interface NfPacket {
  readonly key: FlowKey;
  /** skb->mark (`meta mark`, `-m mark`). */
  mark: number;
  /** Input / output interface names; '' when there is none (e.g. no iif at output). */
  readonly iif: string;
  readonly oif: string;
  /** Length for counters. */
  readonly bytes: number;
  readonly ct: NfCtView;
}

export type NfRejectWith =
  | { readonly kind: 'icmp'; readonly type: string }
  | { readonly kind: 'tcp-reset' };

export type NfVerdict =
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop'; readonly reason?: string }
  | { readonly kind: 'reject'; readonly with: NfRejectWith };

export const NF_ACCEPT: NfVerdict = { kind: 'accept' };
export const NF_DROP: NfVerdict = { kind: 'drop' };

/** A NAT statement/target that fired; addresses are IPv4 uint32, ports 0 = keep. */
export interface NfNatRequest {
  readonly kind: 'dnat' | 'snat' | 'masquerade' | 'redirect';
  readonly addrMin?: number;
  readonly addrMax?: number;
  readonly portMin?: number;
  readonly portMax?: number;
  readonly random?: boolean;
  readonly fullyRandom?: boolean;
  readonly persistent?: boolean;
}

export interface NfChainResult {
  readonly verdict: NfVerdict;
  /** Present when a NAT statement ended the chain (its verdict is accept). */
  readonly nat?: NfNatRequest;
}

/** Everything a ruleset needs besides the packet; no hidden clock or randomness. */
export interface NfEnv {
  readonly hook: NfHook;
  /** ms, for set timeouts and `-m recent`. */
  readonly now: number;
  /** Uniform [0, 1): numgen random, -m statistic. */
  readonly random: () => number;
  /** `fib daddr type local`, `-m addrtype --dst-type LOCAL`. */
  isLocalAddress(addr: number): boolean;
}

export interface NfBaseChain {
  /** e.g. "ip kube-proxy" (nftables) or "nat" (iptables). */
  readonly table: string;
  readonly name: string;
  readonly type: NfChainType;
  readonly hook: NfHook;
  readonly priority: number;
}

export interface NetfilterRuleset {
  /** Base chains attached to `hook`, ascending priority. */
  baseChains(hook: NfHook): readonly NfBaseChain[];
  runBaseChain(chain: NfBaseChain, pkt: NfPacket, env: NfEnv, trace: NfTraceEvent[] | undefined): NfChainResult;
}

export type NfTraceEvent =
  | { readonly kind: 'hook'; readonly hook: NfHook; readonly packet: string }
  | { readonly kind: 'conntrack'; readonly hook: NfHook; readonly text: string }
  | { readonly kind: 'chain'; readonly table: string; readonly chain: string; readonly via: 'hook' | 'jump' | 'goto' }
  /** A rule whose matches all held; `verdict` is what it decided (undefined: fell through). */
  | { readonly kind: 'rule'; readonly table: string; readonly chain: string; readonly rule: string; readonly verdict: string | undefined }
  | { readonly kind: 'policy'; readonly table: string; readonly chain: string; readonly verdict: string }
  | { readonly kind: 'return'; readonly table: string; readonly chain: string }
  | { readonly kind: 'nat'; readonly hook: NfHook; readonly manip: 'dst' | 'src'; readonly how: 'rule' | 'binding'; readonly before: string; readonly after: string }
  | { readonly kind: 'note'; readonly text: string };

export function formatVerdict(v: NfVerdict): string {
  switch (v.kind) {
    case 'accept':
      return 'accept';
    case 'drop':
      return v.reason === undefined ? 'drop' : `drop (${v.reason})`;
    case 'reject':
      return v.with.kind === 'tcp-reset' ? 'reject with tcp reset' : `reject with icmp ${v.with.type}`;
  }
}
