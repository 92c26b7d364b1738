import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from '../api/index.js';
import { FakeClock } from '../core/index.js';
import { FakeApiServer } from './_fake-api-server.js';
import { Informer, type InformerHandler } from './informer.js';
import { InformerFactory } from './informer-factory.js';
import { Resources } from './resource-ref.js';
import { RestClient } from './rest-client.js';

function pod(name: string, node = '', labels: Record<string, string> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'ns1', name, labels }, spec: { containers: [{ name: 'c', image: 'x' }], ...(node !== '' ? { nodeName: node } : {}) } };
}

function waitFor(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() > until) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 2);
    };
    tick();
  });
}

/** Handler that logs "add a", "update a", "delete a", "delete a (unknown)". */
function recorder(): { log: string[]; handler: InformerHandler<Pod> } {
  const log: string[] = [];
  return {
    log,
    handler: {
      onAdd: (p) => log.push(`add ${p.metadata.name}`),
      onUpdate: (o, n) => log.push(o === n ? `resync ${n.metadata.name}` : `update ${n.metadata.name} ${o.metadata.resourceVersion}->${n.metadata.resourceVersion}`),
      onDelete: (p, info) => log.push(`delete ${p.metadata.name}${info.finalStateUnknown ? ' (unknown)' : ''}`),
    },
  };
}

async function setup(mode: 'network' | 'in-process' = 'in-process') {
  const server = new FakeApiServer(Resources.pods, 'Pod');
  const client = mode === 'network' ? new RestClient({ server: await server.listen() }) : new RestClient({ handler: server.handler });
  const informers: Informer<Pod, unknown>[] = [];
  return {
    server,
    client,
    track<P>(i: Informer<Pod, P>): Informer<Pod, P> {
      informers.push(i as unknown as Informer<Pod, unknown>);
      return i;
    },
    async close() {
      for (const i of informers) i.stop();
      client.close();
      await server.close();
    },
  };
}

const fastBackoff = { initialMs: 5, maxMs: 50, random: () => 0 };

const names = (inf: Informer<Pod, Pod>) => inf.list().map((p) => p.metadata.name).sort();

for (const mode of ['network', 'in-process'] as const) {
  test(`${mode}: pages the list, watches from its resourceVersion, converges through add/update/delete`, async () => {
    const env = await setup(mode);
    try {
      for (const n of ['a', 'b', 'c', 'd', 'e']) env.server.put(pod(n));
      const listRV = env.server.resourceVersion;
      const inf = env.track(new Informer<Pod>({ client: env.client, resource: Resources.pods, namespace: 'ns1', pageSize: 2, backoff: fastBackoff }));
      const rec = recorder();
      inf.addHandler(rec.handler);
      inf.start();
      await inf.hasSynced();
      assert.ok(inf.synced);
      assert.deepEqual(rec.log, ['add a', 'add b', 'add c', 'add d', 'add e']);
      const lists = env.server.lists();
      assert.equal(lists.length, 3);
      assert.deepEqual(lists.map((l) => l.query.get('limit')), ['2', '2', '2']);
      assert.equal(lists[0]!.query.get('continue'), null);
      assert.ok(lists[1]!.query.get('continue'));
      assert.equal(lists[0]!.path, '/api/v1/namespaces/ns1/pods');

      await waitFor(() => env.server.openWatches === 1, 'watch');
      const w = env.server.watches()[0]!;
      assert.equal(w.query.get('resourceVersion'), listRV);
      assert.equal(w.query.get('allowWatchBookmarks'), 'true');
      assert.ok(Number(w.query.get('timeoutSeconds')) >= 300);

      rec.log.length = 0;
      const oldA = inf.getByName('ns1', 'a')!.metadata.resourceVersion;
      env.server.put(pod('f'));
      const newA = env.server.put(pod('a', 'node1')).metadata.resourceVersion;
      env.server.remove('ns1', 'b');
      await waitFor(() => rec.log.length === 3, 'three events');
      assert.deepEqual(rec.log, ['add f', `update a ${oldA}->${newA}`, 'delete b']);
      assert.deepEqual(names(inf), ['a', 'c', 'd', 'e', 'f']);
      assert.equal(inf.get('ns1/a')?.spec?.nodeName, 'node1');
      assert.equal(inf.lastSyncResourceVersion, env.server.resourceVersion);
    } finally {
      await env.close();
    }
  });
}

