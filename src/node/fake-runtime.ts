// An in-memory PodRuntime: sandboxes and containers are records, containers "run" the moment
// they start. Behaviours per image make it useful for tests (a crashing image, a failing
// probe, an image that cannot be pulled, a process that ignores SIGTERM) until the emulator
// runtime plugs real apps in. Logs are kept per container in a ring buffer.
import { createHash } from 'node:crypto';
import type { PullPolicy } from '../api/index.js';
import { realClock, type Clock, type TimerHandle } from '../core/index.js';
import type { ExecIO } from './connector-types.js';
import { startFakeExec, runFakeCommand, type FakeExecContext } from './fake-exec.js';
import { imageIdFor, imageRepository, normalizeImage } from './image-name.js';
import { LogRing } from './log-ring.js';
import type {
  ContainerConfig,
  LogSource,
  PodRuntime,
  ProbeKind,
  ProbeOutcome,
  ProbeTarget,
  PullOutcome,
  RuntimeContainerState,
  RuntimeEvent,
  RuntimeExecRequest,
  RuntimeExecStart,
  RuntimeSandboxStatus,
  SandboxOutcome,
  SandboxSpec,
  StartOutcome,
} from './runtime.js';

export type FakeProbeBehaviour = 'success' | 'failure' | ((kind: ProbeKind, target: ProbeTarget) => ProbeOutcome | Promise<ProbeOutcome>);

export interface FakeImageBehaviour {
  /**
   * The main process ends by itself: `code` after `afterMs` (0 = right after it starts).
   * Default: regular containers run until stopped, init containers exit 0 at once.
   */
  readonly exit?: { readonly code: number; readonly afterMs?: number };
  readonly pullError?: string;
  readonly createError?: string;
  /** SIGTERM is ignored: stopping takes the whole grace period and ends in SIGKILL (137). */
  readonly ignoreSigterm?: boolean;
  /** Exit code on SIGTERM (default 0, a well-behaved app). */
  readonly sigtermExitCode?: number;
  /** Lines the process writes to stdout when it starts. */
  readonly logs?: readonly string[];
  readonly probe?: FakeProbeBehaviour;
  readonly sizeBytes?: number;
  readonly pullMs?: number;
}

export interface FakeProbeContext {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly kind: ProbeKind;
  readonly target: ProbeTarget;
}

export interface FakeRuntimeOptions {
  readonly clock?: Clock;
  /** Behaviours by image as written in pod specs ("busybox:1.36") or by repository ("busybox"). */
  readonly images?: Readonly<Record<string, FakeImageBehaviour>>;
  /** An image without a behaviour: runs forever (default) or cannot be pulled. */
  readonly unknownImage?: 'run' | 'pull-error';
  /** Images already on the machine: 'all' (default) or a list; others are pulled on first use. */
  readonly presentImages?: 'all' | readonly string[];
  /** Lines kept per container log. */
  readonly logCapacity?: number;
}

/** Containers of removed sandboxes whose logs are kept. */
const RETIRED_KEPT = 500;

interface FakeContainer {
  readonly id: string;
  readonly sandboxId: string;
  readonly name: string;
  readonly attempt: number;
  readonly image: string;
  readonly imageRef: string;
  readonly env: Readonly<Record<string, string>>;
  readonly behaviour: FakeImageBehaviour;
  state: RuntimeContainerState;
  readonly log: LogRing;
  timer: TimerHandle | undefined;
  killTimer: TimerHandle | undefined;
  killAt: number;
  readonly stopWaiters: (() => void)[];
}

interface FakeSandbox {
  readonly id: string;
  readonly spec: SandboxSpec;
  readonly containers: Map<string, FakeContainer>;
}

export class FakeRuntime implements PodRuntime {
  readonly name = 'svcnet';
  readonly version = '0.1.0';
  /** Consulted first for every probe; return undefined to fall through to the image behaviour. */
  probeOverride: ((ctx: FakeProbeContext) => ProbeOutcome | Promise<ProbeOutcome> | undefined) | undefined;
  private readonly clock: Clock;
  private readonly behaviours = new Map<string, FakeImageBehaviour>();
  private readonly present = new Set<string>();
  private readonly sandboxes = new Map<string, FakeSandbox>();
  private readonly containers = new Map<string, FakeContainer>();
  private readonly listeners = new Set<(ev: RuntimeEvent) => void>();
  private readonly retired: string[] = [];
  private seq = 0;

