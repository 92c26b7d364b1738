// End to end in one process: real sockets on 127.0.0.1 bridged into a small emulated
// network driven on the real clock.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import { HostAccess, type HostAccessChange } from './host-access.js';
import { formatMappingLine } from './host-mapping.js';
import { StaticSource } from './service-source.js';
import type { NodeView, ServicePortView, ServiceView } from './service-view.js';
import { echoServer, freePort, hostConnect, hostExchange, httpServer, observingServer, testNet, until, type Observed } from './_test-net.js';

const port = (name: string, p: number, nodePort?: number): ServicePortView => ({ name, protocol: 'TCP', port: p, nodePort, appProtocol: undefined });
const NODE1: NodeView = { name: 'k8s-node1', ready: true, internalIP: '10.190.5.11' };
const NODE2: NodeView = { name: 'k8s-node2', ready: true, internalIP: '10.190.5.12' };
const GET = 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';

describe('HostAccess end to end', () => {
  const net = testNet();
  const source = new StaticSource();
  const changes: HostAccessChange[] = [];
  let access: HostAccess;
  let nodePort = 0;
  let web: ServiceView;
  let sink: Observed[] = [];
  let closer: Observed[] = [];
  let resetter: Observed[] = [];

  const hostPortOf = (key: string): number => {
    const m = access.mappings().find((x) => x.key === key);
    assert.ok(m, `mapping ${key}`);
    return m.hostPort;
  };
  const vipPort = (p: number) => hostPortOf(`vip:demons/web:10.190.6.1:${p}/TCP`);

  before(async () => {
    nodePort = await freePort();
    httpServer(net.vipServer, 80, 'demo page via VIP');
    echoServer(net.vipServer, 9000);
    closer = observingServer(net.vipServer, 9001, (o) => o.sock.end('bye'));
    resetter = observingServer(net.vipServer, 9002, (o) => o.sock.onData(() => o.sock.destroy()));
    sink = observingServer(net.vipServer, 9003);
    httpServer(net.node1, nodePort, 'demo page via k8s-node1');
    httpServer(net.node2, nodePort, 'demo page via k8s-node2');
    web = {
      namespace: 'demons',
      name: 'web',
      type: 'LoadBalancer',
      ports: [port('http', 80, nodePort), port('echo', 9000), port('closer', 9001), port('reset', 9002), port('sink', 9003), port('nobody', 9999)],
      ingressIPs: ['10.190.6.1', '100.64.208.9'],
    };
    source.set({ services: [web], nodes: [NODE1] });
    access = new HostAccess({ source, vipCidrs: ['10.190.6.0/24'], entry: () => net.client, onChange: (c) => changes.push(c) });
    access.start();
    await access.settled();
  });

  after(async () => {
    await access.stop();
  });

  test('one listener per NodePort and per VIP:port, on 127.0.0.1; the NodePort keeps its number', () => {
    const ms = access.mappings();
    assert.deepEqual(ms.map((m) => m.key), [
      `nodeport:demons/web:80/TCP:${nodePort}`,
      'vip:demons/web:10.190.6.1:80/TCP',
      'vip:demons/web:10.190.6.1:9000/TCP',
      'vip:demons/web:10.190.6.1:9001/TCP',
      'vip:demons/web:10.190.6.1:9002/TCP',
      'vip:demons/web:10.190.6.1:9003/TCP',
      'vip:demons/web:10.190.6.1:9999/TCP',
    ]);
    assert.ok(ms.every((m) => m.address === '127.0.0.1' && m.hostPort > 0));
    assert.equal(hostPortOf(`nodeport:demons/web:80/TCP:${nodePort}`), nodePort);
    assert.equal(new Set(ms.map((m) => m.hostPort)).size, ms.length);
    assert.equal(changes.filter((c) => c.kind === 'opened').length, 7);
    assert.equal(formatMappingLine(ms[1]!), `service demons/web port 80 -> http://127.0.0.1:${vipPort(80)} (VIP 10.190.6.1:80)`);
  });

  test('an HTTP request on the host gets the emulated server’s reply (VIP and NodePort)', async () => {
    const viaVip = await hostExchange(vipPort(80), GET);
    assert.equal(viaVip.error, undefined);
    assert.match(viaVip.data.toString(), /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\ndemo page via VIP$/);
    const viaNode = await hostExchange(nodePort, GET);
    assert.match(viaNode.data.toString(), /demo page via k8s-node1$/);
  });

  test('1 MB each way arrives intact (echo, with backpressure on both sides)', { timeout: 20_000 }, async () => {
    const payload = randomBytes(1 << 20);
    await until('earlier connections finished', () => access.activeConnections === 0);
    const before = { up: access.stats.bytesToEmulated, down: access.stats.bytesToHost };
    const r = await hostExchange(vipPort(9000), payload);
    assert.equal(r.error, undefined);
    assert.equal(r.ended, true);
    assert.equal(r.data.length, payload.length);
    assert.ok(r.data.equals(payload), 'echoed bytes differ');
    await until('bridge finished', () => access.activeConnections === 0);
    assert.equal(access.stats.bytesToHost - before.down, payload.length);
    assert.equal(access.stats.bytesToEmulated - before.up, payload.length);
  });

  test('emulated server closes first: the host sees FIN, can still send, and its FIN closes cleanly', async () => {
    const s = await hostConnect(hostPortOf('vip:demons/web:10.190.6.1:9001/TCP'));
    let got = '';
    s.on('data', (c: Buffer) => (got += c.toString()));
    await new Promise<void>((r) => s.once('end', r));
    assert.equal(got, 'bye');
    s.end('after-fin');
    await new Promise<void>((r) => s.once('close', r));
    const o = closer.at(-1)!;
    await until('emulated close', () => o.closed !== undefined);
    assert.equal(o.data, 'after-fin');
    assert.equal(o.ended, true);
    assert.deepEqual(o.closed, { kind: 'closed' });
  });

  test('emulated RST resets the host connection', async () => {
    const r = await hostExchange(hostPortOf('vip:demons/web:10.190.6.1:9002/TCP'), 'x', { end: false });
    assert.equal(r.error, 'ECONNRESET');
    await until('emulated side closed', () => resetter.at(-1)?.closed !== undefined);
  });

  test('host half-close becomes an emulated FIN; a host reset becomes an emulated RST', async () => {
    const p = hostPortOf('vip:demons/web:10.190.6.1:9003/TCP');
    const a = await hostConnect(p);
    a.end('half');
    await until('emulated FIN', () => sink.at(-1)?.ended === true);
    assert.equal(sink.at(-1)!.data, 'half');
    assert.equal(sink.at(-1)!.closed, undefined, 'still open the other way');
    sink.at(-1)!.sock.end();
    await new Promise<void>((r) => a.once('close', r));

    const b = await hostConnect(p);
    b.write('then-reset');
    await until('data in', () => sink.length === 2 && sink[1]!.data === 'then-reset');
    b.resetAndDestroy();
    await until('emulated RST', () => sink[1]!.closed !== undefined);
    assert.deepEqual(sink[1]!.closed, { kind: 'error', error: 'ECONNRESET' });
  });

  test('a refused emulated connect resets the host connection', async () => {
    const r = await hostExchange(hostPortOf('vip:demons/web:10.190.6.1:9999/TCP'), GET);
    assert.equal(r.error, 'ECONNRESET');
    assert.equal(r.data.length, 0);
    assert.ok(access.stats.refused >= 1);
  });

  test('updates keep host ports; a new entry node retargets the NodePort listener in place', async () => {
    const before = new Map(access.mappings().map((m) => [m.key, m.hostPort]));
    source.set({ services: [{ ...web, ports: [...web.ports, port('extra', 9004)] }], nodes: [NODE2, { ...NODE1, ready: false }] });
    await access.settled();
    for (const [k, p] of before) assert.equal(hostPortOf(k), p, k);
    assert.equal(access.mappings().length, 8);
    const re = changes.filter((c) => c.kind === 'retargeted');
    assert.equal(re.length, 1);
    const r = await hostExchange(nodePort, GET);
    assert.match(r.data.toString(), /demo page via k8s-node2$/);
  });

  test('a busy NodePort number on the host falls back to an ephemeral port', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const busy = (blocker.address() as { port: number }).port;
    try {
      httpServer(net.node2, busy, 'np2 via k8s-node2');
      source.set({ services: [web, { namespace: 'demons', name: 'np2', type: 'NodePort', ports: [port('', 80, busy)], ingressIPs: [] }] });
      await access.settled();
      const hp = hostPortOf(`nodeport:demons/np2:80/TCP:${busy}`);
      assert.notEqual(hp, busy);
      assert.match((await hostExchange(hp, GET)).data.toString(), /np2 via k8s-node2$/);
    } finally {
      blocker.close();
    }
  });

  test('a removed mapping closes its listener (ECONNREFUSED); stop() closes the rest', async () => {
    const gone = vipPort(80);
    const np2 = access.mappings().find((m) => m.service === 'demons/np2')!.hostPort;
    source.set({ services: [{ ...web, type: 'NodePort' }] });
    await access.settled();
    assert.equal(access.mappings().length, 1);
    assert.equal(changes.filter((c) => c.kind === 'closed').length, 8);
    assert.equal((await hostExchange(gone, GET)).error, 'ECONNREFUSED');
    assert.equal((await hostExchange(np2, GET)).error, 'ECONNREFUSED');
    await access.stop();
    assert.deepEqual(access.mappings(), []);
    assert.equal((await hostExchange(nodePort, GET)).error, 'ECONNREFUSED');
  });

  test('refuses to listen anywhere but loopback', () => {
    assert.throws(() => new HostAccess({ source, vipCidrs: [], entry: () => net.client, address: '0.0.0.0' }), /loopback only/);
  });
});
