// One behaviour suite for every Store backend (memory, sqlite, later etcd). Each backend's
// *.test.ts calls runStoreConformance with a factory returning a fresh, empty store.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dec, enc, record, rejectsWith, settle, show } from './store-test-helpers.js';
import type { KeyValue, Store } from './types.js';
import { runWatchConformance } from './store.conformance-watch.js';

export type StoreFactory = () => Store | Promise<Store>;

/** Runs `body` against a fresh store and always closes it. */
export function withStore(factory: StoreFactory, body: (s: Store) => Promise<void>): () => Promise<void> {
  return async () => {
    const s = await factory();
    try {
      await body(s);
    } finally {
      await s.close();
    }
  };
}

const keysOf = (items: readonly KeyValue[]): string[] => items.map((kv) => kv.key);

export function runStoreConformance(name: string, factory: StoreFactory): void {
  const t = (title: string, body: (s: Store) => Promise<void>): void => {
    test(title, withStore(factory, body));
  };

  describe(`Store conformance: ${name}`, () => {
    t('create, get, AlreadyExists', async (s) => {
      assert.equal(s.currentRevision(), 0);
      const kv = await s.create('/a', enc('one'));
      assert.deepEqual([kv.key, dec(kv.value), kv.createRevision, kv.modRevision], ['/a', 'one', 1, 1]);
      const got = await s.get('/a');
      assert.ok(got);
      assert.deepEqual([dec(got.value), got.createRevision, got.modRevision], ['one', 1, 1]);
      assert.equal(await s.get('/missing'), undefined);
      await rejectsWith(s.create('/a', enc('two')), 'AlreadyExists');
      assert.equal(dec((await s.get('/a'))!.value), 'one');
      assert.equal(s.currentRevision(), 1);
    });

    t('update: compare-and-swap success, Conflict carries current, NotFound', async (s) => {
      const a = await s.create('/a', enc('v1'));
      await s.create('/b', enc('b'));
      const u = await s.update('/a', enc('v2'), a.modRevision);
      assert.deepEqual([dec(u.value), u.createRevision, u.modRevision], ['v2', 1, 3]);
      const err = await rejectsWith(s.update('/a', enc('v3'), a.modRevision), 'Conflict');
      assert.ok(err.current);
      assert.deepEqual([err.current.key, dec(err.current.value), err.current.modRevision], ['/a', 'v2', 3]);
      const now = await s.get('/a');
      assert.deepEqual([dec(now!.value), now!.modRevision, s.currentRevision()], ['v2', 3, 3]);
      await rejectsWith(s.update('/nope', enc('x'), 1), 'NotFound');
      assert.equal(s.currentRevision(), 3);
    });

    t('delete with and without compare-and-swap, NotFound, re-create', async (s) => {
      const a = await s.create('/a', enc('a'));
      const b = await s.create('/b', enc('b'));
      const da = await s.delete('/a');
      assert.deepEqual([da.key, dec(da.value), da.createRevision, da.modRevision], ['/a', 'a', 1, 3]);
      assert.equal(await s.get('/a'), undefined);
      await rejectsWith(s.delete('/a'), 'NotFound');
      await rejectsWith(s.delete('/a', a.modRevision), 'NotFound');
      const err = await rejectsWith(s.delete('/b', b.modRevision + 10), 'Conflict');
      assert.equal(err.current?.modRevision, b.modRevision);
      assert.ok(await s.get('/b'));
      const db = await s.delete('/b', b.modRevision);
      assert.equal(db.modRevision, 4);
      const again = await s.create('/a', enc('a2'));
      assert.deepEqual([again.createRevision, again.modRevision], [5, 5]);
    });

    t('revision goes up by exactly one per successful mutation; failures change nothing', async (s) => {
      const steps: Array<[() => Promise<unknown>, number]> = [
        [() => s.create('/k', enc('0')), 1],
        [() => s.create('/k', enc('dup')), 1],
        [() => s.update('/k', enc('1'), 1), 2],
        [() => s.update('/k', enc('stale'), 1), 2],
        [() => s.update('/missing', enc('x'), 2), 2],
        [() => s.delete('/missing'), 2],
        [() => s.delete('/k', 99), 2],
        [() => s.create('/j', enc('j')), 3],
        [() => s.delete('/k', 2), 4],
      ];
      for (const [op, want] of steps) {
        await op().catch(() => undefined);
        assert.equal(s.currentRevision(), want);
      }
      assert.deepEqual(keysOf((await s.list('')).items), ['/j']);
    });

    t('invalid arguments are InvalidArgument', async (s) => {
      await rejectsWith(s.create('', enc('x')), 'InvalidArgument');
      await rejectsWith(s.create('/a\u0000b', enc('x')), 'InvalidArgument');
      await rejectsWith(s.create('/emoji/\u{1F600}', enc('x')), 'InvalidArgument');
      await rejectsWith(s.create('/a', 'text' as unknown as Uint8Array), 'InvalidArgument');
      await rejectsWith(s.get('/a', -1), 'InvalidArgument');
      await rejectsWith(s.list('/', { limit: -1 }), 'InvalidArgument');
      await rejectsWith(s.list('/', { limit: 1.5 }), 'InvalidArgument');
      assert.equal(s.currentRevision(), 0);
    });

    t('list: by prefix, sorted by key, prefix boundaries', async (s) => {
      for (const k of ['/a/x', '/ab', '/a/b', '/a', '/b', '/a/c/d', '/a/']) await s.create(k, enc(k));
      const r = await s.list('/a/');
      assert.deepEqual(keysOf(r.items), ['/a/', '/a/b', '/a/c/d', '/a/x']);
      assert.equal(r.revision, 7);
      assert.equal(r.continue, undefined);
      assert.equal(r.remainingItemCount, undefined);
      assert.deepEqual(keysOf((await s.list('')).items), ['/a', '/a/', '/a/b', '/a/c/d', '/a/x', '/ab', '/b']);
      assert.deepEqual(keysOf((await s.list('/a')).items), ['/a', '/a/', '/a/b', '/a/c/d', '/a/x', '/ab']);
      assert.deepEqual(keysOf((await s.list('/c')).items), []);
      assert.equal(dec((await s.list('/b')).items[0]!.value), '/b');
    });

    t('list and get at an older revision see a consistent snapshot', async (s) => {
      const a = await s.create('/p/a', enc('a1'));
      await s.create('/p/b', enc('b1'));
      const r = s.currentRevision();
      await s.update('/p/a', enc('a2'), a.modRevision);
      await s.delete('/p/b');
      await s.create('/p/c', enc('c1'));
      const old = await s.list('/p/', { revision: r });
      assert.equal(old.revision, r);
      assert.deepEqual(old.items.map((kv) => `${kv.key}=${dec(kv.value)}@${kv.modRevision}`), ['/p/a=a1@1', '/p/b=b1@2']);
      assert.deepEqual(keysOf((await s.list('/p/')).items), ['/p/a', '/p/c']);
      assert.equal(dec((await s.get('/p/a', r))!.value), 'a1');
      assert.equal(dec((await s.get('/p/b', r))!.value), 'b1');
      assert.equal(await s.get('/p/c', r), undefined);
      assert.equal(await s.get('/p/b'), undefined);
    });

    t('list: limit/continue pages stay at one revision while writes go on', async (s) => {
      for (let i = 0; i < 10; i++) await s.create(`/pg/${i}`, enc(`v${i}`));
      await s.create('/pgz', enc('outside'));
      const first = await s.list('/pg/', { limit: 3 });
      assert.deepEqual(keysOf(first.items), ['/pg/0', '/pg/1', '/pg/2']);
      assert.equal(first.remainingItemCount, 7);
      assert.ok(first.continue);
      const seen = [...first.items];
      let page = first;
      const counts: number[] = [];
      let w = 0;
      while (page.continue !== undefined) {
        // Concurrent churn: updates, deletes and creates inside the listed range.
        await s.update(`/pg/${9 - w}`, enc('changed'), (await s.get(`/pg/${9 - w}`))!.modRevision);
        await s.delete(`/pg/${w}`);
        await s.create(`/pg/${w}-new`, enc('new'));
        w++;
        page = await s.list('/pg/', { limit: 3, continue: page.continue });
        assert.equal(page.revision, first.revision);
        counts.push(page.remainingItemCount ?? 0);
        seen.push(...page.items);
      }
      assert.deepEqual(counts, [4, 1, 0]);
      assert.deepEqual(keysOf(seen), Array.from({ length: 10 }, (_, i) => `/pg/${i}`));
      assert.ok(seen.every((kv, i) => dec(kv.value) === `v${i}`));
      assert.deepEqual(keysOf((await s.list('/pg/', { limit: 10 })).items).length, 10);
    });

    t('list: limit equal to the count gives no continue', async (s) => {
      for (const k of ['/l/a', '/l/b']) await s.create(k, enc(k));
      const r = await s.list('/l/', { limit: 2 });
      assert.equal(r.items.length, 2);
      assert.equal(r.continue, undefined);
      assert.equal(r.remainingItemCount, undefined);
    });

    t('list: bad continue tokens are InvalidArgument', async (s) => {
      for (let i = 0; i < 4; i++) await s.create(`/c/${i}`, enc('x'));
      const page = await s.list('/c/', { limit: 1 });
      assert.ok(page.continue);
      await rejectsWith(s.list('/c/', { continue: 'not a token!' }), 'InvalidArgument');
      await rejectsWith(s.list('/c/', { continue: Buffer.from('{nope').toString('base64url') }), 'InvalidArgument');
      await rejectsWith(s.list('/c/', { continue: Buffer.from('{"v":1}').toString('base64url') }), 'InvalidArgument');
      await rejectsWith(s.list('/d/', { continue: page.continue }), 'InvalidArgument');
      await rejectsWith(s.list('/c/', { continue: page.continue, revision: 1 }), 'InvalidArgument');
      const ok = await s.list('/c/', { continue: page.continue, revision: page.revision });
      assert.deepEqual(keysOf(ok.items), ['/c/1', '/c/2', '/c/3']);
    });

    t('count and FutureRevision', async (s) => {
      for (const k of ['/n/a', '/n/b', '/n/c', '/nn', '/m']) await s.create(k, enc(k));
      await s.delete('/n/b');
      assert.equal(await s.count('/n/'), 2);
      assert.equal(await s.count('/n'), 3);
      assert.equal(await s.count(''), 4);
      assert.equal(await s.count('/zzz'), 0);
      const cur = s.currentRevision();
      await rejectsWith(s.list('/n/', { revision: cur + 1 }), 'FutureRevision');
      await rejectsWith(s.get('/n/a', cur + 1), 'FutureRevision');
      await rejectsWith(s.compact(cur + 1), 'FutureRevision');
    });

    t('concurrent creates of one key: exactly one wins; a failing op does not abort its neighbours', async (s) => {
      const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => s.create('/race', enc(`w${i}`))));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      assert.equal(s.currentRevision(), 1);
      const mixed = await Promise.allSettled([
        s.create('/x', enc('x')),
        s.update('/race', enc('u1'), 1),
        s.update('/race', enc('u2'), 1),
        s.create('/x', enc('dup')),
        s.create('/y', enc('y')),
      ]);
      assert.deepEqual(
        mixed.map((r) => r.status),
        ['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled'],
      );
      const revs = mixed.flatMap((r) => (r.status === 'fulfilled' ? [r.value.modRevision] : []));
      assert.deepEqual(revs, [2, 3, 4]);
      assert.equal(dec((await s.get('/race'))!.value), 'u1');
    });

    t('compaction: reads and watches below it are Compacted; state at and after it is intact', async (s) => {
      const a = await s.create('/z/a', enc('a1')); // 1
      await s.create('/z/b', enc('b1')); // 2
      const a2 = await s.update('/z/a', enc('a2'), a.modRevision); // 3
      await s.delete('/z/b'); // 4
      await s.create('/z/c', enc('c1')); // 5
      const page = await s.list('/z/', { limit: 1, revision: 3 });
      await s.update('/z/a', enc('a3'), a2.modRevision); // 6
      await s.compact(4);
      assert.equal(s.compactedRevision(), 4);
      await rejectsWith(s.get('/z/a', 3), 'Compacted');
      await rejectsWith(s.list('/z/', { revision: 2 }), 'Compacted');
      await rejectsWith(s.list('/z/', { continue: page.continue! }), 'Compacted');
      assert.equal(dec((await s.get('/z/a', 4))!.value), 'a2');
      assert.deepEqual(keysOf((await s.list('/z/', { revision: 4 })).items), ['/z/a']);
      assert.deepEqual(keysOf((await s.list('/z/', { revision: 5 })).items), ['/z/a', '/z/c']);
      assert.deepEqual((await s.list('/z/')).items.map((kv) => dec(kv.value)), ['a3', 'c1']);
      assert.equal(await s.count('/z/'), 2);
      assert.equal((await record(s, '/z/', 3).waitError()).kind, 'Compacted');
      const w = record(s, '/z/', 4);
      await w.waitEvents(2);
      assert.deepEqual(w.events.map(show), ['ADDED /z/c@5=c1', 'MODIFIED /z/a@6=a3']);
      assert.equal(dec(w.events[1]!.prevKv!.value), 'a2');
      w.watcher.close();
      await s.compact(2); // at or below the current cut: nothing to do
      assert.equal(s.compactedRevision(), 4);
      await s.compact(6);
      assert.deepEqual((await s.list('/z/', { revision: 6 })).items.map((kv) => dec(kv.value)), ['a3', 'c1']);
      const again = await s.create('/z/b', enc('b2'));
      assert.equal(again.modRevision, 7);
    });

    t('closed store: every call fails with Closed, watches end with Closed', async (s) => {
      await s.create('/q', enc('q'));
      const live = record(s, '/', undefined);
      await s.close();
      assert.equal((await live.waitError()).kind, 'Closed');
      await rejectsWith(s.get('/q'), 'Closed');
      await rejectsWith(s.list('/'), 'Closed');
      await rejectsWith(s.count('/'), 'Closed');
      await rejectsWith(s.create('/r', enc('r')), 'Closed');
      await rejectsWith(s.update('/q', enc('r'), 1), 'Closed');
      await rejectsWith(s.delete('/q'), 'Closed');
      await rejectsWith(s.compact(1), 'Closed');
      assert.equal((await record(s, '/', 0).waitError()).kind, 'Closed');
      await s.close(); // idempotent
      await settle();
    });

    runWatchConformance(t);
  });
}
