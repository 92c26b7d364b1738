// recordUpdate: ownership for create/update/patch. The create shape (maps and lists that appear
// get "."; metadata and spec do not) is what kube-apiserver shows for `kubectl apply` (client-side)
// and `kubectl create`; the reset rule ([{}] strips managedFields) is from the Server-Side Apply
// documentation.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Json } from './json.js';
import { decodeManagedFields, encodeManagedFields, recordUpdate } from './managed-fields.js';
import { FieldSet, pathString } from './field-set.js';
import { serverSideApply } from './server-side-apply.js';

type Obj = Record<string, unknown>;
const T = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s));
const ts = (s: number) => `2024-01-01T00:00:${String(s).padStart(2, '0')}Z`;
const K80 = 'k:{"port":80,"protocol":"TCP"}';
const managed = (o: Obj) => (o['metadata'] as Obj)['managedFields'];
const entry = (manager: string, s: number, fieldsV1: Obj, extra: Obj = {}) => ({ manager, operation: 'Update', apiVersion: 'v1', time: ts(s), fieldsType: 'FieldsV1', fieldsV1, ...extra });

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], type: 'ClusterIP' },
};
const csaFields = {
  'f:metadata': { 'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} }, 'f:labels': { '.': {}, 'f:app': {} } },
  'f:spec': { 'f:ports': { '.': {}, [K80]: { '.': {}, 'f:port': {}, 'f:protocol': {}, 'f:targetPort': {} } }, 'f:selector': {}, 'f:type': {} },
};
const created = recordUpdate(undefined, service, { manager: 'kubectl-client-side-apply', now: T(0) });
const withSpec = (o: Obj, spec: Obj) => ({ ...o, spec: { ...(o['spec'] as Obj), ...spec } });

describe('recordUpdate', () => {
  test('create: the creator owns every field it wrote', () => {
    assert.deepStrictEqual(created, { ...service, metadata: { ...service.metadata, managedFields: [entry('kubectl-client-side-apply', 0, csaFields)] } });
  });

  test('an edit moves the changed field to the editor; the creator keeps the rest', () => {
    const edited = recordUpdate(created, withSpec(created, { ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] }), { manager: 'kubectl-edit', now: T(5) });
    const csaRest = { ...csaFields, 'f:spec': { ...csaFields['f:spec'], 'f:ports': { '.': {}, [K80]: { '.': {}, 'f:port': {}, 'f:protocol': {} } } } };
    assert.deepStrictEqual(managed(edited), [
      entry('kubectl-client-side-apply', 0, csaRest),
      entry('kubectl-edit', 5, { 'f:spec': { 'f:ports': { [K80]: { 'f:targetPort': {} } } } }),
    ]);
  });

  test('a write that changes nothing leaves managedFields alone', () => {
    assert.deepStrictEqual(recordUpdate(created, created, { manager: 'kubectl-edit', now: T(5) }), created);
  });

  test('removed fields leave every manager', () => {
    const { labels: _labels, ...meta } = created['metadata'] as Obj;
    const out = recordUpdate(created, { ...created, metadata: meta }, { manager: 'kubectl-edit', now: T(5) });
    const { 'f:labels': _, ...metaFields } = csaFields['f:metadata'];
    assert.deepStrictEqual(managed(out), [entry('kubectl-client-side-apply', 0, { ...csaFields, 'f:metadata': metaFields })]);
  });

  test('[{}] strips managedFields, and an untracked object stays untracked', () => {
    const stripped = recordUpdate(created, { ...created, metadata: { ...(created['metadata'] as Obj), managedFields: [{}] } }, { manager: 'm', now: T(5) });
    assert.deepStrictEqual(stripped, service);
    const later = recordUpdate(stripped, withSpec(stripped, { type: 'NodePort' }), { manager: 'm', now: T(6) });
    assert.equal(managed(later), undefined);
  });

  test('managedFields sent by the client replace the live ones', () => {
    const sent = [entry('custom', 3, { 'f:spec': { 'f:type': {} } })];
    const out = recordUpdate(created, withSpec({ ...created, metadata: { ...(created['metadata'] as Obj), managedFields: sent } }, { sessionAffinity: 'None' }), {
      manager: 'kubectl-edit',
      now: T(5),
    });
    assert.deepStrictEqual(managed(out), [...sent, entry('kubectl-edit', 5, { 'f:spec': { 'f:sessionAffinity': {} } })]);
  });

  test('status subresource writers are their own managers and are named with the subresource', () => {
    const pod = recordUpdate(undefined, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } }, { manager: 'kubectl', now: T(1) });
    const status = { conditions: [{ type: 'Ready', status: 'True' }], podIP: '172.25.5.4' };
    const out = recordUpdate(pod, { ...pod, status }, { manager: 'kubelet', now: T(2), subresource: 'status' });
    assert.deepStrictEqual((managed(out) as Obj[])[1], {
      ...entry('kubelet', 2, { 'f:status': { 'f:conditions': { '.': {}, 'k:{"type":"Ready"}': { '.': {}, 'f:status': {}, 'f:type': {} } }, 'f:podIP': {} } }),
      subresource: 'status',
    });
    const conflict = serverSideApply(out, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status: { podIP: '172.25.5.9' } }, { manager: 'x', now: T(3) });
    assert.equal(conflict.kind === 'Conflict' && conflict.error.message, 'Apply failed with 1 conflict: conflict with "kubelet" with subresource "status" using v1: .status.podIP');
  });
});

