// One netfilter hook, Linux order: the base chains of every loaded ruleset sorted by
// priority, with the NAT step spliced in at NF_IP_PRI_NAT_DST (-100, prerouting/output)
// or NF_IP_PRI_NAT_SRC (100, input/postrouting). The NAT step consults the nat chains
// (in their own priority order) only for the first packet of a connection and stops at
// the first chain that sets up a binding; later packets get the stored binding
// (nf_nat_inet_fn). What "first packet" and "binding" mean is the NfNatControl's
// business: the conntrack-backed runner (nf-runner.ts) or `statelessNat` below.
import { IP_PROTO_TCP, IP_PROTO_UDP, type FlowKey } from '../flow-key.js';
import { formatIPv4, type IPv4 } from '../../core/ip.js';
import {
  NF_ACCEPT,
  NF_PRI,
  formatVerdict,
  type NetfilterRuleset,
  type NfBaseChain,
  type NfEnv,
  type NfHook,
  type NfNatRequest,
  type NfPacket,
  type NfTraceEvent,
  type NfVerdict,
} from './nf-types.js';

export type NfManip = 'dst' | 'src';

export interface NfNatControl {
  /** 'chains': first packet, run the nat chains; 'binding': reuse the stored one; 'none': untracked/invalid. */
  mode(manip: NfManip): 'chains' | 'binding' | 'none';
  /** A nat chain asked for `req`: record it and rewrite the packet. A verdict here (e.g. drop) ends the hook. */
  bind(manip: NfManip, req: NfNatRequest, pkt: NfPacket, env: NfEnv, trace: NfTraceEvent[] | undefined): NfVerdict | undefined;
  applyBinding(manip: NfManip, pkt: NfPacket, env: NfEnv, trace: NfTraceEvent[] | undefined): void;
}

export interface NfHookResult {
  readonly hook: NfHook;
  readonly verdict: NfVerdict;
  /** The NAT statement that fired at this hook (first packet only). */
  readonly nat?: NfNatRequest;
  readonly mark: number;
  readonly trace?: NfTraceEvent[];
}

export function natManipOf(hook: NfHook): NfManip | undefined {
  if (hook === 'prerouting' || hook === 'output') return 'dst';
  if (hook === 'input' || hook === 'postrouting') return 'src';
  return undefined;
}

function natManipOfRequest(req: NfNatRequest): NfManip {
  return req.kind === 'dnat' || req.kind === 'redirect' ? 'dst' : 'src';
}

interface Merged {
  readonly inputs: readonly (readonly NfBaseChain[])[];
  readonly list: readonly { readonly rs: NetfilterRuleset; readonly chain: NfBaseChain }[];
}

const mergeCache = new WeakMap<readonly NetfilterRuleset[], Map<NfHook, Merged>>();
const singleCache = new WeakMap<readonly NfBaseChain[], Merged['list']>();

/**
 * Base chains of several rulesets merged by priority (stable: earlier rulesets first on
 * ties). Cached while every ruleset returns the same list (rulesets return a new list
 * after a change).
 */
export function mergedBaseChains(rulesets: readonly NetfilterRuleset[], hook: NfHook): Merged['list'] {
  if (rulesets.length === 1) {
    const rs = rulesets[0]!;
    const chains = rs.baseChains(hook);
    let list = singleCache.get(chains);
    if (list === undefined) singleCache.set(chains, (list = chains.map((chain) => ({ rs, chain }))));
    return list;
  }
  let perHook = mergeCache.get(rulesets);
  if (perHook === undefined) mergeCache.set(rulesets, (perHook = new Map()));
  const m = perHook.get(hook);
  let same = m !== undefined && m.inputs.length === rulesets.length;
  for (let i = 0; same && i < rulesets.length; i++) same = rulesets[i]!.baseChains(hook) === m!.inputs[i];
  if (same) return m!.list;
  const inputs = rulesets.map((rs) => rs.baseChains(hook));
  const list: { rs: NetfilterRuleset; chain: NfBaseChain }[] = [];
  rulesets.forEach((rs, i) => {
    for (const chain of inputs[i]!) list.push({ rs, chain });
  });
  list.sort((a, b) => a.chain.priority - b.chain.priority);
  perHook.set(hook, { inputs, list });
  return list;
}

export function runNetfilterHook(
  rulesets: readonly NetfilterRuleset[],
  hook: NfHook,
  pkt: NfPacket,
  env: NfEnv,
  nat: NfNatControl,
  trace: NfTraceEvent[] | undefined,
): NfHookResult {
  const chains = mergedBaseChains(rulesets, hook);
  const manip = natManipOf(hook);
  const natPrio = manip === 'dst' ? NF_PRI.natDst : NF_PRI.natSrc;
  let natDone = manip === undefined;
  const st: NatState = { req: undefined };
  for (let i = 0; i < chains.length; i++) {
    const { rs, chain } = chains[i]!;
    if (chain.type === 'nat') continue;
    if (!natDone && chain.priority >= natPrio) {
      natDone = true;
      const v = natStep(chains, manip!, pkt, env, nat, trace, st);
      if (v !== undefined && v.kind !== 'accept') return done(hook, v, st.req, pkt, trace);
    }
    const r = rs.runBaseChain(chain, pkt, env, trace);
    if (r.verdict.kind !== 'accept') return done(hook, r.verdict, st.req, pkt, trace);
  }
  if (!natDone) {
    const v = natStep(chains, manip!, pkt, env, nat, trace, st);
    if (v !== undefined && v.kind !== 'accept') return done(hook, v, st.req, pkt, trace);
  }
  return done(hook, NF_ACCEPT, st.req, pkt, trace);
}

