import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch } from './json-patch.js';
import { parsePointer } from './json-pointer.js';
import { PatchError } from './patch-error.js';

// Cases A.1-A.16 are RFC 6902 Appendix A, verbatim in meaning.
const rfcExamples: { name: string; doc: unknown; patch: unknown; want: unknown }[] = [
  { name: 'A.1 add an object member', doc: { foo: 'bar' }, patch: [{ op: 'add', path: '/baz', value: 'qux' }], want: { baz: 'qux', foo: 'bar' } },
  { name: 'A.2 add an array element', doc: { foo: ['bar', 'baz'] }, patch: [{ op: 'add', path: '/foo/1', value: 'qux' }], want: { foo: ['bar', 'qux', 'baz'] } },
  { name: 'A.3 remove an object member', doc: { baz: 'qux', foo: 'bar' }, patch: [{ op: 'remove', path: '/baz' }], want: { foo: 'bar' } },
  { name: 'A.4 remove an array element', doc: { foo: ['bar', 'qux', 'baz'] }, patch: [{ op: 'remove', path: '/foo/1' }], want: { foo: ['bar', 'baz'] } },
  { name: 'A.5 replace a value', doc: { baz: 'qux', foo: 'bar' }, patch: [{ op: 'replace', path: '/baz', value: 'boo' }], want: { baz: 'boo', foo: 'bar' } },
  {
    name: 'A.6 move a value',
    doc: { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    patch: [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    want: { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  },
  {
    name: 'A.7 move an array element',
    doc: { foo: ['all', 'grass', 'cows', 'eat'] },
    patch: [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
    want: { foo: ['all', 'cows', 'eat', 'grass'] },
  },
  {
    name: 'A.8 test a value: success',
    doc: { baz: 'qux', foo: ['a', 2, 'c'] },
    patch: [
      { op: 'test', path: '/baz', value: 'qux' },
      { op: 'test', path: '/foo/1', value: 2 },
    ],
    want: { baz: 'qux', foo: ['a', 2, 'c'] },
  },
  { name: 'A.10 add a nested member object', doc: { foo: 'bar' }, patch: [{ op: 'add', path: '/child', value: { grandchild: {} } }], want: { foo: 'bar', child: { grandchild: {} } } },
  { name: 'A.11 ignore unrecognized elements', doc: { foo: 'bar' }, patch: [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }], want: { foo: 'bar', baz: 'qux' } },
  { name: 'A.14 ~ escape ordering', doc: { '/': 9, '~1': 10 }, patch: [{ op: 'test', path: '/~01', value: 10 }], want: { '/': 9, '~1': 10 } },
  { name: 'A.16 add an array value', doc: { foo: ['bar'] }, patch: [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], want: { foo: ['bar', ['abc', 'def']] } },
  // Beyond the appendix, still RFC 6902 semantics:
  { name: 'add replaces an existing member', doc: { a: 1 }, patch: [{ op: 'add', path: '/a', value: 2 }], want: { a: 2 } },
  { name: 'add at the end index', doc: { a: [1] }, patch: [{ op: 'add', path: '/a/1', value: 2 }], want: { a: [1, 2] } },
  { name: 'add at the root replaces the document', doc: { a: 1 }, patch: [{ op: 'add', path: '', value: { b: 2 } }], want: { b: 2 } },
  { name: 'copy deep-copies', doc: { a: { x: [1] } }, patch: [{ op: 'copy', from: '/a', path: '/b' }, { op: 'add', path: '/b/x/-', value: 2 }], want: { a: { x: [1] }, b: { x: [1, 2] } } },
  { name: 'move onto itself is a no-op', doc: { a: 1 }, patch: [{ op: 'move', from: '/a', path: '/a' }], want: { a: 1 } },
  { name: 'test compares objects regardless of key order', doc: { a: { x: 1, y: [1, { z: null }] } }, patch: [{ op: 'test', path: '/a', value: { y: [1, { z: null }], x: 1 } }], want: { a: { x: 1, y: [1, { z: null }] } } },
  {
    name: 'kubectl patch --type=json on a Service port',
    doc: { spec: { ports: [{ port: 80, targetPort: 8080 }] } },
    patch: [{ op: 'replace', path: '/spec/ports/0/targetPort', value: 9090 }, { op: 'add', path: '/spec/ports/-', value: { port: 443 } }],
    want: { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } },
  },
  { name: 'null patch is an empty operation list (as Go decodes it)', doc: { a: 1 }, patch: null, want: { a: 1 } },
];

describe('applyJsonPatch: RFC 6902 examples', () => {
  for (const c of rfcExamples) {
    test(c.name, () => {
      assert.deepStrictEqual(applyJsonPatch(c.doc, c.patch), c.want);
    });
  }
});

describe('applyJsonPatch: RFC 6901 pointers', () => {
  // The RFC 6901 section 5 document and pointers.
  const doc = { foo: ['bar', 'baz'], '': 0, 'a/b': 1, 'c%d': 2, 'e^f': 3, 'g|h': 4, 'i\\j': 5, 'k"l': 6, ' ': 7, 'm~n': 8 };
  const cases: [string, unknown][] = [
    ['', doc],
    ['/foo', ['bar', 'baz']],
    ['/foo/0', 'bar'],
    ['/', 0],
    ['/a~1b', 1],
    ['/c%d', 2],
    ['/e^f', 3],
    ['/g|h', 4],
    ['/i\\j', 5],
    ['/k"l', 6],
    ['/ ', 7],
    ['/m~0n', 8],
  ];
  for (const [pointer, value] of cases) {
    test(`test ${JSON.stringify(pointer)}`, () => {
      assert.deepStrictEqual(applyJsonPatch(doc, [{ op: 'test', path: pointer, value }]), doc);
    });
  }
  test('parsePointer decodes ~1 before ~0', () => {
    assert.deepStrictEqual(parsePointer('/~01/a~1b/~0'), { ok: true, value: ['~1', 'a/b', '~'] });
    assert.deepStrictEqual(parsePointer('a'), { ok: false, error: { kind: 'NoLeadingSlash' } });
    assert.deepStrictEqual(parsePointer('/a~2'), { ok: false, error: { kind: 'BadEscape', token: 'a~2' } });
  });
});

describe('applyJsonPatch: errors', () => {
  const errors: { name: string; doc: unknown; patch: unknown; reason: string; message: string }[] = [
    { name: 'A.9 failed test', doc: { baz: 'qux' }, patch: [{ op: 'test', path: '/baz', value: 'bar' }], reason: 'Invalid', message: 'testing value /baz failed: test failed' },
    { name: 'A.12 add to a nonexistent target', doc: { foo: 'bar' }, patch: [{ op: 'add', path: '/baz/bat', value: 'qux' }], reason: 'Invalid', message: 'add operation does not apply: doc is missing path: "/baz/bat": missing value' },
    { name: 'A.15 strings and numbers differ', doc: { '/': 9, '~1': 10 }, patch: [{ op: 'test', path: '/~01', value: '10' }], reason: 'Invalid', message: 'testing value /~01 failed: test failed' },
    { name: 'patch is an object', doc: {}, patch: { op: 'add' }, reason: 'BadRequest', message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch' },
    { name: 'operation is not an object', doc: {}, patch: ['add'], reason: 'BadRequest', message: 'json: cannot unmarshal string into Go value of type jsonpatch.Operation' },
    { name: 'unknown op', doc: {}, patch: [{ op: 'increment', path: '/a' }], reason: 'Invalid', message: 'Unexpected kind: increment' },
    { name: 'missing op', doc: {}, patch: [{ path: '/a' }], reason: 'Invalid', message: 'Unexpected kind: unknown' },
    { name: 'missing path', doc: {}, patch: [{ op: 'remove' }], reason: 'Invalid', message: 'remove operation failed to decode path: missing value' },
    { name: 'missing value', doc: {}, patch: [{ op: 'add', path: '/a' }], reason: 'Invalid', message: 'operation, missing value field: missing value' },
    { name: 'pointer without leading slash', doc: { a: 1 }, patch: [{ op: 'remove', path: 'a' }], reason: 'Invalid', message: 'remove operation failed to decode path: invalid JSON pointer "a"' },
    { name: 'pointer with a bad escape', doc: { a: 1 }, patch: [{ op: 'replace', path: '/a~2', value: 1 }], reason: 'Invalid', message: 'replace operation failed to decode path: invalid JSON pointer "/a~2"' },
    { name: 'remove a missing key', doc: { a: 1 }, patch: [{ op: 'remove', path: '/b' }], reason: 'Invalid', message: "error in remove for path: '/b': Unable to remove nonexistent key: b: missing value" },
    { name: 'remove under a missing parent', doc: { a: 1 }, patch: [{ op: 'remove', path: '/b/c' }], reason: 'Invalid', message: 'remove operation does not apply: doc is missing path: "/b/c": missing value' },
    { name: 'replace a missing key', doc: { a: 1 }, patch: [{ op: 'replace', path: '/b', value: 1 }], reason: 'Invalid', message: 'replace operation does not apply: doc is missing key: /b: missing value' },
    { name: 'add past the end of an array', doc: { a: [1] }, patch: [{ op: 'add', path: '/a/2', value: 1 }], reason: 'Invalid', message: "error in add for path: '/a/2': Unable to access invalid index: 2: invalid index referenced" },
    { name: 'index with a leading zero', doc: { a: [1, 2] }, patch: [{ op: 'add', path: '/a/01', value: 1 }], reason: 'Invalid', message: "error in add for path: '/a/01': value was not a proper array index: '01'" },
    { name: '"-" names no element to remove', doc: { a: [1] }, patch: [{ op: 'remove', path: '/a/-' }], reason: 'Invalid', message: "error in remove for path: '/a/-': Unable to access invalid index: -: invalid index referenced" },
    { name: 'move from a missing path', doc: { a: 1 }, patch: [{ op: 'move', from: '/x', path: '/y' }], reason: 'Invalid', message: 'move operation does not apply: doc is missing from path: /x: missing value' },
    { name: 'move into its own child', doc: { a: { b: 1 } }, patch: [{ op: 'move', from: '/a', path: '/a/b/c' }], reason: 'Invalid', message: 'move operation does not apply: cannot move /a into its own child /a/b/c' },
    { name: 'copy from a missing path', doc: {}, patch: [{ op: 'copy', from: '/x', path: '/y' }], reason: 'Invalid', message: 'copy operation does not apply: doc is missing from path: /x: missing value' },
    { name: 'test a missing path', doc: {}, patch: [{ op: 'test', path: '/x', value: 1 }], reason: 'Invalid', message: 'test operation does not apply: is missing path: /x: missing value' },
    { name: 'document is not JSON', doc: { a: () => 1 }, patch: [], reason: 'BadRequest', message: 'object: function is not a JSON value' },
  ];
  for (const c of errors) {
    test(c.name, () => {
      assert.throws(
        () => applyJsonPatch(c.doc, c.patch),
        (e: unknown) => e instanceof PatchError && e.reason === c.reason && e.message === c.message,
      );
    });
  }

  test('a failing operation leaves the input untouched (atomic)', () => {
    const doc = { spec: { ports: [{ port: 80 }] } };
    const before = structuredClone(doc);
    assert.throws(() =>
      applyJsonPatch(doc, [
        { op: 'add', path: '/spec/ports/-', value: { port: 443 } },
        { op: 'test', path: '/spec/ports/0/port', value: 81 },
      ]),
    );
    assert.deepStrictEqual(doc, before);
  });

  test('more operations than allowed is 413', () => {
    const ops = Array.from({ length: 3 }, () => ({ op: 'test', path: '', value: {} }));
    assert.throws(
      () => applyJsonPatch({}, ops, { maxOperations: 2 }),
      (e: unknown) => e instanceof PatchError && e.code === 413 && e.message === 'The allowed maximum operations in a JSON patch is 2, got 3',
    );
  });

  test('"__proto__" is an ordinary key', () => {
    const out = applyJsonPatch({}, JSON.parse('[{"op":"add","path":"/__proto__","value":{"polluted":true}}]')) as Record<string, unknown>;
    assert.deepStrictEqual(Object.keys(out), ['__proto__']);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
  });
});
