// The served-resource table. Short names, categories and storageVersionHash values are those
// kube-apiserver publishes in discovery (e.g. pods xPOwRZ+Yhw8=, deployments 8aSe+NMegvE=).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  apiVersionOf,
  findSubresource,
  groupVersions,
  lookupByGVK,
  lookupByGVR,
  lookupByShortName,
  lookupForObject,
  parseApiVersion,
  resolveResource,
  resourcesInCategory,
  RESOURCES,
  storageVersionHash,
} from './registry.js';

describe('registry', () => {
  const shortNames: Array<[string, string]> = [
    ['po', 'pods'], ['svc', 'services'], ['ep', 'endpoints'], ['ns', 'namespaces'], ['no', 'nodes'],
    ['ev', 'events'], ['cm', 'configmaps'], ['deploy', 'deployments'], ['rs', 'replicasets'],
  ];
  for (const [short, plural] of shortNames) test(`short name ${short}`, () => assert.equal(lookupByShortName(short)?.resource, plural));
  test('category all', () => assert.deepEqual(resourcesInCategory('all').map((r) => r.resource).sort(), ['deployments', 'pods', 'replicasets', 'services']));
  test('GVR and GVK lookups', () => {
    assert.equal(lookupByGVR('apps', 'v1', 'deployments')?.kind, 'Deployment');
    assert.equal(lookupByGVK('discovery.k8s.io', 'v1', 'EndpointSlice')?.resource, 'endpointslices');
    assert.equal(lookupForObject('coordination.k8s.io/v1', 'Lease')?.resource, 'leases');
    assert.equal(lookupForObject('v1', 'Service')?.namespaced, true);
    assert.equal(lookupByGVR('', 'v1', 'secrets'), undefined);
  });
  test('kubectl-style resolution', () => {
    for (const n of ['pod', 'pods', 'po', 'Pod']) assert.equal(resolveResource(n)?.resource, 'pods');
    assert.equal(resolveResource('deployments.apps')?.group, 'apps');
    assert.equal(resolveResource('deployments.v1')?.resource, undefined);
  });
  test('subresources', () => {
    const pods = lookupByGVR('', 'v1', 'pods');
    assert.ok(pods);
    assert.deepEqual(pods.subresources.map((s) => s.name), ['attach', 'binding', 'eviction', 'exec', 'log', 'status']);
    assert.equal(findSubresource(pods, 'eviction')?.group, 'policy');
    const dep = lookupByGVR('apps', 'v1', 'deployments');
    assert.ok(dep);
    assert.deepEqual(findSubresource(dep, 'scale'), { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] });
    assert.deepEqual(lookupByGVR('', 'v1', 'namespaces')?.subresources.map((s) => s.name), ['finalize', 'status']);
  });
  test('namespaces have no deletecollection', () => assert.ok(!lookupByGVR('', 'v1', 'namespaces')?.verbs.includes('deletecollection')));
  test('storage version hashes match kube-apiserver', () => {
    const h = (g: string, r: string) => storageVersionHash(lookupByGVR(g, 'v1', r)!);
    assert.equal(h('', 'pods'), 'xPOwRZ+Yhw8=');
    assert.equal(h('', 'services'), '0/CO1lhkEBI=');
    assert.equal(h('', 'namespaces'), 'Q3oi5N2YM8M=');
    assert.equal(h('apps', 'deployments'), '8aSe+NMegvE=');
  });
  test('group versions in discovery order', () =>
    assert.deepEqual(groupVersions().map(apiVersionOf), ['v1', 'apps/v1', 'coordination.k8s.io/v1', 'discovery.k8s.io/v1', 'svcnet.io/v1alpha1']));
  test('apiVersion parsing', () => {
    assert.deepEqual(parseApiVersion('v1'), { group: '', version: 'v1' });
    assert.deepEqual(parseApiVersion('apps/v1'), { group: 'apps', version: 'v1' });
  });
  test('list kinds', () => assert.ok(RESOURCES.every((r) => r.listKind === `${r.kind}List`)));
});
