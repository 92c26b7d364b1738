// A PodRuntime whose pods live on an emulated network: every sandbox gets an IP stack with
// eth0 plugged in by the node's PodNetwork (pod-network.ts: br-int on the NSX lab, cni0 on
// the generic lab), every container runs the app
// its image maps to (emulated-apps.ts) on that stack, probes connect from the node's own
// stack over the fabric as kubelet's do, and exec reaches the app's shell (or a minimal
// one). An image no app answers for fails to pull with ErrImagePull, never "runs".
//
// Containers of one pod share the pod's stack (one network namespace). Init containers run
// their command through the container's exec and exit with its status (no command: exit 0).
import { createHash } from 'node:crypto';
import type { PullPolicy } from '../api/index.js';
import { realClock, silentLogger, type Clock, type Logger, type TimerHandle } from '../core/index.js';
import type { NsxLab } from '../dataplane/fabric/index.js';
import type { HostNic, HostStack } from '../dataplane/host/index.js';
import type { ExecIO } from './connector-types.js';
import { unknownImageMessage, type AppContext, type AppImage, type AppLauncher, type RunningApp } from './emulated-apps.js';
import { nsxPodNetwork } from './emulated-network.js';
import { runFakeCommand, startFakeExec, type FakeExecContext } from './fake-exec.js';
import { imageIdFor, normalizeImage } from './image-name.js';
import { LogRing } from './log-ring.js';
import { networkProbe } from './network-probe.js';
import type { PodNetwork, PodNetworkAttachment } from './pod-network.js';
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

interface EmulatedRuntimeBase {
  readonly nodeName: string;
  /** The node's own stack (management NIC): probes come from here; hostNetwork pods use it. */
  readonly nodeStack: HostStack;
  readonly apps: AppLauncher;
  readonly clock?: Clock;
  /** Randomness for the pods' stacks (ISNs, ephemeral ports) with `lab`; default Math.random. */
  readonly random?: () => number;
  readonly logCapacity?: number;
  readonly log?: Logger;
}

/**
 * Where pods get their eth0: a PodNetwork (nsxPodNetwork, genericPodNetwork), or `lab`, the
 * NSX lab, short for `network: nsxPodNetwork(lab, nodeName, clock, random)`.
 */
export type EmulatedRuntimeOptions = EmulatedRuntimeBase & ({ readonly network: PodNetwork; readonly lab?: never } | { readonly lab: NsxLab; readonly network?: never });

/** A pod on the emulated network, for views and tests. */
export interface EmulatedPod {
  readonly namespace: string;
  readonly name: string;
  readonly sandboxId: string;
  readonly ip: string;
  readonly stack: HostStack;
  /** eth0 (undefined for hostNetwork pods, which use the node's stack). */
  readonly nic: HostNic | undefined;
  readonly network: PodNetworkAttachment | undefined;
}

const RETIRED_KEPT = 500;
const IMAGE_SIZE = 28_319_392;

interface Container {
  readonly id: string;
  readonly sandboxId: string;
  readonly name: string;
  readonly attempt: number;
  readonly image: string;
  readonly imageRef: string;
  readonly log: LogRing;
  readonly ctx: AppContext;
  state: RuntimeContainerState;
  app: RunningApp | undefined;
  killTimer: TimerHandle | undefined;
  readonly stopWaiters: (() => void)[];
}

interface Sandbox {
  readonly id: string;
  readonly spec: SandboxSpec;
  readonly stack: HostStack;
  readonly network: PodNetworkAttachment | undefined;
  readonly containers: Map<string, Container>;
}

export class EmulatedRuntime implements PodRuntime {
  readonly name = 'svcnet';
  readonly version = '0.1.0';
  readonly nodeName: string;
  readonly network: PodNetwork;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly sandboxes = new Map<string, Sandbox>();
  private readonly containers = new Map<string, Container>();
  private readonly listeners = new Set<(ev: RuntimeEvent) => void>();
  private readonly retired: string[] = [];
  private seq = 0;

