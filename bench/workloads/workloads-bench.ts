// Workloads benchmark: D deployments x R replicas (default 1,000 x 10) plus one Service per
// deployment, against an in-process API server (MemoryStore and SqliteStore on a temp file)
// with every controller running and a simulated kubelet that marks pods Running+Ready as
// soon as they are bound. Reports:
//   - time until every pod is Running and every pod IP is a ready endpoint in a slice;
//   - pod Ready -> EndpointSlice updated latency, p50/p99: from the moment a watcher sees the
//     pod's Ready=True to the moment a watcher sees a slice listing it ready; measured during
//     the creation storm and in steady state (--flips pods turned not-ready and ready again
//     afterwards, 4 at a time);
//   - the API requests made until convergence, by verb and resource.
// Run: node --import tsx bench/workloads/workloads-bench.ts [--store=memory|sqlite|both]
//      [--deployments=1000] [--replicas=10] [--flips=200]
// Client, controllers, kubelet and API server share one event loop (one core), so every
// figure includes all of their CPU. (Running the controllers on a worker thread over loopback
// HTTP was tried: slower, since the API server's thread is the bottleneck and TCP costs more
// than the in-process transport.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Deployment, EndpointSlice, Node, Pod, Service } from '../../src/api/index.js';
import { startApiServer } from '../../src/apiserver/api-server.js';
import { Informer, Resources, RestClient } from '../../src/client/index.js';
import { startControllers } from '../../src/controllers/index.js';
import { MemoryStore, SqliteStore, type Store } from '../../src/store/index.js';

const arg = (name: string, def: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? def;
const STORES = arg('store', 'both');
const D = Number(arg('deployments', '1000'));
const R = Number(arg('replicas', '10'));
const FLIPS = Number(arg('flips', '200'));
const NS = 'bench';
const NODES = ['k8s-master', 'k8s-node1', 'k8s-node2'];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;
const sec = (x: number) => `${(x / 1000).toFixed(1)} s`;
const rfc3339 = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

interface PodView {
  readonly ns: string;
  readonly name: string;
  readonly node: string;
  readonly running: boolean;
  readonly ready: boolean;
  readonly deleting: boolean;
  readonly containers: number;
}

const podView = (p: Pod): PodView => ({
  ns: p.metadata.namespace ?? '',
  name: p.metadata.name ?? '',
  node: p.spec?.nodeName ?? '',
  running: p.status?.phase === 'Running',
  ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true,
  deleting: p.metadata.deletionTimestamp !== undefined,
  containers: p.spec?.containers.length ?? 1,
});

/**
 * The simulated kubelet: bound pod -> one status write (Running, Ready, pod IP). Real
 * kubelets write status from one status manager each, rate-limited; this one keeps at most
 * KUBELET_IN_FLIGHT writes outstanding for the whole cluster.
 */
const KUBELET_IN_FLIGHT = 16;

class Kubelet {
  /** One watch per worker node (spec.nodeName=<node>), as each node's kubelet watches only its pods. */
  readonly informers: Informer<Pod, PodView>[];
  private readonly inFlight = new Set<string>();
  private readonly backlog = new Map<string, PodView>();
  private readonly notReady = new Set<string>();
  private nextIP = 0;
  private readonly ips = new Map<string, string>();
  /** pod name -> when a watcher first saw it Ready (this round). */
  readonly readyAt = new Map<string, number>();
  running = 0;

  constructor(private readonly client: RestClient) {
    this.informers = NODES.map((node) => new Informer<Pod, PodView>({ client, resource: Resources.pods, namespace: NS, fieldSelector: `spec.nodeName=${node}`, transform: podView }));
    for (const inf of this.informers) {
      inf.addHandler({
        onAdd: (p) => this.handle(undefined, p),
        onUpdate: (old, p) => this.handle(old, p),
      });
    }
  }

  ipOf(name: string): string {
    let ip = this.ips.get(name);
    if (ip === undefined) {
      const n = this.nextIP++;
      ip = `10.${64 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
      this.ips.set(name, ip);
    }
    return ip;
  }

  async setReady(name: string, ready: boolean): Promise<void> {
    if (ready) this.notReady.delete(name);
    else this.notReady.add(name);
    const p = this.get(name);
    if (p !== undefined) await this.write(p);
  }

  private get(name: string): PodView | undefined {
    for (const inf of this.informers) {
      const p = inf.getByName(NS, name);
      if (p !== undefined) return p;
    }
    return undefined;
  }

  private handle(old: PodView | undefined, p: PodView): void {
    if (p.ready && old?.ready !== true && !this.readyAt.has(p.name)) this.readyAt.set(p.name, performance.now());
    if (p.running && old?.running !== true) this.running++;
    if (p.node === '' || p.deleting || this.inFlight.has(p.name)) return;
    const wantReady = !this.notReady.has(p.name);
    if (p.running && p.ready === wantReady) return;
    if (this.inFlight.size >= KUBELET_IN_FLIGHT) this.backlog.set(p.name, p);
    else void this.write(p);
  }

  private async write(p: PodView): Promise<void> {
    this.inFlight.add(p.name);
    const ready = !this.notReady.has(p.name);
    const now = rfc3339();
    const ip = this.ipOf(p.name);
    const c = (type: string, s: boolean) => ({ type, status: s ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now });
    const status = {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      hostIP: '10.190.5.11',
      startTime: now,
      conditions: [c('Initialized', true), c('Ready', ready), c('ContainersReady', ready), c('PodScheduled', true)],
    };
    try {
      await this.client.patch(Resources.pods, p.ns, p.name, 'merge', { status }, { subresource: 'status' });
    } catch {
      // retried on the next event for this pod
    } finally {
      this.inFlight.delete(p.name);
      const next = this.backlog.entries().next();
      if (!next.done) {
        this.backlog.delete(next.value[0]);
        const cur = this.get(next.value[0]);
        if (cur !== undefined) this.handle(undefined, cur);
      }
    }
  }
}

/** Watches slices: pod name -> when it first showed up ready in a slice (this round). */
class SliceWatcher {
  readonly informer: Informer<EndpointSlice>;
  readonly readyIn = new Map<string, number>();
  readonly readyPods = new Set<string>();
  private readonly bySlice = new Map<string, Set<string>>();

  constructor(client: RestClient) {
    this.informer = new Informer<EndpointSlice>({ client, resource: Resources.endpointslices, namespace: NS });
    const seen = (s: EndpointSlice) => {
      const now = performance.now();
      const names = new Set<string>();
      for (const e of s.endpoints) {
        const n = e.targetRef?.name;
        if (n === undefined || e.conditions?.ready !== true) continue;
        names.add(n);
        if (!this.readyIn.has(n)) this.readyIn.set(n, now);
      }
      const key = s.metadata.name ?? '';
      for (const n of this.bySlice.get(key) ?? []) if (!names.has(n)) this.readyPods.delete(n);
      for (const n of names) this.readyPods.add(n);
      this.bySlice.set(key, names);
    };
    this.informer.addHandler({ onAdd: seen, onUpdate: (_, s) => seen(s) });
  }
}

function deployment(i: number): Deployment {
  const app = `app-${i}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `web-${i}`, namespace: NS },
    spec: {
      replicas: R,
      selector: { matchLabels: { app } },
      template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'web', image: 'dumlutimuralp/nsx-demo', ports: [{ name: 'http', containerPort: 8080 }] }] } },
    },
  };
}

