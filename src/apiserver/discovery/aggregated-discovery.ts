// Aggregated discovery (apidiscovery.k8s.io/v2, and v2beta1 for 1.26-1.29 clients): every
// group, version and resource in one response to GET /api or GET /apis, served only when
// the Accept header asks for it. kubectl 1.32 asks with
//   application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,
//   application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json
// and the response Content-Type must echo the chosen variant.
import { parseMediaRanges } from '../negotiate.js';
import type { DiscoveryInput, ResourceInfo } from './discovery-input.js';
import { orderedGroups, resourcesOf, sortedSubresources, versionsOf } from './discovery-input.js';

export type AggregatedVersion = 'v2' | 'v2beta1';

export type DiscoveryFormat =
  | { readonly kind: 'aggregated'; readonly version: AggregatedVersion; readonly contentType: string }
  | { readonly kind: 'legacy' }
  /** Nothing acceptable (only protobuf or unknown types were offered): answer 406. */
  | { readonly kind: 'not-acceptable' };

export function aggregatedContentType(version: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/** Picks the discovery representation for GET /api and GET /apis from an Accept header. */
export function negotiateDiscovery(accept: string | undefined): DiscoveryFormat {
  for (const m of parseMediaRanges(accept)) {
    const jsonish = m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*';
    if (!jsonish) continue;
    if (m.params['as'] === undefined) return { kind: 'legacy' };
    const v = m.params['v'];
    if (m.params['as'] === 'APIGroupDiscoveryList' && m.params['g'] === 'apidiscovery.k8s.io' && (v === 'v2' || v === 'v2beta1')) {
      return { kind: 'aggregated', version: v, contentType: aggregatedContentType(v) };
    }
  }
  return { kind: 'not-acceptable' };
}

export interface GroupVersionKindRef {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface APISubresourceDiscovery {
  readonly subresource: string;
  readonly responseKind: GroupVersionKindRef;
  readonly verbs: readonly string[];
}

export interface APIResourceDiscovery {
  readonly resource: string;
  readonly responseKind: GroupVersionKindRef;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly singularResource: string;
  readonly verbs: readonly string[];
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly subresources?: readonly APISubresourceDiscovery[];
}

export interface APIVersionDiscovery {
  readonly version: string;
  readonly resources: readonly APIResourceDiscovery[];
  readonly freshness: 'Current' | 'Stale';
}

export interface APIGroupDiscovery {
  readonly metadata: { readonly name?: string; readonly creationTimestamp: null };
  readonly versions: readonly APIVersionDiscovery[];
}

export interface APIGroupDiscoveryList {
  readonly kind: 'APIGroupDiscoveryList';
  readonly apiVersion: string;
  readonly metadata: Record<string, never>;
  readonly items: readonly APIGroupDiscovery[];
}

function resourceDiscovery(r: ResourceInfo): APIResourceDiscovery {
  const subs = sortedSubresources(r).map(
    (s): APISubresourceDiscovery => ({
      subresource: s.name,
      responseKind: { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind },
      verbs: [...s.verbs].sort(),
    }),
  );
  return {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singularName,
    verbs: [...r.verbs].sort(),
    ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length > 0 ? { categories: r.categories } : {}),
    ...(subs.length > 0 ? { subresources: subs } : {}),
  };
}

function groupDiscovery(input: DiscoveryInput, group: string): APIGroupDiscovery {
  return {
    // Upstream leaves name empty (omitted) for the core group.
    metadata: group === '' ? { creationTimestamp: null } : { name: group, creationTimestamp: null },
    versions: versionsOf(input, group).map((version) => ({
      version,
      resources: resourcesOf(input, { group, version }).map(resourceDiscovery),
      freshness: 'Current',
    })),
  };
}

/** GET /api (scope 'api': the core group) or GET /apis (every named group). */
export function aggregatedDiscovery(input: DiscoveryInput, scope: 'api' | 'apis', version: AggregatedVersion = 'v2'): APIGroupDiscoveryList {
  const groups = orderedGroups(input).filter((g) => (scope === 'api' ? g === '' : g !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => groupDiscovery(input, g)),
  };
}
