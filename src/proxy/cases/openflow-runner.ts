// Runs packet-flow cases against the OpenFlow render, at single-bridge level: the
// NsxProxier programs an in-memory br-int (BridgeProgram) through the real applier, the
// OpenFlow pipeline runs each packet's FlowKey with the real Conntrack, and the outcome
// is read off the pipeline result:
//   - a packet-in carrying the reject mark -> reject (RST for TCP, ICMP otherwise);
//   - no output -> drop;
//   - otherwise the packet as it leaves (NORMAL / port) -> forwarded from/to.
// Pod packets enter on a pod port; external packets and every reply enter on the uplink
// (ens192), because on an NSX node all pod and external traffic reaches br-int through
// the NSX uplink — so the un-NAT of replies happens there, as in the article.
import type { EndpointSlice, Service } from '../../api/index.js';
import { FakeClock } from '../../core/clock.js';
import { formatIPv4, parseIPv4, type IPv4 } from '../../core/ip.js';
import { Conntrack } from '../../dataplane/conntrack/index.js';
import { emptyFlowKey, ETH_TYPE_IPV4, IP_PROTO_TCP, IP_PROTO_UDP, type FlowKey } from '../../dataplane/flow-key.js';
import { BridgeProgram, OpenFlowBridge, PortMap, type PipelineResult } from '../../dataplane/openflow/index.js';
import { bridgeProgramProgrammer } from '../apply/bridge-programmer.js';
import { conntrackFlusher } from '../apply/conntrack-flusher.js';
import { projectEndpointSlice, projectService } from '../model/project.js';
import { NsxProxier } from '../nsx-proxier.js';
import { rejectReplyFor } from '../render/openflow/reject.js';
import type { Addr, CasePacket, CaseState, Fate, PacketFlowRunner, Proto, ProxyCase } from './case-types.js';

export const UPLINK = { name: 'ens192', ofport: 1 } as const;
const POD_PORT = 5;
const TCP_SYN = 0x02;
const TCP_SYN_ACK = 0x12;

export interface OpenFlowRunnerOptions {
  /** Flush stale UDP conntrack entries (default true; false shows what the flush prevents). */
  readonly flushConntrack?: boolean;
  /** Masquerade external traffic under policy Cluster (default true). */
  readonly masquerade?: boolean;
}

function addr(a: Addr): { ip: number; port: number } {
  const i = a.lastIndexOf(':');
  const ip = parseIPv4(a.slice(0, i));
  if (!ip.ok) throw new Error(`bad address ${a}`);
  return { ip: ip.value, port: Number(a.slice(i + 1)) };
}

const show = (ip: number, port: number) => `${formatIPv4((ip >>> 0) as IPv4)}:${port}`;
const keyOf = (o: { metadata: { namespace?: string; name?: string } }) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

export class OpenFlowRunner implements PacketFlowRunner {
  readonly mode = 'openflow' as const;
  readonly clock = new FakeClock(Date.UTC(2026, 0, 1));
  readonly program = new BridgeProgram();
  readonly conntrack = new Conntrack();
  readonly bridge: OpenFlowBridge;
  readonly proxier: NsxProxier;
  private services = new Map<string, Service>();
  private slices = new Map<string, EndpointSlice>();

  constructor(c: ProxyCase, opts: OpenFlowRunnerOptions = {}) {
    const ports = new PortMap([UPLINK, { name: 'pod', ofport: POD_PORT }]);
    this.bridge = new OpenFlowBridge({ program: this.program, conntrack: this.conntrack, ports });
    this.proxier = new NsxProxier({
      nodeName: c.node.name,
      nodeIPs: [c.node.ip],
      uplink: UPLINK,
      programmer: bridgeProgramProgrammer(this.program, () => this.clock.now()),
      ...(opts.flushConntrack === false ? {} : { flushConntrack: conntrackFlusher(this.conntrack) }),
      ...(opts.masquerade !== undefined ? { masquerade: opts.masquerade } : {}),
      clock: this.clock,
    });
  }

  setState(state: CaseState): void {
    const services = new Map(state.services.map((s) => [keyOf(s), s]));
    const slices = new Map(state.slices.map((s) => [keyOf(s), s]));
    for (const [k, s] of this.services) if (!services.has(k)) this.proxier.onServiceUpdate(projectService(s), undefined);
    for (const [k, s] of services) this.proxier.onServiceUpdate(maybe(this.services.get(k), projectService), projectService(s));
    for (const [k, s] of this.slices) if (!slices.has(k)) this.proxier.onEndpointSliceUpdate(projectEndpointSlice(s), undefined);
    for (const [k, s] of slices) this.proxier.onEndpointSliceUpdate(maybe(this.slices.get(k), projectEndpointSlice), projectEndpointSlice(s));
    this.services = services;
    this.slices = slices;
    const r = this.proxier.sync();
    if (r.outcome.kind !== 'applied') throw new Error(`sync failed: ${JSON.stringify(r.outcome.error)}`);
  }

  send(p: CasePacket): Fate {
    const from = addr(p.from);
    const to = addr(p.to);
    const k = packet(p.proto, from, to, p.origin === 'pod' ? POD_PORT : UPLINK.ofport, TCP_SYN);
    return fateOf(k, this.bridge.process(k, 74, this.clock.now()));
  }

  reply(fw: { readonly from: Addr; readonly to: Addr; readonly proto: Proto }): Fate {
    const k = packet(fw.proto, addr(fw.to), addr(fw.from), UPLINK.ofport, TCP_SYN_ACK);
    return fateOf(k, this.bridge.process(k, 74, this.clock.now()));
  }

  advance(ms: number): void {
    this.clock.advance(ms);
  }
}

function maybe<T, R>(x: T | undefined, f: (x: T) => R): R | undefined {
  return x === undefined ? undefined : f(x);
}

function packet(proto: Proto, from: { ip: number; port: number }, to: { ip: number; port: number }, inPort: number, tcpFlags: number): FlowKey {
  const k = emptyFlowKey();
  k.inPort = inPort;
  k.dlType = ETH_TYPE_IPV4;
  k.nwProto = proto === 'TCP' ? IP_PROTO_TCP : IP_PROTO_UDP;
  k.nwTtl = 64;
  k.nwSrc = from.ip;
  k.nwDst = to.ip;
  k.tpSrc = from.port;
  k.tpDst = to.port;
  k.tcpFlags = proto === 'TCP' ? tcpFlags : 0;
  return k;
}

export function fateOf(_in: FlowKey, r: PipelineResult): Fate {
  if (r.kind === 'dropped') return { kind: 'drop' };
  for (const o of r.outputs) {
    const rej = rejectReplyFor(o);
    if (rej !== undefined) return { kind: 'reject', reply: rej.kind };
  }
  const out = r.outputs.find((o) => o.kind !== 'controller');
  if (out === undefined) return { kind: 'drop' };
  return { kind: 'forwarded', from: show(out.key.nwSrc, out.key.tpSrc), to: show(out.key.nwDst, out.key.tpDst) };
}

export const openFlowRunner = (c: ProxyCase): PacketFlowRunner => new OpenFlowRunner(c);
