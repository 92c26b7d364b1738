import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/clock.js';
import { unwrap } from '../../core/result.js';
import type { Impairment } from './testing.js';
import { ip, makeHost, runFor, runUntil, seededRandom, settle, TestLink } from './testing.js';
import type { TcpSocket } from './tcp-socket.js';
import { NetError } from './net-error.js';

function pattern(n: number, salt: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >>> 8) + salt) & 0xff;
  return b;
}

function pair(imp: Impairment = {}) {
  const clock = new FakeClock();
  const a = makeHost(clock, 'a', '10.0.0.1/24');
  const b = makeHost(clock, 'b', '10.0.0.2/24');
  const tcpPayloads: number[] = [];
  const userFilter = imp.filter;
  const link = new TestLink(clock, a.eth0, b.eth0, {
    ...imp,
    filter: (f, from) => {
      if (f[23] === 6 && f[12] === 8 && f[13] === 0) tcpPayloads.push(f.length - 34 - (f[46]! >>> 4) * 4);
      return userFilter?.(f, from);
    },
  });
  return { clock, a, b, link, tcpPayloads };
}

function collect(s: TcpSocket): { bytes: () => Uint8Array; ended: () => boolean } {
  const parts: Uint8Array[] = [];
  let ended = false;
  s.onData((c) => parts.push(c));
  s.onEnd(() => (ended = true));
  return {
    bytes: () => new Uint8Array(Buffer.concat(parts)),
    ended: () => ended,
  };
}

async function establish(env: ReturnType<typeof pair>, port = 80): Promise<{ client: TcpSocket; server: TcpSocket }> {
  const accepted: TcpSocket[] = [];
  unwrap(env.b.stack.listen(port, (s) => accepted.push(s)));
  const client = await runUntil(env.clock, env.a.stack.connect(ip('10.0.0.2'), port), 10_000, 1);
  await runUntil(env.clock, (async () => { while (accepted.length === 0) await settle(); })(), 1000);
  return { client, server: accepted[0]! };
}

