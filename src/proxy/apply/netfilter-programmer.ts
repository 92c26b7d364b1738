// Applying a whole kube-proxy program (nftables or iptables text) to a node's netfilter
// state. The proxier renders the complete program each sync, so applying it means
// replacing what the previous sync loaded, and doing so atomically: a half-applied
// program would leave Services pointing at chains that are gone.
//
//  - nftables: one `nft -f` transaction `add table ip kube-proxy` + `delete table ip
//    kube-proxy` + the program. The add makes the delete valid on the first sync; the
//    kernel (and NftRuleset) commits all of it or nothing.
//  - iptables: `iptables-restore` (no --noflush: each table in the program replaces the
//    table it names). Real iptables-restore commits table by table, so a program whose
//    nat section fails after filter committed would be half applied; `--test` of the whole
//    text first makes a refused program change nothing.
import type { Result } from '../../core/result.js';
import { err, ok } from '../../core/result.js';
import type { IptRuleset } from '../../dataplane/iptables/index.js';
import type { NftRuleset } from '../../dataplane/nftables/index.js';

export interface NetfilterProgrammer {
  /** Replaces the loaded program with `program`; on error nothing changed. */
  apply(program: string): Result<void, string>;
}

export const NFT_TABLE = 'ip kube-proxy';

/** The transaction a full nftables sync applies: drop the old table, load the new. */
export function nftReplaceTransaction(program: string): string {
  return `add table ${NFT_TABLE}\ndelete table ${NFT_TABLE}\n${program}`;
}

export function nftablesProgrammer(ruleset: NftRuleset, now: () => number): NetfilterProgrammer {
  return {
    apply(program) {
      const r = ruleset.load(nftReplaceTransaction(program), now());
      // Line numbers refer to the program as rendered (the two prefix lines are ours).
      return r.ok ? ok(undefined) : err(`nft: line ${r.error.line - 2}: ${r.error.message}`);
    },
  };
}

export function iptablesProgrammer(ruleset: IptRuleset): NetfilterProgrammer {
  return {
    apply(program) {
      const t = ruleset.test(program);
      if (!t.ok) return err(`iptables-restore: line ${t.error.line}: ${t.error.message}`);
      const r = ruleset.restore(program);
      return r.ok ? ok(undefined) : err(`iptables-restore: line ${r.error.line}: ${r.error.message}`);
    },
  };
}
