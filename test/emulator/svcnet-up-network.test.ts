// `svcnet up` runs pods on the emulated NSX network, driven by the real kubectl and the
// svcnet CLI views (ofctl, vsctl, conntrack, trace) over the lab's admin channel.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { KUBECTL, startLab, type LabProcess } from '../helpers/lab-process.js';

const repo = resolve(new URL('../..', import.meta.url).pathname);
let lab: LabProcess;
const ips = new Map<string, string>();

function svcnet(args: readonly string[], stateDir = lab.stateDir): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [resolve(repo, 'bin/svcnet.js'), ...args, '--state-dir', stateDir], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function kubectlOk(args: readonly string[], input?: string): string {
  const r = lab.kubectl(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

function podManifest(name: string, node: string, image: string): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'demons', labels: { app: name } }, spec: { nodeName: node, containers: [{ name: 'app', image }] } });
}

async function waitRunning(name: string): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const r = lab.kubectl(['-n', 'demons', 'get', 'pod', name, '-o', 'jsonpath={.status.phase} {.status.podIP}']);
    const [phase, ip] = r.stdout.split(' ');
    if (phase === 'Running' && ip !== undefined && ip !== '') return ip;
    if (Date.now() - t0 > 20_000) throw new Error(`${name} not running: ${r.stdout}${r.stderr}`);
    await new Promise((x) => setTimeout(x, 100));
  }
}

/** n_packets of br-int's first flow (table 0, priority 100, ip -> ct). */
function ipFlowPackets(dump: string): number {
  const line = dump.split('\n').find((l) => /table=0, .*priority=100,ip actions=ct\(table=1\)/.test(l));
  assert.ok(line !== undefined, dump);
  return Number(/n_packets=(\d+)/.exec(line)?.[1]);
}

