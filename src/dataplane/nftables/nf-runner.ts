// The netfilter hook runner of a node: loaded rulesets (nftables and/or iptables) plus
// connection tracking, in Linux's order:
//
//   prerouting:  conntrack lookup (-200) ... NAT dst (-100) ... filter chains
//   input:       filter chains ... NAT src (100) ... confirm
//   forward:     filter chains
//   output:      conntrack lookup (-200) ... NAT dst (-100) ... filter chains
//   postrouting: filter chains ... NAT src (100) ... confirm
//
// The nat chains run only for a connection's first packet; later packets get the stored
// binding. The connection is committed ("confirmed") when the first packet leaves
// postrouting or input accepted; a packet dropped before that leaves nothing behind.
//
// Mapping onto ../conntrack (one NAT binding per entry, OVS-style zones): a connection
// lives in the DNAT zone (entry keyed by the tuple as it arrived, with the dnat/redirect
// binding or none) and, when it was source-NATed, also in the SNAT zone (keyed by the
// post-DNAT tuple, with the snat/masquerade binding). Original-direction packets go
// DNAT zone at conntrack-in, SNAT zone at the src NAT point; replies go SNAT zone first
// (un-SNAT rewrites the destination, applied at the dst NAT point as Linux does) and
// then the DNAT zone (un-DNAT rewrites the source, applied at the src NAT point).
// `ct state`/`ct mark` come from the DNAT-zone entry, which every connection has.
import type { Conntrack } from '../conntrack/conntrack.js';
import type { CtPacketInfo, CtQuotedTuple, CtResult, CtTuple, NatSpec } from '../conntrack/types.js';
import { CT_DNAT, CT_EST, CT_INV, CT_NEW, CT_REL, CT_RPL, CT_SNAT, CT_TRK, ETH_TYPE_IPV4, type FlowKey } from '../flow-key.js';
import { seededRng } from '../fabric/rng.js';
import { flowText, runNetfilterHook, type NfHookResult } from './nf-hook-runner.js';
import { applyTuple, packetInfo, RunnerEnv, RunnerNat, type RunnerContext } from './nf-runner-parts.js';
import {
  IPS_CONFIRMED,
  IPS_DST_NAT,
  IPS_SEEN_REPLY,
  IPS_SRC_NAT,
  NF_ACCEPT,
  NF_CT_STATE_ESTABLISHED,
  NF_CT_STATE_INVALID,
  NF_CT_STATE_NEW,
  NF_CT_STATE_RELATED,
  NF_CT_STATE_UNTRACKED,
  type NetfilterRuleset,
  type NfCtView,
  type NfHook,
  type NfPacket,
  type NfTraceEvent,
  type NfVerdict,
} from './nf-types.js';

export interface NetfilterRunnerOptions {
  readonly conntrack: Conntrack;
  readonly rulesets?: readonly NetfilterRuleset[];
  /** The node's own addresses (127.0.0.0/8 is always local). */
  readonly localAddresses?: Iterable<number>;
  /** Source for `masquerade`: the address of the outgoing interface. */
  readonly masqueradeAddress?: (oif: string, dst: number) => number | undefined;
  /** Destination for `redirect` at prerouting: the address of the incoming interface. */
  readonly redirectAddress?: (iif: string) => number | undefined;
  /** Uniform [0, 1); default a fixed-seed generator so runs repeat. */
  readonly random?: () => number;
  /** Conntrack zones standing for Linux's one entry with two bindings. */
  readonly zones?: { readonly dnat: number; readonly snat: number };
}

/** A packet travelling through the node's hooks; the runner keeps its conntrack state in `nfct`. */
export interface NfSkb {
  readonly key: FlowKey;
  mark: number;
  iif: string;
  oif: string;
  bytes: number;
  /** L4 payload length for conntrack byte counters (default 0). */
  payloadLength?: number;
  /** ICMP echo id (FlowKey has no field for it); rewritten when NAT remaps it. */
  icmpId?: number;
  /** For ICMP errors: the quoted datagram; rewritten to the translated quote under NAT. */
  quoted?: CtQuotedTuple;
  nfct?: NfConnState;
}

