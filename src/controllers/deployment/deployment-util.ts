// Pure helpers of the deployment controller (k8s.io/kubernetes pkg/controller/deployment/util):
// revisions, replica annotations, surge/unavailability fenceposts, template equality.
import {
  ANNOTATION_DESIRED_REPLICAS,
  ANNOTATION_MAX_REPLICAS,
  ANNOTATION_REVISION,
  LABEL_POD_TEMPLATE_HASH,
  type Deployment,
  type PodTemplateSpec,
  type ReplicaSet,
} from '../../api/index.js';
import { scaledValue } from '../int-or-percent.js';
import { parseTime } from '../time.js';
import { canonicalJson } from '../canonical-json.js';

/** Deployment annotations that are never copied to its ReplicaSets. */
const SKIP_COPY = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  ANNOTATION_REVISION,
  'deployment.kubernetes.io/revision-history',
  ANNOTATION_DESIRED_REPLICAS,
  ANNOTATION_MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
]);

export const replicasOf = (x: Deployment | ReplicaSet): number => x.spec?.replicas ?? 1;
export const rsReplicas = (rs: ReplicaSet): number => rs.spec?.replicas ?? 0;

export function revisionOf(rs: ReplicaSet): number {
  const v = rs.metadata.annotations?.[ANNOTATION_REVISION];
  if (v === undefined) return 0;
  const n = Number(v);
  return Number.isInteger(n) ? n : 0;
}

export function maxRevision(rss: readonly ReplicaSet[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

function withoutHash(t: PodTemplateSpec | undefined): unknown {
  if (t === undefined) return {};
  const labels = { ...(t.metadata?.labels ?? {}) };
  delete labels[LABEL_POD_TEMPLATE_HASH];
  const metadata = { ...(t.metadata ?? {}), labels };
  if (Object.keys(labels).length === 0) delete (metadata as { labels?: unknown }).labels;
  return { ...t, metadata };
}

// Informer objects are never mutated, so a template's canonical form can be kept per object.
const canonCache = new WeakMap<object, string>();

function canonicalTemplate(t: PodTemplateSpec | undefined): string {
  if (t === undefined) return canonicalJson(withoutHash(t));
  let c = canonCache.get(t);
  if (c === undefined) canonCache.set(t, (c = canonicalJson(withoutHash(t))));
  return c;
}

/** EqualIgnoreHash: the templates are equal once the pod-template-hash label is ignored. */
export function templatesEqualIgnoringHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalTemplate(a) === canonicalTemplate(b);
}

const createdMs = (rs: ReplicaSet): number => parseTime(rs.metadata.creationTimestamp) ?? 0;

/** ReplicaSetsByCreationTimestamp: oldest first, ties by name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const d = createdMs(a) - createdMs(b);
  if (d !== 0) return d;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
}

/** ReplicaSetsByRevision: lowest revision first, ties by creation. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const d = revisionOf(a) - revisionOf(b);
  return d !== 0 ? d : byCreation(a, b);
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template matches the deployment's. */
export function findNewReplicaSet(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => templatesEqualIgnoringHash(rs.spec?.template, d.spec?.template));
}

export function filterActive(rss: readonly ReplicaSet[]): ReplicaSet[] {
  return rss.filter((rs) => rsReplicas(rs) > 0);
}

export const sumSpec = (rss: readonly ReplicaSet[]): number => rss.reduce((n, rs) => n + rsReplicas(rs), 0);
export const sumStatus = (rss: readonly ReplicaSet[]): number => rss.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
export const sumReady = (rss: readonly ReplicaSet[]): number => rss.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0);
export const sumAvailable = (rss: readonly ReplicaSet[]): number => rss.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);

export const isRollingUpdate = (d: Deployment): boolean => (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

/**
 * ResolveFenceposts: maxSurge rounds up, maxUnavailable rounds down; both zero would make no
 * progress, so maxUnavailable becomes 1. Example: 10 replicas, 25%/25% -> surge 3, unavailable 2.
 */
export function resolveFenceposts(d: Deployment): { surge: number; unavailable: number } {
  const ru = d.spec?.strategy?.rollingUpdate;
  const desired = replicasOf(d);
  const s = scaledValue(ru?.maxSurge ?? '25%', desired, true);
  const u = scaledValue(ru?.maxUnavailable ?? '25%', desired, false);
  const surge = s.ok ? s.value : 0;
  let unavailable = u.ok ? u.value : 0;
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).surge : 0;
}

export function maxUnavailable(d: Deployment): number {
  const desired = replicasOf(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, desired);
}

/** Annotations a ReplicaSet should carry for this deployment (copied ones plus replica counts). */
export function replicasAnnotations(d: Deployment): Record<string, string> {
  return {
    [ANNOTATION_DESIRED_REPLICAS]: String(replicasOf(d)),
    [ANNOTATION_MAX_REPLICAS]: String(replicasOf(d) + maxSurge(d)),
  };
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, d: Deployment): boolean {
  const want = replicasAnnotations(d);
  const have = rs.metadata.annotations ?? {};
  return Object.entries(want).some(([k, v]) => have[k] !== v);
}

/** Deployment annotations to copy onto its ReplicaSets (copyDeploymentAnnotationsToReplicaSet). */
export function copiedAnnotations(d: Deployment): Record<string, string> {
  return Object.fromEntries(Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !SKIP_COPY.has(k)));
}

export function desiredReplicasAnnotation(rs: ReplicaSet): number | undefined {
  const v = rs.metadata.annotations?.[ANNOTATION_DESIRED_REPLICAS];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

export function maxReplicasAnnotation(rs: ReplicaSet): number | undefined {
  const v = rs.metadata.annotations?.[ANNOTATION_MAX_REPLICAS];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}
