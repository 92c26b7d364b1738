export type { LbProtocol, NsxLbModel, NsxLoadBalancerObj, NsxTag, PoolMember, ServerPool, SkipReason, VirtualServer } from './types.js';
export { buildNsxLbModel, lbName, lbSuffix, membersFor, serviceSkip, vipsOf, DEFAULT_CLUSTER_NAME, SERVICE_NAME_LABEL, type BuildOptions } from './build-model.js';
export { diffNsxLb, vipSet, EMPTY_MODEL, type NsxLbOp } from './diff-model.js';
