// The article's view through real kubectl: node agents talking to the API server over HTTPS
// (not the in-process transport), pods bound to them, then `kubectl get nodes/pods -o wide`,
// `exec ... cat /etc/resolv.conf`, `logs` and `describe pod` events.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconfigYaml } from '../../bin/lab.js';
import type { Pod } from '../../src/api/index.js';
import { startApiServer, type RunningApiServer } from '../../src/apiserver/api-server.js';
import { generateTls } from '../../src/apiserver/tls.js';
import { Resources, RestClient } from '../../src/client/index.js';
import { FakeRuntime, NodeAgent, routeByNode } from '../../src/node/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { isReady, LAB_NODES, sleep } from './_lab.js';

const KUBECTL = '/usr/bin/kubectl';
const TOKEN = 'node-e2e-token';
let api: RunningApiServer;
let admin: RestClient;
let dir: string;
let kubeconfig: string;
const agents = new Map<string, NodeAgent>();

function kubectl(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, args, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end();
  });
}

async function ok(args: readonly string[]): Promise<string> {
  const r = await kubectl(args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const cols = (line: string | undefined) => (line ?? '').trim().split(/\s{2,}/);

describe('node agents seen through kubectl', { skip: !existsSync(KUBECTL) && 'kubectl not installed', timeout: 60_000 }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'svcnet-node-e2e-'));
    const tls = await generateTls({ ips: ['127.0.0.1'], dnsNames: ['localhost'] });
    api = await startApiServer({ store: new MemoryStore(), tokens: new Map([[TOKEN, 'admin']]), port: 0, tls: { cert: tls.certPem, key: tls.keyPem }, advertiseAddress: '10.190.5.10' });
    api.setConnector(routeByNode((n) => agents.get(n)?.connector));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigYaml(api.url, tls.caCertPem, TOKEN));
    const client = () => new RestClient({ server: api.url, token: TOKEN, caPem: tls.caCertPem });
    admin = client();
    for (const [name, n] of Object.entries(LAB_NODES)) {
      const agent = new NodeAgent({ client: client(), runtime: new FakeRuntime({ images: { 'dumlutimuralp/nsx-demo': { logs: ['listening on 0.0.0.0:80'] } } }), config: { nodeName: name, internalIP: n.ip, role: n.role } });
      await agent.start();
      agents.set(name, agent);
    }
    await admin.create(Resources.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demons' } });
    for (const [name, node] of [['nsxtestapp-5bfcc97b5-gdv6n', 'k8s-node1'], ['nsxtestapp-5bfcc97b5-pmkw6', 'k8s-node2']] as const) {
      await admin.create<Pod>(Resources.pods, 'demons', { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'demons', labels: { run: 'nsxtestapp' } }, spec: { nodeName: node, containers: [{ name: 'nsxtestapp', image: 'dumlutimuralp/nsx-demo' }] } });
      for (let i = 0; i < 500; i++) {
        if (isReady(await admin.get<Pod>(Resources.pods, 'demons', name))) break;
        await sleep(10);
      }
    }
  });
  after(async () => {
    for (const a of agents.values()) await a.stop();
    admin?.close();
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('kubectl get nodes -o wide', async () => {
    const lines = (await ok(['get', 'nodes', '-o', 'wide'])).trim().split('\n');
    assert.deepEqual(cols(lines[0]).slice(0, 6), ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP']);
    const master = cols(lines.find((l) => l.startsWith('k8s-master')));
    assert.deepEqual([master[0], master[1], master[2], master[4], master[5]], ['k8s-master', 'Ready', 'control-plane', 'v1.32.4', '10.190.5.10']);
    const node1 = cols(lines.find((l) => l.startsWith('k8s-node1')));
    assert.deepEqual([node1[1], node1[2], node1[5]], ['Ready', '<none>', '10.190.5.11']);
    assert.ok(lines.some((l) => l.includes('svcnet emulated node') && l.includes('svcnet://0.1.0')), lines.join('\n'));
  });

  test('kubectl get pods -n demons -o wide shows the article table', async () => {
    const lines = (await ok(['get', 'pods', '-n', 'demons', '-o', 'wide'])).trim().split('\n');
    const a = cols(lines.find((l) => l.startsWith('nsxtestapp-5bfcc97b5-gdv6n')));
    const b = cols(lines.find((l) => l.startsWith('nsxtestapp-5bfcc97b5-pmkw6')));
    assert.deepEqual([a[1], a[2], a[3], a[5], a[6]], ['1/1', 'Running', '0', '172.25.5.2', 'k8s-node1']);
    assert.deepEqual([b[1], b[2], b[3], b[5], b[6]], ['1/1', 'Running', '0', '172.25.5.3', 'k8s-node2']);
  });

  test('kubectl exec cat /etc/resolv.conf', async () => {
    const out = await ok(['exec', '-n', 'demons', 'nsxtestapp-5bfcc97b5-gdv6n', '--', 'cat', '/etc/resolv.conf']);
    assert.equal(out, 'nameserver 10.96.0.10\nsearch demons.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
  });

  test('kubectl logs and describe pod events', async () => {
    assert.equal(await ok(['logs', '-n', 'demons', 'nsxtestapp-5bfcc97b5-pmkw6']), 'listening on 0.0.0.0:80\n');
    const d = await ok(['describe', 'pod', '-n', 'demons', 'nsxtestapp-5bfcc97b5-pmkw6']);
    assert.match(d, /IP:\s+172\.25\.5\.3/);
    assert.match(d, /Normal\s+Started\s+\S+\s+kubelet\s+Started container nsxtestapp/);
    assert.match(d, /Normal\s+Created\s+\S+\s+kubelet\s+Created container: nsxtestapp/);
  });
});