interface NatState {
  req: NfNatRequest | undefined;
}

function natStep(
  chains: Merged['list'],
  manip: NfManip,
  pkt: NfPacket,
  env: NfEnv,
  nat: NfNatControl,
  trace: NfTraceEvent[] | undefined,
  st: NatState,
): NfVerdict | undefined {
  const mode = nat.mode(manip);
  if (mode === 'none') return undefined;
  if (mode === 'binding') {
    nat.applyBinding(manip, pkt, env, trace);
    return undefined;
  }
  for (let i = 0; i < chains.length; i++) {
    const { rs, chain } = chains[i]!;
    if (chain.type !== 'nat') continue;
    const r = rs.runBaseChain(chain, pkt, env, trace);
    if (r.verdict.kind !== 'accept') return r.verdict;
    if (r.nat === undefined) continue;
    if (natManipOfRequest(r.nat) !== manip) {
      trace?.push({ kind: 'note', text: `${r.nat.kind} is not valid at ${env.hook}; ignored` });
      continue;
    }
    st.req = r.nat;
    return nat.bind(manip, r.nat, pkt, env, trace);
  }
  return undefined;
}

function done(hook: NfHook, verdict: NfVerdict, nat: NfNatRequest | undefined, pkt: NfPacket, trace: NfTraceEvent[] | undefined): NfHookResult {
  if (nat === undefined) return trace === undefined ? { hook, verdict, mark: pkt.mark } : { hook, verdict, mark: pkt.mark, trace };
  return trace === undefined ? { hook, verdict, nat, mark: pkt.mark } : { hook, verdict, nat, mark: pkt.mark, trace };
}

export function hasPorts(k: FlowKey): boolean {
  return k.nwProto === IP_PROTO_TCP || k.nwProto === IP_PROTO_UDP || k.nwProto === 132;
}

export function endpointText(addr: number, port: number, ports: boolean): string {
  const a = formatIPv4(addr as IPv4);
  return ports ? `${a}:${port}` : a;
}

/** "src -> dst" for traces. */
export function flowText(k: FlowKey): string {
  const p = hasPorts(k);
  return `${endpointText(k.nwSrc, k.tpSrc, p)} -> ${endpointText(k.nwDst, k.tpDst, p)} proto ${k.nwProto}`;
}

export interface StatelessNatOptions {
  /** Source address for `masquerade` (the outgoing interface's address). */
  readonly masqueradeAddress?: (pkt: NfPacket) => number | undefined;
  /** Destination for `redirect` (the incoming interface's address; 127.0.0.1 at output). */
  readonly redirectAddress?: (pkt: NfPacket, hook: NfHook) => number | undefined;
}

/**
 * NAT without connection tracking: every packet runs the nat chains and is rewritten
 * directly (port ranges take their lowest port). For testing a ruleset hook by hook.
 */
export function statelessNat(opts: StatelessNatOptions = {}): NfNatControl {
  return {
    mode: () => 'chains',
    bind(manip, req, pkt, env, trace) {
      const before = flowText(pkt.key);
      const ifaceAddr = req.kind === 'masquerade' ? opts.masqueradeAddress?.(pkt) : req.kind === 'redirect' ? opts.redirectAddress?.(pkt, env.hook) : undefined;
      const target = natTarget(req, pkt, env.hook, ifaceAddr);
      if (target === undefined) return { kind: 'drop', reason: `${req.kind}: no address` };
      rewrite(pkt.key, manip, target.addr, target.port);
      trace?.push({ kind: 'nat', hook: env.hook, manip, how: 'rule', before, after: flowText(pkt.key) });
      return undefined;
    },
    applyBinding: () => undefined,
  };
}

/**
 * Where a NAT request sends the packet: address and port (0 = keep). `ifaceAddr` is the
 * address masquerade (outgoing interface) or redirect (incoming interface) uses.
 */
export function natTarget(req: NfNatRequest, pkt: NfPacket, hook: NfHook, ifaceAddr: number | undefined): { addr: number; port: number } | undefined {
  let addr = req.addrMin;
  if (req.kind === 'masquerade') addr = ifaceAddr;
  else if (req.kind === 'redirect') addr = hook === 'output' ? 0x7f000001 : ifaceAddr;
  if (addr === undefined) {
    // dnat/snat without an address (`dnat to :80`) keep the address and only map the port.
    if (req.kind === 'dnat') addr = pkt.key.nwDst;
    else if (req.kind === 'snat') addr = pkt.key.nwSrc;
    else return undefined;
  }
  return { addr, port: req.portMin ?? 0 };
}

export function rewrite(k: FlowKey, manip: NfManip, addr: number, port: number): void {
  if (manip === 'dst') {
    k.nwDst = addr >>> 0;
    if (port !== 0 && hasPorts(k)) k.tpDst = port;
  } else {
    k.nwSrc = addr >>> 0;
    if (port !== 0 && hasPorts(k)) k.tpSrc = port;
  }
}

export { formatVerdict };
