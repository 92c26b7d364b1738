// Namespace, ConfigMap, Node, Event and Lease validation (pkg/apis/core/validation,
// pkg/apis/coordination/validation).
import type { ConfigMap, Event, Lease, Namespace, Node } from '../types/index.js';
import { duplicate, forbidden, invalid, notSupported, required, tooLong, type FieldError } from './field-error.js';
import { goLiteral, goQuote, goStringSlice } from './go-value.js';
import { isDualStackIPs, isValidCIDR } from './ip.js';
import { byteLength, isConfigMapKey, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import {
  jsonEqual,
  validateKubeFinalizerName,
  validateLabelName,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './object-meta.js';
import { fieldPath } from './path.js';

/** core.MaxSecretSize, also the ConfigMap size limit. */
export const MAX_CONFIGMAP_SIZE = 1024 * 1024;

export function validateNamespace(ns: Namespace): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, { requiresNamespace: false, nameFn: nameIsDNSLabel }, fieldPath('metadata'));
  for (const f of ns.spec?.finalizers ?? []) {
    // Upstream reports spec finalizers at the list path, without an index.
    const p = fieldPath('spec', 'finalizers');
    errs.push(...isQualifiedName(f).map((m) => invalid(p, f, m)));
    errs.push(...validateKubeFinalizerName(f, p));
  }
  return errs;
}

export function validateNamespaceUpdate(ns: Namespace, old: Namespace): FieldError[] {
  return validateObjectMetaUpdate(ns.metadata, old.metadata, fieldPath('metadata'));
}

export function validateNamespaceStatusUpdate(ns: Namespace, old: Namespace): FieldError[] {
  const errs = validateObjectMetaUpdate(ns.metadata, old.metadata, fieldPath('metadata'));
  const phase = ns.status?.phase ?? '';
  const p = fieldPath('status', 'Phase');
  if (ns.metadata?.deletionTimestamp === undefined) {
    if (phase !== 'Active') errs.push(invalid(p, phase, "may only be 'Active' if `deletionTimestamp` is empty"));
  } else if (phase !== 'Terminating') {
    errs.push(invalid(p, phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  }
  return errs;
}

export function validateNamespaceFinalizeUpdate(ns: Namespace, old: Namespace): FieldError[] {
  const errs = validateObjectMetaUpdate(ns.metadata, old.metadata, fieldPath('metadata'));
  (ns.spec?.finalizers ?? []).forEach((f, i) => {
    const p = fieldPath('spec', 'finalizers').index(i);
    errs.push(...isQualifiedName(f).map((m) => invalid(p, f, m)));
    errs.push(...validateKubeFinalizerName(f, p));
  });
  return errs;
}

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, { requiresNamespace: true, nameFn: nameIsDNSSubdomain }, fieldPath('metadata'));
  let total = 0;
  for (const [k, v] of Object.entries(cm.data ?? {})) {
    const p = fieldPath('data').key(k);
    errs.push(...isConfigMapKey(k).map((m) => invalid(p, k, m)));
    if (cm.binaryData !== undefined && Object.prototype.hasOwnProperty.call(cm.binaryData, k)) {
      errs.push(invalid(p, k, 'duplicate of key present in binaryData'));
    }
    total += byteLength(v);
  }
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) {
    errs.push(...isConfigMapKey(k).map((m) => invalid(fieldPath('binaryData').key(k), k, m)));
    // binaryData is base64 on the wire; the limit applies to the decoded bytes.
    total += Buffer.from(v, 'base64').length;
  }
  if (total > MAX_CONFIGMAP_SIZE) errs.push(tooLong(fieldPath(''), MAX_CONFIGMAP_SIZE));
  return errs;
}

