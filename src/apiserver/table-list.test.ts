// sendTableList must produce, byte for byte, what the whole-object path produced:
// JSON.stringify({ ...renderTable(resource, decoded objects), metadata }), whichever path each
// row takes (projected stored bytes, cached prepared row, or full decode).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ServerResponse } from 'node:http';
import { printerFor, type KubeObject, type ListMeta } from '../api/index.js';
import type { KeyValue } from '../store/types.js';
import { renderTable } from './adapters.js';
import { RowCache } from './row-cache.js';
import { decodeKv, encodeObject } from './storage.js';
import { sendTableList, tableInclude, type TableInclude, type TableSource } from './table-list.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

/** A ServerResponse stand-in that keeps what is written. */
function capture(): { res: ServerResponse; text: () => Promise<string>; head: () => unknown[] } {
  const chunks: Buffer[] = [];
  let head: unknown[] = [];
  const w = new Writable({
    highWaterMark: 1024,
    write(c: Buffer, _e, cb) {
      chunks.push(Buffer.from(c));
      // Asynchronous, so the writer meets backpressure.
      setImmediate(cb);
    },
  });
  const res = Object.assign(w, { writeHead: (...a: unknown[]) => ((head = a), res) }) as unknown as ServerResponse;
  return { res, text: async () => (await finished(w), Buffer.concat(chunks).toString('utf8')), head: () => head };
}

async function render(resource: string, include: TableInclude, source: TableSource, cache?: RowCache, metadata: ListMeta = { resourceVersion: '99' }): Promise<string> {
  const c = capture();
  await sendTableList(c.res, { printer: printerFor(resource), include, nowMs: NOW, metadata, contentType: 'application/json;as=Table;v=v1;g=meta.k8s.io', ...(cache ? { cache } : {}) }, source);
  assert.deepEqual(c.head(), [200, { 'Content-Type': 'application/json;as=Table;v=v1;g=meta.k8s.io', 'Cache-Control': 'no-cache, private' }]);
  return await c.text();
}

function expected(resource: string, include: TableInclude, kvs: readonly KeyValue[], metadata: ListMeta = { resourceVersion: '99' }): string {
  const table = renderTable(resource, kvs.map((kv) => decodeKv(kv)), include, new Date(NOW));
  return JSON.stringify({ ...table, metadata });
}

let rev = 100;
function kvOf(obj: KubeObject | string): KeyValue {
  const value = typeof obj === 'string' ? Buffer.from(obj) : encodeObject(obj);
  const name = typeof obj === 'string' ? `raw-${rev}` : obj.metadata.name;
  return { key: `/registry/core/pods/ns/${name}`, value, createRevision: 1, modRevision: ++rev };
}

function pod(name: string, extra: { phase?: string; restarts?: number; labels?: Record<string, string>; deleting?: boolean } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'ns',
      uid: `uid-${name}`,
      creationTimestamp: '2024-05-01T10:00:00Z',
      labels: extra.labels ?? { app: 'web', 'é"\\': 'v\n' },
      ...(extra.deleting === true ? { deletionTimestamp: '2024-05-01T11:59:00Z' } : {}),
      managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': {} } }],
    },
    spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'img', ports: [{ containerPort: 80 }] }] },
    status: {
      phase: extra.phase ?? 'Running',
      podIP: '10.0.0.1',
      podIPs: [{ ip: '10.0.0.1' }],
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'web', ready: true, restartCount: extra.restarts ?? 0, image: 'img', imageID: '', state: { running: {} }, ...(extra.restarts ? { lastState: { terminated: { exitCode: 1, finishedAt: '2024-05-01T11:50:00Z' } } } : {}) }],
    },
  } as unknown as KubeObject;
}

const PODS = (): KeyValue[] => [
  kvOf(pod('a')),
  kvOf(pod('b', { phase: 'Succeeded' })),
  kvOf(pod('c', { restarts: 4, deleting: true })),
  kvOf(pod('d', { labels: {} })),
  // Empty metadata, metadata first or not: all stored JSON encodeObject could have written.
  kvOf('{"apiVersion":"v1","kind":"Pod","metadata":{}}'),
  kvOf('{"spec":{"nodeName":"n"},"metadata":{"name":"late","labels":{"metadata":"{"}},"kind":"Pod","apiVersion":"v1"}'),
  // Breaks encodeObject's invariant (a stored resourceVersion): the slow path overwrites it.
  kvOf('{"apiVersion":"v1","kind":"Pod","metadata":{"name":"rv","resourceVersion":"1","uid":"x"}}'),
  kvOf('{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ok"},"spec":null,"status":null}'),
];

