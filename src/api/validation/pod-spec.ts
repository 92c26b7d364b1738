// ValidatePodSpec and ValidatePodTemplateSpec (pkg/apis/core/validation), the parts svcnet's
// runtime and scheduler act on. Not checked (accepted as-is): affinity, topology spread,
// security contexts, resource quantities, overhead, os.
import type { PodSpec, PodTemplateSpec, Toleration } from '../types/index.js';
import { duplicate, forbidden, invalid, notSupported, required, type FieldError } from './field-error.js';
import { goStringSlice } from './go-value.js';
import { validateContainers, validateInitContainers } from './container.js';
import { isValidIP } from './ip.js';
import { inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, nameIsDNSSubdomain } from './names.js';
import { validateAnnotations, validateLabelName, validateLabels } from './object-meta.js';
import type { FieldPath } from './path.js';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const MAX_INT32 = 2147483647;
const VOLUME_SOURCES = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];

export interface PodSpecOptions {
  /** The spec belongs to a Pod (not a template inside a Deployment/ReplicaSet). */
  readonly resourceIsPod: boolean;
}

function validateVolumes(spec: PodSpec, path: FieldPath): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (spec.volumes ?? []).forEach((v, i) => {
    const p = path.index(i);
    const el: FieldError[] = [];
    const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);
    sources.slice(1).forEach((s) => el.push(forbidden(p.child(s), 'may not specify more than 1 volume type')));
    if (sources.length === 0) el.push(required(p, 'must specify a volume type'));
    const name = v.name ?? '';
    if (name.length === 0) el.push(required(p.child('name')));
    else el.push(...isDNS1123Label(name).map((m) => invalid(p.child('name'), name, m)));
    if (names.has(name)) el.push(duplicate(p.child('name'), name));
    if (el.length === 0) names.add(name);
    else errs.push(...el);
  });
  return { errs, names };
}

