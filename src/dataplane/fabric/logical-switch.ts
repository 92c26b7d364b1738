// An L2 segment (an NSX logical switch spanning nodes, or a plain Linux bridge such as
// cni0): MAC learning per port, static MAC locations for known workloads, flooding of
// broadcast/multicast/unknown unicast to every other port, and NSX ARP suppression —
// an ARP request for an IP the switch knows (static binding or snooped from ARP) is
// answered by the switch itself on the requester's port and never flooded; one for an IP
// behind the requester's own port is left to that side (not answered, not flooded).
//
// Invariants: static MAC locations win over learning (a workload's MAC does not move
// because a frame with its source address shows up elsewhere); a frame never goes back
// out of the port it came in on; frames are forwarded unchanged (the switch does not
// tag or rewrite) — except under a bridge netfilter hook (br_netfilter, below).
//
// Bridge netfilter (setBridgeNetfilter; Linux's bridge-nf-call-iptables=1): an IPv4 frame
// forwarded by MAC between two ports, neither of them the bridge device's own port (the
// router's), runs the IPv4 hooks PREROUTING -> FORWARD -> POSTROUTING (conntrack, NAT,
// filter) — no routing, no TTL decrement — and leaves re-emitted with fresh checksums.
// Frames to or from the bridge device's port are the IP stack's business (its own hooks
// run there; hooking them here too would NAT twice). ARP, non-IPv4 and flooded frames
// (group or unknown destination MAC) are not hooked. A packet DNATed at PREROUTING to an
// address off this bridge (or whose MAC the bridge does not know) is handed to the IP
// stack — sent to the bridge device's MAC — as br_netfilter's "DNAT to other host" path
// does; DNAT to another address on the bridge re-addresses the frame to that MAC and
// bridges it there, back out of its in-port too (pod ports are in hairpin mode, as
// kubelet sets them).
import { formatIPv4, type IPv4 } from '../../core/ip.js';
import { ETH_TYPE_ARP, ETH_TYPE_IPV4 } from '../flow-key.js';
import { ARP_REPLY, ARP_REQUEST, parseArp } from '../wire/arp.js';
import { EMPTY_BYTES } from '../wire/checksum.js';
import { emitFrame, parseFrame, type Frame } from '../wire/frame.js';
import { formatMac } from '../wire/mac.js';
import { FabricPort, type FrameMeta } from './fabric-port.js';
import type { HookVerdict, RejectWith } from './router-types.js';
import { dstMacOf, etherTypeOf, isGroupMac, l3OffsetOf, srcMacOf } from './vlan-bytes.js';

export interface LogicalSwitchOptions {
  readonly name: string;
  /** Answer ARP for known IPs instead of flooding (NSX). Default true. */
  readonly arpSuppression?: boolean;
  /** Learn IP->MAC bindings from ARP traffic (NSX ARP snooping). Default true. */
  readonly arpSnooping?: boolean;
}

/** The IPv4 hooks br_netfilter runs on bridged frames. */
export type BridgeHookName = 'prerouting' | 'forward' | 'postrouting';

export interface BridgeHookPacket {
  /** Mutable: the hook may rewrite addresses/ports; the switch re-emits with fresh checksums. */
  readonly frame: Frame;
  /** The bridge port the frame came in on (physdev in). */
  readonly inPort: string;
  /** The bridge port it leaves by (physdev out); known at forward and postrouting. */
  readonly outPort?: string;
  readonly now: number;
  readonly traced?: boolean;
}

export interface BridgeNetfilter {
  readonly hook: (name: BridgeHookName, p: BridgeHookPacket) => HookVerdict;
  /** The port to the bridge device (the router's interface on this segment) and its MAC. */
  readonly localPort: string;
  readonly localMac: number;
  /** The bridge device's connected subnet: where a DNATed destination is still bridged. */
  readonly onLink: (ip: IPv4) => boolean;
  readonly now: () => number;
  /** Called before a DNATed packet is handed to the IP stack, so its state carries over. */
  readonly toStack?: (frame: Frame) => void;
  /** Sends the answer to a rejected bridged packet (the IP stack's job); the packet is dropped either way. */
  readonly reject?: (how: RejectWith, frame: Frame, meta: FrameMeta) => void;
}

export interface IpBinding {
  readonly ip: IPv4;
  readonly mac: number;
  readonly source: 'static' | 'snooped';
}

