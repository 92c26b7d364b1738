// The nftables program model: tables (with family) holding chains (base chains carry
// type / hook / priority / policy), named sets and maps, and rules made of statements.
// Parsed once from `nft -f` text (nft-parse.ts); printed in `nft list ruleset` form
// (nft-print.ts); executed by nft-eval.ts. References to chains and sets are by name and
// checked when a rule or element is added, as nft does.
import type { NftScalar, NftTypeName } from './nft-datatypes.js';
import type { NftElementStore } from './nft-element-store.js';
import type { NfHook, NfChainType } from './nf-types.js';

export type NftFamily = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev';
export const NFT_FAMILIES: readonly NftFamily[] = ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'];

export type NftMetaKey = 'l4proto' | 'mark' | 'iifname' | 'oifname' | 'iif' | 'oif' | 'nfproto' | 'protocol' | 'length';
export type NftCtKey = 'state' | 'status' | 'mark' | 'direction';

export type NftExpr =
  /** `ip saddr`, `th dport`, `tcp dport` (which implies meta l4proto tcp) ... */
  | { readonly k: 'payload'; readonly proto: 'ip' | 'ip6' | 'th' | 'tcp' | 'udp' | 'sctp' | 'icmp'; readonly field: string; readonly dtype: NftTypeName }
  | { readonly k: 'meta'; readonly key: NftMetaKey; readonly dtype: NftTypeName }
  | { readonly k: 'ct'; readonly key: NftCtKey; readonly dtype: NftTypeName }
  /** `fib daddr type`: `flags` are saddr/daddr/iif/oif/mark. */
  | { readonly k: 'fib'; readonly flags: readonly string[]; readonly result: 'type'; readonly dtype: NftTypeName }
  | { readonly k: 'numgen'; readonly mode: 'random' | 'inc'; readonly mod: number; readonly offset: number; readonly state: { n: number }; readonly dtype: NftTypeName }
  | { readonly k: 'concat'; readonly parts: readonly NftExpr[] }
  | { readonly k: 'binop'; readonly op: '&' | '|' | '^'; readonly left: NftExpr; readonly right: number; readonly dtype: NftTypeName }
  | { readonly k: 'const'; readonly value: NftScalar; readonly dtype: NftTypeName };

/** One component of a set key or a comparison's right-hand side. */
export type NftKeyPart =
  | { readonly k: 'v'; readonly v: NftScalar }
  | { readonly k: 'prefix'; readonly addr: number; readonly len: number }
  | { readonly k: 'range'; readonly lo: number; readonly hi: number };

export type NftVerdictData =
  | { readonly kind: 'accept' | 'drop' | 'continue' | 'return' }
  | {
      readonly kind: 'jump' | 'goto';
      readonly chain: string;
      /**
       * The chain object, bound when the rule or element is added (the chain cannot be
       * deleted while referenced, so the binding stays valid); saves a name lookup per jump.
       */
      target?: NftChain;
    };

export type NftMapData = { readonly k: 'verdict'; readonly v: NftVerdictData } | { readonly k: 'values'; readonly v: readonly NftKeyPart[] };

export interface NftElement {
  readonly key: readonly NftKeyPart[];
  readonly data?: NftMapData;
  /** Per-element timeout (ms) and absolute expiry (ms, same clock as NfEnv.now). */
  timeoutMs?: number;
  expiresAt?: number;
  readonly comment?: string;
}

export type NftSetRef = { readonly k: 'named'; readonly name: string } | { readonly k: 'anon'; readonly set: NftSet };

export type NftRhs =
  | { readonly k: 'part'; readonly part: NftKeyPart }
  | { readonly k: 'concat'; readonly parts: readonly NftKeyPart[] }
  | { readonly k: 'set'; readonly ref: NftSetRef };

export type NftOp = 'implicit' | '==' | '!=' | '<' | '>' | '<=' | '>=';

export type NftNatKind = 'dnat' | 'snat' | 'masquerade' | 'redirect';

export type NftStmt =
  | { readonly k: 'cmp'; readonly left: NftExpr; readonly op: NftOp; readonly right: NftRhs }
  | { readonly k: 'vmap'; readonly key: NftExpr; readonly map: NftSetRef }
  | { readonly k: 'verdict'; readonly v: NftVerdictData }
  /** `with` absent: plain `reject` (icmp port-unreachable for the ip family). */
  | { readonly k: 'reject'; readonly with?: { readonly kind: 'icmp' | 'icmpx'; readonly type: string } | { readonly kind: 'tcp-reset' } }
  | { readonly k: 'counter'; packets: number; bytes: number }
  | { readonly k: 'meta-set'; readonly key: 'mark'; readonly value: NftExpr }
  | { readonly k: 'ct-set'; readonly key: 'mark'; readonly value: NftExpr }
  | {
      readonly k: 'nat';
      readonly kind: NftNatKind;
      /** `dnat ip to ...` (inet tables). */
      readonly family?: 'ip';
      readonly addrMin?: number;
      readonly addrMax?: number;
      readonly portMin?: number;
      readonly portMax?: number;
      readonly flags: readonly string[];
    }
  | { readonly k: 'set-op'; readonly op: 'update' | 'add' | 'delete'; readonly set: string; readonly key: NftExpr; readonly timeoutMs?: number }
  | { readonly k: 'log'; readonly prefix?: string; readonly level?: string }
  | { readonly k: 'notrack' };

export interface NftRule {
  readonly stmts: readonly NftStmt[];
  readonly comment?: string;
  handle: number;
  /** Printed form for traces, computed on first use. */
  text?: string;
}

export interface NftBaseSpec {
  readonly type: NfChainType;
  readonly hook: NfHook | 'ingress' | 'egress';
  readonly priority: number;
  readonly device?: string;
}

export interface NftChain {
  readonly name: string;
  base?: NftBaseSpec;
  policy: 'accept' | 'drop';
  comment?: string;
  rules: NftRule[];
  handle: number;
  /** Rules and verdict map elements jumping here (nft refuses to delete a chain in use). */
  useCount: number;
}

export interface NftSetDecl {
  readonly name: string;
  readonly kind: 'set' | 'map';
  readonly keyTypes: readonly NftTypeName[];
  /** Declared with `typeof`: printed back that way. */
  readonly keyTypeof?: readonly NftExpr[];
  readonly dataTypes?: readonly NftTypeName[];
  readonly flags: readonly string[];
  readonly timeoutMs?: number;
  readonly gcIntervalMs?: number;
  readonly size?: number;
  readonly policy?: string;
  readonly comment?: string;
}

export interface NftSet extends NftSetDecl {
  readonly elements: NftElementStore;
  readonly anonymous: boolean;
  handle: number;
  useCount: number;
}

export interface NftTable {
  readonly family: NftFamily;
  readonly name: string;
  comment?: string;
  flags?: readonly string[];
  readonly chains: Map<string, NftChain>;
  /** Sets and maps share one namespace, as in nft. */
  readonly sets: Map<string, NftSet>;
  handleSeq: number;
}

export function exprTypes(e: NftExpr): NftTypeName[] {
  return e.k === 'concat' ? e.parts.flatMap(exprTypes) : [e.dtype];
}
