// Runs packet-flow cases against the kube-proxy modes (nftables / iptables render), at
// single-node level: a NetfilterProxier programs an NftRuleset or IptRuleset through the
// real programmer, and every packet goes through the node's netfilter hooks
// (NetfilterRunner with the real Conntrack) on a FakeClock, as Linux would route it:
//
//   arriving (from a pod on cni0, from outside on eth0):
//     prerouting -> [destination local after DNAT?] input            -> delivered to the node
//                                                  : forward -> postrouting -> out cni0 / eth0
//
// The out interface is cni0 when the destination is a pod of this node (a local endpoint,
// or a pod that sent a packet from this node), else eth0. Masquerade takes the address of
// the out interface: the node IP on eth0, the pod gateway on cni0 (hairpin). The fate is
// read off the hook results: reject / drop verdicts as such; otherwise the packet as it
// leaves postrouting (or reaches input) is "forwarded".
import { FakeClock } from '../../core/clock.js';
import { parseIPv4 } from '../../core/ip.js';
import { Conntrack } from '../../dataplane/conntrack/index.js';
import { seededRng } from '../../dataplane/fabric/rng.js';
import type { FlowKey } from '../../dataplane/flow-key.js';
import { IptRuleset } from '../../dataplane/iptables/index.js';
import { NetfilterRunner, NftRuleset, type NfHookResult, type NfSkb } from '../../dataplane/nftables/index.js';
import { TCP_ACK, TCP_SYN } from '../../dataplane/wire/tcp.js';
import { conntrackFlusher } from '../apply/conntrack-flusher.js';
import { iptablesProgrammer, nftablesProgrammer } from '../apply/netfilter-programmer.js';
import { NetfilterProxier, type KubeProxyMode } from '../netfilter-proxier.js';
import { caseFlowKey, formatCaseAddr, parseCaseAddr } from './case-flow-key.js';
import { CaseStateFeed } from './case-state-feed.js';
import type { Addr, CasePacket, CaseState, Fate, PacketFlowRunner, Proto, ProxyCase } from './case-types.js';

/** The cases' pod network (all pods are in 172.25.0.0/16). */
export const CASE_CLUSTER_CIDR = '172.25.0.0/16';
/** This node's address on cni0, the pods' gateway (the source of hairpin masquerade). */
export const CASE_POD_GATEWAY = '172.25.5.1';
const POD_IF = 'cni0';
const UPLINK_IF = 'eth0';

export interface NetfilterCaseRunnerOptions {
  /** Flush stale UDP conntrack entries (default true; false shows what the flush prevents). */
  readonly flushConntrack?: boolean;
  /** Seed of the runner's random source (numgen / statistic); default 1. */
  readonly seed?: number;
}

function ipNum(s: string): number {
  const r = parseIPv4(s);
  if (!r.ok) throw new Error(`bad address ${s}`);
  return r.value;
}

export class NetfilterCaseRunner implements PacketFlowRunner {
  readonly clock = new FakeClock(Date.UTC(2026, 0, 1));
  readonly conntrack = new Conntrack();
  readonly ruleset: NftRuleset | IptRuleset;
  readonly netfilter: NetfilterRunner;
  readonly proxier: NetfilterProxier;
  private readonly nodeIP: number;
  private readonly gateway = ipNum(CASE_POD_GATEWAY);
  private readonly feed: CaseStateFeed;
  /** Pods known to live on this node (their traffic leaves on cni0). */
  private readonly localPods = new Set<number>();