export interface NfConnState {
  readonly view: NfCtView;
  /** No entry yet: the nat chains decide, the entry is committed at confirm. */
  fresh: boolean;
  readonly info: CtPacketInfo;
  dnat: NatSpec | undefined;
  snat: NatSpec | undefined;
  dstRewrite: { addr: number; port: number } | undefined;
  srcRewrite: { addr: number; port: number } | undefined;
  /** Original direction of a tracked connection: look the SNAT zone up at the src NAT point. */
  checkSnatZone: boolean;
  entryId: number | undefined;
}

export interface NfRunOptions {
  readonly trace?: boolean;
}

export class NetfilterRunner implements RunnerContext {
  private readonly ct: Conntrack;
  private rulesets: readonly NetfilterRuleset[];
  private local = new Set<number>();
  private readonly random: () => number;
  private readonly zd: number;
  private readonly zs: number;
  readonly masqueradeAddress: ((oif: string, dst: number) => number | undefined) | undefined;
  readonly redirectAddress: ((iif: string) => number | undefined) | undefined;
  private readonly env: RunnerEnv;
  private readonly nat: RunnerNat;

  constructor(opts: NetfilterRunnerOptions) {
    this.ct = opts.conntrack;
    this.rulesets = opts.rulesets ?? [];
    if (opts.localAddresses !== undefined) this.setLocalAddresses(opts.localAddresses);
    this.random = opts.random ?? seededRng(1);
    this.zd = opts.zones?.dnat ?? 0;
    this.zs = opts.zones?.snat ?? 1;
    this.masqueradeAddress = opts.masqueradeAddress;
    this.redirectAddress = opts.redirectAddress;
    this.env = new RunnerEnv(this, this.random);
    this.nat = new RunnerNat(this, this.ct, this.zs);
  }

  setRulesets(rulesets: readonly NetfilterRuleset[]): void {
    this.rulesets = rulesets;
  }

  setLocalAddresses(addrs: Iterable<number>): void {
    this.local = new Set([...addrs].map((a) => a >>> 0));
  }

  isLocalAddress(addr: number): boolean {
    return addr >>> 24 === 127 || this.local.has(addr >>> 0);
  }

  /** Runs one hook on `skb` (mutating its key and mark). */
  hook(hook: NfHook, skb: NfSkb, now: number, opts: NfRunOptions = {}): NfHookResult {
    const trace: NfTraceEvent[] | undefined = opts.trace === true ? [] : undefined;
    const k = skb.key;
    if (k.dlType !== ETH_TYPE_IPV4) return { hook, verdict: NF_ACCEPT, mark: skb.mark, ...(trace ? { trace } : {}) };
    trace?.push({ kind: 'hook', hook, packet: flowText(k) });
    const st = skb.nfct ?? (skb.nfct = this.conntrackIn(hook, skb, now, trace));
    const pkt: NfPacket = { key: k, mark: skb.mark, iif: skb.iif, oif: skb.oif, bytes: skb.bytes, ct: st.view };
    const env = this.env;
    env.hook = hook;
    env.now = now;
    const nat = this.nat;
    nat.skb = skb;
    nat.st = st;
    nat.now = now;
    const r = runNetfilterHook(this.rulesets, hook, pkt, env, nat, trace);
    skb.mark = pkt.mark;
    if (r.verdict.kind === 'accept' && (hook === 'postrouting' || hook === 'input')) {
      const v = this.confirm(skb, st, hook, now, trace);
      if (v !== undefined) return { ...r, verdict: v };
    }
    return r;
  }

  /** Runs hooks in order, stopping at the first verdict other than accept. */
  path(hooks: readonly NfHook[], skb: NfSkb, now: number, opts: NfRunOptions = {}): NfHookResult[] {
    const out: NfHookResult[] = [];
    for (const h of hooks) {
      const r = this.hook(h, skb, now, opts);
      out.push(r);
      if (r.verdict.kind !== 'accept') break;
    }
    return out;
  }