  constructor(private readonly opts: EmulatedRuntimeOptions) {
    this.nodeName = opts.nodeName;
    this.clock = opts.clock ?? realClock;
    this.log = (opts.log ?? silentLogger).child('emulated-runtime');
    this.network = opts.network !== undefined ? opts.network : nsxPodNetwork(opts.lab, opts.nodeName, this.clock, opts.random);
  }

  get nodeStack(): HostStack {
    return this.opts.nodeStack;
  }

  /** Pods with a live sandbox on this node. */
  pods(): EmulatedPod[] {
    return [...this.sandboxes.values()].map((sb) => ({
      namespace: sb.spec.namespace,
      name: sb.spec.name,
      sandboxId: sb.id,
      ip: sb.spec.ip,
      stack: sb.stack,
      nic: sb.network?.nic,
      network: sb.network,
    }));
  }

  pod(namespace: string, name: string): EmulatedPod | undefined {
    return this.pods().find((p) => p.namespace === namespace && p.name === name);
  }

  private newId(what: string): string {
    return createHash('sha256').update(`${this.nodeName}/${what}/${++this.seq}/${this.clock.now()}`).digest('hex');
  }

  // ---- sandboxes --------------------------------------------------------------------------

  createSandbox(spec: SandboxSpec): Promise<SandboxOutcome> {
    const id = this.newId(`sandbox/${spec.podUid}`);
    let stack = this.opts.nodeStack;
    let network: PodNetworkAttachment | undefined;
    if (!spec.hostNetwork) {
      const r = this.network.attach(spec, id);
      if (!r.ok) return Promise.resolve({ kind: 'error', message: `failed to setup network for sandbox "${id}": ${r.error}` });
      network = r.value;
      stack = network.stack;
    }
    this.sandboxes.set(id, { id, spec, stack, network, containers: new Map() });
    this.log.debug('sandbox created', { pod: `${spec.namespace}/${spec.name}`, ip: spec.ip, port: network?.port });
    return Promise.resolve({ kind: 'created', sandboxId: id });
  }

  removeSandbox(sandboxId: string): Promise<void> {
    const sb = this.sandboxes.get(sandboxId);
    if (sb === undefined) return Promise.resolve();
    for (const c of sb.containers.values()) {
      if (c.state.kind === 'running') {
        this.stopApp(c);
        this.exit(c, 137, 'Error');
      }
      // Logs of removed containers stay readable for a while (kubectl logs of a finished pod).
      this.retired.push(c.id);
    }
    while (this.retired.length > RETIRED_KEPT) this.containers.delete(this.retired.shift()!);
    if (sb.network !== undefined) this.network.detach(sb.spec);
    this.sandboxes.delete(sandboxId);
    return Promise.resolve();
  }

  // ---- images -----------------------------------------------------------------------------

  pullImage(image: string, policy: PullPolicy): Promise<PullOutcome> {
    const invalid = this.opts.apps.invalidName?.(image);
    if (invalid !== undefined) return Promise.resolve({ kind: 'error', reason: 'InvalidImageName', message: invalid });
    const app = this.opts.apps.find(image);
    const imageRef = imageIdFor(image);
    if (app === undefined) {
      if (policy === 'Never') return Promise.resolve({ kind: 'error', reason: 'ErrImageNeverPull', message: `Container image "${image}" is not present with pull policy of Never` });
      return Promise.resolve({ kind: 'error', reason: 'ErrImagePull', message: unknownImageMessage(this.opts.apps) });
    }
    // Known images are preloaded on every node.
    if (policy === 'Always') return Promise.resolve({ kind: 'pulled', imageRef, durationMs: 0, sizeBytes: IMAGE_SIZE });
    return Promise.resolve({ kind: 'present', imageRef });
  }

  // ---- containers -------------------------------------------------------------------------

