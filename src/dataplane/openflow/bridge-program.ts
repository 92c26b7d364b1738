// The OpenFlow program of one bridge (flow tables + group table) and the flow-mod /
// group-mod semantics OVS implements (ofproto/ofproto.c), so a controller can program
// deltas:
//
//  add            identical match+priority in the table is replaced; the new flow gets a
//                 fresh duration, counters carry over unless `reset_counts` (OVS
//                 forwards stats to the replacing rule, see ofproto-dpif rule_insert).
//  modify         every flow whose match is covered by the given match (loose match;
//                 priority ignored) and whose cookie matches cookie/mask gets the new
//                 actions; match, priority, timeouts, flags, creation time and counters
//                 are kept; the cookie changes only if one was given. With no flow
//                 selected and no cookie mask given, the flow is added (OpenFlow 1.0).
//  modify-strict  the same for the one flow with identical match and priority.
//  delete         every flow whose match is covered by the given match, filtered by
//                 cookie/mask, out_port and out_group; delete-strict: identical match
//                 and priority.
//  group add      fails if the id exists; group modify fails if it does not (keeps the
//                 creation time, resets counters); group delete also deletes every flow
//                 whose actions use the group (OFPRR_GROUP_DELETE).
//
// Flows naming a missing group are refused (OFPBAC_BAD_OUT_GROUP), as ofproto does.
import { err, ok, type Result } from '../../core/result.js';
import {
  OFPG_ALL,
  OFPG_MAX,
  validateActions,
  type CookieMatch,
  type FlowMod,
  type FlowModError,
  type GroupMod,
  type GroupModError,
  type RemovedFlow,
} from './flow-mod.js';
import { referencedGroups, outputsToPort, type Action } from './actions.js';
import { Classifier } from './classifier.js';
import { FlowEntry, type FlowSpec, type FlowStats } from './flow.js';
import { GroupEntry, type GroupSpec } from './group.js';
import { checkPrerequisites, type Match } from './match.js';

export * from './flow-mod.js';

const ALL_TABLES = 255;
/** Ids below this are also kept in a dense array (controllers allocate small ids). */
const GROUP_ARRAY_LIMIT = 1 << 18;

class FlowTable {
  readonly cls = new Classifier<FlowEntry>();
  readonly exact = new Map<string, FlowEntry>();
}

const exactKey = (priority: number, m: Match) => `${priority}|${m.key()}`;

export class BridgeProgram {
  private readonly tables = new Map<number, FlowTable>();
  private readonly groups = new Map<number, GroupEntry>();
  /** Groups with small ids also by array index: one memory access on the packet path. */
  private readonly groupArray: (GroupEntry | undefined)[] = [];
  private readonly groupUsers = new Map<number, Set<FlowEntry>>();
  private nextOrder = 0;
  private nextSeq = 0;
  private timed = new Set<FlowEntry>();
  /** Bumped on every change, so callers can cache derived data. */
  version = 0;

  // ---- queries -----------------------------------------------------------------

  table(id: number): Classifier<FlowEntry> | undefined {
    return this.tables.get(id)?.cls;
  }

  group(id: number): GroupEntry | undefined {
    return id < GROUP_ARRAY_LIMIT ? this.groupArray[id] : this.groups.get(id);
  }

  private setGroup(id: number, g: GroupEntry | undefined): void {
    if (g === undefined) this.groups.delete(id);
    else this.groups.set(id, g);
    if (id < GROUP_ARRAY_LIMIT) {
      while (this.groupArray.length <= id) this.groupArray.push(undefined);
      this.groupArray[id] = g;
    }
  }

  /** Flows in dump order: by table, then in the order they were first added. */
  flows(): FlowEntry[] {
    const out: FlowEntry[] = [];
    for (const id of [...this.tables.keys()].sort((a, b) => a - b)) {
      const t = this.tables.get(id);
      if (t !== undefined) out.push(...[...t.exact.values()].sort((a, b) => a.order - b.order));
    }
    return out;
  }

  /** Groups in the order they were added. */
  groupList(): GroupEntry[] {
    return [...this.groups.values()];
  }

  flowCount(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.exact.size;
    return n;
  }

  /** Number of flows whose actions use the group (OpenFlow's group ref_count). */
  groupRefCount(id: number): number {
    return this.groupUsers.get(id)?.size ?? 0;
  }

  findExact(table: number, match: Match, priority: number): FlowEntry | undefined {
    return this.tables.get(table)?.exact.get(exactKey(priority, match));
  }

