// The handler's wire contract: error rcodes, EDNS, truncation, flag echo, the response
// cache, forwarding (fake upstream transport) and metrics.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode, type Answer, type DecodedPacket } from 'dns-packet';
import { FakeClock } from '../core/index.js';
import { Forwarder } from './forwarder.js';
import { DnsMetrics } from './metrics.js';
import { DnsHandler } from './query-handler.js';
import type { ExchangeResult, Upstream, UpstreamTransport } from './upstream-transport.js';
import { buildQuery } from './wire/index.js';
import { ask, decodeReply, rrText, testIndex } from './_test-fixtures.js';

const Z = 'cluster.local';

/** An upstream answering from a table of name -> answers; counts exchanges. */
class FakeUpstream implements UpstreamTransport {
  exchanges = 0;
  failing = false;
  constructor(private readonly zone: Record<string, Answer[]>) {}
  exchange(_server: Upstream, query: Uint8Array, _proto: 'udp' | 'tcp'): Promise<ExchangeResult> {
    this.exchanges++;
    if (this.failing) return Promise.resolve({ ok: false, error: 'timeout' });
    const q = decode(Buffer.from(query)) as DecodedPacket;
    const question = q.questions![0]!;
    const answers = this.zone[question.name.toLowerCase()];
    const rcode = answers === undefined ? 'NXDOMAIN' : 'NOERROR';
    const bytes = encode({
      type: 'response',
      id: q.id!,
      flags: 0x8000 | 0x0080 | (q.flags! & 0x0100) | (rcode === 'NXDOMAIN' ? 3 : 0),
      questions: [question],
      answers: (answers ?? []).filter((a) => a.type === question.type || a.type === 'CNAME'),
      authorities: answers === undefined ? [{ name: 'example', type: 'SOA', ttl: 600, data: { mname: 'ns.example', rname: 'host.example', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 60 } }] : [],
    });
    return Promise.resolve({ ok: true, bytes });
  }
  close(): void {}
}

function raw(h: DnsHandler, bytes: Uint8Array, transport: 'udp' | 'tcp' = 'udp') {
  return h.handle(bytes, { transport });
}

