export { applyDefaults, prepareForCreate, prepareForUpdate } from './apply.js';
export { defaultDeployment, defaultReplicaSet } from './apps.js';
export { defaultPullPolicy, parseImageName, type ImageRef } from './image.js';
export { defaultConfigMap, defaultEndpointSlice, defaultEndpoints, defaultNamespace, defaultNode } from './misc.js';
export {
  computePodQOS,
  defaultPod,
  defaultPodSpec,
  DEFAULT_SCHEDULER_NAME,
  DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS,
  DEFAULT_TOLERATION_SECONDS,
  type PodDefaultOptions,
} from './pod.js';
export { quantityValue } from './quantity.js';
export {
  DEFAULT_CLIENT_IP_AFFINITY_SECONDS,
  defaultService,
  dropTypeDependentFields,
  normalizeClusterIPs,
  prepareServiceForCreate,
  prepareServiceForUpdate,
} from './service.js';
export { initServiceIPFamilies, type ClusterIPConfig } from './service-ip-families.js';
