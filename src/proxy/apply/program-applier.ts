// Applies a rendered OpenFlow program to a bridge by diffing it against what this
// applier LAST WROTE (CONVENTIONS 5; kube-proxy's nftElementStorage idea), never by
// reading the bridge back. Only deltas go out:
//   - a new group: group add; a group whose buckets changed: group modify (an endpoint
//     change is exactly one group modify); a group no fragment has any more: group delete;
//   - a new flow identity (table, priority, match): flow add; same identity, other
//     actions: flow modify-strict; an identity no fragment renders any more: delete-strict;
//   - learned flows (session affinity) of a removed group: loose delete by their match.
// Order: group adds and modifies, flow adds, modifies, deletes, learned deletes, group
// deletes — so no flow ever names a missing group.
//
// Fragments own flows; a flow identity rendered by several fragments (a LoadBalancer IP
// shared by two Services) is written once, as its first owner renders it, and deleted
// when its last owner lets go.
//
// Failure: with a bundle-capable bridge nothing changed, so memory stays exact. One by
// one, the mods before the failure did happen: the touched fragments are remembered as
// the union of before and after and marked uncertain; the next apply re-asserts them in
// full (adds are idempotent) and deletes whatever of the union is not desired. Either
// way `needsFullSync` is set: the proxy's next sync is a full one.
import { OFPG_ALL, Match, type FlowMod, type FlowSpec, type GroupSpec } from '../../dataplane/openflow/index.js';
import { silentLogger, type Logger } from '../../core/log.js';
import type { StaleConntrackFlush } from '../model/stale-udp.js';
import { flowIdentity, type LearnedFamily, type OpenFlowFragment } from '../render/openflow/program.js';
import { isGroupMod, type BridgeMod, type BridgeProgrammer, type ProgrammerError } from './bridge-programmer.js';
import { flowSpecEqual, groupSpecEqual, onlyActionsDiffer } from './spec-equality.js';

export type DesiredProgram =
  /** Every fragment: anything written before and absent here is removed. */
  | { readonly kind: 'full'; readonly fragments: ReadonlyMap<string, OpenFlowFragment> }
  /** Only these fragments changed; undefined = the fragment is gone. */
  | { readonly kind: 'partial'; readonly changes: ReadonlyMap<string, OpenFlowFragment | undefined> };

export interface ApplyStats {
  readonly flowAdds: number;
  readonly flowMods: number;
  readonly flowDels: number;
  readonly groupAdds: number;
  readonly groupMods: number;
  readonly groupDels: number;
  readonly learnedDels: number;
  readonly flushes: number;
}

export type ApplyOutcome =
  | { readonly kind: 'applied'; readonly stats: ApplyStats }
  | { readonly kind: 'failed'; readonly error: ProgrammerError; readonly stats: ApplyStats };

export interface ProgramApplierOptions {
  readonly programmer: BridgeProgrammer;
  /** Clears stale UDP conntrack entries (after the new program is in place). */
  readonly flushConntrack?: (f: StaleConntrackFlush) => void;
  /**
   * On the first apply, delete every flow with this cookie and every group first: what a
   * previous run of the proxy left on the bridge is not in this run's memory.
   */
  readonly cleanStart?: { readonly cookie: bigint } | false;
  readonly log?: Logger;
}

interface FlowState {
  /** What we last wrote for this identity (undefined: nothing, or deleted). */
  written: FlowSpec | undefined;
  /** Fragment key -> the spec it renders; the first owner's spec is the one written. */
  readonly owners: Map<string, FlowSpec>;
}

interface Change {
  readonly key: string;
  readonly old: OpenFlowFragment | undefined;
  readonly next: OpenFlowFragment | undefined;
  readonly uncertain: boolean;
}

const EMPTY_STATS: ApplyStats = { flowAdds: 0, flowMods: 0, flowDels: 0, groupAdds: 0, groupMods: 0, groupDels: 0, learnedDels: 0, flushes: 0 };

