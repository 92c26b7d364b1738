// MemoryStore: the Store contract held in process memory. Used by tests and by single-
// process setups that do not need persistence.
//
// State: per key, its versions in revision order (a tombstone is a version without kv),
// a sorted key index over them for prefix scans at old revisions, the newest state of
// live keys (LatestIndex) for current reads, and the revision-ordered event log that feeds
// watch replay (log[i].revision === logStart + i, since every revision is one event).
// Reads at an older revision binary-search the key's versions. compact(C) keeps, per key,
// the newest version at or below C (dropped too if it is a tombstone) and all versions above.
import { checkKey, checkPrefix, checkReadRevision, checkRevision, checkValue } from './keys.js';
import { LatestIndex } from './latest-index.js';
import { pageResult, planList } from './list-plan.js';
import { SortedKeys } from './sorted-keys.js';
import {
  StoreError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Revision,
  type Store,
  type WatchEvent,
  type WatchHandlers,
  type Watcher,
} from './types.js';
import { WatchHub } from './watch-hub.js';

interface Version {
  readonly rev: Revision;
  /** undefined = the key was deleted at `rev`. */
  readonly kv: KeyValue | undefined;
}

export class MemoryStore implements Store {
  private rev: Revision = 0;
  private compacted: Revision = 0;
  private closed = false;
  private readonly versions = new Map<string, Version[]>();
  private readonly keys = new SortedKeys();
  private readonly latest = new LatestIndex();
  private log: WatchEvent[] = [];
  private logStart: Revision = 1;
  private readonly hub = new WatchHub();

  currentRevision(): Revision {
    return this.rev;
  }

  compactedRevision(): Revision {
    return this.compacted;
  }

  async get(key: string, revision?: Revision): Promise<KeyValue | undefined> {
    this.checkOpen();
    checkKey(key);
    return this.valueAt(key, this.readRevision(revision));
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    this.checkOpen();
    const plan = planList(prefix, opts, this.rev, this.compacted);
    const { items, remaining } =
      plan.revision === this.rev
        ? this.latest.page(prefix, plan.after, plan.limit)
        : this.keys.page(prefix, plan.after, plan.limit, (k) => this.valueAt(k, plan.revision), plan.remainingBefore === undefined);
    return pageResult(plan, items, remaining);
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    checkPrefix(prefix);
    return this.latest.count(prefix);
  }

  async create(key: string, value: Uint8Array): Promise<KeyValue> {
    this.checkOpen();
    checkKey(key);
    checkValue(value);
    const cur = this.latest.get(key);
    if (cur !== undefined) throw new StoreError('AlreadyExists', `key ${key} already exists`, cur);
    const rev = this.rev + 1;
    const kv: KeyValue = { key, value: new Uint8Array(value), createRevision: rev, modRevision: rev };
    this.commit(key, { rev, kv }, { type: 'ADDED', revision: rev, kv });
    return kv;
  }

  async update(key: string, value: Uint8Array, expectedModRevision: Revision): Promise<KeyValue> {
    this.checkOpen();
    checkKey(key);
    checkValue(value);
    checkRevision(expectedModRevision, 'expectedModRevision');
    const cur = this.latest.get(key);
    if (cur === undefined) throw new StoreError('NotFound', `key ${key} not found`);
    if (cur.modRevision !== expectedModRevision) {
      throw new StoreError('Conflict', `key ${key} is at modRevision ${cur.modRevision}, not ${expectedModRevision}`, cur);
    }
    const rev = this.rev + 1;
    const kv: KeyValue = { key, value: new Uint8Array(value), createRevision: cur.createRevision, modRevision: rev };
    this.commit(key, { rev, kv }, { type: 'MODIFIED', revision: rev, kv, prevKv: cur });
    return kv;
  }

