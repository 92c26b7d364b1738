// Pod addresses across agents: two nodes allocating in one namespace at the same moment never
// collide (the namespace's logical switch spans nodes, as in NSX), and agent restarts -- with
// the runtime surviving (kubelet restart) or not (node reboot) -- keep every pod's address.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Pod } from '../../src/api/index.js';
import { Resources } from '../../src/client/index.js';
import { addressRecordName, FakeRuntime, type NsxIpam } from '../../src/node/index.js';
import { isReady, startLab, type Lab } from './_lab.js';

let lab: Lab;

async function allReady(ns: string, n: number): Promise<Pod[]> {
  return lab.waitFor(`${n} pods ready in ${ns}`, async () => {
    const l = await lab.client.list<Pod>(Resources.pods, ns);
    return l.items.length === n && l.items.every(isReady) ? l.items : undefined;
  }, 15_000);
}

function ipsByName(pods: readonly Pod[]): Map<string, string> {
  return new Map(pods.map((p) => [p.metadata.name ?? '', p.status?.podIP ?? '']));
}

describe('IPAM across node agents', { timeout: 20_000 }, () => {
  before(async () => {
    lab = await startLab();
    await lab.startAgent('k8s-node1');
    await lab.startAgent('k8s-node2');
    await lab.createNamespace('demons');
    await lab.createNamespace('shop');
  });
  after(() => lab.stop());

  test('40 pods created at once on two nodes get 40 distinct addresses, lowest first', async () => {
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 40 }, (_, i) => lab.createPod('demons', `web-${i}`, i % 2 === 0 ? 'k8s-node1' : 'k8s-node2')));
    const pods = await allReady('demons', 40);
    const ms = Date.now() - t0;
    const ips = pods.map((p) => p.status?.podIP ?? '');
    assert.equal(new Set(ips).size, 40, `duplicates in ${ips.join(',')}`);
    const expected = Array.from({ length: 40 }, (_, i) => `172.25.5.${i + 2}`);
    assert.deepEqual([...ips].sort(), [...expected].sort());
    // The shared record agrees with what the pods show, and says which node holds each.
    const rec = await lab.client.get<ConfigMap>(Resources.configmaps, 'kube-system', addressRecordName('demons'));
    for (const p of pods) {
      const entry = JSON.parse(rec.data?.[p.status!.podIP!] ?? '{}') as { uid?: string; node?: string };
      assert.equal(entry.uid, p.metadata.uid);
      assert.equal(entry.node, p.spec?.nodeName);
    }
    const stats = [...lab.agents.values()].map((a) => (a.ipam as NsxIpam).stats());
    console.log(`# 40 pods on 2 nodes ready in ${ms} ms; IPAM record writes ${stats.map((s) => s.writes).join('+')}, conflicts ${stats.map((s) => s.conflicts).join('+')}`);
  });

  test('the next namespace gets the next subnet', async () => {
    await lab.createPod('shop', 'cart', 'k8s-node2');
    const [p] = await allReady('shop', 1);
    assert.equal(p?.status?.podIP, '172.25.6.2');
  });

  test('a kubelet restart (runtime survives) re-adopts pods: same addresses, same containers', async () => {
    const before = ipsByName(await allReady('demons', 40));
    const containerIds = new Map((await allReady('demons', 40)).map((p) => [p.metadata.name, p.status?.containerStatuses?.[0]?.containerID]));
    const runtime = lab.runtimes.get('k8s-node1')!;
    await lab.agents.get('k8s-node1')!.stop();
    await lab.startAgent('k8s-node1', { runtime });
    // A new pod after the restart must not take a re-adopted address.
    await lab.createPod('demons', 'late', 'k8s-node1');
    const after = await allReady('demons', 41);
    for (const p of after) {
      const name = p.metadata.name ?? '';
      if (name === 'late') continue;
      assert.equal(p.status?.podIP, before.get(name), name);
      assert.equal(p.status?.containerStatuses?.[0]?.containerID, containerIds.get(name), `${name} kept its container`);
      assert.equal(p.status?.containerStatuses?.[0]?.restartCount, 0);
    }
    assert.equal(ipsByName(after).get('late'), '172.25.5.42');
  });

  test('a node reboot (fresh runtime) recreates the pods with their addresses', async () => {
    const before = ipsByName(await allReady('demons', 41));
    await lab.agents.get('k8s-node2')!.stop();
    const fresh = new FakeRuntime({ clock: lab.clock });
    await lab.startAgent('k8s-node2', { runtime: fresh });
    await lab.waitFor('containers recreated on node2', async () => {
      const l = await lab.client.list<Pod>(Resources.pods, 'demons', { fieldSelector: 'spec.nodeName=k8s-node2' });
      return l.items.every((p) => fresh.find('demons', p.metadata.name ?? '', 'nsx-demo').length === 1);
    });
    const after = await allReady('demons', 41);
    for (const p of after) assert.equal(p.status?.podIP, before.get(p.metadata.name ?? ''), p.metadata.name);
  });

  test('a pod deleted while its agent is down: its sandbox and address are reclaimed on restart', async () => {
    const victim = (await lab.getPod('demons', 'web-0'))!;
    const runtime = lab.runtimes.get('k8s-node1')!;
    await lab.agents.get('k8s-node1')!.stop();
    await lab.client.delete(Resources.pods, 'demons', 'web-0', { gracePeriodSeconds: 0 });
    await lab.startAgent('k8s-node1', { runtime });
    assert.equal(runtime.find('demons', 'web-0', 'nsx-demo').length, 0, 'orphaned sandbox removed');
    const rec = await lab.client.get<ConfigMap>(Resources.configmaps, 'kube-system', addressRecordName('demons'));
    assert.equal(rec.data?.[victim.status!.podIP!], undefined, 'address released');
    await lab.createPod('demons', 'reuse', 'k8s-node2');
    const p = await lab.waitFor('reuse ready', async () => {
      const x = await lab.getPod('demons', 'reuse');
      return isReady(x) ? x : undefined;
    });
    assert.equal(p.status?.podIP, victim.status?.podIP);
  });
});
