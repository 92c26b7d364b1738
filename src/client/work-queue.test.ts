import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeClock } from '../core/index.js';
import { BucketRateLimiter, ItemExponentialRateLimiter, MaxOfRateLimiter } from './rate-limiter.js';
import { WorkQueue, runWorkers, type QueueItem, type ReconcileResult } from './work-queue.js';

const flush = () => new Promise<void>((r) => setImmediate(r));

function newQueue(clock = new FakeClock()) {
  return { clock, q: new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialRateLimiter<string>(5, 1_000_000) }) };
}

async function take(q: WorkQueue<string>): Promise<string> {
  const item = await q.get();
  assert.equal(item.shutdown, false);
  return (item as { key: string }).key;
}

/** A get() whose resolution we can observe without awaiting it. */
function pendingGet(q: WorkQueue<string>): { readonly value: QueueItem<string> | undefined } {
  const box: { value: QueueItem<string> | undefined } = { value: undefined };
  void q.get().then((v) => (box.value = v));
  return box;
}

describe('WorkQueue', () => {
  test('dedups keys while queued and keeps FIFO order', async () => {
    const { q } = newQueue();
    for (const k of ['a', 'b', 'a', 'c', 'b']) q.add(k);
    assert.equal(q.length, 3);
    assert.deepEqual([await take(q), await take(q), await take(q)], ['a', 'b', 'c']);
    assert.equal(q.length, 0);
  });

  test('a key being processed is not handed out again; re-added it comes back after done', async () => {
    const { q } = newQueue();
    q.add('a');
    assert.equal(await take(q), 'a');
    q.add('a');
    q.add('a');
    assert.equal(q.length, 0, 'not queued while processing');
    const waiter = pendingGet(q);
    await flush();
    assert.equal(waiter.value, undefined);
    q.done('a');
    await flush();
    assert.deepEqual(waiter.value, { shutdown: false, key: 'a' });
    q.done('a');
    assert.equal(q.length, 0, 'the two adds during processing became one');
  });

  test('a waiting get() is woken by add()', async () => {
    const { q } = newQueue();
    const waiter = pendingGet(q);
    await flush();
    assert.equal(waiter.value, undefined);
    q.add('x');
    await flush();
    assert.deepEqual(waiter.value, { shutdown: false, key: 'x' });
  });

  test('addRateLimited backs off per key exponentially; forget resets', async () => {
    const { q, clock } = newQueue();
    q.addRateLimited('a'); // 5 ms
    q.addRateLimited('b'); // 5 ms (independent key)
    clock.advance(4);
    assert.equal(q.length, 0);
    clock.advance(1);
    assert.equal(q.length, 2);
    assert.equal(await take(q), 'a');
    q.done('a');
    q.addRateLimited('a'); // 10 ms
    assert.equal(q.numRequeues('a'), 2);
    clock.advance(9);
    assert.equal(q.length, 1);
    clock.advance(1);
    assert.equal(q.length, 2);
    q.forget('a');
    assert.equal(q.numRequeues('a'), 0);
  });

  test('addAfter: the earliest pending delay wins; a direct add is not duplicated by the timer', async () => {
    const { q, clock } = newQueue();
    q.addAfter('a', 100);
    q.addAfter('a', 50);
    q.addAfter('a', 80);
    clock.advance(50);
    assert.equal(q.length, 1);
    clock.advance(100);
    assert.equal(q.length, 1, 'the replaced timers never fire');
    q.addAfter('b', 30);
    q.add('b');
    clock.advance(30);
    assert.equal(q.length, 2);
    q.addAfter('c', 0);
    assert.equal(q.length, 3, 'zero delay adds at once');
  });

  test('shutDown: queued keys drain, then getters see shutdown; adds and timers are dropped', async () => {
    const { q, clock } = newQueue();
    q.add('a');
    q.addAfter('later', 10);
    q.shutDown();
    assert.equal(clock.pendingTimers(), 0);
    q.add('b');
    assert.equal(await take(q), 'a');
    assert.deepEqual(await q.get(), { shutdown: true });
    assert.ok(q.shuttingDown);
  });

  test('shutDown wakes getters that are already waiting', async () => {
    const { q } = newQueue();
    const w1 = pendingGet(q);
    const w2 = pendingGet(q);
    await flush();
    q.shutDown();
    await flush();
    assert.deepEqual([w1.value, w2.value], [{ shutdown: true }, { shutdown: true }]);
  });

  test('shutDownWithDrain waits for keys in processing', async () => {
    const { q } = newQueue();
    q.add('a');
    await take(q);
    let drained = false;
    const p = q.shutDownWithDrain().then(() => (drained = true));
    await flush();
    assert.equal(drained, false);
    q.done('a');
    await p;
    assert.equal(drained, true);
  });
});

