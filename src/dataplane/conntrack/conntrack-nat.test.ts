import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Conntrack } from './conntrack.js';
import { ACK, ctStr, dnat, icmp, ip, req, snat, SYN, T0, tcp, udp } from './testdata/packets.js';

const ZONE = 65312;
const CLIENT = '172.25.5.4';
const VIP = '10.101.129.209';
const B1 = '172.25.5.3';
const B2 = '172.25.5.5';

describe('DNAT (Service VIP -> endpoint)', () => {
  test('both directions: requests DNATed, replies un-DNATed; OVS snat/dnat bits', () => {
    const ct = new Conntrack();
    const syn = ct.process(tcp(CLIENT, 40000, VIP, 80, SYN), req(T0, { zone: ZONE, commit: true, nat: dnat(B1, 8080) }));
    assert.equal(ctStr(syn.state), '+trk+new+dnat');
    assert.deepEqual(syn.translated, { src: ip(CLIENT), dst: ip(B1), proto: 6, srcPort: 40000, dstPort: 8080 });
    assert.equal(syn.zone, ZONE);

    // The reply carries the backend's address: found by the reply tuple, source restored.
    const synack = ct.process(tcp(B1, 8080, CLIENT, 40000, SYN | ACK), req(T0 + 1, { zone: ZONE, nat: true }));
    assert.equal(ctStr(synack.state), '+trk+est+rpl+snat');
    assert.deepEqual(synack.translated, { src: ip(VIP), dst: ip(CLIENT), proto: 6, srcPort: 80, dstPort: 40000 });
    assert.equal(synack.entryId, syn.entryId);

    // ct(nat) without arguments on later request packets applies the stored binding.
    const ack = ct.process(tcp(CLIENT, 40000, VIP, 80, ACK), req(T0 + 2, { zone: ZONE, nat: true }));
    assert.equal(ctStr(ack.state), '+trk+est+dnat');
    assert.deepEqual(ack.translated, { src: ip(CLIENT), dst: ip(B1), proto: 6, srcPort: 40000, dstPort: 8080 });

    // Without nat the state is reported but nothing is rewritten.
    const plain = ct.process(tcp(CLIENT, 40000, VIP, 80, ACK), req(T0 + 3, { zone: ZONE }));
    assert.equal(ctStr(plain.state), '+trk+est');
    assert.equal(plain.translated, undefined);
  });

  test('a later commit with another NAT target does not change the binding', () => {
    const ct = new Conntrack();
    ct.process(udp(CLIENT, 5000, VIP, 53), req(T0, { commit: true, nat: dnat(B1, 53) }));
    const again = ct.process(udp(CLIENT, 5000, VIP, 53), req(T0 + 1, { commit: true, nat: dnat(B2, 53) }));
    assert.equal(again.translated?.dst, ip(B1));
  });

  test('nat without commit on a new connection translates nothing and stores nothing', () => {
    const ct = new Conntrack();
    const r = ct.process(tcp(CLIENT, 40000, VIP, 80, SYN), req(T0, { nat: dnat(B1, 80) }));
    assert.equal(ctStr(r.state), '+trk+new');
    assert.equal(r.translated, undefined);
    assert.equal(ct.size, 0);
  });

  test('two connections to the same VIP from different source ports get distinct entries', () => {
    const ct = new Conntrack();
    const a = ct.process(tcp(CLIENT, 40000, VIP, 80, SYN), req(T0, { zone: ZONE, commit: true, nat: dnat(B1, 80) }));
    const b = ct.process(tcp(CLIENT, 40001, VIP, 80, SYN), req(T0, { zone: ZONE, commit: true, nat: dnat(B2, 80) }));
    assert.notEqual(a.entryId, b.entryId);
    assert.equal(ct.size, 2);
    const ra = ct.process(tcp(B1, 80, CLIENT, 40000, SYN | ACK), req(T0 + 1, { zone: ZONE, nat: true }));
    const rb = ct.process(tcp(B2, 80, CLIENT, 40001, SYN | ACK), req(T0 + 1, { zone: ZONE, nat: true }));
    assert.equal(ra.entryId, a.entryId);
    assert.equal(rb.entryId, b.entryId);
    assert.equal(ra.translated?.src, ip(VIP));
    assert.equal(rb.translated?.src, ip(VIP));
    // A reply from the wrong backend belongs to no connection.
    assert.equal(ctStr(ct.process(tcp(B2, 80, CLIENT, 40000, SYN | ACK), req(T0 + 1, { zone: ZONE })).state), '+trk+inv');
  });

  test('ranges: first free address:port, deterministic', () => {
    const ct = new Conntrack();
    const r1 = ct.process(udp(CLIENT, 7000, VIP, 53), req(T0, { commit: true, nat: dnat('10.0.0.1', 5300, '10.0.0.3', 5301) }));
    assert.deepEqual([r1.translated?.dst, r1.translated?.dstPort], [ip('10.0.0.1'), 5300]);
    // A different client port has its own reply tuple: the first choice is free again.
    const r2 = ct.process(udp(CLIENT, 7001, VIP, 53), req(T0, { commit: true, nat: dnat('10.0.0.1', 5300, '10.0.0.3', 5301) }));
    assert.deepEqual([r2.translated?.dst, r2.translated?.dstPort], [ip('10.0.0.1'), 5300]);
    // Same client port through another VIP: 10.0.0.1:5300 would clash, so :5301 is next.
    const r3 = ct.process(udp(CLIENT, 7000, '10.101.0.2', 53), req(T0, { commit: true, nat: dnat('10.0.0.1', 5300, '10.0.0.3', 5301) }));
    assert.deepEqual([r3.translated?.dst, r3.translated?.dstPort], [ip('10.0.0.1'), 5301]);
  });

  test('a clash on a single target falls back to remapping the source port (Linux null binding)', () => {
    const ct = new Conntrack();
    ct.process(tcp(CLIENT, 5000, VIP, 80, SYN), req(T0, { commit: true, nat: dnat(B1, 80) }));
    const r = ct.process(tcp(CLIENT, 5000, '10.101.0.7', 80, SYN), req(T0, { commit: true, nat: dnat(B1, 80) }));
    assert.equal(ctStr(r.state), '+trk+new+snat+dnat');
    assert.deepEqual(r.translated, { src: ip(CLIENT), dst: ip(B1), proto: 6, srcPort: 5001, dstPort: 80 });
    const reply = ct.process(tcp(B1, 80, CLIENT, 5001, SYN | ACK), req(T0 + 1, { nat: true }));
    assert.deepEqual(reply.translated, { src: ip('10.101.0.7'), dst: ip(CLIENT), proto: 6, srcPort: 80, dstPort: 5000 });
    assert.equal(ctStr(reply.state), '+trk+est+rpl+snat+dnat');
  });
});

