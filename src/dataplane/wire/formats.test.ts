// Each format on its own: parse/emit of the layer's slice of a fixture, and building
// reprs from scratch.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IPv4 } from '../../core/ip.js';
import { emitArp, parseArp, ARP_REPLY } from './arp.js';
import { emitEthernet, parseEthernet } from './ethernet.js';
import { emitIcmp, icmpPortUnreachable, icmpTtlExceeded, parseIcmp } from './icmp.js';
import { emitIpv4, parseIpv4 } from './ipv4.js';
import { formatMac, parseMac } from './mac.js';
import { emitTcp, formatTcpFlags, parseTcp, TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN } from './tcp.js';
import { buildTcpOptions, parseTcpOptions, tcpMss } from './tcp-options.js';
import { emitUdp, parseUdp } from './udp.js';
import { ARP_REQUEST_HEX, hex, ICMP_ECHO_HEX, TCP_SYN_HEX, toHex, UDP_DNS_HEX, VLAN_ICMP_ECHO_HEX } from './testdata/fixtures.js';

const A = 0xac190504 as IPv4;
const B = 0x0a6581d1 as IPv4;

describe('ethernet', () => {
  test('untagged and tagged round trips', () => {
    for (const h of [TCP_SYN_HEX, VLAN_ICMP_ECHO_HEX]) {
      const b = hex(h);
      const r = parseEthernet(b);
      assert.ok(r.ok);
      assert.equal(toHex(emitEthernet(r.value)), toHex(b));
    }
  });
  test('802.3 length field and stacked tags are rejected', () => {
    const b = hex(TCP_SYN_HEX);
    b[12] = 0x00;
    b[13] = 0x40;
    const r = parseEthernet(b);
    assert.ok(!r.ok && r.error.kind === 'malformed');
    const q = hex(VLAN_ICMP_ECHO_HEX);
    q[16] = 0x81;
    q[17] = 0x00;
    const s = parseEthernet(q);
    assert.ok(!s.ok && s.error.kind === 'malformed');
  });
  test('MAC text form', () => {
    const m = parseMac('02:42:AC:19:05:04');
    assert.ok(m.ok);
    assert.equal(m.value, 0x0242ac190504);
    assert.equal(formatMac(m.value), '02:42:ac:19:05:04');
    assert.equal(parseMac('02:42:ac:19:05').ok, false);
  });
});

describe('arp', () => {
  test('round trip of the request body and a built reply', () => {
    const body = hex(ARP_REQUEST_HEX).subarray(14, 42);
    const r = parseArp(body);
    assert.ok(r.ok);
    assert.equal(toHex(emitArp(r.value)), toHex(body));
    const reply = emitArp({ op: ARP_REPLY, senderMac: 0x0242ac190501, senderIp: 0xac190501 as IPv4, targetMac: r.value.senderMac, targetIp: r.value.senderIp });
    const back = parseArp(reply);
    assert.ok(back.ok);
    assert.equal(back.value.op, 2);
    assert.equal(back.value.targetIp, 0xac190504);
  });
  test('non-Ethernet/IPv4 ARP is unsupported; short is truncated', () => {
    const body = hex(ARP_REQUEST_HEX).slice(14, 42);
    body[1] = 6;
    const r = parseArp(body);
    assert.ok(!r.ok && r.error.kind === 'unsupported');
    const t = parseArp(body.subarray(0, 27));
    assert.ok(!t.ok && t.error.kind === 'truncated');
  });
});

describe('ipv4', () => {
  test('round trip, options length, fragment fields', () => {
    const ip = hex(TCP_SYN_HEX).subarray(14);
    const r = parseIpv4(ip);
    assert.ok(r.ok);
    assert.equal(toHex(emitIpv4(r.value)), toHex(ip));
    const withOpts = emitIpv4({ ...r.value, options: hex('94040000'), moreFragments: true, fragmentOffset: 185, dontFragment: false, ttl: 1 });
    const back = parseIpv4(withOpts);
    assert.ok(back.ok);
    assert.equal(back.value.options.length, 4);
    assert.equal(back.value.fragmentOffset, 185);
    assert.equal(back.value.moreFragments, true);
    assert.equal(back.value.ttl, 1);
    assert.equal(withOpts[0], 0x46);
  });
  test('link padding after total length is not payload', () => {
    const ip = hex(TCP_SYN_HEX).subarray(14);
    const padded = new Uint8Array(ip.length + 6);
    padded.set(ip);
    const r = parseIpv4(padded);
    assert.ok(r.ok);
    assert.equal(r.value.payload.length, ip.length - 20);
  });
  test('version other than 4 is malformed', () => {
    const ip = hex(TCP_SYN_HEX).slice(14);
    ip[0] = 0x65;
    const r = parseIpv4(ip, { verifyChecksum: false });
    assert.ok(!r.ok && r.error.kind === 'malformed');
  });
});

