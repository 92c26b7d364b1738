// The NSX lab's node routers: the node's stack behind ens160, forwarding as before
// without a program (TTLs, pings, the stack's own connections), and kube-proxy's
// iptables NodePort rules on the management NIC: an external client's connection to
// NodeIP:NodePort is DNATed to a pod (same node or another), masqueraded to the node IP,
// routed to the pod through the management Tier-1 and the Tier-0, and un-NATed on the
// way back through the node.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/clock.js';
import { unwrap } from '../../core/result.js';
import { runUntil } from '../host/testing.js';
import { IptRuleset } from '../iptables/ipt-ruleset.js';
import { echoServer, exchange, lanStack, podStack } from './_netfilter-fixture.js';
import { ip } from './_test-lab.js';
import { NsxLab } from './nsx-lab.js';
import { firstPacket } from './first-packet.js';
import { formatTrace } from './trace.js';

// web: ClusterIP 10.96.0.10:80, NodePort 30080 -> 172.25.5.2:8080 (k8s-node1), 172.25.5.3:8080 (k8s-node2).
// No endpoints: NodePort 30030 is rejected with a reset. Cluster CIDR = NCP's pod pool.
const IPT = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
-A INPUT -m conntrack --ctstate NEW -j KUBE-EXTERNAL-SERVICES
-A KUBE-EXTERNAL-SERVICES -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30030 -j REJECT --reject-with tcp-reset
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-SVC-WEB - [0:0]
:KUBE-EXT-WEB - [0:0]
:KUBE-SEP-WEB1 - [0:0]
:KUBE-SEP-WEB2 - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -j MASQUERADE --random-fully
-A KUBE-SERVICES -m tcp -p tcp -d 10.96.0.10 --dport 80 -j KUBE-SVC-WEB
-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-NODEPORTS -m comment --comment demons/web:http -m tcp -p tcp --dport 30080 -j KUBE-EXT-WEB
-A KUBE-EXT-WEB -j KUBE-MARK-MASQ
-A KUBE-EXT-WEB -j KUBE-SVC-WEB
-A KUBE-SVC-WEB -m tcp -p tcp -d 10.96.0.10 --dport 80 ! -s 172.25.0.0/16 -j KUBE-MARK-MASQ
-A KUBE-SVC-WEB -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-WEB1
-A KUBE-SVC-WEB -j KUBE-SEP-WEB2
-A KUBE-SEP-WEB1 -m tcp -p tcp -j DNAT --to-destination 172.25.5.2:8080
-A KUBE-SEP-WEB2 -m tcp -p tcp -j DNAT --to-destination 172.25.5.3:8080
COMMIT
`;

function lab(o: { readonly rules: boolean }) {
  const clock = new FakeClock();
  const l = new NsxLab({ clock });
  unwrap(l.addNode('k8s-node1', '10.190.5.11'));
  unwrap(l.addNode('k8s-node2', '10.190.5.12'));
  unwrap(l.addNamespace('demons', '172.25.5.0/24'));
  const web1 = podStack(clock, 'web-1', '172.25.5.2', '172.25.5.1', 24);
  const web2 = podStack(clock, 'web-2', '172.25.5.3', '172.25.5.1', 24);
  const attach = (node: string, podName: string, cid: string, p: typeof web1, addr: string) =>
    unwrap(l.attachPod({ node, namespace: 'demons', podName, containerId: cid, mac: p.eth0.mac, ip: addr, gateway: '172.25.5.1', device: p.eth0 }));
  attach('k8s-node1', 'web-1', 'aaaaaaaaaaaaaaaaaaaa', web1, '172.25.5.2');
  attach('k8s-node2', 'web-2', 'bbbbbbbbbbbbbbbbbbbb', web2, '172.25.5.3');
  const node1 = lanStack(clock, 'k8s-node1', '10.190.5.11', '10.190.5.1');
  const node2 = lanStack(clock, 'k8s-node2', '10.190.5.12', '10.190.5.1');
  unwrap(l.attachNodeStack('k8s-node1', node1.eth0));
  unwrap(l.attachNodeStack('k8s-node2', node2.eth0));
  const ext = lanStack(clock, 'client', '192.168.50.10', '192.168.50.1');
  unwrap(l.attachHost('external', ext.eth0, { ip: '192.168.50.10' }));
  const rulesets = new Map<string, IptRuleset>();
  if (o.rules) {
    for (const [n, seed] of [
      ['k8s-node1', 11],
      ['k8s-node2', 12],
    ] as const) {
      const rs = new IptRuleset();
      const r = rs.restore(IPT);
      assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
      rulesets.set(n, rs);
      unwrap(l.enableNetfilter(n, [rs], { seed }));
    }
  }
  const peers1 = echoServer(web1.stack);
  const peers2 = echoServer(web2.stack);
  return { clock, lab: l, web1, web2, node1, node2, ext, peers1, peers2, rulesets };
}

async function pingTtl(clock: FakeClock, from: ReturnType<typeof lanStack>['stack'], to: string): Promise<number | undefined> {
  const r = await runUntil(clock, from.ping(ip(to)), 30_000);
  return r.kind === 'reply' ? r.ttl : undefined;
}

describe('NSX lab node routers', () => {
  test('without a program: the node IP is on the segment with the NIC MAC, the stack reaches pods and the client reaches the stack, TTLs as before', async () => {
    const { clock, lab: l, node1, ext, peers2 } = lab({ rules: false });
    const r = l.node('k8s-node1')?.router;
    assert.ok(r !== undefined);
    assert.equal(r.iface('ens160')?.ip, ip('10.190.5.11'));
    assert.equal(l.mgmt.ls.binding(ip('10.190.5.11'))?.mac, node1.eth0.mac, "the segment's ARP binding is the router's ens160 (the NIC's MAC)");
    assert.equal(r.iface('ens160')?.mac, node1.eth0.mac);
    assert.ok(l.linkNames().includes('k8s-node1/host') && l.linkNames().includes('ls-k8s-node-management/k8s-node1'));
    // Node -> pod on another node: T1-K8S-Node-Management, T0, t1-demons; the node router does not decrement.
    assert.equal(await pingTtl(clock, node1.stack, '172.25.5.3'), 61);
    assert.equal(await pingTtl(clock, ext.stack, '10.190.5.11'), 62, 'T0, T1-K8S-Node-Management; delivered to the stack');
    const { got } = await exchange(clock, node1.stack, '172.25.5.3', 8080, 'probe');
    assert.equal(got, 'probe');
    assert.deepEqual(peers2, ['10.190.5.11']);
    // No NodePort program: nothing listens on 30080, the stack refuses.
    await assert.rejects(exchange(clock, ext.stack, '10.190.5.11', 30080, 'x'), (e: { code?: string }) => e.code === 'ECONNREFUSED');
  });

  test('external client -> NodeIP:NodePort: DNAT to a pod on either node, masqueraded to the node IP, replies un-NATed through the node', async () => {
    const { clock, lab: l, ext, peers1, peers2, rulesets } = lab({ rules: true });
    for (let i = 0; i < 10; i++) {
      const { got, sock } = await exchange(clock, ext.stack, '10.190.5.11', 30080, `np ${i}`);
      assert.equal(got, `np ${i}`);
      assert.equal(sock.remoteAddress, ip('10.190.5.11'), 'the client only ever talks to the node');
    }
    assert.ok(peers1.length > 0 && peers2.length > 0, `both endpoints used: ${peers1.length} / ${peers2.length}`);
    // Both pods (the node's own and node2's) are reached by routing out of ens160: masquerade = the node IP.
    assert.deepEqual(new Set([...peers1, ...peers2]), new Set(['10.190.5.11']));
    const nf = l.node('k8s-node1')?.router;
    assert.ok(nf !== undefined && nf.stats.forwarded >= 10);
    const save = rulesets.get('k8s-node1')?.save() ?? '';
    assert.match(save, /-A KUBE-NODEPORTS .*--dport 30080 -j KUBE-EXT-WEB/);
    // And to the other node: its own program.
    const { got } = await exchange(clock, ext.stack, '10.190.5.12', 30080, 'via node2');
    assert.equal(got, 'via node2');
    assert.ok([...peers1, ...peers2].includes('10.190.5.12'));
  });

  test('with the program: other traffic is unchanged (TTLs, the stack -> pod, ClusterIP from the node via OUTPUT), NodePort without endpoints is reset', async () => {
    const { clock, node1, ext, peers1, peers2 } = lab({ rules: true });
    assert.equal(await pingTtl(clock, node1.stack, '172.25.5.3'), 61);
    assert.equal(await pingTtl(clock, ext.stack, '10.190.5.11'), 62);
    const direct = await exchange(clock, node1.stack, '172.25.5.2', 8080, 'direct');
    assert.equal(direct.got, 'direct');
    for (let i = 0; i < 4; i++) {
      const { got, sock } = await exchange(clock, node1.stack, '10.96.0.10', 80, `cip ${i}`);
      assert.equal(got, `cip ${i}`);
      assert.equal(sock.remoteAddress, ip('10.96.0.10'));
    }
    assert.ok([...peers1, ...peers2].every((p) => p === '10.190.5.11'));
    await assert.rejects(exchange(clock, ext.stack, '10.190.5.11', 30030, 'x'), (e: { code?: string }) => e.code === 'ECONNREFUSED');
  });

  test("a trace of the client's SYN to the NodePort shows kube-proxy's chains on the node", async () => {
    const { clock, lab: l, ext } = lab({ rules: true });
    await pingTtl(clock, ext.stack, '10.190.5.11');
    const gwMac = ext.stack.arp.lookup(ext.eth0, ip('192.168.50.1'));
    assert.ok(gwMac !== undefined);
    const frame = firstPacket({ srcMac: ext.eth0.mac, dstMac: gwMac, src: ip('192.168.50.10'), dst: ip('10.190.5.11'), proto: 'tcp', srcPort: 40000, dstPort: 30080 });
    const text = formatTrace(unwrap(l.trace(ext.eth0, frame)));
    assert.match(text, /k8s-node1 \|\s+rule .*KUBE-NODEPORTS/);
    assert.match(text, /k8s-node1 \|\s+nat dst \(rule, prerouting\): 192\.168\.50\.10:40000 -> 10\.190\.5\.11:30080 proto 6 => 192\.168\.50\.10:40000 -> 172\.25\.5\.[23]:8080 proto 6/);
    assert.match(text, /router k8s-node1: in ens160, route 0\.0\.0\.0\/0 via 10\.190\.5\.1 dev ens160, out ens160/);
  });
});
