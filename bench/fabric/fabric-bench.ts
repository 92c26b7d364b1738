// Fabric throughput and footprint.
//
// 1. Frames per second from one pod to another through the whole emulated path, with
//    minimal endpoints (a sender that replays one prebuilt UDP frame, a sink that counts):
//    - across nodes, same namespace: pod -> br-int (ct zone 0, NORMAL) -> ens192 trunk ->
//      N-VDS (VLAN pop) -> logical switch -> N-VDS (VLAN push) -> br-int (ct zone 0, ct
//      zone 65312 nat, NORMAL) -> pod: 6 links, 2 OpenFlow pipelines with 3 and 4 table
//      lookups and 3 conntrack calls;
//    - same node: one br-int;
//    - across namespaces: adds Tier-1 -> Tier-0 -> Tier-1 (3 routers, 4 more links);
//    driven by runUntilIdle on a fake clock (batches of 1,000 frames), and once with the
//    real clock's setImmediate drive.
// 2. Heap per pod attachment (br-int port + LS bindings + link to a NIC), measured with
//    --expose-gc over a few thousand pods.
//
// Figures are frames per second of CPU time (process.cpuUsage, best of 3), wall clock
// alongside. Run: node --expose-gc --import tsx bench/fabric/fabric-bench.ts [--quick]
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FakeClock, realClock, type Clock } from '../../src/core/clock.js';
import { parseIPv4, type IPv4 } from '../../src/core/ip.js';
import { unwrap } from '../../src/core/result.js';
import type { FrameTx, NetDevice } from '../../src/dataplane/netdev.js';
import { NsxLab, SimpleHost } from '../../src/dataplane/fabric/index.js';

const quick = process.argv.includes('--quick');
const ip = (s: string): IPv4 => unwrap(parseIPv4(s));

class Sink implements NetDevice {
  count = 0;
  private tx: FrameTx | undefined;
  constructor(
    readonly name: string,
    readonly mac: number,
  ) {}
  attach(tx: FrameTx): void {
    this.tx = tx;
  }
  receive(): void {
    this.count++;
  }
  send(f: Uint8Array): void {
    this.tx?.(f);
  }
}

interface Scenario {
  readonly lab: NsxLab;
  readonly sender: SimpleHost;
  readonly sink: Sink;
  readonly frame: Uint8Array;
}

function build(kind: 'cross-node' | 'same-node' | 'cross-namespace', clock: Clock, drive: 'manual' | 'immediate'): Scenario {
  const lab = new NsxLab({ clock, drive });
  unwrap(lab.addNode('k8s-node1', '10.190.5.11'));
  unwrap(lab.addNode('k8s-node2', '10.190.5.12'));
  unwrap(lab.addNamespace('demons', '172.25.5.0/24', 1));
  unwrap(lab.addNamespace('kube-system', '172.25.4.0/24', 5));
  const sender = new SimpleHost({ name: 'sender', mac: 0x005056000002, ip: ip('172.25.5.2'), prefix: 24, gateway: ip('172.25.5.1'), keepInbox: false });
  unwrap(lab.attachPod({ node: 'k8s-node1', namespace: 'demons', podName: 'sender', containerId: 'aaaaaaaaaaaaaaaaaaaa', mac: sender.mac, ip: sender.ip, device: sender }));
  const sinkNs = kind === 'cross-namespace' ? 'kube-system' : 'demons';
  const sinkIp = kind === 'cross-namespace' ? ip('172.25.4.3') : ip('172.25.5.3');
  const sink = new Sink('sink', 0x005056000003);
  unwrap(lab.attachPod({ node: kind === 'same-node' ? 'k8s-node1' : 'k8s-node2', namespace: sinkNs, podName: 'sink', containerId: 'bbbbbbbbbbbbbbbbbbbb', mac: sink.mac, ip: sinkIp, device: sink }));
  // Let the bridges learn the sink's MAC (it sends one frame) and the sender resolve its
  // next hop (the gateway by ARP; the sink, which answers nothing, by hand).
  sink.send(new SimpleHost({ name: 'x', mac: sink.mac, ip: sinkIp, prefix: 24 }).buildIp(sender.ip, { kind: 'udp', udp: { srcPort: 9, dstPort: 9, payload: new Uint8Array(1) } }));
  if (kind === 'cross-namespace') sender.ping(sinkIp);
  else sender.arpCache.set(sinkIp, sink.mac);
  settle(lab, clock);
  const frame = sender.buildIp(sinkIp, { kind: 'udp', udp: { srcPort: 40000, dstPort: 5001, payload: new Uint8Array(64) } });
  return { lab, sender, sink, frame };
}

function settle(lab: NsxLab, clock: Clock): void {
  for (let i = 0; i < 10; i++) {
    lab.runUntilIdle();
    if (clock instanceof FakeClock) clock.advance(10);
  }
}

