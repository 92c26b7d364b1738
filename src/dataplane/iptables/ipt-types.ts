// The iptables program model: tables (nat, filter, ...) with built-in and user chains,
// rules made of the generic matches (-s -d -i -o -p), match modules in order, and a
// target. Parsed from iptables-restore text (ipt-parse.ts), printed as iptables-save
// prints (ipt-print.ts), executed by ipt-eval.ts.

export type IptTableName = 'filter' | 'nat' | 'mangle' | 'raw' | 'security';
export const IPT_TABLES: readonly IptTableName[] = ['raw', 'mangle', 'nat', 'filter', 'security'];

export const BUILTIN_CHAINS: Readonly<Record<IptTableName, readonly string[]>> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

/** XT_EXTENSION_MAXNAMELEN - 1. */
export const MAX_CHAIN_NAME = 28;

export interface IptAddr {
  readonly addr: number;
  readonly len: number;
  readonly neg: boolean;
}

export interface IptIface {
  /** A trailing '+' matches any interface with that prefix. */
  readonly name: string;
  readonly neg: boolean;
}

export interface IptPortMatch {
  readonly lo: number;
  readonly hi: number;
  readonly neg: boolean;
}

export type IptMatch =
  | { readonly m: 'comment'; readonly comment: string }
  | { readonly m: 'tcp' | 'udp' | 'sctp'; readonly sport?: IptPortMatch; readonly dport?: IptPortMatch }
  | { readonly m: 'multiport'; readonly dir: 'sports' | 'dports' | 'ports'; readonly ports: readonly (readonly [number, number])[]; readonly neg: boolean }
  | {
      readonly m: 'addrtype';
      readonly src?: { readonly types: readonly string[]; readonly neg: boolean };
      readonly dst?: { readonly types: readonly string[]; readonly neg: boolean };
      readonly limitIfaceIn?: boolean;
      readonly limitIfaceOut?: boolean;
    }
  | { readonly m: 'statistic'; readonly mode: 'random'; readonly probability: number; readonly neg: boolean }
  | { readonly m: 'statistic'; readonly mode: 'nth'; readonly every: number; readonly packet: number; readonly neg: boolean; readonly state: { count: number } }
  | {
      readonly m: 'recent';
      readonly name: string;
      readonly op: 'set' | 'rcheck' | 'update' | 'remove';
      readonly neg: boolean;
      readonly seconds?: number;
      readonly reap: boolean;
      readonly hitcount?: number;
      readonly rttl: boolean;
      readonly side: 'rsource' | 'rdest';
      readonly mask: number;
    }
  | { readonly m: 'mark'; readonly value: number; readonly mask: number; readonly neg: boolean }
  | {
      readonly m: 'conntrack';
      readonly ctstate?: { readonly states: readonly string[]; readonly neg: boolean };
      readonly ctstatus?: { readonly states: readonly string[]; readonly neg: boolean };
      readonly ctdir?: 'ORIGINAL' | 'REPLY';
    }
  | { readonly m: 'state'; readonly states: readonly string[]; readonly neg: boolean }
  | { readonly m: 'nfacct'; readonly name: string }
  | { readonly m: 'icmp'; readonly type: number; readonly code?: number; readonly neg: boolean };

export interface IptNatRange {
  readonly addrMin?: number;
  readonly addrMax?: number;
  readonly portMin?: number;
  readonly portMax?: number;
}

export type IptTarget =
  | { readonly t: 'ACCEPT' | 'DROP' | 'RETURN' }
  /** A user chain: -j CHAIN (jump) or -g CHAIN (goto). */
  | { readonly t: 'chain'; readonly chain: string; readonly goto: boolean }
  | { readonly t: 'REJECT'; readonly with: string }
  | { readonly t: 'DNAT'; readonly range: IptNatRange; readonly random: boolean; readonly persistent: boolean }
  | { readonly t: 'SNAT'; readonly range: IptNatRange; readonly random: boolean; readonly randomFully: boolean; readonly persistent: boolean }
  | { readonly t: 'MASQUERADE'; readonly ports?: readonly [number, number]; readonly random: boolean; readonly randomFully: boolean }
  | { readonly t: 'REDIRECT'; readonly ports?: readonly [number, number]; readonly random: boolean }
  /** --set-xmark semantics: mark = (mark & ~mask) ^ value (--set/--or/--xor/--and-mark normalize to it). */
  | { readonly t: 'MARK'; readonly value: number; readonly mask: number }
  | { readonly t: 'LOG'; readonly prefix?: string; readonly level?: string };

export interface IptRuleSpec {
  readonly src?: IptAddr;
  readonly dst?: IptAddr;
  readonly in?: IptIface;
  readonly out?: IptIface;
  /** 0 = all. */
  readonly proto?: { readonly proto: number; readonly neg: boolean };
  readonly matches: readonly IptMatch[];
  readonly target?: IptTarget;
}

export interface IptRule extends IptRuleSpec {
  packets: number;
  bytes: number;
  /** Canonical text for traces, computed on first use. */
  text?: string;
}

export interface IptChain {
  readonly name: string;
  readonly builtin: boolean;
  policy: 'ACCEPT' | 'DROP';
  /** Policy counters (built-in chains). */
  packets: number;
  bytes: number;
  rules: IptRule[];
}

export interface IptTable {
  readonly name: IptTableName;
  readonly chains: Map<string, IptChain>;
}

export const PROTO_NAMES: Readonly<Record<string, number>> = { all: 0, icmp: 1, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, sctp: 132 };
