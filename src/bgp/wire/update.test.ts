import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../../core/result.js';
import { parseCidr, type Cidr4 } from '../../core/cidr.js';
import { ipv4 } from '../../core/ip.js';
import {
  AS_PATH_65001_2,
  AS_PATH_65001_4,
  COMMUNITY_65000_100,
  hex,
  MARKER,
  MED_100,
  NEXT_HOP_192_0_2_10,
  NLRI_10_8,
  NLRI_VIP,
  ORIGIN_IGP,
  toHex,
  update,
} from './_fixtures.js';
import { emitMessage, parseMessage } from './message.js';
import { END_OF_RIB, isEndOfRib, type UpdateMessage } from './update.js';
import type { AsWidth } from './as-path.js';

const cidr = (s: string) => unwrap(parseCidr(s)) as Cidr4;

function parseUpdate(b: Uint8Array, asWidth: AsWidth): UpdateMessage {
  const r = parseMessage(b, { asWidth });
  assert.ok(r.ok, r.ok ? '' : `${r.error.code}/${r.error.subcode} ${r.error.reason}`);
  assert.equal(r.value.type, 'update');
  return r.value as UpdateMessage;
}

const announce: UpdateMessage = {
  type: 'update',
  withdrawn: [],
  attributes: {
    origin: 0,
    asPath: [{ type: 2, asns: [65001] }],
    nextHop: ipv4(0xc000020a),
    med: 100,
    communities: [((65000 << 16) | 100) >>> 0],
  },
  nlri: [cidr('10.190.6.102/32'), cidr('10.0.0.0/8')],
};