export interface LsPortStats {
  rxFrames: number;
  txFrames: number;
}

interface LsPort {
  readonly name: string;
  readonly port: FabricPort;
  readonly stats: LsPortStats;
}

interface MacEntry {
  port: LsPort;
  readonly isStatic: boolean;
}

export interface LogicalSwitchStats {
  readonly forwarded: number;
  readonly flooded: number;
  readonly arpSuppressed: number;
  readonly dropped: number;
  /** Frames that went through the bridge netfilter hooks (forwarded, dropped or handed up). */
  readonly bridgeHooked: number;
  /** Bridged packets DNATed off the bridge and handed to the IP stack. */
  readonly toStack: number;
}

export class LogicalSwitch {
  readonly name: string;
  readonly arpSuppression: boolean;
  private readonly arpSnooping: boolean;
  private readonly ports = new Map<string, LsPort>();
  private readonly macs = new Map<number, MacEntry>();
  private readonly ips = new Map<IPv4, IpBinding>();
  private counters = { forwarded: 0, flooded: 0, arpSuppressed: 0, dropped: 0, bridgeHooked: 0, toStack: 0 };
  private nf: BridgeNetfilter | undefined;

  constructor(opts: LogicalSwitchOptions) {
    this.name = opts.name;
    this.arpSuppression = opts.arpSuppression ?? true;
    this.arpSnooping = opts.arpSnooping ?? true;
  }

  /** A new switch port; link the attachment (node trunk, router, host) to it. */
  addPort(name: string): FabricPort {
    if (this.ports.has(name)) throw new Error(`logical switch ${this.name} already has a port ${name}`);
    const lp: LsPort = { name, port: new FabricPort(name, 0, this.name, (f, m) => this.onFrame(lp, f, m)), stats: { rxFrames: 0, txFrames: 0 } };
    this.ports.set(name, lp);
    return lp.port;
  }

  removePort(name: string): boolean {
    const lp = this.ports.get(name);
    if (lp === undefined) return false;
    this.ports.delete(name);
    for (const [mac, e] of this.macs) if (e.port === lp) this.macs.delete(mac);
    lp.port.detach();
    return true;
  }

  port(name: string): FabricPort | undefined {
    return this.ports.get(name)?.port;
  }

  portNames(): string[] {
    return [...this.ports.keys()];
  }

  portStats(name: string): LsPortStats | undefined {
    return this.ports.get(name)?.stats;
  }

  /** Pins a MAC to a port (a workload the control plane placed there). */
  bindMac(mac: number, portName: string): boolean {
    const lp = this.ports.get(portName);
    if (lp === undefined) return false;
    this.macs.set(mac, { port: lp, isStatic: true });
    return true;
  }

  unbindMac(mac: number): void {
    this.macs.delete(mac);
  }

  /** A known IP->MAC binding: ARP requests for `ip` are answered by the switch. */
  bindIp(ip: IPv4, mac: number): void {
    this.ips.set(ip, { ip, mac, source: 'static' });
  }

  unbindIp(ip: IPv4): void {
    this.ips.delete(ip);
  }

  binding(ip: IPv4): IpBinding | undefined {
    return this.ips.get(ip);
  }

  bindings(): IpBinding[] {
    return [...this.ips.values()].sort((a, b) => a.ip - b.ip);
  }

  /** The port a MAC is known behind (static or learned). */
  macPort(mac: number): string | undefined {
    return this.macs.get(mac)?.port.name;
  }

  /** Installs (undefined: removes) the bridge netfilter hook; without one bridging costs nothing extra. */
  setBridgeNetfilter(nf: BridgeNetfilter | undefined): void {
    this.nf = nf;
  }

  get bridgeNetfilter(): BridgeNetfilter | undefined {
    return this.nf;
  }

  stats(): LogicalSwitchStats {
    return { ...this.counters };
  }

