// Test helper: run real netfilter tools inside a network namespace the test creates and
// removes, so nothing touches the host's rulesets. Needs root (CI runs tests as root).
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function exec(cmd: string, args: readonly string[], input?: string): ExecResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, timeout: 60_000 });
  if (r.error !== undefined) return { code: -1, stdout: '', stderr: String(r.error) };
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Creates `svcnet-test-<random>`, runs `fn(ns)`, always deletes the namespace. */
export function withNetns<T>(fn: (ns: string, run: (args: readonly string[], input?: string) => ExecResult) => T): T {
  const ns = `svcnet-test-${randomBytes(4).toString('hex')}`;
  const add = exec('ip', ['netns', 'add', ns]);
  if (add.code !== 0) {
    throw new Error(
      `cannot create network namespace ${ns} (\`ip netns add\` exited ${add.code}: ${add.stderr.trim()}). ` +
        'The real-tool acceptance tests need root (CAP_SYS_ADMIN) and iproute2; run them as root.',
    );
  }
  try {
    return fn(ns, (args, input) => exec('ip', ['netns', 'exec', ns, ...args], input));
  } finally {
    exec('ip', ['netns', 'del', ns]);
  }
}
