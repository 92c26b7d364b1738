// What an app "inside" a pod gets from the runtime, and how a command talks to its
// terminal. Apps never reach past these: the pod's HostStack is the only network, the
// Clock the only time, `log` the container log (`kubectl logs`).
import type { Clock } from '../../core/clock.js';
import type { IPv4 } from '../../core/ip.js';
import type { HostStack } from '../host/index.js';

export interface AppContext {
  readonly stack: HostStack;
  readonly podName: string;
  readonly podIP: IPv4;
  /** The text of the pod's /etc/resolv.conf (kubelet-generated). */
  readonly resolvConf: string;
  readonly hostname: string;
  readonly clock: Clock;
  /** One line (no trailing newline) to the container log. */
  readonly log: (line: string) => void;
  /** The text of /etc/hosts; default: kubelet's file for this pod (see resolv-conf.ts). */
  readonly hostsFile?: string;
  /** Container environment (e.g. the Service variables kubelet injects). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Terminal input as the runtime delivers it (kubectl exec's stdin stream). Chunks that
 * arrive while nobody reads are kept, so nothing typed ahead is lost.
 */
export interface InputSource {
  /** Registers the reader (one at a time); returns a function that unregisters it. */
  read(onData: (chunk: string) => void, onEnd?: () => void): () => void;
}

/** The runtime's (and tests') end of an InputSource. */
export class InputPipe implements InputSource {
  private buffered: string[] = [];
  private ended = false;
  private reader: { readonly onData: (c: string) => void; readonly onEnd: (() => void) | undefined } | undefined;

  write(chunk: string): void {
    if (this.ended || chunk === '') return;
    if (this.reader !== undefined) this.reader.onData(chunk);
    else this.buffered.push(chunk);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.reader !== undefined) this.reader.onEnd?.();
  }

  read(onData: (chunk: string) => void, onEnd?: () => void): () => void {
    const me = { onData, onEnd };
    this.reader = me;
    const pending = this.buffered;
    this.buffered = [];
    for (const c of pending) {
      if (this.reader !== me) {
        // The reader went away while handling buffered input: keep the rest for the next one.
        this.buffered.push(c);
        continue;
      }
      onData(c);
    }
    if (this.ended && this.reader === me) onEnd?.();
    return () => {
      if (this.reader === me) this.reader = undefined;
    };
  }
}

/** A command's streams. With `tty`, output goes through the terminal's \n -> \r\n mapping. */
export interface CommandIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdin?: InputSource;
  /** The runtime ends the command (exec stream closed, pod deleted). */
  readonly signal?: AbortSignal;
}

/** Why a running command was asked to stop. */
export type AbortReason = 'interrupt' | 'terminate';

/** What a command implementation receives: its streams, the pod, and a stop signal. */
export interface Proc {
  readonly ctx: AppContext;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly signal: AbortSignal;
  /** A terminal is attached (ping then runs until Ctrl-C instead of a bounded count). */
  readonly tty: boolean;
  /** Piped input (the left side of `a | b`), if any. */
  readonly input?: string;
}

export type CommandFn = (argv: readonly string[], p: Proc) => Promise<number>;

/** How an interrupted command reports it: 128 + SIGINT, as a shell sees it. */
export const EXIT_INTERRUPTED = 130;

export function interrupted(signal: AbortSignal): boolean {
  return signal.aborted && (signal.reason as AbortReason | undefined) === 'interrupt';
}
