// HTTP between two emulated pods on different nodes, as `svcnet up` runs them: the demo web
// server (dumlutimuralp/nsx-demo) on k8s-node1, a client pod (dumlutimuralp/networktest) on
// k8s-node2, both started by the EmulatedRuntime on the real clock (setImmediate drive).
//
// 1. Requests per second, a fresh TCP connection per request:
//    a. "stack": GET / straight from the client pod's IP stack (connect, write, read to EOF,
//       close): the cost of the network path, TCP and the web server;
//    b. "curl": `kubectl exec`-style `curl -s <ip>` through the runtime's exec (adds the
//       shell's argument parsing, curl's HTTP client and output);
//    run sequentially (one request in flight) and with 16 concurrent clients.
//    Packets per request: frames on the client pod's link, and every link delivery in the
//    fabric (a frame crossing 6 links counts 6).
// 2. Heap per pod: sandboxes (IP stack + br-int port + link) with a running web app,
//    measured with gc over a few hundred pods.
//
// Run: node --expose-gc --import tsx bench/fabric/http-bench.ts [--quick]
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildEmulator } from '../../bin/emulator.js';
import { parseIPv4, unwrap } from '../../src/core/index.js';
import type { ContainerConfig, SandboxSpec } from '../../src/node/index.js';
import type { EmulatedRuntime } from '../../src/node/emulated-runtime.js';

const quick = process.argv.includes('--quick');
const keepAlive = setInterval(() => {}, 1000); // real-clock timers are unref'd

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
let uid = 0;

function sandbox(name: string, ip: string, ns = 'demons', prefix = 24): SandboxSpec {
  const gw = ip.replace(/\.\d+$/, '.1');
  return { podUid: `bench-${++uid}`, namespace: ns, name, hostname: name, hostNetwork: false, ip, prefixLength: prefix, gateway: prefix === 24 ? gw : gatewayOf(ip, prefix), resolvConf: 'nameserver 10.96.0.10\noptions ndots:5\n' };
}

function gatewayOf(ip: string, prefix: number): string {
  const n = unwrap(parseIPv4(ip));
  const base = (n & (0xffffffff << (32 - prefix))) >>> 0;
  return [(base >>> 24) & 255, (base >>> 16) & 255, (base >>> 8) & 255, (base & 255) + 1].join('.');
}

function container(image: string): ContainerConfig {
  return { name: 'app', image, imageRef: '', command: [], args: [], env: {}, attempt: 0, tty: false, stdin: false, init: false };
}

async function startPod(rt: EmulatedRuntime, spec: SandboxSpec, image: string): Promise<string> {
  const sb = await rt.createSandbox(spec);
  if (sb.kind !== 'created') throw new Error(sb.message);
  const c = await rt.startContainer(sb.sandboxId, container(image));
  if (c.kind !== 'started') throw new Error(c.message);
  return c.containerId;
}