describe('Informer recovery', () => {
  test('re-watches from the last seen resourceVersion when a watch ends; bookmarks advance it', async () => {
    const env = await setup();
    try {
      env.server.put(pod('a'));
      const inf = env.track(new Informer<Pod>({ client: env.client, resource: Resources.pods, backoff: fastBackoff }));
      const rec = recorder();
      inf.addHandler(rec.handler);
      inf.start();
      await inf.hasSynced();
      await waitFor(() => env.server.openWatches === 1, 'watch');
      env.server.put(pod('b'));
      await waitFor(() => rec.log.length === 2, 'add b');
      env.server.bumpRV(7); // writes to other resources
      env.server.bookmark();
      await waitFor(() => inf.lastSyncResourceVersion === env.server.resourceVersion, 'bookmark');
      const bookmarkRV = env.server.resourceVersion;
      env.server.closeWatches();
      await waitFor(() => env.server.watches().length === 2 && env.server.openWatches === 1, 're-watch');
      assert.equal(env.server.watches()[1]!.query.get('resourceVersion'), bookmarkRV);
      // Changes made while the informer was between watches arrive through history replay.
      env.server.closeWatches();
      env.server.put(pod('c'));
      await waitFor(() => rec.log.length === 3, 'add c after reconnect');
      assert.deepEqual(rec.log, ['add a', 'add b', 'add c']);
      assert.equal(env.server.lists().length, 1, 'never relisted');
    } finally {
      await env.close();
    }
  });

  for (const goneMode of ['event', 'http'] as const) {
    test(`410 (${goneMode === 'event' ? 'ERROR event' : 'HTTP answer'}): relists and emits the difference`, async () => {
      const env = await setup();
      try {
        for (const n of ['a', 'b', 'c']) env.server.put(pod(n));
        const inf = env.track(new Informer<Pod>({ client: env.client, resource: Resources.pods, backoff: fastBackoff }));
        const rec = recorder();
        inf.addHandler(rec.handler);
        inf.start();
        await inf.hasSynced();
        await waitFor(() => env.server.openWatches === 1, 'watch');
        rec.log.length = 0;
        const oldB = inf.getByName('ns1', 'b')!.metadata.resourceVersion;
        // Changes the watch never reports, then history is compacted past the informer's version.
        env.server.remove('ns1', 'a', true);
        const newB = env.server.put(pod('b', 'n9'), true).metadata.resourceVersion;
        env.server.put(pod('d'), true);
        env.server.goneMode = goneMode;
        if (goneMode === 'event') env.server.expireWatches();
        else {
          env.server.compact();
          env.server.closeWatches();
        }
        await waitFor(() => env.server.lists().length === 2 && rec.log.length === 3, 'relist');
        assert.deepEqual(rec.log, [`update b ${oldB}->${newB}`, 'add d', 'delete a (unknown)']);
        assert.deepEqual(names(inf), ['b', 'c', 'd']);
        await waitFor(() => env.server.openWatches === 1, 'watch after relist');
        assert.equal(env.server.watches().at(-1)!.query.get('resourceVersion'), env.server.resourceVersion);
        env.server.put(pod('e'));
        await waitFor(() => rec.log.length === 4, 'live again');
        assert.equal(rec.log[3], 'add e');
      } finally {
        await env.close();
      }
    });
  }

  test('list failures retry with jittered exponential backoff on the injected clock', async () => {
    const env = await setup();
    try {
      env.server.put(pod('a'));
      env.server.failLists = 2;
      const clock = new FakeClock();
      const inf = env.track(new Informer<Pod>({ client: env.client, resource: Resources.pods, clock, random: () => 0 }));
      inf.start();
      await waitFor(() => env.server.lists().length === 1 && clock.pendingTimers() === 1, 'first failure');
      clock.advance(799);
      await new Promise((r) => setTimeout(r, 10));
      assert.equal(env.server.lists().length, 1, 'waits 800 ms');
      clock.advance(1);
      await waitFor(() => env.server.lists().length === 2 && clock.pendingTimers() === 1, 'second failure');
      clock.advance(1599);
      await new Promise((r) => setTimeout(r, 10));
      assert.equal(env.server.lists().length, 2, 'then 1600 ms');
      assert.equal(inf.synced, false);
      clock.advance(1);
      await inf.hasSynced();
      assert.deepEqual(names(inf), ['a']);
    } finally {
      await env.close();
    }
  });

  test('resync re-delivers every cached object as an update', async () => {
    const env = await setup();
    try {
      env.server.put(pod('a'));
      env.server.put(pod('b'));
      const clock = new FakeClock();
      const inf = env.track(new Informer<Pod>({ client: env.client, resource: Resources.pods, clock, resyncMs: 60_000 }));
      const rec = recorder();
      inf.addHandler(rec.handler);
      inf.start();
      await inf.hasSynced();
      clock.advance(59_999);
      assert.equal(rec.log.length, 2);
      clock.advance(1);
      assert.deepEqual(rec.log.slice(2), ['resync a', 'resync b']);
      clock.advance(60_000);
      assert.equal(rec.log.length, 6);
    } finally {
      await env.close();
    }
  });

  test('stop(): no handler calls afterwards and the watch connection is closed', async () => {
    const env = await setup('network');
    try {
      const inf = env.track(new Informer<Pod>({ client: env.client, resource: Resources.pods }));
      const rec = recorder();
      inf.addHandler(rec.handler);
      inf.start();
      await inf.hasSynced();
      await waitFor(() => env.server.openWatches === 1, 'watch');
      inf.stop();
      await waitFor(() => env.server.openWatches === 0, 'watch closed');
      env.server.put(pod('late'));
      await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(rec.log, []);
    } finally {
      await env.close();
    }
  });
});

