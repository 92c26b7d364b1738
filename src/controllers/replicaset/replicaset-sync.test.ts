import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ReplicaSet } from '../../api/index.js';
import type { PodInfo } from '../pod-info.js';
import { ownedBy, podInfo } from '../_test-fixtures.js';
import { podsToDelete } from './pod-ranking.js';
import { podFromTemplate, syncReplicaSet, type ReplicaSetAction } from './replicaset-sync.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function replicaSet(replicas: number, extra: { minReadySeconds?: number; deleting?: boolean; status?: ReplicaSet['status'] } = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-abc', namespace: 'ns', uid: 'rs1', generation: 3, ...(extra.deleting === true ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: {
      replicas,
      ...(extra.minReadySeconds !== undefined ? { minReadySeconds: extra.minReadySeconds } : {}),
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    },
    ...(extra.status !== undefined ? { status: extra.status } : {}),
  };
}

const mine = (name: string, o: Partial<PodInfo> = {}) => podInfo({ name, labels: { app: 'web', tier: 'fe' }, ...ownedBy('rs1'), ...o });
const running = (name: string, node: string, o: Partial<PodInfo> = {}) => mine(name, { nodeName: node, phase: 'Running', ready: true, readySinceMs: NOW - 60_000, ...o });

function summary(actions: readonly ReplicaSetAction[]): string[] {
  return actions.map((a) => {
    switch (a.type) {
      case 'createPods':
        return `create ${a.count}`;
      case 'deletePods':
        return `delete ${a.pods.map((p) => p.name).join(',')}`;
      case 'adoptPod':
        return `adopt ${a.pod.name}`;
      case 'releasePod':
        return `release ${a.pod.name}`;
      case 'updateStatus':
        return `status ${a.status.replicas}/${a.status.fullyLabeledReplicas}/${a.status.readyReplicas}/${a.status.availableReplicas}`;
    }
  });
}

describe('syncReplicaSet', () => {
  const cases: { name: string; rs: ReplicaSet; pods: PodInfo[]; satisfied?: boolean; want: string[] }[] = [
    { name: 'no pods: create all of them', rs: replicaSet(3), pods: [], want: ['create 3', 'status 0/0/0/0'] },
    { name: 'enough ready pods: status only', rs: replicaSet(2), pods: [running('a', 'n1'), running('b', 'n2')], want: ['status 2/2/2/2'] },
    {
      name: 'up to date status: nothing',
      rs: replicaSet(1, { status: { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 3 } }),
      pods: [running('a', 'n1')],
      want: [],
    },
    {
      name: 'terminating and finished pods do not count',
      rs: replicaSet(2),
      pods: [running('a', 'n1'), running('b', 'n1', { deletionMs: NOW }), mine('c', { phase: 'Failed', nodeName: 'n2' })],
      want: ['create 1', 'status 1/1/1/1'],
    },
    { name: 'outstanding expectations: status only', rs: replicaSet(3), pods: [], satisfied: false, want: ['status 0/0/0/0'] },
    {
      name: 'scale down prefers unscheduled, then pending, then not ready pods',
      rs: replicaSet(1),
      pods: [running('ready', 'n1'), mine('pending', { nodeName: 'n2', phase: 'Pending' }), mine('unscheduled'), running('notready', 'n2', { ready: false })],
      want: ['delete unscheduled,pending,notready', 'status 4/4/1/1'],
    },
    {
      name: 'orphans matching the selector are adopted, owned pods that stopped matching are released',
      rs: replicaSet(2),
      pods: [podInfo({ name: 'orphan', labels: { app: 'web' }, nodeName: 'n1', phase: 'Running', ready: true }), mine('moved', { labels: { app: 'other' } }), podInfo({ name: 'foreign', labels: { app: 'web' }, ...ownedBy('rs2') })],
      want: ['adopt orphan', 'release moved', 'create 1', 'status 1/0/1/1'],
    },
    { name: 'a ReplicaSet being deleted creates nothing', rs: replicaSet(3, { deleting: true }), pods: [], want: ['status 0/0/0/0'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = syncReplicaSet({ rs: c.rs, pods: c.pods, expectationsSatisfied: c.satisfied ?? true, lastError: undefined, now: NOW });
      assert.deepEqual(summary(r.actions), c.want);
    });
  }

  test('minReadySeconds: ready pods become available only after it, and the sync asks to come back then', () => {
    const pods = [running('a', 'n1', { readySinceMs: NOW - 2_000 }), running('b', 'n2', { readySinceMs: NOW - 20_000 })];
    const r = syncReplicaSet({ rs: replicaSet(2, { minReadySeconds: 10 }), pods, expectationsSatisfied: true, lastError: undefined, now: NOW });
    assert.deepEqual(summary(r.actions), ['status 2/2/2/1']);
    assert.equal(r.requeueAfterMs, 8_001);
  });

  test('a failed create shows as a ReplicaFailure condition', () => {
    const r = syncReplicaSet({ rs: replicaSet(1), pods: [], expectationsSatisfied: true, lastError: { reason: 'FailedCreate', message: 'pods "x" is forbidden' }, now: NOW });
    const st = r.actions.find((a): a is Extract<ReplicaSetAction, { type: 'updateStatus' }> => a.type === 'updateStatus')!.status;
    assert.deepEqual(st.conditions, [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2026-01-01T12:00:00Z', reason: 'FailedCreate', message: 'pods "x" is forbidden' }]);
  });

  test('pods come from the template with generateName and a controller reference', () => {
    const p = podFromTemplate(replicaSet(1));
    assert.deepEqual(p.metadata, {
      generateName: 'web-abc-',
      namespace: 'ns',
      labels: { app: 'web', tier: 'fe' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs1', controller: true, blockOwnerDeletion: true }],
    });
    assert.deepEqual(p.spec, { containers: [{ name: 'c', image: 'i' }] });
  });
});

describe('podsToDelete ranking', () => {
  test('doubled-up nodes first, then shorter readiness, more restarts, newer', () => {
    const pods = [
      running('lonely', 'n1'),
      running('pair-old', 'n2', { createdMs: 1 }),
      running('pair-new', 'n2', { createdMs: 2 }),
      running('restarts', 'n3', { restartCount: 5 }),
      running('fresh', 'n4', { readySinceMs: NOW - 1_000 }),
    ];
    assert.deepEqual(podsToDelete(pods, 5).map((p) => p.name), ['pair-new', 'pair-old', 'fresh', 'restarts', 'lonely']);
    assert.deepEqual(podsToDelete(pods, 0), []);
  });
});
