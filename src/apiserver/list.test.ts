// LIST over HTTP: selectors, limit/continue paging, resourceVersion semantics, Table and
// PartialObjectMetadata output; plus /metrics, /readyz and /version.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pod, startTestServer, svc, type TestServer } from './_test-server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
  await s.req('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ls' } } });
});
after(() => s.close());

const CMS = '/api/v1/namespaces/ls/configmaps';
const KUBECTL_TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const names = (r: { json: { items: Array<{ metadata: { name: string } }> } }) => r.json.items.map((i) => i.metadata.name);
const cm = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels } });

async function mustCreate(path: string, body: unknown): Promise<{ metadata: { resourceVersion: string; name: string } }> {
  const r = await s.req('POST', path, { body });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

describe('selectors', () => {
  before(async () => {
    await mustCreate(CMS, cm('sel-a', { app: 'a', tier: 'web' }));
    await mustCreate(CMS, cm('sel-b', { app: 'b', tier: 'web' }));
    await mustCreate(CMS, cm('sel-c', { tier: 'db' }));
  });

  const cases: Array<[string, string[]]> = [
    ['app=a', ['sel-a']],
    ['app!=a', ['sel-b', 'sel-c']],
    ['app in (a,b)', ['sel-a', 'sel-b']],
    ['!app', ['sel-c']],
    ['app', ['sel-a', 'sel-b']],
    ['tier=web,app notin (a)', ['sel-b']],
  ];
  for (const [sel, want] of cases) {
    test(`labelSelector ${sel}`, async () => {
      const r = await s.req('GET', `${CMS}?labelSelector=${encodeURIComponent(sel)}`);
      assert.equal(r.status, 200);
      assert.equal(r.json.kind, 'ConfigMapList');
      assert.deepEqual(names(r).filter((n) => n.startsWith('sel-')), want);
    });
  }

  test('a malformed label selector is a 400', async () => {
    const r = await s.req('GET', `${CMS}?labelSelector=${encodeURIComponent('app in (a')}`);
    assert.equal(r.status, 400);
    assert.equal(r.json.reason, 'BadRequest');
  });

  test('fieldSelector metadata.name, and != ', async () => {
    assert.deepEqual(names(await s.req('GET', `${CMS}?fieldSelector=metadata.name%3Dsel-b`)), ['sel-b']);
    assert.deepEqual(names(await s.req('GET', `${CMS}?fieldSelector=metadata.name!%3Dsel-b&labelSelector=tier`)), ['sel-a', 'sel-c']);
  });

  test('fieldSelector spec.nodeName for pods (across namespaces)', async () => {
    await mustCreate('/api/v1/namespaces/ls/pods', pod('on-n1', { nodeName: 'n1' }));
    await mustCreate('/api/v1/namespaces/ls/pods', pod('on-n2', { nodeName: 'n2' }));
    await mustCreate('/api/v1/namespaces/ls/pods', pod('nowhere'));
    assert.deepEqual(names(await s.req('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dn1')), ['on-n1']);
    // The scheduler's query: pods not yet bound.
    assert.deepEqual(names(await s.req('GET', '/api/v1/namespaces/ls/pods?fieldSelector=spec.nodeName%3D')), ['nowhere']);
  });

  test('fieldSelector involvedObject.name for events', async () => {
    const ev = (name: string, obj: string) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name },
      involvedObject: { kind: 'Pod', namespace: 'ls', name: obj },
      reason: 'Testing',
      message: 'hello',
      type: 'Normal',
      source: { component: 'test' },
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:00Z',
      count: 1,
    });
    await mustCreate('/api/v1/namespaces/ls/events', ev('e1', 'on-n1'));
    await mustCreate('/api/v1/namespaces/ls/events', ev('e2', 'on-n2'));
    assert.deepEqual(names(await s.req('GET', '/api/v1/namespaces/ls/events?fieldSelector=involvedObject.name%3Don-n2')), ['e2']);
  });

  test('an unsupported field label is a 400', async () => {
    const r = await s.req('GET', `${CMS}?fieldSelector=spec.foo%3Dx`);
    assert.equal(r.status, 400);
    assert.equal(r.json.reason, 'BadRequest');
    assert.equal(r.json.message, '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });
});

describe('limit and continue', () => {
  const NS = '/api/v1/namespaces/pg/configmaps';
  before(async () => {
    await mustCreate('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pg' } });
    for (let i = 0; i < 10; i++) await mustCreate(NS, cm(`p${i}`, { even: String(i % 2 === 0) }));
  });

  test('pages are a stable snapshot while writes happen', async () => {
    const first = await s.req('GET', `${NS}?limit=4`);
    assert.equal(first.status, 200);
    assert.deepEqual(names(first), ['p0', 'p1', 'p2', 'p3']);
    assert.equal(first.json.metadata.remainingItemCount, 6);
    const token: string = first.json.metadata.continue;
    assert.ok(token !== undefined && token !== '');
    const rv = first.json.metadata.resourceVersion;

    // Writes after the first page: none of them shows up in the rest of this list.
    await mustCreate(NS, cm('p45'));
    await s.req('DELETE', `${NS}/p5`);
    const p6 = (await s.req('GET', `${NS}/p6`)).json;
    await s.req('PUT', `${NS}/p6`, { body: { ...p6, data: { changed: 'yes' } } });

    const second = await s.req('GET', `${NS}?limit=4&continue=${encodeURIComponent(token)}`);
    assert.equal(second.status, 200);
    assert.deepEqual(names(second), ['p4', 'p5', 'p6', 'p7']);
    assert.equal(second.json.metadata.resourceVersion, rv);
    assert.equal(second.json.items[2].data, undefined);
    assert.equal(second.json.metadata.remainingItemCount, 2);
    const third = await s.req('GET', `${NS}?limit=4&continue=${encodeURIComponent(second.json.metadata.continue)}`);
    assert.deepEqual(names(third), ['p8', 'p9']);
    assert.equal(third.json.metadata.continue, undefined);
    assert.equal(third.json.metadata.remainingItemCount, undefined);

    // A fresh list sees the writes.
    const now = names(await s.req('GET', NS));
    assert.deepEqual(now, ['p0', 'p1', 'p2', 'p3', 'p4', 'p45', 'p6', 'p7', 'p8', 'p9']);
  });

  test('with a selector, pages are filled up to the limit and carry no remainingItemCount', async () => {
    const first = await s.req('GET', `${NS}?limit=2&labelSelector=even%3Dtrue`);
    assert.deepEqual(names(first), ['p0', 'p2']);
    assert.equal(first.json.metadata.remainingItemCount, undefined);
    const rest: string[] = [];
    let token = first.json.metadata.continue as string | undefined;
    while (token !== undefined) {
      const page = await s.req('GET', `${NS}?limit=2&labelSelector=even%3Dtrue&continue=${encodeURIComponent(token)}`);
      rest.push(...names(page));
      token = page.json.metadata.continue;
    }
    assert.deepEqual(rest, ['p4', 'p6', 'p8']);
  });

  test('a bad limit or continue token is a 400', async () => {
    assert.equal((await s.req('GET', `${NS}?limit=-1`)).status, 400);
    const r = await s.req('GET', `${NS}?limit=2&continue=garbage`);
    assert.equal(r.status, 400);
    assert.equal(r.json.reason, 'BadRequest');
  });

  test('a continue token from before a compaction is a 410', async () => {
    const first = await s.req('GET', `${NS}?limit=2`);
    await mustCreate(NS, cm('after-compact'));
    await s.store.compact(s.store.currentRevision());
    const r = await s.req('GET', `${NS}?limit=2&continue=${encodeURIComponent(first.json.metadata.continue)}`);
    assert.equal(r.status, 410);
    assert.equal(r.json.reason, 'Expired');
    assert.match(r.json.message, /^The provided continue parameter is too old to display a consistent list result\./);
  });
});

