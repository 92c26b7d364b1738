// Service defaulting (SetDefaults_Service) and the create/update preparation the Service
// registry strategy performs before validation (NormalizeClusterIPs, dropTypeDependentFields,
// status handling). IP family defaulting that depends on cluster configuration is in
// service-ip-families.ts; allocation itself belongs to the API server's service registry.
import type { Service, ServiceSpec } from '../types/index.js';

export const DEFAULT_CLIENT_IP_AFFINITY_SECONDS = 10800;

function externallyAccessible(spec: ServiceSpec): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && (spec.externalIPs ?? []).length > 0);
}

/** SetDefaults_Service. Mutates. */
export function defaultService(svc: Service): void {
  svc.spec ??= {};
  const spec = svc.spec;
  spec.sessionAffinity ||= 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_AFFINITY_SECONDS } };
  }
  spec.type ||= 'ClusterIP';
  for (const p of spec.ports ?? []) {
    p.protocol ||= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(spec) && (spec.externalTrafficPolicy ?? '') === '') spec.externalTrafficPolicy = 'Cluster';
  if (spec.internalTrafficPolicy === undefined && (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP')) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer') {
    spec.allocateLoadBalancerNodePorts ??= true;
    for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
      if ((ing.ip ?? '') !== '' && ing.ipMode === undefined) ing.ipMode = 'VIP';
    }
  }
}

const sameList = (a: readonly unknown[] | undefined, b: readonly unknown[] | undefined) =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((x, i) => x === (b ?? [])[i]);

/**
 * NormalizeClusterIPs: reconcile the singular and plural fields the way old and new clients
 * use them. Mutates svc.
 */
export function normalizeClusterIPs(svc: Service, old: Service | undefined): void {
  const spec = (svc.spec ??= {});
  const clusterIP = spec.clusterIP ?? '';
  if (old === undefined) {
    // An old client set only the singular field.
    if (clusterIP.length > 0 && (spec.clusterIPs ?? []).length === 0) spec.clusterIPs = [clusterIP];
    return;
  }
  const oldSpec = old.spec ?? {};
  // An old client patched something else and dropped clusterIPs.
  if ((oldSpec.clusterIPs ?? []).length > 0 && (spec.clusterIPs ?? []).length === 0 && (oldSpec.clusterIP ?? '') === clusterIP) {
    spec.clusterIPs = [...(oldSpec.clusterIPs ?? [])];
  }
  if ((oldSpec.clusterIP ?? '') !== clusterIP) {
    if ((oldSpec.clusterIP ?? '').length > 0 && clusterIP.length === 0) {
      if (sameList(oldSpec.clusterIPs, spec.clusterIPs)) delete spec.clusterIPs;
    } else if (sameList(oldSpec.clusterIPs, spec.clusterIPs)) {
      spec.clusterIPs = [clusterIP];
    }
  }
}

const needsClusterIP = (s: ServiceSpec) => s.type !== 'ExternalName';
const needsNodePort = (s: ServiceSpec) => s.type === 'NodePort' || s.type === 'LoadBalancer';
const needsHCNodePort = (s: ServiceSpec) => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';

/**
 * dropTypeDependentFields: on a type change, clear fields the old type needed and the new one
 * does not, unless the user changed them too (then validation reports the conflict). Mutates.
 */
export function dropTypeDependentFields(svc: Service, old: Service): void {
  const n = (svc.spec ??= {});
  const o = old.spec ?? {};
  if (needsClusterIP(o) && !needsClusterIP(n)) {
    if ((n.clusterIP ?? '') === (o.clusterIP ?? '') && sameList(n.clusterIPs, o.clusterIPs)) {
      delete n.clusterIP;
      delete n.clusterIPs;
    }
    if (sameList(n.ipFamilies, o.ipFamilies)) delete n.ipFamilies;
    if (n.ipFamilyPolicy === o.ipFamilyPolicy) delete n.ipFamilyPolicy;
  }
  const nodePorts = (s: ServiceSpec) => (s.ports ?? []).map((p) => p.nodePort ?? 0);
  if (needsNodePort(o) && !needsNodePort(n) && sameList(nodePorts(n), nodePorts(o))) {
    for (const p of n.ports ?? []) delete p.nodePort;
  }
  if (needsHCNodePort(o) && !needsHCNodePort(n) && (n.healthCheckNodePort ?? 0) === (o.healthCheckNodePort ?? 0)) {
    delete n.healthCheckNodePort;
  }
  if (o.type === 'LoadBalancer' && n.type !== 'LoadBalancer') {
    if (n.allocateLoadBalancerNodePorts !== undefined && n.allocateLoadBalancerNodePorts === o.allocateLoadBalancerNodePorts) {
      delete n.allocateLoadBalancerNodePorts;
    }
    if (n.loadBalancerClass === o.loadBalancerClass) delete n.loadBalancerClass;
  }
  if (externallyAccessible(o) && !externallyAccessible(n) && n.externalTrafficPolicy === o.externalTrafficPolicy) {
    delete n.externalTrafficPolicy;
  }
  // LB de-provisioning is asynchronous, but users should not see stale ingress.
  if (n.type !== 'LoadBalancer' && svc.status?.loadBalancer !== undefined) svc.status.loadBalancer = {};
}

/** Service PrepareForCreate: status is server-owned; clusterIPs normalized. Mutates. */
export function prepareServiceForCreate(svc: Service): void {
  svc.status = {};
  normalizeClusterIPs(svc, undefined);
}

/** Service PrepareForUpdate (main resource). Mutates. */
export function prepareServiceForUpdate(svc: Service, old: Service): void {
  svc.status = structuredClone(old.status ?? {});
  normalizeClusterIPs(svc, old);
  dropTypeDependentFields(svc, old);
}
