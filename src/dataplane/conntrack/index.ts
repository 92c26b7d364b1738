export type { CtPacketInfo, CtQuotedTuple, CtRequest, CtResult, CtTuple, NatSpec } from './types.js';
export { Conntrack, type ConntrackOptions, type CtFlushFilter, type CtStats } from './conntrack.js';
export type { CtEntryView, CtTupleView } from './entry-view.js';
export { formatConntrackL, formatDpctl, type DpctlFormatOptions } from './format.js';
export { TCP_STATE_NAMES, TcpState, type TcpStateName } from './tcp-state.js';
export { DEFAULT_TIMEOUTS, type CtTimeouts } from './timeouts.js';
