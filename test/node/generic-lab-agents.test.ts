// Node agents on the generic kube-proxy lab (GenericLab), through the API server: node-CIDR
// IPAM hands out 10.244.N.x from each node's spec.podCIDR, EmulatedRuntime plugs the pods
// into the node's cni0, readiness probes come from the node's own stack, pods talk across
// nodes through both node routers, and a deleted pod gives back its address and its port.
// Everything runs on the real clock (the fabric drains in setImmediate batches).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from '../../src/api/index.js';
import { Resources } from '../../src/client/index.js';
import { parseIPv4, realClock, unwrap } from '../../src/core/index.js';
import { GenericLab } from '../../src/dataplane/fabric/index.js';
import { seededRandom } from '../../src/dataplane/host/testing.js';
import { attachGenericNodeNetwork, BuiltinApps, EmulatedRuntime, genericPodNetwork, silentDnsApp, type NodeCidrIpam } from '../../src/node/index.js';
import { isReady, LAB_NODES, startLab, type Lab } from './_lab.js';

const POD_CIDRS: Readonly<Record<string, string>> = { 'k8s-master': '10.244.0.0/24', 'k8s-node1': '10.244.1.0/24', 'k8s-node2': '10.244.2.0/24' };

let lab: Lab;
let net: GenericLab;
let keepAlive: NodeJS.Timeout;
const runtimes = new Map<string, EmulatedRuntime>();
const nodeStacks = new Map<string, ReturnType<typeof attachGenericNodeNetwork>>();

const probe = { readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 } };

async function runPod(name: string, node: string, image: string, extra: object = {}): Promise<Pod> {
  await lab.createPod('demons', name, node, { containers: [{ name: 'app', image, ...extra }] });
  return lab.waitFor(`demons/${name} ready`, async () => {
    const p = await lab.getPod('demons', name);
    return p?.status?.phase === 'Running' && isReady(p) ? p : undefined;
  });
}

