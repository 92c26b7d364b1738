// Per-node pod counts for spreading, kept incrementally from the pod informer plus the
// scheduler's own assumptions: a pod is counted on its node from the moment we decide to
// bind it, not when the watch event comes back, so a burst of replicas still spreads.
// Invariant: a pod key is counted at most once — as assumed until the informer shows it
// bound (or gone), then as placed.
import type { PodInfo } from '../pod-info.js';
import type { NodeLoad } from './scheduling-core.js';

interface Placement {
  readonly node: string;
  readonly owner: string;
}

interface Counts {
  total: number;
  readonly byOwner: Map<string, number>;
}

export class SchedulerCache {
  private readonly placed = new Map<string, Placement>();
  private readonly assumed = new Map<string, Placement>();
  private readonly nodes = new Map<string, Counts>();

  /** The informer's view of a pod (add or update). */
  observe(p: PodInfo): void {
    const prev = this.placed.get(p.key);
    if (prev !== undefined) {
      this.count(prev, -1);
      this.placed.delete(p.key);
    }
    if (p.nodeName === '') return; // still pending: an assumption, if any, stands
    this.unassume(p.key);
    if (p.phase === 'Succeeded' || p.phase === 'Failed') return;
    const pl = { node: p.nodeName, owner: p.controllerUid };
    this.placed.set(p.key, pl);
    this.count(pl, 1);
  }

  forget(key: string): void {
    const prev = this.placed.get(key);
    if (prev !== undefined) {
      this.count(prev, -1);
      this.placed.delete(key);
    }
    this.unassume(key);
  }

  assume(p: PodInfo, node: string): void {
    this.unassume(p.key);
    const pl = { node, owner: p.controllerUid };
    this.assumed.set(p.key, pl);
    this.count(pl, 1);
  }

  unassume(key: string): void {
    const a = this.assumed.get(key);
    if (a === undefined) return;
    this.assumed.delete(key);
    this.count(a, -1);
  }

  isAssumed(key: string): boolean {
    return this.assumed.has(key);
  }

  load(node: string, owner: string): NodeLoad {
    const c = this.nodes.get(node);
    if (c === undefined) return { total: 0, sameOwner: 0 };
    return { total: c.total, sameOwner: owner === '' ? 0 : (c.byOwner.get(owner) ?? 0) };
  }

  private count(pl: Placement, delta: 1 | -1): void {
    let c = this.nodes.get(pl.node);
    if (c === undefined) this.nodes.set(pl.node, (c = { total: 0, byOwner: new Map() }));
    c.total += delta;
    if (pl.owner === '') return;
    const n = (c.byOwner.get(pl.owner) ?? 0) + delta;
    if (n <= 0) c.byOwner.delete(pl.owner);
    else c.byOwner.set(pl.owner, n);
  }
}
