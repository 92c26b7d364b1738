// OpenFlow program model and interpreter (Open vSwitch style). See README.md.
export type { Action, CtAction, LearnAction, LearnSpec, NatAction, NatRange } from './actions.js';
export { referencedGroups } from './actions.js';
export {
  BridgeProgram,
  OFPG_ALL,
  validateActions,
  type CookieMatch,
  type FlowMod,
  type FlowModError,
  type GroupMod,
  type GroupModError,
  type RemovedFlow,
} from './bridge-program.js';
export { Classifier, type ClsRule } from './classifier.js';
export { FakeConntrack } from './fake-conntrack.js';
export { fieldByName, parseSubField, formatSubField, type MfField, type SubField } from './fields.js';
export { FlowEntry, OFP_DEFAULT_PRIORITY, flowSpec, type FlowFlags, type FlowSpec, type FlowSpecInit, type FlowStats } from './flow.js';
export { formatAction, formatActions } from './format-actions.js';
export { dumpFlows, formatDuration, formatFlow, type DumpFlowsOptions, type FormatFlowOptions } from './format-flow.js';
export { dumpGroupStats, dumpGroups, formatGroup, type DumpGroupsOptions } from './format-group.js';
export { formatMatch } from './format-match.js';
export { GroupEntry, BucketEntry, groupSpec, symmetricFlowHash, type BucketSpec, type GroupSpec, type GroupType } from './group.js';
export { Match, MatchBuilder, matchOf, checkPrerequisites } from './match.js';
export { NormalSwitch, type NormalDecision, type NormalPortConfig, type NormalSwitchOptions } from './normal-switch.js';
export { parseActions } from './parse-actions.js';
export { parseFlow, parseFlowMod, parseMatch, type FlowModCommand, type ParsedFlow } from './parse-flow.js';
export { parseGroup, parseGroupMod } from './parse-group.js';
export {
  MAX_DEPTH,
  MAX_RECIRCULATIONS,
  MAX_RESUBMITS,
  OpenFlowBridge,
  copyFlowKey,
  type ConntrackLike,
  type OpenFlowBridgeOptions,
  type PipelineOutput,
  type PipelineResult,
  type ProcessOptions,
} from './pipeline.js';
export {
  OFPP_ALL,
  OFPP_CONTROLLER,
  OFPP_FLOOD,
  OFPP_IN_PORT,
  OFPP_LOCAL,
  OFPP_NONE,
  OFPP_NORMAL,
  PortMap,
  formatPort,
  parsePort,
  type PortInfo,
} from './port-map.js';
export { loadDumpFlows, loadDumpGroups } from './load-dump.js';
export { formatTrace, type DropReason, type TraceEvent } from './trace.js';
