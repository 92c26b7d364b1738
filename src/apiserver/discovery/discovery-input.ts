// What every discovery and OpenAPI document is computed from: the registry's resource table
// plus a few facts about this server.
import type { ResourceInfo, SubresourceInfo } from '../../api/registry.js';
import type { VersionInfo } from './version-info.js';

export type { ResourceInfo, SubresourceInfo };

export interface DiscoveryInput {
  readonly resources: readonly ResourceInfo[];
  /** Group order for /apis; groups not listed follow alphabetically. "" (core) is served from /api. */
  readonly groupOrder: readonly string[];
  /** host:port clients should use, published in serverAddressByClientCIDRs. */
  readonly serverAddress: string;
  readonly version: VersionInfo;
}

export interface GroupVersionRef {
  readonly group: string;
  readonly version: string;
}

export const groupVersionString = (gv: GroupVersionRef): string => (gv.group === '' ? gv.version : `${gv.group}/${gv.version}`);

/** URL prefix of a group-version: /api/v1 or /apis/<group>/<version>. */
export const groupVersionPath = (gv: GroupVersionRef): string => (gv.group === '' ? `/api/${gv.version}` : `/apis/${gv.group}/${gv.version}`);

/** Groups in serving order: the configured order first, then the rest alphabetically. */
export function orderedGroups(input: DiscoveryInput): string[] {
  const present = new Set(input.resources.map((r) => r.group));
  const first = input.groupOrder.filter((g) => present.has(g));
  const rest = [...present].filter((g) => !first.includes(g)).sort();
  return [...first, ...rest];
}

/** Versions of a group, in first-seen order (the first is the preferred one). */
export function versionsOf(input: DiscoveryInput, group: string): string[] {
  const out: string[] = [];
  for (const r of input.resources) if (r.group === group && !out.includes(r.version)) out.push(r.version);
  return out;
}

export function allGroupVersions(input: DiscoveryInput): GroupVersionRef[] {
  return orderedGroups(input).flatMap((group) => versionsOf(input, group).map((version) => ({ group, version })));
}

export function resourcesOf(input: DiscoveryInput, gv: GroupVersionRef): ResourceInfo[] {
  return input.resources.filter((r) => r.group === gv.group && r.version === gv.version).sort((a, b) => a.resource.localeCompare(b.resource));
}

export function sortedSubresources(r: ResourceInfo): SubresourceInfo[] {
  return [...r.subresources].sort((a, b) => a.name.localeCompare(b.name));
}
