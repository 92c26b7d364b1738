// Resource addressing: {group, version, resource} -> URL paths, the way client-go's
// RESTClient builds them. The legacy core group lives under /api, every other under /apis.
import { RESOURCES, lookupByGVR, lookupForObject, type KubeObject } from '../api/index.js';

export interface ResourceRef {
  readonly group: string;
  readonly version: string;
  /** Plural, lower case ("pods", "endpointslices"). */
  readonly resource: string;
}

export interface PathParts {
  /** Omit (or undefined) for cluster-scoped resources and for lists across all namespaces. */
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  readonly subresource?: string | undefined;
}

/**
 * /api/v1/namespaces/NS/pods/NAME/status, /apis/discovery.k8s.io/v1/endpointslices, ...
 * Segments are percent-encoded so a bad name can never escape its path segment.
 */
export function resourcePath(ref: ResourceRef, parts: PathParts = {}): string {
  const seg = encodeURIComponent;
  let p = ref.group === '' ? `/api/${seg(ref.version)}` : `/apis/${seg(ref.group)}/${seg(ref.version)}`;
  if (parts.namespace !== undefined && parts.namespace !== '') p += `/namespaces/${seg(parts.namespace)}`;
  p += `/${seg(ref.resource)}`;
  if (parts.name !== undefined) {
    if (parts.name === '') throw new Error(`resource name may not be empty (${ref.resource})`);
    p += `/${seg(parts.name)}`;
    if (parts.subresource !== undefined) p += `/${seg(parts.subresource)}`;
  } else if (parts.subresource !== undefined) {
    throw new Error(`subresource ${parts.subresource} needs a name`);
  }
  return p;
}

function refOf(resource: string, group = ''): ResourceRef {
  const r = RESOURCES.find((x) => x.resource === resource && x.group === group);
  if (r === undefined) throw new Error(`resource ${resource}.${group} is not in the registry`);
  return { group: r.group, version: r.version, resource: r.resource };
}

/** The resources components use most, derived from the registry so versions stay in one place. */
export const Resources = {
  pods: refOf('pods'),
  services: refOf('services'),
  endpoints: refOf('endpoints'),
  nodes: refOf('nodes'),
  namespaces: refOf('namespaces'),
  events: refOf('events'),
  configmaps: refOf('configmaps'),
  endpointslices: refOf('endpointslices', 'discovery.k8s.io'),
  leases: refOf('leases', 'coordination.k8s.io'),
  deployments: refOf('deployments', 'apps'),
  replicasets: refOf('replicasets', 'apps'),
} as const satisfies Record<string, ResourceRef>;

/** The resource an object is served as (from its apiVersion/kind), or undefined if unknown. */
export function refForObject(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): ResourceRef | undefined {
  const r = lookupForObject(obj.apiVersion, obj.kind);
  return r === undefined ? undefined : { group: r.group, version: r.version, resource: r.resource };
}

/** Whether the registry knows the resource as namespaced (undefined for resources it does not know). */
export function isNamespaced(ref: ResourceRef): boolean | undefined {
  return lookupByGVR(ref.group, ref.version, ref.resource)?.namespaced;
}

export function refKey(ref: ResourceRef): string {
  return `${ref.group}/${ref.version}/${ref.resource}`;
}
