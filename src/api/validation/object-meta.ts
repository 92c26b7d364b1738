// ObjectMeta, labels, annotations, label selectors and immutable-field checks
// (k8s.io/apimachinery pkg/api/validation/objectmeta.go and pkg/apis/meta/v1/validation, v0.32.0;
// plus the finalizer check core validation adds).
import type { LabelSelector, LabelSelectorRequirement, ObjectMeta, OwnerReference } from '../types/index.js';
import { forbidden, invalid, required, tooLong, type FieldError } from './field-error.js';
import { goLiteral, goQuote, goStringMap, goStringSlice, type GoValue } from './go-value.js';
import {
  byteLength,
  FIELD_IMMUTABLE_ERROR_MSG,
  IS_NEGATIVE_ERROR_MSG,
  isQualifiedName,
  isValidLabelValue,
  nameIsDNSLabel,
  type NameValidator,
} from './names.js';
import type { FieldPath } from './path.js';

export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

export function validateNonnegative(value: number, path: FieldPath): FieldError[] {
  return value < 0 ? [invalid(path, value, IS_NEGATIVE_ERROR_MSG)] : [];
}

export function validateLabelName(name: string, path: FieldPath): FieldError[] {
  return isQualifiedName(name).map((m) => invalid(path, name, m));
}

/** Labels are reported at the map's path (not per key), as upstream does. */
export function validateLabels(labels: Readonly<Record<string, string>> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path));
    errs.push(...isValidLabelValue(v).map((m) => invalid(path, v, m)));
  }
  return errs;
}

export function validateAnnotations(annotations: Readonly<Record<string, string>> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    // Annotation keys are qualified names, case-insensitively.
    errs.push(...isQualifiedName(k.toLowerCase()).map((m) => invalid(path, k, m)));
    total += byteLength(k) + byteLength(v);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
  return errs;
}

