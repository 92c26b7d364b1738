// Pod and node stacks on the generic lab (FakeClock): eth0 with the IPAM's address on cni0,
// MACs from IPs, routes via the node router, specs that disagree with the lab refused, and
// detach freeing the cni0 port so the pod can come back.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, parseIPv4, unwrap, type IPv4 } from '../core/index.js';
import { GenericLab } from '../dataplane/fabric/index.js';
import { formatIpRoute } from '../dataplane/host/index.js';
import { runUntil, seededRandom } from '../dataplane/host/testing.js';
import { formatMac } from '../dataplane/wire/index.js';
import { attachGenericNodeNetwork, cniMac, genericPodNetwork } from './generic-network.js';
import type { SandboxSpec } from './runtime.js';

const ip = (s: string): IPv4 => unwrap(parseIPv4(s));

function setup() {
  const clock = new FakeClock();
  const lab = new GenericLab({ clock });
  unwrap(lab.addNode('k8s-master', '10.190.5.10', '10.244.0.0/24'));
  unwrap(lab.addNode('k8s-node1', '10.190.5.11', '10.244.1.0/24'));
  unwrap(lab.addNode('k8s-node2', '10.190.5.12', '10.244.2.0/24'));
  const net1 = genericPodNetwork(lab, 'k8s-node1', clock, seededRandom(1));
  const net2 = genericPodNetwork(lab, 'k8s-node2', clock, seededRandom(2));
  return { clock, lab, net1, net2 };
}

let uid = 0;
function spec(name: string, addr: string, over: Partial<SandboxSpec> = {}): SandboxSpec {
  const gw = addr.replace(/\.\d+$/, '.1');
  return { podUid: `uid-${++uid}`, namespace: 'demons', name, hostname: name, hostNetwork: false, ip: addr, prefixLength: 24, gateway: gw, resolvConf: '', ...over };
}

describe('generic pod network', () => {
  test('eth0 gets the IPAM address, a MAC from it, a default route via cni0 and a link on cni0', () => {
    const { lab, net1 } = setup();
    const a = unwrap(net1.attach(spec('web-a', '10.244.1.2'), 'sb1'));
    assert.equal(net1.kind, 'generic');
    assert.equal(a.nic.address, ip('10.244.1.2'));
    assert.equal(formatMac(a.nic.mac), '0a:58:0a:f4:01:02');
    assert.equal(a.nic.mac, cniMac(ip('10.244.1.2')));
    assert.equal(a.port, 'k8s-node1/cni0/demons/web-a');
    assert.ok(lab.fabric.link(a.port) !== undefined, 'linked to cni0');
    assert.deepEqual(lab.node('k8s-node1')?.cni0.portNames().sort(), ['demons/web-a', 'k8s-node1']);
    assert.match(formatIpRoute(a.stack), /^default via 10\.244\.1\.1 dev eth0/m);
  });

  test('pods reach each other across nodes and the node stacks reach pods', async () => {
    const { clock, lab, net1, net2 } = setup();
    const a = unwrap(net1.attach(spec('web-a', '10.244.1.2'), 'sb1'));
    unwrap(net2.attach(spec('web-b', '10.244.2.2'), 'sb2'));
    const n2 = attachGenericNodeNetwork({ lab, node: 'k8s-node2', clock, random: seededRandom(3) });
    assert.equal(n2.nic.address, ip('10.190.5.12'));
    assert.match(formatIpRoute(n2.stack), /^default via 10\.190\.5\.1 dev eth0/m);
    const cross = await runUntil(clock, a.stack.ping(ip('10.244.2.2')), 5000);
    assert.equal(cross.kind, 'reply', JSON.stringify(cross));
    assert.equal(cross.kind === 'reply' ? cross.ttl : 0, 62, 'routed by both node routers');
    const fromNode = await runUntil(clock, n2.stack.ping(ip('10.244.1.2')), 5000);
    assert.equal(fromNode.kind, 'reply', JSON.stringify(fromNode));
    assert.throws(() => attachGenericNodeNetwork({ lab, node: 'k8s-node2', clock }), /already linked/);
    assert.throws(() => attachGenericNodeNetwork({ lab, node: 'k8s-node9', clock }), /not in the lab/);
  });

  test("specs that disagree with the node's pod CIDR are refused with the reason", () => {
    const { lab, net1 } = setup();
    assert.deepEqual(net1.attach(spec('x', '10.244.2.7'), 'sb'), { ok: false, error: "10.244.2.7 is outside k8s-node1's pod CIDR 10.244.1.0/24" });
    assert.deepEqual(net1.attach(spec('x', '10.244.1.7', { prefixLength: 16 }), 'sb'), { ok: false, error: "pod address 10.244.1.7/16 does not match k8s-node1's pod CIDR 10.244.1.0/24" });
    assert.deepEqual(net1.attach(spec('x', '10.244.1.7', { gateway: '10.244.1.254' }), 'sb'), { ok: false, error: "gateway 10.244.1.254 is not k8s-node1's cni0 address 10.244.1.1" });
    assert.equal(net1.attach(spec('x', 'nope'), 'sb').ok, false);
    assert.deepEqual(genericPodNetwork(lab, 'k8s-node9', new FakeClock()).attach(spec('x', '10.244.1.7'), 'sb'), { ok: false, error: 'node k8s-node9 is not in the emulated lab' });
    assert.deepEqual(lab.node('k8s-node1')?.cni0.portNames(), ['k8s-node1'], 'nothing left plugged in');
  });

  test('same pod name in two namespaces on one node; detach frees the port for the pod to come back', async () => {
    const { clock, lab, net1 } = setup();
    unwrap(net1.attach(spec('web', '10.244.1.2'), 'sb1'));
    unwrap(net1.attach(spec('web', '10.244.1.3', { namespace: 'shop' }), 'sb2'));
    assert.equal(net1.attach(spec('web', '10.244.1.4'), 'sb3').ok, false, 'one port per pod');
    net1.detach({ namespace: 'demons', name: 'web' });
    assert.equal(lab.fabric.link('k8s-node1/cni0/demons/web'), undefined);
    net1.detach({ namespace: 'demons', name: 'web' }); // twice: no-op
    const again = unwrap(net1.attach(spec('web', '10.244.1.2'), 'sb4'));
    const r = await runUntil(clock, again.stack.ping(ip('10.244.1.3')), 5000);
    assert.equal(r.kind, 'reply', JSON.stringify(r));
    assert.equal(r.kind === 'reply' ? r.ttl : 0, 64, 'same node: bridged, no router hop');
  });
});
