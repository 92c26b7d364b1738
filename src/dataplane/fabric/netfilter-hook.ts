// The glue between a Router's hook points and a NetfilterRunner (../nftables): the
// loaded nftables/iptables programs run packet by packet, with conntrack and NAT, on
// the router's traffic.
//
// The router hands every hook a fresh HookPacket but the same Frame object for all the
// hooks of one packet on one router, so the runner's per-packet state (the skb: FlowKey,
// mark, conntrack state) is kept in a WeakMap keyed on the frame. After each hook the
// skb's addresses and ports (the ICMP echo id, the quoted datagram of an ICMP error) are
// written back into the frame in place; the router then routes on the rewritten
// destination and re-emits the frame with fresh checksums.
//
// netfilterHooks() also gives the hook for bridged frames (br_netfilter on the node's
// cni0, see logical-switch.ts) over the same runner, so one conntrack sees both routed
// and bridged packets: iif and oif are the bridge's name (the bridge ports are physdev
// in/out, which the runner does not match on). A bridged packet DNATed off the bridge is
// handed to the router; its skb is parked under a key of the re-emitted packet (ident,
// addresses, ports, TCP seq) and adopted by the router's PREROUTING, which then does not
// run the program again (br_netfilter's ip_sabotage_in): FORWARD and POSTROUTING follow.
import type { CtQuotedTuple } from '../conntrack/types.js';
import { IP_PROTO_ICMP } from '../flow-key.js';
import { Conntrack, type ConntrackOptions } from '../conntrack/conntrack.js';
import { NetfilterRunner, type NetfilterRunnerOptions, type NfSkb } from '../nftables/nf-runner.js';
import type { NetfilterRuleset } from '../nftables/nf-types.js';
import { hashString, seededRng } from './rng.js';
import { formatNfTrace } from '../nftables/nf-trace.js';
import type { NfHook, NfRejectWith, NfVerdict } from '../nftables/nf-types.js';
import { flowKeyFromFrame } from '../wire/flow-key-frame.js';
import { l4Length, type Frame } from '../wire/frame.js';
import { icmpTypeCode } from '../wire/icmp.js';
import type { BridgeHookName, BridgeHookPacket } from './logical-switch.js';
import { applyQuoteTupleToFrame, icmpErrorQuoteOf } from '../wire/icmp-quote.js';
import { ipv4HeaderLength } from '../wire/ipv4.js';
import type { HookName, HookPacket, HookVerdict, PacketHook, RejectWith } from './router-types.js';
import type { Router } from './router.js';
import type { IPv4 } from '../../core/ip.js';

// The bridged-packet answer lives with the router's and the proxy's (one REJECT for all);
// re-exported because the labs take it from here with the rest of the netfilter glue.
export { rejectAnswer, type RejectAnswer } from './reject-answer.js';

export interface EnableNetfilterOptions {
  /** Seeds numgen random / -m statistic (default: derived from the router's name). */
  readonly seed?: number;
  readonly conntrack?: ConntrackOptions;
  /** Runner trace lines in fabric traces (default true). */
  readonly trace?: boolean;
}

/** A node's packet filter: its conntrack and the runner over the caller's rulesets. */
export interface NodeNetfilter {
  readonly runner: NetfilterRunner;
  readonly conntrack: Conntrack;
}

/**
 * A Conntrack + NetfilterRunner over `rulesets` (the caller's, reloaded in place) for a
 * node router: local addresses are the router's at this moment, masquerade uses the out
 * interface's address. Both labs install it on their node routers' hooks.
 */
export function nodeNetfilter(router: Router, rulesets: readonly NetfilterRuleset[], opts: EnableNetfilterOptions = {}): NodeNetfilter {
  const conntrack = new Conntrack(opts.conntrack ?? {});
  const runner = new NetfilterRunner({ conntrack, rulesets, ...routerNetfilterOptions(router), random: seededRng(opts.seed ?? hashString(router.name)) });
  return { runner, conntrack };
}

export interface NetfilterHookOptions {
  /** Put the runner's trace (conntrack, chains, rules that matched, NAT) into fabric traces; default true. */
  readonly trace?: boolean;
  /** The bridge device's name for bridged packets' iif/oif (default "cni0"). */
  readonly bridgeIface?: string;
}

