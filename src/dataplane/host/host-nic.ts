// A host's network interface: the NetDevice the fabric plugs a link into, plus what
// `ip addr` / `ip -s link` show about it. One IPv4 address per interface (pods and
// emulated hosts have one; a router gets one interface per subnet).
import type { IPv4 } from '../../core/ip.js';
import { maskV4 } from '../../core/cidr.js';
import type { FrameTx, NetDevice } from '../netdev.js';

/** Link statistics in the shape of Linux's rtnl_link_stats64 (the fields `ip -s link` prints). */
export interface NicCounters {
  rxPackets: number;
  rxBytes: number;
  rxErrors: number;
  rxDropped: number;
  rxMulticast: number;
  txPackets: number;
  txBytes: number;
  txErrors: number;
  txDropped: number;
}

export function emptyNicCounters(): NicCounters {
  return { rxPackets: 0, rxBytes: 0, rxErrors: 0, rxDropped: 0, rxMulticast: 0, txPackets: 0, txBytes: 0, txErrors: 0, txDropped: 0 };
}

/** What the interface needs from the stack that owns it. */
export interface NicOwner {
  nicReceive(nic: HostNic, frame: Uint8Array): void;
  nicLinkUp(nic: HostNic): void;
}

export interface HostNicOptions {
  readonly name: string;
  readonly mac: number;
  readonly address: IPv4;
  readonly prefix: number;
  /** Default 1500; pods on a Geneve/VXLAN overlay use 1450. */
  readonly mtu?: number;
  /** The ifindex of the peer end of a veth pair: shown as `eth0@if7`. */
  readonly peerIfindex?: number;
  /** `qdisc` column of `ip link` (default "noqueue" for veth peers, "mq" otherwise). */
  readonly qdisc?: string;
  /** `qlen` column; 0 = not printed (veth), physical NICs show 1000. */
  readonly txQueueLen?: number;
}

export class HostNic implements NetDevice {
  readonly name: string;
  readonly mac: number;
  readonly ifindex: number;
  readonly kind: 'ether' | 'loopback';
  readonly address: IPv4;
  readonly prefix: number;
  readonly mask: number;
  /** Directed broadcast of the subnet (e.g. 10.244.1.255 for 10.244.1.5/24). */
  readonly broadcast: IPv4;
  readonly mtu: number;
  readonly peerIfindex: number | undefined;
  readonly qdisc: string;
  readonly txQueueLen: number;
  readonly counters: NicCounters = emptyNicCounters();
  /** Administrative state (`ip link set eth0 up/down`). */
  adminUp = true;
  private tx: FrameTx | undefined;
  private readonly owner: NicOwner;

  constructor(owner: NicOwner, ifindex: number, kind: 'ether' | 'loopback', o: HostNicOptions) {
    this.owner = owner;
    this.ifindex = ifindex;
    this.kind = kind;
    this.name = o.name;
    this.mac = o.mac;
    this.address = o.address;
    this.prefix = o.prefix;
    this.mask = maskV4(o.prefix);
    this.broadcast = ((o.address & this.mask) | (~this.mask >>> 0)) >>> 0 as IPv4;
    this.mtu = o.mtu ?? (kind === 'loopback' ? 65536 : 1500);
    this.peerIfindex = o.peerIfindex;
    this.qdisc = o.qdisc ?? (kind === 'loopback' || o.peerIfindex !== undefined ? 'noqueue' : 'mq');
    this.txQueueLen = o.txQueueLen ?? (kind === 'loopback' || o.peerIfindex === undefined ? 1000 : 0);
  }

  /** Carrier: a link is plugged in (loopback always has one). */
  get lowerUp(): boolean {
    return this.kind === 'loopback' || this.tx !== undefined;
  }

  get operUp(): boolean {
    return this.adminUp && this.lowerUp;
  }

  attach(tx: FrameTx): void {
    this.tx = tx;
    if (this.adminUp) this.owner.nicLinkUp(this);
  }

  receive(frame: Uint8Array): void {
    this.owner.nicReceive(this, frame);
  }

  /** True when `ip` is on this interface's subnet. */
  onLink(ip: number): boolean {
    return ((ip & this.mask) >>> 0) === ((this.address & this.mask) >>> 0);
  }

  /** Hands a frame to the link; counts it, or counts a drop when the link is down. */
  transmit(frame: Uint8Array): void {
    const tx = this.tx;
    if (tx === undefined || !this.adminUp) {
      this.counters.txDropped++;
      return;
    }
    this.counters.txPackets++;
    this.counters.txBytes += frame.length;
    tx(frame);
  }
}
