import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../core/clock.js';
import { BoundedFrequencyRunner } from './bounded-frequency-runner.js';

test('requests fold into one run; runs are at least minInterval apart', () => {
  const clock = new FakeClock(0);
  const runs: number[] = [];
  const r = new BoundedFrequencyRunner(() => runs.push(clock.now()), { clock, minIntervalMs: 10 });
  r.run();
  r.run();
  r.run();
  clock.advance(0);
  assert.deepEqual(runs, [0]);
  clock.advance(3);
  r.run();
  r.run();
  clock.advance(6);
  assert.deepEqual(runs, [0], 'not before 10 ms after the last run');
  clock.advance(1);
  assert.deepEqual(runs, [0, 10]);
  clock.advance(100);
  assert.deepEqual(runs, [0, 10]);
});

test('minInterval 0 still batches requests made in the same tick', () => {
  const clock = new FakeClock(0);
  let n = 0;
  const r = new BoundedFrequencyRunner(() => n++, { clock, minIntervalMs: 0 });
  for (let i = 0; i < 5; i++) r.run();
  clock.advance(0);
  assert.equal(n, 1);
});

test('retryAfter waits unless a run is due sooner; a request during a run schedules another; stop cancels', () => {
  const clock = new FakeClock(0);
  const runs: number[] = [];
  let r: BoundedFrequencyRunner;
  let inner = true;
  r = new BoundedFrequencyRunner(() => {
    runs.push(clock.now());
    if (inner) {
      inner = false;
      r.run();
    }
  }, { clock, minIntervalMs: 5 });
  r.run();
  clock.advance(0);
  clock.advance(5);
  assert.deepEqual(runs, [0, 5]);
  r.retryAfter(50);
  clock.advance(20);
  assert.deepEqual(runs, [0, 5]);
  r.run();
  clock.advance(0);
  assert.deepEqual(runs, [0, 5, 25], 'the earlier request wins over the retry');
  r.retryAfter(10);
  r.stop();
  clock.advance(100);
  assert.deepEqual(runs, [0, 5, 25]);
});