describe('node agents on the generic kube-proxy lab', { timeout: 60_000 }, () => {
  const ips = new Map<string, string>();

  before(async () => {
    // The real clock's timers are unref'd: keep the process alive while packets are in flight.
    keepAlive = setInterval(() => {}, 1000);
    lab = await startLab();
    net = new GenericLab({ seed: 7 });
    const apps = new BuiltinApps({ dnsServerApp: silentDnsApp() });
    let seed = 1;
    for (const [name, cidr] of Object.entries(POD_CIDRS)) {
      const nodeIp = LAB_NODES[name]!.ip;
      unwrap(net.addNode(name, nodeIp, cidr));
      const node = attachGenericNodeNetwork({ lab: net, node: name, clock: realClock, random: seededRandom(seed++) });
      nodeStacks.set(name, node);
      const runtime = new EmulatedRuntime({ network: genericPodNetwork(net, name, realClock, seededRandom(seed++)), nodeName: name, nodeStack: node.stack, apps, clock: realClock });
      runtimes.set(name, runtime);
      await lab.startAgent(name, { runtime, clock: realClock, config: { podCIDR: cidr, ipam: { mode: 'node-cidr' } } });
    }
    await lab.createNamespace('demons');
    // One at a time, so each node's addresses are handed out in this order.
    for (const [name, node, image, extra] of [
      ['web-a', 'k8s-node1', 'dumlutimuralp/nsx-demo', probe],
      ['web-b', 'k8s-node2', 'dumlutimuralp/nsx-demo', probe],
      ['nwtest', 'k8s-node1', 'dumlutimuralp/networktest', {}],
      ['web-m', 'k8s-master', 'dumlutimuralp/nsx-demo', probe],
    ] as const) {
      ips.set(name, (await runPod(name, node, image, extra)).status?.podIP ?? '');
    }
  });
  after(async () => {
    await lab?.stop();
    for (const rt of runtimes.values()) await rt.shutdown();
    clearInterval(keepAlive);
  });

  test("nodes register their podCIDR; pods get addresses from their node's block and are on its cni0", async () => {
    for (const [name, cidr] of Object.entries(POD_CIDRS)) {
      const n = await lab.client.get<Node>(Resources.nodes, undefined, name);
      assert.equal(n.spec?.podCIDR, cidr, name);
    }
    assert.deepEqual(Object.fromEntries(ips), { 'web-a': '10.244.1.2', 'web-b': '10.244.2.2', nwtest: '10.244.1.3', 'web-m': '10.244.0.2' });
    const p = runtimes.get('k8s-node2')!.pod('demons', 'web-b');
    assert.equal(p?.network?.port, 'k8s-node2/cni0/demons/web-b');
    assert.deepEqual(net.node('k8s-node2')?.cni0.portNames().sort(), ['demons/web-b', 'k8s-node2']);
    const web = await lab.getPod('demons', 'web-b');
    assert.equal(web?.status?.hostIP, '10.190.5.12');
  });

  test("readiness probes came from the node's own IP over the lab", async () => {
    const web = await lab.getPod('demons', 'web-b');
    const id = web?.status?.containerStatuses?.[0]?.containerID?.replace('svcnet://', '') ?? '';
    const lines = runtimes.get('k8s-node2')!.logs(id)?.lines().map((l) => l.text) ?? [];
    assert.ok(lines.some((l) => /^10\.190\.5\.12 - - \[.*\] "GET \/ HTTP\/1\.1" 200 \d+ "-" "kube-probe\/1\.32"$/.test(l)), lines.join('\n'));
  });

  test('curl and ping from a pod on node1 to pods on node2, on node1 and on the master', async () => {
    for (const [name, addr] of [['web-b', '10.244.2.2'], ['web-a', '10.244.1.2'], ['web-m', '10.244.0.2']] as const) {
      const r = await lab.exec('demons', 'nwtest', ['curl', '-s', addr]);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, new RegExp(`Hello, this web-page is served by: ${name}\\n<br>\\nThe containers private IP is: ${addr.replace(/\./g, '\\.')}`));
    }
    const cross = await lab.exec('demons', 'nwtest', ['ping', '-c', '1', '10.244.2.2']);
    assert.equal(cross.code, 0, cross.out);
    assert.match(cross.out, /^64 bytes from 10\.244\.2\.2: seq=0 ttl=62 /m, 'routed by node1 then node2');
    assert.match(cross.out, /1 packets transmitted, 1 packets received, 0% packet loss/);
    const local = await lab.exec('demons', 'nwtest', ['ping', '-c', '1', '10.244.1.2']);
    assert.match(local.out, /^64 bytes from 10\.244\.1\.2: seq=0 ttl=64 /m, 'same node: bridged on cni0');
    const fromNode = await nodeStacks.get('k8s-master')!.stack.ping(unwrap(parseIPv4('10.244.2.2')));
    assert.equal(fromNode.kind, 'reply', JSON.stringify(fromNode));
  });

  test('a deleted pod leaves cni0 and frees its address, which the next pod on the node gets', async () => {
    const ipam = lab.agents.get('k8s-node2')!.ipam as NodeCidrIpam;
    assert.equal(ipam.inUse().get('10.244.2.2'), 'demons/web-b');
    await lab.client.delete(Resources.pods, 'demons', 'web-b');
    await lab.waitFor('web-b gone', async () => (await lab.getPod('demons', 'web-b')) === undefined);
    assert.equal(runtimes.get('k8s-node2')!.pod('demons', 'web-b'), undefined, 'sandbox removed');
    assert.equal(net.fabric.link('k8s-node2/cni0/demons/web-b'), undefined, 'unlinked');
    assert.deepEqual(net.node('k8s-node2')?.cni0.portNames(), ['k8s-node2']);
    assert.equal(ipam.inUse().has('10.244.2.2'), false);
    const gone = await lab.exec('demons', 'nwtest', ['curl', '-s', '--max-time', '1', '10.244.2.2']);
    assert.notEqual(gone.code, 0, gone.out);
    const c = await runPod('web-c', 'k8s-node2', 'dumlutimuralp/nsx-demo', probe);
    assert.equal(c.status?.podIP, '10.244.2.2');
    const r = await lab.exec('demons', 'nwtest', ['curl', '-s', '10.244.2.2']);
    assert.match(r.out, /served by: web-c\n/);
  });
});
