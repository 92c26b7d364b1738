// br_netfilter on the generic lab's cni0: pods on one node (a /24, as a CNI gives them)
// talk over the bridge, and bridged IPv4 frames run the node's netfilter program with the
// router's conntrack — so a ClusterIP reply from a pod on the client's own node is
// un-DNATed, hairpin works, a bridged packet DNATed off the bridge is routed on, and a
// plain pod-to-pod packet is neither routed nor TTL-decremented.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/clock.js';
import { unwrap } from '../../core/result.js';
import type { HostStack } from '../host/index.js';
import { runUntil } from '../host/testing.js';
import type { NetfilterRuleset } from '../nftables/nf-types.js';
import { TCP_SYN } from '../wire/tcp.js';
import { echoServer, exchange, loadIpt, loadNft, podStack } from './_netfilter-fixture.js';
import { ip, pod } from './_test-lab.js';
import { GenericLab } from './generic-lab.js';
import { formatTrace } from './trace.js';

function cluster(rulesets: () => NetfilterRuleset) {
  const clock = new FakeClock();
  const g = new GenericLab({ clock });
  unwrap(g.addNode('node1', '10.190.5.11', '10.244.1.0/24'));
  unwrap(g.addNode('node2', '10.190.5.12', '10.244.2.0/24'));
  const nf1 = unwrap(g.enableNetfilter('node1', [rulesets()], { seed: 11 }));
  unwrap(g.enableNetfilter('node2', [rulesets()], { seed: 12 }));
  const stacks: Record<string, HostStack> = {};
  const peers: Record<string, string[]> = {};
  for (const [name, node, addr, gw] of [
    ['client', 'node1', '10.244.1.10', '10.244.1.1'],
    ['web-1', 'node1', '10.244.1.2', '10.244.1.1'],
    ['web-3', 'node1', '10.244.1.3', '10.244.1.1'],
    ['web-2', 'node2', '10.244.2.2', '10.244.2.1'],
  ] as const) {
    const p = podStack(clock, name, addr, gw, 24);
    unwrap(g.attachPod({ node, podName: name, mac: p.eth0.mac, ip: addr, device: p.eth0 }));
    stacks[name] = p.stack;
    peers[name] = echoServer(p.stack);
  }
  const cni0 = g.node('node1')!.cni0;
  return { clock, g, nf1, cni0, client: stacks['client']!, peers: (n: string) => peers[n]!, stack: (n: string) => stacks[n]! };
}

