// Public surface of src/node: the node agent ("kubelet") and its pure cores.
export { NodeAgent, type NodeAgentOptions } from './node-agent.js';
export { resolveConfig, DEFAULT_KUBELET_VERSION, TAINT_CONTROL_PLANE, type IpamConfig, type NodeAgentConfig, type ResolvedConfig } from './config.js';
export { AgentConnector, routeByNode, type ConnectorHost } from './node-connector.js';
export type { ExecIO, ExecOutcome, ExecRequest, ExecSession, ExecStart, LogOptions, LogOutcome, NodeConnector, StreamRefusal } from './connector-types.js';
export type {
  ContainerConfig,
  LogLine,
  LogSource,
  PodRuntime,
  ProbeKind,
  ProbeOutcome,
  ProbeTarget,
  PullFailureReason,
  PullOutcome,
  RuntimeContainerState,
  RuntimeContainerStatus,
  RuntimeEvent,
  RuntimeExecRequest,
  RuntimeExecStart,
  RuntimeSandboxStatus,
  SandboxOutcome,
  SandboxSpec,
  StartFailureReason,
  StartOutcome,
} from './runtime.js';
export { FakeRuntime, failureFor, type FakeImageBehaviour, type FakeProbeBehaviour, type FakeProbeContext, type FakeRuntimeOptions } from './fake-runtime.js';
export { FAKE_SHELL_PROMPT } from './fake-exec.js';
export { podDnsConfig, parseResolvConf, renderResolvConf, mergeDnsOptions, type DnsPod, type DnsSettings, type DnsWarning, type PodDns, type ResolvConf } from './resolv-conf.js';
export { computePodStatus, podPhase, type ContainerView, type PodStatusInput } from './pod-status.js';
export { ProbeState, probeTiming, initialResult, type ProbeObservation, type ProbeResult, type ProbeTiming } from './probe-state.js';
export { CrashBackoff, CRASH_BACKOFF_INITIAL_MS, CRASH_BACKOFF_MAX_MS } from './crash-backoff.js';
export { nodeStatus, nodeLease, registrationNode, kubeletLabels, NODE_LEASE_NAMESPACE } from './node-object.js';
export { normalizeImage, imageIdFor } from './image-name.js';
export { goDuration, podFullName } from './format.js';
export { makeSubnetPlan, chooseSubnet, subnetAt, DEFAULT_PINNED_SUBNETS, DEFAULT_POD_POOL, type SubnetPlan } from './ipam/subnet-plan.js';
export { allocateAddress, releaseAddress, subnetInfo, type AddressHolder, type AddressTable } from './ipam/address-pool.js';
export { NsxIpam, ANNOTATION_POD_SUBNET, SUBNET_REGISTRY_NAME, addressRecordName, type NsxIpamOptions } from './ipam/nsx-ipam.js';
export { NodeCidrIpam } from './ipam/node-cidr-ipam.js';
export type { IpamOutcome, IpamRequest, PodIpam } from './ipam/types.js';
export { EmulatedRuntime, type EmulatedPod, type EmulatedRuntimeOptions } from './emulated-runtime.js';
export { AppTable, executableNotFound, shortRepository, unknownImageMessage, type AppContext, type AppImage, type AppLauncher, type RunningApp } from './emulated-apps.js';
export { attachExternalHost, attachNodeNetwork, attachPodNetwork, formatLabError, nodeMac, nsxPodNetwork, podMac, type NsxPodAttachment } from './emulated-network.js';
export { attachGenericNodeNetwork, cniMac, cniPortName, formatGenericLabError, genericPodNetwork } from './generic-network.js';
export type { PodNetwork, PodNetworkAttachment } from './pod-network.js';
export { BuiltinApps, shellExec, type BuiltinAppsOptions } from './builtin-apps.js';
export { silentDnsApp, COREDNS_REPOSITORY } from './silent-dns-app.js';
export { networkProbe, probeRequest, PROBE_USER_AGENT } from './network-probe.js';
