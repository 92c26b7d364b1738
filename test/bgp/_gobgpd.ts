// Runs a real gobgpd (Debian's package, 3.x) unprivileged on 127.0.0.1 for tests and the
// benchmark: config in a temp dir, BGP and gRPC on free high ports, the `gobgp` CLI to look
// at its RIB. Only the process started here is ever signalled, by its pid.
import { spawn, spawnSync, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, openSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

export interface GobgpdNeighbor {
  readonly address: string;
  readonly peerAs: number;
  /** gobgpd waits for us to connect. */
  readonly passive: boolean;
}

export interface GobgpdOptions {
  readonly as: number;
  readonly routerId: string;
  readonly neighbors: readonly GobgpdNeighbor[];
}

/** Undefined when both binaries run; else a message saying how to get them. */
export function gobgpdMissing(): string | undefined {
  for (const bin of ['gobgpd', 'gobgp']) {
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    if (r.error !== undefined) {
      return `${bin} not found on PATH (${r.error.message}). Install Debian's gobgpd package: apt-get install gobgpd (.ci/run does this in CI).`;
    }
  }
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function toml(o: GobgpdOptions, port: number): string {
  const lines = ['[global.config]', `  as = ${o.as}`, `  router-id = "${o.routerId}"`, `  port = ${port}`, '  local-address-list = ["127.0.0.1"]'];
  for (const n of o.neighbors) {
    lines.push('[[neighbors]]', '  [neighbors.config]', `    neighbor-address = "${n.address}"`, `    peer-as = ${n.peerAs}`);
    lines.push('  [neighbors.transport.config]', `    passive-mode = ${n.passive}`);
  }
  return lines.join('\n') + '\n';
}

export class Gobgpd {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly dir: string,
    readonly bgpPort: number,
    readonly grpcPort: number,
  ) {}

  static async start(o: GobgpdOptions): Promise<Gobgpd> {
    const dir = mkdtempSync(join(tmpdir(), 'svcnet-gobgpd-'));
    const g = new Gobgpd(dir, await freePort(), await freePort());
    writeFileSync(join(dir, 'gobgpd.toml'), toml(o, g.bgpPort));
    await g.launch();
    return g;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'gobgpd.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Starts the daemon (again) on the same ports and waits until its gRPC API answers. */
  async launch(): Promise<void> {
    const out = openSync(join(this.dir, 'gobgpd.log'), 'a');
    const child = spawn('gobgpd', ['-f', join(this.dir, 'gobgpd.toml'), '--api-hosts', `127.0.0.1:${this.grpcPort}`, '--pprof-disable', '-p'], {
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`gobgpd exited with ${child.exitCode}:\n${this.log()}`);
      try {
        await this.cli(['global']);
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`gobgpd API on port ${this.grpcPort} not ready after 15 s:\n${this.log()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  cli(args: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile('gobgp', ['-u', '127.0.0.1', '-p', String(this.grpcPort), ...args], { timeout: 10_000, maxBuffer: 256 * 1024 * 1024 }, (e, stdout, stderr) => {
        if (e !== null) reject(new Error(`gobgp ${args.join(' ')}: ${e.message} ${stderr}`));
        else resolve(stdout);
      });
    });
  }

  /** `gobgp global rib -j`: prefix -> paths. */
  async rib(): Promise<Record<string, { attrs: { type: number; nexthop?: string; as_paths?: { asns: number[] }[] }[] }[]>> {
    const out = (await this.cli(['global', 'rib', '-j'])).trim();
    return out === '' || out === 'null' ? {} : JSON.parse(out);
  }

  /** Destination count from `gobgp global rib summary` ("Destination: N, Path: M"). */
  async ribCount(): Promise<number> {
    const m = /Destination:\s*(\d+)/.exec(await this.cli(['global', 'rib', 'summary']));
    return m === null ? 0 : Number(m[1]);
  }

  /** session_state of the neighbor (6 = established) from `gobgp neighbor -j`. */
  async neighborState(address: string): Promise<number | undefined> {
    const list = JSON.parse(await this.cli(['neighbor', '-j'])) as { state?: { neighbor_address?: string; session_state?: number } }[];
    return list.find((n) => n.state?.neighbor_address === address)?.state?.session_state;
  }

  /** SIGTERM to our own child, SIGKILL if it is still there after 5 s. */
  async stop(): Promise<void> {
    const c = this.child;
    this.child = undefined;
    if (c === undefined || c.exitCode !== null || c.pid === undefined) return;
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(t);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