async function refused(clock: FakeClock, s: HostStack, dst: string, port: number): Promise<string> {
  try {
    await runUntil(clock, s.connect(ip(dst), port), 30_000);
    return 'connected';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

for (const [name, load] of [
  ['nftables', loadNft],
  ['iptables', loadIpt],
] as const) {
  describe(`bridge netfilter on cni0 (${name})`, () => {
    test('pod -> ClusterIP whose only endpoint is a pod on the same node: the bridged reply is un-DNATed', async () => {
      const { clock, client, cni0, nf1, peers } = cluster(load);
      const ports: number[] = [];
      for (let i = 0; i < 3; i++) {
        const { got, sock } = await exchange(clock, client, '10.96.0.40', 80, `local ${i}`);
        assert.equal(got, `local ${i}`);
        assert.equal(sock.remoteAddress, ip('10.96.0.40'), 'the client only ever sees the ClusterIP');
        ports.push(sock.localPort);
      }
      assert.deepEqual(peers('web-3'), ['10.244.1.10', '10.244.1.10', '10.244.1.10'], 'not masqueraded');
      assert.ok(cni0.stats().bridgeHooked > 0, 'the replies were bridged through the hooks');
      // One conntrack entry per connection, made by the router's DNAT; the bridged replies matched it.
      const entries = nf1.conntrack.list().filter((e) => e.orig.src === ip('10.244.1.10') || e.orig.src === ip('10.244.1.3'));
      assert.deepEqual(
        entries.map((e) => [e.orig.srcPort, e.orig.dst, e.reply.src, e.seenReply]).sort(),
        ports.map((p) => [p, ip('10.96.0.40'), ip('10.244.1.3'), true]).sort(),
      );
    });

    test('pod -> ClusterIP with endpoints on both nodes: many connections reach both', async () => {
      const { clock, client, peers } = cluster(load);
      for (let i = 0; i < 12; i++) {
        const { got, sock } = await exchange(clock, client, '10.96.0.10', 80, `both ${i}`);
        assert.equal(got, `both ${i}`);
        assert.equal(sock.remoteAddress, ip('10.96.0.10'));
      }
      assert.equal(peers('web-1').length + peers('web-2').length, 12);
      assert.ok(peers('web-1').length > 0 && peers('web-2').length > 0, `both endpoints used: ${peers('web-1').length} / ${peers('web-2').length}`);
    });

    test('hairpin: pod -> ClusterIP whose only endpoint is itself, masqueraded to the bridge address', async () => {
      const { clock, client, peers } = cluster(load);
      for (let i = 0; i < 2; i++) {
        const { got, sock } = await exchange(clock, client, '10.96.0.50', 80, `self ${i}`);
        assert.equal(got, `self ${i}`);
        assert.equal(sock.remoteAddress, ip('10.96.0.50'));
      }
      assert.deepEqual(peers('client'), ['10.244.1.1', '10.244.1.1']);
    });

    test('plain pod-to-pod on one node: bridged through the hooks, tracked once, not routed', async () => {
      const { clock, g, client, cni0, nf1, peers } = cluster(load);
      const routed0 = g.node('node1')!.router.stats.forwarded;
      const { got, sock } = await exchange(clock, client, '10.244.1.3', 8080, 'direct');
      assert.equal(got, 'direct');
      assert.equal(sock.remoteAddress, ip('10.244.1.3'));
      assert.deepEqual(peers('web-3'), ['10.244.1.10']);
      assert.equal(g.node('node1')!.router.stats.forwarded, routed0, 'the router forwarded nothing');
      assert.ok(cni0.stats().bridgeHooked >= 4);
      const entries = nf1.conntrack.list().filter((e) => e.orig.src === ip('10.244.1.10') || e.orig.src === ip('10.244.1.3'));
      assert.equal(entries.length, 1);
      assert.deepEqual([entries[0]!.orig.dst, entries[0]!.orig.srcPort, entries[0]!.orig.dstPort, entries[0]!.dnat], [ip('10.244.1.3'), sock.localPort, 8080, false]);
      // TTL untouched (a SimpleHost pair sees the raw echo request).
      const a = pod('eth0@a', '10.244.1.20', '10.244.1.1');
      const b = pod('eth0@b', '10.244.1.21', '10.244.1.1');
      unwrap(g.attachPod({ node: 'node1', podName: 'a', mac: a.mac, ip: a.ip, device: a }));
      unwrap(g.attachPod({ node: 'node1', podName: 'b', mac: b.mac, ip: b.ip, device: b }));
      a.ping(b.ip);
      g.runUntilIdle();
      assert.equal(a.counters.echoReplies, 1);
      const req = b.inbox.find((f) => f.l3.kind === 'ipv4' && f.l3.l4.kind === 'icmp' && f.l3.l4.icmp.kind === 'echo-request');
      assert.equal(req?.l3.kind === 'ipv4' ? req.l3.ip.ttl : undefined, 64);
    });

    test('a bridged packet DNATed to a pod on another node goes on through the router (no second PREROUTING)', async () => {
      const { clock, client, cni0, nf1, peers } = cluster(load);
      const { got, sock } = await exchange(clock, client, '10.244.1.3', 9090, 'elsewhere');
      assert.equal(got, 'elsewhere');
      assert.equal(sock.remoteAddress, ip('10.244.1.3'), 'the reply is un-DNATed by node1 on its way back');
      assert.deepEqual(peers('web-2'), ['10.244.1.10']);
      assert.deepEqual(peers('web-3'), []);
      assert.ok(cni0.stats().toStack >= 1);
      const entries = nf1.conntrack.list().filter((e) => e.orig.src === ip('10.244.1.10'));
      assert.equal(entries.length, 1, 'one connection: the router did not track the handed-over packet anew');
      assert.deepEqual([entries[0]!.orig.dst, entries[0]!.orig.dstPort, entries[0]!.reply.src, entries[0]!.reply.srcPort], [ip('10.244.1.3'), 9090, ip('10.244.2.2'), 8080]);
    });

    test('a reject in FORWARD of a bridged packet is answered (TCP reset from the destination)', async () => {
      const { clock, g, client } = cluster(load);
      assert.equal(await refused(clock, client, '10.244.1.3', 7777), 'ECONNREFUSED');
      const probe = pod('eth0@probe', '10.244.1.20', '10.244.1.1');
      unwrap(g.attachPod({ node: 'node1', podName: 'probe', mac: probe.mac, ip: probe.ip, device: probe }));
      probe.ping(ip('10.244.1.3'));
      g.runUntilIdle();
      const syn = { kind: 'tcp' as const, tcp: { srcPort: 40000, dstPort: 7777, seq: 7, ack: 0, flags: TCP_SYN, window: 65535, urgentPointer: 0, options: new Uint8Array(0), payload: new Uint8Array(0) } };
      const text = formatTrace(unwrap(g.trace(probe, probe.buildIp(ip('10.244.1.3'), syn), {})));
      assert.match(text, /node1\/cni0 bridge prerouting: accept/);
      assert.match(text, /node1\/cni0 bridge forward: reject with tcp-reset/);
      assert.match(text, /node1: REJECT, sends TCP RST 10\.244\.1\.3:7777 > 10\.244\.1\.20:40000/);
    });
  });
}

describe('bridge netfilter wiring', () => {
  test('setNetfilter (a raw router hook) takes cni0 back to plain bridging', () => {
    const g = new GenericLab({ clock: new FakeClock() });
    const n = unwrap(g.addNode('node1', '10.190.5.11'));
    unwrap(g.enableNetfilter('node1', [loadNft()]));
    assert.ok(n.cni0.bridgeNetfilter !== undefined);
    unwrap(g.setNetfilter('node1', undefined));
    assert.equal(n.cni0.bridgeNetfilter, undefined);
  });
});
