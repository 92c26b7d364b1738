// Emulated packets per second through kube-proxy style netfilter programs with 10 and
// 10,000 services (2 endpoints each): nftables (verdict-map hash lookups: the per-packet
// work does not depend on the service count) and iptables (KUBE-SERVICES is a linear
// chain upstream and here, so it grows with the service count).
//
//   node --import tsx bench/dataplane/netfilter-bench.ts [--quick]
//
// Rates are per CPU second of this process (process.cpuUsage), so other load on the
// machine distorts them less than wall time would. Columns:
//   load         parse + apply of the whole ruleset as one transaction (wall ms)
//   hook uniform prerouting only, no conntrack: every packet runs the nat chains, to a
//                service drawn round-robin over all services (the interpreter alone)
//   hook hot10   same, but only the first 10 services get traffic: same algorithmic
//                work, a small working set (the difference is cache misses)
//   new conn     prerouting + forward + postrouting with conntrack, each packet a new
//                connection (nat chains + DNAT binding + commit)
//   established  same path, packets of confirmed connections (binding reused, the nat
//                chains are not consulted)
//
// Recorded (2 shared vCPUs, AMD EPYC, load average ~4 from other jobs, Node 20 + tsx):
//   ruleset                      load ms hook uniform/s hook hot10/s new conn/s established/s
//   nftables, 10 services              5        456,206      466,510     91,282      527,307
//   iptables, 10 services              4        139,968      150,587     56,879      482,691
//   nftables, 10000 services        3692        115,810      422,056     50,352      609,475
//   iptables, 10000 services        2067          4,478      127,504      5,283      795,355
// nftables: the per-packet work is flat (hot10 at 10k services ~ 10 services); uniform
// traffic over 10k services is slower from cache misses over a ~50 MB object graph, not
// from longer lookups. iptables: uniform traffic scans half of KUBE-SERVICES on average
// (10k rules), ~30x slower than with 10 services, as upstream.
import { Conntrack } from '../../src/dataplane/conntrack/index.js';
import { emptyFlowKey, ETH_TYPE_IPV4, IP_PROTO_TCP, type FlowKey } from '../../src/dataplane/flow-key.js';
import { seededRng } from '../../src/dataplane/fabric/rng.js';
import { IptRuleset } from '../../src/dataplane/iptables/index.js';
import { NetfilterRunner, NftRuleset, runNetfilterHook, statelessNat, type NetfilterRuleset, type NfEnv, type NfPacket } from '../../src/dataplane/nftables/index.js';
import { iptablesRuleset, nftRuleset, services, type ServiceSpec } from './netfilter-rulesets.js';

const quick = process.argv.includes('--quick');
const NODE = 0xc0a80002;

function ipNum(s: string): number {
  return s.split('.').reduce((a, p) => a * 256 + Number(p), 0) >>> 0;
}

function setKey(k: FlowKey, src: number, sport: number, dst: number, flags: number): FlowKey {
  k.dlType = ETH_TYPE_IPV4;
  k.nwProto = IP_PROTO_TCP;
  k.nwSrc = src;
  k.nwDst = dst;
  k.tpSrc = sport;
  k.tpDst = 80;
  k.tcpFlags = flags;
  return k;
}

const TARGET_CPU_S = quick ? 0.3 : 2;

/** Runs `body` in doubling batches until TARGET_CPU_S of CPU time; returns calls per CPU second. */
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

function fmt(r: number): string {
  return Math.round(r).toLocaleString('en-US');
}

function hookRate(rs: NetfilterRuleset, vips: readonly number[], spread: number): number {
  const rulesets = [rs];
  const env: NfEnv = { hook: 'prerouting', now: 0, random: seededRng(42), isLocalAddress: (a) => a === NODE };
  const nat = statelessNat();
  const k = emptyFlowKey();
  const ct = { state: 8, status: 0, mark: 0, direction: 0 as const };
  return perCpuSecond((i) => {
    const pkt: NfPacket = { key: setKey(k, 0x0a000002, 1024 + (i & 0x7fff), vips[i % spread]!, 0x02), mark: 0, iif: 'cni0', oif: '', bytes: 60, ct };
    runNetfilterHook(rulesets, 'prerouting', pkt, env, nat, undefined);
  });
}

function measure(label: string, svcs: readonly ServiceSpec[], rs: NetfilterRuleset, loadMs: number, print = true): void {
  const vips = svcs.map((s) => ipNum(s.vip));
  hookRate(rs, vips, vips.length); // warm-up
  const uniform = hookRate(rs, vips, vips.length);
  const hot = hookRate(rs, vips, Math.min(10, vips.length));
  const ct = new Conntrack({ initialCapacity: 1 << 17 });
  const runner = new NetfilterRunner({ conntrack: ct, rulesets: [rs], localAddresses: [NODE], masqueradeAddress: () => NODE, random: seededRng(7) });
  const path = ['prerouting', 'forward', 'postrouting'] as const;
  let conns = 0;
  const newRate = perCpuSecond((i) => {
    conns = i + 1;
    const s = { key: setKey(emptyFlowKey(), 0x0a000000 + i, 1024 + (i % 50000), vips[i % vips.length]!, 0x02), mark: 0, iif: 'cni0', oif: 'eth0', bytes: 60 };
    runner.path(path, s, 1);
  }, 250_000);
  const estRate = perCpuSecond((i) => {
    const c = i % conns;
    const s = { key: setKey(emptyFlowKey(), 0x0a000000 + c, 1024 + (c % 50000), vips[c % vips.length]!, 0x10), mark: 0, iif: 'cni0', oif: 'eth0', bytes: 60 };
    runner.path(path, s, 2);
  });
  if (!print) return;
  const cols = [loadMs.toFixed(0).padStart(7), fmt(uniform).padStart(14), fmt(hot).padStart(12), fmt(newRate).padStart(10), fmt(estRate).padStart(12)];
  console.log(`${label.padEnd(28)} ${cols.join(' ')}`);
}

// Warm-up: let the JIT settle on every path before anything is measured.
{
  const svcs = services(10);
  const nft = new NftRuleset();
  nft.load(nftRuleset(svcs), 0);
  measure('', svcs, nft, 0, false);
  const ipt = new IptRuleset();
  ipt.restore(iptablesRuleset(svcs));
  measure('', svcs, ipt, 0, false);
}

console.log(`${'ruleset'.padEnd(28)} ${'load ms'.padStart(7)} ${'hook uniform/s'.padStart(14)} ${'hook hot10/s'.padStart(12)} ${'new conn/s'.padStart(10)} ${'established/s'.padStart(12)}`);
for (const count of [10, 10_000]) {
  const svcs = services(count);
  const nftText = nftRuleset(svcs);
  let t0 = performance.now();
  const nft = new NftRuleset();
  const r = nft.load(nftText, 0);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  measure(`nftables, ${count} services`, svcs, nft, performance.now() - t0);

  const iptText = iptablesRuleset(svcs);
  t0 = performance.now();
  const ipt = new IptRuleset();
  const r2 = ipt.restore(iptText);
  if (!r2.ok) throw new Error(JSON.stringify(r2.error));
  measure(`iptables, ${count} services`, svcs, ipt, performance.now() - t0);
}
