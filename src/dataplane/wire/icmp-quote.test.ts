import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emitFrame, parseFrame } from './frame.js';
import { applyQuoteTupleToFrame, icmpErrorQuoteOf, parseIcmpQuote, rewriteIcmpQuote } from './icmp-quote.js';
import { parseUdp } from './udp.js';
import { hex, ICMP_ECHO_HEX, ICMP_PORT_UNREACHABLE_HEX, UDP_DNS_HEX } from './testdata/fixtures.js';

describe('ICMP error quotes', () => {
  test('the quoted tuple of a port unreachable', () => {
    const f = parseFrame(hex(ICMP_PORT_UNREACHABLE_HEX));
    assert.ok(f.ok);
    assert.deepEqual(icmpErrorQuoteOf(f.value), { src: 0xac190504, dst: 0x0a60000a, proto: 17, srcPort: 53000, dstPort: 53, icmpType: 0, icmpCode: 0 });
    const echo = parseFrame(hex(ICMP_ECHO_HEX));
    assert.ok(echo.ok);
    assert.equal(icmpErrorQuoteOf(echo.value), undefined);
  });

  test('a quoted echo request gives its id as srcPort', () => {
    const q = hex(ICMP_ECHO_HEX).subarray(14, 14 + 28);
    const r = parseIcmpQuote(q);
    assert.ok(r.ok);
    assert.deepEqual(r.value, { src: 0xac190504, dst: 0xac190503, proto: 1, srcPort: 0x1234, dstPort: 0, icmpType: 8, icmpCode: 0 });
  });

  test('short quotes are errors, not exceptions', () => {
    for (let n = 0; n < 24; n++) assert.equal(parseIcmpQuote(hex(UDP_DNS_HEX).subarray(14, 14 + n)).ok, false);
  });

  test('rewriting keeps the quoted IP and UDP checksums right', () => {
    // Quote the whole DNS datagram so the UDP checksum can be verified afterwards.
    const dgram = hex(UDP_DNS_HEX).subarray(14);
    const out = rewriteIcmpQuote(dgram, { src: 0xac190504, dst: 0xac190503, srcPort: 53000, dstPort: 5353 });
    const ipOk = parseFrame(new Uint8Array([...hex(UDP_DNS_HEX).subarray(0, 14), ...out]));
    assert.ok(ipOk.ok, 'IP header checksum and full UDP checksum verify');
    const udp = parseUdp(out.subarray(20), { pseudo: { src: 0xac190504, dst: 0xac190503 } });
    assert.ok(udp.ok && udp.value.dstPort === 5353);
    // The incremental update on a header+8 quote must agree with the full datagram's.
    const short = rewriteIcmpQuote(dgram.subarray(0, 28), { src: 0xac190504, dst: 0xac190503, srcPort: 53000, dstPort: 5353 });
    assert.deepEqual([...short], [...out.subarray(0, 28)]);
  });

  test('applyQuoteTupleToFrame rewrites in place; emitted frame verifies', () => {
    const f = parseFrame(hex(ICMP_PORT_UNREACHABLE_HEX));
    assert.ok(f.ok);
    applyQuoteTupleToFrame(f.value, { src: 0xac190504, dst: 0xac190503, srcPort: 53000, dstPort: 5353 });
    const back = parseFrame(emitFrame(f.value));
    assert.ok(back.ok);
    const q = icmpErrorQuoteOf(back.value);
    assert.equal(q?.dst, 0xac190503);
    assert.equal(q?.dstPort, 5353);
  });
});