  // ---- flow mods ----------------------------------------------------------------

  /** ADD. `restore` seeds counters and duration (to reload a dump-flows listing). */
  addFlow(spec: FlowSpec, now: number, restore?: FlowStats): Result<FlowEntry, FlowModError> {
    const bad = this.validateFlow(spec, (g) => this.groups.has(g));
    if (bad !== undefined) return err(bad);
    if (spec.flags.checkOverlap && this.overlaps(spec)) return err({ code: 'OFPFMFC_OVERLAP' });
    return ok(this.installFlow(spec, now, restore));
  }

  /** Applies one flow mod; returns the flows added or changed. */
  flowMod(mod: FlowMod, now: number): Result<FlowEntry[], FlowModError> {
    switch (mod.command) {
      case 'add': {
        const r = this.addFlow(mod.flow, now);
        return r.ok ? ok([r.value]) : r;
      }
      case 'modify':
        return this.modifyFlows(mod, now);
      case 'delete':
        this.deleteFlows(mod);
        return ok([]);
    }
  }

  modifyFlows(mod: Extract<FlowMod, { command: 'modify' }>, now: number): Result<FlowEntry[], FlowModError> {
    const t = mod.flow;
    const bad = this.validateFlow(t, (g) => this.groups.has(g), true);
    if (bad !== undefined) return err(bad);
    const selected = mod.strict
      ? this.collectStrict(mod.table, t.match, t.priority, mod.cookie)
      : this.collectLoose(mod.table, t.match, mod.cookie);
    if (selected.length === 0) {
      if (mod.cookie !== undefined && mod.cookie.mask !== 0n) return ok([]);
      const add = { ...t, table: mod.table === undefined || mod.table === ALL_TABLES ? 0 : mod.table, cookie: mod.newCookie ?? 0n };
      const r = this.addFlow(add, now);
      return r.ok ? ok([r.value]) : r;
    }
    const out: FlowEntry[] = [];
    for (const old of selected) {
      const spec: FlowSpec = {
        table: old.table,
        priority: old.priority,
        match: old.match,
        cookie: mod.newCookie ?? old.cookie,
        idleTimeout: old.idleTimeout,
        hardTimeout: old.hardTimeout,
        importance: old.importance,
        flags: old.flags,
        actions: t.actions,
      };
      out.push(this.replace(old, spec, now, !t.flags.resetCounts, old.created));
    }
    return ok(out);
  }

  deleteFlows(mod: Extract<FlowMod, { command: 'delete' }>): RemovedFlow[] {
    let selected = mod.strict
      ? this.collectStrict(mod.table, mod.match, mod.priority, mod.cookie)
      : this.collectLoose(mod.table, mod.match, mod.cookie);
    const { outPort, outGroup } = mod;
    if (outPort !== undefined) selected = selected.filter((f) => outputsToPort(f.actions, outPort));
    if (outGroup !== undefined) selected = selected.filter((f) => referencedGroups(f.actions).includes(outGroup));
    for (const f of selected) this.removeFlow(f);
    return selected.map((flow) => ({ flow, reason: 'delete' as const }));
  }

  /**
   * learn(): install a learned flow. An identical flow (match, priority) with the same
   * actions is only refreshed (its idle deadline moves), as OVS's learn refresh does;
   * otherwise this is an ADD.
   */
  learnFlow(spec: FlowSpec, now: number): Result<FlowEntry, FlowModError> {
    const existing = this.findExact(spec.table, spec.match, spec.priority);
    if (existing !== undefined && sameActions(existing.actions, spec.actions)) {
      if (now > existing.lastUsed) existing.lastUsed = now;
      existing.updateExpiry();
      return ok(existing);
    }
    return this.addFlow(spec, now);
  }

  /** Removes flows that have timed out at `now`. */
  expire(now: number): RemovedFlow[] {
    const out: RemovedFlow[] = [];
    for (const f of this.timed) {
      const reason = f.expiredReason(now);
      if (reason !== undefined) out.push({ flow: f, reason });
    }
    for (const r of out) this.removeFlow(r.flow);
    return out;
  }

  // ---- group mods ---------------------------------------------------------------

