// The deployment controller's pure core (pkg/controller/deployment: sync.go, rolling.go,
// recreate.go): given a Deployment, the ReplicaSets it owns or may adopt and their pods,
// it returns the writes that move the cluster one step toward the deployment's spec.
// Like upstream it is level-triggered: each sync does what it can now and the next sync
// (driven by ReplicaSet and pod events) continues from what the informers then show.
import { fromLabelSelector, isEverything, matchesLabels, type Deployment, type ReplicaSet } from '../../api/index.js';
import type { PodInfo } from '../pod-info.js';
import { isControlledBy } from '../owner-refs.js';
import { calculateStatus, deploymentComplete, rolloutStatus, sameStatus } from './deployment-status.js';
import {
  byCreation,
  byRevision,
  desiredReplicasAnnotation,
  filterActive,
  isRollingUpdate,
  maxReplicasAnnotation,
  maxSurge,
  maxUnavailable,
  replicasOf,
  rsReplicas,
  sumAvailable,
  sumSpec,
  sumStatus,
} from './deployment-util.js';
import { SyncContext, newRSNewReplicas, type DeploymentAction } from './sync-context.js';

export { scalingMessage, type DeploymentAction } from './sync-context.js';

export interface DeploymentSyncInput {
  readonly deployment: Deployment;
  /** ReplicaSets of the namespace this deployment controls or could adopt (orphans). */
  readonly candidates: readonly ReplicaSet[];
  /** Pods by ReplicaSet uid (Recreate waits for old pods to be gone). */
  readonly podsByRS: ReadonlyMap<string, readonly Pick<PodInfo, 'phase'>[]>;
  readonly now: number;
}

export interface DeploymentSyncResult {
  readonly actions: readonly DeploymentAction[];
  /** Progress deadline or minReadySeconds: look again then even without events. */
  readonly requeueAfterMs: number | undefined;
}

export function syncDeployment(input: DeploymentSyncInput): DeploymentSyncResult {
  const d = input.deployment;
  const sel = fromLabelSelector(d.spec?.selector);
  // An invalid or empty selector would select every pod; upstream refuses to act on it.
  if (!sel.ok || isEverything(sel.value)) return { actions: [], requeueAfterMs: undefined };
  const claimActions: DeploymentAction[] = [];
  const owned: ReplicaSet[] = [];
  const uid = d.metadata.uid ?? '';
  const deleting = d.metadata.deletionTimestamp !== undefined;
  for (const rs of input.candidates) {
    const matches = matchesLabels(sel.value, rs.metadata.labels);
    if (isControlledBy(rs.metadata.ownerReferences, uid)) {
      if (matches || deleting) owned.push(rs);
      else claimActions.push({ type: 'releaseReplicaSet', rs });
    } else if (rs.metadata.ownerReferences?.some((r) => r.controller === true) !== true && matches && !deleting && rs.metadata.deletionTimestamp === undefined) {
      claimActions.push({ type: 'adoptReplicaSet', rs });
      owned.push(rs);
    }
  }
  const ctx = new SyncContext(d, owned, input.now);
  ctx.actions.push(...claimActions);

  let requeueAfterMs: number | undefined;
  if (deleting) {
    const { newRS, oldRSs } = ctx.syncRevision(false);
    writeStatus(ctx, calculateStatus(withNew(oldRSs, newRS), newRS, ctx.current, input.now));
  } else if (d.spec?.paused === true || isScalingEvent(ctx)) {
    scaleSync(ctx);
  } else if (isRollingUpdate(d)) {
    requeueAfterMs = rolloutRolling(ctx);
  } else {
    requeueAfterMs = rolloutRecreate(ctx, input.podsByRS);
  }
  // The revision annotation is a write to the deployment itself: it goes after the status
  // update, whose PUT carries the resourceVersion the annotation write would change.
  const actions = [...ctx.actions.filter((a) => a.type !== 'setRevision'), ...ctx.actions.filter((a) => a.type === 'setRevision').slice(-1)];
  return { actions, requeueAfterMs };
}

const withNew = (old: readonly ReplicaSet[], newRS: ReplicaSet | undefined): ReplicaSet[] => (newRS === undefined ? [...old] : [...old, newRS]);

