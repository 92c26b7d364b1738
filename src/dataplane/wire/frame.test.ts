import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IP_PROTO_TCP } from '../flow-key.js';
import { emitFrame, parseFrame, type Frame } from './frame.js';
import { formatWireError, type WireError } from './error.js';
import { tcpMss, parseTcpOptions } from './tcp-options.js';
import { TCP_SYN } from './tcp.js';
import {
  ALL_FIXTURES,
  ARP_REQUEST_HEX,
  hex,
  ICMP_ECHO_HEX,
  ICMP_ECHO_ICMP_CHECKSUM,
  ICMP_PORT_UNREACHABLE_HEX,
  IPV6_HEX,
  TCP_SYN_HEX,
  TCP_SYN_IP_CHECKSUM,
  TCP_SYN_TCP_CHECKSUM,
  toHex,
  UDP_DNS_HEX,
  UDP_DNS_UDP_CHECKSUM,
  VLAN_ICMP_ECHO_HEX,
} from './testdata/fixtures.js';

// A second, deliberately naive checksum (BigInt words, no shortcuts) to cross-check
// the fixtures independently of checksum.ts.
function naiveChecksum(bytes: readonly number[]): number {
  let sum = 0n;
  for (let i = 0; i < bytes.length; i += 2) sum += BigInt(bytes[i]! * 256 + (bytes[i + 1] ?? 0));
  while (sum >> 16n !== 0n) sum = (sum & 0xffffn) + (sum >> 16n);
  return Number(~sum & 0xffffn);
}

function parsed(h: string): Frame {
  const r = parseFrame(hex(h));
  if (!r.ok) assert.fail(formatWireError(r.error));
  return r.value;
}

function expectError(bytes: Uint8Array, pred: (e: WireError) => boolean, opts?: { verifyChecksum?: boolean }): WireError {
  const r = parseFrame(bytes, opts);
  assert.equal(r.ok, false, 'expected a parse error');
  if (r.ok) throw new Error('unreachable');
  assert.ok(pred(r.error), `unexpected error ${formatWireError(r.error)}`);
  return r.error;
}

describe('fixtures carry independently correct checksums', () => {
  test('TCP SYN: IPv4 header and TCP pseudo-header checksums', () => {
    const b = [...hex(TCP_SYN_HEX)];
    const ip = b.slice(14, 34);
    ip[10] = ip[11] = 0;
    assert.equal(naiveChecksum(ip), TCP_SYN_IP_CHECKSUM);
    const seg = b.slice(34);
    seg[16] = seg[17] = 0;
    const pseudo = [...b.slice(26, 34), 0, IP_PROTO_TCP, 0, seg.length];
    assert.equal(naiveChecksum([...pseudo, ...seg]), TCP_SYN_TCP_CHECKSUM);
  });

  test('UDP DNS query checksum', () => {
    const b = [...hex(UDP_DNS_HEX)];
    const dgram = b.slice(34);
    dgram[6] = dgram[7] = 0;
    const pseudo = [...b.slice(26, 34), 0, 17, dgram.length >> 8, dgram.length & 0xff];
    assert.equal(naiveChecksum([...pseudo, ...dgram]), UDP_DNS_UDP_CHECKSUM);
  });

  test('ICMP echo checksum', () => {
    const msg = [...hex(ICMP_ECHO_HEX)].slice(34);
    msg[2] = msg[3] = 0;
    assert.equal(naiveChecksum(msg), ICMP_ECHO_ICMP_CHECKSUM);
  });
});

