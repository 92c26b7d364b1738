// The pod status a kubelet writes, as a pure function of what the agent knows
// (kubelet's generateAPIPodStatus, getPhase and pkg/kubelet/status/generate.go, 1.32).
//
// Conditions, in kubelet's order: PodReadyToStartContainers, Initialized, Ready,
// ContainersReady, PodScheduled; conditions owned by others (readiness gates, DisruptionTarget)
// are kept in front. lastTransitionTime changes only when a condition's status changes.
import { computePodQOS, type ContainerState, type ContainerStatus, type Pod, type PodCondition, type PodPhase, type PodSpec, type PodStatus } from '../api/index.js';
import { rfc3339 } from './format.js';

export interface ContainerView {
  readonly name: string;
  /** Normalized image ("docker.io/library/nginx:latest"). */
  readonly image: string;
  readonly imageID: string;
  /** "svcnet://<64 hex>", absent before the first start. */
  readonly containerID?: string | undefined;
  readonly state: ContainerState;
  readonly lastState: ContainerState;
  readonly ready: boolean;
  readonly started: boolean;
  readonly restartCount: number;
}

export interface PodStatusInput {
  readonly pod: Pod;
  readonly now: number;
  readonly hostIPs: readonly string[];
  readonly podIPs: readonly string[];
  /** When the agent first accepted the pod (ms). */
  readonly startTime: number | undefined;
  /** Sandbox created and networked. */
  readonly sandboxReady: boolean;
  readonly initContainers: readonly ContainerView[];
  readonly containers: readonly ContainerView[];
  /** The pod will not run again (deleted or finished): stopped containers mean Succeeded/Failed. */
  readonly terminal: boolean;
  /**
   * The status this agent wrote last, when the pod object may not show it yet (the informer
   * lags our own writes): transition times, phase and startTime continue from it.
   */
  readonly previous?: PodStatus | undefined;
}

const KUBELET_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);

function byName(list: readonly ContainerView[], name: string): ContainerView | undefined {
  return list.find((c) => c.name === name);
}

