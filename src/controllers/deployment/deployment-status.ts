// Deployment status and conditions (pkg/controller/deployment/sync.go calculateStatus,
// progress.go syncRolloutStatus), with upstream's reasons and messages:
//   Available   True  MinimumReplicasAvailable   "Deployment has minimum availability."
//   Available   False MinimumReplicasUnavailable "Deployment does not have minimum availability."
//   Progressing True  NewReplicaSetCreated       "Created new replica set \"x\""
//   Progressing True  FoundNewReplicaSet         "Found new replica set \"x\""
//   Progressing True  ReplicaSetUpdated          "ReplicaSet \"x\" is progressing."
//   Progressing True  NewReplicaSetAvailable     "ReplicaSet \"x\" has successfully progressed."
//   Progressing False ProgressDeadlineExceeded   "ReplicaSet \"x\" has timed out progressing."
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from '../../api/index.js';
import { parseTime, rfc3339 } from '../time.js';
import { maxUnavailable, replicasOf, sumAvailable, sumReady, sumSpec, sumStatus } from './deployment-util.js';

export const REASON = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  minAvailable: 'MinimumReplicasAvailable',
  minUnavailable: 'MinimumReplicasUnavailable',
} as const;

const MAX_INT32 = 2147483647;

export function newCondition(type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, now: number): DeploymentCondition {
  const t = rfc3339(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export function getCondition(s: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return s?.conditions?.find((c) => c.type === type);
}

/**
 * SetDeploymentCondition: same status and reason -> nothing changes (lastUpdateTime stays);
 * same status -> keep lastTransitionTime; the new condition goes last.
 */
export function setCondition(s: DeploymentStatus, c: DeploymentCondition): void {
  const cur = getCondition(s, c.type);
  if (cur !== undefined && cur.status === c.status && cur.reason === c.reason) return;
  const next = cur !== undefined && cur.status === c.status && cur.lastTransitionTime !== undefined ? { ...c, lastTransitionTime: cur.lastTransitionTime } : c;
  s.conditions = [...(s.conditions ?? []).filter((x) => x.type !== c.type), next];
}

export function removeCondition(s: DeploymentStatus, type: string): void {
  if (s.conditions === undefined) return;
  s.conditions = s.conditions.filter((x) => x.type !== type);
}

export function hasProgressDeadline(d: Deployment): boolean {
  const p = d.spec?.progressDeadlineSeconds;
  return p !== undefined && p !== MAX_INT32;
}

export function calculateStatus(all: readonly ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  const available = sumAvailable(all);
  const total = sumSpec(all);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: sumStatus(all),
    updatedReplicas: newRS === undefined ? 0 : sumStatus([newRS]),
    readyReplicas: sumReady(all),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
    conditions: [...(d.status?.conditions ?? [])],
  };
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', REASON.minAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition('Available', 'False', REASON.minUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return status;
}

/** DeploymentComplete: every replica updated and available, and the spec observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const want = replicasOf(d);
  return s.updatedReplicas === want && s.replicas === want && s.availableReplicas === want && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated/ready/available replicas or fewer old ones than before. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, 'Progressing');
  if (c === undefined || c.reason === REASON.newRSAvailable) return false;
  if (c.reason === REASON.timedOut) return true;
  const from = parseTime(c.lastUpdateTime);
  return from !== undefined && from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 < now;
}

export interface RolloutStatus {
  readonly status: DeploymentStatus;
  /** Check again then (progress deadline), when the rollout is still in flight. */
  readonly requeueAfterMs: number | undefined;
}

/** syncRolloutStatus: calculateStatus plus the Progressing condition. */
export function rolloutStatus(all: readonly ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment, now: number): RolloutStatus {
  const s = calculateStatus(all, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(s, 'Progressing');
  const cur = getCondition(d.status, 'Progressing');
  const isComplete = s.replicas === s.updatedReplicas && cur?.reason === REASON.newRSAvailable;
  if (hasProgressDeadline(d) && !isComplete) {
    const rsName = newRS?.metadata.name;
    if (deploymentComplete(d, s)) {
      const msg = rsName !== undefined ? `ReplicaSet ${JSON.stringify(rsName)} has successfully progressed.` : `Deployment ${JSON.stringify(d.metadata.name)} has successfully progressed.`;
      setCondition(s, newCondition('Progressing', 'True', REASON.newRSAvailable, msg, now));
    } else if (deploymentProgressing(d, s)) {
      const msg = rsName !== undefined ? `ReplicaSet ${JSON.stringify(rsName)} is progressing.` : `Deployment ${JSON.stringify(d.metadata.name)} is progressing.`;
      let c = newCondition('Progressing', 'True', REASON.rsUpdated, msg, now);
      // An ongoing rollout keeps its transition time; lastUpdateTime moves on every progress.
      if (cur?.status === 'True' && cur.lastTransitionTime !== undefined) c = { ...c, lastTransitionTime: cur.lastTransitionTime };
      removeCondition(s, 'Progressing');
      s.conditions = [...(s.conditions ?? []), c];
    } else if (deploymentTimedOut(d, s, now)) {
      const msg = rsName !== undefined ? `ReplicaSet ${JSON.stringify(rsName)} has timed out progressing.` : `Deployment ${JSON.stringify(d.metadata.name)} has timed out progressing.`;
      setCondition(s, newCondition('Progressing', 'False', REASON.timedOut, msg, now));
    }
  }
  return { status: s, requeueAfterMs: stuckRequeue(d, s, now) };
}

/** requeueStuckDeployment: come back when the progress deadline would pass. */
function stuckRequeue(d: Deployment, s: DeploymentStatus, now: number): number | undefined {
  const c = getCondition(s, 'Progressing');
  if (!hasProgressDeadline(d) || c === undefined || deploymentComplete(d, s) || c.reason === REASON.timedOut) return undefined;
  const from = parseTime(c.lastUpdateTime);
  if (from === undefined) return undefined;
  const at = from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000;
  return Math.max(1000, at - now + 1000);
}

/** Status equality as the controller decides "nothing to write" (ignoring key order). */
export function sameStatus(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
  const norm = (s: DeploymentStatus | undefined) =>
    JSON.stringify({
      o: s?.observedGeneration ?? 0,
      r: s?.replicas ?? 0,
      u: s?.updatedReplicas ?? 0,
      rd: s?.readyReplicas ?? 0,
      a: s?.availableReplicas ?? 0,
      un: s?.unavailableReplicas ?? 0,
      cc: s?.collisionCount,
      c: (s?.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message, c.lastUpdateTime, c.lastTransitionTime]),
    });
  return norm(a) === norm(b);
}
