import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { err } from '../core/result.js';
import { IptRuleset } from '../dataplane/iptables/index.js';
import { NftRuleset } from '../dataplane/nftables/index.js';
import { articleFakeCluster, waitFor } from './_article-fake-cluster.js';
import type { FakeCluster } from './_fake-cluster.js';
import { iptablesProgrammer, nftablesProgrammer, type NetfilterProgrammer } from './apply/netfilter-programmer.js';
import { KubeProxy } from './kube-proxy.js';
import { ARTICLE_NODE } from './model/article-cluster.js';
import { buildService } from './model/builders.js';
import type { KubeProxyMode } from './netfilter-proxier.js';

/** Passes programs to `inner`, failing the next `failures` applies. */
class FlakyProgrammer implements NetfilterProgrammer {
  failures = 0;
  applied: string[] = [];
  constructor(private readonly inner: NetfilterProgrammer) {}
  apply(program: string) {
    if (this.failures > 0) {
      this.failures--;
      return err('injected failure');
    }
    this.applied.push(program);
    return this.inner.apply(program);
  }
}

const running: KubeProxy[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.stop();
});

function start(mode: KubeProxyMode, cluster: FakeCluster) {
  const nft = new NftRuleset();
  const ipt = new IptRuleset();
  const programmer = new FlakyProgrammer(mode === 'nftables' ? nftablesProgrammer(nft, () => 0) : iptablesProgrammer(ipt));
  const proxy = new KubeProxy({ client: cluster, nodeName: ARTICLE_NODE.name, mode, clusterCIDR: '172.25.0.0/16', programmer, retryIntervalMs: 5 });
  running.push(proxy);
  proxy.start();
  return { nft, ipt, programmer, proxy };
}

describe('KubeProxy', () => {
  test('nftables: one sync after the informers list, then follows changes; NodePorts use the Node address', async () => {
    const cluster = articleFakeCluster();
    const { nft, programmer, proxy } = start('nftables', cluster);
    // Hold the event loop while the informers list (the real clock's timers are unref'd).
    await waitFor(() => proxy.syncCount > 0, 'the first sync');
    await proxy.ready();
    assert.equal(proxy.syncCount, 1);
    assert.equal(programmer.applied.length, 1);
    assert.equal(proxy.lastProgram, programmer.applied[0]);
    assert.match(proxy.lastProgram, /add element ip kube-proxy service-ips \{ 10\.101\.129\.209 \. tcp \. 80 : goto service-\w{8}-demons\/nsxtestservice\/tcp\/80-80 \}/);
    assert.ok(nft.table('ip', 'kube-proxy') !== undefined);
    assert.deepEqual(proxy.proxier.nodeInfo().nodeIPs, ['10.190.5.11']);

    const n = proxy.syncCount;
    cluster.put(buildService({ namespace: 'demons', name: 'np', type: 'NodePort', clusterIP: '10.96.7.7', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }));
    await waitFor(() => proxy.syncCount > n, 'a sync');
    assert.match(proxy.lastProgram, /no-endpoint-nodeports \{ tcp \. 30080 comment "demons\/np:http" : goto reject-chain \}/);
    assert.equal(nft.table('ip', 'kube-proxy')?.sets.get('no-endpoint-nodeports')?.elements.size, 1);

    const text = await proxy.metrics.render();
    assert.match(text, /kubeproxy_sync_proxy_rules_duration_seconds_count 2/);
    assert.match(text, /kubeproxy_sync_proxy_rules_nftables_sync_failures_total 0/);
  });

  test('iptables: a failed apply is retried and converges; failures are counted', async () => {
    const cluster = articleFakeCluster();
    const { ipt, programmer, proxy } = start('iptables', cluster);
    // Hold the event loop while the informers list (the real clock's timers are unref'd).
    await waitFor(() => proxy.syncCount > 0, 'the first sync');
    await proxy.ready();
    programmer.failures = 2;
    const n = proxy.syncCount;
    cluster.delete(buildService({ namespace: 'demons', name: 'nsxtestservice', clusterIP: '10.101.129.209', ports: [] }));
    await waitFor(() => proxy.syncCount >= n + 3, 'two failed syncs and the retry');
    assert.equal(proxy.lastSync?.outcome.kind, 'applied');
    assert.doesNotMatch(ipt.save(), /10\.101\.129\.209/);
    assert.match(ipt.save(), /KUBE-SVC-NPX46M4PTMTKRN6Y/);
    assert.match(await proxy.metrics.render(), /kubeproxy_sync_proxy_rules_iptables_restore_failures_total 2/);
  });
});
