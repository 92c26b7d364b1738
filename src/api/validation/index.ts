export {
  errorBody,
  fieldErrorTypeText,
  formatFieldError,
  duplicate,
  forbidden,
  internalError,
  invalid,
  notFound,
  notSupported,
  required,
  tooLong,
  tooMany,
  type FieldError,
  type FieldErrorType,
} from './field-error.js';
export {
  formatGoValue,
  goIntOrString,
  goLiteral,
  goQuote,
  goStringMap,
  goStringSlice,
  type GoLiteral,
  type GoValue,
} from './go-value.js';
export { FieldPath, fieldPath } from './path.js';
export {
  inclusiveRangeError,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  type NameValidator,
} from './names.js';
export { isValidCIDR, isValidIP, parseIPSloppy, validateNonSpecialIP } from './ip.js';
export { validateLabelSelector, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
export {
  clusterIPAlreadyAllocated,
  clusterIPNotInRange,
  externallyAccessible,
  needsHealthCheck,
  nodePortAlreadyAllocated,
  nodePortNotInRange,
  validateService,
  validateServiceNodePortRange,
  validateServiceStatusUpdate,
  validateServiceUpdate,
} from './service.js';
export { isHeadlessService, validateServiceClusterIPsRelatedFields } from './service-ips.js';
export { validatePod, validatePodBinding, validatePodStatusUpdate, validatePodUpdate } from './pod.js';
export { validatePodSpec, validatePodTemplateSpec } from './pod-spec.js';
export {
  selectorMatches,
  validateDeployment,
  validateDeploymentStatusUpdate,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateReplicaSetStatusUpdate,
  validateReplicaSetUpdate,
} from './apps.js';
export { validateEndpointSlice, validateEndpointSliceUpdate, validateEndpoints, validateEndpointsUpdate } from './endpoints.js';
export {
  validateConfigMap,
  validateConfigMapUpdate,
  validateEvent,
  validateLease,
  validateLeaseUpdate,
  validateNamespace,
  validateNamespaceFinalizeUpdate,
  validateNamespaceStatusUpdate,
  validateNamespaceUpdate,
  validateNode,
  validateNodeUpdate,
} from './core-misc.js';
export { validateCreate, validateScale, validateUpdate, type ValidationOptions } from './validate.js';
export { aggregateMessage, invalidStatus } from './status.js';
export { parsePoolRange, rangesOverlap, validateLoadBalancerIPPool, validateLoadBalancerIPPoolUpdate, type PoolRange, type PoolRangeParse } from './lb-ipam.js';
