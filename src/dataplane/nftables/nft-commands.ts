// What an `nft -f` file says, as data: one command per `add/create/insert/replace/
// delete/destroy/flush` line, and the nested `table x { chain y { ... } }` form expanded
// into the same commands (that is what nft does with it: a nested table is "add").
// Element keys stay raw words until they are applied, because their types come from the
// set's declaration, which may live in the ruleset rather than in this file.
import type { NftBaseSpec, NftFamily, NftSetDecl, NftStmt, NftVerdictData } from './nft-ast.js';

export interface RawValue {
  readonly text: string;
  readonly quoted: boolean;
}

export interface RawElement {
  readonly key: readonly RawValue[];
  readonly data?: { readonly k: 'verdict'; readonly v: NftVerdictData } | { readonly k: 'values'; readonly v: readonly RawValue[] };
  readonly timeoutMs?: number;
  readonly expiresMs?: number;
  readonly comment?: string;
}

export interface NftRuleSpec {
  readonly stmts: readonly NftStmt[];
  readonly comment?: string;
}

interface At {
  readonly family: NftFamily;
  readonly table: string;
  /** Source line, for errors. */
  readonly line: number;
}

export type NftCommand =
  | (At & { readonly op: 'add' | 'create'; readonly obj: 'table'; readonly comment?: string; readonly flags?: readonly string[] })
  | (At & { readonly op: 'delete' | 'destroy' | 'flush'; readonly obj: 'table' })
  | (At & {
      readonly op: 'add' | 'create';
      readonly obj: 'chain';
      readonly chain: string;
      readonly base?: NftBaseSpec;
      readonly policy?: 'accept' | 'drop';
      readonly comment?: string;
    })
  | (At & { readonly op: 'delete' | 'destroy' | 'flush'; readonly obj: 'chain'; readonly chain: string })
  | (At & {
      readonly op: 'add' | 'insert' | 'replace';
      readonly obj: 'rule';
      readonly chain: string;
      readonly rule: NftRuleSpec;
      readonly position?: { readonly kind: 'handle' | 'position' | 'index'; readonly n: number };
    })
  | (At & { readonly op: 'delete' | 'destroy'; readonly obj: 'rule'; readonly chain: string; readonly handle: number })
  | (At & { readonly op: 'add' | 'create'; readonly obj: 'set'; readonly decl: NftSetDecl; readonly elements?: readonly RawElement[] })
  | (At & { readonly op: 'delete' | 'destroy' | 'flush'; readonly obj: 'set'; readonly set: string; readonly kind: 'set' | 'map' })
  | (At & { readonly op: 'add' | 'create' | 'delete' | 'destroy'; readonly obj: 'element'; readonly set: string; readonly elements: readonly RawElement[] })
  | { readonly op: 'flush'; readonly obj: 'ruleset'; readonly family?: NftFamily; readonly line: number };
