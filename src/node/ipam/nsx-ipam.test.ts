// NSX IPAM over a fake API (ConfigMaps with resourceVersions, interleaving every call) so the
// compare-and-swap paths run: two nodes racing, idempotent retries, reclaiming, reconcile.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeList, KubeObject, Status } from '../../api/index.js';
import { ApiStatusError, type ResourceRef } from '../../client/index.js';
import { ConfigMapRecord } from './configmap-record.js';
import { NsxIpam, type NsxIpamClient } from './nsx-ipam.js';
import { makeSubnetPlan } from './subnet-plan.js';

function apiError(code: number, reason: 'NotFound' | 'Conflict' | 'AlreadyExists'): ApiStatusError {
  const s: Status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', reason, code, message: reason };
  return new ApiStatusError(s, code);
}

/** A tiny object store with optimistic concurrency; every call yields first so callers interleave. */
class FakeApi {
  readonly objects = new Map<string, KubeObject>();
  pods: { metadata: { uid: string } }[] = [];
  private rv = 1;
  calls = 0;
  private key(ref: ResourceRef, ns: string | undefined, name: string): string {
    return `${ref.resource}/${ns ?? ''}/${name}`;
  }
  private async tick(): Promise<void> {
    this.calls++;
    await new Promise((r) => setImmediate(r));
  }
  client(): NsxIpamClient {
    const self = this;
    return {
      async get<T extends KubeObject>(ref: ResourceRef, ns: string | undefined, name: string): Promise<T> {
        await self.tick();
        const o = self.objects.get(self.key(ref, ns, name));
        if (o === undefined) throw apiError(404, 'NotFound');
        return structuredClone(o) as T;
      },
      async create<T extends KubeObject>(ref: ResourceRef, ns: string | undefined, obj: T): Promise<T> {
        await self.tick();
        const k = self.key(ref, ns, obj.metadata.name ?? '');
        if (self.objects.has(k)) throw apiError(409, 'AlreadyExists');
        const stored = { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(self.rv++) } };
        self.objects.set(k, stored);
        return structuredClone(stored);
      },
      async update<T extends KubeObject>(ref: ResourceRef, ns: string | undefined, obj: T): Promise<T> {
        await self.tick();
        const k = self.key(ref, ns, obj.metadata.name ?? '');
        const cur = self.objects.get(k);
        if (cur === undefined) throw apiError(404, 'NotFound');
        if (cur.metadata.resourceVersion !== obj.metadata.resourceVersion) throw apiError(409, 'Conflict');
        const stored = { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(self.rv++) } };
        self.objects.set(k, stored);
        return structuredClone(stored);
      },
      async patch<T extends KubeObject>(): Promise<T> {
        await self.tick();
        throw apiError(404, 'NotFound'); // no Namespace objects here: the mirror is best effort
      },
      async list<T extends KubeObject>(ref: ResourceRef): Promise<KubeList<T>> {
        await self.tick();
        const items = ref.resource === 'pods' ? self.pods : [...self.objects.entries()].filter(([k]) => k.startsWith(`${ref.resource}/`)).map(([, o]) => o);
        return { apiVersion: 'v1', kind: 'List', metadata: {}, items: structuredClone(items) as unknown as T[] };
      },
    } as unknown as NsxIpamClient;
  }
}

const req = (uid: string, ns = 'demons') => ({ uid, namespace: ns, name: `pod-${uid}` });