  private conntrackIn(hook: NfHook, skb: NfSkb, now: number, trace: NfTraceEvent[] | undefined): NfConnState {
    const info = packetInfo(skb);
    const t = info.tuple;
    const st: NfConnState = {
      view: { state: NF_CT_STATE_NEW, status: 0, mark: 0, direction: 0 },
      fresh: false,
      info,
      dnat: undefined,
      snat: undefined,
      dstRewrite: undefined,
      srcRewrite: undefined,
      checkSnatZone: false,
      entryId: undefined,
    };
    if (info.quoted !== undefined) return this.relatedIn(hook, skb, st, now, trace);
    let rd: CtResult;
    if (this.isSnatReply(t, info.icmpType, now)) {
      const rs = this.ct.process(info, { zone: this.zs, commit: false, nat: {}, now });
      const t1 = rs.translated ?? t;
      if (rs.translated !== undefined) st.dstRewrite = { addr: t1.dst, port: t1.dstPort };
      rd = this.ct.process(t1 === t ? info : { ...info, tuple: t1 }, { zone: this.zd, commit: false, nat: {}, now });
      if (rd.translated !== undefined) st.srcRewrite = { addr: rd.translated.src, port: rd.translated.srcPort };
      if (rd.entryId === undefined) rd = rs;
      st.view.status |= IPS_SRC_NAT;
    } else {
      rd = this.ct.process(info, { zone: this.zd, commit: false, nat: {}, now });
      if (rd.translated !== undefined) {
        const tr = rd.translated;
        if (tr.dst !== t.dst || tr.dstPort !== t.dstPort) st.dstRewrite = { addr: tr.dst, port: tr.dstPort };
        if (tr.src !== t.src || tr.srcPort !== t.srcPort) st.srcRewrite = { addr: tr.src, port: tr.srcPort };
      }
      st.checkSnatZone = rd.entryId !== undefined && (rd.state & CT_RPL) === 0;
    }
    this.fillView(st, rd);
    st.fresh = rd.entryId === undefined && (rd.state & CT_NEW) !== 0;
    trace?.push({ kind: 'conntrack', hook, text: describe(st, rd) });
    return st;
  }

  /** An ICMP error: relate it through the SNAT zone, then the DNAT zone. */
  private relatedIn(hook: NfHook, skb: NfSkb, st: NfConnState, now: number, trace: NfTraceEvent[] | undefined): NfConnState {
    let info = st.info;
    const rs = this.ct.process(info, { zone: this.zs, commit: false, nat: {}, now });
    if (rs.state & CT_REL) {
      if (rs.translated !== undefined) st.dstRewrite = { addr: rs.translated.dst, port: 0 };
      const q = rs.translatedQuoted === undefined ? info.quoted : { ...rs.translatedQuoted, icmpType: info.quoted?.icmpType ?? 0 };
      info = q === undefined ? { ...info, tuple: rs.translated ?? info.tuple } : { ...info, tuple: rs.translated ?? info.tuple, quoted: q };
      st.view.status |= IPS_SRC_NAT;
    }
    const rd = this.ct.process(info, { zone: this.zd, commit: false, nat: {}, now });
    if (rd.translated !== undefined) st.srcRewrite = { addr: rd.translated.src, port: 0 };
    const r = rd.state & CT_REL ? rd : rs;
    if (r === rd && rd.translatedQuoted !== undefined) skb.quoted = { ...rd.translatedQuoted, icmpType: info.quoted?.icmpType ?? 0 };
    else if (info.quoted !== undefined && info.quoted !== st.info.quoted) skb.quoted = info.quoted as CtQuotedTuple;
    this.fillView(st, r);
    trace?.push({ kind: 'conntrack', hook, text: describe(st, r) });
    return st;
  }

