// svcnet.io/v1alpha1: our own group. LoadBalancerIPPool (address pools for lb-ipam), named
// the way kube-apiserver names CRD schemas in OpenAPI (reversed group: io.svcnet.v1alpha1.X).
import type { SchemaTable } from './openapi-types.js';
import { arr, bool, gvk, int32, kind, meta, obj, ref, strings } from './schema-builders.js';

export const SVCNET_V1ALPHA1 = 'io.svcnet.v1alpha1';
const svcnet = (name: string): string => `${SVCNET_V1ALPHA1}.${name}`;

export const svcnetSchemas: SchemaTable = {
  [svcnet('LoadBalancerIPPool')]: kind(gvk('svcnet.io', 'v1alpha1', 'LoadBalancerIPPool'), 'A pool of addresses the lb-ipam controller assigns to Services of type LoadBalancer.', {
    spec: ref(svcnet('LoadBalancerIPPoolSpec'), 'Addresses of the pool and which Services may use them.'),
    status: ref(svcnet('LoadBalancerIPPoolStatus'), 'Usage of the pool, written by the lb-ipam controller.'),
  }),
  [svcnet('LoadBalancerIPPoolSpec')]: obj('Addresses of a pool and which Services may use them.', {
    cidrs: strings('IPv4 CIDRs ("10.190.6.0/24") or inclusive ranges ("10.190.6.10-10.190.6.20"); they may not overlap each other.', { listType: 'atomic' }),
    autoAssign: bool('Whether Services without a requested address get one from this pool; default true.'),
    avoidBuggyIPs: bool('Skip addresses ending in .0 and .255.'),
    serviceSelector: ref(meta('LabelSelector'), 'Only Services whose labels match may use the pool; absent means every Service.'),
    namespaceSelector: ref(meta('LabelSelector'), 'Only Services in namespaces whose labels match may use the pool; absent means every namespace.'),
    priority: int32('Pools are tried in ascending priority (default 0), ties by name.'),
  }),
  [svcnet('LoadBalancerIPPoolStatus')]: obj('Observed usage of a pool.', {
    allocated: int32('Addresses of the pool held by Services.'),
    available: int32('Usable addresses of the pool still free.'),
    conditions: arr(ref(meta('Condition')), 'Current conditions of the pool (Exhausted).', { listType: 'map', mapKeys: ['type'] }),
  }),
};
