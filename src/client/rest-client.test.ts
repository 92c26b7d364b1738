import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { KubeObject, Pod, Status } from '../api/index.js';
import { ApiStatusError, TransportError, isAlreadyExists, isConflict, isNotFound } from './api-error.js';
import { FakeApiServer } from './_fake-api-server.js';
import { Resources, resourcePath } from './resource-ref.js';
import { RestClient, type WatchEnd } from './rest-client.js';
import type { WatchEvent } from './watch-decoder.js';

function pod(ns: string, name: string, labels: Record<string, string> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name, labels }, spec: { containers: [{ name: 'c', image: 'x' }] } };
}

function waitFor(cond: () => boolean, what: string, ms = 2000): Promise<void> {
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

type Mode = 'network' | 'in-process';

async function setup(mode: Mode, opts: { timeoutMs?: number } = {}): Promise<{ server: FakeApiServer; client: RestClient; close(): Promise<void> }> {
  const server = new FakeApiServer(Resources.pods, 'Pod');
  const common = { token: 'secret', ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}) };
  const client = mode === 'network' ? new RestClient({ server: await server.listen(), ...common }) : new RestClient({ handler: server.handler, ...common });
  return {
    server,
    client,
    async close() {
      client.close();
      await server.close();
    },
  };
}

describe('resourcePath', () => {
  const cases: [string, Parameters<typeof resourcePath>, string][] = [
    ['core, namespaced list', [Resources.pods, { namespace: 'ns1' }], '/api/v1/namespaces/ns1/pods'],
    ['core, all namespaces', [Resources.pods, {}], '/api/v1/pods'],
    ['core, subresource', [Resources.pods, { namespace: 'ns1', name: 'p', subresource: 'status' }], '/api/v1/namespaces/ns1/pods/p/status'],
    ['cluster-scoped', [Resources.nodes, { name: 'n1' }], '/api/v1/nodes/n1'],
    ['namespaces resource', [Resources.namespaces, { name: 'demo' }], '/api/v1/namespaces/demo'],
    ['named group', [Resources.endpointslices, { namespace: 'd', name: 'e-1' }], '/apis/discovery.k8s.io/v1/namespaces/d/endpointslices/e-1'],
    ['apps', [Resources.deployments, {}], '/apis/apps/v1/deployments'],
    ['encodes segments', [Resources.pods, { namespace: 'a', name: 'x/../y' }], '/api/v1/namespaces/a/pods/x%2F..%2Fy'],
  ];
  for (const [name, args, want] of cases) test(name, () => assert.equal(resourcePath(...args), want));
  test('rejects empty names and subresources without a name', () => {
    assert.throws(() => resourcePath(Resources.pods, { namespace: 'a', name: '' }));
    assert.throws(() => resourcePath(Resources.pods, { namespace: 'a', subresource: 'status' }));
  });
});

