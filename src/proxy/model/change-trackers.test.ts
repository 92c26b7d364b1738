import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildService, buildSlice, type EndpointBuild } from './builders.js';
import { EndpointsChangeTracker } from './endpoints-change-tracker.js';
import { projectEndpointSlice, projectService } from './project.js';
import { ServiceChangeTracker } from './service-change-tracker.js';

const svc = (port: number, ip = '10.96.5.5') => projectService(buildService({ namespace: 'ns', name: 'web', clusterIP: ip, ports: [{ name: 'http', port }] }));
const slice = (endpoints: EndpointBuild[], name = 'web-1', triggerTime?: string) =>
  projectEndpointSlice(buildSlice({ namespace: 'ns', service: 'web', name, ports: [{ name: 'http', port: 8080 }], endpoints, ...(triggerTime ? { triggerTime } : {}) }));

describe('ServiceChangeTracker', () => {
  test('records first previous and latest current; checkout advances the applied state', () => {
    const t = new ServiceChangeTracker();
    const a = svc(80);
    const b = svc(81);
    assert.equal(t.update(undefined, a), true);
    assert.equal(t.update(a, b), true);
    const c = t.checkout();
    assert.deepEqual([...c.services.keys()], ['ns/web']);
    assert.deepEqual(c.services.get('ns/web')?.previous, []);
    assert.equal(c.services.get('ns/web')?.current[0]?.port, 81);
    assert.deepEqual([...c.ports], ['ns/web:http/TCP']);
    assert.equal(t.ports('ns/web')[0]?.port, 81);
    assert.equal(t.checkout().services.size, 0, 'nothing pending after a checkout');
  });

  test('drops no-ops: add then delete, and an update back to the synced state', () => {
    const t = new ServiceChangeTracker();
    const a = svc(80);
    t.update(undefined, a);
    assert.equal(t.update(a, undefined), false);
    assert.equal(t.checkout().services.size, 0);

    t.update(undefined, a);
    t.checkout();
    t.update(a, svc(81));
    assert.equal(t.update(svc(81), svc(80)), false, 'back to what the last sync saw');
    assert.equal(t.pendingCount(), 0);
    assert.equal(t.update(a, svc(80)), false, 'an equal re-projection (resync) is no change');
  });

  test('a deleted service is reported with its previous ports and disappears', () => {
    const t = new ServiceChangeTracker();
    const a = svc(80);
    t.update(undefined, a);
    t.checkout();
    t.update(a, undefined);
    const c = t.checkout();
    assert.equal(c.services.get('ns/web')?.previous[0]?.port, 80);
    assert.deepEqual(c.services.get('ns/web')?.current, []);
    assert.deepEqual([...t.serviceNames()], []);
  });
});

describe('EndpointsChangeTracker', () => {
  test('merges slices per service port; isLocal from the node name; order kept', () => {
    const t = new EndpointsChangeTracker('node1');
    t.update(undefined, slice([{ ip: '10.0.0.3', node: 'node2' }, { ip: '10.0.0.2', node: 'node1' }]), 1000);
    t.update(undefined, slice([{ ip: '10.0.0.9', node: 'node3' }], 'web-2'), 1000);
    const c = t.checkout();
    const eps = c.services.get('ns/web')?.current.get('ns/web:http/TCP');
    assert.deepEqual(
      eps?.map((e) => [e.key, e.isLocal]),
      [
        ['10.0.0.3:8080', false],
        ['10.0.0.2:8080', true],
        ['10.0.0.9:8080', false],
      ],
    );
    assert.deepEqual([...c.ports], ['ns/web:http/TCP']);
    assert.deepEqual(c.triggerTimes.get('ns/web'), [1000, 1000], 'observed time when the slice has no annotation');
  });

  test('an endpoint moving between slices is one endpoint; an identical slice is no change', () => {
    const t = new EndpointsChangeTracker('node1');
    const s1 = slice([{ ip: '10.0.0.2' }]);
    t.update(undefined, s1, 0);
    t.checkout();
    assert.equal(t.update(s1, slice([{ ip: '10.0.0.2' }]), 0), false);
    // Moves to web-2 (added there first, then removed from web-1): never a change.
    t.update(undefined, slice([{ ip: '10.0.0.2' }], 'web-2'), 0);
    t.update(s1, undefined, 0);
    const c = t.checkout();
    assert.equal(c.services.size, 0, 'the merged endpoints did not change');
    assert.deepEqual(t.endpointsOf('ns/web').get('ns/web:http/TCP')?.map((e) => e.key), ['10.0.0.2:8080']);
  });

  test('first previous is kept across several updates; trigger times from the annotation, before start ignored', () => {
    const start = Date.UTC(2024, 0, 1);
    const t = new EndpointsChangeTracker('node1', start);
    const s1 = slice([{ ip: '10.0.0.2' }]);
    t.update(undefined, s1, start + 1);
    t.checkout();
    const s2 = slice([{ ip: '10.0.0.3' }], 'web-1', '2024-01-01T00:00:05Z');
    const s3 = slice([{ ip: '10.0.0.4' }], 'web-1', '2023-12-31T00:00:00Z');
    t.update(s1, s2, start + 10_000);
    t.update(s2, s3, start + 11_000);
    const c = t.checkout();
    const ch = c.services.get('ns/web');
    assert.deepEqual(ch?.previous.get('ns/web:http/TCP')?.map((e) => e.ip), ['10.0.0.2']);
    assert.deepEqual(ch?.current.get('ns/web:http/TCP')?.map((e) => e.ip), ['10.0.0.4']);
    assert.deepEqual(c.triggerTimes.get('ns/web'), [start + 5000]);
  });

  test('deleting the last slice empties the service; non-IPv4 slices are ignored', () => {
    const t = new EndpointsChangeTracker('node1');
    const s1 = slice([{ ip: '10.0.0.2' }]);
    t.update(undefined, s1, 0);
    t.checkout();
    t.update(s1, undefined, 0);
    const c = t.checkout();
    assert.equal(c.services.get('ns/web')?.current.size, 0);
    assert.equal(t.endpointsOf('ns/web').size, 0);
    const v6 = { ...slice([{ ip: 'fd00::1' }]), addressType: 'IPv6' };
    assert.equal(t.update(undefined, v6, 0), false);
  });
});
