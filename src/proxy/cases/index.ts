// Renderer-neutral packet-flow cases and their runners.
export type { Addr, CasePacket, CaseState, CaseStep, CaseStepBody, ModeScope, ProxyMode, Expect, Fate, PacketFlowRunner, Proto, ProxyCase, RunnerFactory } from './case-types.js';
export { PROXY_CASES } from './proxy-cases.js';
export { checkFate, runCase, withSourcePort } from './run-case.js';
export { OpenFlowRunner, openFlowRunner, type OpenFlowRunnerOptions } from './openflow-runner.js';
