import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Conntrack } from './conntrack.js';
import { ctStr, dnat, icmp, icmpError, ip, req, T0, udp } from './testdata/packets.js';

const C = '172.25.5.4';
const DNS = '10.96.0.10';
const POD = '172.25.5.20';

describe('UDP', () => {
  test('new -> est on reply; 30 s unreplied, 120 s and assured once a stream', () => {
    const ct = new Conntrack();
    const q = udp(C, 53000, DNS, 53);
    const a = udp(DNS, 53, C, 53000);
    assert.equal(ctStr(ct.process(q, req(T0, { commit: true })).state), '+trk+new');
    let e = ct.find(0, q.tuple)!;
    assert.equal(e.expiresAt, T0 + 30_000);
    assert.equal(e.seenReply, false);
    // Another query before any answer: still new.
    assert.equal(ctStr(ct.process(q, req(T0 + 100)).state), '+trk+new');
    assert.equal(ctStr(ct.process(a, req(T0 + 200)).state), '+trk+est+rpl');
    e = ct.find(0, q.tuple)!;
    assert.equal(e.seenReply, true);
    assert.equal(e.assured, false, 'one answer is not a stream (Linux)');
    assert.equal(e.expiresAt, T0 + 200 + 30_000);
    assert.equal(ctStr(ct.process(q, req(T0 + 300)).state), '+trk+est');
    e = ct.find(0, q.tuple)!;
    assert.equal(e.assured, true);
    assert.equal(e.expiresAt, T0 + 300 + 120_000);
  });

  test('a reply-looking datagram with no entry is simply a new flow', () => {
    const ct = new Conntrack();
    assert.equal(ctStr(ct.process(udp(DNS, 53, C, 53000), req(T0)).state), '+trk+new');
  });
});

describe('ICMP', () => {
  test('echo request -> new, echo reply -> est+rpl; ids keep pings apart', () => {
    const ct = new Conntrack();
    assert.equal(ctStr(ct.process(icmp(C, POD, 8, 0x1234), req(T0, { commit: true })).state), '+trk+new');
    assert.equal(ctStr(ct.process(icmp(POD, C, 0, 0x1234), req(T0 + 1)).state), '+trk+est+rpl');
    assert.equal(ctStr(ct.process(icmp(C, POD, 8, 0x1234), req(T0 + 1000)).state), '+trk+est');
    assert.equal(ctStr(ct.process(icmp(C, POD, 8, 0x9999), req(T0 + 1000, { commit: true })).state), '+trk+new');
    assert.equal(ct.size, 2);
    assert.equal(ct.find(0, icmp(C, POD, 8, 0x1234).tuple, 8)?.expiresAt, T0 + 1000 + 30_000);
  });

  test('an echo reply nobody asked for is +inv; so is an unknown type', () => {
    const ct = new Conntrack();
    assert.equal(ctStr(ct.process(icmp(POD, C, 0, 7), req(T0, { commit: true })).state), '+trk+inv');
    assert.equal(ctStr(ct.process(icmp(POD, C, 9, 0), req(T0, { commit: true })).state), '+trk+inv');
    assert.equal(ct.size, 0);
  });

  test('an echo request in the reverse direction is its own connection, not a reply', () => {
    const ct = new Conntrack();
    ct.process(icmp(C, POD, 8, 1), req(T0, { commit: true }));
    assert.equal(ctStr(ct.process(icmp(POD, C, 8, 1), req(T0)).state), '+trk+new');
  });
});

describe('ICMP errors (+rel)', () => {
  test('port unreachable for a DNATed UDP flow: +rel+rpl, outer and quote un-NATed', () => {
    const ct = new Conntrack();
    const VIP = '10.96.0.10';
    const BACKEND = '172.25.5.30';
    const r = ct.process(udp(C, 53000, VIP, 53), req(T0, { commit: true, nat: dnat(BACKEND, 53) }));
    assert.equal(ctStr(r.state), '+trk+new+dnat');
    // The backend has no listener: it answers with a port unreachable quoting what it got.
    const err = icmpError(BACKEND, C, 3, 3, { src: ip(C), dst: ip(BACKEND), proto: 17, srcPort: 53000, dstPort: 53, icmpType: 0 });
    const plain = ct.process(err, req(T0 + 1));
    assert.equal(ctStr(plain.state), '+trk+rel+rpl');
    assert.equal(plain.translated, undefined);
    const natted = ct.process(err, req(T0 + 1, { nat: true }));
    assert.equal(ctStr(natted.state), '+trk+rel+rpl+snat');
    assert.deepEqual(natted.translated, { src: ip(VIP), dst: ip(C), proto: 1, srcPort: 0, dstPort: 0 });
    assert.deepEqual(natted.translatedQuoted, { src: ip(C), dst: ip(VIP), proto: 17, srcPort: 53000, dstPort: 53 });
  });

  test('time exceeded from a router on the path, original direction', () => {
    const ct = new Conntrack();
    ct.process(udp(C, 33434, '8.8.8.8', 33434), req(T0, { commit: true }));
    const err = icmpError('10.0.0.1', C, 11, 0, { src: ip(C), dst: ip('8.8.8.8'), proto: 17, srcPort: 33434, dstPort: 33434, icmpType: 0 });
    // The quote went C -> 8.8.8.8 (original); the error travels back: reply direction.
    assert.equal(ctStr(ct.process(err, req(T0 + 1)).state), '+trk+rel+rpl');
  });

  test('an error quoting an echo request relates to the ping', () => {
    const ct = new Conntrack();
    ct.process(icmp(C, POD, 8, 77), req(T0, { commit: true }));
    const err = icmpError(POD, C, 3, 1, { src: ip(C), dst: ip(POD), proto: 1, srcPort: 77, dstPort: 0, icmpType: 8 });
    assert.equal(ctStr(ct.process(err, req(T0 + 1)).state), '+trk+rel+rpl');
  });

  test('an error about no known connection, or without a quote, is +inv', () => {
    const ct = new Conntrack();
    const err = icmpError(POD, C, 3, 3, { src: ip(C), dst: ip(POD), proto: 17, srcPort: 1, dstPort: 2, icmpType: 0 });
    assert.equal(ctStr(ct.process(err, req(T0)).state), '+trk+inv');
    const { quoted: _q, ...noQuote } = err;
    assert.equal(ctStr(ct.process(noQuote, req(T0)).state), '+trk+inv');
  });
});
