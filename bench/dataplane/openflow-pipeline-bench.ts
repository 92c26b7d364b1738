// OpenFlow pipeline throughput: packets/s through the article's 3-table br-int program
// (table 0 ct(table=1); table 1 per-service "-new+trk VIP -> ct(nat)" and "+new+trk
// VIP:port -> group"; table 2 NORMAL) with the real connection tracker, for 10 and for
// 10,000 services (2 flows + 1 two-endpoint select group each), for new connections
// (every packet a SYN of a fresh connection) and for established ones (data packets
// both ways on open connections). One core, one process.
//
// Figures are packets per second of CPU time consumed by the process (process.cpuUsage,
// best of 3 runs), which stays meaningful on a shared machine; wall-clock figures are
// printed alongside. "pipeline only" rows replace the connection tracker with a stub
// that returns a fixed answer, to separate the pipeline's own cost from conntrack's.
// Run: node --import tsx bench/dataplane/openflow-pipeline-bench.ts [--quick]
import { performance } from 'node:perf_hooks';
import { unwrap } from '../../src/core/result.js';
import { Conntrack } from '../../src/dataplane/conntrack/index.js';
import { emptyFlowKey, ETH_TYPE_IPV4, IP_PROTO_TCP, type FlowKey } from '../../src/dataplane/flow-key.js';
import type { CtPacketInfo, CtRequest, CtResult } from '../../src/dataplane/conntrack/index.js';
import { BridgeProgram, OpenFlowBridge, parseFlowMod, parseGroupMod, PortMap, type ConntrackLike } from '../../src/dataplane/openflow/index.js';
import { formatIP } from '../../src/dataplane/openflow/values.js';

const quick = process.argv.includes('--quick');
const UPLINK = 1;
const CLIENT_PORT = 5;
const ports = new PortMap([{ name: 'ens192', ofport: UPLINK }]);
const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;

const vipOf = (i: number) => (0x0a600000 + i) >>> 0; // 10.96.0.0 + i
const backendOf = (i: number, b: number) => (0xac190000 + 2 * i + b + 2) >>> 0; // 172.25.x.y

function buildProgram(services: number): BridgeProgram {
  const p = new BridgeProgram();
  const add = (text: string) => unwrap(p.flowMod(unwrap(parseFlowMod('add', text, { ports })), 0));
  add('cookie=0x7,table=0,priority=100,ip actions=ct(table=1)');
  add('cookie=0x7,table=0,priority=0 actions=NORMAL');
  add('cookie=0x7,table=1,priority=100,ct_state=-trk,ip actions=ct(table=1)');
  for (let i = 0; i < services; i++) {
    const g = i + 1;
    const buckets = [0, 1]
      .map((b) => `bucket=bucket_id:${b},weight:100,actions=ct(commit,table=2,zone=65312,nat(dst=${formatIP(backendOf(i, b))}:8080))`)
      .join(',');
    unwrap(p.groupMod(unwrap(parseGroupMod('add', `group_id=${g},type=select,${buckets}`)), 0));
    add(`cookie=0x7,table=1,priority=100,ct_state=-new+trk,ip,nw_dst=${formatIP(vipOf(i))} actions=ct(table=2,zone=65312,nat)`);
    add(`cookie=0x7,table=1,priority=100,ct_state=+new+trk,tcp,nw_dst=${formatIP(vipOf(i))},tp_dst=80 actions=group:${g}`);
  }
  add('cookie=0x7,table=1,priority=90,ip,in_port=ens192 actions=ct(table=2,zone=65312,nat)');
  add('cookie=0x7,table=1,priority=80,ip actions=NORMAL');
  add('cookie=0x7,table=2,actions=NORMAL');
  return p;
}

function tcp(src: number, sport: number, dst: number, dport: number, flags: number, inPort: number): FlowKey {
  const k = emptyFlowKey();
  k.inPort = inPort;
  k.dlType = ETH_TYPE_IPV4;
  k.nwProto = IP_PROTO_TCP;
  k.nwTtl = 64;
  k.nwSrc = src;
  k.nwDst = dst;
  k.tpSrc = sport;
  k.tpDst = dport;
  k.tcpFlags = flags;
  return k;
}

