// Pod create/update/status/binding validation (pkg/apis/core/validation ValidatePodCreate,
// ValidatePodUpdate, ValidatePodStatusUpdate, ValidatePodBinding).
import type { Binding, Container, Pod, PodSpec } from '../types/index.js';
import { duplicate, forbidden, invalid, notSupported, required, type FieldError } from './field-error.js';
import { goLiteral, goQuote } from './go-value.js';
import { validateContainersOnlyForPod } from './container.js';
import { isDualStackIPs, isValidIP } from './ip.js';
import { inclusiveRangeError, isQualifiedName, nameIsDNSSubdomain } from './names.js';
import { jsonEqual, validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { fieldPath, type FieldPath } from './path.js';
import { validatePodSpec, validateTolerations } from './pod-spec.js';

const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];
const MAX_INT32 = 2147483647;

function validatePodMetadataAndSpec(pod: Pod): FieldError[] {
  const errs = validateObjectMeta(pod.metadata, { requiresNamespace: true, nameFn: nameIsDNSSubdomain }, fieldPath('metadata'));
  errs.push(...validatePodSpec(pod.spec, { resourceIsPod: true }, fieldPath('spec')));
  errs.push(...validateContainersOnlyForPod(pod.spec?.containers, fieldPath('spec', 'containers')));
  errs.push(...validateContainersOnlyForPod(pod.spec?.initContainers, fieldPath('spec', 'initContainers')));
  return errs;
}

function validatePodIPs(pod: Pod): FieldError[] {
  const errs: FieldError[] = [];
  const path = fieldPath('status', 'podIPs');
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip ?? '');
  ips.forEach((ip, i) => errs.push(...isValidIP(path.index(i), ip)));
  if (ips.length > 1) {
    if (!isDualStackIPs(ips) || ips.length > 2) {
      errs.push(invalid(path, goLiteral(`[]core.PodIP{${ips.map((ip) => `core.PodIP{IP:${goQuote(ip)}}`).join(', ')}}`), 'may specify no more than one IP for each IP family'));
    }
    const seen = new Set<string>();
    ips.forEach((ip, i) => {
      if (seen.has(ip)) errs.push(duplicate(path.index(i), goLiteral(`core.PodIP{IP:${goQuote(ip)}}`)));
      seen.add(ip);
    });
  }
  return errs;
}

function validateHostIPs(pod: Pod): FieldError[] {
  const hostIPs = (pod.status?.hostIPs ?? []).map((h) => h.ip ?? '');
  if (hostIPs.length === 0) return [];
  const errs: FieldError[] = [];
  const path = fieldPath('status', 'hostIPs');
  if ((pod.status?.hostIP ?? '') !== hostIPs[0]) errs.push(invalid(path.index(0).child('ip'), hostIPs[0] ?? '', 'must be equal to `hostIP`'));
  hostIPs.forEach((ip, i) => errs.push(...isValidIP(path.index(i), ip)));
  if (hostIPs.length > 1) {
    const seen = new Set<string>();
    hostIPs.forEach((ip, i) => {
      if (seen.has(ip)) errs.push(duplicate(path.index(i), goLiteral(`core.HostIP{IP:${goQuote(ip)}}`)));
      seen.add(ip);
    });
    if (!isDualStackIPs(hostIPs) || hostIPs.length > 2) {
      errs.push(invalid(path, goLiteral(`[]core.HostIP{${hostIPs.map((ip) => `core.HostIP{IP:${goQuote(ip)}}`).join(', ')}}`), 'may specify no more than one IP for each IP family'));
    }
  }
  return errs;
}

export function validatePod(pod: Pod): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  errs.push(...validatePodIPs(pod));
  errs.push(...validateHostIPs(pod));
  return errs;
}

function validateContainerUpdates(newC: readonly Container[], oldC: readonly Container[], path: FieldPath): { errs: FieldError[]; stop: boolean } {
  if (newC.length !== oldC.length) return { errs: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  newC.forEach((c, i) => {
    if ((c.image ?? '').length === 0) errs.push(required(path.index(i).child('image')));
  });
  return { errs, stop: false };
}

/**
 * A compact stand-in for upstream's cmp.Diff of the two specs: one "-"/"+" line per changed
 * JSON path. (Go's cmp output cannot be reproduced without Go's internal types.)
 */
function specDiff(oldSpec: unknown, newSpec: unknown, at = 'spec'): string[] {
  if (jsonEqual(oldSpec, newSpec)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(oldSpec) && isObj(newSpec)) {
    const keys = [...new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])].sort();
    return keys.flatMap((k) => specDiff(oldSpec[k], newSpec[k], `${at}.${k}`));
  }
  if (Array.isArray(oldSpec) && Array.isArray(newSpec) && oldSpec.length === newSpec.length) {
    return oldSpec.flatMap((v, i) => specDiff(v, newSpec[i], `${at}[${i}]`));
  }
  const out: string[] = [];
  if (oldSpec !== undefined) out.push(`- ${at}: ${JSON.stringify(oldSpec)}`);
  if (newSpec !== undefined) out.push(`+ ${at}: ${JSON.stringify(newSpec)}`);
  return out;
}

