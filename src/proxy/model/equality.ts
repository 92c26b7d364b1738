// Structural equality of projections, so the change trackers can drop no-op changes
// (an informer resync, an update that touched fields the proxy does not read).
import type { EndpointInfo, ServiceInfo, ServicePortInfo } from './types.js';

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function servicePortEqual(a: ServicePortInfo, b: ServicePortInfo): boolean {
  if (a === b) return true;
  return (
    a.name === b.name &&
    a.port === b.port &&
    a.nodePort === b.nodePort &&
    a.protocol === b.protocol &&
    sameStrings(a.clusterIPs, b.clusterIPs) &&
    sameStrings(a.loadBalancerIPs, b.loadBalancerIPs) &&
    sameStrings(a.externalIPs, b.externalIPs) &&
    sameStrings(a.loadBalancerSourceRanges, b.loadBalancerSourceRanges) &&
    a.sessionAffinity.kind === b.sessionAffinity.kind &&
    (a.sessionAffinity.kind === 'None' || a.sessionAffinity.timeoutSeconds === (b.sessionAffinity as { timeoutSeconds: number }).timeoutSeconds) &&
    a.externalTrafficPolicy === b.externalTrafficPolicy &&
    a.internalTrafficPolicy === b.internalTrafficPolicy &&
    a.healthCheckNodePort === b.healthCheckNodePort &&
    a.externallyAccessible === b.externallyAccessible
  );
}

export function serviceEqual(a: ServiceInfo | undefined, b: ServiceInfo | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return (a?.ports.length ?? 0) === 0 && (b?.ports.length ?? 0) === 0;
  if (a.ports.length !== b.ports.length) return false;
  for (let i = 0; i < a.ports.length; i++) if (!servicePortEqual(a.ports[i] as ServicePortInfo, b.ports[i] as ServicePortInfo)) return false;
  return true;
}

export function endpointEqual(a: EndpointInfo, b: EndpointInfo): boolean {
  return (
    a === b ||
    (a.key === b.key &&
      a.ready === b.ready &&
      a.serving === b.serving &&
      a.terminating === b.terminating &&
      a.nodeName === b.nodeName &&
      a.zone === b.zone &&
      a.isLocal === b.isLocal)
  );
}

export function endpointListEqual(a: readonly EndpointInfo[] | undefined, b: readonly EndpointInfo[] | undefined): boolean {
  if (a === b) return true;
  const x = a ?? [];
  const y = b ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!endpointEqual(x[i] as EndpointInfo, y[i] as EndpointInfo)) return false;
  return true;
}
