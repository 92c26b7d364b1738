import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Conntrack } from '../../../dataplane/conntrack/index.js';
import { NetfilterRunner, NftRuleset } from '../../../dataplane/nftables/index.js';
import { FORWARD, dstOf, ip, rigged, skb, tcp, through, udp } from '../../../dataplane/nftables/_test-packets.js';
import { ARTICLE_NODE } from '../../model/article-cluster.js';
import { buildService } from '../../model/builders.js';
import { projectService } from '../../model/project.js';
import { ARTICLE_POD_CIDR, articleModel } from '../iptables/_article-model.js';
import { renderNftables } from './render-nftables.js';

const NODE_IP = ARTICLE_NODE.nodeIPs[0]!;

function load(text: string, random: () => number): NetfilterRunner {
  const rs = new NftRuleset();
  const r = rs.load(text, 0);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  return new NetfilterRunner({ conntrack: new Conntrack(), rulesets: [rs], localAddresses: [ip(NODE_IP)], masqueradeAddress: () => ip(NODE_IP), random });
}

describe('renderNftables (article cluster)', () => {
  const text = renderNftables(articleModel(), ARTICLE_NODE, { clusterCIDR: ARTICLE_POD_CIDR });
  const lines = text.split('\n');

  test('service-ips map, its vmap rule, and one element per ClusterIP port', () => {
    assert.ok(lines.includes('add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ; }'));
    assert.ok(lines.includes('add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips'));
    const elems = lines.filter((l) => l.startsWith('add element ip kube-proxy service-ips '));
    assert.equal(elems.length, 5);
    assert.ok(elems.some((l) => /\{ 10\.96\.0\.10 \. udp \. 53 : goto service-[A-Z2-7]{8}-kube-system\/kube-dns\/udp\/dns \}/.test(l)));
  });

  test('service chain: masquerade mark, numgen over a named endpoint map; endpoint chain DNATs', () => {
    const svc = lines.filter((l) => /^add rule ip kube-proxy service-\w+-demons\/nsxtestservice\/tcp\/80-80 /.test(l));
    assert.equal(svc.length, 2);
    assert.match(svc[0]!, /ip daddr 10\.101\.129\.209 ip saddr != 172\.25\.0\.0\/16 jump mark-for-masquerade$/);
    const m = /^add rule ip kube-proxy (service-\w{8}-demons\/nsxtestservice\/tcp\/80-80) numgen random mod 2 vmap @(\S+)$/.exec(svc[1]!);
    assert.ok(m, svc[1]);
    assert.equal(m[2], `${m[1]}-endpoints`);
    const map = m[2]!;
    assert.ok(lines.includes(`add map ip kube-proxy ${map} { typeof numgen random mod 1 : verdict ; }`));
    const elems = lines.filter((l) => l.startsWith(`add element ip kube-proxy ${map} `));
    assert.equal(elems.length, 2);
    assert.match(elems[0]!, /\{ 0 : goto endpoint-\w{8}-demons\/nsxtestservice\/tcp\/80-80__172\.25\.5\.2\/80 \}$/);
    assert.match(elems[1]!, /\{ 1 : goto endpoint-\w{8}-demons\/nsxtestservice\/tcp\/80-80__172\.25\.5\.3\/80 \}$/);
    // The map is declared before the rule and elements that use it.
    assert.ok(lines.indexOf(`add map ip kube-proxy ${map} { typeof numgen random mod 1 : verdict ; }`) < lines.indexOf(svc[1]!));
    assert.ok(lines.some((l) => /^add rule ip kube-proxy endpoint-\w{8}-demons\/nsxtestservice\/tcp\/80-80__172\.25\.5\.3\/80 meta l4proto tcp dnat to 172\.25\.5\.3:80$/.test(l)));
    assert.doesNotMatch(text, /counter/, 'no counters by default, as upstream');
  });

  test("endpointMaps: 'anonymous' renders upstream's inline vmap and no endpoint maps", () => {
    const anon = renderNftables(articleModel(), ARTICLE_NODE, { clusterCIDR: ARTICLE_POD_CIDR, endpointMaps: 'anonymous' });
    assert.match(anon, /service-\w{8}-demons\/nsxtestservice\/tcp\/80-80 numgen random mod 2 vmap \{ 0 : goto endpoint-\w{8}-demons\/nsxtestservice\/tcp\/80-80__172\.25\.5\.2\/80 , 1 : goto endpoint-\w{8}-demons\/nsxtestservice\/tcp\/80-80__172\.25\.5\.3\/80 \}$/m);
    assert.doesNotMatch(anon, /typeof numgen|vmap @service-\w{8}-/);
    for (const [r, want] of [[0.1, '172.25.5.2:80'], [0.9, '172.25.5.3:80']] as const) {
      const s = skb(tcp('172.25.4.9', 40000, '10.101.129.209', 80), 'eth1', 'eth1');
      through(load(anon, rigged(r)), FORWARD, s);
      assert.equal(dstOf(s.key), want);
    }
  });

  test('counters: true puts counter on the dispatch, dnat and reject rules only', () => {
    const c = renderNftables(articleModel(), ARTICLE_NODE, { clusterCIDR: ARTICLE_POD_CIDR, counters: true });
    const counted = c.split('\n').filter((l) => l.includes(' counter '));
    const dispatch = counted.filter((l) => / counter numgen random mod \d+ vmap @\S+-endpoints$/.test(l));
    const dnat = counted.filter((l) => / meta l4proto (tcp|udp) counter dnat to [\d.]+:\d+$/.test(l));
    assert.equal(dispatch.length, 5, 'one per service chain');
    assert.equal(dnat.length, lines.filter((l) => / dnat to /.test(l)).length);
    assert.ok(counted.includes('add rule ip kube-proxy reject-chain counter reject'));
    assert.equal(counted.length, dispatch.length + dnat.length + 1);
    // Otherwise the same program.
    assert.equal(c.replaceAll('counter ', ''), text);
  });

  test('the program loads and ClusterIP packets are DNATed to an endpoint', () => {
    for (const [r, want] of [[0.1, '172.25.5.2:80'], [0.9, '172.25.5.3:80']] as const) {
      const runner = load(text, rigged(r));
      const s = skb(tcp('172.25.4.9', 40000, '10.101.129.209', 80), 'eth1', 'eth1');
      assert.equal(through(runner, FORWARD, s).verdict.kind, 'accept');
      assert.equal(dstOf(s.key), want);
    }
    const runner = load(text, rigged(0.1));
    const d = skb(udp('172.25.4.9', 5353, '10.96.0.10', 53), 'eth1', 'eth1');
    through(runner, FORWARD, d);
    assert.equal(dstOf(d.key), '172.25.4.3:53');
    const k = skb(tcp('172.25.4.9', 40001, '10.96.0.1', 443), 'eth1', 'eth0');
    through(runner, FORWARD, k);
    assert.equal(dstOf(k.key), '10.190.5.10:6443');
    assert.equal(through(runner, FORWARD, skb(tcp('172.25.4.9', 1, '10.96.0.1', 444), 'eth1', 'eth0')).verdict.kind, 'reject', 'wrong port of a ClusterIP');
  });
});

