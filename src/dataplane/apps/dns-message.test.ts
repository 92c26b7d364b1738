import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode } from 'dns-packet';
import { answersQuery, encodeQuery, parseReply, reverseName, validDomainName } from './dns-message.js';

describe('DNS messages', () => {
  test('queries carry id, RD, AD and the OPT record as asked', () => {
    const q = decode(Buffer.from(encodeQuery({ id: 4321, name: 'a.example', type: 'A', recursionDesired: true, authenticData: true, ednsUdpSize: 4096 })));
    assert.equal(q.id, 4321);
    assert.equal(q.flag_rd, true);
    assert.equal(q.flag_ad, true);
    assert.deepEqual(q.questions, [{ name: 'a.example', type: 'A', class: 'IN' }]);
    assert.equal(q.additionals?.[0]?.type, 'OPT');
    const bare = decode(Buffer.from(encodeQuery({ id: 1, name: '', type: 'NS', recursionDesired: false })));
    assert.deepEqual([bare.flag_rd, bare.questions?.[0]?.name, bare.additionals?.length], [false, '.', 0]);
  });

  test('replies become records with dig presentation text', () => {
    const wire = encode({
      type: 'response',
      id: 7,
      flags: 0x8400 | 0x0100 | 3,
      questions: [{ name: 'www.example', type: 'A', class: 'IN' }],
      answers: [
        { type: 'CNAME', name: 'www.example', ttl: 30, class: 'IN', data: 'web.example' },
        { type: 'A', name: 'web.example', ttl: 30, class: 'IN', data: '10.0.0.1' },
        { type: 'MX', name: 'example', ttl: 30, class: 'IN', data: { preference: 10, exchange: 'mx.example' } },
        { type: 'SRV', name: '_http._tcp.example', ttl: 5, class: 'IN', data: { priority: 0, weight: 100, port: 80, target: 'web.example' } },
        { type: 'TXT', name: 'example', ttl: 5, class: 'IN', data: ['v=1', 'x y'] },
      ],
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
    });
    const r = parseReply(new Uint8Array(wire));
    assert.ok(r.ok);
    const rep = r.value;
    assert.deepEqual([rep.id, rep.rcode, rep.flags.qr, rep.flags.aa, rep.flags.rd, rep.flags.ra, rep.size], [7, 3, true, true, true, false, wire.length]);
    assert.deepEqual(rep.answers.map((a) => `${a.name} ${a.type} ${a.rdata}`), [
      'www.example CNAME web.example.',
      'web.example A 10.0.0.1',
      'example MX 10 mx.example.',
      '_http._tcp.example SRV 0 100 80 web.example.',
      'example TXT "v=1" "x y"',
    ]);
    assert.equal(rep.answers[0]!.target, 'web.example');
    assert.deepEqual(rep.edns, { version: 0, udpSize: 1232, do: false });
    assert.equal(rep.additionals.length, 0);
    assert.equal(answersQuery(rep, { id: 7, name: 'WWW.example.', type: 'A', recursionDesired: true }), true);
    assert.equal(answersQuery(rep, { id: 8, name: 'www.example', type: 'A', recursionDesired: true }), false);
    assert.equal(answersQuery(rep, { id: 7, name: 'www.example', type: 'TXT', recursionDesired: true }), false);
  });

  test('garbage is an error, never an exception', () => {
    assert.equal(parseReply(new Uint8Array(5)).ok, false);
    const junk = new Uint8Array(40).fill(0xff);
    assert.equal(parseReply(junk).ok, false);
  });

  test('names', () => {
    assert.equal(reverseName('10.96.0.10'), '10.0.96.10.in-addr.arpa');
    assert.equal(reverseName('nope'), undefined);
    assert.equal(validDomainName('a.b.'), true);
    assert.equal(validDomainName('a..b'), false);
    assert.equal(validDomainName(`${'x'.repeat(64)}.com`), false);
    assert.equal(validDomainName('has space'), false);
  });
});
