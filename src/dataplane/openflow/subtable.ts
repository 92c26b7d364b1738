// One subtable of the tuple-space classifier: every rule with the same mask shape.
//
// Memory layout is chosen for cache behaviour, because with 10,000s of rules the
// lookup cost is cache misses, not instructions:
//  - an open-addressing hash table in one Int32Array, one row per distinct masked
//    value set: [tag, v0 .. v(k-1), first rule index]. A probe reads the tag and the
//    values it must verify from the same cache line; no per-rule objects are touched
//    until a row verifies.
//  - rules with identical values (same match, different priority) chain through
//    `next`, best first.
//  - staged lookup (as OVS): the slots are ordered low-cardinality first (in_port,
//    ct_state, dl_type, nw_proto, registers, ...) then high-cardinality (addresses,
//    ports). When a subtable has both, the hash of the first stage is checked against
//    a small set of the stage values its rules use, so a packet with, say, ct_state
//    +new skips the 10,000-rule "-new" subtable without touching its table.
import type { ClsRule } from './classifier.js';
import type { Match } from './match.js';
import { S_DL_DST_HI, S_DL_DST_LO, S_DL_SRC_HI, S_DL_SRC_LO, S_NW_DST, S_NW_SRC, S_TP_DST, S_TP_SRC } from './fields.js';

const SECOND_STAGE = new Set([S_DL_SRC_HI, S_DL_SRC_LO, S_DL_DST_HI, S_DL_DST_LO, S_NW_SRC, S_NW_DST, S_TP_SRC, S_TP_DST]);

export function mix(h: number, v: number): number {
  v = Math.imul(v, 0xcc9e2d51);
  v = (v << 15) | (v >>> 17);
  v = Math.imul(v, 0x1b873593);
  h ^= v;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Final avalanche, reduced to 30 bits (row tags are this + 1, 0 = empty, -1 = deleted). */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & 0x3fffffff;
}

const EMPTY = 0;
const DELETED = -1;

/** Orders (slot, mask) pairs: first-stage slots, then second-stage, each by slot number. */
export function orderShape(slots: number[], masks: number[]): { slots: number[]; masks: number[]; nStage: number } {
  const idx = slots.map((_, i) => i);
  idx.sort((a, b) => {
    const sa = SECOND_STAGE.has(slots[a] as number) ? 1 : 0;
    const sb = SECOND_STAGE.has(slots[b] as number) ? 1 : 0;
    return sa - sb || (slots[a] as number) - (slots[b] as number);
  });
  const nStage = idx.filter((i) => !SECOND_STAGE.has(slots[i] as number)).length;
  return { slots: idx.map((i) => slots[i] as number), masks: idx.map((i) => masks[i] as number), nStage };
}

export class Subtable<R extends ClsRule> {
  readonly slots: Int32Array;
  readonly masks: Int32Array;
  private readonly k: number;
  private readonly stride: number;
  private readonly nStage: number;
  private readonly staged: boolean;
  /** First-stage hash -> number of rules with it (staged subtables only). */
  private readonly stage = new Map<number, number>();
  private table: Int32Array;
  private capMask: number;
  private occupied = 0;
  private readonly rules: (R | undefined)[] = [];
  private readonly prio: number[] = [];
  private readonly seqs: number[] = [];
  private readonly next: number[] = [];
  private readonly free: number[] = [];
  private readonly priorityCounts = new Map<number, number>();
  maxPriority = -1;
  size = 0;

  constructor(shape: { slots: number[]; masks: number[]; nStage: number }) {
    this.slots = Int32Array.from(shape.slots);
    this.masks = Int32Array.from(shape.masks);
    this.k = shape.slots.length;
    this.stride = this.k + 2;
    this.nStage = shape.nStage;
    this.staged = shape.nStage > 0 && shape.nStage < this.k;
    this.capMask = 7;
    this.table = new Int32Array(8 * this.stride);
  }

  /**
   * The best rule of this subtable matching `vec` that beats (bestPriority, bestSeq), or
   * undefined. Rules expired at `now` are skipped.
   */
  lookup(vec: Int32Array, now: number, bestPriority: number, bestSeq: number): R | undefined {
    const slots = this.slots;
    const masks = this.masks;
    const k = this.k;
    let h = 0;
    let i = 0;
    for (; i < this.nStage; i++) h = mix(h, (vec[slots[i] as number] as number) & (masks[i] as number));
    if (this.staged && !this.stage.has(fmix(h))) return undefined;
    for (; i < k; i++) h = mix(h, (vec[slots[i] as number] as number) & (masks[i] as number));
    const tag = fmix(h) + 1;
    const t = this.table;
    const stride = this.stride;
    for (let pos = tag & this.capMask; ; pos = (pos + 1) & this.capMask) {
      const base = pos * stride;
      const tg = t[base] as number;
      if (tg === EMPTY) return undefined;
      if (tg !== tag) continue;
      let j = 0;
      while (j < k && ((vec[slots[j] as number] as number) & (masks[j] as number)) === t[base + 1 + j]) j++;
      if (j < k) continue;
      for (let ri = t[base + 1 + k] as number; ri >= 0; ri = this.next[ri] as number) {
        const p = this.prio[ri] as number;
        if (p < bestPriority || (p === bestPriority && (this.seqs[ri] as number) > bestSeq)) return undefined;
        const r = this.rules[ri] as R;
        if (r.expiresAt > now) return r;
      }
      return undefined;
    }
  }

