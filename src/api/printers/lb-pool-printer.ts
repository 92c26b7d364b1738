// loadbalancerippools (svcnet.io/v1alpha1): NAME CIDRS AUTO-ASSIGN ALLOCATED AVAILABLE AGE,
// what a CRD's additionalPrinterColumns would give. Counts come from the controller-written
// status; a pool the controller has not seen yet prints <none> rather than a misleading 0.
import type { KubeObject, LoadBalancerIPPool } from '../types/index.js';
import { translateTimestampSince } from './human-duration.js';
import { AGE_COLUMN, NAME_COLUMN, column, type ResourcePrinter } from './table.js';

const count = (n: number | undefined): string | number => (n === undefined ? '<none>' : n);

export const loadBalancerIPPoolPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column('CIDRs', 'string', 'CIDRs and address ranges of the pool.'),
    column('Auto-Assign', 'boolean', 'Whether Services without a requested address get one from this pool.'),
    column('Allocated', 'string', 'Addresses of the pool held by Services.'),
    column('Available', 'string', 'Usable addresses of the pool still free.'),
    AGE_COLUMN,
  ],
  row: (obj: KubeObject, ctx) => {
    const p = obj as LoadBalancerIPPool;
    const cidrs = p.spec?.cidrs ?? [];
    return {
      cells: [
        p.metadata.name ?? '',
        cidrs.length === 0 ? '<none>' : cidrs.join(','),
        p.spec?.autoAssign ?? true,
        count(p.status?.allocated),
        count(p.status?.available),
        translateTimestampSince(p.metadata.creationTimestamp, ctx.nowMs),
      ],
    };
  },
};
