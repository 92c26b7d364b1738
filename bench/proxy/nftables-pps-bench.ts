// Emulated packets per second through OUR rendered nftables program (renderNftables,
// kube-proxy layout: service-ips verdict map -> service chain -> numgen vmap -> endpoint
// chain -> dnat) at 10 and at 10,000 Services (10 endpoints each), with the real
// conntrack on the prerouting -> forward -> postrouting path of a node forwarding pod
// traffic to ClusterIPs. The per-packet lookups are hash-map lookups, so the rate should
// not depend on the Service count: compare "hot 10" at 10,000 Services with 10 Services.
//
//   node --import tsx bench/proxy/nftables-pps-bench.ts [--quick]
//
// Rates are per CPU second of this process (process.cpuUsage), as in
// bench/dataplane/netfilter-bench.ts. Columns:
//   new conn     every packet a new connection (service-ips lookup, numgen, dnat, commit)
//   established  packets of confirmed connections (conntrack binding; chains not re-run)
//   uniform = traffic spread over all Services; hot 10 = only the first 10 get traffic.
import { Conntrack } from '../../src/dataplane/conntrack/index.js';
import { seededRng } from '../../src/dataplane/fabric/rng.js';
import { emptyFlowKey, ETH_TYPE_IPV4, IP_PROTO_TCP, type FlowKey } from '../../src/dataplane/flow-key.js';
import { NetfilterRunner, NftRuleset } from '../../src/dataplane/nftables/index.js';
import { renderNftables } from '../../src/proxy/render/nftables/render-nftables.js';
import { BENCH_CLUSTER_CIDR, BENCH_NODE, kubeModel, vipOf } from './_kube-model.js';

const quick = process.argv.includes('--quick');
const TARGET_CPU_S = quick ? 0.3 : 2;
const ENDPOINTS = 10;
const NODE = 0xc0a80002;
const PATH = ['prerouting', 'forward', 'postrouting'] as const;

const ipNum = (s: string) => s.split('.').reduce((a, p) => a * 256 + Number(p), 0) >>> 0;

function setKey(k: FlowKey, src: number, sport: number, dst: number, flags: number): FlowKey {
  k.dlType = ETH_TYPE_IPV4;
  k.nwProto = IP_PROTO_TCP;
  k.nwSrc = src;
  k.nwDst = dst;
  k.nwTtl = 64;
  k.tpSrc = sport;
  k.tpDst = 80;
  k.tcpFlags = flags;
  return k;
}

function perCpuSecond(body: (i: number) => void, maxCalls = Infinity): number {
  const c0 = process.cpuUsage();
  let done = 0;
  let cpu = 0;
  for (let batch = 500; cpu < TARGET_CPU_S && done < maxCalls; batch *= 2) {
    const end = Math.min(done + batch, maxCalls);
    for (; done < end; done++) body(done);
    const c = process.cpuUsage(c0);
    cpu = (c.user + c.system) / 1e6;
  }
  return done / cpu;
}

function rates(rs: NftRuleset, vips: readonly number[]): { fresh: number; est: number } {
  const runner = new NetfilterRunner({ conntrack: new Conntrack({ initialCapacity: 1 << 17 }), rulesets: [rs], localAddresses: [NODE], masqueradeAddress: () => NODE, random: seededRng(7) });
  let conns = 0;
  // Sources inside the cluster CIDR (10.0.0.0/8): no masquerade, as pod-to-Service traffic.
  const fresh = perCpuSecond((i) => {
    conns = i + 1;
    runner.path(PATH, { key: setKey(emptyFlowKey(), 0x0a800000 + i, 1024 + (i % 50000), vips[i % vips.length]!, 0x02), mark: 0, iif: 'cni0', oif: 'eth0', bytes: 60 }, 1);
  }, 250_000);
  const est = perCpuSecond((i) => {
    const c = i % conns;
    runner.path(PATH, { key: setKey(emptyFlowKey(), 0x0a800000 + c, 1024 + (c % 50000), vips[c % vips.length]!, 0x10), mark: 0, iif: 'cni0', oif: 'eth0', bytes: 60 }, 2);
  });
  return { fresh, est };
}

const fmt = (r: number) => Math.round(r).toLocaleString('en-US');

function load(services: number): { rs: NftRuleset; vips: number[]; ms: number } {
  const text = renderNftables(kubeModel(services, ENDPOINTS), BENCH_NODE, { clusterCIDR: BENCH_CLUSTER_CIDR });
  const t0 = performance.now();
  const rs = new NftRuleset();
  const r = rs.load(text, 0);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return { rs, vips: Array.from({ length: services }, (_v, i) => ipNum(vipOf(i))), ms: performance.now() - t0 };
}

// Warm-up on the small program so the JIT has settled before anything is measured.
{
  const w = load(10);
  rates(w.rs, w.vips);
}
console.log(`${'program'.padEnd(34)} ${'load ms'.padStart(8)} ${'new conn/s'.padStart(11)} ${'established/s'.padStart(14)}`);
for (const services of [10, 10_000]) {
  const { rs, vips, ms } = load(services);
  const all = rates(rs, vips);
  console.log(`${`${services} services, uniform`.padEnd(34)} ${ms.toFixed(0).padStart(8)} ${fmt(all.fresh).padStart(11)} ${fmt(all.est).padStart(14)}`);
  if (services > 10) {
    const hot = rates(rs, vips.slice(0, 10));
    console.log(`${`${services} services, hot 10`.padEnd(34)} ${''.padStart(8)} ${fmt(hot.fresh).padStart(11)} ${fmt(hot.est).padStart(14)}`);
  }
}
