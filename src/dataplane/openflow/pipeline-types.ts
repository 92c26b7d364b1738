// Types and limits of the OpenFlow pipeline (pipeline.ts).
import type { CtPacketInfo, CtQuotedTuple, CtRequest, CtResult, CtTuple } from '../conntrack/types.js';
import type { FlowKey } from '../flow-key.js';
import type { BridgeProgram } from './bridge-program.js';
import type { NormalSwitch } from './normal-switch.js';
import type { PortMap } from './port-map.js';
import type { DropReason, TraceEvent } from './trace.js';

/**
 * The connection tracker as the ct() action needs it (see ../conntrack/types.ts).
 * process() must not keep `info`, its tuple or `req` after returning: the pipeline
 * refills the same objects for every ct() (copy what you store).
 */
export interface ConntrackLike {
  process(info: CtPacketInfo, req: CtRequest): CtResult;
}

export type ControllerReason = 'action' | 'no_match' | 'invalid_ttl';

export type PipelineOutput =
  | { readonly kind: 'port'; readonly port: number; readonly key: FlowKey }
  /** Output to NORMAL when the bridge has no built-in NormalSwitch: the caller switches. */
  | { readonly kind: 'normal'; readonly key: FlowKey }
  | { readonly kind: 'controller'; readonly key: FlowKey; readonly reason: ControllerReason; readonly maxLen: number; readonly table: number };

export type PipelineResult =
  | {
      readonly kind: 'forwarded';
      readonly outputs: readonly PipelineOutput[];
      readonly trail: readonly TraceEvent[];
      /** For a NATed ICMP error: the rewritten tuple of the quoted datagram (conntrack's translatedQuoted). */
      readonly translatedQuoted?: CtTuple;
    }
  | { readonly kind: 'dropped'; readonly reason: DropReason; readonly trail: readonly TraceEvent[] };

export interface ProcessOptions {
  /** Record a trail of every step (costs string formatting). */
  readonly trace?: boolean;
  /** L4 payload length for conntrack; estimated from packetBytes when absent. */
  readonly payloadLength?: number;
  /** ICMP echo identifier (FlowKey has none); conntrack uses it as the "source port". */
  readonly icmpId?: number;
  /** For ICMP errors: the quoted datagram, so conntrack can relate the error (+rel). */
  readonly quoted?: CtQuotedTuple;
}

export interface OpenFlowBridgeOptions {
  readonly program: BridgeProgram;
  readonly conntrack: ConntrackLike;
  /** Port names for traces and the ports FLOOD/ALL reach. */
  readonly ports?: PortMap;
  /** Resolve NORMAL into port outputs with this switch; otherwise NORMAL is returned as such. */
  readonly normal?: NormalSwitch;
  /** Table-miss behaviour (OpenFlow 1.3 default: drop). */
  readonly tableMiss?: 'drop' | 'controller';
  readonly maxDepth?: number;
  readonly maxResubmits?: number;
  readonly maxRecirculations?: number;
}

/** OVS limits (ofproto-dpif-xlate.c MAX_DEPTH, MAX_RESUBMITS; dpif-netdev MAX_RECIRC_DEPTH). */
export const MAX_DEPTH = 64;
export const MAX_RESUBMITS = MAX_DEPTH * MAX_DEPTH;
export const MAX_RECIRCULATIONS = 6;

