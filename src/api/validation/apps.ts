// apps/v1 Deployment and ReplicaSet validation (pkg/apis/apps/validation, plus the apps/v1
// selector immutability the registry strategies add).
import type { Deployment, DeploymentStrategy, LabelSelector, PodTemplateSpec, ReplicaSet } from '../types/index.js';
import { forbidden, invalid, notSupported, required, type FieldError } from './field-error.js';
import { goIntOrString, goLiteral, goQuote, goStringMap } from './go-value.js';
import { isValidPercent, nameIsDNSSubdomain } from './names.js';
import {
  goLabelSelector,
  validateImmutableField,
  validateLabelSelector,
  validateNonnegative,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './object-meta.js';
import { fieldPath, type FieldPath } from './path.js';
import { validatePodTemplateSpec } from './pod-spec.js';

/**
 * Does a label selector match these labels? (metav1.LabelSelectorAsSelector + Matches.)
 * Kept local to validation: the full selector grammar lives in ../selectors.
 */
export function selectorMatches(sel: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const r of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const val = labels[r.key];
    const values = r.values ?? [];
    switch (r.operator) {
      case 'In':
        if (!has || !values.includes(val ?? '')) return false;
        break;
      case 'NotIn':
        if (has && values.includes(val ?? '')) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function selectorIsEmpty(sel: LabelSelector): boolean {
  return Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0;
}

/** LabelSelectorAsSelector fails on unknown operators and on In/NotIn without values. */
function selectorConvertible(sel: LabelSelector): boolean {
  return (sel.matchExpressions ?? []).every((r) => {
    if (r.operator === 'In' || r.operator === 'NotIn') return (r.values ?? []).length > 0;
    if (r.operator === 'Exists' || r.operator === 'DoesNotExist') return (r.values ?? []).length === 0;
    return false;
  });
}

/**
 * `sel` undefined stands for a nil selector, which converts to labels.Nothing(): not empty and
 * matching nothing, so a missing selector also reports the template-labels mismatch.
 */
function validatePodTemplateSpecForReplicaSet(
  template: PodTemplateSpec | undefined,
  sel: LabelSelector | undefined,
  kindName: string,
  path: FieldPath,
): FieldError[] {
  if (template === undefined) return [required(path)];
  const errs: FieldError[] = [];
  const labels = template.metadata?.labels;
  const mismatch = sel === undefined ? true : !selectorIsEmpty(sel) && !selectorMatches(sel, labels ?? {});
  if (mismatch) {
    errs.push(invalid(path.child('metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, path));
  const rp = template.spec?.restartPolicy ?? '';
  if (rp !== 'Always') errs.push(notSupported(path.child('spec', 'restartPolicy'), rp, ['Always']));
  if (template.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(forbidden(path.child('spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kindName} is not Supported`));
  }
  return errs;
}

/** Shared by Deployment and ReplicaSet specs (both say "for deployment" upstream). */
function validateSelectorAndTemplate(
  sel: LabelSelector | undefined,
  template: PodTemplateSpec | undefined,
  templateKind: string,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  if (sel === undefined) {
    errs.push(required(path.child('selector')));
  } else {
    errs.push(...validateLabelSelector(sel, path.child('selector')));
    if (selectorIsEmpty(sel)) errs.push(invalid(path.child('selector'), goLabelSelector(sel), 'empty selector is invalid for deployment'));
  }
  if (sel !== undefined && !selectorConvertible(sel)) {
    errs.push(invalid(path.child('selector'), goLabelSelector(sel), 'invalid label selector'));
  } else {
    errs.push(...validatePodTemplateSpecForReplicaSet(template, sel, templateKind, path.child('template')));
  }
  return errs;
}

function getIntOrPercent(v: number | string | undefined): number {
  if (typeof v === 'string') return isValidPercent(v).length === 0 ? Number(v.slice(0, -1)) : 0;
  return v ?? 0;
}

function validatePositiveIntOrPercent(v: number | string | undefined, path: FieldPath): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalid(path, goIntOrString(v), m));
  return validateNonnegative(v ?? 0, path);
}

function validateDeploymentStrategy(s: DeploymentStrategy | undefined, path: FieldPath): FieldError[] {
  const type = s?.type ?? '';
  if (type === 'Recreate') {
    return s?.rollingUpdate !== undefined ? [forbidden(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : [];
  }
  if (type === 'RollingUpdate') {
    const ru = s?.rollingUpdate;
    if (ru === undefined) return [required(path.child('rollingUpdate'), 'this should be defaulted and never be nil')];
    const p = path.child('rollingUpdate');
    const errs = validatePositiveIntOrPercent(ru.maxUnavailable, p.child('maxUnavailable'));
    errs.push(...validatePositiveIntOrPercent(ru.maxSurge, p.child('maxSurge')));
    if (getIntOrPercent(ru.maxUnavailable) === 0 && getIntOrPercent(ru.maxSurge) === 0) {
      errs.push(invalid(p.child('maxUnavailable'), goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
    }
    if (typeof ru.maxUnavailable === 'string' && isValidPercent(ru.maxUnavailable).length === 0 && getIntOrPercent(ru.maxUnavailable) > 100) {
      errs.push(invalid(p.child('maxUnavailable'), goIntOrString(ru.maxUnavailable), 'must not be greater than 100%'));
    }
    return errs;
  }
  // Upstream passes the whole strategy struct as the bad value. %#v prints a nested non-nil
  // pointer as its address, which we cannot know; a fixed stand-in address is printed instead.
  const ruText = s?.rollingUpdate === undefined ? '(*apps.RollingUpdateDeployment)(nil)' : '(*apps.RollingUpdateDeployment)(0xc000010000)';
  return [notSupported(path, goLiteral(`apps.DeploymentStrategy{Type:${goQuote(type)}, RollingUpdate:${ruText}}`), ['Recreate', 'RollingUpdate'])];
}

export function validateDeployment(d: Deployment): FieldError[] {
  const errs = validateObjectMeta(d.metadata, { requiresNamespace: true, nameFn: nameIsDNSSubdomain }, fieldPath('metadata'));
  const spec = d.spec;
  const path = fieldPath('spec');
  errs.push(...validateNonnegative(spec?.replicas ?? 0, path.child('replicas')));
  errs.push(...validateSelectorAndTemplate(spec?.selector, spec?.template, 'ReplicaSet', path));
  errs.push(...validateDeploymentStrategy(spec?.strategy, path.child('strategy')));
  const minReady = spec?.minReadySeconds ?? 0;
  errs.push(...validateNonnegative(minReady, path.child('minReadySeconds')));
  if (spec?.revisionHistoryLimit !== undefined) errs.push(...validateNonnegative(spec.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  const pds = spec?.progressDeadlineSeconds;
  if (pds !== undefined) {
    errs.push(...validateNonnegative(pds, path.child('progressDeadlineSeconds')));
    if (pds <= minReady) errs.push(invalid(path.child('progressDeadlineSeconds'), pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

export function validateDeploymentUpdate(d: Deployment, old: Deployment): FieldError[] {
  const errs = validateObjectMetaUpdate(d.metadata, old.metadata, fieldPath('metadata'));
  // Update runs the spec rules only; metadata rules are the update flavour above.
  errs.push(...validateDeployment(d).filter((e) => !e.field.startsWith('metadata.')));
  errs.push(...selectorImmutable(d.spec?.selector, old.spec?.selector));
  return errs;
}

function selectorImmutable(sel: LabelSelector | undefined, oldSel: LabelSelector | undefined): FieldError[] {
  return validateImmutableField(sel, oldSel, sel === undefined ? null : goLabelSelector(sel), fieldPath('spec', 'selector'));
}

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  const errs = validateObjectMeta(rs.metadata, { requiresNamespace: true, nameFn: nameIsDNSSubdomain }, fieldPath('metadata'));
  const path = fieldPath('spec');
  errs.push(...validateNonnegative(rs.spec?.replicas ?? 0, path.child('replicas')));
  errs.push(...validateNonnegative(rs.spec?.minReadySeconds ?? 0, path.child('minReadySeconds')));
  errs.push(...validateSelectorAndTemplate(rs.spec?.selector, rs.spec?.template, 'ReplicaSet', path));
  return errs;
}

export function validateReplicaSetUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
  const errs = validateObjectMetaUpdate(rs.metadata, old.metadata, fieldPath('metadata'));
  errs.push(...validateReplicaSet(rs).filter((e) => !e.field.startsWith('metadata.')));
  errs.push(...selectorImmutable(rs.spec?.selector, old.spec?.selector));
  return errs;
}

function statusCounts(
  s: Record<string, number | undefined>,
  fields: readonly string[],
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of fields) errs.push(...validateNonnegative(s[f] ?? 0, path.child(f)));
  const replicas = s['replicas'] ?? 0;
  const msg = 'cannot be greater than status.replicas';
  for (const f of ['fullyLabeledReplicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas']) {
    if (fields.includes(f) && (s[f] ?? 0) > replicas) errs.push(invalid(path.child(f), s[f] ?? 0, msg));
  }
  if ((s['availableReplicas'] ?? 0) > (s['readyReplicas'] ?? 0)) {
    errs.push(invalid(path.child('availableReplicas'), s['availableReplicas'] ?? 0, 'cannot be greater than readyReplicas'));
  }
  return errs;
}

export function validateDeploymentStatusUpdate(d: Deployment, old: Deployment): FieldError[] {
  const errs = validateObjectMetaUpdate(d.metadata, old.metadata, fieldPath('metadata'));
  const s = d.status ?? {};
  const path = fieldPath('status');
  errs.push(
    ...statusCounts(
      { ...s } as Record<string, number | undefined>,
      ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount'],
      path,
    ),
  );
  const oc = old.status?.collisionCount;
  if (oc !== undefined && (s.collisionCount === undefined || s.collisionCount < oc)) {
    errs.push(invalid(path.child('collisionCount'), s.collisionCount ?? 0, 'cannot be decremented'));
  }
  return errs;
}

export function validateReplicaSetStatusUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
  const errs = validateObjectMetaUpdate(rs.metadata, old.metadata, fieldPath('metadata'));
  const s = rs.status ?? { replicas: 0 };
  errs.push(
    ...statusCounts(
      { ...s } as unknown as Record<string, number | undefined>,
      ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'],
      fieldPath('status'),
    ),
  );
  return errs;
}