describe('query handler: wire contract', () => {
  const h = new DnsHandler({ index: testIndex() });

  test('no header, or a response: dropped', async () => {
    assert.equal(await raw(h, new Uint8Array(5)), undefined);
    assert.equal(await raw(h, Buffer.from([0, 1, 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1])), undefined);
  });

  test('qdcount 0 or 2: FORMERR with the id', async () => {
    const r = await raw(h, Buffer.from([0xab, 0xcd, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    const d = decodeReply(r!);
    assert.equal(d.id, 0xabcd);
    assert.equal(d.rcode, 'FORMERR');
    const two = await raw(h, encode({ type: 'query', id: 7, questions: [{ name: 'a', type: 'A' }, { name: 'b', type: 'A' }] }));
    assert.equal(decodeReply(two!).rcode, 'FORMERR');
  });

  test('opcode other than QUERY: NOTIMP with the question', async () => {
    const q = buildQuery(5, `svc1.testns.svc.${Z}`, 6);
    q[2] = (4 << 3) | (q[2]! & 7);
    const d = decodeReply((await raw(h, q))!);
    assert.equal(d.rcode, 'NOTIMP');
    assert.equal(d.questions[0]?.name, `svc1.testns.svc.${Z}`);
  });

  test('EDNS version 1: BADVERS in the OPT record', async () => {
    const q = buildQuery(5, `svc1.testns.svc.${Z}`, 1, { ednsUdpSize: 1232 });
    q[q.length - 5] = 1;
    const r = (await raw(h, q))!;
    assert.equal(r[3]! & 0xf, 0);
    const opt = decodeReply(r).additionals[0] as unknown as { type: string; extendedRcode: number };
    assert.equal(opt.type, 'OPT');
    assert.equal(opt.extendedRcode, 1);
  });

  test('OPT is echoed (size capped at 4096, DO kept) only when the query had one', async () => {
    const withOpt = await ask(h, `svc1.testns.svc.${Z}`, 'A', { edns: 8192, do: true });
    const opt = withOpt.packet.additionals.find((a) => a.type === 'OPT') as unknown as { udpPayloadSize: number; flag_do: boolean };
    assert.equal(opt.udpPayloadSize, 4096);
    assert.equal(opt.flag_do, true);
    const small = await ask(h, `svc1.testns.svc.${Z}`, 'A', { edns: 1232 });
    assert.equal((small.packet.additionals[0] as unknown as { udpPayloadSize: number }).udpPayloadSize, 1232);
    const none = await ask(h, `svc1.testns.svc.${Z}`, 'A');
    assert.equal(none.packet.additionals.length, 0);
  });

  test('a big answer: TC within 512 without EDNS, whole with EDNS 4096 or over TCP, capped by maxUdpSize', async () => {
    const plain = await ask(h, `many.testns.svc.${Z}`, 'A');
    assert.equal(plain.packet.flag_tc, true);
    assert.ok(plain.bytes.length <= 512);
    assert.ok(plain.packet.answers.length > 20 && plain.packet.answers.length < 60);
    const edns = await ask(h, `many.testns.svc.${Z}`, 'A', { edns: 4096 });
    assert.equal(edns.packet.flag_tc, false);
    assert.equal(edns.packet.answers.length, 60);
    const tcp = await ask(h, `many.testns.svc.${Z}`, 'A', { ctx: { transport: 'tcp' } });
    assert.equal(tcp.packet.flag_tc, false);
    assert.equal(tcp.packet.answers.length, 60);
    const capped = await ask(h, `many.testns.svc.${Z}`, 'A', { edns: 4096, ctx: { transport: 'udp', maxUdpSize: 600 } });
    assert.equal(capped.packet.flag_tc, true);
    assert.ok(capped.bytes.length <= 600);
  });

  test('id, RD, CD and question case come from each query, also on cache hits', async () => {
    for (const [id, flags] of [[100, 0x0100], [200, 0x0010], [300, 0x0110]] as const) {
      const q = encode({ type: 'query', id, flags, questions: [{ name: `Svc1.testns.svc.${Z}`, type: 'A' }] });
      const d = decodeReply((await raw(h, q))!);
      assert.equal(d.id, id);
      assert.equal(d.flag_rd, (flags & 0x0100) !== 0);
      assert.equal(d.flag_cd, (flags & 0x0010) !== 0);
      assert.equal(d.flag_ra, true);
      assert.equal(d.answers[0]?.name, `Svc1.testns.svc.${Z}`);
    }
  });
});

describe('query handler: forwarding', () => {
  const upstreamZone: Record<string, Answer[]> = {
    'example.com': [{ name: 'example.com', type: 'A', ttl: 300, data: '192.0.2.10' }],
    'ext.interwebs.test': [{ name: 'ext.interwebs.test', type: 'A', ttl: 120, data: '192.0.2.53' }],
    '9.9.9.9.in-addr.arpa': [{ name: '9.9.9.9.in-addr.arpa', type: 'PTR', ttl: 100, data: 'dns9.example' }],
  };
  const setup = () => {
    const clock = new FakeClock();
    const upstream = new FakeUpstream(upstreamZone);
    const forwarder = new Forwarder({ upstreams: [{ host: '192.0.2.1', port: 53 }], transport: upstream, clock });
    const h = new DnsHandler({ index: testIndex(clock), forwarder });
    return { clock, upstream, h };
  };

  test('names outside the zone are relayed with the client id, then served from cache with aged TTLs', async () => {
    const { clock, upstream, h } = setup();
    const first = await ask(h, 'Example.COM', 'A');
    assert.deepEqual(first.packet.answers.map(rrText), ['example.com. 300 IN A 192.0.2.10']);
    assert.equal(first.packet.flag_aa, false);
    clock.advance(7_000);
    const second = await ask(h, 'example.com', 'A');
    assert.equal(second.packet.questions[0]?.name, 'example.com');
    assert.deepEqual(second.packet.answers.map(rrText), ['example.com. 293 IN A 192.0.2.10']);
    assert.equal(upstream.exchanges, 1);
    clock.advance(30_000);
    await ask(h, 'example.com', 'A');
    assert.equal(upstream.exchanges, 2, 'cache entries live at most 30 s');
    const nx = await ask(h, 'nope.example.com', 'A');
    assert.equal(nx.packet.rcode, 'NXDOMAIN');
    await ask(h, 'nope.example.com', 'A');
    assert.equal(upstream.exchanges, 3, 'negative answers are cached too');
  });

  test('unknown reverse names fall through to the upstream', async () => {
    const { h } = setup();
    assert.deepEqual((await ask(h, '9.9.9.9.in-addr.arpa', 'PTR')).packet.answers.map(rrText), ['9.9.9.9.in-addr.arpa. 100 IN PTR dns9.example.']);
  });

  test('ExternalName outside the zone: the CNAME, then the upstream answer for its target', async () => {
    const { h } = setup();
    const r = await ask(h, `external.testns.svc.${Z}`, 'A');
    assert.deepEqual(r.packet.answers.map(rrText), [`external.testns.svc.${Z}. 5 IN CNAME ext.interwebs.test.`, 'ext.interwebs.test. 120 IN A 192.0.2.53']);
    assert.equal(r.packet.flag_aa, true);
  });

  test('upstream failure: SERVFAIL for forwarded names, the CNAME alone for a chase', async () => {
    const { upstream, h } = setup();
    upstream.failing = true;
    const r = await ask(h, 'example.org', 'A');
    assert.equal(r.packet.rcode, 'SERVFAIL');
    const c = await ask(h, `external.testns.svc.${Z}`, 'A');
    assert.equal(c.packet.rcode, 'NOERROR');
    assert.deepEqual(c.packet.answers.map(rrText), [`external.testns.svc.${Z}. 5 IN CNAME ext.interwebs.test.`]);
  });
});

describe('query handler: metrics', () => {
  test('CoreDNS metric names and labels', async () => {
    const metrics = new DnsMetrics({ server: 'dns://127.0.0.1:53' });
    const h = new DnsHandler({ index: testIndex(), metrics });
    await ask(h, `svc1.testns.svc.${Z}`, 'A');
    await ask(h, `svc1.testns.svc.${Z}`, 'A');
    await ask(h, `nope.testns.svc.${Z}`, 'AAAA', { ctx: { transport: 'tcp', family: 6 } });
    const text = await metrics.render();
    assert.match(text, /coredns_dns_requests_total\{server="dns:\/\/127.0.0.1:53",zone=".",view="",proto="udp",family="1",type="A"\} 2/);
    assert.match(text, /coredns_dns_requests_total\{server="dns:\/\/127.0.0.1:53",zone=".",view="",proto="tcp",family="2",type="AAAA"\} 1/);
    assert.match(text, /coredns_dns_responses_total\{server="dns:\/\/127.0.0.1:53",zone=".",view="",rcode="NOERROR",plugin="kubernetes"\} 1/);
    assert.match(text, /coredns_dns_responses_total\{server="dns:\/\/127.0.0.1:53",zone=".",view="",rcode="NOERROR",plugin="cache"\} 1/);
    assert.match(text, /coredns_dns_responses_total\{[^}]*rcode="NXDOMAIN",plugin="kubernetes"\} 1/);
    assert.match(text, /coredns_dns_request_duration_seconds_count\{server="dns:\/\/127.0.0.1:53",zone=".",view=""\} 3/);
    assert.match(text, /coredns_dns_request_duration_seconds_bucket\{[^}]*le="0.00025"\} \d/);
    assert.match(text, /coredns_cache_hits_total\{[^}]*type="success"[^}]*\} 1/);
  });
});
