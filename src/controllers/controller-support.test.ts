// The controllers' client-free helpers: expectations, the selector index, the slice
// tracker and the paced event sink, all on a fake clock.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EndpointSlice, Event } from '../api/index.js';
import { FakeClock } from '../core/index.js';
import { SliceTracker } from './endpointslice/slice-tracker.js';
import { Expectations } from './expectations.js';
import { PacedEventSink } from './paced-event-sink.js';
import { SelectorIndex } from './selector-index.js';

describe('Expectations', () => {
  test('satisfied once every expected create and delete is observed, or after the TTL', () => {
    const clock = new FakeClock();
    const e = new Expectations(clock, 1000);
    assert.ok(e.satisfied('k'));
    e.expect('k', 2, ['u1']);
    assert.ok(!e.satisfied('k'));
    e.creationObserved('k');
    e.creationObserved('k');
    assert.ok(!e.satisfied('k'));
    e.deletionObserved('k', 'u1');
    e.deletionObserved('k', 'u1'); // counted once per uid
    assert.ok(e.satisfied('k'));
    e.expect('k', 1, []);
    clock.advance(1001);
    assert.ok(e.satisfied('k'), 'expired');
    e.expect('k', 1, []);
    e.creationFailed('k');
    assert.ok(e.satisfied('k'));
  });
});

describe('SelectorIndex', () => {
  test('finds exactly the services whose whole selector matches, per namespace', () => {
    const idx = new SelectorIndex();
    idx.set('a/web', 'a', { app: 'web' });
    idx.set('a/web-fe', 'a', { app: 'web', tier: 'fe' });
    idx.set('b/web', 'b', { app: 'web' });
    idx.set('a/none', 'a', undefined);
    assert.deepEqual(idx.matching('a', { app: 'web', tier: 'fe' }).sort(), ['a/web', 'a/web-fe']);
    assert.deepEqual(idx.matching('a', { app: 'web' }), ['a/web']);
    assert.deepEqual(idx.matching('a', { tier: 'fe' }), []);
    idx.set('a/web', 'a', { app: 'api' });
    assert.deepEqual(idx.matching('a', { app: 'web' }), []);
    idx.delete('a/web');
    assert.deepEqual(idx.matching('a', { app: 'api' }), []);
  });
});

describe('SliceTracker', () => {
  const s = (name: string, rv: string): EndpointSlice => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, resourceVersion: rv }, addressType: 'IPv4', endpoints: [] });
  test('stale until the cache shows our writes (creates, updates, deletes), then forgets them', () => {
    const clock = new FakeClock();
    const t = new SliceTracker(clock, 30_000);
    t.wrote('ns/web', s('web-a', '10'));
    assert.ok(t.stale('ns/web', []), 'created slice not in the cache yet');
    assert.ok(t.stale('ns/web', [s('web-a', '9')]), 'older version');
    assert.ok(!t.stale('ns/web', [s('web-a', '12')]));
    t.deleted('ns/web', 'web-a');
    assert.ok(t.stale('ns/web', [s('web-a', '12')]));
    assert.ok(!t.stale('ns/web', []));
    t.wrote('ns/web', s('web-b', '20'));
    clock.advance(30_001);
    assert.ok(!t.stale('ns/web', []), 'gave up after the TTL');
  });
});

describe('PacedEventSink', () => {
  test('a burst goes out at once, the rest at the paced rate; close fails the waiting ones', async () => {
    const clock = new FakeClock();
    const written: string[] = [];
    const inner = {
      create: async (_ns: string, e: Event) => {
        written.push(e.message ?? '');
        return e;
      },
      patch: async (_ns: string, _n: string, p: Partial<Event>) => p as Event,
    };
    const sink = new PacedEventSink(inner, clock, { qps: 10, burst: 2 });
    const ev = (m: string) => ({ apiVersion: 'v1', kind: 'Event', metadata: {}, involvedObject: {}, message: m }) as Event;
    const p1 = sink.create('ns', ev('1'));
    const p2 = sink.create('ns', ev('2'));
    const p3 = sink.create('ns', ev('3'));
    const p4 = sink.create('ns', ev('4'));
    await Promise.all([p1, p2]);
    assert.deepEqual(written, ['1', '2']);
    clock.advance(100);
    await p3;
    assert.deepEqual(written, ['1', '2', '3']);
    sink.close();
    await assert.rejects(p4, /event sink closed/);
    await assert.rejects(sink.create('ns', ev('5')), /event sink closed/);
  });
});
