// The LoadBalancerIPPool resource over HTTP: discovery (classic and aggregated) lists the new
// svcnet.io group, create/validation with field causes, defaults, the Table kubectl prints.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/apiserver/_test-server.js';

const AGG = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
const BASE = '/apis/svcnet.io/v1alpha1/loadbalancerippools';
const pool = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'svcnet.io/v1alpha1', kind: 'LoadBalancerIPPool', metadata: { name }, spec });

describe('LoadBalancerIPPool over HTTP', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => {
    await s.close();
  });

  test('discovery: /apis, /apis/svcnet.io/v1alpha1 and aggregated discovery list the pool with its short name', async () => {
    const groups = await s.req('GET', '/apis');
    assert.ok(groups.json.groups.some((g: { name: string }) => g.name === 'svcnet.io'));
    const rl = await s.req('GET', '/apis/svcnet.io/v1alpha1');
    const r = rl.json.resources.find((x: { name: string }) => x.name === 'loadbalancerippools');
    assert.deepEqual([r.kind, r.namespaced, r.shortNames], ['LoadBalancerIPPool', false, ['lbpool']]);
    assert.ok(rl.json.resources.some((x: { name: string }) => x.name === 'loadbalancerippools/status'));
    const agg = await s.req('GET', '/apis', { accept: AGG });
    const g = agg.json.items.find((x: { metadata: { name: string } }) => x.metadata.name === 'svcnet.io');
    assert.equal(g.versions[0].version, 'v1alpha1');
    assert.equal(g.versions[0].resources[0].resource, 'loadbalancerippools');
    assert.equal(g.versions[0].resources[0].scope, 'Cluster');
  });

  test('create defaults autoAssign and priority; the Table has NAME CIDRS AUTO-ASSIGN ALLOCATED AVAILABLE AGE', async () => {
    const c = await s.req('POST', BASE, { body: pool('lab', { cidrs: ['10.190.6.0/24'], avoidBuggyIPs: true }) });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.json.spec.autoAssign, true);
    assert.equal(c.json.spec.priority, 0);
    const t = await s.req('GET', BASE, { accept: TABLE });
    assert.deepEqual(t.json.columnDefinitions.map((d: { name: string }) => d.name.toUpperCase()), ['NAME', 'CIDRS', 'AUTO-ASSIGN', 'ALLOCATED', 'AVAILABLE', 'AGE']);
    assert.deepEqual(t.json.rows[0].cells.slice(0, 5), ['lab', '10.190.6.0/24', true, '<none>', '<none>']);
  });

  test('bad CIDR, overlapping ranges and empty pools are 422 with field causes', async () => {
    const bad = await s.req('POST', BASE, { body: pool('bad', { cidrs: ['10.0.0.0/33', '10.1.0.0/24', '10.1.0.10-10.1.0.20'] }) });
    assert.equal(bad.status, 422);
    assert.deepEqual(
      bad.json.details.causes.map((c: { field: string }) => c.field),
      ['spec.cidrs[0]', 'spec.cidrs[2]'],
    );
    assert.match(bad.json.message, /LoadBalancerIPPool\.svcnet\.io "bad" is invalid|LoadBalancerIPPool "bad" is invalid/);
    assert.match(bad.json.message, /overlaps spec\.cidrs\[1\]/);
    const empty = await s.req('POST', BASE, { body: pool('empty', {}) });
    assert.equal(empty.status, 422);
    assert.equal(empty.json.details.causes[0].field, 'spec.cidrs');
    assert.equal(empty.json.details.causes[0].reason, 'FieldValueRequired');
  });
});
