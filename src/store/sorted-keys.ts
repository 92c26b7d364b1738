// Sorted set of key strings with cheap appends. New keys land in an unsorted tail that is
// sorted and merged on the next read, so bulk loads cost one sort instead of one
// array splice per key (which is O(n) each).
export interface Page<T> {
  readonly items: T[];
  readonly remaining: number;
}

export class SortedKeys {
  private sorted: string[] = [];
  private pending: string[] = [];

  /** Caller guarantees `key` is not already present. */
  add(key: string): void {
    this.pending.push(key);
  }

  removeWhere(drop: (key: string) => boolean): void {
    this.sorted = this.view().filter((k) => !drop(k));
  }

  /** All keys in ascending UTF-16 order. The array is read-only for the caller. */
  view(): readonly string[] {
    if (this.pending.length > 0) {
      const add = this.pending.sort();
      this.pending = [];
      this.sorted = merge(this.sorted, add);
    }
    return this.sorted;
  }

  /**
   * One page of the keys under `prefix` (strictly after `after` when given) for which
   * `lookup` yields a value; `remaining` counts the matches beyond `limit` (0 = unlimited)
   * unless `countRest` is false (then it is 0 and the scan stops at a full page).
   */
  page<T>(
    prefix: string,
    after: string | undefined,
    limit: number,
    lookup: (key: string) => T | undefined,
    countRest = true,
  ): Page<T> {
    const keys = this.view();
    const items: T[] = [];
    let remaining = 0;
    for (let i = after === undefined ? this.lowerBound(prefix) : this.lowerBound(after, true); i < keys.length; i++) {
      const key = keys[i] as string;
      if (!key.startsWith(prefix)) break; // keys under a prefix are contiguous
      const v = lookup(key);
      if (v === undefined) continue;
      if (limit === 0 || items.length < limit) items.push(v);
      else if (countRest) remaining++;
      else break;
    }
    return { items, remaining };
  }

  /** Index of the first key after every key that starts with `prefix` (they are contiguous). */
  prefixEndIndex(prefix: string): number {
    const a = this.view();
    if (prefix === '') return a.length;
    let lo = this.lowerBound(prefix);
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((a[mid] as string).startsWith(prefix)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first key >= `key` (or > when `exclusive`). */
  lowerBound(key: string, exclusive = false): number {
    const a = this.view();
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = a[mid] as string;
      if (k < key || (exclusive && k === key)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function merge(a: readonly string[], b: readonly string[]): string[] {
  if (a.length === 0) return b.slice();
  // Appending keys that sort after everything (the common bulk-load case) needs no merge.
  if ((a[a.length - 1] as string) < (b[0] as string)) return a.concat(b);
  const out = new Array<string>(a.length + b.length);
  let i = 0;
  let j = 0;
  let o = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as string;
    const y = b[j] as string;
    if (x <= y) {
      out[o++] = x;
      i++;
    } else {
      out[o++] = y;
      j++;
    }
  }
  while (i < a.length) out[o++] = a[i++] as string;
  while (j < b.length) out[o++] = b[j++] as string;
  return out;
}
