// SqliteStore: the Store contract on one SQLite file (better-sqlite3, WAL), in the spirit
// of k3s's kine: a single revision-ordered table (sqlite-schema.ts) is both the data and
// the watch log. See README.md for the schema, durability and group commit.
//
// This process is the only writer (the file is opened with locking_mode=EXCLUSIVE), so
// watchers are fed in process from our own commits, and the newest state of every key
// is mirrored in memory (LatestIndex) for current reads and compare-and-swap checks.
import Database from 'better-sqlite3';
import { checkKey, checkPrefix, checkReadRevision, checkRevision, checkValue, prefixEnd } from './keys.js';
import { LatestIndex } from './latest-index.js';
import { pageResult, planList } from './list-plan.js';
import { DDL, KEY_MAX, SCHEMA_VERSION, SQL, rowToEvent, rowToKv, type Db, type EventRow, type KeyRev, type RangeParams, type Row } from './sqlite-schema.js';
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

export interface SqliteStoreOptions {
  /**
   * FULL (default): a resolved write has been fsynced and survives power loss.
   * NORMAL: survives a process crash (kill -9), not necessarily power loss.
   */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /**
   * Called after each group commit is durable, before its events are published and its
   * promises resolve (metrics, benchmarks). Revisions first..last were committed
   * (first > last when every mutation in the batch failed its precondition).
   */
  readonly onCommit?: (batch: CommitInfo) => void;
}

export interface CommitInfo {
  readonly firstRevision: Revision;
  readonly lastRevision: Revision;
  /** Mutations in the batch, failed preconditions included. */
  readonly mutations: number;
}

type Mutation =
  | { readonly kind: 'create'; readonly key: string; readonly value: Uint8Array }
  | { readonly kind: 'update'; readonly key: string; readonly value: Uint8Array; readonly expected: Revision }
  | { readonly kind: 'delete'; readonly key: string; readonly expected: Revision | undefined };

interface Pending {
  readonly m: Mutation;
  resolve(kv: KeyValue): void;
  reject(err: StoreError): void;
}

type Outcome = { readonly ok: true; readonly event: WatchEvent } | { readonly ok: false; readonly err: StoreError };

/** Uncommitted newest state of keys touched earlier in the batch being applied. */
type Overlay = Map<string, KeyValue | undefined>;

const EMPTY = new Uint8Array(0);

