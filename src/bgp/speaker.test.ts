import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../core/clock.js';
import { formatCidr } from '../core/cidr.js';
import { formatIPv4, ipv4 } from '../core/ip.js';
import { unwrap } from '../core/result.js';
import { FakeConnection, FakeTransport } from './_fake-transport.js';
import { Speaker, type SpeakerConfig } from './speaker.js';
import type { Capability } from './wire/capabilities.js';
import { emitMessage, KEEPALIVE, type BgpMessage } from './wire/message.js';
import { makeOpen } from './wire/open.js';
import { isEndOfRib, type UpdateMessage } from './wire/update.js';

const PEER_AS = 64512;

function setup(over: Partial<SpeakerConfig> = {}, peerAs = PEER_AS) {
  const clock = new FakeClock(0);
  const transport = new FakeTransport(() => clock.now());
  const config: SpeakerConfig = { localAs: 65001, routerId: '10.0.0.1', peers: [{ address: '127.0.0.1', port: 1179, asn: peerAs }], ...over };
  const speaker = unwrap(Speaker.create(config, { clock, transport, random: () => 0 }));
  return { speaker, clock, transport };
}

async function establish(t: ReturnType<typeof setup>, caps?: Capability[], peerAs = PEER_AS): Promise<FakeConnection> {
  await t.speaker.start();
  const conn = t.transport.last().succeed(new FakeConnection('192.0.2.7', '127.0.0.1', 1179));
  const c = caps ?? [{ kind: 'multiprotocol', afi: 1, safi: 1 }, { kind: 'four-octet-as', asn: peerAs }];
  const width = c.some((x) => x.kind === 'four-octet-as') ? 4 : 2;
  conn.deliver(emitMessage(makeOpen(peerAs, 90, ipv4(0xc0000201), c), { asWidth: width }));
  conn.deliver(emitMessage(KEEPALIVE, { asWidth: width }));
  assert.equal(t.speaker.status().peers[0]?.state, 'Established');
  return conn;
}

function updatesSince(conn: FakeConnection, from: number, width: 2 | 4 = 4): UpdateMessage[] {
  return conn
    .messages(width)
    .slice(from)
    .filter((m): m is UpdateMessage => m.type === 'update');
}

const prefixes = (us: UpdateMessage[], f: 'nlri' | 'withdrawn') => us.flatMap((u) => u[f].map(formatCidr));

