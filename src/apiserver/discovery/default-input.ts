// The discovery input for the registry's resource table: what the API server normally uses.
import { GROUP_ORDER, RESOURCES } from '../../api/registry.js';
import type { DiscoveryInput } from './discovery-input.js';
import type { VersionOptions } from './version-info.js';
import { versionInfo } from './version-info.js';

export function defaultDiscoveryInput(serverAddress: string, version: VersionOptions = {}): DiscoveryInput {
  return { resources: RESOURCES, groupOrder: GROUP_ORDER, serverAddress, version: versionInfo(version) };
}
