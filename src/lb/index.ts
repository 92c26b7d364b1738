// Public surface of src/lb: the NSX-mode LoadBalancer implementation (model, edge
// engine, controller, NSX-style views). src/lb/external, advertise and host-access are
// other components' folders; re-export them here once they exist.
export * from './nsx/index.js';
export * from './engine/index.js';
export * from './views/index.js';
export { NsxLoadBalancer, type NsxLoadBalancerOptions } from './nsx-load-balancer.js';
// The other LB components, as namespaces so their names never clash with ours.
export * as external from './external/index.js';
export * as advertise from './advertise/index.js';
export * as hostAccess from './host-access/index.js';