describe('speaker: declarative set', () => {
  test('full table then End-of-RIB on establishment; eBGP attributes', async () => {
    const t = setup();
    t.speaker.set([{ prefix: '10.190.6.102/32', nextHop: '192.0.2.10', med: 5, communities: ['65000:100'] }, { prefix: '10.190.6.103/32' }]);
    const conn = await establish(t);
    const ups = updatesSince(conn, 0);
    assert.equal(ups.length, 3);
    assert.ok(isEndOfRib(ups[2] as UpdateMessage));
    const byNh = new Map(ups.slice(0, 2).map((u) => [formatIPv4(u.attributes.nextHop ?? ipv4(0)), u]));
    const a = byNh.get('192.0.2.10');
    assert.deepEqual(a?.attributes, { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: 0xc000020a, med: 5, communities: [((65000 << 16) | 100) >>> 0] });
    assert.deepEqual(prefixes([a as UpdateMessage], 'nlri'), ['10.190.6.102/32']);
    assert.deepEqual(prefixes([byNh.get('192.0.2.7') as UpdateMessage], 'nlri'), ['10.190.6.103/32'], 'default next hop = our local address');
    assert.equal(t.speaker.status().peers[0]?.prefixesSent, 2);
  });

  test('set() sends only the difference; a no-op set sends nothing', async () => {
    const t = setup();
    const conn = await establish(t);
    const n0 = conn.sent.length;
    t.speaker.set([{ prefix: '10.0.0.1/32' }, { prefix: '10.0.0.2/32' }]);
    assert.deepEqual(prefixes(updatesSince(conn, n0), 'nlri'), ['10.0.0.1/32', '10.0.0.2/32']);
    const n1 = conn.sent.length;
    const r = t.speaker.set([{ prefix: '10.0.0.2/32' }, { prefix: '10.0.0.3/32' }]);
    assert.deepEqual(r, { kind: 'applied', routes: 2, announced: 1, withdrawn: 1 });
    const ups = updatesSince(conn, n1);
    assert.deepEqual([prefixes(ups, 'withdrawn'), prefixes(ups, 'nlri')], [['10.0.0.1/32'], ['10.0.0.3/32']]);
    const n2 = conn.sent.length;
    t.speaker.set([{ prefix: '10.0.0.3/32' }, { prefix: '10.0.0.2/32' }]);
    assert.equal(conn.sent.length, n2);
    t.speaker.set([]);
    assert.deepEqual(prefixes(updatesSince(conn, n2), 'withdrawn'), ['10.0.0.2/32', '10.0.0.3/32']);
    assert.equal(t.speaker.status().peers[0]?.prefixesSent, 0);
  });

  test('an attribute change re-announces without withdrawing', async () => {
    const t = setup();
    const conn = await establish(t);
    t.speaker.set([{ prefix: '10.0.0.1/32', med: 1 }]);
    const n = conn.sent.length;
    t.speaker.set([{ prefix: '10.0.0.1/32', med: 2 }]);
    const ups = updatesSince(conn, n);
    assert.equal(ups.length, 1);
    assert.deepEqual([ups[0]?.withdrawn.length, ups[0]?.attributes.med], [0, 2]);
  });

  test('10,000 /32s with one attribute set pack into 13 UPDATEs of at most 4096 octets', async () => {
    const t = setup();
    const conn = await establish(t);
    const n = conn.sent.length;
    const advs = Array.from({ length: 10_000 }, (_, i) => ({ prefix: `10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`, nextHop: '192.0.2.10' }));
    t.speaker.set(advs);
    const raw = conn.sent.slice(n);
    assert.equal(raw.length, 13);
    assert.ok(raw.every((b) => b.length <= 4096));
    assert.equal(raw[0]?.length, 4096 - 3, '810 /32s = 4050 octets of NLRI + 23 + 20');
    const got = prefixes(updatesSince(conn, n), 'nlri');
    assert.equal(new Set(got).size, 10_000);
  });

  test('different next hops go in different UPDATEs', async () => {
    const t = setup();
    const conn = await establish(t);
    const n = conn.sent.length;
    t.speaker.set([{ prefix: '10.0.0.1/32', nextHop: '192.0.2.1' }, { prefix: '10.0.0.2/32', nextHop: '192.0.2.2' }, { prefix: '10.0.0.3/32', nextHop: '192.0.2.1' }]);
    const ups = updatesSince(conn, n);
    assert.deepEqual(
      ups.map((u) => [formatIPv4(u.attributes.nextHop ?? ipv4(0)), u.nlri.map(formatCidr)]),
      [
        ['192.0.2.1', ['10.0.0.1/32', '10.0.0.3/32']],
        ['192.0.2.2', ['10.0.0.2/32']],
      ],
    );
  });

  test('an invalid entry rejects the whole set and changes nothing', async () => {
    const t = setup();
    const conn = await establish(t);
    t.speaker.set([{ prefix: '10.0.0.1/32' }]);
    const n = conn.sent.length;
    const r = t.speaker.set([{ prefix: '10.0.0.2/32' }, { prefix: '10.0.0.1/24' }, { prefix: '10.0.0.3/32', communities: ['70000:1'] }, { prefix: '10.0.0.4/32', nextHop: '224.0.0.1' }]);
    assert.equal(r.kind, 'invalid');
    assert.deepEqual(r.kind === 'invalid' ? r.errors.map((e) => e.index) : [], [1, 2, 3]);
    assert.equal(conn.sent.length, n);
    assert.equal(t.speaker.status().advertisements, 1);
  });

  test('iBGP: empty AS_PATH and LOCAL_PREF 100', async () => {
    const t = setup({}, 65001);
    const conn = await establish(t, undefined, 65001);
    const n = conn.sent.length;
    t.speaker.set([{ prefix: '10.0.0.1/32' }]);
    assert.deepEqual(updatesSince(conn, n)[0]?.attributes, { origin: 0, asPath: [], nextHop: 0xc0000207, localPref: 100 });
  });

  test('4-octet local AS to a peer without capability 65: AS_TRANS in AS_PATH, real AS in AS4_PATH', async () => {
    const t = setup({ localAs: 4200000001 });
    const conn = await establish(t, [{ kind: 'multiprotocol', afi: 1, safi: 1 }]);
    const n = conn.sent.length;
    t.speaker.set([{ prefix: '10.0.0.1/32' }]);
    const u = updatesSince(conn, n, 2)[0];
    assert.deepEqual(u?.attributes.asPath, [{ type: 2, asns: [23456] }]);
    assert.deepEqual(u?.attributes.as4Path, [{ type: 2, asns: [4200000001] }]);
  });

  test('routes from the peer are kept until withdrawn or the session drops; loops are dropped', async () => {
    const t = setup();
    const conn = await establish(t);
    const send = (m: BgpMessage) => conn.deliver(emitMessage(m, { asWidth: 4 }));
    const attrs = { origin: 0, asPath: [{ type: 2, asns: [PEER_AS, 65100] }], nextHop: ipv4(0xc0000201), communities: [0xffffff01] };
    const p = (s: string) => ({ family: 4 as const, base: ipv4(Number(s)), prefix: 32 });
    send({ type: 'update', withdrawn: [], attributes: attrs, nlri: [p('167772161'), p('167772162')] });
    send({ type: 'update', withdrawn: [], attributes: { ...attrs, asPath: [{ type: 2, asns: [PEER_AS, 65001] }] }, nlri: [p('167772163')] });
    assert.deepEqual(
      t.speaker.receivedRoutes().map((r) => [r.prefix, r.nextHop, r.asPath, r.communities.join()]),
      [
        ['10.0.0.1/32', '192.0.2.1', '64512 65100', '65535:65281'],
        ['10.0.0.2/32', '192.0.2.1', '64512 65100', '65535:65281'],
      ],
    );
    send({ type: 'update', withdrawn: [p('167772161')], attributes: {}, nlri: [] });
    assert.deepEqual(t.speaker.receivedRoutes().map((r) => r.prefix), ['10.0.0.2/32']);
    assert.equal(t.speaker.status().peers[0]?.prefixesReceived, 1);
    conn.peerClose();
    assert.deepEqual(t.speaker.receivedRoutes(), []);
  });

  test('ROUTE-REFRESH resends the full table', async () => {
    const t = setup();
    const conn = await establish(t, [{ kind: 'multiprotocol', afi: 1, safi: 1 }, { kind: 'four-octet-as', asn: PEER_AS }, { kind: 'route-refresh' }]);
    t.speaker.set([{ prefix: '10.0.0.1/32' }, { prefix: '10.0.0.2/32' }]);
    const n = conn.sent.length;
    conn.deliver(emitMessage({ type: 'route-refresh', afi: 1, safi: 1 }, { asWidth: 4 }));
    assert.deepEqual(prefixes(updatesSince(conn, n), 'nlri'), ['10.0.0.1/32', '10.0.0.2/32']);
  });

  test('after the session drops, the next establishment sends the full table again', async () => {
    const t = setup();
    const conn = await establish(t);
    t.speaker.set([{ prefix: '10.0.0.1/32' }]);
    conn.peerClose();
    assert.equal(t.speaker.status().peers[0]?.prefixesSent, 0);
    t.clock.advance(1000);
    const conn2 = t.transport.last().succeed(new FakeConnection('192.0.2.7'));
    conn2.deliver(emitMessage(makeOpen(PEER_AS, 90, ipv4(0xc0000201), [{ kind: 'four-octet-as', asn: PEER_AS }]), { asWidth: 4 }));
    conn2.deliver(emitMessage(KEEPALIVE, { asWidth: 4 }));
    assert.deepEqual(prefixes(updatesSince(conn2, 0), 'nlri'), ['10.0.0.1/32']);
  });

  test('status(): state, uptime, prefixes and the last reason for going down', async () => {
    const t = setup();
    const conn = await establish(t);
    t.clock.advance(5000);
    const s = t.speaker.status().peers[0];
    assert.deepEqual([s?.state, s?.uptimeMs, s?.holdTime, s?.fourOctetAs], ['Established', 5000, 90, true]);
    conn.deliver(emitMessage({ type: 'notification', code: 6, subcode: 2, data: new Uint8Array(0) }, { asWidth: 4 }));
    const d = t.speaker.status().peers[0];
    assert.equal(d?.state, 'Idle');
    assert.equal(d?.uptimeMs, undefined);
    assert.equal(d?.lastDown, 'received Cease / Administrative Shutdown (6/2)');
  });

  test('config validation is a result, not an exception', () => {
    const r = Speaker.create({ localAs: 0, routerId: '0.0.0.0', holdTime: 2, peers: [{ address: 'x', asn: 1, passive: true }, { address: 'x', asn: 1 }] });
    assert.equal(r.ok, false);
    assert.deepEqual(r.ok ? [] : r.error, [
      'localAs 0 is not in 1..4294967295',
      'routerId "0.0.0.0" is not a non-zero IPv4 address',
      'holdTime 2 must be 0 or 3..65535',
      'peer x:179: address is not IPv4',
      'peer x:179 is passive but the speaker has no listen address',
      'peer x:179 listed twice',
      'peer x:179: address is not IPv4',
    ]);
  });
});
