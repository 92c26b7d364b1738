// Object lifecycle over HTTP: generateName, dryRun, field validation, status and scale
// subresources, generation, binding, graceful deletion, finalizers, preconditions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deployment, pod, startTestServer, svc, type TestServer } from './_test-server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

const NS = '/api/v1/namespaces/default';
const SVCS = `${NS}/services`;
const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const CMS = `${NS}/configmaps`;

const cm = (name: string, labels: Record<string, string> = {}, finalizers?: string[]) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels, ...(finalizers !== undefined ? { finalizers } : {}) },
  data: { k: 'v' },
});

describe('create', () => {
  test('generateName makes a unique name with a 5-character suffix', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const r = await s.req('POST', CMS, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } } });
      assert.equal(r.status, 201);
      assert.match(r.json.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.equal(r.json.metadata.generateName, 'gen-');
      names.add(r.json.metadata.name);
    }
    assert.equal(names.size, 5);
  });

  test('server-owned metadata is set and client values are ignored', async () => {
    const body = cm('owned');
    const r = await s.req('POST', CMS, { body: { ...body, metadata: { ...body.metadata, uid: 'mine', resourceVersion: '999', creationTimestamp: '2000-01-01T00:00:00Z' } } });
    assert.equal(r.status, 201);
    assert.notEqual(r.json.metadata.uid, 'mine');
    assert.match(r.json.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.notEqual(r.json.metadata.creationTimestamp, '2000-01-01T00:00:00Z');
    assert.match(r.json.metadata.resourceVersion, /^[0-9]+$/);
    assert.equal(r.json.metadata.namespace, 'default');
  });

  test('dryRun=All creates nothing and holds no allocation', async () => {
    const r = await s.req('POST', `${SVCS}?dryRun=All`, { body: svc('dry', { type: 'NodePort', clusterIP: '10.96.50.50', ports: [{ port: 80, nodePort: 30500 }] }) });
    assert.equal(r.status, 201);
    assert.equal(r.json.spec.clusterIP, '10.96.50.50');
    assert.equal(r.json.spec.ports[0].nodePort, 30500);
    assert.equal((await s.req('GET', `${SVCS}/dry`)).status, 404);
    // The address and port it showed are still free for a real create.
    const real = await s.req('POST', SVCS, { body: svc('real', { type: 'NodePort', clusterIP: '10.96.50.50', ports: [{ port: 80, nodePort: 30500 }] }) });
    assert.equal(real.status, 201, real.text);
    const bad = await s.req('POST', `${SVCS}?dryRun=Some`, { body: svc('dry2') });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.message, 'dryRun: Unsupported value: "Some": supported values: "All"');
  });

  test('dryRun=All on update and delete changes nothing', async () => {
    const cur = (await s.req('POST', CMS, { body: cm('dry-upd') })).json;
    const u = await s.req('PUT', `${CMS}/dry-upd?dryRun=All`, { body: { ...cur, data: { k: 'changed' } } });
    assert.equal(u.status, 200);
    assert.equal(u.json.data.k, 'changed');
    assert.equal((await s.req('GET', `${CMS}/dry-upd`)).json.data.k, 'v');
    const d = await s.req('DELETE', `${CMS}/dry-upd?dryRun=All`);
    assert.equal(d.status, 200);
    assert.equal((await s.req('GET', `${CMS}/dry-upd`)).status, 200);
  });
});

