// Pod defaulting as kube-apiserver applies it on create: scheme defaults
// (pkg/apis/core/v1/defaults.go + generated defaults) and the admission plugins that always
// run (Priority, DefaultTolerationSeconds, ServiceAccount's name default).
import type { Container, Pod, PodQOSClass, PodSpec, Probe, Toleration } from '../types/index.js';
import { TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE } from '../types/index.js';
import { defaultPullPolicy } from './image.js';
import { quantityValue } from './quantity.js';

export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const DEFAULT_TOLERATION_SECONDS = 300;
const DEFAULT_VOLUME_MODE = 420; // 0644

function defaultProbe(p: Probe | undefined): void {
  if (p === undefined) return;
  p.timeoutSeconds ||= 1;
  p.periodSeconds ||= 10;
  p.successThreshold ||= 1;
  p.failureThreshold ||= 3;
  if (p.httpGet !== undefined) {
    p.httpGet.path ||= '/';
    p.httpGet.scheme ||= 'HTTP';
  }
}

function defaultContainer(c: Container): void {
  c.imagePullPolicy ||= defaultPullPolicy(c.image);
  c.terminationMessagePath ||= '/dev/termination-log';
  c.terminationMessagePolicy ||= 'File';
  // Go always serialises the (non-pointer) resources struct.
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ||= 'TCP';
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef !== undefined) e.valueFrom.fieldRef.apiVersion ||= 'v1';
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  for (const h of [c.lifecycle?.postStart, c.lifecycle?.preStop]) {
    if (h?.httpGet !== undefined) {
      h.httpGet.path ||= '/';
      h.httpGet.scheme ||= 'HTTP';
    }
  }
}

/** SetDefaults_PodSpec and everything nested (applies to templates too). Mutates. */
export function defaultPodSpec(spec: PodSpec): void {
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  spec.schedulerName ||= DEFAULT_SCHEDULER_NAME;
  spec.containers ??= [];
  for (const c of spec.containers) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) {
    const hasSource = Object.keys(v).some((k) => k !== 'name' && v[k] !== undefined);
    if (!hasSource) v.emptyDir = {};
    if (v.configMap !== undefined) v.configMap.defaultMode ??= DEFAULT_VOLUME_MODE;
    if (v.secret !== undefined) v.secret.defaultMode ??= DEFAULT_VOLUME_MODE;
  }
}

function defaultRequestsFromLimits(c: Container): void {
  const limits = c.resources?.limits;
  if (limits === undefined) return;
  const requests = { ...(c.resources?.requests ?? {}) };
  for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
  c.resources = { ...c.resources, requests };
}

/** Tolerations DefaultTolerationSeconds admission adds unless the pod already tolerates the taint. */
function defaultTolerations(spec: PodSpec): void {
  const tolerates = (key: string) =>
    (spec.tolerations ?? []).some((t) => (t.key === key || (t.key ?? '') === '') && (t.effect === 'NoExecute' || (t.effect ?? '') === ''));
  const add: Toleration[] = [];
  for (const key of [TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE]) {
    if (!tolerates(key)) add.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
  }
  if (add.length > 0) spec.tolerations = [...(spec.tolerations ?? []), ...add];
}

/** Built-in priority classes (scheduling.k8s.io system classes). */
const SYSTEM_PRIORITIES: Record<string, number> = {
  'system-cluster-critical': 2000000000,
  'system-node-critical': 2000001000,
};

export interface PodDefaultOptions {
  /** Also apply the always-on admission defaults (priority, tolerations, service account). Default true. */
  readonly admission?: boolean;
}

/** Full create-time defaulting of a Pod. Mutates. */
export function defaultPod(pod: Pod, opts: PodDefaultOptions = {}): void {
  pod.spec ??= { containers: [] };
  const spec = pod.spec;
  defaultPodSpec(spec);
  for (const c of spec.containers) defaultRequestsFromLimits(c);
  for (const c of spec.initContainers ?? []) defaultRequestsFromLimits(c);
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork === true) {
    for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
      for (const p of c.ports ?? []) if ((p.hostPort ?? 0) === 0) p.hostPort = p.containerPort;
    }
  }
  if (opts.admission !== false) {
    const cls = spec.priorityClassName ?? '';
    spec.priority ??= SYSTEM_PRIORITIES[cls] ?? 0;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
    defaultTolerations(spec);
    // ServiceAccount admission; the v1 conversion mirrors it into the deprecated field.
    spec.serviceAccountName ||= spec.serviceAccount || 'default';
    spec.serviceAccount = spec.serviceAccountName;
  }
}

/** qos.GetPodQOS over cpu and memory of regular and init containers. */
export function computePodQOS(spec: PodSpec): PodQOSClass {
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  const requests: Record<string, number> = {};
  const limits: Record<string, number> = {};
  let isGuaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      const rv = quantityValue(req[r]);
      if (!Number.isNaN(rv) && rv !== 0) requests[r] = (requests[r] ?? 0) + rv;
      const lv = quantityValue(lim[r]);
      if (!Number.isNaN(lv) && lv !== 0) limits[r] = (limits[r] ?? 0) + lv;
    }
    const hasBothLimits = ['cpu', 'memory'].every((r) => {
      const v = quantityValue(lim[r]);
      return !Number.isNaN(v) && v !== 0;
    });
    if (!hasBothLimits) isGuaranteed = false;
  }
  if (Object.keys(requests).length === 0 && Object.keys(limits).length === 0) return 'BestEffort';
  if (isGuaranteed) {
    for (const r of ['cpu', 'memory']) if (requests[r] !== limits[r]) isGuaranteed = false;
  }
  return isGuaranteed ? 'Guaranteed' : 'Burstable';
}
