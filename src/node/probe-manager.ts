// Probe workers: one per (container incarnation, probe kind), timed on the injected Clock.
//
// Timing (kubelet's prober worker, simplified to a deterministic schedule): the first probe
// runs initialDelaySeconds after the container started (kubelet skips ticks while fewer whole
// seconds than the delay have passed, and probes readiness at once after start when there is
// no delay), then every periodSeconds; a probe slower than timeoutSeconds counts as a failure.
// Readiness and liveness wait until a startup probe (if any) has succeeded. Every failed probe
// is reported (Warning Unhealthy "Readiness probe failed: ..."); the cached result changes
// only at the thresholds (ProbeState). A liveness/startup failure asks the pod sync to restart
// the container; its worker then stays on hold until the next incarnation.
import { silentLogger, type Clock, type Logger, type TimerHandle } from '../core/index.js';
import type { PodEvents } from './pod-events.js';
import type { ContainerRecord, PodRecord } from './pod-record.js';
import { ProbeState, probeTiming, type ProbeTiming } from './probe-state.js';
import { probeTarget } from './probe-target.js';
import type { PodRuntime, ProbeKind } from './runtime.js';

export interface ProbeManagerDeps {
  readonly runtime: PodRuntime;
  readonly clock: Clock;
  readonly events: PodEvents;
  /** A cached result changed: the pod needs a sync (status, or a restart). */
  readonly onChange: (key: string) => void;
  readonly log?: Logger;
}

interface Worker {
  readonly st: PodRecord;
  readonly rec: ContainerRecord;
  readonly containerId: string;
  readonly kind: ProbeKind;
  readonly state: ProbeState;
  readonly timing: ProbeTiming;
  timer: TimerHandle | undefined;
  nextAt: number;
  stopped: boolean;
  /** Probes run so far (tests). */
  runs: number;
}

const KIND_LABEL: Record<ProbeKind, string> = { readiness: 'Readiness', liveness: 'Liveness', startup: 'Startup' };

export class ProbeManager {
  private readonly workers = new Map<string, Worker>();
  private readonly log: Logger;

  constructor(private readonly deps: ProbeManagerDeps) {
    this.log = deps.log ?? silentLogger;
  }

  private key(uid: string, container: string, kind: ProbeKind): string {
    return `${uid}/${container}/${kind}`;
  }

  /** A container incarnation started: (re)create its probe workers. */
  containerStarted(st: PodRecord, rec: ContainerRecord): void {
    const cur = rec.current;
    if (cur === undefined || rec.init) return;
    const specs: [ProbeKind, typeof rec.spec.readinessProbe][] = [
      ['startup', rec.spec.startupProbe],
      ['readiness', rec.spec.readinessProbe],
      ['liveness', rec.spec.livenessProbe],
    ];
    for (const [kind, probe] of specs) {
      const k = this.key(st.uid, rec.name, kind);
      this.stopWorker(k);
      if (probe === undefined) continue;
      const timing = probeTiming(probe);
      const w: Worker = { st, rec, containerId: cur.id, kind, state: new ProbeState(kind, timing), timing, timer: undefined, nextAt: cur.startedAt + timing.initialDelayMs, stopped: false, runs: 0 };
      this.workers.set(k, w);
      this.schedule(w);
    }
  }

  private worker(uid: string, container: string, kind: ProbeKind, containerId: string): Worker | undefined {
    const w = this.workers.get(this.key(uid, container, kind));
    return w !== undefined && w.containerId === containerId ? w : undefined;
  }

  /** Readiness: true without a readiness probe, else the cached result. */
  ready(uid: string, container: string, containerId: string): boolean {
    const exists = this.workers.get(this.key(uid, container, 'readiness'));
    if (exists === undefined) return true;
    return this.worker(uid, container, 'readiness', containerId)?.state.result === 'success';
  }

  /** Started: true without a startup probe, else once it succeeded. */
  started(uid: string, container: string, containerId: string): boolean {
    const exists = this.workers.get(this.key(uid, container, 'startup'));
    if (exists === undefined) return true;
    return this.worker(uid, container, 'startup', containerId)?.state.result === 'success';
  }

