// The emulated network: scheduler and links, OVS bridges, NSX logical switches and
// routers, the NSX and generic labs, fabric-wide traces. See README.md.
export { Fabric, type TraceError, type TraceOptions } from './fabric.js';
export { Scheduler, Link, type Drive, type LinkOptions, type LinkStats, type SchedulerOptions, type SchedulerStats } from './scheduler.js';
export { FabricPort, ROOT_META, isMetaDevice, type FrameMeta, type MetaDevice, type MetaTx } from './fabric-port.js';
export { TraceCtx, describeFrame, formatDropReason, formatTrace, type FabricDropReason, type HopRecord } from './trace.js';
export {
  BridgePort,
  DEFAULT_OVS_VERSION,
  OvsBridge,
  type AddPortOptions,
  type BridgeError,
  type BridgeStats,
  type ControllerOutput,
  type OvsBridgeOptions,
  type PacketIn,
  type PacketInHandler,
  type PacketOut,
  type PortStats,
} from './ovs-bridge.js';
export { NSX_COOKIE, NSX_CT_ZONE, nsxBaseFlows } from './nsx-base-flows.js';
export { formatVsctlShow, ovsdbString, type ShowBridge, type ShowInterface, type ShowPort } from './vsctl-show.js';
export { LogicalSwitch, type IpBinding, type LogicalSwitchOptions, type LogicalSwitchStats } from './logical-switch.js';
export { VlanTrunk, type VlanTrunkStats } from './vlan-trunk.js';
export {
  Router,
  type HookName,
  type HookPacket,
  type HookVerdict,
  type InterfaceOptions,
  type LocalHandler,
  type PacketHook,
  type RejectWith,
  type RouterInterface,
  type RouterOptions,
  type RouterStats,
} from './router.js';
export { RouteTable, routeText, type Route, type RouteKind } from './route-table.js';
export {
  NSX_LAB_DEFAULTS,
  NsxLab,
  type LabError,
  type NsxLabOptions,
  type NsxNamespace,
  type NsxNode,
  type PodAttachment,
  type PodSpec,
} from './nsx-lab.js';
export {
  GENERIC_LAB_DEFAULTS,
  GenericLab,
  type EnableNetfilterOptions,
  type GenericLabError,
  type GenericLabOptions,
  type GenericNode,
  type GenericPodSpec,
  type NodeNetfilter,
} from './generic-lab.js';
export { netfilterHook, rejectWith, routerNetfilterOptions, type NetfilterHookOptions } from './netfilter-hook.js';
export { SimpleHost, type SendOptions, type SimpleHostCounters, type SimpleHostOptions } from './simple-host.js';
export { seededRng, type Rng } from './rng.js';
export { firstPacket, type FirstPacketProto, type FirstPacketSpec } from './first-packet.js';
