// Cluster DNS (Kubernetes DNS-Based Service Discovery 1.1.0, CoreDNS-compatible behaviour).
export { answerQuestion, type EngineResult } from './answer-engine.js';
export { DnsIndex, type DnsReadIndex } from './cluster-index.js';
export { startClusterDns, type ClusterDnsOptions, type RunningClusterDns } from './cluster-dns.js';
export { DnsServer, type DnsServerOptions } from './dns-server.js';
export { DNS_SCHEMA_VERSION, DEFAULT_ZONE, defaultEngineConfig, engineConfig, type EngineConfig } from './engine-config.js';
export { Forwarder, type ForwarderOptions, type ForwardOutcome, type LookupOutcome } from './forwarder.js';
export { feedDnsIndex, type DnsFeed, type DnsFeedOptions } from './informer-feed.js';
export { DnsMetrics, serveMetrics, type DnsMetricsOptions } from './metrics.js';
export type { DnsEndpoint, DnsEndpointSlice, DnsPod, DnsPort, DnsService, DnsServiceKind, PodRecordsMode } from './model.js';
export { endpointSliceToDns, namespaceToDns, podToDns, serviceToDns } from './projections.js';
export { DnsHandler, type DnsHandlerOptions, type HandleContext, type HandleOutcome } from './query-handler.js';
export { ipToReverseName, reverseNameToIP } from './reverse-names.js';
export { SocketTransport, type ExchangeResult, type Upstream, type UpstreamTransport } from './upstream-transport.js';