describe('fieldValidation', () => {
  const withFoo = (name: string) => svc(name, { foo: 1 });

  test('Strict refuses unknown fields', async () => {
    const r = await s.req('POST', `${SVCS}?fieldValidation=Strict`, { body: withFoo('strict') });
    assert.equal(r.status, 400);
    assert.equal(r.json.reason, 'BadRequest');
    // kubectl prints this after `Error from server (BadRequest): error when creating ...: `.
    assert.equal(r.json.message, 'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.foo"');
    assert.equal((await s.req('GET', `${SVCS}/strict`)).status, 404);
  });

  test('Warn (also the default) accepts with a Warning header and drops the field', async () => {
    for (const [name, q] of [['warn', '?fieldValidation=Warn'], ['warn-default', '']] as const) {
      const r = await s.req('POST', `${SVCS}${q}`, { body: withFoo(name) });
      assert.equal(r.status, 201);
      assert.equal(r.headers['warning'], '299 - "unknown field \\"spec.foo\\""');
      assert.equal(r.json.spec.foo, undefined);
      assert.equal((await s.req('GET', `${SVCS}/${name}`)).json.spec.foo, undefined);
    }
  });

  test('Ignore accepts silently', async () => {
    const r = await s.req('POST', `${SVCS}?fieldValidation=Ignore`, { body: withFoo('ignore') });
    assert.equal(r.status, 201);
    assert.equal(r.headers['warning'], undefined);
    assert.equal(r.json.spec.foo, undefined);
  });

  test('Strict applies to PUT too; an unknown directive is a 400', async () => {
    const cur = (await s.req('POST', SVCS, { body: svc('strict-put') })).json;
    const r = await s.req('PUT', `${SVCS}/strict-put?fieldValidation=Strict`, { body: { ...cur, spec: { ...cur.spec, bar: true } } });
    assert.equal(r.status, 400);
    assert.equal(r.json.message, 'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.bar"');
    // A patch result fails without the decoder's prefix.
    const p = await s.req('PATCH', `${SVCS}/strict-put?fieldValidation=Strict`, { body: { spec: { bar: true, ports: [{ port: 80, baz: 1 }] } }, contentType: 'application/merge-patch+json' });
    assert.equal(p.status, 400);
    assert.equal(p.json.message, 'strict decoding error: unknown field "spec.ports[0].baz", unknown field "spec.bar"');
    const w = await s.req('PATCH', `${SVCS}/strict-put`, { body: { spec: { bar: true } }, contentType: 'application/merge-patch+json' });
    assert.equal(w.status, 200);
    assert.equal(w.headers['warning'], '299 - "unknown field \\"spec.bar\\""');
    assert.equal(w.json.spec.bar, undefined);
    const bad = await s.req('POST', `${SVCS}?fieldValidation=Loud`, { body: svc('loud') });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.message, 'fieldValidation: Unsupported value: "Loud": supported values: "Ignore", "Strict", "Warn"');
  });
});

describe('status subresource and generation', () => {
  test('PUT /status changes only status; PUT on the object ignores status', async () => {
    const created = (await s.req('POST', SVCS, { body: svc('st', { type: 'LoadBalancer' }) })).json;
    const ingress = [{ ip: '192.0.2.10', ipMode: 'VIP' }];
    const viaStatus = await s.req('PUT', `${SVCS}/st/status`, {
      body: { ...created, metadata: { ...created.metadata, labels: { sneaky: 'yes' } }, spec: { ...created.spec, sessionAffinity: 'ClientIP' }, status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } },
    });
    assert.equal(viaStatus.status, 200, viaStatus.text);
    assert.deepEqual(viaStatus.json.status.loadBalancer.ingress, ingress);
    assert.equal(viaStatus.json.spec.sessionAffinity, 'None');
    assert.equal(viaStatus.json.metadata.labels, undefined);

    const viaMain = await s.req('PUT', `${SVCS}/st`, { body: { ...viaStatus.json, status: { loadBalancer: {} }, metadata: { ...viaStatus.json.metadata, labels: { a: 'b' } } } });
    assert.equal(viaMain.status, 200, viaMain.text);
    assert.deepEqual(viaMain.json.status.loadBalancer.ingress, ingress);
    assert.deepEqual(viaMain.json.metadata.labels, { a: 'b' });
  });

  test('metadata.generation bumps on Deployment spec changes only', async () => {
    const d = (await s.req('POST', DEPLOYS, { body: deployment('gen') })).json;
    assert.equal(d.metadata.generation, 1);
    const labelled = (await s.req('PUT', `${DEPLOYS}/gen`, { body: { ...d, metadata: { ...d.metadata, labels: { x: 'y' } } } })).json;
    assert.equal(labelled.metadata.generation, 1);
    const scaled = (await s.req('PATCH', `${DEPLOYS}/gen`, { body: { spec: { replicas: 3 } }, contentType: 'application/merge-patch+json' })).json;
    assert.equal(scaled.metadata.generation, 2);
    assert.equal(scaled.spec.replicas, 3);
    const status = await s.req('PATCH', `${DEPLOYS}/gen/status`, { body: { status: { observedGeneration: 2, replicas: 3 } }, contentType: 'application/merge-patch+json' });
    assert.equal(status.status, 200, status.text);
    assert.equal(status.json.metadata.generation, 2);
    assert.equal(status.json.status.replicas, 3);
    // A client cannot set generation itself.
    const forged = (await s.req('PUT', `${DEPLOYS}/gen`, { body: { ...status.json, metadata: { ...status.json.metadata, generation: 42 } } })).json;
    assert.equal(forged.metadata.generation, 2);
  });
});

