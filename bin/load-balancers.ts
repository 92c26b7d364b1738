// The LoadBalancer implementations of each lab, and their views:
//   NSX lab: the NSX load balancer on its own Tier-1 service router on the edge
//            (`svcnet edge get logical-router`, `svcnet edge vrf N get interfaces`,
//            `svcnet lb get virtual-servers|pools`).
import type { RestClient } from '../src/client/index.js';
import type { Logger } from '../src/core/index.js';
import { formatLogicalRouters, formatPools, formatVirtualServers, formatVrfInterfaces, NsxLoadBalancer } from '../src/lb/index.js';
import type { RunningEmulator } from './emulator.js';
import { withNewline } from './emulator-views.js';

export interface RunningLoadBalancer {
  ready(): Promise<void>;
  stop(): void;
}

/** The article's load balancer: lb-k8s-testcluster1-cyjfb, VIPs on its Tier-1's loopback. */
export function startNsxLoadBalancer(emulator: RunningEmulator, client: RestClient, log: Logger): RunningLoadBalancer {
  const lb = new NsxLoadBalancer({ client, lab: emulator.lab, suffix: 'cyjfb', log });
  lb.start();
  const edgeOpts = () => ({ edge: lb.edge, clusterName: lb.build.clusterName });
  const views = emulator.views;
  views.addView('edge-logical-router', () => ({ ok: true, stdout: withNewline(formatLogicalRouters(emulator.lab, edgeOpts())) }));
  views.addView('edge-vrf-interfaces', (a) => {
    const r = formatVrfInterfaces(emulator.lab, Number(a['vrf']), edgeOpts());
    return r.ok ? { ok: true, stdout: withNewline(r.value) } : { ok: false, error: `% VRF ${a['vrf'] ?? '?'} not found (VRFs on this edge: ${r.error.known.join(', ')}; see svcnet edge get logical-router)` };
  });
  views.addView('lb-virtual-servers', () => ({ ok: true, stdout: withNewline(formatVirtualServers(lb.model())) }));
  views.addView('lb-pools', () => ({ ok: true, stdout: withNewline(formatPools(lb.model(), lb.edge)) }));
  return { ready: () => lb.ready(), stop: () => lb.stop() };
}
