// 60,000 damaged messages into the parser: never an exception; either one of the RFC 4271
// §6 errors, or a message that re-emits to bytes which parse back to the same value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { mutate, PARSER_ERRORS, prng } from './_fuzz.js';
import { emitMessage, parseMessage } from './message.js';
import { toHex } from './_fixtures.js';

const N = 60_000;
const SEED = Number(process.env['BGP_FUZZ_SEED'] ?? 20260101);

test(`parser fuzz: ${N} mutated messages (seed ${SEED})`, () => {
  const rand = prng(SEED);
  const outcomes = new Map<string, number>();
  for (let i = 0; i < N; i++) {
    const bytes = mutate(rand);
    const asWidth = i % 2 === 0 ? 4 : 2;
    const ctx = { asWidth } as const;
    let r;
    try {
      r = parseMessage(bytes, ctx);
    } catch (e) {
      assert.fail(`iteration ${i}: parser threw on ${toHex(bytes)}: ${String(e)}`);
    }
    if (!r.ok) {
      const key = `${r.error.code}/${r.error.subcode}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      if (PARSER_ERRORS[r.error.code]?.includes(r.error.subcode) !== true) assert.fail(`iteration ${i}: unexpected error ${key} for ${toHex(bytes)}`);
      if (!(r.error.data instanceof Uint8Array)) assert.fail(`iteration ${i}: error data is not bytes`);
      continue;
    }
    outcomes.set(r.value.type, (outcomes.get(r.value.type) ?? 0) + 1);
    const again = emitMessage(r.value, ctx);
    if (again.length > 4096) assert.fail(`iteration ${i}: re-emitted ${again.length} octets`);
    const back = parseMessage(again, ctx);
    if (!isDeepStrictEqual(back, r)) assert.deepEqual(back, r, `iteration ${i}: ${toHex(bytes)} does not round trip`);
  }
  if (process.env["BGP_FUZZ_VERBOSE"]) console.log(JSON.stringify([...outcomes].sort()));
  // The mutator must reach deep into the parsers, not just fail headers.
  for (const k of ['open', 'update', 'keepalive', 'notification', 'route-refresh', '1/1', '1/2', '1/3', '2/0', '2/1', '2/4', '2/6', '3/1', '3/2', '3/3', '3/4', '3/5', '3/6', '3/9', '3/10', '3/11', '7/1']) {
    assert.ok((outcomes.get(k) ?? 0) > 0, `no case produced ${k}: ${JSON.stringify([...outcomes])}`);
  }
});