export function validatePodUpdate(pod: Pod, oldPod: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, oldPod.metadata, fieldPath('metadata'));
  errs.push(...validatePodMetadataAndSpec(pod));
  const specPath = fieldPath('spec');
  const ns: PodSpec = pod.spec ?? { containers: [] };
  const os: PodSpec = oldPod.spec ?? { containers: [] };
  for (const k of ['containers', 'initContainers'] as const) {
    const r = validateContainerUpdates(ns[k] ?? [], os[k] ?? [], specPath.child(k));
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const ads = ns.activeDeadlineSeconds;
  if (ads !== undefined) {
    if (ads < 0 || ads > MAX_INT32) {
      errs.push(invalid(specPath.child('activeDeadlineSeconds'), ads, inclusiveRangeError(0, MAX_INT32)));
      return errs;
    }
    if (os.activeDeadlineSeconds !== undefined && os.activeDeadlineSeconds < ads) {
      errs.push(invalid(specPath.child('activeDeadlineSeconds'), ads, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (os.activeDeadlineSeconds !== undefined) {
    errs.push(invalid(specPath.child('activeDeadlineSeconds'), null, 'must not update from a positive integer to nil value'));
  }
  // Only additions to tolerations (tolerationSeconds of existing ones may change).
  for (const old of os.tolerations ?? []) {
    const found = (ns.tolerations ?? []).some((t) => jsonEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) {
      errs.push(forbidden(specPath.child('tolerations'), 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  if (errs.every((e) => e.field !== 'spec.tolerations')) errs.push(...validateTolerations(ns.tolerations, specPath.child('tolerations')));
  if (jsonEqual(ns, os)) return errs;

  const munged: PodSpec = {
    ...ns,
    containers: (ns.containers ?? []).map((c, i) => ({ ...c, image: os.containers[i]?.image ?? '' })),
  };
  if (ns.initContainers !== undefined) munged.initContainers = ns.initContainers.map((c, i) => ({ ...c, image: os.initContainers?.[i]?.image ?? '' }));
  delete munged.activeDeadlineSeconds;
  if (os.activeDeadlineSeconds !== undefined) munged.activeDeadlineSeconds = os.activeDeadlineSeconds;
  delete munged.tolerations;
  if (os.tolerations !== undefined) munged.tolerations = os.tolerations;
  if ((os.terminationGracePeriodSeconds ?? 0) < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = os.terminationGracePeriodSeconds ?? 1;
  }
  const normalize = (s: PodSpec) => ({ ...s, containers: s.containers.map((c) => ({ ...c, image: c.image ?? '' })) });
  if (!jsonEqual(normalize(munged), normalize({ ...os, containers: os.containers ?? [] }))) {
    const diff = specDiff(os, munged).join('\n');
    errs.push(forbidden(specPath, `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${diff}`));
  }
  return errs;
}

const SYSTEM_POD_CONDITIONS = new Set(['PodScheduled', 'Ready', 'Initialized']);

export function validatePodStatusUpdate(pod: Pod, oldPod: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, oldPod.metadata, fieldPath('metadata'));
  (pod.status?.conditions ?? []).forEach((c, i) => {
    if (SYSTEM_POD_CONDITIONS.has(c.type)) return;
    // Upstream reports these under metadata.conditions[i].Type.
    errs.push(...isQualifiedName(c.type).map((m) => invalid(fieldPath('metadata', 'conditions').index(i).child('Type'), c.type, m)));
  });
  const statusPath = fieldPath('status');
  if ((pod.spec?.nodeName ?? '') !== (oldPod.spec?.nodeName ?? '')) errs.push(forbidden(statusPath.child('nodeName'), 'may not be changed directly'));
  const nnn = pod.status?.nominatedNodeName ?? '';
  if (nnn !== (oldPod.status?.nominatedNodeName ?? '') && nnn.length > 0) {
    errs.push(...nameIsDNSSubdomain(nnn, false).map((m) => invalid(statusPath.child('nominatedNodeName'), nnn, m)));
  }
  const oldQos = oldPod.status?.qosClass ?? '';
  errs.push(...validateImmutableField(pod.status?.qosClass ?? '', oldQos, pod.status?.qosClass ?? '', statusPath.child('qosClass')));
  errs.push(...validatePodIPs(pod));
  errs.push(...validateHostIPs(pod));
  return errs;
}

/** ValidatePodBinding (pods/binding subresource). */
export function validatePodBinding(b: Binding): FieldError[] {
  const errs: FieldError[] = [];
  const kind = b.target?.kind ?? '';
  if (kind.length !== 0 && kind !== 'Node') errs.push(notSupported(fieldPath('target', 'kind'), kind, ['Node', '<empty>']));
  if ((b.target?.name ?? '').length === 0) errs.push(required(fieldPath('target', 'name')));
  return errs;
}
