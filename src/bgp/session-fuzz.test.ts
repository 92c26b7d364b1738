// 50,000 damaged messages into an Established session, each checked against the pure
// parser's verdict: an error must come back as exactly that NOTIFICATION (and the session
// goes down), a valid message must have its FSM effect. Never an exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../core/clock.js';
import { ipv4 } from '../core/ip.js';
import { silentLogger } from '../core/log.js';
import { FakeTransport, type FakeConnection } from './_fake-transport.js';
import { Session, type SessionEvent } from './session.js';
import { checkUpdate } from './update-checks.js';
import { mutate, prng } from './wire/_fuzz.js';
import { toHex } from './wire/_fixtures.js';
import { parseHeader } from './wire/header.js';
import { emitMessage, KEEPALIVE, parseMessage } from './wire/message.js';
import { makeOpen } from './wire/open.js';

const N = 50_000;
const SEED = Number(process.env['BGP_FUZZ_SEED'] ?? 4271);
const PEER_AS = 64512;

test(`session fuzz: ${N} mutated messages into an Established session (seed ${SEED})`, () => {
  const rand = prng(SEED);
  const clock = new FakeClock(0);
  const transport = new FakeTransport(() => clock.now());
  const events: SessionEvent[] = [];
  const s = new Session(
    {
      localAs: 65001,
      routerId: ipv4(0x0a000001),
      peerAddress: '127.0.0.1',
      peerPort: 179,
      peerAs: PEER_AS,
      passive: false,
      holdTime: 90,
      retry: { initialMs: 1, maxMs: 1, jitter: 0 },
      connectTimeoutMs: 1000,
      openHoldMs: 1000,
    },
    { clock, transport, logger: silentLogger, random: () => 0, onEvent: (e) => events.push(e) },
  );
  let conn: FakeConnection | undefined;
  let width: 2 | 4 = 4;
  let started = false;
  const establish = () => {
    // Old attempts and events are dropped so memory stays flat over 50,000 iterations.
    transport.attempts.length = 0;
    events.length = 0;
    if (!started) s.start();
    else clock.advance(1);
    started = true;
    assert.equal(transport.attempts.length, 1, 'a new connection attempt after the backoff');
    conn = transport.last().succeed();
    width = rand() < 0.5 ? 4 : 2;
    const caps = width === 4 ? [{ kind: 'four-octet-as', asn: PEER_AS } as const] : [];
    conn.deliver(emitMessage(makeOpen(PEER_AS, 90, ipv4(0xc0000201), caps), { asWidth: width }));
    conn.deliver(emitMessage(KEEPALIVE, { asWidth: width }));
    assert.equal(s.state, 'Established');
  };
  establish();
  let differential = 0;
  for (let i = 0; i < N; i++) {
    const c = conn as FakeConnection;
    const bytes = mutate(rand);
    const sentBefore = c.sent.length;
    const eventsBefore = events.length;
    try {
      // Random TCP segmentation.
      for (let o = 0; o < bytes.length; ) {
        const n = 1 + Math.floor(rand() * bytes.length);
        c.deliver(bytes.subarray(o, o + n));
        o += n;
      }
    } catch (e) {
      assert.fail(`iteration ${i}: session threw on ${toHex(bytes)}: ${String(e)}`);
    }
    const sentNow = c.messages(width, sentBefore);
    const h = parseHeader(bytes);
    const framedAsOne = !h.ok || h.value.length === bytes.length;
    const where = () => `iteration ${i} (${toHex(bytes)})`;
    if (framedAsOne) {
      differential++;
      const expected = parseMessage(bytes, { asWidth: width });
      let wantNotification: [number, number] | undefined;
      let wantUp = true;
      if (!expected.ok) wantNotification = [expected.error.code, expected.error.subcode];
      else if (expected.value.type === 'open') wantNotification = [5, 3];
      else if (expected.value.type === 'notification') wantUp = false;
      else if (expected.value.type === 'update') {
        const e = checkUpdate(expected.value, { localAs: 65001, peerAs: PEER_AS, asWidth: width });
        if (e !== undefined) wantNotification = [e.code, e.subcode];
        else if (!events.slice(eventsBefore).some((x) => x.kind === 'update')) assert.fail(`${where()}: valid UPDATE not reported`);
      }
      if (wantNotification !== undefined) {
        const last = sentNow.at(-1);
        if (last?.type !== 'notification' || last.code !== wantNotification[0] || last.subcode !== wantNotification[1]) {
          assert.fail(`${where()}: expected NOTIFICATION ${wantNotification.join('/')}, sent ${JSON.stringify(sentNow)}`);
        }
        if (!c.closedByUs) assert.fail(`${where()}: connection left open after NOTIFICATION`);
        wantUp = false;
      } else {
        if (sentNow.some((m) => m.type === 'notification')) assert.fail(`${where()}: unexpected NOTIFICATION`);
      }
      if ((s.state === 'Established') !== wantUp) assert.fail(`${where()}: state ${s.state}`);
    } else {
      // The length field disagrees with what was sent: the framer waits or splits. Any
      // outcome is fine as long as going down came with a NOTIFICATION either way.
      if (s.state === 'Established') c.peerClose('resync');
      else if (sentNow.at(-1)?.type !== 'notification' && !events.slice(eventsBefore).some((x) => x.kind === 'down' && x.reason.kind === 'notification-received')) {
        assert.fail(`${where()}: down without NOTIFICATION`);
      }
    }
    if (s.state !== 'Established') establish();
  }
  assert.ok(differential > N * 0.8, `only ${differential} messages were checked against the parser`);
  s.stop();
});
