import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../core/clock.js';
import { ipv4 } from '../core/ip.js';
import { silentLogger } from '../core/log.js';
import { FakeConnection, FakeTransport } from './_fake-transport.js';
import { Session, type SessionConfig, type SessionEvent } from './session.js';
import { hex, MARKER } from './wire/_fixtures.js';
import type { Capability } from './wire/capabilities.js';
import { emitMessage, KEEPALIVE } from './wire/message.js';
import { notification } from './wire/notification.js';
import { makeOpen, type OpenMessage } from './wire/open.js';
import type { UpdateMessage } from './wire/update.js';

const PEER_AS = 64512;
const FULL_CAPS: Capability[] = [
  { kind: 'multiprotocol', afi: 1, safi: 1 },
  { kind: 'four-octet-as', asn: PEER_AS },
  { kind: 'route-refresh' },
];

function setup(over: Partial<SessionConfig> = {}, random = () => 0) {
  const clock = new FakeClock(0);
  const transport = new FakeTransport(() => clock.now());
  const events: SessionEvent[] = [];
  const config: SessionConfig = {
    localAs: 65001,
    routerId: ipv4(0x0a000001),
    peerAddress: '127.0.0.1',
    peerPort: 179,
    peerAs: PEER_AS,
    passive: false,
    holdTime: 90,
    retry: { initialMs: 1000, maxMs: 30_000, jitter: 0.25 },
    connectTimeoutMs: 5000,
    openHoldMs: 240_000,
    ...over,
  };
  const s = new Session(config, { clock, transport, logger: silentLogger, random, onEvent: (e) => events.push(e) });
  return { s, clock, transport, events };
}

function peerOpen(hold = 90, caps: Capability[] = FULL_CAPS, asn = PEER_AS): OpenMessage {
  return makeOpen(asn, hold, ipv4(0xc0000201), caps);
}

const w4 = { asWidth: 4 } as const;
const bytes = (m: Parameters<typeof emitMessage>[0], asWidth: 2 | 4 = 4) => emitMessage(m, { asWidth });

/** Drives an active session to Established; returns the connection. */
function establish(t: ReturnType<typeof setup>, hold = 90, caps: Capability[] = FULL_CAPS): FakeConnection {
  t.s.start();
  const conn = t.transport.last().succeed();
  conn.deliver(bytes(peerOpen(hold, caps)));
  conn.deliver(bytes(KEEPALIVE));
  assert.equal(t.s.state, 'Established');
  return conn;
}

function lastNotification(conn: FakeConnection): [number, number] {
  const m = conn.messages().at(-1);
  assert.equal(m?.type, 'notification', `last message sent is ${m?.type}`);
  return m?.type === 'notification' ? [m.code, m.subcode] : [0, 0];
}

