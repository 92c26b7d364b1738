// kube-proxy programs (nftables and iptables, hand-written in kube-proxy's shape) running
// packet by packet in the generic lab: ClusterIP DNAT with replies un-NATed, NodePort
// from an external client (DNAT + masquerade), rejects for services without endpoints,
// the node's own stack (OUTPUT path), and traces that show the rule hits.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/clock.js';
import { unwrap } from '../../core/result.js';
import { HostStack, type TcpSocket } from '../host/index.js';
import { runFor, runUntil, seededRandom, settle } from '../host/testing.js';
import { IptRuleset } from '../iptables/ipt-ruleset.js';
import { NftRuleset } from '../nftables/nft-ruleset.js';
import type { NetfilterRuleset } from '../nftables/nf-types.js';
import { TCP_ACK, TCP_RST, TCP_SYN } from '../wire/tcp.js';
import { ip, pod } from './_test-lab.js';
import { GenericLab } from './generic-lab.js';
import { rejectWith } from './netfilter-hook.js';
import { formatTrace } from './trace.js';

// Services (cluster CIDR 10.244.0.0/16):
//   web      tcp/80 ClusterIP 10.96.0.10, NodePort 30080 -> 10.244.1.2:8080 (node1), 10.244.2.2:8080 (node2)
//   udp-none udp/53 ClusterIP 10.96.0.20, no endpoints (reject: ICMP port unreachable)
//   tcp-none tcp/80 ClusterIP 10.96.0.30, NodePort 30030, no endpoints (reject with tcp reset)
// kube-proxy itself writes a plain `reject` (ICMP port unreachable for TCP too); the
// tcp-reset variant is here to cover the RST answer.
const NFT = `
add table ip kube-proxy
add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }
add map ip kube-proxy service-nodeports { type inet_proto . inet_service : verdict ; }
add map ip kube-proxy no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; }
add map ip kube-proxy no-endpoint-nodeports { type inet_proto . inet_service : verdict ; }
add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; }
add chain ip kube-proxy nat-output { type nat hook output priority -100 ; }
add chain ip kube-proxy nat-postrouting { type nat hook postrouting priority 100 ; }
add chain ip kube-proxy filter-forward { type filter hook forward priority 0 ; }
add chain ip kube-proxy filter-input { type filter hook input priority 0 ; }
add chain ip kube-proxy filter-output { type filter hook output priority 0 ; }
add chain ip kube-proxy services
add chain ip kube-proxy mark-for-masquerade
add chain ip kube-proxy masquerading
add chain ip kube-proxy service-endpoints-check
add chain ip kube-proxy nodeport-endpoints-check
add chain ip kube-proxy reject-chain
add chain ip kube-proxy service-web
add chain ip kube-proxy external-web
add chain ip kube-proxy endpoint-web-1
add chain ip kube-proxy endpoint-web-2
add rule ip kube-proxy nat-prerouting jump services
add rule ip kube-proxy nat-output jump services
add rule ip kube-proxy nat-postrouting jump masquerading
add rule ip kube-proxy masquerading mark and 0x4000 == 0 return
add rule ip kube-proxy masquerading mark set mark xor 0x4000
add rule ip kube-proxy masquerading masquerade fully-random
add rule ip kube-proxy mark-for-masquerade mark set mark or 0x4000
add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips
add rule ip kube-proxy services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports
add rule ip kube-proxy filter-forward ct state new jump service-endpoints-check
add rule ip kube-proxy filter-output ct state new jump service-endpoints-check
add rule ip kube-proxy filter-input ct state new jump nodeport-endpoints-check
add rule ip kube-proxy filter-input ct state new jump service-endpoints-check
add rule ip kube-proxy service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services
add rule ip kube-proxy nodeport-endpoints-check fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports
add rule ip kube-proxy reject-chain meta l4proto tcp reject with tcp reset
add rule ip kube-proxy reject-chain reject
add rule ip kube-proxy service-web ip daddr 10.96.0.10 ip saddr != 10.244.0.0/16 jump mark-for-masquerade
add rule ip kube-proxy service-web numgen random mod 2 vmap { 0 : goto endpoint-web-1 , 1 : goto endpoint-web-2 }
add rule ip kube-proxy external-web jump mark-for-masquerade
add rule ip kube-proxy external-web goto service-web
add rule ip kube-proxy endpoint-web-1 ip saddr 10.244.1.2 jump mark-for-masquerade
add rule ip kube-proxy endpoint-web-1 meta l4proto tcp dnat to 10.244.1.2:8080
add rule ip kube-proxy endpoint-web-2 ip saddr 10.244.2.2 jump mark-for-masquerade
add rule ip kube-proxy endpoint-web-2 meta l4proto tcp dnat to 10.244.2.2:8080
add element ip kube-proxy service-ips { 10.96.0.10 . tcp . 80 : goto service-web }
add element ip kube-proxy service-nodeports { tcp . 30080 : goto external-web }
add element ip kube-proxy no-endpoint-services { 10.96.0.20 . udp . 53 : goto reject-chain , 10.96.0.30 . tcp . 80 : goto reject-chain }
add element ip kube-proxy no-endpoint-nodeports { tcp . 30030 : goto reject-chain }
`;

