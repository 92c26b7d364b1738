// `svcnet exec <client|node> -- CMD...`: runs one command of the emulated shell (curl,
// ping, dig, nslookup, ...) on a machine of the lab that is not a pod — the external
// client host or a node's own stack — the way `kubectl exec` does for pods. Output is
// collected and returned with the exit status; there is no terminal.
import { realClock, type Clock, type IPv4 } from '../src/core/index.js';
import { runCommand } from '../src/dataplane/apps/index.js';
import type { HostStack } from '../src/dataplane/host/index.js';

export interface ExecTarget {
  readonly name: string;
  readonly stack: HostStack;
  readonly ip: IPv4;
  /** /etc/resolv.conf of that machine. */
  readonly resolvConf: string;
}

export interface ExecOutcome {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Longest a command may run before it is interrupted (like a Ctrl-C): exit 130. */
export const EXEC_TIMEOUT_MS = 60_000;

export async function execOn(target: ExecTarget, argv: readonly string[], o: { readonly clock?: Clock; readonly timeoutMs?: number } = {}): Promise<ExecOutcome> {
  let stdout = '';
  let stderr = '';
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort('interrupt'), o.timeoutMs ?? EXEC_TIMEOUT_MS);
  try {
    const exitCode = await runCommand(
      argv,
      { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), signal: abort.signal },
      { stack: target.stack, podName: target.name, podIP: target.ip, hostname: target.name, resolvConf: target.resolvConf, clock: o.clock ?? realClock, log: () => undefined },
    );
    return { exitCode, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}
