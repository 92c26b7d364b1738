// The real upstream transport (UDP and TCP on 127.0.0.1) and forwarding end to end:
// dig -> DnsServer -> Forwarder -> a fake upstream server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { decode, encode, type DecodedPacket } from 'dns-packet';
import { DnsServer } from './dns-server.js';
import { Forwarder } from './forwarder.js';
import { DnsHandler } from './query-handler.js';
import { SocketTransport } from './upstream-transport.js';
import { buildQuery } from './wire/index.js';
import { dig, requireDig, section, status } from './_dig.js';
import { testIndex } from './_test-fixtures.js';

/** Answers every A question with 192.0.2.99 (TTL 60), over UDP and TCP on one port. */
class FakeUpstream {
  udp = dgram.createSocket('udp4');
  tcp = net.createServer((s) => {
    let buf = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const r = this.answer(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        const len = Buffer.alloc(2);
        len.writeUInt16BE(r.length);
        s.end(Buffer.concat([len, r]));
      }
    });
  });
  queries = 0;
  port = 0;

  answer(q: Buffer): Buffer {
    this.queries++;
    const p = decode(q) as DecodedPacket;
    const question = p.questions![0]!;
    return encode({
      type: 'response',
      id: p.id!,
      flags: 0x8180,
      questions: [question],
      answers: question.type === 'A' ? [{ name: question.name, type: 'A', ttl: 60, data: '192.0.2.99' }] : [],
    });
  }

  async start(): Promise<void> {
    this.udp.on('message', (m, r) => this.udp.send(this.answer(m), r.port, r.address));
    await new Promise<void>((resolve) => this.udp.bind(0, '127.0.0.1', () => resolve()));
    this.port = this.udp.address().port;
    await new Promise<void>((resolve) => this.tcp.listen(this.port, '127.0.0.1', () => resolve()));
  }

  async stop(): Promise<void> {
    this.udp.close();
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
  }
}

describe('SocketTransport', () => {
  const up = new FakeUpstream();
  const transport = new SocketTransport();
  before(() => up.start());
  after(async () => {
    transport.close();
    await up.stop();
  });

  test('UDP and TCP exchanges; a silent server times out', async () => {
    for (const proto of ['udp', 'tcp'] as const) {
      const r = await transport.exchange({ host: '127.0.0.1', port: up.port }, buildQuery(4321, 'www.example.org', 1), proto, 2000);
      assert.ok(r.ok, proto);
      if (r.ok) {
        assert.equal(r.bytes.readUInt16BE(0), 4321);
        assert.equal((decode(r.bytes).answers?.[0] as { data?: string } | undefined)?.data, '192.0.2.99');
      }
    }
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', () => resolve()));
    const t0 = Date.now();
    const r = await transport.exchange({ host: '127.0.0.1', port: silent.address().port }, buildQuery(1, 'x.example', 1), 'udp', 150);
    silent.close();
    assert.deepEqual(r, { ok: false, error: 'timeout' });
    assert.ok(Date.now() - t0 >= 140);
  });
});

describe('forwarding through a real upstream', () => {
  const up = new FakeUpstream();
  let server: DnsServer;
  let forwarder: Forwarder;
  before(async () => {
    await requireDig();
    await up.start();
    forwarder = new Forwarder({ upstreams: [{ host: '127.0.0.1', port: 1 }, { host: '127.0.0.1', port: up.port }], timeoutMs: 300 });
    server = new DnsServer({ handler: new DnsHandler({ index: testIndex(), forwarder }) });
    await server.start();
  });
  after(async () => {
    await server.close();
    forwarder.close();
    await up.stop();
  });

  test('dig through our server: forwarded (UDP and TCP, a dead first upstream skipped), then cached; ExternalName chased', async () => {
    const out = await dig(server.port, 'www.example.org');
    assert.equal(status(out), 'NOERROR');
    assert.deepEqual(section(out, 'ANSWER'), ['www.example.org. 60 IN A 192.0.2.99']);
    const tcp = await dig(server.port, '+tcp', 'tcp.example.org');
    assert.deepEqual(section(tcp, 'ANSWER'), ['tcp.example.org. 60 IN A 192.0.2.99']);
    const before = up.queries;
    await dig(server.port, 'www.example.org');
    assert.equal(up.queries, before, 'served from the forward cache');
    const ext = await dig(server.port, 'external.testns.svc.cluster.local');
    assert.deepEqual(section(ext, 'ANSWER'), ['external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test.', 'ext.interwebs.test. 60 IN A 192.0.2.99']);
  });
});
