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
// tag or rewrite).
import { formatIPv4, type IPv4 } from '../../core/ip.js';
import { ETH_TYPE_ARP } from '../flow-key.js';
import { ARP_REPLY, ARP_REQUEST, parseArp } from '../wire/arp.js';
import { EMPTY_BYTES } from '../wire/checksum.js';
import { emitFrame } from '../wire/frame.js';
import { formatMac } from '../wire/mac.js';
import { FabricPort, type FrameMeta } from './fabric-port.js';
import { dstMacOf, etherTypeOf, isGroupMac, l3OffsetOf, srcMacOf } from './vlan-bytes.js';

export interface LogicalSwitchOptions {
  readonly name: string;
  /** Answer ARP for known IPs instead of flooding (NSX). Default true. */
  readonly arpSuppression?: boolean;
  /** Learn IP->MAC bindings from ARP traffic (NSX ARP snooping). Default true. */
  readonly arpSnooping?: boolean;
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
}

export class LogicalSwitch {
  readonly name: string;
  readonly arpSuppression: boolean;
  private readonly arpSnooping: boolean;
  private readonly ports = new Map<string, LsPort>();
  private readonly macs = new Map<number, MacEntry>();
  private readonly ips = new Map<IPv4, IpBinding>();
  private counters = { forwarded: 0, flooded: 0, arpSuppressed: 0, dropped: 0 };

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
        this.counters.forwarded++;
        trace?.add({ kind: 'ls', hop: meta.hops, ls: this.name, inPort: lp.name, action: 'forward', detail: `to ${formatMac(dst)}`, outPorts: [e.port.name] });
        this.out(e.port, bytes, meta);
        return;
      }
    }
    this.flood(lp, bytes, meta, isGroupMac(dst) ? 'broadcast' : `unknown ${formatMac(dst)}`);
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
