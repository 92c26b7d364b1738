import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ipv4 } from '../../core/ip.js';
import { FRR_STYLE_OPEN, GOBGP_OPEN, hex, MARKER, msg, toHex } from './_fixtures.js';
import { emitMessage, parseMessage } from './message.js';
import { makeOpen, openAs, type OpenMessage } from './open.js';
import type { Capability } from './capabilities.js';

const ctx = { asWidth: 2 } as const;

function parseOpen(b: Uint8Array): OpenMessage {
  const r = parseMessage(b, ctx);
  assert.ok(r.ok, r.ok ? '' : r.error.reason);
  assert.equal(r.value.type, 'open');
  return r.value as OpenMessage;
}

describe('OPEN', () => {
  test("decodes gobgpd 3.10's OPEN and keeps unknown capabilities", () => {
    const m = parseOpen(GOBGP_OPEN);
    assert.equal(m.myAs, 64512);
    assert.equal(m.holdTime, 90);
    assert.equal(m.bgpId, ipv4(0xc0000201));
    assert.deepEqual(m.capabilities, [
      { kind: 'route-refresh' },
      { kind: 'unknown', code: 73, value: hex('02766d00') },
      { kind: 'multiprotocol', afi: 1, safi: 1 },
      { kind: 'four-octet-as', asn: 64512 },
      { kind: 'unknown', code: 5, value: hex('000100010002') },
    ]);
    assert.equal(openAs(m), 64512);
  });

  test('decodes an FRR-style OPEN with one parameter per capability', () => {
    const m = parseOpen(FRR_STYLE_OPEN);
    assert.equal(openAs(m), 65010);
    assert.equal(m.holdTime, 180);
    assert.deepEqual(
      m.capabilities.map((c) => (c.kind === 'unknown' ? c.code : c.kind)),
      ['multiprotocol', 128, 'route-refresh', 70, 'four-octet-as', 69, 73, 64, 71],
    );
  });

  test('our OPEN round trips byte for byte (2-octet AS)', () => {
    const bytes = hex(MARKER + '002d 01 04 fde9 005a 0a000001 10 02 0e 0104 00010001 4104 0000fde9 0200');
    const m = makeOpen(65001, 90, ipv4(0x0a000001), [
      { kind: 'multiprotocol', afi: 1, safi: 1 },
      { kind: 'four-octet-as', asn: 65001 },
      { kind: 'route-refresh' },
    ]);
    assert.equal(toHex(emitMessage(m, ctx)), toHex(bytes));
    assert.deepEqual(parseOpen(bytes), m);
  });

  test('a 4-octet AS goes out as AS_TRANS in My AS and in full in capability 65', () => {
    const m = makeOpen(4200000001, 30, ipv4(0x0a000001), [{ kind: 'four-octet-as', asn: 4200000001 }]);
    const bytes = emitMessage(m, ctx);
    assert.equal(toHex(bytes), (MARKER + '0025 01 04 5ba0 001e 0a000001 08 02 06 4104 fa56ea01').replace(/\s/g, ''));
    assert.equal(openAs(parseOpen(bytes)), 4200000001);
  });

  test('accepts the RFC 9072 extended optional parameters encoding', () => {
    const m = parseOpen(msg(1, '04 fde9 005a 0a000001 ff ff 0009 02 0006 4104 0000fde9'));
    assert.deepEqual(m.capabilities, [{ kind: 'four-octet-as', asn: 65001 }]);
  });

  test('hold time 0 is accepted (no keepalives)', () => {
    assert.equal(parseOpen(msg(1, '04 fde9 0000 0a000001 00')).holdTime, 0);
  });

  const errors: { name: string; body: string; code: number; subcode: number; data?: string }[] = [
    { name: 'version 3', body: '03 fde9 005a 0a000001 00', code: 2, subcode: 1, data: '0004' },
    { name: 'hold time 1', body: '04 fde9 0001 0a000001 00', code: 2, subcode: 6 },
    { name: 'hold time 2', body: '04 fde9 0002 0a000001 00', code: 2, subcode: 6 },
    { name: 'BGP identifier 0', body: '04 fde9 005a 00000000 00', code: 2, subcode: 3 },
    { name: 'My AS 0', body: '04 0000 005a 0a000001 00', code: 2, subcode: 2 },
    { name: '4-octet AS capability with AS 0', body: '04 fde9 005a 0a000001 08 02 06 4104 00000000', code: 2, subcode: 2 },
    { name: 'unsupported optional parameter type 1 (authentication)', body: '04 fde9 005a 0a000001 03 01 01 00', code: 2, subcode: 4 },
    { name: 'multiprotocol capability of length 3', body: '04 fde9 005a 0a000001 07 02 05 0103 000100', code: 2, subcode: 0 },
    { name: 'route refresh capability with a value', body: '04 fde9 005a 0a000001 05 02 03 0201 00', code: 2, subcode: 0 },
    { name: 'capability overruns its parameter', body: '04 fde9 005a 0a000001 04 02 02 4104', code: 2, subcode: 0 },
    { name: 'optional parameters length beyond the message', body: '04 fde9 005a 0a000001 09 02 06 4104 0000fde9', code: 2, subcode: 0 },
    { name: 'optional parameter overruns', body: '04 fde9 005a 0a000001 02 02 09', code: 2, subcode: 0 },
  ];
  for (const e of errors) {
    test(`rejects ${e.name} with ${e.code}/${e.subcode}`, () => {
      const r = parseMessage(msg(1, e.body), ctx);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.deepEqual([r.error.code, r.error.subcode, toHex(r.error.data)], [e.code, e.subcode, e.data ?? '']);
    });
  }
});

describe('OPEN with many capabilities', () => {
  test('more than 255 octets of parameters use the RFC 9072 extended encoding and round trip', () => {
    const caps = Array.from({ length: 40 }, (_, i): Capability => ({ kind: 'unknown', code: 200 + (i % 50), value: new Uint8Array(6).fill(i) }));
    const m = makeOpen(65001, 90, ipv4(0x0a000001), caps);
    const bytes = emitMessage(m, ctx);
    assert.equal(bytes[28], 255);
    assert.equal(bytes[29], 255);
    assert.deepEqual(parseOpen(bytes), m);
  });
});
