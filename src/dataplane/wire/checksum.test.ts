import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { finishChecksum, internetChecksum, pseudoHeaderSum, readMac, sum16, updateChecksum16, updateChecksum32, writeMac } from './checksum.js';
import { hex } from './testdata/fixtures.js';

describe('internet checksum', () => {
  test('RFC 1071 section 3 worked example', () => {
    const b = hex('0001 f203 f4f5 f6f7');
    assert.equal(sum16(b, 0, b.length), 0x2ddf0);
    assert.equal(internetChecksum(b), 0x220d);
  });

  test('the textbook IPv4 header (checksum b861)', () => {
    const h = hex('4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7');
    assert.equal(internetChecksum(h), 0xb861);
  });

  test('odd length pads with a zero byte', () => {
    assert.equal(internetChecksum(hex('0102 03')), finishChecksum(0x0102 + 0x0300));
  });

  test('pseudo-header sum adds address halves, protocol and length', () => {
    assert.equal(pseudoHeaderSum(0xc0a80001, 0x0a000002, 17, 20), 0xc0a8 + 0x0001 + 0x0a00 + 0x0002 + 17 + 20);
  });

  test('incremental update (RFC 1624) equals a full recompute', () => {
    const b = hex('4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7');
    const before = internetChecksum(b);
    const changed = b.slice();
    changed[12] = 0x0a;
    changed[13] = 0x01;
    changed[14] = 0x02;
    changed[15] = 0x03;
    assert.equal(updateChecksum32(before, 0xc0a80001, 0x0a010203), internetChecksum(changed));
    const c2 = changed.slice();
    c2[18] = 0x12;
    c2[19] = 0x34;
    assert.equal(updateChecksum16(internetChecksum(changed), 0x00c7, 0x1234), internetChecksum(c2));
  });

  test('MACs round-trip as 48-bit integers', () => {
    const b = new Uint8Array(6);
    writeMac(b, 0, 0xfedcba987654);
    assert.equal(readMac(b, 0), 0xfedcba987654);
    assert.deepEqual([...b], [0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54]);
  });
});