for (const mode of ['network', 'in-process'] as const) {
  describe(`RestClient over ${mode}`, () => {
    test('CRUD, typed errors and request shapes', async () => {
      const { server, client, close } = await setup(mode);
      try {
        const created = await client.create(Resources.pods, 'ns1', pod('ns1', 'a', { app: 'web' }), { fieldManager: 'test' });
        assert.equal(created.metadata.name, 'a');
        const post = server.requests.at(-1)!;
        assert.equal(post.method, 'POST');
        assert.equal(post.path, '/api/v1/namespaces/ns1/pods');
        assert.equal(post.query.get('fieldManager'), 'test');
        assert.equal(post.headers.authorization, 'Bearer secret');
        assert.equal(post.headers['content-type'], 'application/json');

        await assert.rejects(client.create(Resources.pods, 'ns1', pod('ns1', 'a')), (e) => isAlreadyExists(e));
        const got = await client.get<Pod>(Resources.pods, 'ns1', 'a');
        assert.equal(got.metadata.resourceVersion, created.metadata.resourceVersion);

        const missing = await client.get(Resources.pods, 'ns1', 'nope').then(() => undefined, (e: unknown) => e);
        assert.ok(missing instanceof ApiStatusError);
        assert.equal(missing.reason, 'NotFound');
        assert.equal(missing.code, 404);
        assert.match(missing.message, /"nope" not found/);

        const updated = await client.update(Resources.pods, 'ns1', { ...got, metadata: { ...got.metadata, labels: { app: 'v2' } } });
        assert.notEqual(updated.metadata.resourceVersion, got.metadata.resourceVersion);
        await assert.rejects(client.update(Resources.pods, 'ns1', got), (e) => isConflict(e));

        const patched = await client.patch<Pod>(Resources.pods, 'ns1', 'a', 'merge', { metadata: { labels: { extra: '1' } } });
        assert.deepEqual(patched.metadata.labels, { app: 'v2', extra: '1' });
        assert.equal(server.requests.at(-1)!.headers['content-type'], 'application/merge-patch+json');

        await client.patch(Resources.pods, 'ns1', 'a', 'apply', { apiVersion: 'v1', kind: 'Pod' }, { fieldManager: 'ctl', force: true }).catch(() => undefined);
        const apply = server.requests.at(-1)!;
        assert.equal(apply.headers['content-type'], 'application/apply-patch+yaml');
        assert.equal(apply.query.get('fieldManager'), 'ctl');
        assert.equal(apply.query.get('force'), 'true');
        assert.throws(() => client.patch(Resources.pods, 'ns1', 'a', 'apply', {}));

        const del = (await client.delete(Resources.pods, 'ns1', 'a', { propagationPolicy: 'Background', gracePeriodSeconds: 0, preconditions: { uid: 'u1' } })) as Status;
        assert.equal(del.status, 'Success');
        assert.deepEqual(JSON.parse(server.requests.at(-1)!.body), {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          propagationPolicy: 'Background',
          gracePeriodSeconds: 0,
          preconditions: { uid: 'u1' },
        });
        await assert.rejects(client.get(Resources.pods, 'ns1', 'a'), (e) => isNotFound(e));
      } finally {
        await close();
      }
    });

    test('list passes selectors, limit and continue', async () => {
      const { server, client, close } = await setup(mode);
      try {
        for (const n of ['a', 'b', 'c']) server.put(pod('ns1', n, { app: n === 'c' ? 'db' : 'web' }));
        const page1 = await client.list<Pod>(Resources.pods, 'ns1', { labelSelector: 'app=web', limit: 1, fieldSelector: 'spec.nodeName=n1' });
        assert.deepEqual(page1.items.map((p) => p.metadata.name), ['a']);
        const req = server.requests.at(-1)!;
        assert.equal(req.query.get('labelSelector'), 'app=web');
        assert.equal(req.query.get('fieldSelector'), 'spec.nodeName=n1');
        assert.equal(req.query.get('limit'), '1');
        assert.ok(page1.metadata.continue);
        const page2 = await client.list<Pod>(Resources.pods, 'ns1', { limit: 1, continue: page1.metadata.continue! });
        assert.deepEqual(page2.items.map((p) => p.metadata.name), ['b']);
        assert.equal(page2.metadata.continue, undefined);
        const all = await client.list(Resources.pods, undefined);
        assert.equal(all.items.length, 3);
        assert.equal(server.requests.at(-1)!.path, '/api/v1/pods');
      } finally {
        await close();
      }
    });

    test('watch delivers events split across writes and batched in one write', async () => {
      const { server, client, close } = await setup(mode);
      try {
        server.put(pod('ns1', 'a'));
        const events: WatchEvent[] = [];
        let end: WatchEnd | undefined;
        client.watch(Resources.pods, 'ns1', { resourceVersion: server.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 60 }, (e) => events.push(e), (e) => (end = e));
        await waitFor(() => server.openWatches === 1, 'watch to open');
        const w = server.watches().at(-1)!;
        assert.equal(w.query.get('allowWatchBookmarks'), 'true');
        assert.equal(w.query.get('timeoutSeconds'), '60');

        const mod = JSON.stringify({ type: 'MODIFIED', object: { ...pod('ns1', 'a'), metadata: { name: 'a', namespace: 'ns1', resourceVersion: '500', labels: { k: 'välue✓' } } } }) + '\n';
        const bytes = Buffer.from(mod);
        // Split inside a multi-byte character: the decoder must not produce U+FFFD.
        const cut = bytes.indexOf(Buffer.from('✓')) + 1;
        server.writeRaw(bytes.subarray(0, cut));
        await new Promise((r) => setTimeout(r, 10));
        assert.equal(events.length, 0);
        server.writeRaw(bytes.subarray(cut));
        await waitFor(() => events.length === 1, 'split event');
        const first = events[0]!;
        assert.equal(first.type, 'MODIFIED');
        assert.equal(first.type === 'MODIFIED' ? first.object.metadata.labels?.['k'] : '', 'välue✓');

        const two =
          JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '501' } } }) +
          '\n' +
          JSON.stringify({ type: 'DELETED', object: { ...pod('ns1', 'a'), metadata: { name: 'a', namespace: 'ns1', resourceVersion: '502' } } }) +
          '\n';
        server.writeRaw(two);
        await waitFor(() => events.length === 3, 'batched events');
        assert.deepEqual(events.slice(1).map((e) => e.type), ['BOOKMARK', 'DELETED']);
        assert.deepEqual(events[1], { type: 'BOOKMARK', resourceVersion: '501' });

        server.closeWatches();
        await waitFor(() => end !== undefined, 'watch end');
        assert.deepEqual(end, { type: 'closed' });
      } finally {
        await close();
      }
    });

    test('watch: ERROR events, HTTP errors, garbage and stop()', async () => {
      const { server, client, close } = await setup(mode);
      try {
        server.put(pod('ns1', 'a'));
        const old = server.resourceVersion;
        server.put(pod('ns1', 'b'));
        server.compact();

        const events: WatchEvent[] = [];
        let end: WatchEnd | undefined;
        client.watch(Resources.pods, undefined, { resourceVersion: old }, (e) => events.push(e), (e) => (end = e));
        await waitFor(() => end !== undefined, 'expired watch to end');
        assert.equal(events.length, 1);
        const ev = events[0]!;
        assert.ok(ev.type === 'ERROR' && ev.status.code === 410 && ev.status.reason === 'Expired');

        server.goneMode = 'http';
        end = undefined;
        client.watch(Resources.pods, undefined, { resourceVersion: old }, () => assert.fail('no events'), (e) => (end = e));
        await waitFor(() => end !== undefined, 'http 410');
        const httpEnd = end as WatchEnd | undefined;
        assert.ok(httpEnd?.type === 'failed' && httpEnd.error instanceof ApiStatusError && httpEnd.error.code === 410);

        end = undefined;
        client.watch(Resources.pods, undefined, {}, () => {}, (e) => (end = e));
        await waitFor(() => server.openWatches === 1, 'watch to open');
        server.writeRaw('{"type":"ADDED","object":\n');
        await waitFor(() => end !== undefined, 'decode failure');
        const decodeEnd = end as WatchEnd | undefined;
        assert.ok(decodeEnd?.type === 'failed' && decodeEnd.error instanceof TransportError && decodeEnd.error.failure === 'decode');
        await waitFor(() => server.openWatches === 0, 'server to see the close');

        let calls = 0;
        const h = client.watch(Resources.pods, undefined, {}, () => calls++, () => calls++);
        await waitFor(() => server.openWatches === 1, 'watch to open');
        await waitFor(() => calls === 2, 'initial ADDED events');
        h.stop();
        await waitFor(() => server.openWatches === 0, 'server to see the stop');
        server.put(pod('ns1', 'c'));
        await new Promise((r) => setTimeout(r, 10));
        assert.equal(calls, 2);
      } finally {
        await close();
      }
    });

    test('requests time out with a TransportError', async () => {
      const { server, client, close } = await setup(mode, { timeoutMs: 80 });
      try {
        server.hangPaths = '/pods/slow';
        const e = await client.get(Resources.pods, 'ns1', 'slow').then(() => undefined, (x: unknown) => x);
        assert.ok(e instanceof TransportError);
        assert.equal(e.failure, 'timeout');
      } finally {
        await close();
      }
    });
  });
}

