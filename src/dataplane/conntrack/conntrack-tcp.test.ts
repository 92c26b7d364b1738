import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Conntrack } from './conntrack.js';
import { ACK, ctStr, FIN, PSH, req, RST, SYN, T0, tcp } from './testdata/packets.js';

const C = '172.25.5.4';
const S = '172.25.5.3';
const fwd = (flags: number, len = 0) => tcp(C, 40000, S, 80, flags, len);
const back = (flags: number, len = 0) => tcp(S, 80, C, 40000, flags, len);

function open(ct: Conntrack, now = T0): void {
  assert.equal(ctStr(ct.process(fwd(SYN), req(now, { commit: true })).state), '+trk+new');
  assert.equal(ctStr(ct.process(back(SYN | ACK), req(now + 1)).state), '+trk+est+rpl');
  assert.equal(ctStr(ct.process(fwd(ACK), req(now + 2)).state), '+trk+est');
}

describe('TCP tracking', () => {
  test('three-way handshake: SYN_SENT -> SYN_RECV -> ESTABLISHED, assured, 5-day timeout', () => {
    const ct = new Conntrack();
    const syn = ct.process(fwd(SYN), req(T0));
    assert.equal(ctStr(syn.state), '+trk+new');
    assert.equal(ct.size, 0, 'ct() without commit stores nothing');

    ct.process(fwd(SYN), req(T0, { commit: true }));
    const e1 = ct.find(0, fwd(SYN).tuple);
    assert.equal(e1?.tcpState, 'SYN_SENT');
    assert.equal(e1?.expiresAt, T0 + 120_000);
    // A retransmitted SYN before any answer is still +new (Linux ctinfo IP_CT_NEW).
    assert.equal(ctStr(ct.process(fwd(SYN), req(T0 + 500)).state), '+trk+new');

    assert.equal(ctStr(ct.process(back(SYN | ACK), req(T0 + 1000)).state), '+trk+est+rpl');
    assert.equal(ct.find(0, back(0).tuple)?.tcpState, 'SYN_RECV');
    assert.equal(ct.find(0, back(0).tuple)?.expiresAt, T0 + 1000 + 60_000);

    assert.equal(ctStr(ct.process(fwd(ACK), req(T0 + 2000)).state), '+trk+est');
    const e = ct.find(0, fwd(0).tuple)!;
    assert.equal(e.tcpState, 'ESTABLISHED');
    assert.equal(e.assured, true);
    assert.equal(e.expiresAt, T0 + 2000 + 432_000_000);
  });

  test('data both ways stays established and counts packets/bytes', () => {
    const ct = new Conntrack();
    open(ct);
    for (let i = 0; i < 3; i++) {
      assert.equal(ctStr(ct.process(fwd(ACK | PSH, 100), req(T0 + 10)).state), '+trk+est');
      assert.equal(ctStr(ct.process(back(ACK | PSH, 1000), req(T0 + 11)).state), '+trk+est+rpl');
    }
    const e = ct.find(0, fwd(0).tuple)!;
    assert.deepEqual([e.packetsOrig, e.bytesOrig, e.packetsReply, e.bytesReply], [5, 300, 4, 3000]);
  });

  test('FIN close: FIN_WAIT -> CLOSE_WAIT -> LAST_ACK -> TIME_WAIT (120 s)', () => {
    const ct = new Conntrack();
    open(ct);
    const steps: [ReturnType<typeof fwd>, string][] = [
      [fwd(FIN | ACK), 'FIN_WAIT'],
      [back(ACK), 'CLOSE_WAIT'],
      [back(FIN | ACK), 'LAST_ACK'],
      [fwd(ACK), 'TIME_WAIT'],
    ];
    let now = T0 + 100;
    for (const [pkt, state] of steps) {
      const r = ct.process(pkt, req(now));
      assert.ok(r.state & 0x02, `${state}: +est`);
      assert.equal(ct.find(0, fwd(0).tuple)?.tcpState, state);
      now += 10;
    }
    assert.equal(ct.find(0, fwd(0).tuple)?.expiresAt, now - 10 + 120_000);
    assert.equal(ct.expire(now + 120_000), 1);
    assert.equal(ct.size, 0);
  });

  test('a SYN on a TIME_WAIT connection reopens it as a new connection', () => {
    const ct = new Conntrack();
    open(ct);
    for (const p of [fwd(FIN | ACK), back(FIN | ACK), fwd(ACK)]) ct.process(p, req(T0 + 10));
    const oldId = ct.find(0, fwd(0).tuple)!.id;
    const r = ct.process(fwd(SYN), req(T0 + 20, { commit: true }));
    assert.equal(ctStr(r.state), '+trk+new');
    const e = ct.find(0, fwd(0).tuple)!;
    assert.notEqual(e.id, oldId);
    assert.equal(e.tcpState, 'SYN_SENT');
    assert.equal(ct.size, 1);
  });

  test('RST on an established connection -> CLOSE with 10 s timeout', () => {
    const ct = new Conntrack();
    open(ct);
    assert.equal(ctStr(ct.process(back(RST), req(T0 + 50)).state), '+trk+est+rpl');
    const e = ct.find(0, fwd(0).tuple)!;
    assert.equal(e.tcpState, 'CLOSE');
    assert.equal(e.expiresAt, T0 + 50 + 10_000);
    // Late segments of a closed connection are tracked, not invalid (CLOSE -> CLOSE).
    assert.equal(ctStr(ct.process(fwd(ACK), req(T0 + 60)).state), '+trk+est');
  });

  test('connection refused: a RST answering the SYN removes the entry at once', () => {
    const ct = new Conntrack();
    ct.process(fwd(SYN), req(T0, { commit: true }));
    const r = ct.process(back(RST | ACK), req(T0 + 1));
    assert.equal(ctStr(r.state), '+trk+est+rpl');
    assert.equal(ct.size, 0);
  });

  test('simultaneous open via SYN_SENT2', () => {
    const ct = new Conntrack();
    ct.process(fwd(SYN), req(T0, { commit: true }));
    assert.equal(ctStr(ct.process(back(SYN), req(T0 + 1)).state), '+trk+est+rpl');
    assert.equal(ct.find(0, fwd(0).tuple)?.tcpState, 'SYN_SENT2');
    ct.process(fwd(SYN | ACK), req(T0 + 2));
    assert.equal(ct.find(0, fwd(0).tuple)?.tcpState, 'SYN_RECV');
  });
});

