// Shared fixture for the netfilter tests of the generic lab: a kube-proxy-shaped nftables
// program and its iptables equivalent, pod / LAN stacks and a TCP echo exchange.
import assert from 'node:assert/strict';
import type { FakeClock } from '../../core/clock.js';
import { unwrap } from '../../core/result.js';
import { HostStack, type TcpSocket } from '../host/index.js';
import { runUntil, seededRandom, settle } from '../host/testing.js';
import { IptRuleset } from '../iptables/ipt-ruleset.js';
import { NftRuleset } from '../nftables/nft-ruleset.js';
import type { NetfilterRuleset } from '../nftables/nf-types.js';
import { ip } from './_test-lab.js';

// Services (cluster CIDR 10.244.0.0/16):
//   web      tcp/80 ClusterIP 10.96.0.10, NodePort 30080 -> 10.244.1.2:8080 (node1), 10.244.2.2:8080 (node2)
//   udp-none udp/53 ClusterIP 10.96.0.20, no endpoints (reject: ICMP port unreachable)
//   tcp-none tcp/80 ClusterIP 10.96.0.30, NodePort 30030, no endpoints (reject with tcp reset)
//   local    tcp/80 ClusterIP 10.96.0.40 -> 10.244.1.3:8080 (node1: same node as the client)
//   self     tcp/80 ClusterIP 10.96.0.50 -> 10.244.1.10:8080 (the node1 client itself: hairpin)
// Not kube-proxy's, for bridge netfilter: 10.244.1.3:9090 is DNATed to 10.244.2.2:8080
// (a pod-to-pod frame on node1's cni0 DNATed off the bridge), and forwarded TCP to
// 10.244.1.3:7777 is rejected with a reset.
// kube-proxy itself writes a plain `reject` (ICMP port unreachable for TCP too); the
// tcp-reset variant is here to cover the RST answer.
export const NFT = `
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
add chain ip kube-proxy service-local
add chain ip kube-proxy endpoint-local-1
add chain ip kube-proxy service-self
add chain ip kube-proxy endpoint-self-1
add rule ip kube-proxy service-local ip daddr 10.96.0.40 ip saddr != 10.244.0.0/16 jump mark-for-masquerade
add rule ip kube-proxy service-local goto endpoint-local-1
add rule ip kube-proxy endpoint-local-1 ip saddr 10.244.1.3 jump mark-for-masquerade
add rule ip kube-proxy endpoint-local-1 meta l4proto tcp dnat to 10.244.1.3:8080
add rule ip kube-proxy service-self goto endpoint-self-1
add rule ip kube-proxy endpoint-self-1 ip saddr 10.244.1.10 jump mark-for-masquerade
add rule ip kube-proxy endpoint-self-1 meta l4proto tcp dnat to 10.244.1.10:8080
add element ip kube-proxy service-ips { 10.96.0.40 . tcp . 80 : goto service-local , 10.96.0.50 . tcp . 80 : goto service-self }
add rule ip kube-proxy nat-prerouting ip daddr 10.244.1.3 tcp dport 9090 dnat to 10.244.2.2:8080
add rule ip kube-proxy filter-forward ip daddr 10.244.1.3 tcp dport 7777 reject with tcp reset
`;

export const IPT = `*filter
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
-A FORWARD -d 10.244.1.3/32 -p tcp -m tcp --dport 7777 -j REJECT --reject-with tcp-reset
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
:KUBE-SVC-LOCAL - [0:0]
:KUBE-SEP-LOCAL1 - [0:0]
:KUBE-SVC-SELF - [0:0]
:KUBE-SEP-SELF1 - [0:0]
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
-A PREROUTING -d 10.244.1.3/32 -p tcp -m tcp --dport 9090 -j DNAT --to-destination 10.244.2.2:8080
-A KUBE-SERVICES -m comment --comment "default/local:http cluster IP" -m tcp -p tcp -d 10.96.0.40 --dport 80 -j KUBE-SVC-LOCAL
-A KUBE-SERVICES -m comment --comment "default/self:http cluster IP" -m tcp -p tcp -d 10.96.0.50 --dport 80 -j KUBE-SVC-SELF
-A KUBE-SVC-LOCAL -j KUBE-SEP-LOCAL1
-A KUBE-SEP-LOCAL1 -s 10.244.1.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-LOCAL1 -m tcp -p tcp -j DNAT --to-destination 10.244.1.3:8080
-A KUBE-SVC-SELF -j KUBE-SEP-SELF1
-A KUBE-SEP-SELF1 -s 10.244.1.10 -j KUBE-MARK-MASQ
-A KUBE-SEP-SELF1 -m tcp -p tcp -j DNAT --to-destination 10.244.1.10:8080
COMMIT
`;

export function loadNft(): NetfilterRuleset {
  const rs = new NftRuleset();
  const r = rs.load(NFT, 0);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  return rs;
}

export function loadIpt(): NetfilterRuleset {
  const rs = new IptRuleset();
  const r = rs.restore(IPT);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  return rs;
}

let seq = 0;
/**
 * A pod stack. Prefix 24 (a real CNI pod): same-node pods are on-link and talk over the
 * cni0 bridge. Prefix 31 (default): the only on-link neighbour is an unused address and
 * the default route is on-link via the gateway, so every packet, same-node ones too,
 * crosses the node router. (/32 would do too, but ../host treats a /32 address as its
 * own broadcast address.)
 */
export function podStack(clock: FakeClock, name: string, addr: string, gw: string, prefix = 31) {
  const s = new HostStack({ clock, hostname: name, random: seededRandom(++seq * 7919) });
  const eth0 = s.addInterface({ name: 'eth0', mac: 0x0a5800bb0000 + seq, address: ip(addr), prefix });
  if (prefix === 31) unwrap(s.addRoute(ip('0.0.0.0'), 0, ip(gw), eth0));
  else unwrap(s.addDefaultRoute(ip(gw)));
  return { stack: s, eth0 };
}

export function lanStack(clock: FakeClock, name: string, addr: string, gw: string) {
  const s = new HostStack({ clock, hostname: name, random: seededRandom(++seq * 7919) });
  const eth0 = s.addInterface({ name: 'eth0', mac: 0x0a5800bb0000 + seq, address: ip(addr), prefix: 24 });
  unwrap(s.addDefaultRoute(ip(gw)));
  return { stack: s, eth0 };
}

/** Echo server on 8080 that records each peer it accepted. */
export function echoServer(s: HostStack): string[] {
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

export const fmt = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

export async function exchange(clock: FakeClock, client: HostStack, dst: string, port: number, text: string): Promise<{ got: string; sock: TcpSocket }> {
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

