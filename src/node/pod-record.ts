// What the agent remembers about each pod it runs: its network, sandbox and every container's
// incarnations. The API status is derived from this (containerView -> computePodStatus).
import type { Container, ContainerState, ContainerStateTerminated, Pod } from '../api/index.js';
import { rfc3339 } from './format.js';
import { imageIdFor, normalizeImage } from './image-name.js';
import type { ContainerView } from './pod-status.js';

export interface Incarnation {
  /** Runtime container id (64 hex). */
  readonly id: string;
  readonly imageRef: string;
  readonly startedAt: number;
  exit: { readonly finishedAt: number; readonly exitCode: number; readonly reason: string; readonly message?: string | undefined } | undefined;
}

export interface ContainerRecord {
  readonly name: string;
  readonly init: boolean;
  spec: Container;
  current: Incarnation | undefined;
  /** The incarnation before `current` (lastState, `logs --previous`). */
  previous: Incarnation | undefined;
  restartCount: number;
  /** Why it is not running (ContainerCreating, PodInitializing, CrashLoopBackOff, ErrImagePull, ...). */
  waiting: { readonly reason: string; readonly message?: string } | undefined;
  /** The agent stopped it because a probe failed: restart unless the policy is Never. */
  killedForProbe: 'liveness' | 'startup' | undefined;
  stopRequested: boolean;
}

export interface PodNetwork {
  readonly ip: string;
  readonly prefixLength: number;
  readonly gateway: string | undefined;
  readonly subnet: string | undefined;
  readonly hostNetwork: boolean;
}

export interface PodRecord {
  readonly uid: string;
  /** "namespace/name": the work queue key. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  pod: Pod;
  readonly firstSeen: number;
  network: PodNetwork | undefined;
  /** An IPAM allocation is held and must be released at teardown. */
  ipHeld: boolean;
  /** Shown in status (kept after the address is released, as kubelet does). */
  podIPs: string[];
  sandboxId: string | undefined;
  readonly containers: Map<string, ContainerRecord>;
  /** Reached Succeeded/Failed: sandbox torn down, nothing restarts. */
  finished: boolean;
  terminating: { readonly since: number } | undefined;
  /** The pod object is gone from the API (force deletion): tear down without a final write. */
  gone: boolean;
  /** JSON of the last status written (skip no-op writes). */
  lastStatus: string | undefined;
  /**
   * Finished before this agent started: it never saw the containers, so it must not
   * overwrite the final status the previous agent wrote.
   */
  frozen: boolean;
}

export function newPodRecord(pod: Pod, now: number): PodRecord {
  const namespace = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  const st: PodRecord = {
    uid: pod.metadata.uid ?? '',
    key: `${namespace}/${name}`,
    namespace,
    name,
    pod,
    firstSeen: now,
    network: undefined,
    ipHeld: false,
    podIPs: [],
    sandboxId: undefined,
    containers: new Map(),
    finished: false,
    terminating: undefined,
    gone: false,
    lastStatus: undefined,
    frozen: false,
  };
  refreshSpecs(st, pod);
  return st;
}

/** Takes the latest pod object (images may change; container names may not). */
export function refreshSpecs(st: PodRecord, pod: Pod): void {
  st.pod = pod;
  const add = (c: Container, init: boolean) => {
    const rec = st.containers.get(c.name);
    if (rec !== undefined) rec.spec = c;
    else st.containers.set(c.name, { name: c.name, init, spec: c, current: undefined, previous: undefined, restartCount: 0, waiting: undefined, killedForProbe: undefined, stopRequested: false });
  };
  for (const c of pod.spec?.initContainers ?? []) add(c, true);
  for (const c of pod.spec?.containers ?? []) add(c, false);
}

export function isRunning(rec: ContainerRecord): boolean {
  return rec.current !== undefined && rec.current.exit === undefined;
}

function terminated(inc: Incarnation, scheme: string): ContainerStateTerminated {
  const e = inc.exit!;
  return {
    exitCode: e.exitCode,
    reason: e.reason,
    ...(e.message !== undefined ? { message: e.message } : {}),
    startedAt: rfc3339(inc.startedAt),
    finishedAt: rfc3339(e.finishedAt),
    containerID: `${scheme}://${inc.id}`,
  };
}

/** The status view of a container; `ready` / `started` come from the probes. */
export function containerView(rec: ContainerRecord, scheme: string, ready: boolean, started: boolean): ContainerView {
  const cur = rec.current;
  let state: ContainerState;
  let lastState: ContainerState = rec.previous?.exit !== undefined ? { terminated: terminated(rec.previous, scheme) } : {};
  if (rec.waiting !== undefined) {
    state = { waiting: { reason: rec.waiting.reason, ...(rec.waiting.message !== undefined ? { message: rec.waiting.message } : {}) } };
    // Waiting to restart: the incarnation that ended is the last state.
    if (cur?.exit !== undefined) lastState = { terminated: terminated(cur, scheme) };
  } else if (cur === undefined) {
    state = { waiting: { reason: 'ContainerCreating' } };
  } else if (cur.exit === undefined) {
    state = { running: { startedAt: rfc3339(cur.startedAt) } };
  } else {
    state = { terminated: terminated(cur, scheme) };
  }
  const image = rec.spec.image ?? '';
  const running = cur !== undefined && cur.exit === undefined && rec.waiting === undefined;
  return {
    name: rec.name,
    image: image === '' ? '' : normalizeImage(image),
    imageID: cur?.imageRef ?? rec.previous?.imageRef ?? (cur !== undefined ? imageIdFor(image) : ''),
    ...(cur !== undefined ? { containerID: `${scheme}://${cur.id}` } : {}),
    state,
    lastState,
    ready: running && ready,
    started: running && started,
    restartCount: rec.restartCount,
  };
}
