// Many clients at once: allocations never collide and concurrent patches never lose an update.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../store/index.js';
import { startTestServer, svc, type TestServer } from './_test-server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

const SVCS = '/api/v1/namespaces/default/services';

/** The server's allocator state (not reachable over HTTP), to check nothing leaks. */
const allocationsOf = (t: TestServer) => t.api.allocations;
const CMS = '/api/v1/namespaces/default/configmaps';

describe('concurrency', () => {
  test('200 concurrent Service creates get 200 distinct ClusterIPs (and NodePorts)', async () => {
    const rs = await Promise.all(Array.from({ length: 200 }, (_, i) => s.req('POST', SVCS, { body: svc(`c${i}`, i % 2 === 0 ? { type: 'NodePort' } : {}) })));
    for (const r of rs) assert.equal(r.status, 201, r.text);
    const ips = rs.map((r) => r.json.spec.clusterIP as string);
    assert.equal(new Set(ips).size, 200);
    assert.ok(!ips.includes('10.96.0.1'), 'the kubernetes Service address was handed out again');
    const ports = rs.filter((r) => r.json.spec.type === 'NodePort').map((r) => r.json.spec.ports[0].nodePort as number);
    assert.equal(new Set(ports).size, 100);
    // The stored objects agree with what the clients were told.
    const list = (await s.req('GET', SVCS)).json.items as Array<{ metadata: { name: string }; spec: { clusterIP: string } }>;
    const stored = new Map(list.map((i) => [i.metadata.name, i.spec.clusterIP]));
    rs.forEach((r, i) => assert.equal(stored.get(`c${i}`), r.json.spec.clusterIP));
  });

  test('concurrent creates requesting the same ClusterIP: exactly one wins', async () => {
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => s.req('POST', SVCS, { body: svc(`same${i}`, { clusterIP: '10.96.200.200' }) })));
    assert.equal(rs.filter((r) => r.status === 201).length, 1);
    for (const r of rs.filter((x) => x.status !== 201)) {
      assert.equal(r.status, 422);
      assert.match(r.json.message, /failed to allocate IP 10\.96\.200\.200: provided IP is already allocated$/);
    }
  });

  test('concurrent creates of one name: one 201, the rest 409, and no address leaks', async () => {
    const before = (await s.req('GET', SVCS)).json.items.length;
    const rs = await Promise.all(Array.from({ length: 20 }, () => s.req('POST', SVCS, { body: svc('race') })));
    assert.equal(rs.filter((r) => r.status === 201).length, 1);
    assert.equal(rs.filter((r) => r.status === 409 && r.json.reason === 'AlreadyExists').length, 19);
    assert.equal((await s.req('GET', SVCS)).json.items.length, before + 1);
    // The losers' addresses went back: exactly one held address per stored Service.
    const all = (await s.req('GET', '/api/v1/services')).json.items.length;
    assert.equal(allocationsOf(s).ips.used(), all);
  });

  test('concurrent PATCHes to one object all apply (no lost update)', async () => {
    assert.equal((await s.req('POST', CMS, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hot' }, data: {} } })).status, 201);
    const n = 60;
    const kinds = ['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json'];
    const rs = await Promise.all(
      Array.from({ length: n }, (_, i) => {
        const ct = kinds[i % 3]!;
        const body = ct === 'application/json-patch+json' ? [{ op: 'add', path: `/data/k${i}`, value: String(i) }] : { data: { [`k${i}`]: String(i) } };
        return s.req('PATCH', `${CMS}/hot`, { body, contentType: ct });
      }),
    );
    for (const r of rs) assert.equal(r.status, 200, r.text);
    const final = (await s.req('GET', `${CMS}/hot`)).json;
    assert.equal(Object.keys(final.data).length, n);
    for (let i = 0; i < n; i++) assert.equal(final.data[`k${i}`], String(i));
    // Each patch produced its own revision.
    assert.equal(new Set(rs.map((r) => r.json.metadata.resourceVersion)).size, n);
  });

  test('concurrent Service type changes and deletes leave the allocators consistent', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `flip${i}`);
    await Promise.all(names.map((n) => s.req('POST', SVCS, { body: svc(n, { type: 'NodePort' }) })));
    await Promise.all(names.map((n, i) => (i % 2 === 0 ? s.req('PATCH', `${SVCS}/${n}`, { body: { spec: { type: 'ClusterIP' } }, contentType: 'application/merge-patch+json' }) : s.req('DELETE', `${SVCS}/${n}`))));
    // What is held is exactly what the stored Services use.
    const items = (await s.req('GET', '/api/v1/services')).json.items as Array<{ spec: { clusterIP?: string; ports?: Array<{ nodePort?: number }> } }>;
    const heldIPs = items.map((i) => i.spec.clusterIP).filter((ip): ip is string => ip !== undefined && ip !== 'None');
    const heldPorts = items.flatMap((i) => (i.spec.ports ?? []).map((p) => p.nodePort)).filter((p): p is number => p !== undefined);
    const allocations = allocationsOf(s);
    assert.equal(allocations.ips.used(), new Set(heldIPs).size);
    assert.equal(allocations.ports.used(), new Set(heldPorts).size);
  });
});

describe('concurrency with a slow store', () => {
  // Reads that take a while widen the read-modify-write window, as a remote etcd does.
  class SlowReadStore extends MemoryStore {
    override async get(key: string, revision?: number) {
      const kv = await super.get(key, revision);
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      return kv;
    }
  }
  let slow: TestServer;
  before(async () => {
    slow = await startTestServer({ store: new SlowReadStore() });
  });
  after(() => slow.close());

  test('heavily contended PATCHes still all apply', async () => {
    assert.equal((await slow.req('POST', CMS, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hot' }, data: {} } })).status, 201);
    const n = 40;
    const rs = await Promise.all(Array.from({ length: n }, (_, i) => slow.req('PATCH', `${CMS}/hot`, { body: { data: { [`k${i}`]: String(i) } }, contentType: 'application/merge-patch+json' })));
    for (const r of rs) assert.equal(r.status, 200, r.text);
    assert.equal(Object.keys((await slow.req('GET', `${CMS}/hot`)).json.data).length, n);
  });

  test('concurrent Service creates and deletes against a slow store hold no stray allocation', async () => {
    const rs = await Promise.all(Array.from({ length: 40 }, (_, i) => slow.req('POST', SVCS, { body: svc(`s${i % 20}`, { type: 'NodePort' }) })));
    assert.equal(rs.filter((r) => r.status === 201).length, 20);
    await Promise.all(Array.from({ length: 20 }, (_, i) => slow.req('DELETE', `${SVCS}/s${i}`)));
    const allocations = allocationsOf(slow);
    // Only the bootstrap `kubernetes` Service is left.
    assert.equal(allocations.ips.used(), 1);
    assert.equal(allocations.ports.used(), 0);
  });
});