export class ProgramApplier {
  private readonly written = new Map<string, OpenFlowFragment>();
  private readonly uncertain = new Set<string>();
  private readonly flows = new Map<string, FlowState>();
  private readonly groups = new Map<number, GroupSpec>();
  private started = false;
  private readonly log: Logger;
  /** Set after a failed apply; cleared by the next successful full apply. */
  needsFullSync = false;

  constructor(private readonly opts: ProgramApplierOptions) {
    this.log = opts.log ?? silentLogger;
  }

  /** The fragments as last written (for tests and debugging). */
  writtenFragments(): ReadonlyMap<string, OpenFlowFragment> {
    return this.written;
  }

  writtenFlowCount(): number {
    let n = 0;
    for (const s of this.flows.values()) if (s.written !== undefined) n++;
    return n;
  }

  writtenGroupCount(): number {
    return this.groups.size;
  }

  apply(desired: DesiredProgram, flushes: readonly StaleConntrackFlush[] = []): ApplyOutcome {
    const changes = this.changesFor(desired);
    const mods: BridgeMod[] = [];
    if (!this.started && this.opts.cleanStart !== undefined && this.opts.cleanStart !== false) {
      mods.push(
        { command: 'delete', strict: false, match: Match.catchAll(), priority: 0, cookie: { value: this.opts.cleanStart.cookie, mask: 0xffffffffffffffffn } },
        { command: 'delete', groupId: OFPG_ALL },
      );
    }
    const counts = { ...EMPTY_STATS };
    const groupDels = this.groupOps(changes, mods, counts);
    const affected = this.retarget(changes);
    this.flowOps(affected, changes, mods, counts);
    for (const c of changes) {
      for (const fam of removedFamilies(c.old, c.next)) {
        mods.push({ command: 'delete', strict: false, table: fam.table, match: fam.match, priority: 0 });
        counts.learnedDels++;
      }
    }
    for (const id of groupDels) mods.push({ command: 'delete', groupId: id });

    const failure = this.send(mods);
    if (failure !== undefined) {
      this.fail(changes, affected, failure.bundle);
      this.log.warn('apply failed; next sync is a full one', { code: failure.error.code, message: failure.error.message ?? '' });
      return { kind: 'failed', error: failure.error, stats: counts };
    }
    this.commit(changes, affected);
    this.started = true;
    if (desired.kind === 'full') this.needsFullSync = false;
    counts.flushes = this.flush(flushes);
    return { kind: 'applied', stats: counts };
  }

  // ---- diff -----------------------------------------------------------------------------

  private changesFor(desired: DesiredProgram): Change[] {
    const out: Change[] = [];
    const add = (key: string, next: OpenFlowFragment | undefined) => {
      const old = this.written.get(key);
      const uncertain = this.uncertain.has(key) || !this.started;
      if (old === next && !uncertain) return;
      out.push({ key, old, next, uncertain });
    };
    if (desired.kind === 'full') {
      for (const [k, f] of desired.fragments) add(k, f);
      for (const k of this.written.keys()) if (!desired.fragments.has(k)) add(k, undefined);
    } else {
      for (const [k, f] of desired.changes) add(k, f);
    }
    return out;
  }

  /** Group mods into `mods`; returns the ids to delete at the end. */
  private groupOps(changes: readonly Change[], mods: BridgeMod[], counts: Mutable<ApplyStats>): number[] {
    const claimed = new Set<number>();
    for (const c of changes) for (const g of c.next?.groups ?? []) claimed.add(g.groupId);
    const dels: number[] = [];
    for (const c of changes) {
      for (const g of c.next?.groups ?? []) {
        const w = this.groups.get(g.groupId);
        if (c.uncertain) {
          mods.push({ command: 'add-or-modify', group: g });
          if (w === undefined) counts.groupAdds++;
          else counts.groupMods++;
        } else if (w === undefined) {
          mods.push({ command: 'add', group: g });
          counts.groupAdds++;
        } else if (!groupSpecEqual(w, g)) {
          mods.push({ command: 'modify', group: g });
          counts.groupMods++;
        }
      }
      for (const g of c.old?.groups ?? []) {
        if (claimed.has(g.groupId)) continue;
        dels.push(g.groupId);
        counts.groupDels++;
      }
    }
    return dels;
  }

