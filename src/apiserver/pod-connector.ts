// The narrow interface through which the API server reaches the node that runs a pod
// (kubelet's exec / logs endpoints in Kubernetes). The node agent implements it; the
// API server only frames the streams.
import type { Pod } from '../api/index.js';

export interface ExecRequest {
  readonly container: string | undefined;
  readonly command: readonly string[];
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
}

export interface ExecIO {
  stdout(data: Uint8Array): void;
  stderr(data: Uint8Array): void;
}

export type ExecOutcome = { readonly kind: 'exited'; readonly exitCode: number } | { readonly kind: 'error'; readonly message: string };

export interface ExecSession {
  stdin(data: Uint8Array): void;
  closeStdin(): void;
  resize(width: number, height: number): void;
  /** Ends the process (client went away). */
  kill(): void;
  readonly done: Promise<ExecOutcome>;
}

export interface LogOptions {
  readonly container: string | undefined;
  readonly follow: boolean;
  readonly tailLines: number | undefined;
  readonly timestamps: boolean;
  readonly previous: boolean;
  readonly limitBytes: number | undefined;
  readonly sinceSeconds: number | undefined;
}

export interface PodConnector {
  /** Starts a process in the pod's container. Throws with a user-facing message when it can't. */
  exec(pod: Pod, req: ExecRequest, io: ExecIO): ExecSession;
  /** Writes the container log; with follow, keeps writing until `signal` aborts. */
  logs(pod: Pod, opts: LogOptions, write: (chunk: string) => void, signal: AbortSignal): Promise<void>;
}