  startContainer(sandboxId: string, cfg: ContainerConfig): Promise<StartOutcome> {
    const sb = this.sandboxes.get(sandboxId);
    if (sb === undefined) return Promise.resolve({ kind: 'error', reason: 'CreateContainerError', message: `failed to create containerd container: sandbox ${sandboxId} not found` });
    const image = this.opts.apps.find(cfg.image);
    if (image === undefined) return Promise.resolve({ kind: 'error', reason: 'CreateContainerError', message: `failed to create containerd container: ${unknownImageMessage(this.opts.apps)}` });
    const now = this.clock.now();
    const id = this.newId(`container/${sandboxId}/${cfg.name}/${cfg.attempt}`);
    const log = new LogRing(this.opts.logCapacity ?? 1000);
    const s = sb.spec;
    let c: Container;
    const ctx: AppContext = {
      stack: sb.stack,
      namespace: s.namespace,
      podName: s.name,
      containerName: cfg.name,
      hostname: s.hostname,
      ip: s.ip,
      prefixLength: s.prefixLength,
      gateway: s.gateway,
      resolvConf: s.resolvConf,
      env: { HOSTNAME: s.hostname, ...cfg.env },
      command: cfg.command,
      args: cfg.args,
      clock: this.clock,
      log: (text, stream = 'stdout') => log.write({ time: this.clock.now(), stream, text }),
      exit: (code, reason) => queueMicrotask(() => this.exit(c, code, reason ?? (code === 0 ? 'Completed' : 'Error'))),
    };
    c = {
      id,
      sandboxId,
      name: cfg.name,
      attempt: cfg.attempt,
      image: normalizeImage(cfg.image),
      imageRef: cfg.imageRef,
      log,
      ctx,
      state: { kind: 'running', startedAt: now },
      app: undefined,
      killTimer: undefined,
      stopWaiters: [],
    };
    sb.containers.set(id, c);
    this.containers.set(id, c);
    if (cfg.init) this.runInit(c, image, [...cfg.command, ...cfg.args]);
    else this.launch(c, image);
    return Promise.resolve({ kind: 'started', containerId: id, startedAt: now });
  }

  private launch(c: Container, image: AppImage): void {
    try {
      c.app = image.launch(c.ctx);
    } catch (e) {
      c.ctx.log(`${image.description}: ${e instanceof Error ? e.message : String(e)}`, 'stderr');
      queueMicrotask(() => this.exit(c, 1, 'Error'));
    }
  }

  /** An init container: its command, run to completion in the image's exec environment. */
  private runInit(c: Container, image: AppImage, argv: readonly string[]): void {
    if (argv.length === 0) return void queueMicrotask(() => this.exit(c, 0, 'Completed'));
    this.launch(c, image);
    void this.runToEnd(c, argv).then((r) => {
      if ('error' in r) c.ctx.log(r.error, 'stderr');
      else if (r.output !== '') for (const line of r.output.replace(/\n$/, '').split('\n')) c.ctx.log(line);
      this.stopApp(c);
      this.exit(c, 'error' in r ? 128 : r.exitCode, 'error' in r || r.exitCode !== 0 ? 'Error' : 'Completed');
    });
  }

  stopContainer(containerId: string, gracePeriodSeconds: number): Promise<void> {
    const c = this.containers.get(containerId);
    if (c === undefined || c.state.kind !== 'running') return Promise.resolve();
    const stopped = new Promise<void>((r) => c.stopWaiters.push(r));
    if (c.killTimer !== undefined) return stopped;
    const code = this.stopApp(c);
    if (code === 'ignore') c.killTimer = this.clock.setTimeout(() => this.exit(c, 137, 'Error'), Math.max(0, gracePeriodSeconds) * 1000);
    else this.exit(c, code, code === 0 ? 'Completed' : 'Error');
    return stopped;
  }

  /** SIGTERM to the app; an app that throws counts as exiting with 1. */
  private stopApp(c: Container): number | 'ignore' {
    const app = c.app;
    if (app === undefined) return 0;
    try {
      return app.stop();
    } catch (e) {
      this.log.debug('app stop threw', { container: c.id, error: e instanceof Error ? e.message : String(e) });
      return 1;
    }
  }

