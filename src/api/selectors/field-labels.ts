// Which field labels each resource supports, and the value each one reads from an object.
// Two upstream sources per resource, both transcribed here:
// - the field label conversion registered for the kind (pkg/apis/core/v1/conversion.go), which
//   decides what a request may use and phrases the rejection ("field label not supported: x");
//   kinds without one (apps/v1, discovery, coordination, CRDs, ...) fall back to
//   runtime.DefaultMetaV1FieldSelectorConversion, which only knows metadata.name/namespace;
// - the registry strategy's selectable fields (pkg/registry/core/*/strategy.go), which decide
//   what an object answers. A field accepted by the first but absent from the second reads "".
import { err, ok, type Result } from '../../core/index.js';
import type { Event, KubeObject, Namespace, Node, Pod, ReplicaSet, Service } from '../types/index.js';
import { goQuote } from './_go-format.js';
import {
  matchesFields,
  parseFieldSelector,
  transformFieldSelector,
  type FieldLabelConversion,
  type FieldSelectorError,
  type Fields,
  type ParsedFieldSelector,
} from './field-selector.js';

/** Only what the secrets strategy reads; the Secret type itself is not modelled in api/types yet. */
interface SecretLike extends KubeObject {
  type?: string;
}
interface ReplicationControllerLike extends KubeObject {
  status?: { replicas?: number };
}

