// The API server through the real kubectl, as the reference article drives it
// (modernised for kubectl 1.32). No controllers run here: this checks the API itself.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startLab, type LabProcess } from '../helpers/lab-process.js';
import { writeManifests } from './_article-manifests.js';

let lab: LabProcess;
const manifests = writeManifests();
const dir = dirname(manifests.lb);

function ok(args: string[], opts?: Parameters<LabProcess['kubectl']>[1]): string {
  const r = lab.kubectl(args, opts);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

function httpsGet(path: string, token?: string): Promise<{ code: number; body: string }> {
  const u = new URL(lab.server);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, ca: lab.caPem, headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('kubectl against svcnet up (API server)', { timeout: 240_000 }, () => {
  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await lab?.stop();
  });

  test('the system namespaces and the kubernetes Service exist', () => {
    const ns = ok(['get', 'namespaces']);
    for (const n of ['default', 'kube-node-lease', 'kube-public', 'kube-system', 'nsx-system']) assert.match(ns, new RegExp(`^${n}\\s+Active\\s+`, 'm'));
    const svc = ok(['get', 'service', '--all-namespaces']);
    assert.match(svc, /^NAMESPACE\s+NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
    assert.match(svc, /^default\s+kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+/m);
    assert.match(ok(['get', 'endpoints', 'kubernetes']), /kubernetes\s+10\.190\.5\.10:6443/);
  });

  test('anonymous requests get 401; health endpoints are public', async () => {
    const anon = await httpsGet('/api/v1/namespaces');
    assert.equal(anon.code, 401);
    assert.equal(JSON.parse(anon.body).reason, 'Unauthorized');
    assert.equal((await httpsGet('/readyz')).code, 200);
    const v = JSON.parse((await httpsGet('/version')).body) as { major: string; minor: string };
    assert.deepEqual([v.major, v.minor], ['1', '32']);
    assert.equal((await httpsGet('/api/v1/namespaces', lab.token)).code, 200);
  });

  test('create namespace, deployment (protobuf bodies) and a pod', () => {
    assert.equal(ok(['create', 'namespace', 'demons']).trim(), 'namespace/demons created');
    assert.equal(ok(['create', 'deployment', 'nsxtestapp', '--image=dumlutimuralp/nsx-demo', '--replicas=2', '-n', 'demons']).trim(), 'deployment.apps/nsxtestapp created');
    assert.equal(ok(['run', 'nwtest', '--image=dumlutimuralp/networktest', '--labels=run=nwtest', '-n', 'demons']).trim(), 'pod/nwtest created');
    const d = ok(['get', 'deployment', '-n', 'demons']);
    assert.match(d, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    // The controllers run too, so READY moves from 0/2 towards 2/2 while we look.
    assert.match(d, /^nsxtestapp\s+[0-2]\/2\s+[0-2]\s+[0-2]\s+/m);
    const wide = ok(['get', 'pods', '-n', 'demons', '-o', 'wide']);
    assert.match(wide, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m);
    assert.match(wide, /^nwtest\s+[01]\/1\s+(Pending|ContainerCreating|Running)\s+0\s+\S+\s+\S+\s+\S+\s+<none>\s+<none>$/m);
    assert.match(ok(['get', 'pods', '-n', 'demons', '--show-labels']), /nwtest\s+.*\s+run=nwtest$/m);
    const y = ok(['get', 'deployment', 'nsxtestapp', '-n', 'demons', '-o', 'yaml']);
    assert.match(y, /^  replicas: 2$/m);
    assert.match(y, /^  generation: 1$/m);
    const j = JSON.parse(ok(['get', 'deployment', 'nsxtestapp', '-n', 'demons', '-o', 'json'])) as { spec: { strategy: { type: string } }; metadata: { uid: string } };
    assert.equal(j.spec.strategy.type, 'RollingUpdate'); // defaulted by the server
    assert.match(j.metadata.uid, /^[0-9a-f-]{36}$/);
  });

  test('create service clusterip and describe it as the article shows', () => {
    assert.equal(ok(['create', 'service', 'clusterip', 'nsxtestservice', '--tcp=80:80', '-n', 'demons']).trim(), 'service/nsxtestservice created');
    const out = ok(['describe', 'service', 'nsxtestservice', '-n', 'demons']);
    assert.match(out, /^Labels:\s+app=nsxtestservice$/m);
    assert.match(out, /^Selector:\s+app=nsxtestservice$/m);
    assert.match(out, /^Type:\s+ClusterIP$/m);
    assert.match(out, /^IP:\s+10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/m);
    assert.match(out, /^Port:\s+80-80\s+80\/TCP$/m);
    assert.match(out, /^TargetPort:\s+80\/TCP$/m);
    // No pod matches: `<none>`, or empty once the endpointslice controller wrote its placeholder
    // slice (kubectl 1.32 prints the slices' addresses, and a placeholder has none).
    assert.match(out, /^Endpoints:\s*(<none>)?$/m);
    assert.match(out, /^Session Affinity:\s+None$/m);
  });

  test('kubectl edit changes the selector to run: nsxtestapp', () => {
    const editor = join(dir, 'edit-selector.sh');
    // Replace the selector's app key, leaving metadata.labels alone.
    writeFileSync(editor, `#!/bin/sh\nsed -i '/^  selector:/{n;s/app: nsxtestservice/run: nsxtestapp/}' "$1"\n`, { mode: 0o755 });
    assert.equal(ok(['edit', 'service', 'nsxtestservice', '-n', 'demons'], { env: { KUBE_EDITOR: editor } }).trim(), 'service/nsxtestservice edited');
    const out = ok(['describe', 'service', 'nsxtestservice', '-n', 'demons']);
    assert.match(out, /^Selector:\s+run=nsxtestapp$/m);
    assert.match(out, /^Labels:\s+app=nsxtestservice$/m);
  });

  test('apply -f twice: created, then unchanged; then server-side apply', () => {
    assert.equal(ok(['apply', '-f', join(dir, 'lb.yaml'), '-n', 'demons']).trim(), 'service/nsxdemoservice created');
    assert.equal(ok(['apply', '-f', join(dir, 'lb.yaml'), '-n', 'demons']).trim(), 'service/nsxdemoservice unchanged');
    const svc = ok(['get', 'service', 'nsxdemoservice', '-n', 'demons']);
    assert.match(svc, /^nsxdemoservice\s+LoadBalancer\s+10\.\d+\.\d+\.\d+\s+(<pending>|10\.190\.6\.\d+,100\.64\.208\.9)\s+80:3\d{4}\/TCP\s+/m);
    assert.equal(ok(['apply', '--server-side', '-f', join(dir, 'nsxdemoapp.yml'), '-n', 'demons']).trim(), 'deployment.apps/nsxdemoapp serverside-applied');
    const mf = JSON.parse(ok(['get', 'deployment', 'nsxdemoapp', '-n', 'demons', '-o', 'json', '--show-managed-fields'])) as { metadata: { managedFields: { manager: string; operation: string }[] } };
    assert.ok(mf.metadata.managedFields.some((m) => m.manager === 'kubectl' && m.operation === 'Apply'), JSON.stringify(mf.metadata.managedFields));
  });

  test('patch with strategic, merge and JSON patches', () => {
    assert.equal(ok(['patch', 'service', 'nsxdemoservice', '-n', 'demons', '-p', '{"spec":{"ports":[{"port":80,"targetPort":8080}]}}']).trim(), 'service/nsxdemoservice patched');
    assert.equal(ok(['patch', 'service', 'nsxdemoservice', '-n', 'demons', '--type=merge', '-p', '{"metadata":{"labels":{"tier":"web"}}}']).trim(), 'service/nsxdemoservice patched');
    assert.equal(ok(['patch', 'service', 'nsxdemoservice', '-n', 'demons', '--type=json', '-p', '[{"op":"replace","path":"/spec/sessionAffinity","value":"ClientIP"}]']).trim(), 'service/nsxdemoservice patched');
    const s = JSON.parse(ok(['get', 'service', 'nsxdemoservice', '-n', 'demons', '-o', 'json'])) as { metadata: { labels: Record<string, string> }; spec: { ports: { port: number; targetPort: number; name: string }[]; sessionAffinity: string; sessionAffinityConfig?: { clientIP: { timeoutSeconds: number } } } };
    // The strategic patch merged on `port`: the port keeps its name and gets the new targetPort.
    assert.deepEqual(s.spec.ports.map((p) => [p.name, p.port, p.targetPort]), [['http', 80, 8080]]);
    assert.equal(s.metadata.labels['tier'], 'web');
    assert.equal(s.spec.sessionAffinity, 'ClientIP');
    assert.equal(s.spec.sessionAffinityConfig?.clientIP.timeoutSeconds, 10800);
  });

  test('get -w receives the deletion', async () => {
    const { spawn } = await import('node:child_process');
    const w = spawn('/usr/bin/kubectl', ['get', 'service', '-n', 'demons', '-w', '--request-timeout=20s'], { env: { PATH: process.env['PATH'] ?? '', HOME: join(dir, 'home'), KUBECONFIG: lab.kubeconfig } });
    let out = '';
    w.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const seen = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const t0 = Date.now();
        const tick = setInterval(() => {
          if (re.test(out)) {
            clearInterval(tick);
            resolve();
          } else if (Date.now() - t0 > 15_000) {
            clearInterval(tick);
            reject(new Error(`watch output did not match ${re}:\n${out}`));
          }
        }, 50);
      });
    try {
      await seen(/^nsxtestservice\s+ClusterIP/m);
      const before = out.split('\n').filter((l) => l.startsWith('nsxtestservice')).length;
      assert.equal(ok(['delete', 'service', 'nsxtestservice', '-n', 'demons']).trim(), 'service "nsxtestservice" deleted');
      await seen(new RegExp(`(^nsxtestservice\\s+ClusterIP.*\\n(?:.*\\n)*){${before + 1}}`, 'm'));
    } finally {
      w.kill();
    }
    assert.equal(lab.kubectl(['get', 'service', 'nsxtestservice', '-n', 'demons']).code, 1);
  });

  test('a bad manifest prints the same error kube-apiserver gives', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports:\n  - port: 0\n    targetPort: 80\n');
    const r = lab.kubectl(['create', '-f', bad, '-n', 'demons']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'The Service "x" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive');
    const unknown = join(dir, 'unknown.yaml');
    writeFileSync(unknown, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: extra\nspec:\n  portz: []\n  ports:\n  - port: 80\n');
    const u = lab.kubectl(['apply', '-f', unknown, '-n', 'demons']);
    assert.equal(u.code, 1);
    assert.match(u.stderr, /strict decoding error: unknown field "spec\.portz"/);
    const dup = lab.kubectl(['create', 'namespace', 'demons']);
    assert.equal(dup.code, 1);
    assert.equal(dup.stderr.trim(), 'Error from server (AlreadyExists): namespaces "demons" already exists');
    const missing = lab.kubectl(['create', 'service', 'clusterip', 'x', '--tcp=80:80', '-n', 'nope']);
    assert.equal(missing.stderr.trim(), 'error: failed to create ClusterIP service: namespaces "nope" not found');
  });

  test('a requested clusterIP is honoured; a taken one is refused', () => {
    assert.equal(ok(['create', 'service', 'clusterip', 'fixed', '--tcp=80:80', '--clusterip=10.101.129.209', '-n', 'demons']).trim(), 'service/fixed created');
    assert.match(ok(['get', 'service', 'fixed', '-n', 'demons']), /fixed\s+ClusterIP\s+10\.101\.129\.209\s+/);
    const r = lab.kubectl(['create', 'service', 'clusterip', 'dup', '--tcp=80:80', '--clusterip=10.101.129.209', '-n', 'demons']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /spec\.clusterIPs: Invalid value: \[\]string\{"10\.101\.129\.209"\}: failed to allocate IP 10\.101\.129\.209: provided IP is already allocated/);
  });

  test('deleting a namespace removes its contents, then itself', async () => {
    ok(['create', 'namespace', 'scratch']);
    ok(['create', 'service', 'clusterip', 'gone', '--tcp=80:80', '-n', 'scratch']);
    ok(['delete', 'namespace', 'scratch', '--wait=true', '--timeout=20s']);
    assert.equal(lab.kubectl(['get', 'namespace', 'scratch']).code, 1);
    assert.match(ok(['get', 'services', '-A']), /^(?!.*\bgone\b)/s);
  });

  test('a restart keeps every object and the allocations', async () => {
    const before = ok(['get', 'service', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.clusterIP}{"\\n"}{end}']);
    lab = await lab.restart();
    const afterRestart = ok(['get', 'service', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.clusterIP}{"\\n"}{end}']);
    assert.equal(afterRestart, before);
    const r = lab.kubectl(['create', 'service', 'clusterip', 'dup2', '--tcp=80:80', '--clusterip=10.101.129.209', '-n', 'demons']);
    assert.match(r.stderr, /provided IP is already allocated/);
  });
});
