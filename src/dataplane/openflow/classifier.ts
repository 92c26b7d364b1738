// Tuple-space search classifier (the design of OVS's lib/classifier.c: subtables per
// mask shape, priority-ordered subtable visits, a staged first check; no prefix tries).
//
// Rules are grouped into subtables by their mask shape: all rules whose match uses the
// same (slot, mask) pairs live in one subtable, in a hash table keyed by a hash of their
// masked values. A lookup visits subtables in descending order of the highest priority
// they hold and stops as soon as the next subtable cannot beat the best match found, so
// its cost depends on the number of distinct mask shapes, not on the number of rules:
// 10,000 services rendered as "nw_dst=VIP,tp_dst=PORT" are one subtable and cost one
// hash probe.
//
// Lookup allocates nothing: the packet is a preallocated Int32Array of slot values, the
// probe key is an integer hash computed from the subtable's slots, and candidate rows
// are verified slot by slot (so hash collisions are harmless). See subtable.ts for the
// cache-conscious layout.
//
// Tie-break: among equal-priority rules that both match, OpenFlow leaves the choice
// undefined; here the rule with the lower `seq` wins, which makes lookups deterministic
// and checkable against a linear reference.
import type { Match } from './match.js';
import { N_SLOTS } from './fields.js';
import { orderShape, Subtable } from './subtable.js';

export interface ClsRule {
  readonly priority: number;
  readonly seq: number;
  readonly match: Match;
  /** Absolute time (ms) from which the rule no longer matches; Infinity if never. */
  readonly expiresAt: number;
}

function shapeOf(m: Match): { key: string; slots: number[]; masks: number[]; nStage: number } {
  const slots: number[] = [];
  const masks: number[] = [];
  let key = '';
  for (let s = 0; s < N_SLOTS; s++) {
    const mask = m.masks[s] as number;
    if (mask !== 0) {
      slots.push(s);
      masks.push(mask);
      key += `${s}/${mask},`;
    }
  }
  return { key, ...orderShape(slots, masks) };
}

export class Classifier<R extends ClsRule> {
  private readonly subtables = new Map<string, Subtable<R>>();
  /** Subtables by descending max priority. */
  private ordered: Subtable<R>[] = [];
  private count = 0;
  private used = new Int32Array(0);

  get size(): number {
    return this.count;
  }

  get subtableCount(): number {
    return this.subtables.size;
  }

  /** The slots any rule matches on: the only ones a lookup reads from the packet vector. */
  get usedSlots(): Int32Array {
    return this.used;
  }

  private recomputeUsed(): void {
    const seen = new Set<number>();
    for (const st of this.ordered) for (const s of st.slots) seen.add(s);
    this.used = Int32Array.from([...seen].sort((a, b) => a - b));
  }

  insert(r: R): void {
    const shape = shapeOf(r.match);
    let st = this.subtables.get(shape.key);
    if (st === undefined) {
      st = new Subtable<R>(shape);
      this.subtables.set(shape.key, st);
      this.ordered.push(st);
      this.recomputeUsed();
    }
    if (st.insert(r)) this.reorder();
    this.count++;
  }

  remove(r: R): boolean {
    const shape = shapeOf(r.match);
    const st = this.subtables.get(shape.key);
    if (st === undefined) return false;
    const changed = st.remove(r);
    if (changed === undefined) return false;
    this.count--;
    if (st.size === 0) {
      this.subtables.delete(shape.key);
      this.ordered = this.ordered.filter((x) => x !== st);
      this.recomputeUsed();
    } else if (changed) {
      this.reorder();
    }
    return true;
  }

  /**
   * The highest-priority rule matching the packet vector, skipping rules whose
   * `expiresAt <= now` (timed-out flows must not match even before they are swept).
   */
  lookup(vec: Int32Array, now: number): R | undefined {
    let best: R | undefined;
    let bestPriority = -1;
    let bestSeq = 0;
    const ordered = this.ordered;
    for (let t = 0; t < ordered.length; t++) {
      const st = ordered[t] as Subtable<R>;
      if (st.maxPriority < bestPriority) break;
      const r = st.lookup(vec, now, bestPriority, bestSeq);
      if (r !== undefined) {
        best = r;
        bestPriority = r.priority;
        bestSeq = r.seq;
      }
    }
    return best;
  }

  *rules(): IterableIterator<R> {
    for (const st of this.subtables.values()) yield* st.all();
  }

  private reorder(): void {
    this.ordered.sort((a, b) => b.maxPriority - a.maxPriority);
  }
}
