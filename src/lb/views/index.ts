export { edgeLogicalRouters, DR_VMAC, type EdgeInterface, type EdgeLogicalRouter, type EdgeViewOptions, type LrType } from './edge-routers.js';
export { formatLogicalRouters, formatVrfInterfaces, type VrfError } from './format-edge.js';
export { formatPools, formatVirtualServers } from './format-lb.js';
export { nameUuid } from './nsx-ids.js';