test('non-Status error bodies become a Status with the reason for the code', async () => {
  const { createServer } = await import('node:http');
  const s = createServer((_req, res) => {
    res.writeHead(503, { 'Content-Type': 'text/plain' });
    res.end('upstream down');
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const client = new RestClient({ server: `http://127.0.0.1:${(s.address() as AddressInfo).port}` });
  try {
    const e = await client.get(Resources.pods, 'a', 'b').then(() => undefined, (x: unknown) => x);
    assert.ok(e instanceof ApiStatusError);
    assert.equal(e.reason, 'ServiceUnavailable');
    assert.equal(e.code, 503);
    assert.match(e.message, /upstream down/);
  } finally {
    client.close();
    s.close();
  }
});

test('connection refused is a network TransportError', async () => {
  const { createServer } = await import('node:http');
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  const client = new RestClient({ server: `http://127.0.0.1:${port}` });
  const e = await client.list(Resources.pods, undefined).then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof TransportError);
  assert.equal(e.failure, 'network');
  client.close();
});

test('https: trusts the given CA, refuses an unknown one, skips verification when told', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-client-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-subj', '/CN=svcnet-test', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const key = readFileSync(join(dir, 'key.pem'), 'utf8');
    const fake = new FakeApiServer(Resources.pods, 'Pod');
    fake.put(pod('ns1', 'a'));
    const s = createHttpsServer({ cert, key }, fake.handler);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(s.address() as AddressInfo).port}`;
    const clients = [new RestClient({ server: url, caPem: cert }), new RestClient({ server: url }), new RestClient({ server: url, insecureSkipTLSVerify: true })];
    try {
      const [trusted, unknown, insecure] = clients as [RestClient, RestClient, RestClient];
      assert.equal((await trusted.get<KubeObject>(Resources.pods, 'ns1', 'a')).metadata.name, 'a');
      const e = await unknown.get(Resources.pods, 'ns1', 'a').then(() => undefined, (x: unknown) => x);
      assert.ok(e instanceof TransportError && e.failure === 'network');
      assert.match(e.message, /self[- ]signed|unable to verify/i);
      assert.equal((await insecure.list(Resources.pods, 'ns1')).items.length, 1);
    } finally {
      for (const c of clients) c.close();
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
