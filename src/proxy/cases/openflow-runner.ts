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
import { FakeClock } from '../../core/clock.js';
import { Conntrack } from '../../dataplane/conntrack/index.js';
import type { FlowKey } from '../../dataplane/flow-key.js';
import { BridgeProgram, OpenFlowBridge, PortMap, type PipelineResult } from '../../dataplane/openflow/index.js';
import { TCP_ACK, TCP_SYN } from '../../dataplane/wire/tcp.js';
import { bridgeProgramProgrammer } from '../apply/bridge-programmer.js';
import { conntrackFlusher } from '../apply/conntrack-flusher.js';
import { NsxProxier } from '../nsx-proxier.js';
import { rejectReplyFor } from '../render/openflow/reject.js';
import { caseFlowKey, formatCaseAddr, parseCaseAddr } from './case-flow-key.js';
import { CaseStateFeed } from './case-state-feed.js';
import type { Addr, CasePacket, CaseState, Fate, PacketFlowRunner, Proto, ProxyCase } from './case-types.js';

export const UPLINK = { name: 'ens192', ofport: 1 } as const;
const POD_PORT = 5;

export interface OpenFlowRunnerOptions {
  /** Flush stale UDP conntrack entries (default true; false shows what the flush prevents). */
  readonly flushConntrack?: boolean;
  /** Masquerade external traffic under policy Cluster (default true). */
  readonly masquerade?: boolean;
}

export class OpenFlowRunner implements PacketFlowRunner {
  readonly mode = 'openflow' as const;
  readonly clock = new FakeClock(Date.UTC(2026, 0, 1));
  readonly program = new BridgeProgram();
  readonly conntrack = new Conntrack();
  readonly bridge: OpenFlowBridge;
  readonly proxier: NsxProxier;
  private readonly feed: CaseStateFeed;

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
    this.feed = new CaseStateFeed(this.proxier);
  }

  setState(state: CaseState): void {
    this.feed.feed(state);
    const r = this.proxier.sync();
    if (r.outcome.kind !== 'applied') throw new Error(`sync failed: ${JSON.stringify(r.outcome.error)}`);
  }

  send(p: CasePacket): Fate {
    const k = caseFlowKey(p.proto, parseCaseAddr(p.from), parseCaseAddr(p.to), TCP_SYN, p.origin === 'pod' ? POD_PORT : UPLINK.ofport);
    return fateOf(k, this.bridge.process(k, 74, this.clock.now()));
  }

  reply(fw: { readonly from: Addr; readonly to: Addr; readonly proto: Proto }): Fate {
    const k = caseFlowKey(fw.proto, parseCaseAddr(fw.to), parseCaseAddr(fw.from), TCP_SYN | TCP_ACK, UPLINK.ofport);
    return fateOf(k, this.bridge.process(k, 74, this.clock.now()));
  }

  advance(ms: number): void {
    this.clock.advance(ms);
  }
}

export function fateOf(_in: FlowKey, r: PipelineResult): Fate {
  if (r.kind === 'dropped') return { kind: 'drop' };
  for (const o of r.outputs) {
    const rej = rejectReplyFor(o);
    if (rej !== undefined) return { kind: 'reject', reply: rej.kind };
  }
  const out = r.outputs.find((o) => o.kind !== 'controller');
  if (out === undefined) return { kind: 'drop' };
  return { kind: 'forwarded', from: formatCaseAddr(out.key.nwSrc, out.key.tpSrc), to: formatCaseAddr(out.key.nwDst, out.key.tpDst) };
}

export const openFlowRunner = (c: ProxyCase): PacketFlowRunner => new OpenFlowRunner(c);