/** Client i: 172.16.0.0/12 addresses, so (client, port) pairs never repeat within a round. */
const clientOf = (n: number) => (0xac100000 + (n >>> 6)) >>> 0;
const sportOf = (n: number) => 10000 + (n & 63);

interface Row {
  services: number;
  flows: number;
  groups: number;
  kind: string;
  tracker: string;
  /** Packets per CPU-second. */
  pps: number;
  /** Packets per wall-clock second. */
  wallPps: number;
}

type Tracker = 'Conntrack' | 'stub';

/** Answers like a tracker that knows every connection: zone 0 +new, others +est with DNAT. */
class StubTracker implements ConntrackLike {
  process(info: CtPacketInfo, req: CtRequest): CtResult {
    if (req.zone === 0) return { state: 0x21, mark: 0, zone: 0 };
    const t = info.tuple;
    return { state: 0xa2, mark: 0, zone: req.zone, translated: { src: t.src, dst: 0xac190002, proto: t.proto, srcPort: t.srcPort, dstPort: 8080 } };
  }
}

const tracker = (kind: Tracker, capacity: number): ConntrackLike => (kind === 'stub' ? new StubTracker() : new Conntrack({ initialCapacity: capacity }));

/** Runs `body` (which processes `packets` packets) and returns [cpu pps, wall pps]. */
function timed(packets: number, body: () => void): [number, number] {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  body();
  const wall = performance.now() - w0;
  const c = process.cpuUsage(c0);
  return [packets / ((c.user + c.system) / 1e6), packets / (wall / 1000)];
}

function runNew(program: BridgeProgram, services: number, packets: number, kind: Tracker, hot = services): Row {
  const round = 50_000;
  const keys: FlowKey[] = [];
  for (let n = 0; n < round; n++) keys.push(tcp(clientOf(n), sportOf(n), vipOf((n * 7919) % hot), 80, SYN, CLIENT_PORT));
  let now = 1_000_000;
  let cpu = 0;
  let wall = 0;
  let done = 0;
  let forwarded = 0;
  while (done < packets) {
    // A fresh tracker per round keeps every SYN a first packet (and the table bounded).
    const br = new OpenFlowBridge({ program, conntrack: tracker(kind, round), ports });
    const n = Math.min(round, packets - done);
    const [c, w] = timed(n, () => {
      for (let i = 0; i < n; i++) {
        const r = br.process(keys[i] as FlowKey, 74, now, { payloadLength: 0 });
        if (r.kind === 'forwarded') forwarded++;
        now += 0.01;
      }
    });
    cpu += n / c;
    wall += n / w;
    done += n;
  }
  if (forwarded !== packets) throw new Error(`only ${forwarded}/${packets} forwarded`);
  return { services, flows: program.flowCount(), groups: program.groupList().length, kind: hot === services ? 'new (SYN)' : `new (SYN), ${hot} services used`, tracker: kind, pps: packets / cpu, wallPps: packets / wall };
}

