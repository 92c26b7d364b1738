// Full render of kube-proxy programs: 10,000 Services x 10 endpoints (and 1,000 x 10 for
// scale), per renderer: render time (median of 3, wall ms), text size, and the emulator's
// load of that text (NftRuleset.load / IptRuleset.restore, one run).
//
//   node --import tsx bench/proxy/kube-render-bench.ts [--services=N] [--endpoints=M]
import { IptRuleset } from '../../src/dataplane/iptables/index.js';
import { NftRuleset } from '../../src/dataplane/nftables/index.js';
import { renderIptables } from '../../src/proxy/render/iptables/render-iptables.js';
import { renderNftables } from '../../src/proxy/render/nftables/render-nftables.js';
import { BENCH_CLUSTER_CIDR, BENCH_NODE, kubeModel } from './_kube-model.js';

const arg = (name: string, d: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d);
const SERVICES = arg('services', 10_000);
const ENDPOINTS = arg('endpoints', 10);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

console.log(`${'renderer'.padEnd(10)} ${'services'.padStart(8)} ${'eps/svc'.padStart(7)} ${'render ms'.padStart(10)} ${'MB'.padStart(7)} ${'lines'.padStart(9)} ${'emulator load ms'.padStart(16)}`);
for (const services of [...new Set([Math.min(1000, SERVICES), SERVICES])]) {
  const model = kubeModel(services, ENDPOINTS);
  for (const [name, render, load] of [
    ['nftables', renderNftables, (t: string) => new NftRuleset().load(t, 0).ok],
    ['iptables', renderIptables, (t: string) => new IptRuleset().restore(t).ok],
  ] as const) {
    render(model, BENCH_NODE, { clusterCIDR: BENCH_CLUSTER_CIDR }); // warm-up
    const times: number[] = [];
    let text = '';
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      text = render(model, BENCH_NODE, { clusterCIDR: BENCH_CLUSTER_CIDR });
      times.push(performance.now() - t0);
    }
    const t1 = performance.now();
    const loaded = load(text);
    const loadMs = performance.now() - t1;
    const lines = text.split('\n').length;
    console.log(
      `${name.padEnd(10)} ${String(services).padStart(8)} ${String(ENDPOINTS).padStart(7)} ${median(times).toFixed(1).padStart(10)} ${(Buffer.byteLength(text) / 1e6).toFixed(2).padStart(7)} ${lines.toLocaleString('en-US').padStart(9)} ${(loaded ? loadMs.toFixed(0) : 'FAILED').padStart(16)}`,
    );
  }
}
