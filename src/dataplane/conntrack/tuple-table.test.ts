import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DeadlineHeap } from './deadline-heap.js';
import { TupleTable } from './tuple-table.js';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

describe('TupleTable', () => {
  test('agrees with a Map under random inserts, overwrites and deletes (with growth)', () => {
    const t = new TupleTable(8);
    const ref = new Map<string, number>();
    const r = rng(42);
    const keys: [number, number, number, number][] = [];
    for (let i = 0; i < 20_000; i++) {
      const op = r() % 10;
      if (op < 6 || keys.length === 0) {
        // Small key space on some words so collisions and overwrites happen.
        const k: [number, number, number, number] = [r() % 64, 0xac190000 + (r() % 16), r() % 8, 0x00ff2006];
        const v = r() % 1_000_000;
        t.set(...k, v);
        ref.set(k.join(','), v);
        keys.push(k);
      } else {
        const k = keys[r() % keys.length]!;
        assert.equal(t.delete(...k), ref.delete(k.join(',')));
      }
      if (i % 1000 === 0) {
        for (const k of keys) assert.equal(t.get(...k), ref.get(k.join(',')) ?? -1);
      }
    }
    assert.equal(t.size, ref.size);
    for (const k of keys) assert.equal(t.get(...k), ref.get(k.join(',')) ?? -1);
  });

  test('uint32 words above 2^31 are keys like any other', () => {
    const t = new TupleTable();
    t.set(0xffffffff, 0x80000000, 0xdeadbeef, 1, 7);
    assert.equal(t.get(0xffffffff, 0x80000000, 0xdeadbeef, 1), 7);
    assert.equal(t.get(-1, 0x80000000, 0xdeadbeef, 1), 7, 'normalized like >>> 0');
    assert.equal(t.get(0xfffffffe, 0x80000000, 0xdeadbeef, 1), -1);
  });
});

describe('DeadlineHeap', () => {
  test('pops in deadline order', () => {
    const h = new DeadlineHeap(4);
    const r = rng(7);
    const ds: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const d = r() % 100000;
      ds.push(d);
      h.push(d, i, 0);
    }
    ds.sort((a, b) => a - b);
    for (const d of ds) {
      assert.equal(h.peekDeadline(), d);
      h.pop();
    }
    assert.equal(h.size, 0);
    assert.equal(h.peekDeadline(), Infinity);
  });
});
