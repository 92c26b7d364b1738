// The pure allocation core of lb-ipam: which Service holds which addresses. No I/O, no clock.
// Invariants (property-tested): an address has at most one holder; an auto-assigned address is
// usable in a pool that admits the Service; held addresses are never moved (a pool change or a
// restart never reshuffles); `restore` from what Services show in status rebuilds exactly the
// state that wrote it.
import { formatIPv4, parseIPv4 } from '../../core/index.js';
import { comparePools, poolAdmits, poolUsable, type CompiledPool, type SelectorInput } from './pool-set.js';

/** What the core needs to know about one Service (see service-view.ts for the projection). */
export interface LbServiceView extends SelectorInput {
  /** "namespace/name". */
  readonly key: string;
  /** type LoadBalancer and loadBalancerClass absent or ours. */
  readonly managed: boolean;
  /** Addresses asked for (annotation, else spec.loadBalancerIP); empty = auto-assign. */
  readonly requested: readonly string[];
  /** Addresses the Service's status shows as ours (used by restore only). */
  readonly current: readonly string[];
}

export type FailureReason = 'AllocationFailed' | 'RequestedIPInvalid' | 'RequestedIPNotInPool' | 'RequestedIPInUse';

export type SyncOutcome =
  | { readonly type: 'unmanaged'; readonly released: readonly string[] }
  | { readonly type: 'assigned'; readonly ips: readonly string[]; readonly pool: string | undefined; readonly fresh: boolean; readonly released: readonly string[] }
  /** `held` stays assigned (a changed request that cannot be met does not take the old address away). */
  | { readonly type: 'failed'; readonly reason: FailureReason; readonly message: string; readonly held: readonly string[] };

interface Holding {
  readonly ips: readonly number[];
  readonly pool: string | undefined;
}

export interface PoolUsage {
  readonly allocated: number;
  readonly available: number;
}

export interface RestoreReport {
  readonly adopted: number;
  /** Services whose status claimed an address another Service already held (they get re-synced). */
  readonly conflicts: readonly string[];
}

const fmt = (ips: readonly number[]): string[] => ips.map((ip) => formatIPv4(ip as Parameters<typeof formatIPv4>[0]));
const quoteList = (ips: readonly string[]): string => `[${ips.map((i) => JSON.stringify(i)).join(', ')}]`;

export class LbAllocator {
  private pools: CompiledPool[] = [];
  private readonly owner = new Map<number, string>();
  private readonly held = new Map<string, Holding>();
  /** Failed Services, in the order they failed: retried when an address frees or pools change. */
  private readonly pending = new Set<string>();
  /** Per pool, the lowest address that may be free (scans start there). */
  private readonly hint = new Map<string, number>();

  constructor(pools: readonly CompiledPool[] = []) {
    this.setPools(pools);
  }

  /** Replaces the pool set. Held addresses stay with their Services, in a pool or not. */
  setPools(pools: readonly CompiledPool[]): void {
    this.pools = [...pools].sort(comparePools);
    this.hint.clear();
  }

  poolNames(): string[] {
    return this.pools.map((p) => p.name);
  }

  /**
   * Rebuilds holdings from Services' status before anything is allocated. Call with the
   * Services in a stable order (oldest first): on a conflicting claim the earlier one keeps it.
   */
  restore(views: readonly LbServiceView[]): RestoreReport {
    let adopted = 0;
    const conflicts: string[] = [];
    for (const v of views) {
      if (!v.managed || v.current.length === 0 || this.held.has(v.key)) continue;
      const ips = parseAll(v.current);
      if (ips === undefined || new Set(ips).size !== ips.length) continue;
      if (ips.some((ip) => this.owner.has(ip))) {
        conflicts.push(v.key);
        continue;
      }
      this.take(v.key, ips, this.pools.find((p) => ips.every((ip) => poolUsable(p, ip)))?.name);
      adopted++;
    }
    return { adopted, conflicts };
  }

  /** Brings one Service's holding in line with its spec. Idempotent. */
  sync(v: LbServiceView): SyncOutcome {
    if (!v.managed) return { type: 'unmanaged', released: this.release(v.key) };
    const current = this.held.get(v.key);
    const heldText = current === undefined ? [] : fmt(current.ips);
    if (v.requested.length > 0) return this.syncRequested(v, current, heldText);
    if (current !== undefined) {
      this.pending.delete(v.key);
      return { type: 'assigned', ips: heldText, pool: current.pool, fresh: false, released: [] };
    }
    for (const p of this.pools) {
      if (!p.autoAssign || !poolAdmits(p, v)) continue;
      const ip = this.findFree(p);
      if (ip === undefined) continue;
      this.take(v.key, [ip], p.name);
      this.pending.delete(v.key);
      return { type: 'assigned', ips: fmt([ip]), pool: p.name, fresh: true, released: [] };
    }
    const eligible = this.pools.filter((p) => p.autoAssign && poolAdmits(p, v)).map((p) => p.name);
    const message =
      eligible.length === 0 ? 'no IP pool (with autoAssign) admits this service' : `no available IPs in pools ${quoteList(eligible)}`;
    return this.fail(v.key, 'AllocationFailed', message, heldText);
  }

