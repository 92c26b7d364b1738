// The classic (unaggregated) discovery documents: /api, /apis, /apis/<group>,
// /api/v1 and /apis/<group>/<version>.
import { storageVersionHash } from '../../api/registry.js';
import type { DiscoveryInput, GroupVersionRef, ResourceInfo } from './discovery-input.js';
import { groupVersionString, orderedGroups, resourcesOf, sortedSubresources, versionsOf } from './discovery-input.js';

export interface ServerAddressByClientCIDR {
  readonly clientCIDR: string;
  readonly serverAddress: string;
}

export interface GroupVersionForDiscovery {
  readonly groupVersion: string;
  readonly version: string;
}

export interface APIVersions {
  readonly kind: 'APIVersions';
  readonly versions: readonly string[];
  readonly serverAddressByClientCIDRs: readonly ServerAddressByClientCIDR[];
}

export interface APIGroup {
  readonly kind?: 'APIGroup';
  readonly apiVersion?: 'v1';
  readonly name: string;
  readonly versions: readonly GroupVersionForDiscovery[];
  readonly preferredVersion: GroupVersionForDiscovery;
}

export interface APIGroupList {
  readonly kind: 'APIGroupList';
  readonly apiVersion: 'v1';
  readonly groups: readonly APIGroup[];
}

export interface APIResource {
  readonly name: string;
  readonly singularName: string;
  readonly namespaced: boolean;
  readonly group?: string;
  readonly version?: string;
  readonly kind: string;
  readonly verbs: readonly string[];
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly storageVersionHash?: string;
}

export interface APIResourceList {
  readonly kind: 'APIResourceList';
  readonly apiVersion: 'v1';
  readonly groupVersion: string;
  readonly resources: readonly APIResource[];
}

function serverAddresses(input: DiscoveryInput): ServerAddressByClientCIDR[] {
  return [{ clientCIDR: '0.0.0.0/0', serverAddress: input.serverAddress }];
}

/** GET /api */
export function apiVersions(input: DiscoveryInput): APIVersions {
  return { kind: 'APIVersions', versions: versionsOf(input, ''), serverAddressByClientCIDRs: serverAddresses(input) };
}

function groupEntry(input: DiscoveryInput, group: string): APIGroup | undefined {
  const versions = versionsOf(input, group).map((version) => ({ groupVersion: groupVersionString({ group, version }), version }));
  const preferredVersion = versions[0];
  if (preferredVersion === undefined) return undefined;
  return { name: group, versions, preferredVersion };
}

/** GET /apis (the core group is not listed: it lives under /api). */
export function apiGroupList(input: DiscoveryInput): APIGroupList {
  const groups = orderedGroups(input)
    .filter((g) => g !== '')
    .map((g) => groupEntry(input, g))
    .filter((g): g is APIGroup => g !== undefined);
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** GET /apis/<group>; undefined when the group is not served. */
export function apiGroup(input: DiscoveryInput, group: string): APIGroup | undefined {
  if (group === '') return undefined;
  const g = groupEntry(input, group);
  return g === undefined ? undefined : { kind: 'APIGroup', apiVersion: 'v1', ...g };
}

/** Stored resources carry a storageVersionHash; create-only ones (bindings) do not. */
function isStored(r: ResourceInfo): boolean {
  return r.verbs.includes('get');
}

function resourceEntries(r: ResourceInfo): APIResource[] {
  const main: APIResource = {
    name: r.resource,
    singularName: r.singularName,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: [...r.verbs].sort(),
    ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length > 0 ? { categories: r.categories } : {}),
    ...(isStored(r) ? { storageVersionHash: storageVersionHash(r) } : {}),
  };
  const subs = sortedSubresources(r).map(
    (s): APIResource => ({
      name: `${r.resource}/${s.name}`,
      singularName: '',
      namespaced: r.namespaced,
      ...(s.group !== undefined ? { group: s.group } : {}),
      ...(s.version !== undefined ? { version: s.version } : {}),
      kind: s.kind,
      verbs: [...s.verbs].sort(),
    }),
  );
  return [main, ...subs];
}

/** GET /api/v1, /apis/<group>/<version>; undefined when the group-version is not served. */
export function apiResourceList(input: DiscoveryInput, gv: GroupVersionRef): APIResourceList | undefined {
  const resources = resourcesOf(input, gv);
  if (resources.length === 0) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersionString(gv), resources: resources.flatMap(resourceEntries) };
}
