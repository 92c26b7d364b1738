// DnsServer on 127.0.0.1:<free port>, fed by the fixture index, queried with the real
// `dig` (Debian bind9-dnsutils) and with raw UDP/TCP sockets.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import { DnsServer } from './dns-server.js';
import { DnsMetrics, serveMetrics } from './metrics.js';
import { DnsHandler } from './query-handler.js';
import { buildQuery } from './wire/index.js';

const Z = 'cluster.local';
import { dig, requireDig, section, status } from './_dig.js';
import { decodeReply, rrText, testIndex } from './_test-fixtures.js';

describe('DnsServer with dig', () => {
  const metrics = new DnsMetrics();
  const server = new DnsServer({ handler: new DnsHandler({ index: testIndex(), metrics }), tcpIdleTimeoutMs: 300 });
  let port = 0;
  let metricsServer: { port: number; close(): Promise<void> } | undefined;

  before(async () => {
    await requireDig();
    port = (await server.start()).port;
    metricsServer = await serveMetrics(metrics.registry, '127.0.0.1', 0);
  });
  after(async () => {
    await server.close();
    await metricsServer?.close();
  });

  test('A, AAAA, SRV and PTR', async () => {
    assert.equal((await dig(port, '+short', `svc1.testns.svc.${Z}`)).trim(), '10.0.0.1');
    assert.equal((await dig(port, '+short', 'AAAA', `svc6.testns.svc.${Z}`)).trim(), '1234:abcd::1');
    const srv = await dig(port, 'SRV', `_http._tcp.hdls1.testns.svc.${Z}`);
    assert.equal(status(srv), 'NOERROR');
    assert.equal(section(srv, 'ANSWER').length, 5);
    assert.equal(section(srv, 'ADDITIONAL').filter((l) => / IN (A|AAAA) /.test(l)).length, 6);
    assert.equal((await dig(port, '+short', '-x', '10.0.0.1')).trim(), `svc1.testns.svc.${Z}.`);
  });

  test('NXDOMAIN and NODATA carry the SOA; flags aa and ra', async () => {
    const nx = await dig(port, `nope.testns.svc.${Z}`);
    assert.equal(status(nx), 'NXDOMAIN');
    assert.match(nx, /flags: qr aa rd ra;/);
    assert.deepEqual(section(nx, 'AUTHORITY'), [`${Z}. 5 IN SOA ns.dns.${Z}. hostmaster.${Z}. 1767225600 7200 1800 86400 5`]);
    const nodata = await dig(port, 'AAAA', `svc1.testns.svc.${Z}`);
    assert.equal(status(nodata), 'NOERROR');
    assert.equal(section(nodata, 'ANSWER').length, 0);
    assert.equal(section(nodata, 'AUTHORITY').length, 1);
  });

  test('a truncated UDP answer makes dig retry over TCP and get everything', async () => {
    const out = await dig(port, '+noedns', `many.testns.svc.${Z}`);
    assert.match(out, /Truncated, retrying in TCP mode/);
    assert.equal(section(out, 'ANSWER').length, 60);
    const tcp = await dig(port, '+tcp', `svc1.testns.svc.${Z}`);
    assert.deepEqual(section(tcp, 'ANSWER'), [`svc1.testns.svc.${Z}. 5 IN A 10.0.0.1`]);
  });

  test('TCP: pipelined queries on one connection, split frames, idle timeout', async () => {
    const sock = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
    const frames = [1, 2, 3].map((id) => {
      const q = buildQuery(id, `svc1.testns.svc.${Z}`, 1);
      const len = Buffer.alloc(2);
      len.writeUInt16BE(q.length);
      return Buffer.concat([len, q]);
    });
    const all = Buffer.concat(frames);
    let got = Buffer.alloc(0);
    const closed = new Promise<number>((resolve) => {
      const t0 = Date.now();
      sock.on('close', () => resolve(Date.now() - t0));
    });
    sock.on('data', (d: Buffer) => (got = Buffer.concat([got, d])));
    sock.write(all.subarray(0, 5));
    await new Promise((r) => setTimeout(r, 20));
    sock.write(all.subarray(5));
    const idleFor = await closed;
    const ids: number[] = [];
    while (got.length >= 2) {
      const len = got.readUInt16BE(0);
      const msg = decodeReply(got.subarray(2, 2 + len));
      ids.push(msg.id);
      assert.deepEqual(msg.answers.map(rrText), [`svc1.testns.svc.${Z}. 5 IN A 10.0.0.1`]);
      got = got.subarray(2 + len);
    }
    assert.deepEqual(ids, [1, 2, 3]);
    assert.ok(idleFor >= 250 && idleFor < 5000, `closed after ${idleFor} ms idle`);
  });

  test('garbage over UDP is survived: dropped or FORMERR, and the next query is answered', async () => {
    const s = dgram.createSocket('udp4');
    const got: Buffer[] = [];
    const two = new Promise<void>((resolve) =>
      s.on('message', (m) => {
        got.push(m);
        if (got.length === 2) resolve();
      }),
    );
    const headerOnlyZeros = Buffer.alloc(300);
    headerOnlyZeros.writeUInt16BE(0x1234, 0);
    for (const junk of [Buffer.alloc(0), Buffer.from([1, 2, 3]), Buffer.alloc(300, 0xff), headerOnlyZeros]) s.send(junk, port, '127.0.0.1');
    s.send(buildQuery(77, `svc1.testns.svc.${Z}`, 1), port, '127.0.0.1');
    await two;
    s.close();
    assert.equal(got[0]!.readUInt16BE(0), 0x1234, 'qdcount 0: FORMERR; the rest had no header or the QR bit');
    assert.equal(got[0]![3]! & 0xf, 1);
    assert.equal(got[1]!.readUInt16BE(0), 77);
    assert.equal(status(await dig(port, `svc1.testns.svc.${Z}`)), 'NOERROR');
  });

  test('metrics are served with CoreDNS names', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      http.get(`http://127.0.0.1:${metricsServer!.port}/metrics`, (res) => {
        let b = '';
        res.on('data', (d: Buffer) => (b += d.toString()));
        res.on('end', () => resolve(b));
      }).on('error', reject);
    });
    assert.match(body, /coredns_dns_requests_total\{[^}]*proto="udp",family="1",type="A"\} \d+/);
    assert.match(body, /coredns_dns_requests_total\{[^}]*proto="tcp"[^}]*\} \d+/);
    assert.match(body, /coredns_dns_responses_total\{[^}]*rcode="NXDOMAIN",plugin="kubernetes"\} \d+/);
    assert.match(body, /coredns_dns_request_duration_seconds_count\{[^}]*\} \d+/);
  });
});