describe('session FSM: establishment', () => {
  test('active: Connect -> OpenSent -> OpenConfirm -> Established, hold = min(local, peer)', () => {
    const t = setup();
    t.s.start();
    assert.equal(t.s.state, 'Connect');
    assert.deepEqual(t.transport.last().target, { address: '127.0.0.1', port: 179 });
    const conn = t.transport.last().succeed();
    assert.equal(t.s.state, 'OpenSent');
    const open = conn.messages()[0];
    assert.ok(open?.type === 'open');
    assert.deepEqual([open.myAs, open.holdTime, open.bgpId], [65001, 90, 0x0a000001]);
    assert.deepEqual(open.capabilities, [{ kind: 'multiprotocol', afi: 1, safi: 1 }, { kind: 'four-octet-as', asn: 65001 }, { kind: 'route-refresh' }]);
    conn.deliver(bytes(peerOpen(30)));
    assert.equal(t.s.state, 'OpenConfirm');
    assert.deepEqual(conn.types(), ['open', 'keepalive']);
    conn.deliver(bytes(KEEPALIVE));
    assert.equal(t.s.state, 'Established');
    const est = t.events.find((e) => e.kind === 'established');
    assert.ok(est?.kind === 'established');
    assert.deepEqual([est.negotiated.holdTime, est.negotiated.keepaliveMs, est.negotiated.asWidth, est.negotiated.routeRefresh], [30, 10_000, 4, true]);
    assert.deepEqual(
      t.events.filter((e) => e.kind === 'state').map((e) => (e.kind === 'state' ? e.to : '')),
      ['Connect', 'OpenSent', 'OpenConfirm', 'Established'],
    );
  });

  test('messages split across and packed into TCP segments are framed correctly', () => {
    const t = setup();
    t.s.start();
    const conn = t.transport.last().succeed();
    const all = new Uint8Array([...bytes(peerOpen()), ...bytes(KEEPALIVE)]);
    for (let i = 0; i < all.length; i += 7) conn.deliver(all.subarray(i, i + 7));
    assert.equal(t.s.state, 'Established');
  });

  test('4-octet AS is used only when both sides announce it; UPDATEs follow the width', () => {
    const t = setup();
    const conn = establish(t, 90, [{ kind: 'multiprotocol', afi: 1, safi: 1 }]);
    assert.equal(t.s.negotiated?.asWidth, 2);
    const u: UpdateMessage = { type: 'update', withdrawn: [], attributes: { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: ipv4(0x0a000001) }, nlri: [{ family: 4, base: ipv4(0x0abe0666), prefix: 32 }] };
    assert.deepEqual(t.s.sendUpdates([u]), { kind: 'sent', messages: 1, octets: 46 });
    // 2-octet AS_PATH: 40 02 04 02 01 fde9
    assert.match(Buffer.from(conn.sent.at(-1) ?? []).toString('hex'), /4002040201fde9/);
    // The peer's UPDATEs are parsed in 2-octet width too.
    conn.deliver(hex(MARKER + '002e 02 0000 0012 40010100 4002040201fc00 400304c0000201 200abe0666'));
    assert.equal(t.s.state, 'Established');
    assert.equal(t.events.filter((e) => e.kind === 'update').length, 1);
  });

  test('passive: waits in Active and takes the inbound connection', () => {
    const t = setup({ passive: true });
    t.s.start();
    assert.equal(t.s.state, 'Active');
    assert.equal(t.transport.attempts.length, 0);
    const conn = new FakeConnection('127.0.0.1', '127.0.0.1', 40000);
    const h = t.s.accept(conn);
    assert.ok(h !== undefined);
    conn.handlers = h;
    assert.equal(t.s.state, 'OpenSent');
    assert.equal(t.s.accept(new FakeConnection()), undefined, 'a second connection is refused');
    conn.deliver(bytes(peerOpen()));
    conn.deliver(bytes(KEEPALIVE));
    assert.equal(t.s.state, 'Established');
    conn.peerClose();
    assert.equal(t.s.state, 'Active', 'back to waiting for the peer');
  });

  test('an active session refuses inbound connections', () => {
    const t = setup();
    t.s.start();
    assert.equal(t.s.accept(new FakeConnection()), undefined);
  });
});