export function validateConfigMapUpdate(cm: ConfigMap, old: ConfigMap): FieldError[] {
  const errs = validateObjectMetaUpdate(cm.metadata, old.metadata, fieldPath('metadata'));
  if (old.immutable === true) {
    const msg = 'field is immutable when `immutable` is set';
    if (cm.immutable !== true) errs.push(forbidden(fieldPath('immutable'), msg));
    if (!jsonEqual(cm.data ?? {}, old.data ?? {})) errs.push(forbidden(fieldPath('data'), msg));
    if (!jsonEqual(cm.binaryData ?? {}, old.binaryData ?? {})) errs.push(forbidden(fieldPath('binaryData'), msg));
  }
  errs.push(...validateConfigMap(cm).filter((e) => !e.field.startsWith('metadata.')));
  return errs;
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validateNodeSpec(node: Node): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Map<string, Set<string>>();
  (node.spec?.taints ?? []).forEach((t, i) => {
    // Upstream validates spec taints under "metadata.taints" (sic).
    const p = fieldPath('metadata', 'taints').index(i);
    errs.push(...validateLabelName(t.key ?? '', p.child('key')));
    const msgs = isValidLabelValue(t.value ?? '');
    if (msgs.length > 0) errs.push(invalid(p.child('value'), t.value ?? '', msgs.join(';')));
    const effect: string = t.effect ?? '';
    if (effect === '') errs.push(required(p.child('effect')));
    else if (!TAINT_EFFECTS.includes(effect)) errs.push(notSupported(p.child('effect'), effect, TAINT_EFFECTS));
    const keys = seen.get(effect) ?? new Set<string>();
    if (keys.has(t.key ?? '')) {
      const timeAdded = t.timeAdded === undefined ? '<nil>' : t.timeAdded;
      errs.push({
        ...duplicate(p, goLiteral(`core.Taint{Key:${goQuote(t.key ?? '')}, Value:${goQuote(t.value ?? '')}, Effect:${goQuote(effect)}, TimeAdded:${timeAdded}}`)),
        detail: 'taints must be unique by key and effect pair',
      });
      return;
    }
    keys.add(t.key ?? '');
    seen.set(effect, keys);
  });
  const cidrs = node.spec?.podCIDRs ?? [];
  if (cidrs.length > 0) {
    const p = fieldPath('spec', 'podCIDRs');
    cidrs.forEach((c, i) => errs.push(...isValidCIDR(p.index(i), c)));
    if (cidrs.length > 1) {
      const heads = cidrs.map((c) => c.split('/')[0] ?? '');
      if (!isDualStackIPs(heads) || cidrs.length > 2) errs.push(invalid(p, goStringSlice(cidrs), 'may specify no more than one CIDR for each IP family'));
      const s = new Set<string>();
      cidrs.forEach((c, i) => {
        if (s.has(c)) errs.push(duplicate(p.index(i), c));
        s.add(c);
      });
    }
  }
  return errs;
}

export function validateNode(node: Node): FieldError[] {
  const errs = validateObjectMeta(node.metadata, { requiresNamespace: false, nameFn: nameIsDNSSubdomain }, fieldPath('metadata'));
  errs.push(...validateNodeSpec(node));
  return errs;
}

export function validateNodeUpdate(node: Node, old: Node): FieldError[] {
  const errs = validateObjectMetaUpdate(node.metadata, old.metadata, fieldPath('metadata'));
  const seen = new Set<string>();
  (node.status?.addresses ?? []).forEach((a, i) => {
    const key = `${a.type}/${a.address}`;
    if (seen.has(key)) {
      errs.push(duplicate(fieldPath('status', 'addresses').index(i), goLiteral(`core.NodeAddress{Type:${goQuote(a.type)}, Address:${goQuote(a.address)}}`)));
    }
    seen.add(key);
  });
  const oldCidrs = old.spec?.podCIDRs ?? [];
  const newCidrs = node.spec?.podCIDRs ?? [];
  const cidrMsg = 'node updates may not change podCIDR except from "" to valid';
  if (oldCidrs.length > 0) {
    if (oldCidrs.length !== newCidrs.length) errs.push(forbidden(fieldPath('spec', 'podCIDRs'), cidrMsg));
    else oldCidrs.forEach((c, i) => c !== newCidrs[i] && errs.push(forbidden(fieldPath('spec', 'podCIDRs'), cidrMsg)));
  }
  const oldPid = old.spec?.providerID ?? '';
  if (oldPid.length > 0 && oldPid !== (node.spec?.providerID ?? '')) {
    errs.push(forbidden(fieldPath('spec', 'providerID'), 'node updates may not change providerID except from "" to valid'));
  }
  errs.push(...validateNodeSpec({ ...node, spec: { ...node.spec, podCIDRs: [] } }));
  return errs;
}

