// The replicaset controller's pure core (pkg/controller/replicaset/replica_set.go): claim
// pods by selector (adopt orphans, release owned pods that stopped matching), create or
// delete pods until the active ones number spec.replicas, and compute the status.
import {
  fromLabelSelector,
  isEverything,
  matchesLabels,
  selectorFromSet,
  type Pod,
  type ReplicaSet,
  type ReplicaSetCondition,
  type ReplicaSetStatus,
} from '../../api/index.js';
import { availableAt, isPodActive, isPodAvailable, type PodInfo } from '../pod-info.js';
import { controllerRefFor } from '../owner-refs.js';
import { rfc3339 } from '../time.js';
import { podsToDelete } from './pod-ranking.js';

/** Upstream's burstReplicas: at most this many creates or deletes per sync. */
export const BURST_REPLICAS = 500;

export type ReplicaSetAction =
  | { readonly type: 'adoptPod'; readonly pod: PodInfo }
  | { readonly type: 'releasePod'; readonly pod: PodInfo }
  | { readonly type: 'createPods'; readonly count: number; readonly template: Pod }
  | { readonly type: 'deletePods'; readonly pods: readonly PodInfo[] }
  | { readonly type: 'updateStatus'; readonly status: ReplicaSetStatus };

export interface ReplicaSetSyncInput {
  readonly rs: ReplicaSet;
  /** Pods the ReplicaSet controls plus orphans of its namespace (adoption candidates). */
  readonly pods: readonly PodInfo[];
  /** False while earlier creates/deletes are not yet visible in the informer: then status only. */
  readonly expectationsSatisfied: boolean;
  /** The error of this key's last create/delete batch, shown as a ReplicaFailure condition. */
  readonly lastError: { readonly reason: 'FailedCreate' | 'FailedDelete'; readonly message: string } | undefined;
  readonly now: number;
}

export interface ReplicaSetSyncResult {
  readonly actions: readonly ReplicaSetAction[];
  /** minReadySeconds: when the next ready pod becomes available. */
  readonly requeueAfterMs: number | undefined;
}

/** GetPodFromTemplate: the pod a ReplicaSet creates (the server appends 5 random characters). */
export function podFromTemplate(rs: ReplicaSet): Pod {
  const t = rs.spec?.template ?? {};
  const m = t.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace ?? 'default',
      ...(m.labels !== undefined ? { labels: { ...m.labels } } : {}),
      ...(m.annotations !== undefined ? { annotations: { ...m.annotations } } : {}),
      ...(m.finalizers !== undefined ? { finalizers: [...m.finalizers] } : {}),
      ownerReferences: [controllerRefFor(rs)],
    },
    spec: structuredClone(t.spec ?? { containers: [] }),
  };
}

export function syncReplicaSet(input: ReplicaSetSyncInput): ReplicaSetSyncResult {
  const { rs, now } = input;
  const actions: ReplicaSetAction[] = [];
  const sel = fromLabelSelector(rs.spec?.selector);
  const uid = rs.metadata.uid ?? '';
  const deleting = rs.metadata.deletionTimestamp !== undefined;
  const owned: PodInfo[] = [];
  if (sel.ok && !isEverything(sel.value)) {
    for (const p of input.pods) {
      const matches = matchesLabels(sel.value, p.labels);
      if (p.controllerUid === uid) {
        if (matches || deleting) owned.push(p);
        else actions.push({ type: 'releasePod', pod: p });
      } else if (p.controllerUid === '' && matches && !deleting && p.deletionMs === undefined) {
        actions.push({ type: 'adoptPod', pod: p });
        owned.push(p);
      }
    }
  }
  const active = owned.filter(isPodActive);
  const want = rs.spec?.replicas ?? 1;
  if (input.expectationsSatisfied && !deleting && sel.ok && !isEverything(sel.value)) {
    const diff = active.length - want;
    if (diff < 0) actions.push({ type: 'createPods', count: Math.min(-diff, BURST_REPLICAS), template: podFromTemplate(rs) });
    else if (diff > 0) actions.push({ type: 'deletePods', pods: podsToDelete(active, Math.min(diff, BURST_REPLICAS)) });
  }

  const minReady = rs.spec?.minReadySeconds ?? 0;
  const templateSel = selectorFromSet(rs.spec?.template?.metadata?.labels ?? {});
  const status: ReplicaSetStatus = {
    replicas: active.length,
    fullyLabeledReplicas: active.filter((p) => matchesLabels(templateSel, p.labels)).length,
    readyReplicas: active.filter((p) => p.ready).length,
    availableReplicas: active.filter((p) => isPodAvailable(p, minReady, now)).length,
    observedGeneration: rs.metadata.generation ?? 0,
  };
  const conditions = failureConditions(rs.status?.conditions, input.lastError, now);
  if (conditions.length > 0) status.conditions = conditions;
  if (!sameStatus(rs.status, status)) actions.push({ type: 'updateStatus', status });

  let next: number | undefined;
  for (const p of active) {
    const at = availableAt(p, minReady, now);
    if (at !== undefined && (next === undefined || at < next)) next = at;
  }
  return { actions, requeueAfterMs: next === undefined ? undefined : next - now };
}

function failureConditions(current: readonly ReplicaSetCondition[] | undefined, err: ReplicaSetSyncInput['lastError'], now: number): ReplicaSetCondition[] {
  const others = (current ?? []).filter((c) => c.type !== 'ReplicaFailure');
  if (err === undefined) return others;
  const cur = current?.find((c) => c.type === 'ReplicaFailure');
  if (cur !== undefined && cur.status === 'True' && cur.reason === err.reason && cur.message === err.message) return [...others, cur];
  return [...others, { type: 'ReplicaFailure', status: 'True', lastTransitionTime: rfc3339(now), reason: err.reason, message: err.message }];
}

function sameStatus(a: ReplicaSetStatus | undefined, b: ReplicaSetStatus): boolean {
  const norm = (s: ReplicaSetStatus | undefined) =>
    JSON.stringify([s?.replicas ?? 0, s?.fullyLabeledReplicas ?? 0, s?.readyReplicas ?? 0, s?.availableReplicas ?? 0, s?.observedGeneration ?? 0, s?.conditions ?? []]);
  return norm(a) === norm(b);
}
