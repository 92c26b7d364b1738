// The Node object and Lease a kubelet maintains, as pure functions of the configuration and
// the clock (kubelet's nodestatus setters and the node lease controller).
import { createHash } from 'node:crypto';
import type { Lease, Node, NodeCondition, NodeStatus } from '../api/index.js';
import { microTime, rfc3339 } from './format.js';
import type { ResolvedConfig } from './config.js';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_OS = 'kubernetes.io/os';
export const LABEL_ARCH = 'kubernetes.io/arch';
export const LABEL_ROLE_CONTROL_PLANE = 'node-role.kubernetes.io/control-plane';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** The labels kubelet owns (it re-applies them on every registration). */
export function kubeletLabels(cfg: ResolvedConfig): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    [LABEL_ARCH]: 'amd64',
    [LABEL_HOSTNAME]: cfg.hostname,
    [LABEL_OS]: 'linux',
    ...(cfg.role === 'control-plane' ? { [LABEL_ROLE_CONTROL_PLANE]: '' } : {}),
    ...cfg.labels,
  };
}

/** The Node as registered (POST): labels, taints, podCIDR. Status is posted separately. */
export function registrationNode(cfg: ResolvedConfig): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: cfg.nodeName,
      labels: kubeletLabels(cfg),
      annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: {
      ...(cfg.podCIDR !== undefined ? { podCIDR: cfg.podCIDR, podCIDRs: [cfg.podCIDR] } : {}),
      ...(cfg.taints.length > 0 ? { taints: cfg.taints.map((t) => ({ ...t })) } : {}),
    },
  };
}

/**
 * Re-registration of an existing Node: kubelet re-applies its own labels and fills an unset
 * podCIDR; taints and others' labels are left alone. undefined when nothing changes.
 */
export function reconcileRegistration(existing: Node, cfg: ResolvedConfig): Node | undefined {
  const want = kubeletLabels(cfg);
  const labels = { ...(existing.metadata.labels ?? {}) };
  let changed = false;
  for (const [k, v] of Object.entries(want)) {
    if (labels[k] !== v) {
      labels[k] = v;
      changed = true;
    }
  }
  const spec = { ...(existing.spec ?? {}) };
  if (cfg.podCIDR !== undefined && (spec.podCIDR ?? '') === '') {
    spec.podCIDR = cfg.podCIDR;
    spec.podCIDRs = [cfg.podCIDR];
    changed = true;
  }
  return changed ? { ...existing, metadata: { ...existing.metadata, labels }, spec } : undefined;
}

function hexId(seed: string, len = 32): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, len);
}

function uuidOf(seed: string): string {
  const h = hexId(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

interface ConditionSpec {
  readonly type: string;
  readonly status: 'True' | 'False';
  readonly reason: string;
  readonly message: string;
}

const CONDITIONS: readonly ConditionSpec[] = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

/**
 * The node status kubelet posts. lastHeartbeatTime is `now`; lastTransitionTime is kept from
 * the previous status while a condition's status stays the same.
 */
export function nodeStatus(cfg: ResolvedConfig, old: NodeStatus | undefined, now: number, bootId: string, runtime: { name: string; version: string }): NodeStatus {
  const stamp = rfc3339(now);
  const conditions: NodeCondition[] = CONDITIONS.map((c) => {
    const prev = old?.conditions?.find((x) => x.type === c.type);
    return {
      type: c.type,
      status: c.status,
      lastHeartbeatTime: stamp,
      lastTransitionTime: prev !== undefined && prev.status === c.status && prev.lastTransitionTime !== undefined ? prev.lastTransitionTime : stamp,
      reason: c.reason,
      message: c.message,
    };
  });
  return {
    capacity: { ...cfg.capacity },
    allocatable: { ...cfg.allocatable },
    conditions,
    addresses: [
      { type: 'InternalIP', address: cfg.internalIP },
      { type: 'Hostname', address: cfg.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: cfg.kubeletPort } },
    nodeInfo: {
      machineID: hexId(`machine/${cfg.nodeName}`),
      systemUUID: uuidOf(`system/${cfg.nodeName}`),
      bootID: bootId,
      kernelVersion: cfg.kernelVersion,
      osImage: cfg.osImage,
      containerRuntimeVersion: `${runtime.name}://${runtime.version}`,
      kubeletVersion: cfg.kubeletVersion,
      kubeProxyVersion: cfg.kubeletVersion,
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

/** Whether two statuses differ in anything but heartbeat times (then kubelet posts at once). */
export function statusChanged(a: NodeStatus | undefined, b: NodeStatus): boolean {
  const strip = (s: NodeStatus | undefined) => JSON.stringify({ ...s, conditions: s?.conditions?.map(({ lastHeartbeatTime: _h, ...rest }) => rest) });
  return strip(a) !== strip(b);
}

/** A fresh boot ID per agent start (changes on every restart, as a node reboot would). */
export function newBootId(nodeName: string, now: number, random: () => number = Math.random): string {
  return uuidOf(`boot/${nodeName}/${now}/${random()}`);
}

/** The node's Lease in kube-node-lease, owned by the Node so it goes with it. */
export function nodeLease(cfg: ResolvedConfig, nodeUid: string | undefined, now: number, existing?: Lease): Lease {
  const spec = { holderIdentity: cfg.nodeName, leaseDurationSeconds: cfg.leaseDurationSeconds, renewTime: microTime(now) };
  if (existing !== undefined) return { ...existing, spec: { ...existing.spec, ...spec } };
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: cfg.nodeName,
      namespace: NODE_LEASE_NAMESPACE,
      ...(nodeUid !== undefined ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: cfg.nodeName, uid: nodeUid }] } : {}),
    },
    spec,
  };
}
