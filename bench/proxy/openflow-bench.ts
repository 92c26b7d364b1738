// NSX kube proxy, OpenFlow render: how long a full render takes and how long a one-
// endpoint change takes to reach the bridge with 10,000 Services loaded.
//
//  1. full render: 10,000 Services x 10 endpoints (one TCP port each) -> fragments
//     (flows + select groups), from the model as the trackers hold it (projection and
//     tracking are not counted; they happen as events arrive, not at sync time);
//  2. full sync: the same through NsxProxier.sync() into an empty in-memory BridgeProgram
//     (render + diff against nothing + 10,000 group adds + 20,000 flow adds);
//  3. partial sync: one endpoint of one Service replaced, with 10,000 Services loaded:
//     checkout -> render the touched Service -> diff -> one group modify into the bridge.
//
// Targets (issue): full render <= 300 ms, partial sync <= 5 ms.
//
// Times are wall clock and CPU time of this process (process.cpuUsage, includes GC
// helper threads); the 1-minute load average is printed first, because on a shared
// machine wall-clock figures mostly measure the neighbours.
// Run: node --import tsx bench/proxy/openflow-bench.ts [--quick]
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { BridgeProgram } from '../../src/dataplane/openflow/index.js';
import { bridgeProgramProgrammer } from '../../src/proxy/apply/bridge-programmer.js';
import { ProgramApplier } from '../../src/proxy/apply/program-applier.js';
import { RecordingProgrammer, describeMod } from '../../src/proxy/apply/recording-programmer.js';
import { buildService, buildSlice } from '../../src/proxy/model/builders.js';
import { EndpointsChangeTracker } from '../../src/proxy/model/endpoints-change-tracker.js';
import { projectEndpointSlice, projectService } from '../../src/proxy/model/project.js';
import { ServiceChangeTracker } from '../../src/proxy/model/service-change-tracker.js';
import type { EndpointSliceInfo, ServiceInfo } from '../../src/proxy/model/types.js';
import { NsxProxier } from '../../src/proxy/nsx-proxier.js';
import { OpenFlowCompiler, renderProgram } from '../../src/proxy/render/openflow/compiler.js';
import { flattenProgram, loadProgram } from '../../src/proxy/render/openflow/program.js';

const quick = process.argv.includes('--quick');
const SERVICES = quick ? 2000 : 10_000;
const ENDPOINTS = 10;
const NODE = { name: 'node-0', nodeIPs: ['10.190.5.11'], zone: '' };
const UPLINK = { name: 'ens192', ofport: 1 };

const ip = (base: number, i: number) => {
  const n = base + i;
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
};
const VIP_BASE = (10 << 24) | (96 << 16);
const POD_BASE = (172 << 24) | (16 << 16);

function service(i: number): ServiceInfo {
  return projectService(buildService({ namespace: `ns${i % 50}`, name: `svc-${i}`, clusterIP: ip(VIP_BASE, i + 1), ports: [{ name: 'http', port: 80, targetPort: 8080 }] }));
}

/** Generation g > 0 replaces the first endpoint by another address (one endpoint change). */
function slice(i: number, generation = 0): EndpointSliceInfo {
  const epIP = (e: number) => ip(POD_BASE, i * 16 + (e === 0 && generation > 0 ? 11 + (generation % 4) : e));
  return projectEndpointSlice(
    buildSlice({
      namespace: `ns${i % 50}`,
      service: `svc-${i}`,
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
      endpoints: Array.from({ length: ENDPOINTS }, (_v, e) => ({ ip: epIP(e), node: `node-${e % 3}` })),
    }),
  );
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => (s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0).toFixed(3);
  return `median ${q(0.5)} ms, p90 ${q(0.9)} ms, p99 ${q(0.99)} ms, max ${(s.at(-1) ?? 0).toFixed(3)} ms (n=${s.length})`;
}

console.log(`load average (1 min) ${loadavg()[0]?.toFixed(1)} on ${(await import('node:os')).cpus().length} CPUs`);

// ---- model as the trackers hold it ------------------------------------------------------
const svcs = new ServiceChangeTracker();
const eps = new EndpointsChangeTracker(NODE.name);
const slices: EndpointSliceInfo[] = [];
for (let i = 0; i < SERVICES; i++) {
  svcs.update(undefined, service(i));
  const s = slice(i);
  slices.push(s);
  eps.update(undefined, s, 0);
}
svcs.checkout();
eps.checkout();
const endpointsOf = (p: { service: string; name: string }) => eps.endpointsOf(p.service).get(p.name) ?? [];

