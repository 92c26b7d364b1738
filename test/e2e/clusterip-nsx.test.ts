// The article's ClusterIP walk-through (NSX-T + K8s part 5) with the real kubectl against
// `svcnet up`: two nsx-demo pods behind nsxtestservice, curl from the networktest pod by
// VIP and by name, ping to the VIP unanswered, and the OpenFlow view on k8s-node1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, type LabProcess } from '../helpers/lab-process.js';

let lab: LabProcess;
const NS = 'demons';

function ok(args: readonly string[], opts?: Parameters<LabProcess['kubectl']>[1]): string {
  const r = lab.kubectl(args, opts);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function eventually(what: string, fn: () => boolean | string, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  let last: boolean | string = false;
  while (Date.now() - t0 < timeoutMs) {
    last = fn();
    if (last === true) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`timed out waiting for ${what}${typeof last === 'string' ? `:\n${last}` : ''}`);
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface PodInfo {
  readonly name: string;
  readonly ip: string;
  readonly node: string;
}

function pods(app: string): PodInfo[] {
  const out = ok(['get', 'pods', '-n', NS, '-l', `app=${app}`, '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.podIP} {.spec.nodeName}{"\\n"}{end}']);
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [name = '', ip = '', node = ''] = l.split(' ');
      return { name, ip, node };
    });
}

