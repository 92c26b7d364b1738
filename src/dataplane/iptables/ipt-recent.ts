// The `recent` match's address lists (xt_recent): per list name, per (masked) address,
// the times it was last seen (at most 20, ip_pkt_list_tot's default). Lists belong to
// the namespace, not to one ruleset, so they survive an iptables-restore, as in Linux.
// kube-proxy's ClientIP affinity: the endpoint chain does `--set`, the service chain
// `--rcheck --seconds 10800 --reap` before the random choice.

const PKT_LIST_TOT = 20;

interface Entry {
  stamps: number[];
  ttl: number;
}

export interface RecentCheck {
  readonly op: 'set' | 'rcheck' | 'update' | 'remove';
  /** ms; only entries seen within this window count. */
  readonly windowMs?: number;
  readonly reap: boolean;
  readonly hitcount?: number;
}

export class IptRecentTables {
  private readonly lists = new Map<string, Map<number, Entry>>();

  /** Applies `op` for `addr` at `now`; returns whether the match holds (before negation). */
  check(name: string, addr: number, ttl: number, c: RecentCheck, now: number, rttl: boolean): boolean {
    let list = this.lists.get(name);
    if (list === undefined) this.lists.set(name, (list = new Map()));
    const e = list.get(addr);
    if (c.op === 'set') {
      if (e === undefined) list.set(addr, { stamps: [now], ttl });
      else {
        e.stamps.push(now);
        if (e.stamps.length > PKT_LIST_TOT) e.stamps.shift();
        e.ttl = ttl;
      }
      return true;
    }
    if (e === undefined) return false;
    if (c.op === 'remove') {
      list.delete(addr);
      return true;
    }
    let hit = true;
    if (rttl && e.ttl !== ttl) hit = false;
    if (hit && (c.windowMs !== undefined || c.hitcount !== undefined)) {
      const since = c.windowMs === undefined ? -Infinity : now - c.windowMs;
      let n = 0;
      for (const t of e.stamps) if (t >= since) n++;
      hit = n >= (c.hitcount ?? 1);
    }
    if (c.reap && c.windowMs !== undefined) {
      const since = now - c.windowMs;
      e.stamps = e.stamps.filter((t) => t >= since);
      if (e.stamps.length === 0) list.delete(addr);
    }
    if (hit && c.op === 'update') {
      e.stamps.push(now);
      if (e.stamps.length > PKT_LIST_TOT) e.stamps.shift();
      if (!list.has(addr)) list.set(addr, e);
    }
    return hit;
  }

  /** Addresses on a list (for tests and /proc/net/xt_recent-like listings). */
  entries(name: string): { addr: number; last: number; hits: number }[] {
    const list = this.lists.get(name);
    if (list === undefined) return [];
    return [...list].map(([addr, e]) => ({ addr, last: e.stamps[e.stamps.length - 1] ?? 0, hits: e.stamps.length }));
  }
}