describe('session FSM: timers', () => {
  test('hold timer expiry sends NOTIFICATION 4/0 and closes', () => {
    const t = setup();
    const conn = establish(t, 9);
    t.clock.advance(8999);
    assert.equal(t.s.state, 'Established');
    t.clock.advance(1);
    assert.deepEqual(lastNotification(conn), [4, 0]);
    assert.ok(conn.closedByUs);
    assert.equal(t.s.state, 'Idle');
    const down = t.events.find((e) => e.kind === 'down');
    assert.ok(down?.kind === 'down' && down.reason.kind === 'notification-sent' && down.reason.code === 4);
  });

  test('KEEPALIVE every hold/3; anything received restarts the hold timer', () => {
    const t = setup();
    const conn = establish(t, 30);
    const keepalives = () => conn.types().filter((x) => x === 'keepalive').length;
    const before = keepalives();
    t.clock.advance(25_000);
    conn.deliver(bytes(KEEPALIVE));
    t.clock.advance(25_000);
    assert.equal(t.s.state, 'Established');
    assert.equal(keepalives() - before, 5, 'at 10, 20, 30, 40, 50 s');
    t.clock.advance(5_000); // 30 s since the last KEEPALIVE from the peer
    assert.deepEqual(lastNotification(conn), [4, 0]);
  });

  test('sending an UPDATE restarts the keepalive timer', () => {
    const t = setup();
    const conn = establish(t, 30);
    t.clock.advance(9_000);
    t.s.sendUpdates([{ type: 'update', withdrawn: [{ family: 4, base: ipv4(0x0a000000), prefix: 8 }], attributes: {}, nlri: [] }]);
    const n = conn.sent.length;
    t.clock.advance(9_999);
    assert.equal(conn.sent.length, n);
    t.clock.advance(1);
    assert.deepEqual(conn.types().slice(n), ['keepalive']);
  });

  test('negotiated hold time 0: no keepalives, no hold timer', () => {
    const t = setup();
    const conn = establish(t, 0);
    const n = conn.sent.length;
    t.clock.advance(3_600_000);
    assert.equal(t.s.state, 'Established');
    assert.equal(conn.sent.length, n);
  });

  test('OpenSent waits openHoldMs for the OPEN, then 4/0', () => {
    const t = setup({ openHoldMs: 10_000 });
    t.s.start();
    const conn = t.transport.last().succeed();
    t.clock.advance(10_000);
    assert.deepEqual(lastNotification(conn), [4, 0]);
  });

  test('connect retry backs off exponentially from 1 s to 30 s', () => {
    const t = setup({ connectTimeoutMs: 600_000 });
    t.s.start();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const failedAt = t.clock.now();
      t.transport.last().fail();
      assert.equal(t.s.state, 'Active');
      const n = t.transport.attempts.length;
      while (t.transport.attempts.length === n) t.clock.advance(100);
      delays.push(t.transport.last().at - failedAt);
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  test('jitter adds up to 25 % and the backoff resets once Established', () => {
    const t = setup({}, () => 1);
    t.s.start();
    t.transport.last().fail();
    t.clock.advance(1249);
    assert.equal(t.transport.attempts.length, 1);
    t.clock.advance(1);
    assert.equal(t.transport.attempts.length, 2);
    t.transport.last().fail();
    t.clock.advance(2500);
    const conn = t.transport.last().succeed();
    conn.deliver(bytes(peerOpen()));
    conn.deliver(bytes(KEEPALIVE));
    conn.peerClose();
    assert.equal(t.s.state, 'Idle');
    t.clock.advance(1250);
    assert.equal(t.s.state, 'Connect', 'first retry after a session drop waits the initial delay again');
  });

  test('a connect that hangs is abandoned after connectTimeoutMs', () => {
    const t = setup({ connectTimeoutMs: 3000 });
    t.s.start();
    const a = t.transport.last();
    t.clock.advance(3000);
    assert.ok(a.cancelled);
    assert.equal(t.s.state, 'Active');
    t.clock.advance(1000);
    assert.equal(t.transport.attempts.length, 2);
  });
});

describe('session FSM: errors and shutdown', () => {
  const openErrors: { name: string; open: Uint8Array; want: [number, number] }[] = [
    { name: 'wrong peer AS', open: bytes(peerOpen(90, FULL_CAPS.slice(0, 1), 65099)), want: [2, 2] },
    { name: 'hold time 2', open: bytes({ ...peerOpen(), holdTime: 2 }), want: [2, 6] },
    { name: 'version 3', open: bytes({ ...peerOpen(), version: 3 }), want: [2, 1] },
    { name: 'no IPv4 unicast', open: bytes(peerOpen(90, [{ kind: 'multiprotocol', afi: 2, safi: 1 }, { kind: 'four-octet-as', asn: PEER_AS }])), want: [2, 7] },
    { name: 'KEEPALIVE instead of OPEN', open: bytes(KEEPALIVE), want: [5, 1] },
    { name: 'bad marker', open: hex('00'.repeat(16) + '0013 04'), want: [1, 1] },
  ];
  for (const c of openErrors) {
    test(`OpenSent: ${c.name} -> ${c.want.join('/')}`, () => {
      const t = setup();
      t.s.start();
      const conn = t.transport.last().succeed();
      conn.deliver(c.open);
      assert.deepEqual(lastNotification(conn), c.want);
      assert.ok(conn.closedByUs);
      assert.equal(t.s.state, 'Idle');
    });
  }

  test('OpenConfirm: UPDATE -> 5/2', () => {
    const t = setup();
    t.s.start();
    const conn = t.transport.last().succeed();
    conn.deliver(bytes(peerOpen()));
    conn.deliver(hex(MARKER + '0017 02 0000 0000'));
    assert.deepEqual(lastNotification(conn), [5, 2]);
  });

  test('Established: OPEN -> 5/3', () => {
    const t = setup();
    const conn = establish(t);
    conn.deliver(bytes(peerOpen()));
    assert.deepEqual(lastNotification(conn), [5, 3]);
  });

  test('Established: malformed UPDATE -> its NOTIFICATION', () => {
    const t = setup();
    const conn = establish(t);
    conn.deliver(hex(MARKER + '001b 02 0000 0004 40010103'));
    assert.deepEqual(lastNotification(conn), [3, 6]);
  });

  test('Established: eBGP UPDATE whose leftmost AS is not the peer -> 3/11', () => {
    const t = setup();
    const conn = establish(t);
    conn.deliver(hex(MARKER + '0030 02 0000 0014 40010100 400206020100 00fde8 400304c0000201 200abe0666'));
    assert.deepEqual(lastNotification(conn), [3, 11]);
  });

  test('NOTIFICATION received: down without an answer, then reconnect after the backoff', () => {
    const t = setup();
    const conn = establish(t);
    const n = conn.sent.length;
    conn.deliver(bytes(notification(6, 4)));
    assert.equal(conn.sent.length, n);
    assert.equal(t.s.state, 'Idle');
    const down = t.events.find((e) => e.kind === 'down');
    assert.ok(down?.kind === 'down' && down.reason.kind === 'notification-received' && down.reason.subcode === 4);
    t.clock.advance(1000);
    assert.equal(t.s.state, 'Connect');
    assert.equal(t.transport.attempts.length, 2);
  });

  test('peer restart (connection closed) -> reconnect and establish again', () => {
    const t = setup();
    const conn = establish(t);
    conn.peerClose('ECONNRESET');
    t.clock.advance(1000);
    const conn2 = t.transport.last().succeed();
    conn2.deliver(bytes(peerOpen()));
    conn2.deliver(bytes(KEEPALIVE));
    assert.equal(t.s.state, 'Established');
    assert.equal(t.events.filter((e) => e.kind === 'established').length, 2);
  });

  test('stop(): Cease 6/2 with a shutdown communication, and no reconnect', () => {
    const t = setup();
    const conn = establish(t);
    t.s.stop('maintenance');
    const m = conn.messages().at(-1);
    assert.ok(m?.type === 'notification');
    assert.deepEqual([m.code, m.subcode, Buffer.from(m.data).toString()], [6, 2, '\x0bmaintenance']);
    assert.equal(t.s.state, 'Idle');
    t.clock.advance(120_000);
    assert.equal(t.transport.attempts.length, 1);
    assert.equal(t.clock.pendingTimers(), 0);
  });

  test('late callbacks from an abandoned connection are ignored', () => {
    const t = setup();
    const conn = establish(t);
    conn.peerClose();
    conn.deliver(bytes(peerOpen()));
    conn.peerClose();
    assert.equal(t.s.state, 'Idle');
    assert.equal(t.events.filter((e) => e.kind === 'down').length, 1);
  });

  test('ROUTE-REFRESH for IPv4 unicast is reported', () => {
    const t = setup();
    const conn = establish(t);
    conn.deliver(bytes({ type: 'route-refresh', afi: 1, safi: 1 }, w4.asWidth));
    assert.equal(t.events.filter((e) => e.kind === 'route-refresh').length, 1);
  });

  test('sendUpdates before Established says so', () => {
    const t = setup();
    t.s.start();
    assert.deepEqual(t.s.sendUpdates([]), { kind: 'not-established', state: 'Connect' });
  });
});
