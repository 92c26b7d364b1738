export { LbEdge, DEFAULT_LB_UPLINK, type LbEdgeError, type LbEdgeOptions } from './lb-edge.js';
export { OneArmLb, ZONE_DNAT, ZONE_SNAT, type LbBackend, type LbCounters, type LbVerdict, type LbVirtualServer, type MemberPick, type OneArmLbOptions } from './one-arm-lb.js';