export function validateTolerations(tolerations: readonly Toleration[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = path.index(i);
    const key = t.key ?? '';
    const op = t.operator ?? '';
    const value = t.value ?? '';
    const effect = t.effect ?? '';
    if (key.length > 0) errs.push(...validateLabelName(key, p.child('key')));
    if (key.length === 0 && op !== 'Exists') {
      errs.push(invalid(p.child('operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && effect !== 'NoExecute') {
      errs.push(invalid(p.child('effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length > 0) errs.push(invalid(p.child('operator'), value, msgs.join(';')));
    } else if (op === 'Exists') {
      if (value.length > 0) errs.push(invalid(p.child('operator'), value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(p.child('operator'), op, ['Equal', 'Exists']));
    }
    if (effect.length > 0 && !TAINT_EFFECTS.includes(effect)) errs.push(notSupported(p.child('effect'), effect, TAINT_EFFECTS));
  });
  return errs;
}

function validateDNSConfig(spec: PodSpec, path: FieldPath): FieldError[] {
  const cfg = spec.dnsConfig;
  if (spec.dnsPolicy === 'None') {
    if (cfg === undefined) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if ((cfg.nameservers ?? []).length === 0) return [required(path.child('nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (cfg === undefined) return [];
  const errs: FieldError[] = [];
  const ns = cfg.nameservers ?? [];
  if (ns.length > 3) errs.push(invalid(path.child('nameservers'), goStringSlice(ns), 'must not have more than 3 nameservers'));
  ns.forEach((n, i) => errs.push(...isValidIP(path.child('nameservers').index(i), n)));
  const searches = cfg.searches ?? [];
  if (searches.length > 32) errs.push(invalid(path.child('searches'), goStringSlice(searches), 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048) {
    errs.push(invalid(path.child('searches'), goStringSlice(searches), 'must not have more than 2048 characters (including spaces) in the search list'));
  }
  searches.forEach((s, i) => {
    // RelaxedDNSSearchValidation is off by default in 1.32: strict subdomains.
    const t = s.replace(/\.$/, '');
    errs.push(...isDNS1123Subdomain(t).map((m) => invalid(path.child('searches').index(i), t, m)));
  });
  (cfg.options ?? []).forEach((o, i) => {
    if ((o.name ?? '').length === 0) errs.push(required(path.child('options').index(i), 'must not be empty'));
  });
  return errs;
}

export function validatePodSpec(spec: PodSpec | undefined, opts: PodSpecOptions, path: FieldPath): FieldError[] {
  const s: PodSpec = spec ?? { containers: [] };
  const errs: FieldError[] = [];
  if (s.terminationGracePeriodSeconds === undefined) errs.push(required(path.child('terminationGracePeriodSeconds')));
  const vols = validateVolumes(s, path.child('volumes'));
  errs.push(...vols.errs);
  errs.push(...validateContainers(s.containers, vols.names, path.child('containers')));
  errs.push(...validateInitContainers(s.initContainers, s.containers, vols.names, path.child('initContainers')));

  if (s.hostNetwork === true) {
    (s.containers ?? []).forEach((c, ci) => {
      (c.ports ?? []).forEach((port, pi) => {
        const hp = port.hostPort ?? 0;
        if ((opts.resourceIsPod || hp !== 0) && hp !== port.containerPort) {
          errs.push(invalid(path.child('containers').index(ci).child('ports').index(pi).child('hostPort'), hp, 'must match `containerPort` when `hostNetwork` is true'));
        }
      });
    });
  }

  const rp = s.restartPolicy ?? '';
  if (rp === '') errs.push(required(path.child('restartPolicy')));
  else if (!RESTART_POLICIES.includes(rp)) errs.push(notSupported(path.child('restartPolicy'), rp, RESTART_POLICIES));
  const dp = s.dnsPolicy ?? '';
  if (dp === '') errs.push(required(path.child('dnsPolicy')));
  else if (!DNS_POLICIES.includes(dp)) errs.push(notSupported(path.child('dnsPolicy'), dp, DNS_POLICIES));
  errs.push(...validateLabels(s.nodeSelector, path.child('nodeSelector')));
  (s.imagePullSecrets ?? []).forEach((ref, i) => {
    if (Object.keys(ref).some((k) => k !== 'name')) errs.push(invalid(path.child('imagePullSecrets').index(i), JSON.stringify(ref), 'only name may be set'));
  });
  errs.push(...validateDNSConfig(s, path.child('dnsConfig')));
  (s.readinessGates ?? []).forEach((g, i) => {
    const ct = g.conditionType ?? '';
    errs.push(...isQualifiedName(ct).map((m) => invalid(path.child('readinessGates').index(i).child('conditionType'), ct, m)));
  });
  for (const [field, value] of [
    ['serviceAccountName', s.serviceAccountName],
    ['nodeName', s.nodeName],
  ] as const) {
    if (value !== undefined && value.length > 0) errs.push(...nameIsDNSSubdomain(value, false).map((m) => invalid(path.child(field), value, m)));
  }
  const ads = s.activeDeadlineSeconds;
  if (ads !== undefined && (ads < 1 || ads > MAX_INT32)) errs.push(invalid(path.child('activeDeadlineSeconds'), ads, inclusiveRangeError(1, MAX_INT32)));
  for (const field of ['hostname', 'subdomain'] as const) {
    const v = s[field];
    if (v !== undefined && v.length > 0) errs.push(...isDNS1123Label(v).map((m) => invalid(path.child(field), v, m)));
  }
  errs.push(...validateTolerations(s.tolerations, path.child('tolerations')));
  (s.hostAliases ?? []).forEach((a, i) => {
    const p = path.child('hostAliases').index(i);
    errs.push(...isValidIP(p.child('ip'), a.ip ?? ''));
    (a.hostnames ?? []).forEach((h, j) => errs.push(...isDNS1123Subdomain(h).map((m) => invalid(p.child('hostnames').index(j), h, m))));
  });
  if (s.priorityClassName !== undefined && s.priorityClassName.length > 0) {
    const v = s.priorityClassName;
    errs.push(...nameIsDNSSubdomain(v, false).map((m) => invalid(path.child('priorityClassName'), v, m)));
  }
  if (s.runtimeClassName !== undefined) {
    const v = s.runtimeClassName;
    errs.push(...nameIsDNSSubdomain(v, false).map((m) => invalid(path.child('runtimeClassName'), v, m)));
  }
  if (s.preemptionPolicy !== undefined) {
    const v: string = s.preemptionPolicy;
    if (v === '') errs.push(required(path.child('preemptionPolicy')));
    else if (v !== 'PreemptLowerPriority' && v !== 'Never') errs.push(notSupported(path.child('preemptionPolicy'), v, ['PreemptLowerPriority', 'Never']));
  }
  return errs;
}

export function validatePodTemplateSpec(t: PodTemplateSpec | undefined, path: FieldPath): FieldError[] {
  const errs = validateLabels(t?.metadata?.labels, path.child('labels'));
  errs.push(...validateAnnotations(t?.metadata?.annotations, path.child('annotations')));
  errs.push(...validatePodSpec(t?.spec, { resourceIsPod: false }, path.child('spec')));
  return errs;
}
