// Network programming latency of the NSX kube proxy, end to end through the API:
// an EndpointSlice update written to the API server -> watch event -> each of three
// NsxKubeProxy instances (one per node, each with its own RestClient and informers)
// syncs -> the group modify with the new endpoint is applied to its in-memory br-int.
// The figure per change is the time from the start of the update request until the
// last of the three bridges has the new bucket.
//
// Setup: in-process API server (MemoryStore, no socket; the RestClient calls its
// handler), 10,000 ClusterIP Services (API-allocated VIPs), each with an EndpointSlice
// of 2 endpoints written directly (no controllers). Then ~200 single-endpoint changes,
// one at a time, each on a random Service.
//
// Target (issue): p99 <= 50 ms.
// Run: node --import tsx bench/proxy/programming-latency-bench.ts [--quick]
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { EndpointSlice, Service } from '../../src/api/index.js';
import { startApiServer } from '../../src/apiserver/api-server.js';
import { Resources, RestClient } from '../../src/client/index.js';
import { BridgeProgram, formatGroup } from '../../src/dataplane/openflow/index.js';
import { bridgeProgramProgrammer, isGroupMod, type BridgeMod, type BridgeProgrammer } from '../../src/proxy/apply/bridge-programmer.js';
import { buildSlice } from '../../src/proxy/model/builders.js';
import { NsxKubeProxy } from '../../src/proxy/nsx-kube-proxy.js';
import { MemoryStore } from '../../src/store/index.js';

const quick = process.argv.includes('--quick');
const SERVICES = quick ? 1000 : 10_000;
const CHANGES = quick ? 50 : 200;
const CONCURRENCY = 64;
const NS = 'bench';
const NODES = ['k8s-node1', 'k8s-node2', 'k8s-node3'] as const;

const ipText = (n: number) => `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const POD_BASE = (172 << 24) | (16 << 16);
const NEW_BASE = (172 << 24) | (30 << 16);

function service(i: number): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: NS, name: `svc-${i}` },
    spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }] },
  };
}

function slice(i: number, first: string): EndpointSlice {
  return buildSlice({
    namespace: NS,
    service: `svc-${i}`,
    ports: [{ name: 'http', port: 80, targetPort: 8080 }],
    endpoints: [
      { ip: first, node: NODES[i % 3] ?? 'k8s-node1' },
      { ip: ipText(POD_BASE + i * 2 + 1), node: NODES[(i + 1) % 3] ?? 'k8s-node1' },
    ],
  });
}

async function pool<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < n; i = next++) out[i] = await fn(i);
    }),
  );
  return out;
}

/** Watches one node's applied mods for the bucket an update is waiting for. */
interface Watcher {
  expect: string | undefined;
  onSeen: (node: number) => void;
  groupsAdded: number[];
}

function watchedProgrammer(node: number, w: Watcher): BridgeProgrammer {
  const inner = bridgeProgramProgrammer(new BridgeProgram(), () => Date.now(), { bundles: true });
  const look = (mods: readonly BridgeMod[]) => {
    for (const m of mods) {
      if (!isGroupMod(m) || !('group' in m)) continue;
      if (m.command !== 'modify') w.groupsAdded[node] = (w.groupsAdded[node] ?? 0) + 1;
      if (w.expect !== undefined && formatGroup(m.group).includes(`nat(dst=${w.expect}:`)) w.onSeen(node);
    }
  };
  return {
    flowMod: (m) => inner.flowMod(m),
    groupMod: (m) => {
      const r = inner.groupMod(m);
      if (r.ok) look([m]);
      return r;
    },
    bundle: (mods) => {
      const r = inner.bundle?.(mods) ?? { ok: false as const, error: { code: 'no-bundle' } };
      if (r.ok) look(mods);
      return r;
    },
  };
}

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function main(): Promise<void> {
  console.log(`load average (1 min) ${loadavg()[0]?.toFixed(2)}; ${SERVICES} Services x 2 endpoints, 3 proxies, ${CHANGES} changes`);
  const server = await startApiServer({ store: new MemoryStore(), tokens: new Map([['tok', 'admin']]), port: 0, extraNamespaces: [NS] });
  const writer = new RestClient({ handler: server.http.handle, token: 'tok' });

  let t = performance.now();
  await pool(SERVICES, (i) => writer.create<Service>(Resources.services, NS, service(i)));
  const slices = await pool(SERVICES, (i) => writer.create<EndpointSlice>(Resources.endpointslices, NS, slice(i, ipText(POD_BASE + i * 2))));
  console.log(`created ${SERVICES} Services + ${SERVICES} EndpointSlices through the API in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const w: Watcher = { expect: undefined, onSeen: () => undefined, groupsAdded: [0, 0, 0] };
  const clients = NODES.map(() => new RestClient({ handler: server.http.handle, token: 'tok' }));
  const proxies = NODES.map(
    (nodeName, n) =>
      new NsxKubeProxy({
        client: clients[n] ?? writer,
        nodeName,
        nodeIPs: [`10.190.5.${11 + n}`],
        uplink: { name: 'ens192', ofport: 1 },
        programmer: watchedProgrammer(n, w),
      }),
  );
  t = performance.now();
  for (const p of proxies) p.start();
  await Promise.all(proxies.map((p) => p.ready()));
  console.log(`3 proxies listed and wrote ${w.groupsAdded.join(' / ')} groups in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  try {
    await measure(writer, slices, w);
  } finally {
    for (const p of proxies) p.stop();
    for (const c of clients) c.close();
    writer.close();
    await server.close();
  }
}

async function measure(writer: RestClient, slices: EndpointSlice[], w: Watcher): Promise<void> {
  const lat: number[] = [];
  const writeMs: number[] = [];
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) % 0x7fffffff) / 0x7fffffff;
  for (let k = 0; k < CHANGES; k++) {
    const i = Math.floor(rnd() * SERVICES);
    const cur = slices[i];
    if (cur === undefined) throw new Error(`no slice ${i}`);
    const newIP = ipText(NEW_BASE + k);
    const next: EndpointSlice = { ...slice(i, newIP), metadata: { ...cur.metadata } };
    const seen = new Set<number>();
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`change ${k}: not programmed on all nodes after 10 s (seen on ${[...seen].join(',')})`)), 10_000);
      w.onSeen = (node) => {
        seen.add(node);
        if (seen.size === NODES.length) {
          clearTimeout(timer);
          resolve();
        }
      };
    });
    w.expect = newIP;
    const t0 = performance.now();
    slices[i] = await writer.update<EndpointSlice>(Resources.endpointslices, NS, next);
    writeMs.push(performance.now() - t0);
    await done;
    lat.push(performance.now() - t0);
    w.expect = undefined;
    // Changes one at a time, a little apart, as single endpoint flips would come.
    await new Promise((r) => setTimeout(r, 2));
  }

  const s = [...lat].sort((a, b) => a - b);
  const ws = [...writeMs].sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(2);
  console.log(`API write (update request -> response): p50 ${f(pct(ws, 50))} ms, p99 ${f(pct(ws, 99))} ms`);
  console.log(`network programming latency (update request -> applied on all 3 bridges), n=${s.length}:`);
  console.log(`  p50 ${f(pct(s, 50))} ms  p90 ${f(pct(s, 90))} ms  p99 ${f(pct(s, 99))} ms  max ${f(s[s.length - 1] ?? NaN)} ms  min ${f(s[0] ?? NaN)} ms`);
  console.log(`target p99 <= 50 ms: ${pct(s, 99) <= 50 ? 'met' : 'NOT met'}`);
  console.log(`load average (1 min) at the end ${loadavg()[0]?.toFixed(2)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
