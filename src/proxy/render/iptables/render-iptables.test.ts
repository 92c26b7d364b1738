import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Conntrack } from '../../../dataplane/conntrack/index.js';
import { IptRuleset } from '../../../dataplane/iptables/index.js';
import { NetfilterRunner } from '../../../dataplane/nftables/index.js';
import { FORWARD, dstOf, ip, rigged, skb, tcp, through, udp } from '../../../dataplane/nftables/_test-packets.js';
import { ARTICLE_NODE } from '../../model/article-cluster.js';
import { buildService } from '../../model/builders.js';
import { projectService } from '../../model/project.js';
import { ARTICLE_POD_CIDR, articleModel } from './_article-model.js';
import { renderIptables } from './render-iptables.js';

const NODE_IP = ARTICLE_NODE.nodeIPs[0]!;

function load(text: string, random: () => number): NetfilterRunner {
  const rs = new IptRuleset();
  const r = rs.restore(text);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  return new NetfilterRunner({ conntrack: new Conntrack(), rulesets: [rs], localAddresses: [ip(NODE_IP)], masqueradeAddress: () => ip(NODE_IP), random });
}

describe('renderIptables (article cluster)', () => {
  const text = renderIptables(articleModel(), ARTICLE_NODE, { clusterCIDR: ARTICLE_POD_CIDR });
  const lines = text.split('\n');

  test('KUBE-SERVICES: one rule per ClusterIP port, NODEPORTS jump last', () => {
    assert.ok(lines.includes('-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y'));
    assert.ok(lines.includes('-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU'));
    const svcRules = lines.filter((l) => l.startsWith('-A KUBE-SERVICES ') && text.indexOf(l) > text.indexOf('*nat'));
    assert.equal(svcRules.length, 1 + 3 + 1 + 1);
    assert.match(svcRules.at(-1)!, /-m addrtype --dst-type LOCAL -j KUBE-NODEPORTS$/);
  });

  test('KUBE-SVC: masquerade off-cluster sources, statistic split, KUBE-SEP hairpin then DNAT', () => {
    const svc = 'KUBE-SVC-TCOU7JCQXEZGVUNU';
    const rules = lines.filter((l) => l.startsWith(`-A ${svc} `));
    assert.equal(rules.length, 3);
    assert.match(rules[0]!, new RegExp(`^-A ${svc} ! -s 172\\.25\\.0\\.0/16 -d 10\\.96\\.0\\.10/32 .*-j KUBE-MARK-MASQ$`));
    assert.match(rules[1]!, /-> 172\.25\.4\.3:53" -m statistic --mode random --probability 0\.5000000000 -j KUBE-SEP-/);
    assert.doesNotMatch(rules[2]!, /statistic/);
    const sep = /-j (KUBE-SEP-\w+)$/.exec(rules[1]!)![1]!;
    assert.deepEqual(lines.filter((l) => l.startsWith(`-A ${sep} `)), [
      `-A ${sep} -s 172.25.4.3/32 -m comment --comment "kube-system/kube-dns:dns" -j KUBE-MARK-MASQ`,
      `-A ${sep} -p udp -m comment --comment "kube-system/kube-dns:dns" -m udp -j DNAT --to-destination 172.25.4.3:53`,
    ]);
    assert.ok(lines.includes('-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000'));
  });

  test('the program loads and a ClusterIP packet is DNATed to an endpoint', () => {
    for (const [r, want] of [[0.1, '172.25.5.2:80'], [0.9, '172.25.5.3:80']] as const) {
      const runner = load(text, rigged(r));
      const s = skb(tcp('172.25.4.9', 40000, '10.101.129.209', 80), 'eth1', 'eth1');
      assert.equal(through(runner, FORWARD, s).verdict.kind, 'accept');
      assert.equal(dstOf(s.key), want);
    }
    const runner = load(text, rigged(0.1));
    const k = skb(tcp('172.25.4.9', 40001, '10.96.0.1', 443), 'eth1', 'eth0');
    through(runner, FORWARD, k);
    assert.equal(dstOf(k.key), '10.190.5.10:6443');
    const d = skb(udp('172.25.4.9', 5353, '10.96.0.10', 53), 'eth1', 'eth1');
    through(runner, FORWARD, d);
    assert.equal(dstOf(d.key), '172.25.4.3:53');
  });
});

describe('renderIptables (NodePort, no endpoints)', () => {
  const np = projectService(buildService({ namespace: 'ns', name: 'web', clusterIP: '10.96.7.7', type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }));
  const empty = projectService(buildService({ namespace: 'ns', name: 'void', clusterIP: '10.96.8.8', ports: [{ name: 'http', port: 80 }] }));
  const ep = { key: '172.25.5.2:8080', ip: '172.25.5.2', port: 8080, ready: true, serving: true, terminating: false, nodeName: 'n2', zone: '', isLocal: false };
  const model = { services: [np, empty], endpointsOf: (p: { service: string }) => (p.service === 'ns/web' ? [ep] : []) };
  const text = renderIptables(model, ARTICLE_NODE, { clusterCIDR: ARTICLE_POD_CIDR });

  test('NodePort goes through KUBE-EXT (masquerade mark) and is masqueraded at postrouting', () => {
    assert.match(text, /-A KUBE-NODEPORTS -p tcp -m comment --comment "ns\/web:http" -m tcp --dport 30080 -j KUBE-EXT-/);
    const runner = load(text, rigged(0.5));
    const s = skb(tcp('203.0.113.2', 40000, NODE_IP, 30080), 'eth0', 'eth0');
    const res = runner.path(FORWARD, s, 0);
    assert.equal(res.at(-1)!.verdict.kind, 'accept');
    assert.equal(dstOf(s.key), '172.25.5.2:8080');
    assert.equal(s.key.nwSrc, ip(NODE_IP));
  });

  test('a service without endpoints is rejected in the filter table', () => {
    assert.match(text, /-A KUBE-SERVICES -d 10\.96\.8\.8\/32 -p tcp -m comment --comment "ns\/void:http has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable/);
    const runner = load(text, rigged(0.5));
    const r = through(runner, FORWARD, skb(tcp('172.25.4.9', 1, '10.96.8.8', 80), 'eth1', 'eth1'));
    assert.equal(r.verdict.kind, 'reject');
  });
});
