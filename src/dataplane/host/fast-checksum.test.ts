import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { allocBytes } from '../wire/alloc.js';
import { foldSum, sum16 } from '../wire/checksum.js';
import { parseFrame } from '../wire/frame.js';
import { hex, ICMP_ECHO_HEX, ICMP_PORT_UNREACHABLE_HEX, TCP_SYN_HEX, UDP_DNS_HEX } from '../wire/testdata/fixtures.js';
import { ipv4ChecksumsOk, onesSum } from './fast-checksum.js';
import { seededRandom } from './testing.js';

describe('fast checksum', () => {
  test('onesSum equals wire sum16 for every alignment and parity', () => {
    const rnd = seededRandom(5);
    const buf = allocBytes(1600);
    for (let i = 0; i < buf.length; i++) buf[i] = Math.floor(rnd() * 256);
    for (let start = 0; start < 8; start++) {
      for (const len of [0, 1, 2, 31, 32, 33, 64, 65, 1460, 1461]) {
        assert.equal(foldSum(onesSum(buf, start, start + len, 12345)), foldSum(sum16(buf, start, start + len, 12345)), `start ${start} len ${len}`);
      }
    }
  });

  test('ipv4ChecksumsOk agrees with the wire parser on fixtures and corrupted copies', () => {
    const rnd = seededRandom(9);
    let bad = 0;
    for (const fixture of [TCP_SYN_HEX, UDP_DNS_HEX, ICMP_ECHO_HEX, ICMP_PORT_UNREACHABLE_HEX].map(hex)) {
      assert.ok(ipv4ChecksumsOk(fixture));
      for (let i = 0; i < 2000; i++) {
        const f = allocBytes(fixture.length);
        f.set(fixture);
        f[14 + Math.floor(rnd() * (f.length - 14))] = Math.floor(rnd() * 256);
        const strict = parseFrame(f);
        const lax = parseFrame(f, { verifyChecksum: false });
        if (!lax.ok || lax.value.l3.kind !== 'ipv4') continue;
        assert.equal(ipv4ChecksumsOk(f), strict.ok, `mutation ${i}`);
        if (!strict.ok) bad++;
      }
    }
    assert.ok(bad > 2000);
  });
});