  async delete(key: string, expectedModRevision?: Revision): Promise<KeyValue> {
    this.checkOpen();
    checkKey(key);
    if (expectedModRevision !== undefined) checkRevision(expectedModRevision, 'expectedModRevision');
    const cur = this.latest.get(key);
    if (cur === undefined) throw new StoreError('NotFound', `key ${key} not found`);
    if (expectedModRevision !== undefined && cur.modRevision !== expectedModRevision) {
      throw new StoreError('Conflict', `key ${key} is at modRevision ${cur.modRevision}, not ${expectedModRevision}`, cur);
    }
    const rev = this.rev + 1;
    const kv: KeyValue = { ...cur, modRevision: rev };
    this.commit(key, { rev, kv: undefined }, { type: 'DELETED', revision: rev, kv, prevKv: cur });
    return kv;
  }

  watch(prefix: string, fromRevision: Revision | undefined, handlers: WatchHandlers): Watcher {
    if (this.closed) return this.hub.failed(handlers, closedError());
    try {
      checkPrefix(prefix);
      if (fromRevision !== undefined) checkRevision(fromRevision, 'fromRevision');
    } catch (e) {
      return this.hub.failed(handlers, e as StoreError);
    }
    const from = fromRevision ?? this.rev;
    if (from < this.compacted) {
      return this.hub.failed(handlers, new StoreError('Compacted', `watch from ${from}: compacted at ${this.compacted}`));
    }
    // A start in the future is allowed (etcd does too): events arrive once they exist.
    const backlog = from < this.rev ? this.log.slice(from + 1 - this.logStart) : [];
    return this.hub.subscribe(prefix, from, backlog, handlers);
  }

  async compact(revision: Revision): Promise<void> {
    this.checkOpen();
    checkRevision(revision, 'revision');
    if (revision > this.rev) throw new StoreError('FutureRevision', `compact ${revision} > current ${this.rev}`);
    if (revision <= this.compacted) return;
    let emptied = false;
    for (const [key, vs] of this.versions) {
      const keep = lastAtOrBelow(vs, revision);
      if (keep < 0) continue;
      // The newest version at or below the cut serves reads at the cut; older ones are superseded.
      const drop = (vs[keep] as Version).kv === undefined ? keep + 1 : keep;
      if (drop > 0) vs.splice(0, drop);
      if (vs.length === 0) {
        this.versions.delete(key);
        emptied = true;
      }
    }
    if (emptied) this.keys.removeWhere((k) => !this.versions.has(k));
    this.log = this.log.slice(revision + 1 - this.logStart);
    this.logStart = revision + 1;
    this.compacted = revision;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.endAll(closedError());
  }

  private commit(key: string, version: Version, event: WatchEvent): void {
    let vs = this.versions.get(key);
    if (vs === undefined) {
      vs = [];
      this.versions.set(key, vs);
      this.keys.add(key);
    }
    vs.push(version);
    this.latest.set(key, version.kv);
    this.log.push(event);
    this.rev = version.rev;
    this.hub.publish([event]);
  }

  private valueAt(key: string, rev: Revision): KeyValue | undefined {
    const vs = this.versions.get(key);
    if (vs === undefined) return undefined;
    const i = lastAtOrBelow(vs, rev);
    return i < 0 ? undefined : (vs[i] as Version).kv;
  }

  private readRevision(revision: Revision | undefined): Revision {
    if (revision === undefined || revision === 0) return this.rev;
    checkRevision(revision, 'revision');
    checkReadRevision(revision, this.compacted, this.rev);
    return revision;
  }

  private checkOpen(): void {
    if (this.closed) throw closedError();
  }
}

function closedError(): StoreError {
  return new StoreError('Closed', 'store is closed');
}

/** Index of the last version with rev <= `rev`, or -1. */
function lastAtOrBelow(vs: readonly Version[], rev: Revision): number {
  const n = vs.length;
  if (n > 0 && (vs[n - 1] as Version).rev <= rev) return n - 1; // reads at "now" hit this
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((vs[mid] as Version).rev <= rev) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