describe('scale subresource', () => {
  test('GET, PUT and PATCH of autoscaling/v1 Scale', async () => {
    await s.req('POST', DEPLOYS, { body: deployment('sc', 2) });
    const g = await s.req('GET', `${DEPLOYS}/sc/scale`);
    assert.equal(g.status, 200);
    assert.equal(g.json.kind, 'Scale');
    assert.equal(g.json.apiVersion, 'autoscaling/v1');
    assert.equal(g.json.metadata.name, 'sc');
    assert.equal(g.json.metadata.namespace, 'default');
    assert.deepEqual(g.json.spec, { replicas: 2 });
    assert.equal(g.json.status.selector, 'app=sc');

    const put = await s.req('PUT', `${DEPLOYS}/sc/scale`, { body: { ...g.json, spec: { replicas: 5 } } });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.kind, 'Scale');
    assert.equal(put.json.spec.replicas, 5);
    const d = (await s.req('GET', `${DEPLOYS}/sc`)).json;
    assert.equal(d.spec.replicas, 5);
    assert.equal(d.metadata.generation, 2);

    const patch = await s.req('PATCH', `${DEPLOYS}/sc/scale`, { body: { spec: { replicas: 1 } }, contentType: 'application/merge-patch+json' });
    assert.equal(patch.status, 200, patch.text);
    assert.equal(patch.json.spec.replicas, 1);
    assert.equal((await s.req('GET', `${DEPLOYS}/sc`)).json.spec.replicas, 1);
  });

  test('PUT of a Scale with a stale resourceVersion is a 409; negative replicas a 422', async () => {
    await s.req('POST', DEPLOYS, { body: deployment('sc2', 2) });
    const g = (await s.req('GET', `${DEPLOYS}/sc2/scale`)).json;
    await s.req('PUT', `${DEPLOYS}/sc2/scale`, { body: { ...g, spec: { replicas: 3 } } });
    const stale = await s.req('PUT', `${DEPLOYS}/sc2/scale`, { body: { ...g, spec: { replicas: 4 } } });
    assert.equal(stale.status, 409);
    assert.equal(stale.json.message, 'Operation cannot be fulfilled on deployments.apps "sc2": the object has been modified; please apply your changes to the latest version and try again');
    assert.equal((await s.req('GET', `${DEPLOYS}/sc2`)).json.spec.replicas, 3);
    const neg = await s.req('PUT', `${DEPLOYS}/sc2/scale`, { body: { spec: { replicas: -1 } } });
    assert.equal(neg.status, 422);
    assert.equal(neg.json.message, 'Scale.autoscaling "sc2" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  });

  test('resources without a scale subresource answer 404', async () => {
    await s.req('POST', SVCS, { body: svc('noscale') });
    assert.equal((await s.req('GET', `${SVCS}/noscale/scale`)).status, 404);
  });
});

describe('pods/binding', () => {
  test('sets nodeName once; a second bind is a 409', async () => {
    await s.req('POST', `${NS}/pods`, { body: pod('bindme') });
    const binding = (node: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bindme' }, target: { apiVersion: 'v1', kind: 'Node', name: node } });
    const r = await s.req('POST', `${NS}/pods/bindme/binding`, { body: binding('n1') });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.kind, 'Status');
    assert.equal(r.json.status, 'Success');
    assert.equal((await s.req('GET', `${NS}/pods/bindme`)).json.spec.nodeName, 'n1');
    const again = await s.req('POST', `${NS}/pods/bindme/binding`, { body: binding('n2') });
    assert.equal(again.status, 409);
    assert.equal(again.json.reason, 'Conflict');
    assert.equal(again.json.message, 'Operation cannot be fulfilled on pods/binding "bindme": pod bindme is already assigned to node "n1"');
    assert.equal((await s.req('GET', `${NS}/pods/bindme`)).json.spec.nodeName, 'n1');
    const missing = await s.req('POST', `${NS}/pods/nobody/binding`, { body: { ...binding('n1'), metadata: { name: 'nobody' } } });
    assert.equal(missing.status, 404);
    assert.equal(missing.json.message, 'pods "nobody" not found');
  });
});

describe('deletion', () => {
  test('a scheduled pod is deleted gracefully; gracePeriodSeconds=0 then removes it', async () => {
    await s.req('POST', `${NS}/pods`, { body: pod('graceful', { nodeName: 'n1', terminationGracePeriodSeconds: 20 }) });
    const before = Date.now();
    const d = await s.req('DELETE', `${NS}/pods/graceful`);
    assert.equal(d.status, 200, d.text);
    assert.equal(d.json.kind, 'Pod');
    assert.equal(d.json.metadata.deletionGracePeriodSeconds, 20);
    const at = Date.parse(d.json.metadata.deletionTimestamp);
    assert.ok(at >= Math.floor(before / 1000) * 1000 + 19_000 && at <= Date.now() + 21_000, d.json.metadata.deletionTimestamp);
    const still = await s.req('GET', `${NS}/pods/graceful`);
    assert.equal(still.status, 200);
    assert.equal(still.json.metadata.deletionTimestamp, d.json.metadata.deletionTimestamp);
    // Deleting again with a longer grace period changes nothing.
    const longer = await s.req('DELETE', `${NS}/pods/graceful?gracePeriodSeconds=60`);
    assert.equal(longer.json.metadata.deletionGracePeriodSeconds, 20);
    // Updates during the grace period (the kubelet reporting status) do not end it early.
    const st = await s.req('PATCH', `${NS}/pods/graceful/status`, { body: { status: { phase: 'Running' } }, contentType: 'application/merge-patch+json' });
    assert.equal(st.status, 200, st.text);
    const lbl = await s.req('PATCH', `${NS}/pods/graceful`, { body: { metadata: { labels: { x: 'y' } } }, contentType: 'application/merge-patch+json' });
    assert.equal(lbl.status, 200, lbl.text);
    assert.equal((await s.req('GET', `${NS}/pods/graceful`)).status, 200);
    const now = await s.req('DELETE', `${NS}/pods/graceful`, { body: { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 } });
    assert.equal(now.status, 200);
    assert.equal((await s.req('GET', `${NS}/pods/graceful`)).status, 404);
  });

  test('a scheduled pod with a finalizer: grace 0 then removing the finalizer deletes it', async () => {
    await s.req('POST', `${NS}/pods`, { body: pod('fin-pod', { nodeName: 'n1' }, { finalizers: ['example.com/x'] }) });
    const d = await s.req('DELETE', `${NS}/pods/fin-pod`);
    assert.equal(d.json.metadata.deletionGracePeriodSeconds, 30);
    // Removing the finalizer during the grace period leaves the pod to its kubelet.
    await s.req('PATCH', `${NS}/pods/fin-pod`, { body: [{ op: 'remove', path: '/metadata/finalizers' }], contentType: 'application/json-patch+json' });
    assert.equal((await s.req('GET', `${NS}/pods/fin-pod`)).status, 200);
    // The kubelet's final delete.
    assert.equal((await s.req('DELETE', `${NS}/pods/fin-pod?gracePeriodSeconds=0`)).status, 200);
    assert.equal((await s.req('GET', `${NS}/pods/fin-pod`)).status, 404);

    await s.req('POST', `${NS}/pods`, { body: pod('fin-pod2', { nodeName: 'n1' }, { finalizers: ['example.com/x'] }) });
    await s.req('DELETE', `${NS}/pods/fin-pod2`);
    const zero = await s.req('DELETE', `${NS}/pods/fin-pod2?gracePeriodSeconds=0`);
    assert.equal(zero.json.metadata.deletionGracePeriodSeconds, 0);
    await s.req('PATCH', `${NS}/pods/fin-pod2`, { body: [{ op: 'remove', path: '/metadata/finalizers' }], contentType: 'application/json-patch+json' });
    assert.equal((await s.req('GET', `${NS}/pods/fin-pod2`)).status, 404);
  });

  test('an unscheduled pod goes at once', async () => {
    await s.req('POST', `${NS}/pods`, { body: pod('pending') });
    const d = await s.req('DELETE', `${NS}/pods/pending`);
    assert.equal(d.status, 200);
    assert.equal((await s.req('GET', `${NS}/pods/pending`)).status, 404);
  });

  test('finalizers keep an object until an update removes them', async () => {
    await s.req('POST', CMS, { body: cm('fin', {}, ['example.com/a', 'example.com/b']) });
    const d = await s.req('DELETE', `${CMS}/fin`);
    assert.equal(d.status, 200);
    assert.ok(d.json.metadata.deletionTimestamp !== undefined);
    assert.equal(d.json.metadata.deletionGracePeriodSeconds, 0);
    let cur = (await s.req('GET', `${CMS}/fin`)).json;
    assert.deepEqual(cur.metadata.finalizers, ['example.com/a', 'example.com/b']);
    const one = await s.req('PUT', `${CMS}/fin`, { body: { ...cur, metadata: { ...cur.metadata, finalizers: ['example.com/b'] } } });
    assert.equal(one.status, 200);
    cur = (await s.req('GET', `${CMS}/fin`)).json;
    assert.deepEqual(cur.metadata.finalizers, ['example.com/b']);
    assert.equal(cur.metadata.deletionTimestamp, d.json.metadata.deletionTimestamp);
    const last = await s.req('PATCH', `${CMS}/fin`, { body: [{ op: 'remove', path: '/metadata/finalizers' }], contentType: 'application/json-patch+json' });
    assert.equal(last.status, 200, last.text);
    assert.equal((await s.req('GET', `${CMS}/fin`)).status, 404);
  });

  test('propagationPolicy=Foreground adds the foregroundDeletion finalizer (query or body)', async () => {
    await s.req('POST', DEPLOYS, { body: deployment('fg1') });
    await s.req('POST', DEPLOYS, { body: deployment('fg2') });
    const q = await s.req('DELETE', `${DEPLOYS}/fg1?propagationPolicy=Foreground`);
    assert.equal(q.status, 200);
    assert.deepEqual(q.json.metadata.finalizers, ['foregroundDeletion']);
    assert.ok(q.json.metadata.deletionTimestamp !== undefined);
    assert.equal(q.json.metadata.deletionGracePeriodSeconds, 0);
    // Marking for deletion bumps generation, as upstream does.
    assert.equal(q.json.metadata.generation, 2);
    const b = await s.req('DELETE', `${DEPLOYS}/fg2`, { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' } });
    assert.deepEqual(b.json.metadata.finalizers, ['foregroundDeletion']);
    assert.equal((await s.req('GET', `${DEPLOYS}/fg2`)).status, 200);
    // Background deletes at once.
    await s.req('POST', DEPLOYS, { body: deployment('bg') });
    assert.equal((await s.req('DELETE', `${DEPLOYS}/bg?propagationPolicy=Background`)).status, 200);
    assert.equal((await s.req('GET', `${DEPLOYS}/bg`)).status, 404);
  });

  test('preconditions on uid and resourceVersion', async () => {
    const created = (await s.req('POST', CMS, { body: cm('pre') })).json;
    const uid = await s.req('DELETE', `${CMS}/pre`, { body: { preconditions: { uid: 'not-the-uid' } } });
    assert.equal(uid.status, 409);
    assert.equal(uid.json.reason, 'Conflict');
    assert.equal(uid.json.message, `Operation cannot be fulfilled on configmaps "pre": Precondition failed: UID in precondition: not-the-uid, UID in object meta: ${created.metadata.uid}`);
    const rv = await s.req('DELETE', `${CMS}/pre`, { body: { preconditions: { resourceVersion: '1' } } });
    assert.equal(rv.status, 409);
    assert.equal(rv.json.message, `Operation cannot be fulfilled on configmaps "pre": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in meta: ${created.metadata.resourceVersion}`);
    assert.equal((await s.req('GET', `${CMS}/pre`)).status, 200);
    const ok = await s.req('DELETE', `${CMS}/pre`, { body: { preconditions: { uid: created.metadata.uid, resourceVersion: created.metadata.resourceVersion } } });
    assert.equal(ok.status, 200);
    assert.equal((await s.req('GET', `${CMS}/pre`)).status, 404);
  });

  test('deletecollection with a label selector', async () => {
    await s.req('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dc' } } });
    for (const [n, l] of [['a', 'x'], ['b', 'x'], ['c', 'y']] as const) await s.req('POST', '/api/v1/namespaces/dc/configmaps', { body: cm(n, { l }) });
    const r = await s.req('DELETE', '/api/v1/namespaces/dc/configmaps?labelSelector=l%3Dx');
    assert.equal(r.status, 200);
    assert.equal(r.json.kind, 'ConfigMapList');
    assert.deepEqual(r.json.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(), ['a', 'b']);
    const left = (await s.req('GET', '/api/v1/namespaces/dc/configmaps')).json.items.map((i: { metadata: { name: string } }) => i.metadata.name);
    assert.deepEqual(left, ['c']);
  });

  test('deleting a Service frees its ClusterIP and nodePort', async () => {
    const spec = { type: 'NodePort', clusterIP: '10.96.60.60', ports: [{ port: 80, nodePort: 30600 }] };
    assert.equal((await s.req('POST', SVCS, { body: svc('free1', spec) })).status, 201);
    assert.equal((await s.req('POST', SVCS, { body: svc('free2', spec) })).status, 422);
    assert.equal((await s.req('DELETE', `${SVCS}/free1`)).status, 200);
    assert.equal((await s.req('POST', SVCS, { body: svc('free2', spec) })).status, 201);
  });

  test('type changes LoadBalancer -> NodePort -> ClusterIP -> ExternalName (as `kubectl patch` sends them) free what is no longer needed', async () => {
    const mp = (body: unknown) => s.req('PATCH', `${SVCS}/tchg`, { body, contentType: 'application/merge-patch+json' });
    const lb = await s.req('POST', SVCS, { body: svc('tchg', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30700 }] }) });
    assert.equal(lb.status, 201, lb.text);
    const hc = lb.json.spec.healthCheckNodePort;
    assert.ok(hc >= 30000);
    await s.req('PATCH', `${SVCS}/tchg/status`, { body: { status: { loadBalancer: { ingress: [{ ip: '192.0.2.20' }] } } }, contentType: 'application/merge-patch+json' });

    const np = await mp({ spec: { type: 'NodePort' } });
    assert.equal(np.status, 200, np.text);
    assert.equal(np.json.spec.healthCheckNodePort, undefined);
    assert.equal(np.json.spec.ports[0].nodePort, 30700);
    assert.equal(np.json.spec.allocateLoadBalancerNodePorts, undefined);
    assert.deepEqual(np.json.status.loadBalancer, {});

    const cip = await mp({ spec: { type: 'ClusterIP' } });
    assert.equal(cip.status, 200, cip.text);
    assert.equal(cip.json.spec.ports[0].nodePort, undefined);
    assert.equal(cip.json.spec.externalTrafficPolicy, undefined);
    assert.equal(cip.json.spec.clusterIP, lb.json.spec.clusterIP);

    const ext = await mp({ spec: { type: 'ExternalName', externalName: 'example.com' } });
    assert.equal(ext.status, 200, ext.text);
    assert.equal(ext.json.spec.clusterIP, undefined);
    assert.equal(ext.json.spec.clusterIPs, undefined);

    // Everything it held is free again.
    const again = await s.req('POST', SVCS, {
      body: svc('tchg2', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', clusterIP: lb.json.spec.clusterIP, healthCheckNodePort: hc, ports: [{ port: 80, nodePort: 30700 }] }),
    });
    assert.equal(again.status, 201, again.text);
  });
});

describe('headless services', () => {
  test('clusterIP None alone is accepted and mirrored into clusterIPs, as kube-apiserver does', async () => {
    const s = await startTestServer();
    try {
      await s.req('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'hl' } } });
      const r = await s.req('POST', '/api/v1/namespaces/hl/services', { body: svc('web', { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] }) });
      assert.equal(r.status, 201, r.text);
      const spec = (r.json as { spec: { clusterIP: string; clusterIPs: string[]; ipFamilies: string[] } }).spec;
      assert.equal(spec.clusterIP, 'None');
      assert.deepEqual(spec.clusterIPs, ['None']);
      assert.deepEqual(spec.ipFamilies, ['IPv4']);
    } finally {
      await s.close();
    }
  });
});
