// The schema table both strategic merge patch and server-side apply read: for a kind and a field
// path, how a list merges (SMP patchStrategy/patchMergeKey, SSA listType/listMapKey) and whether
// a map is atomic for SSA. Facts come from the Go struct tags in k8s.io/api (core/v1, apps/v1,
// discovery/v1) and k8s.io/apimachinery meta/v1.
//
// Anything not in the table follows Kubernetes' behaviour for fields without tags: lists are
// replaced whole (SMP) / atomic (SSA), maps merge key by key. To grow the table, add the field
// to the struct that holds it below (or a new kind to KINDS) with the tags from types.go:
//   `patchStrategy:"merge" patchMergeKey:"name"` + `+listType=map +listMapKey=name`
//     -> keyedList('name')
//   `patchStrategy:"merge"` on []string + `+listType=set` -> SET_LIST
//   `+listType=atomic` / no tags on a list -> leave it out (that is the default)
//   `+mapType=atomic` / `+structType=atomic` -> ATOMIC_MAP
import type { Json } from './json.js';

export type SmpListStrategy =
  | { readonly strategy: 'merge'; readonly mergeKey?: string; readonly retainKeys?: boolean }
  | { readonly strategy: 'replace' };

export type SsaListType =
  | { readonly type: 'map'; readonly keys: readonly string[]; readonly keyDefaults?: Readonly<Record<string, Json>> }
  | { readonly type: 'set' }
  | { readonly type: 'atomic' };

export interface ListSchema {
  readonly kind: 'list';
  readonly smp: SmpListStrategy;
  readonly ssa: SsaListType;
  readonly items?: SchemaNode;
}

export interface MapSchema {
  readonly kind: 'map';
  /** Named fields (Go struct fields) with a non-default schema. */
  readonly fields?: Readonly<Record<string, SchemaNode>>;
  /** SSA: the map is one value (`+mapType=atomic`, `+structType=atomic`). SMP still merges it. */
  readonly atomic?: boolean;
  /** SMP `patchStrategy:"retainKeys"`; informational, `$retainKeys` directives work anywhere. */
  readonly retainKeys?: boolean;
}

export type SchemaNode = ListSchema | MapSchema;

// ---- builders --------------------------------------------------------------------------------

const struct = (fields: Record<string, SchemaNode>, extra: { retainKeys?: boolean } = {}): MapSchema => ({ kind: 'map', fields, ...extra });

export const ATOMIC_MAP: MapSchema = { kind: 'map', atomic: true };
export const SET_LIST: ListSchema = { kind: 'list', smp: { strategy: 'merge' }, ssa: { type: 'set' } };

interface KeyedListOptions {
  /** SSA list-map keys when they differ from the SMP merge key. */
  readonly keys?: readonly string[];
  readonly keyDefaults?: Readonly<Record<string, Json>>;
  readonly retainKeys?: boolean;
  readonly items?: SchemaNode;
  /** SSA treats the list as atomic even though SMP merges it (e.g. PodStatus.hostIPs). */
  readonly ssaAtomic?: boolean;
}

function keyedList(mergeKey: string, o: KeyedListOptions = {}): ListSchema {
  const ssa: SsaListType = o.ssaAtomic
    ? { type: 'atomic' }
    : { type: 'map', keys: o.keys ?? [mergeKey], ...(o.keyDefaults ? { keyDefaults: o.keyDefaults } : {}) };
  return {
    kind: 'list',
    smp: { strategy: 'merge', mergeKey, ...(o.retainKeys ? { retainKeys: true } : {}) },
    ssa,
    ...(o.items ? { items: o.items } : {}),
  };
}

// ---- shared structs --------------------------------------------------------------------------

const conditions = keyedList('type');

/** metav1.ObjectMeta. */
const objectMeta = struct({
  finalizers: SET_LIST,
  // OwnerReference is +structType=atomic: SSA owns each reference as a whole.
  ownerReferences: keyedList('uid', { items: ATOMIC_MAP }),
});

/** core/v1 Container (also used for initContainers and ephemeralContainers). */
const container = struct({
  ports: keyedList('containerPort', { keys: ['containerPort', 'protocol'], keyDefaults: { protocol: 'TCP' } }),
  env: keyedList('name'),
  volumeMounts: keyedList('mountPath'),
  volumeDevices: keyedList('devicePath'),
});