function writeStatus(ctx: SyncContext, status: ReturnType<typeof calculateStatus>): void {
  if (!sameStatus(ctx.d.status, status)) ctx.actions.push({ type: 'updateStatus', status });
}

function finishRollout(ctx: SyncContext, newRS: ReplicaSet | undefined): number | undefined {
  const all = ctx.all;
  const r = rolloutStatus(all, newRS, ctx.current, ctx.now);
  writeStatus(ctx, r.status);
  return r.requeueAfterMs;
}

/** isScalingEvent: an active ReplicaSet was sized for a different replica count. */
function isScalingEvent(ctx: SyncContext): boolean {
  const { newRS, oldRSs } = ctx.syncRevision(false);
  const want = replicasOf(ctx.d);
  return filterActive(withNew(oldRSs, newRS)).some((rs) => {
    const desired = desiredReplicasAnnotation(rs);
    return desired !== undefined && desired !== want;
  });
}

/** sync(): scale (paused deployments and scaling events), clean up when paused, status. */
function scaleSync(ctx: SyncContext): void {
  const { newRS, oldRSs } = ctx.syncRevision(false);
  scale(ctx, newRS, oldRSs);
  if (ctx.d.spec?.paused === true) cleanup(ctx, oldRSs);
  writeStatus(ctx, calculateStatus(ctx.all, newRS, ctx.current, ctx.now));
}

function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (newRS === undefined && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort(byCreation).reverse();
  const active = filterActive(withNew(newestFirst, newRS));
  if (active.length === 0) return newRS ?? newestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}

function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (rs === undefined) return false;
  const want = replicasOf(d);
  return desiredReplicasAnnotation(rs) === want && rsReplicas(rs) === want && (rs.status?.availableReplicas ?? 0) === want;
}

/** scale(): proportional scaling of every active ReplicaSet (largest first) within surge. */
function scale(ctx: SyncContext, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): void {
  const d = ctx.d;
  const want = replicasOf(d);
  const single = findActiveOrLatest(newRS, oldRSs);
  if (single !== undefined) {
    ctx.scaleAndRecord(single, want);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of filterActive(oldRSs)) ctx.scaleAndRecord(old, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const all = filterActive(withNew(oldRSs, newRS));
  const allowed = want > 0 ? want + maxSurge(d) : 0;
  const toAdd = allowed - sumSpec(all);
  if (toAdd > 0) all.sort((a, b) => rsReplicas(b) - rsReplicas(a) || -byCreation(a, b));
  else if (toAdd < 0) all.sort((a, b) => rsReplicas(b) - rsReplicas(a) || byCreation(a, b));
  const sizes = new Map<ReplicaSet, number>();
  let added = 0;
  for (const rs of all) {
    if (toAdd === 0) {
      sizes.set(rs, rsReplicas(rs));
      continue;
    }
    const p = proportion(rs, ctx.current, toAdd, added);
    sizes.set(rs, rsReplicas(rs) + p);
    added += p;
  }
  const first = all[0];
  if (toAdd !== 0 && first !== undefined && toAdd - added !== 0) sizes.set(first, Math.max(0, (sizes.get(first) ?? 0) + toAdd - added));
  for (const rs of all) ctx.scale(rs, sizes.get(rs) ?? rsReplicas(rs));
}

/** GetProportion: this ReplicaSet's share of a resize, bounded by what is left to add. */
function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  const want = replicasOf(d);
  if (want === 0) return -rsReplicas(rs);
  const maxTotal = want + maxSurge(d);
  const annotated = maxReplicasAnnotation(rs) || (d.status?.replicas ?? 0);
  if (annotated === 0) return 0;
  const size = (rsReplicas(rs) * maxTotal) / annotated;
  // integer.RoundToInt32 is math.Round: halves away from zero.
  return Math.sign(size) * Math.round(Math.abs(size)) - rsReplicas(rs);
}

