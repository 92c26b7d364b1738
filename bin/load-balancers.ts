// The LoadBalancer implementations of each lab, and their views:
//   NSX lab: the NSX load balancer on its own Tier-1 service router on the edge
//            (`svcnet edge get logical-router`, `svcnet edge vrf N get interfaces`,
//            `svcnet lb get virtual-servers|pools`).
//   kube-proxy lab: an external L4 load balancer on the edge router (the article's "Generic
//            K8S" LoadBalancer): VIPs on the edge's loopback, pool members NodeIP:NodePort,
//            one-arm with SNAT to the edge's node-network address 10.190.5.1.
import type { RestClient } from '../src/client/index.js';
import type { Logger } from '../src/core/index.js';
import { formatIPv4, parseCidr, type IPv4 } from '../src/core/index.js';
import { external, formatLogicalRouters, formatPools, formatVirtualServers, formatVrfInterfaces, NsxLoadBalancer } from '../src/lb/index.js';
import type { GenericEmulator } from './emulator-generic.js';
import type { EmulatorViews } from './emulator-views.js';
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

/** Columns: VIP:PORT PROTO SERVICE MEMBERS (the external load balancer has no NSX objects). */
function formatExternalVirtualServers(plan: external.ExternalPlan): string {
  const rows = plan.virtualServers.map((v) => [`${formatIPv4(v.vip)}:${v.port}`, v.protocol, v.service, String(v.members.length)]);
  return table(['VIRTUAL-SERVER', 'PROTOCOL', 'SERVICE', 'MEMBERS'], rows);
}

function formatExternalPools(plan: external.ExternalPlan, conns: readonly external.LbConnection[]): string {
  const rows: string[][] = [];
  for (const v of plan.virtualServers) {
    for (const m of v.members) {
      const n = conns.filter((c) => c.vip === v.vip && c.vport === v.port && c.member.ip === m.ip && c.member.port === m.port).length;
      rows.push([`${formatIPv4(v.vip)}:${v.port}`, `${formatIPv4(m.ip)}:${m.port}`, m.node, String(n)]);
    }
  }
  return table(['VIRTUAL-SERVER', 'MEMBER', 'NODE', 'CONNECTIONS'], rows);
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((w[i] ?? 0) + 3))).join('') + '\n';
  return line(head) + rows.map(line).join('');
}

/** The article's "Generic K8S" external load balancer, on the kube-proxy lab's edge router. */
export function startExternalLoadBalancer(emulator: GenericEmulator, views: EmulatorViews, client: RestClient, vipCidr: string, log: Logger): RunningLoadBalancer {
  const pool = parseCidr(vipCidr);
  if (!pool.ok || pool.value.family !== 4) throw new Error(`bad VIP pool ${vipCidr}`);
  const { base, prefix } = pool.value;
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  const lb = external.ExternalLoadBalancer.create({
    client,
    router: emulator.lab.edge,
    snatAddress: emulator.lab.edgeAddress,
    isVip: (ip: IPv4) => ((ip & mask) >>> 0) === base,
    log,
  });
  if (!lb.ok) throw new Error(`external load balancer: ${JSON.stringify(lb.error)}`);
  lb.value.start();
  views.addView('lb-virtual-servers', () => ({ ok: true, stdout: formatExternalVirtualServers(lb.value.plan) }));
  views.addView('lb-pools', () => ({ ok: true, stdout: formatExternalPools(lb.value.plan, lb.value.engine.connections()) }));
  return { ready: () => lb.value.ready(), stop: () => lb.value.stop() };
}
