// 10,000 LoadBalancer VIPs advertised to a real gobgpd on 127.0.0.1 through the whole
// advertiser path: API server (in-process) -> Services informer -> VipAdvertiser ->
// Speaker over TCP -> gobgpd's RIB.
//   node --import tsx bench/bgp/lb-advertise-bench.ts [count]
// Scenarios:
//   live     advertiser running, session up; N Services are created and given a VIP
//            (status.loadBalancer.ingress, plus the NSX uplink which must not be advertised):
//            time from the first write to N destinations in gobgpd (and from the last write)
//   restart  a fresh startTier0Bgp with the N Services already in the API server:
//            start -> LIST + set + TCP/OPEN (gobgpd refuses reconnects ~5 s) + full table -> N
// "in RIB" is polled with `gobgp global rib summary` (a CLI process per poll).
import { performance } from 'node:perf_hooks';
import type { Service } from '../../src/api/index.js';
import { startTestServer, TOKEN } from '../../src/apiserver/_test-server.js';
import { Resources, RestClient } from '../../src/client/index.js';
import { startTier0Bgp, type Tier0Bgp } from '../../src/lb/advertise/index.js';
import { Gobgpd, gobgpdMissing } from '../../test/bgp/_gobgpd.js';

const N = Number(process.argv[2] ?? 10_000);
const missing = gobgpdMissing();
if (missing !== undefined) {
  console.error(missing);
  process.exit(1);
}
// 10.190.0.0/16 holds 65,536 VIPs: enough for the default and then some.
const vipOf = (i: number) => `10.190.${(i >> 8) & 255}.${i & 255}`;

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 180_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await probe()) return performance.now();
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const server = await startTestServer();
const client = new RestClient({ handler: server.api.http.handle, token: TOKEN });
const g = await Gobgpd.start({ as: 64512, routerId: '192.0.2.1', neighbors: [{ address: '127.0.0.1', peerAs: 65001, passive: true }] });
const start = async (): Promise<Tier0Bgp> => {
  const r = await startTier0Bgp({
    localAsn: 65001,
    routerId: '192.168.50.1',
    peers: [{ address: '127.0.0.1', port: g.bgpPort, asn: 64512 }],
    client,
    vipCidrs: ['10.190.0.0/16'],
    nextHop: '192.168.50.1',
    retry: { initialMs: 200, maxMs: 1000 },
  });
  if (!r.ok) throw new Error(r.error.join('; '));
  return r.value;
};
let bgp: Tier0Bgp | undefined;
try {
  bgp = await start();
  await bgp.advertiser.ready();
  await until('established', async () => bgp?.status().peers[0]?.state === 'Established', 20_000);

  const t0 = performance.now();
  const CONC = 64;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= N) return;
      const s = await client.create<Service>(Resources.services, 'default', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: `lb-${i}` },
        // NodePorts would run out after 2,768 Services; the LB path does not need them.
        spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, selector: { app: `lb-${i}` }, ports: [{ port: 80, protocol: 'TCP' }] },
      });
      await client.updateStatus<Service>(Resources.services, 'default', { ...s, status: { loadBalancer: { ingress: [{ ip: vipOf(i) }, { ip: '100.64.208.9' }] } } });
    }
  };
  await Promise.all(Array.from({ length: CONC }, worker));
  const tWritten = performance.now();
  const tRib = await until('all in RIB', async () => (await g.ribCount()) === N);
  const pushes = bgp.advertiser.pushes;
  const sent = bgp.speaker.status().peers[0];
  await bgp.stop();
  await until('gobgpd sees the session down', async () => (await g.neighborState('127.0.0.1')) !== 6, 20_000);
  await until('gobgpd RIB empty', async () => (await g.ribCount()) === 0, 20_000);

  const t1 = performance.now();
  bgp = await start();
  await bgp.advertiser.ready();
  const tListed = performance.now();
  let tEst = 0;
  const tRib2 = await until('full table in RIB', async () => {
    if (tEst === 0 && bgp?.status().peers[0]?.state === 'Established') tEst = performance.now();
    return (await g.ribCount()) === N;
  });

  console.log(`lb-advertise-bench: ${N} LoadBalancer Services -> ${N} /32s in gobgpd on 127.0.0.1, node ${process.version}`);
  console.log(`  live: create + status writes (${CONC} in flight)      ${(tWritten - t0).toFixed(0)} ms (${((N / (tWritten - t0)) * 1000).toFixed(0)} Services/s)`);
  console.log(`  live: first write -> ${N} in RIB                   ${(tRib - t0).toFixed(0)} ms`);
  console.log(`  live: last write -> ${N} in RIB                    ${(tRib - tWritten).toFixed(0)} ms  (${pushes} set() calls, ${sent?.updatesSent ?? 0} UPDATEs)`);
  console.log(`  restart: start -> Services listed + set()          ${(tListed - t1).toFixed(0)} ms`);
  console.log(`  restart: Established -> ${N} in RIB                ${tEst === 0 ? 'n/a' : (tRib2 - tEst).toFixed(0)} ms`);
  console.log(`  restart: start -> ${N} in RIB                      ${(tRib2 - t1).toFixed(0)} ms (includes gobgpd's ~5 s reconnect refusal)`);
} finally {
  await bgp?.stop();
  await g.dispose();
  client.close();
  await server.close();
}
