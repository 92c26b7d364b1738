// Error responses over HTTP, each checked against what kube-apiserver answers:
// Status reason, code, message wording and details.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, svc, type TestServer } from './_test-server.js';

let s: TestServer;
const LIMIT = 64 * 1024;
before(async () => {
  s = await startTestServer({ maxBodyBytes: LIMIT });
});
after(() => s.close());

const SVCS = '/api/v1/namespaces/default/services';

function assertStatus(body: unknown, code: number, reason: string, message?: string | RegExp) {
  const st = body as { kind?: string; apiVersion?: string; status?: string; code?: number; reason?: string; message?: string };
  assert.equal(st.kind, 'Status');
  assert.equal(st.apiVersion, 'v1');
  assert.equal(st.status, 'Failure');
  assert.equal(st.code, code);
  assert.equal(st.reason, reason);
  if (typeof message === 'string') assert.equal(st.message, message);
  else if (message !== undefined) assert.match(st.message ?? '', message);
}

describe('authentication', () => {
  test('401 without a token and with a wrong one', async () => {
    for (const token of [null, 'wrong']) {
      const r = await s.req('GET', SVCS, { token });
      assert.equal(r.status, 401);
      assertStatus(r.json, 401, 'Unauthorized', 'Unauthorized');
    }
  });

  test('health and version are public', async () => {
    for (const p of ['/healthz', '/livez', '/readyz', '/version']) assert.equal((await s.req('GET', p, { token: null })).status, 200, p);
    assert.equal((await s.req('GET', '/metrics', { token: null })).status, 401);
  });
});

