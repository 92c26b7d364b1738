// Expected values are kube 1.32's (k8s.io/api v0.32.4 +patchMergeKey/+patchStrategy/+listType/
// +listMapKey markers, which is what upstream's published OpenAPI carries).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listTypeFor, mapTypeFor, patchMetaFor } from './patch-meta.js';

const G = {
  service: { group: '', version: 'v1', kind: 'Service' },
  pod: { group: '', version: 'v1', kind: 'Pod' },
  node: { group: '', version: 'v1', kind: 'Node' },
  deployment: { group: 'apps', version: 'v1', kind: 'Deployment' },
  slice: { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' },
} as const;

describe('patchMetaFor', () => {
  const cases = [
    { gvk: G.service, path: 'spec.ports', want: { shape: 'list', strategy: 'merge', mergeKey: 'port' } },
    { gvk: G.service, path: 'spec.ports.targetPort', want: { shape: 'int-or-string' } },
    { gvk: G.service, path: 'spec.selector', want: { shape: 'map' } },
    { gvk: G.service, path: 'spec', want: { shape: 'object' } },
    { gvk: G.service, path: 'spec.type', want: { shape: 'scalar' } },
    { gvk: G.service, path: 'status.conditions', want: { shape: 'list', strategy: 'merge', mergeKey: 'type' } },
    { gvk: G.pod, path: 'spec.containers', want: { shape: 'list', strategy: 'merge', mergeKey: 'name' } },
    { gvk: G.pod, path: 'spec.containers.ports', want: { shape: 'list', strategy: 'merge', mergeKey: 'containerPort' } },
    { gvk: G.pod, path: 'spec.containers.env', want: { shape: 'list', strategy: 'merge', mergeKey: 'name' } },
    { gvk: G.pod, path: 'spec.containers.volumeMounts', want: { shape: 'list', strategy: 'merge', mergeKey: 'mountPath' } },
    { gvk: G.pod, path: 'spec.volumes', want: { shape: 'list', strategy: 'merge,retainKeys', mergeKey: 'name' } },
    { gvk: G.pod, path: 'spec.tolerations', want: { shape: 'list' } },
    { gvk: G.pod, path: 'spec.containers.args', want: { shape: 'list' } },
    { gvk: G.pod, path: 'status.podIPs', want: { shape: 'list', strategy: 'merge', mergeKey: 'ip' } },
    { gvk: G.pod, path: 'metadata.finalizers', want: { shape: 'list', strategy: 'merge' } },
    { gvk: G.pod, path: 'metadata.ownerReferences', want: { shape: 'list', strategy: 'merge', mergeKey: 'uid' } },
    { gvk: G.pod, path: 'metadata.labels', want: { shape: 'map' } },
    { gvk: G.pod, path: 'spec.affinity', want: { shape: 'free-form' } },
    { gvk: G.pod, path: 'spec.affinity.nodeAffinity.anything', want: { shape: 'free-form' } },
    { gvk: G.node, path: 'status.addresses', want: { shape: 'list', strategy: 'merge', mergeKey: 'type' } },
    { gvk: G.node, path: 'spec.podCIDRs', want: { shape: 'list', strategy: 'merge' } },
    { gvk: G.deployment, path: ['spec', 'template', 'spec', 'containers'], want: { shape: 'list', strategy: 'merge', mergeKey: 'name' } },
    { gvk: G.deployment, path: 'spec.strategy', want: { shape: 'object', strategy: 'retainKeys' } },
    { gvk: G.deployment, path: 'status.conditions', want: { shape: 'list', strategy: 'merge', mergeKey: 'type' } },
  ] as const;
  for (const c of cases) {
    test(`${c.gvk.kind} ${String(c.path)}`, () => assert.deepEqual(patchMetaFor(c.gvk, c.path), { ok: true, value: c.want }));
  }

  test('unknown field and unknown kind are distinct errors', () => {
    assert.deepEqual(patchMetaFor(G.service, 'spec.nope.deeper'), { ok: false, error: { reason: 'unknown-field', at: 'spec.nope' } });
    const kind = { group: 'x', version: 'v1', kind: 'Y' };
    assert.deepEqual(patchMetaFor(kind, 'spec'), { ok: false, error: { reason: 'unknown-kind', gvk: kind } });
  });
});

describe('listTypeFor', () => {
  const cases = [
    { gvk: G.service, path: 'spec.ports', want: { listType: 'map', mapKeys: ['port', 'protocol'], declared: true } },
    { gvk: G.service, path: 'spec.clusterIPs', want: { listType: 'atomic', mapKeys: [], declared: true } },
    { gvk: G.pod, path: 'spec.containers', want: { listType: 'map', mapKeys: ['name'], declared: true } },
    { gvk: G.pod, path: 'spec.containers.ports', want: { listType: 'map', mapKeys: ['containerPort', 'protocol'], declared: true } },
    { gvk: G.pod, path: 'spec.topologySpreadConstraints', want: { listType: 'map', mapKeys: ['topologyKey', 'whenUnsatisfiable'], declared: true } },
    { gvk: G.pod, path: 'spec.tolerations', want: { listType: 'atomic', mapKeys: [], declared: true } },
    { gvk: G.pod, path: 'status.hostIPs', want: { listType: 'atomic', mapKeys: [], declared: true } },
    { gvk: G.pod, path: 'metadata.finalizers', want: { listType: 'set', mapKeys: [], declared: true } },
    { gvk: G.pod, path: 'metadata.ownerReferences', want: { listType: 'map', mapKeys: ['uid'], declared: true } },
    { gvk: G.slice, path: 'endpoints', want: { listType: 'atomic', mapKeys: [], declared: true } },
    { gvk: G.slice, path: 'endpoints.addresses', want: { listType: 'set', mapKeys: [], declared: true } },
    { gvk: G.node, path: 'spec.podCIDRs', want: { listType: 'set', mapKeys: [], declared: true } },
    { gvk: G.pod, path: 'spec.containers.resources.claims', want: { listType: 'map', mapKeys: ['name'], declared: true } },
    // Undeclared lists default to atomic for server-side apply.
    { gvk: { group: '', version: 'v1', kind: 'ServiceList' }, path: 'items', want: { listType: 'atomic', mapKeys: [], declared: false } },
  ] as const;
  for (const c of cases) {
    test(`${c.gvk.kind} ${c.path}`, () => assert.deepEqual(listTypeFor(c.gvk, c.path), { ok: true, value: c.want }));
  }

  test('a field that is not a list', () => {
    assert.deepEqual(listTypeFor(G.service, 'spec.selector'), { ok: false, error: { reason: 'not-a-list', shape: 'map' } });
    assert.deepEqual(listTypeFor(G.pod, 'spec.affinity'), { ok: false, error: { reason: 'not-a-list', shape: 'free-form' } });
  });
});

describe('mapTypeFor', () => {
  test('atomic maps and structs, granular default', () => {
    assert.deepEqual(mapTypeFor(G.service, 'spec.selector'), { ok: true, value: 'atomic' });
    assert.deepEqual(mapTypeFor(G.deployment, 'spec.selector'), { ok: true, value: 'atomic' });
    assert.deepEqual(mapTypeFor(G.slice, 'endpoints.targetRef'), { ok: true, value: 'atomic' });
    assert.deepEqual(mapTypeFor(G.pod, 'metadata.labels'), { ok: true, value: 'granular' });
    assert.deepEqual(mapTypeFor(G.service, 'spec'), { ok: true, value: 'granular' });
  });
});
