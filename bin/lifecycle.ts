// `svcnet up | down | status`: process lifecycle around the lab. The foreground `up`
// writes STATE_DIR/svcnet.json once ready (pid, server URL, kubeconfig); `--detach`
// re-runs `up` in the background and waits for that file; `down` signals that pid.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseIPv4, type Result } from '../src/core/index.js';
import { advertise as lbAdvertise } from '../src/lb/index.js';
import { startLab, type BgpConfig, type ProxyMode } from './lab.js';
type BgpPeerSpec = lbAdvertise.BgpPeerSpec;
import { callAdmin } from './lab-commands.js';

export interface UpOptions {
  readonly stateDir: string;
  readonly detach: boolean;
  readonly port: number;
  readonly address: string;
  readonly dnsPort: number;
  readonly dnsMetricsPort: number;
  readonly proxyMode: ProxyMode;
  readonly bgpPeer: readonly string[];
  readonly bgpPeerAsn: string;
  readonly bgpAsn: string;
  readonly bgpRouterId: string;
}

interface RunInfo {
  readonly pid: number;
  readonly server: string;
  readonly kubeconfig: string;
  readonly dns?: string;
  readonly dnsMetrics?: string;
  readonly proxyMode?: string;
  readonly startedAt: string;
}

const infoFile = (dir: string) => join(dir, 'svcnet.json');

