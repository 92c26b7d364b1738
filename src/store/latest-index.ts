// The newest value of every live key, in memory, with a sorted key index for prefix
// scans. Both stores serve reads at the current revision from here; SqliteStore also
// runs its compare-and-swap checks against it, so its hot paths never touch SQLite (on
// this machine allocating one ArrayBuffer per row fetched costs ~2 us, which alone would
// blow the list budget).
import { SortedKeys, type Page } from './sorted-keys.js';
import type { KeyValue } from './types.js';

export class LatestIndex {
  // A deleted key stays in `keys` (mapping to undefined here) until the next sweep,
  // because removing one key from a sorted array is O(n). Once swept, every key in
  // `keys` is live and a page's remaining count is index arithmetic instead of a scan.
  private readonly map = new Map<string, KeyValue | undefined>();
  private readonly keys = new SortedKeys();
  private dead = 0;

  get(key: string): KeyValue | undefined {
    return this.map.get(key);
  }

  /** Records the key's newest state; undefined = deleted. */
  set(key: string, kv: KeyValue | undefined): void {
    if (!this.map.has(key)) {
      if (kv === undefined) return;
      this.keys.add(key);
      this.map.set(key, kv);
      return;
    }
    const wasLive = this.map.get(key) !== undefined;
    this.map.set(key, kv);
    if (wasLive && kv === undefined) this.dead++;
    else if (!wasLive && kv !== undefined) this.dead--;
  }

  page(prefix: string, after: string | undefined, limit: number): Page<KeyValue> {
    // An unlimited list visits every key anyway; a limited one would count the rest.
    if (limit > 0 && this.dead > 0) this.sweep();
    if (this.dead > 0) return this.keys.page(prefix, after, limit, (k) => this.map.get(k));
    const keys = this.keys.view();
    const start = after === undefined ? this.keys.lowerBound(prefix) : this.keys.lowerBound(after, true);
    const end = this.keys.prefixEndIndex(prefix);
    const stop = limit === 0 ? end : Math.min(end, start + limit);
    const items: KeyValue[] = [];
    for (let i = start; i < stop; i++) items.push(this.map.get(keys[i] as string) as KeyValue);
    return { items, remaining: Math.max(0, end - stop) };
  }

  count(prefix: string): number {
    if (this.dead > 0) this.sweep();
    return this.keys.prefixEndIndex(prefix) - this.keys.lowerBound(prefix);
  }

  private sweep(): void {
    for (const [k, v] of this.map) if (v === undefined) this.map.delete(k);
    this.keys.removeWhere((k) => !this.map.has(k));
    this.dead = 0;
  }
}
