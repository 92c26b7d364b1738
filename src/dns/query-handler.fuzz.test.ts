// Throws 120,000 random and mutated packets at the handler. It must never throw, must
// drop what has no header (or is a response), and must answer everything else with a
// well-formed response that carries the query's id and fits the size limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from 'dns-packet';
import { DnsHandler } from './query-handler.js';
import { buildQuery, scanResponse } from './wire/index.js';
import { testIndex } from './_test-fixtures.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const Z = 'cluster.local';
const seeds: Buffer[] = [
  buildQuery(1, `svc1.testns.svc.${Z}`, 1),
  buildQuery(2, `_http._tcp.hdls1.testns.svc.${Z}`, 33, { ednsUdpSize: 1232, do: true }),
  buildQuery(3, `many.testns.svc.${Z}`, 1),
  buildQuery(4, '2.0.0.172.in-addr.arpa', 12),
  buildQuery(5, `nope.testns.svc.${Z}`, 28, { ednsUdpSize: 512 }),
  buildQuery(6, `external-to-service.testns.svc.${Z}`, 1),
  buildQuery(7, Z, 2),
  buildQuery(8, 'example.com', 1),
  buildQuery(9, `dns-version.${Z}`, 16, { ednsUdpSize: 4096 }),
];

test('fuzz: 120,000 random and mutated packets', () => {
  const h = new DnsHandler({ index: testIndex(), cacheMaxEntries: 1000 });
  const rand = rng(20260101);
  const int = (n: number) => Math.floor(rand() * n);
  let responses = 0;
  let drops = 0;
  const N = 120_000;
  for (let i = 0; i < N; i++) {
    let pkt: Buffer;
    const mode = i % 4;
    if (mode === 0) {
      pkt = Buffer.alloc(int(80));
      for (let j = 0; j < pkt.length; j++) pkt[j] = int(256);
      if (pkt.length >= 3 && rand() < 0.7) pkt[2]! &= 0x7f;
    } else {
      pkt = Buffer.from(seeds[int(seeds.length)]!);
      const flips = 1 + int(mode === 3 ? 12 : 3);
      for (let f = 0; f < flips; f++) {
        const at = int(pkt.length);
        pkt[at] = rand() < 0.5 ? int(256) : pkt[at]! ^ (1 << int(8));
      }
      if (mode === 2 && rand() < 0.5) pkt = pkt.subarray(0, int(pkt.length + 1));
      if (mode === 3 && rand() < 0.3) pkt = Buffer.concat([pkt, Buffer.from([int(256), int(256), int(256)])]);
    }
    const transport = i % 7 === 0 ? 'tcp' : 'udp';
    const out = h.respond(pkt, { transport });
    if (out.kind === 'drop') {
      drops++;
      assert.ok(pkt.length < 12 || (pkt[2]! & 0x80) !== 0, 'only headerless packets and responses are dropped');
      continue;
    }
    assert.equal(out.kind, 'response', 'nothing is forwarded without upstreams');
    if (out.kind !== 'response') continue;
    responses++;
    const r = out.bytes;
    assert.equal(r.readUInt16BE(0), pkt.readUInt16BE(0), 'id echoed');
    assert.ok((r[2]! & 0x80) !== 0, 'QR set');
    assert.ok(r.length <= (transport === 'tcp' ? 65535 : 4096));
    if (transport === 'udp' && !pkt.includes(Buffer.from([0, 0, 41]))) assert.ok(r.length <= 512, 'no EDNS: 512 octets at most');
    assert.ok(scanResponse(r) !== undefined, 'response walks');
    if (i % 97 === 0) decode(r);
  }
  assert.ok(responses > 50_000 && drops > 10_000, `responses ${responses}, drops ${drops}`);
});
