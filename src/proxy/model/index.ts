// The renderer-neutral proxy model: projections, change trackers, endpoint selection.
export * from './types.js';
export { projectService, projectEndpointSlice, projectNode, parseTriggerTime, ANNOTATION_LAST_CHANGE_TRIGGER_TIME, LABEL_TOPOLOGY_ZONE, type NodeProjection } from './project.js';
export { servicePortEqual, serviceEqual, endpointEqual, endpointListEqual } from './equality.js';
export { ServiceChangeTracker, type ServiceChange, type ServiceChanges } from './service-change-tracker.js';
export { EndpointsChangeTracker, type EndpointsChange, type EndpointChanges } from './endpoints-change-tracker.js';
export { categorizeEndpoints, type CategorizedEndpoints } from './categorize.js';
export { staleUdpFlushes, type StaleConntrackFlush } from './stale-udp.js';
export { buildService, buildSlice, type EndpointBuild, type PortSpec, type ServiceBuild, type SliceBuild } from './builders.js';
export { ARTICLE_NODE, ARTICLE_UPLINK, articleServices, articleSlices } from './article-cluster.js';
