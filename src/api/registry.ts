// Every resource svcnet serves, as data. Discovery (/api, /apis, aggregated discovery),
// OpenAPI and request routing are derived from this table; nothing else should list
// resources by hand. Values follow kube-apiserver 1.32's discovery documents.
import { createHash } from 'node:crypto';

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export interface SubresourceInfo {
  /** e.g. "status", "scale", "log". */
  readonly name: string;
  /** Kind of the subresource's body; with group/version when it differs from the parent's. */
  readonly kind: string;
  readonly group?: string;
  readonly version?: string;
  readonly verbs: readonly Verb[];
}

export interface ResourceInfo {
  readonly group: string;
  readonly version: string;
  /** Plural, lower case: the URL path segment. */
  readonly resource: string;
  readonly singularName: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly Verb[];
  readonly subresources: readonly SubresourceInfo[];
}

const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS_VERBS: readonly Verb[] = ['get', 'patch', 'update'];

function res(r: Omit<ResourceInfo, 'listKind' | 'shortNames' | 'categories' | 'verbs' | 'subresources'> & Partial<ResourceInfo>): ResourceInfo {
  return {
    listKind: `${r.kind}List`,
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    subresources: [],
    ...r,
  };
}

export const RESOURCES: readonly ResourceInfo[] = [
  res({
    group: '', version: 'v1', resource: 'bindings', singularName: 'binding', kind: 'Binding', namespaced: true,
    verbs: ['create'],
  }),
  res({ group: '', version: 'v1', resource: 'configmaps', singularName: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] }),
  res({ group: '', version: 'v1', resource: 'endpoints', singularName: 'endpoints', kind: 'Endpoints', namespaced: true, shortNames: ['ep'] }),
  res({ group: '', version: 'v1', resource: 'events', singularName: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'] }),
  res({
    group: '', version: 'v1', resource: 'namespaces', singularName: 'namespace', kind: 'Namespace', namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [
      { name: 'finalize', kind: 'Namespace', verbs: ['update'] },
      { name: 'status', kind: 'Namespace', verbs: STATUS_VERBS },
    ],
  }),
  res({
    group: '', version: 'v1', resource: 'nodes', singularName: 'node', kind: 'Node', namespaced: false, shortNames: ['no'],
    subresources: [{ name: 'status', kind: 'Node', verbs: STATUS_VERBS }],
  }),
  res({
    group: '', version: 'v1', resource: 'pods', singularName: 'pod', kind: 'Pod', namespaced: true,
    shortNames: ['po'], categories: ['all'],
    subresources: [
      { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'status', kind: 'Pod', verbs: STATUS_VERBS },
    ],
  }),
  res({
    group: '', version: 'v1', resource: 'services', singularName: 'service', kind: 'Service', namespaced: true,
    shortNames: ['svc'], categories: ['all'],
    subresources: [{ name: 'status', kind: 'Service', verbs: STATUS_VERBS }],
  }),
  res({
    group: 'apps', version: 'v1', resource: 'deployments', singularName: 'deployment', kind: 'Deployment', namespaced: true,
    shortNames: ['deploy'], categories: ['all'],
    subresources: [
      { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: STATUS_VERBS },
      { name: 'status', kind: 'Deployment', verbs: STATUS_VERBS },
    ],
  }),
  res({
    group: 'apps', version: 'v1', resource: 'replicasets', singularName: 'replicaset', kind: 'ReplicaSet', namespaced: true,
    shortNames: ['rs'], categories: ['all'],
    subresources: [
      { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: STATUS_VERBS },
      { name: 'status', kind: 'ReplicaSet', verbs: STATUS_VERBS },
    ],
  }),
  res({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', singularName: 'lease', kind: 'Lease', namespaced: true }),
  res({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', singularName: 'endpointslice', kind: 'EndpointSlice', namespaced: true }),
  // Our own group (a built-in here, served like a CRD would be): address pools for lb-ipam.
  res({
    group: 'svcnet.io', version: 'v1alpha1', resource: 'loadbalancerippools', singularName: 'loadbalancerippool', kind: 'LoadBalancerIPPool',
    namespaced: false, shortNames: ['lbpool'],
    subresources: [{ name: 'status', kind: 'LoadBalancerIPPool', verbs: STATUS_VERBS }],
  }),
];

/** Group order as kube-apiserver lists them in /apis (legacy "" group first, served from /api; CRD-style groups last). */
export const GROUP_ORDER: readonly string[] = ['', 'apps', 'coordination.k8s.io', 'discovery.k8s.io', 'svcnet.io'];

export interface GroupVersion {
  readonly group: string;
  readonly version: string;
}

export function apiVersionOf(gv: GroupVersion): string {
  return gv.group === '' ? gv.version : `${gv.group}/${gv.version}`;
}

/** Splits "apps/v1" / "v1" into group and version. */
export function parseApiVersion(apiVersion: string): GroupVersion {
  const i = apiVersion.indexOf('/');
  return i === -1 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** Served group-versions in discovery order. */
export function groupVersions(): GroupVersion[] {
  const out: GroupVersion[] = [];
  for (const group of GROUP_ORDER) {
    for (const r of RESOURCES) {
      if (r.group === group && !out.some((g) => g.group === group && g.version === r.version)) out.push({ group, version: r.version });
    }
  }
  return out;
}

export function resourcesIn(group: string, version: string): ResourceInfo[] {
  return RESOURCES.filter((r) => r.group === group && r.version === version);
}

const byGVRIndex = new Map(RESOURCES.map((r) => [`${r.group}/${r.version}/${r.resource}`, r]));
const byGVKIndex = new Map(RESOURCES.filter((r) => r.kind !== 'Binding').map((r) => [`${r.group}/${r.version}/${r.kind}`, r]));

export function lookupByGVR(group: string, version: string, resource: string): ResourceInfo | undefined {
  return byGVRIndex.get(`${group}/${version}/${resource}`);
}

export function lookupByGVK(group: string, version: string, kind: string): ResourceInfo | undefined {
  return byGVKIndex.get(`${group}/${version}/${kind}`);
}

/** The resource an object with this apiVersion/kind is stored as. */
export function lookupForObject(apiVersion: string, kind: string): ResourceInfo | undefined {
  const gv = parseApiVersion(apiVersion);
  return lookupByGVK(gv.group, gv.version, kind);
}

export function lookupByShortName(shortName: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.shortNames.includes(shortName));
}

/**
 * Resolves what a user typed ("po", "pod", "pods", "Pod", "deployments.apps") the way kubectl's
 * RESTMapper does: plural, singular, short name or kind, optionally qualified by group.
 */
export function resolveResource(name: string): ResourceInfo | undefined {
  const dot = name.indexOf('.');
  const base = (dot === -1 ? name : name.slice(0, dot)).toLowerCase();
  const group = dot === -1 ? undefined : name.slice(dot + 1);
  return RESOURCES.find(
    (r) =>
      (group === undefined || r.group === group) &&
      (r.resource === base || r.singularName === base || r.shortNames.includes(base) || r.kind.toLowerCase() === base),
  );
}

export function findSubresource(r: ResourceInfo, name: string): SubresourceInfo | undefined {
  return r.subresources.find((s) => s.name === name);
}

/** storageVersionHash as published in discovery: base64 of the first 8 bytes of sha256("group/version/Kind"). */
export function storageVersionHash(r: ResourceInfo): string {
  return createHash('sha256').update(`${r.group}/${r.version}/${r.kind}`).digest().subarray(0, 8).toString('base64');
}

/** Resources in a category ("all" expands to these for kubectl get all). */
export function resourcesInCategory(category: string): ResourceInfo[] {
  return RESOURCES.filter((r) => r.categories.includes(category));
}
