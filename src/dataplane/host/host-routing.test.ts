import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/clock.js';
import { unwrap } from '../../core/result.js';
import { allocBytes } from '../wire/alloc.js';
import { emitFrame, parseFrame } from '../wire/frame.js';
import { icmpQuote } from '../wire/icmp.js';
import { HostStack } from './host-stack.js';
import { NetError } from './net-error.js';
import { formatPingLine } from './ping.js';
import { ip, makeHost, runUntil, seededRandom, TestLink } from './testing.js';

/** a (10.0.1.10) -- r (10.0.1.1 | 10.0.2.1, forwarding) -- b (10.0.2.20) */
function topology() {
  const clock = new FakeClock();
  const a = makeHost(clock, 'a', '10.0.1.10/24', { gateway: '10.0.1.1' });
  const b = makeHost(clock, 'b', '10.0.2.20/24', { gateway: '10.0.2.1' });
  const r = new HostStack({ clock, hostname: 'r', forwarding: true, random: seededRandom(99) });
  const r0 = r.addInterface({ name: 'eth0', mac: 0x0200000000a1, address: ip('10.0.1.1'), prefix: 24 });
  const r1 = r.addInterface({ name: 'eth1', mac: 0x0200000000a2, address: ip('10.0.2.1'), prefix: 24 });
  const left = new TestLink(clock, a.eth0, r0, { delayMs: 0.5 });
  const right = new TestLink(clock, r1, b.eth0, { delayMs: 0.5 });
  return { clock, a, b, r, left, right };
}

describe('routing through a gateway', () => {
  test('ping across the router: TTL 63 on the reply, ip route listing', async () => {
    const { clock, a, r } = topology();
    const o = await runUntil(clock, a.stack.ping(ip('10.0.2.20')), 5000, 0.5);
    assert.equal(o.kind, 'reply');
    assert.equal(o.kind === 'reply' && o.ttl, 63);
    assert.equal(r.stats.ipForwDatagrams, 2);
    assert.equal(a.stack.routes.format(), 'default via 10.0.1.1 dev eth0 \n10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.10 \n');
    assert.equal(r.routes.format(), '10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.1 \n10.0.2.0/24 dev eth1 proto kernel scope link src 10.0.2.1 \n');
  });

  test('TTL 1: "Time to live exceeded" from the router', async () => {
    const { clock, a } = topology();
    const o = await runUntil(clock, a.stack.ping(ip('10.0.2.20'), { ttl: 1, seq: 7 }), 5000, 0.5);
    assert.equal(formatPingLine(o), 'From 10.0.1.1 icmp_seq=7 Time to live exceeded');
  });

  test('far-side host missing: the router reports Destination Host Unreachable; TCP connect fails with EHOSTUNREACH', async () => {
    const { clock, a } = topology();
    const o = await runUntil(clock, a.stack.ping(ip('10.0.2.99')), 10_000, 10);
    assert.equal(formatPingLine(o), 'From 10.0.1.1 icmp_seq=1 Destination Host Unreachable');
    await assert.rejects(runUntil(clock, a.stack.connect(ip('10.0.2.99'), 80), 10_000, 10), (e) => e instanceof NetError && e.code === 'EHOSTUNREACH');
  });

  test('no route at the router: Destination Net Unreachable', async () => {
    const { clock, a } = topology();
    const o = await runUntil(clock, a.stack.ping(ip('192.168.5.5')), 5000, 0.5);
    assert.equal(formatPingLine(o), 'From 10.0.1.1 icmp_seq=1 Destination Net Unreachable');
    await assert.rejects(runUntil(clock, a.stack.connect(ip('192.168.5.5'), 80), 5000, 0.5), (e) => e instanceof NetError && e.code === 'ENETUNREACH');
  });

  test('TCP through the router, 100 KB each way', async () => {
    const { clock, a, b } = topology();
    unwrap(b.stack.listen(8080, (s) => s.onData((d) => s.write(d)).onEnd(() => s.end())));
    const c = await runUntil(clock, a.stack.connect(ip('10.0.2.20'), 8080), 5000, 0.5);
    const data = new Uint8Array(100_000).map((_, i) => i & 0xff);
    const echoed = c.readAll();
    c.end(data);
    assert.deepEqual(await runUntil(clock, echoed, 10_000, 0.5), data);
  });

  test('ICMP port unreachable for a SYN (a REJECT rule on the path) fails connect with ECONNREFUSED', async () => {
    const { clock, a, r } = topology();
    // The router "rejects" TCP to port 9: it answers SYNs with ICMP port unreachable.
    const r0 = r.interface('eth0')!;
    const orig = r0.receive.bind(r0);
    r0.receive = (frame: Uint8Array) => {
      const p = parseFrame(frame);
      if (p.ok && p.value.l3.kind === 'ipv4' && p.value.l3.l4.kind === 'tcp' && p.value.l3.l4.tcp.dstPort === 9) {
        const ipPkt = frame.subarray(14);
        const reply = emitFrame({
          eth: { dst: p.value.eth.src, src: r0.mac, etherType: 0x0800 },
          l3: {
            kind: 'ipv4',
            ip: { tos: 0, ident: 1, dontFragment: false, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: 1, src: ip('10.0.1.1'), dst: p.value.l3.ip.src, options: allocBytes(0) },
            l4: { kind: 'icmp', icmp: { kind: 'dest-unreachable', code: 3, nextHopMtu: 0, original: icmpQuote(ipPkt) } },
          },
          trailer: allocBytes(0),
        });
        clock.setTimeout(() => a.eth0.receive(reply), 0.5);
        return;
      }
      orig(frame);
    };
    await assert.rejects(runUntil(clock, a.stack.connect(ip('10.0.2.20'), 9), 5000, 0.5), (e) => e instanceof NetError && e.code === 'ECONNREFUSED');
    assert.equal(a.stack.stats.tcpAttemptFails, 1);
  });
});
