import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/clock.js';
import { HostStack } from './host-stack.js';
import { formatIpAddr, formatIpLink, formatLinkStats } from './ip-commands.js';
import { ip, runUntil, TestLink } from './testing.js';

function pod() {
  const clock = new FakeClock();
  const s = new HostStack({ clock, hostname: 'web-0' });
  const eth0 = s.addInterface({ name: 'eth0', mac: 0x0a580af40105, address: ip('10.244.1.5'), prefix: 24, mtu: 1450, peerIfindex: 7 });
  return { clock, s, eth0 };
}

describe('ip command output', () => {
  test('ip addr of a pod (veth peer, overlay MTU)', () => {
    const { s, eth0 } = pod();
    eth0.attach(() => undefined);
    assert.equal(
      formatIpAddr(s),
      [
        '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
        '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
        '    inet 127.0.0.1/8 scope host lo',
        '       valid_lft forever preferred_lft forever',
        '2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP group default ',
        '    link/ether 0a:58:0a:f4:01:05 brd ff:ff:ff:ff:ff:ff link-netnsid 0',
        '    inet 10.244.1.5/24 brd 10.244.1.255 scope global eth0',
        '       valid_lft forever preferred_lft forever',
        '',
      ].join('\n'),
    );
  });

  test('link states: no carrier, admin down; a physical NIC shows qlen', () => {
    const clock = new FakeClock();
    const s = new HostStack({ clock });
    s.addInterface({ name: 'ens192', mac: 0x005056000001, address: ip('192.168.10.5'), prefix: 24 });
    assert.match(formatIpLink(s), /2: ens192: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc mq state DOWN mode DEFAULT group default qlen 1000\n    link\/ether 00:50:56:00:00:01 brd ff:ff:ff:ff:ff:ff\n$/);
    s.setLinkUp('ens192', false);
    assert.match(formatIpLink(s), /2: ens192: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n/);
  });

  test('ip -s link counts frames and bytes both ways', async () => {
    const { clock, s, eth0 } = pod();
    const peer = new HostStack({ clock });
    const p0 = peer.addInterface({ name: 'eth0', mac: 0x0a580af40106, address: ip('10.244.1.6'), prefix: 24, mtu: 1450 });
    new TestLink(clock, eth0, p0, { delayMs: 0.1 });
    await runUntil(clock, s.ping(ip('10.244.1.6')), 1000, 0.1);
    // GARP + ARP request + echo request out; peer's GARP + ARP reply + echo reply in.
    const c = eth0.counters;
    assert.deepEqual([c.txPackets, c.rxPackets], [3, 3]);
    assert.equal(c.txBytes, 42 + 42 + 98);
    const text = formatIpLink(s, { stats: true });
    assert.ok(text.includes(formatLinkStats(c)));
    assert.equal(
      formatLinkStats({ ...c, rxBytes: 14248, rxPackets: 176, txBytes: 14248, txPackets: 176, rxDropped: 0, rxErrors: 0, rxMulticast: 0, txDropped: 0, txErrors: 0 }),
      '    RX:  bytes packets errors dropped  missed   mcast\n         14248     176      0       0       0       0\n    TX:  bytes packets errors dropped carrier collsns\n         14248     176      0       0       0       0\n',
    );
  });
});