async function throughput(): Promise<void> {
  const emu = buildEmulator({ nodes: [{ nodeName: 'k8s-node1', internalIP: '10.190.5.11' }, { nodeName: 'k8s-node2', internalIP: '10.190.5.12' }] });
  const n1 = emu.runtimeFor('k8s-node1');
  const n2 = emu.runtimeFor('k8s-node2');
  await startPod(n1, sandbox('web', '172.25.5.2'), 'dumlutimuralp/nsx-demo');
  const shellId = await startPod(n2, sandbox('nwtest', '172.25.5.3'), 'dumlutimuralp/networktest');
  const client = n2.pod('demons', 'nwtest')!.stack;
  const web = unwrap(parseIPv4('172.25.5.2'));
  const clientLink = emu.lab.fabric.link(emu.lab.pod('k8s-node2', 'nwtest')!.linkName)!;
  const request = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: 172.25.5.2\r\nUser-Agent: bench\r\nAccept: */*\r\nConnection: close\r\n\r\n');

  const viaStack = async (): Promise<number> => {
    const s = await client.connect(web, 80);
    s.write(request);
    const body = await s.readAll();
    s.end();
    return body.length;
  };
  const viaCurl = async (): Promise<number> => {
    let out = 0;
    const r = await n2.exec(shellId, { command: ['curl', '-s', '172.25.5.2'], tty: false, stdin: false }, { stdout: (d) => (out += d.length), stderr: () => {} });
    if (r.kind !== 'started') throw new Error(r.message);
    const o = await r.session.done;
    if (o.kind !== 'exited' || o.exitCode !== 0) throw new Error(`curl: ${JSON.stringify(o)}`);
    return out;
  };

  const run = async (label: string, one: () => Promise<number>, total: number, concurrency: number) => {
    for (let i = 0; i < 200; i++) await one(); // warm-up (JIT, ARP entries)
    const f0 = clientLink.stats.framesAB + clientLink.stats.framesBA;
    const d0 = emu.lab.scheduler.stats().delivered;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    let bytes = 0;
    const worker = async () => {
      while (next < total) {
        next++;
        const b = await one(); // not `bytes += await one()`: that reads `bytes` before awaiting
        bytes += b;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const frames = (clientLink.stats.framesAB + clientLink.stats.framesBA - f0) / total;
    const deliveries = (emu.lab.scheduler.stats().delivered - d0) / total;
    console.log(
      `${label.padEnd(26)} ${fmt((total / ms) * 1000).padStart(6)} req/s wall, ${fmt((total / cpuMs) * 1000).padStart(6)} req/s of CPU, ` +
        `${((ms / total) * 1000).toFixed(0)} µs/req; ${frames.toFixed(1)} frames on the client link, ${deliveries.toFixed(1)} link deliveries per request; ${fmt(bytes / total)} B/resp`,
    );
  };
  const n = quick ? 300 : 2000;
  console.log(`HTTP GET /, fresh connection per request, pod on k8s-node2 -> demo web pod on k8s-node1 (${n} requests each):`);
  await run('stack, sequential', viaStack, n, 1);
  await run('stack, 16 concurrent', viaStack, n, 16);
  await run('curl exec, sequential', viaCurl, Math.max(100, n / 4), 1);
  await emu.stop();
}

async function memory(): Promise<void> {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  const pods = quick ? 200 : 1000;
  const emu = buildEmulator({ nodes: [{ nodeName: 'k8s-node1', internalIP: '10.190.5.11' }, { nodeName: 'k8s-node2', internalIP: '10.190.5.12' }] });
  // Warm up code paths (and the namespace switch) so the delta is per pod.
  await startPod(emu.runtimeFor('k8s-node1'), sandbox('warm', '172.26.0.2', 'big', 16), 'dumlutimuralp/nsx-demo');
  gc();
  gc();
  const m0 = process.memoryUsage();
  for (let i = 0; i < pods; i++) {
    const ip = `172.26.${(i + 3) >> 8}.${(i + 3) & 255}`;
    await startPod(emu.runtimeFor(i % 2 === 0 ? 'k8s-node1' : 'k8s-node2'), sandbox(`web-${i}`, ip, 'big', 16), 'dumlutimuralp/nsx-demo');
  }
  // Let gratuitous ARPs and the like drain before measuring.
  await new Promise((r) => setTimeout(r, 200));
  gc();
  gc();
  const m1 = process.memoryUsage();
  const running = emu.runtimeFor('k8s-node1').pods().length + emu.runtimeFor('k8s-node2').pods().length;
  if (running !== pods + 1) throw new Error(`expected ${pods + 1} pods, have ${running}`);
  console.log(
    `memory per pod (${pods} pods with a running demo web server): ${fmt((m1.heapUsed - m0.heapUsed) / pods)} bytes of JS heap ` +
      `(IP stack, eth0, br-int port, LS bindings, link, listener, container record, log ring) + ` +
      `${fmt((m1.arrayBuffers - m0.arrayBuffers) / pods)} bytes of array buffers`,
  );
  await emu.stop();
}

await throughput();
await memory();
clearInterval(keepAlive);
