// What the EmulatedRuntime needs from a network to give a sandbox its eth0: the CNI ADD and
// DEL of whichever emulated topology the pods live on. Two implementations: the NSX lab
// (nsxPodNetwork, emulated-network.ts: eth0 on the node's br-int) and the generic kube-proxy
// lab (genericPodNetwork, generic-network.ts: eth0 on the node's cni0 bridge).
//
// Addresses are the IPAM's (the SandboxSpec); the network only plugs the stack in and says
// why it could not, as text for the FailedCreatePodSandBox event.
import type { Result } from '../core/index.js';
import type { HostNic, HostStack } from '../dataplane/host/index.js';
import type { SandboxSpec } from './runtime.js';

/** A pod's network namespace: its stack and eth0, plugged into the node's switch. */
export interface PodNetworkAttachment {
  readonly stack: HostStack;
  readonly nic: HostNic;
  /** Where eth0 is plugged, for logs and views: the br-int port or the cni0 link. */
  readonly port: string;
}

export interface PodNetwork {
  /** Which topology (for logs and views). */
  readonly kind: 'nsx' | 'generic';
  /** Creates the pod's stack with eth0 (spec.ip/prefixLength, default route via spec.gateway) and plugs it in. */
  attach(spec: SandboxSpec, sandboxId: string): Result<PodNetworkAttachment, string>;
  /** Unplugs what attach plugged in for this pod (no-op when nothing is). */
  detach(spec: Pick<SandboxSpec, 'namespace' | 'name'>): void;
}
