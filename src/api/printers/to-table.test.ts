// Table envelope behaviour (apiserver handlers/response.go asTable; meta/v1 Table JSON) and
// the column sets of every printer, checked against the headers kubectl prints in the
// reference article (kubectl upper-cases column names and hides priority>0 without -o wide).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, Pod } from '../types/index.js';
import { hasDedicatedPrinter, parseIncludeObject, printerFor, toTable } from './index.js';

const NOW = new Date('2019-11-12T12:00:00Z');

function headers(resource: string, wide: boolean): string {
  return printerFor(resource)
    .columns.filter((c) => wide || c.priority === 0)
    .map((c) => c.name.toUpperCase())
    .join(' ');
}

describe('column sets', () => {
  const cases: [string, boolean, string][] = [
    ['pods', true, 'NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES'],
    ['pods', false, 'NAME READY STATUS RESTARTS AGE'],
    ['services', false, 'NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE'],
    ['services', true, 'NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE SELECTOR'],
    ['deployments', false, 'NAME READY UP-TO-DATE AVAILABLE AGE'],
    ['deployments', true, 'NAME READY UP-TO-DATE AVAILABLE AGE CONTAINERS IMAGES SELECTOR'],
    ['replicasets', true, 'NAME DESIRED CURRENT READY AGE CONTAINERS IMAGES SELECTOR'],
    ['namespaces', true, 'NAME STATUS AGE'],
    ['nodes', false, 'NAME STATUS ROLES AGE VERSION'],
    ['nodes', true, 'NAME STATUS ROLES AGE VERSION INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME'],
    ['endpoints', true, 'NAME ENDPOINTS AGE'],
    ['endpointslices', true, 'NAME ADDRESSTYPE PORTS ENDPOINTS AGE'],
    ['events', false, 'LAST SEEN TYPE REASON OBJECT MESSAGE'],
    ['events', true, 'LAST SEEN TYPE REASON OBJECT SUBOBJECT SOURCE MESSAGE FIRST SEEN COUNT NAME'],
    ['leases', true, 'NAME HOLDER AGE'],
    ['configmaps', true, 'NAME DATA AGE'],
    ['secrets', true, 'NAME TYPE DATA AGE'],
    ['widgets.example.com', true, 'NAME AGE'],
  ];
  for (const [resource, wide, want] of cases) test(`${resource}${wide ? ' -o wide' : ''}`, () => assert.equal(headers(resource, wide), want));

  test('every printer: one name-format column, cells match columns, descriptions set', () => {
    const obj: KubeObject = { apiVersion: 'v1', kind: 'X', metadata: { name: 'x' } };
    for (const r of ['pods', 'services', 'deployments', 'replicasets', 'namespaces', 'nodes', 'endpoints', 'endpointslices', 'events', 'leases', 'configmaps', 'secrets', 'other']) {
      const t = toTable(r, [obj], { now: NOW });
      const cols = t.columnDefinitions ?? [];
      assert.equal(cols.filter((c) => c.format === 'name').length, 1, r);
      assert.equal(t.rows[0]?.cells.length, cols.length, r);
      for (const c of cols) assert.ok(c.description.length > 0, `${r}.${c.name}`);
    }
    assert.equal(hasDedicatedPrinter('pods'), true);
    assert.equal(hasDedicatedPrinter('other'), false);
  });

  test('Name and Age columns carry the ObjectMeta swagger docs', () => {
    const [name, , , , age] = printerFor('pods').columns;
    assert.deepEqual(name && { ...name, description: name.description.slice(0, 40) }, {
      name: 'Name',
      type: 'string',
      format: 'name',
      description: 'Name must be unique within a namespace. ',
      priority: 0,
    });
    assert.ok(age?.description.startsWith('CreationTimestamp is a timestamp representing the server time'));
    assert.equal(printerFor('pods').columns.find((c) => c.name === 'Restarts')?.type, 'string');
  });
});

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'nsxtestapp-5bfcc97b5-gdv6n', namespace: 'demons', uid: 'u1', resourceVersion: '42', labels: { run: 'nsxtestapp' }, creationTimestamp: '2019-11-12T11:58:42Z' },
  spec: { containers: [{ name: 'nsxtestapp' }], nodeName: 'k8s-node1' },
  status: { phase: 'Running', podIPs: [{ ip: '172.25.5.2' }], containerStatuses: [{ name: 'nsxtestapp', ready: true, restartCount: 0, image: '', imageID: '', state: { running: {} } }] },
};

describe('table envelope', () => {
  test('defaults: meta.k8s.io/v1 Table with PartialObjectMetadata rows', () => {
    const t = toTable('pods', [pod], { now: NOW, listMeta: { resourceVersion: '100', continue: '' } });
    assert.equal(t.kind, 'Table');
    assert.equal(t.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(t.metadata, { resourceVersion: '100' });
    assert.deepEqual(t.rows[0]?.object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: pod.metadata });
  });

  test('includeObject=Object embeds the object, None gives null', () => {
    assert.equal(toTable('pods', [pod], { now: NOW, includeObject: 'Object' }).rows[0]?.object, pod);
    assert.equal(toTable('pods', [pod], { now: NOW, includeObject: 'None' }).rows[0]?.object, null);
  });

  test('v1beta1 tables carry v1beta1 partial metadata', () => {
    const t = toTable('pods', [pod], { now: NOW, groupVersion: 'meta.k8s.io/v1beta1' });
    assert.equal(t.apiVersion, 'meta.k8s.io/v1beta1');
    assert.equal((t.rows[0]?.object as { apiVersion: string }).apiVersion, 'meta.k8s.io/v1beta1');
  });

  test('noHeaders drops the column definitions (null, like a nil slice)', () => {
    assert.equal(toTable('pods', [pod], { now: NOW, noHeaders: true }).columnDefinitions, null);
  });

  test('an empty list gives rows: [] and keeps continue/remainingItemCount', () => {
    const t = toTable('pods', [], { now: NOW, listMeta: { resourceVersion: '7', continue: 'abc', remainingItemCount: 3 } });
    assert.deepEqual(t.rows, []);
    assert.deepEqual(t.metadata, { resourceVersion: '7', continue: 'abc', remainingItemCount: 3 });
  });

  test('serializes to what kubectl -o wide renders as the article line', () => {
    const t = JSON.parse(JSON.stringify(toTable('pods', [pod], { now: NOW.getTime() }))) as { rows: { cells: string[] }[] };
    assert.equal(t.rows[0]?.cells.join(' '), 'nsxtestapp-5bfcc97b5-gdv6n 1/1 Running 0 78s 172.25.5.2 k8s-node1 <none> <none>');
  });

  test('parseIncludeObject', () => {
    assert.deepEqual(parseIncludeObject(undefined), { ok: true, value: 'Metadata' });
    assert.deepEqual(parseIncludeObject(''), { ok: true, value: 'Metadata' });
    assert.deepEqual(parseIncludeObject('Object'), { ok: true, value: 'Object' });
    assert.deepEqual(parseIncludeObject('None'), { ok: true, value: 'None' });
    assert.deepEqual(parseIncludeObject('all'), { ok: false, error: 'unrecognized includeObject value: "all"' });
  });
});