function service(i: number): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${i}`, namespace: NS }, spec: { selector: { app: `app-${i}` }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } };
}

async function pool<T>(items: readonly T[], n: number, fn: (x: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}

async function until(cond: () => boolean, timeoutMs: number, every = 20): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > end) return false;
    await new Promise((r) => setTimeout(r, every));
  }
  return true;
}

function latencies(k: Kubelet, w: SliceWatcher, names: Iterable<string>): number[] {
  const out: number[] = [];
  for (const n of names) {
    const a = k.readyAt.get(n);
    const b = w.readyIn.get(n);
    if (a !== undefined && b !== undefined) out.push(Math.max(0, b - a));
  }
  return out;
}

async function run(kind: 'memory' | 'sqlite'): Promise<void> {
  let dir: string | undefined;
  let store: Store;
  if (kind === 'memory') store = new MemoryStore();
  else {
    dir = mkdtempSync(join(tmpdir(), 'workloads-bench-'));
    store = SqliteStore.open(join(dir, 'state.db'));
  }
  const server = await startApiServer({ store, tokens: new Map([['tok', 'admin']]), port: 0, extraNamespaces: [NS] });
  // Requests by verb and resource, to see where the API work goes.
  const requests = new Map<string, number>();
  const handler: typeof server.http.handle = (req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const parts = u.pathname.split('/').filter((x) => x !== '');
    const nsIdx = parts.indexOf('namespaces');
    const rest = nsIdx >= 0 ? parts.slice(nsIdx + 2) : parts.slice(parts[0] === 'api' ? 2 : 3);
    const what = `${req.method} ${rest[0] ?? ''}${rest[2] !== undefined ? `/${rest[2]}` : ''}${u.searchParams.get('watch') === 'true' ? ' (watch)' : ''}`;
    requests.set(what, (requests.get(what) ?? 0) + 1);
    server.http.handle(req, res);
  };
  const client = new RestClient({ handler, token: 'tok', timeoutMs: 120_000 });
  for (const [i, name] of NODES.entries()) {
    const n = await client.create<Node>(Resources.nodes, undefined, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: name === 'k8s-master' ? { 'node-role.kubernetes.io/control-plane': '' } : {} },
      spec: { podCIDR: `10.244.${i}.0/24`, ...(name === 'k8s-master' ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' as const }] } : {}) },
    });
    await client.updateStatus<Node>(Resources.nodes, undefined, { ...n, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready' }] } });
  }
  const controllers = startControllers(client);
  await controllers.synced;
  const kubelet = new Kubelet(client);
  const watcher = new SliceWatcher(client);
  for (const inf of kubelet.informers) inf.start();
  watcher.informer.start();
  await Promise.all([...kubelet.informers.map((i) => i.hasSynced()), watcher.informer.hasSynced()]);

  const total = D * R;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const ids = Array.from({ length: D }, (_, i) => i);
  await pool(ids, 16, async (i) => {
    await client.create(Resources.services, NS, service(i));
    await client.create(Resources.deployments, NS, deployment(i));
  });
  const tCreated = performance.now() - t0;
  let tRunning = NaN;
  const ok = await until(() => {
    if (Number.isNaN(tRunning) && kubelet.running >= total) tRunning = performance.now() - t0;
    return kubelet.running >= total && watcher.readyPods.size >= total;
  }, 600_000);
  const tConverged = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const storm = latencies(kubelet, watcher, kubelet.readyAt.keys());
  console.log(`\n[${kind}] ${D} deployments x ${R} replicas + ${D} services (${total} pods)`);
  console.log(`  objects created (2x${D} POSTs, 16 in flight): ${sec(tCreated)}`);
  console.log(`  all ${total} pods Running:                 ${sec(tRunning)}`);
  console.log(`  all pod IPs ready in EndpointSlices:       ${ok ? sec(tConverged) : `NOT CONVERGED after ${sec(tConverged)} (${kubelet.running} running, ${watcher.readyPods.size} in slices)`}`);
  console.log(`  process CPU during convergence:            ${sec((cpu.user + cpu.system) / 1000)} (${(((cpu.user + cpu.system) / 1000 / tConverged) * 100).toFixed(0)}% of one core)`);
  console.log(`  Ready -> slice during the storm: n=${storm.length} p50 ${ms(pct(storm, 50))} p99 ${ms(pct(storm, 99))} max ${ms(pct(storm, 100))}`);
  const reqs = [...requests].sort((a, b) => b[1] - a[1]);
  console.log(`  API requests until converged: ${reqs.reduce((n, [, c]) => n + c, 0)} (${reqs.map(([k, c]) => `${k} ${c}`).join(', ')})`);

  // Steady state: flip pods not-ready and back, a few at a time, and time each Ready -> slice.
  const names = [...kubelet.readyAt.keys()].slice(0, FLIPS);
  await new Promise((r) => setTimeout(r, 2000));
  const steady: number[] = [];
  await pool(names, 4, async (n) => {
    await kubelet.setReady(n, false);
    await until(() => !watcher.readyPods.has(n), 10_000, 2);
    kubelet.readyAt.delete(n);
    watcher.readyIn.delete(n);
    await kubelet.setReady(n, true);
    await until(() => watcher.readyIn.has(n) && kubelet.readyAt.has(n), 10_000, 2);
    const l = latencies(kubelet, watcher, [n]);
    steady.push(...l);
  });
  console.log(`  Ready -> slice in steady state (${names.length} flips, 4 at a time): p50 ${ms(pct(steady, 50))} p99 ${ms(pct(steady, 99))} max ${ms(pct(steady, 100))}`);

  const tStop = performance.now();
  for (const inf of kubelet.informers) inf.stop();
  watcher.informer.stop();
  await controllers.stop();
  const tCtrl = performance.now();
  client.close();
  await server.close();
  if (process.env['BENCH_DEBUG'] !== undefined) console.log(`  teardown: controllers ${ms(tCtrl - tStop)}, server ${ms(performance.now() - tCtrl)}`);
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

for (const kind of STORES === 'both' ? (['memory', 'sqlite'] as const) : [STORES as 'memory' | 'sqlite']) await run(kind);
process.exit(0);