describe('SNAT (masquerade)', () => {
  const NODE = '10.190.5.10';
  test('keeps the source port when free, picks the next one otherwise; replies un-SNATed', () => {
    const ct = new Conntrack();
    const a = ct.process(udp(CLIENT, 40000, '8.8.8.8', 53), req(T0, { commit: true, nat: snat(NODE) }));
    assert.equal(ctStr(a.state), '+trk+new+snat');
    assert.deepEqual(a.translated, { src: ip(NODE), dst: ip('8.8.8.8'), proto: 17, srcPort: 40000, dstPort: 53 });
    const b = ct.process(udp('172.25.5.9', 40000, '8.8.8.8', 53), req(T0, { commit: true, nat: snat(NODE) }));
    assert.equal(b.translated?.srcPort, 40001);
    const rb = ct.process(udp('8.8.8.8', 53, NODE, 40001), req(T0 + 1, { nat: true }));
    assert.equal(ctStr(rb.state), '+trk+est+rpl+dnat');
    assert.deepEqual(rb.translated, { src: ip('8.8.8.8'), dst: ip('172.25.5.9'), proto: 17, srcPort: 53, dstPort: 40000 });
    const ra = ct.process(udp('8.8.8.8', 53, NODE, 40000), req(T0 + 1, { nat: true }));
    assert.equal(ra.translated?.dst, ip(CLIENT));
  });

  test('explicit port range and privileged-port class', () => {
    const ct = new Conntrack();
    const r = ct.process(tcp(CLIENT, 40000, '1.1.1.1', 443, SYN), req(T0, { commit: true, nat: snat(NODE, 61000, 61001) }));
    assert.equal(r.translated?.srcPort, 61000);
    ct.process(tcp('172.25.5.9', 700, '1.1.1.1', 443, SYN), req(T0, { commit: true, nat: snat(NODE) }));
    const low = ct.process(tcp('172.25.5.8', 700, '1.1.1.1', 443, SYN), req(T0, { commit: true, nat: snat(NODE) }));
    assert.equal(low.translated?.srcPort, 701);
  });

  test('an exhausted range refuses the commit (+inv)', () => {
    const ct = new Conntrack();
    ct.process(tcp(CLIENT, 1, '1.1.1.1', 443, SYN), req(T0, { commit: true, nat: snat(NODE, 61000, 61000) }));
    const r = ct.process(tcp(CLIENT, 2, '1.1.1.1', 443, SYN), req(T0, { commit: true, nat: snat(NODE, 61000, 61000) }));
    assert.equal(ctStr(r.state), '+trk+inv');
    assert.equal(ct.stats().insertFailed, 1);
    assert.equal(ct.size, 1);
  });

  test('ICMP echo: the id is remapped on a clash', () => {
    const ct = new Conntrack();
    ct.process(icmp(CLIENT, '8.8.8.8', 8, 100), req(T0, { commit: true, nat: snat(NODE) }));
    const r = ct.process(icmp('172.25.5.9', '8.8.8.8', 8, 100), req(T0, { commit: true, nat: snat(NODE) }));
    assert.deepEqual(r.translated, { src: ip(NODE), dst: ip('8.8.8.8'), proto: 1, srcPort: 101, dstPort: 0 });
    const reply = ct.process(icmp('8.8.8.8', NODE, 0, 101), req(T0 + 1, { nat: true }));
    assert.deepEqual(reply.translated, { src: ip('8.8.8.8'), dst: ip('172.25.5.9'), proto: 1, srcPort: 100, dstPort: 0 });
  });
});
