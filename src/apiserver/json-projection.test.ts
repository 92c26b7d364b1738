// The byte-level projection must decode exactly what projectFields gives on JSON.parse's
// result, for any JSON (escapes, unicode, whitespace, nesting), and find the span it is asked for.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { projectFields, type FieldProjection } from '../api/index.js';
import { seededRandom } from './_test-server.js';
import { compileProjection, MalformedJson, projectJson } from './json-projection.js';

const KEYS = ['a', 'b', 'metadata', 'é', 'q"uote', 'back\\slash', 'nl\n', '𝄞', 'status', '0', '10'];

function randomString(rnd: () => number): string {
  const pieces = ['x', 'é', '"', '\\', '\n', '\u0001', '𝄞', '\u2028', '{', '}', '[', ']', ',', ':', ' '];
  let s = '';
  const n = Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) s += pieces[Math.floor(rnd() * pieces.length)]!;
  return s;
}

function randomValue(rnd: () => number, depth: number): unknown {
  const r = rnd();
  if (depth > 3 || r < 0.35) {
    const k = Math.floor(rnd() * 6);
    return [null, true, false, Math.floor(rnd() * 2000) - 1000, rnd() * 1e-3, randomString(rnd)][k];
  }
  if (r < 0.55) return Array.from({ length: Math.floor(rnd() * 4) }, () => randomValue(rnd, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(rnd() * 5); i > 0; i--) o[KEYS[Math.floor(rnd() * KEYS.length)]!] = randomValue(rnd, depth + 1);
  return o;
}

function randomProjection(rnd: () => number, depth: number): Exclude<FieldProjection, true> {
  const p: Record<string, FieldProjection> = {};
  for (let i = Math.floor(rnd() * 4); i > 0; i--) {
    p[KEYS[Math.floor(rnd() * KEYS.length)]!] = depth > 2 || rnd() < 0.4 ? true : randomProjection(rnd, depth + 1);
  }
  return p;
}

describe('projectJson', () => {
  test('equals projectFields(JSON.parse(...)) on random JSON, compact and indented', () => {
    const rnd = seededRandom(7);
    for (let n = 0; n < 3000; n++) {
      const obj = { ...(randomValue(rnd, 0) as object), metadata: randomValue(rnd, 1) };
      const proj: Exclude<FieldProjection, true> = { ...randomProjection(rnd, 0), metadata: rnd() < 0.5 ? true : randomProjection(rnd, 1) };
      for (const text of [JSON.stringify(obj), JSON.stringify(obj, null, 2), ` ${JSON.stringify(obj, null, '\t')}\n`]) {
        const b = Buffer.from(text);
        const got = projectJson(b, compileProjection(proj), 'metadata');
        assert.deepEqual(got.value, projectFields(JSON.parse(text), proj), text);
        assert.ok(got.span !== undefined);
        assert.deepEqual(JSON.parse(b.toString('utf8', got.span.start, got.span.end)), (JSON.parse(text) as { metadata: unknown }).metadata);
      }
    }
  });

  test('keys written with escapes match their projection names', () => {
    const b = Buffer.from('{"\\u006detadata":{"n\\u0061me":"x"},"z":1}');
    assert.deepEqual(projectJson(b, compileProjection({ metadata: { name: true } }), 'metadata').value, { metadata: { name: 'x' } });
  });

  test('no span when the key is absent; MalformedJson on what is not a JSON object', () => {
    assert.equal(projectJson(Buffer.from('{"a":1}'), compileProjection({ metadata: true }), 'metadata').span, undefined);
    for (const bad of ['', '[]', '"x"', '{"a":1', '{"a":"1}', '{"a" 1}', '{"a":1}x', '{"a":}', '{"a":1,}']) {
      assert.throws(() => projectJson(Buffer.from(bad), compileProjection({ a: true, metadata: true }), 'metadata'), MalformedJson, bad);
    }
  });

  test('a projection may not name __proto__', () => {
    assert.throws(() => compileProjection(JSON.parse('{"__proto__":true}') as FieldProjection as Exclude<FieldProjection, true>));
  });
});
