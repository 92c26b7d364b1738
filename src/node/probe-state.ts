// One probe of one container incarnation, as kubelet's prober worker keeps it
// (pkg/kubelet/prober/worker.go): a cached result that changes only after `successThreshold`
// consecutive successes or `failureThreshold` consecutive failures. Pure; the shell decides
// when to probe (initialDelaySeconds, periodSeconds) and feeds outcomes in.
//
// Initial results: readiness starts as failure (a pod with a readiness probe is not ready until
// it passes), liveness as success, startup as unknown. A liveness or startup failure puts the
// worker on hold: no more probing of this incarnation, the container is restarted.
import type { Probe } from '../api/index.js';
import type { ProbeKind } from './runtime.js';

export type ProbeResult = 'success' | 'failure' | 'unknown';

export interface ProbeTiming {
  readonly initialDelayMs: number;
  readonly periodMs: number;
  readonly timeoutMs: number;
  readonly successThreshold: number;
  readonly failureThreshold: number;
}

/** Probe fields with the API server's defaults (period 10 s, timeout 1 s, thresholds 1 / 3). */
export function probeTiming(p: Probe): ProbeTiming {
  const pos = (v: number | undefined, d: number) => (v === undefined || v <= 0 ? d : v);
  return {
    initialDelayMs: Math.max(0, p.initialDelaySeconds ?? 0) * 1000,
    periodMs: pos(p.periodSeconds, 10) * 1000,
    timeoutMs: pos(p.timeoutSeconds, 1) * 1000,
    successThreshold: pos(p.successThreshold, 1),
    failureThreshold: pos(p.failureThreshold, 3),
  };
}

export function initialResult(kind: ProbeKind): ProbeResult {
  return kind === 'readiness' ? 'failure' : kind === 'liveness' ? 'success' : 'unknown';
}

export interface ProbeObservation {
  /** The cached result after this observation. */
  readonly result: ProbeResult;
  /** The cached result changed. */
  readonly changed: boolean;
  /** Liveness/startup reached failureThreshold: restart the container. */
  readonly restart: boolean;
}

export class ProbeState {
  private cached: ProbeResult;
  private last: ProbeResult | undefined;
  private run = 0;
  private hold = false;

  constructor(
    readonly kind: ProbeKind,
    private readonly timing: Pick<ProbeTiming, 'successThreshold' | 'failureThreshold'>,
  ) {
    this.cached = initialResult(kind);
  }

  get result(): ProbeResult {
    return this.cached;
  }

  get onHold(): boolean {
    return this.hold;
  }

  /** A probe came back success or failure (errors are thrown away before reaching here). */
  observe(outcome: 'success' | 'failure'): ProbeObservation {
    if (this.hold) return { result: this.cached, changed: false, restart: false };
    if (this.last === outcome) this.run++;
    else {
      this.last = outcome;
      this.run = 1;
    }
    const threshold = outcome === 'failure' ? this.timing.failureThreshold : this.timing.successThreshold;
    if (this.run < threshold) return { result: this.cached, changed: false, restart: false };
    const changed = this.cached !== outcome;
    this.cached = outcome;
    const restart = outcome === 'failure' && (this.kind === 'liveness' || this.kind === 'startup');
    if (restart) {
      this.hold = true;
      this.run = 0;
    }
    return { result: outcome, changed, restart };
  }
}