describe('ClusterIP on the emulated NSX fabric, as in the article', { timeout: 300_000 }, () => {
  let vip = '';
  let apps: PodInfo[] = [];
  let client: PodInfo | undefined;

  before(async () => {
    lab = await startLab();
    ok(['create', 'namespace', NS]);
    ok(['create', 'deployment', 'nsxtestapp', '--image=dumlutimuralp/nsx-demo', '--replicas=2', '-n', NS]);
    ok(['create', 'deployment', 'nwtest', '--image=dumlutimuralp/networktest', '-n', NS]);
    ok(['create', 'service', 'clusterip', 'nsxtestservice', '--tcp=80:80', '-n', NS]);
    // `kubectl create service` selects app=nsxtestservice; the article edits it to the app pods.
    ok(['patch', 'service', 'nsxtestservice', '-n', NS, '--type=merge', '-p', '{"spec":{"selector":{"app":"nsxtestapp"}}}']);
    await eventually('deployments 2/2 and 1/1', () => {
      const out = ok(['get', 'deployments', '-n', NS, '--no-headers']);
      return (/^nsxtestapp\s+2\/2\s/m.test(out) && /^nwtest\s+1\/1\s/m.test(out)) || out;
    });
    await eventually('both app pods in the endpoints', () => {
      apps = pods('nsxtestapp');
      const eps = ok(['get', 'endpoints', 'nsxtestservice', '-n', NS, '-o', 'jsonpath={.subsets[*].addresses[*].ip}']).split(' ').filter((x) => x !== '');
      const want = apps.map((p) => p.ip).filter((x) => x !== '');
      return (want.length === 2 && eps.length === 2 && want.every((x) => eps.includes(x))) || `endpoints ${eps.join(',')} pods ${want.join(',')}`;
    });
    vip = ok(['get', 'service', 'nsxtestservice', '-n', NS, '-o', 'jsonpath={.spec.clusterIP}']).trim();
    client = pods('nwtest')[0];
    assert.ok(client !== undefined && client.name !== '');
    assert.match(vip, /^\d+\.\d+\.\d+\.\d+$/);
  });
  after(async () => {
    await lab?.stop();
  });

  const exec = (cmd: readonly string[]) => lab.kubectl(['exec', '-n', NS, client?.name ?? '', '--', ...cmd], { timeoutMs: 30_000 });

  test('curl to the ClusterIP: every request answered, both backends serve', (t) => {
    t.diagnostic(`client ${client?.name} on ${client?.node}; backends ${apps.map((p) => `${p.name}@${p.node}`).join(', ')}`);
    const servedBy = new Set<string>();
    // 8 as in the article; the bucket is a hash of the connection (random source port), so
    // if one backend happened to take all 8, keep going (each miss halves the odds again).
    for (let i = 0; i < 8 || (servedBy.size < 2 && i < 24); i++) {
      const r = exec(['curl', '-s', '--max-time', '5', vip]);
      assert.equal(r.code, 0, `request ${i}: ${r.stderr}${r.stdout}`);
      const m = /Hello, this web-page is served by: (\S+)/.exec(r.stdout);
      assert.ok(m !== null, r.stdout);
      servedBy.add(m[1] ?? '');
    }
    assert.deepEqual([...servedBy].sort(), apps.map((p) => p.name).sort(), 'both demo pods served');
  });

  test('curl by the Service name resolves through cluster DNS (10.96.0.10, served by the coredns pods)', () => {
    const dnsHits = () => {
      const f = lab.svcnet(['ofctl', 'dump-flows', client?.node ?? '']).stdout;
      const m = /n_packets=(\d+), n_bytes=\d+, priority=100,ct_state=\+new\+trk,udp,nw_dst=10\.96\.0\.10,tp_dst=53 actions=group:\d+$/m.exec(f);
      assert.ok(m !== null, f);
      return Number(m[1]);
    };
    const before = dnsHits();
    const r = exec(['curl', '-s', '--max-time', '5', 'nsxtestservice']);
    assert.equal(r.code, 0, `${r.stderr}${r.stdout}`);
    assert.match(r.stdout, new RegExp(`Hello, this web-page is served by: (${apps.map((p) => esc(p.name)).join('|')})`));
    assert.ok(dnsHits() > before, 'the query went to the kube-dns VIP and through its group');
    const coredns = ok(['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns', '-o', 'jsonpath={.items[*].status.podIP}']).split(' ').filter((x) => x !== '');
    const groups = lab.svcnet(['ofctl', 'dump-groups', client?.node ?? '']).stdout;
    for (const ip of coredns) assert.match(groups, new RegExp(`nat\\(dst=${esc(ip)}:53\\)`), 'kube-dns buckets are the coredns pods');
    assert.ok(coredns.length >= 1);
  });

  test('ping to the ClusterIP gets no reply', () => {
    const r = exec(['ping', '-c', '2', '-W', '1', vip]);
    assert.match(r.stdout, /2 packets transmitted, 0 packets received, 100% packet loss/, `${r.stderr}${r.stdout}`);
    assert.notEqual(r.code, 0);
  });

  test('curl to a Service without endpoints is refused at once (reject flow -> packet-in -> TCP RST)', async () => {
    ok(['create', 'service', 'clusterip', 'noendpoints', '--tcp=80:80', '-n', NS]);
    const novip = ok(['get', 'service', 'noendpoints', '-n', NS, '-o', 'jsonpath={.spec.clusterIP}']).trim();
    assert.match(novip, /^\d+\.\d+\.\d+\.\d+$/);
    const reject = new RegExp(`priority=100,ct_state=\\+new\\+trk,tcp,nw_dst=${esc(novip)},tp_dst=80 actions=load:0x1->NXM_NX_REG0\\[1\\],CONTROLLER:65535$`, 'm');
    await eventually('the reject flow on the client node', () => {
      const f = lab.svcnet(['ofctl', 'dump-flows', client?.node ?? '']).stdout;
      return reject.test(f) || f;
    });
    const t0 = Date.now();
    const r = exec(['curl', '-sS', '--max-time', '3', novip]);
    const ms = Date.now() - t0;
    assert.equal(r.code, 7, `${r.stderr}${r.stdout}`);
    assert.match(r.stderr, /Connection refused/);
    assert.ok(ms < 3000, `refused in ${ms} ms, not after the 3 s timeout`);
  });

  test("the client's node shows the article's flows and the select group", () => {
    const node = client?.node ?? '';
    assert.match(node, /^k8s-node\d$/);
    const flows = lab.svcnet(['ofctl', 'dump-flows', node]);
    assert.equal(flows.code, 0, flows.stderr);
    const v = esc(vip);
    assert.match(flows.stdout, new RegExp(`^ cookie=0x7, duration=[\\d.]+s, table=1, n_packets=\\d+, n_bytes=\\d+, priority=100,ct_state=-new\\+trk,ip,nw_dst=${v} actions=ct\\(table=2,zone=65312,nat\\)$`, 'm'));
    const grp = new RegExp(`^ cookie=0x7, duration=[\\d.]+s, table=1, n_packets=(\\d+), n_bytes=\\d+, priority=100,ct_state=\\+new\\+trk,tcp,nw_dst=${v},tp_dst=80 actions=group:(\\d+)$`, 'm').exec(flows.stdout);
    assert.ok(grp !== null, flows.stdout);
    assert.ok(Number(grp[1]) > 0, 'the curls went through the group flow');
    const groups = lab.svcnet(['ofctl', 'dump-groups', node]);
    assert.equal(groups.code, 0, groups.stderr);
    const line = groups.stdout.split('\n').find((l) => l.startsWith(` group_id=${grp[2]},`));
    assert.ok(line !== undefined, groups.stdout);
    const buckets = [...line.matchAll(/bucket=bucket_id:(\d+),weight:100,actions=ct\(commit,table=2,zone=65312,nat\(dst=(172\.25\.5\.\d+):80\)\)/g)].map((m) => m[2]);
    assert.equal(line.split('bucket=').length - 1, 2, line);
    assert.deepEqual(buckets.sort(), apps.map((p) => p.ip).sort());
    assert.match(line, /^ group_id=\d+,type=select,/);
    // Every node has the service flows, whether or not its pods used them (the article dumps k8s-node1).
    const node1 = lab.svcnet(['ofctl', 'dump-flows', 'k8s-node1']).stdout;
    assert.match(node1, new RegExp(`priority=100,ct_state=-new\\+trk,ip,nw_dst=${v} actions=ct\\(table=2,zone=65312,nat\\)$`, 'm'));
    assert.match(node1, new RegExp(`priority=100,ct_state=\\+new\\+trk,tcp,nw_dst=${v},tp_dst=80 actions=group:\\d+$`, 'm'));
  });

  // Last: it changes the Service's type. "a NodePort will still be configured for this
  // service as part of K8S workflow, (Iptables rules for this service are implemented on
  // K8S nodes)": kube-proxy in iptables mode on every node's management NIC.
  test('NodePort: served on the node IPs by the iptables kube-proxy on the management NICs', async () => {
    ok(['patch', 'service', 'nsxtestservice', '-n', NS, '--type=merge', '-p', '{"spec":{"type":"NodePort"}}']);
    const nodePort = ok(['get', 'service', 'nsxtestservice', '-n', NS, '-o', 'jsonpath={.spec.ports[0].nodePort}']).trim();
    assert.match(nodePort, /^3\d{4}$/);
    const rule = new RegExp(`^\\[(\\d+):\\d+\\] -A KUBE-NODEPORTS .*--dport ${nodePort} -j KUBE-EXT-\\S+$`, 'm');
    await eventually('the NodePort rule in k8s-node1\'s iptables-save', () => {
      const r = lab.svcnet(['iptables-save', 'k8s-node1']);
      return rule.test(r.stdout) || `${r.stderr}${r.stdout}`;
    });
    const served = new RegExp(`Hello, this web-page is served by: (${apps.map((p) => esc(p.name)).join('|')})`);
    for (const nodeIp of ['10.190.5.11', '10.190.5.12']) {
      const r = lab.svcnet(['exec', 'client', '--', 'curl', '-s', '--max-time', '5', `http://${nodeIp}:${nodePort}`]);
      assert.equal(r.code, 0, `curl ${nodeIp}:${nodePort}: ${r.stderr}${r.stdout}`);
      assert.match(r.stdout, served);
    }
    const save = lab.svcnet(['iptables-save', 'k8s-node1']);
    assert.equal(save.code, 0, save.stderr);
    const hits = rule.exec(save.stdout);
    assert.ok(hits !== null && Number(hits[1]) >= 1, `the NodePort rule counted the curl:\n${save.stdout}`);
    for (const p of apps) assert.match(save.stdout, new RegExp(`-j DNAT --to-destination ${esc(p.ip)}:80`));
  });
});
