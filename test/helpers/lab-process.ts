// Test helper: runs `svcnet up` as a child process in a temporary state dir and drives
// the real /usr/bin/kubectl against it. Only loopback addresses are used.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(new URL('../..', import.meta.url).pathname);
export const KUBECTL = '/usr/bin/kubectl';

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface LabProcess {
  readonly stateDir: string;
  readonly kubeconfig: string;
  readonly server: string;
  readonly token: string;
  readonly caPem: string;
  /** host:port of the cluster DNS on the host. */
  readonly dns: string;
  /** host:port of the cluster DNS's Prometheus endpoint (GET /metrics) on the host. */
  readonly dnsMetrics: string;
  /** Runs `svcnet <args>` against this lab's state dir (appends --state-dir where the command takes it). */
  svcnet(args: readonly string[]): KubectlResult;
  kubectl(args: readonly string[], opts?: { input?: string; env?: Record<string, string>; timeoutMs?: number }): KubectlResult;
  /** Stops the lab (SIGTERM, then waits). Keeps the state dir unless `remove`. */
  stop(remove?: boolean): Promise<void>;
  /** Stops and starts again on the same state dir. */
  restart(): Promise<LabProcess>;
}

async function waitFor<T>(fn: () => T | undefined, timeoutMs: number, what: string, child?: ChildProcess, log?: () => string): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (child !== undefined && child.exitCode !== null) throw new Error(`${what}: process exited with ${child.exitCode}\n${log?.() ?? ''}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: timed out after ${timeoutMs} ms\n${log?.() ?? ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startLab(opts: { stateDir?: string; extraArgs?: readonly string[] } = {}): Promise<LabProcess> {
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), 'svcnet-test-'));
  let output = '';
  const child = spawn(process.execPath, [join(repo, 'bin/svcnet.js'), 'up', '--state-dir', stateDir, '--port', '0', '--dns-port', '0', '--dns-metrics-port', '0', ...(opts.extraArgs ?? [])], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SVCNET_LOG: process.env['SVCNET_LOG'] ?? 'warn' },
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const ready = waitFor(
    () => {
      const p = join(stateDir, 'svcnet.json');
      if (!existsSync(p)) return undefined;
      try {
        const j = JSON.parse(readFileSync(p, 'utf8')) as { pid: number; server: string; kubeconfig: string; dns: string; dnsMetrics: string };
        return j.pid === child.pid ? j : undefined;
      } catch {
        return undefined;
      }
    },
    120_000,
    'svcnet up',
    child,
    () => output,
  );
  // A lab that failed to come up must not outlive the test (its pipes would keep the runner alive).
  const info = await ready.catch((e: unknown) => {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw e;
  });
  const home = mkdtempSync(join(tmpdir(), 'svcnet-kubectl-home-'));
  const lab: LabProcess = {
    stateDir,
    kubeconfig: info.kubeconfig,
    server: info.server,
    token: readFileSync(join(stateDir, 'admin.token'), 'utf8').trim(),
    caPem: readFileSync(join(stateDir, 'pki', 'ca.crt'), 'utf8'),
    dns: info.dns,
    dnsMetrics: info.dnsMetrics,
    svcnet(args) {
      // Options go before a `--` (after it, everything is the command of `svcnet exec`).
      const dd = args.indexOf('--');
      const argv = dd === -1 ? [...args, '--state-dir', stateDir] : [...args.slice(0, dd), '--state-dir', stateDir, ...args.slice(dd)];
      const r = spawnSync(process.execPath, [join(repo, 'bin/svcnet.js'), ...argv], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, SVCNET_LOG: 'warn' } });
      return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    },
    kubectl(args, o = {}) {
      const r = spawnSync(KUBECTL, [...args], {
        input: o.input ?? '',
        encoding: 'utf8',
        timeout: o.timeoutMs ?? 30_000,
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: info.kubeconfig, ...(o.env ?? {}) },
      });
      return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    },
    async stop(remove = true) {
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      if (remove) {
        rmSync(stateDir, { recursive: true, force: true });
        rmSync(home, { recursive: true, force: true });
      }
    },
    async restart() {
      await lab.stop(false);
      return startLab({ stateDir, ...(opts.extraArgs !== undefined ? { extraArgs: opts.extraArgs } : {}) });
    },
  };
  return lab;
}
