// Scheme defaults of svcnet.io/v1alpha1 LoadBalancerIPPool (what a CRD's schema `default:`
// markers would do): autoAssign true, priority 0.
import type { LoadBalancerIPPool } from '../types/index.js';

export function defaultLoadBalancerIPPool(pool: LoadBalancerIPPool): void {
  pool.spec ??= {};
  pool.spec.autoAssign ??= true;
  pool.spec.priority ??= 0;
}