describe('NSX IPAM over compare-and-swap records', () => {
  test('two nodes racing in one namespace never share an address', async () => {
    const api = new FakeApi();
    const plan = makeSubnetPlan();
    const n1 = new NsxIpam({ client: api.client(), nodeName: 'k8s-node1', plan });
    const n2 = new NsxIpam({ client: api.client(), nodeName: 'k8s-node2', plan });
    const outs = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? n1 : n2).allocate(req(`u${i}`))));
    const ips = outs.map((o) => (o.kind === 'allocated' ? o.ip : `failed: ${o.message}`));
    assert.equal(new Set(ips).size, 60, ips.join(','));
    assert.deepEqual([...ips].sort(), Array.from({ length: 60 }, (_, i) => `172.25.5.${i + 2}`).sort());
    for (const o of outs) assert.ok(o.kind === 'allocated' && o.gateway === '172.25.5.1' && o.prefixLength === 24 && o.subnet === '172.25.5.0/24');
    const writes = n1.stats().writes + n2.stats().writes;
    assert.ok(writes < 60, `batched: ${writes} writes for 60 addresses`);
    // Asking again (a retry, an agent restart) returns the same address without writing.
    const before = n1.stats().writes;
    const again = await n1.allocate(req('u0'));
    assert.ok(again.kind === 'allocated' && again.ip === ips[0]);
    assert.equal(n1.stats().writes, before);
  });

  test('namespaces get their subnets from one registry, racing agents agree', async () => {
    const api = new FakeApi();
    const plan = makeSubnetPlan();
    const agents = [0, 1, 2].map((i) => new NsxIpam({ client: api.client(), nodeName: `n${i}`, plan }));
    const subnets = await Promise.all(['web', 'shop', 'kube-system', 'web', 'shop', 'kube-system'].map((ns, i) => agents[i % 3]!.subnetFor(ns)));
    assert.equal(subnets[0], subnets[3]);
    assert.equal(subnets[1], subnets[4]);
    assert.equal(subnets[2], '172.25.4.0/24');
    assert.deepEqual([subnets[0], subnets[1]].sort(), ['172.25.5.0/24', '172.25.6.0/24']);
  });

  test('a full subnet reclaims addresses of pods that no longer exist', async () => {
    const api = new FakeApi();
    const plan = makeSubnetPlan('172.25.0.0/16', 29); // .2 - .6: five pods
    const ipam = new NsxIpam({ client: api.client(), nodeName: 'k8s-node1', plan });
    for (let i = 0; i < 5; i++) assert.equal((await ipam.allocate(req(`p${i}`))).kind, 'allocated');
    api.pods = [{ metadata: { uid: 'p0' } }, { metadata: { uid: 'p1' } }, { metadata: { uid: 'p2' } }, { metadata: { uid: 'p3' } }, { metadata: { uid: 'p4' } }];
    const full = await ipam.allocate(req('p5'));
    assert.ok(full.kind === 'failed' && full.reason === 'exhausted');
    api.pods = api.pods.filter((p) => p.metadata.uid !== 'p2');
    const got = await ipam.allocate(req('p5'));
    // demons is index 5 of the /29s: 172.25.0.40/29, pods .42-.46; p2 held .44.
    assert.ok(got.kind === 'allocated' && got.ip === '172.25.0.44', JSON.stringify(got));
  });

  test('reconcile drops only this node\'s entries for pods it no longer runs; release frees', async () => {
    const api = new FakeApi();
    const plan = makeSubnetPlan();
    const n1 = new NsxIpam({ client: api.client(), nodeName: 'k8s-node1', plan });
    const n2 = new NsxIpam({ client: api.client(), nodeName: 'k8s-node2', plan });
    await n1.allocate(req('a'));
    await n2.allocate(req('b'));
    await n1.allocate(req('c'));
    await n1.reconcile([req('c')]);
    const again = await n2.allocate(req('d'));
    assert.ok(again.kind === 'allocated' && again.ip === '172.25.5.2', 'a reclaimed, b (other node) kept');
    await n1.release(req('c'));
    const e = await n2.allocate(req('e'));
    assert.ok(e.kind === 'allocated' && e.ip === '172.25.5.4');
  });

  test('an op that throws fails alone; the rest of its batch is written', async () => {
    const api = new FakeApi();
    const rec = new ConfigMapRecord(api.client(), 'kube-system', 'r', {});
    const ok1 = rec.apply((d) => ({ data: { ...d, a: '1' }, result: 'a' }));
    const bad = rec.apply(() => {
      throw new Error('no');
    });
    const ok2 = rec.apply((d) => ({ data: { ...d, b: '2' }, result: 'b' }));
    assert.equal(await ok1, 'a');
    await assert.rejects(bad, /no/);
    assert.equal(await ok2, 'b');
    assert.deepEqual(await rec.read(), { a: '1', b: '2' });
  });

  test('a pinned subnet held by another namespace is reported, not silently reused', async () => {
    const api = new FakeApi();
    const ipam = new NsxIpam({ client: api.client(), nodeName: 'n', plan: makeSubnetPlan('172.25.0.0/16', 24, { 'kube-system': 4, other: 4 }) });
    assert.equal((await ipam.allocate(req('x', 'other'))).kind, 'allocated');
    const r = await ipam.allocate(req('y', 'kube-system'));
    assert.ok(r.kind === 'failed' && r.reason === 'unavailable' && r.message.includes('held by other'), JSON.stringify(r));
  });
});
