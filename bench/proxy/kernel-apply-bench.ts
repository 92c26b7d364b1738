// The kernel's own apply time for our rendered 10,000-Service programs, for reference:
// inside a scratch network namespace this script creates and deletes, time
//   - `nft -f` of the nftables program (first load, then the replace transaction the
//     proxier applies on every sync: add + delete table + the program);
//   - `iptables-restore` of the iptables program (full restore, as our programmer does),
//     then `iptables-restore --noflush` of the same text (kube-proxy's mode).
// Each run is limited to 180 s and reported as "did not finish" beyond that. Needs root.
//
//   node --import tsx bench/proxy/kernel-apply-bench.ts [--services=N] [--endpoints=M]
import { spawnSync } from 'node:child_process';
import { withNetns } from '../../src/dataplane/nftables/_netns.js';
import { nftReplaceTransaction } from '../../src/proxy/apply/netfilter-programmer.js';
import { renderIptables } from '../../src/proxy/render/iptables/render-iptables.js';
import { renderNftables } from '../../src/proxy/render/nftables/render-nftables.js';
import { BENCH_CLUSTER_CIDR, BENCH_NODE, kubeModel } from './_kube-model.js';

const arg = (name: string, d: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d);
const SERVICES = arg('services', 10_000);
const ENDPOINTS = arg('endpoints', 10);
const LIMIT_MS = 180_000;

if (process.getuid?.() !== 0) {
  console.log('kernel-apply-bench: skipped — needs root (it creates a network namespace with `ip netns add`).');
  process.exit(0);
}

function timed(ns: string, args: readonly string[], input: string): string {
  const t0 = performance.now();
  const r = spawnSync('ip', ['netns', 'exec', ns, ...args], { input, encoding: 'utf8', timeout: LIMIT_MS, maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  if (r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return `did not finish in ${LIMIT_MS / 1000} s`;
  if (r.status !== 0) return `failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(0, 2).join(' | ')}`;
  return `${(ms / 1000).toFixed(2)} s`;
}

const model = kubeModel(SERVICES, ENDPOINTS);
const nft = renderNftables(model, BENCH_NODE, { clusterCIDR: BENCH_CLUSTER_CIDR });
const ipt = renderIptables(model, BENCH_NODE, { clusterCIDR: BENCH_CLUSTER_CIDR });
console.log(`${SERVICES} services x ${ENDPOINTS} endpoints: nftables ${(nft.length / 1e6).toFixed(1)} MB, iptables ${(ipt.length / 1e6).toFixed(1)} MB`);
try {
  withNetns((ns) => {
    console.log(`nft -f (first load)                   ${timed(ns, ['nft', '-f', '-'], nft)}`);
    console.log(`nft -f (replace transaction)          ${timed(ns, ['nft', '-f', '-'], nftReplaceTransaction(nft))}`);
    console.log(`iptables-restore (full)               ${timed(ns, ['iptables-restore'], ipt)}`);
    console.log(`iptables-restore --noflush (again)    ${timed(ns, ['iptables-restore', '--noflush'], ipt)}`);
  });
} catch (e) {
  console.log(`kernel-apply-bench: skipped — ${(e as Error).message}`);
}
