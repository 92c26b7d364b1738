import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/clock.js';
import { formatPingLine } from './ping.js';
import { ip, makeHost, runUntil, TestLink, TestSwitch } from './testing.js';

describe('ARP and ping', () => {
  test('resolves the neighbour, answers the echo and reports the RTT', async () => {
    const clock = new FakeClock();
    const a = makeHost(clock, 'a', '10.0.0.1/24');
    const b = makeHost(clock, 'b', '10.0.0.2/24');
    const frames: Uint8Array[] = [];
    new TestLink(clock, a.eth0, b.eth0, { delayMs: 0.25, filter: (f) => (frames.push(f), undefined) });
    // Let the gratuitous ARPs sent at link-up pass (they only update existing entries).
    clock.advance(1);
    const first = await runUntil(clock, a.stack.ping(ip('10.0.0.2')), 5000, 0.25);
    assert.equal(first.kind, 'reply');
    if (first.kind !== 'reply') return;
    // ARP request + reply, then echo request + reply: 4 one-way trips of 0.25 ms.
    assert.equal(first.rttMs, 1);
    assert.equal(first.ttl, 64);
    assert.equal(first.bytes, 64);
    assert.equal(formatPingLine(first), '64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=1.00 ms');
    const second = await runUntil(clock, a.stack.ping(ip('10.0.0.2')), 5000, 0.25);
    assert.equal(second.kind === 'reply' && second.rttMs, 0.5);
    assert.match(a.stack.arp.format(), /^10\.0\.0\.2 dev eth0 lladdr 0a:58:00:00:00:0[0-9a-f] REACHABLE\n$/);
    // b learnt a from a's request (no ARP of its own was needed for the reply).
    assert.match(b.stack.arp.format(), /^10\.0\.0\.1 dev eth0 lladdr/);
    // Frames on the wire: GARP x2 (attach), ARP req/rep, 2 x (echo req + rep).
    const arps = frames.filter((f) => f[12] === 0x08 && f[13] === 0x06).length;
    assert.equal(arps, 4);
    assert.equal(frames.length - arps, 4);
    assert.equal(a.eth0.counters.txPackets, 4);
    assert.equal(b.eth0.counters.rxPackets, 4);
  });

  test('an on-link address nobody owns: 3 ARP requests 1 s apart, then Destination Host Unreachable from ourselves', async () => {
    const clock = new FakeClock();
    const a = makeHost(clock, 'a', '10.0.0.1/24');
    const b = makeHost(clock, 'b', '10.0.0.2/24');
    const requests: number[] = [];
    new TestLink(clock, a.eth0, b.eth0, {
      filter: (f) => {
        if (f[12] === 0x08 && f[13] === 0x06 && f[21] === 1 && f[41] === 9) requests.push(clock.now());
        return undefined;
      },
    });
    const t0 = clock.now();
    const p1 = a.stack.ping(ip('10.0.0.9'), { seq: 1 });
    clock.advance(1000);
    const p2 = a.stack.ping(ip('10.0.0.9'), { seq: 2 });
    const [o1, o2] = await runUntil(clock, Promise.all([p1, p2]), 10_000, 100);
    assert.deepEqual(requests.map((t) => t - t0), [0, 1000, 2000]);
    assert.equal(o1.kind, 'error');
    assert.equal(formatPingLine(o1), 'From 10.0.0.1 icmp_seq=1 Destination Host Unreachable');
    assert.equal(formatPingLine(o2), 'From 10.0.0.1 icmp_seq=2 Destination Host Unreachable');
    assert.equal(clock.now() - t0, 3000);
    assert.match(a.stack.arp.format(), /^10\.0\.0\.9 dev eth0 FAILED\n$/);
    assert.equal(a.eth0.counters.txDropped, 2);
  });

  test('ping timeout when replies are lost', async () => {
    const clock = new FakeClock();
    const a = makeHost(clock, 'a', '10.0.0.1/24');
    const b = makeHost(clock, 'b', '10.0.0.2/24');
    // Drop ICMP echo replies only (IPv4 proto 1, ICMP type 0).
    new TestLink(clock, a.eth0, b.eth0, { filter: (f) => (f[12] === 0x08 && f[13] === 0 && f[23] === 1 && f[34] === 0 ? 'drop' : undefined) });
    const o = await runUntil(clock, a.stack.ping(ip('10.0.0.2'), { timeoutMs: 2000 }), 5000, 100);
    assert.deepEqual(o, { kind: 'timeout', seq: 1 });
  });

  test('ping own address and 127.0.0.1 stays on loopback', async () => {
    const clock = new FakeClock();
    const a = makeHost(clock, 'a', '10.0.0.1/24');
    let wire = 0;
    a.eth0.attach(() => wire++);
    const before = wire;
    const o1 = await a.stack.ping(ip('10.0.0.1'));
    const o2 = await a.stack.ping(ip('127.0.0.1'));
    assert.equal(o1.kind === 'reply' && o1.from, ip('10.0.0.1'));
    assert.equal(o2.kind === 'reply' && o2.rttMs, 0);
    assert.equal(wire, before);
    assert.equal(a.stack.lo.counters.rxPackets, 4);
  });

  test('no route: send error like "ping: connect: Network is unreachable"', async () => {
    const clock = new FakeClock();
    const a = makeHost(clock, 'a', '10.0.0.1/24');
    const o = await a.stack.ping(ip('192.168.7.7'));
    assert.deepEqual(o, { kind: 'send-error', seq: 1, error: 'ENETUNREACH' });
  });

  test('gratuitous ARP updates a neighbour whose MAC changed; learning switch with three hosts', async () => {
    const clock = new FakeClock();
    const sw = new TestSwitch(clock);
    const a = makeHost(clock, 'a', '10.0.0.1/24');
    const b = makeHost(clock, 'b', '10.0.0.2/24');
    const c = makeHost(clock, 'c', '10.0.0.3/24');
    sw.plug(a.eth0);
    sw.plug(b.eth0);
    sw.plug(c.eth0);
    assert.equal((await runUntil(clock, a.stack.ping(ip('10.0.0.2')))).kind, 'reply');
    assert.equal((await runUntil(clock, a.stack.ping(ip('10.0.0.3')))).kind, 'reply');
    // "b" is replaced by a new pod with the same IP and a new MAC: its GARP fixes a's cache.
    const b2 = makeHost(clock, 'b2', '10.0.0.2/24');
    sw.plug(b2.eth0);
    b.stack.setLinkUp('eth0', false);
    assert.match(a.stack.arp.format(), new RegExp(`10\\.0\\.0\\.2 dev eth0 lladdr ${fmt(b2.eth0.mac)} REACHABLE`));
    const o = await runUntil(clock, a.stack.ping(ip('10.0.0.2')));
    assert.equal(o.kind, 'reply');
    assert.equal(b2.stack.stats.icmpInEchos, 1);
  });

  test('stale entries keep working and are re-confirmed by unicast ARP', async () => {
    const clock = new FakeClock();
    const a = makeHost(clock, 'a', '10.0.0.1/24');
    const b = makeHost(clock, 'b', '10.0.0.2/24');
    const unicastArp: number[] = [];
    new TestLink(clock, a.eth0, b.eth0, {
      filter: (f) => {
        if (f[12] === 0x08 && f[13] === 0x06 && f[21] === 1 && f[0] !== 0xff) unicastArp.push(clock.now());
        return undefined;
      },
    });
    assert.equal((await runUntil(clock, a.stack.ping(ip('10.0.0.2')))).kind, 'reply');
    clock.advance(31_000);
    assert.match(a.stack.arp.format(), /STALE/);
    const o = await runUntil(clock, a.stack.ping(ip('10.0.0.2')));
    assert.equal(o.kind, 'reply');
    // b refreshed its own stale entry too when it replied.
    assert.ok(unicastArp.length >= 1);
    assert.match(a.stack.arp.format(), /REACHABLE/);
  });
});

function fmt(mac: number): string {
  return mac.toString(16).padStart(12, '0').replace(/(..)(?!$)/g, '$1:');
}
