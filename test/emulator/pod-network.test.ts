// Pods of the article's lab on the emulated NSX network, run by the node agents through the
// API server: HTTP, UDP and ICMP between pods on one node and across nodes, node -> pod
// (readiness probes, ping), the external client -> a node, TCP over a lossy link, the
// silent coredns placeholder, an unknown image, and a deleted pod leaving br-int.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIPv4, unwrap } from '../../src/core/index.js';
import { startEmulatedLab, type EmulatedLab } from './_emulated-lab.js';

const ip = (s: string) => unwrap(parseIPv4(s));
let lab: EmulatedLab;
const ips = new Map<string, string>();

function podOf(node: string, ns: string, name: string) {
  const p = lab.emulator.runtimeFor(node).pod(ns, name);
  assert.ok(p !== undefined, `${ns}/${name} has no sandbox on ${node}`);
  return p;
}

describe('pods on the emulated NSX network', { timeout: 60_000 }, () => {
  before(async () => {
    lab = await startEmulatedLab({ seed: 7 });
    await lab.createNamespace('demons');
    const probe = { readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 2 } };
    // One at a time, so addresses are handed out in this order.
    const pods: Array<[string, string, string, string, object]> = [
      ['demons', 'web-a', 'k8s-node1', 'dumlutimuralp/nsx-demo', probe],
      ['demons', 'web-b', 'k8s-node2', 'dumlutimuralp/nsx-demo', probe],
      ['demons', 'nwtest', 'k8s-node1', 'dumlutimuralp/networktest', {}],
      ['kube-system', 'coredns-x', 'k8s-node2', 'registry.k8s.io/coredns/coredns:v1.11.3', {}],
    ];
    for (const [ns, name, node, image, extra] of pods) {
      await lab.createPod(ns, name, node, { containers: [{ name: 'app', image, ...extra }] });
      ips.set(name, (await lab.ready(ns, name)).status?.podIP ?? '');
    }
  });
  after(() => lab?.stop());

  test('addresses come from the namespace subnets; readiness probes came from the node IP over the fabric', async () => {
    assert.deepEqual(Object.fromEntries(ips), { 'web-a': '172.25.5.2', 'web-b': '172.25.5.3', nwtest: '172.25.5.4', 'coredns-x': '172.25.4.2' });
    const web = await lab.getPod('demons', 'web-a');
    const id = web?.status?.containerStatuses?.[0]?.containerID?.replace('svcnet://', '') ?? '';
    const lines = lab.emulator.runtimeFor('k8s-node1').logs(id)?.lines().map((l) => l.text) ?? [];
    assert.ok(lines.some((l) => /^10\.190\.5\.11 - - \[.*\] "GET \/ HTTP\/1\.1" 200 \d+ "-" "kube-probe\/1\.32"$/.test(l)), lines.join('\n'));
  });

  test('HTTP from the shell pod to a web pod on the same node and on the other node', async () => {
    for (const [name, addr] of [['web-a', '172.25.5.2'], ['web-b', '172.25.5.3']] as const) {
      const r = await lab.exec('demons', 'nwtest', ['curl', '-s', addr]);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, new RegExp(`Hello, this web-page is served by: ${name}\\n<br>\\nThe containers private IP is: ${addr.replace(/\./g, '\\.')}`));
    }
  });

  test('ICMP: ping across nodes, from a node to a pod, from the external client to a node', async () => {
    const r = await lab.exec('demons', 'nwtest', ['ping', '-c', '1', '172.25.5.3']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^64 bytes from 172\.25\.5\.3: seq=0 ttl=64 /m, 'same subnet: no router hop');
    assert.match(r.out, /1 packets transmitted, 1 packets received, 0% packet loss/);
    const node2 = lab.emulator.nodeStacks.get('k8s-node2')!.stack;
    const fromNode = await node2.ping(ip('172.25.5.2'));
    assert.equal(fromNode.kind, 'reply', JSON.stringify(fromNode));
    const fromClient = await lab.emulator.client.stack.ping(ip('10.190.5.11'));
    assert.equal(fromClient.kind, 'reply', JSON.stringify(fromClient));
  });

  test('UDP between pods across nodes; the coredns placeholder receives queries and never answers', async () => {
    const server = unwrap(podOf('k8s-node2', 'demons', 'web-b').stack.udpBind(5353));
    server.onMessage((m) => server.sendTo(new TextEncoder().encode(`echo:${Buffer.from(m.data).toString()}`), m.address, m.port));
    const client = unwrap(podOf('k8s-node1', 'demons', 'nwtest').stack.udpBind());
    const reply = client.recv();
    unwrap(client.sendTo(new TextEncoder().encode('hi'), ip('172.25.5.3'), 5353));
    const m = await Promise.race([reply, new Promise<never>((_, no) => setTimeout(() => no(new Error('no UDP reply within 2 s')), 2000))]);
    assert.equal(Buffer.from(m.data).toString(), 'echo:hi');
    assert.equal(m.address, ip('172.25.5.3'));
    server.close();
    client.close();
    // A dead DNS server, not a missing one: no ICMP port unreachable, just a timeout.
    const t0 = Date.now();
    const dig = await lab.exec('demons', 'nwtest', ['dig', '@172.25.4.2', 'kubernetes.default.svc.cluster.local', '+time=1', '+tries=1']);
    assert.match(dig.out, /connection timed out; no servers could be reached/);
    assert.ok(Date.now() - t0 >= 900, 'the query waited for its timeout');
  });

  test('TCP over a lossy link: retransmissions repair the stream byte for byte', async () => {
    const a = podOf('k8s-node1', 'demons', 'nwtest').stack;
    const b = podOf('k8s-node2', 'demons', 'web-b').stack;
    const listener = unwrap(
      b.listen(9000, (s) => {
        s.onData((d) => s.write(d));
        s.onEnd(() => s.end());
      }),
    );
    const link = lab.emulator.lab.pod('k8s-node2', 'web-b')!.linkName;
    const before = a.stats.tcpRetransSegs + b.stats.tcpRetransSegs;
    const sock = await a.connect(ip('172.25.5.3'), 9000);
    assert.ok(lab.emulator.lab.setLoss(link, 0.05));
    try {
      const data = new Uint8Array(120_000).map((_, i) => (i * 7) & 0xff);
      sock.write(data);
      sock.end();
      const got = await sock.readAll();
      assert.equal(got.length, data.length);
      assert.deepEqual(got, data);
      assert.ok(lab.emulator.lab.fabric.link(link)!.stats.lost > 0, 'frames were lost');
      assert.ok(a.stats.tcpRetransSegs + b.stats.tcpRetransSegs > before, 'segments were retransmitted');
    } finally {
      lab.emulator.lab.setLoss(link, 0);
      listener.close();
    }
  });

  test('curl to an address nobody owns times out (exit 28); a program the image lacks is an exec error', async () => {
    const r = await lab.exec('demons', 'nwtest', ['curl', '-s', '172.25.9.9', '--max-time', '1']);
    assert.equal(r.code, 28, r.out);
    const pod = (await lab.getPod('demons', 'nwtest'))!;
    const started = await lab.agents.get('k8s-node1')!.connector.exec(pod, { container: 'app', command: ['nosuch'], stdin: false, stdout: true, stderr: true, tty: false }, { stdout: () => {}, stderr: () => {} });
    assert.equal(started.kind, 'started');
    const o = started.kind === 'started' ? await started.session.done : undefined;
    assert.deepEqual(o, { kind: 'error', message: 'failed to exec in container: OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: unknown' });
  });

  test('an unknown image never runs: ErrImagePull / ImagePullBackOff and a Failed event naming the known images', async () => {
    await lab.createPod('demons', 'typo', 'k8s-node2', { containers: [{ name: 'app', image: 'dumlutimuralp/nsx-dem0' }] });
    const p = await lab.waitFor('pull failure', async () => {
      const x = await lab.getPod('demons', 'typo');
      const reason = x?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
      return reason === 'ErrImagePull' || reason === 'ImagePullBackOff' ? x : undefined;
    });
    assert.equal(p.status?.phase, 'Pending');
    const ev = await lab.waitFor('Failed event', async () => (await lab.events('demons', 'typo')).find((e) => e.reason === 'Failed' && e.message?.startsWith('Failed to pull image')));
    assert.match(ev.message ?? '', /^Failed to pull image "dumlutimuralp\/nsx-dem0": image not known to the svcnet emulator \(known: .*dumlutimuralp\/networktest, dumlutimuralp\/nsx-demo.*\)$/);
  });

  test('views: traces from a pod across namespaces (UDP) and from the client (ICMP); flows and conntrack by node', async () => {
    const views = lab.emulator.views;
    const dns = await views.trace({ from: 'demons/nwtest', to: 'kube-system/coredns-x:53', proto: 'udp' });
    assert.ok(dns.ok, dns.ok ? '' : dns.error);
    assert.match(dns.stdout, /^UDP datagram from pod demons\/nwtest \(172\.25\.5\.4\) to kube-system\/coredns-x \(172\.25\.4\.2\) port 53, next hop 172\.25\.5\.1\n/);
    assert.match(dns.stdout, /router t1-demons: in downlink, route 0\.0\.0\.0\/0 via 100\.64\.0\.\d+ dev uplink/);
    assert.match(dns.stdout, /router T0-K8S-Domain: .* route 172\.25\.4\.0\/24/);
    assert.match(dns.stdout, /Result: delivered to pod kube-system\/coredns-x \(172\.25\.4\.2\)\n$/);
    const ping = await views.trace({ from: 'client', to: 'k8s-node2', proto: 'icmp' });
    assert.ok(ping.ok && /Result: delivered to node k8s-node2 \(10\.190\.5\.12\)\n$/.test(ping.stdout), ping.ok ? ping.stdout : ping.error);
    assert.deepEqual(await views.trace({ from: 'demons/nwtest', to: '172.25.5.3' }), { ok: false, error: 'tcp needs a port: --to 172.25.5.3:PORT' });
    assert.deepEqual(views.node('k8s-node7', 'dump-flows'), { ok: false, error: 'unknown node "k8s-node7" (nodes: k8s-master, k8s-node1, k8s-node2)' });
    const flows = views.node('k8s-node1', 'dump-flows');
    assert.ok(flows.ok && /table=0, n_packets=[1-9]\d*, .*priority=100,ip actions=ct\(table=1\)/.test(flows.stdout));
    const ct = views.node('k8s-node1', 'conntrack');
    assert.ok(ct.ok && /^conntrack v1\.4\.6 \(conntrack-tools\): \d+ flow entries have been shown\.\n$/.test(ct.stderr ?? ''));
  });

  test('a deleted pod leaves br-int and its address answers no more', async () => {
    await lab.createPod('demons', 'short', 'k8s-node2');
    const addr = (await lab.ready('demons', 'short')).status?.podIP ?? '';
    const br = lab.emulator.lab.nodeBridge('k8s-node2')!;
    assert.match(br.vsctlShow(), /Port "short_[0-9a-f]{15}"/);
    await lab.client.delete({ group: '', version: 'v1', resource: 'pods' }, 'demons', 'short');
    await lab.waitFor('pod gone', async () => (await lab.getPod('demons', 'short')) === undefined);
    assert.doesNotMatch(br.vsctlShow(), /short_/);
    const r = await lab.exec('demons', 'nwtest', ['curl', '-s', addr, '--max-time', '1']);
    assert.notEqual(r.code, 0);
  });
});