describe('renderNftables (NodePort, no endpoints)', () => {
  const np = projectService(buildService({ namespace: 'ns', name: 'web', clusterIP: '10.96.7.7', type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }));
  const empty = projectService(buildService({ namespace: 'ns', name: 'void', clusterIP: '10.96.8.8', ports: [{ name: 'http', port: 80 }] }));
  const ep = { key: '172.25.5.2:8080', ip: '172.25.5.2', port: 8080, ready: true, serving: true, terminating: false, nodeName: 'n2', zone: '', isLocal: false };
  const model = { services: [np, empty], endpointsOf: (p: { service: string }) => (p.service === 'ns/web' ? [ep] : []) };
  const text = renderNftables(model, ARTICLE_NODE, { clusterCIDR: ARTICLE_POD_CIDR });

  test('NodePort goes through the external chain and is masqueraded', () => {
    const runner = load(text, rigged(0.5));
    const s = skb(tcp('203.0.113.2', 40000, NODE_IP, 30080), 'eth0', 'eth0');
    assert.equal(runner.path(FORWARD, s, 0).at(-1)!.verdict.kind, 'accept');
    assert.equal(dstOf(s.key), '172.25.5.2:8080');
    assert.equal(s.key.nwSrc, ip(NODE_IP));
  });

  test('a service without endpoints is rejected via no-endpoint-services', () => {
    assert.match(text, /add element ip kube-proxy no-endpoint-services \{ 10\.96\.8\.8 \. tcp \. 80 comment "ns\/void:http" : goto reject-chain \}/);
    const runner = load(text, rigged(0.5));
    const r = through(runner, FORWARD, skb(tcp('172.25.4.9', 1, '10.96.8.8', 80), 'eth1', 'eth1'));
    assert.deepEqual(r.verdict, { kind: 'reject', with: { kind: 'icmp', type: 'port-unreachable' } });
  });
});
