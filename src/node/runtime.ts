// The container runtime the node agent drives (CRI's role in Kubernetes). The agent decides
// *what* should run (sandboxes, containers, restarts, probes' timing); a runtime decides *how*:
// the in-memory FakeRuntime (tests), or the EmulatedRuntime whose apps live on the emulated
// network (probes really connect; unknown images fail to pull).
//
// Outcomes are discriminated unions; a runtime throws only for programming errors.
import type { PullPolicy } from '../api/index.js';
import type { ExecIO, ExecSession } from './connector-types.js';

export type ProbeKind = 'readiness' | 'liveness' | 'startup';

export interface SandboxSpec {
  readonly podUid: string;
  readonly namespace: string;
  readonly name: string;
  readonly hostname: string;
  readonly hostNetwork: boolean;
  /** The pod's address (the node's own for hostNetwork pods). */
  readonly ip: string;
  readonly prefixLength: number;
  /** Default route; undefined for hostNetwork pods. */
  readonly gateway: string | undefined;
  /** Content of the pod's /etc/resolv.conf. */
  readonly resolvConf: string;
}

export type SandboxOutcome = { readonly kind: 'created'; readonly sandboxId: string } | { readonly kind: 'error'; readonly message: string };

/** Waiting reasons a pull failure maps to, as kubelet reports them. */
export type PullFailureReason = 'ErrImagePull' | 'InvalidImageName' | 'ErrImageNeverPull';

export type PullOutcome =
  | { readonly kind: 'present'; readonly imageRef: string }
  | { readonly kind: 'pulled'; readonly imageRef: string; readonly durationMs: number; readonly sizeBytes: number }
  | { readonly kind: 'error'; readonly reason: PullFailureReason; readonly message: string };

export interface ContainerConfig {
  readonly name: string;
  /** The image as the pod spec names it. */
  readonly image: string;
  readonly imageRef: string;
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Restart count of this incarnation (CRI's metadata.attempt). */
  readonly attempt: number;
  readonly tty: boolean;
  readonly stdin: boolean;
  /** An init container (runs to completion before the regular ones). */
  readonly init: boolean;
}

/** Waiting reasons a failed create/start maps to. */
export type StartFailureReason = 'CreateContainerConfigError' | 'CreateContainerError' | 'RunContainerError';

export type StartOutcome =
  | { readonly kind: 'started'; readonly containerId: string; readonly startedAt: number }
  | { readonly kind: 'error'; readonly reason: StartFailureReason; readonly message: string };

export type RuntimeContainerState =
  | { readonly kind: 'running'; readonly startedAt: number }
  | {
      readonly kind: 'exited';
      readonly startedAt: number;
      readonly finishedAt: number;
      readonly exitCode: number;
      /** "Completed", "Error", "OOMKilled", ... */
      readonly reason: string;
      readonly message?: string;
    };

export interface RuntimeContainerStatus {
  readonly id: string;
  readonly sandboxId: string;
  readonly name: string;
  readonly attempt: number;
  readonly image: string;
  readonly imageRef: string;
  readonly state: RuntimeContainerState;
}

export interface RuntimeSandboxStatus {
  readonly id: string;
  readonly podUid: string;
  readonly namespace: string;
  readonly name: string;
  readonly ip: string;
  readonly ready: boolean;
  readonly containers: readonly RuntimeContainerStatus[];
}

/** Where a probe goes, resolved by the agent (named ports, default host = pod IP). */
export type ProbeTarget =
  | { readonly kind: 'http'; readonly scheme: 'http' | 'https'; readonly host: string; readonly port: number; readonly path: string; readonly headers: readonly { name: string; value: string }[] }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'exec'; readonly command: readonly string[] }
  | { readonly kind: 'grpc'; readonly host: string; readonly port: number; readonly service: string };

/**
 * kubelet's probe results: success; warning (success with a note, e.g. a redirect); failure
 * with the output it shows in the Unhealthy event; error (the prober could not run: the
 * result is thrown away).
 */
export type ProbeOutcome =
  | { readonly kind: 'success'; readonly output: string }
  | { readonly kind: 'warning'; readonly output: string }
  | { readonly kind: 'failure'; readonly output: string }
  | { readonly kind: 'error'; readonly message: string };

export interface RuntimeExecRequest {
  readonly command: readonly string[];
  readonly tty: boolean;
  readonly stdin: boolean;
}

export type RuntimeExecStart = { readonly kind: 'started'; readonly session: ExecSession } | { readonly kind: 'error'; readonly message: string };

export interface LogLine {
  /** ms since the epoch. */
  readonly time: number;
  readonly stream: 'stdout' | 'stderr';
  /** Without the trailing newline. */
  readonly text: string;
}

/** A container's log as the runtime keeps it. */
export interface LogSource {
  /** The lines still kept (a ring buffer may have dropped the oldest). */
  lines(): readonly LogLine[];
  /** New lines as they are written; `onEnd` once the container has exited. Returns unsubscribe. */
  follow(onLine: (line: LogLine) => void, onEnd: () => void): () => void;
}

export type RuntimeEvent = { readonly kind: 'container-exited'; readonly sandboxId: string; readonly containerId: string; readonly name: string };

export interface PodRuntime {
  /** Runtime name, the containerID scheme ("svcnet" -> "svcnet://<id>"). */
  readonly name: string;
  readonly version: string;
  createSandbox(spec: SandboxSpec): Promise<SandboxOutcome>;
  /** Stops whatever still runs in the sandbox and forgets it. */
  removeSandbox(sandboxId: string): Promise<void>;
  pullImage(image: string, policy: PullPolicy): Promise<PullOutcome>;
  startContainer(sandboxId: string, config: ContainerConfig): Promise<StartOutcome>;
  /** Asks the container to stop; resolves once it has exited (SIGKILL after the grace period). */
  stopContainer(containerId: string, gracePeriodSeconds: number): Promise<void>;
  probe(containerId: string, kind: ProbeKind, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome>;
  exec(containerId: string, req: RuntimeExecRequest, io: ExecIO): Promise<RuntimeExecStart>;
  logs(containerId: string): LogSource | undefined;
  status(sandboxId: string): Promise<RuntimeSandboxStatus | undefined>;
  listSandboxes(): Promise<readonly RuntimeSandboxStatus[]>;
  /** Container exits as they happen (the PLEG's input). Returns unsubscribe. */
  subscribe(listener: (ev: RuntimeEvent) => void): () => void;
}
