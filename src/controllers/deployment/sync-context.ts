// The working state of one deployment sync: the ReplicaSets as the sync has changed them so
// far, the status being built, and the actions to apply. Upstream's sync makes API calls
// step by step and feeds each answer to the next step; here every step edits the working
// copies and appends an action, so the whole sync stays a pure function.
import {
  ANNOTATION_REVISION,
  LABEL_POD_TEMPLATE_HASH,
  type Deployment,
  type DeploymentStatus,
  type ReplicaSet,
} from '../../api/index.js';
import { controllerRefFor } from '../owner-refs.js';
import { newCondition, hasProgressDeadline, getCondition, setCondition, REASON } from './deployment-status.js';
import {
  copiedAnnotations,
  findNewReplicaSet,
  maxRevision,
  maxSurge,
  replicasAnnotations,
  replicasAnnotationsNeedUpdate,
  replicasOf,
  rsReplicas,
  sumSpec,
} from './deployment-util.js';
import { computeHash } from './pod-template-hash.js';

/** What the shell must do, in order. Events are written only after their write succeeds. */
export type DeploymentAction =
  | { readonly type: 'adoptReplicaSet'; readonly rs: ReplicaSet }
  | { readonly type: 'releaseReplicaSet'; readonly rs: ReplicaSet }
  | { readonly type: 'createReplicaSet'; readonly rs: ReplicaSet }
  /** Set spec.replicas and annotations (merge patch); `from` is the size before this sync. */
  | { type: 'updateReplicaSet'; readonly rs: ReplicaSet; replicas: number; annotations: Record<string, string>; minReadySeconds: number | undefined; readonly from: number }
  | { readonly type: 'deleteReplicaSet'; readonly rs: ReplicaSet }
  | { readonly type: 'updateStatus'; readonly status: DeploymentStatus }
  | { readonly type: 'setRevision'; readonly revision: string };

/** "Scaled up replica set x from 0 to 2" (sync.go scaleReplicaSet). */
export function scalingMessage(name: string, from: number, to: number): string {
  return `Scaled ${from < to ? 'up' : 'down'} replica set ${name} from ${from} to ${to}`;
}

export class SyncContext {
  readonly actions: DeploymentAction[] = [];
  /** Working copies by uid (a ReplicaSet to be created has uid ''). */
  private readonly rss: ReplicaSet[];
  status: DeploymentStatus;

  constructor(
    readonly d: Deployment,
    owned: readonly ReplicaSet[],
    readonly now: number,
  ) {
    // Shallow copies: steps replace spec and annotations, never mutate nested objects, so the
    // templates stay shared with the cache (and their canonical forms stay cached).
    this.rss = owned.map((rs) => ({ ...rs, metadata: { ...rs.metadata }, ...(rs.spec !== undefined ? { spec: { ...rs.spec } } : {}) }));
    this.status = structuredClone(d.status ?? {});
  }

  get all(): ReplicaSet[] {
    return [...this.rss];
  }

  /** The deployment as later steps see it: its status includes conditions set earlier in this sync. */
  get current(): Deployment {
    return { ...this.d, status: this.status };
  }

