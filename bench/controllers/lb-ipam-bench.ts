// 5,000 LoadBalancer Services through the in-process API server and the lb-ipam controller:
// time from the first create until every Service shows an ingress address, and duplicates.
// NodePorts are not allocated (allocateLoadBalancerNodePorts: false): 5,000 exceed the 2,768-port range.
// Run: node --import tsx bench/controllers/lb-ipam-bench.ts [count]
import type { Service } from '../../src/api/index.js';
import { startApiServer } from '../../src/apiserver/api-server.js';
import { Resources, RestClient } from '../../src/client/index.js';
import { startControllers } from '../../src/controllers/index.js';
import { realClock } from '../../src/core/index.js';
import { MemoryStore } from '../../src/store/index.js';

const N = Number(process.argv[2] ?? 5000);
const server = await startApiServer({ store: new MemoryStore(), tokens: new Map([['tok', 'admin']]), port: 0, extraNamespaces: ['bench'] });
const client = new RestClient({ handler: server.http.handle, token: 'tok' });
const ctl = startControllers(client, { clock: realClock, controllers: ['lb-ipam'], lbIpam: { mode: 'nsx', defaultPool: { cidrs: ['10.190.0.0/18'], avoidBuggyIPs: true } } });
await ctl.synced;

const svc = (i: number): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: `lb-${i}`, namespace: 'bench' },
  spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, selector: { app: `a${i}` }, ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] },
});

const t0 = performance.now();
const CONC = 32;
let next = 0;
await Promise.all(
  Array.from({ length: CONC }, async () => {
    while (next < N) await client.create(Resources.services, 'bench', svc(next++));
  }),
);
const created = performance.now();
let items: Service[] = [];
for (;;) {
  items = (await client.list<Service>(Resources.services, 'bench')).items;
  const done = items.filter((s) => (s.status?.loadBalancer?.ingress ?? []).length > 0).length;
  if (done === N) break;
  if (performance.now() - t0 > 300_000) throw new Error(`timed out with ${done}/${N}`);
  await new Promise((r) => setTimeout(r, 50));
}
const allDone = performance.now();
const vips = items.map((s) => s.status?.loadBalancer?.ingress?.[0]?.ip ?? '');
const dups = vips.length - new Set(vips).size;
console.log(`lb-ipam: ${N} LoadBalancer Services (nsx mode, pool 10.190.0.0/18, in-process API server)`);
console.log(`  creates done:          ${(created - t0).toFixed(0)} ms`);
console.log(`  all have ingress:      ${(allDone - t0).toFixed(0)} ms after first create`);
console.log(`  duplicate VIPs:        ${dups}`);
console.log(`  uplink on every svc:   ${items.every((s) => s.status?.loadBalancer?.ingress?.[1]?.ip === '100.64.208.9')}`);
await ctl.stop();
client.close();
await server.close();