function readInfo(dir: string): RunInfo | undefined {
  try {
    return JSON.parse(readFileSync(infoFile(dir), 'utf8')) as RunInfo;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** --bgp-* flags checked before anything starts: every mistake reported at once. */
function bgpConfig(o: UpOptions): Result<BgpConfig | undefined, string[]> {
  if (o.bgpPeer.length === 0) return { ok: true, value: undefined };
  const errors: string[] = [];
  const peers: BgpPeerSpec[] = [];
  for (const p of o.bgpPeer) {
    const r = lbAdvertise.parseBgpPeer(p, o.bgpPeerAsn);
    if (r.ok) peers.push(r.value);
    else errors.push(`--bgp-peer: ${r.error}`);
  }
  const asn = lbAdvertise.checkAsn(o.bgpAsn);
  if (!asn.ok) errors.push(`--bgp-asn: ${asn.error}`);
  if (!parseIPv4(o.bgpRouterId).ok) errors.push(`--bgp-router-id: "${o.bgpRouterId}" is not an IPv4 address`);
  if (errors.length > 0 || !asn.ok) return { ok: false, error: errors };
  return { ok: true, value: { peers, localAsn: asn.value, routerId: o.bgpRouterId } };
}

/** The view `svcnet up` suggests for the dataplane of each mode. */
const PROXY_VIEW: Record<ProxyMode, string> = {
  openflow: 'svcnet ofctl dump-flows k8s-node1',
  nftables: 'svcnet nft list ruleset k8s-node1',
  iptables: 'svcnet iptables-save k8s-node1',
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runUp(opts: UpOptions): Promise<number> {
  const dir = resolve(opts.stateDir);
  mkdirSync(dir, { recursive: true });
  const running = readInfo(dir);
  if (running !== undefined && alive(running.pid)) {
    console.error(`error: a lab is already running from ${dir} (pid ${running.pid}, ${running.server}).\n` + `Run \`svcnet down --state-dir ${opts.stateDir}\` first, or pick another --state-dir.`);
    return 1;
  }
  const bgp = bgpConfig(opts);
  if (!bgp.ok) {
    console.error(bgp.error.map((e) => `error: ${e}`).join('\n'));
    return 2;
  }
  if (opts.detach) return detach(dir, opts);

  const t0 = Date.now();
  const progress = (msg: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
  let lab: Awaited<ReturnType<typeof startLab>>;
  try {
    lab = await startLab({ stateDir: dir, address: opts.address, port: opts.port, dnsPort: opts.dnsPort, dnsMetricsPort: opts.dnsMetricsPort, proxyMode: opts.proxyMode, ...(bgp.value !== undefined ? { bgp: bgp.value } : {}), progress });
  } catch (e) {
    console.error(`error: the lab failed to start: ${(e as Error).message}`);
    return 1;
  }
  const info: RunInfo = { pid: process.pid, server: lab.server, kubeconfig: lab.kubeconfig, dns: lab.dns, dnsMetrics: lab.dnsMetrics, proxyMode: lab.proxyMode, startedAt: new Date().toISOString() };
  writeFileSync(infoFile(dir), JSON.stringify(info, null, 2) + '\n');
  progress('ready');
  const [dnsHost, dnsPort] = [lab.dns.slice(0, lab.dns.lastIndexOf(':')), lab.dns.slice(lab.dns.lastIndexOf(':') + 1)];
  console.log(`\nsvcnet is up. API server ${lab.server}, cluster DNS ${lab.dns} (metrics http://${lab.dnsMetrics}/metrics)\n\n  export KUBECONFIG=${lab.kubeconfig}\n  kubectl get pods -A -o wide\n  dig @${dnsHost} -p ${dnsPort} kubernetes.default.svc.cluster.local\n  ${PROXY_VIEW[lab.proxyMode]}\n`);
  console.log(`Stop it with Ctrl-C (or \`svcnet down --state-dir ${opts.stateDir}\` when detached).`);

  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${sig}: stopping...`);
      lab
        .stop()
        .catch((e: unknown) => console.error(`error while stopping: ${(e as Error).message}`))
        .finally(() => {
          const cur = readInfo(dir);
          if (cur?.pid === process.pid) rmSync(infoFile(dir), { force: true });
          resolveStop();
        });
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
  console.log('stopped.');
  return 0;
}

async function detach(dir: string, opts: UpOptions): Promise<number> {
  const logPath = join(dir, 'svcnet.log');
  const fd = openSync(logPath, 'a');
  const child = spawn(process.execPath, [resolve(new URL('.', import.meta.url).pathname, 'svcnet.js'), 'up', '--state-dir', dir, '--port', String(opts.port), '--address', opts.address, '--dns-port', String(opts.dnsPort), '--dns-metrics-port', String(opts.dnsMetricsPort), '--proxy-mode', opts.proxyMode, ...opts.bgpPeer.flatMap((p) => ['--bgp-peer', p]), '--bgp-peer-asn', opts.bgpPeerAsn, '--bgp-asn', opts.bgpAsn, '--bgp-router-id', opts.bgpRouterId], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: process.env,
  });
  closeSync(fd);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) {
    console.error('error: could not start the background process');
    return 1;
  }
  const t0 = Date.now();
  let lastDot = t0;
  process.stdout.write(`starting svcnet in the background (pid ${pid}, log ${logPath})`);
  while (Date.now() - t0 < 120_000) {
    const info = readInfo(dir);
    if (info !== undefined && info.pid === pid) {
      console.log(` ready in ${((Date.now() - t0) / 1000).toFixed(1)}s\n\n  export KUBECONFIG=${info.kubeconfig}\n`);
      return 0;
    }
    if (!alive(pid)) {
      console.log('');
      const tail = existsSync(logPath) ? readFileSync(logPath, 'utf8').split('\n').slice(-15).join('\n') : '';
      console.error(`error: svcnet exited during start-up. Last lines of ${logPath}:\n${tail}`);
      return 1;
    }
    if (Date.now() - lastDot > 1000) {
      process.stdout.write('.');
      lastDot = Date.now();
    }
    await sleep(100);
  }
  console.error(`\nerror: svcnet did not become ready within 120 s; see ${logPath}`);
  return 1;
}

export async function runDown(opts: { stateDir: string }): Promise<number> {
  const dir = resolve(opts.stateDir);
  const info = readInfo(dir);
  if (info === undefined || !alive(info.pid)) {
    if (info !== undefined) rmSync(infoFile(dir), { force: true });
    console.log(`svcnet is not running (state dir ${dir}).`);
    return 0;
  }
  process.kill(info.pid, 'SIGTERM');
  const t0 = Date.now();
  while (alive(info.pid) && Date.now() - t0 < 20_000) await sleep(100);
  if (alive(info.pid)) {
    console.error(`pid ${info.pid} did not stop within 20 s; sending SIGKILL`);
    process.kill(info.pid, 'SIGKILL');
    await sleep(200);
  }
  rmSync(infoFile(dir), { force: true });
  console.log(`svcnet stopped (pid ${info.pid}).`);
  return 0;
}

export async function runStatus(opts: { stateDir: string }): Promise<number> {
  const dir = resolve(opts.stateDir);
  const info = readInfo(dir);
  if (info === undefined || !alive(info.pid)) {
    console.log(`svcnet is not running (state dir ${dir}). Start it with \`svcnet up --state-dir ${opts.stateDir}\`.`);
    return 3;
  }
  const ports = await callAdmin(dir, 'GET', '/v1/views/host-ports');
  const body = ports.kind === 'answer' ? (ports.body as { ok?: boolean; stdout?: string }) : undefined;
  const hostPorts = body?.ok === true && body.stdout !== undefined && body.stdout !== '' ? `\n  host access (NodePorts and LoadBalancer VIPs on this machine):\n${body.stdout.trimEnd().split('\n').map((l) => `    ${l}`).join('\n')}` : '';
  console.log(`svcnet is running\n  pid:        ${info.pid}\n  since:      ${info.startedAt}\n  API server: ${info.server}\n  proxy mode: ${info.proxyMode ?? 'openflow'}\n  kubeconfig: ${info.kubeconfig}${info.dns !== undefined ? `\n  DNS:        ${info.dns}` : ''}${info.dnsMetrics !== undefined ? `\n  metrics:    http://${info.dnsMetrics}/metrics` : ''}${hostPorts}`);
  return 0;
}