  constructor(private readonly opts: FakeRuntimeOptions = {}) {
    this.clock = opts.clock ?? realClock;
    for (const [image, b] of Object.entries(opts.images ?? {})) this.behaviours.set(image, b);
    for (const image of opts.presentImages === 'all' || opts.presentImages === undefined ? [] : opts.presentImages) this.present.add(normalizeImage(image));
  }

  setBehaviour(image: string, b: FakeImageBehaviour): void {
    this.behaviours.set(image, b);
  }

  private behaviourOf(image: string): FakeImageBehaviour | undefined {
    return this.behaviours.get(image) ?? this.behaviours.get(imageRepository(image)) ?? this.behaviours.get(imageRepository(normalizeImage(image)).replace(/^docker\.io\/(library\/)?/, ''));
  }

  private newId(what: string): string {
    return createHash('sha256').update(`${what}/${++this.seq}/${this.clock.now()}`).digest('hex');
  }

  createSandbox(spec: SandboxSpec): Promise<SandboxOutcome> {
    const id = this.newId(`sandbox/${spec.podUid}`);
    this.sandboxes.set(id, { id, spec, containers: new Map() });
    return Promise.resolve({ kind: 'created', sandboxId: id });
  }

  removeSandbox(sandboxId: string): Promise<void> {
    const sb = this.sandboxes.get(sandboxId);
    if (sb === undefined) return Promise.resolve();
    for (const c of sb.containers.values()) {
      if (c.state.kind === 'running') this.exit(c, 137, 'Error');
      // Logs of removed containers stay readable for a while (kubectl logs of a finished pod).
      this.retired.push(c.id);
    }
    while (this.retired.length > RETIRED_KEPT) this.containers.delete(this.retired.shift()!);
    this.sandboxes.delete(sandboxId);
    return Promise.resolve();
  }

  pullImage(image: string, policy: PullPolicy): Promise<PullOutcome> {
    const normalized = normalizeImage(image);
    const imageRef = imageIdFor(image);
    const b = this.behaviourOf(image);
    const known = b !== undefined || this.opts.unknownImage !== 'pull-error';
    const isPresent = b?.pullError === undefined && (this.opts.presentImages === 'all' || this.opts.presentImages === undefined ? known : this.present.has(normalized));
    if (policy === 'Never' && !isPresent) {
      return Promise.resolve({ kind: 'error', reason: 'ErrImageNeverPull', message: `Container image "${image}" is not present with pull policy of Never` });
    }
    if (policy === 'IfNotPresent' && isPresent) return Promise.resolve({ kind: 'present', imageRef });
    if (policy === 'Never') return Promise.resolve({ kind: 'present', imageRef });
    if (b?.pullError !== undefined || !known) {
      const why = b?.pullError ?? `failed to pull and unpack image "${normalized}": failed to resolve reference "${normalized}": ${normalized}: not found`;
      return Promise.resolve({ kind: 'error', reason: 'ErrImagePull', message: `rpc error: code = NotFound desc = ${why}` });
    }
    this.present.add(normalized);
    return Promise.resolve({ kind: 'pulled', imageRef, durationMs: b?.pullMs ?? 0, sizeBytes: b?.sizeBytes ?? 28_319_392 });
  }

