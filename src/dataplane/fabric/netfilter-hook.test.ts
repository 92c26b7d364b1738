// kube-proxy programs (nftables and iptables, hand-written in kube-proxy's shape) running
// packet by packet in the generic lab: ClusterIP DNAT with replies un-NATed, NodePort
// from an external client (DNAT + masquerade), rejects for services without endpoints,
// the node's own stack (OUTPUT path), and traces that show the rule hits.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/clock.js';
import { unwrap } from '../../core/result.js';
import type { HostStack } from '../host/index.js';
import { runFor, runUntil } from '../host/testing.js';
import type { NetfilterRuleset } from '../nftables/nf-types.js';
import { TCP_ACK, TCP_RST, TCP_SYN } from '../wire/tcp.js';
import { echoServer, exchange, lanStack, loadIpt, loadNft, podStack } from './_netfilter-fixture.js';
import { ip, pod } from './_test-lab.js';
import { GenericLab } from './generic-lab.js';
import { rejectWith } from './netfilter-hook.js';
import { formatTrace } from './trace.js';

function cluster(rulesets: () => NetfilterRuleset) {
  const clock = new FakeClock();
  const g = new GenericLab({ clock });
  unwrap(g.addNode('node1', '10.190.5.11', '10.244.1.0/24'));
  unwrap(g.addNode('node2', '10.190.5.12', '10.244.2.0/24'));
  const nf1 = unwrap(g.enableNetfilter('node1', [rulesets()], { seed: 11 }));
  const nf2 = unwrap(g.enableNetfilter('node2', [rulesets()], { seed: 12 }));
  const client = podStack(clock, 'client', '10.244.1.10', '10.244.1.1');
  const web1 = podStack(clock, 'web-1', '10.244.1.2', '10.244.1.1');
  const web2 = podStack(clock, 'web-2', '10.244.2.2', '10.244.2.1');
  unwrap(g.attachPod({ node: 'node1', podName: 'client', mac: client.eth0.mac, ip: '10.244.1.10', device: client.eth0 }));
  unwrap(g.attachPod({ node: 'node1', podName: 'web-1', mac: web1.eth0.mac, ip: '10.244.1.2', device: web1.eth0 }));
  unwrap(g.attachPod({ node: 'node2', podName: 'web-2', mac: web2.eth0.mac, ip: '10.244.2.2', device: web2.eth0 }));
  const node1 = lanStack(clock, 'node1', '10.190.5.11', '10.190.5.1');
  unwrap(g.attachNodeStack('node1', node1.eth0));
  const ext = lanStack(clock, 'ext', '192.168.50.10', '192.168.50.1');
  unwrap(g.attachHost('external', ext.eth0));
  const peers1 = echoServer(web1.stack);
  const peers2 = echoServer(web2.stack);
  return { clock, g, nf1, nf2, client, web1, web2, node1, ext, peers1, peers2 };
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
  describe(`kube-proxy ${name} program in the generic lab`, () => {
    test('pod -> ClusterIP:80 spreads over endpoints on both nodes; replies come back from the ClusterIP', async () => {
      const { clock, client, peers1, peers2, nf1 } = cluster(load);
      for (let i = 0; i < 12; i++) {
        const { got, sock } = await exchange(clock, client.stack, '10.96.0.10', 80, `hello ${i}`);
        assert.equal(got, `hello ${i}`);
        assert.equal(sock.remoteAddress, ip('10.96.0.10'), 'the client only ever talks to the ClusterIP');
      }
      assert.equal(peers1.length + peers2.length, 12);
      assert.ok(peers1.length > 0 && peers2.length > 0, `both endpoints used: ${peers1.length} / ${peers2.length}`);
      // Pod-to-ClusterIP from inside the cluster CIDR is not masqueraded.
      assert.deepEqual(new Set([...peers1, ...peers2]), new Set(['10.244.1.10']));
      assert.ok(nf1.conntrack.size >= 12);
    });

    test('external client -> NodeIP:NodePort: DNAT to a pod, masquerade to the out interface address, reply returns', async () => {
      const { clock, ext, peers1, peers2 } = cluster(load);
      for (let i = 0; i < 10; i++) {
        const { got, sock } = await exchange(clock, ext.stack, '10.190.5.11', 30080, `np ${i}`);
        assert.equal(got, `np ${i}`);
        assert.equal(sock.remoteAddress, ip('10.190.5.11'));
      }
      assert.ok(peers1.length > 0 && peers2.length > 0);
      // Masquerade takes the address of the interface the packet leaves by: towards the
      // node1 pod that is cni0 (the pod gateway 10.244.1.1), towards node2's pod eth0 (the node IP).
      assert.deepEqual(new Set(peers1), new Set(['10.244.1.1']));
      assert.deepEqual(new Set(peers2), new Set(['10.190.5.11']));
    });

    test("the node's own stack -> ClusterIP (OUTPUT path), masqueraded", async () => {
      const { clock, node1, peers1, peers2 } = cluster(load);
      for (let i = 0; i < 8; i++) {
        const { got, sock } = await exchange(clock, node1.stack, '10.96.0.10', 80, `out ${i}`);
        assert.equal(got, `out ${i}`);
        assert.equal(sock.remoteAddress, ip('10.96.0.10'));
      }
      assert.ok(peers1.length > 0 && peers2.length > 0);
      assert.deepEqual(new Set(peers1), new Set(['10.244.1.1']));
      assert.deepEqual(new Set(peers2), new Set(['10.190.5.11']));
    });

    test('no endpoints: TCP gets a reset (ClusterIP and NodePort), UDP an ICMP port unreachable', async () => {
      const { clock, g, client, ext, node1 } = cluster(load);
      assert.equal(await refused(clock, client.stack, '10.96.0.30', 80), 'ECONNREFUSED');
      assert.equal(await refused(clock, ext.stack, '10.190.5.11', 30030), 'ECONNREFUSED');
      assert.equal(await refused(clock, node1.stack, '10.96.0.30', 80), 'ECONNREFUSED');
      const sock = unwrap(client.stack.udpBind(0));
      const errors: string[] = [];
      sock.onError((e) => errors.push(e));
      sock.connect(ip('10.96.0.20'), 53);
      unwrap(sock.send(new Uint8Array([1, 2, 3])));
      await runFor(clock, 20);
      assert.deepEqual(errors, ['ECONNREFUSED']);
      assert.ok((g.node('node1')?.router.stats.rejected ?? 0) >= 3);
    });

    test('a trace shows the rules that matched, the NAT, and the reject', async () => {
      const { clock, g } = cluster(load);
      const probe = pod('eth0@probe', '10.244.1.20', '10.244.1.1', 32);
      unwrap(g.attachPod({ node: 'node1', podName: 'probe', mac: probe.mac, ip: probe.ip, device: probe }));
      probe.ping(ip('10.244.1.1'));
      await runFor(clock, 5);
      const syn = { kind: 'tcp' as const, tcp: { srcPort: 40000, dstPort: 80, seq: 7, ack: 0, flags: TCP_SYN, window: 65535, urgentPointer: 0, options: new Uint8Array(0), payload: new Uint8Array(0) } };
      const text = formatTrace(unwrap(g.trace(probe, probe.buildIp(ip('10.96.0.10'), syn), {})));
      assert.match(text, /node1 \| hook prerouting: 10\.244\.1\.20:40000 -> 10\.96\.0\.10:80 proto 6/);
      assert.match(text, name === 'nftables' ? /node1 \|\s+rule .*vmap @service-ips/ : /node1 \|\s+rule .*KUBE-SVC-WEB/);
      assert.match(text, /node1 \|\s+nat dst \(rule, prerouting\): 10\.244\.1\.20:40000 -> 10\.96\.0\.10:80 proto 6 => 10\.244\.1\.20:40000 -> 10\.244\.[12]\.2:8080 proto 6/);
      assert.match(text, /node1 prerouting: accept/);
      assert.match(text, /router node1: in cni0, route .*, out (cni0|eth0)/);
      const rst = formatTrace(unwrap(g.trace(probe, probe.buildIp(ip('10.96.0.30'), syn), {})));
      assert.match(rst, /node1 forward: reject with tcp-reset/);
      assert.match(rst, /node1: REJECT, sends TCP RST 10\.96\.0\.30:80 > 10\.244\.1\.20:40000/);
      assert.match(rst, /DROP at node1: forward: reject with tcp-reset/);
      const udp = formatTrace(unwrap(g.trace(probe, probe.buildIp(ip('10.96.0.20'), { kind: 'udp', udp: { srcPort: 5000, dstPort: 53, payload: new Uint8Array(4) } }), { deliver: true })));
      assert.match(udp, /REJECT, sends ICMP port-unreachable 10\.244\.1\.1 > 10\.244\.1\.20/);
      await runFor(clock, 5);
      const icmp = probe.inbox.find((f) => f.l3.kind === 'ipv4' && f.l3.l4.kind === 'icmp' && f.l3.l4.icmp.kind === 'dest-unreachable');
      assert.ok(icmp !== undefined && icmp.l3.kind === 'ipv4' && icmp.l3.l4.kind === 'icmp' && icmp.l3.l4.icmp.kind === 'dest-unreachable');
      assert.equal(icmp.l3.l4.icmp.code, 3);
    });
  });
}