describe('sendTableList', () => {
  for (const include of ['Metadata', 'Object', 'None'] as const) {
    test(`pods from stored bytes, includeObject=${include}, equal the whole-object Table (cold and cached)`, async () => {
      const kvs = PODS();
      const cache = new RowCache();
      const want = expected('pods', include, kvs);
      // Compare the parsed form too, so a failure shows a readable diff.
      const cold = await render('pods', include, { kvs }, cache);
      assert.deepEqual(JSON.parse(cold), JSON.parse(want));
      assert.equal(cold, want);
      assert.ok(cache.size >= 7, `cache holds ${cache.size}`);
      assert.equal(await render('pods', include, { kvs }, cache), want);
      assert.equal(await render('pods', include, { kvs }), want);
    });
  }

  test('stored JSON with whitespace gives the same Table, as JSON (its metadata is copied as stored)', async () => {
    const kvs = [kvOf('{ "apiVersion" : "v1", "kind":"Pod", "metadata" : { "name" : "spaced" } , "status":{"phase":"Pending"} }'), kvOf('{"kind":"Pod","metadata":{ }}')];
    for (const include of ['Metadata', 'Object'] as const) assert.deepEqual(JSON.parse(await render('pods', include, { kvs })), JSON.parse(expected('pods', include, kvs)));
  });

  test('a changed object is printed anew, not from the cache', async () => {
    const cache = new RowCache();
    const before = kvOf(pod('x'));
    await render('pods', 'Metadata', { kvs: [before] }, cache);
    const after = { ...kvOf(pod('x', { phase: 'Failed', restarts: 2 })), key: before.key };
    const got = JSON.parse(await render('pods', 'Metadata', { kvs: [after] }, cache)) as { rows: { cells: string[]; object: { metadata: { resourceVersion: string } } }[] };
    assert.equal(got.rows[0]!.cells[2], 'Failed');
    assert.equal(got.rows[0]!.object.metadata.resourceVersion, String(after.modRevision));
  });

  test('printers without declared fields, decoded objects, no rows, list metadata', async () => {
    const svc = kvOf({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'ns' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.9', ports: [{ port: 80 }] } } as unknown as KubeObject);
    const meta = { resourceVersion: '7', continue: 'tok', remainingItemCount: 3 };
    assert.equal(await render('services', 'Metadata', { kvs: [svc] }, new RowCache(), meta), expected('services', 'Metadata', [svc], meta));
    assert.equal(await render('widgets', 'Object', { kvs: [svc] }), expected('widgets', 'Object', [svc]));
    const kvs = PODS();
    assert.equal(await render('pods', 'Metadata', { objects: kvs.map((kv) => decodeKv(kv)) }), expected('pods', 'Metadata', kvs));
    assert.equal(await render('pods', 'Metadata', { kvs: [] }), expected('pods', 'Metadata', []));
  });

  test('rows bigger than a chunk', async () => {
    const big = pod('big');
    (big.metadata as { annotations?: Record<string, string> }).annotations = { blob: 'é'.repeat(400_000) };
    const kvs = [kvOf(pod('a')), kvOf(big), kvOf(pod('c'))];
    for (const include of ['Metadata', 'Object'] as const) assert.equal(await render('pods', include, { kvs }, new RowCache()), expected('pods', include, kvs));
  });

  test('a stored value that is not JSON aborts the response', async () => {
    const c = capture();
    const kvs = [kvOf(pod('a')), kvOf('{"metadata":{"name":')];
    await assert.rejects(sendTableList(c.res, { printer: printerFor('pods'), include: 'Metadata', nowMs: NOW, metadata: {}, contentType: 'application/json' }, { kvs }), SyntaxError);
    assert.equal(c.res.destroyed, true);
  });

  test('includeObject values as renderTable reads them', () => {
    assert.equal(tableInclude('None'), 'None');
    assert.equal(tableInclude('Object'), 'Object');
    assert.equal(tableInclude('Metadata'), 'Metadata');
    assert.equal(tableInclude('bogus'), 'Metadata');
  });
});

describe('RowCache', () => {
  test('hits only the same key, revision and printer stage; evicts oldest-written first', () => {
    const c = new RowCache(2);
    const by = {};
    const facts = { prepared: 1, metaStart: 0, metaClose: 1, metaEmpty: false };
    c.set('a', 1, by, facts);
    c.set('b', 1, by, facts);
    assert.equal(c.get('a', 1, by)?.prepared, 1);
    assert.equal(c.get('a', 2, by), undefined);
    assert.equal(c.get('a', 1, {}), undefined);
    c.set('c', 1, by, facts);
    assert.equal(c.size, 2);
    assert.equal(c.get('a', 1, by), undefined);
    assert.ok(c.get('c', 1, by) !== undefined);
    const off = new RowCache(0);
    off.set('a', 1, by, facts);
    assert.equal(off.size, 0);
  });
});
