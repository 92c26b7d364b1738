// svcnet.io/v1alpha1 LoadBalancerIPPool: our own cluster-scoped custom resource holding the
// addresses the lb-ipam controller hands to Services of type LoadBalancer.
import type { Condition, KubeObject, LabelSelector } from './meta.js';

export const SVCNET_GROUP = 'svcnet.io';
export const LB_POOL_VERSION = 'v1alpha1';
export const LB_POOL_API_VERSION = 'svcnet.io/v1alpha1';

export interface LoadBalancerIPPoolSpec {
  /** CIDRs ("10.190.6.0/24") or inclusive IPv4 ranges ("10.190.6.10-10.190.6.20"). */
  cidrs?: string[];
  /** Whether Services without a requested address may get one from this pool (default true). */
  autoAssign?: boolean;
  /** Never hand out addresses ending in .0 or .255 (some old clients mistake them for broadcast). */
  avoidBuggyIPs?: boolean;
  /** Only Services whose labels match (absent: every Service). */
  serviceSelector?: LabelSelector;
  /** Only Services in namespaces whose labels match (absent: every namespace). */
  namespaceSelector?: LabelSelector;
  /** Pools are tried in ascending priority (default 0), then by name. */
  priority?: number;
}

export interface LoadBalancerIPPoolStatus {
  /** Addresses of this pool currently held by Services. */
  allocated?: number;
  /** Usable addresses of this pool still free. */
  available?: number;
  conditions?: Condition[];
}

export interface LoadBalancerIPPool extends KubeObject {
  apiVersion: 'svcnet.io/v1alpha1';
  kind: 'LoadBalancerIPPool';
  spec?: LoadBalancerIPPoolSpec;
  status?: LoadBalancerIPPoolStatus;
}
