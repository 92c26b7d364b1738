// Deployments come alive against a real in-process API server: Deployment -> ReplicaSet
// <name>-<hash> -> pods spread over the two workers (never the tainted master) -> status
// 2/2; scaling; a deleted pod replaced; an image change rolled out; deletion cascades.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Deployment, Event, Pod, ReplicaSet } from '../../src/api/index.js';
import { Resources } from '../../src/client/index.js';
import { eventually, list, startCluster, type TestCluster } from './_cluster.js';

const NS = 'demons';

function deployment(name: string, replicas: number, image = 'dumlutimuralp/nsx-demo'): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image, ports: [{ name: 'http', containerPort: 80 }] }] } },
    },
  };
}

describe('deployment, replicaset, scheduler, garbage collector', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c.stop();
  });

  const getD = (name: string) => c.client.get<Deployment>(Resources.deployments, NS, name);
  const podsOf = async (app: string) => (await list<Pod>(c.client, Resources.pods, NS, `app=${app}`)).filter((p) => p.metadata.deletionTimestamp === undefined);
  const available = (name: string, n: number) =>
    eventually(`${name} ${n}/${n} available`, async () => {
      const d = await getD(name);
      const s = d.status ?? {};
      const done = s.observedGeneration === d.metadata.generation && s.updatedReplicas === n && s.replicas === n && s.availableReplicas === n && s.readyReplicas === n;
      return done ? d : undefined;
    });

  test('a Deployment of 2 becomes a ReplicaSet <name>-<hash> with 2 ready pods on the workers', async () => {
    await c.client.create(Resources.deployments, NS, deployment('nsxtestapp', 2));
    const d = await available('nsxtestapp', 2);
    const rss = await list<ReplicaSet>(c.client, Resources.replicasets, NS, 'app=nsxtestapp');
    assert.equal(rss.length, 1);
    const rs = rss[0]!;
    const hash = rs.metadata.labels?.['pod-template-hash'] ?? '';
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.equal(rs.metadata.name, `nsxtestapp-${hash}`);
    assert.deepEqual(rs.spec?.selector.matchLabels, { app: 'nsxtestapp', 'pod-template-hash': hash });
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '2');
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '3');
    assert.deepEqual(rs.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nsxtestapp', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');

    const pods = await podsOf('nsxtestapp');
    assert.equal(pods.length, 2);
    for (const p of pods) {
      assert.match(p.metadata.name ?? '', new RegExp(`^nsxtestapp-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      assert.equal(p.metadata.labels?.['pod-template-hash'], hash);
      assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    assert.deepEqual(pods.map((p) => p.spec?.nodeName).sort(), ['k8s-node1', 'k8s-node2']);

    const conds = Object.fromEntries((d.status?.conditions ?? []).map((x) => [x.type, x]));
    assert.equal(conds['Available']?.status, 'True');
    assert.equal(conds['Available']?.reason, 'MinimumReplicasAvailable');
    assert.equal(conds['Available']?.message, 'Deployment has minimum availability.');
    await eventually('Progressing NewReplicaSetAvailable', async () => {
      const p = (await getD('nsxtestapp')).status?.conditions?.find((x) => x.type === 'Progressing');
      return p?.reason === 'NewReplicaSetAvailable' && p.message === `ReplicaSet "${rs.metadata.name}" has successfully progressed.` ? p : undefined;
    });

    const events = await eventually('events', async () => {
      const evs = await list<Event>(c.client, Resources.events, NS);
      const want = [`Scaled up replica set ${rs.metadata.name} from 0 to 2`, ...pods.map((p) => `Created pod: ${p.metadata.name}`), ...pods.map((p) => `Successfully assigned ${NS}/${p.metadata.name} to ${p.spec?.nodeName}`)];
      return want.every((m) => evs.some((e) => e.message === m)) ? evs : undefined;
    });
    const scaling = events.find((e) => e.reason === 'ScalingReplicaSet')!;
    assert.equal(scaling.source?.component, 'deployment-controller');
    assert.equal(events.find((e) => e.reason === 'SuccessfulCreate')?.source?.component, 'replicaset-controller');
    assert.equal(events.find((e) => e.reason === 'Scheduled')?.source?.component, 'default-scheduler');
  });

  test('scaling to 4 adds two pods, spread two per worker', async () => {
    await c.client.patch(Resources.deployments, NS, 'nsxtestapp', 'merge', { spec: { replicas: 4 } });
    await available('nsxtestapp', 4);
    const pods = await podsOf('nsxtestapp');
    assert.equal(pods.length, 4);
    const perNode = new Map<string, number>();
    for (const p of pods) perNode.set(p.spec?.nodeName ?? '', (perNode.get(p.spec?.nodeName ?? '') ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(perNode), { 'k8s-node1': 2, 'k8s-node2': 2 });
  });

  test('a deleted pod is replaced', async () => {
    const before = await podsOf('nsxtestapp');
    const victim = before[0]!;
    await c.client.delete(Resources.pods, NS, victim.metadata.name ?? '');
    const after = await eventually('replacement', async () => {
      const now = await podsOf('nsxtestapp');
      return now.length === 4 && !now.some((p) => p.metadata.name === victim.metadata.name) ? now : undefined;
    });
    assert.equal(after.filter((p) => !before.some((b) => b.metadata.name === p.metadata.name)).length, 1);
    await available('nsxtestapp', 4);
  });

  test('an image change rolls out a new ReplicaSet and scales the old one to 0', async () => {
    const old = (await list<ReplicaSet>(c.client, Resources.replicasets, NS, 'app=nsxtestapp'))[0]!;
    await c.client.patch(Resources.deployments, NS, 'nsxtestapp', 'strategic', { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } });
    const d = await eventually('rollout', async () => {
      const cur = await getD('nsxtestapp');
      const s = cur.status ?? {};
      return s.observedGeneration === cur.metadata.generation && s.updatedReplicas === 4 && s.replicas === 4 && s.availableReplicas === 4 ? cur : undefined;
    });
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    const rss = await list<ReplicaSet>(c.client, Resources.replicasets, NS, 'app=nsxtestapp');
    assert.equal(rss.length, 2);
    const oldNow = rss.find((r) => r.metadata.uid === old.metadata.uid)!;
    const fresh = rss.find((r) => r.metadata.uid !== old.metadata.uid)!;
    assert.equal(oldNow.spec?.replicas, 0);
    assert.equal(fresh.spec?.replicas, 4);
    assert.equal(fresh.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    assert.notEqual(fresh.metadata.labels?.['pod-template-hash'], old.metadata.labels?.['pod-template-hash']);
    const pods = await eventually('old pods gone', async () => {
      const ps = await podsOf('nsxtestapp');
      return ps.length === 4 && ps.every((p) => p.spec?.containers[0]?.image === 'nginx:1.27') ? ps : undefined;
    });
    assert.ok(pods.every((p) => p.metadata.labels?.['pod-template-hash'] === fresh.metadata.labels?.['pod-template-hash']));
    const evs = await list<Event>(c.client, Resources.events, NS);
    assert.ok(evs.some((e) => e.message === `Scaled up replica set ${fresh.metadata.name} from 0 to 1`));
    assert.ok(evs.some((e) => new RegExp(`^Scaled down replica set ${old.metadata.name} from \\d+ to 0$`).test(e.message ?? '')));
  });

  test('deleting the Deployment garbage-collects its ReplicaSets and pods', async () => {
    await c.client.delete(Resources.deployments, NS, 'nsxtestapp', { propagationPolicy: 'Background' });
    await eventually('cascade', async () => {
      const rss = await list<ReplicaSet>(c.client, Resources.replicasets, NS, 'app=nsxtestapp');
      const pods = await list<Pod>(c.client, Resources.pods, NS, 'app=nsxtestapp');
      return rss.length === 0 && pods.length === 0 ? true : undefined;
    });
  });
});
