import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCidr, parseCidr, type Cidr4 } from '../core/cidr.js';
import { ipv4 } from '../core/ip.js';
import { unwrap } from '../core/result.js';
import { diffRibOut, packUpdates, type AdjRibOut } from './adj-rib-out.js';
import { parseAdvertisement, parseAdvertisements, parseCommunity } from './advertisement.js';
import { emitMessage, parseMessage } from './wire/message.js';

const cidr = (s: string) => unwrap(parseCidr(s)) as Cidr4;
const attrs = { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: ipv4(0xc000020a) };

describe('packUpdates', () => {
  test('withdrawals fill UPDATEs to 4096 octets: 814 /32s per message', () => {
    const ws = Array.from({ length: 2000 }, (_, i) => ({ family: 4 as const, base: ipv4(0x0a000000 + i), prefix: 32 }));
    const ups = packUpdates(ws, [], 4);
    assert.deepEqual(ups.map((u) => u.withdrawn.length), [814, 814, 372]);
    assert.ok(ups.every((u) => emitMessage(u, { asWidth: 4 }).length <= 4096));
    const first = ups[0];
    assert.ok(first !== undefined);
    assert.equal(emitMessage(first, { asWidth: 4 }).length, 23 + 814 * 5);
  });

  test('mixed prefix lengths, address order, every message parses back', () => {
    const nlri = ['10.0.0.0/8', '192.168.0.0/16', '10.190.6.102/32', '0.0.0.0/0', '172.16.0.0/12'].map(cidr);
    const ups = packUpdates([], [{ attributes: attrs, nlri }], 2);
    const only = ups[0];
    assert.ok(ups.length === 1 && only !== undefined);
    assert.deepEqual(only.nlri.map(formatCidr), ['0.0.0.0/0', '10.0.0.0/8', '10.190.6.102/32', '172.16.0.0/12', '192.168.0.0/16']);
    const back = parseMessage(emitMessage(only, { asWidth: 2 }), { asWidth: 2 });
    assert.ok(back.ok && back.value.type === 'update' && back.value.nlri.length === 5);
  });

  test('nothing to send, nothing packed', () => {
    assert.deepEqual(packUpdates([], [], 4), []);
  });
});

describe('diffRibOut', () => {
  test('withdraws leftovers, announces new and changed, skips unchanged', () => {
    const last: AdjRibOut = new Map([
      ['10.0.0.1/32', { prefix: cidr('10.0.0.1/32'), attrKey: 'a' }],
      ['10.0.0.2/32', { prefix: cidr('10.0.0.2/32'), attrKey: 'a' }],
      ['10.0.0.3/32', { prefix: cidr('10.0.0.3/32'), attrKey: 'a' }],
    ]);
    const desired = new Map([
      ['10.0.0.2/32', { prefix: cidr('10.0.0.2/32'), k: 'a' }],
      ['10.0.0.3/32', { prefix: cidr('10.0.0.3/32'), k: 'b' }],
      ['10.0.0.4/32', { prefix: cidr('10.0.0.4/32'), k: 'a' }],
    ]);
    const d = diffRibOut(last, desired, (r) => r.k);
    assert.deepEqual(d.withdraw.map((w) => w[0]), ['10.0.0.1/32']);
    assert.deepEqual(d.announce.map((r) => formatCidr(r.prefix)), ['10.0.0.3/32', '10.0.0.4/32']);
  });
});

describe('advertisements', () => {
  test('communities: asn:value and well-known names', () => {
    assert.deepEqual(parseCommunity('65000:100'), { ok: true, value: 0xfde80064 });
    assert.deepEqual(parseCommunity('no-export'), { ok: true, value: 0xffffff01 });
    for (const bad of ['65536:1', '1:65536', '1', 'a:b', '']) assert.equal(parseCommunity(bad).ok, false, bad);
  });

  test('prefix must be IPv4 with host bits clear; next hop unicast; MED uint32', () => {
    assert.equal(parseAdvertisement({ prefix: '10.190.6.102/32' }).ok, true);
    for (const a of [{ prefix: '10.0.0.1/24' }, { prefix: '2001:db8::/64' }, { prefix: '10.0.0.1' }, { prefix: '10.0.0.1/32', nextHop: '0.0.0.0' }, { prefix: '10.0.0.1/32', med: -1 }, { prefix: '10.0.0.1/32', med: 2 ** 32 }]) {
      assert.equal(parseAdvertisement(a).ok, false, JSON.stringify(a));
    }
  });

  test('duplicates: identical ones merge, conflicting ones are an error', () => {
    const same = parseAdvertisements([{ prefix: '10.0.0.1/32', communities: ['1:1', '2:2'] }, { prefix: '10.0.0.1/32', communities: ['2:2', '1:1', '1:1'] }]);
    assert.ok(same.ok && same.value.size === 1);
    const clash = parseAdvertisements([{ prefix: '10.0.0.1/32', med: 1 }, { prefix: '10.0.0.1/32', med: 2 }]);
    assert.ok(!clash.ok && clash.error[0]?.index === 1);
  });
});