export interface NetfilterHooks {
  /** For the router's hook points (Router.setHook). */
  readonly router: PacketHook;
  /** For bridged frames (BridgeNetfilter.hook). */
  readonly bridge: (name: BridgeHookName, p: BridgeHookPacket) => HookVerdict;
  /** BridgeNetfilter.toStack: the router's PREROUTING adopts this packet's state instead of running again. */
  readonly toStack: (frame: Frame) => void;
}

/** Parked bridged-then-DNATed packets waiting for the router; bounded (a lost frame must not leak). */
const HANDOFF_MAX = 256;

interface PacketState {
  readonly skb: NfSkb;
  /** The quote last written into the frame (the runner replaces skb.quoted when it translates it). */
  quote: CtQuotedTuple | undefined;
}

const ACCEPT: HookVerdict = { kind: 'accept' };

/** A PacketHook running `runner` on the router's packets. */
export function netfilterHook(runner: NetfilterRunner, opts: NetfilterHookOptions = {}): PacketHook {
  return netfilterHooks(runner, opts).router;
}

/** The router's and the bridge's hooks over one runner (one conntrack). */
export function netfilterHooks(runner: NetfilterRunner, opts: NetfilterHookOptions = {}): NetfilterHooks {
  const packets = new WeakMap<Frame, PacketState>();
  const handoff = new Map<string, PacketState>();
  const wantTrace = opts.trace !== false;
  const bridgeIface = opts.bridgeIface ?? 'cni0';
  const run = (hook: HookName, frame: Frame, st: PacketState, now: number, traced: boolean): HookVerdict => {
    const r = runner.hook(hook as NfHook, st.skb, now, traced ? { trace: true } : {});
    writeBack(frame, st);
    const trace = traced && r.trace !== undefined ? formatNfTrace(r.trace) : undefined;
    return toHookVerdict(r.verdict, trace);
  };
  const router = (hook: HookName, p: HookPacket): HookVerdict => {
    const frame = p.frame;
    if (frame.l3.kind !== 'ipv4') return ACCEPT;
    let st = packets.get(frame);
    if (st === undefined) {
      if (hook === 'prerouting' && handoff.size > 0) {
        const key = handoffKey(frame);
        const h = key !== undefined ? handoff.get(key) : undefined;
        if (key !== undefined && h !== undefined) {
          handoff.delete(key);
          packets.set(frame, h);
          // PREROUTING ran on the bridge already (conntrack, DNAT).
          return wantTrace && p.traced === true ? { kind: 'accept', trace: ['bridged packet DNATed off the bridge: prerouting already ran on the bridge'] } : ACCEPT;
        }
      }
      st = newState(frame, hook === 'output' ? '' : (p.inIface ?? ''));
      packets.set(frame, st);
    }
    st.skb.oif = p.outIface ?? '';
    return run(hook, frame, st, p.now, wantTrace && p.traced === true);
  };
  const bridge = (hook: BridgeHookName, p: BridgeHookPacket): HookVerdict => {
    const frame = p.frame;
    if (frame.l3.kind !== 'ipv4') return ACCEPT;
    let st = packets.get(frame);
    if (st === undefined) {
      st = newState(frame, bridgeIface);
      packets.set(frame, st);
    }
    st.skb.oif = hook === 'prerouting' ? '' : bridgeIface;
    return run(hook, frame, st, p.now, wantTrace && p.traced === true);
  };
  const toStack = (frame: Frame): void => {
    const st = packets.get(frame);
    const key = handoffKey(frame);
    if (st === undefined || key === undefined) return;
    if (handoff.size >= HANDOFF_MAX) {
      const oldest = handoff.keys().next();
      if (oldest.done !== true) handoff.delete(oldest.value);
    }
    handoff.set(key, st);
  };
  return { router, bridge, toStack };
}

/** Identifies one packet across its re-emission (bridge -> router): IP ident, addresses, protocol, ports / echo id, TCP seq. */
function handoffKey(frame: Frame): string | undefined {
  const l3 = frame.l3;
  if (l3.kind !== 'ipv4') return undefined;
  const ip = l3.ip;
  const l4 = l3.l4;
  const tail =
    l4.kind === 'tcp'
      ? `t${l4.tcp.srcPort}:${l4.tcp.dstPort}:${l4.tcp.seq}:${l4.tcp.flags}`
      : l4.kind === 'udp'
        ? `u${l4.udp.srcPort}:${l4.udp.dstPort}`
        : l4.kind === 'icmp'
          ? `i${icmpTypeCode(l4.icmp).type}`
          : l4.kind;
  return `${ip.ident}|${ip.src}|${ip.dst}|${tail}`;
}