  private onFrame(lp: LsPort, bytes: Uint8Array, meta: FrameMeta): void {
    lp.stats.rxFrames++;
    const trace = meta.trace;
    if (bytes.length < 14) {
      this.counters.dropped++;
      trace?.add({ kind: 'drop', hop: meta.hops, device: this.name, reason: { kind: 'malformed', detail: `${bytes.length}-byte frame` } });
      return;
    }
    const src = srcMacOf(bytes);
    if (!isGroupMac(src)) {
      const e = this.macs.get(src);
      if (e === undefined) this.macs.set(src, { port: lp, isStatic: false });
      else if (!e.isStatic) e.port = lp;
    }
    if (etherTypeOf(bytes) === ETH_TYPE_ARP && this.arp(lp, bytes, meta)) return;
    const dst = dstMacOf(bytes);
    if (!isGroupMac(dst)) {
      const e = this.macs.get(dst);
      if (e !== undefined) {
        if (e.port === lp) {
          this.counters.dropped++;
          trace?.add({ kind: 'drop', hop: meta.hops, device: this.name, reason: { kind: 'same-port', mac: formatMac(dst) } });
          return;
        }
        const nf = this.nf;
        if (nf !== undefined && lp.name !== nf.localPort && e.port.name !== nf.localPort && etherTypeOf(bytes) === ETH_TYPE_IPV4) {
          this.bridged(nf, lp, e.port, bytes, meta);
          return;
        }
        this.counters.forwarded++;
        trace?.add({ kind: 'ls', hop: meta.hops, ls: this.name, inPort: lp.name, action: 'forward', detail: `to ${formatMac(dst)}`, outPorts: [e.port.name] });
        this.out(e.port, bytes, meta);
        return;
      }
    }
    this.flood(lp, bytes, meta, isGroupMac(dst) ? 'broadcast' : `unknown ${formatMac(dst)}`);
  }

  /** br_netfilter: PREROUTING, (DNAT to another host: up to the IP stack), FORWARD, POSTROUTING. */
  private bridged(nf: BridgeNetfilter, lp: LsPort, outPort: LsPort, bytes: Uint8Array, meta: FrameMeta): void {
    const r = parseFrame(bytes, { verifyChecksum: false });
    if (!r.ok || r.value.l3.kind !== 'ipv4') {
      this.counters.dropped++;
      meta.trace?.add({ kind: 'drop', hop: meta.hops, device: this.name, reason: { kind: 'malformed', detail: r.ok ? 'not IPv4' : r.error.kind } });
      return;
    }
    this.counters.bridgeHooked++;
    const f = r.value;
    const ip = f.l3.kind === 'ipv4' ? f.l3.ip : undefined;
    if (ip === undefined) return;
    const dst0 = ip.dst;
    if (!this.runHook(nf, 'prerouting', f, lp, undefined, meta)) return;
    let out = outPort;
    if (ip.dst !== dst0) {
      const b = nf.onLink(ip.dst) ? this.ips.get(ip.dst) : undefined;
      const e = b !== undefined ? this.macs.get(b.mac) : undefined;
      if (b === undefined || e === undefined || e.port.name === nf.localPort) return this.toStack(nf, lp, f, meta);
      f.eth = { ...f.eth, dst: b.mac };
      out = e.port;
    }
    if (!this.runHook(nf, 'forward', f, lp, out, meta)) return;
    if (!this.runHook(nf, 'postrouting', f, lp, out, meta)) return;
    this.counters.forwarded++;
    meta.trace?.add({ kind: 'ls', hop: meta.hops, ls: this.name, inPort: lp.name, action: 'forward', detail: `to ${formatMac(f.eth.dst)} (bridge netfilter)`, outPorts: [out.name] });
    f.trailer = EMPTY_BYTES;
    this.out(out, emitFrame(f), meta);
  }

  private toStack(nf: BridgeNetfilter, lp: LsPort, f: Frame, meta: FrameMeta): void {
    const local = this.ports.get(nf.localPort);
    const ip = f.l3.kind === 'ipv4' ? formatIPv4(f.l3.ip.dst) : '?';
    if (local === undefined) {
      this.counters.dropped++;
      meta.trace?.add({ kind: 'drop', hop: meta.hops, device: this.name, reason: { kind: 'unconnected-port', port: nf.localPort } });
      return;
    }
    nf.toStack?.(f);
    this.counters.toStack++;
    f.eth = { ...f.eth, dst: nf.localMac };
    f.trailer = EMPTY_BYTES;
    meta.trace?.add({ kind: 'ls', hop: meta.hops, ls: this.name, inPort: lp.name, action: 'forward', detail: `DNAT to ${ip}, off the bridge: up to the IP stack`, outPorts: [local.name] });
    this.out(local, emitFrame(f), meta);
  }

