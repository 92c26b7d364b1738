import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatestIndex } from './latest-index.js';
import { SortedKeys } from './sorted-keys.js';
import type { KeyValue } from './types.js';

const kv = (key: string, rev: number): KeyValue => ({ key, value: new Uint8Array([rev & 255]), createRevision: rev, modRevision: rev });

/** Deterministic PRNG so a failure replays. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
}

test('LatestIndex pages and counts like a naive model under random churn', () => {
  const rand = rng(42);
  const names = ['/a', '/a/', '/a/1', '/a/2', '/a/2/x', '/ab', '/b', '/b/1', '/\uffff', '/\uffff/z', '/c'];
  const prefixes = ['', '/a', '/a/', '/b/', '/\uffff', '/zz'];
  const idx = new LatestIndex();
  const model = new Map<string, KeyValue>();
  for (let step = 1; step < 2000; step++) {
    const key = names[Math.floor(rand() * names.length)] as string;
    if (rand() < 0.4) {
      idx.set(key, undefined);
      model.delete(key);
    } else {
      idx.set(key, kv(key, step));
      model.set(key, kv(key, step));
    }
    const prefix = prefixes[step % prefixes.length] as string;
    const want = [...model.keys()].filter((k) => k.startsWith(prefix)).sort();
    const limit = step % 4; // 0 = unlimited
    const got: string[] = [];
    let after: string | undefined;
    for (;;) {
      const p = idx.page(prefix, after, limit);
      got.push(...p.items.map((i) => i.key));
      assert.equal(p.remaining, want.length - got.length, `remaining at step ${step}`);
      if (p.remaining === 0 || p.items.length === 0) break;
      after = p.items[p.items.length - 1]!.key;
    }
    assert.deepEqual(got, want, `page at step ${step}`);
    assert.equal(idx.count(prefix), want.length);
    for (const k of got) assert.deepEqual(idx.get(k), model.get(k));
  }
});

test('SortedKeys: merge of pending keys, bounds, prefix ranges', () => {
  const s = new SortedKeys();
  for (const k of ['/m', '/c', '/x']) s.add(k);
  assert.deepEqual(s.view(), ['/c', '/m', '/x']);
  for (const k of ['/a', '/n', '/z']) s.add(k);
  assert.deepEqual(s.view(), ['/a', '/c', '/m', '/n', '/x', '/z']);
  assert.equal(s.lowerBound('/m'), 2);
  assert.equal(s.lowerBound('/m', true), 3);
  assert.equal(s.prefixEndIndex('/n'), 4);
  assert.equal(s.prefixEndIndex(''), 6);
  s.removeWhere((k) => k === '/c' || k === '/z');
  assert.deepEqual(s.view(), ['/a', '/m', '/n', '/x']);
});