function measureSync(s: Scenario, frames: number): { cpu: number; wall: number; linksPerFrame: number } {
  const before = s.sink.count;
  const d0 = s.lab.scheduler.stats().delivered;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let sent = 0; sent < frames; sent += 1000) {
    for (let i = 0; i < 1000; i++) s.sender.send(s.frame);
    s.lab.runUntilIdle();
  }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const got = s.sink.count - before;
  if (got !== frames) throw new Error(`sink got ${got} of ${frames}`);
  return { cpu: frames / ((c.user + c.system) / 1e6), wall: frames / wall, linksPerFrame: (s.lab.scheduler.stats().delivered - d0) / frames };
}

async function measureAsync(s: Scenario, frames: number): Promise<{ cpu: number; wall: number }> {
  const before = s.sink.count;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let sent = 0; sent < frames; sent += 1000) {
    for (let i = 0; i < 1000; i++) s.sender.send(s.frame);
    while (s.lab.scheduler.busy) await new Promise((r) => setImmediate(r));
  }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  if (s.sink.count - before !== frames) throw new Error('frames lost');
  return { cpu: frames / ((c.user + c.system) / 1e6), wall: frames / wall };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function throughput(): Promise<void> {
  const frames = quick ? 20_000 : 200_000;
  console.log(`pod -> pod, ${frames.toLocaleString('en-US')} UDP frames of 106 bytes (64-byte payload), best of 3`);
  for (const kind of ['same-node', 'cross-node', 'cross-namespace'] as const) {
    const s = build(kind, new FakeClock(), 'manual');
    measureSync(s, Math.min(frames, 20_000)); // warm-up
    let best = { cpu: 0, wall: 0, linksPerFrame: 0 };
    for (let i = 0; i < 3; i++) {
      const r = measureSync(s, frames);
      if (r.cpu > best.cpu) best = r;
    }
    console.log(`  ${kind.padEnd(16)} ${fmt(best.cpu).padStart(9)} frames/s CPU  ${fmt(best.wall).padStart(9)} frames/s wall  ${best.linksPerFrame.toFixed(1)} links/frame  ${(1e6 / best.cpu).toFixed(2)} µs/frame`);
  }
  const s = build('cross-node', realClock, 'immediate');
  await measureAsync(s, 20_000);
  let best = { cpu: 0, wall: 0 };
  for (let i = 0; i < 3; i++) {
    const r = await measureAsync(s, frames);
    if (r.cpu > best.cpu) best = r;
  }
  console.log(`  ${'cross-node, real clock (setImmediate drive)'.padEnd(16)} ${fmt(best.cpu)} frames/s CPU  ${fmt(best.wall)} frames/s wall`);
}

class Nic implements NetDevice {
  constructor(
    readonly name: string,
    readonly mac: number,
  ) {}
  attach(): void {}
  receive(): void {}
}

function memory(): void {
  // bench/run.ts starts scripts without --expose-gc: enable it at run time then.
  let gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  const n = quick ? 1000 : 4000;
  const lab = new NsxLab({ clock: new FakeClock(), drive: 'manual' });
  unwrap(lab.addNode('k8s-node1', '10.190.5.11'));
  unwrap(lab.addNode('k8s-node2', '10.190.5.12'));
  unwrap(lab.addNamespace('big', '172.26.0.0/16', 1));
  const nics: Nic[] = [];
  for (let i = 0; i < n; i++) nics.push(new Nic(`eth0-${i}`, 0x0a0000000000 + i));
  gc();
  gc();
  const h0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    unwrap(
      lab.attachPod({
        node: i % 2 === 0 ? 'k8s-node1' : 'k8s-node2',
        namespace: 'big',
        podName: `app-5bfcc97b5-${i.toString(36).padStart(5, '0')}`,
        containerId: `${i.toString(16).padStart(6, '0')}cd333ad6021daef0`,
        mac: nics[i]!.mac,
        ip: `172.26.${(i + 2) >> 8}.${(i + 2) & 255}`,
        device: nics[i]!,
      }),
    );
  }
  const ms = performance.now() - t0;
  gc();
  gc();
  const per = (process.memoryUsage().heapUsed - h0) / n;
  // Keep the lab (and the NICs) reachable until after the measurement.
  if (lab.nodeBridge('k8s-node1')?.ports().length !== n / 2 + 3 || nics.length !== n) throw new Error('attachments missing');
  console.log(`pod attachments: ${n} pods on 2 nodes, ${fmt(per)} bytes of heap each (br-int port, flow-table port map, NORMAL port, LS bindings, link); ${(ms / n * 1000).toFixed(1)} µs per attach`);
}

await throughput();
memory();
