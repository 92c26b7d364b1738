// Public surface of src/lb/external: the generic-mode external load balancer (VIP:port -> NodeIP:NodePort).
export { planExternalLb, projectLbNode, projectLbService, projectLbSlice, type ExternalPlan, type LbNode, type LbProtocol, type LbService, type LbSlice, type PlanOptions, type PoolMember, type VirtualServer, type VirtualServerConflict } from './external-model.js';
export { OneArmLb, type ConnState, type LbConnection, type OneArmLbError, type OneArmLbOptions, type OneArmLbStats } from './one-arm-lb.js';
export { ExternalLoadBalancer, type ExternalLoadBalancerOptions } from './external-load-balancer.js';
