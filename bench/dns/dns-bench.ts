// Cluster DNS throughput and memory.
//
//   node --import tsx bench/dns/dns-bench.ts [--quick] [--seconds=N] [--sizes=1000,100000]
//                          [--workers=2] [--no-knot] [--profile=FILE.cpuprofile]
//
// For each size: fills a DnsIndex directly (no API server: setup speed), starts DnsServer
// on 127.0.0.1:<free port>, and runs dnsperf over UDP with a query file mixing service A
// (50%), SRV (20%), PTR (15%) and NXDOMAIN (15%) names. In the same run, knotd (Knot DNS,
// a compiled authoritative server) serves equivalent zone files and gets the same load;
// our figure is reported as a ratio to it (knot with its default workers, and with one
// UDP worker since our server is one JS thread). With --workers=N (default 2) the same
// server also runs in N node:cluster worker processes sharing the UDP socket, each with
// its own copy of the index (what running N DNS replicas on one host amounts to). Reference: CoreDNS publishes 33,669 QPS
// for cluster names on 2 vCPUs. Heap and RSS are measured after building 100,000 services.
import { spawn } from 'node:child_process';
import cluster from 'node:cluster';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DnsIndex } from '../../src/dns/cluster-index.js';
import { DnsServer } from '../../src/dns/dns-server.js';
import { DnsMetrics } from '../../src/dns/metrics.js';
import { DnsHandler } from '../../src/dns/query-handler.js';
import { buildQuery } from '../../src/dns/wire/index.js';
import { benchServices, fillIndex, queryLines, zoneFiles, ZONE } from './_bench-cluster.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const opt = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = flag('quick');
const seconds = Number(opt('seconds') ?? (quick ? 3 : 10));
const sizes = (opt('sizes') ?? (quick ? '1000,10000' : '1000,100000')).split(',').map(Number);
const useKnot = !flag('no-knot');
const profileFile = opt('profile');
const workers = Number(opt('workers') ?? 2);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function which(cmd: string): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    p.on('exit', (code) => resolve(code === 0));
    p.on('error', () => resolve(false));
  });
}

interface PerfResult {
  readonly qps: number;
  readonly sent: number;
  readonly lost: number;
  readonly avgLatencyMs: number;
  /** Server CPU time (user + system) per answered query, in microseconds. */
  cpuUsPerQuery?: number;
}

/** CPU time of a process in microseconds: ours via process.cpuUsage, others from /proc. */
function cpuMicros(pid?: number): number {
  if (pid === undefined) {
    const u = process.cpuUsage();
    return u.user + u.system;
  }
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000; // clock ticks of 10 ms
}

/** dnsperf with the server's CPU time measured around it. */
async function measured(port: number, file: string, pid?: number): Promise<PerfResult> {
  const c0 = cpuMicros(pid);
  const r = await dnsperf(port, file, seconds);
  r.cpuUsPerQuery = (cpuMicros(pid) - c0) / Math.max(1, r.sent - r.lost);
  return r;
}

const cpu = (r: PerfResult) => (r.cpuUsPerQuery === undefined ? '' : `, ${r.cpuUsPerQuery.toFixed(1)} us CPU/query`);