  startContainer(sandboxId: string, cfg: ContainerConfig): Promise<StartOutcome> {
    const sb = this.sandboxes.get(sandboxId);
    if (sb === undefined) return Promise.resolve({ kind: 'error', reason: 'CreateContainerError', message: `failed to create containerd container: sandbox ${sandboxId} not found` });
    const behaviour = this.behaviourOf(cfg.image) ?? {};
    if (behaviour.createError !== undefined) return Promise.resolve({ kind: 'error', reason: 'CreateContainerError', message: behaviour.createError });
    const now = this.clock.now();
    const c: FakeContainer = {
      id: this.newId(`container/${sandboxId}/${cfg.name}/${cfg.attempt}`),
      sandboxId,
      name: cfg.name,
      attempt: cfg.attempt,
      image: normalizeImage(cfg.image),
      imageRef: cfg.imageRef,
      env: cfg.env,
      behaviour,
      state: { kind: 'running', startedAt: now },
      log: new LogRing(this.opts.logCapacity ?? 1000),
      timer: undefined,
      killTimer: undefined,
      killAt: Infinity,
      stopWaiters: [],
    };
    sb.containers.set(c.id, c);
    this.containers.set(c.id, c);
    for (const text of behaviour.logs ?? []) c.log.write({ time: now, stream: 'stdout', text });
    const exit = behaviour.exit ?? (cfg.init ? { code: 0 } : undefined);
    if (exit !== undefined) {
      const fire = () => this.exit(c, exit.code, exit.code === 0 ? 'Completed' : 'Error');
      if ((exit.afterMs ?? 0) <= 0) queueMicrotask(fire);
      else c.timer = this.clock.setTimeout(fire, exit.afterMs!);
    }
    return Promise.resolve({ kind: 'started', containerId: c.id, startedAt: now });
  }

  stopContainer(containerId: string, gracePeriodSeconds: number): Promise<void> {
    const c = this.containers.get(containerId);
    if (c === undefined || c.state.kind !== 'running') return Promise.resolve();
    const stopped = new Promise<void>((r) => c.stopWaiters.push(r));
    if (c.behaviour.ignoreSigterm === true) {
      // A second stop (shorter grace) may bring the SIGKILL forward, never push it back.
      const at = this.clock.now() + Math.max(0, gracePeriodSeconds) * 1000;
      if (c.killTimer === undefined || at < c.killAt) {
        if (c.killTimer !== undefined) this.clock.clearTimeout(c.killTimer);
        c.killAt = at;
        c.killTimer = this.clock.setTimeout(() => this.exit(c, 137, 'Error'), at - this.clock.now());
      }
    } else {
      const code = c.behaviour.sigtermExitCode ?? 0;
      this.exit(c, code, code === 0 ? 'Completed' : 'Error');
    }
    return stopped;
  }

  /** Test hook: the container's process dies with `exitCode` now. */
  crash(containerId: string, exitCode: number, reason = 'Error'): void {
    const c = this.containers.get(containerId);
    if (c !== undefined && c.state.kind === 'running') this.exit(c, exitCode, reason);
  }

  /** Test hook: the process writes a line. */
  writeLog(containerId: string, text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    this.containers.get(containerId)?.log.write({ time: this.clock.now(), stream, text });
  }

  /** Containers by pod and container name (tests). */
  find(namespace: string, pod: string, container: string): { id: string; state: RuntimeContainerState }[] {
    const out: { id: string; state: RuntimeContainerState }[] = [];
    for (const sb of this.sandboxes.values()) {
      if (sb.spec.namespace !== namespace || sb.spec.name !== pod) continue;
      for (const c of sb.containers.values()) if (c.name === container) out.push({ id: c.id, state: c.state });
    }
    return out;
  }

  private exit(c: FakeContainer, exitCode: number, reason: string): void {
    if (c.state.kind !== 'running') return;
    if (c.timer !== undefined) this.clock.clearTimeout(c.timer);
    if (c.killTimer !== undefined) this.clock.clearTimeout(c.killTimer);
    c.timer = undefined;
    c.killTimer = undefined;
    c.state = { kind: 'exited', startedAt: c.state.startedAt, finishedAt: this.clock.now(), exitCode, reason };
    c.log.end();
    for (const w of c.stopWaiters.splice(0)) w();
    const ev: RuntimeEvent = { kind: 'container-exited', sandboxId: c.sandboxId, containerId: c.id, name: c.name };
    queueMicrotask(() => {
      for (const l of [...this.listeners]) l(ev);
    });
  }

  async probe(containerId: string, kind: ProbeKind, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
    const c = this.containers.get(containerId);
    if (c === undefined || c.state.kind !== 'running') return { kind: 'error', message: `container ${containerId} is not running` };
    const sb = this.sandboxes.get(c.sandboxId)!;
    const custom = this.probeOverride?.({ namespace: sb.spec.namespace, pod: sb.spec.name, container: c.name, kind, target });
    const b = c.behaviour.probe;
    const run = custom ?? (typeof b === 'function' ? b(kind, target) : b === 'failure' ? failureFor(target) : this.defaultProbe(c, sb, target));
    return withTimeout(Promise.resolve(run), timeoutMs, this.clock, target);
  }

