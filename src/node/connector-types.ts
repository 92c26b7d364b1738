// The exec / logs contract between the API server and the node that runs a pod; shared
// through src/api (see src/api/contracts/pod-connector.ts). A node's side is a PodConnector.
export type { ExecIO, ExecOutcome, ExecRequest, ExecSession, ExecStart, LogOptions, LogOutcome, StreamRefusal } from '../api/contracts/pod-connector.js';
export type { PodConnector as NodeConnector } from '../api/contracts/pod-connector.js';