describe('svcnet up: pods on the emulated network, seen through kubectl and the svcnet views', { timeout: 120_000 }, () => {
  before(async () => {
    lab = await startLab();
    kubectlOk(['create', 'namespace', 'demons']);
    for (const [name, node, image] of [
      ['web-1', 'k8s-node1', 'dumlutimuralp/nsx-demo'],
      ['web-2', 'k8s-node2', 'dumlutimuralp/nsx-demo'],
      ['nwtest', 'k8s-node1', 'dumlutimuralp/networktest'],
    ] as const) {
      kubectlOk(['create', '-f', '-'], podManifest(name, node, image));
      ips.set(name, await waitRunning(name));
    }
  });
  after(async () => {
    await lab?.stop();
  });

  test('kubectl exec curl: the other pod answers with its page (exit 0); nobody owns 172.25.9.9 (exit 28)', () => {
    const before = ipFlowPackets(svcnet(['ofctl', 'dump-flows', 'k8s-node1']).stdout);
    const page = lab.kubectl(['-n', 'demons', 'exec', 'nwtest', '--', 'curl', '-s', ips.get('web-2')!]);
    assert.equal(page.code, 0, page.stderr);
    assert.match(page.stdout, new RegExp(`Hello, this web-page is served by: web-2\\n<br>\\nThe containers private IP is: ${ips.get('web-2')!.replace(/\./g, '\\.')}`));
    const flows = svcnet(['ofctl', 'dump-flows', 'k8s-node1']);
    assert.equal(flows.code, 0, flows.stderr);
    assert.match(flows.stdout, /^ cookie=0x7, duration=[\d.]+s, table=1, n_packets=\d+, n_bytes=\d+, priority=90,ip,in_port=ens192 actions=ct\(table=2,zone=65312,nat\)$/m);
    assert.match(flows.stdout, /table=2, n_packets=\d+, n_bytes=\d+, actions=NORMAL$/m);
    assert.ok(ipFlowPackets(flows.stdout) > before, `n_packets rose after the request (${before} -> ${ipFlowPackets(flows.stdout)})`);
    const timeout = lab.kubectl(['-n', 'demons', 'exec', 'nwtest', '--', 'curl', '-s', '172.25.9.9', '--max-time', '2']);
    assert.equal(timeout.code, 28, timeout.stderr);
    assert.match(timeout.stderr, /command terminated with exit code 28/);
  });

  test('kubectl exec -it bash through a pseudo-terminal: hostname, exit', async () => {
    assert.ok(existsSync('/usr/bin/script'), 'util-linux script is required');
    const child = spawn('/usr/bin/script', ['-qec', `${KUBECTL} -n demons exec -it nwtest -- bash`, '/dev/null'], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: lab.stateDir, KUBECONFIG: lab.kubeconfig, TERM: 'xterm' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const closed = new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
    const waitFor = async (what: string, from: number) => {
      const t0 = Date.now();
      while (out.indexOf(what, from) === -1) {
        if (Date.now() - t0 > 15_000) throw new Error(`no ${JSON.stringify(what)} in ${JSON.stringify(out)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return out.indexOf(what, from) + what.length;
    };
    try {
      let at = await waitFor('bash-4.4# ', 0);
      child.stdin.write('hostname\r');
      at = await waitFor('nwtest\r\n', at);
      await waitFor('bash-4.4# ', at);
      child.stdin.write('exit\r');
      assert.equal(await closed, 0, out);
    } finally {
      child.stdin.end();
      child.kill();
    }
  });

  test('svcnet vsctl show lists the pod ports with their VLAN tag', () => {
    const r = svcnet(['vsctl', 'show', 'k8s-node1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {8}Port nsx_agent_outer\n {12}tag: 4094\n {12}Interface nsx_agent_outer\n {8}Port "ens192"\n {12}Interface "ens192"\n/m);
    // Tags are per pod on the node (lowest free from 1; 4094 is nsx_agent_outer's).
    const web = /^ {8}Port "web-1_([0-9a-f]{15})"\n {12}tag: (\d+)\n {12}Interface "\1"$/m.exec(r.stdout);
    const nwtest = /^ {8}Port "nwtest_([0-9a-f]{15})"\n {12}tag: (\d+)\n {12}Interface "\1"$/m.exec(r.stdout);
    assert.ok(web !== null && nwtest !== null, r.stdout);
    assert.notEqual(web[2], nwtest[2], 'same namespace, still one tag per pod');
    for (const t of [web[2], nwtest[2]]) assert.ok(Number(t) >= 1 && Number(t) < 4094, `tag ${t}`);
    assert.match(r.stdout, / {8}Port br-int\n {12}Interface br-int\n {16}type: internal\n {4}ovs_version: "2\.10\.2\.13185890"\n$/);
    assert.doesNotMatch(r.stdout, /web-2/, 'web-2 runs on k8s-node2');
  });

  test('svcnet trace: a SYN delivered across nodes, a SYN dropped for want of ARP', () => {
    const ok = svcnet(['trace', '--from', 'demons/nwtest', '--to', `${ips.get('web-2')}:80`]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^TCP SYN from pod demons\/nwtest \(172\.25\.5\.\d+\) to 172\.25\.5\.\d+ port 80/);
    assert.match(ok.stdout, /bridge k8s-node1\/br-int: in_port [0-9a-f]{15} \(ofport \d+\)/);
    assert.match(ok.stdout, /logical switch ls-demons: from k8s-node1\/vlan-\d+: forward to 02:50:56:19:05:\w\w -> k8s-node2\/vlan-\d+/);
    assert.match(ok.stdout, /bridge k8s-node2\/br-int: in_port ens192/);
    assert.match(ok.stdout, new RegExp(`Result: delivered to pod demons/web-2 \\(${ips.get('web-2')!.replace(/\./g, '\\.')}\\)\\n$`));
    const drop = svcnet(['trace', '--from', 'k8s-node1', '--to', '172.25.5.250:80']);
    assert.equal(drop.code, 0, drop.stderr);
    assert.match(drop.stdout, /router T0-K8S-Domain: in down-T1-K8S-Node-Management, route 172\.25\.5\.0\/24/);
    assert.match(drop.stdout, /Result: dropped at t1-demons: ARP for next hop 172\.25\.5\.250 got no answer/);
  });

  test('views explain what was wrong: unknown node, unknown pod, conntrack -L format, lab not running', () => {
    const node = svcnet(['ofctl', 'dump-groups', 'k8s-node9']);
    assert.equal(node.code, 1);
    assert.equal(node.stderr, 'error: unknown node "k8s-node9" (nodes: k8s-master, k8s-node1, k8s-node2)\n');
    const groups = svcnet(['ofctl', 'dump-groups', 'k8s-node2']);
    // No Service of ours yet, but the proxy programs the cluster's own (kubernetes -> the master's 6443).
    assert.match(groups.stdout, /^NXST_GROUP_DESC reply \(xid=0x2\):\n/);
    assert.match(groups.stdout, /^ group_id=\d+,type=select,bucket=bucket_id:0,weight:100,actions=ct\(commit,table=2,zone=65312,nat\(dst=10\.190\.5\.10:6443\)\)$/m);
    const pod = svcnet(['trace', '--from', 'demons/nope', '--to', '10.190.5.11:22']);
    assert.equal(pod.code, 1);
    assert.match(pod.stderr, /unknown source "demons\/nope": not a running pod/);
    const ct = svcnet(['conntrack', '-L', 'k8s-node1']);
    assert.equal(ct.code, 0, ct.stderr);
    assert.match(ct.stderr, /^conntrack v1\.4\.6 \(conntrack-tools\): \d+ flow entries have been shown\.\n$/);
    const gone = svcnet(['vsctl', 'show', 'k8s-node1'], resolve(lab.stateDir, 'no-such-lab'));
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^error: svcnet is not running \(state dir .*no-such-lab\)\. Start it with `svcnet up --state-dir .*`\.\n$/);
  });
});