  private async defaultProbe(c: FakeContainer, sb: FakeSandbox, target: ProbeTarget): Promise<ProbeOutcome> {
    if (target.kind !== 'exec') return { kind: 'success', output: '' };
    const r = await runFakeCommand(target.command, this.execContext(c, sb));
    if ('error' in r) return { kind: 'error', message: r.error };
    return r.exitCode === 0 ? { kind: 'success', output: r.output } : { kind: 'failure', output: r.output };
  }

  private execContext(c: FakeContainer, sb: FakeSandbox): FakeExecContext {
    const s = sb.spec;
    return { hostname: s.hostname, ip: s.ip, prefixLength: s.prefixLength, resolvConf: s.resolvConf, env: { HOSTNAME: s.hostname, ...c.env }, clock: this.clock };
  }

  exec(containerId: string, req: RuntimeExecRequest, io: ExecIO): Promise<RuntimeExecStart> {
    const c = this.containers.get(containerId);
    if (c === undefined || c.state.kind !== 'running') return Promise.resolve({ kind: 'error', message: `container not running (${containerId})` });
    return Promise.resolve(startFakeExec(req.command, req.tty, io, this.execContext(c, this.sandboxes.get(c.sandboxId)!)));
  }

  logs(containerId: string): LogSource | undefined {
    return this.containers.get(containerId)?.log;
  }

  status(sandboxId: string): Promise<RuntimeSandboxStatus | undefined> {
    const sb = this.sandboxes.get(sandboxId);
    return Promise.resolve(sb === undefined ? undefined : snapshot(sb));
  }

  listSandboxes(): Promise<readonly RuntimeSandboxStatus[]> {
    return Promise.resolve([...this.sandboxes.values()].map(snapshot));
  }

  subscribe(listener: (ev: RuntimeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function snapshot(sb: FakeSandbox): RuntimeSandboxStatus {
  return {
    id: sb.id,
    podUid: sb.spec.podUid,
    namespace: sb.spec.namespace,
    name: sb.spec.name,
    ip: sb.spec.ip,
    ready: true,
    containers: [...sb.containers.values()].map((c) => ({ id: c.id, sandboxId: c.sandboxId, name: c.name, attempt: c.attempt, image: c.image, imageRef: c.imageRef, state: c.state })),
  };
}

function endpoint(t: { host: string; port: number }): string {
  return t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
}

/** What kubelet's probers print for a refused / failing target. */
export function failureFor(t: ProbeTarget): ProbeOutcome {
  switch (t.kind) {
    case 'http':
      return { kind: 'failure', output: 'HTTP probe failed with statuscode: 503' };
    case 'tcp':
      return { kind: 'failure', output: `dial tcp ${endpoint(t)}: connect: connection refused` };
    case 'grpc':
      return { kind: 'failure', output: `timeout: failed to connect service "${endpoint(t)}" within 1s` };
    case 'exec':
      return { kind: 'failure', output: '' };
  }
}

function timeoutFor(t: ProbeTarget, timeoutMs: number): ProbeOutcome {
  switch (t.kind) {
    case 'http':
      return { kind: 'failure', output: `Get "${t.scheme}://${endpoint(t)}${t.path}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` };
    case 'tcp':
      return { kind: 'failure', output: `dial tcp ${endpoint(t)}: i/o timeout` };
    case 'grpc':
      return { kind: 'failure', output: `timeout: health rpc did not complete within ${Math.round(timeoutMs / 1000)}s` };
    case 'exec':
      return { kind: 'failure', output: `command "${t.command.join(' ')}" timed out` };
  }
}

function withTimeout(p: Promise<ProbeOutcome>, timeoutMs: number, clock: Clock, target: ProbeTarget): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => resolve(timeoutFor(target, timeoutMs)), timeoutMs);
    p.then(
      (o) => {
        clock.clearTimeout(timer);
        resolve(o);
      },
      (e: unknown) => {
        clock.clearTimeout(timer);
        resolve({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
      },
    );
  });
}