  groupMod(mod: GroupMod, now: number): Result<RemovedFlow[], GroupModError> {
    const bad = this.validateGroupMod(mod, (g) => this.groups.has(g));
    if (bad !== undefined) return err(bad);
    if (mod.command === 'delete') return ok(this.deleteGroups(mod.groupId));
    const old = this.groups.get(mod.group.groupId);
    this.setGroup(mod.group.groupId, new GroupEntry(mod.group, old?.created ?? now));
    this.version++;
    return ok([]);
  }

  addGroup(group: GroupSpec, now: number): Result<RemovedFlow[], GroupModError> {
    return this.groupMod({ command: 'add', group }, now);
  }

  /**
   * Applies flow and group mods atomically (like `ovs-ofctl --bundle`): all are
   * validated first, in order, against the group table as it would be at that point;
   * nothing changes if one fails.
   */
  applyBundle(
    mods: ReadonlyArray<FlowMod | GroupMod>,
    now: number,
  ): Result<void, { readonly index: number; readonly error: FlowModError | GroupModError }> {
    const groups = new Set(this.groups.keys());
    for (let i = 0; i < mods.length; i++) {
      const m = mods[i] as FlowMod | GroupMod;
      const exists = (g: number) => groups.has(g);
      const bad = isGroupMod(m)
        ? this.validateGroupMod(m, exists)
        : m.command === 'add' || m.command === 'modify'
          ? this.validateFlow(m.flow, exists, m.command === 'modify')
          : undefined;
      if (bad !== undefined) return err({ index: i, error: bad });
      if (isGroupMod(m)) {
        if (m.command === 'delete') {
          if (m.groupId === OFPG_ALL) groups.clear();
          else groups.delete(m.groupId);
        } else groups.add(m.group.groupId);
      }
    }
    for (const m of mods) {
      const r = isGroupMod(m) ? this.groupMod(m, now) : this.flowMod(m, now);
      if (!r.ok) throw new Error(`bundle step failed after validation: ${JSON.stringify(r.error)}`);
    }
    return ok(undefined);
  }

  // ---- internals ----------------------------------------------------------------

  private validateFlow(spec: FlowSpec, groupExists: (g: number) => boolean, isModify = false): FlowModError | undefined {
    if (!isModify && (spec.table < 0 || spec.table > 254)) return { code: 'OFPBRC_BAD_TABLE_ID', table: spec.table };
    const pre = checkPrerequisites(spec.match);
    if (pre !== undefined) return { code: 'OFPBMC_BAD_PREREQ', detail: pre };
    return validateActions(spec.actions, spec.match, groupExists);
  }

  private validateGroupMod(mod: GroupMod, groupExists: (g: number) => boolean): GroupModError | undefined {
    if (mod.command === 'delete') return undefined;
    const g = mod.group;
    if (g.groupId > OFPG_MAX) return { code: 'OFPGMFC_INVALID_GROUP', groupId: g.groupId };
    if (mod.command === 'add' && groupExists(g.groupId)) return { code: 'OFPGMFC_GROUP_EXISTS', groupId: g.groupId };
    if (mod.command === 'modify' && !groupExists(g.groupId)) return { code: 'OFPGMFC_UNKNOWN_GROUP', groupId: g.groupId };
    if (g.type === 'indirect' && g.buckets.length !== 1) return { code: 'OFPGMFC_BAD_BUCKET', detail: 'indirect group needs exactly one bucket' };
    const ids = new Set<number>();
    for (const b of g.buckets) {
      if (ids.has(b.bucketId)) return { code: 'OFPGMFC_BAD_BUCKET', detail: `duplicate bucket_id ${b.bucketId}` };
      ids.add(b.bucketId);
      for (const ref of referencedGroups(b.actions)) {
        if (ref === g.groupId || !groupExists(ref)) return { code: 'OFPBAC_BAD_OUT_GROUP', groupId: ref };
      }
    }
    return undefined;
  }

  private installFlow(spec: FlowSpec, now: number, restore?: FlowStats): FlowEntry {
    let t = this.tables.get(spec.table);
    if (t === undefined) {
      t = new FlowTable();
      this.tables.set(spec.table, t);
    }
    const old = t.exact.get(exactKey(spec.priority, spec.match));
    const entry = old !== undefined
      ? this.replace(old, spec, now, !spec.flags.resetCounts, now)
      : this.insert(t, spec, now, this.nextOrder++);
    if (restore !== undefined) {
      entry.created = now - restore.durationMs;
      entry.lastUsed = now - (restore.idleAgeMs ?? 0);
      entry.nPackets = restore.nPackets;
      entry.nBytes = restore.nBytes;
      entry.updateExpiry();
    }
    return entry;
  }