export class SqliteStore implements Store {
  /** Opens (creating if needed) the store at `path`; ':memory:' gives a private in-memory database. */
  static open(path: string, opts: SqliteStoreOptions = {}): SqliteStore {
    let db: Db | undefined;
    try {
      // timeout 0: a second opener of a locked file fails at once instead of hanging.
      const conn = new Database(path, { timeout: 0 });
      db = conn;
      const onDisk = path !== ':memory:' && path !== '';
      if (onDisk) conn.pragma('locking_mode = EXCLUSIVE');
      const mode = conn.pragma('journal_mode = WAL', { simple: true });
      if (onDisk && mode !== 'wal') throw new Error(`journal_mode is ${String(mode)}, not wal`);
      conn.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
      conn
        .transaction(() => {
          conn.exec(DDL);
          const v = conn.prepare<[string], number>(SQL.metaGet).pluck().get('schema');
          if (v !== undefined && v !== SCHEMA_VERSION) throw new Error(`schema version ${v}, expected ${SCHEMA_VERSION}`);
          conn.prepare(SQL.metaSet).run('schema', SCHEMA_VERSION); // also takes the exclusive lock now
        })
        .immediate();
      return new SqliteStore(conn, opts.onCommit);
    } catch (e) {
      db?.close();
      throw new StoreError('Internal', `cannot open store ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private rev: Revision;
  private compacted: Revision;
  private closed = false;
  private queue: Pending[] = [];
  private flushScheduled = false;
  private readonly latest = new LatestIndex();
  private readonly hub = new WatchHub();
  private readonly stmt: Statements;
  private readonly applyBatch: (batch: readonly Pending[], overlay: Overlay, outcomes: Outcome[]) => Revision;
  private readonly compactTxn: (rev: Revision) => void;

  private constructor(
    private readonly db: Db,
    private readonly onCommit: ((batch: CommitInfo) => void) | undefined,
  ) {
    this.stmt = prepareStatements(db);
    const metaGet = db.prepare<[string], number>(SQL.metaGet).pluck();
    const metaSet = db.prepare<[string, number]>(SQL.metaSet);
    this.compacted = metaGet.get('compact_rev') ?? 0;
    // Compaction may remove the newest rows (tombstones), so the counter also honours the cut.
    this.rev = Math.max(db.prepare<[], number>(SQL.maxRev).pluck().get() ?? 0, this.compacted);
    for (const r of db.prepare<[], Row>(SQL.latestAll).iterate()) this.latest.set(r.key, rowToKv(r));

    this.applyBatch = db.transaction((batch: readonly Pending[], overlay: Overlay, outcomes: Outcome[]) => {
      let rev = this.rev;
      for (const p of batch) {
        const o = this.apply(p.m, rev + 1, overlay);
        if (o.ok) rev++;
        outcomes.push(o);
      }
      return rev;
    });
    const superseded = db.prepare<[{ rev: number }]>(SQL.compactSuperseded);
    const tombstones = db.prepare<[{ rev: number }]>(SQL.compactTombstones);
    this.compactTxn = db.transaction((rev: Revision) => {
      superseded.run({ rev });
      tombstones.run({ rev });
      metaSet.run('compact_rev', rev);
    });
  }

  currentRevision(): Revision {
    return this.rev;
  }

  compactedRevision(): Revision {
    return this.compacted;
  }

  async get(key: string, revision?: Revision): Promise<KeyValue | undefined> {
    this.checkOpen();
    checkKey(key);
    let at = this.rev;
    if (revision !== undefined && revision !== 0) {
      checkRevision(revision, 'revision');
      checkReadRevision(revision, this.compacted, this.rev);
      at = revision;
    }
    if (at === this.rev) return this.latest.get(key);
    const row = this.stmt.keyAt.get(key, at);
    return row === undefined || row.deleted === 1 ? undefined : rowToKv(row);
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    this.checkOpen();
    const plan = planList(prefix, opts, this.rev, this.compacted);
    if (plan.revision === this.rev) {
      const { items, remaining } = this.latest.page(prefix, plan.after, plan.limit);
      return pageResult(plan, items, remaining);
    }
    const hi = prefixEnd(prefix) ?? KEY_MAX;
    const limit = plan.limit === 0 ? -1 : plan.limit;
    const rows =
      plan.after === undefined
        ? this.stmt.listFrom.all({ lo: prefix, hi, rev: plan.revision, limit })
        : this.stmt.listAfter.all({ lo: plan.after, hi, rev: plan.revision, limit });
    const items = rows.map((r) => this.kvAt(r));
    const last = items[items.length - 1];
    const mustCount = plan.limit > 0 && items.length === plan.limit && plan.remainingBefore === undefined;
    const remaining =
      mustCount && last !== undefined ? (this.stmt.countAfter.get({ lo: last.key, hi, rev: plan.revision }) ?? 0) : 0;
    return pageResult(plan, items, remaining);
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    checkPrefix(prefix);
    return this.latest.count(prefix);
  }

  create(key: string, value: Uint8Array): Promise<KeyValue> {
    return this.enqueue(() => {
      checkKey(key);
      checkValue(value);
      return { kind: 'create', key, value: new Uint8Array(value) };
    });
  }

  update(key: string, value: Uint8Array, expectedModRevision: Revision): Promise<KeyValue> {
    return this.enqueue(() => {
      checkKey(key);
      checkValue(value);
      checkRevision(expectedModRevision, 'expectedModRevision');
      return { kind: 'update', key, value: new Uint8Array(value), expected: expectedModRevision };
    });
  }

  delete(key: string, expectedModRevision?: Revision): Promise<KeyValue> {
    return this.enqueue(() => {
      checkKey(key);
      if (expectedModRevision !== undefined) checkRevision(expectedModRevision, 'expectedModRevision');
      return { kind: 'delete', key, expected: expectedModRevision };
    });
  }

  watch(prefix: string, fromRevision: Revision | undefined, handlers: WatchHandlers): Watcher {
    if (this.closed) return this.hub.failed(handlers, closedError());
    let backlog: WatchEvent[] = [];
    const from = fromRevision ?? this.rev;
    try {
      checkPrefix(prefix);
      checkRevision(from, 'fromRevision');
      if (from < this.compacted) throw new StoreError('Compacted', `watch from ${from}: compacted at ${this.compacted}`);
      // A start in the future is allowed (etcd does too): events arrive once they exist.
      if (from < this.rev) backlog = this.stmt.eventsAfter.all({ rev: from, lo: prefix, hi: prefixEnd(prefix) ?? KEY_MAX }).map(rowToEvent);
    } catch (e) {
      return this.hub.failed(handlers, toStoreError(e));
    }
    return this.hub.subscribe(prefix, from, backlog, handlers);
  }

  async compact(revision: Revision): Promise<void> {
    this.checkOpen();
    checkRevision(revision, 'revision');
    if (revision > this.rev) throw new StoreError('FutureRevision', `compact ${revision} > current ${this.rev}`);
    if (revision <= this.compacted) return;
    try {
      this.compactTxn(revision);
    } catch (e) {
      throw toStoreError(e);
    }
    this.compacted = revision;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush(); // writes accepted before close still commit and resolve
    this.closed = true;
    this.hub.endAll(closedError());
    this.db.close();
  }

  private enqueue(build: () => Mutation): Promise<KeyValue> {
    return new Promise<KeyValue>((resolve, reject) => {
      if (this.closed) throw closedError();
      this.queue.push({ m: build(), resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  /**
   * Group commit: everything queued since the last flush (one event-loop turn) is applied
   * in order in one transaction, so one fsync acknowledges the whole batch. A mutation
   * whose precondition fails only rejects itself; an SQLite error rolls back and rejects
   * the whole batch, leaving revision and memory state untouched.
   */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const overlay: Overlay = new Map();
    const outcomes: Outcome[] = [];
    let rev: Revision;
    try {
      rev = this.applyBatch(batch, overlay, outcomes);
    } catch (e) {
      const err = new StoreError('Internal', `commit failed: ${e instanceof Error ? e.message : String(e)}`);
      for (const p of batch) p.reject(err);
      return;
    }
    const first = this.rev + 1;
    this.rev = rev;
    for (const [k, v] of overlay) this.latest.set(k, v);
    try {
      this.onCommit?.({ firstRevision: first, lastRevision: rev, mutations: batch.length });
    } catch {
      // An observer must not undo or stall a commit.
    }
    const events: WatchEvent[] = [];
    for (const o of outcomes) if (o.ok) events.push(o.event);
    this.hub.publish(events);
    batch.forEach((p, i) => {
      const o = outcomes[i] as Outcome;
      if (o.ok) p.resolve(o.event.kv);
      else p.reject(o.err);
    });
  };

  /** Checks one mutation against committed + earlier-in-batch state and writes its row. */
  private apply(m: Mutation, rev: Revision, overlay: Overlay): Outcome {
    const cur = overlay.has(m.key) ? overlay.get(m.key) : this.latest.get(m.key);
    let event: WatchEvent;
    if (m.kind === 'create') {
      if (cur !== undefined) return fail(new StoreError('AlreadyExists', `key ${m.key} already exists`, cur));
      const kv: KeyValue = { key: m.key, value: m.value, createRevision: rev, modRevision: rev };
      this.stmt.insert.run(rev, m.key, 0, rev, 0, m.value);
      event = { type: 'ADDED', revision: rev, kv };
    } else {
      if (cur === undefined) return fail(new StoreError('NotFound', `key ${m.key} not found`));
      if (m.expected !== undefined && cur.modRevision !== m.expected) {
        return fail(new StoreError('Conflict', `key ${m.key} is at modRevision ${cur.modRevision}, not ${m.expected}`, cur));
      }
      if (m.kind === 'update') {
        const kv: KeyValue = { key: m.key, value: m.value, createRevision: cur.createRevision, modRevision: rev };
        this.stmt.insert.run(rev, m.key, 0, cur.createRevision, cur.modRevision, m.value);
        event = { type: 'MODIFIED', revision: rev, kv, prevKv: cur };
      } else {
        this.stmt.insert.run(rev, m.key, 1, cur.createRevision, cur.modRevision, EMPTY);
        event = { type: 'DELETED', revision: rev, kv: { ...cur, modRevision: rev }, prevKv: cur };
      }
    }
    overlay.set(m.key, event.type === 'DELETED' ? undefined : event.kv);
    return { ok: true, event };
  }

  /** The kv of a historical row: from memory if the key has not changed since, else from SQLite. */
  private kvAt(r: KeyRev): KeyValue {
    const cur = this.latest.get(r.key);
    if (cur !== undefined && cur.modRevision === r.rev) return cur;
    const row = this.stmt.byRev.get(r.rev);
    if (row === undefined) throw new StoreError('Internal', `row ${r.rev} of ${r.key} vanished`);
    return rowToKv(row);
  }

  private checkOpen(): void {
    if (this.closed) throw closedError();
  }
}

type Statements = ReturnType<typeof prepareStatements>;

function prepareStatements(db: Db) {
  return {
    insert: db.prepare<[number, string, number, number, number, Uint8Array]>(SQL.insert),
    keyAt: db.prepare<[string, number], Row>(SQL.keyAt),
    listFrom: db.prepare<[RangeParams & { limit: number }], KeyRev>(SQL.listFrom),
    listAfter: db.prepare<[RangeParams & { limit: number }], KeyRev>(SQL.listAfter),
    byRev: db.prepare<[number], Row>(SQL.byRev),
    countAfter: db.prepare<[RangeParams], number>(SQL.countAfter).pluck(),
    eventsAfter: db.prepare<[RangeParams], EventRow>(SQL.eventsAfter),
  };
}

function fail(err: StoreError): Outcome {
  return { ok: false, err };
}

function closedError(): StoreError {
  return new StoreError('Closed', 'store is closed');
}

function toStoreError(e: unknown): StoreError {
  return e instanceof StoreError ? e : new StoreError('Internal', e instanceof Error ? e.message : String(e));
}
