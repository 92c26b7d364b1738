// Table-driven cases in CoreDNS's style (qname, qtype -> rcode, answer, authority,
// additional), asked through the real wire format: dns-packet encodes each query, the
// handler answers, dns-packet decodes the response. Sections are compared sorted.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordType } from 'dns-packet';
import { FakeClock } from '../core/index.js';
import { DnsIndex } from './cluster-index.js';
import type { EngineConfig } from './engine-config.js';
import { DnsHandler } from './query-handler.js';
import { ask, clusterIP, rrText, SERIAL, soaLine, testIndex } from './_test-fixtures.js';

interface Case {
  readonly qname: string;
  readonly qtype: RecordType | 'ANY';
  readonly rcode: string;
  readonly answer?: readonly string[];
  readonly ns?: readonly string[];
  readonly extra?: readonly string[];
  readonly aa?: boolean;
}

const Z = 'cluster.local';
const SOA = soaLine();
const nx = (qname: string, qtype: Case['qtype'] = 'A'): Case => ({ qname, qtype, rcode: 'NXDOMAIN', ns: [SOA] });
const nodata = (qname: string, qtype: Case['qtype']): Case => ({ qname, qtype, rcode: 'NOERROR', ns: [SOA] });

const cases: readonly Case[] = [
  // ClusterIP services
  { qname: `svc1.testns.svc.${Z}`, qtype: 'A', rcode: 'NOERROR', answer: [`svc1.testns.svc.${Z}. 5 IN A 10.0.0.1`] },
  nodata(`svc1.testns.svc.${Z}`, 'AAAA'),
  nodata(`svc1.testns.svc.${Z}`, 'TXT'),
  nodata(`svc1.testns.svc.${Z}`, 'SOA'),
  nodata(`svc1.testns.svc.${Z}`, 'PTR'),
  nodata(`svc1.testns.svc.${Z}`, 'CNAME'),
  nodata(`svc1.testns.svc.${Z}`, 'ANY'),
  { qname: `svcempty.testns.svc.${Z}`, qtype: 'A', rcode: 'NOERROR', answer: [`svcempty.testns.svc.${Z}. 5 IN A 10.0.0.2`] },
  { qname: `svc6.testns.svc.${Z}`, qtype: 'AAAA', rcode: 'NOERROR', answer: [`svc6.testns.svc.${Z}. 5 IN AAAA 1234:abcd::1`] },
  nodata(`svc6.testns.svc.${Z}`, 'A'),
  { qname: `svc-dual-stack.testns.svc.${Z}`, qtype: 'A', rcode: 'NOERROR', answer: [`svc-dual-stack.testns.svc.${Z}. 5 IN A 10.0.0.3`] },
  { qname: `svc-dual-stack.testns.svc.${Z}`, qtype: 'AAAA', rcode: 'NOERROR', answer: [`svc-dual-stack.testns.svc.${Z}. 5 IN AAAA 10::3`] },
  // SRV
  {
    qname: `svc1.testns.svc.${Z}`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    answer: [`svc1.testns.svc.${Z}. 5 IN SRV 0 100 80 svc1.testns.svc.${Z}.`],
    extra: [`svc1.testns.svc.${Z}. 5 IN A 10.0.0.1`],
  },
  {
    qname: `_http._tcp.svc1.testns.svc.${Z}`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    answer: [`_http._tcp.svc1.testns.svc.${Z}. 5 IN SRV 0 100 80 svc1.testns.svc.${Z}.`],
    extra: [`svc1.testns.svc.${Z}. 5 IN A 10.0.0.1`],
  },
  {
    qname: `http.tcp.svc1.testns.svc.${Z}`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    answer: [`http.tcp.svc1.testns.svc.${Z}. 5 IN SRV 0 100 80 svc1.testns.svc.${Z}.`],
    extra: [`svc1.testns.svc.${Z}. 5 IN A 10.0.0.1`],
  },
  nodata(`_http._tcp.svc1.testns.svc.${Z}`, 'A'),
  nx(`_https._tcp.svc1.testns.svc.${Z}`, 'SRV'),
  nx(`_http._udp.svc1.testns.svc.${Z}`, 'SRV'),
  nx(`_._tcp.svc1.testns.svc.${Z}`, 'SRV'),
  {
    qname: `_http._tcp.svc6.testns.svc.${Z}`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    answer: [`_http._tcp.svc6.testns.svc.${Z}. 5 IN SRV 0 100 80 svc6.testns.svc.${Z}.`],
    extra: [`svc6.testns.svc.${Z}. 5 IN AAAA 1234:abcd::1`],
  },
  {
    qname: `svc-dual-stack.testns.svc.${Z}`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    answer: [`svc-dual-stack.testns.svc.${Z}. 5 IN SRV 0 50 80 svc-dual-stack.testns.svc.${Z}.`],
    extra: [`svc-dual-stack.testns.svc.${Z}. 5 IN A 10.0.0.3`, `svc-dual-stack.testns.svc.${Z}. 5 IN AAAA 10::3`],
  },
  {
    qname: `multiport.testns.svc.${Z}`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    answer: [80, 443, 53, 8080].map((p) => `multiport.testns.svc.${Z}. 5 IN SRV 0 25 ${p} multiport.testns.svc.${Z}.`),
    extra: [`multiport.testns.svc.${Z}. 5 IN A 10.0.0.4`],
  },
  {
    qname: `_dns._udp.multiport.testns.svc.${Z}`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    answer: [`_dns._udp.multiport.testns.svc.${Z}. 5 IN SRV 0 100 53 multiport.testns.svc.${Z}.`],
    extra: [`multiport.testns.svc.${Z}. 5 IN A 10.0.0.4`],
  },
  nx(`_dns._tcp.multiport.testns.svc.${Z}`, 'SRV'),
  // Nonexistent names, namespaces and empty non-terminals
  nx(`svc0.testns.svc.${Z}`),
  nx(`svc0.testns.svc.${Z}`, 'AAAA'),
  nx(`svc0.testns.svc.${Z}`, 'TXT'),
  nx(`svc0.svc-nons.svc.${Z}`),
  nx(`bogusendpoint.svc0.testns.svc.${Z}`),
  nx(`a.b.c.svc1.testns.svc.${Z}`),
  nodata(`testns.svc.${Z}`, 'A'),
  nodata(`testns.svc.${Z}`, 'NS'),
  nodata(`empty-ns.svc.${Z}`, 'A'),
  nx(`nonexistent-ns.svc.${Z}`),
  nodata(`svc.${Z}`, 'A'),
  nodata(`svc.${Z}`, 'TXT'),
  nodata(`svc.${Z}`, 'NS'),
  nodata(`pod.${Z}`, 'A'),
  nx(`foo.${Z}`, 'NS'),
  nx(`foo.svc.${Z}`, 'NS'),
  nx(`dns.${Z}`),
  // No wildcards (removed in CoreDNS 1.9.0)
  nx(`*.testns.svc.${Z}`),
  nx(`any.testns.svc.${Z}`),
  nx(`*.svc1.testns.svc.${Z}`),
  nx(`_*._tcp.svc1.testns.svc.${Z}`, 'SRV'),
  // Schema version
  { qname: `dns-version.${Z}`, qtype: 'TXT', rcode: 'NOERROR', answer: [`dns-version.${Z}. 28800 IN TXT "1.1.0"`] },
  nodata(`dns-version.${Z}`, 'A'),
  // Headless services
  {
    qname: `hdls1.testns.svc.${Z}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: ['172.0.0.2', '172.0.0.3', '172.0.0.4', '172.0.0.5'].map((ip) => `hdls1.testns.svc.${Z}. 5 IN A ${ip}`),
  },
  { qname: `hdls1.testns.svc.${Z}`, qtype: 'AAAA', rcode: 'NOERROR', answer: ['5678:abcd::1', '5678:abcd::2'].map((ip) => `hdls1.testns.svc.${Z}. 5 IN AAAA ${ip}`) },
  {
    qname: `_http._tcp.hdls1.testns.svc.${Z}`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    answer: ['172-0-0-2', '172-0-0-3', '5678-abcd--1', '5678-abcd--2', 'dup-name'].map((h) => `_http._tcp.hdls1.testns.svc.${Z}. 5 IN SRV 0 16 80 ${h}.hdls1.testns.svc.${Z}.`),
    extra: [
      `172-0-0-2.hdls1.testns.svc.${Z}. 5 IN A 172.0.0.2`,
      `172-0-0-3.hdls1.testns.svc.${Z}. 5 IN A 172.0.0.3`,
      `5678-abcd--1.hdls1.testns.svc.${Z}. 5 IN AAAA 5678:abcd::1`,
      `5678-abcd--2.hdls1.testns.svc.${Z}. 5 IN AAAA 5678:abcd::2`,
      `dup-name.hdls1.testns.svc.${Z}. 5 IN A 172.0.0.4`,
      `dup-name.hdls1.testns.svc.${Z}. 5 IN A 172.0.0.5`,
    ],
  },
  { qname: `dup-name.hdls1.testns.svc.${Z}`, qtype: 'A', rcode: 'NOERROR', answer: ['172.0.0.4', '172.0.0.5'].map((ip) => `dup-name.hdls1.testns.svc.${Z}. 5 IN A ${ip}`) },
  { qname: `172-0-0-2.hdls1.testns.svc.${Z}`, qtype: 'A', rcode: 'NOERROR', answer: [`172-0-0-2.hdls1.testns.svc.${Z}. 5 IN A 172.0.0.2`] },
  { qname: `5678-abcd--1.hdls1.testns.svc.${Z}`, qtype: 'AAAA', rcode: 'NOERROR', answer: [`5678-abcd--1.hdls1.testns.svc.${Z}. 5 IN AAAA 5678:abcd::1`] },
  nodata(`5678-abcd--1.hdls1.testns.svc.${Z}`, 'A'),
  {
    qname: `dup-name.hdls1.testns.svc.${Z}`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    answer: [`dup-name.hdls1.testns.svc.${Z}. 5 IN SRV 0 50 80 dup-name.hdls1.testns.svc.${Z}.`],
    extra: [`dup-name.hdls1.testns.svc.${Z}. 5 IN A 172.0.0.4`, `dup-name.hdls1.testns.svc.${Z}. 5 IN A 172.0.0.5`],
  },
  nx(`bogusendpoint.hdls1.testns.svc.${Z}`),
  nx(`172-0-0-9.hdls1.testns.svc.${Z}`),
  { qname: `hdlsprtls.testns.svc.${Z}`, qtype: 'A', rcode: 'NOERROR', answer: [`hdlsprtls.testns.svc.${Z}. 5 IN A 172.0.0.20`] },
  { qname: `172-0-0-20.hdlsprtls.testns.svc.${Z}`, qtype: 'A', rcode: 'NOERROR', answer: [`172-0-0-20.hdlsprtls.testns.svc.${Z}. 5 IN A 172.0.0.20`] },
  nodata(`hdlsprtls.testns.svc.${Z}`, 'SRV'),
  nx(`hdlsempty.testns.svc.${Z}`),
  nx(`hdlsempty.testns.svc.${Z}`, 'SRV'),
  // Endpoint names also exist under ClusterIP services (CoreDNS)
  { qname: `10-1-0-1.svc1.testns.svc.${Z}`, qtype: 'A', rcode: 'NOERROR', answer: [`10-1-0-1.svc1.testns.svc.${Z}. 5 IN A 10.1.0.1`] },
  // ExternalName
  { qname: `external.testns.svc.${Z}`, qtype: 'CNAME', rcode: 'NOERROR', answer: [`external.testns.svc.${Z}. 5 IN CNAME ext.interwebs.test.`] },
  { qname: `external.testns.svc.${Z}`, qtype: 'A', rcode: 'NOERROR', answer: [`external.testns.svc.${Z}. 5 IN CNAME ext.interwebs.test.`] },
  {
    qname: `external-to-service.testns.svc.${Z}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`external-to-service.testns.svc.${Z}. 5 IN CNAME svc1.testns.svc.${Z}.`, `svc1.testns.svc.${Z}. 5 IN A 10.0.0.1`],
  },
  { qname: `to-nowhere.testns.svc.${Z}`, qtype: 'A', rcode: 'NXDOMAIN', answer: [`to-nowhere.testns.svc.${Z}. 5 IN CNAME nope.testns.svc.${Z}.`], ns: [SOA] },
  {
    qname: `loop-a.testns.svc.${Z}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`loop-a.testns.svc.${Z}. 5 IN CNAME loop-b.testns.svc.${Z}.`, `loop-b.testns.svc.${Z}. 5 IN CNAME loop-a.testns.svc.${Z}.`],
  },
  nx(`endpoint.external.testns.svc.${Z}`, 'CNAME'),
  nx(`subdomain.subdomain.external.testns.svc.${Z}`, 'CNAME'),
  // Apex
  { qname: Z, qtype: 'SOA', rcode: 'NOERROR', answer: [SOA] },
  { qname: Z, qtype: 'NS', rcode: 'NOERROR', answer: [`${Z}. 5 IN NS kube-dns.kube-system.svc.${Z}.`], extra: [`kube-dns.kube-system.svc.${Z}. 5 IN A 10.96.0.10`] },
  nodata(Z, 'A'),
  { qname: `ns.dns.${Z}`, qtype: 'A', rcode: 'NOERROR', answer: [`ns.dns.${Z}. 5 IN A 10.96.0.10`] },
  { qname: Z, qtype: 'AXFR', rcode: 'REFUSED', aa: false },
  { qname: Z, qtype: 'IXFR', rcode: 'REFUSED', aa: false },
  // Reverse
  { qname: '1.0.0.10.in-addr.arpa', qtype: 'PTR', rcode: 'NOERROR', answer: [`1.0.0.10.in-addr.arpa. 5 IN PTR svc1.testns.svc.${Z}.`] },
  { qname: '2.0.0.172.in-addr.arpa', qtype: 'PTR', rcode: 'NOERROR', answer: [`2.0.0.172.in-addr.arpa. 5 IN PTR 172-0-0-2.hdls1.testns.svc.${Z}.`] },
  { qname: '4.0.0.172.in-addr.arpa', qtype: 'PTR', rcode: 'NOERROR', answer: [`4.0.0.172.in-addr.arpa. 5 IN PTR dup-name.hdls1.testns.svc.${Z}.`] },
  {
    qname: '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa',
    qtype: 'PTR',
    rcode: 'NOERROR',
    answer: [`1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa. 5 IN PTR svc6.testns.svc.${Z}.`],
  },
  { qname: '1.0.0.10.in-addr.arpa', qtype: 'A', rcode: 'NOERROR', ns: [soaLine('in-addr.arpa')] },
  // A reverse name we know nothing about falls through to the forwarder; with none, SERVFAIL.
  { qname: '9.9.9.9.in-addr.arpa', qtype: 'PTR', rcode: 'SERVFAIL', aa: false },
  // Outside the zone, no upstreams
  { qname: 'example.com', qtype: 'A', rcode: 'SERVFAIL', aa: false },
  { qname: 'cluster.local.example.com', qtype: 'A', rcode: 'SERVFAIL', aa: false },
  // Pod records are disabled by default
  nx(`1-2-3-4.testns.pod.${Z}`),
  nx(`testns.pod.${Z}`),
];

function sorted(xs: readonly string[] | undefined): string[] {
  return [...(xs ?? [])].sort();
}

async function check(h: DnsHandler, c: Case): Promise<void> {
  const { packet } = await ask(h, c.qname, c.qtype);
  const label = `${c.qname} ${c.qtype}`;
  assert.equal(packet.rcode, c.rcode, `${label}: rcode`);
  assert.equal(packet.flag_aa, c.aa ?? true, `${label}: AA`);
  assert.equal(packet.flag_tc, false, `${label}: TC`);
  assert.deepEqual(sorted(packet.answers.map(rrText)), sorted(c.answer), `${label}: answer`);
  assert.deepEqual(sorted(packet.authorities.map(rrText)), sorted(c.ns), `${label}: authority`);
  assert.deepEqual(sorted(packet.additionals.map(rrText)), sorted(c.extra), `${label}: additional`);
}

describe('answer engine, CoreDNS-style table', () => {
  const h = new DnsHandler({ index: testIndex(), config: { localIPs: ['172.17.0.10'] } });
  for (const c of cases) test(`${c.qname} ${c.qtype} -> ${c.rcode}`, () => check(h, c));

  test('the same table answers identically with the response cache off and on a second pass', async () => {
    const uncached = new DnsHandler({ index: testIndex(), config: { localIPs: ['172.17.0.10'] }, cacheMaxEntries: 0 });
    for (const c of cases) await check(uncached, c);
    for (const c of cases) await check(h, c);
  });
});

describe('answer engine, other settings and states', () => {
  const config = (c: Partial<EngineConfig>) => ({ localIPs: ['172.17.0.10'], ...c });

  test('names keep the asker case; lookups ignore it', async () => {
    const h = new DnsHandler({ index: testIndex() });
    for (let i = 0; i < 2; i++) {
      const { packet } = await ask(h, 'SVC1.TestNS.svc.Cluster.Local', 'A');
      assert.equal(packet.questions[0]!.name, 'SVC1.TestNS.svc.Cluster.Local');
      assert.deepEqual(packet.answers.map(rrText), ['SVC1.TestNS.svc.Cluster.Local. 5 IN A 10.0.0.1']);
      const other = await ask(h, 'svc1.testns.SVC.cluster.local', 'A');
      assert.equal(other.packet.answers[0]!.name, 'svc1.testns.SVC.cluster.local');
    }
    const neg = await ask(h, 'NOPE.testns.svc.CLUSTER.local', 'A');
    assert.deepEqual(neg.packet.authorities.map(rrText), [soaLine('CLUSTER.local')]);
  });

  test('before the first sync, names that would not exist are SERVFAIL with the SOA; known data still answers', async () => {
    const clock = new FakeClock();
    const ix = new DnsIndex(clock);
    ix.upsertService(clusterIP('testns', 'svc1', ['10.0.0.1']));
    const h = new DnsHandler({ index: ix });
    const miss = await ask(h, `svc0.testns.svc.${Z}`, 'A');
    assert.equal(miss.packet.rcode, 'SERVFAIL');
    assert.deepEqual(miss.packet.authorities.map(rrText), [soaLine()]);
    assert.equal((await ask(h, `svc1.testns.svc.${Z}`, 'A')).packet.answers.length, 1);
    ix.setSynced(true);
    assert.equal((await ask(h, `svc0.testns.svc.${Z}`, 'A')).packet.rcode, 'NXDOMAIN');
  });

  test('the SOA serial is the second of the last change, and changes reach answers at once', async () => {
    const clock = new FakeClock();
    const ix = testIndex(clock);
    const h = new DnsHandler({ index: ix });
    assert.equal((await ask(h, `svc9.testns.svc.${Z}`, 'A')).packet.rcode, 'NXDOMAIN');
    clock.advance(42_000);
    ix.upsertService(clusterIP('testns', 'svc9', ['10.0.0.9']));
    const r = await ask(h, `svc9.testns.svc.${Z}`, 'A');
    assert.deepEqual(r.packet.answers.map(rrText), [`svc9.testns.svc.${Z}. 5 IN A 10.0.0.9`]);
    assert.deepEqual((await ask(h, `svc9.testns.svc.${Z}`, 'AAAA')).packet.authorities.map(rrText), [soaLine(Z, SERIAL + 42)]);
    ix.deleteService('testns', 'svc9');
    assert.equal((await ask(h, `svc9.testns.svc.${Z}`, 'A')).packet.rcode, 'NXDOMAIN');
  });

  test('pod records: insecure answers any address in an existing namespace', async () => {
    const h = new DnsHandler({ index: testIndex(), config: config({ pods: 'insecure' }) });
    assert.deepEqual((await ask(h, `1-2-3-4.testns.pod.${Z}`, 'A')).packet.answers.map(rrText), [`1-2-3-4.testns.pod.${Z}. 5 IN A 1.2.3.4`]);
    assert.deepEqual((await ask(h, `fd00--1.testns.pod.${Z}`, 'AAAA')).packet.answers.map(rrText), [`fd00--1.testns.pod.${Z}. 5 IN AAAA fd00::1`]);
    assert.equal((await ask(h, `1-2-3-4.testns.pod.${Z}`, 'AAAA')).packet.rcode, 'NOERROR');
    assert.equal((await ask(h, `1-2-3-999.testns.pod.${Z}`, 'A')).packet.rcode, 'NXDOMAIN');
    assert.equal((await ask(h, `1-2-3-4.nonexistent.pod.${Z}`, 'A')).packet.rcode, 'NXDOMAIN');
    assert.equal((await ask(h, `x.1-2-3-4.testns.pod.${Z}`, 'A')).packet.rcode, 'NXDOMAIN');
    const ent = await ask(h, `testns.pod.${Z}`, 'A');
    assert.equal(ent.packet.rcode, 'NOERROR');
    assert.equal(ent.packet.answers.length, 0);
  });

  test('pod records: verified answers only addresses of pods in that namespace', async () => {
    const h = new DnsHandler({ index: testIndex(), config: config({ pods: 'verified' }) });
    assert.deepEqual((await ask(h, `172-0-0-2.testns.pod.${Z}`, 'A')).packet.answers.map(rrText), [`172-0-0-2.testns.pod.${Z}. 5 IN A 172.0.0.2`]);
    assert.equal((await ask(h, `172-0-0-2.default.pod.${Z}`, 'A')).packet.rcode, 'NXDOMAIN');
    assert.equal((await ask(h, `1-2-3-4.testns.pod.${Z}`, 'A')).packet.rcode, 'NXDOMAIN');
  });

  test('without fallthrough, an unknown reverse name is NXDOMAIN with the reverse zone SOA', async () => {
    const h = new DnsHandler({ index: testIndex(), config: config({ fallthroughReverse: false }) });
    const r = await ask(h, '9.9.9.9.in-addr.arpa', 'PTR');
    assert.equal(r.packet.rcode, 'NXDOMAIN');
    assert.deepEqual(r.packet.authorities.map(rrText), [soaLine('in-addr.arpa')]);
  });

  test('NS and ns.dns without a matching endpoint use ns.dns.<zone> and the local addresses', async () => {
    const h = new DnsHandler({ index: testIndex(), config: config({ localIPs: ['127.0.0.1'] }) });
    const ns = await ask(h, Z, 'NS');
    assert.deepEqual(ns.packet.answers.map(rrText), [`${Z}. 5 IN NS ns.dns.${Z}.`]);
    assert.deepEqual(ns.packet.additionals.map(rrText), [`ns.dns.${Z}. 5 IN A 127.0.0.1`]);
  });

  test('another cluster domain', async () => {
    const ix = new DnsIndex(new FakeClock());
    ix.upsertService(clusterIP('default', 'web', ['10.96.5.5']));
    ix.setSynced(true);
    const h = new DnsHandler({ index: ix, config: { zone: 'corp.example.' } });
    assert.deepEqual((await ask(h, 'web.default.svc.corp.example', 'A')).packet.answers.map(rrText), ['web.default.svc.corp.example. 5 IN A 10.96.5.5']);
    assert.equal((await ask(h, 'web.default.svc.cluster.local', 'A')).packet.rcode, 'SERVFAIL');
  });

  test('classes other than IN inside the zone are refused', async () => {
    const h = new DnsHandler({ index: testIndex() });
    assert.equal((await ask(h, `svc1.testns.svc.${Z}`, 'A', { klass: 'CH' })).packet.rcode, 'REFUSED');
    assert.equal((await ask(h, `svc1.testns.svc.${Z}`, 'A', { klass: 'ANY' })).packet.answers.length, 1);
  });
});
