// The scheduler's failure path (event and PodScheduled condition worded as upstream) and
// the garbage collector's foreground and orphan deletion, against the in-process API server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Deployment, Event, Pod, ReplicaSet } from '../../src/api/index.js';
import { Resources } from '../../src/client/index.js';
import { eventually, list, startCluster, type TestCluster } from './_cluster.js';

const NS = 'demons';

function deployment(name: string, replicas: number): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  };
}

describe('scheduler failures and garbage collection policies', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c.stop();
  });

  test('an unschedulable pod gets FailedScheduling and PodScheduled=False; tolerating the taint lands it on the master', async () => {
    const pod = (name: string, spec: Partial<NonNullable<Pod['spec']>>): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } });
    await c.client.create(Resources.pods, NS, pod('stuck', { nodeSelector: { 'node-role.kubernetes.io/control-plane': '' } }));
    const want =
      "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. " +
      'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..';
    const cond = await eventually('PodScheduled=False', async () => {
      const p = await c.client.get<Pod>(Resources.pods, NS, 'stuck');
      return p.status?.conditions?.find((x) => x.type === 'PodScheduled' && x.status === 'False');
    });
    assert.equal(cond.reason, 'Unschedulable');
    assert.equal(cond.message, want);
    const ev = await eventually('FailedScheduling', async () => (await list<Event>(c.client, Resources.events, NS)).find((e) => e.reason === 'FailedScheduling' && e.involvedObject.name === 'stuck'));
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.message, want);
    assert.equal(ev.source?.component, 'default-scheduler');
    // Our own PodScheduled write must not trigger another attempt (and another event).
    await new Promise((r) => setTimeout(r, 300));
    const again = (await list<Event>(c.client, Resources.events, NS)).filter((e) => e.reason === 'FailedScheduling' && e.involvedObject.name === 'stuck');
    assert.deepEqual(again.map((e) => e.count), [1]);

    await c.client.create(Resources.pods, NS, pod('tolerant', { nodeSelector: { 'node-role.kubernetes.io/control-plane': '' }, tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] }));
    const bound = await eventually('bound', async () => {
      const p = await c.client.get<Pod>(Resources.pods, NS, 'tolerant');
      return p.spec?.nodeName !== undefined ? p : undefined;
    });
    assert.equal(bound.spec?.nodeName, 'k8s-master');
  });

  test('foreground deletion removes the pods and ReplicaSet before the Deployment', async () => {
    await c.client.create(Resources.deployments, NS, deployment('fg', 2));
    await eventually('2 pods', async () => ((await list<Pod>(c.client, Resources.pods, NS, 'app=fg')).length === 2 ? true : undefined));
    const d = await c.client.delete<Deployment>(Resources.deployments, NS, 'fg', { propagationPolicy: 'Foreground' });
    assert.ok('metadata' in d && (d as Deployment).metadata.finalizers?.includes('foregroundDeletion'));
    // While dependents remain, the Deployment must still exist with its finalizer.
    let sawOwnerWithDependents = false;
    await eventually('all gone', async () => {
      const dep = await c.client.get<Deployment>(Resources.deployments, NS, 'fg').catch(() => undefined);
      const rss = await list<ReplicaSet>(c.client, Resources.replicasets, NS, 'app=fg');
      const pods = await list<Pod>(c.client, Resources.pods, NS, 'app=fg');
      if (dep === undefined) assert.equal(rss.length + pods.length, 0, 'the owner went before its blocking dependents');
      else if (rss.length + pods.length > 0) sawOwnerWithDependents = true;
      return dep === undefined ? true : undefined;
    });
    assert.ok(sawOwnerWithDependents);
  });

  test('orphan deletion keeps the ReplicaSet and pods, without the ownerReference', async () => {
    await c.client.create(Resources.deployments, NS, deployment('orph', 1));
    await eventually('pod', async () => ((await list<Pod>(c.client, Resources.pods, NS, 'app=orph')).length === 1 ? true : undefined));
    await c.client.delete(Resources.deployments, NS, 'orph', { propagationPolicy: 'Orphan' });
    await eventually('deployment gone', async () => ((await c.client.get(Resources.deployments, NS, 'orph').catch(() => undefined)) === undefined ? true : undefined));
    const rss = await list<ReplicaSet>(c.client, Resources.replicasets, NS, 'app=orph');
    assert.equal(rss.length, 1);
    assert.deepEqual(rss[0]?.metadata.ownerReferences ?? [], []);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await list<Pod>(c.client, Resources.pods, NS, 'app=orph')).length, 1);
    // A new Deployment with the same selector adopts the orphaned ReplicaSet.
    const d2 = await c.client.create<Deployment>(Resources.deployments, NS, deployment('orph', 1));
    const adopted = await eventually('adopted', async () => {
      const rs = (await list<ReplicaSet>(c.client, Resources.replicasets, NS, 'app=orph'))[0];
      return rs?.metadata.ownerReferences?.[0]?.uid === d2.metadata.uid ? rs : undefined;
    });
    assert.equal(adopted.metadata.ownerReferences?.[0]?.controller, true);
  });

  test('a ReplicaSet adopts a matching orphan pod and deletes the surplus', async () => {
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'lone', namespace: NS },
      spec: { replicas: 1, selector: { matchLabels: { app: 'lone' } }, template: { metadata: { labels: { app: 'lone' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    };
    await c.client.create(Resources.pods, NS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'lone-a', namespace: NS, labels: { app: 'lone' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } as Pod);
    await c.client.create(Resources.pods, NS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'lone-b', namespace: NS, labels: { app: 'lone' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } as Pod);
    const created = await c.client.create<ReplicaSet>(Resources.replicasets, NS, rs);
    const pods = await eventually('one owned pod', async () => {
      const ps = (await list<Pod>(c.client, Resources.pods, NS, 'app=lone')).filter((p) => p.metadata.deletionTimestamp === undefined);
      return ps.length === 1 && ps[0]?.metadata.ownerReferences?.[0]?.uid === created.metadata.uid ? ps : undefined;
    });
    assert.match(pods[0]?.metadata.name ?? '', /^lone-[ab]$/);
    const status = await eventually('status', async () => {
      const cur = await c.client.get<ReplicaSet>(Resources.replicasets, NS, 'lone');
      return cur.status?.replicas === 1 && cur.status.readyReplicas === 1 ? cur.status : undefined;
    });
    assert.equal(status.fullyLabeledReplicas, 1);
    assert.equal(status.observedGeneration, 1);
  });
});
