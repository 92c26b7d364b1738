// Public surface of src/controllers: Kubernetes controllers as API clients.
export { startControllers, ALL_CONTROLLERS, type ControllerManagerOptions, type ControllerName, type RunningControllers } from './controller-manager.js';
export type { Controller, ControllerDeps } from './informers.js';
export { DeploymentController } from './deployment/deployment-controller.js';
export { syncDeployment, scalingMessage, type DeploymentAction, type DeploymentSyncInput, type DeploymentSyncResult } from './deployment/deployment-sync.js';
export { computeHash, safeEncodeString } from './deployment/pod-template-hash.js';
export { ReplicaSetController } from './replicaset/replicaset-controller.js';
export { syncReplicaSet, podFromTemplate, type ReplicaSetAction, type ReplicaSetSyncInput } from './replicaset/replicaset-sync.js';
export { Scheduler, SCHEDULER_NAME } from './scheduler/scheduler.js';
export { schedulePod, filterNode, fitErrorMessage, nodeInfo, type NodeInfo, type ScheduleDecision } from './scheduler/scheduling-core.js';
export { GarbageCollector, type GcSource } from './garbage-collector/garbage-collector.js';
export { dependentAction, ownerAction, type GcMeta, type OwnerState } from './garbage-collector/gc-core.js';
export { EndpointSliceController } from './endpointslice/endpointslice-controller.js';
export { desiredGroups, type EndpointGroup } from './endpointslice/desired-endpoints.js';
export { reconcileSlices, MANAGED_BY, MAX_ENDPOINTS_PER_SLICE, type SliceAction } from './endpointslice/slice-reconciler.js';
export { EndpointsController } from './endpoints/endpoints-controller.js';
export { endpointsAction, subsetsFromSlices } from './endpoints/endpoints-from-slices.js';
export { projectPod, type PodInfo } from './pod-info.js';
export {
  LbIpamController,
  LbAllocator,
  LB_POOLS,
  LB_CLASS,
  LAB_DEFAULT_POOL,
  ANNOTATION_REQUESTED_IPS,
  ANNOTATION_NCP_POLICY_IP,
  compilePool,
  projectService,
  type LbIpamOptions,
  type DefaultPoolConfig,
  type LbMode,
  type SyncOutcome,
} from './lb-ipam/index.js';