/** Runner options from a router's addresses: local = every interface and loopback address; masquerade/redirect = the interface's. */
export function routerNetfilterOptions(router: Router): Pick<NetfilterRunnerOptions, 'localAddresses' | 'masqueradeAddress' | 'redirectAddress'> {
  const local: number[] = [...router.loopbackAddresses()];
  for (const i of router.interfaces()) if (i.ip !== undefined) local.push(i.ip);
  return {
    localAddresses: local,
    masqueradeAddress: (oif) => router.iface(oif)?.ip,
    redirectAddress: (iif) => router.iface(iif)?.ip,
  };
}

function newState(frame: Frame, iif: string): PacketState {
  const l3 = frame.l3;
  const key = flowKeyFromFrame(frame, 0);
  let payloadLength = 0;
  let bytes = 0;
  let icmpId: number | undefined;
  let quote: CtQuotedTuple | undefined;
  if (l3.kind === 'ipv4') {
    const l4 = l3.l4;
    bytes = ipv4HeaderLength(l3.ip) + l4Length(l4);
    if (l4.kind === 'tcp') payloadLength = l4.tcp.payload.length;
    else if (l4.kind === 'udp') payloadLength = l4.udp.payload.length;
    else if (l4.kind === 'icmp') {
      const m = l4.icmp;
      if (m.kind === 'echo-request' || m.kind === 'echo-reply') icmpId = m.ident;
      else quote = icmpErrorQuoteOf(frame);
    }
  }
  // A locally sent packet (OUTPUT first) has no input interface, whatever link it came over.
  const skb: NfSkb = {
    key,
    mark: 0,
    iif,
    oif: '',
    bytes,
    payloadLength,
    ...(icmpId !== undefined ? { icmpId } : {}),
    ...(quote !== undefined ? { quoted: quote } : {}),
  };
  return { skb, quote };
}

function writeBack(frame: Frame, st: PacketState): void {
  const l3 = frame.l3;
  if (l3.kind !== 'ipv4') return;
  const k = st.skb.key;
  const ip = l3.ip;
  if (ip.src !== k.nwSrc) ip.src = k.nwSrc as IPv4;
  if (ip.dst !== k.nwDst) ip.dst = k.nwDst as IPv4;
  const l4 = l3.l4;
  if (l4.kind === 'tcp') {
    l4.tcp.srcPort = k.tpSrc;
    l4.tcp.dstPort = k.tpDst;
  } else if (l4.kind === 'udp') {
    l4.udp.srcPort = k.tpSrc;
    l4.udp.dstPort = k.tpDst;
  } else if (l4.kind === 'icmp' && k.nwProto === IP_PROTO_ICMP) {
    const m = l4.icmp;
    const id = st.skb.icmpId;
    if ((m.kind === 'echo-request' || m.kind === 'echo-reply') && id !== undefined) m.ident = id;
    const q = st.skb.quoted;
    if (q !== undefined && q !== st.quote) {
      applyQuoteTupleToFrame(frame, q);
      st.quote = q;
    }
  }
}

function toHookVerdict(v: NfVerdict, trace: readonly string[] | undefined): HookVerdict {
  const t = trace !== undefined ? { trace } : {};
  switch (v.kind) {
    case 'accept':
      return trace === undefined ? ACCEPT : { kind: 'accept', ...t };
    case 'drop':
      return { kind: 'drop', reason: v.reason ?? 'netfilter drop', ...t };
    case 'reject':
      return { kind: 'reject', with: rejectWith(v.with), ...t };
  }
}

/** nft (`icmp`/`icmpx` type names) and iptables (`--reject-with` without `icmp-`) names to the router's. */
export function rejectWith(w: NfRejectWith): RejectWith {
  if (w.kind === 'tcp-reset') return 'tcp-reset';
  switch (w.type.replace(/^icmp-/, '')) {
    case 'net-unreachable':
    case 'no-route':
      return 'icmp-net-unreachable';
    case 'host-unreachable':
      return 'icmp-host-unreachable';
    case 'prot-unreachable':
    case 'proto-unreachable':
      return 'icmp-proto-unreachable';
    case 'net-prohibited':
      return 'icmp-net-prohibited';
    case 'host-prohibited':
      return 'icmp-host-prohibited';
    case 'admin-prohibited':
      return 'icmp-admin-prohibited';
    default:
      return 'icmp-port-unreachable';
  }
}