/** core/v1 PodSpec. tolerations, readinessGates, args, command: untagged/atomic -> replaced. */
const podSpec = struct({
  volumes: keyedList('name', { retainKeys: true }),
  initContainers: keyedList('name', { items: container }),
  containers: keyedList('name', { items: container }),
  ephemeralContainers: keyedList('name', { items: container }),
  imagePullSecrets: keyedList('name'),
  hostAliases: keyedList('ip'),
  nodeSelector: ATOMIC_MAP,
  topologySpreadConstraints: keyedList('topologyKey', { keys: ['topologyKey', 'whenUnsatisfiable'] }),
  schedulingGates: keyedList('name'),
  resourceClaims: keyedList('name', { retainKeys: true }),
});

const podStatus = struct({
  conditions,
  podIPs: keyedList('ip'),
  hostIPs: keyedList('ip', { ssaAtomic: true }),
});

const podTemplateSpec = struct({ metadata: objectMeta, spec: podSpec });

/** Workload controllers: LabelSelector is +structType=atomic; template is a pod template. */
const workloadSpec = (extra: Record<string, SchemaNode> = {}) => struct({ selector: ATOMIC_MAP, template: podTemplateSpec, ...extra });
const withConditions = struct({ conditions });

// ---- kinds -----------------------------------------------------------------------------------

type KindFields = Record<string, SchemaNode>;

const KINDS: Record<string, KindFields> = {
  'v1/Pod': { spec: podSpec, status: podStatus },
  'v1/PodTemplate': { template: podTemplateSpec },
  'v1/ReplicationController': {
    spec: struct({ selector: ATOMIC_MAP, template: podTemplateSpec }),
    status: withConditions,
  },
  'v1/Service': {
    spec: struct({
      ports: keyedList('port', { keys: ['port', 'protocol'], keyDefaults: { protocol: 'TCP' } }),
      selector: ATOMIC_MAP,
    }),
    status: struct({ conditions }),
  },
  // Endpoints.subsets and EndpointSlice.endpoints/ports are atomic lists: the defaults.
  'v1/Endpoints': {},
  'discovery.k8s.io/v1/EndpointSlice': {},
  'v1/Node': {
    spec: struct({ podCIDRs: SET_LIST }),
    status: struct({ conditions, addresses: keyedList('type') }),
  },
  'v1/Namespace': { status: withConditions },
  'v1/ServiceAccount': { secrets: keyedList('name') },
  'apps/v1/Deployment': {
    spec: workloadSpec({ strategy: struct({}, { retainKeys: true }) }),
    status: withConditions,
  },
  'apps/v1/ReplicaSet': { spec: workloadSpec(), status: withConditions },
  'apps/v1/StatefulSet': { spec: workloadSpec(), status: withConditions },
  'apps/v1/DaemonSet': { spec: workloadSpec(), status: withConditions },
};

const rootCache = new Map<string, MapSchema>();

/** Schema of a whole object of this kind; unknown kinds get only the ObjectMeta rules. */
export function schemaFor(apiVersion: string, kind: string): MapSchema {
  const id = `${apiVersion}/${kind}`;
  let root = rootCache.get(id);
  if (root === undefined) {
    root = struct({ metadata: objectMeta, ...(KINDS[id] ?? {}) });
    rootCache.set(id, root);
  }
  return root;
}

/** Whether the table has entries for this kind (strategic merge patch needs them). */
export function isKnownKind(apiVersion: string, kind: string): boolean {
  return Object.prototype.hasOwnProperty.call(KINDS, `${apiVersion}/${kind}`);
}

/** Schema of a map's field, or undefined when it has no special rules. */
export function fieldSchema(parent: SchemaNode | undefined, field: string): SchemaNode | undefined {
  if (parent === undefined || parent.kind !== 'map' || parent.fields === undefined) return undefined;
  return Object.prototype.hasOwnProperty.call(parent.fields, field) ? parent.fields[field] : undefined;
}

/** Schema of a list's items. */
export function itemSchema(list: SchemaNode | undefined): SchemaNode | undefined {
  return list !== undefined && list.kind === 'list' ? list.items : undefined;
}
