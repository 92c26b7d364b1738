import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode, type Answer } from 'dns-packet';
import { emitMessage } from './message-writer.js';
import { readName } from './names.js';
import { parseQuery } from './query-parser.js';
import { buildQuery } from './query-builder.js';
import type { ResourceRecord, ResponseMessage } from './types.js';

function questionOf(name: string, type: number) {
  const p = parseQuery(buildQuery(1, name, type));
  assert.equal(p.kind, 'query');
  if (p.kind !== 'query') throw new Error('unreachable');
  return { wire: p.question.wire, lower: p.question.lower, labels: p.question.labels, type, class: 1 };
}

const Z = 'cluster.local';
const records: ResourceRecord[] = [
  { name: `_http._tcp.web.demo.svc.${Z}`, type: 'SRV', ttl: 5, data: { priority: 0, weight: 50, port: 80, target: `10-0-0-1.web.demo.svc.${Z}` } },
  { name: `_http._tcp.web.demo.svc.${Z}`, type: 'SRV', ttl: 5, data: { priority: 0, weight: 50, port: 80, target: `10-0-0-2.web.demo.svc.${Z}` } },
];
const additional: ResourceRecord[] = [
  { name: `10-0-0-1.web.demo.svc.${Z}`, type: 'A', ttl: 5, data: '10.0.0.1' },
  { name: `10-0-0-2.web.demo.svc.${Z}`, type: 'AAAA', ttl: 5, data: 'fd00::2' },
];
const authority: ResourceRecord[] = [
  { name: Z, type: 'SOA', ttl: 5, data: { mname: `ns.dns.${Z}`, rname: `hostmaster.${Z}`, serial: 1767225600, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 } },
];
const misc: ResourceRecord[] = [
  { name: `dns-version.${Z}`, type: 'TXT', ttl: 28800, data: ['1.1.0', 'second string'] },
  { name: `ext.demo.svc.${Z}`, type: 'CNAME', ttl: 5, data: 'www.example.com' },
  { name: '1.0.96.10.in-addr.arpa', type: 'PTR', ttl: 5, data: `kubernetes.default.svc.${Z}` },
  { name: Z, type: 'NS', ttl: 5, data: `kube-dns.kube-system.svc.${Z}` },
];

function message(over: Partial<ResponseMessage> = {}): ResponseMessage {
  return {
    id: 4242,
    opcode: 0,
    flags: { aa: true, rd: true, ra: true, cd: false },
    rcode: 0,
    question: questionOf(`_http._tcp.web.demo.svc.${Z}`, 33),
    answer: records,
    authority,
    additional: [...additional, ...misc],
    ...over,
  };
}

function toPacketAnswer(rr: ResourceRecord): Answer {
  return { ...rr, class: 'IN' } as unknown as Answer;
}

