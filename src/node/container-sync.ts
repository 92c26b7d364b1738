// Bringing one container to where it should be (kubelet's computePodActions + startContainer
// for a single container): start it, restart it by the pod's restart policy behind the
// CrashLoopBackOff back-off, kill it when a liveness/startup probe failed, and record the
// events kubelet records (Pulling/Pulled, Created, Started, Killing, BackOff, Failed).
import type { Container, EnvVar } from '../api/index.js';
import type { Clock } from '../core/index.js';
import type { CrashBackoff } from './crash-backoff.js';
import { goDuration, podFullName } from './format.js';
import { imageIdFor } from './image-name.js';
import type { PodEvents } from './pod-events.js';
import type { ContainerRecord, PodRecord } from './pod-record.js';
import type { ProbeManager } from './probe-manager.js';
import type { PodRuntime } from './runtime.js';

export interface ContainerSyncDeps {
  readonly runtime: PodRuntime;
  readonly clock: Clock;
  readonly events: PodEvents;
  readonly probes: ProbeManager;
  readonly crashBackoff: CrashBackoff;
  readonly pullBackoff: CrashBackoff;
  readonly nodeName: string;
  readonly hostIP: string;
}

/** Where the container stands after this step; `wakeAt` asks for a sync at that time. */
export type EnsureResult =
  | { readonly kind: 'running' }
  | { readonly kind: 'done'; readonly exitCode: number }
  | { readonly kind: 'waiting'; readonly wakeAt?: number };

/** A create error is retried at the next sync, about this often. */
const CREATE_RETRY_MS = 10_000;

export class ContainerSync {
  constructor(private readonly deps: ContainerSyncDeps) {}