  private isSnatReply(t: CtTuple, icmpType: number, now: number): boolean {
    const e = this.ct.find(this.zs, t, icmpType);
    if (e === undefined || e.expiresAt <= now) return false;
    return e.reply.src === t.src && e.reply.dst === t.dst && e.reply.srcPort === t.srcPort && e.reply.dstPort === t.dstPort;
  }

  private fillView(st: NfConnState, r: CtResult): void {
    const v = st.view;
    v.state = nftState(r.state);
    v.direction = r.state & CT_RPL ? 1 : 0;
    v.mark = r.mark;
    st.entryId = r.entryId;
    if (r.entryId !== undefined) {
      v.status |= IPS_CONFIRMED;
      if (r.state & (CT_EST | CT_RPL)) v.status |= IPS_SEEN_REPLY;
      const dnat = v.direction === 0 ? r.state & CT_DNAT : r.state & CT_SNAT;
      if (dnat) v.status |= IPS_DST_NAT;
    }
  }

  /** Commits a fresh connection: DNAT-zone entry always, SNAT-zone entry when source-NATed. */
  private confirm(skb: NfSkb, st: NfConnState, hook: NfHook, now: number, trace: NfTraceEvent[] | undefined): NfVerdict | undefined {
    if (!st.fresh) return undefined;
    st.fresh = false;
    const m = st.view.newMark;
    const base = m === undefined ? { commit: true, now } : { commit: true, now, setMark: { value: m >>> 0, mask: 0xffffffff } };
    const r1 = this.ct.process(st.info, st.dnat === undefined ? { ...base, zone: this.zd } : { ...base, zone: this.zd, nat: { spec: st.dnat } });
    if (r1.state & CT_INV) return { kind: 'drop', reason: 'conntrack: commit refused' };
    let t = r1.translated ?? st.info.tuple;
    let r2: CtResult | undefined;
    if (st.snat !== undefined) {
      r2 = this.ct.process({ ...st.info, tuple: t }, { zone: this.zs, commit: true, nat: { spec: st.snat }, now });
      if (r2.state & CT_INV) return { kind: 'drop', reason: 'conntrack: no free source tuple' };
      t = r2.translated ?? t;
    }
    st.entryId = r1.entryId;
    st.view.status |= IPS_CONFIRMED;
    if (trace === undefined) {
      applyTuple(skb, t);
      return undefined;
    }
    const text = `confirm: entry ${r1.entryId ?? '?'} zone ${this.zd}${r2 !== undefined ? `, entry ${r2.entryId ?? '?'} zone ${this.zs}` : ''}`;
    const before = flowText(skb.key);
    applyTuple(skb, t);
    const after = flowText(skb.key);
    trace.push({ kind: 'conntrack', hook, text: after === before ? text : `${text}; tuple ${before} => ${after}` });
    return undefined;
  }
}

function nftState(ovs: number): number {
  if (!(ovs & CT_TRK)) return NF_CT_STATE_UNTRACKED;
  if (ovs & CT_INV) return NF_CT_STATE_INVALID;
  if (ovs & CT_REL) return NF_CT_STATE_RELATED;
  if (ovs & CT_EST) return NF_CT_STATE_ESTABLISHED;
  return NF_CT_STATE_NEW;
}

const STATE_NAMES: Record<number, string> = {
  [NF_CT_STATE_INVALID]: 'invalid',
  [NF_CT_STATE_ESTABLISHED]: 'established',
  [NF_CT_STATE_RELATED]: 'related',
  [NF_CT_STATE_NEW]: 'new',
  [NF_CT_STATE_UNTRACKED]: 'untracked',
};

function describe(st: NfConnState, r: CtResult): string {
  const name = STATE_NAMES[st.view.state] ?? String(st.view.state);
  const dir = st.view.direction === 1 ? ' reply' : '';
  if (r.entryId === undefined) return `ct state ${name}${st.fresh ? ' (no entry yet)' : ''}`;
  return `ct state ${name}${dir}, entry ${r.entryId}`;
}
