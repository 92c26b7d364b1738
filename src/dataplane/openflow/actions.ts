// OpenFlow actions as data (ovs-actions(7)). One variant per action OVS prints
// differently, so that printing a parsed action list reproduces the original text.
import type { SubField, MfField } from './fields.js';

/** A NAT range; it carries `kind` so it can be handed to conntrack as a NatSpec as is. */
export interface NatRange {
  readonly kind: 'src' | 'dst';
  readonly addrMin: number;
  readonly addrMax: number;
  /** 0 = ports unchanged. */
  readonly portMin: number;
  readonly portMax: number;
}

/** `nat`, `nat(src)`, `nat(dst=A[-B][:P[-Q]][,persistent][,hash][,random])`. */
export interface NatAction {
  readonly kind?: 'src' | 'dst';
  readonly range?: NatRange;
  readonly persistent?: boolean;
  readonly hash?: boolean;
  readonly random?: boolean;
}

export interface CtAction {
  readonly type: 'ct';
  readonly commit: boolean;
  readonly force: boolean;
  /** Recirculation table; undefined = the tracked packet is not re-injected. */
  readonly table?: number;
  /** Immediate zone, or a subfield to read it from (zone=NXM_NX_REG0[0..15]). */
  readonly zone: number | SubField;
  readonly nat?: NatAction;
  /** exec(...): only set_field/load of ct_mark are meaningful. */
  readonly exec: readonly Action[];
}

export type LearnSpec =
  /** Learned flow matches dst on the value the packet has in src (`NXM_OF_IP_SRC[]`). */
  | { readonly kind: 'match'; readonly dst: SubField; readonly src: SubField }
  /** Learned flow matches dst on a constant (`eth_type=0x800`). */
  | { readonly kind: 'match-imm'; readonly dst: SubField; readonly value: bigint }
  /** Learned flow loads the packet's src value into dst. */
  | { readonly kind: 'load'; readonly dst: SubField; readonly src: SubField }
  | { readonly kind: 'load-imm'; readonly dst: SubField; readonly value: bigint }
  /** Learned flow outputs to the port held in src. */
  | { readonly kind: 'output'; readonly src: SubField };

export interface LearnAction {
  readonly type: 'learn';
  readonly table: number;
  /** 0 = permanent. */
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly finIdleTimeout: number;
  readonly finHardTimeout: number;
  readonly priority: number;
  readonly cookie: bigint;
  readonly sendFlowRem: boolean;
  readonly deleteLearned: boolean;
  readonly limit: number;
  readonly specs: readonly LearnSpec[];
}

export type Action =
  /** Output to a port, including reserved ports (NORMAL, IN_PORT, FLOOD, ALL, LOCAL, CONTROLLER). */
  | { readonly type: 'output'; readonly port: number; readonly maxLen?: number }
  | { readonly type: 'group'; readonly groupId: number }
  /** resubmit(port,table); port undefined = IN_PORT, table undefined = current table. */
  | { readonly type: 'resubmit'; readonly port?: number; readonly table?: number }
  | { readonly type: 'goto_table'; readonly table: number }
  | CtAction
  /** set_field:V[/M]->FIELD */
  | { readonly type: 'set_field'; readonly field: MfField; readonly value: bigint; readonly mask?: bigint }
  /** load:V->DST[] (NXAST_REG_LOAD; prints differently from set_field). */
  | { readonly type: 'load'; readonly dst: SubField; readonly value: bigint }
  | { readonly type: 'move'; readonly src: SubField; readonly dst: SubField }
  | { readonly type: 'mod_dl_src' | 'mod_dl_dst'; readonly mac: number }
  | { readonly type: 'mod_nw_src' | 'mod_nw_dst'; readonly addr: number }
  | { readonly type: 'mod_tp_src' | 'mod_tp_dst'; readonly port: number }
  | { readonly type: 'mod_nw_tos'; readonly tos: number }
  | { readonly type: 'mod_nw_ttl'; readonly ttl: number }
  | { readonly type: 'dec_ttl' }
  /** strip_vlan (OF1.0 name) or pop_vlan (OF1.1 name); same effect. */
  | { readonly type: 'strip_vlan'; readonly pop: boolean }
  | { readonly type: 'push_vlan'; readonly ethertype: number }
  /** mod_vlan_vid pushes a tag if there is none; set_vlan_vid does not. */
  | { readonly type: 'mod_vlan_vid'; readonly vid: number; readonly push: boolean }
  | LearnAction;

export type ActionType = Action['type'];

/** Group ids referenced by group actions (OVS refuses flows that name a missing group). */
export function referencedGroups(actions: readonly Action[]): number[] {
  const out: number[] = [];
  for (const a of actions) if (a.type === 'group') out.push(a.groupId);
  return out;
}

export function outputsToPort(actions: readonly Action[], port: number): boolean {
  return actions.some((a) => a.type === 'output' && a.port === port);
}