  /** One step for `rec`; never throws for runtime outcomes. */
  async ensure(st: PodRecord, rec: ContainerRecord): Promise<EnsureResult> {
    const { clock, events, probes, crashBackoff } = this.deps;
    const cur = rec.current;
    if (cur !== undefined && cur.exit === undefined) {
      const probe = rec.init ? undefined : probes.restartRequested(st.uid, rec.name, cur.id);
      if (probe !== undefined && !rec.stopRequested) {
        events.container(st.pod, rec.name, rec.init, 'Normal', 'Killing', `Container ${rec.name} failed ${probe} probe, will be restarted`);
        rec.killedForProbe = probe;
        rec.stopRequested = true;
        const p = probe === 'liveness' ? rec.spec.livenessProbe : rec.spec.startupProbe;
        const grace = Math.max(2, p?.terminationGracePeriodSeconds ?? st.pod.spec?.terminationGracePeriodSeconds ?? 30);
        void this.deps.runtime.stopContainer(cur.id, grace);
      }
      return { kind: 'running' };
    }
    if (cur?.exit !== undefined) {
      const exit = cur.exit;
      if (!this.shouldRestart(st, rec, exit.exitCode)) {
        rec.waiting = undefined;
        return { kind: 'done', exitCode: exit.exitCode };
      }
      const key = `${st.uid}/${rec.name}`;
      const until = crashBackoff.until(key, exit.finishedAt, clock.now());
      if (until !== undefined) {
        const full = podFullName(st);
        rec.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(crashBackoff.current(key))} restarting failed container=${rec.name} pod=${full}` };
        events.container(st.pod, rec.name, rec.init, 'Warning', 'BackOff', `Back-off restarting failed container ${rec.name} in pod ${full}`);
        return { kind: 'waiting', wakeAt: until };
      }
      crashBackoff.next(key, exit.finishedAt, clock.now());
    }
    return this.start(st, rec);
  }

  private shouldRestart(st: PodRecord, rec: ContainerRecord, exitCode: number): boolean {
    const policy = st.pod.spec?.restartPolicy ?? 'Always';
    if (rec.init) return exitCode !== 0 && policy !== 'Never';
    if (policy === 'Always') return true;
    if (policy === 'Never') return false;
    return exitCode !== 0 || rec.killedForProbe !== undefined;
  }

  private async start(st: PodRecord, rec: ContainerRecord): Promise<EnsureResult> {
    const { runtime, clock, events, pullBackoff } = this.deps;
    const image = rec.spec.image ?? '';
    const policy = rec.spec.imagePullPolicy ?? 'IfNotPresent';
    const ev = (type: 'Normal' | 'Warning', reason: string, message: string) => events.container(st.pod, rec.name, rec.init, type, reason, message);
    const pullKey = `${st.uid}_${image}`;
    const pullWait = pullBackoff.sinceUpdate(pullKey, clock.now());
    if (pullWait !== undefined) {
      ev('Normal', 'BackOff', `Back-off pulling image "${image}"`);
      ev('Warning', 'Failed', 'Error: ImagePullBackOff');
      rec.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` };
      return { kind: 'waiting', wakeAt: pullWait };
    }
    const pull = await runtime.pullImage(image, policy);
    let imageRef: string;
    switch (pull.kind) {
      case 'present':
        ev('Normal', 'Pulled', `Container image "${image}" already present on machine`);
        imageRef = pull.imageRef;
        break;
      case 'pulled': {
        const d = goDuration(Math.trunc(pull.durationMs));
        ev('Normal', 'Pulling', `Pulling image "${image}"`);
        ev('Normal', 'Pulled', `Successfully pulled image "${image}" in ${d} (${d} including waiting). Image size: ${pull.sizeBytes} bytes.`);
        imageRef = pull.imageRef;
        break;
      }
      case 'error': {
        if (pull.reason === 'ErrImageNeverPull') ev('Warning', 'ErrImageNeverPull', pull.message);
        else {
          ev('Normal', 'Pulling', `Pulling image "${image}"`);
          ev('Warning', 'Failed', `Failed to pull image "${image}": ${pull.message}`);
          pullBackoff.next(pullKey, clock.now(), clock.now());
        }
        ev('Warning', 'Failed', `Error: ${pull.reason}`);
        rec.waiting = { reason: pull.reason, message: pull.reason === 'ErrImageNeverPull' ? pull.message : `Failed to pull image "${image}": ${pull.message}` };
        return { kind: 'waiting', wakeAt: clock.now() + (pullBackoff.current(pullKey) || CREATE_RETRY_MS) };
      }
    }
    if (st.sandboxId === undefined) return { kind: 'waiting' };
    const restart = rec.current !== undefined;
    const out = await runtime.startContainer(st.sandboxId, {
      name: rec.name,
      image,
      imageRef: imageRef || imageIdFor(image),
      command: rec.spec.command ?? [],
      args: rec.spec.args ?? [],
      env: this.env(st, rec.spec),
      attempt: restart ? rec.restartCount + 1 : rec.restartCount,
      tty: rec.spec.tty === true,
      stdin: rec.spec.stdin === true,
      init: rec.init,
    });
    if (out.kind === 'error') {
      ev('Warning', 'Failed', `Error: ${out.message}`);
      rec.waiting = { reason: out.reason, message: out.message };
      return { kind: 'waiting', wakeAt: clock.now() + CREATE_RETRY_MS };
    }
    if (restart) {
      rec.previous = rec.current;
      rec.restartCount++;
    }
    rec.current = { id: out.containerId, imageRef, startedAt: out.startedAt, exit: undefined };
    rec.waiting = undefined;
    rec.killedForProbe = undefined;
    rec.stopRequested = false;
    ev('Normal', 'Created', `Created container: ${rec.name}`);
    ev('Normal', 'Started', `Started container ${rec.name}`);
    this.deps.probes.containerStarted(st, rec);
    return { kind: 'running' };
  }

  /** Literal values and the downward-API fields a demo app prints (pod name, IP, node). */
  private env(st: PodRecord, c: Container): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of c.env ?? []) {
      const v = this.envValue(st, e);
      if (v !== undefined) out[e.name] = v;
    }
    return out;
  }

  private envValue(st: PodRecord, e: EnvVar): string | undefined {
    if (e.value !== undefined) return e.value;
    const path = e.valueFrom?.fieldRef?.fieldPath;
    switch (path) {
      case 'metadata.name':
        return st.name;
      case 'metadata.namespace':
        return st.namespace;
      case 'metadata.uid':
        return st.uid;
      case 'spec.nodeName':
        return this.deps.nodeName;
      case 'spec.serviceAccountName':
        return st.pod.spec?.serviceAccountName ?? 'default';
      case 'status.podIP':
        return st.network?.ip ?? '';
      case 'status.hostIP':
        return this.deps.hostIP;
      default:
        return undefined;
    }
  }
}