  constructor(
    readonly mode: KubeProxyMode,
    private readonly c: ProxyCase,
    opts: NetfilterCaseRunnerOptions = {},
  ) {
    this.nodeIP = ipNum(c.node.ip);
    const now = () => this.clock.now();
    let programmer;
    if (mode === 'nftables') {
      const rs = new NftRuleset();
      this.ruleset = rs;
      programmer = nftablesProgrammer(rs, now);
    } else {
      const rs = new IptRuleset();
      this.ruleset = rs;
      programmer = iptablesProgrammer(rs);
    }
    this.netfilter = new NetfilterRunner({
      conntrack: this.conntrack,
      rulesets: [this.ruleset],
      localAddresses: [this.nodeIP, this.gateway],
      masqueradeAddress: (oif) => (oif === POD_IF ? this.gateway : this.nodeIP),
      random: seededRng(opts.seed ?? 1),
    });
    this.proxier = new NetfilterProxier({
      nodeName: c.node.name,
      nodeIPs: [c.node.ip],
      mode,
      clusterCIDR: CASE_CLUSTER_CIDR,
      programmer,
      ...(opts.flushConntrack === false ? {} : { flushConntrack: conntrackFlusher(this.conntrack) }),
      clock: this.clock,
    });
    this.feed = new CaseStateFeed(this.proxier);
  }

  setState(state: CaseState): void {
    this.feed.feed(state);
    for (const sl of this.feed.currentSlices()) {
      for (const e of sl.endpoints) if (e.nodeName === this.c.node.name) for (const a of e.addresses) this.localPods.add(ipNum(a));
    }
    const r = this.proxier.sync();
    if (r.outcome.kind === 'failed') throw new Error(`sync failed: ${r.outcome.error.message}`);
  }

  send(p: CasePacket): Fate {
    const from = parseCaseAddr(p.from);
    if (p.origin === 'pod') this.localPods.add(from.ip);
    return this.travel(caseFlowKey(p.proto, from, parseCaseAddr(p.to), TCP_SYN), p.origin === 'pod' ? POD_IF : UPLINK_IF);
  }

  reply(fw: { readonly from: Addr; readonly to: Addr; readonly proto: Proto }): Fate {
    const src = parseCaseAddr(fw.to);
    return this.travel(caseFlowKey(fw.proto, src, parseCaseAddr(fw.from), TCP_SYN | TCP_ACK), this.localPods.has(src.ip) ? POD_IF : UPLINK_IF);
  }

  advance(ms: number): void {
    this.clock.advance(ms);
  }

  /** One packet through the node: returns its fate (and leaves the hooks' results in `lastPath`). */
  lastPath: NfHookResult[] = [];

  private travel(key: FlowKey, iif: string): Fate {
    const now = this.clock.now();
    const skb: NfSkb = { key, mark: 0, iif, oif: '', bytes: 74 };
    const path: NfHookResult[] = (this.lastPath = []);
    const pre = this.netfilter.hook('prerouting', skb, now);
    path.push(pre);
    if (pre.verdict.kind !== 'accept') return verdictFate(pre);
    if (this.netfilter.isLocalAddress(key.nwDst)) {
      const inp = this.netfilter.hook('input', skb, now);
      path.push(inp);
      return inp.verdict.kind === 'accept' ? leaving(key) : verdictFate(inp);
    }
    skb.oif = this.localPods.has(key.nwDst >>> 0) ? POD_IF : UPLINK_IF;
    for (const h of ['forward', 'postrouting'] as const) {
      const r = this.netfilter.hook(h, skb, now);
      path.push(r);
      if (r.verdict.kind !== 'accept') return verdictFate(r);
    }
    return leaving(key);
  }
}

function leaving(k: FlowKey): Fate {
  return { kind: 'forwarded', from: formatCaseAddr(k.nwSrc, k.tpSrc), to: formatCaseAddr(k.nwDst, k.tpDst) };
}

function verdictFate(r: NfHookResult): Fate {
  if (r.verdict.kind === 'reject') return { kind: 'reject', reply: r.verdict.with.kind === 'tcp-reset' ? 'tcp-rst' : 'icmp-port-unreachable' };
  return { kind: 'drop' };
}

export const nftablesCaseRunner = (c: ProxyCase): PacketFlowRunner => new NetfilterCaseRunner('nftables', c);
export const iptablesCaseRunner = (c: ProxyCase): PacketFlowRunner => new NetfilterCaseRunner('iptables', c);
