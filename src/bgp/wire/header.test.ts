import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, MARKER, toHex } from './_fixtures.js';
import { parseMessage } from './message.js';
import { parseHeader } from './header.js';

const ctx = { asWidth: 4 } as const;

describe('header checks (RFC 4271 §6.1)', () => {
  const cases: { name: string; bytes: string; code: number; subcode: number; data: string }[] = [
    { name: 'marker not all ones', bytes: 'ffffffffffffffffffffffffffffff7f 0013 04', code: 1, subcode: 1, data: '' },
    { name: 'length below 19', bytes: MARKER + '0012 04', code: 1, subcode: 2, data: '0012' },
    { name: 'length above 4096', bytes: MARKER + '1001 04', code: 1, subcode: 2, data: '1001' },
    { name: 'unknown type', bytes: MARKER + '0013 09', code: 1, subcode: 3, data: '09' },
    { name: 'type 0', bytes: MARKER + '0013 00', code: 1, subcode: 3, data: '00' },
    { name: 'KEEPALIVE longer than 19', bytes: MARKER + '0014 04 00', code: 1, subcode: 2, data: '0014' },
    { name: 'OPEN shorter than 29', bytes: MARKER + '001c 01' + '04fde900b40a0000', code: 1, subcode: 2, data: '001c' },
    { name: 'UPDATE shorter than 23', bytes: MARKER + '0016 02 000000', code: 1, subcode: 2, data: '0016' },
    { name: 'NOTIFICATION shorter than 21', bytes: MARKER + '0014 03 06', code: 1, subcode: 2, data: '0014' },
    { name: 'buffer shorter than the length field', bytes: MARKER + '0017 02 0000', code: 1, subcode: 2, data: '0017' },
    { name: 'ROUTE-REFRESH of the wrong length (RFC 7313)', bytes: MARKER + '0018 05 0001 00 01 00', code: 7, subcode: 1, data: MARKER + '0018050001000100' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = parseMessage(hex(c.bytes), ctx);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.deepEqual([r.error.code, r.error.subcode, toHex(r.error.data)], [c.code, c.subcode, c.data.replace(/\s/g, '')]);
    });
  }

  test('a valid header parses to length and type', () => {
    assert.deepEqual(parseHeader(hex(MARKER + '0013 04')), { ok: true, value: { length: 19, type: 4 } });
  });

  test('KEEPALIVE and ROUTE-REFRESH round trip', () => {
    for (const b of [MARKER + '0013 04', MARKER + '0017 05 0001 00 01']) {
      const r = parseMessage(hex(b), ctx);
      assert.ok(r.ok);
    }
    const rr = parseMessage(hex(MARKER + '0017 05 0001 00 01'), ctx);
    assert.deepEqual(rr, { ok: true, value: { type: 'route-refresh', afi: 1, safi: 1 } });
  });
});
