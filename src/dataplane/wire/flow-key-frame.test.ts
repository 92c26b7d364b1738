import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emptyFlowKey } from '../flow-key.js';
import { applyFlowKeyToFrame, fillFlowKey, flowKeyFromFrame } from './flow-key-frame.js';
import { emitFrame, parseFrame, type Frame } from './frame.js';
import { ARP_REQUEST_HEX, hex, ICMP_ECHO_HEX, IPV6_HEX, TCP_SYN_HEX, UDP_DNS_HEX, VLAN_ICMP_ECHO_HEX } from './testdata/fixtures.js';

function frame(h: string): Frame {
  const r = parseFrame(hex(h));
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('flowKeyFromFrame', () => {
  test('TCP SYN', () => {
    const k = flowKeyFromFrame(frame(TCP_SYN_HEX), 7);
    assert.equal(k.inPort, 7);
    assert.equal(k.dlSrc, 0x0242ac190504);
    assert.equal(k.dlDst, 0x0242ac190501);
    assert.equal(k.dlVlan, -1);
    assert.equal(k.dlType, 0x0800);
    assert.equal(k.nwSrc, 0xac190504);
    assert.equal(k.nwDst, 0x0a6581d1);
    assert.equal(k.nwProto, 6);
    assert.equal(k.nwTtl, 64);
    assert.equal(k.tpSrc, 40000);
    assert.equal(k.tpDst, 80);
    assert.equal(k.tcpFlags, 0x002);
  });
  test('UDP, ICMP (type/code in tp fields), VLAN, ARP, IPv6', () => {
    const u = flowKeyFromFrame(frame(UDP_DNS_HEX), 1);
    assert.deepEqual([u.nwProto, u.tpSrc, u.tpDst, u.tcpFlags], [17, 53000, 53, 0]);
    const i = flowKeyFromFrame(frame(ICMP_ECHO_HEX), 1);
    assert.deepEqual([i.nwProto, i.tpSrc, i.tpDst], [1, 8, 0]);
    const v = flowKeyFromFrame(frame(VLAN_ICMP_ECHO_HEX), 1);
    assert.equal(v.dlVlan, 100);
    assert.equal(v.dlType, 0x0800);
    const a = flowKeyFromFrame(frame(ARP_REQUEST_HEX), 1);
    assert.deepEqual([a.dlType, a.arpOp, a.nwSrc, a.nwDst], [0x0806, 1, 0xac190504, 0xac190501]);
    const six = flowKeyFromFrame(frame(IPV6_HEX), 1);
    assert.deepEqual([six.dlType, six.nwSrc, six.tpDst], [0x86dd, 0, 0]);
  });
  test('fillFlowKey resets a reused key', () => {
    const k = emptyFlowKey();
    k.regs[3] = 9;
    k.ctState = 0x22;
    k.tpSrc = 1;
    fillFlowKey(k, frame(ARP_REQUEST_HEX), 2);
    assert.equal(k.regs[3], 0);
    assert.equal(k.ctState, 0);
    assert.equal(k.tpSrc, 0);
  });
});

describe('applyFlowKeyToFrame', () => {
  test('DNAT + MAC rewrite + TTL decrement reach the bytes with valid checksums', () => {
    const f = frame(TCP_SYN_HEX);
    const k = flowKeyFromFrame(f, 1);
    k.nwDst = 0xac190503;
    k.tpDst = 8080;
    k.dlDst = 0x0242ac190503;
    k.nwTtl -= 1;
    k.nwTos = 0xb8;
    applyFlowKeyToFrame(f, k);
    const back = parseFrame(emitFrame(f));
    assert.ok(back.ok, 'checksums recomputed');
    const k2 = flowKeyFromFrame(back.value, 1);
    assert.deepEqual([k2.nwDst, k2.tpDst, k2.dlDst, k2.nwTtl, k2.nwTos], [0xac190503, 8080, 0x0242ac190503, 63, 0xb8]);
  });
  test('SNAT on UDP and VLAN push/pop', () => {
    const f = frame(UDP_DNS_HEX);
    const k = flowKeyFromFrame(f, 1);
    k.nwSrc = 0x0abe050a;
    k.tpSrc = 61000;
    k.dlVlan = 42;
    applyFlowKeyToFrame(f, k);
    const b1 = emitFrame(f);
    assert.equal(b1.length, hex(UDP_DNS_HEX).length + 4);
    const p1 = parseFrame(b1);
    assert.ok(p1.ok);
    assert.deepEqual(p1.value.eth.vlan, { pcp: 0, dei: 0, vid: 42 });
    const k1 = flowKeyFromFrame(p1.value, 1);
    assert.deepEqual([k1.nwSrc, k1.tpSrc], [0x0abe050a, 61000]);
    k1.dlVlan = -1;
    applyFlowKeyToFrame(p1.value, k1);
    assert.equal(emitFrame(p1.value).length, hex(UDP_DNS_HEX).length);
  });
  test('ARP fields', () => {
    const f = frame(ARP_REQUEST_HEX);
    const k = flowKeyFromFrame(f, 1);
    k.arpOp = 2;
    k.nwSrc = 0xac190501;
    k.nwDst = 0xac190504;
    applyFlowKeyToFrame(f, k);
    assert.ok(f.l3.kind === 'arp');
    assert.deepEqual([f.l3.arp.op, f.l3.arp.senderIp, f.l3.arp.targetIp], [2, 0xac190501, 0xac190504]);
  });
});
