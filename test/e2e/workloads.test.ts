// Issue "Workloads come alive": the article's workload commands with the real kubectl
// against `svcnet up` (controllers, scheduler, node agents, endpoint slices).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type LabProcess } from '../helpers/lab-process.js';

let lab: LabProcess;
const dir = mkdtempSync(join(tmpdir(), 'svcnet-workloads-'));

function ok(args: string[], opts?: Parameters<LabProcess['kubectl']>[1]): string {
  const r = lab.kubectl(args, opts);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function eventually(what: string, fn: () => boolean | string, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  let last: boolean | string = false;
  while (Date.now() - t0 < timeoutMs) {
    last = fn();
    if (last === true) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`timed out waiting for ${what}${typeof last === 'string' ? `:\n${last}` : ''}`);
}

const podLines = (ns: string, extra: string[] = []) =>
  ok(['get', 'pods', '-n', ns, '--no-headers', ...extra])
    .split('\n')
    .filter((l) => l.trim() !== '');

describe('workloads through the real kubectl against svcnet up', { timeout: 300_000 }, () => {
  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await lab?.stop();
  });

  test('the lab has three Ready nodes with their InternalIPs', () => {
    const out = ok(['get', 'nodes', '-o', 'wide']);
    assert.match(out, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME$/m);
    assert.match(out, /^k8s-master\s+Ready\s+control-plane\s+\S+\s+v1\.32\.\d+\s+10\.190\.5\.10\s+/m);
    assert.match(out, /^k8s-node1\s+Ready\s+<none>\s+\S+\s+v1\.32\.\d+\s+10\.190\.5\.11\s+/m);
    assert.match(out, /^k8s-node2\s+Ready\s+<none>\s+\S+\s+v1\.32\.\d+\s+10\.190\.5\.12\s+/m);
  });

  test('kube-dns: three ports with two coredns endpoints each', async () => {
    await eventually('coredns endpoints', () => {
      const d = ok(['describe', 'service', 'kube-dns', '-n', 'kube-system']);
      return /^Endpoints:\s+172\.25\.4\.\d+:53,172\.25\.4\.\d+:53$/m.test(d) || d;
    });
    const d = ok(['describe', 'service', 'kube-dns', '-n', 'kube-system']);
    assert.match(d, /^IP:\s+10\.96\.0\.10$/m);
    assert.match(d, /^Port:\s+dns\s+53\/UDP$/m);
    assert.match(d, /^Port:\s+dns-tcp\s+53\/TCP$/m);
    assert.match(d, /^Port:\s+metrics\s+9153\/TCP$/m);
    assert.match(d, /^Endpoints:\s+172\.25\.4\.\d+:9153,172\.25\.4\.\d+:9153$/m);
  });

  test('create deployment --replicas=2: two Running pods on the two workers with 172.25.5.x', async () => {
    ok(['create', 'namespace', 'demons']);
    assert.equal(ok(['create', 'deployment', 'nsxtestapp', '--image=dumlutimuralp/nsx-demo', '--replicas=2', '-n', 'demons']).trim(), 'deployment.apps/nsxtestapp created');
    await eventually('2/2 ready', () => {
      const out = ok(['get', 'deployment', 'nsxtestapp', '-n', 'demons', '--no-headers']);
      return /^nsxtestapp\s+2\/2\s+2\s+2\s+/.test(out) || out;
    });
    const pods = podLines('demons', ['-o', 'wide']);
    assert.equal(pods.length, 2, pods.join('\n'));
    const nodes = pods.map((l) => {
      const m = /^(nsxtestapp-[a-z0-9]+-[a-z0-9]{5})\s+1\/1\s+Running\s+0\s+\S+\s+(172\.25\.5\.\d+)\s+(k8s-node[12])\s+<none>\s+<none>$/.exec(l);
      assert.ok(m, `unexpected pod line: ${l}`);
      return m[3];
    });
    assert.deepEqual(nodes.sort(), ['k8s-node1', 'k8s-node2']);
    const labels = podLines('demons', ['--show-labels']);
    for (const l of labels) assert.match(l, /\sapp=nsxtestapp,pod-template-hash=[a-z0-9]+$/);
  });

  test('service clusterip: no endpoints, then the selector edit picks both pods', async () => {
    ok(['create', 'service', 'clusterip', 'nsxtestservice', '--tcp=80:80', '-n', 'demons']);
    assert.match(ok(["describe", "service", "nsxtestservice", "-n", "demons"]), /^Endpoints:\s*(<none>)?$/m);
    const editor = join(dir, 'edit.sh');
    writeFileSync(editor, `#!/bin/sh\nsed -i '/^  selector:/{n;s/app: nsxtestservice/app: nsxtestapp/}' "$1"\n`, { mode: 0o755 });
    ok(['edit', 'service', 'nsxtestservice', '-n', 'demons'], { env: { KUBE_EDITOR: editor } });
    const ips = podLines('demons', ['-o', 'wide']).map((l) => /(172\.25\.5\.\d+)/.exec(l)![1]!).sort();
    await eventually('endpoints', () => {
      const d = ok(['describe', 'service', 'nsxtestservice', '-n', 'demons']);
      return new RegExp(`^Endpoints:\\s+${ips.map((i) => `${i.replace(/\./g, '\\.')}:80`).join(',')}$`, 'm').test(d) || d;
    });
    assert.match(ok(['get', 'endpointslices', '-n', 'demons']), /nsxtestservice-[a-z0-9]{5}\s+IPv4\s+80\s+172\.25\.5\.\d+,172\.25\.5\.\d+/);
  });

  test('scale to 4, a deleted pod is replaced, rollout status completes after an image change', async () => {
    ok(['scale', 'deployment', 'nsxtestapp', '-n', 'demons', '--replicas=4']);
    await eventually('4/4', () => /^nsxtestapp\s+4\/4\s+4\s+4\s+/.test(ok(['get', 'deployment', 'nsxtestapp', '-n', 'demons', '--no-headers'])));
    const victim = podLines('demons')[0]!.split(/\s+/)[0]!;
    ok(['delete', 'pod', victim, '-n', 'demons', '--wait=false']);
    await eventually('replacement', () => {
      const names = podLines('demons').filter((l) => /\s1\/1\s+Running\s/.test(l)).map((l) => l.split(/\s+/)[0]);
      return (names.length === 4 && !names.includes(victim)) || names.join(',');
    });
    ok(['set', 'image', 'deployment/nsxtestapp', 'nsx-demo=nginx:1.27', '-n', 'demons']);
    const r = lab.kubectl(['rollout', 'status', 'deployment/nsxtestapp', '-n', 'demons', '--timeout=90s'], { timeoutMs: 100_000 });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /deployment "nsxtestapp" successfully rolled out/);
    assert.match(ok(['get', 'rs', '-n', 'demons']), /nsxtestapp-[a-z0-9]+\s+0\s+0\s+0\s+/);
  });

  test("the article's nsxdemoapp.yml applies unchanged and gets four pods", async () => {
    const f = join(dir, 'nsxdemoapp.yml');
    writeFileSync(f, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nsxdemoapp\nspec:\n  selector:\n    matchLabels:\n      app: nsxdemo\n  replicas: 4\n  template:\n    metadata:\n      labels:\n        app: nsxdemo\n    spec:\n      containers:\n      - name: nsx-demo\n        image: dumlutimuralp/nsx-demo\n        ports:\n        - containerPort: 80\n');
    assert.equal(ok(['create', '-f', f, '-n', 'demons']).trim(), 'deployment.apps/nsxdemoapp created');
    await eventually('nsxdemoapp 4/4', () => /^nsxdemoapp\s+4\/4\s+4\s+4\s+/m.test(ok(['get', 'deployment', '-n', 'demons', '--no-headers'])));
  });

  test('deleting the deployment removes its pods and empties the endpoints', async () => {
    ok(['delete', 'deployment', 'nsxtestapp', '-n', 'demons']);
    await eventually('pods gone', () => podLines('demons').every((l) => !l.startsWith('nsxtestapp-')) || podLines('demons').join('\n'));
    await eventually('endpoints empty', () => /^Endpoints:\s*(<none>)?$/m.test(ok(['describe', 'service', 'nsxtestservice', '-n', 'demons'])));
  });
});