describe('message writer', () => {
  test('compressed output decodes exactly like dns-packet own (uncompressed) encoding, and is smaller', () => {
    const msg = message();
    const ours = emitMessage(msg, 65535);
    assert.equal(ours.truncated, false);
    const theirs = encode({
      type: 'response',
      id: 4242,
      flags: 0x8000 | 0x0400 | 0x0100 | 0x0080,
      questions: [{ name: `_http._tcp.web.demo.svc.${Z}`, type: 'SRV', class: 'IN' }],
      answers: msg.answer.map(toPacketAnswer),
      authorities: msg.authority.map(toPacketAnswer),
      additionals: msg.additional.map(toPacketAnswer),
    });
    assert.deepEqual(decode(ours.bytes), decode(theirs));
    assert.ok(ours.bytes.length < theirs.length * 0.7, `compressed ${ours.bytes.length} vs plain ${theirs.length}`);
  });

  test('an owner equal to the question is a pointer to offset 12; SRV targets stay uncompressed', () => {
    const q = questionOf(`web.demo.svc.${Z}`, 1);
    const out = emitMessage({ ...message(), question: q, answer: [{ name: `web.demo.svc.${Z}`, type: 'A', ttl: 5, data: '10.96.0.7' }], authority: [], additional: [] }, 512).bytes;
    const answerStart = 12 + q.wire.length + 4;
    assert.deepEqual([...out.subarray(answerStart, answerStart + 2)], [0xc0, 12]);
    assert.equal(out.length, answerStart + 2 + 10 + 4);
    const srv = emitMessage(message({ additional: [] }), 512).bytes;
    const target = Buffer.from(`\x0810-0-0-1\x03web\x04demo\x03svc\x07cluster\x05local\x00`, 'latin1');
    assert.ok(srv.includes(target), 'SRV target written in full');
  });

  test('case-insensitive compression: the answer follows the question case', () => {
    const q = questionOf(`Web.DEMO.svc.Cluster.local`, 1);
    const out = emitMessage({ ...message(), question: q, answer: [{ name: `web.demo.svc.${Z}`, type: 'A', ttl: 5, data: '10.96.0.7' }], authority: [], additional: [] }, 512).bytes;
    const d = decode(out);
    assert.equal(d.answers?.[0]?.name, 'Web.DEMO.svc.Cluster.local');
  });

  test('truncation keeps whole records that fit, sets TC, and keeps room for OPT', () => {
    const many: ResourceRecord[] = [];
    for (let i = 0; i < 100; i++) many.push({ name: `web.demo.svc.${Z}`, type: 'A', ttl: 5, data: `10.0.${i >> 8}.${i & 255}` });
    const q = questionOf(`web.demo.svc.${Z}`, 1);
    const base = { ...message(), question: q, answer: many, authority: [], additional: [] };
    const plain = emitMessage(base, 512);
    assert.equal(plain.truncated, true);
    assert.ok(plain.bytes.length <= 512);
    assert.equal(plain.counts.answer, Math.floor((512 - 12 - q.wire.length - 4) / 16));
    const d = decode(plain.bytes);
    assert.equal(d.flag_tc, true);
    assert.equal(d.answers?.length, plain.counts.answer);
    const withOpt = emitMessage({ ...base, edns: { udpSize: 1232, do: false } }, 1232);
    assert.equal(withOpt.truncated, true);
    assert.ok(withOpt.bytes.length <= 1232);
    assert.equal(decode(withOpt.bytes).additionals?.[0]?.type, 'OPT');
    const big = emitMessage({ ...base, edns: { udpSize: 4096, do: true } }, 4096);
    assert.equal(big.truncated, false);
    assert.equal(big.counts.answer, 100);
  });

  test('additional records that do not fit are dropped without TC', () => {
    const extra: ResourceRecord[] = [];
    for (let i = 0; i < 60; i++) extra.push({ name: `h${i}.web.demo.svc.${Z}`, type: 'A', ttl: 5, data: `10.0.0.${i}` });
    const r = emitMessage(message({ additional: extra, authority: [] }), 512);
    assert.equal(r.truncated, false);
    assert.ok(r.counts.additional > 0 && r.counts.additional < 60);
    assert.equal(decode(r.bytes).flag_tc, false);
  });

  test('extended rcode goes into the OPT record', () => {
    const r = emitMessage(message({ rcode: 16, answer: [], authority: [], additional: [], edns: { udpSize: 1232, do: false } }), 1232);
    const d = decode(r.bytes);
    const opt = d.additionals?.[0] as { extendedRcode?: number } | undefined;
    assert.equal(r.bytes[3]! & 0x0f, 0);
    assert.equal(opt?.extendedRcode, 1);
  });

  test('escaped labels round trip', () => {
    const q = questionOf('a\\.b.c\\032d.example', 1);
    assert.deepEqual(q.labels, ['a\\.b', 'c\\032d', 'example']);
    const out = emitMessage({ ...message(), question: q, answer: [{ name: 'a\\.b.c\\032d.example', type: 'CNAME', ttl: 1, data: 'x\\.y.example' }], authority: [], additional: [] }, 512);
    const answerAt = 12 + q.wire.length + 4;
    const owner = readName(out.bytes, answerAt, true);
    assert.deepEqual(owner?.labels, ['a\\.b', 'c\\032d', 'example']);
    assert.deepEqual(readName(out.bytes, owner!.end + 10, true)?.labels, ['x\\.y', 'example']);
    assert.ok(out.bytes.includes(Buffer.from('\x03a.b\x03c d\x07example\x00', 'latin1')));
  });

  test('a name that cannot be encoded throws instead of writing garbage', () => {
    assert.throws(() => emitMessage(message({ answer: [{ name: 'x'.repeat(64) + '.example', type: 'A', ttl: 1, data: '1.2.3.4' }] }), 512), /label length/);
    assert.throws(() => emitMessage(message({ answer: [{ name: 'ok.example', type: 'A', ttl: 1, data: '1.2.3' }] }), 512), /IPv4/);
  });
});