describe('parseFrame / emitFrame', () => {
  for (const [name, h] of ALL_FIXTURES) {
    test(`${name}: parse -> emit gives identical bytes`, () => {
      const bytes = hex(h);
      const r = parseFrame(bytes);
      if (!r.ok) assert.fail(formatWireError(r.error));
      assert.equal(toHex(emitFrame(r.value)), toHex(bytes));
    });
  }

  test('ARP request fields, padding kept as trailer', () => {
    const f = parsed(ARP_REQUEST_HEX);
    assert.equal(f.l3.kind, 'arp');
    if (f.l3.kind !== 'arp') return;
    assert.deepEqual(f.l3.arp, { op: 1, senderMac: 0x0242ac190504, senderIp: 0xac190504, targetMac: 0, targetIp: 0xac190501 });
    assert.equal(f.eth.dst, 0xffffffffffff);
    assert.equal(f.trailer.length, 18);
  });

  test('TCP SYN fields and MSS option', () => {
    const f = parsed(TCP_SYN_HEX);
    assert.ok(f.l3.kind === 'ipv4' && f.l3.l4.kind === 'tcp');
    const { ip, l4 } = f.l3;
    assert.equal(ip.ttl, 64);
    assert.equal(ip.dontFragment, true);
    assert.equal(ip.dst, 0x0a6581d1);
    assert.equal(l4.tcp.seq, 0xdeadbeef);
    assert.equal(l4.tcp.flags, TCP_SYN);
    assert.equal(l4.tcp.window, 64240);
    assert.equal(tcpMss(l4.tcp.options), 1460);
    const opts = parseTcpOptions(l4.tcp.options);
    assert.ok(opts.ok);
    assert.deepEqual(
      opts.value.map((o) => o.kind),
      ['mss', 'sack-permitted', 'timestamp', 'nop', 'wscale'],
    );
  });

  test('UDP DNS query fields', () => {
    const f = parsed(UDP_DNS_HEX);
    assert.ok(f.l3.kind === 'ipv4' && f.l3.l4.kind === 'udp');
    assert.equal(f.l3.l4.udp.srcPort, 53000);
    assert.equal(f.l3.l4.udp.dstPort, 53);
    assert.equal(f.l3.l4.udp.payload.length, 54);
    assert.equal(f.l3.l4.udp.noChecksum, undefined);
  });

  test('802.1Q tag', () => {
    const f = parsed(VLAN_ICMP_ECHO_HEX);
    assert.deepEqual(f.eth.vlan, { pcp: 5, dei: 0, vid: 100 });
    assert.equal(f.eth.etherType, 0x0800);
    assert.ok(f.l3.kind === 'ipv4' && f.l3.l4.kind === 'icmp' && f.l3.l4.icmp.kind === 'echo-request');
    assert.equal(f.l3.l4.icmp.ident, 0x1234);
    assert.equal(f.l3.l4.icmp.seq, 1);
  });

  test('port unreachable keeps the quoted datagram', () => {
    const f = parsed(ICMP_PORT_UNREACHABLE_HEX);
    assert.ok(f.l3.kind === 'ipv4' && f.l3.l4.kind === 'icmp' && f.l3.l4.icmp.kind === 'dest-unreachable');
    assert.equal(f.l3.l4.icmp.code, 3);
    assert.equal(f.l3.l4.icmp.original.length, 28);
  });

  test('IPv6 is carried as unsupported, not an error', () => {
    const f = parsed(IPV6_HEX);
    assert.equal(f.eth.etherType, 0x86dd);
    assert.equal(f.l3.kind, 'unsupported');
  });

  test('emit recomputes checksums after a rewrite', () => {
    const f = parsed(TCP_SYN_HEX);
    assert.ok(f.l3.kind === 'ipv4' && f.l3.l4.kind === 'tcp');
    f.l3.ip.dst = 0xac190503 as typeof f.l3.ip.dst;
    f.l3.l4.tcp.dstPort = 8080;
    const again = parseFrame(emitFrame(f));
    assert.ok(again.ok, 'rewritten frame must verify');
  });

  test('a UDP datagram without checksum stays without one', () => {
    const b = hex(UDP_DNS_HEX);
    b[40] = 0;
    b[41] = 0;
    const r = parseFrame(b);
    assert.ok(r.ok && r.value.l3.kind === 'ipv4' && r.value.l3.l4.kind === 'udp');
    assert.equal(r.value.l3.l4.udp.noChecksum, true);
    assert.equal(toHex(emitFrame(r.value)), toHex(b));
  });
});

describe('corruption and truncation', () => {
  const cases: readonly [string, string, number, string][] = [
    ['ipv4 header', TCP_SYN_HEX, 24, 'ipv4'],
    ['tcp payload/header', TCP_SYN_HEX, 60, 'tcp'],
    ['udp payload', UDP_DNS_HEX, 80, 'udp'],
    ['icmp data', ICMP_ECHO_HEX, 70, 'icmp'],
  ];
  for (const [what, h, at, layer] of cases) {
    test(`a flipped bit in the ${what} is a bad-checksum error at ${layer}`, () => {
      const b = hex(h);
      b[at]! ^= 0x10;
      expectError(b, (e) => e.kind === 'bad-checksum' && e.layer === layer);
      assert.ok(parseFrame(b, { verifyChecksum: false }).ok, 'accepted when verification is off');
    });
  }

  test('every truncation of every fixture is an error or a shorter valid frame, never a throw', () => {
    for (const [, h] of ALL_FIXTURES) {
      const full = hex(h);
      for (let n = 0; n < full.length; n++) {
        const r = parseFrame(full.subarray(0, n));
        if (r.ok) {
          // Only the padding of the ARP frame and opaque IPv6 bytes may be cut silently.
          assert.ok(r.value.l3.kind === 'unsupported' || (r.value.l3.kind === 'arp' && n >= 42), `prefix ${n} parsed`);
        }
      }
    }
  });

  test('truncated header reports the needed length', () => {
    const e = expectError(hex(TCP_SYN_HEX).subarray(0, 40), (x) => x.kind === 'truncated');
    assert.deepEqual(e, { kind: 'truncated', layer: 'ipv4', need: 60, have: 26 });
  });

  test('IHL below 5 and UDP length below 8 are malformed', () => {
    const b = hex(TCP_SYN_HEX);
    b[14] = 0x44;
    expectError(b, (e) => e.kind === 'malformed' && e.layer === 'ipv4', { verifyChecksum: false });
    const u = hex(UDP_DNS_HEX);
    u[38] = 0;
    u[39] = 4;
    expectError(u, (e) => e.kind === 'malformed' && e.layer === 'udp', { verifyChecksum: false });
  });

  test('fuzz: 10,000 random buffers never throw', () => {
    // Deterministic xorshift so a failure is reproducible.
    let s = 0x12345678;
    const rnd = () => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return (s >>> 0) / 0x100000000;
    };
    const seeds = ALL_FIXTURES.map(([, h]) => hex(h));
    for (let i = 0; i < 10_000; i++) {
      let b: Uint8Array;
      if (i % 2 === 0) {
        b = new Uint8Array(Math.floor(rnd() * 120));
        for (let j = 0; j < b.length; j++) b[j] = Math.floor(rnd() * 256);
        // Steer half of the random frames into the IPv4 and ARP parsers.
        if (b.length >= 15 && i % 4 === 0) {
          b[12] = 0x08;
          b[13] = rnd() < 0.8 ? 0x00 : 0x06;
          b[14] = 0x45;
        }
      } else {
        // Mutate a real frame: a few random bytes changed, random length.
        const base = seeds[i % seeds.length]!;
        b = base.slice(0, Math.floor(rnd() * (base.length + 1)));
        for (let k = 0; k < 3; k++) if (b.length > 0) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      }
      for (const verify of [true, false]) {
        const r = parseFrame(b, { verifyChecksum: verify });
        if (r.ok) emitFrame(r.value);
      }
    }
  });
});