const IPT = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally visible service portals" -j KUBE-EXTERNAL-SERVICES
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A KUBE-SERVICES -m comment --comment "default/udp-none:dns has no endpoints" -m udp -p udp -d 10.96.0.20 --dport 53 -j REJECT
-A KUBE-SERVICES -m comment --comment "default/tcp-none:http has no endpoints" -m tcp -p tcp -d 10.96.0.30 --dport 80 -j REJECT --reject-with tcp-reset
-A KUBE-EXTERNAL-SERVICES -m comment --comment "default/tcp-none:http has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30030 -j REJECT --reject-with tcp-reset
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
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-SERVICES -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 80 -j KUBE-SVC-WEB
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-NODEPORTS -m comment --comment default/web:http -m tcp -p tcp --dport 30080 -j KUBE-EXT-WEB
-A KUBE-EXT-WEB -j KUBE-MARK-MASQ
-A KUBE-EXT-WEB -j KUBE-SVC-WEB
-A KUBE-SVC-WEB -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
-A KUBE-SVC-WEB -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-WEB1
-A KUBE-SVC-WEB -j KUBE-SEP-WEB2
-A KUBE-SEP-WEB1 -s 10.244.1.2 -j KUBE-MARK-MASQ
-A KUBE-SEP-WEB1 -m tcp -p tcp -j DNAT --to-destination 10.244.1.2:8080
-A KUBE-SEP-WEB2 -s 10.244.2.2 -j KUBE-MARK-MASQ
-A KUBE-SEP-WEB2 -m tcp -p tcp -j DNAT --to-destination 10.244.2.2:8080
COMMIT
`;

function loadNft(): NetfilterRuleset {
  const rs = new NftRuleset();
  const r = rs.load(NFT, 0);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  return rs;
}

function loadIpt(): NetfilterRuleset {
  const rs = new IptRuleset();
  const r = rs.restore(IPT);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  return rs;
}

let seq = 0;
/**
 * A pod stack whose only on-link neighbour is an unused address (/31) and whose default
 * route is on-link via the gateway: every packet, same-node ones too, crosses the node
 * router and its hooks. (cni0 is a plain switch; on Linux bridge-nf-call-iptables puts
 * bridged pod traffic through the hooks. /32 would do too, but ../host treats a /32
 * address as its own broadcast address.)
 */
function podStack(clock: FakeClock, name: string, addr: string, gw: string) {
  const s = new HostStack({ clock, hostname: name, random: seededRandom(++seq * 7919) });
  const eth0 = s.addInterface({ name: 'eth0', mac: 0x0a5800bb0000 + seq, address: ip(addr), prefix: 31 });
  unwrap(s.addRoute(ip('0.0.0.0'), 0, ip(gw), eth0));
  return { stack: s, eth0 };
}

function lanStack(clock: FakeClock, name: string, addr: string, gw: string) {
  const s = new HostStack({ clock, hostname: name, random: seededRandom(++seq * 7919) });
  const eth0 = s.addInterface({ name: 'eth0', mac: 0x0a5800bb0000 + seq, address: ip(addr), prefix: 24 });
  unwrap(s.addDefaultRoute(ip(gw)));
  return { stack: s, eth0 };
}

/** Echo server on 8080 that records each peer it accepted. */
function echoServer(s: HostStack): string[] {
  const peers: string[] = [];
  unwrap(
    s.listen(8080, (sock) => {
      peers.push(`${fmt(sock.remoteAddress)}`);
      sock.onData((c) => sock.write(c));
      sock.onEnd(() => sock.end());
    }),
  );
  return peers;
}

const fmt = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

async function exchange(clock: FakeClock, client: HostStack, dst: string, port: number, text: string): Promise<{ got: string; sock: TcpSocket }> {
  const sock = await runUntil(clock, client.connect(ip(dst), port), 30_000);
  const parts: Uint8Array[] = [];
  let ended = false;
  sock.onData((c) => parts.push(c));
  sock.onEnd(() => (ended = true));
  sock.write(new TextEncoder().encode(text));
  sock.end();
  await runUntil(
    clock,
    (async () => {
      while (!ended) await settle();
    })(),
    30_000,
    1,
  );
  return { got: Buffer.concat(parts).toString(), sock };
}

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