export function validateLabelSelectorRequirement(r: LabelSelectorRequirement, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      errs.push(invalid(path.child('operator'), String(r.operator ?? ''), 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(r.key ?? '', path.child('key')));
  values.forEach((v, i) => errs.push(...isValidLabelValue(v).map((m) => invalid(path.child('values').index(i), v, m))));
  return errs;
}

export function validateLabelSelector(sel: LabelSelector | undefined, path: FieldPath): FieldError[] {
  if (sel === undefined) return [];
  const errs = validateLabels(sel.matchLabels, path.child('matchLabels'));
  (sel.matchExpressions ?? []).forEach((r, i) => errs.push(...validateLabelSelectorRequirement(r, path.child('matchExpressions').index(i))));
  return errs;
}

/** %#v of a dereferenced metav1.LabelSelector (its String() has a pointer receiver, so Go uses %#v). */
export function goLabelSelector(sel: LabelSelector): GoValue {
  const exprs =
    sel.matchExpressions === undefined
      ? '[]v1.LabelSelectorRequirement(nil)'
      : `[]v1.LabelSelectorRequirement{${sel.matchExpressions
          .map(
            (r) =>
              `v1.LabelSelectorRequirement{Key:${goQuote(r.key)}, Operator:${goQuote(r.operator)}, Values:${goStringSlice(r.values).goLiteral}}`,
          )
          .join(', ')}}`;
  return goLiteral(`v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels).goLiteral}, MatchExpressions:${exprs}}`);
}

function goOwnerReference(r: OwnerReference): GoValue {
  const b = (v: boolean | undefined) => (v === undefined ? '(*bool)(nil)' : `(*bool)(${v})`);
  return goLiteral(
    `v1.OwnerReference{APIVersion:${goQuote(r.apiVersion ?? '')}, Kind:${goQuote(r.kind ?? '')}, Name:${goQuote(r.name ?? '')}, UID:${goQuote(r.uid ?? '')}, Controller:${b(r.controller)}, BlockOwnerDeletion:${b(r.blockOwnerDeletion)}}`,
  );
}

export function validateOwnerReferences(refs: readonly OwnerReference[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    const apiVersion = ref.apiVersion ?? '';
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    if (version.length === 0) errs.push(invalid(path.child('apiVersion'), apiVersion, 'version must not be empty'));
    if ((ref.kind ?? '').length === 0) errs.push(invalid(path.child('kind'), ref.kind ?? '', 'kind must not be empty'));
    if ((ref.name ?? '').length === 0) errs.push(invalid(path.child('name'), ref.name ?? '', 'name must not be empty'));
    if ((ref.uid ?? '').length === 0) errs.push(invalid(path.child('uid'), ref.uid ?? '', 'uid must not be empty'));
    if (group === '' && version === 'v1' && ref.kind === 'Event') {
      errs.push(invalid(path, goOwnerReference(ref), '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (ref.controller === true) {
      const cur = `${ref.kind}/${ref.name}`;
      if (firstController !== '') {
        errs.push(
          invalid(
            path,
            goLiteral(`[]v1.OwnerReference{${(refs ?? []).map((r) => (goOwnerReference(r) as { goLiteral: string }).goLiteral).join(', ')}}`),
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`,
          ),
        );
      } else firstController = cur;
    }
  }
  return errs;
}

// Finalizers core validation accepts without a "/" (helper.IsStandardFinalizerName).
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** apimachinery's ValidateFinalizers: qualified names, reported at the list's path. */
function validateFinalizers(finalizers: readonly string[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers ?? []) errs.push(...isQualifiedName(f).map((m) => invalid(path, f, m)));
  const list = finalizers ?? [];
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(invalid(path, goStringSlice([...list]), 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** Core's extra check: a finalizer without "/" must be a standard one. Reported at finalizers[i]. */
export function validateKubeFinalizerName(f: string, path: FieldPath): FieldError[] {
  if (!f.includes('/') && !STANDARD_FINALIZERS.has(f)) {
    return [invalid(path, f, 'name is neither a standard finalizer name nor is it fully qualified')];
  }
  return [];
}

export interface ObjectMetaOptions {
  readonly requiresNamespace: boolean;
  readonly nameFn: NameValidator;
}

/** ValidateObjectMeta (core flavour: includes the finalizer-name check). */
export function validateObjectMeta(meta: ObjectMeta | undefined, opts: ObjectMetaOptions, path: FieldPath): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  const generateName = m.generateName ?? '';
  const name = m.name ?? '';
  if (generateName.length > 0) {
    errs.push(...opts.nameFn(generateName, true).map((msg) => invalid(path.child('generateName'), generateName, msg)));
  }
  if (name.length === 0) errs.push(required(path.child('name'), 'name or generateName is required'));
  else errs.push(...opts.nameFn(name, false).map((msg) => invalid(path.child('name'), name, msg)));
  const ns = m.namespace ?? '';
  if (opts.requiresNamespace) {
    if (ns.length === 0) errs.push(required(path.child('namespace')));
    else errs.push(...nameIsDNSLabel(ns, false).map((msg) => invalid(path.child('namespace'), ns, msg)));
  } else if (ns.length > 0) {
    errs.push(forbidden(path.child('namespace'), 'not allowed on this type'));
  }
  errs.push(...validateNonnegative(m.generation ?? 0, path.child('generation')));
  errs.push(...validateLabels(m.labels, path.child('labels')));
  errs.push(...validateAnnotations(m.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, path.child('finalizers')));
  errs.push(...validateManagedFields(m, path.child('managedFields')));
  (m.finalizers ?? []).forEach((f, i) => errs.push(...validateKubeFinalizerName(f, path.child('finalizers').index(i))));
  return errs;
}

function validateManagedFields(m: ObjectMeta, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (m.managedFields ?? []).forEach((f, i) => {
    const p = path.index(i);
    if (f.operation !== 'Apply' && f.operation !== 'Update') {
      errs.push(invalid(p.child('operation'), String(f.operation ?? ''), 'must be `Apply` or `Update`'));
    }
    if (f.fieldsType !== undefined && f.fieldsType !== 'FieldsV1') {
      errs.push(invalid(p.child('fieldsType'), f.fieldsType, 'must be `FieldsV1`'));
    }
  });
  return errs;
}

/** Deep equality on JSON values (apiequality.Semantic.DeepEqual for our purposes). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => jsonEqual(ao[k], bo[k]));
}

export function validateImmutableField(newVal: unknown, oldVal: unknown, shown: GoValue, path: FieldPath): FieldError[] {
  return jsonEqual(newVal, oldVal) ? [] : [invalid(path, shown, FIELD_IMMUTABLE_ERROR_MSG)];
}

/** ValidateObjectMetaUpdate (core flavour). */
export function validateObjectMetaUpdate(newMeta: ObjectMeta | undefined, oldMeta: ObjectMeta | undefined, path: FieldPath): FieldError[] {
  const n = newMeta ?? {};
  const o = oldMeta ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp !== undefined) {
    const extra = [...new Set(n.finalizers ?? [])].filter((f) => !(o.finalizers ?? []).includes(f)).sort();
    if (extra.length > 0) {
      errs.push(
        forbidden(
          path.child('finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra).goLiteral}`,
        ),
      );
    }
  }
  if ((n.resourceVersion ?? '').length === 0) {
    errs.push(invalid(path.child('resourceVersion'), n.resourceVersion ?? '', 'must be specified for an update'));
  }
  if ((n.generation ?? 0) < (o.generation ?? 0)) errs.push(invalid(path.child('generation'), n.generation ?? 0, 'must not be decremented'));
  errs.push(...validateImmutableField(n.name ?? '', o.name ?? '', n.name ?? '', path.child('name')));
  errs.push(...validateImmutableField(n.namespace ?? '', o.namespace ?? '', n.namespace ?? '', path.child('namespace')));
  errs.push(...validateImmutableField(n.uid ?? '', o.uid ?? '', n.uid ?? '', path.child('uid')));
  errs.push(...validateImmutableField(n.creationTimestamp, o.creationTimestamp, goTime(n.creationTimestamp), path.child('creationTimestamp')));
  errs.push(...validateImmutableField(n.deletionTimestamp, o.deletionTimestamp, goTimePtr(n.deletionTimestamp), path.child('deletionTimestamp')));
  errs.push(
    ...validateImmutableField(
      n.deletionGracePeriodSeconds,
      o.deletionGracePeriodSeconds,
      n.deletionGracePeriodSeconds ?? null,
      path.child('deletionGracePeriodSeconds'),
    ),
  );
  errs.push(...validateLabels(n.labels, path.child('labels')));
  errs.push(...validateAnnotations(n.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(n.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateManagedFields(n, path.child('managedFields')));
  (n.finalizers ?? []).forEach((f, i) => errs.push(...validateKubeFinalizerName(f, path.child('finalizers').index(i))));
  return errs;
}

// metav1.Time embeds time.Time, whose String() Go uses: "2024-05-01 10:00:00 +0000 UTC".
function goTime(t: string | undefined): GoValue {
  if (t === undefined) return goLiteral('0001-01-01 00:00:00 +0000 UTC');
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return t;
  const iso = d.toISOString();
  return goLiteral(`${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`);
}

function goTimePtr(t: string | undefined): GoValue {
  return t === undefined ? null : goTime(t);
}

