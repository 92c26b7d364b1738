// The exec / logs contract between the API server and the node that runs a pod. These types
// are structurally identical to src/apiserver/pod-connector.ts (the node may not import the
// API server); bin/ hands a NodeConnector to `setConnector` and the type checker verifies the
// two agree.
import type { Pod } from '../api/index.js';

export interface ExecRequest {
  readonly container: string;
  readonly command: readonly string[];
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
}

/** Output of the process. With tty there is no separate stderr. */
export interface ExecIO {
  stdout(data: Uint8Array): void;
  stderr(data: Uint8Array): void;
}

export type ExecOutcome = { readonly kind: 'exited'; readonly exitCode: number } | { readonly kind: 'error'; readonly message: string };

export interface ExecSession {
  stdin(data: Uint8Array): void;
  closeStdin(): void;
  resize(width: number, height: number): void;
  kill(): void;
  readonly done: Promise<ExecOutcome>;
}

export interface StreamRefusal {
  readonly kind: 'refused';
  readonly reason: 'BadRequest' | 'NotFound' | 'InternalError';
  readonly message: string;
}

export type ExecStart = { readonly kind: 'started'; readonly session: ExecSession } | StreamRefusal;

export interface LogOptions {
  readonly container: string;
  readonly follow: boolean;
  readonly tailLines: number | undefined;
  readonly timestamps: boolean;
  readonly previous: boolean;
  readonly limitBytes: number | undefined;
  readonly sinceSeconds: number | undefined;
}

export type LogOutcome = { readonly kind: 'done' } | StreamRefusal;

export interface NodeConnector {
  exec(pod: Pod, req: ExecRequest, io: ExecIO): Promise<ExecStart>;
  logs(pod: Pod, opts: LogOptions, write: (chunk: string) => void, signal: AbortSignal): Promise<LogOutcome>;
}