describe('TCP invalid packets', () => {
  const cases: [string, number][] = [
    ['SYN-ACK', SYN | ACK],
    ['FIN-ACK', FIN | ACK],
    ['RST', RST],
    ['no flags', 0],
    ['SYN+FIN', SYN | FIN],
    ['SYN+RST', SYN | RST],
  ];
  for (const [name, flags] of cases) {
    test(`${name} without a connection is +inv and is not committed`, () => {
      const ct = new Conntrack();
      const r = ct.process(fwd(flags), req(T0, { commit: true }));
      assert.equal(ctStr(r.state), '+trk+inv');
      assert.equal(ct.size, 0);
      assert.equal(ct.stats().invalid, 1);
    });
  }

  test('a mid-stream ACK: picked up by default (nf_conntrack_tcp_loose=1), +inv when loose is off', () => {
    const loose = new Conntrack();
    const r = loose.process(fwd(ACK), req(T0, { commit: true }));
    assert.equal(ctStr(r.state), '+trk+new');
    const e = loose.find(0, fwd(0).tuple)!;
    assert.equal(e.tcpState, 'ESTABLISHED');
    assert.equal(e.expiresAt, T0 + 300_000, 'unacknowledged cap until the peer answers');
    assert.equal(e.assured, false);

    const strict = new Conntrack({ tcpLoose: false });
    assert.equal(ctStr(strict.process(fwd(ACK), req(T0, { commit: true })).state), '+trk+inv');
    assert.equal(strict.size, 0);
  });

  test('an ACK from the client while in SYN_SENT is +inv and leaves the state alone', () => {
    const ct = new Conntrack();
    ct.process(fwd(SYN), req(T0, { commit: true }));
    assert.equal(ctStr(ct.process(fwd(ACK), req(T0 + 1)).state), '+trk+inv');
    assert.equal(ct.find(0, fwd(0).tuple)?.tcpState, 'SYN_SENT');
    assert.equal(ct.find(0, fwd(0).tuple)?.expiresAt, T0 + 120_000, 'timeout not refreshed');
  });

  test('a SYN from the server on an established connection is +inv', () => {
    const ct = new Conntrack();
    open(ct);
    assert.equal(ctStr(ct.process(back(SYN), req(T0 + 5)).state), '+trk+inv');
    assert.equal(ct.find(0, fwd(0).tuple)?.tcpState, 'ESTABLISHED');
  });

  test('a retransmitted SYN-ACK is ignored (tracked, no state change)', () => {
    const ct = new Conntrack();
    open(ct);
    assert.equal(ctStr(ct.process(back(SYN | ACK), req(T0 + 5)).state), '+trk+est+rpl');
    assert.equal(ct.find(0, fwd(0).tuple)?.tcpState, 'ESTABLISHED');
  });
});
