import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BridgeProgram, dumpFlows, dumpGroups, PortMap } from '../dataplane/openflow/index.js';
import { articleFakeCluster, waitFor } from './_article-fake-cluster.js';
import type { FakeCluster } from './_fake-cluster.js';
import { bridgeProgramProgrammer } from './apply/bridge-programmer.js';
import { describeMod, RecordingProgrammer } from './apply/recording-programmer.js';
import { ARTICLE_NODE, ARTICLE_UPLINK } from './model/article-cluster.js';
import { buildService, buildSlice } from './model/builders.js';
import { NsxKubeProxy } from './nsx-kube-proxy.js';

const running: NsxKubeProxy[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.stop();
});

function start(cluster: FakeCluster, opts: { retryIntervalMs?: number } = {}) {
  const program = new BridgeProgram();
  const rec = new RecordingProgrammer(bridgeProgramProgrammer(program, () => Date.now()));
  const proxy = new NsxKubeProxy({
    client: cluster,
    nodeName: ARTICLE_NODE.name,
    uplink: ARTICLE_UPLINK,
    programmer: rec,
    ...(opts.retryIntervalMs !== undefined ? { retryIntervalMs: opts.retryIntervalMs } : {}),
  });
  running.push(proxy);
  proxy.start();
  return { program, rec, proxy };
}

describe('NsxKubeProxy', () => {
  test('lists, programs the article br-int with one full sync, then follows changes with partial syncs', async () => {
    const cluster = articleFakeCluster();
    const { program, rec, proxy } = start(cluster);
    await waitFor(() => proxy.syncCount > 0, 'the first sync');
    await proxy.ready();
    assert.equal(proxy.lastSync?.kind, 'full');
    assert.equal(proxy.syncCount, 1, 'events delivered before the informers synced fold into the first sync');
    assert.equal(program.flowCount(), 14);
    assert.equal(program.groupList().length, 5);
    rec.take();
    const web = /group_id=(\d+),type=select,bucket=bucket_id:0,weight:100,actions=ct\(commit,table=2,zone=65312,nat\(dst=172\.25\.5\.2:80\)\)/.exec(dumpGroups(program))?.[1];

    // An endpoint of nsxtestservice changes: one group modify, nothing else. Its trigger time
    // (50 ms ago) must lie after the proxy started, or it is ignored as kube-proxy does.
    await new Promise((r) => setTimeout(r, 80));
    const before = proxy.syncCount;
    cluster.put(
      buildSlice({
        namespace: 'demons',
        service: 'nsxtestservice',
        ports: [{ name: '80-80', port: 80 }],
        endpoints: [{ ip: '172.25.5.2', node: 'k8s-node1' }, { ip: '172.25.5.4', node: 'k8s-node2' }],
        triggerTime: new Date(Date.now() - 50).toISOString(),
      }),
    );
    await waitFor(() => proxy.syncCount > before, 'a sync');
    assert.equal(proxy.lastSync?.kind, 'partial');
    assert.equal(proxy.lastSync?.rendered, 1);
    assert.deepEqual(rec.take().map(describeMod), [`group modify ${web}`]);
    assert.match(dumpGroups(program), /nat\(dst=172\.25\.5\.4:80\)/);

    // A NodePort service appears: NodePort flows use the node's InternalIP from the Node object.
    const n = proxy.syncCount;
    cluster.put(buildService({ namespace: 'demons', name: 'np', type: 'NodePort', clusterIP: '10.96.7.7', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }));
    await waitFor(() => proxy.syncCount > n, 'a sync');
    assert.match(dumpFlows(program, 0, { ports: new PortMap([{ name: 'ens192', ofport: 1 }]) }), /nw_dst=10\.190\.5\.11,tp_dst=30080 actions=load:0x1->NXM_NX_REG0\[1\],CONTROLLER:65535/);

    const text = await proxy.metrics.render();
    for (const name of [
      'kubeproxy_sync_proxy_rules_duration_seconds_count 3',
      'kubeproxy_sync_full_proxy_rules_duration_seconds_count 1',
      'kubeproxy_sync_partial_proxy_rules_duration_seconds_count 2',
      'kubeproxy_sync_proxy_rules_service_changes_total 4',
      'kubeproxy_sync_proxy_rules_endpoint_changes_total 4',
    ]) {
      assert.ok(text.includes(name), `metrics lack "${name}":\n${text}`);
    }
    const programming = /kubeproxy_network_programming_duration_seconds_count (\d+)/.exec(text);
    assert.equal(programming?.[1], '4', 'three slices at start (observed time) + the annotated update');
    const sum = Number(/kubeproxy_network_programming_duration_seconds_sum ([\d.e-]+)/.exec(text)?.[1]);
    assert.ok(sum >= 0.05, `the annotated change counts from its trigger time (sum ${sum})`);
    assert.match(text, /kubeproxy_sync_proxy_rules_last_timestamp_seconds \d+/);
  });

  test('a failed apply is retried as a full sync and converges', async () => {
    const cluster = articleFakeCluster();
    const { program, rec, proxy } = start(cluster, { retryIntervalMs: 5 });
    await waitFor(() => proxy.syncCount > 0, 'the first sync');
    rec.failAfter = 0;
    const n = proxy.syncCount;
    cluster.delete(buildService({ namespace: 'demons', name: 'nsxtestservice', clusterIP: '10.101.129.209', ports: [] }));
    await waitFor(() => proxy.syncCount >= n + 2, 'a failed sync and its retry');
    assert.equal(proxy.lastSync?.kind, 'full');
    assert.equal(proxy.lastSync?.outcome.kind, 'applied');
    assert.doesNotMatch(dumpFlows(program, 0), /10\.101\.129\.209/);
    assert.equal(program.groupList().length, 4);
    assert.match(await proxy.metrics.render(), /kubeproxy_sync_proxy_rules_openflow_apply_failures_total 1/);
  });
});