interface FieldLabelSpec {
  /** Labels the kind's conversion accepts (metadata ones included where upstream lists them). */
  readonly accepted: readonly string[];
  /** Legacy spellings rewritten by the conversion. */
  readonly aliases?: Readonly<Record<string, string>>;
  readonly specific: (obj: KubeObject) => Record<string, string>;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const bool = (v: unknown): string => (v === true ? 'true' : 'false');

const SPECS: Readonly<Record<string, FieldLabelSpec>> = {
  pods: {
    accepted: [
      'metadata.name',
      'metadata.namespace',
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'spec.hostNetwork',
      'status.phase',
      'status.podIP',
      'status.podIPs', // accepted, but the strategy never sets it: it only matches "".
      'status.nominatedNodeName',
    ],
    aliases: { 'spec.host': 'spec.nodeName' }, // old v1 clients
    specific: (o) => {
      const p = o as Pod;
      return {
        'spec.nodeName': str(p.spec?.nodeName),
        'spec.restartPolicy': str(p.spec?.restartPolicy),
        'spec.schedulerName': str(p.spec?.schedulerName),
        'spec.serviceAccountName': str(p.spec?.serviceAccountName),
        'spec.hostNetwork': bool(p.spec?.hostNetwork),
        'status.phase': str(p.status?.phase),
        // Upstream reads PodIPs[0]; v1 clients may only have written the scalar.
        'status.podIP': str(p.status?.podIPs?.[0]?.ip ?? p.status?.podIP),
        'status.nominatedNodeName': str(p.status?.nominatedNodeName),
      };
    },
  },
  nodes: {
    accepted: ['metadata.name', 'spec.unschedulable'],
    specific: (o) => ({ 'spec.unschedulable': bool((o as Node).spec?.unschedulable) }),
  },
  replicationcontrollers: {
    accepted: ['metadata.name', 'metadata.namespace', 'status.replicas'],
    specific: (o) => ({ 'status.replicas': String((o as ReplicationControllerLike).status?.replicas ?? 0) }),
  },
  events: {
    accepted: [
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
      'metadata.namespace',
      'metadata.name',
    ],
    specific: (o) => {
      const e = o as Event;
      const io = e.involvedObject ?? {};
      const source = str(e.source?.component) || str(e.reportingComponent);
      return {
        'involvedObject.kind': str(io.kind),
        'involvedObject.namespace': str(io.namespace),
        'involvedObject.name': str(io.name),
        'involvedObject.uid': str(io.uid),
        'involvedObject.apiVersion': str(io.apiVersion),
        'involvedObject.resourceVersion': str(io.resourceVersion),
        'involvedObject.fieldPath': str(io.fieldPath),
        reason: str(e.reason),
        reportingComponent: str(e.reportingComponent),
        source,
        type: str(e.type),
      };
    },
  },
  namespaces: {
    accepted: ['status.phase', 'metadata.name'],
    specific: (o) => ({ 'status.phase': str((o as Namespace).status?.phase) }),
  },
  secrets: {
    accepted: ['type', 'metadata.namespace', 'metadata.name'],
    specific: (o) => ({ type: str((o as SecretLike).type) }),
  },
  services: {
    accepted: ['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type'],
    specific: (o) => {
      const s = o as Service;
      return { 'spec.clusterIP': str(s.spec?.clusterIP), 'spec.type': str(s.spec?.type) };
    },
  },
};

/**
 * Selectable fields beyond metadata for kinds whose conversion is the metav1 default: the
 * strategy exposes them, but a request cannot select on them (apps/v1 registers no conversion).
 */
const STRATEGY_ONLY: Readonly<Record<string, (obj: KubeObject) => Record<string, string>>> = {
  replicasets: (o) => ({ 'status.replicas': String((o as ReplicaSet).status?.replicas ?? 0) }),
};

/** Resources whose objects have no namespace: their field set lacks metadata.namespace. */
const CLUSTER_SCOPED = new Set([
  'nodes',
  'namespaces',
  'persistentvolumes',
  'componentstatuses',
  'customresourcedefinitions',
  'apiservices',
  'clusterroles',
  'clusterrolebindings',
  'storageclasses',
  'priorityclasses',
  'ingressclasses',
  'runtimeclasses',
  'certificatesigningrequests',
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
  'ipaddresses',
  'servicecidrs',
]);

/** runtime.DefaultMetaV1FieldSelectorConversion. */
const defaultConversion: FieldLabelConversion = (field, value) =>
  field === 'metadata.name' || field === 'metadata.namespace'
    ? ok({ field, value })
    : err(`${goQuote(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`);

/** The field label conversion kube-apiserver applies for `resource` (plural, lower case). */
export function fieldLabelConversion(resource: string): FieldLabelConversion {
  const spec = SPECS[resource];
  if (spec === undefined) return defaultConversion;
  return (field, value) => {
    const alias = spec.aliases?.[field];
    if (alias !== undefined) return ok({ field: alias, value });
    if (spec.accepted.includes(field)) return ok({ field, value });
    return err(`field label not supported: ${field}`);
  };
}

/**
 * The selectable field set of an object, as the registry's GetAttrs builds it:
 * metadata.name, metadata.namespace (namespaced kinds only) and the kind's own fields.
 */
export function fieldsOf(resource: string, obj: KubeObject): Record<string, string> {
  const fields = SPECS[resource]?.specific(obj) ?? STRATEGY_ONLY[resource]?.(obj) ?? {};
  fields['metadata.name'] = str(obj.metadata?.name);
  if (!CLUSTER_SCOPED.has(resource)) fields['metadata.namespace'] = str(obj.metadata?.namespace);
  return fields;
}

/** Rejects fields `resource` does not support and applies renames, as the list handler does. */
export function convertFieldSelector(resource: string, sel: ParsedFieldSelector): Result<ParsedFieldSelector, FieldSelectorError> {
  return transformFieldSelector(sel, fieldLabelConversion(resource));
}

/** Parse + convert in one step: what a `?fieldSelector=` query goes through. */
export function parseFieldSelectorFor(resource: string, selector: string): Result<ParsedFieldSelector, FieldSelectorError> {
  const parsed = parseFieldSelector(selector);
  return parsed.ok ? convertFieldSelector(resource, parsed.value) : parsed;
}

/** Whether `obj` (of `resource`) satisfies an already converted selector. */
export function objectMatchesFields(resource: string, sel: ParsedFieldSelector, obj: KubeObject): boolean {
  if (sel.terms.length === 0) return true;
  const fields: Fields = fieldsOf(resource, obj);
  return matchesFields(sel, fields);
}