// ---- 1. full render ----------------------------------------------------------------------
{
  const compiler = new OpenFlowCompiler({ uplink: UPLINK });
  const names = [...svcs.serviceNames()];
  for (const n of names) for (const p of svcs.ports(n)) compiler.allocator.acquire(p.name);
  const runs: number[] = [];
  const cpu: number[] = [];
  let flows = 0;
  let groups = 0;
  for (let r = 0; r < (quick ? 3 : 7); r++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    const frags = renderProgram({ node: NODE, uplink: UPLINK, services: names.map((name) => ({ name, ports: svcs.ports(name) })), endpointsOf }, (k) => compiler.allocator.get(k));
    runs.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
    flows = frags.reduce((n, f) => n + f.flows.length, 0);
    groups = frags.reduce((n, f) => n + f.groups.length, 0);
  }
  console.log(`full render, ${SERVICES} services x ${ENDPOINTS} endpoints -> ${flows} flows, ${groups} groups`);
  console.log(`  wall: first ${runs[0]?.toFixed(1)} ms, best ${Math.min(...runs).toFixed(1)} ms, ${stats(runs)}`);
  console.log(`  cpu:  first ${cpu[0]?.toFixed(1)} ms, best ${Math.min(...cpu).toFixed(1)} ms, median ${[...cpu].sort((a, b) => a - b)[Math.floor(cpu.length / 2)]?.toFixed(1)} ms`);
  {
    // For scale: what the dataplane itself needs to install that program (no proxy code).
    const frags = renderProgram({ node: NODE, uplink: UPLINK, services: names.map((name) => ({ name, ports: svcs.ports(name) })), endpointsOf }, (k) => compiler.allocator.get(k));
    const flat = flattenProgram(frags);
    const c0 = cpuMs();
    const t0 = performance.now();
    loadProgram(flat, 0);
    console.log(`  for scale: installing it into an empty BridgeProgram alone (dataplane, no proxy code): ${(performance.now() - t0).toFixed(1)} ms wall, ${(cpuMs() - c0).toFixed(1)} ms cpu`);
    // The applier's own share: a first apply to a bridge that accepts everything and does nothing.
    const nop = { flowMod: () => ({ ok: true as const, value: undefined }), groupMod: () => ({ ok: true as const, value: undefined }) };
    const applier = new ProgramApplier({ programmer: nop });
    const c1 = cpuMs();
    const t1 = performance.now();
    applier.apply({ kind: 'full', fragments: new Map(frags.map((f) => [f.key, f])) });
    console.log(`  applier alone (diff against nothing, 30,006 mods to a no-op bridge): ${(performance.now() - t1).toFixed(1)} ms wall, ${(cpuMs() - c1).toFixed(1)} ms cpu`);
  }
}

// ---- 2 + 3. full sync into a bridge, then partial syncs ------------------------------------------
{
  let now = 0;
  const program = new BridgeProgram();
  const rec = new RecordingProgrammer(bridgeProgramProgrammer(program, () => now));
  const proxier = new NsxProxier({ nodeName: NODE.name, nodeIPs: NODE.nodeIPs, uplink: UPLINK, programmer: rec, clock: { now: () => now, setTimeout: () => ({ id: 0 }), clearTimeout: () => {} } });
  for (let i = 0; i < SERVICES; i++) {
    proxier.onServiceUpdate(undefined, service(i));
    proxier.onEndpointSliceUpdate(undefined, slices[i], 0);
  }
  const c0 = cpuMs();
  const t0 = performance.now();
  const full = proxier.sync();
  const fullMs = performance.now() - t0;
  const fullCpu = cpuMs() - c0;
  if (full.outcome.kind !== 'applied') throw new Error('full sync failed');
  console.log(
    `full sync into an empty bridge: ${fullMs.toFixed(1)} ms wall, ${fullCpu.toFixed(1)} ms cpu (${full.outcome.stats.flowAdds} flow adds, ${full.outcome.stats.groupAdds} group adds; bridge holds ${program.flowCount()} flows, ${program.groupList().length} groups)`,
  );
  rec.take();

  const runs: number[] = [];
  const c1 = cpuMs();
  const N = quick ? 100 : 500;
  let lastMods: string[] = [];
  for (let r = 0; r < N; r++) {
    const i = (r * 7919) % SERVICES;
    const prev = slices[i] as EndpointSliceInfo;
    const next = slice(i, r + 1);
    slices[i] = next;
    now += 1;
    proxier.onEndpointSliceUpdate(prev, next, now);
    const t = performance.now();
    const res = proxier.sync();
    runs.push(performance.now() - t);
    if (res.outcome.kind !== 'applied' || res.kind !== 'partial') throw new Error('partial sync failed');
    lastMods = rec.take().map(describeMod);
  }
  const cpuEach = (cpuMs() - c1) / N;
  console.log(`partial sync (one endpoint replaced, ${SERVICES} services loaded): wall ${stats(runs)}`);
  console.log(`  cpu per sync (incl. building the changed slice): ${cpuEach.toFixed(3)} ms; mods sent by the last one: ${lastMods.join(', ')}`);
}
