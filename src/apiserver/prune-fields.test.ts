import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pruneFields } from './prune-fields.js';

describe('pruneFields', () => {
  test('drops members at top level, nested, and inside list elements', () => {
    const o = { foo: 1, spec: { bar: 2, keep: 3, ports: [{ port: 80, baz: 1 }, { port: 81 }] } };
    pruneFields(o, ['foo', 'spec.bar', 'spec.ports[0].baz']);
    assert.deepEqual(o, { spec: { keep: 3, ports: [{ port: 80 }, { port: 81 }] } });
  });

  test('map keys with dots are matched against the keys present', () => {
    const o = { metadata: { annotations: { 'example.com/x': { bogus: 1, ok: 2 } } } };
    pruneFields(o, ['metadata.annotations.example.com/x.bogus']);
    assert.deepEqual(o, { metadata: { annotations: { 'example.com/x': { ok: 2 } } } });
  });

  test('paths that do not resolve change nothing; list elements are never removed', () => {
    const o = { a: [{ b: 1 }], c: { d: 1 } };
    pruneFields(o, ['x.y', 'a[3].b', 'a[0]', 'c.d.e', 'c[0]']);
    assert.deepEqual(o, { a: [{ b: 1 }], c: { d: 1 } });
  });
});
