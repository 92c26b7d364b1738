import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CrashBackoff } from './crash-backoff.js';
import { goDuration } from './format.js';

describe('CrashLoopBackOff timing', () => {
  test('a container that dies right after each start: 0, 10, 20, 40, ... 300, 300 s', () => {
    const b = new CrashBackoff();
    const key = 'uid/app';
    let now = 0;
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      const finishedAt = now; // exits immediately
      const until = b.until(key, finishedAt, now);
      const wait = until === undefined ? 0 : until - now;
      waits.push(wait / 1000);
      now += wait;
      assert.equal(b.inBackoff(key, finishedAt, now), false);
      b.next(key, finishedAt, now);
      now += 1; // runs for 1 ms
    }
    assert.deepEqual(waits, [0, 10, 20, 40, 80, 160, 300, 300, 300]);
    assert.equal(goDuration(b.current(key)), '5m0s');
  });

  test('a container that ran stably for more than 10 minutes starts over at 10 s', () => {
    const b = new CrashBackoff();
    b.next('k', 0, 0);
    b.next('k', 1000, 1000); // 20 s now
    assert.equal(b.current('k'), 20_000);
    const exitAt = 1000 + 600_001;
    assert.equal(b.inBackoff('k', exitAt, exitAt), false);
    b.next('k', exitAt, exitAt);
    assert.equal(b.current('k'), 10_000);
  });

  test('image pull back-off counts from the last failure', () => {
    const b = new CrashBackoff();
    assert.equal(b.sinceUpdate('p', 0), undefined);
    b.next('p', 0, 0);
    assert.equal(b.sinceUpdate('p', 5000), 10_000);
    assert.equal(b.sinceUpdate('p', 10_000), undefined);
    b.next('p', 10_000, 10_000);
    assert.equal(b.sinceUpdate('p', 10_001), 30_000);
  });

  test('forget drops a pod\'s keys', () => {
    const b = new CrashBackoff();
    b.next('u1/a', 0, 0);
    b.next('u2/a', 0, 0);
    b.forget('u1/');
    assert.equal(b.current('u1/a'), 0);
    assert.equal(b.current('u2/a'), 10_000);
  });

  test('Go duration formatting used in kubelet messages', () => {
    const cases: [number, string][] = [
      [0, '0s'],
      [12, '12ms'],
      [1500, '1.5s'],
      [10_000, '10s'],
      [80_000, '1m20s'],
      [160_000, '2m40s'],
      [300_000, '5m0s'],
      [3_723_000, '1h2m3s'],
      [1387, '1.387s'],
    ];
    for (const [ms, want] of cases) assert.equal(goDuration(ms), want, String(ms));
  });
});
