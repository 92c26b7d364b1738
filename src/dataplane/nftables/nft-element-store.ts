// Elements of a set or map. Exact keys live in a trie of hash maps (one level per
// concatenated component), so `ip daddr . meta l4proto . th dport vmap @service-ips`
// costs three Map lookups whatever the number of services; keys with a prefix or range
// component (interval sets) are scanned linearly, as they are few in kube-proxy's
// rulesets. Timeouts are lazy: an expired element is treated as absent and removed when
// a lookup or a listing meets it. Listing order: exact keys in insertion order per trie
// level, then interval keys in insertion order.
import type { NftElement, NftKeyPart } from './nft-ast.js';
import { prefixMask, type NftScalar } from './nft-datatypes.js';

type Trie = Map<NftScalar, Trie | NftElement>;

export function keyText(key: readonly NftKeyPart[]): string {
  let s = '';
  for (let i = 0; i < key.length; i++) {
    const p = key[i]!;
    if (i > 0) s += '\u0001';
    s += p.k === 'v' ? (typeof p.v === 'number' ? `n${p.v}` : `s${p.v}`) : p.k === 'prefix' ? `p${p.addr}/${p.len}` : `r${p.lo}-${p.hi}`;
  }
  return s;
}

function isExact(key: readonly NftKeyPart[]): boolean {
  for (const p of key) if (p.k !== 'v') return false;
  return true;
}

export function partMatches(p: NftKeyPart, v: NftScalar): boolean {
  switch (p.k) {
    case 'v':
      return p.v === v;
    case 'prefix':
      return typeof v === 'number' && ((v & prefixMask(p.len)) >>> 0) === p.addr;
    case 'range':
      return typeof v === 'number' && v >= p.lo && v <= p.hi;
  }
}

export class NftElementStore {
  private readonly trie: Trie = new Map();
  private intervals: NftElement[] = [];
  private exactCount = 0;

  constructor(readonly width: number) {}

  get size(): number {
    return this.exactCount + this.intervals.length;
  }

  /** The element stored under exactly this key (not a match), ignoring expiry. */
  getExact(key: readonly NftKeyPart[]): NftElement | undefined {
    if (!isExact(key)) {
      const t = keyText(key);
      return this.intervals.find((e) => keyText(e.key) === t);
    }
    let node: Trie | NftElement | undefined = this.trie;
    for (let i = 0; i < this.width && node !== undefined; i++) node = (node as Trie).get((key[i] as { v: NftScalar }).v);
    return node as NftElement | undefined;
  }

  /** Adds or replaces the element with the same key. */
  put(el: NftElement): void {
    if (!isExact(el.key)) {
      const t = keyText(el.key);
      const i = this.intervals.findIndex((e) => keyText(e.key) === t);
      if (i >= 0) this.intervals[i] = el;
      else this.intervals.push(el);
      return;
    }
    let node = this.trie;
    for (let i = 0; i < this.width - 1; i++) {
      const v = (el.key[i] as { v: NftScalar }).v;
      let next = node.get(v) as Trie | undefined;
      if (next === undefined) node.set(v, (next = new Map()));
      node = next;
    }
    const last = (el.key[this.width - 1] as { v: NftScalar }).v;
    if (!node.has(last)) this.exactCount++;
    node.set(last, el);
  }

  delete(key: readonly NftKeyPart[]): NftElement | undefined {
    if (!isExact(key)) {
      const t = keyText(key);
      const i = this.intervals.findIndex((e) => keyText(e.key) === t);
      if (i < 0) return undefined;
      return this.intervals.splice(i, 1)[0];
    }
    const path: Trie[] = [];
    let node = this.trie;
    for (let i = 0; i < this.width - 1; i++) {
      path.push(node);
      const next = node.get((key[i] as { v: NftScalar }).v) as Trie | undefined;
      if (next === undefined) return undefined;
      node = next;
    }
    const last = (key[this.width - 1] as { v: NftScalar }).v;
    const el = node.get(last) as NftElement | undefined;
    if (el === undefined) return undefined;
    node.delete(last);
    this.exactCount--;
    // Prune empty levels so a churned map does not keep dead branches.
    for (let i = this.width - 2; i >= 0 && node.size === 0; i--) {
      const parent = path[i]!;
      parent.delete((key[i] as { v: NftScalar }).v);
      node = parent;
    }
    return el;
  }

  clear(): void {
    this.trie.clear();
    this.intervals = [];
    this.exactCount = 0;
  }

  /**
   * The element matching `values` (the first `width` entries), or undefined. `now`
   * (ms) expires timed-out elements.
   */
  lookup(values: readonly NftScalar[], now: number): NftElement | undefined {
    let node: Trie | NftElement | undefined = this.trie;
    for (let i = 0; i < this.width && node !== undefined; i++) node = (node as Trie).get(values[i]!);
    let el = node as NftElement | undefined;
    if (el === undefined && this.intervals.length > 0) el = this.scan(values);
    if (el !== undefined && el.expiresAt !== undefined && el.expiresAt <= now) {
      this.delete(el.key);
      return this.intervals.length > 0 ? this.lookup(values, now) : undefined;
    }
    return el;
  }

  /** Live elements (expired ones are dropped on the way when `now` is given). */
  list(now?: number): NftElement[] {
    const out: NftElement[] = [];
    const walk = (node: Trie, depth: number): void => {
      for (const v of node.values()) {
        if (depth < this.width - 1) walk(v as Trie, depth + 1);
        else out.push(v as NftElement);
      }
    };
    walk(this.trie, 0);
    out.push(...this.intervals);
    if (now === undefined) return out;
    const live: NftElement[] = [];
    for (const el of out) {
      if (el.expiresAt !== undefined && el.expiresAt <= now) this.delete(el.key);
      else live.push(el);
    }
    return live;
  }

  private scan(values: readonly NftScalar[]): NftElement | undefined {
    outer: for (const el of this.intervals) {
      for (let i = 0; i < this.width; i++) if (!partMatches(el.key[i]!, values[i]!)) continue outer;
      return el;
    }
    return undefined;
  }
}
