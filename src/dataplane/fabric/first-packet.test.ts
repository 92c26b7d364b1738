import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFrame } from '../wire/frame.js';
import { TCP_SYN } from '../wire/tcp.js';
import { ip } from './_test-lab.js';
import { firstPacket } from './first-packet.js';
import { describeFrame } from './trace.js';

const base = { srcMac: 0x025056190504, dstMac: 0x025056560005, src: ip('172.25.5.4'), dst: ip('172.25.5.3') } as const;

describe('firstPacket', () => {
  test('TCP SYN with an MSS option, DF, TTL 64, valid checksums', () => {
    const f = parseFrame(firstPacket({ ...base, proto: 'tcp', srcPort: 41000, dstPort: 80 }), { verifyChecksum: true });
    assert.ok(f.ok);
    const l3 = f.value.l3;
    assert.ok(l3.kind === 'ipv4' && l3.l4.kind === 'tcp');
    assert.equal(l3.ip.ttl, 64);
    assert.equal(l3.ip.dontFragment, true);
    assert.equal(l3.l4.tcp.flags, TCP_SYN);
    assert.deepEqual([...l3.l4.tcp.options], [2, 4, 0x05, 0xb4]);
    assert.equal(describeFrame(firstPacket({ ...base, proto: 'tcp', srcPort: 41000, dstPort: 80 })), '02:50:56:19:05:04 > 02:50:56:56:00:05, tcp 172.25.5.4:41000 > 172.25.5.3:80 [S] len 0 ttl 64');
  });

  test('UDP datagram and ICMP echo request', () => {
    assert.equal(describeFrame(firstPacket({ ...base, proto: 'udp', dstPort: 53 })), '02:50:56:19:05:04 > 02:50:56:56:00:05, udp 172.25.5.4:40000 > 172.25.5.3:53 len 0 ttl 64');
    assert.equal(describeFrame(firstPacket({ ...base, proto: 'icmp' })), '02:50:56:19:05:04 > 02:50:56:56:00:05, icmp 172.25.5.4 > 172.25.5.3 echo-request id 4660 seq 1 ttl 64');
  });

  test('tcp and udp need a destination port', () => {
    assert.throws(() => firstPacket({ ...base, proto: 'tcp' }), /destination port/);
    assert.throws(() => firstPacket({ ...base, proto: 'udp' }), /destination port/);
  });
});