describe('not found, conflicts, invalid', () => {
  test('404 NotFound for a missing object', async () => {
    const r = await s.req('GET', `${SVCS}/x`);
    assert.equal(r.status, 404);
    assertStatus(r.json, 404, 'NotFound', 'services "x" not found');
    assert.deepEqual(r.json.details, { name: 'x', kind: 'services' });
    const d = await s.req('GET', '/apis/apps/v1/namespaces/default/deployments/nope');
    assertStatus(d.json, 404, 'NotFound', 'deployments.apps "nope" not found');
    assert.deepEqual(d.json.details, { name: 'nope', group: 'apps', kind: 'deployments' });
  });

  test('404 for an unknown resource or subresource', async () => {
    for (const p of ['/api/v1/namespaces/default/widgets', '/api/v1/namespaces/default/services/x/bogus', '/apis/nope.example.com/v1/things', '/api/v1/namespaces/default/nodes']) {
      const r = await s.req('GET', p);
      assert.equal(r.status, 404, p);
      assertStatus(r.json, 404, 'NotFound', 'the server could not find the requested resource');
    }
  });

  test('409 AlreadyExists', async () => {
    assert.equal((await s.req('POST', SVCS, { body: svc('dup') })).status, 201);
    const r = await s.req('POST', SVCS, { body: svc('dup') });
    assert.equal(r.status, 409);
    assertStatus(r.json, 409, 'AlreadyExists', 'services "dup" already exists');
    assert.deepEqual(r.json.details, { name: 'dup', kind: 'services' });
  });

  test('409 Conflict on PUT with a stale resourceVersion', async () => {
    const created = (await s.req('POST', SVCS, { body: svc('stale') })).json;
    const first = { ...created, metadata: { ...created.metadata, labels: { v: '1' } } };
    const u1 = await s.req('PUT', `${SVCS}/stale`, { body: first });
    assert.equal(u1.status, 200);
    assert.notEqual(u1.json.metadata.resourceVersion, created.metadata.resourceVersion);
    // Same base resourceVersion again: someone else wrote in between.
    const r = await s.req('PUT', `${SVCS}/stale`, { body: { ...created, metadata: { ...created.metadata, labels: { v: '2' } } } });
    assert.equal(r.status, 409);
    assertStatus(r.json, 409, 'Conflict', 'Operation cannot be fulfilled on services "stale": the object has been modified; please apply your changes to the latest version and try again');
    assert.deepEqual(r.json.details, { name: 'stale', kind: 'services' });
    assert.deepEqual((await s.req('GET', `${SVCS}/stale`)).json.metadata.labels, { v: '1' });
  });

  test('a resourceVersion inside a patch is a precondition', async () => {
    const created = (await s.req('POST', SVCS, { body: svc('pre-patch') })).json;
    const mp = (rv: string, v: string) => s.req('PATCH', `${SVCS}/pre-patch`, { body: { metadata: { resourceVersion: rv, labels: { v } } }, contentType: 'application/merge-patch+json' });
    const ok = await mp(created.metadata.resourceVersion, '1');
    assert.equal(ok.status, 200, ok.text);
    const stale = await mp(created.metadata.resourceVersion, '2');
    assert.equal(stale.status, 409);
    assertStatus(stale.json, 409, 'Conflict', 'Operation cannot be fulfilled on services "pre-patch": the object has been modified; please apply your changes to the latest version and try again');
    assert.deepEqual((await s.req('GET', `${SVCS}/pre-patch`)).json.metadata.labels, { v: '1' });
  });

  test('PUT of a missing object is 404 (Services do not allow create-on-update)', async () => {
    const r = await s.req('PUT', `${SVCS}/ghost`, { body: svc('ghost') });
    assertStatus(r.json, 404, 'NotFound', 'services "ghost" not found');
  });

  test('422 Invalid with details.causes', async () => {
    const r = await s.req('POST', SVCS, { body: svc('bad', { ports: [{ port: 80, protocol: 'XYZ' }] }) });
    assert.equal(r.status, 422);
    assertStatus(r.json, 422, 'Invalid', 'Service "bad" is invalid: spec.ports[0].protocol: Unsupported value: "XYZ": supported values: "SCTP", "TCP", "UDP"');
    assert.deepEqual(r.json.details, {
      name: 'bad',
      kind: 'Service',
      causes: [{ reason: 'FieldValueNotSupported', message: 'Unsupported value: "XYZ": supported values: "SCTP", "TCP", "UDP"', field: 'spec.ports[0].protocol' }],
    });
    // Several causes are listed in brackets (port 0 also defaults targetPort to 0, as upstream).
    const two = await s.req('POST', SVCS, { body: svc('bad', { ports: [{ port: 0, protocol: 'TCP' }] }) });
    assertStatus(
      two.json,
      422,
      'Invalid',
      'Service "bad" is invalid: [spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive]',
    );
    assert.deepEqual(two.json.details.causes.map((c: { field: string }) => c.field), ['spec.ports[0].port', 'spec.ports[0].targetPort']);
    // Nothing was allocated for the refused Service: the requested address is still free.
    const again = await s.req('POST', SVCS, { body: svc('bad2', { clusterIP: '10.96.7.7', ports: [{ port: 0 }] }) });
    assert.equal(again.status, 422);
    assert.equal((await s.req('POST', SVCS, { body: svc('good', { clusterIP: '10.96.7.7' }) })).status, 201);
  });

  test('422 for a requested ClusterIP that is taken, with the upstream wording', async () => {
    await s.req('POST', SVCS, { body: svc('ip1', { clusterIP: '10.96.9.9' }) });
    const r = await s.req('POST', SVCS, { body: svc('ip2', { clusterIP: '10.96.9.9' }) });
    assertStatus(r.json, 422, 'Invalid', 'Service "ip2" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.9.9"}: failed to allocate IP 10.96.9.9: provided IP is already allocated');
    const np = await s.req('POST', SVCS, { body: svc('np1', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }) });
    assertStatus(np.json, 422, 'Invalid', 'Service "np1" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767');
  });

  test('405 for a verb the resource path does not take', async () => {
    const r = await s.req('POST', `${SVCS}/x`, { body: svc('x') });
    assert.equal(r.status, 405);
    assertStatus(r.json, 405, 'MethodNotAllowed');
  });

  test('namespaced resources without a namespace only list: 405 for writes, 404 for names', async () => {
    for (const [method, body] of [['POST', svc('nons')], ['DELETE', undefined]] as const) {
      const r = await s.req(method, '/api/v1/services', body !== undefined ? { body } : {});
      assert.equal(r.status, 405, `${method}: ${r.text}`);
      assertStatus(r.json, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
    // deletecollection across all namespaces did not happen.
    assert.equal((await s.req('GET', `${SVCS}/dup`)).status, 200);
    assert.equal((await s.req('GET', '/api/v1/services/kubernetes')).status, 404);
    assert.equal((await s.req('GET', '/api/v1/services')).status, 200);
  });

  test('406 when nothing in Accept can be produced', async () => {
    const r = await s.req('GET', SVCS, { accept: 'application/xml' });
    assert.equal(r.status, 406);
    assertStatus(r.json, 406, 'NotAcceptable');
  });
});

describe('bodies the server cannot take', () => {
  test('415 for an unknown Content-Type (create and patch have their own lists)', async () => {
    const r = await s.req('POST', SVCS, { body: 'x', contentType: 'text/plain' });
    assert.equal(r.status, 415);
    assertStatus(r.json, 415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
    await s.req('POST', SVCS, { body: svc('p415') });
    const p = await s.req('PATCH', `${SVCS}/p415`, { body: '{}', contentType: 'application/json' });
    assert.equal(p.status, 415);
    assertStatus(
      p.json,
      415,
      'UnsupportedMediaType',
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
    );
  });

  const bad: Array<[string, string | Buffer, string]> = [
    ['malformed JSON', '{"apiVersion": "v1", "kind": ', 'application/json'],
    ['a JSON array', JSON.stringify([svc('arr')]), 'application/json'],
    ['a JSON scalar', '42', 'application/json'],
    ['malformed YAML', 'apiVersion: v1\nkind: Service\nmetadata: {name: [\n', 'application/yaml'],
    ['YAML that is not a mapping', '- a\n- b\n', 'application/yaml'],
    ['garbage protobuf', Buffer.from([0x6b, 0x38, 0x73, 0x00, 0xff, 0xff, 0xff, 0x01, 0x02]), 'application/vnd.kubernetes.protobuf'],
    ['protobuf without the magic prefix', Buffer.from('not protobuf at all'), 'application/vnd.kubernetes.protobuf'],
  ];
  for (const [what, body, contentType] of bad) {
    test(`400 for ${what}`, async () => {
      const r = await s.req('POST', SVCS, { body, contentType });
      assert.equal(r.status, 400, r.text);
      assertStatus(r.json, 400, 'BadRequest');
      assert.equal((await s.req('GET', '/healthz')).status, 200);
    });
  }

  test('400 for values of the wrong JSON type, before defaulting or validation see them', async () => {
    const cases: Array<[unknown, string]> = [
      [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 5 } }, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field metadata.name of type string'],
      [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'l', labels: { a: 1 } } }, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field metadata.labels.a of type string'],
      [{ ...svc('t1'), spec: 'hello' }, 'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into Go struct field spec of type object'],
      [{ ...svc('t2'), spec: { ports: 'x' } }, 'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into Go struct field spec.ports of type array'],
      [{ ...svc('t3'), spec: { ports: [{ port: 80.5 }] } }, 'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal number into Go struct field spec.ports[0].port of type integer'],
      [{ ...svc('t4'), spec: { ports: [{ port: 80, targetPort: true }] } }, 'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal bool into Go struct field spec.ports[0].targetPort of type integer or string'],
    ];
    for (const [body, message] of cases) {
      const path = (body as { kind: string }).kind === 'ConfigMap' ? '/api/v1/namespaces/default/configmaps' : SVCS;
      const r = await s.req('POST', path, { body });
      assert.equal(r.status, 400, r.text);
      assertStatus(r.json, 400, 'BadRequest', message);
    }
    // int-or-string takes both; null is the zero value.
    assert.equal((await s.req('POST', SVCS, { body: svc('t5', { ports: [{ name: 'a', port: 80, targetPort: 'http' }, { name: 'b', port: 81, targetPort: 8081 }], selector: null }) })).status, 201);
    // The same checks apply to the result of a patch (without the decoder's prefix).
    const p = await s.req('PATCH', `${SVCS}/t5`, { body: { spec: { sessionAffinity: 3 } }, contentType: 'application/merge-patch+json' });
    assertStatus(p.json, 400, 'BadRequest', 'json: cannot unmarshal number into Go struct field spec.sessionAffinity of type string');
  });

  test('400 for DeleteOptions that are not an object', async () => {
    await s.req('POST', SVCS, { body: svc('delopts') });
    for (const body of ['[]', 'null', '"x"', '{']) {
      const r = await s.req('DELETE', `${SVCS}/delopts`, { body });
      assertStatus(r.json, 400, 'BadRequest', 'the body of the request could not be decoded as DeleteOptions');
    }
    assert.equal((await s.req('GET', `${SVCS}/delopts`)).status, 200);
  });

  test('400 for malformed JSON in a patch', async () => {
    await s.req('POST', SVCS, { body: svc('patchme') });
    const r = await s.req('PATCH', `${SVCS}/patchme`, { body: '{"metadata":', contentType: 'application/merge-patch+json' });
    assertStatus(r.json, 400, 'BadRequest');
  });

  test('413 for a body over the limit, then the server keeps serving', async () => {
    const big = svc('big', {}, { annotations: { blob: 'x'.repeat(LIMIT) } });
    const r = await s.req('POST', SVCS, { body: big });
    assert.equal(r.status, 413);
    assertStatus(r.json, 413, 'RequestEntityTooLarge', `Request entity too large: limit is ${LIMIT}`);
    // Chunked (no Content-Length): the limit is enforced while reading.
    const chunked = await s.req('POST', SVCS, { body: big, headers: { 'Transfer-Encoding': 'chunked' } });
    assert.equal(chunked.status, 413);
    const list = await s.req('GET', SVCS);
    assert.equal(list.status, 200);
    assert.ok(!list.json.items.some((i: { metadata: { name: string } }) => i.metadata.name === 'big'));
  });
});

