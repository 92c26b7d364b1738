// 10,000 /32 VIPs advertised to a real gobgpd on 127.0.0.1: time until all are in its RIB.
//   node --import tsx bench/bgp/bgp-bench.ts [count]
// Scenarios:
//   incremental  session up with an empty table, then set(N): set() -> N destinations in gobgpd
//   withdraw     set([]) -> 0 destinations
//   full-table   a fresh speaker with N routes pre-set: start() (TCP + OPEN + full table + EoR) -> N
// "in RIB" is polled with `gobgp global rib summary` (each poll is a CLI process; its own
// latency, printed as poll, bounds the resolution). Also printed: set() CPU time (diff,
// packing, encoding, socket writes) and UPDATE count / octets sent.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { unwrap } from '../../src/core/result.js';
import { Speaker, type Advertisement } from '../../src/bgp/index.js';
import { Gobgpd, gobgpdMissing } from '../../test/bgp/_gobgpd.js';

const N = Number(process.argv[2] ?? 10_000);
const missing = gobgpdMissing();
if (missing !== undefined) {
  console.error(missing);
  process.exit(1);
}

const advs: Advertisement[] = Array.from({ length: N }, (_, i) => ({ prefix: `10.${190 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`, nextHop: '192.0.2.10' }));

let establishedAt = 0;
function makeSpeaker(port: number): Speaker {
  return unwrap(
    Speaker.create(
      { localAs: 65001, routerId: '10.0.0.1', peers: [{ address: '127.0.0.1', port, asn: 64512 }], retry: { initialMs: 200 } },
      { onEvent: (_peer, e) => void (e.kind === 'established' && (establishedAt = performance.now())) },
    ),
  );
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 120_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await probe()) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const g = await Gobgpd.start({ as: 64512, routerId: '192.0.2.1', neighbors: [{ address: '127.0.0.1', peerAs: 65001, passive: true }] });
try {
  const version = spawnSync('gobgpd', ['--version'], { encoding: 'utf8' }).stdout.trim();
  let s = makeSpeaker(g.bgpPort);
  await s.start();
  await until('established', async () => s.status().peers[0]?.state === 'Established', 20_000);

  const tp = performance.now();
  for (let i = 0; i < 5; i++) await g.ribCount();
  const pollMs = (performance.now() - tp) / 5;

  const before = s.status().peers[0];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = s.set(advs);
  const setMs = performance.now() - t0;
  const setCpu = process.cpuUsage(cpu0);
  if (r.kind !== 'applied') throw new Error(JSON.stringify(r));
  const after = s.status().peers[0];
  const updates = (after?.updatesSent ?? 0) - (before?.updatesSent ?? 0);
  const octets = (after?.octetsSent ?? 0) - (before?.octetsSent ?? 0);
  await until('all in RIB', async () => (await g.ribCount()) === N);
  const inc = performance.now() - t0;

  const t1 = performance.now();
  s.set([]);
  await until('all withdrawn', async () => (await g.ribCount()) === 0);
  const wd = performance.now() - t1;

  await s.stop();
  await until('gobgpd sees the session down', async () => (await g.neighborState('127.0.0.1')) !== 6, 20_000);
  s = makeSpeaker(g.bgpPort);
  s.set(advs);
  establishedAt = 0;
  const t2 = performance.now();
  await s.start();
  await until('full table in RIB', async () => (await g.ribCount()) === N);
  const tRib = performance.now();
  await s.stop();

  console.log(`bgp-bench: ${N} /32s to ${version} on 127.0.0.1, node ${process.version}`);
  console.log(`  poll (gobgp global rib summary)        ${pollMs.toFixed(0)} ms per call`);
  console.log(`  set(${N}) CPU                         ${((setCpu.user + setCpu.system) / 1000).toFixed(1)} ms (wall ${setMs.toFixed(1)} ms): ${updates} UPDATEs, ${(octets / 1024).toFixed(1)} KiB`);
  console.log(`  incremental: set() -> ${N} in RIB       ${inc.toFixed(0)} ms`);
  console.log(`  withdraw: set([]) -> 0 in RIB           ${wd.toFixed(0)} ms`);
  console.log(`  full table: Established -> ${N} in RIB  ${(tRib - establishedAt).toFixed(0)} ms`);
  console.log(`  (restart: start() -> Established        ${(establishedAt - t2).toFixed(0)} ms, mostly gobgpd refusing connections for ~5 s after a teardown)`);
} finally {
  await g.dispose();
}
