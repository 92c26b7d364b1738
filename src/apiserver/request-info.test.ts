import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestPath, type RequestTarget } from './request-info.js';

const cases: Array<[path: string, want: RequestTarget]> = [
  ['/api/v1/pods', { type: 'resource', group: '', version: 'v1', resource: 'pods' }],
  ['/api/v1/namespaces/ns1/pods', { type: 'resource', group: '', version: 'v1', namespace: 'ns1', resource: 'pods' }],
  ['/api/v1/namespaces/ns1/pods/p1', { type: 'resource', group: '', version: 'v1', namespace: 'ns1', resource: 'pods', name: 'p1' }],
  ['/api/v1/namespaces/ns1/pods/p1/status', { type: 'resource', group: '', version: 'v1', namespace: 'ns1', resource: 'pods', name: 'p1', subresource: 'status' }],
  ['/api/v1/namespaces/ns1/pods/p1/binding', { type: 'resource', group: '', version: 'v1', namespace: 'ns1', resource: 'pods', name: 'p1', subresource: 'binding' }],
  ['/api/v1/namespaces/ns1/services/s1/', { type: 'resource', group: '', version: 'v1', namespace: 'ns1', resource: 'services', name: 's1' }],
  // Cluster-scoped.
  ['/api/v1/nodes', { type: 'resource', group: '', version: 'v1', resource: 'nodes' }],
  ['/api/v1/nodes/n1/status', { type: 'resource', group: '', version: 'v1', resource: 'nodes', name: 'n1', subresource: 'status' }],
  // The Namespace object itself and its subresources.
  ['/api/v1/namespaces', { type: 'resource', group: '', version: 'v1', resource: 'namespaces' }],
  ['/api/v1/namespaces/ns1', { type: 'resource', group: '', version: 'v1', resource: 'namespaces', name: 'ns1' }],
  ['/api/v1/namespaces/ns1/status', { type: 'resource', group: '', version: 'v1', resource: 'namespaces', name: 'ns1', subresource: 'status' }],
  ['/api/v1/namespaces/ns1/finalize', { type: 'resource', group: '', version: 'v1', resource: 'namespaces', name: 'ns1', subresource: 'finalize' }],
  // A namespace that happens to be called "status" still scopes.
  ['/api/v1/namespaces/status/pods', { type: 'resource', group: '', version: 'v1', namespace: 'status', resource: 'pods' }],
  // Grouped.
  ['/apis/apps/v1/deployments', { type: 'resource', group: 'apps', version: 'v1', resource: 'deployments' }],
  ['/apis/apps/v1/namespaces/ns1/deployments', { type: 'resource', group: 'apps', version: 'v1', namespace: 'ns1', resource: 'deployments' }],
  ['/apis/apps/v1/namespaces/ns1/deployments/d1/scale', { type: 'resource', group: 'apps', version: 'v1', namespace: 'ns1', resource: 'deployments', name: 'd1', subresource: 'scale' }],
  ['/apis/discovery.k8s.io/v1/namespaces/ns1/endpointslices/e1', { type: 'resource', group: 'discovery.k8s.io', version: 'v1', namespace: 'ns1', resource: 'endpointslices', name: 'e1' }],
  ['/apis/storage.k8s.io/v1/storageclasses/fast', { type: 'resource', group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses', name: 'fast' }],
  // Percent-encoded segments are decoded.
  ['/api/v1/namespaces/ns1/configmaps/a%3Ab', { type: 'resource', group: '', version: 'v1', namespace: 'ns1', resource: 'configmaps', name: 'a:b' }],
];

describe('parseRequestPath', () => {
  for (const [path, want] of cases) {
    test(path, () => assert.deepEqual(parseRequestPath(path), want));
  }

  test('discovery and other non-resource paths', () => {
    for (const p of ['/', '/api', '/api/v1', '/apis', '/apis/apps', '/apis/apps/v1', '/healthz', '/version', '/openapi/v2', '/metrics']) {
      assert.deepEqual(parseRequestPath(p), { type: 'nonresource', path: p }, p);
    }
  });

  test('too many segments is not a resource', () => {
    assert.equal(parseRequestPath('/api/v1/namespaces/ns1/pods/p1/status/extra').type, 'nonresource');
    assert.equal(parseRequestPath('/apis/apps/v1/namespaces/ns1/deployments/d1/scale/x').type, 'nonresource');
  });

  test('a malformed percent escape does not throw', () => {
    assert.equal(parseRequestPath('/api/v1/namespaces/%E0%A4%A/pods').type, 'nonresource');
  });
});