describe('namespace admission', () => {
  test('404 when creating into a missing namespace', async () => {
    const r = await s.req('POST', '/api/v1/namespaces/nope/services', { body: svc('x') });
    assert.equal(r.status, 404);
    assertStatus(r.json, 404, 'NotFound', 'namespaces "nope" not found');
    assert.deepEqual(r.json.details, { name: 'nope', kind: 'namespaces' });
  });

  test('400 when the body names another namespace', async () => {
    const r = await s.req('POST', SVCS, { body: svc('x', {}, { namespace: 'kube-system' }) });
    assertStatus(r.json, 400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
  });

  test('403 NamespaceTerminating when creating into a namespace being deleted', async () => {
    assert.equal((await s.req('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } } })).status, 201);
    // A finalizer nobody removes keeps the namespace in Terminating.
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] }, data: { a: 'b' } };
    assert.equal((await s.req('POST', '/api/v1/namespaces/doomed/configmaps', { body: cm })).status, 201);
    const del = await s.req('DELETE', '/api/v1/namespaces/doomed');
    assert.equal(del.status, 200);
    assert.equal(del.json.status.phase, 'Terminating');
    const r = await s.req('POST', '/api/v1/namespaces/doomed/services', { body: svc('late') });
    assert.equal(r.status, 403);
    assertStatus(r.json, 403, 'Forbidden', 'services "late" is forbidden: unable to create new content in namespace doomed because it is being terminated');
    assert.deepEqual(r.json.details, {
      name: 'late',
      kind: 'services',
      causes: [{ reason: 'NamespaceTerminating', message: 'namespace doomed is being terminated', field: 'metadata.namespace' }],
    });
    // Release the finalizer so the namespace can go away.
    const cur = (await s.req('GET', '/api/v1/namespaces/doomed/configmaps/held')).json;
    await s.req('PUT', '/api/v1/namespaces/doomed/configmaps/held', { body: { ...cur, metadata: { ...cur.metadata, finalizers: [] } } });
    assert.equal((await s.req('GET', '/api/v1/namespaces/doomed/configmaps/held')).status, 404);
  });
});