describe('projections and indexes', () => {
  interface PodInfo {
    readonly name: string;
    readonly node: string;
    readonly app: string;
  }
  const project = (p: Pod): PodInfo => ({ name: p.metadata.name ?? '', node: p.spec?.nodeName ?? '', app: p.metadata.labels?.['app'] ?? '' });

  test('the cache holds projections; byIndex follows updates; late handlers get the current state', async () => {
    const env = await setup();
    try {
      env.server.put(pod('a', 'n1', { app: 'web' }));
      env.server.put(pod('b', 'n1', { app: 'db' }));
      env.server.put(pod('c', '', { app: 'web' }));
      const inf = env.track(
        new Informer<Pod, PodInfo>({
          client: env.client,
          resource: Resources.pods,
          transform: project,
          indexers: { byNode: (p) => (p.node === '' ? [] : [p.node]) },
        }),
      );
      inf.start();
      await inf.hasSynced();
      assert.deepEqual(inf.get('ns1/a'), { name: 'a', node: 'n1', app: 'web' });
      assert.deepEqual(inf.byIndex('byNode', 'n1').map((p) => p.name).sort(), ['a', 'b']);
      inf.addIndexers({ byApp: (p) => [p.app] });
      assert.deepEqual(inf.byIndex('byApp', 'web').map((p) => p.name).sort(), ['a', 'c']);

      const deleted: PodInfo[] = [];
      const added: string[] = [];
      inf.addHandler({ onAdd: (p) => added.push(p.name), onDelete: (p) => deleted.push(p) });
      assert.deepEqual(added.sort(), ['a', 'b', 'c'], 'replayed on registration');

      await waitFor(() => env.server.openWatches === 1, 'watch');
      env.server.put(pod('a', 'n2', { app: 'web' }));
      env.server.put(pod('c', 'n2', { app: 'web' }));
      env.server.remove('ns1', 'b');
      await waitFor(() => deleted.length === 1, 'delete b');
      assert.deepEqual(deleted[0], { name: 'b', node: 'n1', app: 'db' });
      assert.deepEqual(inf.byIndex('byNode', 'n1'), []);
      assert.deepEqual(inf.byIndex('byNode', 'n2').map((p) => p.name).sort(), ['a', 'c']);
    } finally {
      await env.close();
    }
  });

  test('InformerFactory shares one informer (and one watch) per resource, scope and projection', async () => {
    const env = await setup();
    try {
      env.server.put(pod('a', 'n1'));
      const factory = new InformerFactory({ client: env.client });
      const i1 = factory.informer<Pod>(Resources.pods);
      const i2 = factory.informer<Pod>(Resources.pods, { indexers: { byNode: (p) => [p.spec?.nodeName ?? ''] } });
      const i3 = factory.informer<Pod, PodInfo>(Resources.pods, { transform: project });
      const i4 = factory.informer<Pod>(Resources.pods, { namespace: 'ns1' });
      assert.equal(i1, i2);
      assert.notEqual(i1 as unknown, i3 as unknown);
      assert.notEqual(i1, i4);
      assert.equal(factory.informer<Pod, PodInfo>(Resources.pods, { transform: project }), i3);
      factory.start();
      await factory.waitForSync();
      assert.equal(i2.byIndex('byNode', 'n1').length, 1);
      await waitFor(() => env.server.openWatches === 3, 'three watches');
      factory.stop();
      await waitFor(() => env.server.openWatches === 0, 'watches closed');
    } finally {
      await env.close();
    }
  });
});
