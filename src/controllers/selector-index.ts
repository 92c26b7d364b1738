// Which Services select a pod, without testing every Service of the namespace: each
// Service is filed under one "namespace/key=value" pair of its selector, so a pod only
// needs the Services filed under its own labels, then a full selector check.
// Invariant: a Service with a non-empty selector is filed under exactly one pair.
export class SelectorIndex {
  private readonly byPair = new Map<string, Set<string>>();
  private readonly entries = new Map<string, { readonly pair: string; readonly selector: Readonly<Record<string, string>> }>();

  set(key: string, namespace: string, selector: Readonly<Record<string, string>> | undefined): void {
    this.delete(key);
    const pairs = Object.entries(selector ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const first = pairs[0];
    if (first === undefined) return;
    const pair = `${namespace}/${first[0]}=${first[1]}`;
    let set = this.byPair.get(pair);
    if (set === undefined) this.byPair.set(pair, (set = new Set()));
    set.add(key);
    this.entries.set(key, { pair, selector: selector ?? {} });
  }

  delete(key: string): void {
    const e = this.entries.get(key);
    if (e === undefined) return;
    this.entries.delete(key);
    const set = this.byPair.get(e.pair);
    set?.delete(key);
    if (set?.size === 0) this.byPair.delete(e.pair);
  }

  /** Keys of the Services whose selector matches these labels. */
  matching(namespace: string, labels: Readonly<Record<string, string>>): string[] {
    const out: string[] = [];
    for (const [k, v] of Object.entries(labels)) {
      const set = this.byPair.get(`${namespace}/${k}=${v}`);
      if (set === undefined) continue;
      for (const key of set) {
        const sel = this.entries.get(key)?.selector ?? {};
        if (Object.entries(sel).every(([sk, sv]) => labels[sk] === sv)) out.push(key);
      }
    }
    return out;
  }
}
