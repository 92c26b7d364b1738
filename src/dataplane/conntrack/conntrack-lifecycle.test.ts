import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Conntrack } from './conntrack.js';
import { ACK, ctStr, dnat, FIN, ip, req, SYN, T0, tcp, udp } from './testdata/packets.js';

const C = '172.25.5.4';
const VIP = '10.96.0.10';

describe('expiry', () => {
  test('an unreplied UDP entry lives exactly 30 s (lookup and sweep agree)', () => {
    const ct = new Conntrack();
    ct.process(udp(C, 1000, VIP, 53), req(T0, { commit: true }));
    assert.equal(ct.expire(T0 + 29_999), 0);
    assert.equal(ctStr(ct.process(udp(C, 1000, VIP, 53), req(T0 + 29_999)).state), '+trk+new', 'still tracked, unreplied');
    assert.equal(ct.size, 1);
    // The lookup refreshed it: 30 s from 29.999 s.
    assert.equal(ct.expire(T0 + 59_998), 0);
    assert.equal(ct.expire(T0 + 59_999), 1);
    assert.equal(ct.size, 0);
    assert.equal(ct.stats().expired, 1);
  });

  test('a lookup that finds an expired entry treats the packet as new', () => {
    const ct = new Conntrack();
    ct.process(udp(C, 1000, VIP, 53), req(T0, { commit: true }));
    ct.process(udp(VIP, 53, C, 1000), req(T0 + 1));
    // No sweep in between: the reply direction must not resurrect it either.
    const r = ct.process(udp(VIP, 53, C, 1000), req(T0 + 1 + 30_000));
    assert.equal(ctStr(r.state), '+trk+new');
    assert.equal(ct.size, 0);
  });

  test('a refreshed connection is not expired by its stale deadline', () => {
    const ct = new Conntrack();
    ct.process(tcp(C, 1, VIP, 80, SYN), req(T0, { commit: true }));
    ct.process(tcp(VIP, 80, C, 1, SYN | ACK), req(T0 + 1));
    ct.process(tcp(C, 1, VIP, 80, ACK), req(T0 + 2));
    assert.equal(ct.expire(T0 + 10 * 60_000), 0, 'SYN_SENT deadline (120 s) passed but it is ESTABLISHED now');
    assert.equal(ct.size, 1);
  });

  test('a shrinking timeout (ESTABLISHED -> FIN_WAIT) is honoured by the sweep', () => {
    const ct = new Conntrack();
    ct.process(tcp(C, 1, VIP, 80, SYN), req(T0, { commit: true }));
    ct.process(tcp(VIP, 80, C, 1, SYN | ACK), req(T0));
    ct.process(tcp(C, 1, VIP, 80, ACK), req(T0));
    ct.process(tcp(C, 1, VIP, 80, FIN | ACK), req(T0 + 1000));
    assert.equal(ct.expire(T0 + 1000 + 119_999), 0);
    assert.equal(ct.expire(T0 + 1000 + 120_000), 1);
  });

  test('random refreshes: expire(now) removes exactly the entries due', () => {
    const ct = new Conntrack({ initialCapacity: 16 });
    let s = 99;
    const rnd = (n: number) => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s % n;
    };
    let now = T0;
    for (let step = 0; step < 3000; step++) {
      now += rnd(2000);
      const port = 1000 + rnd(300);
      const reply = rnd(3) === 0;
      const pkt = reply ? udp(VIP, 53, C, port) : udp(C, port, VIP, 53);
      ct.process(pkt, req(now, { commit: !reply }));
      if (step % 50 === 0) {
        // list() still shows due-but-unswept entries; the sweep must take exactly those.
        const before = ct.list();
        const due = before.filter((e) => e.expiresAt <= now).length;
        assert.equal(ct.expire(now), due);
        assert.equal(ct.size, before.length - due);
        for (const e of ct.list()) assert.ok(e.expiresAt > now);
      }
    }
    const all = ct.list();
    const latest = Math.max(...all.map((e) => e.expiresAt));
    assert.equal(ct.expire(latest), all.length);
    assert.equal(ct.size, 0);
  });
});

