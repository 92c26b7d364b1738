// The service proxy: Services + EndpointSlices -> a node's dataplane program. See README.md.
export * from './model/index.js';
export * as openflow from './render/openflow/index.js';
export {
  GroupIdAllocator,
  OpenFlowCompiler,
  renderProgram,
  flattenProgram,
  loadProgram,
  rejectReplyFor,
  NSX_COOKIE,
  CT_ZONE_NAT,
  CT_ZONE_SNAT,
  type OpenFlowFragment,
  type OpenFlowProgram,
  type RejectReply,
  type UplinkPort,
} from './render/openflow/index.js';
export * from './apply/index.js';
export { NsxProxier, type NsxProxierOptions, type SyncResult } from './nsx-proxier.js';
export { NsxKubeProxy, type NsxKubeProxyOptions } from './nsx-kube-proxy.js';
export { BoundedFrequencyRunner, type BoundedFrequencyRunnerOptions } from './bounded-frequency-runner.js';
export { ProxyMetrics, type ObservedSync, type ProxyMetricsOptions } from './proxy-metrics.js';
export { NetfilterProxier, type KubeProxyMode, type NetfilterApplyOutcome, type NetfilterProxierOptions, type NetfilterSyncResult } from './netfilter-proxier.js';
export { KubeProxy, type KubeProxyOptions } from './kube-proxy.js';
export * as cases from './cases/index.js';
export * as iptables from './render/iptables/index.js';
export * as nftables from './render/nftables/index.js';
export { renderIptables, type KubeRenderModel, type KubeRenderOptions } from './render/iptables/index.js';
export { renderNftables } from './render/nftables/index.js';
