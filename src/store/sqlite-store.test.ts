import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SqliteStore } from './sqlite-store.js';
import { runStoreConformance } from './store.conformance.js';
import { dec, enc, record, rejectsWith } from './store-test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'svcnet-sqlite-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tempPath = (): string => join(dir, `store-${n++}.db`);

runStoreConformance('SqliteStore :memory:', () => SqliteStore.open(':memory:'));
runStoreConformance('SqliteStore file', () => SqliteStore.open(tempPath()));

describe('SqliteStore file specifics', () => {
  test('reopening keeps data, revision, compaction point, and continues numbering', async () => {
    const path = tempPath();
    const s1 = SqliteStore.open(path);
    const a = await s1.create('/r/a', enc('a1'));
    await s1.create('/r/b', enc('b1'));
    await s1.update('/r/a', enc('a2'), a.modRevision);
    await s1.delete('/r/b');
    await s1.compact(2);
    await s1.close();

    const s2 = SqliteStore.open(path);
    try {
      assert.equal(s2.currentRevision(), 4);
      assert.equal(s2.compactedRevision(), 2);
      const got = await s2.get('/r/a');
      assert.deepEqual([dec(got!.value), got!.createRevision, got!.modRevision], ['a2', 1, 3]);
      assert.equal(await s2.get('/r/b'), undefined);
      assert.equal(dec((await s2.get('/r/b', 2))!.value), 'b1');
      await rejectsWith(s2.get('/r/a', 1), 'Compacted');
      const w = record(s2, '/r/', 2);
      await w.waitEvents(2);
      assert.deepEqual(w.events.map((e) => `${e.type}@${e.revision}`), ['MODIFIED@3', 'DELETED@4']);
      assert.equal(dec(w.events[1]!.kv.value), 'b1');
      const c = await s2.create('/r/c', enc('c'));
      assert.equal(c.modRevision, 5);
      w.watcher.close();
    } finally {
      await s2.close();
    }
  });

  test('a compaction that removes the newest row (a tombstone) does not rewind the revision', async () => {
    const path = tempPath();
    const s1 = SqliteStore.open(path);
    await s1.create('/t', enc('t'));
    await s1.delete('/t');
    await s1.compact(2);
    await s1.close();
    const s2 = SqliteStore.open(path);
    try {
      assert.equal(s2.currentRevision(), 2);
      assert.equal((await s2.create('/t', enc('again'))).modRevision, 3);
    } finally {
      await s2.close();
    }
  });

  test('a second open of the same file is refused while the first is open', async () => {
    const path = tempPath();
    const s1 = SqliteStore.open(path);
    try {
      await s1.create('/x', enc('x'));
      assert.throws(() => SqliteStore.open(path), (e: unknown) => e instanceof Error && /locked|busy/i.test(e.message));
    } finally {
      await s1.close();
    }
    const s3 = SqliteStore.open(path);
    assert.equal(s3.currentRevision(), 1);
    await s3.close();
  });

  test('mutations issued in one tick share one group commit; failures stay their own', async () => {
    const batches: string[] = [];
    const s = SqliteStore.open(tempPath(), {
      onCommit: (b) => batches.push(`${b.firstRevision}..${b.lastRevision}/${b.mutations}`),
    });
    try {
      const results = await Promise.allSettled([
        s.create('/g/1', enc('1')),
        s.create('/g/2', enc('2')),
        s.create('/g/1', enc('dup')),
        s.update('/g/2', enc('2b'), 2),
        s.delete('/g/1', 1),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      assert.deepEqual(batches, ['1..4/5']);
      await s.create('/g/3', enc('3'));
      assert.deepEqual(batches, ['1..4/5', '5..5/1']);
    } finally {
      await s.close();
    }
  });

  test('writes queued before close still commit and resolve', async () => {
    const path = tempPath();
    const s1 = SqliteStore.open(path);
    const writes = Array.from({ length: 10 }, (_, i) => s1.create(`/q/${i}`, enc(String(i))));
    await s1.close();
    assert.equal((await Promise.all(writes)).length, 10);
    const s2 = SqliteStore.open(path);
    assert.equal(await s2.count('/q/'), 10);
    await s2.close();
  });
});
