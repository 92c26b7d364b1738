import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Classifier, type ClsRule } from './classifier.js';
import { N_SLOTS, SLOT_FULL_MASK } from './fields.js';
import { Match } from './match.js';

/** mulberry32: small seeded PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Rule extends ClsRule {
  id: number;
  expiresAt: number;
}

// A handful of slots and masks, with small value domains, so random rules overlap a lot.
const SLOTS = [0, 6, 7, 8, 9, 13, 16, 19];
const MASKS: Record<number, number[]> = {
  0: [0xffff],
  6: [0xffff],
  7: [-1, 0xffffff00 | 0, 0xffff0000 | 0],
  8: [-1, 0xffffff00 | 0],
  9: [0xff],
  13: [0xffff, 0xfff0],
  16: [0x20, 0x21, 0x01, 0xff],
  19: [-1, 0xff, 0x0f00],
};

function randomValue(rnd: () => number, slot: number): number {
  const small = Math.floor(rnd() * 4);
  switch (slot) {
    case 7:
    case 8:
      return ((10 << 24) | (Math.floor(rnd() * 2) << 16) | (Math.floor(rnd() * 2) << 8) | small) | 0;
    case 16:
      return Math.floor(rnd() * 256) & 0x3f;
    default:
      return small;
  }
}

function randomMatch(rnd: () => number): Match {
  let m = Match.catchAll();
  for (const s of SLOTS) {
    if (rnd() < 0.45) {
      const masks = MASKS[s] ?? [SLOT_FULL_MASK[s] ?? 0];
      const mask = masks[Math.floor(rnd() * masks.length)] as number;
      m = m.with(s, randomValue(rnd, s), mask);
    }
  }
  return m;
}

function randomVector(rnd: () => number): Int32Array {
  const v = new Int32Array(N_SLOTS);
  for (const s of SLOTS) v[s] = randomValue(rnd, s);
  return v;
}

function brute(rules: Iterable<Rule>, vec: Int32Array, now: number): Rule | undefined {
  let best: Rule | undefined;
  for (const r of rules) {
    if (r.expiresAt <= now || !r.match.matchesVector(vec)) continue;
    if (best === undefined || r.priority > best.priority || (r.priority === best.priority && r.seq < best.seq)) best = r;
  }
  return best;
}

test('classifier agrees with a linear scan on random rules, inserts, removals and keys', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const rnd = prng(seed);
    const cls = new Classifier<Rule>();
    const live = new Set<Rule>();
    let seq = 0;
    for (let step = 0; step < 400; step++) {
      const op = rnd();
      if (op < 0.55 || live.size === 0) {
        const r: Rule = { id: seq, seq: seq++, priority: Math.floor(rnd() * 6) * 10, match: randomMatch(rnd), expiresAt: rnd() < 0.1 ? 500 : Infinity };
        cls.insert(r);
        live.add(r);
      } else if (op < 0.7) {
        const arr = [...live];
        const r = arr[Math.floor(rnd() * arr.length)] as Rule;
        assert.equal(cls.remove(r), true);
        live.delete(r);
      } else {
        for (let q = 0; q < 10; q++) {
          const vec = randomVector(rnd);
          const now = rnd() < 0.5 ? 0 : 1000;
          const want = brute(live, vec, now);
          const got = cls.lookup(vec, now);
          assert.equal(got?.id, want?.id, `seed ${seed} step ${step}`);
        }
      }
      assert.equal(cls.size, live.size);
    }
  }
});

test('removing an absent rule reports false and keeps the table intact', () => {
  const cls = new Classifier<Rule>();
  const a: Rule = { id: 1, seq: 1, priority: 5, match: Match.catchAll().with(8, 1, -1), expiresAt: Infinity };
  const b: Rule = { id: 2, seq: 2, priority: 5, match: Match.catchAll().with(8, 2, -1), expiresAt: Infinity };
  cls.insert(a);
  assert.equal(cls.remove(b), false);
  assert.equal(cls.size, 1);
  const v = new Int32Array(N_SLOTS);
  v[8] = 1;
  assert.equal(cls.lookup(v, 0)?.id, 1);
});

test('one subtable per mask shape, however many rules share it', () => {
  const cls = new Classifier<Rule>();
  for (let i = 0; i < 5000; i++) {
    cls.insert({ id: i, seq: i, priority: 100, match: Match.catchAll().with(6, 0x800, 0xffff).with(8, 0x0a600000 + i, -1).with(13, 80, 0xffff), expiresAt: Infinity });
  }
  cls.insert({ id: -1, seq: 99999, priority: 0, match: Match.catchAll(), expiresAt: Infinity });
  assert.equal(cls.subtableCount, 2);
  const v = new Int32Array(N_SLOTS);
  v[6] = 0x800;
  v[8] = 0x0a600000 + 1234;
  v[13] = 80;
  assert.equal(cls.lookup(v, 0)?.id, 1234);
  v[13] = 81;
  assert.equal(cls.lookup(v, 0)?.id, -1);
});

test('a higher-priority rule in a later-created subtable wins; lower subtables are skipped', () => {
  const cls = new Classifier<Rule>();
  cls.insert({ id: 1, seq: 1, priority: 10, match: Match.catchAll(), expiresAt: Infinity });
  cls.insert({ id: 2, seq: 2, priority: 50, match: Match.catchAll().with(9, 6, 0xff), expiresAt: Infinity });
  const v = new Int32Array(N_SLOTS);
  v[9] = 6;
  assert.equal(cls.lookup(v, 0)?.id, 2);
  v[9] = 17;
  assert.equal(cls.lookup(v, 0)?.id, 1);
});