  /** Moves flow ownership from old to next fragments; returns the identities touched. */
  private retarget(changes: readonly Change[]): Set<string> {
    const affected = new Set<string>();
    for (const c of changes) {
      for (const f of c.old?.flows ?? []) {
        const id = flowIdentity(f);
        this.flows.get(id)?.owners.delete(c.key);
        affected.add(id);
      }
    }
    for (const c of changes) {
      for (const f of c.next?.flows ?? []) {
        const id = flowIdentity(f);
        let s = this.flows.get(id);
        if (s === undefined) this.flows.set(id, (s = { written: undefined, owners: new Map() }));
        s.owners.set(c.key, f);
        affected.add(id);
      }
    }
    return affected;
  }

  private flowOps(affected: ReadonlySet<string>, changes: readonly Change[], mods: BridgeMod[], counts: Mutable<ApplyStats>): void {
    const uncertainKeys = new Set<string>();
    // Identities an uncertain fragment may have left behind (its remembered union).
    const uncertainIds = new Set<string>();
    for (const c of changes) {
      if (!c.uncertain) continue;
      uncertainKeys.add(c.key);
      for (const f of c.old?.flows ?? []) uncertainIds.add(flowIdentity(f));
    }
    const adds: FlowMod[] = [];
    const modsOut: FlowMod[] = [];
    const dels: FlowMod[] = [];
    for (const id of affected) {
      const s = this.flows.get(id);
      if (s === undefined) continue;
      const want = firstOwner(s.owners);
      const w = s.written;
      if (want === undefined) {
        if (w !== undefined || uncertainIds.has(id)) {
          const gone = w ?? (firstSpec(changes, id) as FlowSpec);
          dels.push({ command: 'delete', strict: true, table: gone.table, match: gone.match, priority: gone.priority });
          counts.flowDels++;
        }
        continue;
      }
      let ownerUncertain = false;
      if (uncertainKeys.size > 0) for (const k of s.owners.keys()) if (uncertainKeys.has(k)) ownerUncertain = true;
      if (w === undefined || ownerUncertain) {
        adds.push({ command: 'add', flow: want });
        counts.flowAdds++;
      } else if (!flowSpecEqual(w, want)) {
        if (onlyActionsDiffer(w, want)) {
          modsOut.push({ command: 'modify', strict: true, flow: want, table: want.table, ...(want.cookie !== w.cookie ? { newCookie: want.cookie } : {}) });
          counts.flowMods++;
        } else {
          adds.push({ command: 'add', flow: want });
          counts.flowAdds++;
        }
      }
    }
    mods.push(...adds, ...modsOut, ...dels);
  }

  // ---- send / commit ----------------------------------------------------------------------

  private send(mods: readonly BridgeMod[]): { error: ProgrammerError; bundle: boolean } | undefined {
    if (mods.length === 0) return undefined;
    const p = this.opts.programmer;
    try {
      if (p.bundle !== undefined) {
        const r = p.bundle(mods);
        return r.ok ? undefined : { error: r.error, bundle: true };
      }
      for (let i = 0; i < mods.length; i++) {
        const m = mods[i] as BridgeMod;
        const r = isGroupMod(m) ? p.groupMod(m) : p.flowMod(m);
        if (!r.ok) return { error: { ...r.error, index: i }, bundle: false };
      }
    } catch (e: unknown) {
      return { error: { code: 'exception', message: e instanceof Error ? e.message : String(e) }, bundle: p.bundle !== undefined };
    }
    return undefined;
  }