describe('icmp', () => {
  test('echo round trip', () => {
    const msg = hex(ICMP_ECHO_HEX).subarray(34);
    const r = parseIcmp(msg);
    assert.ok(r.ok && r.value.kind === 'echo-request');
    assert.equal(toHex(emitIcmp(r.value)), toHex(msg));
  });
  test('port unreachable and time exceeded quote header + 8 bytes', () => {
    const dgram = hex(UDP_DNS_HEX).subarray(14);
    const pu = icmpPortUnreachable(dgram);
    assert.ok(pu.kind === 'dest-unreachable');
    assert.equal(pu.original.length, 28);
    const back = parseIcmp(emitIcmp(pu));
    assert.ok(back.ok && back.value.kind === 'dest-unreachable' && back.value.code === 3);
    const te = parseIcmp(emitIcmp(icmpTtlExceeded(dgram)));
    assert.ok(te.ok && te.value.kind === 'time-exceeded' && te.value.code === 0);
  });
  test('unknown types round-trip as other', () => {
    const msg = emitIcmp({ kind: 'other', type: 13, code: 0, rest: 0x00010002, data: hex('0000000100000002') });
    const r = parseIcmp(msg);
    assert.ok(r.ok && r.value.kind === 'other' && r.value.type === 13);
    assert.equal(toHex(emitIcmp(r.value)), toHex(msg));
  });
});

describe('udp', () => {
  test('round trip with pseudo-header; bad checksum caught only with addresses', () => {
    const frame = hex(UDP_DNS_HEX);
    const pseudo = { src: 0xac190504, dst: 0x0a60000a };
    const dgram = frame.subarray(34);
    const r = parseUdp(dgram, { pseudo });
    assert.ok(r.ok);
    assert.equal(toHex(emitUdp(r.value, pseudo)), toHex(dgram));
    const wrong = parseUdp(dgram, { pseudo: { src: pseudo.src, dst: pseudo.dst + 1 } });
    assert.ok(!wrong.ok && wrong.error.kind === 'bad-checksum');
    assert.ok(parseUdp(dgram).ok, 'no pseudo-header: not verified');
  });
  test('length field beyond the buffer is truncated', () => {
    const dgram = hex(UDP_DNS_HEX).slice(34, 50);
    const r = parseUdp(dgram);
    assert.ok(!r.ok && r.error.kind === 'truncated' && r.error.need === 62);
  });
});

describe('tcp', () => {
  test('round trip and uint32 sequence numbers', () => {
    const seg = hex(TCP_SYN_HEX).subarray(34);
    const pseudo = { src: A, dst: B };
    const r = parseTcp(seg, { pseudo });
    assert.ok(r.ok);
    assert.equal(toHex(emitTcp(r.value, pseudo)), toHex(seg));
    const big = emitTcp({ ...r.value, seq: 0xffffffff, ack: 0x80000000, flags: TCP_ACK | TCP_PSH | TCP_FIN, options: new Uint8Array(0), payload: hex('68656c6c6f') }, pseudo);
    const back = parseTcp(big, { pseudo });
    assert.ok(back.ok);
    assert.equal(back.value.seq, 0xffffffff);
    assert.equal(back.value.ack, 0x80000000);
    assert.equal(formatTcpFlags(back.value.flags), 'FP.');
    assert.equal(new TextDecoder().decode(back.value.payload), 'hello');
  });
  test('data offset below 5 is malformed', () => {
    const seg = hex(TCP_SYN_HEX).slice(34);
    seg[12] = 0x40;
    const r = parseTcp(seg);
    assert.ok(!r.ok && r.error.kind === 'malformed');
  });
  test('options build/parse', () => {
    const raw = buildTcpOptions([{ kind: 'mss', value: 1400 }, { kind: 'nop' }, { kind: 'wscale', shift: 9 }, { kind: 'sack', blocks: [[1, 2]] }]);
    assert.equal(raw.length % 4, 0);
    assert.equal(tcpMss(raw), 1400);
    const r = parseTcpOptions(raw);
    assert.ok(r.ok);
    assert.deepEqual(r.value.slice(0, 4), [{ kind: 'mss', value: 1400 }, { kind: 'nop' }, { kind: 'wscale', shift: 9 }, { kind: 'sack', blocks: [[1, 2]] }]);
    const bad = parseTcpOptions(hex('0205'));
    assert.ok(!bad.ok);
    assert.equal(formatTcpFlags(TCP_SYN | TCP_ACK), 'S.');
  });
});