/** rolloutRolling: grow the new ReplicaSet within surge, shrink old ones within unavailability. */
function rolloutRolling(ctx: SyncContext): number | undefined {
  const { newRS, oldRSs } = ctx.syncRevision(true);
  const d = ctx.d;
  if (newRS === undefined) return finishRollout(ctx, newRS);
  // reconcileNewReplicaSet
  const want = replicasOf(d);
  let scaledUp = false;
  if (rsReplicas(newRS) !== want) {
    const to = rsReplicas(newRS) > want ? want : newRSNewReplicas(d, ctx.all, newRS);
    scaledUp = ctx.scaleAndRecord(newRS, to);
  }
  if (scaledUp) return finishRollout(ctx, newRS);
  if (reconcileOldReplicaSets(ctx, newRS, filterActive(oldRSs))) return finishRollout(ctx, newRS);
  if (deploymentComplete(d, d.status ?? {})) cleanup(ctx, oldRSs);
  return finishRollout(ctx, newRS);
}

function reconcileOldReplicaSets(ctx: SyncContext, newRS: ReplicaSet, oldActive: readonly ReplicaSet[]): boolean {
  const d = ctx.d;
  if (sumSpec(oldActive) === 0) return false;
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newUnavailable = rsReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = sumSpec(ctx.all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  // cleanupUnhealthyReplicas: old replicas that are not available go first, oldest ReplicaSet first.
  let cleaned = 0;
  for (const rs of [...oldActive].sort(byCreation)) {
    if (cleaned >= maxScaledDown) break;
    const unhealthy = rsReplicas(rs) - (rs.status?.availableReplicas ?? 0);
    if (rsReplicas(rs) === 0 || unhealthy <= 0) continue;
    const n = Math.min(maxScaledDown - cleaned, unhealthy);
    ctx.scaleAndRecord(rs, rsReplicas(rs) - n);
    cleaned += n;
  }
  // scaleDownOldReplicaSetsForRollingUpdate: then available old replicas, down to minAvailable.
  let scaled = 0;
  const available = sumAvailable(ctx.all);
  if (available > minAvailable) {
    const total = available - minAvailable;
    for (const rs of [...oldActive].sort(byCreation)) {
      if (scaled >= total) break;
      if (rsReplicas(rs) === 0) continue;
      const n = Math.min(rsReplicas(rs), total - scaled);
      ctx.scaleAndRecord(rs, rsReplicas(rs) - n);
      scaled += n;
    }
  }
  return cleaned + scaled > 0;
}

/** rolloutRecreate: all old pods gone first, then the new ReplicaSet at full size. */
function rolloutRecreate(ctx: SyncContext, podsByRS: DeploymentSyncInput['podsByRS']): number | undefined {
  let { newRS, oldRSs } = ctx.syncRevision(false);
  let scaledDown = false;
  for (const rs of filterActive(oldRSs)) scaledDown = ctx.scaleAndRecord(rs, 0) || scaledDown;
  if (scaledDown) return finishRollout(ctx, newRS);
  if (oldPodsRunning(newRS, oldRSs, podsByRS)) return finishRollout(ctx, newRS);
  if (newRS === undefined) ({ newRS, oldRSs } = ctx.syncRevision(true));
  if (newRS !== undefined) ctx.scaleAndRecord(newRS, replicasOf(ctx.d));
  if (deploymentComplete(ctx.d, ctx.d.status ?? {})) cleanup(ctx, oldRSs);
  return finishRollout(ctx, newRS);
}

function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], podsByRS: DeploymentSyncInput['podsByRS']): boolean {
  if (sumStatus(oldRSs) > 0) return true;
  for (const [rsUid, pods] of podsByRS) {
    if (newRS !== undefined && newRS.metadata.uid === rsUid) continue;
    if (pods.some((p) => p.phase !== 'Failed' && p.phase !== 'Succeeded')) return true;
  }
  return false;
}

/** cleanupDeployment: delete the oldest empty ReplicaSets beyond revisionHistoryLimit. */
function cleanup(ctx: SyncContext, oldRSs: readonly ReplicaSet[]): void {
  const limit = ctx.d.spec?.revisionHistoryLimit;
  if (limit === undefined) return;
  const alive = oldRSs.filter((rs) => rs.metadata.deletionTimestamp === undefined).sort(byRevision);
  const diff = alive.length - limit;
  for (let i = 0; i < diff; i++) {
    const rs = alive[i]!;
    if ((rs.status?.replicas ?? 0) !== 0 || rsReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    ctx.deleteRS(rs);
  }
}