const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

/** core/v1 Events get only upstream's legacy validation (no ObjectMeta rules). */
export function validateEvent(ev: Event): FieldError[] {
  const errs: FieldError[] = [];
  const ns = ev.metadata?.namespace ?? '';
  const involvedNs = ev.involvedObject?.namespace ?? '';
  const nsPath = fieldPath('involvedObject', 'namespace');
  const hasEventTime = ev.eventTime !== undefined && ev.eventTime !== null && ev.eventTime !== '';
  if (!hasEventTime) {
    if (involvedNs.length === 0) {
      if (ns !== '' && ns !== 'default') errs.push(invalid(nsPath, involvedNs, 'does not match event.namespace'));
    } else if (ns !== involvedNs) errs.push(invalid(nsPath, involvedNs, 'does not match event.namespace'));
  } else {
    if (involvedNs.length === 0 && ns !== 'default' && ns !== 'kube-system') errs.push(invalid(nsPath, involvedNs, 'does not match event.namespace'));
    const rc = ev.reportingComponent ?? '';
    if (rc.length === 0) errs.push(required(fieldPath('reportingController')));
    errs.push(...isQualifiedName(rc).map((m) => invalid(fieldPath('reportingController'), rc, m)));
    const ri = ev.reportingInstance ?? '';
    if (ri.length === 0) errs.push(required(fieldPath('reportingInstance')));
    if (byteLength(ri) > REPORTING_INSTANCE_LIMIT) errs.push(invalid(fieldPath('reportingInstance'), '', `can have at most ${REPORTING_INSTANCE_LIMIT} characters`));
    const action = ev.action ?? '';
    if (action.length === 0) errs.push(required(fieldPath('action')));
    if (byteLength(action) > ACTION_LIMIT) errs.push(invalid(fieldPath('action'), '', `can have at most ${ACTION_LIMIT} characters`));
    const reason = ev.reason ?? '';
    if (reason.length === 0) errs.push(required(fieldPath('reason')));
    if (byteLength(reason) > REASON_LIMIT) errs.push(invalid(fieldPath('reason'), '', `can have at most ${REASON_LIMIT} characters`));
    if (byteLength(ev.message ?? '') > NOTE_LIMIT) errs.push(invalid(fieldPath('message'), '', `can have at most ${NOTE_LIMIT} characters`));
  }
  errs.push(...isDNS1123Subdomain(ns).map((m) => invalid(fieldPath('namespace'), ns, m)));
  return errs;
}

export function validateLease(lease: Lease): FieldError[] {
  const errs = validateObjectMeta(lease.metadata, { requiresNamespace: true, nameFn: nameIsDNSSubdomain }, fieldPath('metadata'));
  const d = lease.spec?.leaseDurationSeconds;
  if (d !== undefined && d <= 0) errs.push(invalid(fieldPath('spec', 'leaseDurationSeconds'), d, 'must be greater than 0'));
  const t = lease.spec?.leaseTransitions;
  if (t !== undefined && t < 0) errs.push(invalid(fieldPath('spec', 'leaseTransitions'), t, 'must be greater than or equal to 0'));
  return errs;
}

export function validateLeaseUpdate(lease: Lease, old: Lease): FieldError[] {
  const errs = validateObjectMetaUpdate(lease.metadata, old.metadata, fieldPath('metadata'));
  errs.push(...validateLease(lease).filter((e) => !e.field.startsWith('metadata.')));
  return errs;
}