  private exit(c: Container, exitCode: number, reason: string): void {
    if (c.state.kind !== 'running') return;
    if (c.killTimer !== undefined) this.clock.clearTimeout(c.killTimer);
    c.killTimer = undefined;
    c.app = undefined;
    c.state = { kind: 'exited', startedAt: c.state.startedAt, finishedAt: this.clock.now(), exitCode, reason };
    c.log.end();
    for (const w of c.stopWaiters.splice(0)) w();
    const ev: RuntimeEvent = { kind: 'container-exited', sandboxId: c.sandboxId, containerId: c.id, name: c.name };
    queueMicrotask(() => {
      for (const l of [...this.listeners]) l(ev);
    });
  }

  // ---- probes, exec, logs -----------------------------------------------------------------

  async probe(containerId: string, _kind: ProbeKind, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
    const c = this.containers.get(containerId);
    if (c === undefined || c.state.kind !== 'running') return { kind: 'error', message: `container ${containerId} is not running` };
    switch (target.kind) {
      case 'http':
      case 'tcp':
        return networkProbe(this.opts.nodeStack, target, timeoutMs, this.clock);
      case 'grpc':
        return { kind: 'error', message: 'gRPC probes are not supported by the svcnet emulator' };
      case 'exec': {
        let timer: TimerHandle | undefined;
        const timeout = new Promise<ProbeOutcome>((r) => (timer = this.clock.setTimeout(() => r({ kind: 'failure', output: `command "${target.command.join(' ')}" timed out` }), timeoutMs)));
        const run = this.runToEnd(c, target.command).then((r): ProbeOutcome => {
          if ('error' in r) return { kind: 'error', message: r.error };
          return r.exitCode === 0 ? { kind: 'success', output: r.output } : { kind: 'failure', output: r.output };
        });
        const out = await Promise.race([run, timeout]);
        if (timer !== undefined) this.clock.clearTimeout(timer);
        return out;
      }
    }
  }

  exec(containerId: string, req: RuntimeExecRequest, io: ExecIO): Promise<RuntimeExecStart> {
    const c = this.containers.get(containerId);
    if (c === undefined || c.state.kind !== 'running') return Promise.resolve({ kind: 'error', message: `container not running (${containerId})` });
    return Promise.resolve(this.startExec(c, req.command, req.tty, io));
  }

  private startExec(c: Container, argv: readonly string[], tty: boolean, io: ExecIO): RuntimeExecStart {
    if (c.app?.exec !== undefined) return c.app.exec(argv, tty, io);
    return startFakeExec(argv, tty, io, this.minimalExecContext(c));
  }

  private minimalExecContext(c: Container): FakeExecContext {
    const x = c.ctx;
    return { hostname: x.hostname, ip: x.ip, prefixLength: x.prefixLength, resolvConf: x.resolvConf, env: x.env, clock: this.clock };
  }

  /** Runs argv without stdin and collects stdout+stderr (exec probes, init containers). */
  private async runToEnd(c: Container, argv: readonly string[]): Promise<{ readonly exitCode: number; readonly output: string } | { readonly error: string }> {
    if (c.app?.exec === undefined) return runFakeCommand(argv, this.minimalExecContext(c));
    let output = '';
    const io: ExecIO = { stdout: (d) => (output += Buffer.from(d).toString('utf8')), stderr: (d) => (output += Buffer.from(d).toString('utf8')) };
    const s = c.app.exec(argv, false, io);
    if (s.kind === 'error') return { error: s.message };
    const o = await s.session.done;
    return o.kind === 'exited' ? { exitCode: o.exitCode, output } : { error: o.message };
  }

  logs(containerId: string): LogSource | undefined {
    return this.containers.get(containerId)?.log;
  }

  // ---- status -----------------------------------------------------------------------------

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

  /** Stops every app and unplugs every pod (the lab is shutting down). */
  async shutdown(): Promise<void> {
    for (const id of [...this.sandboxes.keys()]) await this.removeSandbox(id);
  }
}

function snapshot(sb: Sandbox): RuntimeSandboxStatus {
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
