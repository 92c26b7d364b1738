// Conntrack throughput and memory.
//   node --expose-gc --import tsx bench/dataplane/conntrack-bench.ts [entries]
// Prints: commit rate (first pass, and warm per CPU-second), lookups/s on established connections (with and without NAT
// translation), and memory per entry (heap + ArrayBuffer delta / entries).
import { Conntrack } from '../../src/dataplane/conntrack/index.js';
import type { CtPacketInfo, CtRequest } from '../../src/dataplane/conntrack/index.js';

const N = Number(process.argv[2] ?? 100_000);
const ZONE = 65312;
const VIP = 0x0a6581d1; // 10.101.129.209
const T0 = Date.UTC(2026, 0, 1);
const SYN = 0x02;
const ACK = 0x10;
const gc = (globalThis as { gc?: () => void }).gc;

function mem(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

// Client i: 172.16.x.y:(10000 + i % 50000) -> VIP:80, DNAT to one of 64 backends 172.25.5.(10..73):8080.
function client(i: number): number {
  return (0xac100000 + Math.floor(i / 50000) * 256 + 1 + (i % 200)) >>> 0;
}
function sport(i: number): number {
  return 10000 + (i % 50000);
}
function backend(i: number): number {
  return (0xac19050a + (i % 64)) >>> 0;
}
function pkt(src: number, sp: number, dst: number, dp: number, flags: number): CtPacketInfo {
  return { tuple: { src, dst, proto: 6, srcPort: sp, dstPort: dp }, tcpFlags: flags, icmpType: 0, icmpCode: 0, payloadLength: 100 };
}

const base = mem();
const ct = new Conntrack({ maxEntries: N * 2 });
let t = process.hrtime.bigint();
for (let i = 0; i < N; i++) {
  const spec = { kind: 'dst' as const, addrMin: backend(i), addrMax: backend(i), portMin: 8080, portMax: 8080 };
  ct.process(pkt(client(i), sport(i), VIP, 80, SYN), { zone: ZONE, commit: true, nat: { spec }, now: T0 });
}
const commitNs = Number(process.hrtime.bigint() - t);
for (let i = 0; i < N; i++) {
  ct.process(pkt(backend(i), 8080, client(i), sport(i), SYN | ACK), { zone: ZONE, commit: false, now: T0 + 1 });
  ct.process(pkt(client(i), sport(i), VIP, 80, ACK), { zone: ZONE, commit: false, now: T0 + 2 });
}
const used = mem() - base;
const st = ct.stats();

// Established traffic: a fixed random mix of request and reply packets.
const M = 200_000;
const pkts: CtPacketInfo[] = [];
let seed = 12345;
for (let k = 0; k < M; k++) {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  const i = seed % N;
  pkts.push(k % 2 === 0 ? pkt(client(i), sport(i), VIP, 80, ACK) : pkt(backend(i), 8080, client(i), sport(i), ACK));
}
function run(rounds: number, nat: boolean): number {
  const reqs: CtRequest = nat ? { zone: ZONE, commit: false, nat: {}, now: T0 + 10 } : { zone: ZONE, commit: false, now: T0 + 10 };
  let check = 0;
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (let k = 0; k < M; k++) check += ct.process(pkts[k]!, reqs).state;
  const ns = Number(process.hrtime.bigint() - start);
  if (check === 0) throw new Error('no state?');
  return (rounds * M) / (ns / 1e9);
}
run(2, false); // warm-up
const plain = run(10, false);
const natted = run(10, true);

// The first-pass commit rate above includes JIT warm-up and table growth; this one is
// steady state: fresh presized trackers, 50,000 SYN + DNAT commits each, per CPU-second
// (process.cpuUsage, so other load on a shared machine counts less), best of 5.
function warmCommits(): number {
  const n = Math.min(N, 50_000);
  const syns = Array.from({ length: n }, (_, i) => pkt(client(i), sport(i), VIP, 80, SYN));
  const specs = Array.from({ length: 64 }, (_, b) => ({ kind: 'dst' as const, addrMin: backend(b), addrMax: backend(b), portMin: 8080, portMax: 8080 }));
  let bestRate = 0;
  for (let r = 0; r < 6; r++) {
    const fresh = new Conntrack({ initialCapacity: n, maxEntries: n * 2 });
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) fresh.process(syns[i]!, { zone: ZONE, commit: true, nat: { spec: specs[i % 64]! }, now: T0 });
    const c = process.cpuUsage(c0);
    if (r > 0) bestRate = Math.max(bestRate, n / ((c.user + c.system) / 1e6));
  }
  return bestRate;
}
const warm = warmCommits();

const f = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(`entries                      ${f(st.entries)}`);
console.log(`commits/s (SYN + DNAT)       ${f(N / (commitNs / 1e9))}`);
console.log(`commits/s warm, CPU time     ${f(warm)}`);
console.log(`lookups/s established       ${f(plain)}`);
console.log(`lookups/s established + nat ${f(natted)}`);
console.log(`memory/entry (heap+buffers)  ${f(used / st.entries)} B${gc === undefined ? ' (no --expose-gc: rough)' : ''}`);
console.log(`memory/entry (typed arrays)  ${f(st.bytesPerEntry)} B`);
t = process.hrtime.bigint();
const swept = ct.expire(T0 + 500_000_000);
console.log(`expire sweep                 ${f(swept)} entries in ${(Number(process.hrtime.bigint() - t) / 1e6).toFixed(1)} ms`);