  /** Returns true when the subtable's max priority changed. */
  insert(r: R): boolean {
    const vals = this.valuesOf(r.match);
    if ((this.occupied + 1) * 2 > this.capMask + 1) this.resize((this.capMask + 1) * 2);
    const ri = this.free.length > 0 ? (this.free.pop() as number) : this.rules.length;
    this.rules[ri] = r;
    this.prio[ri] = r.priority;
    this.seqs[ri] = r.seq;
    this.next[ri] = -1;
    const row = this.findRow(vals, true);
    const base = row * this.stride;
    const t = this.table;
    if ((t[base] as number) <= EMPTY) {
      if (t[base] === EMPTY) this.occupied++;
      t[base] = this.tagOf(vals);
      t.set(vals, base + 1);
      t[base + 1 + this.k] = ri;
    } else {
      // Same values as existing rules: insert into the chain, best first.
      const head = t[base + 1 + this.k] as number;
      if (this.beats(ri, head)) {
        this.next[ri] = head;
        t[base + 1 + this.k] = ri;
      } else {
        let prev = head;
        while ((this.next[prev] as number) >= 0 && !this.beats(ri, this.next[prev] as number)) prev = this.next[prev] as number;
        this.next[ri] = this.next[prev] as number;
        this.next[prev] = ri;
      }
    }
    if (this.staged) {
      const sh = this.stageHash(vals);
      this.stage.set(sh, (this.stage.get(sh) ?? 0) + 1);
    }
    this.size++;
    this.priorityCounts.set(r.priority, (this.priorityCounts.get(r.priority) ?? 0) + 1);
    if (r.priority > this.maxPriority) {
      this.maxPriority = r.priority;
      return true;
    }
    return false;
  }

  /** Returns undefined if absent, else whether the max priority changed. */
  remove(r: R): boolean | undefined {
    const vals = this.valuesOf(r.match);
    const row = this.findRow(vals, false);
    if (row < 0) return undefined;
    const base = row * this.stride;
    const t = this.table;
    let ri = t[base + 1 + this.k] as number;
    let prev = -1;
    while (ri >= 0 && this.rules[ri] !== r) {
      prev = ri;
      ri = this.next[ri] as number;
    }
    if (ri < 0) return undefined;
    if (prev < 0) {
      const nxt = this.next[ri] as number;
      if (nxt < 0) t[base] = DELETED;
      else t[base + 1 + this.k] = nxt;
    } else this.next[prev] = this.next[ri] as number;
    this.rules[ri] = undefined;
    this.free.push(ri);
    if (this.staged) {
      const sh = this.stageHash(vals);
      const c = (this.stage.get(sh) ?? 1) - 1;
      if (c === 0) this.stage.delete(sh);
      else this.stage.set(sh, c);
    }
    this.size--;
    const c = (this.priorityCounts.get(r.priority) ?? 1) - 1;
    if (c === 0) this.priorityCounts.delete(r.priority);
    else this.priorityCounts.set(r.priority, c);
    if (c === 0 && r.priority === this.maxPriority) {
      let max = -1;
      for (const p of this.priorityCounts.keys()) if (p > max) max = p;
      this.maxPriority = max;
      return true;
    }
    return false;
  }

  *all(): IterableIterator<R> {
    for (const r of this.rules) if (r !== undefined) yield r;
  }

  private beats(a: number, b: number): boolean {
    const pa = this.prio[a] as number;
    const pb = this.prio[b] as number;
    return pa > pb || (pa === pb && (this.seqs[a] as number) < (this.seqs[b] as number));
  }

  private valuesOf(m: Match): Int32Array {
    const v = new Int32Array(this.k);
    for (let i = 0; i < this.k; i++) v[i] = m.values[this.slots[i] as number] as number;
    return v;
  }

  private stageHash(vals: Int32Array): number {
    let h = 0;
    for (let i = 0; i < this.nStage; i++) h = mix(h, vals[i] as number);
    return fmix(h);
  }

  private tagOf(vals: Int32Array): number {
    let h = 0;
    for (let i = 0; i < this.k; i++) h = mix(h, vals[i] as number);
    return fmix(h) + 1;
  }

  /** Row holding `vals`; if absent: -1, or (forInsert) the row to use (first free one). */
  private findRow(vals: Int32Array, forInsert: boolean): number {
    const tag = this.tagOf(vals);
    const t = this.table;
    let reuse = -1;
    for (let pos = tag & this.capMask; ; pos = (pos + 1) & this.capMask) {
      const base = pos * this.stride;
      const tg = t[base] as number;
      if (tg === EMPTY) return forInsert ? (reuse >= 0 ? reuse : pos) : -1;
      if (tg === DELETED) {
        if (reuse < 0) reuse = pos;
        continue;
      }
      if (tg !== tag) continue;
      let j = 0;
      while (j < this.k && t[base + 1 + j] === vals[j]) j++;
      if (j === this.k) return pos;
    }
  }

  private resize(capacity: number): void {
    const old = this.table;
    const stride = this.stride;
    this.table = new Int32Array(capacity * stride);
    this.capMask = capacity - 1;
    this.occupied = 0;
    for (let base = 0; base < old.length; base += stride) {
      const tg = old[base] as number;
      if (tg <= EMPTY) continue;
      let pos = tg & this.capMask;
      while (this.table[pos * stride] !== EMPTY) pos = (pos + 1) & this.capMask;
      this.table.set(old.subarray(base, base + stride), pos * stride);
      this.occupied++;
    }
  }
}
