// Node agent configuration (kubelet flags and config file, the parts svcnet uses) and its
// defaults. The lab's nodes: k8s-master 10.190.5.10 (control plane, tainted), k8s-node1 .11,
// k8s-node2 .12.
import type { Taint } from '../api/index.js';
import { DEFAULT_PINNED_SUBNETS, DEFAULT_POD_POOL } from './ipam/subnet-plan.js';

export type IpamConfig =
  /** Namespace subnets from one pool, coordinated through ConfigMaps (NSX-T NCP style). */
  | {
      readonly mode: 'nsx';
      readonly pool?: string;
      readonly subnetPrefix?: number;
      readonly pinned?: Readonly<Record<string, number>>;
      readonly recordNamespace?: string;
    }
  /** One block per node, node.spec.podCIDR (flannel / bridge CNI style). */
  | { readonly mode: 'node-cidr' };

export interface NodeAgentConfig {
  readonly nodeName: string;
  /** The node's InternalIP (status.addresses, hostIP of its pods). */
  readonly internalIP: string;
  /** Hostname address (defaults to the node name). */
  readonly hostname?: string;
  readonly role?: 'control-plane' | 'worker';
  /** Extra labels besides kubelet's own. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Registered with the node; default: control-plane nodes get node-role.kubernetes.io/control-plane:NoSchedule. */
  readonly taints?: readonly Taint[];
  /** spec.podCIDR to register (generic topology, e.g. 10.244.1.0/24). */
  readonly podCIDR?: string;
  readonly ipam?: IpamConfig;
  readonly capacity?: Readonly<Record<string, string>>;
  readonly allocatable?: Readonly<Record<string, string>>;
  /** kubelet --cluster-dns (default 10.96.0.10). */
  readonly clusterDNS?: readonly string[];
  /** kubelet --cluster-domain (default cluster.local). */
  readonly clusterDomain?: string;
  /** The node's /etc/resolv.conf text; undefined behaves like kubelet --resolv-conf="". */
  readonly hostResolvConf?: string;
  readonly kubeletVersion?: string;
  readonly kernelVersion?: string;
  readonly osImage?: string;
  readonly kubeletPort?: number;
  /** Lease duration (40 s); renewed every quarter of it (10 s). */
  readonly leaseDurationSeconds?: number;
  /** How often the node status is computed and posted when it changed (10 s). */
  readonly nodeStatusUpdateMs?: number;
  /** Posted even when unchanged this often (5 min). */
  readonly nodeStatusReportMs?: number;
  /** Parallel pod syncs (4). */
  readonly workers?: number;
}

export const DEFAULT_KUBELET_VERSION = 'v1.32.4';
export const TAINT_CONTROL_PLANE = 'node-role.kubernetes.io/control-plane';

export type ResolvedConfig = Required<Omit<NodeAgentConfig, 'podCIDR' | 'hostResolvConf'>> & Pick<NodeAgentConfig, 'podCIDR' | 'hostResolvConf'>;

export function resolveConfig(c: NodeAgentConfig): ResolvedConfig {
  const role = c.role ?? 'worker';
  return {
    nodeName: c.nodeName,
    internalIP: c.internalIP,
    hostname: c.hostname ?? c.nodeName,
    role,
    labels: c.labels ?? {},
    taints: c.taints ?? (role === 'control-plane' ? [{ key: TAINT_CONTROL_PLANE, effect: 'NoSchedule' }] : []),
    ...(c.podCIDR !== undefined ? { podCIDR: c.podCIDR } : {}),
    ipam: c.ipam ?? { mode: 'nsx', pool: DEFAULT_POD_POOL, subnetPrefix: 24, pinned: DEFAULT_PINNED_SUBNETS, recordNamespace: 'kube-system' },
    // What a 2 vCPU / 8 GiB VM reports (memory in Ki as kubelet does; allocatable minus the
    // 100Mi hard eviction threshold and 10% of the disk).
    capacity: c.capacity ?? { cpu: '2', 'ephemeral-storage': '41152812Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '8148236Ki', pods: '110' },
    allocatable: c.allocatable ?? c.capacity ?? { cpu: '2', 'ephemeral-storage': '37926361435', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '8045836Ki', pods: '110' },
    clusterDNS: c.clusterDNS ?? ['10.96.0.10'],
    clusterDomain: c.clusterDomain ?? 'cluster.local',
    ...(c.hostResolvConf !== undefined ? { hostResolvConf: c.hostResolvConf } : {}),
    kubeletVersion: c.kubeletVersion ?? DEFAULT_KUBELET_VERSION,
    kernelVersion: c.kernelVersion ?? '6.1.0-svcnet-amd64',
    osImage: c.osImage ?? 'svcnet emulated node',
    kubeletPort: c.kubeletPort ?? 10250,
    leaseDurationSeconds: c.leaseDurationSeconds ?? 40,
    nodeStatusUpdateMs: c.nodeStatusUpdateMs ?? 10_000,
    nodeStatusReportMs: c.nodeStatusReportMs ?? 300_000,
    workers: c.workers ?? 4,
  };
}
