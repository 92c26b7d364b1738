// The kernel's own apply time for our rendered 10,000-Service programs, for reference:
// inside a scratch network namespace this script creates and deletes, time
//   - `nft -f` of the nftables program with named endpoint maps (our default): first load,
//     the incremental sync transaction after one Service gained an endpoint (what the
//     programmer applies), and the full replace transaction (add + delete table + program);
//   - the same first load with upstream's anonymous `numgen ... vmap { ... }` (fresh table;
//     skip with --no-anonymous: it is the slow one);
//   - `iptables-restore` of the iptables program (full restore, as our programmer does),
//     then `iptables-restore --noflush` of the same text (kube-proxy's mode).
// Each run is limited to 180 s and reported as "did not finish" beyond that. Needs root.
//
//   node --import tsx bench/proxy/kernel-apply-bench.ts [--services=N] [--endpoints=M] [--no-anonymous]
import { spawnSync } from 'node:child_process';
import { withNetns } from '../../src/dataplane/nftables/_netns.js';
import { indexNftProgram, nftProgramObjects, nftReplaceTransaction, nftSyncTransaction } from '../../src/proxy/apply/netfilter-programmer.js';
import type { EndpointInfo, ServicePortInfo } from '../../src/proxy/model/types.js';
import type { KubeRenderModel } from '../../src/proxy/render/iptables/render-iptables.js';
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

const ANONYMOUS = !process.argv.includes('--no-anonymous');
const model = kubeModel(SERVICES, ENDPOINTS);
// The same cluster after the first Service gained an endpoint.
let first: string | undefined;
const extra: EndpointInfo = { key: '10.255.0.1:8080', ip: '10.255.0.1', port: 8080, ready: true, serving: true, terminating: false, nodeName: 'n1', zone: '', isLocal: false };
const scaled: KubeRenderModel = {
  services: model.services,
  endpointsOf: (p: ServicePortInfo) => {
    first ??= p.service;
    return p.service === first ? [...model.endpointsOf(p), extra] : model.endpointsOf(p);
  },
};
const opts = { clusterCIDR: BENCH_CLUSTER_CIDR };
const nft = renderNftables(model, BENCH_NODE, opts);
const nft2 = renderNftables(scaled, BENCH_NODE, opts);
const anon = renderNftables(model, BENCH_NODE, { ...opts, endpointMaps: 'anonymous' });
const ipt = renderIptables(model, BENCH_NODE, opts);
const ix1 = indexNftProgram(nft)!;
const t0 = performance.now();
const sync = nftSyncTransaction(nft2, indexNftProgram(nft2)!, ix1, nftProgramObjects(ix1));
const syncMs = performance.now() - t0;
console.log(`${SERVICES} services x ${ENDPOINTS} endpoints: nftables ${(nft.length / 1e6).toFixed(1)} MB, iptables ${(ipt.length / 1e6).toFixed(1)} MB`);
console.log(`sync transaction for one changed Service: ${sync.kind}, ${sync.text.split('\n').length - 1} lines, ${(sync.text.length / 1e3).toFixed(1)} kB, computed in ${syncMs.toFixed(0)} ms`);
try {
  withNetns((ns) => {
    console.log(`nft -f named maps (first load)        ${timed(ns, ['nft', '-f', '-'], nft)}`);
    console.log(`nft -f (sync: one Service changed)    ${timed(ns, ['nft', '-f', '-'], sync.text)}`);
    console.log(`nft -f (replace transaction)          ${timed(ns, ['nft', '-f', '-'], nftReplaceTransaction(nft))}`);
    if (ANONYMOUS) {
      timed(ns, ['nft', 'delete', 'table', 'ip', 'kube-proxy'], '');
      console.log(`nft -f anonymous vmaps (first load)   ${timed(ns, ['nft', '-f', '-'], anon)}`);
    }
    console.log(`iptables-restore (full)               ${timed(ns, ['iptables-restore'], ipt)}`);
    console.log(`iptables-restore --noflush (again)    ${timed(ns, ['iptables-restore', '--noflush'], ipt)}`);
  });
} catch (e) {
  console.log(`kernel-apply-bench: skipped — ${(e as Error).message}`);
}
