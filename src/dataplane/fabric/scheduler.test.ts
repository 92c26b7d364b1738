import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, realClock } from '../../core/clock.js';
import type { FrameTx, NetDevice } from '../netdev.js';
import { MAC_BROADCAST } from '../wire/mac.js';
import { LogicalSwitch } from './logical-switch.js';
import { Scheduler } from './scheduler.js';

/** Records what it receives; can answer every frame (ping-pong) a number of times. */
class Probe implements NetDevice {
  readonly got: Uint8Array[] = [];
  tx: FrameTx = () => undefined;
  inTx = false;
  reentered = false;
  echo = 0;
  throwOnce = false;
  constructor(
    readonly name: string,
    readonly mac = 0x020000000000,
  ) {}
  attach(tx: FrameTx): void {
    this.tx = tx;
  }
  receive(frame: Uint8Array): void {
    if (this.inTx) this.reentered = true;
    if (this.throwOnce) {
      this.throwOnce = false;
      throw new Error('boom');
    }
    this.got.push(frame);
    if (this.echo > 0) {
      this.echo--;
      this.send(frame);
    }
  }
  send(frame: Uint8Array): void {
    this.inTx = true;
    this.tx(frame);
    this.inTx = false;
  }
}

const frame = (n: number) => {
  const f = new Uint8Array(60);
  f.fill(0xff, 0, 6); // broadcast
  f[12] = 0x88;
  f[13] = 0xb5; // local experimental EtherType
  f[14] = n;
  return f;
};

describe('Scheduler', () => {
  test('a transmit never runs the receiver on the sender stack; ping-pong runs iteratively', () => {
    const s = new Scheduler({ clock: new FakeClock() });
    const a = new Probe('a');
    const b = new Probe('b');
    s.connect('a-b', a, b);
    a.echo = 5000;
    b.echo = 5000;
    a.send(frame(1));
    assert.equal(b.got.length, 0, 'nothing delivered synchronously');
    const n = s.runUntilIdle();
    assert.equal(n, 10_001, 'ten thousand round trips without growing the stack');
    assert.equal(a.reentered || b.reentered, false);
  });

  test('FIFO per link, and the FakeClock drives deliveries when asked to', () => {
    const clock = new FakeClock();
    const s = new Scheduler({ clock });
    const a = new Probe('a');
    const b = new Probe('b');
    s.connect('a-b', a, b);
    for (let i = 0; i < 5; i++) a.send(frame(i));
    assert.equal(b.got.length, 0);
    clock.advance(0);
    assert.deepEqual(
      b.got.map((f) => f[14]),
      [0, 1, 2, 3, 4],
    );
  });

  test('with the real clock, deliveries run asynchronously in batches', async () => {
    const s = new Scheduler({ clock: realClock, batch: 10 });
    const a = new Probe('a');
    const b = new Probe('b');
    s.connect('a-b', a, b);
    for (let i = 0; i < 25; i++) a.send(frame(i));
    assert.equal(b.got.length, 0);
    await new Promise((r) => setImmediate(r));
    assert.equal(b.got.length, 10, 'one batch per turn');
    while (s.busy) await new Promise((r) => setImmediate(r));
    assert.equal(b.got.length, 25);
  });

  test('latency holds frames until the clock reaches them', () => {
    const clock = new FakeClock();
    const s = new Scheduler({ clock });
    const a = new Probe('a');
    const b = new Probe('b');
    s.connect('a-b', a, b, { latencyMs: 10 });
    a.send(frame(1));
    s.runUntilIdle();
    clock.advance(9);
    assert.equal(b.got.length, 0);
    assert.equal(s.stats().inFlight, 1);
    clock.advance(1);
    assert.equal(b.got.length, 1);
  });

  test('loss drops about the configured fraction, the same frames for the same seed', () => {
    const run = (seed: number) => {
      const s = new Scheduler({ clock: new FakeClock(), seed });
      const a = new Probe('a');
      const b = new Probe('b');
      s.connect('a-b', a, b, { loss: 0.5 });
      for (let i = 0; i < 2000; i++) a.send(frame(i & 0xff));
      s.runUntilIdle();
      return b.got.length;
    };
    const n = run(42);
    assert.ok(n > 900 && n < 1100, `about half delivered, got ${n}`);
    assert.equal(run(42), n);
    assert.notEqual(run(43), n);
  });

  test('an L2 loop is cut by the hop budget', () => {
    const s = new Scheduler({ clock: new FakeClock(), hopBudget: 32 });
    const sw1 = new LogicalSwitch({ name: 'sw1', arpSuppression: false });
    const sw2 = new LogicalSwitch({ name: 'sw2', arpSuppression: false });
    s.connect('loop-1', sw1.addPort('p1'), sw2.addPort('p1'));
    s.connect('loop-2', sw1.addPort('p2'), sw2.addPort('p2'));
    const host = new Probe('h', 0x020000000001);
    s.connect('host', host, sw1.addPort('p3'));
    const f = frame(1);
    f.fill(0xff, 0, 6);
    assert.equal(f[0], MAC_BROADCAST % 256);
    host.send(f);
    s.runUntilIdle();
    const st = s.stats();
    assert.equal(st.looped, 2, 'both circulating copies died of old age');
    assert.ok(host.got.length > 10 && host.got.length < 40, `the host saw the storm for a while (${host.got.length})`);
    assert.equal(s.busy, false);
  });

  test('a receiver that throws does not stop the drain; disconnect drops later frames', () => {
    const errors: unknown[] = [];
    const s = new Scheduler({ clock: new FakeClock(), onError: (e) => errors.push(e) });
    const a = new Probe('a');
    const b = new Probe('b');
    const link = s.connect('a-b', a, b);
    b.throwOnce = true;
    a.send(frame(1));
    a.send(frame(2));
    s.runUntilIdle();
    assert.equal(errors.length, 1);
    assert.equal(b.got.length, 1);
    s.disconnect(link);
    a.send(frame(3));
    s.runUntilIdle();
    assert.equal(b.got.length, 1);
    assert.equal(link.stats.down, 1);
    const c = new Probe('c');
    s.connect('a-c', a, c);
    assert.throws(() => s.connect('a-c', new Probe('x'), new Probe('y')), /already exists/);
    assert.throws(() => s.connect('c-d', c, new Probe('d')), /already linked/);
    a.send(frame(4));
    s.runUntilIdle();
    assert.equal(c.got.length, 1, 'a device can be linked again after a disconnect');
  });
});
