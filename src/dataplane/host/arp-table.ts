// The neighbour (ARP) table: resolves next hops to MACs, holding packets while a
// resolution is in flight. Timings follow Linux's defaults (net.ipv4.neigh.*):
// a broadcast request every retrans_time (1 s), mcast_solicit = 3 tries, then the entry
// is FAILED and every queued packet is handed back as undeliverable (the stack turns
// those into "Destination Host Unreachable" / EHOSTUNREACH). Entries stay REACHABLE for
// base_reachable_time (30 s); after that they are STALE: still used, and refreshed by a
// unicast request at most once per retrans_time; three unanswered refreshes fail them.
//
// Frames queued here are complete Ethernet frames whose destination MAC (bytes 0..5) is
// written once the answer arrives.
import type { Clock, TimerHandle } from '../../core/clock.js';
import { formatIPv4, type IPv4 } from '../../core/ip.js';
import { formatMac } from '../wire/mac.js';
import { writeMac } from '../wire/checksum.js';
import type { HostNic } from './host-nic.js';

export interface ArpConfig {
  /** Interval between requests (retrans_time_ms). */
  readonly retransMs: number;
  /** Requests before giving up (mcast_solicit). */
  readonly probes: number;
  /** How long a confirmed entry is used without re-checking (base_reachable_time_ms). */
  readonly reachableMs: number;
  /** Packets held per unresolved neighbour; the oldest is dropped beyond it. */
  readonly queueLen: number;
  /** Table size cap (gc_thresh3); resolved/failed entries are evicted oldest first. */
  readonly maxEntries: number;
}

export const DEFAULT_ARP_CONFIG: ArpConfig = { retransMs: 1000, probes: 3, reachableMs: 30_000, queueLen: 101, maxEntries: 1024 };

export type NeighState = 'INCOMPLETE' | 'REACHABLE' | 'STALE' | 'FAILED';

interface NeighEntry {
  readonly ip: IPv4;
  readonly nic: HostNic;
  state: 'INCOMPLETE' | 'REACHABLE' | 'FAILED';
  mac: number;
  confirmedAt: number;
  /** Requests sent since the last confirmation. */
  probes: number;
  lastProbeAt: number;
  queue: Uint8Array[];
  timer: TimerHandle | undefined;
}

export interface ArpHooks {
  /** Sends an ARP request for `targetIp`; `dstMac` is broadcast or the cached MAC (refresh). */
  request(nic: HostNic, targetIp: IPv4, dstMac: number): void;
  /** A frame whose destination MAC is now filled in. */
  transmit(nic: HostNic, frame: Uint8Array): void;
  /** Frames that could not be delivered because resolution failed. */
  failed(nic: HostNic, frames: readonly Uint8Array[]): void;
}

export interface NeighView {
  readonly ip: IPv4;
  readonly dev: string;
  readonly mac: number | undefined;
  readonly state: NeighState;
}

const MAC_BROADCAST = 0xffffffffffff;

export class ArpTable {
  private readonly entries = new Map<number, NeighEntry>();
  readonly config: ArpConfig;

  constructor(
    private readonly clock: Clock,
    private readonly hooks: ArpHooks,
    config: Partial<ArpConfig> = {},
  ) {
    this.config = { ...DEFAULT_ARP_CONFIG, ...config };
  }

  /** Sends `frame` to `nextHop` on `nic`, resolving first if needed. */
  output(nic: HostNic, nextHop: IPv4, frame: Uint8Array): void {
    const key = nic.ifindex * 0x100000000 + nextHop;
    const e = this.entries.get(key);
    if (e !== undefined && e.state === 'REACHABLE') {
      const now = this.clock.now();
      if (now - e.confirmedAt > this.config.reachableMs && now - e.lastProbeAt >= this.config.retransMs) {
        // STALE: keep using the address while a unicast request re-confirms it.
        if (e.probes >= this.config.probes) {
          this.startResolution(e, frame);
          return;
        }
        e.probes++;
        e.lastProbeAt = now;
        this.hooks.request(nic, nextHop, e.mac);
      }
      writeMac(frame, 0, e.mac);
      this.hooks.transmit(nic, frame);
      return;
    }
    if (e !== undefined && e.state === 'INCOMPLETE') {
      if (e.queue.length >= this.config.queueLen) {
        e.queue.shift();
        nic.counters.txDropped++;
      }
      e.queue.push(frame);
      return;
    }
    if (e !== undefined) {
      this.startResolution(e, frame);
      return;
    }
    this.evictIfFull();
    const fresh: NeighEntry = { ip: nextHop, nic, state: 'INCOMPLETE', mac: 0, confirmedAt: 0, probes: 0, lastProbeAt: 0, queue: [], timer: undefined };
    this.entries.set(key, fresh);
    this.startResolution(fresh, frame);
  }

