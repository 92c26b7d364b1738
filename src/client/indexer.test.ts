import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from './backoff.js';
import { Indexer } from './indexer.js';

interface PodInfo {
  readonly key: string;
  readonly node: string;
  readonly ports: readonly string[];
}

test('indexer keeps indexes exact across set, update and delete', () => {
  const idx = new Indexer<PodInfo>({ byNode: (p) => (p.node === '' ? [] : [p.node]) });
  idx.set('a', { key: 'a', node: 'n1', ports: ['80'] });
  idx.set('b', { key: 'b', node: 'n1', ports: ['80', '443'] });
  idx.set('c', { key: 'c', node: '', ports: [] });
  assert.deepEqual(idx.byIndex('byNode', 'n1').map((p) => p.key).sort(), ['a', 'b']);
  idx.set('a', { key: 'a', node: 'n2', ports: ['80'] });
  assert.deepEqual(idx.byIndex('byNode', 'n1').map((p) => p.key), ['b']);
  assert.deepEqual(idx.byIndex('byNode', 'n2').map((p) => p.key), ['a']);
  // An index added later covers existing items; duplicate values from one object count once.
  idx.addIndexers({ byPort: (p) => [...p.ports, ...p.ports] });
  assert.deepEqual(idx.indexKeys('byPort', '80').sort(), ['a', 'b']);
  assert.equal(idx.delete('b')?.key, 'b');
  assert.equal(idx.delete('b'), undefined);
  assert.deepEqual(idx.byIndex('byNode', 'n1'), []);
  assert.deepEqual(idx.indexValues('byPort'), ['80']);
  assert.deepEqual(idx.indexValues('byNode'), ['n2']);
  assert.equal(idx.size, 2);
  assert.throws(() => idx.byIndex('nope', 'x'), /no index named nope/);
  assert.throws(() => idx.addIndexers({ byNode: () => [] }), /already exists/);
});

test('backoff: jittered exponential from 0.8 s to a 30 s cap, reset after success', () => {
  let r = 0;
  const b = new Backoff({ random: () => r });
  assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next(), b.next(), b.next()], [800, 1600, 3200, 6400, 12800, 25600, 30000]);
  b.reset();
  r = 1;
  assert.equal(b.next(), 1200, 'jitter adds up to half');
  for (let i = 0; i < 10; i++) assert.ok(b.next() <= 30_000);
  assert.equal(b.failures, 11);
});
