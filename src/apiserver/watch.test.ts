// WATCH over HTTP: event types under selectors, resuming from a resourceVersion, bookmarks
// (driven by a FakeClock), 410 after compaction, Table events, timeoutSeconds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../core/index.js';
import { startTestServer, type TestServer, type WatchEventIn, type WatchStream } from './_test-server.js';

let s: TestServer;
const clock = new FakeClock(Date.UTC(2026, 0, 1));
before(async () => {
  s = await startTestServer({ clock });
  await s.req('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'w' } } });
});
after(() => s.close());

const CMS = '/api/v1/namespaces/w/configmaps';
const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data });

async function create(name: string, labels: Record<string, string> = {}): Promise<{ metadata: { resourceVersion: string; name: string; labels?: Record<string, string> } }> {
  const r = await s.req('POST', CMS, { body: cm(name, labels) });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function relabel(name: string, labels: Record<string, string>): Promise<{ metadata: { resourceVersion: string } }> {
  const r = await s.req('PATCH', `${CMS}/${name}`, { body: { metadata: { labels } }, contentType: 'application/merge-patch+json' });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

const brief = (e: WatchEventIn) => `${e.type} ${e.object?.metadata?.name ?? ''}`;

async function take(w: WatchStream, n: number): Promise<WatchEventIn[]> {
  const out: WatchEventIn[] = [];
  for (let i = 0; i < n; i++) out.push(await w.next());
  return out;
}

describe('watch', () => {
  test('ADDED, MODIFIED, DELETED; objects entering and leaving a label selector', async () => {
    await create('pre', { team: 'x' });
    const w = await s.watch(`${CMS}?watch=true&labelSelector=team%3Dx`);
    assert.equal(w.status, 200);
    assert.match(String(w.headers['content-type']), /^application\/json/);
    // No resourceVersion: the current state first, as ADDED.
    assert.deepEqual((await take(w, 1)).map(brief), ['ADDED pre']);

    await create('in', { team: 'x' });
    await create('out', { team: 'y' }); // never matches: no event
    await relabel('in', { team: 'x', extra: '1' });
    const left = await relabel('in', { team: 'y' });
    await relabel('out', { team: 'x' });
    await s.req('DELETE', `${CMS}/out`);
    await s.req('DELETE', `${CMS}/pre`);
    const evs = await take(w, 6);
    assert.deepEqual(evs.map(brief), ['ADDED in', 'MODIFIED in', 'DELETED in', 'ADDED out', 'DELETED out', 'DELETED pre']);
    // Leaving the selector: a DELETED carrying the last state that matched, at the change's version (as the watch cache does).
    assert.deepEqual(evs[2]!.object.metadata.labels, { team: 'x', extra: '1' });
    assert.equal(evs[2]!.object.metadata.resourceVersion, left.metadata.resourceVersion);
    assert.equal(evs[3]!.object.metadata.labels.team, 'x');
    assert.ok(w.idle());
    w.close();
  });

  test('resuming from a resourceVersion delivers exactly the events after it', async () => {
    const rvs: string[] = [];
    for (let i = 0; i < 6; i++) rvs.push((await create(`r${i}`, { resume: 'yes' })).metadata.resourceVersion);
    const w = await s.watch(`${CMS}?watch=true&labelSelector=resume&resourceVersion=${rvs[2]}`);
    const evs = await take(w, 3);
    assert.deepEqual(evs.map(brief), ['ADDED r3', 'ADDED r4', 'ADDED r5']);
    assert.deepEqual(evs.map((e) => e.object.metadata.resourceVersion), rvs.slice(3));
    // Then live events, still in order and without repeats.
    await relabel('r1', { resume: 'yes', again: '1' });
    await s.req('DELETE', `${CMS}/r4`);
    assert.deepEqual((await take(w, 2)).map(brief), ['MODIFIED r1', 'DELETED r4']);
    assert.ok(w.idle());
    w.close();
  });

  test('a watch on one name (kubectl get NAME -w) via metadata.name', async () => {
    await create('solo');
    const w = await s.watch(`${CMS}?watch=1&fieldSelector=metadata.name%3Dsolo`);
    assert.deepEqual((await take(w, 1)).map(brief), ['ADDED solo']);
    await create('other');
    await relabel('solo', { a: 'b' });
    assert.deepEqual((await take(w, 1)).map(brief), ['MODIFIED solo']);
    w.close();
  });

  test('BOOKMARK events with allowWatchBookmarks, at the latest version seen', async () => {
    const start = (await create('bm0', { bm: 'yes' })).metadata.resourceVersion;
    const w = await s.watch(`${CMS}?watch=true&allowWatchBookmarks=true&labelSelector=bm&resourceVersion=${start}`);
    const added = await create('bm1', { bm: 'yes' });
    assert.deepEqual((await take(w, 1)).map(brief), ['ADDED bm1']);
    // A change the selector filters out still moves the bookmark forward.
    const filtered = await create('bm-other');
    clock.advance(15_000);
    const bm = await w.next();
    assert.equal(bm.type, 'BOOKMARK');
    assert.equal(bm.object.kind, 'ConfigMap');
    assert.equal(bm.object.apiVersion, 'v1');
    assert.equal(bm.object.metadata.resourceVersion, filtered.metadata.resourceVersion);
    assert.ok(Number(filtered.metadata.resourceVersion) > Number(added.metadata.resourceVersion));
    clock.advance(15_000);
    assert.equal((await w.next()).type, 'BOOKMARK');
    w.close();
    // Without the parameter there are none.
    const plain = await s.watch(`${CMS}?watch=true&labelSelector=bm&resourceVersion=${s.store.currentRevision()}`);
    clock.advance(60_000);
    await create('bm2', { bm: 'yes' });
    assert.deepEqual((await take(plain, 1)).map(brief), ['ADDED bm2']);
    plain.close();
  });

  test('sendInitialEvents ends the initial list with an annotated bookmark', async () => {
    await create('ie', { ie: 'yes' });
    const w = await s.watch(`${CMS}?watch=true&labelSelector=ie&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`);
    const [added, bm] = await take(w, 2);
    assert.equal(brief(added!), 'ADDED ie');
    assert.equal(bm!.type, 'BOOKMARK');
    assert.deepEqual(bm!.object.metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
    w.close();
  });

  test('a resourceVersion older than the compaction point yields an ERROR event with 410 Expired', async () => {
    const old = (await create('c0')).metadata.resourceVersion;
    await create('c1');
    const compactAt = s.store.currentRevision();
    await s.store.compact(compactAt);
    const w = await s.watch(`${CMS}?watch=true&resourceVersion=${old}`);
    assert.equal(w.status, 200);
    const ev = await w.next();
    assert.equal(ev.type, 'ERROR');
    assert.deepEqual(ev.object, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `too old resource version: ${old} (${compactAt})`,
      reason: 'Expired',
      code: 410,
    });
    await w.ended;
    assert.ok(w.idle());
    // From the compaction point itself the watch works.
    const ok = await s.watch(`${CMS}?watch=true&labelSelector=after&resourceVersion=${compactAt}`);
    await create('c2', { after: 'yes' });
    assert.deepEqual((await take(ok, 1)).map(brief), ['ADDED c2']);
    ok.close();
  });

  test('Table-format events', async () => {
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
    await create('t0', { tbl: 'yes' });
    const w = await s.watch(`${CMS}?watch=true&labelSelector=tbl`, { accept });
    const first = await w.next();
    assert.equal(first.type, 'ADDED');
    assert.equal(first.object.kind, 'Table');
    assert.equal(first.object.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(first.object.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Data', 'Age']);
    assert.equal(first.object.rows.length, 1);
    assert.equal(first.object.rows[0].cells[0], 't0');
    assert.equal(first.object.rows[0].object.kind, 'PartialObjectMetadata');
    await relabel('t0', { tbl: 'yes', v: '2' });
    const mod = await w.next();
    assert.equal(mod.type, 'MODIFIED');
    assert.equal(mod.object.rows[0].object.metadata.labels.v, '2');
    w.close();
  });

  test('timeoutSeconds ends the stream cleanly, and a closed watch leaves no timers behind', async () => {
    // Every watch the earlier tests closed has let go of its timers (the server hears of a close asynchronously).
    const settled = async () => {
      for (let i = 0; i < 100 && clock.pendingTimers() !== 0; i++) await new Promise((r) => setTimeout(r, 10));
      return clock.pendingTimers();
    };
    const baseline = await settled();
    assert.equal(baseline, 0, 'timers left by closed watches');
    const w = await s.watch(`${CMS}?watch=true&timeoutSeconds=30&resourceVersion=${s.store.currentRevision()}`);
    assert.ok(clock.pendingTimers() > baseline);
    clock.advance(29_000);
    await create('late-enough');
    assert.equal((await w.next()).type, 'ADDED');
    clock.advance(1_000);
    await w.ended;
    assert.ok(w.idle(), 'idle after timeout');
    assert.equal(clock.pendingTimers(), baseline, 'timers after timeout');

    const closed = await s.watch(`${CMS}?watch=true&allowWatchBookmarks=true&resourceVersion=${s.store.currentRevision()}`);
    closed.close();
    assert.equal(await settled(), baseline, 'timers after close');
  });

  test('a resourceVersion from the future yields an ERROR event with 504 Timeout', async () => {
    const cur = s.store.currentRevision();
    const w = await s.watch(`${CMS}?watch=true&resourceVersion=${cur + 50}`);
    const ev = await w.next();
    assert.equal(ev.type, 'ERROR');
    assert.equal(ev.object.code, 504);
    assert.equal(ev.object.reason, 'Timeout');
    assert.equal(ev.object.message, `Timeout: Too large resource version: ${cur + 50}, current: ${cur}`);
    await w.ended;
  });

  test('a malformed resourceVersion yields an ERROR event', async () => {
    const w = await s.watch(`${CMS}?watch=true&resourceVersion=abc`);
    const ev = await w.next();
    assert.equal(ev.type, 'ERROR');
    assert.equal(ev.object.code, 400);
    await w.ended;
  });
});
