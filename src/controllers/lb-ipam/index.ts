// Public surface of lb-ipam: LoadBalancer Service address management.
export { LbIpamController, LB_POOLS, LB_IPAM_COMPONENT, LAB_DEFAULT_POOL, type LbIpamOptions, type DefaultPoolConfig } from './lb-ipam-controller.js';
export { LbAllocator, type LbServiceView, type SyncOutcome, type FailureReason, type PoolUsage, type RestoreReport } from './allocator.js';
export { compilePool, comparePools, poolAdmits, poolUsable, isBuggy, type CompiledPool, type SelectorInput } from './pool-set.js';
export {
  projectService,
  desiredFor,
  statusUpdate,
  annotationPatch,
  isForeignClass,
  LB_CLASS,
  ANNOTATION_REQUESTED_IPS,
  ANNOTATION_NCP_POLICY_IP,
  CONDITION_TYPE,
  type LbMode,
  type ViewSettings,
  type DesiredService,
} from './service-view.js';
