import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/clock.js';
import { ip } from './_test-lab.js';
import { LogicalSwitch } from './logical-switch.js';
import { Scheduler } from './scheduler.js';
import { SimpleHost } from './simple-host.js';

function segment(arpSuppression: boolean) {
  const s = new Scheduler({ clock: new FakeClock() });
  const ls = new LogicalSwitch({ name: 'ls', arpSuppression });
  const h = (n: number) => new SimpleHost({ name: `h${n}`, mac: 0x020000000000 + n, ip: ip(`10.0.0.${n}`), prefix: 24 });
  const [a, b, c] = [h(1), h(2), h(3)];
  for (const x of [a, b, c]) s.connect(x.name, x, ls.addPort(x.name));
  return { s, ls, a, b, c };
}

describe('LogicalSwitch', () => {
  test('learns MACs: after the first exchange unicast goes to one port only', () => {
    const { s, ls, a, b, c } = segment(false);
    a.ping(b.ip);
    s.runUntilIdle();
    assert.equal(a.counters.echoReplies, 1);
    const cBefore = c.counters.rxFrames;
    a.ping(b.ip, { seq: 2 });
    s.runUntilIdle();
    assert.equal(c.counters.rxFrames, cBefore, 'c saw only the first ARP broadcast');
    assert.equal(ls.macPort(b.mac), 'h2');
    assert.ok(ls.stats().forwarded >= 3);
  });

  test('without suppression ARP floods; with it the switch answers known IPs and snoops the rest', () => {
    const plain = segment(false);
    plain.a.ping(plain.b.ip);
    plain.s.runUntilIdle();
    assert.equal(plain.c.counters.arpRequestsSeen, 1);

    const nsx = segment(true);
    nsx.ls.bindIp(nsx.b.ip, nsx.b.mac);
    nsx.a.ping(nsx.b.ip);
    nsx.s.runUntilIdle();
    assert.equal(nsx.a.counters.echoReplies, 1);
    assert.equal(nsx.b.counters.arpRequestsSeen, 0);
    assert.equal(nsx.c.counters.arpRequestsSeen, 0);
    // b never saw a's request, so it asks for a in turn: answered from the binding the
    // switch snooped from a's own request.
    assert.equal(nsx.ls.stats().arpSuppressed, 2);
    assert.deepEqual(nsx.ls.binding(nsx.a.ip), { ip: nsx.a.ip, mac: nsx.a.mac, source: 'snooped' });
    nsx.c.ping(nsx.a.ip);
    nsx.s.runUntilIdle();
    assert.equal(nsx.ls.stats().arpSuppressed, 4, "c's request for a, then a's for c");
    assert.equal(nsx.a.counters.arpRequestsSeen, 0);
  });

  test('a static MAC location wins over learning; removed ports are forgotten', () => {
    const { s, ls, a, b, c } = segment(false);
    ls.bindMac(b.mac, 'h2');
    // c forges b's source MAC: the switch keeps b where the control plane put it.
    c.send(a.buildIp(b.ip, { kind: 'udp', udp: { srcPort: 1, dstPort: 1, payload: new Uint8Array(1) } }, { srcMac: b.mac }));
    s.runUntilIdle();
    assert.equal(ls.macPort(b.mac), 'h2');
    assert.equal(ls.macPort(0xffffffffffff), undefined);
    assert.ok(ls.removePort('h2'));
    assert.equal(ls.macPort(b.mac), undefined);
    assert.deepEqual(ls.portNames(), ['h1', 'h3']);
  });
});

describe('LogicalSwitch bridge netfilter', () => {
  test('hooks IPv4 frames bridged between two ports (prerouting, forward, postrouting), not ARP nor the local port; a drop stops the frame; a rewrite is re-emitted with good checksums', () => {
    const { s, ls, a, b, c } = segment(false);
    const calls: string[] = [];
    let dropEcho = false;
    ls.setBridgeNetfilter({
      localPort: 'h3',
      localMac: c.mac,
      onLink: () => true,
      now: () => 0,
      hook: (name, p) => {
        calls.push(`${name} ${p.inPort}>${p.outPort ?? '-'}`);
        const l3 = p.frame.l3;
        if (l3.kind === 'ipv4' && l3.l4.kind === 'icmp' && l3.l4.icmp.kind === 'echo-reply' && name === 'postrouting') l3.ip.src = ip('10.0.0.99');
        return dropEcho ? { kind: 'drop', reason: 'test' } : { kind: 'accept' };
      },
    });
    a.ping(b.ip);
    s.runUntilIdle();
    assert.deepEqual(calls, ['prerouting h1>-', 'forward h1>h2', 'postrouting h1>h2', 'prerouting h2>-', 'forward h2>h1', 'postrouting h2>h1']);
    const reply = a.inbox.find((f) => f.l3.kind === 'ipv4' && f.l3.l4.kind === 'icmp' && f.l3.l4.icmp.kind === 'echo-reply');
    assert.equal(reply?.l3.kind === 'ipv4' ? reply.l3.ip.src : undefined, ip('10.0.0.99'), 'rewritten (SimpleHost verifies checksums on receive)');
    calls.length = 0;
    a.ping(c.ip, { seq: 2 });
    s.runUntilIdle();
    assert.deepEqual(calls, [], 'to and from the local port: not hooked');
    assert.equal(a.counters.echoReplies, 2);
    dropEcho = true;
    a.ping(b.ip, { seq: 3 });
    s.runUntilIdle();
    assert.equal(a.counters.echoReplies, 2);
    assert.equal(ls.stats().bridgeHooked, 3);
    ls.setBridgeNetfilter(undefined);
    a.ping(b.ip, { seq: 4 });
    s.runUntilIdle();
    assert.equal(ls.stats().bridgeHooked, 3);
  });
});