  private commit(changes: readonly Change[], affected: ReadonlySet<string>): void {
    for (const c of changes) {
      for (const g of c.old?.groups ?? []) this.groups.delete(g.groupId);
    }
    for (const c of changes) {
      for (const g of c.next?.groups ?? []) this.groups.set(g.groupId, g);
      if (c.next === undefined) this.written.delete(c.key);
      else this.written.set(c.key, c.next);
      this.uncertain.delete(c.key);
    }
    for (const id of affected) {
      const s = this.flows.get(id);
      if (s === undefined) continue;
      s.written = firstOwner(s.owners);
      if (s.written === undefined) this.flows.delete(id);
    }
  }

  private fail(changes: readonly Change[], affected: ReadonlySet<string>, atomic: boolean): void {
    this.needsFullSync = true;
    // Undo the ownership move: memory must describe the bridge, not the wish.
    for (const c of changes) for (const f of c.next?.flows ?? []) this.flows.get(flowIdentity(f))?.owners.delete(c.key);
    if (atomic) {
      for (const c of changes) for (const f of c.old?.flows ?? []) this.ownerOf(flowIdentity(f)).owners.set(c.key, f);
      for (const id of affected) if (this.flows.get(id)?.owners.size === 0 && this.flows.get(id)?.written === undefined) this.flows.delete(id);
      return;
    }
    // Some mods happened: remember the union and re-assert it next time.
    for (const c of changes) {
      const merged = mergeFragments(c.key, c.old, c.next);
      for (const f of merged.flows) this.ownerOf(flowIdentity(f)).owners.set(c.key, f);
      for (const g of merged.groups) this.groups.set(g.groupId, g);
      this.written.set(c.key, merged);
      this.uncertain.add(c.key);
    }
    for (const id of affected) {
      const s = this.flows.get(id);
      if (s !== undefined) s.written = firstOwner(s.owners) ?? s.written;
    }
  }

  private ownerOf(id: string): FlowState {
    let s = this.flows.get(id);
    if (s === undefined) this.flows.set(id, (s = { written: undefined, owners: new Map() }));
    return s;
  }

  private flush(flushes: readonly StaleConntrackFlush[]): number {
    const fn = this.opts.flushConntrack;
    if (fn === undefined) return 0;
    let n = 0;
    for (const f of flushes) {
      try {
        fn(f);
        n++;
      } catch (e: unknown) {
        this.log.warn('conntrack flush failed', { error: e instanceof Error ? e.message : String(e) });
      }
    }
    return n;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function firstOwner(owners: ReadonlyMap<string, FlowSpec>): FlowSpec | undefined {
  for (const f of owners.values()) return f;
  return undefined;
}

function firstSpec(changes: readonly Change[], id: string): FlowSpec | undefined {
  for (const c of changes) for (const f of [...(c.old?.flows ?? []), ...(c.next?.flows ?? [])]) if (flowIdentity(f) === id) return f;
  return undefined;
}

function familyKey(f: LearnedFamily): string {
  return `${f.table}/${f.match.key()}`;
}

function removedFamilies(old: OpenFlowFragment | undefined, next: OpenFlowFragment | undefined): LearnedFamily[] {
  if (old === undefined || old.learned.length === 0) return [];
  const keep = new Set((next?.learned ?? []).map(familyKey));
  return old.learned.filter((f) => !keep.has(familyKey(f)));
}

function mergeFragments(key: string, old: OpenFlowFragment | undefined, next: OpenFlowFragment | undefined): OpenFlowFragment {
  const flows = new Map<string, FlowSpec>();
  for (const f of next?.flows ?? []) flows.set(flowIdentity(f), f);
  for (const f of old?.flows ?? []) if (!flows.has(flowIdentity(f))) flows.set(flowIdentity(f), f);
  const groups = new Map<number, GroupSpec>();
  for (const g of next?.groups ?? []) groups.set(g.groupId, g);
  for (const g of old?.groups ?? []) if (!groups.has(g.groupId)) groups.set(g.groupId, g);
  const learned = new Map<string, LearnedFamily>();
  for (const f of [...(next?.learned ?? []), ...(old?.learned ?? [])]) learned.set(familyKey(f), f);
  return { key, flows: [...flows.values()], groups: [...groups.values()], learned: [...learned.values()] };
}
