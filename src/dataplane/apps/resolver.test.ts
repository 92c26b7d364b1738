import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIPv4, ipv4 } from '../../core/ip.js';
import { DNS_IP, makeLab, RESOLV_CONF, run, startTestDns, WEB_IP, WEB_POD, type Lab } from './_test-lab.js';
import { clusterFirstResolvConf, kubeletHostsFile, parseHosts, parseResolvConf } from './resolv-conf.js';
import { searchCandidates, StubResolver, type LookupOutcome } from './resolver.js';

const VIP = '10.101.129.209';

function resolver(lab: Lab, resolvConf = RESOLV_CONF, sent: string[] = []): StubResolver {
  return new StubResolver({
    stack: lab.client.stack,
    clock: lab.clock,
    conf: parseResolvConf(resolvConf),
    hosts: parseHosts(kubeletHostsFile(lab.client.ctx.podIP, lab.client.ctx.hostname)),
    onQuery: (name, server) => sent.push(`${name}@${formatIPv4(server.address)}`),
  });
}

function show(o: LookupOutcome): string {
  return o.kind === 'found' ? `${o.name} ${o.addresses.map(formatIPv4).join(',')} (${o.source})` : o.kind === 'not-found' || o.kind === 'failed' ? `${o.kind} ${o.reason}` : o.kind;
}