  split(): { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] } {
    const newRS = findNewReplicaSet(this.d, this.rss);
    return { newRS, oldRSs: this.rss.filter((rs) => rs !== newRS) };
  }

  /**
   * getAllReplicaSetsAndSyncRevision: finds the new ReplicaSet (syncing its revision and
   * annotations) or, with `create`, makes it.
   */
  syncRevision(create: boolean): { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] } {
    const { newRS, oldRSs } = this.split();
    const newRevision = String(maxRevision(oldRSs) + 1);
    if (newRS !== undefined) {
      const annotations = { ...(newRS.metadata.annotations ?? {}) };
      const changed = setNewReplicaSetAnnotations(this.d, annotations, newRevision, true);
      const minReady = this.d.spec?.minReadySeconds;
      const minReadyChanged = (newRS.spec?.minReadySeconds ?? 0) !== (minReady ?? 0);
      if (changed || minReadyChanged) {
        this.record(newRS, rsReplicas(newRS), annotations, minReady);
      }
      const rev = annotations[ANNOTATION_REVISION] ?? newRevision;
      if (this.d.metadata.annotations?.[ANNOTATION_REVISION] !== rev) this.actions.push({ type: 'setRevision', revision: rev });
      if (hasProgressDeadline(this.d) && getCondition(this.status, 'Progressing') === undefined) {
        setCondition(this.status, newCondition('Progressing', 'True', REASON.foundNewRS, `Found new replica set ${JSON.stringify(newRS.metadata.name)}`, this.now));
      }
      return { newRS, oldRSs };
    }
    if (!create) return { newRS: undefined, oldRSs };

    const d = this.d;
    const template = structuredClone(d.spec?.template ?? {});
    const hash = computeHash(template, this.status.collisionCount);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [LABEL_POD_TEMPLATE_HASH]: hash } };
    const annotations: Record<string, string> = {};
    setNewReplicaSetAnnotations(d, annotations, newRevision, false);
    const selector = structuredClone(d.spec?.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [LABEL_POD_TEMPLATE_HASH]: hash };
    const created: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace ?? 'default',
        labels: { ...(template.metadata.labels ?? {}) },
        annotations,
        ownerReferences: [controllerRefFor(d)],
      },
      spec: {
        replicas: 0,
        ...(d.spec?.minReadySeconds !== undefined ? { minReadySeconds: d.spec.minReadySeconds } : {}),
        selector,
        template,
      },
    };
    created.spec!.replicas = newRSNewReplicas(d, [...oldRSs, created], created);
    this.rss.push(created);
    this.actions.push({ type: 'createReplicaSet', rs: created });
    if (d.metadata.annotations?.[ANNOTATION_REVISION] !== newRevision) this.actions.push({ type: 'setRevision', revision: newRevision });
    if (hasProgressDeadline(d)) {
      setCondition(this.status, newCondition('Progressing', 'True', REASON.newRSCreated, `Created new replica set ${JSON.stringify(created.metadata.name)}`, this.now));
    }
    return { newRS: created, oldRSs };
  }

  /** scaleReplicaSetAndRecordEvent: nothing happens when the size is already right. */
  scaleAndRecord(rs: ReplicaSet, to: number): boolean {
    if (rsReplicas(rs) === to) return false;
    return this.scale(rs, to);
  }

  /** scaleReplicaSet: writes when the size or the replica annotations differ; true when the size changed. */
  scale(rs: ReplicaSet, to: number): boolean {
    const sizeChanged = rsReplicas(rs) !== to;
    if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, this.d)) return false;
    const annotations = { ...(rs.metadata.annotations ?? {}), ...replicasAnnotations(this.d) };
    this.record(rs, to, annotations, rs.spec?.minReadySeconds);
    return sizeChanged;
  }

  deleteRS(rs: ReplicaSet): void {
    this.actions.push({ type: 'deleteReplicaSet', rs });
    const i = this.rss.indexOf(rs);
    if (i >= 0) this.rss.splice(i, 1);
  }

  /** Applies a change to the working copy and merges it into this sync's action for that ReplicaSet. */
  private record(rs: ReplicaSet, replicas: number, annotations: Record<string, string>, minReadySeconds: number | undefined): void {
    const from = rsReplicas(rs);
    rs.spec = { ...(rs.spec ?? { selector: {} }), replicas };
    if (minReadySeconds !== undefined) rs.spec.minReadySeconds = minReadySeconds;
    rs.metadata.annotations = annotations;
    const pendingCreate = this.actions.find((a) => a.type === 'createReplicaSet' && a.rs === rs);
    if (pendingCreate !== undefined) return; // the create carries the working copy itself
    const existing = this.actions.find((a): a is Extract<DeploymentAction, { type: 'updateReplicaSet' }> => a.type === 'updateReplicaSet' && a.rs.metadata.uid === rs.metadata.uid);
    if (existing !== undefined) {
      existing.replicas = replicas;
      existing.annotations = annotations;
      existing.minReadySeconds = minReadySeconds;
      return;
    }
    this.actions.push({ type: 'updateReplicaSet', rs, replicas, annotations, minReadySeconds, from });
  }
}

/**
 * SetNewReplicaSetAnnotations: copy the deployment's annotations, raise the revision when it
 * is behind (recording the old one in revision-history on a rollback), and give a ReplicaSet
 * about to be created its replica annotations. Returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, ann: Record<string, string>, newRevision: string, exists: boolean): boolean {
  let changed = false;
  for (const [k, v] of Object.entries(copiedAnnotations(d))) {
    if (ann[k] !== v) {
      ann[k] = v;
      changed = true;
    }
  }
  const oldRevision = ann[ANNOTATION_REVISION];
  const oldN = oldRevision === undefined ? 0 : Number(oldRevision);
  if (Number.isInteger(oldN) && oldN < Number(newRevision)) {
    ann[ANNOTATION_REVISION] = newRevision;
    changed = true;
    if (oldRevision !== undefined && oldRevision !== '') {
      const key = 'deployment.kubernetes.io/revision-history';
      const hist = ann[key];
      ann[key] = hist === undefined || hist === '' ? oldRevision : `${hist},${oldRevision}`;
    }
  }
  if (!exists) {
    for (const [k, v] of Object.entries(replicasAnnotations(d))) {
      if (ann[k] !== v) {
        ann[k] = v;
        changed = true;
      }
    }
  }
  return changed;
}

/** NewRSNewReplicas: how big the new ReplicaSet may be now (surge-bound for rolling updates). */
export function newRSNewReplicas(d: Deployment, all: readonly ReplicaSet[], newRS: ReplicaSet): number {
  const desired = replicasOf(d);
  if ((d.spec?.strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return desired;
  const current = sumSpec(all);
  const maxTotal = desired + maxSurge(d);
  if (current >= maxTotal) return rsReplicas(newRS);
  const up = Math.min(maxTotal - current, desired - rsReplicas(newRS));
  return rsReplicas(newRS) + up;
}
