// iptables: program model, iptables-restore parser, iptables-save printer, interpreter.
// Runs under the shared netfilter hook runner (../nftables/nf-runner.ts) like nftables.
export type {
  IptAddr,
  IptChain,
  IptIface,
  IptMatch,
  IptNatRange,
  IptPortMatch,
  IptRule,
  IptRuleSpec,
  IptTable,
  IptTableName,
  IptTarget,
} from './ipt-types.js';
export { BUILTIN_CHAINS, IPT_TABLES, MAX_CHAIN_NAME } from './ipt-types.js';
export { evalIptChain } from './ipt-eval.js';
export { parseIptablesRestore, type IptChainDecl, type IptOp, type IptParseError, type IptRestoreTable } from './ipt-parse.js';
export { parseIptCommand, splitArgv, type IptCommandLine } from './ipt-parse-rule.js';
export { formatIptablesSave, formatIptRule, formatIptTable, formatIptTarget, type SaveOptions } from './ipt-print.js';
export { IptRecentTables } from './ipt-recent.js';
export { IptRuleset, type IptBaseChainRef, type RestoreOptions } from './ipt-ruleset.js';
