// The NORMAL action as a standalone L2 learning switch (OVS's "normal" mode, without
// bonding, mirrors, STP or LACP): per-VLAN MAC learning with aging, unknown unicast and
// broadcast/multicast flooded within the VLAN, access ports (one VLAN, untagged on the
// wire) and trunk ports (a VLAN set, tagged; VLAN 0 = untagged).
import type { FlowKey } from '../flow-key.js';

export interface NormalPortConfig {
  readonly ofport: number;
  /** Access VLAN (ovs-vsctl `tag`); undefined = trunk. */
  readonly tag?: number;
  /** VLANs a trunk carries (ovs-vsctl `trunks`); undefined or empty = all. */
  readonly trunks?: readonly number[];
}

export interface NormalOutput {
  readonly port: number;
  /** VLAN the frame carries out of that port; -1 = untagged. */
  readonly vlan: number;
}

export type NormalDecision =
  | { readonly kind: 'forward'; readonly vlan: number; readonly flooded: boolean; readonly outputs: readonly NormalOutput[] }
  | {
      readonly kind: 'drop';
      readonly vlan: number;
      readonly reason: 'tagged-on-access-port' | 'vlan-not-on-trunk' | 'learned-on-input-port' | 'no-other-port' | 'unknown-input-port';
    };

interface MacEntry {
  port: number;
  seen: number;
}

export interface NormalSwitchOptions {
  /** Seconds a learned MAC stays valid without traffic (OVS mac-aging-time default 300). */
  readonly agingSeconds?: number;
  /** MAC table capacity (OVS mac-table-size default 2048); oldest entries are evicted. */
  readonly maxEntries?: number;
  /** Treat frames from ports without configuration as coming from a trunk (default true). */
  readonly acceptUnknownPorts?: boolean;
}

const isMulticast = (mac: number) => Math.floor(mac / 0x10000000000) % 2 === 1;

export class NormalSwitch {
  private readonly ports = new Map<number, NormalPortConfig>();
  private readonly macs = new Map<number, Map<number, MacEntry>>();
  private entries = 0;
  private readonly agingMs: number;
  private readonly maxEntries: number;
  private readonly acceptUnknown: boolean;

  constructor(ports: readonly NormalPortConfig[] = [], opts: NormalSwitchOptions = {}) {
    for (const p of ports) this.ports.set(p.ofport, p);
    this.agingMs = (opts.agingSeconds ?? 300) * 1000;
    this.maxEntries = opts.maxEntries ?? 2048;
    this.acceptUnknown = opts.acceptUnknownPorts ?? true;
  }

  setPort(p: NormalPortConfig): void {
    this.ports.set(p.ofport, p);
  }

  removePort(ofport: number): void {
    this.ports.delete(ofport);
    for (const table of this.macs.values()) {
      for (const [mac, e] of table) {
        if (e.port === ofport) {
          table.delete(mac);
          this.entries--;
        }
      }
    }
  }

  /** The port a MAC was learned on in a VLAN, if still fresh. */
  lookup(vlan: number, mac: number, now: number): number | undefined {
    const e = this.macs.get(vlan)?.get(mac);
    return e !== undefined && now - e.seen < this.agingMs ? e.port : undefined;
  }

  macCount(): number {
    return this.entries;
  }

  flush(): void {
    this.macs.clear();
    this.entries = 0;
  }

  decide(key: FlowKey, now: number): NormalDecision {
    const inCfg = this.ports.get(key.inPort);
    let vlan: number;
    if (inCfg === undefined) {
      if (!this.acceptUnknown) return { kind: 'drop', vlan: -1, reason: 'unknown-input-port' };
      vlan = key.dlVlan < 0 ? 0 : key.dlVlan;
    } else if (inCfg.tag !== undefined) {
      if (key.dlVlan > 0) return { kind: 'drop', vlan: key.dlVlan, reason: 'tagged-on-access-port' };
      vlan = inCfg.tag;
    } else {
      vlan = key.dlVlan < 0 ? 0 : key.dlVlan;
      if (!carries(inCfg, vlan)) return { kind: 'drop', vlan, reason: 'vlan-not-on-trunk' };
    }

    if (!isMulticast(key.dlSrc)) this.learn(vlan, key.dlSrc, key.inPort, now);

    if (!isMulticast(key.dlDst)) {
      const port = this.lookup(vlan, key.dlDst, now);
      if (port !== undefined) {
        if (port === key.inPort) return { kind: 'drop', vlan, reason: 'learned-on-input-port' };
        const cfg = this.ports.get(port);
        if (cfg === undefined || carries(cfg, vlan)) {
          return { kind: 'forward', vlan, flooded: false, outputs: [{ port, vlan: egressVlan(cfg, vlan) }] };
        }
      }
    }
    const outputs: NormalOutput[] = [];
    for (const cfg of [...this.ports.values()].sort((a, b) => a.ofport - b.ofport)) {
      if (cfg.ofport !== key.inPort && carries(cfg, vlan)) outputs.push({ port: cfg.ofport, vlan: egressVlan(cfg, vlan) });
    }
    if (outputs.length === 0) return { kind: 'drop', vlan, reason: 'no-other-port' };
    return { kind: 'forward', vlan, flooded: true, outputs };
  }

  private learn(vlan: number, mac: number, port: number, now: number): void {
    let table = this.macs.get(vlan);
    if (table === undefined) this.macs.set(vlan, (table = new Map()));
    const e = table.get(mac);
    if (e !== undefined) {
      // Re-insert (at most once a second, it is per packet) so each VLAN table stays
      // roughly ordered by last sighting: eviction takes the head.
      if (now - e.seen >= 1000) {
        table.delete(mac);
        table.set(mac, e);
      }
      e.port = port;
      e.seen = now;
      return;
    }
    if (this.entries >= this.maxEntries) this.evictOldest();
    table.set(mac, { port, seen: now });
    this.entries++;
  }

  private evictOldest(): void {
    let oldest: { table: Map<number, MacEntry>; mac: number; seen: number } | undefined;
    for (const table of this.macs.values()) {
      const first = table.entries().next();
      if (!first.done && (oldest === undefined || first.value[1].seen < oldest.seen)) {
        oldest = { table, mac: first.value[0], seen: first.value[1].seen };
      }
    }
    if (oldest !== undefined) {
      oldest.table.delete(oldest.mac);
      this.entries--;
    }
  }
}

function carries(cfg: NormalPortConfig, vlan: number): boolean {
  if (cfg.tag !== undefined) return cfg.tag === vlan;
  return cfg.trunks === undefined || cfg.trunks.length === 0 || cfg.trunks.includes(vlan);
}

function egressVlan(cfg: NormalPortConfig | undefined, vlan: number): number {
  if (cfg?.tag !== undefined || vlan === 0) return -1;
  return vlan;
}
