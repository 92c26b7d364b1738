import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Deployment, DeploymentStatus, PodTemplateSpec, ReplicaSet } from '../../api/index.js';
import { rfc3339 } from '../time.js';
import { syncDeployment, type DeploymentAction } from './deployment-sync.js';
import { computeHash } from './pod-template-hash.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const UID = 'd-uid';

const template = (image: string): PodTemplateSpec => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } });

function deployment(o: { replicas: number; image?: string; strategy?: 'RollingUpdate' | 'Recreate'; status?: DeploymentStatus; generation?: number; paused?: boolean; history?: number; deleting?: boolean }): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'ns',
      uid: UID,
      generation: o.generation ?? 1,
      ...(o.deleting === true ? { deletionTimestamp: rfc3339(NOW) } : {}),
    },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { app: 'web' } },
      template: template(o.image ?? 'v1'),
      strategy: o.strategy === 'Recreate' ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: o.history ?? 10,
      progressDeadlineSeconds: 600,
      ...(o.paused === true ? { paused: true } : {}),
    },
    ...(o.status !== undefined ? { status: o.status } : {}),
  };
}

function rs(o: { image: string; replicas: number; available?: number; revision: number; createdS: number; desired?: number; maxReplicas?: number; owner?: string | null }): ReplicaSet {
  const hash = computeHash(template(o.image), undefined);
  const t = template(o.image);
  t.metadata = { labels: { app: 'web', 'pod-template-hash': hash } };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${hash}`,
      namespace: 'ns',
      uid: `rs-${o.image}`,
      creationTimestamp: rfc3339(NOW - 1_000_000 + o.createdS * 1000),
      labels: { app: 'web', 'pod-template-hash': hash },
      generation: 1,
      annotations: {
        'deployment.kubernetes.io/revision': String(o.revision),
        ...(o.desired !== undefined ? { 'deployment.kubernetes.io/desired-replicas': String(o.desired) } : {}),
        ...(o.maxReplicas !== undefined ? { 'deployment.kubernetes.io/max-replicas': String(o.maxReplicas) } : {}),
      },
      ...(o.owner === null ? {} : { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: o.owner ?? UID, controller: true, blockOwnerDeletion: true }] }),
    },
    spec: { replicas: o.replicas, selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } }, template: t },
    status: { replicas: o.available ?? o.replicas, readyReplicas: o.available ?? o.replicas, availableReplicas: o.available ?? o.replicas, observedGeneration: 1 },
  };
}

/** A compact view of the actions: "create web-x=2", "scale web-x 4->3", "status", "revision 2", ... */
function summary(actions: readonly DeploymentAction[]): string[] {
  return actions.map((a) => {
    switch (a.type) {
      case 'createReplicaSet':
        return `create ${a.rs.metadata.name}=${a.rs.spec?.replicas}`;
      case 'updateReplicaSet':
        return a.from === a.replicas ? `annotate ${a.rs.metadata.name}` : `scale ${a.rs.metadata.name} ${a.from}->${a.replicas}`;
      case 'deleteReplicaSet':
        return `delete ${a.rs.metadata.name}`;
      case 'adoptReplicaSet':
        return `adopt ${a.rs.metadata.name}`;
      case 'releaseReplicaSet':
        return `release ${a.rs.metadata.name}`;
      case 'updateStatus':
        return 'status';
      case 'setRevision':
        return `revision ${a.revision}`;
    }
  });
}

const h = (image: string) => `web-${computeHash(template(image), undefined)}`;
const statusOf = (actions: readonly DeploymentAction[]) => actions.find((a): a is Extract<DeploymentAction, { type: 'updateStatus' }> => a.type === 'updateStatus')?.status;

describe('syncDeployment', () => {
  const cases: { name: string; d: Deployment; rss: ReplicaSet[]; pods?: Map<string, { phase: 'Running' | 'Succeeded' }[]>; want: string[] }[] = [
    {
      name: 'a new deployment creates its ReplicaSet at full size (within surge) and revision 1',
      d: deployment({ replicas: 2 }),
      rss: [],
      want: [`create ${h('v1')}=2`, 'status', 'revision 1'],
    },
    {
      name: 'a complete deployment with an up-to-date status only gains its missing revision annotation',
      d: deployment({
        replicas: 2,
        status: {
          observedGeneration: 1,
          replicas: 2,
          updatedReplicas: 2,
          readyReplicas: 2,
          availableReplicas: 2,
          unavailableReplicas: 0,
          conditions: [
            { type: 'Available', status: 'True', lastUpdateTime: rfc3339(NOW), lastTransitionTime: rfc3339(NOW), reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
            { type: 'Progressing', status: 'True', lastUpdateTime: rfc3339(NOW), lastTransitionTime: rfc3339(NOW), reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${h('v1')}" has successfully progressed.` },
          ],
        },
      }),
      rss: [rs({ image: 'v1', replicas: 2, revision: 1, createdS: 0, desired: 2, maxReplicas: 3 })],
      want: ['revision 1'],
    },
    {
      name: 'a template change: new ReplicaSet at the surge (1 of 4), old one down by maxUnavailable (4->3)',
      d: deployment({ replicas: 4, image: 'v2', generation: 2 }),
      rss: [rs({ image: 'v1', replicas: 4, revision: 1, createdS: 0, desired: 4, maxReplicas: 5 })],
      want: [`create ${h('v2')}=1`, `scale ${h('v1')} 4->3`, 'status', 'revision 2'],
    },
    {
      name: 'mid-rollout: the new ReplicaSet is available, so it grows and the old one shrinks',
      d: deployment({ replicas: 4, image: 'v2', generation: 2 }),
      rss: [rs({ image: 'v1', replicas: 3, revision: 1, createdS: 0, desired: 4, maxReplicas: 5 }), rs({ image: 'v2', replicas: 1, revision: 2, createdS: 10, desired: 4, maxReplicas: 5 })],
      want: [`scale ${h('v2')} 1->2`, 'status', 'revision 2'],
    },
    {
      name: 'at the surge limit with an unavailable new replica, old ones wait',
      d: deployment({ replicas: 4, image: 'v2', generation: 2 }),
      rss: [rs({ image: 'v1', replicas: 3, revision: 1, createdS: 0, desired: 4, maxReplicas: 5 }), rs({ image: 'v2', replicas: 2, available: 0, revision: 2, createdS: 10, desired: 4, maxReplicas: 5 })],
      want: ['status', 'revision 2'],
    },
    {
      name: 'unhealthy old replicas are removed first, whatever the availability',
      d: deployment({ replicas: 4, image: 'v2', generation: 2 }),
      rss: [rs({ image: 'v1', replicas: 4, available: 1, revision: 1, createdS: 0, desired: 4, maxReplicas: 5 }), rs({ image: 'v2', replicas: 1, available: 1, revision: 2, createdS: 10, desired: 4, maxReplicas: 5 })],
      // maxScaledDown = 5 - 3 - 0 = 2; three old replicas are unavailable, two go.
      want: [`scale ${h('v1')} 4->2`, 'status', 'revision 2'],
    },
    {
      name: 'a scaling event resizes the only active ReplicaSet',
      d: deployment({ replicas: 4 }),
      rss: [rs({ image: 'v1', replicas: 2, revision: 1, createdS: 0, desired: 2, maxReplicas: 3 })],
      want: [`scale ${h('v1')} 2->4`, 'status', 'revision 1'],
    },
    {
      name: 'scaling mid-rollout is proportional (3+2 of max 5 -> 6+4 of max 10)',
      d: deployment({ replicas: 8, image: 'v2', generation: 3, status: { replicas: 5 } }),
      rss: [rs({ image: 'v1', replicas: 3, revision: 1, createdS: 0, desired: 4, maxReplicas: 5 }), rs({ image: 'v2', replicas: 2, revision: 2, createdS: 10, desired: 4, maxReplicas: 5 })],
      want: [`scale ${h('v1')} 3->6`, `scale ${h('v2')} 2->4`, 'status', 'revision 2'],
    },
    {
      name: 'Recreate scales the old ReplicaSet to zero first, without creating the new one',
      d: deployment({ replicas: 2, image: 'v2', strategy: 'Recreate', generation: 2 }),
      rss: [rs({ image: 'v1', replicas: 2, revision: 1, createdS: 0, desired: 2, maxReplicas: 2 })],
      want: [`scale ${h('v1')} 2->0`, 'status'],
    },
    {
      name: 'Recreate waits while old pods still run',
      d: deployment({ replicas: 2, image: 'v2', strategy: 'Recreate', generation: 2 }),
      rss: [rs({ image: 'v1', replicas: 0, available: 0, revision: 1, createdS: 0, desired: 2, maxReplicas: 2 })],
      pods: new Map([['rs-v1', [{ phase: 'Running' }]]]),
      want: ['status'],
    },
    {
      name: 'Recreate creates the new ReplicaSet at full size once old pods are gone',
      d: deployment({ replicas: 2, image: 'v2', strategy: 'Recreate', generation: 2 }),
      rss: [rs({ image: 'v1', replicas: 0, available: 0, revision: 1, createdS: 0, desired: 2, maxReplicas: 2 })],
      pods: new Map([['rs-v1', [{ phase: 'Succeeded' }]]]),
      want: [`create ${h('v2')}=2`, 'status', 'revision 2'],
    },
    {
      name: 'a paused deployment does not roll out a template change',
      d: deployment({ replicas: 2, image: 'v2', paused: true, generation: 2 }),
      rss: [rs({ image: 'v1', replicas: 2, revision: 1, createdS: 0, desired: 2, maxReplicas: 3 })],
      want: ['status'],
    },
    {
      name: 'an orphan ReplicaSet matching the selector is adopted; one owned by someone else is ignored',
      d: deployment({ replicas: 2 }),
      rss: [rs({ image: 'v1', replicas: 2, revision: 1, createdS: 0, desired: 2, maxReplicas: 3, owner: null }), { ...rs({ image: 'v0', replicas: 1, revision: 1, createdS: 0, owner: 'other' }) }],
      want: [`adopt ${h('v1')}`, 'status', 'revision 1'],
    },
    {
      name: 'a deployment being deleted only updates its status',
      d: deployment({ replicas: 4, image: 'v2', deleting: true }),
      rss: [rs({ image: 'v1', replicas: 2, revision: 1, createdS: 0, desired: 2, maxReplicas: 3 })],
      want: ['status'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = syncDeployment({ deployment: c.d, candidates: c.rss, podsByRS: c.pods ?? new Map(), now: NOW });
      assert.deepEqual(summary(r.actions), c.want);
    });
  }

  test('the created ReplicaSet: name, labels, selector, annotations, owner', () => {
    const r = syncDeployment({ deployment: deployment({ replicas: 2 }), candidates: [], podsByRS: new Map(), now: NOW });
    const created = r.actions.find((a): a is Extract<DeploymentAction, { type: 'createReplicaSet' }> => a.type === 'createReplicaSet')!.rs;
    const hash = computeHash(template('v1'), undefined);
    assert.deepEqual(created.metadata, {
      name: `web-${hash}`,
      namespace: 'ns',
      labels: { app: 'web', 'pod-template-hash': hash },
      annotations: { 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '2', 'deployment.kubernetes.io/max-replicas': '3' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: UID, controller: true, blockOwnerDeletion: true }],
    });
    assert.deepEqual(created.spec?.selector, { matchLabels: { app: 'web', 'pod-template-hash': hash } });
    assert.deepEqual(created.spec?.template?.metadata?.labels, { app: 'web', 'pod-template-hash': hash });
    const s = statusOf(r.actions)!;
    const progressing = s.conditions?.find((x) => x.type === 'Progressing');
    assert.equal(progressing?.reason, 'NewReplicaSetCreated');
    assert.equal(progressing?.message, `Created new replica set "web-${hash}"`);
    assert.equal(s.conditions?.find((x) => x.type === 'Available')?.reason, 'MinimumReplicasUnavailable');
  });

  test('a finished rollout reports NewReplicaSetAvailable and minimum availability', () => {
    const d = deployment({
      replicas: 2,
      status: { conditions: [{ type: 'Progressing', status: 'True', lastUpdateTime: rfc3339(NOW - 5000), lastTransitionTime: rfc3339(NOW - 9000), reason: 'ReplicaSetUpdated', message: 'x' }] },
    });
    const r = syncDeployment({ deployment: d, candidates: [rs({ image: 'v1', replicas: 2, revision: 1, createdS: 0, desired: 2, maxReplicas: 3 })], podsByRS: new Map(), now: NOW });
    const s = statusOf(r.actions)!;
    assert.deepEqual([s.replicas, s.updatedReplicas, s.readyReplicas, s.availableReplicas, s.unavailableReplicas, s.observedGeneration], [2, 2, 2, 2, 0, 1]);
    const byType = Object.fromEntries((s.conditions ?? []).map((x) => [x.type, x]));
    assert.deepEqual(
      { reason: byType['Progressing']?.reason, message: byType['Progressing']?.message, status: byType['Progressing']?.status, lastTransitionTime: byType['Progressing']?.lastTransitionTime },
      { reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${h('v1')}" has successfully progressed.`, status: 'True', lastTransitionTime: rfc3339(NOW - 9000) },
    );
    assert.deepEqual({ reason: byType['Available']?.reason, message: byType['Available']?.message }, { reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    assert.equal(r.requeueAfterMs, undefined);
  });

  test('a stalled rollout times out after progressDeadlineSeconds', () => {
    const d = deployment({
      replicas: 2,
      image: 'v2',
      generation: 2,
      status: { replicas: 3, updatedReplicas: 1, availableReplicas: 2, readyReplicas: 2, conditions: [{ type: 'Progressing', status: 'True', lastUpdateTime: rfc3339(NOW - 601_000), lastTransitionTime: rfc3339(NOW - 700_000), reason: 'ReplicaSetUpdated', message: 'x' }] },
    });
    const rss = [rs({ image: 'v1', replicas: 2, revision: 1, createdS: 0, desired: 2, maxReplicas: 3 }), rs({ image: 'v2', replicas: 1, available: 0, revision: 2, createdS: 10, desired: 2, maxReplicas: 3 })];
    const r = syncDeployment({ deployment: d, candidates: rss, podsByRS: new Map(), now: NOW });
    const p = statusOf(r.actions)?.conditions?.find((x) => x.type === 'Progressing');
    assert.deepEqual([p?.status, p?.reason, p?.message], ['False', 'ProgressDeadlineExceeded', `ReplicaSet "${h('v2')}" has timed out progressing.`]);
  });

  test('old ReplicaSets beyond revisionHistoryLimit are deleted, oldest revision first, once complete', () => {
    const d = deployment({ replicas: 1, image: 'v4', history: 1, status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 } });
    const rss = [
      rs({ image: 'v1', replicas: 0, revision: 1, createdS: 0, desired: 1, maxReplicas: 2 }),
      rs({ image: 'v2', replicas: 0, revision: 2, createdS: 1, desired: 1, maxReplicas: 2 }),
      rs({ image: 'v3', replicas: 0, revision: 3, createdS: 2, desired: 1, maxReplicas: 2 }),
      rs({ image: 'v4', replicas: 1, revision: 4, createdS: 3, desired: 1, maxReplicas: 2 }),
    ];
    const r = syncDeployment({ deployment: d, candidates: rss, podsByRS: new Map(), now: NOW });
    assert.deepEqual(summary(r.actions).filter((x) => x.startsWith('delete')), [`delete ${h('v1')}`, `delete ${h('v2')}`]);
  });

  test('rolling back to an old template raises its revision and records the old one', () => {
    const d = deployment({ replicas: 1, image: 'v1', generation: 3 });
    const rss = [rs({ image: 'v1', replicas: 0, revision: 1, createdS: 0, desired: 1, maxReplicas: 2 }), rs({ image: 'v2', replicas: 1, revision: 2, createdS: 1, desired: 1, maxReplicas: 2 })];
    const r = syncDeployment({ deployment: d, candidates: rss, podsByRS: new Map(), now: NOW });
    const upd = r.actions.find((a): a is Extract<DeploymentAction, { type: 'updateReplicaSet' }> => a.type === 'updateReplicaSet' && a.rs.metadata.name === h('v1'))!;
    assert.equal(upd.annotations['deployment.kubernetes.io/revision'], '3');
    assert.equal(upd.annotations['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(upd.replicas, 1);
    assert.deepEqual(r.actions.at(-1), { type: 'setRevision', revision: '3' });
  });
});
