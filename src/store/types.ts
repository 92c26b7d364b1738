// The store contract: a revisioned key-value store with etcd v3 semantics.
//
// Invariants every backend keeps (checked by store.conformance.ts):
// - One global, strictly increasing revision counter. Every successful mutation
//   (create, update, delete) bumps it by exactly one and stamps the key's
//   modRevision with the new value. A failed mutation changes nothing.
// - list(prefix, {revision}) is a consistent snapshot at that revision.
// - watch(prefix, fromRevision) delivers every event with revision > fromRevision
//   in revision order, with no gaps and no duplicates, then live events.
// - After compact(rev), reads and watches below rev fail with StoreErrorKind
//   'Compacted' (the API maps it to 410 Gone / "too old resource version").
// Values are opaque bytes (the API server stores JSON).

export type Revision = number;

export interface KeyValue {
  readonly key: string;
  readonly value: Uint8Array;
  /** Revision at which the key was created (etcd create_revision). */
  readonly createRevision: Revision;
  /** Revision of the last mutation of this key (etcd mod_revision). */
  readonly modRevision: Revision;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  readonly type: WatchEventType;
  /** Revision of the mutation that produced this event. */
  readonly revision: Revision;
  /** For ADDED/MODIFIED the new value; for DELETED the value just before deletion with modRevision = the delete's revision. */
  readonly kv: KeyValue;
  /** Previous value for MODIFIED and DELETED. */
  readonly prevKv?: KeyValue;
}

export type StoreErrorKind =
  | 'AlreadyExists' // create of an existing key
  | 'NotFound' // update/delete/get of a missing key
  | 'Conflict' // compare-and-swap mismatch on modRevision
  | 'Compacted' // revision older than the compaction point
  | 'FutureRevision' // revision newer than current
  | 'InvalidArgument' // bad key, bad limit, bad continue token
  | 'Closed' // store has been closed
  | 'Internal';

export class StoreError extends Error {
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    /** For Conflict: the current state of the key (if it exists). */
    readonly current?: KeyValue,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface ListOptions {
  /** Snapshot revision; 0 / undefined = current. */
  readonly revision?: Revision;
  /** Max items to return; 0 / undefined = unlimited. */
  readonly limit?: number;
  /** Opaque token returned by a previous limited list; continues at the same revision. */
  readonly continue?: string;
}

export interface ListResult {
  readonly items: readonly KeyValue[];
  /** Revision of the snapshot served. */
  readonly revision: Revision;
  /** Set when more items remain. */
  readonly continue?: string;
  /** Number of items remaining after this page (when continue is set). */
  readonly remainingItemCount?: number;
}

export interface Watcher {
  /** Stops delivery; idempotent. */
  close(): void;
}

export interface WatchHandlers {
  onEvent(event: WatchEvent): void;
  /** Terminal error (e.g. Compacted for a too-old start revision, Closed on store close). */
  onError?(err: StoreError): void;
}

export interface Store {
  /** Current revision (0 for an empty, new store). */
  currentRevision(): Revision;
  get(key: string, revision?: Revision): Promise<KeyValue | undefined>;
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Count of keys under prefix at the current revision. */
  count(prefix: string): Promise<number>;
  /** Fails with AlreadyExists when the key exists. Resolves once durable. */
  create(key: string, value: Uint8Array): Promise<KeyValue>;
  /** Compare-and-swap: fails with Conflict unless the key's modRevision equals expectedModRevision; NotFound if missing. */
  update(key: string, value: Uint8Array, expectedModRevision: Revision): Promise<KeyValue>;
  /** Deletes; with expectedModRevision it is a compare-and-delete. Resolves with the deleted kv (modRevision = delete revision). */
  delete(key: string, expectedModRevision?: Revision): Promise<KeyValue>;
  /** Watch prefix from fromRevision exclusive (events with revision > fromRevision). fromRevision undefined = from now. */
  watch(prefix: string, fromRevision: Revision | undefined, handlers: WatchHandlers): Watcher;
  /** Discards history below revision. */
  compact(revision: Revision): Promise<void>;
  /** Oldest revision still readable (compaction point). */
  compactedRevision(): Revision;
  close(): Promise<void>;
}