  private syncRequested(v: LbServiceView, current: Holding | undefined, heldText: string[]): SyncOutcome {
    const ips = parseAll(v.requested);
    if (ips === undefined) return this.fail(v.key, 'RequestedIPInvalid', `requested IPs ${quoteList(v.requested)} are not valid IPv4 addresses`, heldText);
    const want = [...new Set(ips)];
    if (current !== undefined && sameSet(current.ips, want)) {
      this.pending.delete(v.key);
      return { type: 'assigned', ips: heldText, pool: current.pool, fresh: false, released: [] };
    }
    let pool: string | undefined;
    for (const ip of want) {
      const text = formatIPv4(ip as Parameters<typeof formatIPv4>[0]);
      const p = this.pools.find((x) => poolUsable(x, ip) && poolAdmits(x, v));
      if (p === undefined) return this.fail(v.key, 'RequestedIPNotInPool', `requested IP ${JSON.stringify(text)} is not in any IP pool available to this service`, heldText);
      const o = this.owner.get(ip);
      if (o !== undefined && o !== v.key) return this.fail(v.key, 'RequestedIPInUse', `requested IP ${JSON.stringify(text)} is already allocated to ${o}`, heldText);
      pool ??= p.name;
    }
    const freed = (current?.ips ?? []).filter((ip) => !want.includes(ip));
    this.release(v.key);
    this.take(v.key, want, pool);
    this.pending.delete(v.key);
    return { type: 'assigned', ips: fmt(want), pool, fresh: true, released: fmt(freed) };
  }

  /** Frees what the Service holds (delete, type change, foreign class). Returns freed addresses. */
  release(key: string): string[] {
    this.pending.delete(key);
    const h = this.held.get(key);
    if (h === undefined) return [];
    this.held.delete(key);
    for (const ip of h.ips) {
      if (this.owner.get(ip) === key) this.owner.delete(ip);
      for (const p of this.pools) {
        const cur = this.hint.get(p.name);
        if (cur !== undefined && ip < cur) this.hint.set(p.name, ip);
      }
    }
    return fmt(h.ips);
  }

  /** Services waiting for an address, oldest failure first. */
  pendingKeys(): string[] {
    return [...this.pending];
  }

  holding(key: string): { readonly ips: readonly string[]; readonly pool: string | undefined } | undefined {
    const h = this.held.get(key);
    return h === undefined ? undefined : { ips: fmt(h.ips), pool: h.pool };
  }

  /** Every holding, "namespace/name" -> addresses (for checks and diagnostics). */
  holdings(): Map<string, string[]> {
    return new Map([...this.held].map(([k, h]) => [k, fmt(h.ips)]));
  }

  usage(poolName: string): PoolUsage | undefined {
    const p = this.pools.find((x) => x.name === poolName);
    if (p === undefined) return undefined;
    let allocated = 0;
    for (const ip of this.owner.keys()) if (poolUsable(p, ip)) allocated++;
    return { allocated, available: p.size - allocated };
  }

  private fail(key: string, reason: FailureReason, message: string, held: string[]): SyncOutcome {
    this.pending.add(key);
    return { type: 'failed', reason, message, held };
  }

  private take(key: string, ips: readonly number[], pool: string | undefined): void {
    for (const ip of ips) this.owner.set(ip, key);
    this.held.set(key, { ips: [...ips], pool });
  }

  private findFree(p: CompiledPool): number | undefined {
    const from = this.hint.get(p.name) ?? 0;
    for (const r of p.ranges) {
      if (r.end < from) continue;
      for (let ip = Math.max(r.start, from); ip <= r.end; ip++) {
        if (this.owner.has(ip) || (p.avoidBuggyIPs && (ip % 256 === 0 || ip % 256 === 255))) continue;
        this.hint.set(p.name, ip + 1);
        return ip;
      }
    }
    this.hint.set(p.name, Number.MAX_SAFE_INTEGER);
    return undefined;
  }
}

function parseAll(texts: readonly string[]): number[] | undefined {
  const out: number[] = [];
  for (const t of texts) {
    const r = parseIPv4(t.trim());
    if (!r.ok) return undefined;
    out.push(r.value);
  }
  return out;
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
