import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/clock.js';
import { unwrap } from '../../core/result.js';
import { emitFrame, parseFrame } from '../wire/frame.js';
import { ip, makeHost, runUntil, seededRandom, TestLink } from './testing.js';

describe('fuzz', () => {
  test('10,000 random and mutated frames never throw; the stack still works afterwards', async () => {
    const clock = new FakeClock();
    const a = makeHost(clock, 'a', '10.0.0.1/24');
    const b = makeHost(clock, 'b', '10.0.0.2/24');
    // Record b's real traffic to a as mutation seeds.
    const seeds: Uint8Array[] = [];
    new TestLink(clock, a.eth0, b.eth0, { delayMs: 0.5, filter: (f, from) => (from === 'eth0' && f[5] === a.eth0.mac % 256 && seeds.push(f.slice()), undefined) });
    unwrap(a.stack.listen(80, (s) => s.onData((d) => s.write(d))));
    const udp = unwrap(a.stack.udpBind(53));
    udp.onMessage(() => undefined);
    const conn = await runUntil(clock, b.stack.connect(ip('10.0.0.1'), 80), 1000, 0.5);
    conn.write(new Uint8Array(5000));
    const bu = unwrap(b.stack.udpBind());
    unwrap(bu.sendTo(new Uint8Array(20), ip('10.0.0.1'), 53));
    await runUntil(clock, b.stack.ping(ip('10.0.0.1')), 1000, 0.5);
    assert.ok(seeds.length > 5);

    const rnd = seededRandom(2024);
    const int = (n: number) => Math.floor(rnd() * n);
    let fixed = 0;
    for (let i = 0; i < 10_000; i++) {
      let f: Uint8Array;
      const mode = i % 4;
      if (mode === 0) {
        f = new Uint8Array(int(120));
        for (let j = 0; j < f.length; j++) f[j] = int(256);
        if (f.length >= 6 && rnd() < 0.7) f.set([0x0a, 0x58, 0, 0, 0, a.eth0.mac % 256], 0);
      } else {
        const seed = seeds[int(seeds.length)]!;
        f = seed.slice(0, rnd() < 0.1 ? int(seed.length + 1) : seed.length);
        const flips = 1 + int(6);
        // Mutate past the Ethernet addresses so most frames still reach the stack.
        for (let k = 0; k < flips && f.length > 12; k++) f[12 + int(f.length - 12)] = int(256);
        if (mode >= 2) {
          // Re-emit with correct lengths and checksums: garbage fields reach TCP/UDP/ICMP logic.
          const p = parseFrame(f, { verifyChecksum: false });
          if (p.ok) {
            f = emitFrame(p.value);
            fixed++;
          }
        }
      }
      a.eth0.receive(f);
      if (i % 50 === 0) clock.advance(int(300));
    }
    assert.ok(fixed > 2000, `${fixed}`);
    assert.ok(a.stack.stats.malformed > 1000);
    assert.equal(a.stack.stats.callbackErrors, 0);
    // Still a working host. Fuzzed ARP may have poisoned a's entry for b, as it would on
    // Linux; b's gratuitous ARP on link up repairs it.
    b.stack.setLinkUp('eth0', false);
    b.stack.setLinkUp('eth0', true);
    const o = await runUntil(clock, b.stack.ping(ip('10.0.0.1')), 5000, 0.5);
    assert.equal(o.kind, 'reply');
    const c2 = await runUntil(clock, b.stack.connect(ip('10.0.0.1'), 80), 5000, 0.5);
    const echoed = c2.read();
    c2.write('still alive');
    assert.equal(new TextDecoder().decode((await runUntil(clock, echoed, 5000, 0.5))!), 'still alive');
  });
});
