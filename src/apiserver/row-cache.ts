// Remembers, per stored object version, what a Table row needs from its bytes: the printer's
// prepared row (its clock-independent first stage: a few short strings) and where metadata
// lies. A repeated `kubectl get -A` then decodes nothing for objects that did not change.
// Entries are
// keyed by (key, modRevision): a revision names one immutable value of a key, so an entry can
// be stale (the object changed or went) but never wrong; stale entries are replaced on the
// next list or evicted oldest-first once the cache is full.

/** A projection result for one stored value. */
export interface RowFacts {
  /** ResourcePrinter.staged.prepare's result. Shared by every list that hits: read-only. */
  readonly prepared: unknown;
  /** Offsets in the stored value: metadata's `{` and its closing `}`. */
  readonly metaStart: number;
  readonly metaClose: number;
  /** metadata has no keys (resourceVersion goes in without a comma). */
  readonly metaEmpty: boolean;
}

interface Entry extends RowFacts {
  readonly rev: number;
  /** The printer stage that prepared the row (a cache is shared by every resource's printer). */
  readonly by: object;
}

/** See the README for the measured size of an entry. */
export const DEFAULT_ROW_CACHE_ENTRIES = 200_000;

export class RowCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = DEFAULT_ROW_CACHE_ENTRIES) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string, rev: number, by: object): RowFacts | undefined {
    const e = this.entries.get(key);
    return e !== undefined && e.rev === rev && e.by === by ? e : undefined;
  }

  set(key: string, rev: number, by: object, facts: RowFacts): void {
    if (this.maxEntries <= 0) return;
    // Re-inserted at the end: eviction order is oldest-written first.
    this.entries.delete(key);
    this.entries.set(key, { ...facts, rev, by });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }
}