/** Runs dnsperf asynchronously (our server shares this event loop). */
function dnsperf(port: number, file: string, secs: number): Promise<PerfResult> {
  return new Promise((resolve, reject) => {
    const p = spawn('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', String(secs), '-c', '8', '-q', '500', '-t', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('exit', () => {
      const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
      const qps = num(/Queries per second:\s+([\d.]+)/);
      if (Number.isNaN(qps)) return reject(new Error(`dnsperf output not understood:\n${out}`));
      resolve({ qps, sent: num(/Queries sent:\s+(\d+)/), lost: num(/Queries lost:\s+(\d+)/), avgLatencyMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000 });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once a server on port answers an SOA query for the zone. */
async function waitForAnswer(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const q = buildQuery(7, ZONE, 6);
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = dgram.createSocket('udp4');
      const t = setTimeout(() => {
        s.close();
        resolve(false);
      }, 300);
      s.on('message', () => {
        clearTimeout(t);
        s.close();
        resolve(true);
      });
      s.send(q, port, '127.0.0.1');
    });
    if (ok) return;
  }
  throw new Error(`nothing answers on 127.0.0.1:${port}`);
}

async function knot(dir: string, zones: Record<string, string>, workers: number | undefined, file: string): Promise<PerfResult> {
  const port = await freePort();
  const zdir = mkdtempSync(join(dir, 'knot-'));
  for (const [name, text] of Object.entries(zones)) writeFileSync(join(zdir, `${name}.zone`), text);
  const conf = [
    'server:',
    `    rundir: "${zdir}"`,
    `    listen: 127.0.0.1@${port}`,
    ...(workers !== undefined ? [`    udp-workers: ${workers}`, '    tcp-workers: 1'] : []),
    'database:',
    `    storage: "${zdir}"`,
    'log:',
    '  - target: stderr',
    '    any: error',
    'template:',
    '  - id: default',
    `    storage: "${zdir}"`,
    '    file: "%s.zone"',
    '    zonefile-sync: -1',
    '    journal-content: none',
    'zone:',
    ...Object.keys(zones).map((z) => `  - domain: ${z}`),
    '',
  ].join('\n');
  writeFileSync(join(zdir, 'knot.conf'), conf);
  const child = spawn('knotd', ['-c', join(zdir, 'knot.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    await waitForAnswer(port, 120_000);
    return await measured(port, file, child.pid);
  } catch (e) {
    throw new Error(`knotd: ${String(e)}\n${err}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

/** A bare UDP echo server (flips QR): the ceiling of one Node process on this machine. */
async function echoCeiling(file: string): Promise<PerfResult> {
  const port = await freePort();
  const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
  s.on('message', (m, r) => {
    m[2] = m[2]! | 0x80;
    s.send(m, r.port, r.address);
  });
  await new Promise<void>((resolve) => s.bind(port, '127.0.0.1', () => resolve()));
  try {
    return await measured(port, file);
  } finally {
    s.close();
  }
}

/** node:cluster worker: build the index, serve on the port the primary picked, report ready. */
async function runWorker(): Promise<void> {
  const n = Number(process.env['DNS_BENCH_SIZE']);
  const port = Number(process.env['DNS_BENCH_PORT']);
  const index = new DnsIndex();
  fillIndex(index, benchServices(n));
  const server = new DnsServer({ handler: new DnsHandler({ index, metrics: new DnsMetrics() }), port });
  await server.start();
  process.send?.('ready');
}

async function clusterRun(n: number, file: string): Promise<PerfResult> {
  const port = await freePort();
  const forked = Array.from({ length: workers }, () => cluster.fork({ DNS_BENCH_SIZE: String(n), DNS_BENCH_PORT: String(port) }));
  try {
    await Promise.all(forked.map((w) => new Promise<void>((resolve, reject) => {
      w.once('message', () => resolve());
      w.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    })));
    return await dnsperf(port, file, seconds);
  } finally {
    for (const w of forked) w.kill();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (b: number) => (b / 1048576).toFixed(1);

async function main(): Promise<void> {
  if (!(await which('dnsperf'))) throw new Error('dnsperf not found (Debian package dnsperf)');
  const haveKnot = useKnot && (await which('knotd'));
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-dns-bench-'));
  console.log(`# cluster DNS benchmark: dnsperf over UDP, ${seconds} s per run, 8 clients, 500 outstanding`);
  const session = profileFile !== undefined ? new Session() : undefined;
  try {
    for (const n of sizes) {
      const services = benchServices(n);
      gc();
      const before = process.memoryUsage();
      const index = new DnsIndex();
      fillIndex(index, services);
      gc();
      const after = process.memoryUsage();
      const file = join(dir, `queries-${n}.txt`);
      writeFileSync(file, queryLines(services, Math.min(50_000, n * 5), rng(n)));
      console.log(`\n## ${fmt(n)} services  index: heap +${mb(after.heapUsed - before.heapUsed)} MB, rss +${mb(after.rss - before.rss)} MB (${fmt((after.heapUsed - before.heapUsed) / n)} B/service)`);

      let ours = 0;
      let oursCpu = 0;
      for (const cache of [true, false]) {
        const handler = new DnsHandler({ index, metrics: new DnsMetrics(), ...(cache ? {} : { cacheMaxEntries: 0 }) });
        const server = new DnsServer({ handler });
        const { port } = await server.start();
        if (session !== undefined && cache) {
          session.connect();
          await session.post('Profiler.enable');
          await session.post('Profiler.start');
        }
        const r = await measured(port, file);
        if (session !== undefined && cache) {
          const { profile } = await session.post('Profiler.stop');
          writeFileSync(profileFile!.replace(/(\.cpuprofile)?$/, `-${n}.cpuprofile`), JSON.stringify(profile));
          session.disconnect();
        }
        await server.close();
        gc();
        const mem = process.memoryUsage();
        console.log(`svcnet (response cache ${cache ? 'on ' : 'off'}): ${fmt(r.qps)} QPS, avg latency ${r.avgLatencyMs.toFixed(2)} ms, lost ${r.lost}/${r.sent}${cpu(r)}, heap ${mb(mem.heapUsed)} MB, rss ${mb(mem.rss)} MB`);
        if (cache) oursCpu = r.cpuUsPerQuery ?? 0;
        if (cache) ours = r.qps;
      }
      const echo = await echoCeiling(file);
      console.log(`node UDP echo (no DNS work, one process): ${fmt(echo.qps)} QPS${cpu(echo)}  -> svcnet/echo = ${(ours / echo.qps).toFixed(2)}`);
      if (workers > 1) {
        const c = await clusterRun(n, file);
        console.log(`svcnet, ${workers} worker processes (node:cluster, shared UDP socket): ${fmt(c.qps)} QPS, avg latency ${c.avgLatencyMs.toFixed(2)} ms, lost ${c.lost}/${c.sent}`);
      }
      if (haveKnot) {
        const zones = zoneFiles(services);
        for (const workers of [undefined, 1]) {
          const k = await knot(dir, zones, workers, file);
          console.log(
            `knotd 3.x (${workers === undefined ? 'default workers' : '1 UDP worker'}): ${fmt(k.qps)} QPS, avg latency ${k.avgLatencyMs.toFixed(2)} ms, lost ${k.lost}/${k.sent}${cpu(k)}  -> svcnet/knot QPS = ${(ours / k.qps).toFixed(2)}, CPU/query ratio = ${(oursCpu / (k.cpuUsPerQuery ?? NaN)).toFixed(1)}x`,
          );
        }
      } else console.log('knotd: not run (not installed or --no-knot)');
      console.log(`svcnet vs CoreDNS published 33,669 QPS: ${(ours / 33669).toFixed(2)}; CPU-bound capacity at ${oursCpu.toFixed(1)} us/query: ~${fmt(1e6 / oursCpu)} QPS per core`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

(cluster.isWorker ? runWorker() : main()).catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exit(1);
});