describe('flush', () => {
  test('by NATed destination: only the UDP entries to the removed endpoint go', () => {
    const ct = new Conntrack();
    const z = { zone: 65312, commit: true };
    ct.process(udp(C, 1000, VIP, 53), req(T0, { ...z, nat: dnat('172.25.5.30', 53) }));
    ct.process(udp(C, 1001, VIP, 53), req(T0, { ...z, nat: dnat('172.25.5.31', 53) }));
    ct.process(udp('172.25.5.9', 1000, VIP, 53), req(T0, { ...z, nat: dnat('172.25.5.30', 53) }));
    ct.process(tcp(C, 1002, VIP, 53, SYN), req(T0, { ...z, nat: dnat('172.25.5.30', 53) }));
    assert.equal(ct.flush({ proto: 17, dst: ip('172.25.5.30'), dstPort: 53 }), 2);
    assert.deepEqual(
      ct.list().map((e) => [e.proto, e.reply.src]),
      [
        [17, ip('172.25.5.31')],
        [6, ip('172.25.5.30')],
      ],
    );
    // Flushed entries are gone from the lookup tables too.
    assert.equal(ctStr(ct.process(udp('172.25.5.30', 53, C, 1000), req(T0 + 1, { zone: 65312 })).state), '+trk+new');
  });

  test('by zone, by original destination, and everything', () => {
    const ct = new Conntrack();
    ct.process(udp(C, 1, VIP, 53), req(T0, { zone: 1, commit: true }));
    ct.process(udp(C, 2, VIP, 53), req(T0, { zone: 2, commit: true }));
    ct.process(udp(C, 3, '10.96.0.11', 53), req(T0, { zone: 2, commit: true }));
    assert.equal(ct.flush({ origDst: ip('10.96.0.11'), origDstPort: 53 }), 1);
    assert.equal(ct.flush({ zone: 1 }), 1);
    assert.equal(ct.size, 1);
    assert.equal(ct.flush(), 1);
    assert.equal(ct.size, 0);
  });
});

describe('zones, marks, limits, stats', () => {
  test('zones are separate tables', () => {
    const ct = new Conntrack();
    ct.process(udp(C, 1, VIP, 53), req(T0, { zone: 10, commit: true }));
    assert.equal(ctStr(ct.process(udp(VIP, 53, C, 1), req(T0, { zone: 10 })).state), '+trk+est+rpl');
    assert.equal(ctStr(ct.process(udp(VIP, 53, C, 1), req(T0, { zone: 11 })).state), '+trk+new');
    assert.deepEqual(ct.list(10).length, 1);
    assert.deepEqual(ct.list(11).length, 0);
  });

  test('ct_mark is set on commit and reported on later packets', () => {
    const ct = new Conntrack();
    const r = ct.process(udp(C, 1, VIP, 53), req(T0, { commit: true, mark: 0x4000 }));
    assert.equal(r.mark, 0x4000);
    assert.equal(ct.process(udp(VIP, 53, C, 1), req(T0)).mark, 0x4000);
    const masked = ct.process(udp(C, 1, VIP, 53), { zone: 0, commit: true, now: T0, setMark: { value: 0x1, mask: 0xff } });
    assert.equal(masked.mark, 0x4001);
    assert.equal(ct.process(udp(C, 2, VIP, 53), req(T0, { mark: 5 })).mark, 0, 'no commit, no mark');
  });

  test('maxEntries refuses commits once full (after trying a sweep)', () => {
    const ct = new Conntrack({ maxEntries: 2 });
    ct.process(udp(C, 1, VIP, 53), req(T0, { commit: true }));
    ct.process(udp(C, 2, VIP, 53), req(T0, { commit: true }));
    assert.equal(ctStr(ct.process(udp(C, 3, VIP, 53), req(T0, { commit: true })).state), '+trk+inv');
    assert.equal(ctStr(ct.process(udp(C, 3, VIP, 53), req(T0 + 30_000, { commit: true })).state), '+trk+new');
    assert.equal(ct.size, 1);
  });

  test('stats count entries and estimate memory', () => {
    const ct = new Conntrack();
    for (let p = 1; p <= 100; p++) ct.process(udp(C, p, VIP, 53), req(T0, { commit: true }));
    const st = ct.stats();
    assert.equal(st.entries, 100);
    assert.equal(st.committed, 100);
    assert.ok(st.bytes > 0 && st.bytesPerEntry === st.bytes / 100);
  });
});