describe('netfilterHook details', () => {
  test('a RST answers a SYN with RST+ACK acknowledging it, and an ACK segment with seq = its ack', async () => {
    const { clock, g } = cluster(loadNft);
    const probe = pod('eth0@probe', '10.244.1.20', '10.244.1.1', 32);
    unwrap(g.attachPod({ node: 'node1', podName: 'probe', mac: probe.mac, ip: probe.ip, device: probe }));
    probe.sendTcp(ip('10.96.0.30'), 41000, 80, TCP_SYN, { seq: 100 });
    probe.sendTcp(ip('10.96.0.30'), 41001, 80, TCP_ACK, { seq: 5, ack: 9999 });
    await runFor(clock, 5);
    const rsts = probe.inbox.flatMap((f) => (f.l3.kind === 'ipv4' && f.l3.l4.kind === 'tcp' ? [{ src: f.l3.ip.src, ...f.l3.l4.tcp }] : []));
    assert.equal(rsts.length, 2);
    assert.equal(rsts[0]!.src, ip('10.96.0.30'));
    assert.equal(rsts[0]!.flags, TCP_RST | TCP_ACK);
    assert.equal(rsts[0]!.ack, 101);
    assert.equal(rsts[1]!.flags, TCP_RST);
    assert.equal(rsts[1]!.seq, 9999);
  });

  test('rejectWith maps nft and iptables names', () => {
    assert.equal(rejectWith({ kind: 'tcp-reset' }), 'tcp-reset');
    assert.equal(rejectWith({ kind: 'icmp', type: 'port-unreachable' }), 'icmp-port-unreachable');
    assert.equal(rejectWith({ kind: 'icmp', type: 'admin-prohibited' }), 'icmp-admin-prohibited');
    assert.equal(rejectWith({ kind: 'icmp', type: 'no-route' }), 'icmp-net-unreachable');
    assert.equal(rejectWith({ kind: 'icmp', type: 'proto-unreachable' }), 'icmp-proto-unreachable');
  });
});
