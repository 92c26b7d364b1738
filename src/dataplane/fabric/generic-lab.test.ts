import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/clock.js';
import { unwrap } from '../../core/result.js';
import { ip, pod } from './_test-lab.js';
import { GenericLab } from './generic-lab.js';
import type { HookName } from './router.js';
import { formatTrace } from './trace.js';

function lab() {
  const clock = new FakeClock();
  const g = new GenericLab({ clock });
  unwrap(g.addNode('k8s-master', '10.190.5.10'));
  unwrap(g.addNode('k8s-node1', '10.190.5.11'));
  unwrap(g.addNode('k8s-node2', '10.190.5.12'));
  const p1 = pod('eth0@web-1', '10.244.1.2', '10.244.1.1');
  const p2 = pod('eth0@web-2', '10.244.2.2', '10.244.2.1');
  const p3 = pod('eth0@web-3', '10.244.1.3', '10.244.1.1');
  unwrap(g.attachPod({ node: 'k8s-node1', podName: 'web-1', mac: p1.mac, ip: p1.ip, device: p1 }));
  unwrap(g.attachPod({ node: 'k8s-node2', podName: 'web-2', mac: p2.mac, ip: p2.ip, device: p2 }));
  unwrap(g.attachPod({ node: 'k8s-node1', podName: 'web-3', mac: p3.mac, ip: p3.ip, device: p3 }));
  // The node's own stack: node IP, any gateway (the host link answers every ARP).
  const n1 = pod('ens160@k8s-node1', '10.190.5.11', '10.190.5.1');
  unwrap(g.attachNodeStack('k8s-node1', n1));
  const client = pod('eth0@client', '10.190.5.100', '10.190.5.12');
  unwrap(g.attachHost('node-network', client));
  return { clock, g, p1, p2, p3, n1, client };
}

const echoTtl = (h: ReturnType<typeof pod>) =>
  h.inbox.map((f) => (f.l3.kind === 'ipv4' && f.l3.l4.kind === 'icmp' && f.l3.l4.icmp.kind === 'echo-request' ? f.l3.ip.ttl : undefined)).find((t) => t !== undefined);

describe('GenericLab (kube-proxy mode)', () => {
  test('pod CIDRs per node in order, static routes to every other node', () => {
    const { g } = lab();
    assert.equal(g.node('k8s-master')?.podCidr.base, ip('10.244.0.0'));
    assert.equal(g.node('k8s-node2')?.gateway, ip('10.244.2.1'));
    const r = g.node('k8s-node1')?.router.formatRoutes() ?? '';
    assert.match(r, /^s> \* 10\.244\.2\.0\/24 \[1\/0\] via 10\.190\.5\.12, eth0$/m);
    assert.match(r, /^s> \* 10\.244\.0\.0\/24 \[1\/0\] via 10\.190\.5\.10, eth0$/m);
    assert.match(r, /^c> \* 10\.244\.1\.0\/24 is directly connected, cni0$/m);
  });

  test('pod to pod on one node is bridged by cni0; across nodes it is routed by both nodes', () => {
    const { g, p1, p2, p3 } = lab();
    p1.ping(p3.ip);
    p1.ping(p2.ip, { seq: 2 });
    g.runUntilIdle();
    assert.equal(p1.counters.echoReplies, 2);
    assert.equal(echoTtl(p3), 64);
    assert.equal(echoTtl(p2), 62);
  });

  test("the node's own stack reaches remote pods; an outside client reaches a pod via a node", () => {
    const { g, n1, p2, p1, client } = lab();
    n1.ping(p2.ip);
    client.ping(p1.ip);
    g.runUntilIdle();
    assert.equal(n1.counters.echoReplies, 1);
    assert.equal(echoTtl(p2), 63, 'node-originated: only node2 decrements');
    assert.equal(client.counters.echoReplies, 1);
  });

  test('pings to the node IP go to the node stack, not the router; the node stack reaches its pod gateway', () => {
    const { g, p2, n1 } = lab();
    p2.ping(ip('10.190.5.11'));
    g.runUntilIdle();
    assert.equal(n1.counters.echoRequestsAnswered, 1);
    assert.equal(p2.counters.echoReplies, 1);
    n1.ping(ip('10.244.1.1'));
    g.runUntilIdle();
    assert.equal(n1.counters.echoReplies, 1, "the node router answers for its pod gateway address");
  });

  test('netfilter hooks see forwarded and local traffic in order and can rewrite or drop it', () => {
    const { g, p1, p2 } = lab();
    const seen: HookName[] = [];
    const vip = ip('10.96.0.10');
    unwrap(
      g.setNetfilter('k8s-node1', (hook, pkt) => {
        seen.push(hook);
        const l3 = pkt.frame.l3;
        if (hook === 'prerouting' && pkt.ip.dst === vip && l3.kind === 'ipv4' && l3.l4.kind === 'udp') {
          pkt.ip.dst = p2.ip; // a DNAT, as a KUBE-SEP rule would do
          l3.l4.udp.dstPort = 5353;
        }
        if (hook === 'forward' && l3.kind === 'ipv4' && l3.l4.kind === 'udp' && l3.l4.udp.dstPort === 9) return { kind: 'drop', reason: 'REJECT port 9' };
        return { kind: 'accept' };
      }),
    );
    p1.sendUdp(vip, 40000, 53, new Uint8Array(8));
    g.runUntilIdle();
    assert.deepEqual(seen, ['prerouting', 'forward', 'postrouting']);
    const got = p2.inbox.find((f) => f.l3.kind === 'ipv4' && f.l3.l4.kind === 'udp');
    assert.ok(got !== undefined && got.l3.kind === 'ipv4' && got.l3.l4.kind === 'udp');
    assert.equal(got.l3.l4.udp.dstPort, 5353, 'rewritten, with a valid checksum (the receiver verifies it)');
    const text = formatTrace(unwrap(g.trace(p1, p1.buildIp(p2.ip, { kind: 'udp', udp: { srcPort: 1, dstPort: 9, payload: new Uint8Array(1) } }))));
    assert.match(text, /k8s-node1 forward: drop \(REJECT port 9\)/);
    assert.match(text, /DROP at k8s-node1: forward: REJECT port 9/);
  });

  test('an external client behind the edge reaches pods and node IPs; nodes route off-cluster via the edge', () => {
    const { g, p1, n1 } = lab();
    const ext = pod('eth0@ext', '192.168.50.10', '192.168.50.1');
    unwrap(g.attachHost('external', ext));
    ext.ping(p1.ip);
    ext.ping(ip('10.190.5.11'), { seq: 2 });
    g.runUntilIdle();
    assert.equal(ext.counters.echoReplies, 2);
    assert.equal(n1.counters.echoRequestsAnswered, 1);
    assert.match(g.node('k8s-node1')?.router.formatRoutes() ?? '', /^s> \* 0\.0\.0\.0\/0 \[1\/0\] via 10\.190\.5\.1, eth0$/m);
    assert.equal(g.edge.iface('external')?.ip, g.external.gateway);
    assert.equal(g.addNode('bad', '10.190.5.1').ok, false, 'the edge holds .1');
    assert.equal(g.enableNetfilter('nope', []).ok, false);
  });
});
