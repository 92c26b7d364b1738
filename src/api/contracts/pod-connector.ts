// The narrow interface through which the API server reaches the node that runs a pod
// (kubelet's exec / logs endpoints in Kubernetes). The node agent (src/node) implements
// it; the API server (src/apiserver) validates the request (pod scheduled, container in
// the spec) and frames the streams. It lives in src/api because both sides may import
// src/api but not each other.
import type { Pod } from '../types/index.js';

export interface ExecRequest {
  /** Always one of the pod's containers (the API server resolved the default). */
  readonly container: string;
  readonly command: readonly string[];
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
}

/** Output of the process. With tty there is no separate stderr (as with a real pty). */
export interface ExecIO {
  stdout(data: Uint8Array): void;
  stderr(data: Uint8Array): void;
}

export type ExecOutcome =
  | { readonly kind: 'exited'; readonly exitCode: number }
  /** The process could not run to completion for a reason other than its exit code. */
  | { readonly kind: 'error'; readonly message: string };

export interface ExecSession {
  stdin(data: Uint8Array): void;
  /** The client closed its stdin (v5 CLOSE signal): the process sees end of file. */
  closeStdin(): void;
  resize(width: number, height: number): void;
  /** Ends the process (client went away). Harmless after it has exited. */
  kill(): void;
  readonly done: Promise<ExecOutcome>;
}

/**
 * Why the node will not serve a request, before any byte was streamed. The API server
 * answers with a Status of the matching code (400 / 404 / 500), as kubelet's refusals
 * reach kubectl through kube-apiserver.
 */
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

export interface PodConnector {
  /**
   * Starts a process in the pod's container. Output may be written through `io` as soon
   * as this resolves; the API server buffers it until the client's stream is open.
   */
  exec(pod: Pod, req: ExecRequest, io: ExecIO): Promise<ExecStart>;
  /**
   * Writes the container log (applying tailLines, limitBytes, timestamps, since and
   * previous as kubelet does); with follow, keeps writing until `signal` aborts.
   * A refusal is only honoured before the first write.
   */
  logs(pod: Pod, opts: LogOptions, write: (chunk: string) => void, signal: AbortSignal): Promise<LogOutcome>;
}
