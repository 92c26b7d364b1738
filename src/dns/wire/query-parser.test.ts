import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encode, type Answer } from 'dns-packet';
import { parseQuery } from './query-parser.js';
import { buildQuery } from './query-builder.js';
import { scanResponse } from './response-scan.js';
import { emitMessage } from './message-writer.js';

describe('query parser', () => {
  test('a plain query', () => {
    const p = parseQuery(buildQuery(0x1234, 'Web.Demo.svc.cluster.local', 1));
    assert.equal(p.kind, 'query');
    if (p.kind !== 'query') return;
    assert.deepEqual(p.header, { id: 0x1234, opcode: 0, rd: true, cd: false });
    assert.equal(p.question.name, 'Web.Demo.svc.cluster.local');
    assert.equal(p.question.lower, 'web.demo.svc.cluster.local');
    assert.equal(p.question.type, 1);
    assert.equal(p.question.class, 1);
    assert.equal(p.question.wire.length, 28);
    assert.equal(p.edns, undefined);
  });

  test('EDNS: size floor of 512, DO bit, version', () => {
    const p = parseQuery(buildQuery(1, 'a.example', 1, { ednsUdpSize: 100, do: true }));
    assert.equal(p.kind, 'query');
    if (p.kind === 'query') assert.deepEqual(p.edns, { udpSize: 512, version: 0, do: true });
    const big = parseQuery(buildQuery(1, 'a.example', 1, { ednsUdpSize: 8192 }));
    if (big.kind === 'query') assert.equal(big.edns?.udpSize, 8192);
    const v1 = buildQuery(1, 'a.example', 1, { ednsUdpSize: 1232 });
    v1[v1.length - 5] = 1;
    const b = parseQuery(v1);
    assert.equal(b.kind, 'error');
    if (b.kind === 'error') assert.equal(b.rcode, 16);
  });

  test('outcomes for broken input', () => {
    const cases: [string, Uint8Array, string, number?][] = [
      ['empty', new Uint8Array(0), 'drop'],
      ['11 bytes', new Uint8Array(11), 'drop'],
      ['a response', Buffer.from([0, 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0]), 'drop'],
      ['qdcount 0', Buffer.from([0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 'error', 1],
      ['qdcount 2', encode({ type: 'query', id: 1, questions: [{ name: 'a', type: 'A' }, { name: 'b', type: 'A' }] }), 'error', 1],
      ['name runs off the end', Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, 0x61]), 'error', 1],
      ['type/class missing', Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0x61, 0, 0]), 'error', 1],
      ['pointer in question', Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 1, 0, 1]), 'error', 1],
      ['opcode NOTIFY', (() => { const b = buildQuery(1, 'a.example', 6); b[2] = (4 << 3) | 1; return b; })(), 'error', 4],
      ['opcode UPDATE without question', Buffer.from([0, 1, 5 << 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 'error', 4],
      ['3 additional records', (() => { const b = buildQuery(1, 'a.example', 1); b[11] = 3; return b; })(), 'error', 1],
      ['additional record truncated', (() => { const b = buildQuery(1, 'a.example', 1, { ednsUdpSize: 1232 }); return b.subarray(0, b.length - 3); })(), 'error', 1],
      [
        'two OPT records',
        encode({ type: 'query', id: 1, questions: [{ name: 'a', type: 'A' }], additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 512 } as unknown as Answer, { type: 'OPT', name: '.', udpPayloadSize: 512 } as unknown as Answer] }),
        'error',
        1,
      ],
    ];
    for (const [what, bytes, kind, rcode] of cases) {
      const p = parseQuery(bytes);
      assert.equal(p.kind, kind, what);
      if (p.kind === 'error') assert.equal(p.rcode, rcode, what);
    }
  });

  test('a 256-octet question name is FORMERR', () => {
    const labels = Array.from({ length: 4 }, () => 'x'.repeat(63));
    const bytes = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    for (const l of labels) bytes.push(63, ...Buffer.from(l));
    bytes.push(0, 0, 1, 0, 1);
    const p = parseQuery(Buffer.from(bytes));
    assert.equal(p.kind, 'error');
  });
});

describe('response scan', () => {
  test('finds TTL offsets, the smallest TTL and the negative TTL', () => {
    const q = parseQuery(buildQuery(1, 'x.example', 1));
    if (q.kind !== 'query') throw new Error('parse');
    const question = { wire: q.question.wire, lower: q.question.lower, type: 1, class: 1 };
    const pos = emitMessage(
      {
        id: 9,
        opcode: 0,
        flags: { aa: false, rd: true, ra: true, cd: false },
        rcode: 0,
        question,
        answer: [
          { name: 'x.example', type: 'A', ttl: 300, data: '192.0.2.1' },
          { name: 'x.example', type: 'A', ttl: 60, data: '192.0.2.2' },
        ],
        authority: [],
        additional: [],
        edns: { udpSize: 1232, do: false },
      },
      1232,
    ).bytes;
    const s = scanResponse(pos);
    assert.equal(s?.minTtl, 60);
    assert.equal(s?.ttlOffsets.length, 2);
    assert.equal(pos.readUInt32BE(s!.ttlOffsets[0]!), 300);
    const neg = emitMessage(
      {
        id: 9,
        opcode: 0,
        flags: { aa: false, rd: true, ra: true, cd: false },
        rcode: 3,
        question,
        answer: [],
        authority: [{ name: 'example', type: 'SOA', ttl: 900, data: { mname: 'a.example', rname: 'b.example', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 120 } }],
        additional: [],
      },
      512,
    ).bytes;
    assert.equal(scanResponse(neg)?.negativeTtl, 120);
    assert.equal(scanResponse(neg)?.rcode, 3);
    assert.equal(scanResponse(neg.subarray(0, neg.length - 1)), undefined);
  });
});