describe('UPDATE round trips', () => {
  test('announcement with 4-octet AS_PATH (64 octets)', () => {
    const bytes = hex(
      MARKER + '0040 02 0000 0022' + ORIGIN_IGP + AS_PATH_65001_4 + NEXT_HOP_192_0_2_10 + MED_100 + COMMUNITY_65000_100 + NLRI_VIP + NLRI_10_8,
    );
    assert.deepEqual(parseUpdate(bytes, 4), announce);
    assert.equal(toHex(emitMessage(announce, { asWidth: 4 })), toHex(bytes));
  });

  test('the same announcement in 2-octet width (62 octets)', () => {
    const bytes = hex(
      MARKER + '003e 02 0000 0020' + ORIGIN_IGP + AS_PATH_65001_2 + NEXT_HOP_192_0_2_10 + MED_100 + COMMUNITY_65000_100 + NLRI_VIP + NLRI_10_8,
    );
    assert.deepEqual(parseUpdate(bytes, 2), announce);
    assert.equal(toHex(emitMessage(announce, { asWidth: 2 })), toHex(bytes));
  });

  test('withdrawal only', () => {
    const bytes = hex(MARKER + '001c 02 0005' + NLRI_VIP + '0000');
    const m: UpdateMessage = { type: 'update', withdrawn: [cidr('10.190.6.102/32')], attributes: {}, nlri: [] };
    assert.deepEqual(parseUpdate(bytes, 4), m);
    assert.equal(toHex(emitMessage(m, { asWidth: 4 })), toHex(bytes));
  });

  test('End-of-RIB is the empty 23-octet UPDATE', () => {
    const bytes = hex(MARKER + '0017 02 0000 0000');
    assert.equal(toHex(emitMessage(END_OF_RIB, { asWidth: 4 })), toHex(bytes));
    assert.ok(isEndOfRib(parseUpdate(bytes, 2)));
  });

  test('a 4-octet AS in a 2-octet session: AS_TRANS in AS_PATH plus AS4_PATH', () => {
    const m: UpdateMessage = {
      type: 'update',
      withdrawn: [],
      attributes: { origin: 0, asPath: [{ type: 2, asns: [4200000001] }], nextHop: ipv4(0xc000020a), as4Path: [{ type: 2, asns: [4200000001] }] },
      nlri: [cidr('10.190.6.102/32')],
    };
    const bytes = hex(MARKER + '0037 02 0000 001b' + ORIGIN_IGP + '40 02 04 02 01 5ba0' + NEXT_HOP_192_0_2_10 + 'c0 11 06 02 01 fa56ea01' + NLRI_VIP);
    assert.equal(toHex(emitMessage(m, { asWidth: 2 })), toHex(bytes));
    const back = parseUpdate(bytes, 2);
    assert.deepEqual(back.attributes.asPath, [{ type: 2, asns: [23456] }]);
    assert.deepEqual(back.attributes.as4Path, [{ type: 2, asns: [4200000001] }]);
  });

  test('AS_SET, LOCAL_PREF, ATOMIC_AGGREGATE, AGGREGATOR and an unknown optional attribute', () => {
    const m: UpdateMessage = {
      type: 'update',
      withdrawn: [],
      attributes: {
        origin: 2,
        asPath: [{ type: 2, asns: [65001, 65002] }, { type: 1, asns: [65003, 65004] }],
        nextHop: ipv4(0xc000020a),
        localPref: 200,
        atomicAggregate: true,
        aggregator: { asn: 65001, address: ipv4(0x0a000001) },
        unknown: [{ flags: 0xe0, typeCode: 99, value: hex('abcd') }],
      },
      nlri: [cidr('0.0.0.0/0'), cidr('192.168.128.0/17')],
    };
    const bytes = emitMessage(m, { asWidth: 4 });
    assert.deepEqual(parseUpdate(bytes, 4), m);
    assert.match(toHex(bytes), /40021402020000fde90000fdea01020000fdeb0000fdec/);
    assert.match(toHex(bytes), /c007080000fde90a000001/);
    assert.match(toHex(bytes), /e06302abcd/);
    assert.match(toHex(bytes), /0011c0a880$/);
  });

  test('accepts the extended-length flag on a short attribute and masks trailing prefix bits', () => {
    const bytes = update('', '50 01 0001 00' + AS_PATH_65001_4 + NEXT_HOP_192_0_2_10, '18 0a be 07' + '1f 0a be 06 67');
    const m = parseUpdate(bytes, 4);
    assert.equal(m.attributes.origin, 0);
    assert.deepEqual(m.nlri, [cidr('10.190.7.0/24'), cidr('10.190.6.102/31')]);
  });

  test('uses the extended-length flag when an attribute exceeds 255 octets', () => {
    const asns = Array.from({ length: 70 }, (_, i) => 65000 + i);
    const m: UpdateMessage = { type: 'update', withdrawn: [], attributes: { origin: 0, asPath: [{ type: 2, asns }], nextHop: ipv4(0xc000020a) }, nlri: [cidr('10.0.0.0/8')] };
    const bytes = emitMessage(m, { asWidth: 4 });
    assert.equal(toHex(bytes.subarray(27, 31)), '5002011a'); // flags 0x50, type 2, length 282
    assert.deepEqual(parseUpdate(bytes, 4), m);
  });
});

