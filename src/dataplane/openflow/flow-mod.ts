// Flow-mod and group-mod requests and their errors (OpenFlow error names), as a
// controller sends them to a BridgeProgram.
import { ETH_TYPE_IPV4 } from '../flow-key.js';
import type { Action } from './actions.js';
import type { FlowEntry } from './flow.js';
import type { FlowSpec } from './flow.js';
import type { GroupSpec } from './group.js';
import type { Match } from './match.js';

export const OFPG_ALL = 0xfffffffc;
export const OFPG_MAX = 0xffffff00;

export type FlowModError =
  | { readonly code: 'OFPBAC_BAD_OUT_GROUP'; readonly groupId: number }
  | { readonly code: 'OFPBRC_BAD_TABLE_ID'; readonly table: number }
  | { readonly code: 'OFPBMC_BAD_PREREQ'; readonly detail: string }
  | { readonly code: 'OFPBAC_MATCH_INCONSISTENT'; readonly detail: string }
  | { readonly code: 'OFPFMFC_OVERLAP' };

export type GroupModError =
  | { readonly code: 'OFPGMFC_GROUP_EXISTS'; readonly groupId: number }
  | { readonly code: 'OFPGMFC_UNKNOWN_GROUP'; readonly groupId: number }
  | { readonly code: 'OFPGMFC_INVALID_GROUP'; readonly groupId: number }
  | { readonly code: 'OFPGMFC_BAD_BUCKET'; readonly detail: string }
  | { readonly code: 'OFPBAC_BAD_OUT_GROUP'; readonly groupId: number };

export interface CookieMatch {
  readonly value: bigint;
  readonly mask: bigint;
}

export type FlowMod =
  | { readonly command: 'add'; readonly flow: FlowSpec }
  | {
      readonly command: 'modify';
      readonly strict: boolean;
      /** Template: its match/priority select (strict) and its actions are installed. */
      readonly flow: FlowSpec;
      /** Table to search; undefined = all tables (ovs-ofctl without table=). */
      readonly table?: number;
      /** New cookie; undefined keeps each flow's cookie. */
      readonly newCookie?: bigint;
      readonly cookie?: CookieMatch;
    }
  | {
      readonly command: 'delete';
      readonly strict: boolean;
      readonly match: Match;
      readonly priority: number;
      readonly table?: number;
      readonly cookie?: CookieMatch;
      readonly outPort?: number;
      readonly outGroup?: number;
    };

export type GroupMod =
  | { readonly command: 'add' | 'modify' | 'add-or-modify'; readonly group: GroupSpec }
  | { readonly command: 'delete'; readonly groupId: number };

export type RemovedReason = 'idle' | 'hard' | 'delete' | 'group-delete';

export interface RemovedFlow {
  readonly flow: FlowEntry;
  readonly reason: RemovedReason;
}

/** ofproto_check_ofpacts + check_CT: referenced groups must exist; ct() needs an IP match. */
export function validateActions(
  actions: readonly Action[],
  match: Match | undefined,
  groupExists: (g: number) => boolean,
): FlowModError | undefined {
  for (const a of actions) {
    if (a.type === 'group' && !groupExists(a.groupId)) return { code: 'OFPBAC_BAD_OUT_GROUP', groupId: a.groupId };
    if (a.type === 'ct' && match !== undefined && match.dlType() !== ETH_TYPE_IPV4) {
      return { code: 'OFPBAC_MATCH_INCONSISTENT', detail: 'ct() requires the flow to match ip' };
    }
  }
  return undefined;
}

