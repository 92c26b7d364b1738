// Defaulting for Namespace, Endpoints, EndpointSlice, Node and ConfigMap.
import type { ConfigMap, EndpointSlice, Endpoints, Namespace, Node } from '../types/index.js';
import { LABEL_METADATA_NAME } from '../types/index.js';

/** SetDefaults_Namespace + SetDefaults_NamespaceStatus. Mutates. */
export function defaultNamespace(ns: Namespace): void {
  const name = ns.metadata?.name ?? '';
  // Nameless (generateName) namespaces get the label once the name exists.
  if (name.length > 0) ns.metadata.labels = { ...(ns.metadata.labels ?? {}), [LABEL_METADATA_NAME]: name };
  ns.status ??= {};
  ns.status.phase ||= 'Active';
}

export function defaultEndpoints(ep: Endpoints): void {
  for (const ss of ep.subsets ?? []) for (const p of ss.ports ?? []) p.protocol ||= 'TCP';
}

/** discovery/v1 SetDefaults_EndpointPort: name "" and protocol TCP. */
export function defaultEndpointSlice(slice: EndpointSlice): void {
  for (const p of slice.ports ?? []) {
    p.name ??= '';
    p.protocol ??= 'TCP';
  }
}

export function defaultNode(node: Node): void {
  if (node.status?.capacity !== undefined && node.status.allocatable === undefined) {
    node.status.allocatable = { ...node.status.capacity };
  }
}

export function defaultConfigMap(cm: ConfigMap): void {
  // Upstream defaults data to an empty map; an empty map is omitted on the wire, so nothing to do.
  void cm;
}
