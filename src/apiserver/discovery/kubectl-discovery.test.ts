// Real kubectl (/usr/bin/kubectl, the version dispatcher) against a tiny HTTP server that
// serves only our discovery and OpenAPI documents plus a few canned object responses.
// Proves: the dispatcher picks 1.32 from /version, aggregated discovery is understood,
// explain reads our descriptions, and create/apply find fieldValidation support in our v3
// documents (they send fieldValidation=Strict instead of refusing or validating client-side).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findUnknownFields, strictDecodingError } from '../../api/schema/index.js';
import { createDiscoveryDocs } from './discovery-docs.js';
import { defaultDiscoveryInput } from './default-input.js';

const KUBECTL = '/usr/bin/kubectl';

interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly accept: string;
  readonly contentType: string;
  readonly body: string;
  status: number;
  responseType: string;
}

const LB_YAML = `apiVersion: v1
kind: Service
metadata:
  name: nsxdemoservice
  labels:
    app: nsxdemoservice
spec:
  type: LoadBalancer
  selector:
    app: nsxdemo
  ports:
  - name: http
    protocol: TCP
    port: 80
    targetPort: 80
`;

const EXISTING_MANIFEST = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'x', namespace: 'default' },
  spec: { selector: { app: 'x' }, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80 }] },
};

