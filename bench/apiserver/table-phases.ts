// Server-side cost of a Table list of many pods, without HTTP: the old whole-object path
// (decode every pod, toTable, one JSON.stringify) against sendTableList from stored bytes.
// Run: node --import tsx bench/apiserver/table-phases.ts [--n=100000] [--only=new|old]
import { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import type { ServerResponse } from 'node:http';
import { printerFor } from '../../src/api/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { renderTable } from '../../src/apiserver/adapters.js';
import { decodeKv, encodeObject, objectKey } from '../../src/apiserver/storage.js';
import { RowCache } from '../../src/apiserver/row-cache.js';
import { sendTableList } from '../../src/apiserver/table-list.js';
import { podObject } from './pod-fixture.js';

const N = Number(process.argv.find((a) => a.startsWith('--n='))?.slice(4) ?? 100_000);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const KS = { group: '', resource: 'pods', namespaced: true } as const;
const store = new MemoryStore();
for (let i = 0; i < N; i++) {
  const ns = `ns-${i % 20}`;
  const o = podObject(ns, i);
  await store.create(objectKey(KS, ns, (o['metadata'] as { name: string }).name), encodeObject(o as never));
}

/** A ServerResponse stand-in that counts bytes. */
function sink(): { res: ServerResponse; bytes: () => number } {
  let n = 0;
  const w = new Writable({ highWaterMark: 1 << 20, write(c: Buffer, _e, cb) { n += c.length; cb(); } });
  const res = Object.assign(w, { writeHead: () => res, headersSent: false }) as unknown as ServerResponse;
  return { res, bytes: () => n };
}

const now = Date.now();
const cache = new RowCache(Number(process.env.CACHE ?? 200000));
for (let r = 0; r < 3; r++) {
  const line: string[] = [];
  if (only !== 'new') {
    const t0 = performance.now();
    const page = await store.list('/registry/core/pods/');
    const items = page.items.map((kv) => decodeKv(kv));
    const t1 = performance.now();
    const table = renderTable('pods', items, 'Metadata', new Date(now));
    const text = JSON.stringify({ ...table, metadata: { resourceVersion: String(page.revision) } });
    const t2 = performance.now();
    line.push(`old: decode ${(t1 - t0).toFixed(0)} ms, table+stringify ${(t2 - t1).toFixed(0)} ms, total ${(t2 - t0).toFixed(0)} ms (${(text.length / 1e6).toFixed(1)} MB)`);
  }
  if (only !== 'old') {
    const t0 = performance.now();
    const page = await store.list('/registry/core/pods/');
    const s = sink();
    await sendTableList(s.res, { printer: printerFor('pods'), include: 'Metadata', nowMs: now, metadata: { resourceVersion: String(page.revision) }, contentType: 'application/json', cache }, { kvs: page.items });
    line.push(`new (${r === 0 ? 'cold' : 'cached'}): total ${(performance.now() - t0).toFixed(0)} ms (${(s.bytes() / 1e6).toFixed(1)} MB)`);
  }
  globalThis.gc?.();
  line.push(`heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB, cache ${cache.size}`);
  console.log(line.join(' | '));
}