describe('managedFields codec', () => {
  test('decode/encode round trip keeps entries in kube-apiserver order', () => {
    const entries = [
      entry('b', 2, { 'f:data': { 'f:x': {} } }),
      { manager: 'a', operation: 'Apply', apiVersion: 'v1', time: ts(9), fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:y': {} } } },
      entry('a', 2, { 'f:data': { 'f:z': {} } }),
    ];
    const decoded = decodeManagedFields(entries as unknown as Json);
    assert.ok(typeof decoded !== 'string');
    assert.deepStrictEqual(encodeManagedFields(decoded), [entries[1], entries[2], entries[0]]);
  });

  const bad: [string, unknown, string][] = [
    ['not a list', { a: 1 }, 'managedFields must be a list'],
    ['bad operation', [{ manager: 'a', operation: 'Patch', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} }], 'operation must be `Apply` or `Update`'],
    ['no apiVersion', [{ manager: 'a', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: {} }], 'apiVersion must not be empty'],
    ['bad fieldsType', [{ manager: 'a', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV2', fieldsV1: {} }], 'invalid fieldsType "FieldsV2" in managed fields entry 0'],
    ['bad path element', [{ manager: 'a', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'x:y': {} } }], 'error decoding versioned set from entry 0: unknown FieldsV1 path element "x:y"'],
  ];
  for (const [name, value, message] of bad) {
    test(`rejects ${name}`, () => assert.equal(decodeManagedFields(value as never), message));
  }
});

describe('FieldSet', () => {
  const v1 = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:ports': { [K80]: { '.': {}, 'f:port': {} } }, 'f:finalizers': { 'v:"a/b"': {} }, 'f:args': { 'i:0': {} } } };

  test('FieldsV1 round trip and member paths', () => {
    const s = FieldSet.fromFieldsV1(v1);
    assert.ok(s instanceof FieldSet);
    assert.deepStrictEqual(s.toFieldsV1(), v1);
    assert.deepStrictEqual(s.paths().map(pathString), [
      '.metadata.labels',
      '.metadata.labels.app',
      '.spec.args[0]',
      '.spec.finalizers[="a/b"]',
      '.spec.ports[port=80,protocol="TCP"]',
      '.spec.ports[port=80,protocol="TCP"].port',
    ]);
  });

  test('set algebra on exact paths', () => {
    const a = FieldSet.of([['f:a'], ['f:b', 'f:c'], ['f:b', 'f:d']]);
    const b = FieldSet.of([['f:b', 'f:c'], ['f:e']]);
    assert.deepStrictEqual(a.difference(b).paths(), [['f:a'], ['f:b', 'f:d']]);
    assert.deepStrictEqual(a.intersection(b).paths(), [['f:b', 'f:c']]);
    assert.deepStrictEqual(a.union(b).paths(), [['f:a'], ['f:e'], ['f:b', 'f:c'], ['f:b', 'f:d']]);
    assert.deepStrictEqual(a.recursiveDifference(FieldSet.of([['f:b']])).paths(), [['f:a']]);
    assert.equal(a.difference(a).isEmpty(), true);
  });

  test('rejects malformed FieldsV1', () => {
    assert.equal(FieldSet.fromFieldsV1({ 'k:notjson': {} }), 'invalid FieldsV1 element "k:notjson"');
    assert.equal(FieldSet.fromFieldsV1({ 'f:a': 1 }), 'FieldsV1 entry "f:a" must be an object');
  });
});
