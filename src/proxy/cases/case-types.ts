// Packet-flow cases, renderer-neutral: Service state in (API objects), packet fates out.
// The same case data runs against every proxy mode (the OpenFlow render here; the
// nftables / iptables kube-proxy modes later) through a PacketFlowRunner.
import type { EndpointSlice, Service } from '../../api/index.js';

/** "ip:port" */
export type Addr = string;
export type Proto = 'TCP' | 'UDP';

export interface CasePacket {
  readonly from: Addr;
  readonly to: Addr;
  readonly proto: Proto;
  /**
   * Where the packet enters this node's proxy: from a pod on this node, or from outside
   * the node (an external client, or anything arriving over the node's uplink).
   */
  readonly origin: 'pod' | 'external';
}

export type Fate =
  /** Left the proxy towards `to`, with source `from` (both as the packet then carries them). */
  | { readonly kind: 'forwarded'; readonly from: Addr; readonly to: Addr }
  /** Refused: the client gets a TCP RST or an ICMP port unreachable. */
  | { readonly kind: 'reject'; readonly reply: 'tcp-rst' | 'icmp-port-unreachable' }
  | { readonly kind: 'drop' };

export type Expect =
  | {
      readonly kind: 'forwarded';
      /** The destination must be one of these. */
      readonly to?: readonly Addr[];
      /** The source must be exactly this ("ip:port")... */
      readonly from?: Addr;
      /** ...or have this IP (port may be remapped, e.g. masquerade). */
      readonly fromIp?: string;
    }
  | { readonly kind: 'reject' }
  | { readonly kind: 'drop' };

export interface CaseState {
  readonly services: readonly Service[];
  readonly slices: readonly EndpointSlice[];
}

/** The dataplanes a case runs on. */
export type ProxyMode = 'openflow' | 'nftables' | 'iptables';

/**
 * Where dataplanes legitimately differ (an NSX-only behaviour, an upstream kube-proxy
 * mode's own rule), a step says so: it runs only in `modes`, and `why` explains the
 * difference. A step without `modes` is what Kubernetes promises in every mode.
 */
export interface ModeScope {
  readonly modes?: readonly ProxyMode[];
  readonly why?: string;
}

export type CaseStep = CaseStepBody & ModeScope;

export type CaseStepBody =
  /** Replace the cluster state; the runner programs the change incrementally. */
  | { readonly kind: 'state'; readonly state: CaseState }
  | { readonly kind: 'advance'; readonly seconds: number }
  /** One packet (a new connection for TCP; for UDP the 5-tuple may repeat). */
  | {
      readonly kind: 'send';
      readonly packet: CasePacket;
      readonly expect: Expect;
      /** Remember the fate under this label (for reply / sameAs / notSameAs). */
      readonly remember?: string;
      readonly sameAs?: string;
      readonly notSameAs?: string;
    }
  /** `connections` new connections (source port + i); each as expected; with `all`, every `to` is used. */
  | { readonly kind: 'spread'; readonly packet: CasePacket; readonly connections: number; readonly expect: Expect; readonly all: boolean }
  /** `connections` new connections from one client all reach the same destination. */
  | { readonly kind: 'sticky'; readonly packet: CasePacket; readonly connections: number; readonly remember?: string; readonly sameAs?: string }
  /** Each client is sticky again, and at least one reached a destination other than the remembered one. */
  | { readonly kind: 'rechosen'; readonly packets: readonly CasePacket[]; readonly connections: number; readonly remembered: readonly string[] }
  /** The destination of a remembered connection answers; what reaches the client. */
  | { readonly kind: 'reply'; readonly of: string; readonly expect: Expect };

export interface ProxyCase {
  readonly name: string;
  readonly description: string;
  /** The node whose proxy is exercised. */
  readonly node: { readonly name: string; readonly ip: string };
  readonly state: CaseState;
  readonly steps: readonly CaseStep[];
}

/** A proxy mode able to run cases: one instance per case. */
export interface PacketFlowRunner {
  /** Which mode's steps run (see ModeScope). */
  readonly mode: ProxyMode;
  /** Programs a state: the first call from scratch, later ones as changes. */
  setState(state: CaseState): void;
  send(p: CasePacket): Fate;
  /** The destination of a forwarded packet answers it (SYN-ACK / datagram back). */
  reply(forwarded: { readonly from: Addr; readonly to: Addr; readonly proto: Proto }): Fate;
  advance(ms: number): void;
}

export type RunnerFactory = (c: ProxyCase) => PacketFlowRunner;
