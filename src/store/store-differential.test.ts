// Differential test: one random workload against every backend; every answer (values,
// revisions, error kinds, pages, watch streams) must be identical across them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStore } from './memory-store.js';
import { SqliteStore } from './sqlite-store.js';
import { dec, enc, record, type Recorder } from './store-test-helpers.js';
import { StoreError, type KeyValue, type ListOptions, type Store, type WatchEvent } from './types.js';

const norm = (kv: KeyValue | undefined): string =>
  kv === undefined ? '-' : `${kv.key}=${dec(kv.value)}@${kv.createRevision}/${kv.modRevision}`;
const normEvent = (e: WatchEvent): string => `${e.type}@${e.revision} ${norm(e.kv)} prev ${norm(e.prevKv)}`;

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    const v = await p;
    if (v === undefined) return 'ok -';
    if (typeof v === 'object' && v !== null && 'items' in v) {
      const r = v as { items: KeyValue[]; revision: number; remainingItemCount?: number; continue?: string };
      return `list@${r.revision} [${r.items.map(norm).join(' ')}] rem ${r.remainingItemCount ?? '-'} more ${r.continue !== undefined}`;
    }
    return `ok ${typeof v === 'number' ? v : norm(v as KeyValue)}`;
  } catch (e) {
    return e instanceof StoreError ? `err ${e.kind}` : `throw ${String(e)}`;
  }
}

/** All pages of a list, following continue tokens; errors become their kind. */
async function listAll(s: Store, prefix: string, revision: number, limit: number): Promise<string> {
  const pages: string[] = [];
  let opts: ListOptions = { revision, limit };
  for (;;) {
    try {
      const r = await s.list(prefix, opts);
      pages.push(await outcome(Promise.resolve(r)));
      if (r.continue === undefined) break;
      opts = { limit, continue: r.continue };
    } catch (e) {
      pages.push(e instanceof StoreError ? `err ${e.kind}` : String(e));
      break;
    }
  }
  return pages.join(' | ');
}

function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
}

test('memory and sqlite backends answer a random workload identically', async () => {
  const stores: Store[] = [new MemoryStore(), SqliteStore.open(':memory:')];
  const watches: Recorder[][] = stores.map(() => []);
  const seen: string[] = [];
  const rand = rng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const keys = ['/a/1', '/a/2', '/a/3', '/ab', '/b/1', '/b/2', '/c'];
  const prefixes = ['', '/a/', '/a', '/b/', '/x'];
  try {
    for (let step = 0; step < 800; step++) {
      // Every random choice is drawn before the op runs, so all stores see the same op.
      const s0 = stores[0] as Store;
      const cur = s0.currentRevision();
      const comp = s0.compactedRevision();
      const key = pick(keys);
      const mod = (await s0.get(key))?.modRevision ?? 0;
      const guess = rand() < 0.7 ? mod : Math.floor(rand() * (cur + 2));
      const anyRev = Math.floor(rand() * (cur + 3));
      const casDelete = rand() < 0.5;
      const compactTo = comp + Math.floor(rand() * (cur - comp + 1));
      const prefix = pick(prefixes);
      const limit = Math.floor(rand() * 4);
      const r = rand();
      const run = async (s: Store, i: number): Promise<string> => {
        if (r < 0.25) return outcome(s.create(key, enc(`c${step}`)));
        if (r < 0.45) return outcome(s.update(key, enc(`u${step}`), guess));
        if (r < 0.55) return outcome(s.delete(key, casDelete ? guess : undefined));
        if (r < 0.57) return outcome(s.compact(compactTo));
        if (r < 0.7) return outcome(s.get(key, anyRev));
        if (r < 0.75) return outcome(s.count(prefix));
        if (r < 0.9) return listAll(s, prefix, anyRev, limit);
        (watches[i] as Recorder[]).push(record(s, prefix, anyRev));
        return 'watch';
      };
      const outs: string[] = [];
      for (const [i, s] of stores.entries()) outs.push(await run(s, i));
      assert.equal(outs[1], outs[0], `step ${step}`);
      seen.push(outs[0] as string);
    }
    for (const want of ['err AlreadyExists', 'err Conflict', 'err NotFound', 'err Compacted', 'err FutureRevision', 'more true']) {
      assert.ok(seen.some((o) => o.includes(want)), `workload never produced "${want}"`);
    }
    const rev = (stores[0] as Store).currentRevision();
    assert.ok(rev > 150, `workload too tame: ${rev} revisions`);
    await new Promise((r) => setTimeout(r, 20)); // let watch deliveries drain
    const streams = watches.map((list) => list.map((w) => [...w.events.map(normEvent), ...w.errors.map((e) => e.kind)].join('\n')));
    assert.deepEqual(streams[1], streams[0]);
    assert.ok(streams[0]!.some((s) => s.includes('DELETED')) && streams[0]!.some((s) => s.includes('Compacted')));
  } finally {
    for (const list of watches) for (const w of list) w.watcher.close();
    for (const s of stores) await s.close();
  }
});
