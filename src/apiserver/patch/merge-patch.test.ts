import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonMergePatch, mergePatchObject } from './merge-patch.js';
import { PatchError } from './patch-error.js';

describe('jsonMergePatch: RFC 7386 Appendix A', () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [original, patch, want] of cases) {
    test(`${JSON.stringify(original)} + ${JSON.stringify(patch)}`, () => {
      assert.deepStrictEqual(jsonMergePatch(original, patch), want);
    });
  }
});

describe('mergePatchObject (the API server form)', () => {
  test('kubectl patch --type=merge replaces lists and deletes with null', () => {
    const svc = { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { ports: [{ port: 80 }, { port: 443 }], selector: { app: 'web' } } };
    const before = structuredClone(svc);
    const out = mergePatchObject(svc, { metadata: { labels: { tier: null, env: 'prod' } }, spec: { ports: [{ port: 8080 }] } });
    assert.deepStrictEqual(out, { metadata: { labels: { app: 'web', env: 'prod' } }, spec: { ports: [{ port: 8080 }], selector: { app: 'web' } } });
    assert.deepStrictEqual(svc, before, 'input not mutated');
  });

  const bad: [string, unknown, unknown, string][] = [
    ['patch is a list', {}, [1], 'Invalid JSON Patch'],
    ['patch is null', {}, null, 'Invalid JSON Patch'],
    ['target is a string', 'x', {}, 'Invalid JSON Document'],
    ['patch is not JSON', {}, { a: Number.NaN }, 'patch: NaN is not a JSON number'],
  ];
  for (const [name, target, patch, message] of bad) {
    test(name, () => {
      assert.throws(
        () => mergePatchObject(target, patch),
        (e: unknown) => e instanceof PatchError && e.code === 400 && e.message === message,
      );
    });
  }
});
