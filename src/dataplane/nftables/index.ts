// nftables: program model, `nft -f` parser, `nft list ruleset` printer, interpreter; and
// the netfilter hook runner (with conntrack) that iptables shares.
export type {
  NftBaseSpec,
  NftChain,
  NftElement,
  NftExpr,
  NftFamily,
  NftKeyPart,
  NftMapData,
  NftRule,
  NftSet,
  NftSetDecl,
  NftStmt,
  NftTable,
  NftVerdictData,
} from './nft-ast.js';
export type { NftCommand, NftRuleSpec, RawElement, RawValue } from './nft-commands.js';
export { DATATYPES, type NftScalar, type NftTypeName } from './nft-datatypes.js';
export { NftElementStore } from './nft-element-store.js';
export { evalNftChain } from './nft-eval.js';
export { parseNft, type NftParseError } from './nft-parse.js';
export { formatNftRuleset, formatNftTable, formatPriority, type ListOptions } from './nft-print.js';
export { formatNftRule, formatNftStmt } from './nft-print-rule.js';
export { NftRuleset, type NftApplyError, type NftBaseChainRef } from './nft-ruleset.js';
export { formatNftTime, parseNftTime } from './nft-time.js';

export * from './nf-types.js';
export {
  flowText,
  mergedBaseChains,
  natManipOf,
  runNetfilterHook,
  statelessNat,
  type NfHookResult,
  type NfManip,
  type NfNatControl,
  type StatelessNatOptions,
} from './nf-hook-runner.js';
export { NetfilterRunner, type NetfilterRunnerOptions, type NfConnState, type NfRunOptions, type NfSkb } from './nf-runner.js';
export { formatNfTrace } from './nf-trace.js';
