import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice, Pod, Service } from '../api/index.js';
import { FakeClock } from '../core/index.js';
import { DnsIndex } from './cluster-index.js';
import { endpointSliceToDns, podToDns, serviceToDns } from './projections.js';

const svc = (spec: NonNullable<Service['spec']>): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'demo', resourceVersion: '7' }, spec });

describe('projections', () => {
  test('services: ClusterIP (canonical addresses), headless, ExternalName (trailing dot dropped)', () => {
    assert.deepEqual(serviceToDns(svc({ clusterIP: '10.96.0.7', clusterIPs: ['10.96.0.7', 'FD00:0::7'], ports: [{ name: 'http', port: 80 }] })), {
      namespace: 'demo',
      name: 'web',
      kind: { type: 'ClusterIP', clusterIPs: ['10.96.0.7', 'fd00::7'] },
      ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
    });
    assert.deepEqual(serviceToDns(svc({ clusterIP: 'None' })).kind, { type: 'Headless' });
    assert.deepEqual(serviceToDns(svc({ type: 'ExternalName', externalName: 'www.example.com.' })).kind, { type: 'ExternalName', externalName: 'www.example.com' });
  });

  test('endpoint slices: service label, ready defaults to true, FQDN slices carry no addresses', () => {
    const slice: EndpointSlice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-x', namespace: 'demo', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, {}],
      endpoints: [{ addresses: ['172.25.5.3'], hostname: 'web-0' }, { addresses: ['172.25.5.4'], conditions: { ready: false } }],
    };
    assert.deepEqual(endpointSliceToDns(slice), {
      namespace: 'demo',
      name: 'web-x',
      serviceName: 'web',
      addressType: 'IPv4',
      ports: [{ name: 'http', protocol: 'TCP', port: 8080 }, { name: '', protocol: 'TCP', port: -1 }],
      endpoints: [{ addresses: ['172.25.5.3'], hostname: 'web-0', ready: true }, { addresses: ['172.25.5.4'], ready: false }],
    });
    assert.deepEqual(endpointSliceToDns({ ...slice, addressType: 'FQDN', endpoints: [{ addresses: ['db.example.com'] }] }).endpoints, [{ addresses: [], ready: true }]);
  });

  test('pods: every pod IP once', () => {
    const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'demo' }, status: { podIP: '172.25.5.3', podIPs: [{ ip: '172.25.5.3' }, { ip: 'fd00::3' }] } };
    assert.deepEqual(podToDns(pod), { namespace: 'demo', name: 'p', ips: ['172.25.5.3', 'fd00::3'] });
  });
});

describe('DnsIndex', () => {
  test('generation moves on real changes only; lookups follow updates and deletes', () => {
    const clock = new FakeClock();
    const ix = new DnsIndex(clock);
    const a = serviceToDns(svc({ clusterIP: '10.96.0.7', ports: [{ name: 'http', port: 80 }] }));
    ix.upsertService(a);
    const g = ix.generation;
    ix.upsertService(serviceToDns(svc({ clusterIP: '10.96.0.7', ports: [{ name: 'http', port: 80 }] })));
    assert.equal(ix.generation, g, 'an identical projection is a no-op');
    clock.advance(3000);
    ix.upsertService(serviceToDns(svc({ clusterIP: '10.96.0.8', ports: [{ name: 'http', port: 80 }] })));
    assert.ok(ix.generation > g);
    assert.equal(ix.serial, Math.floor(clock.now() / 1000));
    assert.deepEqual(ix.servicesByIP('10.96.0.7'), []);
    assert.equal(ix.servicesByIP('10.96.0.8')[0]?.name, 'web');
    assert.ok(ix.namespaceExists('demo'), 'a namespace with services exists before its Namespace is seen');
    ix.deleteService('demo', 'web');
    assert.equal(ix.service('demo', 'web'), undefined);
    assert.equal(ix.namespaceExists('demo'), false);
    ix.upsertSlice({ namespace: 'demo', name: 's', serviceName: 'web', addressType: 'IPv4', ports: [], endpoints: [{ addresses: ['172.25.5.3'], ready: true }] });
    assert.equal(ix.slicesByIP('172.25.5.3').length, 1);
    ix.upsertSlice({ namespace: 'demo', name: 's', serviceName: 'web', addressType: 'IPv4', ports: [], endpoints: [{ addresses: ['172.25.5.3'], ready: false }] });
    assert.equal(ix.slicesByIP('172.25.5.3').length, 0, 'not-ready addresses have no PTR');
    assert.equal(ix.slicesFor('demo', 'web').length, 1);
    ix.deleteSlice('demo', 's');
    assert.equal(ix.slicesFor('demo', 'web').length, 0);
  });
});
