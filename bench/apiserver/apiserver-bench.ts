// API server benchmarks over HTTPS with keep-alive, against an in-process server backed by
// SqliteStore (temp dir, synchronous=FULL) and, for comparison, MemoryStore:
//   1. Service creates/s (POST, 32 in flight)
//   2. list of 100k pods as JSON and as Table (pods written straight into the store)
//   3. watch fan-out: 100 watchers on pods, sequential PATCHes; latency from the write's
//      HTTP response to each watcher receiving the event
// Run: node --import tsx bench/apiserver/apiserver-bench.ts [--quick] [--only=sqlite|memory] [--list-only]
// (--list-only skips the creates and watch parts: part 2 alone.)
// The server runs in this process; the load comes from child processes (load-client.ts), so
// client-side TLS and parsing neither share the server's event loop nor count in its CPU
// time. On a 2-core machine shared with other work wall-clock figures are noisy; the
// server CPU per operation is printed too.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startApiServer } from '../../src/apiserver/api-server.js';
import { encodeObject, objectKey } from '../../src/apiserver/storage.js';
import { generateTls } from '../../src/apiserver/tls.js';
import { MemoryStore, SqliteStore, type Store } from '../../src/store/index.js';
import type { ClientConfig, ClientOp, ClientReply } from './load-client.js';
import { podObject } from './pod-fixture.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const listOnly = process.argv.includes('--list-only');
const TOKEN = 'bench-token';
const N_SERVICES = quick ? 1000 : 5000;
const N_PODS = quick ? 10_000 : 100_000;
const N_WATCHERS = 100;
const N_UPDATES = quick ? 50 : 200;
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const POD_KEYSPACE = { group: '', resource: 'pods', namespaced: true } as const;

const tls = await generateTls({ ips: ['127.0.0.1'], dnsNames: ['localhost'] });

