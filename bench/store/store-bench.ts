// Store benchmarks: acknowledged writes/s, list latency, watch fan-out latency, for the
// memory and SQLite backends. Run: node --import tsx bench/store/store-bench.ts [--quick]
// SQLite uses a file in os.tmpdir() (removed afterwards) with the default synchronous=FULL.
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MemoryStore, SqliteStore, type CommitInfo, type Store } from '../../src/store/index.js';

const quick = process.argv.includes('--quick');
const enc = new TextEncoder();

/** A Pod-shaped JSON document of about 1 KB. */
function podJson(ns: string, name: string, gen = 1): Uint8Array {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      uid: `3f2c${name.padStart(28, '0')}`.slice(0, 32),
      generation: gen,
      labels: { app: 'web', 'pod-template-hash': '5d8f7c9b6d', tier: 'frontend' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f7c9b6d', controller: true }],
      creationTimestamp: '2024-05-01T10:00:00Z',
    },
    spec: {
      nodeName: `node-${name.length % 7}`,
      containers: [
        {
          name: 'web',
          image: 'registry.example/web:1.25.3',
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
        },
      ],
      serviceAccountName: 'default',
      restartPolicy: 'Always',
    },
    status: {
      phase: 'Running',
      podIP: '10.244.1.23',
      hostIP: '192.168.10.11',
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: 'True',
        lastTransitionTime: '2024-05-01T10:00:05Z',
      })),
      containerStatuses: [{ name: 'web', ready: true, restartCount: 0, image: 'registry.example/web:1.25.3' }],
    },
  };
  return enc.encode(JSON.stringify(pod));
}

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
const ms = (x: number): string => `${x.toFixed(2)} ms`;

/** Runs `total` creates with `inflight` concurrent creators; returns acknowledged writes/s. */
async function writeRate(store: Store, prefix: string, total: number, inflight: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      await store.create(`${prefix}${String(i).padStart(7, '0')}`, podJson('bench', `w-${i}`));
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
  return total / ((performance.now() - t0) / 1000);
}

async function listLatency(store: Store, prefix: string, revision?: number): Promise<{ median: number; items: number }> {
  const times: number[] = [];
  let items = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = await store.list(prefix, revision === undefined ? {} : { revision });
    times.push(performance.now() - t0);
    items = r.items.length;
  }
  times.sort((a, b) => a - b);
  return { median: pct(times, 50), items };
}

/** Time to walk all pages; with `revision` pinned to an older snapshot (pages served from history). */
async function pagedListLatency(store: Store, prefix: string, limit: number, revision?: number): Promise<number> {
  const t0 = performance.now();
  let cont: string | undefined;
  do {
    const first = revision === undefined ? { limit } : { limit, revision };
    const r = await store.list(prefix, cont === undefined ? first : { limit, continue: cont });
    cont = r.continue;
  } while (cont !== undefined);
  return performance.now() - t0;
}

/** Commit times by revision, filled by SqliteStore's onCommit hook. */
const committedAt = new Map<number, number>();
const recordCommit = (b: CommitInfo): void => {
  const now = performance.now();
  for (let r = b.firstRevision; r <= b.lastRevision; r++) committedAt.set(r, now);
};

/** Latency to delivery at each of `watchers` watchers: from the write call, and from the commit (if known). */
async function watchLatency(
  store: Store,
  watchers: number,
  writes: number,
  inflight: number,
): Promise<{ fromCall: number[]; fromCommit: number[] }> {
  const started = new Map<number, number>(); // sequence number -> write call time
  const fromCall: number[] = [];
  const fromCommit: number[] = [];
  let delivered = 0;
  const ws = Array.from({ length: watchers }, () =>
    store.watch('/watch/', undefined, {
      onEvent: (e) => {
        const now = performance.now();
        const seq = Number(e.kv.key.slice('/watch/'.length));
        fromCall.push(now - (started.get(seq) ?? NaN));
        const c = committedAt.get(e.revision);
        if (c !== undefined) fromCommit.push(now - c);
        delivered++;
      },
    }),
  );
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < writes) {
      const i = next++;
      started.set(i, performance.now());
      await store.create(`/watch/${i}`, podJson('watch', `p-${i}`));
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
  while (delivered < watchers * writes) await new Promise((r) => setTimeout(r, 1));
  for (const w of ws) w.close();
  const up = (a: number, b: number): number => a - b;
  return { fromCall: fromCall.sort(up), fromCommit: fromCommit.sort(up) };
}