  /** Which probe (if any) wants this incarnation restarted. */
  restartRequested(uid: string, container: string, containerId: string): 'liveness' | 'startup' | undefined {
    for (const kind of ['startup', 'liveness'] as const) {
      const w = this.worker(uid, container, kind, containerId);
      if (w?.state.result === 'failure') return kind;
    }
    return undefined;
  }

  /** Probe runs so far for a container (tests and figures). */
  runs(uid: string, container: string, kind: ProbeKind): number {
    return this.workers.get(this.key(uid, container, kind))?.runs ?? 0;
  }

  stopContainer(uid: string, container: string): void {
    for (const kind of ['startup', 'readiness', 'liveness'] as const) this.stopWorker(this.key(uid, container, kind));
  }

  stopPod(uid: string): void {
    for (const [k, w] of [...this.workers]) if (w.st.uid === uid) this.stopWorker(k);
  }

  stopAll(): void {
    for (const k of [...this.workers.keys()]) this.stopWorker(k);
  }

  private stopWorker(k: string): void {
    const w = this.workers.get(k);
    if (w === undefined) return;
    w.stopped = true;
    if (w.timer !== undefined) this.deps.clock.clearTimeout(w.timer);
    this.workers.delete(k);
  }

  private schedule(w: Worker): void {
    if (w.stopped) return;
    const delay = w.nextAt - this.deps.clock.now();
    // Due now: run without a timer (a fake clock would otherwise hold it until it moves).
    if (delay <= 0) queueMicrotask(() => void this.tick(w));
    else w.timer = this.deps.clock.setTimeout(() => void this.tick(w), delay);
  }

  private async tick(w: Worker): Promise<void> {
    w.timer = undefined;
    if (w.stopped) return;
    const { clock, runtime, events } = this.deps;
    // Ticker semantics: the next probe is one period after this one was due, not after it ended.
    w.nextAt = Math.max(clock.now(), w.nextAt) + w.timing.periodMs;
    const gatedByStartup = w.kind !== 'startup' && this.workers.has(this.key(w.st.uid, w.rec.name, 'startup')) && !this.started(w.st.uid, w.rec.name, w.containerId);
    if (w.kind === 'startup' && w.state.result === 'success') return; // done for this incarnation
    if (gatedByStartup || w.state.onHold) return this.schedule(w);
    const probe = w.kind === 'readiness' ? w.rec.spec.readinessProbe : w.kind === 'liveness' ? w.rec.spec.livenessProbe : w.rec.spec.startupProbe;
    const podIP = w.st.network?.ip ?? '';
    const target = probe === undefined ? undefined : probeTarget(probe, w.rec.spec, podIP);
    const label = KIND_LABEL[w.kind];
    if (target === undefined || !target.ok) {
      events.container(w.st.pod, w.rec.name, false, 'Warning', 'Unhealthy', `${label} probe errored: ${target?.ok === false ? target.error : 'no probe'}`);
      return this.schedule(w);
    }
    w.runs++;
    const outcome = await runtime.probe(w.containerId, w.kind, target.value, w.timing.timeoutMs);
    if (w.stopped) return;
    let result: 'success' | 'failure' | undefined;
    switch (outcome.kind) {
      case 'success':
        result = 'success';
        break;
      case 'warning':
        events.container(w.st.pod, w.rec.name, false, 'Warning', 'ProbeWarning', `${label} probe warning: ${outcome.output}`);
        result = 'success';
        break;
      case 'failure':
        events.container(w.st.pod, w.rec.name, false, 'Warning', 'Unhealthy', `${label} probe failed: ${outcome.output}`);
        result = 'failure';
        break;
      case 'error':
        // kubelet throws errored results away (the cached result stays).
        events.container(w.st.pod, w.rec.name, false, 'Warning', 'Unhealthy', `${label} probe errored: ${outcome.message}`);
        this.log.debug(`probe errored`, { pod: w.st.key, container: w.rec.name, kind: w.kind, error: outcome.message });
        break;
    }
    if (result !== undefined) {
      const obs = w.state.observe(result);
      if (obs.changed || obs.restart) this.deps.onChange(w.st.key);
    }
    if (!w.state.onHold) this.schedule(w);
  }
}
