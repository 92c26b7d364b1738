// Watch half of the Store conformance suite (see store.conformance.ts).
import assert from 'node:assert/strict';
import { dec, enc, record, settle, show } from './store-test-helpers.js';
import type { Store, WatchEvent } from './types.js';

type Case = (title: string, body: (s: Store) => Promise<void>) => void;

export function runWatchConformance(t: Case): void {
  t('watch from now: ADDED, MODIFIED, DELETED with prevKv', async (s) => {
    await s.create('/w/old', enc('old'));
    const w = record(s, '/w/', undefined);
    const a = await s.create('/w/a', enc('1'));
    const a2 = await s.update('/w/a', enc('2'), a.modRevision);
    await s.delete('/w/a');
    await w.waitEvents(3);
    assert.deepEqual(w.events.map(show), ['ADDED /w/a@2=1', 'MODIFIED /w/a@3=2', 'DELETED /w/a@4=2']);
    const [added, modified, deleted] = w.events as [WatchEvent, WatchEvent, WatchEvent];
    assert.equal(added.prevKv, undefined);
    assert.deepEqual([added.kv.createRevision, added.kv.modRevision], [2, 2]);
    assert.deepEqual([dec(modified.prevKv!.value), modified.prevKv!.modRevision, modified.kv.createRevision], ['1', 2, 2]);
    assert.deepEqual([deleted.kv.modRevision, deleted.kv.createRevision], [4, 2]);
    assert.deepEqual([dec(deleted.prevKv!.value), deleted.prevKv!.modRevision], ['2', a2.modRevision]);
    assert.deepEqual(w.errors, []);
    w.watcher.close();
  });

  t('watch from a past revision replays history, then goes live without gaps or duplicates', async (s) => {
    let prev = await s.create('/h/k', enc('0'));
    for (let i = 1; i < 5; i++) prev = await s.update('/h/k', enc(String(i)), prev.modRevision);
    const w = record(s, '/h/', 2);
    const burst: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) burst.push(s.create(`/h/n${i}`, enc('n')));
    await Promise.all(burst);
    await w.waitEvents(23);
    await settle();
    const revs = w.events.map((e) => e.revision);
    assert.deepEqual(revs, Array.from({ length: 23 }, (_, i) => i + 3));
    assert.deepEqual(w.events.slice(0, 3).map(show), ['MODIFIED /h/k@3=2', 'MODIFIED /h/k@4=3', 'MODIFIED /h/k@5=4']);
    const all = record(s, '', 0);
    await all.waitEvents(25);
    assert.equal(all.events[0]?.type, 'ADDED');
    w.watcher.close();
    all.watcher.close();
  });

  t('watch filters by prefix ("/a/" excludes "/ab")', async (s) => {
    const w = record(s, '/a/', undefined);
    const everything = record(s, '', undefined);
    for (const k of ['/ab', '/a/1', '/a', '/b/1', '/a/2/x']) await s.create(k, enc(k));
    await everything.waitEvents(5);
    await settle();
    assert.deepEqual(w.events.map((e) => e.kv.key), ['/a/1', '/a/2/x']);
    w.watcher.close();
    everything.watcher.close();
  });

  t('delivery is asynchronous; close stops delivery, also from inside a handler', async (s) => {
    const w = record(s, '/', undefined);
    const pending = s.create('/x', enc('x'));
    assert.equal(w.events.length, 0, 'delivered inside the mutation call');
    await pending;
    await w.waitEvents(1);
    w.watcher.close();
    w.watcher.close();
    const selfClosing: WatchEvent[] = [];
    const sc = s.watch('/', undefined, {
      onEvent: (e) => {
        selfClosing.push(e);
        sc.close();
      },
    });
    const witness = record(s, '/', undefined);
    await Promise.all([s.create('/y', enc('y')), s.create('/z', enc('z'))]);
    await witness.waitEvents(2);
    await settle();
    assert.equal(w.events.length, 1);
    assert.deepEqual(selfClosing.map((e) => e.kv.key), ['/y']);
    witness.watcher.close();
  });

  t('a throwing handler ends only its own watch (onError Internal)', async (s) => {
    const bad = record(s, '/', undefined);
    const thrower = s.watch('/', undefined, {
      onEvent: () => {
        throw new Error('boom');
      },
      onError: (e) => bad.errors.push(e),
    });
    const good = record(s, '/', undefined);
    await s.create('/1', enc('1'));
    await s.create('/2', enc('2'));
    await good.waitEvents(2);
    const err = await bad.waitError();
    assert.equal(err.kind, 'Internal');
    assert.match(err.message, /boom/);
    assert.equal(bad.errors.length, 1);
    thrower.close();
    good.watcher.close();
    bad.watcher.close();
  });

  t('many watchers each get every event in order', async (s) => {
    const ws = Array.from({ length: 20 }, () => record(s, '/m/', undefined));
    await Promise.all(Array.from({ length: 30 }, (_, i) => s.create(`/m/${i}`, enc(String(i)))));
    for (const w of ws) await w.waitEvents(30);
    for (const w of ws) {
      assert.deepEqual(
        w.events.map((e) => e.revision),
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
      w.watcher.close();
    }
  });

  t('watch from a future revision delivers once events exist', async (s) => {
    await s.create('/f/0', enc('0'));
    const w = record(s, '/f/', 3);
    for (let i = 1; i <= 4; i++) await s.create(`/f/${i}`, enc(String(i)));
    await w.waitEvents(2);
    await settle();
    assert.deepEqual(w.events.map((e) => e.revision), [4, 5]);
    w.watcher.close();
  });
}
