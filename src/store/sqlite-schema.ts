// SQLite layout for SqliteStore (see README.md, "SQLite schema").
//
// One revision-ordered table, `kv`: each row is one mutation and its rowid IS the global
// revision. The newest row of a key is its current state; a row with deleted = 1 is a
// tombstone. State at revision R = per key, the newest row with rev <= R, unless deleted.
import type Database from 'better-sqlite3';
import type { KeyValue, WatchEvent } from './types.js';

export const SCHEMA_VERSION = 1;

export const DDL = `
CREATE TABLE IF NOT EXISTS kv (
  rev        INTEGER PRIMARY KEY,  -- global revision of this mutation (= rowid)
  key        TEXT    NOT NULL,
  deleted    INTEGER NOT NULL,     -- 1 = tombstone
  create_rev INTEGER NOT NULL,     -- etcd create_revision of the key's current life
  prev_rev   INTEGER NOT NULL,     -- previous row of this key (0 for a create): gives prevKv
  value      BLOB    NOT NULL      -- empty for tombstones (the deleted value is the prev row's)
);
-- Point reads, prefix scans at a revision, and compaction all walk (key, rev); carrying
-- 'deleted' makes the "latest row per key" probes covering.
CREATE INDEX IF NOT EXISTS kv_key_rev ON kv (key, rev, deleted);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`;

export const SQL = {
  insert: 'INSERT INTO kv (rev, key, deleted, create_rev, prev_rev, value) VALUES (?, ?, ?, ?, ?, ?)',
  maxRev: 'SELECT COALESCE(MAX(rev), 0) FROM kv',
  metaGet: 'SELECT value FROM meta WHERE name = ?',
  metaSet: 'INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
  /** Newest row of a key at or below a revision. */
  keyAt: 'SELECT rev, key, deleted, create_rev, value FROM kv WHERE key = ? AND rev <= ? ORDER BY rev DESC LIMIT 1',
  /** Every live key's newest row (used once, at open). */
  latestAll: `SELECT rev, key, deleted, create_rev, value FROM kv k
    WHERE deleted = 0 AND rev = (SELECT MAX(rev) FROM kv WHERE key = k.key)`,
  /**
   * Live keys in [lo, hi) at revision rev, with the revision of their row there, in key
   * order; the index walk yields key order so LIMIT stops early (limit -1 = all). Only the
   * covering index is read: the caller takes values from memory when the key has not
   * changed since (the common case) and fetches the rest by rev. listAfter: key > lo.
   */
  listFrom: `SELECT key, rev FROM kv k
    WHERE key >= @lo AND key < @hi AND deleted = 0
      AND rev = (SELECT MAX(rev) FROM kv WHERE key = k.key AND rev <= @rev)
    ORDER BY key LIMIT @limit`,
  listAfter: `SELECT key, rev FROM kv k
    WHERE key > @lo AND key < @hi AND deleted = 0
      AND rev = (SELECT MAX(rev) FROM kv WHERE key = k.key AND rev <= @rev)
    ORDER BY key LIMIT @limit`,
  byRev: 'SELECT rev, key, deleted, create_rev, value FROM kv WHERE rev = ?',
  /** Live keys in (lo, hi) at revision rev. */
  countAfter: `SELECT COUNT(*) FROM kv k
    WHERE key > @lo AND key < @hi AND deleted = 0
      AND rev = (SELECT MAX(rev) FROM kv WHERE key = k.key AND rev <= @rev)`,
  /**
   * Mutations after a revision with their previous row, for watch replay. '+key' keeps
   * the planner on the rowid (revision) range instead of sorting a key-index scan.
   */
  eventsAfter: `SELECT c.rev, c.key, c.deleted, c.create_rev, c.prev_rev, c.value,
      p.create_rev AS p_create_rev, p.value AS p_value
    FROM kv c LEFT JOIN kv p ON p.rev = c.prev_rev
    WHERE c.rev > @rev AND +c.key >= @lo AND +c.key < @hi ORDER BY c.rev`,
  /** Compaction, step 1: rows below the cut that a newer row at or below the cut supersedes. */
  compactSuperseded: `DELETE FROM kv WHERE rev < @rev AND EXISTS (
    SELECT 1 FROM kv n WHERE n.key = kv.key AND n.rev > kv.rev AND n.rev <= @rev)`,
  /** Step 2: tombstones at or below the cut (now the only row of their key there). */
  compactTombstones: 'DELETE FROM kv WHERE rev <= @rev AND deleted = 1',
} as const;

export interface RangeParams {
  readonly lo: string;
  readonly hi: string;
  readonly rev: number;
}

export interface KeyRev {
  readonly key: string;
  readonly rev: number;
}

export interface Row {
  readonly rev: number;
  readonly key: string;
  readonly deleted: number;
  readonly create_rev: number;
  readonly value: Uint8Array;
}

export interface EventRow extends Row {
  readonly prev_rev: number;
  readonly p_create_rev: number | null;
  readonly p_value: Uint8Array | null;
}

/** Upper bound above every valid key: keys hold no astral characters (see keys.ts). */
export const KEY_MAX = String.fromCodePoint(0x10000);

/** better-sqlite3 hands out Buffers; expose plain Uint8Array views so both backends look alike. */
export function bytes(b: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(b) === Uint8Array.prototype ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function rowToKv(r: Row): KeyValue {
  return { key: r.key, value: bytes(r.value), createRevision: r.create_rev, modRevision: r.rev };
}

export function rowToEvent(r: EventRow): WatchEvent {
  const prev: KeyValue | undefined =
    r.p_value === null || r.p_create_rev === null
      ? undefined
      : { key: r.key, value: bytes(r.p_value), createRevision: r.p_create_rev, modRevision: r.prev_rev };
  if (r.deleted === 1) {
    // Compaction keeps the row before any retained tombstone, so prev exists.
    if (prev === undefined) throw new Error(`tombstone at ${r.rev} for ${r.key} lost its previous row`);
    return { type: 'DELETED', revision: r.rev, kv: { ...prev, modRevision: r.rev }, prevKv: prev };
  }
  const kv = rowToKv(r);
  if (r.create_rev === r.rev) return { type: 'ADDED', revision: r.rev, kv };
  if (prev === undefined) throw new Error(`update at ${r.rev} for ${r.key} lost its previous row`);
  return { type: 'MODIFIED', revision: r.rev, kv, prevKv: prev };
}

export type Db = Database.Database;