/** A load-generator process (load-client.ts). */
class LoadClient {
  private readonly p: ChildProcess;
  constructor(url: string) {
    const cfg: ClientConfig = { url, ca: tls.caCertPem, token: TOKEN };
    this.p = fork(fileURLToPath(new URL('./load-client.ts', import.meta.url)), [JSON.stringify(cfg)], { execArgv: ['--import', 'tsx'] });
  }
  call<K extends ClientOp['op']>(m: Extract<ClientOp, { op: K }>): Promise<Extract<ClientReply, { op: K }>> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load client exited (${code})`));
      this.p.once('exit', onExit);
      this.p.once('message', (r: { ok?: ClientReply; error?: string }) => {
        this.p.off('exit', onExit);
        if (r.error !== undefined) reject(new Error(r.error));
        else resolve(r.ok as Extract<ClientReply, { op: K }>);
      });
      this.p.send(m);
    });
  }
  async close(): Promise<void> {
    if (this.p.exitCode !== null) return;
    const gone = new Promise((r) => this.p.once('exit', r));
    this.p.disconnect();
    await gone;
  }
}

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
const ms = (x: number) => `${x.toFixed(1)} ms`;

/**
 * Runs `f` and notes how busy the server's event loop was (wall-clock share; on a loaded
 * machine it includes time the OS gave to others) and the server process's CPU time,
 * which the load processes don't share: CPU ms per operation is the steadier figure here.
 */
async function measured<T>(f: () => Promise<T>): Promise<{ v: T; busy: string; cpuMs: number }> {
  const e0 = performance.eventLoopUtilization();
  const c0 = process.cpuUsage();
  const v = await f();
  const busy = `${(performance.eventLoopUtilization(e0).utilization * 100).toFixed(0)}%`;
  const c = process.cpuUsage(c0);
  return { v, busy, cpuMs: (c.user + c.system) / 1000 };
}

async function serviceCreates(c: LoadClient): Promise<string> {
  const service = (name: string, i: number) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: { app: `app-${i % 100}` } },
    spec: { selector: { app: `app-${i % 100}` }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
  });
  // Warm-up (JIT, the 32 TLS handshakes), not counted.
  await c.call({ op: 'creates', path: '/api/v1/namespaces/default/services', bodies: Array.from({ length: N_SERVICES / 5 }, (_, i) => service(`warm-${i}`, i)), inflight: 32 });
  const bodies = Array.from({ length: N_SERVICES }, (_, i) => service(`svc-${i}`, i));
  const { v: r, busy, cpuMs } = await measured(() => c.call({ op: 'creates', path: '/api/v1/namespaces/default/services', bodies, inflight: 32 }));
  return (
    `${(N_SERVICES / r.seconds).toFixed(0)} creates/s (${N_SERVICES} Services, 32 in flight, ${r.seconds.toFixed(2)} s${r.failed > 0 ? `, ${r.failed} FAILED: ${r.firstError}` : ''})` +
    `; server: loop busy ${busy}, CPU ${(cpuMs / N_SERVICES).toFixed(2)} ms/create (= ${(N_SERVICES / (cpuMs / 1000)).toFixed(0)}/s per core)`
  );
}

async function loadPods(store: Store): Promise<{ seconds: number; avgBytes: number }> {
  let next = 0;
  let bytes = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < N_PODS) {
      const i = next++;
      const ns = `ns-${i % 20}`;
      const obj = podObject(ns, i);
      const v = encodeObject(obj as never);
      bytes += v.length;
      await store.create(objectKey(POD_KEYSPACE, ns, (obj['metadata'] as { name: string }).name), v);
    }
  };
  await Promise.all(Array.from({ length: 256 }, worker));
  return { seconds: (performance.now() - t0) / 1000, avgBytes: bytes / N_PODS };
}

async function timeGet(c: LoadClient, path: string, accept: string, runs = 3): Promise<string> {
  const { v: r, busy, cpuMs } = await measured(() => c.call({ op: 'get', path, accept, runs }));
  if (r.status !== 200) return `HTTP ${r.status}: ${r.error}`;
  const totals = [...r.totals].sort((a, b) => a - b);
  const ttfbs = [...r.ttfbs].sort((a, b) => a - b);
  // The first run is shown apart: it fills the API server's Table row cache, later ones hit it.
  return `median ${ms(pct(totals, 50))} (min ${ms(totals[0]!)}; first run ${ms(r.totals[0]!)}; first byte ${ms(pct(ttfbs, 50))}; ${(r.bytes / 1e6).toFixed(1)} MB; ${runs} runs; server: loop busy ${busy}, CPU ${ms(cpuMs / runs)}/list)`;
}

async function watchFanout(url: string, store: Store, writer: LoadClient): Promise<string[]> {
  const ns = 'watch-bench';
  const pods = 10;
  await writer.call({ op: 'creates', path: '/api/v1/namespaces', bodies: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }], inflight: 1 });
  const bodies = Array.from({ length: pods }, (_, i) => ({ ...podObject(ns, i), metadata: { name: `w-${i}`, labels: { app: 'web' } } }));
  const created = await writer.call({ op: 'creates', path: `/api/v1/namespaces/${ns}/pods`, bodies, inflight: 1 });
  if (created.failed > 0) throw new Error(`creating watch pods: ${created.firstError}`);
  const rv = String(store.currentRevision());
  const watcher = new LoadClient(url);
  try {
    await watcher.call({ op: 'watch-open', path: `/api/v1/namespaces/${ns}/pods?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true`, count: N_WATCHERS });
    await new Promise((r) => setTimeout(r, 300));
    const paths = Array.from({ length: N_UPDATES }, (_, i) => `/api/v1/namespaces/${ns}/pods/w-${i % pods}`);
    const { v: p, busy, cpuMs } = await measured(() => writer.call({ op: 'patches', paths, gapMs: 5 }));
    const { seen } = await watcher.call({ op: 'watch-collect', rvs: p.rvs, timeoutMs: 5000 });
    const fromResp: number[] = [];
    const fromSent: number[] = [];
    let missing = 0;
    let early = 0;
    for (const perWatcher of seen) {
      perWatcher.forEach((at, i) => {
        if (at < 0) return void missing++;
        const d = at - p.answered[i]!;
        if (d < 0) early++;
        fromResp.push(Math.max(0, d));
        fromSent.push(at - p.sent[i]!);
      });
    }
    fromResp.sort((a, b) => a - b);
    fromSent.sort((a, b) => a - b);
    const write = p.answered.map((a, i) => a - p.sent[i]!).sort((a, b) => a - b);
    return [
      `${N_WATCHERS} watchers x ${N_UPDATES} PATCHes (one at a time, 5 ms apart) = ${fromResp.length} deliveries${missing > 0 ? `, ${missing} MISSING after 5 s` : ''}`,
      `write response -> watcher: p50 ${ms(pct(fromResp, 50))}, p99 ${ms(pct(fromResp, 99))}, max ${ms(pct(fromResp, 100))} (${early} deliveries came before the response: counted as 0)`,
      `write sent -> watcher:     p50 ${ms(pct(fromSent, 50))}, p99 ${ms(pct(fromSent, 99))}; PATCH round trip p50 ${ms(pct(write, 50))}, p99 ${ms(pct(write, 99))}`,
      `server: loop busy ${busy}, CPU ${ms(cpuMs / N_UPDATES)} per PATCH incl. fan-out to ${N_WATCHERS} watchers`,
    ];
  } finally {
    await watcher.call({ op: 'watch-close' });
    await watcher.close();
  }
}

async function run(name: string, open: () => Store, cleanup: () => void): Promise<void> {
  console.log(`\n== ${name}`);
  const store = open();
  const api = await startApiServer({ store, tokens: new Map([[TOKEN, 'admin']]), port: 0, tls: { cert: tls.certPem, key: tls.keyPem } });
  const c = new LoadClient(api.url);
  try {
    if (!listOnly) {
      console.log(`service creates:   ${await serviceCreates(c)}`);
      const [head, ...rest] = await watchFanout(api.url, store, c);
      console.log(`watch fan-out:     ${head}`);
      for (const line of rest) console.log(`                   ${line}`);
    }
    const load = await loadPods(store);
    console.log(`list: ${N_PODS} pods put into the store directly in ${load.seconds.toFixed(1)} s (${load.avgBytes.toFixed(0)} bytes of JSON each)`);
    console.log(`  all pods, JSON:        ${await timeGet(c, '/api/v1/pods', 'application/json')}`);
    console.log(`  all pods, Table:       ${await timeGet(c, '/api/v1/pods', `${TABLE},application/json`)}`);
    console.log(`  limit=500, Table:      ${await timeGet(c, '/api/v1/pods?limit=500', `${TABLE},application/json`, 5)}   (kubectl get pods -A, first page)`);
    console.log(`  one namespace, JSON:   ${await timeGet(c, '/api/v1/namespaces/ns-7/pods', 'application/json')}   (${N_PODS / 20} pods)`);
  } finally {
    await c.close();
    await api.close();
    await store.close();
    cleanup();
  }
}

console.log(`apiserver bench${quick ? ' (quick)' : ''}: node ${process.version}, HTTPS keep-alive; server in this process, load from child processes`);
if (only === undefined || only === 'sqlite') {
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-apiserver-bench-'));
  await run('SqliteStore (synchronous=FULL, temp dir)', () => SqliteStore.open(join(dir, 'store.db')), () => rmSync(dir, { recursive: true, force: true }));
}
if (only === undefined || only === 'memory') await run('MemoryStore', () => new MemoryStore(), () => undefined);
console.log(`\ntargets: >= 2,000 Service creates/s (SQLite); list ${N_PODS} pods <= 1.5 s; watch p99 <= 20 ms`);
