// The slim Pod projection every controller shares (CONVENTIONS 2): one pod informer in the
// process feeds the replicaset, deployment, scheduler, endpointslice and garbage collector
// controllers, so the projection holds the union of what they read and nothing else.
// Derived values (controller uid, readiness and when it began) are computed once here.
import type { ContainerPort, OwnerReference, Pod, PodPhase, Protocol, Toleration } from '../api/index.js';
import { parseTime } from './time.js';

export interface PodPortInfo {
  readonly name: string | undefined;
  readonly containerPort: number;
  readonly protocol: Protocol;
}

export interface PodInfo {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly resourceVersion: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ownerReferences: readonly OwnerReference[];
  /** uid of the ownerReference with controller=true, '' when none. */
  readonly controllerUid: string;
  readonly finalizers: readonly string[];
  /** ms since the epoch; undefined when the pod is not being deleted. */
  readonly deletionMs: number | undefined;
  readonly createdMs: number;
  readonly nodeName: string;
  readonly schedulerName: string;
  readonly nodeSelector: Readonly<Record<string, string>> | undefined;
  readonly tolerations: readonly Toleration[];
  /** spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, kept opaque. */
  readonly requiredNodeAffinity: unknown;
  readonly preemptionPolicy: string | undefined;
  readonly phase: PodPhase;
  readonly ready: boolean;
  /** lastTransitionTime of the Ready condition (ms), when ready. */
  readonly readySinceMs: number | undefined;
  readonly podIPs: readonly string[];
  readonly hostname: string | undefined;
  readonly subdomain: string | undefined;
  readonly ports: readonly PodPortInfo[];
  readonly restartCount: number;
  /** The PodScheduled condition as last written (the scheduler avoids rewriting it). */
  readonly scheduledCondition: { readonly status: string; readonly reason: string; readonly message: string } | undefined;
}

export function controllerRefOf(refs: readonly OwnerReference[] | undefined): OwnerReference | undefined {
  return refs?.find((r) => r.controller === true);
}

function portsOf(pod: Pod): PodPortInfo[] {
  const out: PodPortInfo[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? ([] as ContainerPort[])) out.push({ name: p.name, containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' });
  }
  return out;
}

/** The projection; pure, and shared by function identity through the informer factory. */
export function projectPod(pod: Pod): PodInfo {
  const m = pod.metadata;
  const status = pod.status ?? {};
  const readyCond = status.conditions?.find((c) => c.type === 'Ready');
  const ready = readyCond?.status === 'True';
  const sched = status.conditions?.find((c) => c.type === 'PodScheduled');
  const ips = status.podIPs !== undefined && status.podIPs.length > 0 ? status.podIPs.map((p) => p.ip) : status.podIP !== undefined && status.podIP !== '' ? [status.podIP] : [];
  const affinity = pod.spec?.affinity as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: unknown } } | undefined;
  const namespace = m.namespace ?? '';
  const name = m.name ?? '';
  return {
    key: namespace === '' ? name : `${namespace}/${name}`,
    namespace,
    name,
    uid: m.uid ?? '',
    resourceVersion: m.resourceVersion ?? '',
    labels: m.labels ?? {},
    ownerReferences: m.ownerReferences ?? [],
    controllerUid: controllerRefOf(m.ownerReferences)?.uid ?? '',
    finalizers: m.finalizers ?? [],
    deletionMs: parseTime(m.deletionTimestamp),
    createdMs: parseTime(m.creationTimestamp) ?? 0,
    nodeName: pod.spec?.nodeName ?? '',
    schedulerName: pod.spec?.schedulerName ?? 'default-scheduler',
    nodeSelector: pod.spec?.nodeSelector,
    tolerations: pod.spec?.tolerations ?? [],
    requiredNodeAffinity: affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
    preemptionPolicy: pod.spec?.preemptionPolicy,
    phase: status.phase ?? 'Pending',
    ready,
    readySinceMs: ready ? parseTime(readyCond?.lastTransitionTime) : undefined,
    podIPs: ips,
    hostname: pod.spec?.hostname,
    subdomain: pod.spec?.subdomain,
    ports: portsOf(pod),
    restartCount: (status.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0),
    scheduledCondition: sched === undefined ? undefined : { status: sched.status, reason: sched.reason ?? '', message: sched.message ?? '' },
  };
}

/** Index names registered on the shared pod informer (first registration wins, so keep them here). */
export const POD_INDEX = {
  /** controller ownerReference uid */
  controller: 'controller',
  /** every ownerReference uid (garbage collector) */
  owner: 'owner',
  /** "namespace/key=value" for each label (selector lookups) */
  label: 'nsLabel',
  /** namespace of pods without a controller (adoption candidates) */
  orphan: 'orphanNs',
  uid: 'uid',
} as const;

export const podIndexers = {
  [POD_INDEX.controller]: (p: PodInfo) => (p.controllerUid === '' ? [] : [p.controllerUid]),
  [POD_INDEX.owner]: (p: PodInfo) => p.ownerReferences.map((r) => r.uid),
  [POD_INDEX.label]: (p: PodInfo) => Object.entries(p.labels).map(([k, v]) => `${p.namespace}/${k}=${v}`),
  [POD_INDEX.orphan]: (p: PodInfo) => (p.controllerUid === '' ? [p.namespace] : []),
  [POD_INDEX.uid]: (p: PodInfo) => [p.uid],
};

/** IsPodActive: not finished and not being deleted. */
export function isPodActive(p: PodInfo): boolean {
  return p.phase !== 'Succeeded' && p.phase !== 'Failed' && p.deletionMs === undefined;
}

/**
 * IsPodAvailable: ready for at least minReadySeconds. Upstream compares with
 * `lastTransitionTime + minReadySeconds < now` (second-precision timestamps).
 */
export function isPodAvailable(p: PodInfo, minReadySeconds: number, now: number): boolean {
  if (!p.ready) return false;
  if (minReadySeconds <= 0) return true;
  return p.readySinceMs !== undefined && p.readySinceMs + minReadySeconds * 1000 < now;
}

/** When a ready but not yet available pod becomes available (ms), undefined if never/already. */
export function availableAt(p: PodInfo, minReadySeconds: number, now: number): number | undefined {
  if (!p.ready || minReadySeconds <= 0 || p.readySinceMs === undefined) return undefined;
  const at = p.readySinceMs + minReadySeconds * 1000;
  return at >= now ? at + 1 : undefined;
}
