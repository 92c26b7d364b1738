import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeList, KubeObject, Node, Service } from '../../api/index.js';
import type { ListWatcher, WatchEvent } from '../../client/index.js';
import { informerSource } from './service-source.js';

/** An in-memory ListWatcher: LIST returns the current objects, WATCH gets `emit`ted events. */
function fakeClient() {
  const objects = new Map<string, KubeObject[]>();
  const watchers = new Map<string, (ev: WatchEvent) => void>();
  let rv = 1;
  const client: ListWatcher = {
    list: (async (ref: { resource: string }) => {
      const list: KubeList = { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(rv) }, items: objects.get(ref.resource) ?? [] };
      return list;
    }) as ListWatcher['list'],
    watch: ((ref: { resource: string }, _ns: unknown, _opts: unknown, onEvent: (ev: WatchEvent) => void) => {
      watchers.set(ref.resource, onEvent);
      return { stop: () => watchers.delete(ref.resource) };
    }) as ListWatcher['watch'],
  };
  return {
    client,
    objects,
    emit(resource: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject) {
      object.metadata.resourceVersion = String(++rv);
      watchers.get(resource)?.({ type, object });
    },
  };
}

const node: Node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'k8s-node1', resourceVersion: '1' },
  status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '10.190.5.11' }] },
};

const lb: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace: 'demons', name: 'nsxdemoservice', resourceVersion: '1' },
  spec: { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30657 }] },
  status: { loadBalancer: { ingress: [{ ip: '10.190.6.1' }, { ip: '100.64.208.9' }, { hostname: 'lb.example' }] } },
};

describe('informerSource', () => {
  test('nothing before both informers synced; then projections; watch events notify', async () => {
    const f = fakeClient();
    f.objects.set('nodes', [node]);
    const src = informerSource({ client: f.client });
    assert.equal(src.snapshot(), undefined);
    let changes = 0;
    src.start(() => changes++);
    while (src.snapshot() === undefined) await new Promise((r) => setImmediate(r));
    assert.deepEqual(src.snapshot(), { services: [], nodes: [{ name: 'k8s-node1', ready: true, internalIP: '10.190.5.11' }] });
    await new Promise((r) => setImmediate(r));
    const before = changes;
    assert.ok(before >= 1);
    f.emit('services', 'ADDED', lb);
    assert.ok(changes > before);
    assert.deepEqual(src.snapshot()!.services, [
      {
        namespace: 'demons',
        name: 'nsxdemoservice',
        type: 'LoadBalancer',
        ports: [{ name: '', protocol: 'TCP', port: 80, nodePort: 30657, appProtocol: undefined }],
        ingressIPs: ['10.190.6.1', '100.64.208.9'],
      },
    ]);
    src.stop();
  });
});