function runEstablished(program: BridgeProgram, services: number, packets: number, kind: Tracker, hot = services): Row {
  const br = new OpenFlowBridge({ program, conntrack: tracker(kind, 20_000), ports });
  const conns = 10_000;
  let now = 1_000_000;
  const fwd: FlowKey[] = [];
  const rev: FlowKey[] = [];
  for (let n = 0; n < conns; n++) {
    const c = clientOf(n);
    const sp = sportOf(n);
    const vip = vipOf((n * 7919) % hot);
    const syn = br.process(tcp(c, sp, vip, 80, SYN, CLIENT_PORT), 74, now, { payloadLength: 0 });
    if (syn.kind !== 'forwarded') throw new Error('SYN dropped');
    const backend = syn.outputs[0]?.key.nwDst ?? 0;
    br.process(tcp(backend, 8080, c, sp, SYN | ACK, UPLINK), 74, now, { payloadLength: 0 });
    br.process(tcp(c, sp, vip, 80, ACK, CLIENT_PORT), 66, now, { payloadLength: 0 });
    fwd.push(tcp(c, sp, vip, 80, PSH | ACK, CLIENT_PORT));
    rev.push(tcp(backend, 8080, c, sp, PSH | ACK, UPLINK));
  }
  let forwarded = 0;
  const [cpu, wall] = timed(packets, () => {
    for (let i = 0; i < packets; i++) {
      const j = (i >>> 1) % conns;
      const r = br.process((i & 1 ? rev[j] : fwd[j]) as FlowKey, 566, now, { payloadLength: 500 });
      if (r.kind === 'forwarded') forwarded++;
      now += 0.001;
    }
  });
  if (forwarded !== packets) throw new Error(`only ${forwarded}/${packets} forwarded`);
  const label = hot === services ? 'established (data, both ways)' : `established, ${hot} services used`;
  return { services, flows: program.flowCount(), groups: program.groupList().length, kind: label, tracker: kind, pps: cpu, wallPps: wall };
}

function best(runs: number, f: () => Row): Row {
  let b: Row | undefined;
  for (let i = 0; i < runs; i++) {
    const r = f();
    if (b === undefined || r.pps > b.pps) b = r;
  }
  return b as Row;
}

const packets = quick ? 100_000 : 300_000;
const runs = quick ? 1 : 3;
const rows: Row[] = [];
for (const services of [10, 10_000]) {
  const c0 = process.cpuUsage();
  const program = buildProgram(services);
  const c = process.cpuUsage(c0);
  console.log(`program with ${services} services (${program.flowCount()} flows, ${program.groupList().length} groups) parsed and installed in ${((c.user + c.system) / 1000).toFixed(0)} ms CPU`);
  // Warm up the JIT on this program.
  runNew(program, services, 50_000, 'Conntrack');
  runEstablished(program, services, 50_000, 'Conntrack');
  for (const kind of ['Conntrack', 'stub'] as const) {
    rows.push(best(runs, () => runNew(program, services, packets, kind)));
    rows.push(best(runs, () => runEstablished(program, services, packets, kind)));
  }
  if (services > 10) {
    // Same big program, traffic to 10 services only: separates program size (which
    // should not matter) from the working set the traffic touches (which does, in caches).
    rows.push(best(runs, () => runNew(program, services, packets, 'Conntrack', 10)));
    rows.push(best(runs, () => runEstablished(program, services, packets, 'Conntrack', 10)));
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);
console.log('\nOpenFlow pipeline, article br-int program, one core (packets/s):');
console.log('services  flows   groups  workload                        tracker               CPU-time   wall-clock');
for (const r of rows) {
  const tr = r.tracker === 'stub' ? 'stub (pipeline only)' : r.tracker;
  console.log(`${String(r.services).padEnd(9)} ${String(r.flows).padEnd(7)} ${String(r.groups).padEnd(7)} ${r.kind.padEnd(31)} ${tr.padEnd(20)} ${fmt(r.pps)}  ${fmt(r.wallPps)}`);
}
const ratio = (tr: string, kind: string, bigKind = kind) => {
  const small = rows.find((r) => r.services === 10 && r.kind === kind && r.tracker === tr);
  const big = rows.find((r) => r.services === 10_000 && r.kind === bigKind && r.tracker === tr);
  return small && big ? (small.pps / big.pps).toFixed(2) : '?';
};
for (const tr of ['Conntrack', 'stub']) {
  for (const kind of ['new (SYN)', 'established (data, both ways)']) {
    console.log(`${tr}, ${kind}: 10 -> 10,000 services (traffic to all) costs ${ratio(tr, kind)}x per packet`);
  }
}
console.log(`Conntrack, new (SYN): 10 services vs 10,000 loaded with traffic to 10: ${ratio('Conntrack', 'new (SYN)', 'new (SYN), 10 services used')}x`);
console.log(`Conntrack, established: 10 services vs 10,000 loaded with traffic to 10: ${ratio('Conntrack', 'established (data, both ways)', 'established, 10 services used')}x`);