  private insert(t: FlowTable, spec: FlowSpec, now: number, order: number): FlowEntry {
    const e = new FlowEntry(spec, now, order, this.nextSeq++);
    t.cls.insert(e);
    t.exact.set(exactKey(e.priority, e.match), e);
    for (const g of referencedGroups(e.actions)) {
      let users = this.groupUsers.get(g);
      if (users === undefined) this.groupUsers.set(g, (users = new Set()));
      users.add(e);
    }
    if (e.idleTimeout !== 0 || e.hardTimeout !== 0) this.timed.add(e);
    this.version++;
    return e;
  }

  private replace(old: FlowEntry, spec: FlowSpec, now: number, keepCounts: boolean, created: number): FlowEntry {
    const t = this.tables.get(old.table);
    if (t === undefined) throw new Error('flow table vanished');
    this.removeFlow(old);
    const e = this.insert(t, spec, now, old.order);
    e.created = created;
    if (keepCounts) {
      e.nPackets = old.nPackets;
      e.nBytes = old.nBytes;
    }
    e.lastUsed = Math.max(old.lastUsed, created);
    e.updateExpiry();
    return e;
  }

  private removeFlow(f: FlowEntry): void {
    const t = this.tables.get(f.table);
    if (t === undefined || t.exact.get(exactKey(f.priority, f.match)) !== f) return;
    t.cls.remove(f);
    t.exact.delete(exactKey(f.priority, f.match));
    for (const g of referencedGroups(f.actions)) {
      const users = this.groupUsers.get(g);
      users?.delete(f);
      if (users?.size === 0) this.groupUsers.delete(g);
    }
    this.timed.delete(f);
    this.version++;
  }

  private deleteGroups(groupId: number): RemovedFlow[] {
    const ids = groupId === OFPG_ALL ? [...this.groups.keys()] : this.groups.has(groupId) ? [groupId] : [];
    const removed: RemovedFlow[] = [];
    for (const id of ids) {
      for (const f of [...(this.groupUsers.get(id) ?? [])]) {
        this.removeFlow(f);
        removed.push({ flow: f, reason: 'group-delete' });
      }
      this.setGroup(id, undefined);
      this.version++;
    }
    return removed;
  }

  private tablesFor(table: number | undefined): FlowTable[] {
    if (table === undefined || table === ALL_TABLES) return [...this.tables.values()];
    const t = this.tables.get(table);
    return t === undefined ? [] : [t];
  }

  private collectLoose(table: number | undefined, match: Match, cookie: CookieMatch | undefined): FlowEntry[] {
    const out: FlowEntry[] = [];
    for (const t of this.tablesFor(table)) {
      for (const f of t.exact.values()) {
        if (cookieMatches(f, cookie) && f.match.isCoveredBy(match)) out.push(f);
      }
    }
    return out.sort((a, b) => a.table - b.table || a.order - b.order);
  }

  private collectStrict(table: number | undefined, match: Match, priority: number, cookie: CookieMatch | undefined): FlowEntry[] {
    const out: FlowEntry[] = [];
    for (const t of this.tablesFor(table)) {
      const f = t.exact.get(exactKey(priority, match));
      if (f !== undefined && cookieMatches(f, cookie)) out.push(f);
    }
    return out;
  }

  private overlaps(spec: FlowSpec): boolean {
    const t = this.tables.get(spec.table);
    if (t === undefined) return false;
    const a = spec.match;
    for (const f of t.exact.values()) {
      if (f.priority !== spec.priority || f.match.equals(a)) continue;
      let disjoint = false;
      for (let s = 0; s < a.masks.length && !disjoint; s++) {
        const m = (a.masks[s] as number) & (f.match.masks[s] as number);
        if (((a.values[s] as number) ^ (f.match.values[s] as number)) & m) disjoint = true;
      }
      if (!disjoint) return true;
    }
    return false;
  }
}

function cookieMatches(f: FlowEntry, c: CookieMatch | undefined): boolean {
  return c === undefined || ((f.cookie ^ c.value) & c.mask) === 0n;
}

function isGroupMod(m: FlowMod | GroupMod): m is GroupMod {
  return 'group' in m || 'groupId' in m;
}

function sameActions(a: readonly Action[], b: readonly Action[]): boolean {
  const ser = (x: readonly Action[]) => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  return a === b || ser(a) === ser(b);
}