describe('resourceVersion semantics', () => {
  const NS = '/api/v1/namespaces/rv/configmaps';
  let rvBefore = '';
  before(async () => {
    await mustCreate('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'rv' } });
    rvBefore = (await mustCreate(NS, cm('old'))).metadata.resourceVersion;
    await mustCreate(NS, cm('new'));
  });

  test('unset and 0 serve the latest state', async () => {
    for (const q of ['', '?resourceVersion=0']) {
      const r = await s.req('GET', `${NS}${q}`);
      assert.equal(r.status, 200);
      assert.deepEqual(names(r), ['new', 'old']);
      assert.ok(Number(r.json.metadata.resourceVersion) >= Number(rvBefore) + 1);
    }
  });

  test('Exact serves the snapshot at that version', async () => {
    const r = await s.req('GET', `${NS}?resourceVersion=${rvBefore}&resourceVersionMatch=Exact`);
    assert.equal(r.status, 200);
    assert.deepEqual(names(r), ['old']);
    assert.equal(r.json.metadata.resourceVersion, rvBefore);
  });

  test('NotOlderThan (and a bare resourceVersion) serve something at least that new', async () => {
    for (const q of [`?resourceVersion=${rvBefore}&resourceVersionMatch=NotOlderThan`, `?resourceVersion=${rvBefore}`]) {
      const r = await s.req('GET', `${NS}${q}`);
      assert.equal(r.status, 200);
      assert.deepEqual(names(r), ['new', 'old']);
      assert.ok(Number(r.json.metadata.resourceVersion) > Number(rvBefore));
    }
  });

  test('a version from the future is a 504 Timeout with the ResourceVersionTooLarge cause', async () => {
    const future = s.store.currentRevision() + 1000;
    const r = await s.req('GET', `${NS}?resourceVersion=${future}&resourceVersionMatch=NotOlderThan`);
    assert.equal(r.status, 504);
    assert.equal(r.json.reason, 'Timeout');
    assert.equal(r.json.message, `Timeout: Too large resource version: ${future}, current: ${s.store.currentRevision()}`);
    assert.deepEqual(r.json.details, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 });
    const exact = await s.req('GET', `${NS}?resourceVersion=${future}&resourceVersionMatch=Exact`);
    assert.equal(exact.status, 504);
    assert.equal(exact.json.reason, 'Timeout');
  });

  test('Exact below the compaction point is a 410', async () => {
    const store = s.store;
    await store.compact(store.currentRevision());
    const r = await s.req('GET', `${NS}?resourceVersion=${rvBefore}&resourceVersionMatch=Exact`);
    assert.equal(r.status, 410);
    assert.equal(r.json.reason, 'Expired');
    assert.equal(r.json.message, 'The resourceVersion for the provided list is too old.');
  });

  test('invalid combinations are refused', async () => {
    const noRv = await s.req('GET', `${NS}?resourceVersionMatch=Exact`);
    assert.equal(noRv.status, 422);
    assert.equal(noRv.json.reason, 'Invalid');
    assert.equal(noRv.json.message, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
    const zero = await s.req('GET', `${NS}?resourceVersion=0&resourceVersionMatch=Exact`);
    assert.equal(zero.status, 422);
    assert.equal(zero.json.message, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
    const bad = await s.req('GET', `${NS}?resourceVersion=abc`);
    assert.equal(bad.status, 400);
  });
});

describe('representations', () => {
  before(async () => {
    await mustCreate('/api/v1/namespaces/ls/services', svc('tbl', { type: 'NodePort' }));
  });

  test("list as a Table with kubectl's Accept header", async () => {
    const r = await s.req('GET', '/api/v1/namespaces/ls/services', { accept: KUBECTL_TABLE });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json;as=Table;v=v1;g=meta.k8s.io');
    assert.equal(r.json.kind, 'Table');
    assert.equal(r.json.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(r.json.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
    assert.match(r.json.metadata.resourceVersion, /^[0-9]+$/);
    assert.equal(r.json.rows.length, 1);
    const row = r.json.rows[0];
    assert.equal(row.cells[0], 'tbl');
    assert.equal(row.cells[1], 'NodePort');
    assert.equal(row.object.kind, 'PartialObjectMetadata');
    assert.equal(row.object.apiVersion, 'meta.k8s.io/v1');
    assert.equal(row.object.metadata.name, 'tbl');
  });

  test('Table rows with includeObject=Object and None', async () => {
    const full = await s.req('GET', '/api/v1/namespaces/ls/services?includeObject=Object', { accept: KUBECTL_TABLE });
    assert.equal(full.json.rows[0].object.kind, 'Service');
    assert.equal(full.json.rows[0].object.spec.type, 'NodePort');
    const none = await s.req('GET', '/api/v1/namespaces/ls/services?includeObject=None', { accept: KUBECTL_TABLE });
    // RawExtension serialises as null, not omitted.
    assert.equal(none.json.rows[0].object, null);
  });

  test('a single object as a Table', async () => {
    const r = await s.req('GET', '/api/v1/namespaces/ls/services/tbl', { accept: KUBECTL_TABLE });
    assert.equal(r.json.kind, 'Table');
    assert.equal(r.json.rows.length, 1);
  });

  test('PartialObjectMetadataList', async () => {
    const r = await s.req('GET', '/api/v1/namespaces/ls/services', { accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json' });
    assert.equal(r.status, 200);
    assert.equal(r.json.kind, 'PartialObjectMetadataList');
    assert.equal(r.json.apiVersion, 'meta.k8s.io/v1');
    assert.equal(r.json.items[0].kind, 'PartialObjectMetadata');
    assert.equal(r.json.items[0].metadata.name, 'tbl');
    assert.equal(r.json.items[0].spec, undefined);
  });

  test('YAML', async () => {
    const r = await s.req('GET', '/api/v1/namespaces/ls/services/tbl', { accept: 'application/yaml' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/yaml');
    assert.match(r.text, /^apiVersion: v1\nkind: Service\n/m);
  });
});

describe('server endpoints', () => {
  test('/metrics counts requests by verb, resource and code', async () => {
    await s.req('GET', '/api/v1/namespaces/ls/services');
    await s.req('GET', '/api/v1/namespaces/ls/services/missing');
    const r = await s.req('GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.text, /^# TYPE apiserver_request_total counter$/m);
    const count = (verb: string, resource: string, code: string) => {
      const line = r.text.split('\n').find((l) => l.startsWith('apiserver_request_total{') && l.includes(`verb="${verb}"`) && l.includes(`resource="${resource}"`) && l.includes(`code="${code}"`));
      return line === undefined ? 0 : Number(line.split(' ').pop());
    };
    assert.ok(count('LIST', 'services', '200') >= 1);
    assert.ok(count('GET', 'services', '404') >= 1);
    assert.ok(count('POST', 'configmaps', '201') >= 1);
  });

  test('/readyz and /version', async () => {
    const ready = await s.req('GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.text, 'ok');
    const v = await s.req('GET', '/version');
    assert.equal(v.status, 200);
    assert.equal(v.json.major, '1');
    assert.equal(v.json.minor, '32');
    assert.match(v.json.gitVersion, /^v1\.32\./);
  });

  test('the bootstrap objects exist: system namespaces and the kubernetes Service on the first address', async () => {
    assert.deepEqual(names(await s.req('GET', '/api/v1/namespaces')).filter((n) => n.startsWith('kube-') || n === 'default'), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    const k = await s.req('GET', '/api/v1/namespaces/default/services/kubernetes');
    assert.equal(k.json.spec.clusterIP, '10.96.0.1');
  });
});
