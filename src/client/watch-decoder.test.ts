import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LineSplitter, parseWatchEvent } from './watch-decoder.js';

const ev = (type: string, name: string, rv: string) => JSON.stringify({ type, object: { apiVersion: 'v1', kind: 'Pod', metadata: { name, resourceVersion: rv, labels: { note: 'ünïcødé ✓ 🚀' } } } });

/** Feeds `bytes` split at every given offset and returns the lines produced (incl. end()). */
function feed(bytes: Buffer, cuts: readonly number[]): string[] {
  const s = new LineSplitter();
  const out: string[] = [];
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    const r = s.push(bytes.subarray(prev, c));
    assert.ok(r.ok);
    out.push(...r.value);
    prev = c;
  }
  out.push(...s.end());
  return out;
}

describe('LineSplitter', () => {
  const three = [ev('ADDED', 'a', '1'), ev('MODIFIED', 'b', '2'), ev('DELETED', 'c', '3')];
  const stream = Buffer.from(three.join('\n') + '\n');

  test('one chunk with several events', () => assert.deepEqual(feed(stream, []), three));

  test('every possible single split point (including inside multi-byte characters)', () => {
    for (let cut = 1; cut < stream.length; cut++) assert.deepEqual(feed(stream, [cut]), three, `cut at ${cut}`);
  });

  test('byte-at-a-time delivery', () => {
    const cuts = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    assert.deepEqual(feed(stream, cuts), three);
  });

  test('a final event without newline is still delivered at end', () => {
    assert.deepEqual(feed(Buffer.from(three[0] + '\n' + three[1]), [5]), three.slice(0, 2));
  });

  test('blank keep-alive lines are skipped, CRLF tolerated by JSON.parse', () => {
    const lines = feed(Buffer.from('\n\n' + three[0] + '\r\n\n'), []);
    assert.equal(lines.length, 1);
    assert.ok(parseWatchEvent(lines[0]!).ok);
  });

  test('refuses a line beyond the size limit', () => {
    const s = new LineSplitter(10);
    assert.ok(s.push('0123456789').ok);
    assert.equal(s.push('x').ok, false);
  });
});

describe('parseWatchEvent', () => {
  const cases: { name: string; line: string; want: unknown }[] = [
    { name: 'ADDED', line: '{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a"}}}', want: { type: 'ADDED', object: { kind: 'Pod', metadata: { name: 'a' } } } },
    { name: 'BOOKMARK', line: '{"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"42"}}}', want: { type: 'BOOKMARK', resourceVersion: '42' } },
    {
      name: 'ERROR with Status',
      line: '{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}}',
      want: { type: 'ERROR', status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (5)', reason: 'Expired', code: 410 } },
    },
    {
      name: 'ERROR with a Status lacking reason gets it from the code',
      line: '{"type":"ERROR","object":{"kind":"Status","code":410}}',
      want: { type: 'ERROR', status: { kind: 'Status', apiVersion: 'v1', metadata: {}, code: 410, reason: 'Gone' } },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = parseWatchEvent(c.line);
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.deepEqual(r.value, c.want);
    });
  }
  const bad: [string, string][] = [
    ['not JSON', '{"type":'],
    ['array', '[]'],
    ['unknown type', '{"type":"SYNC","object":{}}'],
    ['object without metadata', '{"type":"ADDED","object":{"kind":"Pod"}}'],
    ['bookmark without resourceVersion', '{"type":"BOOKMARK","object":{"metadata":{}}}'],
  ];
  for (const [name, line] of bad) test(`rejects ${name}`, () => assert.equal(parseWatchEvent(line).ok, false));
});