  /**
   * An ARP packet from `ip` (`mac`) arrived on `nic`. `create` says whether an entry may
   * be created (a request addressed to us: the sender will talk to us next); otherwise
   * only an existing entry is updated, as Linux does with arp_accept=0.
   */
  learn(nic: HostNic, ip: IPv4, mac: number, create: boolean): void {
    const key = nic.ifindex * 0x100000000 + ip;
    let e = this.entries.get(key);
    if (e === undefined) {
      if (!create) return;
      this.evictIfFull();
      e = { ip, nic, state: 'REACHABLE', mac, confirmedAt: 0, probes: 0, lastProbeAt: 0, queue: [], timer: undefined };
      this.entries.set(key, e);
    }
    e.mac = mac;
    e.state = 'REACHABLE';
    e.confirmedAt = this.clock.now();
    e.probes = 0;
    if (e.timer !== undefined) {
      this.clock.clearTimeout(e.timer);
      e.timer = undefined;
    }
    if (e.queue.length > 0) {
      const q = e.queue;
      e.queue = [];
      for (const f of q) {
        writeMac(f, 0, mac);
        this.hooks.transmit(nic, f);
      }
    }
  }

  lookup(nic: HostNic, ip: IPv4): number | undefined {
    const e = this.entries.get(nic.ifindex * 0x100000000 + ip);
    return e !== undefined && e.state === 'REACHABLE' ? e.mac : undefined;
  }

  /** Drops every entry of an interface (link down), failing queued packets. */
  flushDev(nic: HostNic): void {
    for (const [k, e] of this.entries) {
      if (e.nic !== nic) continue;
      if (e.timer !== undefined) this.clock.clearTimeout(e.timer);
      this.entries.delete(k);
      if (e.queue.length > 0) this.hooks.failed(nic, e.queue);
    }
  }

  list(): NeighView[] {
    const now = this.clock.now();
    const out: NeighView[] = [];
    for (const e of this.entries.values()) {
      const state: NeighState = e.state === 'REACHABLE' && now - e.confirmedAt > this.config.reachableMs ? 'STALE' : e.state;
      out.push({ ip: e.ip, dev: e.nic.name, mac: e.state === 'REACHABLE' ? e.mac : undefined, state });
    }
    return out;
  }

  /** `ip neigh` text. */
  format(): string {
    return this.list()
      .map((n) => `${formatIPv4(n.ip)} dev ${n.dev}${n.mac === undefined ? '' : ` lladdr ${formatMac(n.mac)}`} ${n.state}\n`)
      .join('');
  }

  private startResolution(e: NeighEntry, frame: Uint8Array): void {
    e.state = 'INCOMPLETE';
    e.probes = 0;
    e.queue = [frame];
    this.probe(e);
  }

  private probe(e: NeighEntry): void {
    e.probes++;
    e.lastProbeAt = this.clock.now();
    this.hooks.request(e.nic, e.ip, MAC_BROADCAST);
    e.timer = this.clock.setTimeout(() => this.onTimer(e), this.config.retransMs);
  }

  private onTimer(e: NeighEntry): void {
    e.timer = undefined;
    if (e.state !== 'INCOMPLETE') return;
    if (e.probes < this.config.probes) {
      this.probe(e);
      return;
    }
    e.state = 'FAILED';
    const q = e.queue;
    e.queue = [];
    e.nic.counters.txDropped += q.length;
    if (q.length > 0) this.hooks.failed(e.nic, q);
  }

  private evictIfFull(): void {
    if (this.entries.size < this.config.maxEntries) return;
    for (const [k, e] of this.entries) {
      if (e.state !== 'INCOMPLETE') {
        this.entries.delete(k);
        return;
      }
    }
  }
}
