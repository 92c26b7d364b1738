import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalIP, formatIPv4, formatIPv6, ipFamilyOf, parseIP, parseIPv4, parseIPv6 } from './ip.js';
import { unwrap } from './result.js';

describe('IPv4', () => {
  const valid: Array<[string, number]> = [
    ['0.0.0.0', 0],
    ['10.101.129.209', 0x0a6581d1],
    ['255.255.255.255', 0xffffffff],
    ['172.25.5.2', 0xac190502],
  ];
  for (const [s, n] of valid) {
    test(`parses ${s}`, () => {
      assert.equal(unwrap(parseIPv4(s)), n);
      assert.equal(formatIPv4(unwrap(parseIPv4(s))), s);
    });
  }
  for (const s of ['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', ' 1.2.3.4', '1.2.3.4 ', 'a.b.c.d', '1..2.3', '-1.2.3.4']) {
    test(`rejects ${JSON.stringify(s)}`, () => assert.equal(parseIPv4(s).ok, false));
  }
});

describe('IPv6', () => {
  const cases: Array<[string, string]> = [
    ['::', '::'],
    ['::1', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of equal-length runs is compressed
    ['fd00:10:96::a', 'fd00:10:96::a'],
    ['2001:db8::0:1', '2001:db8::1'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'], // a single zero group is not compressed (RFC 5952 4.2.2)
    ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
  ];
  for (const [input, canonical] of cases) {
    test(`canonicalizes ${input}`, () => assert.equal(formatIPv6(unwrap(parseIPv6(input))), canonical));
  }
  for (const s of [':', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', '1:2:3:4:5:6:7::8:9']) {
    test(`rejects ${s}`, () => assert.equal(parseIPv6(s).ok, false));
  }
});

test('parseIP picks the family and canonicalIP normalizes', () => {
  assert.equal(unwrap(parseIP('10.96.0.10')).family, 4);
  assert.equal(unwrap(parseIP('fd00::10')).family, 6);
  assert.equal(canonicalIP('FD00:0::10'), 'fd00::10');
  assert.equal(canonicalIP('nope'), undefined);
  assert.equal(ipFamilyOf('10.0.0.1'), 4);
  assert.equal(ipFamilyOf('::1'), 6);
});