describe('runWorkers', () => {
  test('n workers; never the same key twice at once; outcomes drive requeues', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialRateLimiter<string>(5, 1000) });
    const active = new Set<string>();
    let maxActive = 0;
    const calls: string[] = [];
    const gates = new Map<string, () => void>();
    let failOnce = true;
    const reconcile = async (key: string): Promise<ReconcileResult | void> => {
      assert.ok(!active.has(key), `${key} processed concurrently`);
      active.add(key);
      maxActive = Math.max(maxActive, active.size);
      calls.push(key);
      try {
        if (key === 'slow') await new Promise<void>((r) => gates.set(key, r));
        if (key === 'flaky' && failOnce) {
          failOnce = false;
          throw new Error('transient');
        }
        if (key === 'periodic' && calls.filter((c) => c === 'periodic').length === 1) return { type: 'requeueAfter', ms: 1000 };
        return undefined;
      } finally {
        active.delete(key);
      }
    };
    const done = runWorkers(q, 2, reconcile);
    for (const k of ['slow', 'flaky', 'periodic', 'x']) q.add(k);
    await flush();
    q.add('slow'); // while processing: must wait for done
    await flush();
    assert.equal(calls.filter((c) => c === 'slow').length, 1);
    gates.get('slow')!();
    await flush();
    await flush();
    assert.equal(calls.filter((c) => c === 'slow').length, 2, 're-added slow ran again after done');
    gates.get('slow')!();
    await flush();
    assert.equal(calls.filter((c) => c === 'flaky').length, 1);
    assert.equal(q.numRequeues('flaky'), 1);
    clock.advance(5);
    await flush();
    assert.equal(calls.filter((c) => c === 'flaky').length, 2);
    assert.equal(q.numRequeues('flaky'), 0, 'success forgets');
    clock.advance(995);
    await flush();
    assert.equal(calls.filter((c) => c === 'periodic').length, 2);
    assert.ok(maxActive <= 2);
    q.shutDown();
    await done;
  });
});

describe('rate limiters', () => {
  test('item exponential: 5 ms doubling to the cap', () => {
    const l = new ItemExponentialRateLimiter<string>(5, 1_000_000);
    const got = Array.from({ length: 20 }, () => l.when('k'));
    assert.deepEqual(got.slice(0, 5), [5, 10, 20, 40, 80]);
    assert.equal(got[17], 5 * 2 ** 17); // 655,360 ms
    assert.equal(got[18], 1_000_000);
    assert.equal(got[19], 1_000_000);
    for (let i = 0; i < 2000; i++) l.when('k');
    assert.equal(l.when('k'), 1_000_000, 'no overflow to Infinity/NaN');
  });

  test('bucket: burst then qps spacing, refills with time', () => {
    const clock = new FakeClock();
    const b = new BucketRateLimiter<string>(10, 2, clock);
    assert.deepEqual([b.when('a'), b.when('b'), b.when('c'), b.when('d')], [0, 0, 100, 200]);
    clock.advance(1000);
    assert.equal(b.when('e'), 0);
  });

  test('max-of takes the longest delay and forgets in all', () => {
    const clock = new FakeClock();
    const m = new MaxOfRateLimiter<string>(new ItemExponentialRateLimiter<string>(5, 1000), new BucketRateLimiter<string>(1, 1, clock));
    assert.equal(m.when('a'), 5);
    assert.equal(m.when('a'), 1000);
    assert.equal(m.numRequeues('a'), 2);
    m.forget('a');
    assert.equal(m.numRequeues('a'), 0);
  });
});