describe('resolv.conf', () => {
  test('parses the kubelet file and the options, with glibc defaults and caps', () => {
    const c = parseResolvConf(clusterFirstResolvConf('demons', '10.96.0.10'));
    assert.deepEqual(c, { nameservers: [ipv4(0x0a60000a)], search: ['demons.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], ndots: 5, timeoutMs: 5000, attempts: 2 });
    const d = parseResolvConf('# x\ndomain a.example\nnameserver 1.1.1.1\nnameserver ::1\nnameserver 2.2.2.2\nnameserver 3.3.3.3\nnameserver 4.4.4.4\noptions ndots:20 timeout:99 attempts:0 rotate\n');
    assert.deepEqual(d.nameservers.map(formatIPv4), ['1.1.1.1', '2.2.2.2', '3.3.3.3']);
    assert.deepEqual([d.search, d.ndots, d.timeoutMs, d.attempts], [['a.example'], 15, 30_000, 1]);
    const e = parseResolvConf('');
    assert.deepEqual([e.nameservers.map(formatIPv4), e.search, e.ndots], [['127.0.0.1'], [], 1]);
  });

  test('search candidates follow ndots', () => {
    const conf = parseResolvConf(RESOLV_CONF);
    assert.deepEqual(searchCandidates('nsxtestservice', conf), ['nsxtestservice.demons.svc.cluster.local', 'nsxtestservice.svc.cluster.local', 'nsxtestservice.cluster.local', 'nsxtestservice']);
    assert.deepEqual(searchCandidates('a.b.c.d.e.f', conf).slice(0, 2), ['a.b.c.d.e.f', 'a.b.c.d.e.f.demons.svc.cluster.local']);
    assert.deepEqual(searchCandidates('example.com.', conf), ['example.com']);
    assert.deepEqual(searchCandidates('example.com', { search: ['corp'], ndots: 1 }), ['example.com', 'example.com.corp']);
  });
});

describe('stub resolver', () => {
  test('nsxtestservice is asked as nsxtestservice.demons.svc.cluster.local first, and that answers', async () => {
    const lab = makeLab();
    const dns = startTestDns(lab.dns.stack, { records: { 'nsxtestservice.demons.svc.cluster.local': VIP } });
    const sent: string[] = [];
    const r = await run(lab, resolver(lab, RESOLV_CONF, sent).lookup('nsxtestservice'));
    assert.equal(show(r), `nsxtestservice.demons.svc.cluster.local ${VIP} (dns)`);
    assert.deepEqual(dns.queries, ['nsxtestservice.demons.svc.cluster.local']);
    assert.deepEqual(sent, [`nsxtestservice.demons.svc.cluster.local@${DNS_IP}`]);
  });

  test('NXDOMAIN moves down the search list in order; all NXDOMAIN is not-found', async () => {
    const lab = makeLab();
    const dns = startTestDns(lab.dns.stack, { records: { 'kubernetes.default.svc.cluster.local': '10.96.0.1' } });
    const r = await run(lab, resolver(lab).lookup('kubernetes.default'));
    assert.equal(show(r), 'kubernetes.default.svc.cluster.local 10.96.0.1 (dns)');
    assert.deepEqual(dns.queries, ['kubernetes.default.demons.svc.cluster.local', 'kubernetes.default.svc.cluster.local']);
    dns.queries.length = 0;
    const nx = await run(lab, resolver(lab).lookup('nosuch'));
    assert.equal(show(nx), 'not-found nxdomain');
    assert.deepEqual(dns.queries, ['nosuch.demons.svc.cluster.local', 'nosuch.svc.cluster.local', 'nosuch.cluster.local', 'nosuch']);
  });

  test('literals and /etc/hosts need no query', async () => {
    const lab = makeLab();
    const dns = startTestDns(lab.dns.stack, { records: {} });
    const res = resolver(lab);
    assert.equal(show(await run(lab, res.lookup(WEB_IP))), `${WEB_IP} ${WEB_IP} (literal)`);
    assert.equal(show(await run(lab, res.lookup('localhost'))), 'localhost 127.0.0.1 (hosts)');
    assert.equal(show(await run(lab, res.lookup(lab.client.ctx.hostname.toUpperCase()))), `${lab.client.ctx.hostname.toUpperCase()} 172.25.5.4 (hosts)`);
    assert.equal(show(await run(lab, res.lookup('bad..name'))), 'invalid');
    assert.deepEqual(dns.queries, []);
  });

  test('a server that never answers: attempts x timeout (2 x 5 s), then EAI_AGAIN without trying more names', async () => {
    const lab = makeLab();
    const dns = startTestDns(lab.dns.stack, { records: {}, silent: true });
    const t0 = lab.clock.now();
    const r = await run(lab, resolver(lab).lookup('nsxtestservice'));
    assert.equal(show(r), 'failed timeout');
    assert.equal(lab.clock.now() - t0, 10_000);
    assert.deepEqual(dns.queries, ['nsxtestservice.demons.svc.cluster.local', 'nsxtestservice.demons.svc.cluster.local']);
  });

  test('the next nameserver answers after the first one times out', async () => {
    const lab = makeLab();
    const good = lab.pod('coredns-2', '172.25.5.11/24');
    const silent = startTestDns(lab.dns.stack, { records: {}, silent: true });
    startTestDns(good.stack, { records: { [`${WEB_POD}.demons.svc.cluster.local`]: WEB_IP } });
    const t0 = lab.clock.now();
    const r = await run(lab, resolver(lab, `nameserver ${DNS_IP}\nnameserver 172.25.5.11\nsearch demons.svc.cluster.local\noptions ndots:5\n`).lookup(WEB_POD));
    assert.equal(show(r), `${WEB_POD}.demons.svc.cluster.local ${WEB_IP} (dns)`);
    assert.equal(lab.clock.now() - t0, 5000);
    assert.equal(silent.queries.length, 1);
  });

  test('ICMP port unreachable from the server fails the lookup at once', async () => {
    const lab = makeLab();
    const t0 = lab.clock.now();
    const r = await run(lab, resolver(lab).lookup('nsxtestservice'));
    assert.equal(show(r), 'failed refused');
    assert.ok(lab.clock.now() - t0 < 10, String(lab.clock.now() - t0));
  });

  test('a truncated UDP answer is asked again over TCP', async () => {
    const lab = makeLab();
    const name = 'big.demons.svc.cluster.local';
    const dns = startTestDns(lab.dns.stack, { records: { [name]: VIP }, truncate: [name] });
    const r = await run(lab, resolver(lab).lookup('big'));
    assert.equal(show(r), `${name} ${VIP} (dns)`);
    assert.deepEqual([dns.queries, dns.tcpQueries], [[name], [name]]);
  });

  test('abort stops a lookup in progress', async () => {
    const lab = makeLab();
    startTestDns(lab.dns.stack, { records: {}, silent: true });
    const ac = new AbortController();
    const p = resolver(lab).lookup('nsxtestservice', ac.signal);
    lab.clock.advance(1000);
    ac.abort('interrupt');
    assert.equal(show(await run(lab, p, 10)), 'aborted');
  });
});