  private runHook(nf: BridgeNetfilter, name: BridgeHookName, f: Frame, lp: LsPort, out: LsPort | undefined, meta: FrameMeta): boolean {
    const tr = meta.trace;
    const v = nf.hook(name, {
      frame: f,
      inPort: lp.name,
      now: nf.now(),
      ...(out !== undefined ? { outPort: out.name } : {}),
      ...(tr !== undefined ? { traced: true } : {}),
    });
    if (tr !== undefined) {
      if (v.trace !== undefined && v.trace.length > 0) tr.add({ kind: 'netfilter', hop: meta.hops, device: this.name, hook: `bridge ${name}`, lines: v.trace });
      tr.add({ kind: 'hook', hop: meta.hops, device: this.name, hook: `bridge ${name}`, verdict: v.kind === 'accept' ? 'accept' : v.kind === 'drop' ? `drop (${v.reason})` : `reject with ${v.with}` });
    }
    if (v.kind === 'accept') return true;
    if (v.kind === 'reject') nf.reject?.(v.with, f, meta);
    this.counters.dropped++;
    tr?.add({ kind: 'drop', hop: meta.hops, device: this.name, reason: { kind: 'filtered', hook: `bridge ${name}`, reason: v.kind === 'drop' ? v.reason : (v.reason ?? `reject with ${v.with}`) } });
    return false;
  }

  private flood(from: LsPort, bytes: Uint8Array, meta: FrameMeta, why: string): void {
    const outs: LsPort[] = [];
    for (const p of this.ports.values()) if (p !== from) outs.push(p);
    const trace = meta.trace;
    if (outs.length === 0) {
      this.counters.dropped++;
      trace?.add({ kind: 'drop', hop: meta.hops, device: this.name, reason: { kind: 'no-other-port' } });
      return;
    }
    this.counters.flooded++;
    trace?.add({ kind: 'ls', hop: meta.hops, ls: this.name, inPort: from.name, action: 'flood', detail: why, outPorts: outs.map((p) => p.name) });
    for (const p of outs) this.out(p, bytes, meta);
  }

  private out(p: LsPort, bytes: Uint8Array, meta: FrameMeta): void {
    p.stats.txFrames++;
    if (!p.port.send(bytes, meta)) {
      meta.trace?.add({ kind: 'drop', hop: meta.hops, device: this.name, reason: { kind: 'unconnected-port', port: p.name } });
    }
  }

  /** Snooping and suppression; true when the frame was consumed. */
  private arp(lp: LsPort, bytes: Uint8Array, meta: FrameMeta): boolean {
    const r = parseArp(bytes.subarray(l3OffsetOf(bytes)));
    if (!r.ok) return false;
    const a = r.value;
    if (this.arpSnooping && a.senderIp !== 0 && !isGroupMac(a.senderMac)) {
      const cur = this.ips.get(a.senderIp);
      if (cur === undefined || cur.source === 'snooped') this.ips.set(a.senderIp, { ip: a.senderIp, mac: a.senderMac, source: 'snooped' });
    }
    if (!this.arpSuppression || a.op !== ARP_REQUEST || a.senderIp === a.targetIp) return false;
    const b = this.ips.get(a.targetIp);
    if (b === undefined || b.mac === a.senderMac) return false;
    if (this.macs.get(b.mac)?.port === lp) {
      // The target sits behind the requester's own port (same node): the request has
      // reached it there already. Answering would teach that side's learning bridge the
      // target's MAC on its uplink; flooding would bother every other node.
      meta.trace?.add({ kind: 'ls', hop: meta.hops, ls: this.name, inPort: lp.name, action: 'arp-local', detail: `${formatIPv4(a.targetIp)} is behind ${lp.name} itself: not answered, not flooded`, outPorts: [] });
      return true;
    }
    const reply = emitFrame({
      eth: { dst: a.senderMac, src: b.mac, etherType: ETH_TYPE_ARP },
      l3: { kind: 'arp', arp: { op: ARP_REPLY, senderMac: b.mac, senderIp: a.targetIp, targetMac: a.senderMac, targetIp: a.senderIp } },
      trailer: EMPTY_BYTES,
    });
    this.counters.arpSuppressed++;
    meta.trace?.add({
      kind: 'ls',
      hop: meta.hops,
      ls: this.name,
      inPort: lp.name,
      action: 'arp-suppress',
      detail: `${formatIPv4(a.targetIp)} is-at ${formatMac(b.mac)} (${b.source} binding), answered on the requester's port`,
      outPorts: [lp.name],
    });
    this.out(lp, reply, meta);
    return true;
  }
}