describe('TCP', () => {
  test('handshake, 200 KB each way byte-exact in MSS-sized segments, FIN both ways, TIME_WAIT for 1 s', async () => {
    const env = pair({ delayMs: 0.5 });
    const { client, server } = await establish(env);
    assert.equal(client.state, 'ESTABLISHED');
    assert.equal(server.state, 'ESTABLISHED');
    assert.equal(client.mss, 1460);
    const up = pattern(200_000, 1);
    const down = pattern(200_000, 2);
    const atServer = collect(server);
    const atClient = collect(client);
    client.write(up);
    server.write(down);
    client.end();
    server.end();
    const closed = Promise.all([client.closed(), server.closed()]);
    const reasons = await runUntil(env.clock, closed, 10_000, 1);
    assert.deepEqual(reasons, [{ kind: 'closed' }, { kind: 'closed' }]);
    assert.ok(atServer.ended() && atClient.ended());
    assert.deepEqual(atServer.bytes(), up);
    assert.deepEqual(atClient.bytes(), down);
    assert.equal(Math.max(...env.tcpPayloads), 1460);
    assert.equal(env.a.stack.stats.tcpRetransSegs + env.b.stack.stats.tcpRetransSegs, 0);
    // Both ended at the same time: simultaneous close, both sides hold TIME_WAIT.
    const states = [...env.a.stack.tcp.connections(), ...env.b.stack.tcp.connections()].map((t) => t.state);
    assert.deepEqual(states, ['TIME_WAIT', 'TIME_WAIT']);
    await runFor(env.clock, 1000, 10);
    assert.equal(env.a.stack.tcp.connections().length + env.b.stack.tcp.connections().length, 0);
  });

  test('half-close: the client ends, the server keeps sending, then ends; only the active closer keeps TIME_WAIT', async () => {
    const env = pair({ delayMs: 1 });
    const { client, server } = await establish(env);
    const atClient = collect(client);
    const atServer = collect(server);
    client.end('request');
    await runFor(env.clock, 10);
    assert.equal(client.state, 'FIN_WAIT_2');
    assert.equal(server.state, 'CLOSE_WAIT');
    assert.ok(atServer.ended());
    assert.equal(new TextDecoder().decode(atServer.bytes()), 'request');
    server.write(pattern(50_000, 3));
    server.end();
    await runUntil(env.clock, Promise.all([client.closed(), server.closed()]), 5000);
    assert.deepEqual(atClient.bytes(), pattern(50_000, 3));
    assert.equal(client.state, 'TIME_WAIT');
    assert.equal(server.state, 'CLOSED');
    assert.throws(() => client.write('x'), (e) => e instanceof NetError && e.code === 'EPIPE');
  });

  test('SYN to a closed port is answered with RST: ECONNREFUSED', async () => {
    const env = pair({ delayMs: 1 });
    await assert.rejects(runUntil(env.clock, env.a.stack.connect(ip('10.0.0.2'), 8080), 5000), (e) => e instanceof NetError && e.code === 'ECONNREFUSED' && e.message === 'connect ECONNREFUSED 10.0.0.2:8080');
    assert.equal(env.b.stack.stats.tcpOutRsts, 1);
    assert.equal(env.a.stack.tcp.connections().length, 0);
  });

  test('SYNs dropped: 6 retransmissions with exponential backoff, ETIMEDOUT after 127 s', async () => {
    const synTimes: number[] = [];
    const env = pair({ filter: (f) => (f[23] === 6 && f[47] === 0x02 ? (synTimes.push(env.clock.now()), 'drop') : undefined) });
    unwrap(env.b.stack.listen(80));
    const t0 = env.clock.now();
    await assert.rejects(runUntil(env.clock, env.a.stack.connect(ip('10.0.0.2'), 80), 200_000, 500), (e) => e instanceof NetError && e.code === 'ETIMEDOUT');
    assert.deepEqual(synTimes.map((t) => t - t0), [0, 1000, 3000, 7000, 15000, 31000, 63000]);
    assert.ok(env.clock.now() - t0 >= 127_000 && env.clock.now() - t0 < 127_600);
  });

  test('connect to an on-link address that does not answer ARP: EHOSTUNREACH after 3 s', async () => {
    const env = pair();
    const t0 = env.clock.now();
    await assert.rejects(runUntil(env.clock, env.a.stack.connect(ip('10.0.0.99'), 80), 10_000, 100), (e) => e instanceof NetError && e.code === 'EHOSTUNREACH');
    assert.equal(env.clock.now() - t0, 3000);
  });

  test('10% loss both ways: retransmission recovers, 200 KB each way byte-exact', async () => {
    const env = pair({ delayMs: 0.5, loss: 0.1, seed: 42 });
    const { client, server } = await establish(env);
    const atServer = collect(server);
    const atClient = collect(client);
    client.write(pattern(200_000, 4));
    server.write(pattern(200_000, 5));
    client.end();
    server.end();
    await runUntil(env.clock, Promise.all([client.closed(), server.closed()]), 300_000, 5);
    assert.deepEqual(atServer.bytes(), pattern(200_000, 4));
    assert.deepEqual(atClient.bytes(), pattern(200_000, 5));
    assert.ok(env.link.stats.dropped > 20, `dropped ${env.link.stats.dropped}`);
    assert.ok(env.a.stack.stats.tcpRetransSegs > 0 && env.b.stack.stats.tcpRetransSegs > 0);
  });

  test('30% loss with reordering, several seeds: both directions complete byte-exact (no ACK deadlock after timeouts)', async () => {
    for (const seed of [3, 7, 11]) {
      const rnd = seededRandom(seed * 31);
      // ARP is spared so that every run gets past resolution (its failure is tested elsewhere).
      const env = pair({ delayMs: 0.5, jitterMs: 3, seed, filter: (f) => (f[13] === 6 ? undefined : rnd() < 0.3 ? 'drop' : undefined) });
      const { client, server } = await establish(env);
      const atServer = collect(server);
      const atClient = collect(client);
      client.end(pattern(60_000, seed));
      server.end(pattern(60_000, seed + 1));
      const reasons = await runUntil(env.clock, Promise.all([client.closed(), server.closed()]), 600_000, 10);
      assert.deepEqual(reasons, [{ kind: 'closed' }, { kind: 'closed' }], `seed ${seed}`);
      assert.deepEqual(atServer.bytes(), pattern(60_000, seed));
      assert.deepEqual(atClient.bytes(), pattern(60_000, seed + 1));
    }
  });

  test('reordered segments are buffered and delivered in order without retransmission', async () => {
    let n = 0;
    // Every frame gets a slightly larger delay than the one before (so order is kept),
    // except every 5th data segment, which the next two data segments overtake.
    let k = 0;
    const env = pair({ delayMs: 0.5, filter: (f) => (++k * 0.001) + (f[23] === 6 && f.length > 100 && ++n % 5 === 0 ? 0.0025 : 0) });
    const { client, server } = await establish(env);
    const atServer = collect(server);
    client.write(pattern(100_000, 6));
    client.end();
    await runUntil(env.clock, (async () => { while (!atServer.ended()) await settle(); })(), 10_000);
    assert.deepEqual(atServer.bytes(), pattern(100_000, 6));
    assert.ok(n >= 60);
    assert.ok(env.b.stack.stats.tcpOfoQueue >= 10, `${env.b.stack.stats.tcpOfoQueue}`);
    assert.equal(env.a.stack.stats.tcpRetransSegs, 0);
  });

  test('destroy() sends RST: the peer sees ECONNRESET on read and onClose', async () => {
    const env = pair({ delayMs: 1 });
    const { client, server } = await establish(env);
    const reading = server.read();
    const closed = server.closed();
    client.destroy();
    await assert.rejects(runUntil(env.clock, reading, 1000), (e) => e instanceof NetError && e.code === 'ECONNRESET');
    assert.deepEqual(await closed, { kind: 'error', error: 'ECONNRESET' });
    assert.equal(client.state, 'CLOSED');
    assert.equal(env.b.stack.tcp.connections().length, 0);
  });

  test('a paused reader closes the window; the sender probes and resumes; data intact', async () => {
    const env = pair({ delayMs: 1 });
    const { client, server } = await establish(env);
    server.pause();
    const atServer = collect(server);
    client.write(pattern(150_000, 7));
    await runFor(env.clock, 3000, 10);
    // Only one receive buffer's worth got through (less the runt that sender SWS avoidance holds back).
    assert.ok(client.bufferedAmount >= 150_000 - 65535 && client.bufferedAmount < 150_000 - 65535 + 1460, `${client.bufferedAmount}`);
    server.resume();
    client.end();
    await runUntil(env.clock, (async () => { while (!atServer.ended()) await settle(); })(), 60_000, 10);
    assert.deepEqual(atServer.bytes(), pattern(150_000, 7));
  });

  test('simultaneous open with fixed ports', async () => {
    const env = pair({ delayMs: 2 });
    const pa = env.a.stack.connect(ip('10.0.0.2'), 5000, { localPort: 6000 });
    const pb = env.b.stack.connect(ip('10.0.0.1'), 6000, { localPort: 5000 });
    const [sa, sb] = await runUntil(env.clock, Promise.all([pa, pb]), 5000);
    assert.equal(sa.state, 'ESTABLISHED');
    assert.equal(sb.state, 'ESTABLISHED');
    const got = sb.readAll();
    sa.end('hello');
    sb.end();
    assert.equal(new TextDecoder().decode(await runUntil(env.clock, got, 5000)), 'hello');
  });

  test('promise helpers: accept(), read(), readAll() over loopback-free TCP', async () => {
    const env = pair({ delayMs: 0.1 });
    const listener = unwrap(env.b.stack.listen(7000));
    const accepted = listener.accept();
    const client = await runUntil(env.clock, env.a.stack.connect(ip('10.0.0.2'), 7000), 1000, 0.1);
    const server = await runUntil(env.clock, accepted, 1000, 0.1);
    client.write('ping');
    const chunk = await runUntil(env.clock, server.read(), 1000, 0.1);
    assert.equal(new TextDecoder().decode(chunk!), 'ping');
    server.end('pong');
    client.end();
    assert.equal(new TextDecoder().decode(await runUntil(env.clock, client.readAll(), 1000, 0.1)), 'pong');
    assert.equal(await runUntil(env.clock, server.read(), 1000, 0.1), null);
    // Reading again after the end still answers null.
    assert.equal(await runUntil(env.clock, client.read(), 1000, 0.1), null);
  });

  test('TCP over loopback to our own address: an echo server', async () => {
    const clock = new FakeClock();
    const a = makeHost(clock, 'a', '10.0.0.1/24');
    let wire = 0;
    a.eth0.attach(() => wire++);
    const before = wire;
    unwrap(a.stack.listen(80, (s) => s.onData((d) => s.write(d)).onEnd(() => s.end())));
    for (const target of ['127.0.0.1', '10.0.0.1']) {
      const c = await runUntil(clock, a.stack.connect(ip(target), 80), 1000);
      assert.equal(c.localAddress, ip(target));
      const reply = c.readAll();
      c.end(pattern(200_000, 8));
      assert.deepEqual(await runUntil(clock, reply, 5000), pattern(200_000, 8));
    }
    assert.equal(wire, before);
    assert.ok(a.stack.lo.counters.rxPackets > 10);
  });
});
