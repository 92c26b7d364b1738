// Robustness: random and mutated buffers must never make the decoder throw, and the
// decoded output must stay proportional to the input (no amplification), which bounds
// the work per byte. Deterministic (seeded) so a failure reproduces.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as objects from './_realistic-objects.js';
import { loadFixtures, MAGIC } from './_testkit.js';
import { decodeKubernetesProtobuf, type DecodeResult } from './decode-kubernetes-protobuf.js';
import { encodeKubernetesProtobuf } from './encode-kubernetes-protobuf.js';
import type { JsonObject, JsonValue } from './json.js';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function corpus(): Uint8Array[] {
  const out = loadFixtures().map((f) => f.bytes);
  for (const o of Object.values(objects)) {
    const r = encodeKubernetesProtobuf(o);
    if (r.ok) out.push(r.bytes);
  }
  return out;
}

function mutate(rand: () => number, seeds: Uint8Array[]): Uint8Array {
  const int = (n: number): number => Math.floor(rand() * n);
  const kind = int(6);
  if (kind === 0) {
    // Random bytes behind a valid magic, so the envelope parser is exercised.
    const body = Uint8Array.from({ length: int(300) }, () => int(256));
    return Uint8Array.from([...MAGIC, ...body]);
  }
  const base = seeds[int(seeds.length)] as Uint8Array;
  const b = Array.from(base);
  switch (kind) {
    case 1: // flip bits / overwrite bytes
      for (let i = 0, n = 1 + int(4); i < n; i++) b[int(b.length)] = int(256);
      break;
    case 2: // truncate
      b.length = int(b.length);
      break;
    case 3: // insert bytes (often 0x80/0xff to lengthen varints)
      for (let i = 0, n = 1 + int(4); i < n; i++) b.splice(int(b.length), 0, [0x80, 0xff, 0x00, int(256)][int(4)] as number);
      break;
    case 4: // delete a run
      b.splice(int(b.length), 1 + int(8));
      break;
    default: // duplicate a slice somewhere else (repeats fields and nested messages)
      {
        const s = int(b.length);
        const piece = b.slice(s, s + 1 + int(40));
        b.splice(int(b.length), 0, ...piece);
      }
      break;
  }
  return Uint8Array.from(b);
}

test('20,000 random and mutated buffers: no exception escapes, output stays proportional', () => {
  const rand = prng(0x5eed);
  const seeds = corpus();
  const outcomes = new Map<string, number>();
  let maxRatio = 0;
  for (let i = 0; i < 20_000; i++) {
    const buf = mutate(rand, seeds);
    let r: DecodeResult;
    try {
      r = decodeKubernetesProtobuf(buf);
    } catch (e) {
      assert.fail(`iteration ${i} threw ${String(e)} for ${Buffer.from(buf).toString('hex')}`);
    }
    const key = r.ok ? 'ok' : r.error.code;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    if (!r.ok) {
      assert.notEqual(r.error.code, 'internal', `iteration ${i}: ${r.error.message} for ${Buffer.from(buf).toString('hex')}`);
      assert.ok(r.error.message.length > 0);
    } else {
      const size = JSON.stringify(r.object).length;
      maxRatio = Math.max(maxRatio, size / buf.length);
      // Every wire byte can only add a bounded number of JSON bytes (defaults of one message).
      assert.ok(size <= 200 * buf.length + 1024, `iteration ${i}: ${size} JSON bytes from ${buf.length}`);
      assert.ok(r.skipped.length <= 32);
    }
  }
  // The mutations must reach both outcomes and the main error kinds, or the test proves little.
  for (const code of ['ok', 'missing-magic', 'truncated', 'wrong-wire-type', 'unknown-kind']) {
    assert.ok((outcomes.get(code) ?? 0) > 0, `no '${code}' outcome in ${JSON.stringify([...outcomes])}`);
  }
  assert.ok(maxRatio > 1);
});

test('2,000 mutated JSON objects: the encoder never throws, and what it encodes decodes', () => {
  const rand = prng(42);
  const int = (n: number): number => Math.floor(rand() * n);
  const values: JsonValue[] = [null, 0, -1, 2 ** 31, 1.5, '', 'x', '25%', true, [], {}, ['a'], { a: 'b' }, 2 ** 60, '2019-10-11T12:45:01Z'];
  const seeds = Object.values(objects);
  let encodedOk = 0;
  for (let i = 0; i < 2_000; i++) {
    const obj = structuredClone(seeds[int(seeds.length)]) as JsonObject;
    // Walk to a random node and replace one of its children.
    let node: JsonValue = obj;
    for (let depth = 0; depth < 1 + int(6); depth++) {
      if (typeof node !== 'object' || node === null) break;
      const keys = Object.keys(node);
      if (keys.length === 0) break;
      const k = keys[int(keys.length)] as string;
      const child: JsonValue = (node as Record<string, JsonValue>)[k] as JsonValue;
      if (depth > 0 && rand() < 0.3) {
        (node as Record<string, JsonValue>)[k] = values[int(values.length)] as JsonValue;
        break;
      }
      node = child;
    }
    let r: ReturnType<typeof encodeKubernetesProtobuf>;
    try {
      r = encodeKubernetesProtobuf(obj);
    } catch (e) {
      assert.fail(`iteration ${i} threw ${String(e)} for ${JSON.stringify(obj)}`);
    }
    if (!r.ok) {
      assert.notEqual(r.error.code, 'internal', r.error.message);
      continue;
    }
    encodedOk++;
    const back = decodeKubernetesProtobuf(r.bytes);
    assert.ok(back.ok, `iteration ${i}: ${back.ok ? '' : back.error.message}`);
  }
  assert.ok(encodedOk > 500, `only ${encodedOk} encodable mutations`);
});