describe('UPDATE errors (RFC 4271 §6.3)', () => {
  const base = ORIGIN_IGP + AS_PATH_65001_4 + NEXT_HOP_192_0_2_10;
  const cases: { name: string; bytes: Uint8Array; code: number; subcode: number; data?: string }[] = [
    { name: 'withdrawn routes length overruns', bytes: hex(MARKER + '0017 02 0001 0000'), code: 3, subcode: 1 },
    { name: 'total attribute length overruns', bytes: hex(MARKER + '0018 02 0000 0002 00'), code: 3, subcode: 1 },
    { name: 'attribute header truncated', bytes: update('', '40 01', ''), code: 3, subcode: 1 },
    { name: 'attribute appears twice', bytes: update('', base + ORIGIN_IGP, NLRI_VIP), code: 3, subcode: 1 },
    { name: 'unrecognized well-known attribute', bytes: update('', base + '40 63 01 00', NLRI_VIP), code: 3, subcode: 2, data: '40630100' },
    { name: 'NEXT_HOP missing', bytes: update('', ORIGIN_IGP + AS_PATH_65001_4, NLRI_VIP), code: 3, subcode: 3, data: '03' },
    { name: 'ORIGIN missing', bytes: update('', AS_PATH_65001_4 + NEXT_HOP_192_0_2_10, NLRI_VIP), code: 3, subcode: 3, data: '01' },
    { name: 'AS_PATH missing', bytes: update('', ORIGIN_IGP + NEXT_HOP_192_0_2_10, NLRI_VIP), code: 3, subcode: 3, data: '02' },
    { name: 'ORIGIN marked optional', bytes: update('', 'c0 01 01 00', ''), code: 3, subcode: 4, data: 'c0010100' },
    { name: 'ORIGIN marked partial', bytes: update('', '60 01 01 00', ''), code: 3, subcode: 4, data: '60010100' },
    { name: 'MED marked transitive', bytes: update('', base + 'c0 04 04 00000064', NLRI_VIP), code: 3, subcode: 4, data: 'c00404 00000064' },
    { name: 'COMMUNITIES marked non-transitive', bytes: update('', base + '80 08 04 fde80064', NLRI_VIP), code: 3, subcode: 4, data: '800804fde80064' },
    { name: 'ORIGIN of length 2', bytes: update('', '40 01 02 0000', ''), code: 3, subcode: 5, data: '4001020000' },
    { name: 'NEXT_HOP of length 5', bytes: update('', '40 03 05 c000020a01', ''), code: 3, subcode: 5, data: '400305c000020a01' },
    { name: 'MED of length 2', bytes: update('', '80 04 02 0001', ''), code: 3, subcode: 5, data: '8004020001' },
    { name: 'attribute value overruns the list', bytes: update('', '40 03 04 c000', ''), code: 3, subcode: 5, data: '400304c000' },
    { name: 'ORIGIN value 3', bytes: update('', '40 01 01 03', ''), code: 3, subcode: 6, data: '40010103' },
    { name: 'NEXT_HOP 0.0.0.0', bytes: update('', ORIGIN_IGP + AS_PATH_65001_4 + '40 03 04 00000000', NLRI_VIP), code: 3, subcode: 8, data: '40030400000000' },
    { name: 'NEXT_HOP multicast', bytes: update('', '40 03 04 e0000001', ''), code: 3, subcode: 8, data: '400304e0000001' },
    { name: 'COMMUNITIES of length 3', bytes: update('', 'c0 08 03 fde800', ''), code: 3, subcode: 9, data: 'c00803fde800' },
    { name: 'malformed AS4_PATH', bytes: update('', 'c0 11 03 02 01 00', ''), code: 3, subcode: 9, data: 'c0110302 0100' },
    { name: 'NLRI prefix length 33', bytes: update('', base, '21 0a be 06 66 00'), code: 3, subcode: 10 },
    { name: 'NLRI prefix truncated', bytes: update('', base, '18 0a be'), code: 3, subcode: 10 },
    { name: 'withdrawn prefix truncated', bytes: update('20 0a', '', ''), code: 3, subcode: 10 },
    { name: 'AS_PATH segment type 5', bytes: update('', ORIGIN_IGP + '40 02 06 05 01 0000fde9', ''), code: 3, subcode: 11 },
    { name: 'AS_PATH segment overruns', bytes: update('', ORIGIN_IGP + '40 02 06 02 02 0000fde9', ''), code: 3, subcode: 11 },
    { name: 'AS_PATH empty segment', bytes: update('', ORIGIN_IGP + '40 02 02 02 00', ''), code: 3, subcode: 11 },
    { name: '2-octet AS_PATH read in a 4-octet session', bytes: update('', ORIGIN_IGP + AS_PATH_65001_2, ''), code: 3, subcode: 11 },
  ];
  for (const c of cases) {
    test(`${c.name} -> ${c.code}/${c.subcode}`, () => {
      const r = parseMessage(c.bytes, { asWidth: 4 });
      assert.equal(r.ok, false, 'expected a parse error');
      if (r.ok) return;
      assert.deepEqual([r.error.code, r.error.subcode, toHex(r.error.data)], [c.code, c.subcode, (c.data ?? '').replace(/\s/g, '')], r.error.reason);
    });
  }

  test('unknown optional attributes are kept, not errors', () => {
    const m = parseUpdate(update('', base + '80 63 02 abcd', NLRI_VIP), 4);
    assert.deepEqual(m.attributes.unknown, [{ flags: 0x80, typeCode: 99, value: hex('abcd') }]);
  });

  test('withdrawals need no mandatory attributes', () => {
    assert.equal(parseUpdate(update(NLRI_VIP, '', ''), 4).withdrawn.length, 1);
  });
});
