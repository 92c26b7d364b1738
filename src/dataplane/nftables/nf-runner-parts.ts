// The per-runner helpers of NetfilterRunner: the NfEnv handed to rulesets and the
// NfNatControl backed by a connection's state (one instance each per runner, pointed at
// the current packet, so the hot path creates no closures), and the FlowKey <-> conntrack
// tuple conversions.
import type { Conntrack } from '../conntrack/conntrack.js';
import type { CtPacketInfo, CtTuple, NatSpec } from '../conntrack/types.js';
import { IP_PROTO_ICMP, IP_PROTO_TCP, IP_PROTO_UDP, type FlowKey } from '../flow-key.js';
import { flowText, natTarget, rewrite, type NfManip, type NfNatControl } from './nf-hook-runner.js';
import type { NfConnState, NfSkb } from './nf-runner.js';
import {
  IPS_DST_NAT,
  IPS_SRC_NAT,
  NF_CT_STATE_INVALID,
  NF_CT_STATE_UNTRACKED,
  type NfEnv,
  type NfHook,
  type NfNatRequest,
  type NfPacket,
  type NfTraceEvent,
  type NfVerdict,
} from './nf-types.js';

/** What the helpers need from the runner. */
export interface RunnerContext {
  isLocalAddress(addr: number): boolean;
  readonly masqueradeAddress: ((oif: string, dst: number) => number | undefined) | undefined;
  readonly redirectAddress: ((iif: string) => number | undefined) | undefined;
}

export function natSpec(manip: NfManip, req: NfNatRequest, target: { addr: number; port: number }): NatSpec {
  const fixedAddr = req.kind === 'masquerade' || req.kind === 'redirect' || req.addrMin === undefined;
  const addrMax = fixedAddr ? target.addr : (req.addrMax ?? target.addr);
  const portMin = req.portMin ?? 0;
  return { kind: manip, addrMin: target.addr >>> 0, addrMax: addrMax >>> 0, portMin, portMax: portMin === 0 ? 0 : (req.portMax ?? portMin) };
}

export function isPortProto(p: number): boolean {
  return p === IP_PROTO_TCP || p === IP_PROTO_UDP;
}

export function tupleOfKey(k: FlowKey, icmpId: number): CtTuple {
  if (isPortProto(k.nwProto)) return { src: k.nwSrc, dst: k.nwDst, proto: k.nwProto, srcPort: k.tpSrc, dstPort: k.tpDst };
  const echo = k.nwProto === IP_PROTO_ICMP && (k.tpSrc === 8 || k.tpSrc === 0);
  return { src: k.nwSrc, dst: k.nwDst, proto: k.nwProto, srcPort: echo ? icmpId : 0, dstPort: 0 };
}

export function packetInfo(skb: NfSkb): CtPacketInfo {
  const k = skb.key;
  const icmp = k.nwProto === IP_PROTO_ICMP;
  const info: CtPacketInfo = {
    tuple: tupleOfKey(k, skb.icmpId ?? 0),
    tcpFlags: k.nwProto === IP_PROTO_TCP ? k.tcpFlags : 0,
    icmpType: icmp ? k.tpSrc : 0,
    icmpCode: icmp ? k.tpDst : 0,
    payloadLength: skb.payloadLength ?? 0,
  };
  const errorType = icmp && (k.tpSrc === 3 || k.tpSrc === 4 || k.tpSrc === 5 || k.tpSrc === 11 || k.tpSrc === 12);
  return errorType && skb.quoted !== undefined ? { ...info, quoted: skb.quoted } : info;
}

export function applyTuple(skb: NfSkb, t: CtTuple): void {
  const k = skb.key;
  k.nwSrc = t.src >>> 0;
  k.nwDst = t.dst >>> 0;
  if (isPortProto(k.nwProto)) {
    k.tpSrc = t.srcPort;
    k.tpDst = t.dstPort;
  } else if (k.nwProto === IP_PROTO_ICMP && skb.icmpId !== undefined) skb.icmpId = t.srcPort;
}

/** The NfEnv handed to rulesets; one per runner, updated per hook (no per-packet closures). */
export class RunnerEnv implements NfEnv {
  hook: NfHook = 'prerouting';
  now = 0;
  constructor(
    private readonly runner: RunnerContext,
    readonly random: () => number,
  ) {}

  isLocalAddress(addr: number): boolean {
    return this.runner.isLocalAddress(addr);
  }
}

/** NAT decisions backed by the connection's state; one per runner, pointed at the current packet. */
export class RunnerNat implements NfNatControl {
  skb!: NfSkb;
  st!: NfConnState;
  now = 0;

  constructor(
    private readonly runner: RunnerContext,
    private readonly ct: Conntrack,
    private readonly zs: number,
  ) {}

  mode(): 'chains' | 'binding' | 'none' {
    const s = this.st.view.state;
    if (s === NF_CT_STATE_INVALID || s === NF_CT_STATE_UNTRACKED) return 'none';
    return this.st.fresh ? 'chains' : 'binding';
  }

  bind(manip: NfManip, req: NfNatRequest, pkt: NfPacket, env: NfEnv, trace: NfTraceEvent[] | undefined): NfVerdict | undefined {
    const st = this.st;
    const before = trace === undefined ? '' : flowText(pkt.key);
    const runner = this.runner;
    const ifaceAddr =
      req.kind === 'masquerade' ? runner.masqueradeAddress?.(pkt.oif, pkt.key.nwDst) : req.kind === 'redirect' && env.hook !== 'output' ? runner.redirectAddress?.(pkt.iif) : undefined;
    const target = natTarget(req, pkt, env.hook, ifaceAddr);
    if (target === undefined) return { kind: 'drop', reason: `${req.kind}: no address for ${manip === 'src' ? pkt.oif : pkt.iif}` };
    const spec = natSpec(manip, req, target);
    if (manip === 'dst') {
      st.dnat = spec;
      st.view.status |= IPS_DST_NAT;
    } else {
      st.snat = spec;
      st.view.status |= IPS_SRC_NAT;
    }
    rewrite(pkt.key, manip, target.addr, target.port);
    trace?.push({ kind: 'nat', hook: env.hook, manip, how: 'rule', before, after: flowText(pkt.key) });
    return undefined;
  }

  applyBinding(manip: NfManip, pkt: NfPacket, env: NfEnv, trace: NfTraceEvent[] | undefined): void {
    const st = this.st;
    const before = trace === undefined ? '' : flowText(pkt.key);
    if (manip === 'dst') {
      if (st.dstRewrite === undefined) return;
      rewrite(pkt.key, 'dst', st.dstRewrite.addr, st.dstRewrite.port);
    } else if (st.checkSnatZone) {
      const info = { ...st.info, tuple: tupleOfKey(pkt.key, this.skb.icmpId ?? 0) };
      const r = this.ct.process(info, { zone: this.zs, commit: false, nat: {}, now: this.now });
      if (r.entryId === undefined || r.translated === undefined) return;
      applyTuple(this.skb, r.translated);
    } else {
      if (st.srcRewrite === undefined) return;
      rewrite(pkt.key, 'src', st.srcRewrite.addr, st.srcRewrite.port);
    }
    if (trace !== undefined) {
      const after = flowText(pkt.key);
      if (after !== before) trace.push({ kind: 'nat', hook: env.hook, manip, how: 'binding', before, after });
    }
  }
}
