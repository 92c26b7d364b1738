// Stale UDP conntrack entries. UDP has no connection teardown, so a conntrack entry that
// was DNATed to an endpoint keeps steering a client's datagrams (same 5-tuple, e.g. a
// resolver's fixed source port) to that endpoint after it is gone, until the entry
// times out. kube-proxy therefore clears, after programming, the entries of a UDP
// frontend whose reply source (the DNAT target) is an endpoint that stopped serving:
// `--orig-dst <frontend IP> --orig-port-dst <port> --reply-src <endpoint>` for ClusterIP,
// LoadBalancer and external IPs, and `--orig-port-dst <nodePort> --reply-src <endpoint>`
// for NodePorts (pkg/proxy/conntrack/cleanup.go). TCP needs nothing: a TCP peer that
// vanished resets or times the connection out.
import type { EndpointsChange } from './endpoints-change-tracker.js';
import type { ServiceChange } from './service-change-tracker.js';
import type { EndpointInfo, ServiceName, ServicePortInfo } from './types.js';

/** One conntrack flush request; all given fields must match. */
export interface StaleConntrackFlush {
  readonly proto: 'udp';
  /** Original destination (the frontend the client used) and its port. */
  readonly origDst?: string;
  readonly origDstPort?: number;
  /** The DNAT target (reply tuple source) and its port. */
  readonly natDst: string;
  readonly natDstPort?: number;
}

function frontends(p: ServicePortInfo): string[] {
  return [...p.clusterIPs, ...p.loadBalancerIPs, ...p.externalIPs];
}

function flushesFor(p: ServicePortInfo, gone: readonly EndpointInfo[], out: StaleConntrackFlush[]): void {
  for (const e of gone) {
    for (const ip of frontends(p)) out.push({ proto: 'udp', origDst: ip, origDstPort: p.port, natDst: e.ip, natDstPort: e.port });
    if (p.nodePort !== 0) out.push({ proto: 'udp', origDstPort: p.nodePort, natDst: e.ip, natDstPort: e.port });
  }
}

/**
 * Flushes for one sync: for every UDP port of a changed Service (or a Service whose
 * endpoints changed), the endpoints that were serving before and are not serving now;
 * for a removed port, every endpoint it had.
 */
export function staleUdpFlushes(
  serviceChanges: ReadonlyMap<ServiceName, ServiceChange>,
  endpointChanges: ReadonlyMap<ServiceName, EndpointsChange>,
  portsNow: (service: ServiceName) => readonly ServicePortInfo[],
  endpointsNow: (service: ServiceName) => ReadonlyMap<string, readonly EndpointInfo[]>,
): StaleConntrackFlush[] {
  const out: StaleConntrackFlush[] = [];
  const names = new Set<ServiceName>([...serviceChanges.keys(), ...endpointChanges.keys()]);
  for (const svc of names) {
    const sc = serviceChanges.get(svc);
    const ec = endpointChanges.get(svc);
    const prevPorts = sc?.previous ?? portsNow(svc);
    const curPorts = new Map((sc?.current ?? portsNow(svc)).map((p) => [p.name, p]));
    const prevEps = ec?.previous ?? endpointsNow(svc);
    const curEps = ec?.current ?? endpointsNow(svc);
    for (const before of prevPorts) {
      if (before.protocol !== 'UDP') continue;
      const serving = (prevEps.get(before.name) ?? []).filter((e) => e.serving);
      if (serving.length === 0) continue;
      const after = curPorts.get(before.name);
      if (after === undefined) {
        flushesFor(before, serving, out);
        continue;
      }
      const still = new Set((curEps.get(before.name) ?? []).filter((e) => e.serving).map((e) => e.key));
      const gone = serving.filter((e) => !still.has(e.key));
      if (gone.length > 0) flushesFor(before, gone, out);
    }
  }
  return out;
}
