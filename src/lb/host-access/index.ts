// Host access: every NodePort and LoadBalancer VIP:port of the emulated cluster as a real
// listening socket on 127.0.0.1, bridged into the emulated network. See README.md.
export { HostAccess, type HostAccessChange, type HostAccessOptions, type HostAccessStats } from './host-access.js';
export { formatMappingLine, type HostMapping } from './host-mapping.js';
export {
  planHostMappings,
  type HostPlan,
  type HostPortChoice,
  type MappingSpec,
  type NodePortMappingSpec,
  type PlanInput,
  type PlannedMapping,
  type SkipReason,
  type SkippedPort,
  type VipMappingSpec,
} from './planner.js';
export { StaticSource, informerSource, type HostAccessSource, type InformerSourceOptions, type SourceSnapshot } from './service-source.js';
export { firstReadyNodeIP, projectNode, projectService, type NodeView, type PortProtocol, type ServicePortView, type ServiceView } from './service-view.js';
export { bridgeSockets, type Bridge, type BridgeEnd, type BridgeStats } from './tcp-bridge.js';