/** getPhase. */
export function podPhase(spec: PodSpec, init: readonly ContainerView[], containers: readonly ContainerView[], podIsTerminal: boolean): PodPhase {
  let pendingInit = 0;
  let failedInit = 0;
  for (const c of spec.initContainers ?? []) {
    if (c.restartPolicy === 'Always') continue; // sidecars: not supported, never block
    const s = byName(init, c.name);
    if (s === undefined || s.state.running !== undefined) pendingInit++;
    else if (s.state.terminated !== undefined) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.state.waiting !== undefined && s.lastState.terminated !== undefined) {
      if (s.lastState.terminated.exitCode !== 0) failedInit++;
    } else pendingInit++;
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of spec.containers) {
    const s = byName(containers, c.name);
    if (s === undefined) unknown++;
    else if (s.state.running !== undefined) running++;
    else if (s.state.terminated !== undefined) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state.waiting !== undefined) {
      if (s.lastState.terminated !== undefined) stopped++;
      else waiting++;
    } else unknown++;
  }
  const policy = spec.restartPolicy ?? 'Always';
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  if (pendingInit > 0) return 'Pending';
  if (waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

/** Go's %s of a []string: "[a b]". */
const goList = (xs: readonly string[]) => `[${xs.join(' ')}]`;

type Cond = Omit<PodCondition, 'lastTransitionTime' | 'lastProbeTime'>;

function containersReady(spec: PodSpec, containers: readonly ContainerView[], phase: PodPhase): Cond {
  const unknown: string[] = [];
  const unready: string[] = [];
  for (const c of spec.containers) {
    const s = byName(containers, c.name);
    if (s === undefined) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return { type: 'ContainersReady', status: 'False', reason: 'PodCompleted' };
  if (phase === 'Failed') return { type: 'ContainersReady', status: 'False', reason: 'PodFailed' };
  const msgs: string[] = [];
  if (unknown.length > 0) msgs.push(`containers with unknown status: ${goList(unknown)}`);
  if (unready.length > 0) msgs.push(`containers with unready status: ${goList(unready)}`);
  if (msgs.length > 0) return { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: msgs.join(', ') };
  return { type: 'ContainersReady', status: 'True' };
}

function podReady(spec: PodSpec, cr: Cond, others: readonly PodCondition[]): Cond {
  if (cr.status !== 'True') return { ...cr, type: 'Ready' };
  const msgs: string[] = [];
  for (const g of spec.readinessGates ?? []) {
    const c = others.find((x) => x.type === g.conditionType);
    if (c === undefined) msgs.push(`corresponding condition of pod readiness gate "${g.conditionType}" does not exist.`);
    else if (c.status !== 'True') msgs.push(`the status of pod readiness gate "${g.conditionType}" is not "True", but ${c.status}`);
  }
  if (msgs.length > 0) return { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: msgs.join(', ') };
  return { type: 'Ready', status: 'True' };
}

function initialized(spec: PodSpec, init: readonly ContainerView[], containers: readonly ContainerView[], phase: PodPhase): Cond {
  const regular = (spec.initContainers ?? []).filter((c) => c.restartPolicy !== 'Always');
  if (regular.length === 0) return { type: 'Initialized', status: 'True' };
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of regular) {
    const s = byName(init, c.name);
    if (s === undefined) unknown.push(c.name);
    else if (s.state.terminated?.exitCode !== 0) incomplete.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return { type: 'Initialized', status: 'True', reason: 'PodCompleted' };
  // A regular container that ever started means initialization happened before.
  if (containers.some((c) => c.state.running !== undefined || c.state.terminated !== undefined || c.lastState.terminated !== undefined)) return { type: 'Initialized', status: 'True' };
  const msgs: string[] = [];
  if (unknown.length > 0) msgs.push(`containers with unknown status: ${goList(unknown)}`);
  if (incomplete.length > 0) msgs.push(`containers with incomplete status: ${goList(incomplete)}`);
  if (msgs.length > 0) return { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: msgs.join(', ') };
  return { type: 'Initialized', status: 'True' };
}

function toStatus(v: ContainerView): ContainerStatus {
  return {
    name: v.name,
    state: v.state,
    lastState: v.lastState,
    ready: v.ready,
    restartCount: v.restartCount,
    image: v.image,
    imageID: v.imageID,
    ...(v.containerID !== undefined ? { containerID: v.containerID } : {}),
    started: v.started,
  };
}

export function computePodStatus(input: PodStatusInput): PodStatus {
  const { pod, now } = input;
  const spec = pod.spec ?? { containers: [] };
  const old = pod.status ?? {};
  const prev = input.previous ?? old;
  const oldPhase = prev.phase;
  // A pod that reached a terminal phase never leaves it.
  const phase = oldPhase === 'Succeeded' || oldPhase === 'Failed' ? oldPhase : podPhase(spec, input.initContainers, input.containers, input.terminal);
  const others = (old.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type));
  const cr = containersReady(spec, input.containers, phase);
  const mine: Cond[] = [
    { type: 'PodReadyToStartContainers', status: input.sandboxReady ? 'True' : 'False' },
    initialized(spec, input.initContainers, input.containers, phase),
    podReady(spec, cr, others),
    cr,
    { type: 'PodScheduled', status: 'True' },
  ];
  const stamp = rfc3339(now);
  const conditions: PodCondition[] = [
    ...others,
    ...mine.map((c) => {
      const p = prev.conditions?.find((x) => x.type === c.type);
      const lastTransitionTime = p !== undefined && p.status === c.status && p.lastTransitionTime !== undefined ? p.lastTransitionTime : stamp;
      return { type: c.type, status: c.status, lastProbeTime: null, lastTransitionTime, ...(c.reason !== undefined ? { reason: c.reason } : {}), ...(c.message !== undefined ? { message: c.message } : {}) };
    }),
  ];
  const podIPs = input.podIPs.length > 0 ? input.podIPs : old.podIPs?.map((p) => p.ip) ?? (old.podIP !== undefined ? [old.podIP] : []);
  const status: PodStatus = {
    phase,
    conditions,
    ...(input.hostIPs.length > 0 ? { hostIP: input.hostIPs[0]!, hostIPs: input.hostIPs.map((ip) => ({ ip })) } : {}),
    ...(podIPs.length > 0 ? { podIP: podIPs[0]!, podIPs: podIPs.map((ip) => ({ ip })) } : {}),
    ...(input.startTime !== undefined ? { startTime: prev.startTime ?? old.startTime ?? rfc3339(input.startTime) } : old.startTime !== undefined ? { startTime: old.startTime } : {}),
    ...((spec.initContainers ?? []).length > 0 ? { initContainerStatuses: input.initContainers.map(toStatus) } : {}),
    containerStatuses: input.containers.map(toStatus),
    qosClass: old.qosClass ?? computePodQOS(spec),
  };
  return status;
}
