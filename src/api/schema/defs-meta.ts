// meta.k8s.io/v1 and apimachinery utility types every document references.
import type { GroupVersionKind, SchemaTable } from './openapi-types.js';
import {
  arr, bool, gvk, INTSTR, int32, int64, meta, obj, QUANTITY, RAW_EXTENSION, ref, str, stringMap, strings, typeMeta,
} from './schema-builders.js';

/**
 * Group-versions whose documents carry the shared option kinds (DeleteOptions, WatchEvent).
 * Upstream tags these kinds with every served group-version; so do we.
 */
export const SHARED_KIND_GROUP_VERSIONS: readonly (readonly [string, string])[] = [
  ['', 'v1'],
  ['apps', 'v1'],
  ['autoscaling', 'v1'],
  ['coordination.k8s.io', 'v1'],
  ['discovery.k8s.io', 'v1'],
  ['policy', 'v1'],
];

function sharedKind(kindName: string): GroupVersionKind[] {
  return SHARED_KIND_GROUP_VERSIONS.map(([g, v]) => gvk(g, v, kindName));
}

export const metaSchemas: SchemaTable = {
  [meta('Time')]: {
    type: 'string',
    format: 'date-time',
    description: 'A timestamp serialized as an RFC 3339 string in UTC with second precision, e.g. "2024-05-01T10:00:00Z".',
  },
  [meta('MicroTime')]: {
    type: 'string',
    format: 'date-time',
    description: 'A timestamp serialized as an RFC 3339 string in UTC with microsecond precision, e.g. "2024-05-01T10:00:00.123456Z".',
  },
  // v3 spells these two as oneOf (so kubectl explain names them); /openapi/v2 gets the
  // Swagger form {type: string, format: int-or-string} by conversion.
  [INTSTR]: {
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    format: 'int-or-string',
    'x-kubernetes-int-or-string': true,
    description: 'A value that is either an integer or a string: a port number or a named port, an absolute count or a percentage such as "25%".',
  },
  [QUANTITY]: {
    oneOf: [{ type: 'string' }, { type: 'number' }],
    description:
      'A fixed-point amount in Kubernetes\' canonical notation: a decimal number with an optional binary (Ki, Mi, Gi, Ti, Pi, Ei) or decimal (m, k, M, G, T, P, E) suffix, e.g. "100m", "1.5", "128Mi". Numbers are accepted on input.',
  },
  [RAW_EXTENSION]: {
    type: 'object',
    description: 'An embedded object of any kind, carried as raw JSON.',
  },
  [meta('FieldsV1')]: {
    type: 'object',
    description:
      'A set of fields as a JSON trie. Keys are "." for the field itself, "f:<name>" for a struct field or map key, "v:<json>" for a set element, "i:<index>" for a list position, and "k:<json keys>" for a list-map element.',
  },
  [meta('Patch')]: {
    type: 'object',
    description: 'The body of a PATCH request; its shape depends on the Content-Type (JSON patch, merge patch, strategic merge patch, apply configuration).',
  },
  [meta('ObjectMeta')]: obj('Metadata every persisted object carries, whether created by users or by the system.', {
    name: str('Name of the object, unique within its namespace (or the cluster for cluster-scoped kinds). Set on create and immutable afterwards.'),
    generateName: str('Prefix the server uses to generate a unique name when name is empty: a random suffix is appended. Only honoured on create.'),
    namespace: str('Namespace the object lives in; empty for cluster-scoped kinds. Must be a DNS label and is immutable.'),
    selfLink: str('Deprecated and never set by the server.'),
    uid: str('Unique identifier the server assigns on create; never reused across the lifetime of the cluster. Read-only.'),
    resourceVersion: str('Opaque version of this object, changed on every write. Used for optimistic concurrency on update and as a starting point for watches. Read-only.'),
    generation: int64('Sequence number of the desired state, incremented by the server whenever the spec changes. Read-only.'),
    creationTimestamp: ref(meta('Time'), 'When the server created the object. Read-only.'),
    deletionTimestamp: ref(meta('Time'), 'When the object will be (or was requested to be) deleted; set by the server when a graceful deletion or finalization starts. Read-only.'),
    deletionGracePeriodSeconds: int64('Seconds the object is given to terminate gracefully once deletionTimestamp is set. Read-only.'),
    labels: stringMap('Key/value pairs used to organize and select objects, e.g. by Service selectors and ReplicaSets.'),
    annotations: stringMap('Arbitrary non-identifying metadata stored with the object for tools and controllers.'),
    ownerReferences: arr(ref(meta('OwnerReference')), 'Objects this one depends on. When every owner is gone the garbage collector deletes this object. At most one owner may be the managing controller.', {
      mergeKey: 'uid',
      strategy: 'merge',
      listType: 'map',
      mapKeys: ['uid'],
    }),
    finalizers: strings('Names of pending cleanup steps. While any remain, deletion only sets deletionTimestamp; the object goes away once the list is empty.', {
      strategy: 'merge',
      listType: 'set',
    }),
    managedFields: arr(ref(meta('ManagedFieldsEntry')), 'Which manager owns which fields, maintained by the server for server-side apply.', { listType: 'atomic' }),
  }),
  [meta('OwnerReference')]: obj(
    'Identifies an owning object; the owner must be in the same namespace as the dependent, or cluster-scoped.',
    {
      apiVersion: str('API version of the owner.'),
      kind: str('Kind of the owner.'),
      name: str('Name of the owner.'),
      uid: str('UID of the owner.'),
      controller: bool('True if the owner is the managing controller of this object.'),
      blockOwnerDeletion: bool('If true, foreground deletion of the owner waits until this dependent is gone.'),
    },
    { required: ['apiVersion', 'kind', 'name', 'uid'], mapType: 'atomic' },
  ),
  [meta('ManagedFieldsEntry')]: obj('The set of fields one manager owns, and how it last wrote them.', {
    manager: str('Name of the workflow (field manager) that owns the fields.'),
    operation: str('Operation that produced this entry: "Apply" or "Update".'),
    apiVersion: str('API version the fields are expressed in.'),
    time: ref(meta('Time'), 'When the fields were last changed by this manager.'),
    fieldsType: str('Format of fieldsV1; the only value is "FieldsV1".'),
    fieldsV1: ref(meta('FieldsV1'), 'The owned fields.'),
    subresource: str('Subresource the write went through, empty for the main resource.'),
  }),
  [meta('ListMeta')]: obj('Metadata of a list response.', {
    selfLink: str('Deprecated and never set by the server.'),
    resourceVersion: str('Version of the collection at the time of the list; start a watch from here to see every later change.'),
    continue: str('Opaque token to fetch the next page when the list was limited; empty on the last page.'),
    remainingItemCount: int64('Approximate number of items after this page, when the server can tell.'),
  }),
  [meta('LabelSelector')]: obj(
    'A label query. The requirements of matchLabels and matchExpressions are ANDed; an empty selector matches everything, a null one nothing.',
    {
      matchLabels: stringMap('Exact key=value matches.'),
      matchExpressions: arr(ref(meta('LabelSelectorRequirement')), 'Set-based requirements.', { listType: 'atomic' }),
    },
    { mapType: 'atomic' },
  ),
  [meta('LabelSelectorRequirement')]: obj(
    'One set-based label requirement.',
    {
      key: str('Label key the requirement applies to.'),
      operator: str('One of In, NotIn, Exists, DoesNotExist.'),
      values: strings('Values for In and NotIn (non-empty); must be empty for Exists and DoesNotExist.', { listType: 'atomic' }),
    },
    { required: ['key', 'operator'] },
  ),
  [meta('Condition')]: obj(
    'One aspect of the current state of an object, in the standard condition shape.',
    {
      type: str('Condition type in CamelCase, e.g. "Available".'),
      status: str('One of True, False, Unknown.'),
      observedGeneration: int64('metadata.generation the condition was computed from.'),
      lastTransitionTime: ref(meta('Time'), 'When status last changed.'),
      reason: str('Machine-readable CamelCase reason for the last transition.'),
      message: str('Human-readable details about the transition.'),
    },
    { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
  ),
  [meta('Status')]: {
    ...obj('The result of an operation that does not return an object, and every error response.', {
      ...typeMeta,
      metadata: ref(meta('ListMeta'), 'Standard list metadata.'),
      status: str('"Success" or "Failure".'),
      message: str('Human-readable description of the outcome.'),
      reason: str('Machine-readable reason for a failure, e.g. NotFound, AlreadyExists, Invalid.'),
      details: ref(meta('StatusDetails'), 'Extra data about the failure, depending on reason.'),
      code: int32('HTTP status code of the response.'),
    }),
    'x-kubernetes-group-version-kind': [gvk('', 'v1', 'Status')],
  },
  [meta('StatusDetails')]: obj('Which object a failure concerns and, for invalid requests, which fields were wrong.', {
    name: str('Name of the object concerned.'),
    group: str('API group of the object.'),
    kind: str('Kind of the object.'),
    uid: str('UID of the object, when known.'),
    causes: arr(ref(meta('StatusCause')), 'Individual problems, e.g. one per invalid field.', { listType: 'atomic' }),
    retryAfterSeconds: int32('Suggested wait before retrying.'),
  }),
  [meta('StatusCause')]: obj('One cause of a failure.', {
    reason: str('Machine-readable cause, e.g. FieldValueInvalid.'),
    message: str('Human-readable description.'),
    field: str('Path of the field at fault, e.g. "spec.ports[0].port".'),
  }),
  [meta('Preconditions')]: obj('Conditions that must hold for a delete to proceed.', {
    resourceVersion: str('Required resourceVersion of the object.'),
    uid: str('Required UID of the object.'),
  }),
  [meta('DeleteOptions')]: {
    ...obj('Options for a DELETE request.', {
      ...typeMeta,
      dryRun: strings('If "All", the request is processed but nothing is persisted.', { listType: 'atomic' }),
      gracePeriodSeconds: int64('Seconds before the object is deleted; zero means immediately.'),
      ignoreStoreReadErrorWithClusterBreakingPotential: bool('Delete an object that cannot be read from storage. Dangerous.'),
      orphanDependents: bool('Deprecated: use propagationPolicy.'),
      preconditions: ref(meta('Preconditions'), 'Checked before the delete proceeds.'),
      propagationPolicy: str('How dependents are garbage collected: Orphan, Background or Foreground.'),
    }),
    'x-kubernetes-group-version-kind': sharedKind('DeleteOptions'),
  },
  [meta('WatchEvent')]: {
    ...obj(
      'One event of a watch stream.',
      {
        type: str('ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.'),
        object: ref(RAW_EXTENSION, 'The object after the change; for ERROR a Status; for BOOKMARK only its resourceVersion is meaningful.'),
      },
      { required: ['type', 'object'] },
    ),
    'x-kubernetes-group-version-kind': sharedKind('WatchEvent'),
  },
  ...discoverySchemas(),
};

/** The discovery kinds (/api, /apis, /apis/<g>/<v>) also have schemas in upstream documents. */
function discoverySchemas(): SchemaTable {
  const d = (kindName: string): GroupVersionKind[] => [gvk('', 'v1', kindName)];
  return {
    [meta('APIResource')]: obj(
      'A resource served by a group-version.',
      {
        name: str('Plural resource name, or "resource/subresource".'),
        singularName: str('Singular name of the resource, used by kubectl.'),
        namespaced: bool('Whether the resource lives in namespaces.'),
        group: str('Group of the kind, when it differs from the enclosing group (e.g. a scale subresource).'),
        version: str('Version of the kind, when it differs from the enclosing version.'),
        kind: str('Kind of the object the resource returns.'),
        verbs: strings('Verbs the resource supports: get, list, watch, create, update, patch, delete, deletecollection.'),
        shortNames: strings('Short aliases, e.g. "svc".', { listType: 'atomic' }),
        categories: strings('Groupings the resource belongs to, e.g. "all".', { listType: 'atomic' }),
        storageVersionHash: str('Hash of the storage version, for detecting storage migrations.'),
      },
      { required: ['name', 'singularName', 'namespaced', 'kind', 'verbs'] },
    ),
    [meta('APIResourceList')]: {
      ...obj(
        'The resources served by one group-version.',
        {
          ...typeMeta,
          groupVersion: str('The group-version, e.g. "apps/v1" or "v1".'),
          resources: arr(ref(meta('APIResource')), 'The resources.', { listType: 'atomic' }),
        },
        { required: ['groupVersion', 'resources'] },
      ),
      'x-kubernetes-group-version-kind': d('APIResourceList'),
    },
    [meta('GroupVersionForDiscovery')]: obj(
      'A version of a group.',
      { groupVersion: str('"group/version".'), version: str('The version alone.') },
      { required: ['groupVersion', 'version'] },
    ),
    [meta('ServerAddressByClientCIDR')]: obj(
      'Which server address clients in a CIDR should use.',
      { clientCIDR: str('CIDR of the clients.'), serverAddress: str('Address (host:port) those clients should use.') },
      { required: ['clientCIDR', 'serverAddress'] },
    ),
    [meta('APIGroup')]: {
      ...obj(
        'An API group and its versions.',
        {
          ...typeMeta,
          name: str('Name of the group.'),
          versions: arr(ref(meta('GroupVersionForDiscovery')), 'Versions served.', { listType: 'atomic' }),
          preferredVersion: ref(meta('GroupVersionForDiscovery'), 'Version clients should use.'),
          serverAddressByClientCIDRs: arr(ref(meta('ServerAddressByClientCIDR')), 'Server addresses by client CIDR.', { listType: 'atomic' }),
        },
        { required: ['name', 'versions'] },
      ),
      'x-kubernetes-group-version-kind': d('APIGroup'),
    },
    [meta('APIGroupList')]: {
      ...obj('Every API group served under /apis.', { ...typeMeta, groups: arr(ref(meta('APIGroup')), 'The groups.', { listType: 'atomic' }) }, { required: ['groups'] }),
      'x-kubernetes-group-version-kind': d('APIGroupList'),
    },
    [meta('APIVersions')]: {
      ...obj(
        'The versions of the legacy core group served under /api.',
        {
          ...typeMeta,
          versions: strings('Served versions.', { listType: 'atomic' }),
          serverAddressByClientCIDRs: arr(ref(meta('ServerAddressByClientCIDR')), 'Server addresses by client CIDR.', { listType: 'atomic' }),
        },
        { required: ['versions', 'serverAddressByClientCIDRs'] },
      ),
      'x-kubernetes-group-version-kind': d('APIVersions'),
    },
  };
}
