// The LB Tier-1's service router on the edge, driven by NSX LB operations: attaches
// `SR-<lb>` to the lab's Tier-0 over the uplink /31, keeps the applied model, programs
// the one-arm LB, and puts each VIP on the SR loopback as a /32 (the lab then routes it
// on the Tier-0 — the Tier-1's "LB VIP" route advertisement).
import type { Clock } from '../../core/clock.js';
import { parseCidr } from '../../core/cidr.js';
import { formatIPv4, parseIPv4, type IPv4 } from '../../core/ip.js';
import { err, ok, type Result } from '../../core/result.js';
import type { LabError, NsxLab } from '../../dataplane/fabric/nsx-lab.js';
import type { Router } from '../../dataplane/fabric/router.js';
import { diffNsxLb, EMPTY_MODEL, type NsxLbOp } from '../nsx/diff-model.js';
import type { LbProtocol, NsxLbModel, ServerPool, VirtualServer } from '../nsx/types.js';
import { OneArmLb, type MemberPick } from './one-arm-lb.js';

export const DEFAULT_LB_UPLINK = '100.64.208.8/31';

export interface LbEdgeOptions {
  readonly lab: NsxLab;
  readonly loadBalancer: NsxLbModel['loadBalancer'];
  /** The LB Tier-1 router link, Tier-0 side first (default 100.64.208.8/31: uplink .9). */
  readonly uplink?: string;
  readonly clock: Clock;
  readonly pick?: MemberPick;
}

export type LbEdgeError = LabError | { readonly code: 'bad-uplink'; readonly value: string };

export class LbEdge {
  readonly srName: string;
  readonly drName: string;
  readonly router: Router;
  readonly lb: OneArmLb;
  readonly uplinkIp: IPv4;
  readonly uplinkCidr: string;
  private model: NsxLbModel;
  private readonly pools = new Map<string, ServerPool>();
  private readonly vss = new Map<string, VirtualServer>();
  private readonly vips = new Set<string>();

  private constructor(private readonly o: LbEdgeOptions, router: Router, uplinkIp: IPv4, uplinkCidr: string) {
    this.srName = `SR-${o.loadBalancer.tier1}`;
    this.drName = `DR-${o.loadBalancer.tier1}`;
    this.router = router;
    this.uplinkIp = uplinkIp;
    this.uplinkCidr = uplinkCidr;
    this.model = EMPTY_MODEL(o.loadBalancer);
    this.lb = new OneArmLb({ clock: o.clock, uplinkIp, ...(o.pick !== undefined ? { pick: o.pick } : {}) });
    router.setLocalHandler(this.lb.handle);
  }

  static attach(o: LbEdgeOptions): Result<LbEdge, LbEdgeError> {
    const link = o.uplink ?? DEFAULT_LB_UPLINK;
    const c = parseCidr(link);
    if (!c.ok || c.value.family !== 4 || c.value.prefix !== 31) return err({ code: 'bad-uplink', value: link });
    const r = o.lab.attachServiceRouter(`SR-${o.loadBalancer.tier1}`, [], { link });
    if (!r.ok) return r;
    const up = r.value.iface('uplink')?.ip ?? ((c.value.base + 1) as IPv4);
    return ok(new LbEdge(o, r.value, up, `${formatIPv4(up)}/31`));
  }

  /** The model as applied. */
  applied(): NsxLbModel {
    return this.model;
  }

  /** VIPs currently on the SR loopback, numerically sorted. */
  loopbackVips(): string[] {
    return this.router.loopbackAddresses().map(formatIPv4);
  }

  /** Applies the difference to `desired`; returns the operations performed. */
  sync(desired: NsxLbModel): NsxLbOp[] {
    const ops = diffNsxLb(this.model, desired);
    this.apply(ops);
    this.model = { loadBalancer: desired.loadBalancer, virtualServers: [...this.vss.values()].sort(byName), pools: [...this.pools.values()].sort(byName) };
    return ops;
  }

  private apply(ops: readonly NsxLbOp[]): void {
    const touched = new Set<string>();
    for (const op of ops) {
      switch (op.kind) {
        case 'upsert-pool':
          this.pools.set(op.pool.name, op.pool);
          for (const v of this.vss.values()) if (v.pool === op.pool.name) touched.add(v.name);
          break;
        case 'upsert-virtual-server': {
          const old = this.vss.get(op.vs.name);
          if (old !== undefined && (old.vip !== op.vs.vip || old.port !== op.vs.port || old.protocol !== op.vs.protocol)) this.unprogram(old);
          this.vss.set(op.vs.name, op.vs);
          touched.add(op.vs.name);
          break;
        }
        case 'add-vip':
          this.addVip(op.vip);
          break;
        case 'delete-virtual-server': {
          const old = this.vss.get(op.name);
          if (old !== undefined) this.unprogram(old);
          this.vss.delete(op.name);
          touched.delete(op.name);
          break;
        }
        case 'delete-pool':
          this.pools.delete(op.name);
          break;
        case 'remove-vip':
          this.vips.delete(op.vip);
          this.o.lab.removeServiceRouterVip(this.srName, op.vip);
          break;
      }
    }
    for (const name of touched) {
      const v = this.vss.get(name);
      if (v !== undefined) this.program(v);
    }
  }

  private addVip(vip: string): void {
    if (this.vips.has(vip)) return;
    const r = this.o.lab.addServiceRouterVip(this.srName, vip);
    if (r.ok) this.vips.add(vip);
  }

  private program(v: VirtualServer): void {
    const vip = parseIPv4(v.vip);
    if (!vip.ok) return;
    const members = (this.pools.get(v.pool)?.members ?? []).flatMap((m) => {
      const ip = parseIPv4(m.ip);
      return ip.ok ? [{ ip: ip.value, port: m.port }] : [];
    });
    this.lb.setVirtualServer({ name: v.name, vip: vip.value, port: v.port, protocol: v.protocol, members });
  }

  private unprogram(v: { readonly vip: string; readonly protocol: LbProtocol; readonly port: number }): void {
    const vip = parseIPv4(v.vip);
    if (vip.ok) this.lb.removeVirtualServer(vip.value, v.protocol, v.port);
  }
}

const byName = <T extends { readonly name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