async function bench(name: string, open: () => Store): Promise<void> {
  console.log(`\n== ${name}`);
  committedAt.clear();
  const store = open();
  const n = quick ? 2000 : 20000;
  console.log(`writes, 64 in flight:       ${(await writeRate(store, '/w64/', n, 64)).toFixed(0)} acknowledged writes/s (${n} creates)`);
  const seqN = quick ? 300 : 2000;
  console.log(`writes, 1 at a time:        ${(await writeRate(store, '/w1/', seqN, 1)).toFixed(0)} acknowledged writes/s (${seqN} creates)`);

  const { fromCall, fromCommit } = await watchLatency(store, 100, quick ? 200 : 1000, 8);
  const dist = (l: number[]): string => `p50 ${ms(pct(l, 50))}, p99 ${ms(pct(l, 99))}, max ${ms(pct(l, 100))}`;
  console.log(`watch, 100 watchers, 8 writers, ${fromCall.length} deliveries:`);
  console.log(`  write call -> delivery:   ${dist(fromCall)}`);
  if (fromCommit.length > 0) console.log(`  commit -> delivery:       ${dist(fromCommit)}`);

  for (const size of quick ? [10_000] : [10_000, 100_000]) {
    const have = await store.count('/registry/pods/');
    const t0 = performance.now();
    let next = have;
    const load = async (): Promise<void> => {
      while (next < size) {
        const i = next++;
        await store.create(`/registry/pods/ns-${i % 50}/pod-${i}`, podJson(`ns-${i % 50}`, `pod-${i}`));
      }
    };
    await Promise.all(Array.from({ length: 256 }, load));
    const loadS = (performance.now() - t0) / 1000;
    const cur = await listLatency(store, '/registry/pods/');
    const old = await listLatency(store, '/registry/pods/', store.currentRevision() - 1);
    const paged = await pagedListLatency(store, '/registry/pods/', 500);
    const pagedOld = await pagedListLatency(store, '/registry/pods/', 500, store.currentRevision() - 1);
    const ns = await listLatency(store, '/registry/pods/ns-7/');
    console.log(`list ${size} pods (loaded ${size - have} in ${loadS.toFixed(1)} s):`);
    console.log(`  current revision:         ${ms(cur.median)} (${cur.items} items, median of 5); one namespace ${ms(ns.median)} (${ns.items})`);
    console.log(`  older revision:           ${ms(old.median)} (median of 5)`);
    console.log(`  all pages of 500:         ${ms(paged)} at the current revision, ${ms(pagedOld)} pinned to an older one`);
  }
  await store.close();
}

/** Raw fsync latency of the bench directory's disk: SQLite FULL commits cannot beat it. */
function fsyncProbe(path: string): string {
  const fd = openSync(path, 'w');
  const page = new Uint8Array(4096);
  const t: number[] = [];
  for (let i = 0; i < 200; i++) {
    writeSync(fd, page);
    const t0 = performance.now();
    fsyncSync(fd);
    t.push(performance.now() - t0);
  }
  closeSync(fd);
  t.sort((a, b) => a - b);
  return `fsync of a 4 KiB append: p50 ${ms(pct(t, 50))}, p99 ${ms(pct(t, 99))}`;
}

const dir = mkdtempSync(join(tmpdir(), 'svcnet-store-bench-'));
try {
  console.log(fsyncProbe(join(dir, 'probe.bin')));
  if (!process.argv.includes('--sqlite-only')) await bench('MemoryStore', () => new MemoryStore());
  await bench('SqliteStore (file, synchronous=FULL)', () => SqliteStore.open(join(dir, 'full.db'), { onCommit: recordCommit }));
  if (process.argv.includes('--normal')) {
    await bench('SqliteStore (file, synchronous=NORMAL)', () =>
      SqliteStore.open(join(dir, 'normal.db'), { synchronous: 'NORMAL', onCommit: recordCommit }),
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