/** What GET /api/v1/namespaces/default/services/x returns: a Service last applied with port 80. */
const EXISTING_SERVICE = {
  ...EXISTING_MANIFEST,
  metadata: {
    name: 'x',
    namespace: 'default',
    uid: '6f1c3b8e-0000-4000-8000-000000000001',
    resourceVersion: '42',
    creationTimestamp: '2025-01-01T00:00:00Z',
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(EXISTING_MANIFEST)}\n` },
  },
  spec: { ...EXISTING_MANIFEST.spec, type: 'ClusterIP', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], sessionAffinity: 'None' },
  status: { loadBalancer: {} },
};

const notFound = (name: string) => ({
  kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `services "${name}" not found`, reason: 'NotFound',
  details: { name, kind: 'services' }, code: 404,
});

let server: Server;
let base = '';
let work = '';
const log: Recorded[] = [];
const docs = createDiscoveryDocs(defaultDiscoveryInput('127.0.0.1:6443'));

function send(res: import('node:http').ServerResponse, rec: Recorded, status: number, body: unknown, type = 'application/json', headers: Record<string, string> = {}): void {
  rec.status = status;
  rec.responseType = type;
  res.writeHead(status, { 'Content-Type': type, ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** POST/PUT/PATCH bodies are checked the way the real server checks fieldValidation=Strict. */
function strictFailure(rec: Recorded): unknown {
  if (rec.query.get('fieldValidation') !== 'Strict' || rec.contentType !== 'application/json') return undefined;
  const obj = JSON.parse(rec.body) as { apiVersion?: string; kind?: string };
  const gvk = { group: '', version: obj.apiVersion ?? '', kind: obj.kind ?? '' };
  const unknown = findUnknownFields(gvk, obj);
  if (unknown.length === 0) return undefined;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: strictDecodingError(gvk, unknown), reason: 'BadRequest', code: 400 };
}

function handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const rec: Recorded = {
    method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, accept: req.headers.accept ?? '',
    contentType: req.headers['content-type'] ?? '', body, status: 0, responseType: '',
  };
  log.push(rec);
  if (rec.method === 'GET') {
    const found = docs.lookup(url.pathname, url.searchParams, req.headers.accept);
    if (found.kind === 'doc') return send(res, rec, 200, found.doc.body, found.doc.contentType, { ...found.doc.headers });
    if (found.kind === 'not-acceptable') return send(res, rec, 406, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: found.message, reason: 'NotAcceptable', code: 406 });
    if (url.pathname === '/api/v1/namespaces/default/services/x') return send(res, rec, 200, EXISTING_SERVICE);
    if (url.pathname === '/api/v1/namespaces/demons') return send(res, rec, 200, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demons' } });
    const svc = /^\/api\/v1\/namespaces\/[^/]+\/services\/([^/]+)$/.exec(url.pathname);
    return send(res, rec, 404, notFound(svc?.[1] ?? ''));
  }
  const failure = strictFailure(rec);
  if (failure !== undefined) return send(res, rec, 400, failure);
  // Echo a full object back: enough for kubectl to print "created"/"configured". Patches of
  // x (client-side apply, edit) answer with the stored x.
  const full = rec.contentType === 'application/json' || rec.contentType === 'application/apply-patch+yaml';
  const echo = full ? body : JSON.stringify(EXISTING_SERVICE);
  return send(res, rec, rec.method === 'POST' ? 201 : 200, echo);
}

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly requests: Recorded[];
}

/** Runs kubectl with a private HOME and discovery cache so runs cannot leak into each other. */
function kubectl(args: readonly string[], cacheName: string, extraEnv: Record<string, string> = {}): Promise<RunResult> {
  const first = log.length;
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      [`--server=${base}`, `--cache-dir=${join(work, cacheName)}`, ...args],
      { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: work, KUBECONFIG: '/dev/null', ...extraEnv }, timeout: 30_000, cwd: work },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr, requests: log.slice(first) });
      },
    );
  });
}

const summary = (r: RunResult) => r.requests.map((q) => `${q.method} ${q.path}${q.query.size > 0 ? `?${q.query}` : ''} -> ${q.status}`).join('\n');

describe('real kubectl against our discovery and OpenAPI documents', () => {
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'svcnet-kubectl-'));
    writeFileSync(join(work, 'lb.yaml'), LB_YAML);
    writeFileSync(join(work, 'x.yaml'), JSON.stringify({ ...EXISTING_MANIFEST, spec: { ...EXISTING_MANIFEST.spec, ports: [{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 80 }] } }));
    // An "editor" for kubectl edit: changes the port in place.
    writeFileSync(join(work, 'editor.sh'), `#!/bin/sh\nsed -i 's/port: 80$/port: 8081/' "$1"\n`, { mode: 0o755 });
    writeFileSync(join(work, 'bad.yaml'), LB_YAML.replace('    targetPort: 80\n', '    targetPort: 80\n    bogus: 1\n'));
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => handle(req, res, body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(work, { recursive: true, force: true });
  });

  test('api-resources lists our resources from aggregated discovery', async (t) => {
    const r = await kubectl(['api-resources'], 'cache-api-resources');
    t.diagnostic(`requests:\n${summary(r)}`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^services\s+svc\s+v1\s+true\s+Service$/m);
    assert.match(r.stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(r.stdout, /^endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice$/m);
    // The dispatcher asks /version first; minor 32 selects the bundled kubectl 1.32.
    assert.equal(r.requests[0]?.path, '/version');
    const apis = r.requests.find((q) => q.path === '/apis');
    assert.ok(apis, summary(r));
    assert.match(apis.accept, /as=APIGroupDiscoveryList/);
    assert.equal(apis.responseType, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    // Aggregated discovery answers everything: no per-group-version resource lists are needed.
    assert.ok(!r.requests.some((q) => q.path === '/api/v1' || q.path.startsWith('/apis/apps')), summary(r));
  });

  test('explain service.spec.ports prints our descriptions from OpenAPI v3', async (t) => {
    const r = await kubectl(['explain', 'service.spec.ports'], 'cache-explain');
    t.diagnostic(`requests:\n${summary(r)}`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /KIND:\s+Service/);
    assert.match(r.stdout, /FIELD: ports <\[\]ServicePort>/);
    assert.match(r.stdout, /Ports the service exposes/);
    assert.match(r.stdout, /port\t<integer> -required-/);
    for (const f of ['appProtocol', 'name', 'nodePort', 'protocol']) assert.match(r.stdout, new RegExp(`^  ${f}\\t<`, 'm'));
    assert.match(r.stdout, /^  targetPort\t<IntOrString>$/m);
    assert.ok(r.requests.some((q) => q.path === '/openapi/v3'), summary(r));
    assert.ok(r.requests.some((q) => q.path === '/openapi/v3/api/v1' && q.query.has('hash')), summary(r));
  });

  test('create -f lb.yaml posts with fieldValidation=Strict (server-side validation)', async (t) => {
    const r = await kubectl(['create', '-f', 'lb.yaml', '-n', 'demons'], 'cache-create');
    t.diagnostic(`requests:\n${summary(r)}`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /service\/nsxdemoservice created/);
    const post = r.requests.find((q) => q.method === 'POST');
    assert.ok(post, summary(r));
    assert.equal(post.path, '/api/v1/namespaces/demons/services');
    assert.equal(post.query.get('fieldValidation'), 'Strict');
    assert.equal(post.query.get('fieldManager'), 'kubectl-create');
    const sent = JSON.parse(post.body) as { spec: { ports: unknown[]; type: string } };
    assert.equal(sent.spec.type, 'LoadBalancer');
    assert.deepEqual(sent.spec.ports, [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80 }]);
    assert.ok(!r.requests.some((q) => q.path === '/openapi/v2'), 'v3 was enough; v2 must not be needed');
  });

  test('create -f with an unknown field: kubectl relays our strict decoding error', async () => {
    const r = await kubectl(['create', '-f', 'bad.yaml', '-n', 'demons'], 'cache-create-bad');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(BadRequest\): error when creating "bad\.yaml": Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec\.ports\[0\]\.bogus"/);
  });

  test('apply -f of a new object: GET 404 then POST with last-applied annotation', async (t) => {
    const r = await kubectl(['apply', '-f', 'lb.yaml', '-n', 'demons'], 'cache-apply-new');
    t.diagnostic(`requests:\n${summary(r)}`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /service\/nsxdemoservice created/);
    const post = r.requests.find((q) => q.method === 'POST');
    assert.ok(post, summary(r));
    assert.equal(post.query.get('fieldValidation'), 'Strict');
    assert.equal(post.query.get('fieldManager'), 'kubectl-client-side-apply');
    assert.match(post.body, /kubectl\.kubernetes\.io\/last-applied-configuration/);
  });

  test('apply -f of a changed object sends a strategic merge patch keyed by port', async (t) => {
    const r = await kubectl(['apply', '-f', 'x.yaml'], 'cache-apply-change');
    t.diagnostic(`requests:\n${summary(r)}`);
    assert.equal(r.code, 0, r.stderr);
    const patch = r.requests.find((q) => q.method === 'PATCH');
    assert.ok(patch, summary(r));
    assert.equal(patch.path, '/api/v1/namespaces/default/services/x');
    assert.equal(patch.contentType, 'application/strategic-merge-patch+json');
    assert.equal(patch.query.get('fieldValidation'), 'Strict');
    const body = JSON.parse(patch.body) as { spec: Record<string, unknown> };
    assert.deepEqual(body.spec['$setElementOrder/ports'], [{ port: 8080 }]);
  });

  test('apply --server-side sends an apply patch with fieldValidation=Strict', async (t) => {
    const r = await kubectl(['apply', '--server-side', '-f', 'lb.yaml', '-n', 'demons'], 'cache-apply-ssa');
    t.diagnostic(`requests:\n${summary(r)}`);
    assert.equal(r.code, 0, r.stderr);
    const patch = r.requests.find((q) => q.method === 'PATCH');
    assert.ok(patch, summary(r));
    assert.equal(patch.contentType, 'application/apply-patch+yaml');
    assert.equal(patch.query.get('fieldManager'), 'kubectl');
    assert.equal(patch.query.get('fieldValidation'), 'Strict');
  });

  test('edit patches with kubectl-edit and fieldValidation=Strict', async (t) => {
    const r = await kubectl(['edit', 'service', 'x', '-n', 'default'], 'cache-edit', { KUBE_EDITOR: join(work, 'editor.sh') });
    t.diagnostic(`requests:\n${summary(r)}`);
    assert.equal(r.code, 0, r.stderr);
    const patch = r.requests.find((q) => q.method === 'PATCH');
    assert.ok(patch, summary(r));
    assert.equal(patch.contentType, 'application/strategic-merge-patch+json');
    assert.equal(patch.query.get('fieldManager'), 'kubectl-edit');
    assert.equal(patch.query.get('fieldValidation'), 'Strict');
    const body = JSON.parse(patch.body) as { spec: Record<string, unknown> };
    assert.deepEqual(body.spec['$setElementOrder/ports'], [{ port: 8081 }]);
  });
});
