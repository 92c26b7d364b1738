import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalJson, computeHash, fnv32a, safeEncodeString } from './pod-template-hash.js';

describe('pod-template-hash', () => {
  test('FNV-32a matches the published test vectors', () => {
    const cases: [string, number][] = [
      ['', 0x811c9dc5],
      ['a', 0xe40c292c],
      ['foobar', 0xbf9cf968],
    ];
    for (const [input, want] of cases) assert.equal(fnv32a(Buffer.from(input)), want, input);
  });

  test('SafeEncodeString maps decimal digits onto the no-vowel alphabet', () => {
    assert.equal(safeEncodeString('0123456789'), '456789bcdf');
    assert.equal(safeEncodeString('1415952421'), '5859f96865');
  });

  test('canonical JSON sorts keys and drops nulls, so key order and null members do not change the hash', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: null, c: [1, { z: 2, y: 1 }] } }), '{"a":{"c":[1,{"y":1,"z":2}]},"b":1}');
    const t1 = { metadata: { labels: { app: 'x' }, creationTimestamp: null }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    const t2 = { spec: { containers: [{ image: 'i', name: 'c' }] }, metadata: { labels: { app: 'x' } } };
    assert.equal(computeHash(t1 as never, undefined), computeHash(t2, undefined));
  });

  test('the hash changes with the template and with the collision count', () => {
    const t = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };
    const h = computeHash(t, undefined);
    assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.equal(computeHash(t, undefined), h, 'stable');
    assert.notEqual(computeHash({ ...t, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }, undefined), h);
    const c0 = computeHash(t, 0);
    assert.notEqual(c0, h, 'collisionCount 0 still feeds 8 bytes to the hash');
    assert.notEqual(computeHash(t, 1), c0);
  });
});
