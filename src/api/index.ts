// Public surface of src/api: object types, the resource registry, defaulting and validation.
export * from './types/index.js';
export * from './registry.js';
export * from './defaults/index.js';
// Validation: the entry points at top level; everything else under the `validation` namespace
// (its name checks would otherwise clash with the selector package's).
export {
  formatFieldError,
  errorBody,
  invalidStatus,
  aggregateMessage,
  validateCreate,
  validateUpdate,
  validateServiceNodePortRange,
  nodePortNotInRange,
  nodePortAlreadyAllocated,
  clusterIPNotInRange,
  clusterIPAlreadyAllocated,
  type FieldError,
  type FieldErrorType,
  type ValidationOptions,
  type GoValue,
  parsePoolRange,
  rangesOverlap,
  validateLoadBalancerIPPool,
  type PoolRange,
  type PoolRangeParse,
} from './validation/index.js';
export * as validation from './validation/index.js';
// selectors and printers (written by another worker) are exported below.
export * from './selectors/index.js';
export * from './printers/index.js';
export type { ExecIO, ExecOutcome, ExecRequest, ExecSession, ExecStart, LogOptions, LogOutcome, PodConnector, StreamRefusal } from './contracts/pod-connector.js';
