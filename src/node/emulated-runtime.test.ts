// EmulatedRuntime on a FakeClock against a real NsxLab: sandboxes become br-int ports and
// IP stacks, containers run their image's app, probes connect over the fabric from the
// node's stack, exec reaches the app or the minimal shell, unknown images fail to pull.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, formatIPv4, parseIPv4, unwrap, type IPv4 } from '../core/index.js';
import { NsxLab } from '../dataplane/fabric/index.js';
import { runFor, runUntil, seededRandom } from '../dataplane/host/testing.js';
import type { ExecIO } from './connector-types.js';
import { AppTable, executableNotFound, type AppImage } from './emulated-apps.js';
import { attachNodeNetwork, podMac } from './emulated-network.js';
import { EmulatedRuntime } from './emulated-runtime.js';
import type { ContainerConfig, ProbeTarget, SandboxSpec } from './runtime.js';

const ip = (s: string): IPv4 => unwrap(parseIPv4(s));

/** Answers every request with 200 and "hello from <pod>", or 503 for /fail. */
const webApp: AppImage = {
  repository: 'example.com/web',
  description: 'test web server',
  launch(ctx) {
    const l = ctx.stack.listen(80, (s) => {
      let req = '';
      s.onData((d) => {
        req += Buffer.from(d).toString();
        if (!req.includes('\r\n\r\n')) return;
        const body = `hello from ${ctx.podName}\n`;
        const status = req.startsWith('GET /fail') ? '503 Service Unavailable' : '200 OK';
        s.end(`HTTP/1.1 ${status}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
      });
    });
    if (!l.ok) throw new Error(`listen :80: ${l.error}`);
    ctx.log('listening on :80');
    return { stop: () => (l.value.close(), 0) };
  },
};

/** Never exits on SIGTERM; its exec knows only "whoami". */
const stubbornApp: AppImage = {
  repository: 'example.com/stubborn',
  description: 'stubborn',
  launch: () => ({
    stop: () => 'ignore',
    exec: (argv, _tty, io) => {
      if (argv[0] !== 'whoami') return executableNotFound(argv[0]);
      let finish: (o: { kind: 'exited'; exitCode: number }) => void = () => {};
      const done = new Promise<{ kind: 'exited'; exitCode: number }>((r) => (finish = r));
      queueMicrotask(() => {
        io.stdout(new TextEncoder().encode('root\n'));
        finish({ kind: 'exited', exitCode: 0 });
      });
      return { kind: 'started', session: { stdin() {}, closeStdin() {}, resize() {}, kill() {}, done } };
    },
  }),
};

function setup() {
  const clock = new FakeClock();
  const lab = new NsxLab({ clock });
  unwrap(lab.addNode('k8s-node1', '10.190.5.11'));
  unwrap(lab.addNode('k8s-node2', '10.190.5.12'));
  const apps = new AppTable([webApp, stubbornApp]);
  const rt = (node: string, seed: number) => {
    const n = attachNodeNetwork({ lab, node, clock, random: seededRandom(seed) });
    return new EmulatedRuntime({ lab, nodeName: node, nodeStack: n.stack, apps, clock, random: seededRandom(seed + 1) });
  };
  return { clock, lab, node1: rt('k8s-node1', 1), node2: rt('k8s-node2', 7) };
}

let uid = 0;
function sandbox(name: string, ipAddr: string, namespace = 'demons'): SandboxSpec {
  const gw = formatIPv4(((ip(ipAddr) & 0xffffff00) + 1) as IPv4);
  return { podUid: `uid-${++uid}`, namespace, name, hostname: name, hostNetwork: false, ip: ipAddr, prefixLength: 24, gateway: gw, resolvConf: 'nameserver 10.96.0.10\nsearch demons.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n' };
}

function container(image: string, over: Partial<ContainerConfig> = {}): ContainerConfig {
  return { name: 'app', image, imageRef: '', command: [], args: [], env: {}, attempt: 0, tty: false, stdin: false, init: false, ...over };
}

async function startPod(rt: EmulatedRuntime, name: string, ipAddr: string, image = 'example.com/web:1.0') {
  const sb = await rt.createSandbox(sandbox(name, ipAddr));
  assert.equal(sb.kind, 'created');
  const sandboxId = sb.kind === 'created' ? sb.sandboxId : '';
  const c = await rt.startContainer(sandboxId, container(image));
  assert.equal(c.kind, 'started', JSON.stringify(c));
  return { sandboxId, containerId: c.kind === 'started' ? c.containerId : '' };
}

function collect(): { io: ExecIO; text: () => string } {
  let out = '';
  return { io: { stdout: (d) => (out += Buffer.from(d).toString()), stderr: (d) => (out += Buffer.from(d).toString()) }, text: () => out };
}

describe('EmulatedRuntime', () => {
  test('a sandbox is a br-int port with the pod NIC; the namespace switch is made with the IPAM subnet', async () => {
    const { lab, node1 } = setup();
    const { sandboxId } = await startPod(node1, 'web-a', '172.25.5.2');
    assert.equal(formatIPv4(lab.namespace('demons')!.cidr.base), '172.25.5.0');
    const show = lab.nodeBridge('k8s-node1')!.vsctlShow();
    assert.match(show, new RegExp(`Port "web-a_${sandboxId.slice(0, 15)}"\\n            tag: 1\\n            Interface "${sandboxId.slice(0, 15)}"`));
    const pod = node1.pod('demons', 'web-a')!;
    assert.equal(pod.nic?.mac, podMac(ip('172.25.5.2')));
    assert.equal(pod.nic?.mac, 0x025056190502);
  });

  test('unknown images fail to pull with the list of known ones; Never gives ErrImageNeverPull', async () => {
    const { node1 } = setup();
    assert.deepEqual(await node1.pullImage('nginx:1.27', 'IfNotPresent'), {
      kind: 'error',
      reason: 'ErrImagePull',
      message: 'image not known to the svcnet emulator (known: example.com/stubborn, example.com/web)',
    });
    assert.equal((await node1.pullImage('nginx', 'Never')).kind, 'error');
    assert.equal((await node1.pullImage('example.com/web:2', 'IfNotPresent')).kind, 'present');
    assert.equal((await node1.pullImage('example.com/web@sha256:00', 'Always')).kind, 'pulled');
  });

  test('probes go from the node stack over the fabric: success, 503, refused, timeout on a cut link', async () => {
    const { clock, lab, node1 } = setup();
    const { containerId } = await startPod(node1, 'web-a', '172.25.5.2');
    const http = (path: string, port = 80): ProbeTarget => ({ kind: 'http', scheme: 'http', host: '172.25.5.2', port, path, headers: [] });
    const probe = (t: ProbeTarget) => runUntil(clock, node1.probe(containerId, 'readiness', t, 1000), 5000);
    assert.deepEqual(await probe(http('/')), { kind: 'success', output: '' });
    assert.deepEqual(await probe(http('/fail')), { kind: 'failure', output: 'HTTP probe failed with statuscode: 503' });
    assert.deepEqual(await probe({ kind: 'tcp', host: '172.25.5.2', port: 8080 }), { kind: 'failure', output: 'dial tcp 172.25.5.2:8080: connect: connection refused' });
    assert.deepEqual(await probe(http('/', 8080)), { kind: 'failure', output: 'Get "http://172.25.5.2:8080/": dial tcp 172.25.5.2:8080: connect: connection refused' });
    assert.deepEqual(await probe({ kind: 'tcp', host: '172.25.5.2', port: 80 }), { kind: 'success', output: '' });
    // The probe really crossed the node's uplink (management side -> pod's namespace switch).
    assert.ok(lab.tier0.stats.forwarded > 0);
    const podLink = lab.pod('k8s-node1', 'web-a')!.linkName;
    lab.setLoss(podLink, 1);
    assert.deepEqual(await probe(http('/')), { kind: 'failure', output: 'Get "http://172.25.5.2:80/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)' });
    assert.deepEqual(await probe({ kind: 'tcp', host: '172.25.5.2', port: 80 }), { kind: 'failure', output: 'dial tcp 172.25.5.2:80: i/o timeout' });
    lab.setLoss(podLink, 0);
  });

  test('pods on two nodes talk TCP; the reply comes back from the pod', async () => {
    const { clock, node1, node2 } = setup();
    await startPod(node1, 'web-a', '172.25.5.2');
    await startPod(node2, 'client-b', '172.25.5.3', 'example.com/stubborn');
    const client = node2.pod('demons', 'client-b')!.stack;
    const s = await runUntil(clock, client.connect(ip('172.25.5.2'), 80), 5000);
    s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const body = Buffer.from(await runUntil(clock, s.readAll(), 5000)).toString();
    assert.match(body, /^HTTP\/1\.1 200 OK\r\n[\s\S]*hello from web-a\n$/);
  });

  test('exec: the minimal shell for apps without one, the app exec otherwise, runc errors for missing programs', async () => {
    const { clock, node1 } = setup();
    const web = await startPod(node1, 'web-a', '172.25.5.2');
    const run = async (id: string, argv: string[]) => {
      const c = collect();
      const r = await node1.exec(id, { command: argv, tty: false, stdin: false }, c.io);
      if (r.kind === 'error') return { error: r.message };
      const o = await runUntil(clock, r.session.done, 1000);
      return { out: c.text(), o };
    };
    assert.deepEqual(await run(web.containerId, ['cat', '/etc/resolv.conf']), { out: 'nameserver 10.96.0.10\nsearch demons.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n', o: { kind: 'exited', exitCode: 0 } });
    assert.deepEqual(await run(web.containerId, ['sh', '-c', 'hostname && exit 3']), { out: 'web-a\n', o: { kind: 'exited', exitCode: 3 } });
    assert.match((await run(web.containerId, ['nosuch'])).error ?? '', /exec: "nosuch": executable file not found in \$PATH/);
    const stub = await startPod(node1, 'stub', '172.25.5.3', 'example.com/stubborn');
    assert.deepEqual(await run(stub.containerId, ['whoami']), { out: 'root\n', o: { kind: 'exited', exitCode: 0 } });
    assert.match((await run(stub.containerId, ['cat', '/etc/hostname'])).error ?? '', /exec: "cat": executable file not found/);
  });

  test('stop: an app that ignores SIGTERM is killed after the grace period (137); logs keep the app output', async () => {
    const { clock, node1 } = setup();
    const web = await startPod(node1, 'web-a', '172.25.5.2');
    const stub = await startPod(node1, 'stub', '172.25.5.3', 'example.com/stubborn');
    await node1.stopContainer(web.containerId, 30);
    let stopped = false;
    void node1.stopContainer(stub.containerId, 5).then(() => (stopped = true));
    await runFor(clock, 4900, 100);
    assert.equal(stopped, false);
    await runFor(clock, 200, 100);
    assert.equal(stopped, true);
    const states = (await node1.listSandboxes()).flatMap((s) => s.containers.map((c) => [s.name, c.state.kind === 'exited' ? c.state.exitCode : 'running']));
    assert.deepEqual(states.sort(), [['stub', 137], ['web-a', 0]]);
    assert.deepEqual(node1.logs(web.containerId)?.lines().map((l) => l.text), ['listening on :80']);
  });

  test('removing a sandbox unplugs the pod and frees its port; the same pod can come back', async () => {
    const { clock, lab, node1 } = setup();
    const a = await startPod(node1, 'web-a', '172.25.5.2');
    await node1.removeSandbox(a.sandboxId);
    assert.equal(lab.pod('k8s-node1', 'web-a'), undefined);
    assert.doesNotMatch(lab.nodeBridge('k8s-node1')!.vsctlShow(), /web-a/);
    const again = await startPod(node1, 'web-a', '172.25.5.2');
    assert.notEqual(again.sandboxId, a.sandboxId);
    const probe = await runUntil(clock, node1.probe(again.containerId, 'liveness', { kind: 'tcp', host: '172.25.5.2', port: 80 }, 1000), 5000);
    assert.equal(probe.kind, 'success');
  });

  test('sandbox errors are reported, not thrown: a subnet that disagrees with the lab', async () => {
    const { node1 } = setup();
    await startPod(node1, 'web-a', '172.25.5.2');
    const r = await node1.createSandbox(sandbox('web-b', '172.25.7.2'));
    assert.equal(r.kind, 'error');
    assert.match(r.kind === 'error' ? r.message : '', /^failed to setup network for sandbox "[0-9a-f]{64}": namespace demons has subnet 172\.25\.5\.0\/24 in the lab but the IPAM gave 172\.25\.7\.2\/24$/);
  });

  test('init containers run their command through exec and exit with its status', async () => {
    const { clock, node1 } = setup();
    const sb = await node1.createSandbox(sandbox('job', '172.25.5.9'));
    const id = sb.kind === 'created' ? sb.sandboxId : '';
    const exited = new Promise<void>((r) => node1.subscribe(() => r()));
    const c = await node1.startContainer(id, container('example.com/web', { init: true, command: ['sh', '-c'], args: ['echo init-ran; exit 2'] }));
    assert.equal(c.kind, 'started');
    await runUntil(clock, exited, 1000);
    const st = (await node1.status(id))!.containers[0]!;
    assert.deepEqual(st.state.kind === 'exited' ? [st.state.exitCode, st.state.reason] : [], [2, 'Error']);
    assert.deepEqual(node1.logs(st.id)?.lines().map((l) => l.text), ['listening on :80', 'init-ran']);
  });
});
