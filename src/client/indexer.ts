// The informer's cache: objects by key plus any number of secondary indexes
// (pods by spec.nodeName, endpointslices by kubernetes.io/service-name, ...).
// Invariant: for every index, value -> keys holds exactly the keys whose object's index
// function returned that value, so byIndex never returns a stale or missing object.
export type IndexFunc<P> = (obj: P) => readonly string[];

export class Indexer<P> {
  private readonly items = new Map<string, P>();
  private readonly indexers = new Map<string, IndexFunc<P>>();
  /** index name -> index value -> keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Readonly<Record<string, IndexFunc<P>>> = {}) {
    this.addIndexers(indexers);
  }

  /** Adds indexes; existing items are indexed at once. A name can be registered once. */
  addIndexers(more: Readonly<Record<string, IndexFunc<P>>>): void {
    for (const [name, fn] of Object.entries(more)) {
      if (this.indexers.has(name)) throw new Error(`index ${name} already exists`);
      this.indexers.set(name, fn);
      const idx = new Map<string, Set<string>>();
      this.indices.set(name, idx);
      for (const [key, obj] of this.items) this.indexOne(idx, fn, key, obj);
    }
  }

  hasIndex(name: string): boolean {
    return this.indexers.has(name);
  }

  get(key: string): P | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  get size(): number {
    return this.items.size;
  }

  list(): P[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  entries(): IterableIterator<[string, P]> {
    return this.items.entries();
  }

  set(key: string, obj: P): void {
    const old = this.items.get(key);
    if (old !== undefined) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) this.indexOne(this.indices.get(name)!, fn, key, obj);
  }

  delete(key: string): P | undefined {
    const old = this.items.get(key);
    if (old === undefined) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  /** Objects whose index function returned `value`. Throws for an unknown index (a programming error). */
  byIndex(name: string, value: string): P[] {
    return this.indexKeys(name, value).map((k) => this.items.get(k)!);
  }

  indexKeys(name: string, value: string): string[] {
    const idx = this.indices.get(name);
    if (idx === undefined) throw new Error(`no index named ${name}`);
    const keys = idx.get(value);
    return keys === undefined ? [] : [...keys];
  }

  /** Every value currently present in an index. */
  indexValues(name: string): string[] {
    const idx = this.indices.get(name);
    if (idx === undefined) throw new Error(`no index named ${name}`);
    return [...idx.keys()];
  }

  private indexOne(idx: Map<string, Set<string>>, fn: IndexFunc<P>, key: string, obj: P): void {
    for (const v of new Set(fn(obj))) {
      let keys = idx.get(v);
      if (keys === undefined) idx.set(v, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindex(key: string, obj: P): void {
    for (const [name, fn] of this.indexers) {
      const idx = this.indices.get(name)!;
      for (const v of fn(obj)) {
        const keys = idx.get(v);
        if (keys === undefined) continue;
        keys.delete(key);
        if (keys.size === 0) idx.delete(v);
      }
    }
  }
}
