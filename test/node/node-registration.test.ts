// Node registration and heartbeats: the lab's three Nodes as kubelet registers them, their
// Leases renewed every 10 s of agent time, status re-posted on change or every 5 minutes, and
// re-registration after an agent restart. Plus the generic (node podCIDR) addressing mode.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease, Node } from '../../src/api/index.js';
import { Resources } from '../../src/client/index.js';
import { isReady, startLab, type Lab } from './_lab.js';

let lab: Lab;
const getNode = (name: string) => lab.client.get<Node>(Resources.nodes, undefined, name);
const getLease = (name: string) => lab.client.get<Lease>(Resources.leases, 'kube-node-lease', name);
const cond = (n: Node, type: string) => n.status?.conditions?.find((c) => c.type === type);

describe('node registration and heartbeat', { timeout: 20_000 }, () => {
  before(async () => {
    lab = await startLab();
    for (const n of ['k8s-master', 'k8s-node1', 'k8s-node2']) await lab.startAgent(n);
  });
  after(() => lab.stop());

  test('the three lab nodes are registered Ready with their addresses', async () => {
    const nodes = await lab.client.list<Node>(Resources.nodes, undefined);
    assert.deepEqual(nodes.items.map((n) => n.metadata.name).sort(), ['k8s-master', 'k8s-node1', 'k8s-node2']);
    for (const [name, ip] of [['k8s-master', '10.190.5.10'], ['k8s-node1', '10.190.5.11'], ['k8s-node2', '10.190.5.12']] as const) {
      const n = await getNode(name);
      assert.deepEqual(n.status?.addresses, [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ]);
      assert.equal(n.metadata.labels?.['kubernetes.io/hostname'], name);
      assert.equal(n.metadata.labels?.['kubernetes.io/os'], 'linux');
      assert.equal(n.metadata.labels?.['kubernetes.io/arch'], 'amd64');
      const ready = cond(n, 'Ready');
      assert.equal(ready?.status, 'True');
      assert.equal(ready?.reason, 'KubeletReady');
      assert.equal(ready?.message, 'kubelet is posting ready status');
      assert.deepEqual(
        n.status?.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`),
        ['MemoryPressure=False/KubeletHasSufficientMemory', 'DiskPressure=False/KubeletHasNoDiskPressure', 'PIDPressure=False/KubeletHasSufficientPID', 'Ready=True/KubeletReady'],
      );
      assert.equal(n.status?.capacity?.['cpu'], '2');
      assert.equal(n.status?.capacity?.['pods'], '110');
      assert.match(n.status?.capacity?.['memory'] ?? '', /^\d+Ki$/);
      assert.equal(n.status?.daemonEndpoints?.kubeletEndpoint?.Port, 10250);
      const info = n.status?.nodeInfo;
      assert.equal(info?.kubeletVersion, 'v1.32.4');
      assert.equal(info?.kubeProxyVersion, 'v1.32.4');
      assert.equal(info?.containerRuntimeVersion, 'svcnet://0.1.0');
      assert.equal(info?.osImage, 'svcnet emulated node');
      assert.equal(info?.operatingSystem, 'linux');
      assert.equal(info?.architecture, 'amd64');
      assert.match(info?.machineID ?? '', /^[0-9a-f]{32}$/);
    }
    const master = await getNode('k8s-master');
    assert.equal(master.metadata.labels?.['node-role.kubernetes.io/control-plane'], '');
    assert.deepEqual(master.spec?.taints, [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    const worker = await getNode('k8s-node1');
    assert.equal(worker.metadata.labels?.['node-role.kubernetes.io/control-plane'], undefined);
    assert.equal(worker.spec?.taints, undefined);
  });

  test('the lease is held by the node and renewed every 10 s of agent time', async () => {
    const node = await getNode('k8s-node1');
    const l1 = await getLease('k8s-node1');
    assert.equal(l1.spec?.holderIdentity, 'k8s-node1');
    assert.equal(l1.spec?.leaseDurationSeconds, 40);
    assert.match(l1.spec?.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.deepEqual(l1.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'k8s-node1', uid: node.metadata.uid }]);
    const before = lab.agents.get('k8s-node1')!.heartbeat.stats.leaseRenewals;
    await lab.advance(9_000);
    assert.equal(lab.agents.get('k8s-node1')!.heartbeat.stats.leaseRenewals, before, 'not renewed before 10 s');
    await lab.advance(1_000);
    const l2 = await lab.waitFor('renewed lease', async () => {
      const l = await getLease('k8s-node1');
      return l.spec?.renewTime !== l1.spec?.renewTime ? l : undefined;
    });
    assert.equal(Date.parse(l2.spec!.renewTime!) - Date.parse(l1.spec!.renewTime!), 10_000);
    await lab.advance(30_000);
    await lab.waitFor('three more renewals', () => lab.agents.get('k8s-node1')!.heartbeat.stats.leaseRenewals >= before + 4);
  });

  test('status is re-posted only when it changes or every 5 minutes', async () => {
    const n1 = await getNode('k8s-node2');
    const posts = lab.agents.get('k8s-node2')!.heartbeat.stats.statusPosts;
    await lab.advance(60_000);
    assert.equal(lab.agents.get('k8s-node2')!.heartbeat.stats.statusPosts, posts, 'an unchanged status is not posted every 10 s');
    await lab.advance(250_000);
    const n2 = await lab.waitFor('status re-posted', async () => {
      const n = await getNode('k8s-node2');
      return cond(n, 'Ready')?.lastHeartbeatTime !== cond(n1, 'Ready')?.lastHeartbeatTime ? n : undefined;
    });
    assert.equal(cond(n2, 'Ready')?.lastTransitionTime, cond(n1, 'Ready')?.lastTransitionTime);
  });

  test('a restarted agent re-registers the same node, re-applying kubelet labels', async () => {
    const before = await getNode('k8s-node2');
    const labels: Record<string, string> = { ...before.metadata.labels, extra: 'kept' };
    delete labels['kubernetes.io/os'];
    const stripped: Node = { ...before, metadata: { ...before.metadata, labels } };
    await lab.client.update<Node>(Resources.nodes, undefined, stripped);
    await lab.agents.get('k8s-node2')!.stop();
    await lab.startAgent('k8s-node2');
    const after = await getNode('k8s-node2');
    assert.equal(after.metadata.uid, before.metadata.uid);
    assert.equal(after.metadata.labels?.['kubernetes.io/os'], 'linux');
    assert.equal(after.metadata.labels?.['extra'], 'kept');
    assert.equal(cond(after, 'Ready')?.lastTransitionTime, cond(before, 'Ready')?.lastTransitionTime);
    assert.notEqual(after.status?.nodeInfo?.bootID, before.status?.nodeInfo?.bootID);
  });
});

describe('generic addressing: one podCIDR per node', { timeout: 20_000 }, () => {
  let lab2: Lab;
  before(async () => {
    lab2 = await startLab();
    await lab2.startAgent('k8s-node1', { config: { ipam: { mode: 'node-cidr' }, podCIDR: '10.244.1.0/24' } });
    await lab2.startAgent('k8s-node2', { config: { ipam: { mode: 'node-cidr' }, podCIDR: '10.244.2.0/24' } });
    await lab2.createNamespace('demons');
  });
  after(() => lab2.stop());

  test('pods take addresses from their node block; the Node carries it', async () => {
    const n = await lab2.client.get<Node>(Resources.nodes, undefined, 'k8s-node1');
    assert.equal(n.spec?.podCIDR, '10.244.1.0/24');
    assert.deepEqual(n.spec?.podCIDRs, ['10.244.1.0/24']);
    for (const [name, node] of [['a', 'k8s-node1'], ['b', 'k8s-node1'], ['c', 'k8s-node2']] as const) await lab2.createPod('demons', name, node);
    const ip = async (name: string) => (await lab2.waitFor(name, async () => {
      const p = await lab2.getPod('demons', name);
      return isReady(p) ? p : undefined;
    })).status?.podIP;
    assert.deepEqual([await ip('a'), await ip('b')].sort(), ['10.244.1.2', '10.244.1.3']);
    assert.equal(await ip('c'), '10.244.2.2');
  });
});
