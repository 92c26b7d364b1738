// Acceptance by the real tools: the nftables and iptables programs NetfilterProxier
// renders for the article's cluster plus every packet-flow case's Services (NodePorts,
// LoadBalancer IPs with source ranges, policy Local, affinity, no endpoints) are
// checked with `nft -c -f` and `iptables-restore --test` inside a network namespace the
// test creates and deletes (needs root, as CI runs; nothing touches the host's rules).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ok } from '../../src/core/result.js';
import { withNetns } from '../../src/dataplane/nftables/_netns.js';
import { nftReplaceTransaction } from '../../src/proxy/apply/netfilter-programmer.js';
import { PROXY_CASES } from '../../src/proxy/cases/proxy-cases.js';
import { articleServices, articleSlices } from '../../src/proxy/model/article-cluster.js';
import { projectEndpointSlice, projectService } from '../../src/proxy/model/project.js';
import { NetfilterProxier, type KubeProxyMode } from '../../src/proxy/netfilter-proxier.js';

function render(mode: KubeProxyMode): string {
  const p = new NetfilterProxier({ nodeName: 'k8s-node1', nodeIPs: ['10.190.5.11'], mode, clusterCIDR: '172.25.0.0/16', programmer: { apply: () => ok(undefined) } });
  const services = new Map([...articleServices(), ...PROXY_CASES.flatMap((c) => c.state.services)].map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
  const slices = new Map([...articleSlices(), ...PROXY_CASES.flatMap((c) => c.state.slices)].map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
  for (const s of services.values()) p.onServiceUpdate(undefined, projectService(s));
  for (const s of slices.values()) p.onEndpointSliceUpdate(undefined, projectEndpointSlice(s), 0);
  const r = p.sync();
  assert.equal(r.outcome.kind, 'applied');
  return p.lastProgram;
}

test('nft -c accepts the rendered program and the replace transaction', () => {
  const text = render('nftables');
  assert.match(text, /firewall-ips \{ 10\.190\.6\.103 \. tcp \. 80/);
  withNetns((_ns, run) => {
    const a = run(['nft', '-c', '-f', '-'], text);
    assert.equal(a.code, 0, a.stderr);
    // Applied for real twice: the second replaces the first in one transaction.
    for (let i = 0; i < 2; i++) {
      const b = run(['nft', '-f', '-'], nftReplaceTransaction(text));
      assert.equal(b.code, 0, b.stderr);
    }
    const list = run(['nft', 'list', 'table', 'ip', 'kube-proxy']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /chain firewall-\w{8}-demo\/fw\/tcp\/http/);
  });
});

test('iptables-restore --test accepts the rendered program', () => {
  const text = render('iptables');
  assert.match(text, /-A KUBE-PROXY-FIREWALL -d 10\.190\.6\.103\/32 -p tcp/);
  withNetns((_ns, run) => {
    const a = run(['iptables-restore', '--test'], text);
    assert.equal(a.code, 0, a.stderr);
    const b = run(['iptables-restore'], text);
    assert.equal(b.code, 0, b.stderr);
    const save = run(['iptables-save', '-t', 'nat']);
    assert.match(save.stdout, /-A KUBE-FW-\w{16} -s 192\.168\.1\.0\/24 -m comment --comment "demo\/fw:http loadbalancer IP" -j KUBE-EXT-/);
  });
});
