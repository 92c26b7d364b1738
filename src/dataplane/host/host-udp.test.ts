import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/clock.js';
import { unwrap } from '../../core/result.js';
import { NetError } from './net-error.js';
import { EPHEMERAL_MAX, EPHEMERAL_MIN } from './udp-layer.js';
import { ip, makeHost, runFor, runUntil, TestLink } from './testing.js';

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

function pair(delayMs = 0.5) {
  const clock = new FakeClock();
  const a = makeHost(clock, 'a', '10.0.0.1/24');
  const b = makeHost(clock, 'b', '10.0.0.2/24');
  const icmp: number[] = [];
  new TestLink(clock, a.eth0, b.eth0, { delayMs, filter: (f) => (f[23] === 1 && f[12] === 8 && f[13] === 0 ? (icmp.push(f[34]! * 256 + f[35]!), undefined) : undefined) });
  return { clock, a, b, icmp };
}

describe('UDP', () => {
  test('send/receive both ways with onMessage and recv()', async () => {
    const { clock, a, b } = pair();
    const server = unwrap(b.stack.udpBind(53));
    server.onMessage((m) => {
      assert.equal(m.address, ip('10.0.0.1'));
      unwrap(server.sendTo(text(`re:${str(m.data)}`), m.address, m.port));
    });
    const client = unwrap(a.stack.udpBind());
    assert.ok(client.localPort >= EPHEMERAL_MIN && client.localPort <= EPHEMERAL_MAX);
    unwrap(client.sendTo(text('query'), ip('10.0.0.2'), 53));
    const reply = await runUntil(clock, client.recv(), 1000, 0.5);
    assert.equal(str(reply.data), 're:query');
    assert.equal(reply.port, 53);
    assert.equal(b.stack.stats.udpInDatagrams, 1);
    assert.deepEqual(a.stack.udpBind(client.localPort), { ok: false, error: 'EADDRINUSE' });
  });

  test('datagrams queue until read; a connected socket only hears its peer', async () => {
    const { clock, a, b } = pair();
    const s = unwrap(b.stack.udpBind(9000));
    const c1 = unwrap(a.stack.udpBind(1111));
    const c2 = unwrap(a.stack.udpBind(2222));
    s.connect(ip('10.0.0.1'), 1111);
    c2.connect(ip('10.0.0.2'), 9000);
    unwrap(c2.send(text('from-2222')));
    unwrap(c1.sendTo(text('one'), ip('10.0.0.2'), 9000));
    unwrap(c1.sendTo(text('two'), ip('10.0.0.2'), 9000));
    const first = await runUntil(clock, s.recv(), 100, 0.5);
    const second = await s.recv();
    assert.deepEqual([str(first.data), str(second.data)], ['one', 'two']);
    // Not from the connected socket's peer: as if the port were closed.
    await assert.rejects(runUntil(clock, c2.recv(), 100, 0.5), (e) => e instanceof NetError && e.code === 'ECONNREFUSED');
    assert.equal(b.stack.stats.udpNoPorts, 1);
  });

  test('closed port: ICMP port unreachable, ECONNREFUSED on the next recv of a connected socket', async () => {
    const { clock, a, b, icmp } = pair();
    const c = unwrap(a.stack.udpBind());
    c.connect(ip('10.0.0.2'), 4444);
    unwrap(c.send(text('anyone?')));
    await assert.rejects(runUntil(clock, c.recv(), 100, 0.5), (e) => e instanceof NetError && e.code === 'ECONNREFUSED');
    assert.deepEqual(icmp, [0x0303]);
    assert.equal(b.stack.stats.udpNoPorts, 1);
    assert.equal(b.stack.stats.icmpOutDestUnreachs, 1);
    // Reported once; then the socket works again.
    const late = unwrap(b.stack.udpBind(4444));
    unwrap(c.send(text('again')));
    const got = await runUntil(clock, late.recv(), 100, 0.5);
    assert.equal(str(got.data), 'again');
  });

  test('unconnected sockets ignore ICMP errors (Linux without IP_RECVERR); send errors are results', async () => {
    const { clock, a } = pair();
    const c = unwrap(a.stack.udpBind());
    const errors: string[] = [];
    c.onError((e) => errors.push(e));
    unwrap(c.sendTo(text('x'), ip('10.0.0.2'), 4444));
    await runFor(clock, 10);
    assert.equal(a.stack.stats.icmpInErrors, 1);
    assert.deepEqual(errors, []);
    assert.deepEqual(c.sendTo(text('x'), ip('172.16.0.1'), 53), { ok: false, error: 'ENETUNREACH' });
    assert.deepEqual(c.sendTo(new Uint8Array(1500), ip('10.0.0.2'), 53), { ok: false, error: 'EMSGSIZE' });
    assert.deepEqual(c.send(text('x')), { ok: false, error: 'ENOTCONN' });
  });

  test('UDP to our own address and 127.0.0.1 never touches the wire', async () => {
    const clock = new FakeClock();
    const a = makeHost(clock, 'a', '10.0.0.1/24');
    let wire = 0;
    a.eth0.attach(() => wire++);
    const before = wire;
    const s = unwrap(a.stack.udpBind(7));
    const c = unwrap(a.stack.udpBind());
    unwrap(c.sendTo(text('lo'), ip('127.0.0.1'), 7));
    unwrap(c.sendTo(text('self'), ip('10.0.0.1'), 7));
    const m1 = await s.recv();
    const m2 = await s.recv();
    assert.deepEqual([str(m1.data), m1.address, str(m2.data), m2.address], ['lo', ip('127.0.0.1'), 'self', ip('10.0.0.1')]);
    assert.equal(wire, before);
  });
});
