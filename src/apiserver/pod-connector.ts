// The pod exec/logs contract is shared with the node agent, so it lives in src/api.
export type { ExecIO, ExecOutcome, ExecRequest, ExecSession, ExecStart, LogOptions, LogOutcome, PodConnector, StreamRefusal } from '../api/contracts/pod-connector.js';
