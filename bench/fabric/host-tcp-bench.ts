// Host IP stack throughput: HTTP/1.0-like request/response over a fresh TCP connection
// between two HostStacks joined by an in-memory wire (synchronous delivery, no loss),
// and one bulk TCP transfer. Wall-clock figures; the stacks run on a heap-based fake
// clock that is advanced between batches so TIME_WAIT entries expire.
//   node --import tsx bench/fabric/host-tcp-bench.ts [--quick]
import type { Clock, TimerHandle } from '../../src/core/clock.js';
import { unwrap } from '../../src/core/result.js';
import { HostStack } from '../../src/dataplane/host/index.js';
import { ip, seededRandom } from '../../src/dataplane/host/testing.js';

/** A fake clock with a binary heap (FakeClock scans all timers on every advance). */
class HeapClock implements Clock {
  private t = 0;
  private seq = 0;
  private heap: { at: number; id: number; fn: () => void }[] = [];
  private live = new Set<number>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.live.add(id);
    const h = this.heap;
    h.push({ at: this.t + Math.max(0, ms), id, fn });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p]!, h[i]!)) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
    return { id };
  }
  clearTimeout(handle: TimerHandle): void {
    this.live.delete(handle.id);
  }
  advance(ms: number): void {
    const target = this.t + ms;
    const h = this.heap;
    while (h.length > 0 && h[0]!.at <= target) {
      const top = h[0]!;
      const last = h.pop()!;
      if (h.length > 0) {
        h[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < h.length && less(h[l]!, h[m]!)) m = l;
          if (r < h.length && less(h[r]!, h[m]!)) m = r;
          if (m === i) break;
          [h[m], h[i]] = [h[i]!, h[m]!];
          i = m;
        }
      }
      if (!this.live.delete(top.id)) continue;
      this.t = Math.max(this.t, top.at);
      top.fn();
    }
    this.t = target;
  }
}
function less(a: { at: number; id: number }, b: { at: number; id: number }): boolean {
  return a.at < b.at || (a.at === b.at && a.id < b.id);
}

const quick = process.argv.includes('--quick');
const clock = new HeapClock();
const client = new HostStack({ clock, hostname: 'client', random: seededRandom(1) });
const server = new HostStack({ clock, hostname: 'server', random: seededRandom(2) });
const c0 = client.addInterface({ name: 'eth0', mac: 0x0a5800000001, address: ip('10.0.0.1'), prefix: 24 });
const s0 = server.addInterface({ name: 'eth0', mac: 0x0a5800000002, address: ip('10.0.0.2'), prefix: 24 });
let frames = 0;
c0.attach((f) => {
  frames++;
  s0.receive(f);
});
s0.attach((f) => {
  frames++;
  c0.receive(f);
});

const serverIp = ip('10.0.0.2');
const request = new Uint8Array(100).fill(0x47);
const response = new Uint8Array(1024).fill(0x48);
unwrap(
  server.listen(80, (s) => {
    s.onData(() => {
      s.write(response);
      s.end();
    });
  }),
);

function oneRequest(): Promise<number> {
  return client.connect(serverIp, 80).then(
    (s) =>
      new Promise<number>((resolve) => {
        let got = 0;
        s.onData((d) => (got += d.length));
        s.onEnd(() => {
          s.end();
          resolve(got);
        });
        s.write(request);
      }),
  );
}

async function requests(total: number, concurrency: number): Promise<{ rps: number; cpuRps: number; pktPerReq: number }> {
  let started = 0;
  let bytes = 0;
  const f0 = frames;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const worker = async () => {
    while (started < total) {
      started++;
      const got = await oneRequest();
      bytes += got;
      // 0.1 ms of emulated time per request: TIME_WAIT (1 s) entries expire well before
      // the 28,232 ephemeral ports wrap around.
      if (started % 10 === 0) clock.advance(1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSecs(cpu0);
  if (bytes !== total * response.length) throw new Error(`short responses: ${bytes}`);
  return { rps: total / secs, cpuRps: total / cpu, pktPerReq: (frames - f0) / total };
}

/** CPU seconds (user + system) since `from`: steadier than wall time on a shared machine. */
function cpuSecs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

async function bulk(totalBytes: number): Promise<{ mbps: number; cpuMbps: number; segPerSec: number; cpuSegPerSec: number }> {
  const sink = unwrap(server.listen(9000, (s) => s.onData(() => undefined).onEnd(() => s.end())));
  const s = await client.connect(ip('10.0.0.2'), 9000);
  const chunk = new Uint8Array(64 * 1024);
  const f0 = frames;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const closed = s.closed();
  let sent = 0;
  const pump = () => {
    while (sent < totalBytes) {
      sent += chunk.length;
      if (!s.write(chunk)) return;
    }
    s.end();
  };
  s.onDrain(pump);
  pump();
  while (s.state !== 'TIME_WAIT' && s.state !== 'CLOSED') {
    clock.advance(50);
    await new Promise((r) => setImmediate(r));
  }
  await closed;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSecs(cpu0);
  sink.close();
  const pkts = frames - f0;
  return { mbps: totalBytes / 1e6 / secs, cpuMbps: totalBytes / 1e6 / cpu, segPerSec: pkts / secs, cpuSegPerSec: pkts / cpu };
}

const f = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
// Warm up (ARP, JIT).
await requests(2000, 8);
for (const conc of [1, 32]) {
  const n = quick ? 5000 : 30_000;
  const r = await requests(n, conc);
  console.log(
    `HTTP-like req/resp (100 B / 1 KB, new connection each), concurrency ${String(conc).padStart(2)}: ` +
      `${f(r.rps)} req/s wall (${f(r.cpuRps)} per CPU-second), ${f(r.pktPerReq, 1)} packets/req, ${f(r.rps * r.pktPerReq)} packets/s wall (${f(r.cpuRps * r.pktPerReq)} per CPU-s)`,
  );
}
const b = await bulk(quick ? 50e6 : 200e6);
console.log(`TCP bulk transfer (MSS 1460, 64 KiB window): ${f(b.mbps)} MB/s wall (${f(b.cpuMbps)} per CPU-s), ${f(b.segPerSec)} packets/s wall (${f(b.cpuSegPerSec)} per CPU-s)`);
console.log(`client stats: retrans ${client.stats.tcpRetransSegs}, active opens ${client.stats.tcpActiveOpens}, malformed ${client.stats.malformed + server.stats.malformed}`);
const mem = process.memoryUsage();
console.log(`memory: rss ${f(mem.rss / 1e6)} MB, heap ${f(mem.heapUsed / 1e6)} MB, array buffers ${f(mem.arrayBuffers / 1e6)} MB`);
